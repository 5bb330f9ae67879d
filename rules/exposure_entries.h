// The exposure as a list of entries for reports: one entry per family,
// protocol, destination-port interval, and everything else that differs
// (sources, interfaces, deciding rules, conditions). Canonical: the same
// exposure always gives the same entries in the same order, however the
// engine happened to cut its regions.
#pragma once

#include <string>
#include <vector>

#include "rules/exposure.h"
#include "rules/protocols.h"

namespace ghostport::rules {


struct ExposureEntry {
  Family family = Family::kIpv4;
  // A port protocol, or (other_protocols) every protocol in `protocols`,
  // which carry no ports: from/to are then 0-65535.
  std::uint8_t protocol = 0;
  bool other_protocols = false;
  ProtocolSet protocols;
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  AddressSet sources;
  PortSet source_ports;       // all, unless the rule names source ports
  AddressSet destinations;    // all, unless the rule names destinations
  AtomSet interfaces;
  std::vector<RuleRef> rules;  // the accepting rule (or policy) of each base chain
  bool conditional = false;
  std::vector<Guard> guards;   // conditions and caveats, in walk order
};

std::vector<ExposureEntry> ListEntries(const Exposure& exposure);

}  // namespace ghostport::rules
