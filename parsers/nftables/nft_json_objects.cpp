#include "parsers/nftables/nft_json_objects.h"

#include <string_view>
#include <utility>

#include "parsers/nftables/nft_json_statements.h"

namespace ghostport::parsers::nft {

namespace {

using nlohmann::json;

// "a . b" components of a set's type; an array for concatenations.
std::vector<std::string> TypeComponents(const json& type) {
  std::vector<std::string> out;
  if (type.is_array()) {
    for (const json& t : type) out.push_back(JsonText(t));
    return out;
  }
  const std::string text = JsonText(type);
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = text.find(" . ", begin);
    out.push_back(text.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin));
    if (dot == std::string::npos) break;
    begin = dot + 3;
  }
  return out;
}

std::string Joined(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

bool IsTypeof(const json& type) { return type.is_object() && type.contains("typeof"); }

}  // namespace

RuleSyntax ReadJsonRule(const json& body, const JsonContext& context) {
  RuleSyntax rule;
  rule.location = context.location;
  if (body.contains("expr") && body["expr"].is_array()) {
    for (const json& s : body["expr"]) rule.statements.push_back(ReadJsonStatement(s, context));
  }
  for (const Statement& s : rule.statements) {
    if (!rule.text.empty()) rule.text += ' ';
    rule.text += Render(s);
  }
  rule.comment = JsonMember(body, "comment");
  if (!rule.comment.empty()) rule.text += " comment \"" + rule.comment + "\"";
  return rule;
}

void ReadJsonChainAttributes(const json& body, const JsonContext& context, ChainSyntax& chain) {
  if (body.contains("type")) chain.type = JsonMember(body, "type");
  if (body.contains("hook")) chain.hook = JsonMember(body, "hook");
  if (body.contains("prio")) chain.priority = JsonMember(body, "prio");
  if (body.contains("policy")) {
    chain.policy = JsonMember(body, "policy");
    chain.policy_location = context.location;
  }
  if (body.contains("dev")) {
    const json& dev = body["dev"];
    std::vector<std::string> names;
    if (dev.is_array()) {
      for (const json& d : dev) names.push_back(JsonText(d));
    } else {
      names.push_back(JsonText(dev));
    }
    chain.device = Joined(names, ", ");
  }
}

std::vector<Expr> ReadJsonSetElements(const SetSyntax& set, const json& elem, const JsonContext& context) {
  std::vector<bool> quoted;
  for (const std::string& t : set.key_types) quoted.push_back(t == "ifname");
  for (const Expr& k : set.key_typeof) quoted.push_back(TakesQuotedStrings(k));
  std::vector<Expr> out;
  const json list = elem.is_array() ? elem : json::array({elem});
  for (const json& e : list) {
    // [key, value] is a map's element; in a set an array is a list of flags.
    out.push_back(set.is_map || !e.is_array() ? ReadJsonSetElement(e, context) : ReadJsonExpr(e, context));
    QuoteComponents(quoted, out.back());
  }
  return out;
}

SetSyntax ReadJsonSet(const std::string& kind, const json& body, const JsonContext& context) {
  SetSyntax set;
  set.name = JsonMember(body, "name");
  set.is_map = kind == "map";
  set.location = context.location;
  set.handle = JsonHandle(body);
  if (body.contains("type")) {
    const json& type = body["type"];
    if (IsTypeof(type)) {
      Expr key = ReadJsonExpr(type["typeof"], context);
      if (key.kind == Expr::Kind::kConcat) {
        set.key_typeof = std::move(key.items);
      } else {
        set.key_typeof.push_back(std::move(key));
      }
    } else {
      set.key_types = TypeComponents(type);
    }
  }
  if (body.contains("map")) {
    const json& map = body["map"];
    set.value_type = IsTypeof(map) ? Render(ReadJsonExpr(map["typeof"], context)) : Joined(TypeComponents(map), " . ");
  }
  if (body.contains("flags")) {
    const json& flags = body["flags"];
    const json list = flags.is_array() ? flags : json::array({flags});
    for (const json& f : list) set.flags.push_back(JsonText(f));
  }
  set.timeout = body.contains("timeout");
  if (body.contains("elem")) set.elements = ReadJsonSetElements(set, body["elem"], context);
  return set;
}

}  // namespace ghostport::parsers::nft
