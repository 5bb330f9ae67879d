#include "parsers/nftables/nft_json_expr.h"

#include <array>
#include <cstdint>
#include <utility>

namespace ghostport::parsers::nft {

namespace {

using nlohmann::json;

using ExprHandler = Expr (*)(const json& value, const JsonContext& context);

// "a b" from the non-empty parts.
std::string Spaced(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::string Hex(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v % 16]);
    v /= 16;
  } while (v != 0);
  return "0x" + out;
}

Expr Node(Expr::Kind kind, const JsonContext& context) {
  Expr e;
  e.kind = kind;
  e.location = context.location;
  return e;
}

Expr Selector(std::string protocol, std::string field, const JsonContext& context) {
  Expr e = Node(Expr::Kind::kSelector, context);
  e.protocol = std::move(protocol);
  e.field = std::move(field);
  return e;
}

Expr Unknown(const std::string& key, const json& value, const JsonContext& context) {
  context.Report(Severity::kWarning, "unknown expression \"" + key + "\" kept as is");
  return Selector(key, value.dump(), context);
}

// Items of a JSON array (or of a single value) as expressions of `kind`.
Expr Items(Expr::Kind kind, const json& value, const JsonContext& context, bool set_elements = false) {
  Expr e = Node(kind, context);
  if (value.is_array()) {
    for (const json& item : value) {
      e.items.push_back(set_elements ? ReadJsonSetElement(item, context) : ReadJsonExpr(item, context));
    }
  } else {
    e.items.push_back(set_elements ? ReadJsonSetElement(value, context) : ReadJsonExpr(value, context));
  }
  return e;
}

// {"payload": {"protocol": "tcp", "field": "dport"}} or, raw,
// {"payload": {"base": "nh", "offset": 16, "len": 16}} → "@nh,16,16".
Expr Payload(const json& v, const JsonContext& c) {
  // An inner header of a tunnel (`vxlan ip saddr`) is no outer header.
  const std::string field = JsonMember(v, "field");
  if (v.contains("tunnel")) return Selector(JsonMember(v, "tunnel") + " " + JsonMember(v, "protocol"), field, c);
  if (v.contains("protocol")) return Selector(JsonMember(v, "protocol"), field, c);
  const std::string raw = "@" + JsonMember(v, "base") + "," + JsonMember(v, "offset") + "," + JsonMember(v, "len");
  return Selector("payload", raw, c);
}

Expr Meta(const json& v, const JsonContext& c) { return Selector("meta", JsonMember(v, "key"), c); }

// {"ct": {"key": "ip saddr", "dir": "original"}} → "original ip saddr".
Expr Ct(const json& v, const JsonContext& c) {
  return Selector("ct", Spaced({JsonMember(v, "dir"), JsonMember(v, "family"), JsonMember(v, "key")}), c);
}

// {"fib": {"result": "oif", "flags": ["saddr", "iif"]}} → "saddr . iif oif".
Expr Fib(const json& v, const JsonContext& c) {
  const std::string flags = v.contains("flags") ? JsonWords(v["flags"], " . ") : std::string();
  return Selector("fib", Spaced({flags, JsonMember(v, "result")}), c);
}

Expr Rt(const json& v, const JsonContext& c) {
  return Selector("rt", Spaced({JsonMember(v, "family"), JsonMember(v, "key")}), c);
}

Expr Socket(const json& v, const JsonContext& c) {
  const std::string level = v.contains("level") ? "level " + JsonMember(v, "level") : std::string();
  return Selector("socket", Spaced({JsonMember(v, "key"), level}), c);
}

Expr Osf(const json& v, const JsonContext& c) {
  const std::string ttl = v.contains("ttl") ? "ttl " + JsonMember(v, "ttl") : std::string();
  return Selector("osf", Spaced({ttl, JsonMember(v, "key")}), c);
}

// An IPv6 extension header field is written `hbh nexthdr`; the header alone
// (an existence check) `exthdr hbh`.
Expr Exthdr(const json& v, const JsonContext& c) {
  if (!v.contains("field")) return Selector("exthdr", JsonMember(v, "name"), c);
  const std::string offset = v.contains("offset") ? "offset " + JsonMember(v, "offset") : std::string();
  return Selector(JsonMember(v, "name"), Spaced({JsonMember(v, "field"), offset}), c);
}

// tcp option, ip option, sctp chunk: `tcp option maxseg size`.
Expr NamedHeader(const char* protocol, const json& v, const JsonContext& c) {
  return Selector(protocol, Spaced({JsonMember(v, "name"), JsonMember(v, "field")}), c);
}
Expr TcpOption(const json& v, const JsonContext& c) { return NamedHeader("tcp option", v, c); }
Expr IpOption(const json& v, const JsonContext& c) { return NamedHeader("ip option", v, c); }
Expr SctpChunk(const json& v, const JsonContext& c) { return NamedHeader("sctp chunk", v, c); }
Expr DccpOption(const json& v, const JsonContext& c) { return Selector("dccp option", JsonMember(v, "type"), c); }

