#include <cctype>

#include "parsers/nftables/nft_field_values.h"
#include "parsers/nftables/nft_rule_parser_internal.h"
#include "parsers/nftables/nft_values.h"

namespace ghostport::parsers::nft {

namespace {

constexpr std::string_view kVerdicts[] = {"accept", "drop", "continue", "return", "jump", "goto", "queue", "reject"};
constexpr std::string_view kBinops[] = {"&", "|", "^", "<<", ">>", "and", "or", "xor", "lshift", "rshift"};

std::string CanonicalOp(std::string_view op) {
  if (op == "eq") return "==";
  if (op == "ne" || op == "!") return "!=";
  if (op == "lt") return "<";
  if (op == "gt") return ">";
  if (op == "le") return "<=";
  if (op == "ge") return ">=";
  if (op == "and") return "&";
  if (op == "or") return "|";
  if (op == "xor") return "^";
  if (op == "lshift") return "<<";
  if (op == "rshift") return ">>";
  return std::string(op);
}

}  // namespace

bool RuleParser::Statement1(std::vector<Statement>& out) {
  const std::size_t start = pos_;
  if (Cur().kind != Token::Kind::kWord) {
    Error(start, "unexpected \"" + Cur().text + "\"");
    return false;
  }
  const std::string w = Cur().text;
  if (w == "ct" && NextWord("count")) {
    pos_ += 2;
    if (Word("over")) ++pos_;
    if (More()) ++pos_;
    out.emplace_back(OtherStmt{"ct count", "", TextOf(start, pos_)});
    return true;
  }
  const std::size_t reported = diagnostics_.size();
  if (std::optional<Expr> sel = Selector()) {
    if (diagnostics_.size() > reported) return false;  // a selector nft refuses: the rest is not read
    return AfterSelector(start, std::move(*sel), out);
  }
  if (In(kVerdicts, w)) return Verdict(out);
  if (w == "counter") {
    ++pos_;
    std::optional<Expr> object;
    if (Word("name")) {
      object = ObjectReference();
    } else {
      while (Word("packets") || Word("bytes")) pos_ += 2;
    }
    out.emplace_back(OtherStmt{"counter", "", TextOf(start, pos_), std::move(object)});
    return true;
  }
  if (w == "log") return Log(out);
  if (w == "limit" && NextWord("rate")) return Limit(out);
  if (w == "last") {  // last [used never|TIME]
    ++pos_;
    if (Word("used") && WordAt(pos_ + 1)) {
      if (!NextWord("never") && !IsTime(t_[pos_ + 1].text)) {
        Error(pos_ + 1, "last used takes never or a time (300s, 1h30m), not \"" + t_[pos_ + 1].text + "\" (nft refuses it)");
        return false;
      }
      pos_ += 2;
    }
    out.emplace_back(OtherStmt{"last", "", TextOf(start, pos_)});
    return true;
  }
  if (w == "limit" || w == "quota") {
    ++pos_;
    std::optional<Expr> object;
    if (Word("name")) {
      object = ObjectReference();
    } else {
      if (Word("rate")) ++pos_;
      if (Word("over") || Word("until")) ++pos_;
      if (More()) {
        const bool has_unit = Cur().text.find('/') != std::string::npos;
        ++pos_;
        if (!has_unit && More() && Cur().kind == Token::Kind::kWord && !Word("burst") && !In(kVerdicts, Cur().text)) {
          ++pos_;  // "10 mbytes/second", "quota 25 mbytes"
        }
      }
      if (Word("burst")) {
        pos_ += 2;
        if (Word("packets") || Word("bytes") || Word("kbytes") || Word("mbytes")) ++pos_;
      }
      if (Word("used")) pos_ += 3;
    }
    out.emplace_back(OtherStmt{w, "", TextOf(start, pos_), std::move(object)});
    return true;
  }
  if (w == "reset" && NextWord("tcp")) {  // reset tcp option NAME
    ++pos_;
    Selector();
    out.emplace_back(OtherStmt{"reset", "", TextOf(start, pos_)});
    return true;
  }
  if (w == "notrack") {
    ++pos_;
    out.emplace_back(OtherStmt{"notrack", "", "notrack"});
    return true;
  }
  if (w == "dnat" || w == "snat" || w == "masquerade" || w == "redirect") return Nat(out);
  if (w == "add" || w == "update" || w == "delete") {
    if (pos_ + 1 < end_ && t_[pos_ + 1].kind == Token::Kind::kWord && t_[pos_ + 1].text.starts_with("@")) {
      const std::string set = t_[pos_ + 1].text.substr(1);
      pos_ += 2;
      if (Sym("{")) {  // past the element's closing brace, not to the rule's end
        ++pos_;
        SkipPast("}");
      }
      out.emplace_back(OtherStmt{"set " + w, set, TextOf(start, pos_)});
      return true;
    }
  }
  if (w == "set" && (NextWord("add") || NextWord("update"))) {  // set add ip saddr @blacklist
    const std::string op = t_[pos_ + 1].text;
    pos_ += 2;
    std::string set;
    while (More() && !(Cur().kind == Token::Kind::kWord && Cur().text.starts_with("@"))) ++pos_;
    if (More()) {
      set = Cur().text.substr(1);
      ++pos_;
    }
    out.emplace_back(OtherStmt{"set " + op, set, TextOf(start, pos_)});
    return true;
  }
  if (w == "meter") {
    ++pos_;
    std::string set = More() ? Cur().text : "";
    if (More()) ++pos_;
    if (Word("size")) pos_ += 2;
    if (Sym("{")) {
      ++pos_;
      SkipPast("}");
    }
    out.emplace_back(OtherStmt{"meter", set, TextOf(start, pos_)});
    return true;
  }
  if (w == "flow" && (NextWord("add") || NextWord("offload"))) {
    pos_ += 3;
    out.emplace_back(OtherStmt{"flow", "", TextOf(start, std::min(pos_, end_))});
    pos_ = std::min(pos_, end_);
    return true;
  }
  if (w == "tproxy" || w == "dup" || w == "fwd") {
    ++pos_;
    if (Word("ip") || Word("ip6")) ++pos_;
    if (Word("to")) {
      ++pos_;
      SkipTarget();
    }
    if (Word("device")) pos_ += 2;
    out.emplace_back(OtherStmt{w, "", TextOf(start, std::min(pos_, end_))});
    pos_ = std::min(pos_, end_);
    return true;
  }
  if (w == "synproxy" && NextWord("name")) {
    ++pos_;
    std::optional<Expr> object = ObjectReference();
    out.emplace_back(OtherStmt{"synproxy", "", TextOf(start, pos_), std::move(object)});
    return true;
  }
  if (w == "synproxy") {
    ++pos_;
    while (Word("mss") || Word("wscale")) pos_ += 2;
    while (Word("timestamp") || Word("sack-perm")) ++pos_;
    out.emplace_back(OtherStmt{"synproxy", "", TextOf(start, std::min(pos_, end_))});
    pos_ = std::min(pos_, end_);
    return true;
  }
  if (w == "xt") {  // iptables-nft's extensions nft cannot show: `xt match "foo"`
    pos_ = end_;
    out.emplace_back(OtherStmt{"xt", "", TextOf(start, end_)});
    return true;
  }
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.location = Cur().location;
  d.message = "\"" + w + "\" is not a statement ghostport knows; the rest of the rule is kept as an explicit unknown";
  diagnostics_.push_back(std::move(d));
  return false;
}

bool RuleParser::AfterSelector(std::size_t start, Expr selector, std::vector<Statement>& out) {
  // Masks on the left: ct mark & 0xff == 1.
  while (More() && Cur().kind != Token::Kind::kString && In(kBinops, Cur().text)) {
    Expr b;
    b.kind = Expr::Kind::kBinop;
    b.op = CanonicalOp(Cur().text);
    b.location = selector.location;
    ++pos_;
    std::optional<Expr> right = Binary();
    if (!right) {
      Error(pos_, "expected a value after \"" + b.op + "\"");
      return false;
    }
    b.items.push_back(std::move(selector));
    b.items.push_back(std::move(*right));
    selector = std::move(b);
  }
  if (Word("vmap")) {
    ++pos_;
    VmapStmt v;
    v.key = std::move(selector);
    std::optional<Expr> map = Primary();
    if (!map) {
      Error(pos_, "vmap needs a map: { key : verdict, ... } or @name");
      return false;
    }
    v.map = std::move(*map);
    out.emplace_back(std::move(v));
    return true;
  }
  if (Word("set")) {  // meta mark set 1, ct mark set meta mark, ip dscp set cs1
    if (In(kTunnels, selector.protocol) && selector.field.find(' ') != std::string::npos) {
      Error(pos_, "a header inside a tunnel cannot be set: \"" + Render(selector) + " set\" (nft refuses it)");
      return false;
    }
    ++pos_;
    if (Sym("{")) {
      Error(pos_, "a set statement takes one value, not a set (nft refuses it)");
      return false;
    }
    if (!SetValue(selector)) return false;
    const std::string kind = selector.protocol == "meta" || selector.protocol == "ct" ? selector.protocol : "payload";
    out.emplace_back(OtherStmt{kind + " set", "", TextOf(start, pos_)});
    return true;
  }
  Match m;
  m.left = std::move(selector);
  if (More() && Cur().kind != Token::Kind::kString && In(kOps, Cur().text)) {
    if (Cur().text == "!" && m.left.kind == Expr::Kind::kBinop) {
      Error(pos_, "\"!\" cannot negate a masked value: write != (nft refuses it)");
    }
    m.op = CanonicalOp(Cur().text);
    ++pos_;
  }
  if (!More()) {
    Error(start, "a match needs a value to compare with");
    return false;
  }
  m.right = List(true);
  out.emplace_back(std::move(m));
  return true;
}

// log [prefix S] [level L] [flags F,...] | [group N] [snaplen N]
// [queue-threshold N]: the kernel logs through syslog (level, flags) or
// through nflog (group, snaplen, queue-threshold), never both; level
// audit takes no other option.
bool RuleParser::Log(std::vector<Statement>& out) {
  const std::size_t start = pos_;
  ++pos_;
  enum class Via : std::uint8_t { kEither, kSyslog, kNflog };
  struct LogOption {
    std::string_view name;
    Via via;
  };
  static constexpr LogOption kLogOptions[] = {{"prefix", Via::kEither}, {"level", Via::kSyslog},
                                              {"flags", Via::kSyslog},  {"group", Via::kNflog},
                                              {"snaplen", Via::kNflog}, {"queue-threshold", Via::kNflog}};
  static constexpr std::string_view kLogFlags[] = {"ip", "ip6", "tcp", "options", "sequence", "ether", "skuid", "all"};
  std::optional<std::size_t> syslog, nflog, audit, other;
  while (More() && Cur().kind == Token::Kind::kWord) {
    const LogOption* option = nullptr;
    for (const LogOption& o : kLogOptions) {
      if (o.name == Cur().text) option = &o;
    }
    if (option == nullptr) break;
    const std::size_t at = pos_;
    std::optional<std::size_t>& via = option->via == Via::kSyslog ? syslog : nflog;
    if (option->via != Via::kEither && !via) via = at;
    if (option->name == "level" && NextWord("audit")) {
      audit = at;
    } else if (!other) {
      other = at;
    }
    ++pos_;
    if (option->name == "flags") {
      while (More() && ((Cur().kind == Token::Kind::kWord && In(kLogFlags, Cur().text)) || Sym(","))) ++pos_;
    } else if (More()) {
      ++pos_;
    }
  }
  if (audit && other) {
    Error(std::max(*audit, *other), "log level audit takes no other option (nft refuses it)");
    return false;
  }
  if (syslog && nflog) {
    const std::size_t second = std::max(*syslog, *nflog);
    Error(second, "log " + t_[std::min(*syslog, *nflog)].text + " and " + t_[second].text +
                      " cannot be used together: syslog or nflog (group), not both (nft refuses it)");
    return false;
  }
  out.emplace_back(OtherStmt{"log", "", TextOf(start, pos_)});
  return true;
}

// limit rate [over|until] N[ UNIT]/TIME [burst N UNIT]: packets per time,
// or bytes (bytes, kbytes, mbytes) per time; a burst is of the rate's kind.
bool RuleParser::Limit(std::vector<Statement>& out) {
  const std::size_t start = pos_;
  pos_ += 2;  // limit rate
  if (Word("over") || Word("until")) ++pos_;
  // The rate may be written in up to four words: 1025 bytes / second.
  std::string rate;
  const std::size_t number_at = pos_;
  std::size_t unit_at = number_at;  // the word after the number, when the unit is written apart
  while (More() && Cur().kind == Token::Kind::kWord && !Word("burst") && rate.find('/') == std::string::npos) {
    if (pos_ == number_at + 1) unit_at = pos_;
    rate += Cur().text;
    ++pos_;
  }
  if (rate.ends_with("/") && WordAt(pos_)) {
    rate += Cur().text;
    ++pos_;
  }
  static constexpr std::string_view kTimes[] = {"second", "minute", "hour", "day", "week"};
  static constexpr std::string_view kBytes[] = {"bytes", "kbytes", "mbytes"};
  const std::size_t digits = rate.find_first_not_of("0123456789");
  const std::size_t slash = rate.find('/');
  const std::string unit = digits == std::string::npos || slash == std::string::npos ? "" : rate.substr(digits, slash - digits);
  const std::string time = slash == std::string::npos ? "" : rate.substr(slash + 1);
  if (digits == 0 || slash == std::string::npos || !In(kTimes, time) || (!unit.empty() && !In(kBytes, unit))) {
    Error(unit_at, "limit rate is N/TIME or N UNIT/TIME (UNIT bytes, kbytes, mbytes; TIME second, minute, hour, "
                   "day, week), not \"" + rate + "\" (nft refuses it)");
    return false;
  }
  if (Word("burst")) {
    ++pos_;
    std::string burst = More() ? Cur().text : "";
    std::size_t burst_unit = pos_;
    if (More()) ++pos_;
    if (Word("packets") || In(kBytes, Cur().text)) {
      burst_unit = pos_;
      burst = Cur().text;
      ++pos_;
    }
    const std::size_t b = burst.find_first_not_of("0123456789");
    const std::string kind = b == std::string::npos ? "" : burst.substr(b);
    if (!kind.empty() && (kind == "packets") != unit.empty()) {
      Error(burst_unit, "a burst of " + kind + " for a rate of " + (unit.empty() ? "packets" : unit) +
                            " (nft refuses it)");
      return false;
    }
  }
  out.emplace_back(OtherStmt{"limit", "", TextOf(start, pos_)});
  return true;
}

// A time as nft writes it: 300s, 1h30m, 500ms, 2d.
bool RuleParser::IsTime(std::string_view s) {
  if (s.empty()) return false;
  while (!s.empty()) {
    const std::size_t digits = s.find_first_not_of("0123456789");
    if (digits == 0) return false;
    if (digits == std::string_view::npos) return true;  // a bare number: seconds
    s.remove_prefix(digits);
    const std::size_t unit = s.find_first_of("0123456789");
    const std::string_view u = s.substr(0, unit);
    if (u != "ms" && u != "s" && u != "m" && u != "h" && u != "d" && u != "w") return false;
    s = unit == std::string_view::npos ? std::string_view() : s.substr(unit);
  }
  return true;
}

// `name "x"` or `name ip saddr map { ... }`: a named object (returned),
// or one chosen per packet.
std::optional<Expr> RuleParser::ObjectReference() {
  ++pos_;  // name
  if (std::optional<Expr> sel = Selector()) {
    while (More() && Cur().kind != Token::Kind::kString && In(kBinops, Cur().text)) {
      ++pos_;
      if (More()) ++pos_;
    }
    if (Word("map")) {
      ++pos_;
      Primary();
    }
    return std::nullopt;
  }
  if (!More()) return std::nullopt;
  Expr name = ValueOf(Cur());
  ++pos_;
  return name;
}

// The value of a set statement: a value, or a selector with an optional
// map; its constants must fit the field set (false: they do not, reported).
bool RuleParser::SetValue(const Expr& target) {
  auto fits = [&](const std::optional<Expr>& value) {
    if (!value) return true;
    std::optional<FieldValueError> bad = CheckFieldValue(target, *value, FieldUse::kSet);
    if (bad) Error(bad->at, bad->message);
    return !bad;
  };
  if (Sym("(")) {  // (@nh,8,8 & 252) >> 2: skipped whole, the value is not modelled
    int depth = 0;
    while (More()) {
      if (Sym("(")) ++depth;
      if (Sym(")") && --depth == 0) {
        ++pos_;
        break;
      }
      ++pos_;
    }
    while (More() && Cur().kind != Token::Kind::kString && In(kBinops, Cur().text)) {
      ++pos_;
      if (More()) ++pos_;
    }
    return true;
  }
  if (std::optional<Expr> sel = Selector()) {
    while (More() && Cur().kind != Token::Kind::kString && In(kBinops, Cur().text)) {
      ++pos_;
      if (!Selector() && !fits(Primary())) return false;  // ip dscp set ip dscp & 0x4f
    }
    if (Word("map") && !RequireOwnFamily(*sel, "as a map key")) return false;
    if (Word("map")) {
      ++pos_;
      Primary();
    }
    return true;
  }
  if (!fits(Concat())) return false;
  while (Sym(",") || Word("or")) {  // ct event set new,related; ct event set new or related; 1 or ct mark
    ++pos_;
    if (!Selector() && !fits(Concat())) return false;
  }
  return true;
}

}  // namespace ghostport::parsers::nft
