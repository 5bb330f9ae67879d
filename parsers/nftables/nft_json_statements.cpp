#include "parsers/nftables/nft_json_statements.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace ghostport::parsers::nft {

namespace {

using nlohmann::json;

using StatementHandler = Statement (*)(const json& value, const JsonContext& context);

bool Flag(const json& j, const char* key) {
  if (!j.is_object()) return false;
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// " word value" when `j` has `key`, "" otherwise.
std::string Part(const json& j, const char* key, const std::string& word) {
  const std::string value = JsonMember(j, key);
  return value.empty() ? std::string() : " " + word + " " + value;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

Expr ExprMember(const json& j, const char* key, const JsonContext& c) {
  return ReadJsonExpr(j.is_object() && j.contains(key) ? j[key] : json(), c);
}

Statement Other(std::string keyword, std::string text, std::string set_name = {}) {
  return OtherStmt{std::move(keyword), std::move(set_name), std::move(text)};
}

// The values of a map lookup are object names, printed quoted:
// `ct helper set ip protocol . th dport map { udp . 10000-20000 : "sip-5060u" }`.
void QuoteObjectNames(Expr& e) {
  if (e.kind != Expr::Kind::kMapLookup) {
    QuoteStrings(e);
    return;
  }
  if (e.items.size() != 2 || e.items[1].kind != Expr::Kind::kSet) return;
  for (Expr& m : e.items[1].items) {
    if (m.kind == Expr::Kind::kMapping && m.items.size() == 2) QuoteStrings(m.items[1]);
  }
}

// A reference to a named object: {"counter": "c1"} → `counter name "c1"`,
// {"quota": {"map": ...}} → `quota name ip saddr map @test`.
std::optional<std::string> ObjectReference(const std::string& keyword, const json& v, const JsonContext& c) {
  if (v.is_string()) return keyword + " name " + Quoted(JsonText(v));
  if (!v.is_object() || v.size() != 1 || !v.contains("map")) return std::nullopt;
  Expr lookup = ReadJsonExpr(json{{"map", v["map"]}}, c);
  QuoteObjectNames(lookup);
  return keyword + " name " + Render(lookup);
}

// `counter name "c1"` with the object's name kept for the lowering's
// check that the table has it; nullopt when `v` is no reference.
std::optional<Statement> NamedObject(const std::string& keyword, const json& v, const JsonContext& c) {
  std::optional<std::string> text = ObjectReference(keyword, v, c);
  if (!text) return std::nullopt;
  OtherStmt o{keyword, "", *text};
  if (v.is_string()) {
    Expr name;
    name.text = JsonText(v);
    name.quoted = true;
    name.location = c.location;
    o.object = std::move(name);
  }
  return o;
}

// Seconds as nft prints a duration: 90 → "1m30s", 2592000 → "30d".
std::string Duration(const std::string& seconds_text) {
  std::uint64_t seconds = 0;
  for (const char ch : seconds_text) {
    if (ch < '0' || ch > '9') return seconds_text + "s";
    seconds = seconds * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (seconds == 0) return "0s";
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 4> kUnits = {{
      {86400, "d"},
      {3600, "h"},
      {60, "m"},
      {1, "s"},
  }};
  std::string out;
  for (const auto& [size, unit] : kUnits) {
    if (seconds >= size) {
      out += std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  return out;
}

template <const char* kKind>
Statement Verdict(const json& v, const JsonContext&) {
  const std::string target = JsonMember(v, "target");
  return VerdictStmt{kKind, target, target.empty() ? std::string(kKind) : std::string(kKind) + " " + target};
}
constexpr char kAccept[] = "accept";
constexpr char kDrop[] = "drop";
constexpr char kContinue[] = "continue";
constexpr char kReturn[] = "return";
constexpr char kJump[] = "jump";
constexpr char kGoto[] = "goto";

// JSON "in" is nft's implicit operator (flags: any of them set).
Statement MatchStmt(const json& v, const JsonContext& c) {
  Match m{ExprMember(v, "left", c), JsonMember(v, "op"), ExprMember(v, "right", c)};
  if (m.op == "in") m.op.clear();
  QuoteComponents(QuotedComponents(m.left), m.right);
  return m;
}

// The reject nft lists as plain `reject`: port-unreachable of the family's
// own ICMP (icmpx where both families meet).
bool IsDefaultReject(const std::string& type, const std::string& code, const std::string& family) {
  if (code != "port-unreachable") return false;
  if (family == "ip") return type == "icmp";
  if (family == "ip6") return type == "icmpv6";
  return type == "icmpx";
}

// {"reject": {"type": "tcp reset"}} → "reject with tcp reset".
Statement Reject(const json& v, const JsonContext& c) {
  std::string text = "reject";
  const std::string type = JsonMember(v, "type");
  if (IsDefaultReject(type, JsonMember(v, "expr"), c.family)) return VerdictStmt{"reject", "", text};
  if (!type.empty()) text += " with " + type;
  const std::string code = JsonMember(v, "expr");
  if (!code.empty()) text += " " + code;
  return VerdictStmt{"reject", "", text};
}

// {"queue": {"num": 1, "flags": ["bypass"]}} → "queue flags bypass to 1".
Statement Queue(const json& v, const JsonContext& c) {
  std::string text = "queue";
  if (v.is_object() && v.contains("flags")) text += " flags " + JsonWords(v["flags"], ",");
  if (v.is_object() && v.contains("num")) text += " to " + Render(ExprMember(v, "num", c));
  return VerdictStmt{"queue", "", text};
}

Statement Vmap(const json& v, const JsonContext& c) {
  VmapStmt s{ExprMember(v, "key", c), ExprMember(v, "data", c)};
  QuoteComponents(QuotedComponents(s.key), s.map);
  return s;
}

// An IPv6 address followed by a port is bracketed: `[::1]:80`.
std::string AddressText(const Expr& address, bool with_port) {
  const std::string text = Render(address);
  if (with_port && address.kind == Expr::Kind::kValue && text.find(':') != std::string::npos) return "[" + text + "]";
  return text;
}

// dnat/snat/masquerade/redirect: "dnat ip to 10.0.0.1:8080", "masquerade
// random,persistent", "snat ip prefix to ip saddr map { ... }".
template <const char* kKind>
Statement Nat(const json& v, const JsonContext& c) {
  NatStmt n;
  n.kind = kKind;
  n.family = JsonMember(v, "family");
  if (v.is_object() && v.contains("addr")) n.address = ExprMember(v, "addr", c);
  if (v.is_object() && v.contains("port")) n.port = ExprMember(v, "port", c);
  n.text = n.kind;
  if (!n.family.empty()) n.text += " " + n.family;
  if (v.is_object() && v.contains("type_flags")) n.text += " " + JsonWords(v["type_flags"], " . ");
  if (n.address || n.port) {
    n.text += " to ";
    if (n.address) n.text += AddressText(*n.address, n.port.has_value());
    if (n.port) n.text += ":" + Render(*n.port);
  }
  if (v.is_object() && v.contains("flags")) {
    std::string flags;
    const json list = v["flags"].is_array() ? v["flags"] : json::array({v["flags"]});
    for (const json& f : list) {
      if (JsonText(f) == "netmap") continue;  // nft lists the prefix form without it
      flags += flags.empty() ? "" : ",";
      flags += JsonText(f);
    }
    if (!flags.empty()) n.text += " " + flags;
  }
  return n;
}
constexpr char kDnat[] = "dnat";
constexpr char kSnat[] = "snat";
constexpr char kMasquerade[] = "masquerade";
constexpr char kRedirect[] = "redirect";

// {"counter": {"packets": 0, "bytes": 0}}, {"counter": "name"}, {"counter": null}.
Statement Counter(const json& v, const JsonContext& c) {
  if (auto named = NamedObject("counter", v, c)) return std::move(*named);
  return Other("counter", "counter" + Part(v, "packets", "packets") + Part(v, "bytes", "bytes"));
}

Statement Log(const json& v, const JsonContext&) {
  std::string text = "log";
  if (v.is_object() && v.contains("prefix")) text += " prefix " + Quoted(JsonMember(v, "prefix"));
  text += Part(v, "level", "level") + Part(v, "group", "group") + Part(v, "snaplen", "snaplen") +
          Part(v, "queue-threshold", "queue-threshold");
  if (v.is_object() && v.contains("flags")) text += " flags " + JsonWords(v["flags"], ",");
  return Other("log", text);
}

// {"limit": {"rate": 1, "rate_unit": "mbytes", "per": "second", "inv": true}}
// → "limit rate over 1 mbytes/second".
Statement Limit(const json& v, const JsonContext& c) {
  if (auto named = NamedObject("limit", v, c)) return std::move(*named);
  std::string text = "limit rate ";
  if (Flag(v, "inv")) text += "over ";
  text += JsonMember(v, "rate");
  const std::string unit = JsonMember(v, "rate_unit");
  const bool bytes = !unit.empty() && unit != "packets";
  if (bytes) text += " " + unit;
  const std::string per = JsonMember(v, "per");
  text += "/" + (per.empty() ? std::string("second") : per);
  // nft lists no burst of 0 (1.0.6 also omits the packet limits' default of
  // 5, which newer versions list, as the upstream dumps do).
  const std::string burst = JsonMember(v, "burst");
  if (!burst.empty() && burst != "0") {
    const std::string burst_unit = JsonMember(v, "burst_unit");
    text += " burst " + burst + " " + (bytes ? (burst_unit.empty() ? std::string("bytes") : burst_unit) : "packets");
  }
  return Other("limit", text);
}

Statement Quota(const json& v, const JsonContext& c) {
  if (auto named = NamedObject("quota", v, c)) return std::move(*named);
  std::string text = "quota ";
  if (Flag(v, "inv")) text += "over ";
  const std::string unit = JsonMember(v, "val_unit");
  text += JsonMember(v, "val") + " " + (unit.empty() ? std::string("bytes") : unit);
  const std::string used = JsonMember(v, "used");
  if (!used.empty() && used != "0") {
    const std::string used_unit = JsonMember(v, "used_unit");
    text += " used " + used + " " + (used_unit.empty() ? std::string("bytes") : used_unit);
  }
  return Other("quota", text);
}

Statement Notrack(const json&, const JsonContext&) { return Other("notrack", "notrack"); }

// The keyword of a `KEY set VALUE` statement, by the key's kind.
std::string MangleKeyword(const Expr& key) {
  if (key.kind != Expr::Kind::kSelector) return "payload set";
  if (key.protocol == "meta" || key.protocol == "ct") return key.protocol + " set";
  if (key.protocol == "payload") return "payload set";
  if (key.protocol == "tcp option" || key.protocol == "ip option" || key.protocol == "sctp chunk" ||
      key.protocol == "exthdr") {
    return "exthdr set";
  }
  return "payload set";
}

// {"mangle": {"key": {"meta": {"key": "mark"}}, "value": 1}} → "meta mark set 1".
Statement Mangle(const json& v, const JsonContext& c) {
  const Expr key = ExprMember(v, "key", c);
  Expr value = ExprMember(v, "value", c);
  QuoteComponents(QuotedComponents(key), value);
  std::string target = Render(key);
  if (key.kind == Expr::Kind::kSelector && key.protocol == "meta" && target == key.field) target = "meta " + target;
  return Other(MangleKeyword(key), target + " set " + Render(value));
}

std::string SetName(const json& v, const char* key) {
  std::string name = JsonMember(v, key);
  if (!name.empty() && name[0] == '@') name.erase(0, 1);
  return name;
}

// The element of a set or map statement with its timeout and statements:
// "ip saddr timeout 10s limit rate 10/second".
std::string ElementText(const json& v, const JsonContext& c) {
  if (!v.is_object() || !v.contains("elem")) return {};
  const json& elem = v["elem"];
  std::string text = Render(ReadJsonSetElement(elem, c));
  if (elem.is_object() && elem.contains("elem") && elem["elem"].is_object()) {
    const std::string timeout = JsonMember(elem["elem"], "timeout");
    if (!timeout.empty()) text += " timeout " + Duration(timeout);
  }
  return text;
}

std::string StatementsText(const json& v, const char* key, const JsonContext& c) {
  if (!v.is_object() || !v.contains(key)) return {};
  const json& stmts = v[key];
  std::string text;
  const json list = stmts.is_array() ? stmts : json::array({stmts});
  for (const json& s : list) text += " " + Render(ReadJsonStatement(s, c));
  return text;
}

// {"set": {"op": "add", "elem": ..., "set": "@t"}} → "add @t { ip saddr }".
Statement SetStmt(const json& v, const JsonContext& c) {
  const std::string op = JsonMember(v, "op");
  const std::string name = SetName(v, "set");
  return Other("set " + op, op + " @" + name + " { " + ElementText(v, c) + StatementsText(v, "stmt", c) + " }", name);
}

// {"map": {"op": "add", "elem": ..., "data": ..., "map": "@m"}} → "add @m { k : v }".
Statement MapStmt(const json& v, const JsonContext& c) {
  const std::string op = JsonMember(v, "op");
  const std::string name = SetName(v, "map");
  const std::string data = Render(ExprMember(v, "data", c));
  return Other("map " + op,
               op + " @" + name + " { " + ElementText(v, c) + StatementsText(v, "stmt", c) + " : " + data + " }", name);
}

// {"meter": {"name": "m", "key": ..., "stmt": ...}} → "meter m { ip saddr limit rate 10/second }".
Statement Meter(const json& v, const JsonContext& c) {
  const std::string name = JsonMember(v, "name");
  const std::string size = v.is_object() && v.contains("size") ? "size " + JsonMember(v, "size") + " " : std::string();
  const json key = v.is_object() && v.contains("key") ? json{{"elem", v["key"]}} : json();
  return Other("meter", "meter " + name + " " + size + "{ " + ElementText(key, c) + StatementsText(v, "stmt", c) + " }",
               name);
}

// dup and fwd: "dup to 10.0.0.1 device \"eth0\"", "fwd ip to 10.0.0.1 device \"eth0\"".
std::string ToDevice(const char* keyword, const json& v, const JsonContext& c) {
  std::string text = keyword;
  const std::string family = JsonMember(v, "family");
  if (!family.empty()) text += " " + family;
  const bool has_addr = v.is_object() && v.contains("addr");
  if (has_addr) text += " to " + Render(ExprMember(v, "addr", c));
  if (v.is_object() && v.contains("dev")) {
    Expr dev = ExprMember(v, "dev", c);
    QuoteStrings(dev);
    text += (has_addr ? " device " : " to ") + Render(dev);
  }
  return text;
}
Statement Dup(const json& v, const JsonContext& c) { return Other("dup", ToDevice("dup", v, c)); }
Statement Fwd(const json& v, const JsonContext& c) { return Other("fwd", ToDevice("fwd", v, c)); }

// {"tproxy": {"family": "ip", "addr": "1.2.3.4", "port": 80}} → "tproxy ip to 1.2.3.4:80".
Statement Tproxy(const json& v, const JsonContext& c) {
  std::string text = "tproxy";
  const std::string family = JsonMember(v, "family");
  if (!family.empty()) text += " " + family;
  text += " to ";
  const bool has_port = v.is_object() && v.contains("port");
  if (v.is_object() && v.contains("addr")) text += AddressText(ExprMember(v, "addr", c), has_port);
  if (has_port) text += ":" + Render(ExprMember(v, "port", c));
  return Other("tproxy", text);
}

Statement Synproxy(const json& v, const JsonContext& c) {
  if (const auto ref = ObjectReference("synproxy", v, c)) return Other("synproxy", *ref);
  std::string text = "synproxy" + Part(v, "mss", "mss") + Part(v, "wscale", "wscale");
  if (v.is_object() && v.contains("flags")) text += " " + JsonWords(v["flags"], " ");
  return Other("synproxy", text);
}

// {"flow": {"op": "add", "flowtable": "@ft"}} → "flow add @ft".
Statement Flow(const json& v, const JsonContext&) {
  const std::string op = JsonMember(v, "op");
  const std::string name = SetName(v, "flowtable");
  return Other("flow " + op, "flow " + op + " @" + name, name);
}

// iptables-nft's compat extensions: nft cannot show them, and neither can we.
Statement Xt(const json& v, const JsonContext&) {
  const std::string name = v.is_object() ? JsonMember(v, "name") : JsonText(v);
  return Other("xt", "xt " + JsonMember(v, "type") + " " + name);
}

// Object references that set the connection's helper, timeout or expectation.
template <const char* kObject>
Statement CtObject(const json& v, const JsonContext& c) {
  Expr name = ReadJsonExpr(v, c);
  QuoteObjectNames(name);
  return Other("ct set", std::string("ct ") + kObject + " set " + Render(name));
}
constexpr char kHelper[] = "helper";
constexpr char kTimeout[] = "timeout";
constexpr char kExpectation[] = "expectation";

Statement Secmark(const json& v, const JsonContext& c) {
  Expr name = ReadJsonExpr(v, c);
  QuoteObjectNames(name);
  return Other("meta set", "meta secmark set " + Render(name));
}

Statement CtCount(const json& v, const JsonContext&) {
  return Other("ct count", std::string("ct count ") + (Flag(v, "inv") ? "over " : "") + JsonMember(v, "val"));
}

Statement Last(const json& v, const JsonContext&) {
  const std::string used = JsonMember(v, "used");
  return Other("last", used.empty() ? std::string("last used never") : "last used " + used + "ms");
}

Statement TunnelStmt(const json& v, const JsonContext& c) {
  if (const auto ref = ObjectReference("tunnel", v, c)) return Other("tunnel", *ref);
  return Other("tunnel", "tunnel name " + Quoted(JsonMember(v, "name")));
}

Statement Reset(const json& v, const JsonContext& c) { return Other("reset", "reset " + Render(ReadJsonExpr(v, c))); }

constexpr std::array<std::pair<std::string_view, StatementHandler>, 37> kStatementHandlers = {{
    {"match", MatchStmt},
    {"accept", Verdict<kAccept>},
    {"drop", Verdict<kDrop>},
    {"continue", Verdict<kContinue>},
    {"return", Verdict<kReturn>},
    {"jump", Verdict<kJump>},
    {"goto", Verdict<kGoto>},
    {"reject", Reject},
    {"queue", Queue},
    {"vmap", Vmap},
    {"dnat", Nat<kDnat>},
    {"snat", Nat<kSnat>},
    {"masquerade", Nat<kMasquerade>},
    {"redirect", Nat<kRedirect>},
    {"counter", Counter},
    {"log", Log},
    {"limit", Limit},
    {"quota", Quota},
    {"notrack", Notrack},
    {"mangle", Mangle},
    {"set", SetStmt},
    {"map", MapStmt},
    {"meter", Meter},
    {"dup", Dup},
    {"fwd", Fwd},
    {"tproxy", Tproxy},
    {"synproxy", Synproxy},
    {"flow", Flow},
    {"xt", Xt},
    {"ct helper", CtObject<kHelper>},
    {"ct timeout", CtObject<kTimeout>},
    {"ct expectation", CtObject<kExpectation>},
    {"secmark", Secmark},
    {"ct count", CtCount},
    {"last", Last},
    {"tunnel", TunnelStmt},
    {"reset", Reset},
}};

}  // namespace

Statement ReadJsonStatement(const json& j, const JsonContext& context) {
  if (j.is_object() && j.size() == 1) {
    const std::string& key = j.begin().key();
    for (const auto& [name, handler] : kStatementHandlers) {
      if (name == key) return handler(j.begin().value(), context);
    }
    context.Report(Severity::kWarning, "unknown statement \"" + key + "\" kept as is");
    return Other(key, key + " " + j.begin().value().dump());
  }
  context.Report(Severity::kWarning, "unknown statement " + j.dump() + " kept as is");
  return Other("", j.dump());
}

}  // namespace ghostport::parsers::nft
