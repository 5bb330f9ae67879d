#include "audit/routes.h"

#include <ostream>

namespace ghostport::audit {

namespace {

// Linux interface names: 1 to 15 bytes, no '/', no whitespace, not "." or "..".
bool ValidInterfaceName(const std::string& name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (c == '/' || c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<rules::Route>> ParseRoutes(const std::vector<std::string>& specs, std::ostream& err) {
  std::vector<rules::Route> routes;
  for (const std::string& spec : specs) {
    const auto eq = spec.rfind('=');
    if (eq == std::string::npos) {
      err << "error: --route " << spec << ": expected PREFIX=INTERFACE, e.g. 172.17.0.0/16=docker0\n";
      return std::nullopt;
    }
    const std::string prefix = spec.substr(0, eq);
    const std::string name = spec.substr(eq + 1);
    const rules::Family family =
        prefix.find(':') != std::string::npos ? rules::Family::kIpv6 : rules::Family::kIpv4;
    const std::optional<rules::Cidr> cidr = rules::ParseCidr(family, prefix);
    if (!cidr) {
      err << "error: --route " << spec << ": '" << prefix << "' is not an address or prefix\n";
      return std::nullopt;
    }
    if (!ValidInterfaceName(name) || name.back() == '+') {
      err << "error: --route " << spec << ": '" << name << "' is not an interface name\n";
      return std::nullopt;
    }
    routes.push_back({*cidr, name});
  }
  return routes;
}

}  // namespace ghostport::audit
