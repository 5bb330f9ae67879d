#include "parsers/netlink/netlink_values.h"

#include <array>
#include <bit>
#include <cstdio>
#include <cstring>

#include <net/if.h>

#include "rules/address.h"

namespace ghostport::parsers::netlink {

namespace {

struct FlagName {
  std::uint32_t bit;
  std::string_view name;
};

constexpr FlagName kCtStates[] = {
    {1, "invalid"}, {2, "established"}, {4, "related"}, {8, "new"}, {64, "untracked"},
};
constexpr FlagName kCtStatuses[] = {
    {1, "expected"}, {2, "seen-reply"}, {4, "assured"}, {8, "confirmed"}, {16, "snat"}, {32, "dnat"}, {512, "dying"},
};
constexpr FlagName kTcpFlagNames[] = {
    {0x01, "fin"}, {0x02, "syn"}, {0x04, "rst"}, {0x08, "psh"},
    {0x10, "ack"}, {0x20, "urg"}, {0x40, "ecn"}, {0x80, "cwr"},
};
// The routing table's route types (RTN_*), by number.
constexpr std::string_view kAddrTypes[] = {"unspec",    "unicast",     "local",    "broadcast",
                                           "anycast",   "multicast",   "blackhole", "unreachable",
                                           "prohibit",  "throw",       "nat",      "xresolve"};

// nft's data type ids (its datatype numbering, which the kernel stores
// without knowing what they mean).
constexpr DataType kDataTypes[] = {
    {1, "verdict", ValueKind::kRaw, 0},          {2, "nf_proto", ValueKind::kNfproto, 1},
    {3, "bitmask", ValueKind::kHex, 4},          {4, "integer", ValueKind::kHostInteger, 4},
    {5, "string", ValueKind::kIfname, 0},        {6, "ll_addr", ValueKind::kLladdr, 0},
    {7, "ipv4_addr", ValueKind::kIpv4, 4},       {8, "ipv6_addr", ValueKind::kIpv6, 16},
    {9, "ether_addr", ValueKind::kLladdr, 6},    {10, "ether_type", ValueKind::kEthertype, 2},
    {11, "arp_op", ValueKind::kInteger, 2},      {12, "inet_proto", ValueKind::kHostInteger, 1},
    {13, "inet_service", ValueKind::kInteger, 2}, {14, "icmp_type", ValueKind::kHostInteger, 1},
    {15, "tcp_flag", ValueKind::kTcpFlags, 1},   {16, "dccp_pkttype", ValueKind::kHostInteger, 1},
    {17, "mh_type", ValueKind::kHostInteger, 1}, {18, "time", ValueKind::kHostInteger, 8},
    {19, "mark", ValueKind::kHex, 4},            {20, "iface_index", ValueKind::kIfindex, 4},
    {21, "iface_type", ValueKind::kHostInteger, 2}, {22, "realm", ValueKind::kHex, 4},
    {23, "classid", ValueKind::kHex, 4},         {24, "uid", ValueKind::kHostInteger, 4},
    {25, "gid", ValueKind::kHostInteger, 4},     {26, "ct_state", ValueKind::kCtState, 4},
    {27, "ct_dir", ValueKind::kCtDirection, 1},  {28, "ct_status", ValueKind::kCtStatus, 4},
    {29, "icmpv6_type", ValueKind::kHostInteger, 1}, {30, "ct_label", ValueKind::kRaw, 16},
    {31, "pkt_type", ValueKind::kHostInteger, 1}, {32, "icmp_code", ValueKind::kHostInteger, 1},
    {33, "icmpv6_code", ValueKind::kHostInteger, 1}, {34, "icmpx_code", ValueKind::kHostInteger, 1},
    {35, "devgroup", ValueKind::kHex, 4},        {36, "dscp", ValueKind::kHostInteger, 1},
    {37, "ecn", ValueKind::kHostInteger, 1},     {38, "fib_addrtype", ValueKind::kAddrType, 4},
    {39, "boolean", ValueKind::kBoolean, 1},     {40, "ct_event", ValueKind::kHex, 4},
    {41, "ifname", ValueKind::kIfname, 16},      {42, "igmp_type", ValueKind::kHostInteger, 1},
    {43, "time", ValueKind::kHostInteger, 8},    {44, "hour", ValueKind::kHostInteger, 4},
    {45, "day", ValueKind::kHostInteger, 1},     {46, "cgroupsv2", ValueKind::kHostInteger, 8},
};

constexpr std::uint32_t kTypeBits = 6;

std::uint64_t BigEndian(const Bytes& d) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < d.size() && i < 8; ++i) v = (v << 8) | d[i];
  return v;
}

std::uint64_t HostOrder(const Bytes& d) {
  if (d.size() == 1) return d[0];
  if (d.size() == 2) {
    std::uint16_t v;
    std::memcpy(&v, d.data(), 2);
    return v;
  }
  if (d.size() >= 8) {
    std::uint64_t v;
    std::memcpy(&v, d.data(), 8);
    return v;
  }
  std::uint32_t v = 0;
  std::memcpy(&v, d.data(), std::min<std::size_t>(d.size(), 4));
  return v;
}

