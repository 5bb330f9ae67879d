// The parser of one rule's tokens (nft_rule_parser.h's front): a cursor
// over the tokens and one method per construct, defined by concept in
// nft_rule_parser.cpp (the rule, the cursor), nft_parse_values.cpp (values,
// sets, map elements), nft_parse_selectors.cpp (`tcp dport`, `ct original
// saddr`, `fib daddr type`, ...), nft_parse_statements.cpp (matches, set
// statements, log, limit, the statement keywords) and nft_parse_verdicts.cpp
// (verdicts, queue, NAT). Internal to the text front end.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_lexer.h"
#include "parsers/nftables/nft_rule_parser.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

// Header protocols whose fields are one word after them (`tcp dport`).
inline constexpr std::string_view kPayloadProtocols[] = {
    "ip", "ip6", "tcp", "udp", "udplite", "sctp", "dccp", "th", "icmp", "icmpv6", "igmp", "ether", "vlan", "arp",
    "ah", "esp", "comp", "gre", "gretap", "geneve", "vxlan", "hbh", "frag", "rt0", "rt2", "rt4", "srh", "mh", "dst",
    "cgroupv2", "ipip"};

// Tunnels, whose inner headers are selectors too (geneve ip saddr, vxlan
// tcp dport).
inline constexpr std::string_view kTunnels[] = {"geneve", "gre", "gretap", "vxlan", "ipip"};

