#include "parsers/netlink/netlink_expressions.h"

#include <algorithm>
#include <map>
#include <optional>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

#include "parsers/netlink/netlink_registers.h"
#include "parsers/netlink/netlink_selectors.h"
#include "parsers/netlink/netlink_sets.h"
#include "parsers/netlink/netlink_values.h"

// Loaded values are built with the fields that matter; payload positions default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ghostport::parsers::netlink {

namespace {

using nft::Expr;

Bytes DataOf(const nftnl_expr* e, std::uint16_t attr) {
  std::uint32_t len = 0;
  const auto* p = static_cast<const std::uint8_t*>(nftnl_expr_get(e, attr, &len));
  return p == nullptr ? Bytes() : Bytes(p, p + len);
}

bool Has(const nftnl_expr* e, std::uint16_t attr) { return nftnl_expr_is_set(e, attr); }
std::uint32_t U32(const nftnl_expr* e, std::uint16_t attr) { return nftnl_expr_get_u32(e, attr); }
std::string Str(const nftnl_expr* e, std::uint16_t attr) {
  const char* s = Has(e, attr) ? nftnl_expr_get_str(e, attr) : nullptr;
  return s == nullptr ? std::string() : std::string(s);
}

struct CmpRow {
  std::uint32_t op;
  std::string_view text;
};
constexpr CmpRow kCmpOps[] = {{NFT_CMP_EQ, "=="}, {NFT_CMP_NEQ, "!="}, {NFT_CMP_LT, "<"},
                              {NFT_CMP_LTE, "<="}, {NFT_CMP_GT, ">"},  {NFT_CMP_GTE, ">="}};

std::string CmpOp(std::uint32_t op) {
  for (const CmpRow& r : kCmpOps) {
    if (r.op == op) return std::string(r.text);
  }
  return "op" + std::to_string(op);
}

// An address or port operand of NAT: immediate data, a range of two, or a
// map lookup's result.
std::optional<Expr> Operand(Machine& m, const nftnl_expr* e, std::uint16_t min_attr, std::uint16_t max_attr, ValueKind kind) {
  if (!Has(e, min_attr)) return std::nullopt;
  const Register* lo = m.Get(U32(e, min_attr));
  if (lo == nullptr || lo->continued) return std::nullopt;
  if (lo->value) return lo->value;
  if (!lo->data) return std::nullopt;
  const Register* hi = Has(e, max_attr) ? m.Get(U32(e, max_attr)) : nullptr;
  if (hi != nullptr && hi->data) return IntervalExpr(kind, *lo->data, *hi->data);
  return ValueExpr(kind, *lo->data);
}

// --- handlers -------------------------------------------------------------

using Handler = void (*)(const nftnl_expr*, Machine&);

void Payload(const nftnl_expr* e, Machine& m) {
  const std::uint32_t base = U32(e, NFTNL_EXPR_PAYLOAD_BASE), offset = U32(e, NFTNL_EXPR_PAYLOAD_OFFSET),
                      len = U32(e, NFTNL_EXPR_PAYLOAD_LEN);
  Loaded l = PayloadSelector(base, offset, len, m.payload_);
  if (Has(e, NFTNL_EXPR_PAYLOAD_SREG)) {
    return m.Other("payload set", nft::Render(l.selector) + " set (register)");
  }
  m.Load(U32(e, NFTNL_EXPR_PAYLOAD_DREG), std::move(l));
}

// `meta KEY set VALUE` / `ct KEY set VALUE`: the value from the register.
std::string SetValue(Machine& m, std::uint32_t sreg, const Loaded& l) {
  const Register* r = m.Get(sreg);
  if (r != nullptr && r->data) return nft::Render(ValueExpr(l.kind, *r->data));
  if (r != nullptr && r->loaded) return nft::Render(r->loaded->selector);
  if (r != nullptr && r->value) return nft::Render(*r->value);
  return "(register)";
}

void Meta(const nftnl_expr* e, Machine& m) {
  Loaded l = MetaSelector(U32(e, NFTNL_EXPR_META_KEY), 4);
  if (Has(e, NFTNL_EXPR_META_SREG)) {
    return m.Other("meta set", "meta " + l.selector.field + " set " + SetValue(m, U32(e, NFTNL_EXPR_META_SREG), l));
  }
  // The register holds the key's own size: 1 byte for nfproto, l4proto, ...
  constexpr std::uint32_t kOneByte[] = {NFT_META_NFPROTO, NFT_META_L4PROTO, NFT_META_PKTTYPE, NFT_META_SECPATH,
                                        NFT_META_TIME_DAY};
  const std::uint32_t key = U32(e, NFTNL_EXPR_META_KEY);
  if (std::find(std::begin(kOneByte), std::end(kOneByte), key) != std::end(kOneByte)) l.length = l.full_length = 1;
  if (l.kind == ValueKind::kIfname) l.length = l.full_length = 16;
  if (key == NFT_META_PROTOCOL || key == NFT_META_IIFTYPE || key == NFT_META_OIFTYPE) l.length = l.full_length = 2;
  if (key == NFT_META_TIME_NS) l.length = l.full_length = 8;
  m.Load(U32(e, NFTNL_EXPR_META_DREG), std::move(l));
}

void Ct(const nftnl_expr* e, Machine& m) {
  std::optional<std::uint8_t> dir;
  if (Has(e, NFTNL_EXPR_CT_DIR)) dir = nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR);
  Loaded l = CtSelector(U32(e, NFTNL_EXPR_CT_KEY), dir, 4, m.payload_);
  if (Has(e, NFTNL_EXPR_CT_SREG)) {
    return m.Other("ct set", "ct " + l.selector.field + " set " + SetValue(m, U32(e, NFTNL_EXPR_CT_SREG), l));
  }
  const std::uint32_t key = U32(e, NFTNL_EXPR_CT_KEY);
  if (key == NFT_CT_L3PROTOCOL || key == NFT_CT_PROTOCOL || key == NFT_CT_DIRECTION) l.length = l.full_length = 1;
  if (key == NFT_CT_PROTO_SRC || key == NFT_CT_PROTO_DST || key == NFT_CT_ZONE) l.length = l.full_length = 2;
  if (l.kind == ValueKind::kIpv6 || key == NFT_CT_LABELS || key == NFT_CT_HELPER) l.length = l.full_length = 16;
  if (key == NFT_CT_PKTS || key == NFT_CT_BYTES || key == NFT_CT_AVGPKT) l.length = l.full_length = 8;
  m.Load(U32(e, NFTNL_EXPR_CT_DREG), std::move(l));
}

