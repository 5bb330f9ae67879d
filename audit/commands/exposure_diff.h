// What a change opens and closes: two exposures compared as sets of
// (family, protocol, destination port, interfaces) × source addresses.
// Exact on those fields: an entry that widens a port range or a source set
// shows only the new ports or sources as opened. Conditional flags, source
// ports and destination addresses are not compared (the findings diff says
// when a rule's conditions change, through its fingerprint); loopback-only
// openings and openings no connection can be made to (a SYN-ACK or ACK
// refused) are left out, as in the audit.
#pragma once

#include <string>
#include <vector>

#include "rules/exposure.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

struct ExposureChange {
  rules::Family family = rules::Family::kIpv4;
  std::string profile;     // the Windows profile; empty for netfilter
  std::string proto;       // "tcp", ... or "other (icmp, gre, ...)" for port-less protocols
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  std::string interfaces;  // "any", "eth0", ... as the exposure describes them, joined for text
  std::vector<std::string> interface_list;  // the same, one item each (JSON: the shape ports uses)
  rules::AddressSet sources;
};

struct ExposureDiff {
  std::vector<ExposureChange> opened;  // in AFTER, not in BEFORE
  std::vector<ExposureChange> closed;  // in BEFORE, not in AFTER
};

ExposureDiff DiffExposures(const rules::Exposure& before, const std::vector<rules::ExposureEntry>& before_entries,
                           const rules::Exposure& after, const std::vector<rules::ExposureEntry>& after_entries);

}  // namespace ghostport::audit
