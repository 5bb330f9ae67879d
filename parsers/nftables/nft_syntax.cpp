#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

namespace {

std::string Join(const std::vector<Expr>& items, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) s += sep;
    s += Render(items[i]);
  }
  return s;
}

}  // namespace

std::string Render(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kSelector: return e.protocol + " " + e.field;
    case Expr::Kind::kValue: return e.quoted ? "\"" + e.text + "\"" : e.text;
    case Expr::Kind::kRange: return e.items.size() == 2 ? Render(e.items[0]) + "-" + Render(e.items[1]) : "?";
    case Expr::Kind::kPrefix: return (e.items.empty() ? "?" : Render(e.items[0])) + "/" + std::to_string(e.length);
    case Expr::Kind::kSet: return "{ " + Join(e.items, ", ") + " }";
    case Expr::Kind::kSetRef: return "@" + e.text;
    case Expr::Kind::kConcat: return Join(e.items, " . ");
    case Expr::Kind::kBinop: return e.items.size() == 2 ? Render(e.items[0]) + " " + e.op + " " + Render(e.items[1]) : "?";
    case Expr::Kind::kMapping: return e.items.size() == 2 ? Render(e.items[0]) + " : " + Render(e.items[1]) : "?";
    case Expr::Kind::kMapLookup: return e.items.size() == 2 ? Render(e.items[0]) + " map " + Render(e.items[1]) : "?";
    case Expr::Kind::kVerdict: return e.target.empty() ? e.text : e.text + " " + e.target;
    case Expr::Kind::kList: return Join(e.items, ",");
  }
  return "?";
}

std::string Render(const Statement& s) {
  if (const auto* m = std::get_if<Match>(&s)) {
    return Render(m->left) + (m->op.empty() ? "" : " " + m->op) + " " + Render(m->right);
  }
  if (const auto* v = std::get_if<VerdictStmt>(&s)) return v->text.empty() ? v->kind : v->text;
  if (const auto* v = std::get_if<VmapStmt>(&s)) return Render(v->key) + " vmap " + Render(v->map);
  if (const auto* n = std::get_if<NatStmt>(&s)) return n->text.empty() ? n->kind : n->text;
  return std::get<OtherStmt>(s).text;
}

}  // namespace ghostport::parsers::nft