void Cmp(const nftnl_expr* e, Machine& m) {
  const Register* r = m.Get(U32(e, NFTNL_EXPR_CMP_SREG));
  if (r == nullptr || !r->loaded || r->continued) return m.Unknown("cmp on a register nothing was loaded into");
  m.Compare(*r, CmpOp(U32(e, NFTNL_EXPR_CMP_OP)), DataOf(e, NFTNL_EXPR_CMP_DATA));
}

void Bitwise(const nftnl_expr* e, Machine& m) {
  const Register* src = m.Get(U32(e, NFTNL_EXPR_BITWISE_SREG));
  if (src == nullptr || !src->loaded) return m.Unknown("bitwise on a register nothing was loaded into");
  Register r = *src;
  const std::uint32_t op = Has(e, NFTNL_EXPR_BITWISE_OP) ? U32(e, NFTNL_EXPR_BITWISE_OP) : std::uint32_t{NFT_BITWISE_BOOL};
  if (op != NFT_BITWISE_BOOL || r.mask) {
    // Shifts, or a second mask: kept as the expression, compared as data.
    const std::string shift = op == NFT_BITWISE_LSHIFT ? "<<" : op == NFT_BITWISE_RSHIFT ? ">>" : "&";
    r.loaded->selector = Binop(shift, r.loaded->selector, ValueExpr(ValueKind::kHostInteger, DataOf(e, NFTNL_EXPR_BITWISE_DATA)));
    r.loaded->kind = ValueKind::kRaw;
    r.mask.reset();
    r.xor_bits.reset();
  } else {
    r.mask = DataOf(e, NFTNL_EXPR_BITWISE_MASK);
    r.xor_bits = DataOf(e, NFTNL_EXPR_BITWISE_XOR);
  }
  const std::uint32_t len = r.loaded->length;
  m.Set(U32(e, NFTNL_EXPR_BITWISE_DREG), std::move(r), len);
}

