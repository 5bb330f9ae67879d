#include "parsers/nftables/nft_rule_parser_internal.h"

namespace ghostport::parsers::nft {

namespace {

// The verdicts a map may hold (nft refuses reject and queue there).
constexpr std::string_view kMapVerdicts[] = {"accept", "drop", "continue", "return", "jump", "goto"};

}  // namespace

std::vector<Expr> RuleParser::Elements() {
  std::vector<Expr> out;
  const std::size_t open = pos_;
  ++pos_;  // {
  SkipNewlines();
  while (More() && !Sym("}")) {
    Expr e = Element();
    out.push_back(std::move(e));
    SkipNewlines();
    if (Sym(",")) {
      ++pos_;
      SkipNewlines();
      continue;
    }
    if (!Sym("}")) {
      if (More()) Error(pos_, "expected \",\" or \"}\" in a set, not \"" + Cur().text + "\"");
      SkipPast("}");
      return out;
    }
  }
  if (Sym("}")) {
    ++pos_;
  } else {
    Error(open, "unterminated \"{\"");
  }
  return out;
}

Expr RuleParser::ValueOf(const Token& k) {
  Expr e;
  e.location = k.location;
  if (k.kind == Token::Kind::kString) {
    e.kind = Expr::Kind::kValue;
    e.text = k.text;
    e.quoted = true;
    return e;
  }
  const std::string& w = k.text;
  if (w.size() > 1 && w.front() == '@') {
    e.kind = Expr::Kind::kSetRef;
    e.text = w.substr(1);
    return e;
  }
  const std::size_t slash = w.find('/');
  if (slash != std::string::npos && slash > 0 && slash + 1 < w.size() &&
      std::all_of(w.begin() + static_cast<std::ptrdiff_t>(slash) + 1, w.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    e.kind = Expr::Kind::kPrefix;
    Expr addr;
    addr.kind = Expr::Kind::kValue;
    addr.text = w.substr(0, slash);
    addr.location = k.location;
    e.items.push_back(std::move(addr));
    e.length = std::stoi(w.substr(slash + 1, 4));
    return e;
  }
  e.kind = Expr::Kind::kValue;
  e.text = w;
  return e;
}

// primary: { set } | ( value ) | word | string
std::optional<Expr> RuleParser::Primary() {
  if (!More()) return std::nullopt;
  if (Sym("{")) {
    Expr set;
    set.kind = Expr::Kind::kSet;
    set.location = Cur().location;
    set.items = Elements();
    return set;
  }
  if (Sym("(")) {
    ++pos_;
    Expr inner = List(false);
    if (Sym(")")) {
      ++pos_;
    } else {
      Error(pos_, "expected \")\"");
    }
    return inner;
  }
  if (Cur().kind == Token::Kind::kWord || Cur().kind == Token::Kind::kString) {
    Expr e = ValueOf(Cur());
    ++pos_;
    return e;
  }
  return std::nullopt;
}

// binary: primary (| & ^ / primary)*  — flag combinations, masks
std::optional<Expr> RuleParser::Binary() {
  std::optional<Expr> left = Primary();
  if (!left) return left;
  if (Word("-") && pos_ + 1 < end_ && t_[pos_ + 1].kind == Token::Kind::kWord) {  // 8888 - 8999
    Expr range;
    range.kind = Expr::Kind::kRange;
    range.location = left->location;
    ++pos_;
    range.items.push_back(std::move(*left));
    range.items.push_back(ValueOf(Cur()));
    ++pos_;
    return range;
  }
  while (More() && ((Cur().kind == Token::Kind::kSymbol && (Cur().text == "|" || Cur().text == "&" || Cur().text == "^")) ||
                    Word("/"))) {
    Expr b;
    b.kind = Expr::Kind::kBinop;
    b.op = Cur().text;
    b.location = left->location;
    ++pos_;
    std::optional<Expr> right = Primary();
    if (!right) {
      Error(pos_, "expected a value after \"" + b.op + "\"");
      return left;
    }
    if (b.op == "/" && Sym(",")) {  // tcp flags syn / syn,ack: the mask is a list of flags
      right = Sequence(std::move(*right), Expr::Kind::kList, [&] { return Sym(","); }, [&] { return Primary(); });
    }
    b.items.push_back(std::move(*left));
    b.items.push_back(std::move(*right));
    left = std::move(b);
  }
  return left;
}

// concat: binary (. binary)*
std::optional<Expr> RuleParser::Concat() {
  std::optional<Expr> first = Binary();
  if (!first || !Word(".")) return first;
  return Sequence(std::move(*first), Expr::Kind::kConcat, [&] { return Word("."); }, [&] { return Binary(); });
}

// list: concat (, concat)* — only outside braces
Expr RuleParser::List(bool top) {
  const std::size_t at = pos_;
  std::optional<Expr> first = Concat();
  if (!first) {
    Error(at, More() ? "expected a value, not \"" + Cur().text + "\"" : "expected a value");
    Expr none;
    none.kind = Expr::Kind::kValue;
    if (at < end_) none.location = t_[at].location;
    return none;
  }
  if (!top || !Sym(",")) return *first;
  return Sequence(std::move(*first), Expr::Kind::kList, [&] { return Sym(","); }, [&] { return Concat(); });
}

Expr RuleParser::VerdictValue() {
  Expr v;
  v.kind = Expr::Kind::kVerdict;
  v.location = Cur().location;
  v.text = Cur().text;
  ++pos_;
  if ((v.text == "jump" || v.text == "goto") && More()) {
    v.target = Cur().text;
    ++pos_;
  }
  return v;
}

// element: concat [: value] [timeout X] [expires X] [comment "x"] [counter ...]
Expr RuleParser::Element() {
  // `25:accept` written without spaces.
  if (More() && Cur().kind == Token::Kind::kWord) {
    const std::string& w = Cur().text;
    const std::size_t colon = w.rfind(':');
    if (colon != std::string::npos && colon > 0 && In(kMapVerdicts, w.substr(colon + 1))) {
      Expr key = ValueOf(Cur());
      key.text = w.substr(0, colon);
      Expr verdict;
      verdict.kind = Expr::Kind::kVerdict;
      verdict.text = w.substr(colon + 1);
      verdict.location = Cur().location;
      ++pos_;
      Expr m;
      m.kind = Expr::Kind::kMapping;
      m.location = key.location;
      m.items = {std::move(key), std::move(verdict)};
      return m;
    }
  }
  // `established: accept`: the colon ends the key's word.
  // (`::dddd: drop`: an IPv6 key, its colon written against it, before a verdict)
  if (More() && Cur().kind == Token::Kind::kWord && Cur().text.size() > 1 && Cur().text.back() == ':' &&
      (Cur().text.find(':') == Cur().text.size() - 1 ||
       (WordAt(pos_ + 1) && In(kMapVerdicts, t_[pos_ + 1].text)))) {
    Token copy = Cur();
    copy.text.pop_back();
    ++pos_;
    Expr key = ValueOf(copy);
    return MappingFrom(std::move(key));
  }
  std::optional<Expr> key = Concat();
  if (!key) {
    Error(pos_, More() ? "expected a set element, not \"" + Cur().text + "\"" : "expected a set element");
    if (More()) ++pos_;
    return Expr{};
  }
  ElementOptions();
  if (!Word(":")) return *key;
  ++pos_;
  return MappingFrom(std::move(*key));
}

// The value after a key's ":".
Expr RuleParser::MappingFrom(Expr key) {
  Expr m;
  m.kind = Expr::Kind::kMapping;
  m.location = key.location;
  m.items.push_back(std::move(key));
  if (More() && Cur().kind == Token::Kind::kWord && In(kMapVerdicts, Cur().text)) {
    m.items.push_back(VerdictValue());
  } else {
    std::optional<Expr> value = Concat();
    if (!value) {
      Error(pos_, "expected a map value");
      value = Expr{};
    }
    m.items.push_back(std::move(*value));
  }
  ElementOptions();
  return m;
}

// What an element may carry: timeouts, a comment, stateful statements.
void RuleParser::ElementOptions() {
  while (More()) {
    if (Word("timeout") || Word("expires") || Word("comment")) {
      pos_ += 2;
    } else if (Word("counter")) {
      ++pos_;
      while (Word("packets") || Word("bytes")) pos_ += 2;
    } else if (Word("limit") || Word("quota") || (Word("ct") && NextWord("count")) || Word("last")) {
      ++pos_;
      while (More() && Cur().kind == Token::Kind::kWord && !Word("counter") && !Word("limit") &&
             !Word("quota") && !Word(":")) {
        ++pos_;
      }
    } else {
      return;
    }
  }
}

}  // namespace ghostport::parsers::nft
