// A ruleset's exposure as location-free lines (family, protocol, ports,
// sources, destinations, source ports, interfaces, whether it connects, is
// conditional or forwarded), sorted: what two front ends must agree on when
// they read one ruleset (text and JSON dumps, a file and the live kernel).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "rules/address.h"
#include "rules/exposure.h"
#include "rules/exposure_entries.h"
#include "rules/model.h"

namespace ghostport::parsers::testing {

inline std::vector<std::string> ExposureLines(const rules::Ruleset& rs) {
  rules::Exposure ex = rules::ComputeExposure(rs);
  std::vector<std::string> out;
  for (const auto& e : rules::ListEntries(ex)) {
    std::string line = std::string(rules::FamilyName(e.family)) + " " + std::to_string(e.protocol) + " " +
                       std::to_string(e.from) + "-" + std::to_string(e.to) + " from";
    for (const auto& c : e.sources.ToCidrs()) line += " " + rules::FormatCidr(c);
    line += " to";
    for (const auto& c : e.destinations.ToCidrs()) line += " " + rules::FormatCidr(c);
    line += " sports " + rules::FormatPortSet(e.source_ports) + " on";
    for (const auto& i : ex.interfaces.Describe(e.interfaces)) line += " " + i;
    line += std::string(rules::Connects(e) ? " connects" : " no-connection") + (e.conditional ? " conditional" : "") +
            (e.forward ? " forward" : "");
    out.push_back(std::move(line));
  }
  for (const auto& a : ex.errors) out.push_back("engine error: " + a.message);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ghostport::parsers::testing