void Range(const nftnl_expr* e, Machine& m) {
  const Register* r = m.Get(U32(e, NFTNL_EXPR_RANGE_SREG));
  if (r == nullptr || !r->loaded || r->mask) return m.Unknown("range on a register nothing was loaded into");
  nft::Match match;
  match.left = r->loaded->selector;
  match.op = U32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ ? "!=" : "";
  Expr range;
  range.kind = Expr::Kind::kRange;
  range.items.push_back(ReadAs(*r->loaded, DataOf(e, NFTNL_EXPR_RANGE_FROM_DATA)));
  range.items.push_back(ReadAs(*r->loaded, DataOf(e, NFTNL_EXPR_RANGE_TO_DATA)));
  match.right = std::move(range);
  m.statements.emplace_back(std::move(match));
}

void Lookup(const nftnl_expr* e, Machine& m) {
  const std::string name = Str(e, NFTNL_EXPR_LOOKUP_SET);
  nftnl_set* set = m.ctx_.find_set ? m.ctx_.find_set(name) : nullptr;
  if (set == nullptr) return m.Unknown("lookup in set " + name + ", which the kernel did not list");
  const std::vector<Loaded> key = m.Key(U32(e, NFTNL_EXPR_LOOKUP_SREG), nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN));
  if (key.empty()) return m.Unknown("lookup in set " + name + " on registers nothing was loaded into");
  Expr left = Machine::KeyExpr(key);
  Expr right = m.SetExpr(name, key);
  if (!Has(e, NFTNL_EXPR_LOOKUP_DREG)) {
    const bool inverted = Has(e, NFTNL_EXPR_LOOKUP_FLAGS) && (U32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV) != 0;
    m.statements.emplace_back(nft::Match{std::move(left), inverted ? "!=" : "", std::move(right)});
    return;
  }
  const std::uint32_t dreg = U32(e, NFTNL_EXPR_LOOKUP_DREG);
  if (dreg == NFT_REG_VERDICT) {
    m.statements.emplace_back(nft::VmapStmt{std::move(left), std::move(right)});
    return;
  }
  Register r;
  Expr lookup;
  lookup.kind = Expr::Kind::kMapLookup;
  lookup.items.push_back(std::move(left));
  lookup.items.push_back(std::move(right));
  r.value = std::move(lookup);
  m.Set(dreg, std::move(r), nftnl_set_get_u32(set, NFTNL_SET_DATA_LEN));
}

void Immediate(const nftnl_expr* e, Machine& m) {
  const std::uint32_t dreg = U32(e, NFTNL_EXPR_IMM_DREG);
  if (dreg == NFT_REG_VERDICT) {
    const Expr v = VerdictExpr(static_cast<int>(U32(e, NFTNL_EXPR_IMM_VERDICT)), Str(e, NFTNL_EXPR_IMM_CHAIN));
    m.statements.emplace_back(nft::VerdictStmt{v.text, v.target, ""});
    return;
  }
  Register r;
  r.data = DataOf(e, NFTNL_EXPR_IMM_DATA);
  const auto len = static_cast<std::uint32_t>(r.data->size());
  m.Set(dreg, std::move(r), len);
}

// A NAT statement's text as nft lists it: `dnat ip to 10.0.0.1:8080`.
std::string NatText(const std::string& kind, const std::string& family, const std::optional<Expr>& address,
                    const std::optional<Expr>& port) {
  std::string out = kind;
  if (!family.empty()) out += " " + family;
  if (address || port) out += " to ";
  if (address) {
    const bool v6 = family == "ip6" && port;
    out += v6 ? "[" + nft::Render(*address) + "]" : nft::Render(*address);
  }
  if (port) out += ":" + nft::Render(*port);
  return out;
}

void Nat(const nftnl_expr* e, Machine& m) {
  nft::NatStmt n;
  n.kind = U32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_SNAT ? "snat" : "dnat";
  const std::uint32_t family = U32(e, NFTNL_EXPR_NAT_FAMILY);
  const bool v6 = family == NFPROTO_IPV6;
  if (m.ctx_.family == "inet") n.family = v6 ? "ip6" : "ip";
  n.address = Operand(m, e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFTNL_EXPR_NAT_REG_ADDR_MAX, v6 ? ValueKind::kIpv6 : ValueKind::kIpv4);
  n.port = Operand(m, e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFTNL_EXPR_NAT_REG_PROTO_MAX, ValueKind::kInteger);
  n.text = NatText(n.kind, n.family, n.address, n.port);
  m.statements.emplace_back(std::move(n));
}