std::string OffsetPart(const json& v) {
  const std::string offset = JsonMember(v, "offset");
  return offset.empty() || offset == "0" ? std::string() : "offset " + offset;
}

Expr Numgen(const json& v, const JsonContext& c) {
  return Selector("numgen", Spaced({JsonMember(v, "mode"), "mod " + JsonMember(v, "mod"), OffsetPart(v)}), c);
}

Expr Jhash(const json& v, const JsonContext& c) {
  const std::string input = v.contains("expr") ? Render(ReadJsonExpr(v["expr"], c)) : std::string();
  std::string seed;
  if (v.contains("seed") && v["seed"].is_number_unsigned()) seed = "seed " + Hex(v["seed"].get<std::uint64_t>());
  return Selector("jhash", Spaced({input, "mod " + JsonMember(v, "mod"), seed, OffsetPart(v)}), c);
}

Expr Symhash(const json& v, const JsonContext& c) {
  return Selector("symhash", Spaced({"mod " + JsonMember(v, "mod"), OffsetPart(v)}), c);
}

// {"ipsec": {"key": "saddr", "family": "ip", "dir": "in", "spnum": 0}} → "in ip saddr".
Expr Ipsec(const json& v, const JsonContext& c) {
  const std::string spnum = JsonMember(v, "spnum");
  const std::string sp = spnum.empty() || spnum == "0" ? std::string() : "spnum " + spnum;
  return Selector("ipsec", Spaced({JsonMember(v, "dir"), sp, JsonMember(v, "family"), JsonMember(v, "key")}), c);
}

Expr Tunnel(const json& v, const JsonContext& c) { return Selector("tunnel", JsonMember(v, "key"), c); }

Expr Set(const json& v, const JsonContext& c) { return Items(Expr::Kind::kSet, v, c, true); }
Expr Range(const json& v, const JsonContext& c) { return Items(Expr::Kind::kRange, v, c); }
Expr Concat(const json& v, const JsonContext& c) { return Items(Expr::Kind::kConcat, v, c); }

Expr Prefix(const json& v, const JsonContext& c) {
  Expr e = Node(Expr::Kind::kPrefix, c);
  e.items.push_back(ReadJsonExpr(v.is_object() && v.contains("addr") ? v["addr"] : json(), c));
  e.length = v.is_object() && v.contains("len") && v["len"].is_number_integer() ? v["len"].get<int>() : -1;
  return e;
}

template <const char* kOp>
Expr Binop(const json& v, const JsonContext& c) {
  Expr e = Items(Expr::Kind::kBinop, v, c);
  e.op = kOp;
  return e;
}
constexpr char kAnd[] = "&";
constexpr char kOr[] = "|";
constexpr char kXor[] = "^";
constexpr char kShl[] = "<<";
constexpr char kShr[] = ">>";

Expr MapLookup(const json& v, const JsonContext& c) {
  Expr e = Node(Expr::Kind::kMapLookup, c);
  e.items.push_back(ReadJsonExpr(v.is_object() && v.contains("key") ? v["key"] : json(), c));
  e.items.push_back(ReadJsonExpr(v.is_object() && v.contains("data") ? v["data"] : json(), c));
  QuoteComponents(QuotedComponents(e.items[0]), e.items[1]);
  return e;
}

template <const char* kVerdictName>
Expr Verdict(const json& v, const JsonContext& c) {
  Expr e = Node(Expr::Kind::kVerdict, c);
  e.text = kVerdictName;
  e.target = JsonMember(v, "target");
  return e;
}
constexpr char kAccept[] = "accept";
constexpr char kDrop[] = "drop";
constexpr char kContinue[] = "continue";
constexpr char kReturn[] = "return";
constexpr char kJump[] = "jump";
constexpr char kGoto[] = "goto";

Expr Elem(const json& v, const JsonContext& c) { return ReadJsonSetElement(json{{"elem", v}}, c); }

constexpr std::array<std::pair<std::string_view, ExprHandler>, 34> kExprHandlers = {{
    {"payload", Payload},
    {"meta", Meta},
    {"ct", Ct},
    {"fib", Fib},
    {"rt", Rt},
    {"socket", Socket},
    {"osf", Osf},
    {"exthdr", Exthdr},
    {"tcp option", TcpOption},
    {"ip option", IpOption},
    {"sctp chunk", SctpChunk},
    {"dccp option", DccpOption},
    {"numgen", Numgen},
    {"jhash", Jhash},
    {"symhash", Symhash},
    {"ipsec", Ipsec},
    {"tunnel", Tunnel},
    {"set", Set},
    {"range", Range},
    {"prefix", Prefix},
    {"concat", Concat},
    {"&", Binop<kAnd>},
    {"|", Binop<kOr>},
    {"^", Binop<kXor>},
    {"<<", Binop<kShl>},
    {">>", Binop<kShr>},
    {"map", MapLookup},
    {"accept", Verdict<kAccept>},
    {"drop", Verdict<kDrop>},
    {"continue", Verdict<kContinue>},
    {"return", Verdict<kReturn>},
    {"jump", Verdict<kJump>},
    {"goto", Verdict<kGoto>},
    {"elem", Elem},
}};