rules::u128 AddressOf(const Bytes& d, std::size_t n) {
  rules::u128 a = 0;
  for (std::size_t i = 0; i < n; ++i) a = (a << 8) | (i < d.size() ? d[i] : 0);
  return a;
}

std::string Hex(std::uint64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llx", width, static_cast<unsigned long long>(v));
  return buf;
}

std::string RawHex(const Bytes& d) {
  std::string out = "0x";
  char buf[4];
  for (std::uint8_t b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

template <std::size_t N>
std::vector<std::string> Names(const FlagName (&table)[N], std::uint32_t bits) {
  std::vector<std::string> out;
  for (const FlagName& f : table) {
    if ((bits & f.bit) != 0) out.emplace_back(f.name);
  }
  return out;
}

std::string Ifname(const Bytes& d) {
  std::string name;
  bool terminated = false;
  for (std::uint8_t c : d) {
    if (c == 0) {
      terminated = true;
      break;
    }
    name += static_cast<char>(c);
  }
  // nft compares only the prefix for `eth*`: the data stops before any NUL.
  return terminated || d.size() >= IFNAMSIZ ? name : name + "*";
}

std::string NumberText(ValueKind kind, const Bytes& data) {
  switch (kind) {
    case ValueKind::kInteger: return std::to_string(BigEndian(data));
    case ValueKind::kHostInteger: return std::to_string(HostOrder(data));
    case ValueKind::kHex: return Hex(HostOrder(data), static_cast<int>(data.size() * 2));
    default: return RawHex(data);
  }
}

}  // namespace

nft::Expr Value(std::string text, bool quoted) {
  nft::Expr e;
  e.kind = nft::Expr::Kind::kValue;
  e.text = std::move(text);
  e.quoted = quoted;
  return e;
}

bool IsFlagKind(ValueKind kind) {
  return kind == ValueKind::kCtState || kind == ValueKind::kCtStatus || kind == ValueKind::kTcpFlags;
}

bool IsAddressKind(ValueKind kind) { return kind == ValueKind::kIpv4 || kind == ValueKind::kIpv6; }

bool IsHostOrderKind(ValueKind kind) {
  switch (kind) {
    case ValueKind::kHostInteger:
    case ValueKind::kHex:
    case ValueKind::kIfindex:
    case ValueKind::kNfproto:
    case ValueKind::kCtState:
    case ValueKind::kCtStatus:
    case ValueKind::kCtDirection:
    case ValueKind::kAddrType:
    case ValueKind::kBoolean: return true;
    default: return false;
  }
}

Bytes ToHostOrder(const Bytes& network_order) {
  if constexpr (std::endian::native == std::endian::big) return network_order;
  return Bytes(network_order.rbegin(), network_order.rend());
}

std::uint32_t FlagBits(ValueKind kind, const Bytes& data) {
  return static_cast<std::uint32_t>(kind == ValueKind::kTcpFlags ? BigEndian(data) : HostOrder(data));
}

std::vector<std::string> FlagNames(ValueKind kind, std::uint32_t bits) {
  switch (kind) {
    case ValueKind::kCtState: return Names(kCtStates, bits);
    case ValueKind::kCtStatus: return Names(kCtStatuses, bits);
    case ValueKind::kTcpFlags: return Names(kTcpFlagNames, bits);
    default: return {};
  }
}

nft::Expr ValueExpr(ValueKind kind, const Bytes& data) {
  switch (kind) {
    case ValueKind::kIpv4: return Value(rules::FormatAddress(rules::Family::kIpv4, AddressOf(data, 4)));
    case ValueKind::kIpv6: return Value(rules::FormatAddress(rules::Family::kIpv6, AddressOf(data, 16)));
    case ValueKind::kIfname: return Value(Ifname(data), true);
    case ValueKind::kIfindex: {
      const auto index = static_cast<unsigned>(HostOrder(data));
      char name[IF_NAMESIZE] = {};
      if (if_indextoname(index, name) != nullptr) return Value(name, true);
      return Value(std::to_string(index));
    }
    case ValueKind::kNfproto: {
      const std::uint64_t v = HostOrder(data);
      return Value(v == 2 ? "ipv4" : v == 10 ? "ipv6" : std::to_string(v));
    }
    case ValueKind::kEthertype: {
      const std::uint64_t v = BigEndian(data);
      if (v == 0x0800) return Value("ip");
      if (v == 0x86dd) return Value("ip6");
      if (v == 0x0806) return Value("arp");
      if (v == 0x8100) return Value("vlan");
      return Value(Hex(v, 4));
    }
    case ValueKind::kCtState:
    case ValueKind::kCtStatus:
    case ValueKind::kTcpFlags: {
      const std::uint32_t bits = FlagBits(kind, data);
      std::vector<std::string> names = FlagNames(kind, bits);
      std::uint32_t named = 0;
      for (const std::string& n : names) {
        for (std::uint32_t b = 1; b != 0; b <<= 1) {
          if ((bits & b) != 0 && FlagNames(kind, b) == std::vector<std::string>{n}) named |= b;
        }
      }
      if (names.empty() || named != bits) return Value(Hex(bits, kind == ValueKind::kTcpFlags ? 2 : 8));
      if (names.size() == 1) return Value(names[0]);
      nft::Expr list;
      list.kind = nft::Expr::Kind::kList;
      for (const std::string& n : names) list.items.push_back(Value(n));
      return list;
    }
    case ValueKind::kCtDirection: return Value(HostOrder(data) == 0 ? "original" : "reply");
    case ValueKind::kAddrType: {
      const std::uint64_t v = HostOrder(data);
      return Value(v < std::size(kAddrTypes) ? std::string(kAddrTypes[v]) : std::to_string(v));
    }
    case ValueKind::kLladdr: {
      std::string out;
      char buf[4];
      for (std::uint8_t b : data) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        out += (out.empty() ? "" : ":") + std::string(buf);
      }
      return Value(out);
    }
    case ValueKind::kBoolean: return Value(HostOrder(data) != 0 ? "exists" : "missing");
    case ValueKind::kInteger:
    case ValueKind::kHostInteger:
    case ValueKind::kHex:
    case ValueKind::kRaw: return Value(NumberText(kind, data));
  }
  return Value(RawHex(data));
}

