#include "audit/commands/ports_summary.h"

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "audit/findings.h"
#include "audit/reports/json_output.h"
#include "parsers/input_format.h"
#include "rules/protocols.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;
using rules::ExposureEntry;

// Who reaches an opening: the four scopes of findings, then loopback only.
constexpr int kGroups = 5;
constexpr std::array<const char*, kGroups> kGroupText = {"open to any source", "open to public addresses",
                                                        "open to private ranges", "open to single hosts",
                                                        "loopback only"};
constexpr std::array<const char*, kGroups> kGroupKey = {"any", "public", "private", "hosts", "loopback"};

// One scope's summary: per group, per protocol, the ports (port-less
// protocols under their names with every "port").
struct Group {
  std::map<std::string, rules::PortSet> ports;  // port protocols by name
  rules::ProtocolSet others;                    // port-less protocols
};
struct ScopeSummary {
  std::array<Group, kGroups> groups;
  std::size_t conditional = 0;
};

std::string Ports(const rules::PortSet& p) { return p.IsAll() ? "all ports" : rules::FormatPortSet(p); }

// "every port of every protocol", or "tcp 22,80; udp 53; other protocols: icmp, gre".
std::string GroupText(const Group& g) {
  bool everything = g.others.Union(rules::PortProtocolSet()).IsAll();
  for (std::uint8_t p : rules::PortProtocols()) {
    const auto at = g.ports.find(rules::ProtocolName(p));
    everything = everything && at != g.ports.end() && at->second.IsAll();
  }
  if (everything) return "every port of every protocol";
  std::string line;
  for (const auto& [proto, ports] : g.ports) line += (line.empty() ? "" : "; ") + proto + " " + Ports(ports);
  if (!g.others.empty()) {
    std::string names;
    std::size_t n = 0;
    for (const auto& iv : g.others.intervals()) {
      for (unsigned p = iv.lo; p <= iv.hi; ++p, ++n) {
        if (n < 5) names += (names.empty() ? "" : ", ") + rules::ProtocolName(static_cast<std::uint8_t>(p));
      }
    }
    line += (line.empty() ? "" : "; ") + std::string("other protocols: ") + names + (n > 5 ? ", … (" + std::to_string(n) + ")" : "");
  }
  return line.empty() ? "nothing" : line;
}

}  // namespace

void WritePortsSummary(const LoadedInputs& in, const rules::Exposure& exposure,
                       const std::vector<ExposureEntry>& entries, OutputFormat format, std::ostream& out) {
  std::vector<std::pair<const rules::FamilyExposure*, ScopeSummary>> scopes;
  for (const rules::FamilyExposure& fam : exposure.families) {
    ScopeSummary s;
    for (const ExposureEntry& e : entries) {
      if (e.family != fam.family || e.profile != fam.scope.profile || !rules::Connects(e)) continue;
      if (e.conditional) {
        ++s.conditional;
        continue;
      }
      const int group = exposure.interfaces.IsLoopbackOnly(e.interfaces) ? 4 : static_cast<int>(ScopeOf(e.sources));
      Group& into = s.groups[group];
      if (e.other_protocols) {
        into.others = into.others.Union(e.protocols);
      } else {
        rules::PortSet& ports = into.ports[rules::ProtocolName(e.protocol)];
        ports = ports.Union(rules::PortSet::Range(e.from, e.to));
      }
    }
    scopes.emplace_back(&fam, std::move(s));
  }
  if (format == OutputFormat::kJson) {
    ordered_json list = ordered_json::array();
    for (const auto& [fam, s] : scopes) {
      ordered_json j;
      j["family"] = rules::FamilyName(fam->family);
      if (!fam->scope.profile.empty()) j["profile"] = fam->scope.profile;
      for (int g = 0; g < kGroups; ++g) {
        ordered_json by_proto = ordered_json::object();
        for (const auto& [proto, ports] : s.groups[g].ports) by_proto[proto] = rules::FormatPortSet(ports);
        ordered_json others = ordered_json::array();
        for (const auto& iv : s.groups[g].others.intervals()) others.push_back({iv.lo, iv.hi});
        j[kGroupKey[g]] = {{"ports", std::move(by_proto)}, {"other_protocols", std::move(others)}};
      }
      j["conditional_openings"] = s.conditional;
      list.push_back(std::move(j));
    }
    out << JsonText(ordered_json{{"summary", std::move(list)}}, 2) << "\n";
    return;
  }
  out << "ghostport ports --summary: ";
  for (std::size_t i = 0; i < in.inputs.size(); ++i) {
    out << (i ? ", " : "") << in.inputs[i].path << " (" << parsers::InputFormatName(in.inputs[i].format) << ")";
  }
  out << "\n";
  for (const auto& [fam, s] : scopes) {
    out << "\n" << rules::FamilyName(fam->family);
    if (!fam->scope.profile.empty()) out << " (" << fam->scope.profile << " profile)";
    out << ":\n";
    for (int g = 0; g < kGroups; ++g) out << "  " << kGroupText[g] << ": " << GroupText(s.groups[g]) << "\n";
    if (s.conditional > 0) {
      out << "  conditional: " << s.conditional << (s.conditional == 1 ? " opening" : " openings")
          << " that may be open (ghostport ports lists them with what they depend on)\n";
    }
  }
}

}  // namespace ghostport::audit