void Masq(const nftnl_expr* e, Machine& m) {
  nft::NatStmt n;
  n.kind = "masquerade";
  n.port = Operand(m, e, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFTNL_EXPR_MASQ_REG_PROTO_MAX, ValueKind::kInteger);
  n.text = NatText(n.kind, "", std::nullopt, n.port);
  m.statements.emplace_back(std::move(n));
}

void Redir(const nftnl_expr* e, Machine& m) {
  nft::NatStmt n;
  n.kind = "redirect";
  n.port = Operand(m, e, NFTNL_EXPR_REDIR_REG_PROTO_MIN, NFTNL_EXPR_REDIR_REG_PROTO_MAX, ValueKind::kInteger);
  n.text = NatText(n.kind, "", std::nullopt, n.port);
  m.statements.emplace_back(std::move(n));
}

void Reject(const nftnl_expr* e, Machine& m) {
  const std::uint32_t type = U32(e, NFTNL_EXPR_REJECT_TYPE);
  const std::uint32_t code = Has(e, NFTNL_EXPR_REJECT_CODE) ? nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE) : 0;
  std::string text = "reject";
  if (type == NFT_REJECT_TCP_RST) {
    text = "reject with tcp reset";
  } else if (type == NFT_REJECT_ICMPX_UNREACH && code != NFT_REJECT_ICMPX_PORT_UNREACH) {
    text = "reject with icmpx " + std::to_string(code);
  } else if (type == NFT_REJECT_ICMP_UNREACH && code != 3 /* port unreachable */ && code != 4 /* icmpv6's */) {
    text = "reject with icmp " + std::to_string(code);
  }
  m.statements.emplace_back(nft::VerdictStmt{"reject", "", text});
}

void Queue(const nftnl_expr* e, Machine& m) {
  std::string text = "queue";
  if (Has(e, NFTNL_EXPR_QUEUE_NUM)) text += " to " + std::to_string(nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_NUM));
  m.statements.emplace_back(nft::VerdictStmt{"queue", "", text});
}

void Counter(const nftnl_expr* e, Machine& m) {
  m.Other("counter", "counter packets " + std::to_string(nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS)) + " bytes " +
                         std::to_string(nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES)));
}

void Log(const nftnl_expr* e, Machine& m) {
  std::string text = "log";
  if (Has(e, NFTNL_EXPR_LOG_PREFIX)) text += " prefix \"" + Str(e, NFTNL_EXPR_LOG_PREFIX) + "\"";
  if (Has(e, NFTNL_EXPR_LOG_GROUP)) text += " group " + std::to_string(nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP));
  m.Other("log", text);
}

std::string LimitText(const nftnl_expr* e) {
  struct UnitRow {
    std::uint64_t seconds;
    std::string_view name;
  };
  constexpr UnitRow kUnits[] = {{1, "second"}, {60, "minute"}, {3600, "hour"}, {86400, "day"}, {604800, "week"}};
  const std::uint64_t unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
  std::string name = std::to_string(unit) + "s";
  for (const UnitRow& u : kUnits) {
    if (u.seconds == unit) name = std::string(u.name);
  }
  const bool over = Has(e, NFTNL_EXPR_LIMIT_FLAGS) && (U32(e, NFTNL_EXPR_LIMIT_FLAGS) & NFT_LIMIT_F_INV) != 0;
  const bool bytes = Has(e, NFTNL_EXPR_LIMIT_TYPE) && U32(e, NFTNL_EXPR_LIMIT_TYPE) == NFT_LIMIT_PKT_BYTES;
  return std::string("limit rate ") + (over ? "over " : "") + std::to_string(nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE)) +
         (bytes ? " bytes" : "") + "/" + name;
}

void Limit(const nftnl_expr* e, Machine& m) { m.Other("limit", LimitText(e)); }