std::optional<int> PrefixLength(const Bytes& mask) {
  int ones = 0;
  bool zero_seen = false;
  for (std::uint8_t b : mask) {
    for (int bit = 7; bit >= 0; --bit) {
      const bool one = ((b >> bit) & 1) != 0;
      if (one && zero_seen) return std::nullopt;
      if (one) ++ones;
      if (!one) zero_seen = true;
    }
  }
  return ones;
}

nft::Expr IntervalExpr(ValueKind kind, const Bytes& lo, const Bytes& hi) {
  if (lo == hi) return ValueExpr(kind, lo);
  if (kind == ValueKind::kIfname && lo.size() == hi.size()) {
    // `"eth*"` in an interval set: the prefix, then NULs to 0xff bytes.
    std::size_t common = 0;
    while (common < lo.size() && lo[common] == hi[common] && lo[common] != 0) ++common;
    bool wildcard = true;
    for (std::size_t i = common; i < lo.size(); ++i) wildcard = wildcard && lo[i] == 0 && hi[i] == 0xff;
    if (wildcard) return Value(std::string(lo.begin(), lo.begin() + static_cast<std::ptrdiff_t>(common)) + "*", true);
  }
  if (IsAddressKind(kind) && lo.size() == hi.size()) {
    // A block: lo's host bits zero, hi's one, over the same length.
    Bytes mask(lo.size());
    bool block = true;
    for (std::size_t i = 0; i < lo.size(); ++i) {
      const std::uint8_t host = static_cast<std::uint8_t>(lo[i] ^ hi[i]);
      if ((lo[i] & host) != 0 || (hi[i] & host) != host) block = false;
      mask[i] = static_cast<std::uint8_t>(~host);
    }
    if (std::optional<int> len = block ? PrefixLength(mask) : std::nullopt) {
      nft::Expr p;
      p.kind = nft::Expr::Kind::kPrefix;
      p.length = *len;
      p.items.push_back(ValueExpr(kind, lo));
      return p;
    }
  }
  nft::Expr r;
  r.kind = nft::Expr::Kind::kRange;
  r.items.push_back(ValueExpr(kind, lo));
  r.items.push_back(ValueExpr(kind, hi));
  return r;
}

const DataType* DataTypeOf(std::uint32_t id) {
  for (const DataType& t : kDataTypes) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::vector<std::uint32_t> ConcatComponents(std::uint32_t id) {
  std::vector<std::uint32_t> out;
  while (id != 0) {
    out.insert(out.begin(), id & ((1u << kTypeBits) - 1));
    id >>= kTypeBits;
  }
  return out;
}

}  // namespace ghostport::parsers::netlink

namespace ghostport::parsers::netlink {

namespace {

struct VerdictRow {
  int code;
  std::string_view name;
};

// NF_DROP, NF_ACCEPT, NF_STOLEN, NF_QUEUE and nf_tables' own (negative) codes.
constexpr VerdictRow kVerdictCodes[] = {
    {0, "drop"}, {1, "accept"}, {2, "stolen"}, {3, "queue"},
    {-1, "continue"}, {-2, "break"}, {-3, "jump"}, {-4, "goto"}, {-5, "return"},
};

}  // namespace

nft::Expr VerdictExpr(int code, const std::string& chain) {
  nft::Expr e;
  e.kind = nft::Expr::Kind::kVerdict;
  e.text = "verdict " + std::to_string(code);
  // NF_QUEUE carries the queue number in the upper bits.
  const int base = code >= 0 ? (code & 0xff) : code;
  for (const VerdictRow& r : kVerdictCodes) {
    if (r.code == base) e.text = std::string(r.name);
  }
  if (base == -3 || base == -4) e.target = chain;
  return e;
}

}  // namespace ghostport::parsers::netlink
