#include "parsers/nftables/nft_matches.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>

#include "parsers/netfilter_names.h"
#include "parsers/nftables/nft_field_values.h"
#include "parsers/nftables/nft_values.h"
#include "rules/address.h"

// The selector rows give only the fields that differ from the defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ghostport::parsers::nft {

namespace {

using rules::AddressSet;
using rules::Cube;
using rules::Family;
using rules::PortSet;
using rules::ProtocolSet;
using rules::u128;

enum class FieldKind : std::uint8_t {
  kSaddr, kDaddr, kSport, kDport, kProtocol, kIif, kOif, kCtState, kCtStatus, kFamily, kTcpFlags,
  kDstType, kSrcType,
  // no model field, but addresses of one family: the selector's (`ct
  // original ip saddr`, `rt ip6 nexthop`), else the one the rule has chosen
  // (`ct original saddr`, `rt nexthop`: nft cannot tell in an inet rule
  // that has chosen none)
  kAddressCondition,
  kCondition,  // no model field: an explicit unknown (with the family and protocols it implies)
};

constexpr std::uint8_t kTcp = 6, kUdp = 17, kDccp = 33, kSctp = 132, kUdplite = 136, kIcmp = 1, kIcmpv6 = 58;

struct SelectorRow {
  std::string_view protocol;
  std::string_view field;  // "*": any field of the protocol
  FieldKind kind;
  std::optional<Family> family;
  std::array<std::uint8_t, 5> protocols{};  // implied protocols (0-terminated; all zero: none)
  // The family only where the rule has not chosen one yet (nft adds `meta
  // nfproto ipv4` before `icmp type` in an inet rule, not after `meta
  // nfproto ipv6`, and takes `icmpv6 type` in an ip table).
  bool soft_family = false;
};

constexpr SelectorRow kSelectors[] = {
    {"ip", "saddr", FieldKind::kSaddr, Family::kIpv4},
    {"ip", "daddr", FieldKind::kDaddr, Family::kIpv4},
    {"ip", "protocol", FieldKind::kProtocol, Family::kIpv4},
    {"ip", "*", FieldKind::kCondition, Family::kIpv4},
    {"ip6", "saddr", FieldKind::kSaddr, Family::kIpv6},
    {"ip6", "daddr", FieldKind::kDaddr, Family::kIpv6},
    {"ip6", "nexthdr", FieldKind::kProtocol, Family::kIpv6},
    {"ip6", "*", FieldKind::kCondition, Family::kIpv6},
    {"tcp", "dport", FieldKind::kDport, std::nullopt, {kTcp}},
    {"tcp", "sport", FieldKind::kSport, std::nullopt, {kTcp}},
    {"tcp", "flags", FieldKind::kTcpFlags, std::nullopt, {kTcp}},
    {"tcp", "*", FieldKind::kCondition, std::nullopt, {kTcp}},
    {"udp", "dport", FieldKind::kDport, std::nullopt, {kUdp}},
    {"udp", "sport", FieldKind::kSport, std::nullopt, {kUdp}},
    {"udp", "*", FieldKind::kCondition, std::nullopt, {kUdp}},
    {"udplite", "dport", FieldKind::kDport, std::nullopt, {kUdplite}},
    {"udplite", "sport", FieldKind::kSport, std::nullopt, {kUdplite}},
    {"udplite", "*", FieldKind::kCondition, std::nullopt, {kUdplite}},
    {"sctp", "dport", FieldKind::kDport, std::nullopt, {kSctp}},
    {"sctp", "sport", FieldKind::kSport, std::nullopt, {kSctp}},
    {"sctp", "*", FieldKind::kCondition, std::nullopt, {kSctp}},
    {"dccp", "dport", FieldKind::kDport, std::nullopt, {kDccp}},
    {"dccp", "sport", FieldKind::kSport, std::nullopt, {kDccp}},
    {"dccp", "*", FieldKind::kCondition, std::nullopt, {kDccp}},
    {"th", "dport", FieldKind::kDport, std::nullopt, {kTcp, kUdp, kDccp, kSctp, kUdplite}},
    {"th", "sport", FieldKind::kSport, std::nullopt, {kTcp, kUdp, kDccp, kSctp, kUdplite}},
    {"icmp", "*", FieldKind::kCondition, Family::kIpv4, {kIcmp}, true},
    {"icmpv6", "*", FieldKind::kCondition, Family::kIpv6, {kIcmpv6}, true},
    {"meta", "l4proto", FieldKind::kProtocol},
    {"meta", "nfproto", FieldKind::kFamily},
    {"meta", "protocol", FieldKind::kFamily},
    {"meta", "iifname", FieldKind::kIif},
    {"meta", "iif", FieldKind::kIif},
    {"meta", "oifname", FieldKind::kOif},
    {"meta", "oif", FieldKind::kOif},
    {"ct", "state", FieldKind::kCtState},
    {"ct", "status", FieldKind::kCtStatus},
    {"ct", "protocol", FieldKind::kProtocol},
    {"ct", "l3proto", FieldKind::kFamily},
    {"fib", "daddr type", FieldKind::kDstType},
    {"fib", "saddr type", FieldKind::kSrcType},
    {"ct", "original saddr", FieldKind::kAddressCondition},
    {"ct", "original daddr", FieldKind::kAddressCondition},
    {"ct", "reply saddr", FieldKind::kAddressCondition},
    {"ct", "reply daddr", FieldKind::kAddressCondition},
    {"ct", "original ip saddr", FieldKind::kAddressCondition, Family::kIpv4},
    {"ct", "original ip daddr", FieldKind::kAddressCondition, Family::kIpv4},
    {"ct", "reply ip saddr", FieldKind::kAddressCondition, Family::kIpv4},
    {"ct", "reply ip daddr", FieldKind::kAddressCondition, Family::kIpv4},
    {"ct", "original ip6 saddr", FieldKind::kAddressCondition, Family::kIpv6},
    {"ct", "original ip6 daddr", FieldKind::kAddressCondition, Family::kIpv6},
    {"ct", "reply ip6 saddr", FieldKind::kAddressCondition, Family::kIpv6},
    {"ct", "reply ip6 daddr", FieldKind::kAddressCondition, Family::kIpv6},
    // rt: the route (nexthop, classid, mtu, ipsec), else IPv6's routing header.
    {"rt", "nexthop", FieldKind::kAddressCondition},
    {"rt", "classid", FieldKind::kCondition},
    {"rt", "mtu", FieldKind::kCondition},
    {"rt", "ipsec", FieldKind::kCondition},
    {"rt", "ip nexthop", FieldKind::kAddressCondition, Family::kIpv4},
    {"rt", "ip6 nexthop", FieldKind::kAddressCondition, Family::kIpv6},
    {"rt", "*", FieldKind::kCondition, Family::kIpv6},
    // IPv6 extension headers.
    {"hbh", "*", FieldKind::kCondition, Family::kIpv6},
    {"frag", "*", FieldKind::kCondition, Family::kIpv6},
    {"rt0", "*", FieldKind::kCondition, Family::kIpv6},
    {"rt2", "*", FieldKind::kCondition, Family::kIpv6},
    {"rt4", "*", FieldKind::kCondition, Family::kIpv6},
    {"srh", "*", FieldKind::kCondition, Family::kIpv6},
    {"mh", "*", FieldKind::kCondition, Family::kIpv6},
    {"dst", "*", FieldKind::kCondition, Family::kIpv6},
};

const SelectorRow* RowOf(const Expr& selector) {
  if (selector.kind != Expr::Kind::kSelector) return nullptr;
  for (const SelectorRow& r : kSelectors) {
    if (r.protocol == selector.protocol && (r.field == selector.field || r.field == "*")) return &r;
  }
  return nullptr;
}

ProtocolSet ImpliedProtocols(const SelectorRow& row) {
  std::vector<rules::Interval<std::uint8_t>> iv;
  for (std::uint8_t p : row.protocols) {
    if (p != 0) iv.push_back({p, p});
  }
  return iv.empty() ? ProtocolSet::All() : ProtocolSet::FromIntervals(iv);
}

// Keeps the cubes a selector can hold for: its family, its protocols.
void Restrict(const SelectorRow& row, RuleState& state) {
  const ProtocolSet protocols = ImpliedProtocols(row);
  const bool one_family = !state.cubes.empty() &&
                          std::all_of(state.cubes.begin(), state.cubes.end(),
                                      [&](const Cube& c) { return c.family == state.cubes.front().family; });
  const bool by_family = row.family && !(row.soft_family && one_family);
  std::vector<Cube> out;
  for (Cube& c : state.cubes) {
    if (by_family && c.family != *row.family) continue;
    c.protocols = c.protocols.Intersect(protocols);
    if (c.protocols.empty()) continue;
    out.push_back(std::move(c));
  }
  state.cubes = std::move(out);
}

std::string Describe(const Expr& left, const std::string& op, const Expr& right) {
  return Render(left) + (op.empty() ? "" : " " + op) + " " + Render(right);
}

void AddCondition(RuleState& state, const Expr& left, const std::string& op, const Expr& right, std::string reason) {
  state.conditions.push_back({Describe(left, op, right), std::move(reason), left.location});
}

void FieldMatch(const SelectorRow& row, const Expr& left, const std::string& op, const Expr& right, RuleState& state,
                MatchContext& ctx) {
  const bool had = !state.cubes.empty();
  Restrict(row, state);
  if (had && state.cubes.empty()) {
    // `meta nfproto ipv6 ip protocol icmp`, `ip protocol udp tcp dport 22`
    ctx.Error(left.location, "conflicting protocols: " + Render(left) +
                                 " cannot hold after what the rule matched before it (nft refuses it)");
    return;
  }
  if (state.cubes.empty()) return;
  if (std::optional<FieldValueError> bad = CheckFieldValue(left, right, FieldUse::kMatch)) {
    ctx.Error(bad->at, bad->message);
    state.cubes.clear();
    return;
  }
  ValueError err;
  auto fail = [&](const std::string& message) {
    if (err.unknown) {
      AddCondition(state, left, op, right, message);
    } else {
      ctx.Error(right.location, message);
      state.cubes.clear();
    }
  };
  switch (row.kind) {
    case FieldKind::kSaddr:
    case FieldKind::kDaddr: {
      const Family f = *row.family;
      auto v = ValuesAsIntervals(right, AddressScalar(f), f, err);
      if (!v) return fail(err.message);
      const AddressSet set = AddressSet::Of(f, ByOp(*v, op, rules::MaxAddress(f)));
      for (Cube& c : state.cubes) {
        AddressSet& field = row.kind == FieldKind::kSaddr ? c.saddr : c.daddr;
        field = field.Intersect(set);
      }
      break;
    }
    case FieldKind::kSport:
    case FieldKind::kDport: {
      auto v = ValuesAsIntervals(right, PortScalar, std::nullopt, err);
      if (!v) return fail(err.message);
      const PortSet set = Narrow<std::uint16_t>(ByOp(*v, op, 0xffff));
      for (Cube& c : state.cubes) {
        PortSet& field = row.kind == FieldKind::kSport ? c.sports : c.dports;
        field = field.Intersect(set);
      }
      break;
    }
    case FieldKind::kProtocol: {
      auto v = ValuesAsIntervals(right, ProtocolScalar, std::nullopt, err);
      if (!v) return fail(err.message);
      const ProtocolSet set = Narrow<std::uint8_t>(ByOp(*v, op, 0xff));
      for (Cube& c : state.cubes) c.protocols = c.protocols.Intersect(set);
      break;
    }
    case FieldKind::kFamily: {
      bool v4 = false, v6 = false;
      for (const std::string& w : Words(right)) {
        if (w == "ipv4" || w == "ip" || w == "2" || w == "0x0800") {
          v4 = true;
        } else if (w == "ipv6" || w == "ip6" || w == "10" || w == "0x86dd") {
          v6 = true;
        } else if (w == "arp" || w == "0x0806" || w == "vlan" || w == "8021q") {
          // not an IP packet: holds for none of the cubes
        } else {
          return fail("unknown family \"" + w + "\"");
        }
      }
      if (op == "!=") {
        v4 = !v4;
        v6 = !v6;
      }
      std::erase_if(state.cubes, [&](const Cube& c) { return c.family == Family::kIpv4 ? !v4 : !v6; });
      break;
    }
    case FieldKind::kIif:
    case FieldKind::kOif: {
      rules::InterfaceMatch m;
      m.negated = op == "!=";
      m.never_absent = true;
      for (const Expr* v : ValuesOf(right)) {
        if (v->kind != Expr::Kind::kValue) return fail("\"" + Render(*v) + "\" is not an interface name");
        std::string name = v->text;
        if (name.empty() || name.size() > 15) return fail("an interface name is 1-15 characters, not \"" + name + "\"");
        const bool prefix = !name.empty() && name.back() == '*';  // "eth*": nft's wildcard, quoted or not
        if (prefix) name.pop_back();
        m.names.push_back({name, prefix});
      }
      if (op != "" && op != "==" && op != "!=") {
        AddCondition(state, left, op, right, "interface comparisons other than == and != are not modelled");
        break;
      }
      for (Cube& c : state.cubes) (row.kind == FieldKind::kIif ? c.iif : c.oif).push_back(m);
      break;
    }
    case FieldKind::kCtState: {
      std::uint8_t bits = 0;
      for (const std::string& w : Words(right)) {
        std::optional<std::uint8_t> b = CtStateOf(w);
        if (!b) return fail("unknown conntrack state \"" + w + "\"");
        bits |= *b;
      }
      if (op == "!=") bits = static_cast<std::uint8_t>(rules::kCtAll & ~bits);
      for (Cube& c : state.cubes) c.ct_states &= bits;
      std::erase_if(state.cubes, [](const Cube& c) { return c.ct_states == 0 && c.ct_nat == 0; });
      break;
    }
    case FieldKind::kCtStatus: {
      std::uint8_t nat = 0;
      bool other = false;
      for (const std::string& w : Words(right)) {
        if (w == "dnat") {
          nat |= rules::kCtNatDnat;
        } else if (w == "snat") {
          nat |= rules::kCtNatSnat;
        } else {
          other = true;
        }
      }
      const bool plain = std::all_of(state.cubes.begin(), state.cubes.end(),
                                     [](const Cube& c) { return c.ct_states == rules::kCtAll && c.ct_nat == 0; });
      if (other || op == "!=" || !plain || nat == 0) {
        AddCondition(state, left, op, right, "conntrack status bits other than a plain dnat/snat test are not modelled");
        break;
      }
      for (Cube& c : state.cubes) {
        c.ct_states = 0;
        c.ct_nat = nat;
      }
      break;
    }
    case FieldKind::kTcpFlags: {
      // tcp flags syn | tcp flags & (syn|ack) == syn | tcp flags syn / syn,ack | tcp flags == syn
      if (right.kind == Expr::Kind::kSet && right.items.size() > 1) {
        AddCondition(state, left, op, right, "a TCP flags set of several values is not modelled");
        break;
      }
      auto bits_of = [&](const Expr& e, std::uint8_t& bits) {
        for (const std::string& w : Words(e)) {
          std::optional<std::uint8_t> b = w == "ecn" ? std::optional<std::uint8_t>(rules::kTcpEce)
                                          : w == "cwr" ? std::optional<std::uint8_t>(rules::kTcpCwr)
                                                       : TcpFlagBits(w);
          if (!b) {
            if (auto n = Number(w, 0xff)) {
              b = static_cast<std::uint8_t>(*n);
            } else {
              return false;
            }
          }
          bits |= *b;
        }
        return true;
      };
      rules::TcpFlagsMatch m;
      const Expr* value = &right;
      bool masked = false;
      if (left.kind == Expr::Kind::kBinop && left.op == "&" && left.items.size() == 2) {
        if (!bits_of(left.items[1], m.mask)) return fail("bad TCP flags \"" + Render(left.items[1]) + "\"");
        masked = true;
      } else if (right.kind == Expr::Kind::kBinop && right.op == "/" && right.items.size() == 2) {
        if (!bits_of(right.items[1], m.mask)) return fail("bad TCP flags \"" + Render(right.items[1]) + "\"");
        value = &right.items[0];
        masked = true;
      }
      if (!bits_of(*value, m.comp)) return fail("bad TCP flags \"" + Render(*value) + "\"");
      if (!masked) {
        if (op == "==" || op == "!=" || right.kind == Expr::Kind::kSet) {
          m.mask = 0xff;
        } else if (std::popcount(m.comp) == 1) {
          m.mask = m.comp;  // implicit: the flag is set
        } else {
          AddCondition(state, left, op, right, "a test for any of several TCP flags is not modelled");
          break;
        }
      }
      if (op != "" && op != "==" && op != "!=") {
        AddCondition(state, left, op, right, "TCP flag comparisons other than == and != are not modelled");
        break;
      }
      m.negated = op == "!=";
      for (Cube& c : state.cubes) {
        if (c.tcp_flags) {
          AddCondition(state, left, op, right, "a second TCP flags test in one rule is not modelled");
          break;
        }
        c.tcp_flags = m;
      }
      break;
    }
    case FieldKind::kDstType:
    case FieldKind::kSrcType: {
      rules::AddrTypeMatch m;
      m.negated = op == "!=";
      for (const std::string& w : Words(right)) {
        std::optional<std::uint16_t> b = AddrTypeBit(w);
        if (!b) return fail("unknown address type \"" + w + "\"");
        m.types |= *b;
      }
      for (Cube& c : state.cubes) (row.kind == FieldKind::kDstType ? c.dst_type : c.src_type) = m;
      break;
    }
    case FieldKind::kAddressCondition: {
      const bool one_family = std::all_of(state.cubes.begin(), state.cubes.end(),
                                          [&](const Cube& c) { return c.family == state.cubes.front().family; });
      if (!row.family && !one_family) {
        ctx.Error(left.location, "cannot tell the address family of " + Render(left) + " in an inet rule: match meta "
                                 "nfproto first or write it with ip or ip6 (nft refuses it)");
        state.cubes.clear();
        return;
      }
      const Family f = row.family.value_or(state.cubes.front().family);
      if (!ValuesAsIntervals(right, AddressScalar(f), f, err) && !err.unknown) return fail(err.message);
      AddCondition(state, left, op, right, Render(left) + " is not modelled");
      break;
    }
    case FieldKind::kCondition:
      AddCondition(state, left, op, right, Render(left) + " is not modelled");
      break;
  }
  std::erase_if(state.cubes, [](const Cube& c) {
    return c.protocols.empty() || c.sports.empty() || c.dports.empty() || c.saddr.empty() || c.daddr.empty();
  });
}

// The selectors of a concatenation (or the one selector).
std::vector<const Expr*> Components(const Expr& left) {
  std::vector<const Expr*> out;
  if (left.kind == Expr::Kind::kConcat) {
    for (const Expr& i : left.items) out.push_back(&i);
  } else {
    out.push_back(&left);
  }
  return out;
}

void SetRefMatch(const Expr& left, const std::string& op, const Expr& right, RuleState& state, MatchContext& ctx) {
  std::vector<rules::SetField> fields;
  std::vector<rules::SetKeyType> key;
  for (const Expr* c : Components(left)) {
    std::optional<rules::SetField> f = SetFieldOf(*c);
    if (!f) {
      // Unknown as a whole, but its other selectors still say which packets
      // it can hold for (`meta mark . tcp dport @s`: tcp only).
      RestrictToSelectors(left, state);
      AddCondition(state, left, op, right, "a set lookup on " + Render(*c) + " is not modelled");
      return;
    }
    fields.push_back(*f);
    key.push_back(*SetKeyTypeOf(*c));
  }
  std::string reason;
  std::optional<int> index = ctx.NamedSet(right.text, fields, key, right.location, reason);
  if (!index) {
    state.cubes.clear();
    return;
  }
  RestrictToSelectors(left, state);
  if (*index < 0) {
    AddCondition(state, left, op, right, reason);
    return;
  }
  for (Cube& c : state.cubes) c.sets.push_back({*index, fields, op == "!="});
}

}  // namespace

