#include "parsers/nftables/nft_rule_parser.h"

#include "parsers/nftables/nft_rule_parser_internal.h"

namespace ghostport::parsers::nft {

std::vector<Statement> RuleParser::Rule(std::string& comment) {
  std::vector<Statement> out;
  while (More()) {
    const std::size_t start = pos_;
    if (Word("comment")) {
      ++pos_;
      if (More() && Cur().kind == Token::Kind::kString) {
        comment = Cur().text;
        ++pos_;
      } else {
        Error(start, "comment needs a quoted string");
      }
      continue;
    }
    if (!Statement1(out)) {
      // Unparsable or unknown: keep the rest as one explicit unknown.
      OtherStmt o;
      o.keyword = "unknown";
      o.text = TextOf(start, end_);
      out.emplace_back(std::move(o));
      pos_ = end_;
    }
  }
  return out;
}

// A statement's target, skipped: a selector with an optional map after it
// (`to ip daddr map { ... }`), or one token.
void RuleParser::SkipTarget() {
  if (Selector()) {
    if (Word("map")) {
      ++pos_;
      Primary();
    }
  } else if (More()) {
    ++pos_;
  }
}

void RuleParser::SkipPast(std::string_view sym) {
  int depth = 0;
  while (More()) {
    if (Sym("{")) ++depth;
    if (Sym("}")) {
      if (depth == 0 && sym == "}") {
        ++pos_;
        return;
      }
      --depth;
    }
    ++pos_;
  }
}

void RuleParser::Error(std::size_t at, std::string message) {
  Error(t_[std::min(at, end_ > 0 ? end_ - 1 : 0)].location, std::move(message));
}

void RuleParser::Error(const rules::SourceLocation& at, std::string message) {
  Diagnostic d;
  d.location = at;
  d.message = std::move(message);
  diagnostics_.push_back(std::move(d));
}

std::string RuleParser::TextOf(std::size_t from, std::size_t to) const {
  std::string s;
  for (std::size_t i = from; i < to && i < t_.size(); ++i) {
    const Token& k = t_[i];
    if (k.kind == Token::Kind::kNewline || k.kind == Token::Kind::kHandle || k.kind == Token::Kind::kEnd) continue;
    const bool tight = k.Is(",") || k.Is("}") || k.Is(")");
    if (!s.empty() && !tight && s.back() != '(') s += ' ';
    if (k.Is("}") && !s.empty()) s += ' ';
    s += k.kind == Token::Kind::kString ? "\"" + k.text + "\"" : k.text;
  }
  return s;
}

std::vector<Statement> ParseRuleStatements(const RuleTokens& rule, std::string& comment,
                                           std::vector<Diagnostic>& diagnostics, std::vector<InlineChain>* inline_chains) {
  RuleParser p(*rule.tokens, rule.begin, rule.end, diagnostics);
  std::vector<Statement> out = p.Rule(comment);
  if (inline_chains != nullptr) *inline_chains = std::move(p.inline_chains_);
  return out;
}

Expr ParseValueAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end,
                  std::vector<Diagnostic>& diagnostics) {
  RuleParser p(tokens, pos, end, diagnostics);
  Expr e = p.Value(false);
  pos = p.pos();
  return e;
}

std::vector<Expr> ParseElementsAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end,
                                  std::vector<Diagnostic>& diagnostics) {
  RuleParser p(tokens, pos, end, diagnostics);
  std::vector<Expr> out = p.Elements();
  pos = p.pos();
  return out;
}

std::optional<Expr> ParseSelectorAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end) {
  std::vector<Diagnostic> ignored;
  RuleParser p(tokens, pos, end, ignored);
  std::optional<Expr> e = p.Selector();
  pos = p.pos();
  return e;
}

}  // namespace ghostport::parsers::nft
