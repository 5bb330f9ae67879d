#include "parsers/nftables/nft_rule_parser.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "parsers/nftables/nft_field_values.h"
#include "parsers/nftables/nft_values.h"

namespace ghostport::parsers::nft {

namespace {

// Header protocols whose fields are one word after them (`tcp dport`).
constexpr std::string_view kPayloadProtocols[] = {
    "ip", "ip6", "tcp", "udp", "udplite", "sctp", "dccp", "th", "icmp", "icmpv6", "igmp", "ether", "vlan", "arp",
    "ah", "esp", "comp", "gre", "gretap", "geneve", "vxlan", "hbh", "frag", "rt0", "rt2", "rt4", "srh", "mh", "dst",
    "cgroupv2", "ipip"};

// meta keys written without `meta`.
constexpr std::string_view kBareMetaKeys[] = {
    "iif", "iifname", "oif", "oifname", "iiftype", "oiftype", "iifgroup", "oifgroup", "iifkind", "oifkind",
    "mark", "skuid", "skgid", "pkttype", "cpu", "cgroup", "rtclassid", "ibrname", "obrname", "ibriport",
    "obriport", "ibrpvid", "ibrvproto", "nftrace", "sdif", "sdifname", "broute"};

// Second words of `tcp option NAME FIELD`, `sctp chunk NAME FIELD`.
constexpr std::string_view kOptionFields[] = {"kind", "length", "size", "value", "count", "left", "right",
                                              "tsval", "tsecr", "type", "flags", "subtype", "addr", "ptr"};

// conntrack keys nft knows (src/ct.c) and whether `original`/`reply` goes
// before them: never (ct mark), optionally (ct zone), always (ct saddr, ct
// ip saddr: the kernel refuses an address without a direction).
enum class CtDirection : std::uint8_t { kNever, kOptional, kRequired };
struct CtKey {
  std::string_view name;
  CtDirection direction;
};
constexpr CtKey kCtKeys[] = {
    {"state", CtDirection::kNever},        {"direction", CtDirection::kNever}, {"status", CtDirection::kNever},
    {"mark", CtDirection::kNever},         {"expiration", CtDirection::kNever}, {"helper", CtDirection::kNever},
    {"label", CtDirection::kNever},        {"event", CtDirection::kNever},     {"secmark", CtDirection::kNever},
    {"id", CtDirection::kNever},           {"timeout", CtDirection::kNever},   {"expectation", CtDirection::kNever},
    {"zone", CtDirection::kOptional},      {"bytes", CtDirection::kOptional},  {"packets", CtDirection::kOptional},
    {"avgpkt", CtDirection::kOptional},    {"l3proto", CtDirection::kOptional}, {"protocol", CtDirection::kOptional},
    {"proto-src", CtDirection::kOptional}, {"proto-dst", CtDirection::kOptional}, {"saddr", CtDirection::kRequired},
    {"daddr", CtDirection::kRequired},     {"ip", CtDirection::kRequired},     {"ip6", CtDirection::kRequired},
};

// TCP options nft names (src/tcpopt.c) and the fields of each beyond kind
// and length; a number (0-255) names an option by its kind.
struct TcpOption {
  std::string_view name;
  std::string_view fields;  // comma-separated
};
constexpr TcpOption kTcpOptions[] = {
    {"eol", ""},         {"nop", ""},          {"maxseg", "size"},       {"window", "count"},
    {"sack-perm", ""},   {"sack", "left,right"}, {"sack0", "left,right"}, {"sack1", "left,right"},
    {"sack2", "left,right"}, {"sack3", "left,right"}, {"timestamp", "tsval,tsecr"}, {"md5sig", ""},
    {"fastopen", ""},    {"mptcp", "subtype"},
};

// Tunnels, whose inner headers are selectors too (geneve ip saddr, vxlan
// tcp dport).
constexpr std::string_view kTunnels[] = {"geneve", "gre", "gretap", "vxlan", "ipip"};
// Tunnels whose payload starts with a link-layer header (gre and ipip carry
// IP packets only).
constexpr std::string_view kEtherTunnels[] = {"gretap", "geneve", "vxlan"};

constexpr std::string_view kVerdicts[] = {"accept", "drop", "continue", "return", "jump", "goto", "queue", "reject"};
// The verdicts a map may hold (nft refuses reject and queue there).
constexpr std::string_view kMapVerdicts[] = {"accept", "drop", "continue", "return", "jump", "goto"};
constexpr std::string_view kOps[] = {"==", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt", "le", "ge", "!"};
constexpr std::string_view kBinops[] = {"&", "|", "^", "<<", ">>", "and", "or", "xor", "lshift", "rshift"};

constexpr std::string_view kBooleans[] = {"exists", "missing", "true", "false"};

template <std::size_t N>
bool In(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

// `w` among the comma-separated `list`.
bool InList(std::string_view list, std::string_view w) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == w) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

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

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::size_t begin, std::size_t end, std::vector<Diagnostic>& diagnostics)
      : t_(tokens), pos_(begin), end_(end), diagnostics_(diagnostics) {}