std::optional<rules::SetKeyType> SetKeyTypeOf(const std::string& type) {
  if (type == "ipv4_addr") return rules::SetKeyType::kIpv4;
  if (type == "ipv6_addr") return rules::SetKeyType::kIpv6;
  if (type == "inet_service") return rules::SetKeyType::kPort;
  if (type == "inet_proto") return rules::SetKeyType::kProtocol;
  if (type == "ifname") return rules::SetKeyType::kInterface;
  return std::nullopt;
}

std::optional<rules::SetField> SetFieldOf(const Expr& selector) {
  const SelectorRow* row = RowOf(selector);
  if (row == nullptr) return std::nullopt;
  switch (row->kind) {
    case FieldKind::kSaddr: return rules::SetField::kSaddr;
    case FieldKind::kDaddr: return rules::SetField::kDaddr;
    case FieldKind::kSport: return rules::SetField::kSport;
    case FieldKind::kDport: return rules::SetField::kDport;
    case FieldKind::kProtocol: return rules::SetField::kProtocol;
    case FieldKind::kIif: return rules::SetField::kIif;
    case FieldKind::kOif: return rules::SetField::kOif;
    default: return std::nullopt;
  }
}

std::optional<rules::SetKeyType> SetKeyTypeOf(const Expr& selector) {
  const SelectorRow* row = RowOf(selector);
  std::optional<rules::SetField> f = SetFieldOf(selector);
  if (row == nullptr || !f) return std::nullopt;
  switch (*f) {
    case rules::SetField::kSaddr:
    case rules::SetField::kDaddr:
      return row->family == Family::kIpv6 ? rules::SetKeyType::kIpv6 : rules::SetKeyType::kIpv4;
    case rules::SetField::kSport:
    case rules::SetField::kDport: return rules::SetKeyType::kPort;
    case rules::SetField::kProtocol: return rules::SetKeyType::kProtocol;
    default: return rules::SetKeyType::kInterface;
  }
}