inline constexpr std::string_view kOps[] = {"==", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt", "le", "ge", "!"};

template <std::size_t N>
inline bool In(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}
struct TcpOption;

class RuleParser {
 public:
  RuleParser(const std::vector<Token>& tokens, std::size_t begin, std::size_t end, std::vector<Diagnostic>& diagnostics)
      : t_(tokens), pos_(begin), end_(end), diagnostics_(diagnostics) {}
  std::size_t pos() const { return pos_; }
  std::vector<Statement> Rule(std::string& comment);
  Expr Value(bool top) { return List(top); }
  std::vector<Expr> Elements();
  std::optional<Expr> Selector();

 private:
  bool More() const { return pos_ < end_ && t_[pos_].kind != Token::Kind::kEnd; }
  // A statement's target, skipped: a selector with an optional map after it
  // (`to ip daddr map { ... }`), or one token.
  void SkipTarget();
  const Token& Cur() const { return t_[pos_]; }
  bool Word(std::string_view w) const { return More() && Cur().kind == Token::Kind::kWord && Cur().text == w; }
  bool Sym(std::string_view s) const { return More() && Cur().kind == Token::Kind::kSymbol && Cur().text == s; }
  bool NextWord(std::string_view w, std::size_t ahead = 1) const {
    const std::size_t at = pos_ + ahead;
    return at < end_ && t_[at].kind == Token::Kind::kWord && t_[at].text == w;
  }
  bool NextSym(std::string_view s, std::size_t ahead = 1) const {
    const std::size_t at = pos_ + ahead;
    return at < end_ && t_[at].kind == Token::Kind::kSymbol && t_[at].text == s;
  }
  void SkipNewlines() {
    while (pos_ < end_ && (t_[pos_].kind == Token::Kind::kNewline || t_[pos_].kind == Token::Kind::kHandle)) ++pos_;
  }
  void SkipPast(std::string_view sym);
  void Error(std::size_t at, std::string message);
  void Error(const rules::SourceLocation& at, std::string message);
  std::string TextOf(std::size_t from, std::size_t to) const;
  Expr ValueOf(const Token& k);
  // primary: { set } | ( value ) | word | string
  std::optional<Expr> Primary();
  // binary: primary (| & ^ / primary)*  — flag combinations, masks
  std::optional<Expr> Binary();
  // first, then `next` after each separator, as one expression of `kind`.
  template <class AtSeparator, class Next>
  Expr Sequence(Expr first, Expr::Kind kind, AtSeparator at_separator, Next next) {
    Expr out;
    out.kind = kind;
    out.location = first.location;
    out.items.push_back(std::move(first));
    while (at_separator()) {
      const std::string separator = Cur().text;
      ++pos_;
      std::optional<Expr> item = next();
      if (!item) {
        Error(pos_, "expected a value after \"" + separator + "\"");
        break;
      }
      out.items.push_back(std::move(*item));
    }
    return out;
  }
  // concat: binary (. binary)*
  std::optional<Expr> Concat();
  // list: concat (, concat)* — only outside braces
  Expr List(bool top);
  Expr VerdictValue();
  // element: concat [: value] [timeout X] [expires X] [comment "x"] [counter ...]
  Expr Element();
  // The value after a key's ":".
  Expr MappingFrom(Expr key);
  // What an element may carry: timeouts, a comment, stateful statements.
  void ElementOptions();
  Expr Sel(std::size_t at, std::string protocol, std::string field);
  // `ct [original|reply] KEY`: a key nft knows, with a direction where it
  // takes one (tokens[direction] is the word after ct, tokens[key] the key).
  void CheckCtKey(std::size_t direction, std::size_t key);
  // `ct original saddr`, `rt nexthop`: addresses of the family the rule
  // has chosen; in a concatenation or as a map key nft cannot tell which
  // ("specify either ip or ip6 for address matching").
  bool RequireOwnFamily(const Expr& selector, std::string_view where);
  // `fib FLAG . FLAG RESULT`: one of saddr and daddr, at most one of iif
  // and oif (nft: "fib: saddr and daddr are mutually exclusive").
  void CheckFibFlags(std::size_t fib, const std::vector<std::size_t>& flags);
  // `tcp option NAME`: an option nft names or a kind number 0-255 (nullptr
  // for a number or a refused name).
  const TcpOption* CheckTcpOption(std::size_t at);
  bool WordAt(std::size_t i) const { return i < end_ && t_[i].kind == Token::Kind::kWord; }
  std::optional<Expr> Selector1();
  bool Statement1(std::vector<Statement>& out);
  bool AfterSelector(std::size_t start, Expr selector, std::vector<Statement>& out);
  // log [prefix S] [level L] [flags F,...] | [group N] [snaplen N]
  // [queue-threshold N]: the kernel logs through syslog (level, flags) or
  // through nflog (group, snaplen, queue-threshold), never both; level
  // audit takes no other option.
  bool Log(std::vector<Statement>& out);
  // limit rate [over|until] N[ UNIT]/TIME [burst N UNIT]: packets per time,
  // or bytes (bytes, kbytes, mbytes) per time; a burst is of the rate's kind.
  bool Limit(std::vector<Statement>& out);
  // A time as nft writes it: 300s, 1h30m, 500ms, 2d.
  static bool IsTime(std::string_view s);
  // `name "x"` or `name ip saddr map { ... }`: a named object (returned),
  // or one chosen per packet.
  std::optional<Expr> ObjectReference();
  // The value of a set statement: a value, or a selector with an optional
  // map; its constants must fit the field set (false: they do not, reported).
  bool SetValue(const Expr& target);
  bool Verdict(std::vector<Statement>& out);
  // queue to EXPR: a hash or number generator (jhash, symhash, numgen)
  // whose queues, offset .. offset + mod - 1, stay within 0-65535, or any
  // other expression through a map.
  bool QueueTarget();
  bool Nat(std::vector<Statement>& out);
  // "10.0.0.1:8080", "[2001:db8::1]:80", ":8080", "8080" (redirect),
  // "10.0.0.1-10.0.0.9", "2001:db8::1".
  void SplitNatTarget(NatStmt& n, const Token& k);

  const std::vector<Token>& t_;
  std::size_t pos_;
  std::size_t end_;
  std::vector<Diagnostic>& diagnostics_;
 public:
  std::vector<InlineChain> inline_chains_;
};

}  // namespace ghostport::parsers::nft
