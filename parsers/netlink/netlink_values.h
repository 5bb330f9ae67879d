// Kernel data as the values the nftables lowering reads: the bytes of a
// register, a cmp's data or a set element, interpreted by what was loaded.
// Ports and protocol numbers in decimal, IPv4 dotted, IPv6 RFC 5952,
// interface names quoted (a name without its NUL is nft's `eth*`), conntrack
// states and TCP flags as names, marks in hex as nft lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::netlink {

using Bytes = std::vector<std::uint8_t>;

enum class ValueKind : std::uint8_t {
  kInteger,      // network byte order, decimal (ports, lengths, ttl)
  kHostInteger,  // host byte order, decimal (meta l4proto, skuid, cpu)
  kHex,          // host byte order, hex (marks, priorities)
  kIpv4,
  kIpv6,
  kIfname,       // NUL-padded, 16 bytes
  kIfindex,      // host byte order; named when the interface exists here
  kNfproto,      // ipv4 / ipv6
  kEthertype,    // network byte order: ip, ip6, arp, vlan
  kCtState,      // host byte order bits: invalid, established, related, new, untracked
  kCtStatus,     // host byte order bits: expected, seen-reply, assured, confirmed, snat, dnat, dying
  kCtDirection,  // original / reply
  kTcpFlags,     // fin syn rst psh ack urg ecn cwr
  kAddrType,     // fib's address types: local, unicast, ...
  kLladdr,       // aa:bb:cc:dd:ee:ff
  kBoolean,      // exists / missing
  kRaw,          // hex of the bytes as they are
};

// A value of `kind` (flags kinds with several bits set: a kList of names).
nft::Expr ValueExpr(ValueKind kind, const Bytes& data);
// The names of the bits of a flags kind (kCtState, kCtStatus, kTcpFlags).
std::vector<std::string> FlagNames(ValueKind kind, std::uint32_t bits);
// A flags kind's value as a number (host or network order as the kind is).
std::uint32_t FlagBits(ValueKind kind, const Bytes& data);
bool IsFlagKind(ValueKind kind);
bool IsAddressKind(ValueKind kind);

// The kinds whose bytes are the CPU's order (kHostInteger, kHex, kIfindex,
// the conntrack flags, ...). nft converts such a value to network order
// where the kernel compares bytes as numbers: a register before a range, a
// relational cmp or an interval set lookup (`byteorder hton`), and the keys
// of an interval set. ToHostOrder undoes that for reading.
bool IsHostOrderKind(ValueKind kind);
Bytes ToHostOrder(const Bytes& network_order);

// [lo, hi] as a value (lo == hi), a prefix (an address block) or a range.
nft::Expr IntervalExpr(ValueKind kind, const Bytes& lo, const Bytes& hi);

// The leading one bits of a mask when it is a prefix mask (ones then zeros).
std::optional<int> PrefixLength(const Bytes& mask);

// nft's data types, by the kernel's type id (nft's datatype numbering,
// stored in a set's key and data type): name, value kind and length.
struct DataType {
  std::uint32_t id;
  std::string_view name;
  ValueKind kind;
  std::uint32_t length;  // bytes; 0 when it varies
};
const DataType* DataTypeOf(std::uint32_t id);
// A concatenated type id (6 bits per component, the first component in the
// highest bits) as its components, first first.
std::vector<std::uint32_t> ConcatComponents(std::uint32_t id);

nft::Expr Value(std::string text, bool quoted = false);

}  // namespace ghostport::parsers::netlink

namespace ghostport::parsers::netlink {

// A verdict code (NF_ACCEPT, NF_DROP, NFT_JUMP, ...) with its chain, as a
// map's value: `accept`, `jump web`.
nft::Expr VerdictExpr(int code, const std::string& chain);

}  // namespace ghostport::parsers::netlink