std::optional<rules::SetElement> SetElementOf(const Expr& element, const std::vector<rules::SetKeyType>& key,
                                              std::string& error) {
  std::vector<const Expr*> parts;
  if (element.kind == Expr::Kind::kConcat) {
    for (const Expr& i : element.items) parts.push_back(&i);
  } else {
    parts.push_back(&element);
  }
  if (parts.size() != key.size()) {
    error = "element \"" + Render(element) + "\" has " + std::to_string(parts.size()) + " parts, the set's key " +
            std::to_string(key.size());
    return std::nullopt;
  }
  rules::SetElement out;
  if (element.kind == Expr::Kind::kValue && !element.quoted && element.text == "*") {  // the catch-all
    for (rules::SetKeyType t : key) {
      rules::SetElement::Component c;
      switch (t) {
        case rules::SetKeyType::kIpv4: c.range = {0, rules::MaxAddress(Family::kIpv4)}; break;
        case rules::SetKeyType::kIpv6: c.range = {0, rules::MaxAddress(Family::kIpv6)}; break;
        case rules::SetKeyType::kPort: c.range = {0, 0xffff}; break;
        case rules::SetKeyType::kProtocol: c.range = {0, 0xff}; break;
        case rules::SetKeyType::kInterface: c.name = rules::InterfaceName{"", true}; break;
      }
      out.key.push_back(std::move(c));
    }
    return out;
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    rules::SetElement::Component c;
    ValueError err;
    std::optional<rules::Interval<u128>> iv;
    switch (key[i]) {
      case rules::SetKeyType::kIpv4: iv = IntervalOf(*parts[i], AddressScalar(Family::kIpv4), Family::kIpv4, err); break;
      case rules::SetKeyType::kIpv6: iv = IntervalOf(*parts[i], AddressScalar(Family::kIpv6), Family::kIpv6, err); break;
      case rules::SetKeyType::kPort: iv = IntervalOf(*parts[i], PortScalar, std::nullopt, err); break;
      case rules::SetKeyType::kProtocol: iv = IntervalOf(*parts[i], ProtocolScalar, std::nullopt, err); break;
      case rules::SetKeyType::kInterface: {
        if (parts[i]->kind != Expr::Kind::kValue) {
          err.message = "\"" + Render(*parts[i]) + "\" is not an interface name";
          break;
        }
        std::string name = parts[i]->text;
        const bool prefix = !name.empty() && name.back() == '*';
        if (prefix) name.pop_back();
        c.name = rules::InterfaceName{name, prefix};
        iv = rules::Interval<u128>{0, 0};
        break;
      }
    }
    if (!iv) {
      error = err.message;
      return std::nullopt;
    }
    c.range = *iv;
    out.key.push_back(std::move(c));
  }
  return out;
}