void Quota(const nftnl_expr* e, Machine& m) {
  const bool over = Has(e, NFTNL_EXPR_QUOTA_FLAGS) && (U32(e, NFTNL_EXPR_QUOTA_FLAGS) & NFT_QUOTA_F_INV) != 0;
  m.Other("quota", std::string("quota ") + (over ? "over " : "") +
                       std::to_string(nftnl_expr_get_u64(e, NFTNL_EXPR_QUOTA_BYTES)) + " bytes");
}

void Notrack(const nftnl_expr*, Machine& m) { m.Other("notrack", "notrack"); }

void Dynset(const nftnl_expr* e, Machine& m) {
  const std::string set = Str(e, NFTNL_EXPR_DYNSET_SET_NAME);
  const std::uint32_t op = U32(e, NFTNL_EXPR_DYNSET_OP);
  const std::string word = op == NFT_DYNSET_OP_UPDATE ? "update" : op == NFT_DYNSET_OP_DELETE ? "delete" : "add";
  nftnl_set* s = m.ctx_.find_set ? m.ctx_.find_set(set) : nullptr;
  const std::uint32_t key_len = s != nullptr ? nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN) : 4;
  const std::vector<Loaded> key = m.Key(U32(e, NFTNL_EXPR_DYNSET_SREG_KEY), key_len);
  std::string text = word + " @" + set + " { " + (key.empty() ? "(register)" : nft::Render(Machine::KeyExpr(key)));
  // A per-element statement (a meter's limit): the lowering reads its keyword.
  if (Has(e, NFTNL_EXPR_DYNSET_EXPR)) {
    std::uint32_t len = 0;
    const auto* inner = static_cast<const nftnl_expr*>(nftnl_expr_get(e, NFTNL_EXPR_DYNSET_EXPR, &len));
    const char* name = inner != nullptr ? nftnl_expr_get_str(inner, NFTNL_EXPR_NAME) : nullptr;
    if (name != nullptr && std::string_view(name) == "limit") {
      text += " " + LimitText(inner);
    } else if (name != nullptr) {
      text += " " + std::string(name);
    }
  } else if (Has(e, NFTNL_EXPR_DYNSET_EXPRESSIONS)) {
    text += " (statements)";
  }
  m.Other("set " + word, text + " }", set);
}

void Fib(const nftnl_expr* e, Machine& m) {
  m.Load(U32(e, NFTNL_EXPR_FIB_DREG), FibSelector(U32(e, NFTNL_EXPR_FIB_FLAGS), U32(e, NFTNL_EXPR_FIB_RESULT), 4));
}

void Rt(const nftnl_expr* e, Machine& m) {
  const std::uint32_t key = U32(e, NFTNL_EXPR_RT_KEY);
  m.Load(U32(e, NFTNL_EXPR_RT_DREG), RtSelector(key, key == NFT_RT_NEXTHOP6 ? 16 : key == NFT_RT_XFRM ? 1 : 4));
}

void Socket(const nftnl_expr* e, Machine& m) {
  const std::uint32_t key = U32(e, NFTNL_EXPR_SOCKET_KEY);
  m.Load(U32(e, NFTNL_EXPR_SOCKET_DREG), SocketSelector(key, key == NFT_SOCKET_CGROUPV2 ? 8 : key == NFT_SOCKET_MARK ? 4 : 1));
}

void Exthdr(const nftnl_expr* e, Machine& m) {
  const bool present = Has(e, NFTNL_EXPR_EXTHDR_FLAGS) && (U32(e, NFTNL_EXPR_EXTHDR_FLAGS) & NFT_EXTHDR_F_PRESENT) != 0;
  const std::uint32_t op = Has(e, NFTNL_EXPR_EXTHDR_OP) ? U32(e, NFTNL_EXPR_EXTHDR_OP) : std::uint32_t{NFT_EXTHDR_OP_IPV6};
  Loaded l = ExthdrSelector(op, nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE), U32(e, NFTNL_EXPR_EXTHDR_OFFSET),
                            U32(e, NFTNL_EXPR_EXTHDR_LEN), present);
  if (Has(e, NFTNL_EXPR_EXTHDR_SREG)) return m.Other("exthdr set", nft::Render(l.selector) + " set (register)");
  m.Load(U32(e, NFTNL_EXPR_EXTHDR_DREG), std::move(l));
}

