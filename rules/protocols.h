// IP protocol numbers and their names: one table for every front end and
// report. Built in (never the host's /etc/protocols), so a ruleset reads and
// prints the same everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rules/interval_set.h"

namespace ghostport::rules {

// "tcp" → 6, "ipv6-icmp" and "icmpv6" → 58. Case-insensitive. Names only:
// numbers, and front-end words such as iptables' "all", are the caller's.
std::optional<std::uint8_t> ProtocolNumber(std::string_view name);
// The canonical name of a protocol number ("tcp", "icmpv6"), or nullptr.
const char* CanonicalProtocolName(std::uint8_t number);
// For reports: the canonical name, or the number when it has none.
std::string ProtocolName(std::uint8_t number);
// The protocols whose packets carry 16-bit ports: tcp, udp, dccp, sctp, udplite.
std::span<const std::uint8_t> PortProtocols();
// The same as a set.
ProtocolSet PortProtocolSet();
bool HasPorts(std::uint8_t number);

}  // namespace ghostport::rules