// A `$name` left in a value: a variable no define gave (already reported).
static bool HasUndefinedVariable(const Expr& e) {
  if (e.kind == Expr::Kind::kValue) return !e.quoted && e.text.size() > 1 && e.text.front() == '$';
  return std::any_of(e.items.begin(), e.items.end(), HasUndefinedVariable);
}

void ApplyMatch(const Expr& left, const std::string& op, const Expr& right, RuleState& state, MatchContext& ctx) {
  if (HasUndefinedVariable(right)) {
    state.cubes.clear();
    return;
  }
  if (right.kind == Expr::Kind::kSetRef) return SetRefMatch(left, op, right, state, ctx);
  if (left.kind == Expr::Kind::kConcat) {
    // A concatenation against an anonymous set: each element a product.
    if (op != "" && op != "==" && op != "!=") {
      AddCondition(state, left, op, right, "comparisons of concatenations are not modelled");
      return;
    }
    std::vector<rules::SetKeyType> key;
    for (const Expr* c : Components(left)) {
      std::optional<rules::SetKeyType> t = SetKeyTypeOf(*c);
      if (!t) {
        // Unknown as a whole, but its selectors still say which packets it
        // can hold for (`ip6 daddr . icmpv6 type`: IPv6 ICMPv6 only).
        RestrictToSelectors(left, state);
        AddCondition(state, left, op, right, "a concatenation with " + Render(*c) + " is not modelled");
        return;
      }
      key.push_back(*t);
    }
    if (op == "!=") {
      std::vector<rules::SetElement> elements;
      for (const Expr* v : ValuesOf(right)) {
        std::string error;
        std::optional<rules::SetElement> e = SetElementOf(*v, key, error);
        if (!e) {
          ctx.Error(v->location, error);
          state.cubes.clear();
          return;
        }
        elements.push_back(std::move(*e));
      }
      Expr ref;
      ref.kind = Expr::Kind::kSetRef;
      const int index = ctx.AnonymousSet(key, std::move(elements), right.location);
      std::vector<rules::SetField> fields;
      for (const Expr* c : Components(left)) fields.push_back(*SetFieldOf(*c));
      RestrictToSelectors(left, state);
      for (Cube& c : state.cubes) c.sets.push_back({index, fields, true});
      return;
    }
    RuleState all;
    all.conditions = state.conditions;
    for (const Expr* v : ValuesOf(right)) {
      RuleState one;
      one.cubes = state.cubes;
      ApplyKey(left, *v, one, ctx);
      for (auto& c : one.cubes) all.cubes.push_back(std::move(c));
      for (auto& cond : one.conditions) {
        if (std::none_of(all.conditions.begin(), all.conditions.end(),
                         [&](const rules::Condition& x) { return x.description == cond.description; })) {
          all.conditions.push_back(cond);
        }
      }
    }
    state = std::move(all);
    return;
  }
  const Expr* selector = &left;
  if (left.kind == Expr::Kind::kBinop && !left.items.empty()) selector = &left.items[0];
  const SelectorRow* row = RowOf(*selector);
  if (row == nullptr) {
    if (std::optional<FieldValueError> bad = CheckFieldValue(*selector, right, FieldUse::kMatch)) {
      ctx.Error(bad->at, bad->message);
      state.cubes.clear();
      return;
    }
    AddCondition(state, left, op, right, Render(*selector) + " is not modelled");
    return;
  }
  if (selector != &left && row->kind != FieldKind::kTcpFlags) {
    Restrict(*row, state);
    AddCondition(state, left, op, right, "a masked " + Render(*selector) + " is not modelled");
    return;
  }
  FieldMatch(*row, left, op, right, state, ctx);
}