  std::size_t pos() const { return pos_; }

  std::vector<Statement> Rule(std::string& comment) {
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

  Expr Value(bool top) { return List(top); }

  std::vector<Expr> Elements() {
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

  std::optional<Expr> Selector() {
    if (!More() || Cur().kind != Token::Kind::kWord) return std::nullopt;
    std::optional<Expr> first = Selector1();
    if (!first) return std::nullopt;
    if (!Word(".")) return first;
    Expr cat;
    cat.kind = Expr::Kind::kConcat;
    cat.location = first->location;
    cat.items.push_back(std::move(*first));
    while (Word(".")) {
      const std::size_t at = pos_;
      ++pos_;
      std::optional<Expr> next = More() && Cur().kind == Token::Kind::kWord ? Selector1() : std::nullopt;
      if (!next) next = Primary();  // a constant in the key: `ip saddr . "lo" @s`
      if (!next) {
        pos_ = at;
        break;
      }
      cat.items.push_back(std::move(*next));
    }
    for (const Expr& item : cat.items) RequireOwnFamily(item, "in a concatenation");
    return cat;
  }

 private:
  bool More() const { return pos_ < end_ && t_[pos_].kind != Token::Kind::kEnd; }
  // A statement's target, skipped: a selector with an optional map after it
  // (`to ip daddr map { ... }`), or one token.
  void SkipTarget() {
    if (Selector()) {
      if (Word("map")) {
        ++pos_;
        Primary();
      }
    } else if (More()) {
      ++pos_;
    }
  }
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
  void SkipPast(std::string_view sym) {
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

  void Error(std::size_t at, std::string message) {
    Error(t_[std::min(at, end_ > 0 ? end_ - 1 : 0)].location, std::move(message));
  }
  void Error(const rules::SourceLocation& at, std::string message) {
    Diagnostic d;
    d.location = at;
    d.message = std::move(message);
    diagnostics_.push_back(std::move(d));
  }

  std::string TextOf(std::size_t from, std::size_t to) const {
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

  Expr ValueOf(const Token& k) {
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
  std::optional<Expr> Primary() {
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
  std::optional<Expr> Binary() {
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
  std::optional<Expr> Concat() {
    std::optional<Expr> first = Binary();
    if (!first || !Word(".")) return first;
    return Sequence(std::move(*first), Expr::Kind::kConcat, [&] { return Word("."); }, [&] { return Binary(); });
  }

  // list: concat (, concat)* — only outside braces
  Expr List(bool top) {
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

  Expr VerdictValue() {
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
  Expr Element() {
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
  Expr MappingFrom(Expr key) {
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
  void ElementOptions() {
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

  Expr Sel(std::size_t at, std::string protocol, std::string field) {
    Expr e;
    e.kind = Expr::Kind::kSelector;
    e.protocol = std::move(protocol);
    e.field = std::move(field);
    e.location = t_[at].location;
    return e;
  }

  // `ct [original|reply] KEY`: a key nft knows, with a direction where it
  // takes one (tokens[direction] is the word after ct, tokens[key] the key).
  void CheckCtKey(std::size_t direction, std::size_t key) {
    std::string name = t_[key].text;
    if ((name == "ip" || name == "ip6") && WordAt(key + 1)) name += " " + t_[key + 1].text;  // ct ip saddr
    const CtKey* k = nullptr;
    for (const CtKey& c : kCtKeys) {
      if (c.name == t_[key].text) k = &c;
    }
    if (k == nullptr) return Error(key, "\"" + name + "\" is not a conntrack key (nft refuses it)");
    if (k->direction == CtDirection::kNever && direction != key) {
      Error(direction, "ct " + name + " has no direction: \"" + t_[direction].text + "\" before it (nft refuses it)");
    } else if (k->direction == CtDirection::kRequired && direction == key) {
      Error(key, "ct " + name + " needs a direction: ct original " + name + " or ct reply " + name + " (nft refuses it)");
    }
  }

  // `ct original saddr`, `rt nexthop`: addresses of the family the rule
  // has chosen; in a concatenation or as a map key nft cannot tell which
  // ("specify either ip or ip6 for address matching").
  bool RequireOwnFamily(const Expr& selector, std::string_view where) {
    const bool from_rule = (selector.protocol == "ct" && (selector.field.ends_with(" saddr") || selector.field.ends_with(" daddr")) &&
                            selector.field.find(" ip") == std::string::npos) ||
                           (selector.protocol == "rt" && selector.field == "nexthop");
    if (from_rule) {
      Error(selector.location, Render(selector) + " " + std::string(where) + " needs its family: write it with ip or ip6 (nft refuses it)");
    }
    return !from_rule;
  }

  // `fib FLAG . FLAG RESULT`: one of saddr and daddr, at most one of iif
  // and oif (nft: "fib: saddr and daddr are mutually exclusive").
  void CheckFibFlags(std::size_t fib, const std::vector<std::size_t>& flags) {
    std::size_t address = 0, interface = 0;
    for (std::size_t i : flags) {
      const std::string& f = t_[i].text;
      std::size_t& seen = f == "saddr" || f == "daddr" ? address : f == "iif" || f == "oif" ? interface : fib;
      if (&seen == &fib) continue;
      if (seen != 0) {
        return Error(i, "fib: " + t_[seen].text + " and " + f + " cannot be used together (nft refuses it)");
      }
      seen = i;
    }
    if (address == 0) Error(fib, "fib needs saddr or daddr (nft refuses it)");
  }

  // `tcp option NAME`: an option nft names or a kind number 0-255 (nullptr
  // for a number or a refused name).
  const TcpOption* CheckTcpOption(std::size_t at) {
    const std::string& name = t_[at].text;
    for (const TcpOption& o : kTcpOptions) {
      if (o.name == name) return &o;
    }
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) == 0) {
      Error(at, "\"" + name + "\" is not a tcp option (nft refuses it)");
    } else if (!Number(name, 255)) {
      Error(at, "tcp option kind \"" + name + "\" is not 0-255 (nft refuses it)");
    }
    return nullptr;
  }

  bool WordAt(std::size_t i) const { return i < end_ && t_[i].kind == Token::Kind::kWord; }

  std::optional<Expr> Selector1() {
    const std::size_t at = pos_;
    const std::string& w = Cur().text;
    if (In(kPayloadProtocols, w) && WordAt(pos_ + 1) && !In(kOps, t_[pos_ + 1].text)) {
      std::string field = t_[pos_ + 1].text;
      pos_ += 2;
      // An inner header of a tunnel: geneve ip saddr, vxlan tcp dport.
      if (In(kTunnels, w) && In(kPayloadProtocols, field) && WordAt(pos_)) {
        field += " " + Cur().text;
        ++pos_;
      }
      if (field == "option" && WordAt(pos_) && Cur().text.starts_with("@") && pos_ + 4 < end_ &&
          t_[pos_ + 1].Is(",") && t_[pos_ + 3].Is(",")) {
        // a raw option: tcp option @KIND,OFFSET,LENGTH
        field += " " + Cur().text + "," + t_[pos_ + 2].text + "," + t_[pos_ + 4].text;
        pos_ += 5;
        return Sel(at, w, field);
      }
      if ((field == "option" || field == "chunk") && WordAt(pos_)) {
        const TcpOption* option = w == "tcp" && field == "option" ? CheckTcpOption(pos_) : nullptr;
        field += " " + Cur().text;
        ++pos_;
        if (WordAt(pos_) && In(kOptionFields, Cur().text)) {
          if (option != nullptr && Cur().text != "kind" && Cur().text != "length" && !InList(option->fields, Cur().text)) {
            Error(pos_, "tcp option " + std::string(option->name) + " has no field \"" + Cur().text + "\" (nft refuses it)");
          }
          field += " " + Cur().text;
          ++pos_;
        } else if (option != nullptr && WordAt(pos_) && !In(kBooleans, Cur().text) && !In(kOps, Cur().text) &&
                   !Word("set")) {
          Error(pos_, "tcp option " + std::string(option->name) + " without a field is matched with exists or missing, not \"" +
                          Cur().text + "\" (nft refuses it)");
        }
      }
      if (In(kTunnels, w) && (field.starts_with("ether ") || field.starts_with("vlan ")) && !In(kEtherTunnels, w)) {
        Error(at + 1, w + " carries IP packets, not link-layer frames: no " + field.substr(0, field.find(' ')) +
                          " header inside it (nft refuses it)");
      }
      return Sel(at, w, field);
    }
    if (w == "meta" && WordAt(pos_ + 1)) {
      std::string key = t_[pos_ + 1].text;
      pos_ += 2;
      return Sel(at, "meta", key);
    }
    if (In(kBareMetaKeys, w)) {
      ++pos_;
      return Sel(at, "meta", w);
    }
    if (w == "ct" && WordAt(pos_ + 1)) {
      ++pos_;
      std::string field;
      const std::size_t direction = pos_;
      if (Word("original") || Word("reply")) {
        field = Cur().text + " ";
        ++pos_;
      }
      if (!WordAt(pos_)) return std::nullopt;
      CheckCtKey(direction, pos_);
      field += Cur().text;
      ++pos_;
      if ((field.ends_with("ip") || field.ends_with("ip6")) && WordAt(pos_)) {
        field += " " + Cur().text;
        ++pos_;
      }
      return Sel(at, "ct", field);
    }
    if (w == "fib") {
      ++pos_;
      std::string field;
      std::vector<std::size_t> flags;
      while (WordAt(pos_)) {
        flags.push_back(pos_);
        field += (field.empty() ? "" : " ") + Cur().text;
        ++pos_;
        if (Word(".")) {
          field += " .";
          ++pos_;
          continue;
        }
        if (WordAt(pos_)) {  // the result
          field += " " + Cur().text;
          ++pos_;
        }
        break;
      }
      CheckFibFlags(at, flags);
      return Sel(at, "fib", field);
    }
    if (w == "rt" && WordAt(pos_ + 1)) {
      pos_ += 1;
      std::string field = Cur().text;
      ++pos_;
      if ((field == "ip" || field == "ip6") && WordAt(pos_)) {
        field += " " + Cur().text;
        ++pos_;
      }
      return Sel(at, "rt", field);
    }
    if ((w == "socket" || w == "osf") && WordAt(pos_ + 1)) {
      pos_ += 1;
      std::string field;
      if (w == "osf" && Word("ttl") && WordAt(pos_ + 1) && !NextWord("loose") && !NextWord("skip")) {
        Error(pos_ + 1, "osf ttl takes loose or skip, not \"" + t_[pos_ + 1].text + "\" (nft refuses it)");
      }
      if (w == "osf" && Word("ttl") && WordAt(pos_ + 1)) {
        field = "ttl " + t_[pos_ + 1].text + " ";
        pos_ += 2;
      }
      field += Cur().text;
      ++pos_;
      if (Word("level") && WordAt(pos_ + 1)) {
        field += " level " + t_[pos_ + 1].text;
        pos_ += 2;
      }
      return Sel(at, w, field);
    }
    if (w == "ipsec" && WordAt(pos_ + 1)) {  // ipsec in [spnum N] reqid | ip saddr
      ++pos_;
      if (!Word("in") && !Word("out")) Error(pos_, "ipsec takes in or out, not \"" + Cur().text + "\" (nft refuses it)");
      std::string field = Cur().text;
      ++pos_;
      if (Word("spnum") && WordAt(pos_ + 1) && !Number(t_[pos_ + 1].text, 255)) {
        Error(pos_ + 1, "ipsec spnum \"" + t_[pos_ + 1].text + "\" is not 0-255 (nft refuses it)");
      }
      if (Word("spnum") && WordAt(pos_ + 1)) {
        field += " spnum " + t_[pos_ + 1].text;
        pos_ += 2;
      }
      if (WordAt(pos_)) {
        field += " " + Cur().text;
        const bool family = Word("ip") || Word("ip6");
        ++pos_;
        if (family && WordAt(pos_)) {
          field += " " + Cur().text;
          ++pos_;
        }
      }
      return Sel(at, w, field);
    }
    if (w == "numgen" || w == "symhash" || w == "jhash") {
      // numgen random mod 2 [offset 1]; jhash ip saddr mod 2; ipsec in reqid
      ++pos_;
      std::string field;
      while (More() && Cur().kind == Token::Kind::kWord && !In(kOps, Cur().text)) {
        const bool modulus = Cur().text == "mod" || Cur().text == "offset" || Cur().text == "seed" ||
                             Cur().text == "spnum";
        field += (field.empty() ? "" : " ") + Cur().text;
        ++pos_;
        if (modulus && WordAt(pos_)) {
          field += " " + Cur().text;
          ++pos_;
          if (w != "ipsec" && !Word("offset") && !Word("seed")) break;
          continue;
        }
        if (w == "ipsec" && field.find(' ') != std::string::npos && !Word("ip") && !Word("ip6") &&
            field.rfind("spnum") == std::string::npos) {
          break;
        }
      }
      return Sel(at, w, field);
    }
    // @nh,16,16 raw payload
    if (w.size() > 1 && w.front() == '@' && pos_ + 4 < end_ && t_[pos_ + 1].Is(",") && t_[pos_ + 3].Is(",")) {
      std::string field = w + "," + t_[pos_ + 2].text + "," + t_[pos_ + 4].text;
      pos_ += 5;
      return Sel(at, "payload", field);
    }
    return std::nullopt;
  }

  bool Statement1(std::vector<Statement>& out) {
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

  bool AfterSelector(std::size_t start, Expr selector, std::vector<Statement>& out) {
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
  bool Log(std::vector<Statement>& out) {
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
  bool Limit(std::vector<Statement>& out) {
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
  static bool IsTime(std::string_view s) {
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
  std::optional<Expr> ObjectReference() {
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
  bool SetValue(const Expr& target) {
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

  bool Verdict(std::vector<Statement>& out) {
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
  bool QueueTarget() {
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

  bool Nat(std::vector<Statement>& out) {
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
  void SplitNatTarget(NatStmt& n, const Token& k) {
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

  const std::vector<Token>& t_;
  std::size_t pos_;
  std::size_t end_;
  std::vector<Diagnostic>& diagnostics_;

 public:
  std::vector<InlineChain> inline_chains_;
};

}  // namespace

std::vector<Statement> ParseRuleStatements(const RuleTokens& rule, std::string& comment,
                                           std::vector<Diagnostic>& diagnostics, std::vector<InlineChain>* inline_chains) {
  Parser p(*rule.tokens, rule.begin, rule.end, diagnostics);
  std::vector<Statement> out = p.Rule(comment);
  if (inline_chains != nullptr) *inline_chains = std::move(p.inline_chains_);
  return out;
}

Expr ParseValueAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end,
                  std::vector<Diagnostic>& diagnostics) {
  Parser p(tokens, pos, end, diagnostics);
  Expr e = p.Value(false);
  pos = p.pos();
  return e;
}

std::vector<Expr> ParseElementsAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end,
                                  std::vector<Diagnostic>& diagnostics) {
  Parser p(tokens, pos, end, diagnostics);
  std::vector<Expr> out = p.Elements();
  pos = p.pos();
  return out;
}

std::optional<Expr> ParseSelectorAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end) {
  std::vector<Diagnostic> ignored;
  Parser p(tokens, pos, end, ignored);
  std::optional<Expr> e = p.Selector();
  pos = p.pos();
  return e;
}

}  // namespace ghostport::parsers::nft
