#include <cctype>

#include "parsers/nftables/nft_rule_parser_internal.h"
#include "parsers/nftables/nft_values.h"

namespace ghostport::parsers::nft {

// TCP options nft names (src/tcpopt.c) and the fields of each beyond kind
// and length; a number (0-255) names an option by its kind.
struct TcpOption {
  std::string_view name;
  std::string_view fields;  // comma-separated
};

namespace {

constexpr TcpOption kTcpOptions[] = {
    {"eol", ""},         {"nop", ""},          {"maxseg", "size"},       {"window", "count"},
    {"sack-perm", ""},   {"sack", "left,right"}, {"sack0", "left,right"}, {"sack1", "left,right"},
    {"sack2", "left,right"}, {"sack3", "left,right"}, {"timestamp", "tsval,tsecr"}, {"md5sig", ""},
    {"fastopen", ""},    {"mptcp", "subtype"},
};

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

// Tunnels whose payload starts with a link-layer header (gre and ipip carry
// IP packets only).
constexpr std::string_view kEtherTunnels[] = {"gretap", "geneve", "vxlan"};

constexpr std::string_view kBooleans[] = {"exists", "missing", "true", "false"};

}  // namespace

std::optional<Expr> RuleParser::Selector() {
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

Expr RuleParser::Sel(std::size_t at, std::string protocol, std::string field) {
  Expr e;
  e.kind = Expr::Kind::kSelector;
  e.protocol = std::move(protocol);
  e.field = std::move(field);
  e.location = t_[at].location;
  return e;
}

// `ct [original|reply] KEY`: a key nft knows, with a direction where it
// takes one (tokens[direction] is the word after ct, tokens[key] the key).
void RuleParser::CheckCtKey(std::size_t direction, std::size_t key) {
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
bool RuleParser::RequireOwnFamily(const Expr& selector, std::string_view where) {
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
void RuleParser::CheckFibFlags(std::size_t fib, const std::vector<std::size_t>& flags) {
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
const TcpOption* RuleParser::CheckTcpOption(std::size_t at) {
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

std::optional<Expr> RuleParser::Selector1() {
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
        if (option != nullptr && Cur().text != "kind" && Cur().text != "length" && !InCommaList(option->fields, Cur().text)) {
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

}  // namespace ghostport::parsers::nft