// Interface and object names nft prints quoted.
constexpr std::array<std::string_view, 13> kQuotedMetaKeys = {
    "iifname",     "oifname",  "iif",      "oif",     "ibrname", "obrname",  "ibridgename",
    "obridgename", "ibriport", "obriport", "iifkind", "oifkind", "sdifname",
};

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (const char ch : s) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

}  // namespace

void JsonContext::Report(Severity severity, const std::string& message) const {
  if (diagnostics == nullptr) return;
  diagnostics->push_back(Diagnostic{severity, location, message, LineAt(text, location.line)});
}

std::string JsonMember(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it == j.end() ? std::string() : JsonText(*it);
}

std::string JsonWords(const json& j, std::string_view separator) {
  if (!j.is_array()) return JsonText(j);
  std::string out;
  for (const json& item : j) {
    if (!out.empty()) out += separator;
    out += JsonText(item);
  }
  return out;
}

std::optional<std::uint64_t> JsonHandle(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

std::string JsonText(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return {};
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  return j.dump();
}

Expr ReadJsonExpr(const json& j, const JsonContext& context) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    Expr e = Node(s.size() > 1 && s[0] == '@' ? Expr::Kind::kSetRef : Expr::Kind::kValue, context);
    e.text = e.kind == Expr::Kind::kSetRef ? s.substr(1) : s;
    return e;
  }
  if (j.is_boolean()) {
    // nft's boolean type: `tcp option sack exists`, `fib ... oif missing`.
    Expr e = Node(Expr::Kind::kValue, context);
    e.text = j.get<bool>() ? "exists" : "missing";
    return e;
  }
  if (j.is_number()) {
    Expr e = Node(Expr::Kind::kValue, context);
    e.text = j.dump();
    return e;
  }
  if (j.is_array()) return Items(Expr::Kind::kList, j, context);
  if (j.is_object() && j.size() == 1) {
    const std::string& key = j.begin().key();
    for (const auto& [name, handler] : kExprHandlers) {
      if (name == key) return handler(j.begin().value(), context);
    }
    return Unknown(key, j.begin().value(), context);
  }
  return Unknown(j.is_null() ? "null" : "object", j, context);
}

Expr ReadJsonSetElement(const json& j, const JsonContext& context) {
  if (j.is_array() && j.size() == 2) {
    Expr e = Node(Expr::Kind::kMapping, context);
    e.items.push_back(ReadJsonSetElement(j[0], context));
    e.items.push_back(ReadJsonExpr(j[1], context));
    return e;
  }
  if (j.is_object() && j.size() == 1 && j.contains("elem")) {
    const json& elem = j["elem"];
    if (elem.is_object() && elem.contains("val")) return ReadJsonSetElement(elem["val"], context);
    return ReadJsonSetElement(elem, context);
  }
  return ReadJsonExpr(j, context);
}

void QuoteStrings(Expr& e) {
  if (e.kind == Expr::Kind::kValue) {
    if (!AllDigits(e.text)) e.quoted = true;
    return;
  }
  if (e.kind == Expr::Kind::kSet || e.kind == Expr::Kind::kList || e.kind == Expr::Kind::kMapping) {
    // A mapping's key only: `iifname vmap { "eth0" : accept }`.
    const std::size_t n = e.kind == Expr::Kind::kMapping ? 1 : e.items.size();
    for (std::size_t i = 0; i < n && i < e.items.size(); ++i) QuoteStrings(e.items[i]);
  }
}

bool TakesQuotedStrings(const Expr& selector) {
  if (selector.kind != Expr::Kind::kSelector) return false;
  if (selector.protocol == "meta") {
    for (const std::string_view k : kQuotedMetaKeys) {
      if (k == selector.field) return true;
    }
    return false;
  }
  if (selector.protocol == "fib") return selector.field.ends_with("oifname");
  if (selector.protocol == "osf") return true;
  if (selector.protocol == "ct") return selector.field == "helper";
  return false;
}

std::vector<bool> QuotedComponents(const Expr& key) {
  if (key.kind != Expr::Kind::kConcat) return {TakesQuotedStrings(key)};
  std::vector<bool> out;
  for (const Expr& item : key.items) out.push_back(TakesQuotedStrings(item));
  return out;
}

void QuoteComponents(const std::vector<bool>& quoted, Expr& value) {
  switch (value.kind) {
    case Expr::Kind::kSet:
    case Expr::Kind::kList:
      for (Expr& item : value.items) QuoteComponents(quoted, item);
      return;
    case Expr::Kind::kMapping:
      if (!value.items.empty()) QuoteComponents(quoted, value.items[0]);
      return;
    case Expr::Kind::kConcat:
      for (std::size_t i = 0; i < value.items.size() && i < quoted.size(); ++i) {
        if (quoted[i]) QuoteStrings(value.items[i]);
      }
      return;
    default:
      if (quoted.size() == 1 && quoted[0]) QuoteStrings(value);
      return;
  }
}

}  // namespace ghostport::parsers::nft
