// What a kernel load expression reads, as the selector nft prints: a
// payload's base, offset and length (with the network and transport
// protocols the rule has established before it), a meta key, a ct key, a
// fib, rt or socket key. Tables, one row per field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/netlink/netlink_values.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::netlink {

// What a register holds after a load: the selector, how its bytes read, and
// for a shortened address load (nft loads 2 bytes of `ip saddr` for a /16)
// the prefix it tests.
struct Loaded {
  nft::Expr selector;
  ValueKind kind = ValueKind::kRaw;
  std::uint32_t length = 0;  // bytes loaded
  std::uint32_t full_length = 0;  // the field's length (an address's 4 or 16)
  // A host-order kind converted to network order (`byteorder hton`) for a
  // range, a relational cmp or an interval set lookup.
  bool network_order = false;
  // Payload loads: where they read (for splitting a merged load).
  std::optional<std::uint32_t> base;
  std::uint32_t offset = 0;
};

// The protocols established by the rule's earlier matches (`meta nfproto
// ipv4`, `meta l4proto tcp`, `ip protocol 6`), or the table's family.
struct PayloadContext {
  std::string network;        // "ip", "ip6", "" (unknown: inet, bridge, netdev before a dependency)
  std::optional<int> transport;  // 6, 17, ...
};

// A payload load as nft names it: `ip saddr`, `tcp dport`, `th dport`,
// `ether type`; a field the table lacks as a raw `@nh,96,32`.
Loaded PayloadSelector(std::uint32_t base, std::uint32_t offset, std::uint32_t length, const PayloadContext& ctx);

// A merged payload load (nft loads `udp sport 68 udp dport 67` as one 4-byte
// load) as the fields that tile it, in order; empty when no fields do.
std::vector<Loaded> SplitPayload(std::uint32_t base, std::uint32_t offset, std::uint32_t length,
                                 const PayloadContext& ctx);

// A meta key (NFT_META_*) as nft names it: `meta l4proto`, `iifname`, ...
Loaded MetaSelector(std::uint32_t key, std::uint32_t length);
// A ct key (NFT_CT_*), with its direction when given (`ct original saddr`).
Loaded CtSelector(std::uint32_t key, std::optional<std::uint8_t> direction, std::uint32_t length,
                  const PayloadContext& ctx);
// fib FLAGS RESULT (`fib daddr type`, `fib saddr . iif oif`).
Loaded FibSelector(std::uint32_t flags, std::uint32_t result, std::uint32_t length);
// rt KEY, socket KEY.
Loaded RtSelector(std::uint32_t key, std::uint32_t length);
Loaded SocketSelector(std::uint32_t key, std::uint32_t length);
// exthdr: an IPv6 extension header field, a TCP/IP option, an SCTP chunk.
Loaded ExthdrSelector(std::uint32_t op, std::uint32_t type, std::uint32_t offset, std::uint32_t length, bool present);

nft::Expr Selector(std::string protocol, std::string field);

}  // namespace ghostport::parsers::netlink
