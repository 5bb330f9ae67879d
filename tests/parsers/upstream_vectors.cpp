#include "tests/parsers/upstream_vectors.h"

#include <fstream>
#include <sstream>

namespace ghostport::parsers::testing {
namespace {

std::vector<std::string> Split(const std::string& s, char separator) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, separator)) out.push_back(item);
  if (!s.empty() && s.back() == separator) out.emplace_back();
  return out;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

bool IsIptablesVectorFile(const std::string& name) {
  if (name.size() < 2 || name.substr(name.size() - 2) != ".t") return false;
  return name == "iptables.t" || StartsWith(name, "libxt_") || StartsWith(name, "libipt_") ||
         StartsWith(name, "libip6t_");
}

UpstreamVectorFile ReadUpstreamVectors(const std::filesystem::path& path) {
  UpstreamVectorFile out;
  out.name = path.filename().string();
  out.family = StartsWith(out.name, "libip6t_") ? rules::Family::kIpv6 : rules::Family::kIpv4;
  std::ifstream in(path);
  std::string table = "filter";
  std::vector<std::string> chains;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '%' || line[0] == '@') {
      ++out.external_commands;
      continue;
    }
    if (line[0] == '*') {
      table = line.substr(1);
      continue;
    }
    if (line[0] == ':') {
      chains = Split(line.substr(1), ',');
      continue;
    }
    const std::vector<std::string> fields = Split(line, ';');
    if (fields.size() < 3 || (fields[2] != "OK" && fields[2] != "FAIL") || chains.empty()) {
      out.malformed.push_back(out.name + ":" + std::to_string(number) + ": " + line);
      continue;
    }
    UpstreamVector v;
    v.file = out.name;
    v.line = number;
    v.table = table;
    v.chains = chains;
    v.rule = fields[0];
    v.ok = fields[2] == "OK";
    if (fields.size() > 3) v.mode = fields[3];
    out.vectors.push_back(std::move(v));
  }
  return out;
}

}  // namespace ghostport::parsers::testing