void Objref(const nftnl_expr* e, Machine& m) {
  struct ObjectRow {
    std::uint32_t type;
    std::string_view keyword;
    std::string_view word;
  };
  constexpr ObjectRow kObjects[] = {
      {NFT_OBJECT_COUNTER, "counter", "counter"},       {NFT_OBJECT_QUOTA, "quota", "quota"},
      {NFT_OBJECT_CT_HELPER, "ct set", "ct helper set"}, {NFT_OBJECT_LIMIT, "limit", "limit"},
      {NFT_OBJECT_CONNLIMIT, "ct count", "ct count"},   {NFT_OBJECT_CT_TIMEOUT, "ct set", "ct timeout set"},
      {NFT_OBJECT_SECMARK, "meta set", "meta secmark set"}, {NFT_OBJECT_CT_EXPECT, "ct set", "ct expectation set"},
      {NFT_OBJECT_SYNPROXY, "synproxy", "synproxy"},
  };
  if (Has(e, NFTNL_EXPR_OBJREF_SET_NAME)) {
    // `quota name ip saddr map @q`: the map's object type says which.
    const std::string set = Str(e, NFTNL_EXPR_OBJREF_SET_NAME);
    nftnl_set* s = m.ctx_.find_set ? m.ctx_.find_set(set) : nullptr;
    const std::uint32_t type = s != nullptr ? nftnl_set_get_u32(s, NFTNL_SET_OBJ_TYPE) : 0;
    const std::vector<Loaded> key =
        m.Key(U32(e, NFTNL_EXPR_OBJREF_SET_SREG), s != nullptr ? nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN) : 4);
    const std::string map = (key.empty() ? std::string("(register)") : nft::Render(Machine::KeyExpr(key))) + " map " +
                            nft::Render(m.SetExpr(set, key));
    for (const ObjectRow& o : kObjects) {
      if (o.type == type) {
        const std::string word(o.word);
        return m.Other(std::string(o.keyword), word.ends_with(" set") ? word + " " + map : word + " name " + map);
      }
    }
    return m.Other("unknown", "object map " + map);
  }
  const std::uint32_t type = U32(e, NFTNL_EXPR_OBJREF_IMM_TYPE);
  const std::string name = Str(e, NFTNL_EXPR_OBJREF_IMM_NAME);
  for (const ObjectRow& o : kObjects) {
    if (o.type == type) {
      const bool set = std::string_view(o.word).ends_with(" set");
      return m.Other(std::string(o.keyword), std::string(o.word) + (set ? " \"" : " name \"") + name + "\"");
    }
  }
  m.Other("unknown", "object reference of type " + std::to_string(type) + " \"" + name + "\"");
}

void Connlimit(const nftnl_expr* e, Machine& m) {
  const bool over = Has(e, NFTNL_EXPR_CONNLIMIT_FLAGS) && (U32(e, NFTNL_EXPR_CONNLIMIT_FLAGS) & NFT_CONNLIMIT_F_INV) != 0;
  m.Other("ct count", std::string("ct count ") + (over ? "over " : "") + std::to_string(U32(e, NFTNL_EXPR_CONNLIMIT_COUNT)));
}

void Match(const nftnl_expr* e, Machine& m) { m.Other("xt", "xt match \"" + Str(e, NFTNL_EXPR_MT_NAME) + "\""); }
void Target(const nftnl_expr* e, Machine& m) { m.Other("xt", "xt target \"" + Str(e, NFTNL_EXPR_TG_NAME) + "\""); }
void FlowOffload(const nftnl_expr* e, Machine& m) { m.Other("flow", "flow add @" + Str(e, NFTNL_EXPR_FLOW_TABLE_NAME)); }
void Tproxy(const nftnl_expr*, Machine& m) { m.Other("tproxy", "tproxy"); }
void Dup(const nftnl_expr*, Machine& m) { m.Other("dup", "dup"); }
void Fwd(const nftnl_expr*, Machine& m) { m.Other("fwd", "fwd"); }
void Synproxy(const nftnl_expr*, Machine& m) { m.Other("synproxy", "synproxy"); }
void Last(const nftnl_expr*, Machine& m) { m.Other("last", "last"); }