void RestrictToSelectors(const Expr& key, RuleState& state) {
  for (const Expr* c : Components(key)) {
    const Expr* selector = c->kind == Expr::Kind::kBinop && !c->items.empty() ? &c->items[0] : c;
    if (const SelectorRow* row = RowOf(*selector)) Restrict(*row, state);
  }
}

void ApplyKey(const Expr& key, const Expr& value, RuleState& state, MatchContext& ctx) {
  if (key.kind == Expr::Kind::kConcat && value.kind == Expr::Kind::kConcat &&
      key.items.size() == value.items.size()) {
    for (std::size_t i = 0; i < key.items.size(); ++i) ApplyKey(key.items[i], value.items[i], state, ctx);
    return;
  }
  if (key.kind == Expr::Kind::kConcat) {
    ctx.Error(value.location, "element \"" + Render(value) + "\" does not fit the key " + Render(key));
    state.cubes.clear();
    return;
  }
  ApplyMatch(key, "==", value, state, ctx);
}

std::optional<rules::AddressSet> NatAddresses(const Expr& value, Family family, std::string& error) {
  ValueError err;
  auto v = ValuesAsIntervals(value, AddressScalar(family), family, err);
  if (!v) {
    error = err.message;
    return std::nullopt;
  }
  return AddressSet::Of(family, *v);
}

std::optional<rules::PortSet> NatPorts(const Expr& value, std::string& error) {
  ValueError err;
  auto v = ValuesAsIntervals(value, PortScalar, std::nullopt, err);
  if (!v) {
    error = err.message;
    return std::nullopt;
  }
  return Narrow<std::uint16_t>(*v);
}

}  // namespace ghostport::parsers::nft
