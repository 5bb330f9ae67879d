#include "parsers/netlink/netlink_selectors.h"

#include <linux/netfilter/nf_tables.h>

// Loaded values are built with the fields that matter; payload positions default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ghostport::parsers::netlink {

namespace {

// A header field: where it lies in its header and how its value reads.
struct FieldRow {
  std::string_view protocol;  // "ip", "tcp", ...
  std::string_view field;
  std::uint32_t offset;
  std::uint32_t length;
  ValueKind kind;
};

constexpr FieldRow kNetworkFields[] = {
    {"ip", "length", 2, 2, ValueKind::kInteger},      {"ip", "id", 4, 2, ValueKind::kInteger},
    {"ip", "ttl", 8, 1, ValueKind::kInteger},         {"ip", "protocol", 9, 1, ValueKind::kHostInteger},
    {"ip", "checksum", 10, 2, ValueKind::kInteger},   {"ip", "saddr", 12, 4, ValueKind::kIpv4},
    {"ip", "daddr", 16, 4, ValueKind::kIpv4},         {"ip6", "length", 4, 2, ValueKind::kInteger},
    {"ip6", "nexthdr", 6, 1, ValueKind::kHostInteger}, {"ip6", "hoplimit", 7, 1, ValueKind::kInteger},
    {"ip6", "saddr", 8, 16, ValueKind::kIpv6},        {"ip6", "daddr", 24, 16, ValueKind::kIpv6},
};

// Transport header fields, by the protocol the rule has established.
struct TransportRow {
  int protocol_number;
  FieldRow row;
};

constexpr TransportRow kTransportFields[] = {
    {6, {"tcp", "sport", 0, 2, ValueKind::kInteger}},      {6, {"tcp", "dport", 2, 2, ValueKind::kInteger}},
    {6, {"tcp", "sequence", 4, 4, ValueKind::kInteger}},   {6, {"tcp", "ackseq", 8, 4, ValueKind::kInteger}},
    {6, {"tcp", "flags", 13, 1, ValueKind::kTcpFlags}},    {6, {"tcp", "window", 14, 2, ValueKind::kInteger}},
    {6, {"tcp", "checksum", 16, 2, ValueKind::kInteger}},  {6, {"tcp", "urgptr", 18, 2, ValueKind::kInteger}},
    {17, {"udp", "sport", 0, 2, ValueKind::kInteger}},     {17, {"udp", "dport", 2, 2, ValueKind::kInteger}},
    {17, {"udp", "length", 4, 2, ValueKind::kInteger}},    {17, {"udp", "checksum", 6, 2, ValueKind::kInteger}},
    {136, {"udplite", "sport", 0, 2, ValueKind::kInteger}}, {136, {"udplite", "dport", 2, 2, ValueKind::kInteger}},
    {132, {"sctp", "sport", 0, 2, ValueKind::kInteger}},   {132, {"sctp", "dport", 2, 2, ValueKind::kInteger}},
    {132, {"sctp", "vtag", 4, 4, ValueKind::kInteger}},    {33, {"dccp", "sport", 0, 2, ValueKind::kInteger}},
    {33, {"dccp", "dport", 2, 2, ValueKind::kInteger}},
    {1, {"icmp", "type", 0, 1, ValueKind::kHostInteger}},  {1, {"icmp", "code", 1, 1, ValueKind::kHostInteger}},
    {1, {"icmp", "checksum", 2, 2, ValueKind::kInteger}},  {1, {"icmp", "id", 4, 2, ValueKind::kInteger}},
    {1, {"icmp", "sequence", 6, 2, ValueKind::kInteger}},
    {58, {"icmpv6", "type", 0, 1, ValueKind::kHostInteger}}, {58, {"icmpv6", "code", 1, 1, ValueKind::kHostInteger}},
    {58, {"icmpv6", "checksum", 2, 2, ValueKind::kInteger}}, {58, {"icmpv6", "id", 4, 2, ValueKind::kInteger}},
    {58, {"icmpv6", "sequence", 6, 2, ValueKind::kInteger}},
    {2, {"igmp", "type", 0, 1, ValueKind::kHostInteger}},
};

// Ports of any transport: `th sport`, `th dport`.
constexpr FieldRow kAnyTransportFields[] = {
    {"th", "sport", 0, 2, ValueKind::kInteger},
    {"th", "dport", 2, 2, ValueKind::kInteger},
};

constexpr FieldRow kLinkFields[] = {
    {"ether", "daddr", 0, 6, ValueKind::kLladdr},
    {"ether", "saddr", 6, 6, ValueKind::kLladdr},
    {"ether", "type", 12, 2, ValueKind::kEthertype},
};

struct KeyRow {
  std::uint32_t key;
  std::string_view protocol;
  std::string_view field;
  ValueKind kind;
};

constexpr KeyRow kMetaKeys[] = {
    {NFT_META_LEN, "meta", "length", ValueKind::kHostInteger},
    {NFT_META_PROTOCOL, "meta", "protocol", ValueKind::kEthertype},
    {NFT_META_PRIORITY, "meta", "priority", ValueKind::kHex},
    {NFT_META_MARK, "meta", "mark", ValueKind::kHex},
    {NFT_META_IIF, "meta", "iif", ValueKind::kIfindex},
    {NFT_META_OIF, "meta", "oif", ValueKind::kIfindex},
    {NFT_META_IIFNAME, "meta", "iifname", ValueKind::kIfname},
    {NFT_META_OIFNAME, "meta", "oifname", ValueKind::kIfname},
    {NFT_META_IIFTYPE, "meta", "iiftype", ValueKind::kHostInteger},
    {NFT_META_OIFTYPE, "meta", "oiftype", ValueKind::kHostInteger},
    {NFT_META_SKUID, "meta", "skuid", ValueKind::kHostInteger},
    {NFT_META_SKGID, "meta", "skgid", ValueKind::kHostInteger},
    {NFT_META_NFTRACE, "meta", "nftrace", ValueKind::kHostInteger},
    {NFT_META_RTCLASSID, "meta", "rtclassid", ValueKind::kHex},
    {NFT_META_SECMARK, "meta", "secmark", ValueKind::kHex},
    {NFT_META_NFPROTO, "meta", "nfproto", ValueKind::kNfproto},
    {NFT_META_L4PROTO, "meta", "l4proto", ValueKind::kHostInteger},
    {NFT_META_BRI_IIFNAME, "meta", "ibrname", ValueKind::kIfname},
    {NFT_META_BRI_OIFNAME, "meta", "obrname", ValueKind::kIfname},
    {NFT_META_PKTTYPE, "meta", "pkttype", ValueKind::kHostInteger},
    {NFT_META_CPU, "meta", "cpu", ValueKind::kHostInteger},
    {NFT_META_IIFGROUP, "meta", "iifgroup", ValueKind::kHex},
    {NFT_META_OIFGROUP, "meta", "oifgroup", ValueKind::kHex},
    {NFT_META_CGROUP, "meta", "cgroup", ValueKind::kHostInteger},
    {NFT_META_PRANDOM, "meta", "random", ValueKind::kHostInteger},
    {NFT_META_SECPATH, "meta", "ipsec", ValueKind::kBoolean},
    {NFT_META_IIFKIND, "meta", "iifkind", ValueKind::kIfname},
    {NFT_META_OIFKIND, "meta", "oifkind", ValueKind::kIfname},
    {NFT_META_BRI_IIFPVID, "meta", "ibrpvid", ValueKind::kHostInteger},
    {NFT_META_BRI_IIFVPROTO, "meta", "ibrvproto", ValueKind::kEthertype},
    {NFT_META_TIME_NS, "meta", "time", ValueKind::kHostInteger},
    {NFT_META_TIME_DAY, "meta", "day", ValueKind::kHostInteger},
    {NFT_META_TIME_HOUR, "meta", "hour", ValueKind::kHostInteger},
    {NFT_META_SDIF, "meta", "sdif", ValueKind::kIfindex},
    {NFT_META_SDIFNAME, "meta", "sdifname", ValueKind::kIfname},
};

constexpr KeyRow kCtKeys[] = {
    {NFT_CT_STATE, "ct", "state", ValueKind::kCtState},
    {NFT_CT_DIRECTION, "ct", "direction", ValueKind::kCtDirection},
    {NFT_CT_STATUS, "ct", "status", ValueKind::kCtStatus},
    {NFT_CT_MARK, "ct", "mark", ValueKind::kHex},
    {NFT_CT_SECMARK, "ct", "secmark", ValueKind::kHex},
    {NFT_CT_EXPIRATION, "ct", "expiration", ValueKind::kHostInteger},
    {NFT_CT_HELPER, "ct", "helper", ValueKind::kIfname},
    {NFT_CT_L3PROTOCOL, "ct", "l3proto", ValueKind::kNfproto},
    {NFT_CT_PROTOCOL, "ct", "protocol", ValueKind::kHostInteger},
    {NFT_CT_PROTO_SRC, "ct", "proto-src", ValueKind::kInteger},
    {NFT_CT_PROTO_DST, "ct", "proto-dst", ValueKind::kInteger},
    {NFT_CT_LABELS, "ct", "label", ValueKind::kRaw},
    {NFT_CT_PKTS, "ct", "packets", ValueKind::kHostInteger},
    {NFT_CT_BYTES, "ct", "bytes", ValueKind::kHostInteger},
    {NFT_CT_AVGPKT, "ct", "avgpkt", ValueKind::kHostInteger},
    {NFT_CT_ZONE, "ct", "zone", ValueKind::kHostInteger},
    {NFT_CT_EVENTMASK, "ct", "event", ValueKind::kHex},
    {NFT_CT_SRC_IP, "ct", "ip saddr", ValueKind::kIpv4},
    {NFT_CT_DST_IP, "ct", "ip daddr", ValueKind::kIpv4},
    {NFT_CT_SRC_IP6, "ct", "ip6 saddr", ValueKind::kIpv6},
    {NFT_CT_DST_IP6, "ct", "ip6 daddr", ValueKind::kIpv6},
    {NFT_CT_ID, "ct", "id", ValueKind::kHostInteger},
};

constexpr KeyRow kRtKeys[] = {
    {NFT_RT_CLASSID, "rt", "classid", ValueKind::kHex},
    {NFT_RT_NEXTHOP4, "rt", "ip nexthop", ValueKind::kIpv4},
    {NFT_RT_NEXTHOP6, "rt", "ip6 nexthop", ValueKind::kIpv6},
    {NFT_RT_TCPMSS, "rt", "mtu", ValueKind::kHostInteger},
    {NFT_RT_XFRM, "rt", "ipsec", ValueKind::kBoolean},
};

constexpr KeyRow kSocketKeys[] = {
    {NFT_SOCKET_TRANSPARENT, "socket", "transparent", ValueKind::kHostInteger},
    {NFT_SOCKET_MARK, "socket", "mark", ValueKind::kHex},
    {NFT_SOCKET_WILDCARD, "socket", "wildcard", ValueKind::kHostInteger},
    {NFT_SOCKET_CGROUPV2, "socket", "cgroupv2", ValueKind::kHostInteger},
};

// IPv6 extension headers by their protocol number.
constexpr KeyRow kIpv6Exthdrs[] = {
    {0, "hbh", "", ValueKind::kHostInteger},   {43, "rt", "", ValueKind::kHostInteger},
    {44, "frag", "", ValueKind::kHostInteger}, {60, "dst", "", ValueKind::kHostInteger},
    {135, "mh", "", ValueKind::kHostInteger},
};

template <std::size_t N>
const KeyRow* FindKey(const KeyRow (&rows)[N], std::uint32_t key) {
  for (const KeyRow& r : rows) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

template <std::size_t N>
Loaded KeySelector(const KeyRow (&rows)[N], std::string_view protocol, std::uint32_t key, std::uint32_t length) {
  if (const KeyRow* r = FindKey(rows, key)) {
    return {Selector(std::string(r->protocol), std::string(r->field)), r->kind, length, length};
  }
  return {Selector(std::string(protocol), "key " + std::to_string(key)), ValueKind::kRaw, length, length};
}

// A field that starts at `offset`: the whole field, or (an address) its
// first bytes, as nft loads them for a byte-aligned prefix.
std::optional<Loaded> FromRow(const FieldRow& r, std::uint32_t offset, std::uint32_t length) {
  if (r.offset != offset) return std::nullopt;
  if (r.length != length && !(IsAddressKind(r.kind) && length < r.length)) return std::nullopt;
  return Loaded{Selector(std::string(r.protocol), std::string(r.field)), r.kind, length, r.length};
}

Loaded Raw(std::string_view base, std::uint32_t offset, std::uint32_t length) {
  return {Selector("payload", "@" + std::string(base) + "," + std::to_string(offset * 8) + "," + std::to_string(length * 8)),
          ValueKind::kRaw, length, length};
}

Loaded NamedPayload(std::uint32_t base, std::uint32_t offset, std::uint32_t length, const PayloadContext& ctx);

}  // namespace

nft::Expr Selector(std::string protocol, std::string field) {
  nft::Expr e;
  e.kind = nft::Expr::Kind::kSelector;
  e.protocol = std::move(protocol);
  e.field = std::move(field);
  return e;
}

Loaded PayloadSelector(std::uint32_t base, std::uint32_t offset, std::uint32_t length, const PayloadContext& ctx) {
  Loaded l = NamedPayload(base, offset, length, ctx);
  l.base = base;
  l.offset = offset;
  return l;
}

std::vector<Loaded> SplitPayload(std::uint32_t base, std::uint32_t offset, std::uint32_t length,
                                 const PayloadContext& ctx) {
  std::vector<Loaded> out;
  std::uint32_t at = offset;
  const std::uint32_t end = offset + length;
  while (at < end) {
    std::optional<Loaded> best;
    for (std::uint32_t len = end - at; len > 0 && !best; --len) {
      Loaded l = PayloadSelector(base, at, len, ctx);
      if (l.selector.protocol != "payload" && l.length == l.full_length) best = std::move(l);
    }
    if (!best) return {};
    at += best->length;
    out.push_back(std::move(*best));
  }
  return out;
}

namespace {
Loaded NamedPayload(std::uint32_t base, std::uint32_t offset, std::uint32_t length, const PayloadContext& ctx) {
  switch (base) {
    case NFT_PAYLOAD_LL_HEADER:
      for (const FieldRow& r : kLinkFields) {
        if (auto l = FromRow(r, offset, length)) return *l;
      }
      return Raw("ll", offset, length);
    case NFT_PAYLOAD_NETWORK_HEADER:
      for (const FieldRow& r : kNetworkFields) {
        if (r.protocol != ctx.network) continue;
        if (auto l = FromRow(r, offset, length)) return *l;
      }
      return Raw("nh", offset, length);
    case NFT_PAYLOAD_TRANSPORT_HEADER:
      if (ctx.transport) {
        for (const TransportRow& t : kTransportFields) {
          if (t.protocol_number != *ctx.transport) continue;
          if (auto l = FromRow(t.row, offset, length)) return *l;
        }
      }
      for (const FieldRow& r : kAnyTransportFields) {
        if (auto l = FromRow(r, offset, length)) return *l;
      }
      return Raw("th", offset, length);
    default:
      return Raw("ih", offset, length);
  }
}

}  // namespace

Loaded MetaSelector(std::uint32_t key, std::uint32_t length) { return KeySelector(kMetaKeys, "meta", key, length); }

Loaded CtSelector(std::uint32_t key, std::optional<std::uint8_t> direction, std::uint32_t length,
                  const PayloadContext& ctx) {
  Loaded l = KeySelector(kCtKeys, "ct", key, length);
  if (key == NFT_CT_SRC || key == NFT_CT_DST) {  // the address of the family the rule has
    const bool v6 = ctx.network == "ip6" || length == 16;
    l.selector.field = std::string(v6 ? "ip6 " : "ip ") + (key == NFT_CT_SRC ? "saddr" : "daddr");
    l.kind = v6 ? ValueKind::kIpv6 : ValueKind::kIpv4;
  }
  if (direction) l.selector.field = std::string(*direction == 0 ? "original " : "reply ") + l.selector.field;
  return l;
}

Loaded FibSelector(std::uint32_t flags, std::uint32_t result, std::uint32_t length) {
  struct FlagRow {
    std::uint32_t bit;
    std::string_view name;
  };
  constexpr FlagRow kFlags[] = {{NFTA_FIB_F_SADDR, "saddr"}, {NFTA_FIB_F_DADDR, "daddr"}, {NFTA_FIB_F_MARK, "mark"},
                                {NFTA_FIB_F_IIF, "iif"},     {NFTA_FIB_F_OIF, "oif"}};
  std::string field;
  for (const FlagRow& f : kFlags) {
    if ((flags & f.bit) != 0) field += (field.empty() ? "" : " . ") + std::string(f.name);
  }
  struct ResultRow {
    std::uint32_t result;
    std::string_view name;
    ValueKind kind;
  };
  constexpr ResultRow kResults[] = {{NFT_FIB_RESULT_OIF, "oif", ValueKind::kIfindex},
                                    {NFT_FIB_RESULT_OIFNAME, "oifname", ValueKind::kIfname},
                                    {NFT_FIB_RESULT_ADDRTYPE, "type", ValueKind::kAddrType}};
  ValueKind kind = ValueKind::kRaw;
  std::string name = "result " + std::to_string(result);
  for (const ResultRow& r : kResults) {
    if (r.result == result) {
      name = std::string(r.name);
      kind = r.kind;
    }
  }
  if ((flags & NFTA_FIB_F_PRESENT) != 0) kind = ValueKind::kBoolean;
  return {Selector("fib", field + " " + name), kind, length, length};
}

Loaded RtSelector(std::uint32_t key, std::uint32_t length) { return KeySelector(kRtKeys, "rt", key, length); }

Loaded SocketSelector(std::uint32_t key, std::uint32_t length) {
  return KeySelector(kSocketKeys, "socket", key, length);
}

Loaded ExthdrSelector(std::uint32_t op, std::uint32_t type, std::uint32_t offset, std::uint32_t length, bool present) {
  std::string protocol, field;
  switch (op) {
    case NFT_EXTHDR_OP_IPV6:
      protocol = "exthdr";
      if (const KeyRow* r = FindKey(kIpv6Exthdrs, type)) protocol = std::string(r->protocol);
      field = present ? "" : "@" + std::to_string(offset * 8) + "," + std::to_string(length * 8);
      if (protocol == "exthdr") field = std::to_string(type) + (field.empty() ? "" : " " + field);
      break;
    case NFT_EXTHDR_OP_TCPOPT: protocol = "tcp option"; break;
    case NFT_EXTHDR_OP_IPV4: protocol = "ip option"; break;
    case NFT_EXTHDR_OP_SCTP: protocol = "sctp chunk"; break;
    default: protocol = "dccp option"; break;
  }
  if (op != NFT_EXTHDR_OP_IPV6) {
    field = std::to_string(type) + (present ? "" : " @" + std::to_string(offset * 8) + "," + std::to_string(length * 8));
  }
  return {Selector(protocol, field), present ? ValueKind::kBoolean : ValueKind::kHostInteger, length, length};
}

}  // namespace ghostport::parsers::netlink
