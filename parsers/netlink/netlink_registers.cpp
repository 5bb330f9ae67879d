#include "parsers/netlink/netlink_registers.h"

#include <algorithm>

#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "parsers/netlink/netlink_sets.h"

namespace ghostport::parsers::netlink {

namespace {

using nft::Expr;

bool AllZero(const Bytes& b) {
  for (std::uint8_t x : b) {
    if (x != 0) return false;
  }
  return true;
}

Expr List(const std::vector<std::string>& names) {
  if (names.size() == 1) return Value(names[0]);
  Expr l;
  l.kind = Expr::Kind::kList;
  for (const std::string& n : names) l.items.push_back(Value(n));
  return l;
}

}  // namespace

nft::Expr ReadAs(const Loaded& l, const Bytes& data) {
  return ValueExpr(l.kind, l.network_order && IsHostOrderKind(l.kind) ? ToHostOrder(data) : data);
}

nft::Expr Binop(std::string op, nft::Expr left, nft::Expr right) {
  nft::Expr b;
  b.kind = nft::Expr::Kind::kBinop;
  b.op = std::move(op);
  b.items.push_back(std::move(left));
  b.items.push_back(std::move(right));
  return b;
}

// nf_tables registers: NFT_REG_1..4 (16 bytes each) and NFT_REG32_00..15
// (4 bytes) name one 64-byte file; a register is its first 4-byte word.
int WordOf(std::uint32_t reg) {
  if (reg >= NFT_REG32_00) return static_cast<int>(reg - NFT_REG32_00);
  return static_cast<int>(reg - NFT_REG_1) * 4;
}

int Words(std::uint32_t length) { return static_cast<int>((length + 3) / 4); }

Machine::Machine(const RuleContext& ctx) : ctx_(ctx) {
  if (ctx.family == "ip" || ctx.family == "ip6") payload_.network = ctx.family;
}

void Machine::Load(std::uint32_t reg, Loaded l) {
  const std::uint32_t length = l.length;
  Register r;
  r.loaded = std::move(l);
  Set(reg, std::move(r), length);
}

void Machine::Set(std::uint32_t reg, Register r, std::uint32_t length) {
  const int w = WordOf(reg);
  regs_[w] = std::move(r);
  for (int i = 1; i < Words(length); ++i) {
    Register c;
    c.continued = true;
    regs_[w + i] = c;
  }
}

const Register* Machine::Get(std::uint32_t reg) const {
  auto it = regs_.find(WordOf(reg));
  return it == regs_.end() ? nullptr : &it->second;
}

// The selectors loaded from `reg` on, to cover `length` bytes (a
// concatenation: one per field).
std::vector<Loaded> Machine::Key(std::uint32_t reg, std::uint32_t length) const {
  std::vector<Loaded> out;
  int w = WordOf(reg);
  int left = Words(length);
  while (left > 0) {
    auto it = regs_.find(w);
    if (it == regs_.end() || !it->second.loaded || it->second.continued) return {};
    out.push_back(*it->second.loaded);
    const int n = Words(it->second.loaded->length);
    w += n;
    left -= n;
  }
  return out;
}

void Machine::Unknown(const std::string& what) { statements.emplace_back(nft::OtherStmt{"unknown", "", what}); }

void Machine::Other(std::string keyword, std::string text, std::string set) {
  statements.emplace_back(nft::OtherStmt{std::move(keyword), std::move(set), std::move(text)});
}

// A comparison of a register with `data`.
void Machine::Compare(const Register& r, const std::string& op, const Bytes& data) {
  const Loaded& l = *r.loaded;
  if (l.selector.protocol == "payload" && l.base && !r.mask && op == "==") {
    // A merged load of adjacent fields: one match per field.
    const std::vector<Loaded> pieces = SplitPayload(*l.base, l.offset, l.length, payload_);
    if (pieces.size() > 1) {
      std::size_t at = 0;
      for (const Loaded& piece : pieces) {
        Register one;
        one.loaded = piece;
        const auto from = static_cast<std::ptrdiff_t>(std::min(at, data.size()));
        const auto to = static_cast<std::ptrdiff_t>(std::min(at + piece.length, data.size()));
        Compare(one, op, Bytes(data.begin() + from, data.begin() + to));
        at += piece.length;
      }
      return;
    }
  }
  nft::Match m;
  m.op = op == "==" ? "" : op;
  m.left = l.selector;
  if (r.mask && !AllZero(r.xor_bits.value_or(Bytes()))) {
    m.left = Binop("^", Binop("&", l.selector, ValueExpr(ValueKind::kRaw, *r.mask)), ValueExpr(ValueKind::kRaw, *r.xor_bits));
    m.op = op;
    m.right = ValueExpr(ValueKind::kRaw, data);
  } else if (r.mask && IsFlagKind(l.kind)) {
    const std::uint32_t mask = FlagBits(l.kind, *r.mask), bits = FlagBits(l.kind, data);
    if (bits == 0 && (op == "!=" || op == "==") && (l.kind != ValueKind::kTcpFlags || op == "!=")) {
      // `ct state established,related`: any of the mask's bits; `==` 0: none of them.
      m.op = op == "!=" ? "" : "!=";
      m.right = List(FlagNames(l.kind, mask));
    } else {
      Expr mask_list;
      mask_list.kind = Expr::Kind::kList;
      for (const std::string& n : FlagNames(l.kind, mask)) mask_list.items.push_back(Value(n));
      m.left = Binop("&", l.selector, mask_list);
      m.op = op;
      m.right = bits == 0 ? Value("0") : List(FlagNames(l.kind, bits));
    }
  } else if (IsAddressKind(l.kind) && (r.mask || l.length < l.full_length)) {
    const std::optional<int> bits = r.mask ? PrefixLength(*r.mask) : std::optional<int>(static_cast<int>(l.length * 8));
    Bytes full = data;
    full.resize(l.full_length, 0);
    if (bits) {
      Expr p;
      p.kind = Expr::Kind::kPrefix;
      p.length = *bits;
      p.items.push_back(ValueExpr(l.kind, full));
      m.right = p;
    } else {
      m.left = Binop("&", l.selector, ValueExpr(l.kind, *r.mask));
      m.op = op;
      m.right = ValueExpr(l.kind, full);
    }
  } else if (r.mask) {
    m.left = Binop("&", l.selector, ValueExpr(ValueKind::kRaw, *r.mask));
    m.op = op;
    m.right = ValueExpr(ValueKind::kRaw, data);
  } else {
    m.right = ReadAs(l, data);
  }
  if (op == "==" && !r.mask) Depend(l, data);
  statements.emplace_back(std::move(m));
}

// The protocols a match establishes for the payload loads after it.
void Machine::Depend(const Loaded& l, const Bytes& data) {
  if (data.empty()) return;
  const std::string name = l.selector.protocol + " " + l.selector.field;
  if (name == "meta l4proto" || name == "ip protocol" || name == "ip6 nexthdr") payload_.transport = data[0];
  if (name == "meta nfproto") payload_.network = data[0] == NFPROTO_IPV4 ? "ip" : data[0] == NFPROTO_IPV6 ? "ip6" : "";
  if ((name == "meta protocol" || name == "ether type") && data.size() == 2) {
    const int t = data[0] << 8 | data[1];
    payload_.network = t == 0x0800 ? "ip" : t == 0x86dd ? "ip6" : "";
  }
}

// A named set by reference; an anonymous one as its elements, read as
// the key reads.
Expr Machine::SetExpr(const std::string& name, const std::vector<Loaded>& key) {
  nftnl_set* set = ctx_.find_set ? ctx_.find_set(name) : nullptr;
  const bool anonymous = set != nullptr && (nftnl_set_get_u32(set, NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS) != 0;
  if (!anonymous) {
    Expr ref;
    ref.kind = Expr::Kind::kSetRef;
    ref.text = name;
    return ref;
  }
  std::vector<Component> components;
  for (const Loaded& l : key) components.push_back({l.kind, l.length, l.network_order});
  Expr s;
  s.kind = Expr::Kind::kSet;
  s.items = ElementsOf(set, components);
  return s;
}

Expr Machine::KeyExpr(const std::vector<Loaded>& key) {
  if (key.size() == 1) return key[0].selector;
  Expr c;
  c.kind = Expr::Kind::kConcat;
  for (const Loaded& l : key) c.items.push_back(l.selector);
  return c;
}

}  // namespace ghostport::parsers::netlink
