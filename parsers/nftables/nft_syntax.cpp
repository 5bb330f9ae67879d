#include "parsers/nftables/nft_syntax.h"

#include <array>
#include <string_view>

namespace ghostport::parsers::nft {

namespace {

// Meta keys nft prints without "meta" (`iifname "eth0"`, not `meta iifname`).
constexpr std::array<std::string_view, 6> kUnqualifiedMetaKeys = {
    "iif", "oif", "iifname", "oifname", "iifgroup", "oifgroup",
};

bool IsUnqualifiedMeta(std::string_view key) {
  for (const std::string_view k : kUnqualifiedMetaKeys) {
    if (k == key) return true;
  }
  return false;
}

std::string Join(const std::vector<Expr>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += Render(items[i]);
  }
  return out;
}

std::string RenderSelector(const Expr& e) {
  if (e.protocol == "meta" && IsUnqualifiedMeta(e.field)) return e.field;
  if (e.protocol == "payload") return e.field;  // "@nh,16,16"
  if (e.field.empty()) return e.protocol;
  return e.protocol + " " + e.field;
}

// Binary operators bind as in C: shifts before &, & before ^, ^ before |.
int Precedence(const std::string& op) {
  if (op == "<<" || op == ">>") return 4;
  if (op == "&") return 3;
  if (op == "^") return 2;
  return 1;
}

// An operand of a binary operation, parenthesized only where nft needs it:
// `ct mark & 0xffff0000 | meta mark & 0xffff`, `(meta mark | 0x10) << 8`.
std::string RenderOperand(const Expr& e, const std::string& parent_op, bool right) {
  if (e.kind != Expr::Kind::kBinop) return Render(e);
  const int child = Precedence(e.op);
  const int parent = Precedence(parent_op);
  if (child > parent || (child == parent && !right)) return Render(e);
  return "(" + Render(e) + ")";
}

std::string RenderItem(const Expr& e, std::size_t i) { return i < e.items.size() ? Render(e.items[i]) : std::string(); }

std::string RenderMatch(const Match& m) {
  const Expr& left = m.left;
  const bool implicit = m.op.empty() || m.op == "==";
  const std::string op = implicit ? std::string(" ") : " " + m.op + " ";
  if (left.kind == Expr::Kind::kBinop) {
    // A flag mask given as a list prints as `tcp flags syn / syn,ack`.
    if (left.op == "&" && left.items.size() == 2 && left.items[1].kind == Expr::Kind::kList) {
      return Render(left.items[0]) + op + Render(m.right) + " / " + Render(left.items[1]);
    }
    // After an operation the comparison is spelled out: `ct mark & 0xff == 0x10`.
    return Render(left) + " " + (m.op.empty() ? std::string("==") : m.op) + " " + Render(m.right);
  }
  return Render(left) + op + Render(m.right);
}

struct StatementRenderer {
  std::string operator()(const Match& m) const { return RenderMatch(m); }
  std::string operator()(const VerdictStmt& v) const {
    if (!v.text.empty()) return v.text;
    return v.target.empty() ? v.kind : v.kind + " " + v.target;
  }
  std::string operator()(const VmapStmt& v) const { return Render(v.key) + " vmap " + Render(v.map); }
  std::string operator()(const NatStmt& n) const { return n.text; }
  std::string operator()(const OtherStmt& o) const { return o.text; }
};

}  // namespace

std::string Render(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kSelector:
      return RenderSelector(e);
    case Expr::Kind::kValue:
      return e.quoted ? "\"" + e.text + "\"" : e.text;
    case Expr::Kind::kRange:
      return RenderItem(e, 0) + "-" + RenderItem(e, 1);
    case Expr::Kind::kPrefix:
      return RenderItem(e, 0) + "/" + std::to_string(e.length);
    case Expr::Kind::kSet:
      return e.items.empty() ? std::string("{ }") : "{ " + Join(e.items, ", ") + " }";
    case Expr::Kind::kSetRef:
      return "@" + e.text;
    case Expr::Kind::kConcat:
      return Join(e.items, " . ");
    case Expr::Kind::kBinop:
      if (e.items.size() != 2) return Join(e.items, " " + e.op + " ");
      return RenderOperand(e.items[0], e.op, false) + " " + e.op + " " + RenderOperand(e.items[1], e.op, true);
    case Expr::Kind::kMapping:
      return RenderItem(e, 0) + " : " + RenderItem(e, 1);
    case Expr::Kind::kMapLookup:
      return RenderItem(e, 0) + " map " + RenderItem(e, 1);
    case Expr::Kind::kVerdict:
      return e.target.empty() ? e.text : e.text + " " + e.target;
    case Expr::Kind::kList:
      return Join(e.items, ",");
  }
  return e.text;
}

std::string Render(const Statement& s) { return std::visit(StatementRenderer{}, s); }

}  // namespace ghostport::parsers::nft
