// Names netfilter front ends read: IP protocol names, service (port) names,
// TCP flag names, conntrack state names and address types. Each is a
// built-in table: the host's /etc/protocols and /etc/services are never
// read, so a ruleset reads the same everywhere. The service table holds common names only (see
// kServices in the .cpp); a name outside it is reported, never guessed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ghostport::parsers {

// "tcp" → 6, "ipv6-icmp" → 58, "all" → 0. Case-insensitive, as iptables
// lowercases protocol names. Names only: numbers are the caller's business.
std::optional<std::uint8_t> ProtocolNumber(std::string_view name);
// The canonical name of a protocol number ("tcp"), or nullptr.
const char* ProtocolName(std::uint8_t number);
// Whether the protocol carries 16-bit ports netfilter can match (tcp, udp,
// udplite, sctp, dccp).
bool ProtocolHasPorts(std::uint8_t number);

// "ssh" → 22, "https" → 443. Case-sensitive, as getservbyname is. The
// transport is not consulted: the table holds names whose number is the same
// for every transport they are registered for.
std::optional<std::uint16_t> ServicePort(std::string_view name);

// "SYN" → kTcpSyn, "ALL" → FIN|SYN|RST|PSH|ACK|URG, "NONE" → 0.
// Case-insensitive.
std::optional<std::uint8_t> TcpFlagBits(std::string_view name);

// "NEW" → kCtNew ... "UNTRACKED" → kCtUntracked. Case-insensitive. SNAT and
// DNAT (conntrack's virtual states) are CtNatBit's.
std::optional<std::uint8_t> CtStateBit(std::string_view name);
// "SNAT" → kCtNatSnat, "DNAT" → kCtNatDnat. Case-insensitive.
std::optional<std::uint8_t> CtNatBit(std::string_view name);

// "LOCAL" → kAddrLocal ... (rules::AddrType), the routing table's address
// types as addrtype and nft's fib name them. Case-insensitive.
std::optional<std::uint16_t> AddrTypeBit(std::string_view name);
// The name of one AddrType bit ("LOCAL").
const char* AddrTypeName(std::uint16_t bit);
// Whether the kernel can test the type for IPv6 (not BROADCAST, BLACKHOLE,
// PROHIBIT, THROW, NAT, XRESOLVE).
bool AddrTypeWorksForIpv6(std::uint16_t bit);

// An unsigned number written as C's strtoul with base 0 reads it ("22",
// "0x16", "026"), as xtables reads ports and protocol numbers; nullopt when
// malformed or above `max`.
std::optional<std::uint64_t> ParseXtablesNumber(std::string_view text, std::uint64_t max);

}  // namespace ghostport::parsers