// Loads that only hash, count or fingerprint: selectors the lowering keeps as
// explicit unknowns.
void Numgen(const nftnl_expr* e, Machine& m) {
  m.Load(U32(e, NFTNL_EXPR_NG_DREG), {Selector("numgen", "mod " + std::to_string(U32(e, NFTNL_EXPR_NG_MODULUS))),
                                      ValueKind::kHostInteger, 4, 4});
}
void Hash(const nftnl_expr* e, Machine& m) {
  m.Load(U32(e, NFTNL_EXPR_HASH_DREG), {Selector("jhash", "mod " + std::to_string(U32(e, NFTNL_EXPR_HASH_MODULUS))),
                                        ValueKind::kHostInteger, 4, 4});
}
void Osf(const nftnl_expr* e, Machine& m) {
  m.Load(U32(e, NFTNL_EXPR_OSF_DREG), {Selector("osf", "name"), ValueKind::kIfname, 16, 16});
}
void Xfrm(const nftnl_expr* e, Machine& m) {
  m.Load(U32(e, NFTNL_EXPR_XFRM_DREG), {Selector("ipsec", "key " + std::to_string(U32(e, NFTNL_EXPR_XFRM_KEY))),
                                        ValueKind::kRaw, 4, 4});
}

// byteorder converts a register in place for the next expression: what it
// holds stays the same selector, its bytes now in network order (hton:
// nft's conversion of a host-order value before a range, a relational cmp
// or an interval set lookup) or back in host order (ntoh).
void Byteorder(const nftnl_expr* e, Machine& m) {
  const Register* src = m.Get(U32(e, NFTNL_EXPR_BYTEORDER_SREG));
  if (src == nullptr) return m.Unknown("byteorder on an empty register");
  Register r = *src;
  if (r.loaded) r.loaded->network_order = U32(e, NFTNL_EXPR_BYTEORDER_OP) == NFT_BYTEORDER_HTON;
  const std::uint32_t len = r.loaded ? r.loaded->length : 4;
  m.Set(U32(e, NFTNL_EXPR_BYTEORDER_DREG), std::move(r), len);
}

struct HandlerRow {
  std::string_view name;
  Handler handler;
};

constexpr HandlerRow kHandlers[] = {
    {"payload", Payload}, {"meta", Meta},       {"ct", Ct},         {"cmp", Cmp},
    {"bitwise", Bitwise}, {"range", Range},     {"lookup", Lookup}, {"immediate", Immediate},
    {"nat", Nat},         {"masq", Masq},       {"redir", Redir},   {"reject", Reject},
    {"queue", Queue},     {"counter", Counter}, {"log", Log},       {"limit", Limit},
    {"quota", Quota},     {"notrack", Notrack}, {"dynset", Dynset}, {"fib", Fib},
    {"rt", Rt},           {"socket", Socket},   {"exthdr", Exthdr}, {"objref", Objref},
    {"connlimit", Connlimit}, {"match", Match}, {"target", Target}, {"flow_offload", FlowOffload},
    {"tproxy", Tproxy},   {"dup", Dup},         {"fwd", Fwd},       {"synproxy", Synproxy},
    {"last", Last},       {"numgen", Numgen},   {"hash", Hash},     {"osf", Osf},
    {"xfrm", Xfrm},       {"byteorder", Byteorder},
};

struct RuleWalk {
  Machine* machine;
};

int OnExpression(nftnl_expr* e, void* data) {
  Machine& m = *static_cast<RuleWalk*>(data)->machine;
  const char* name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
  const std::string_view n = name != nullptr ? name : "";
  for (const HandlerRow& h : kHandlers) {
    if (h.name == n) {
      h.handler(e, m);
      return 0;
    }
  }
  m.Unknown("unknown expression \"" + std::string(n) + "\"");
  return 0;
}

}  // namespace

std::vector<nft::Statement> DelinearizeRule(nftnl_rule* rule, const RuleContext& ctx) {
  Machine m(ctx);
  RuleWalk walk{&m};
  nftnl_expr_foreach(rule, OnExpression, &walk);
  return std::move(m.statements);
}

std::vector<std::string_view> HandledExpressions() {
  std::vector<std::string_view> out;
  for (const HandlerRow& h : kHandlers) out.push_back(h.name);
  return out;
}

}  // namespace ghostport::parsers::netlink
