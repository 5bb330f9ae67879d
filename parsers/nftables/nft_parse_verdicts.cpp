#include <cctype>

#include "parsers/nftables/nft_rule_parser_internal.h"
#include "parsers/nftables/nft_values.h"

namespace ghostport::parsers::nft {

bool RuleParser::Verdict(std::vector<Statement>& out) {
  const std::size_t start = pos_;
  VerdictStmt v;
  v.kind = Cur().text;
  ++pos_;
  if ((v.kind == "jump" || v.kind == "goto") && Sym("{")) {  // an anonymous chain
    InlineChain chain;
    chain.statement = out.size();
    chain.begin = pos_;
    SkipPast("}");
    chain.end = pos_;
    inline_chains_.push_back(chain);
    v.text = v.kind + " { ... }";
    out.emplace_back(std::move(v));
    return true;
  }
  if (v.kind == "jump" || v.kind == "goto") {
    if (!More() || (Cur().kind != Token::Kind::kWord && Cur().kind != Token::Kind::kString)) {
      Error(start, v.kind + " needs a chain name");
      return false;
    }
    v.target = Cur().text;
    ++pos_;
  } else if (v.kind == "reject") {
    if (Word("with")) {
      ++pos_;
      if (Word("tcp")) {
        pos_ += 2;  // tcp reset
      } else {
        if (More()) ++pos_;  // icmp / icmpv6 / icmpx
        if (Word("type")) ++pos_;
        if (More()) ++pos_;
      }
    }
  } else if (v.kind == "queue") {
    // queue [flags bypass,fanout] [num N | to N | to EXPR [map {...}]]
    std::optional<std::size_t> fanout;
    bool range = false;
    while (Word("flags") || Word("num") || Word("to")) {
      if (Word("flags")) {
        for (++pos_; More(); pos_ += 2) {
          if (Word("fanout") && !fanout) fanout = pos_;
          if (!NextSym(",")) break;
        }
        ++pos_;
      } else if (Word("to") && WordAt(pos_ + 1) && !std::isdigit(static_cast<unsigned char>(t_[pos_ + 1].text[0]))) {
        ++pos_;
        if (!QueueTarget()) return false;
      } else {
        ++pos_;  // num, to
        if (More() && Cur().kind == Token::Kind::kWord) {
          const std::string& n = Cur().text;
          const std::size_t dash = n.find('-');
          for (const std::string& part : {n.substr(0, dash), dash == std::string::npos ? std::string() : n.substr(dash + 1)}) {
            if (part.empty()) continue;
            const bool number = std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
            if (!number || part.size() > 5 || std::stoul(part) > 65535) {
              Error(pos_, "queue number \"" + n + "\" is not 0-65535 (nft refuses it)");
              return false;
            }
          }
          range = dash != std::string::npos;
          ++pos_;
        }
      }
    }
    while (Word("bypass") || Word("fanout")) {
      if (Word("fanout") && !fanout) fanout = pos_;
      ++pos_;
    }
    if (fanout && !range) {
      Error(*fanout, "queue fanout spreads packets over a range of queues: it needs num N-M (nft refuses it)");
      return false;
    }
  }
  v.text = TextOf(start, std::min(pos_, end_));
  pos_ = std::min(pos_, end_);
  out.emplace_back(std::move(v));
  return true;
}

// queue to EXPR: a hash or number generator (jhash, symhash, numgen)
// whose queues, offset .. offset + mod - 1, stay within 0-65535, or any
// other expression through a map.
bool RuleParser::QueueTarget() {
  const std::size_t at = pos_;
  std::optional<Expr> sel = Selector();
  if (!sel) {
    SkipTarget();
    return true;
  }
  const bool generator = sel->protocol == "jhash" || sel->protocol == "symhash" || sel->protocol == "numgen";
  if (!generator && !Word("map")) {
    Error(at, "queue to " + Render(*sel) + " needs a map giving the queue number (nft refuses it)");
    return false;
  }
  if (Word("map")) {
    ++pos_;
    Primary();
    return true;
  }
  std::uint64_t mod = 0, offset = 0;
  std::size_t offset_at = at;
  for (std::size_t i = at; i + 1 < pos_; ++i) {
    if (t_[i].text == "mod") mod = static_cast<std::uint64_t>(Number(t_[i + 1].text, 0xffffffff).value_or(0));
    if (t_[i].text == "offset") {
      offset = static_cast<std::uint64_t>(Number(t_[i + 1].text, 0xffffffff).value_or(0));
      offset_at = i + 1;
    }
  }
  if (mod > 0 && offset + mod - 1 > 65535) {
    Error(offset_at, "queue numbers " + std::to_string(offset) + "-" + std::to_string(offset + mod - 1) +
                         " run past 65535 (nft refuses it)");
    return false;
  }
  return true;
}

bool RuleParser::Nat(std::vector<Statement>& out) {
  const std::size_t start = pos_;
  NatStmt n;
  n.kind = Cur().text;
  ++pos_;
  if ((Word("ip") || Word("ip6")) && (NextWord("to") || NextWord("addr") || NextWord("prefix"))) {
    n.family = Cur().text;
    ++pos_;
  }
  if (Word("addr") || Word("prefix")) {  // dnat ip addr . port to ...
    while (More() && !Word("to")) ++pos_;
  }
  if (Word("to")) {
    ++pos_;
    // redirect to :tcp dport map { 83 : 8083 }: the port from a map
    if (More() && Cur().kind == Token::Kind::kWord && Cur().text.size() > 1 && Cur().text.front() == ':' &&
        In(kPayloadProtocols, std::string_view(Cur().text).substr(1)) && WordAt(pos_ + 1) && NextWord("map", 2)) {
      Expr lookup;
      lookup.kind = Expr::Kind::kMapLookup;
      lookup.location = Cur().location;
      lookup.items.push_back(Sel(pos_, Cur().text.substr(1), t_[pos_ + 1].text));
      pos_ += 3;
      if (std::optional<Expr> map = Primary()) lookup.items.push_back(std::move(*map));
      if (lookup.items.size() < 2) {
        Error(start, n.kind + " to a port map needs a map");
        return false;
      }
      n.port = std::move(lookup);
    } else if (std::optional<Expr> sel = Selector()) {
      Expr lookup;
      lookup.kind = Expr::Kind::kMapLookup;
      lookup.location = sel->location;
      lookup.items.push_back(std::move(*sel));
      if (Word("map")) {
        ++pos_;
        std::optional<Expr> map = Primary();
        if (map) lookup.items.push_back(std::move(*map));
      }
      if (lookup.items.size() < 2) {
        n.address = std::move(lookup.items[0]);  // dnat to numgen inc mod 2: a computed address
      } else {
        n.address = std::move(lookup);
      }
    } else if (More() && Cur().kind == Token::Kind::kWord) {
      SplitNatTarget(n, Cur());
      ++pos_;
      if (Word(".")) {  // addr . port (a concatenation)
        ++pos_;
        if (More()) {
          n.port = ValueOf(Cur());
          ++pos_;
        }
      }
    }
  }
  static constexpr std::string_view kNatFlags[] = {"persistent", "random", "fully-random", "netmap"};
  while (More() && Cur().kind == Token::Kind::kWord && In(kNatFlags, Cur().text)) {
    ++pos_;
    while (Sym(",")) pos_ += 2;
  }
  n.text = TextOf(start, std::min(pos_, end_));
  pos_ = std::min(pos_, end_);
  out.emplace_back(std::move(n));
  return true;
}

// "10.0.0.1:8080", "[2001:db8::1]:80", ":8080", "8080" (redirect),
// "10.0.0.1-10.0.0.9", "2001:db8::1".
void RuleParser::SplitNatTarget(NatStmt& n, const Token& k) {
  const std::string& w = k.text;
  auto value = [&](std::string text) {
    Token copy = k;
    copy.text = std::move(text);
    return ValueOf(copy);
  };
  if (n.kind == "redirect" || n.kind == "masquerade") {
    n.port = value(w.front() == ':' ? w.substr(1) : w);
    return;
  }
  if (!w.empty() && w.front() == '[') {
    const std::size_t close = w.find(']');
    n.address = value(w.substr(1, close - 1));
    if (close + 1 < w.size() && w[close + 1] == ':') n.port = value(w.substr(close + 2));
    return;
  }
  if (!w.empty() && w.front() == ':') {
    n.port = value(w.substr(1));
    return;
  }
  const std::size_t colons = static_cast<std::size_t>(std::count(w.begin(), w.end(), ':'));
  if (colons == 1 && n.family != "ip6") {
    const std::size_t c = w.find(':');
    n.address = value(w.substr(0, c));
    n.port = value(w.substr(c + 1));
    return;
  }
  n.address = value(w);
}

}  // namespace ghostport::parsers::nft
