#include "parsers/nftables/nft_json_reader.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "parsers/nftables/nft_json_expr.h"
#include "parsers/nftables/nft_json_objects.h"
#include "parsers/nftables/nft_json_positions.h"

namespace ghostport::parsers {

namespace {

using nft::ChainSyntax;
using nft::Expr;
using nft::JsonContext;
using nft::ObjectSyntax;
using nft::RuleSyntax;
using nft::SetSyntax;
using nft::TableSyntax;
using nlohmann::json;

// What a top-level element does: a bare object (listing output) is there;
// a command object applies its command to the object it holds.
enum class Verb { kListed, kAdd, kCreate, kInsert, kReplace, kDelete, kDestroy, kFlush, kRename, kList, kReset };

constexpr std::array<std::pair<std::string_view, Verb>, 10> kCommands = {{
    {"add", Verb::kAdd},
    {"create", Verb::kCreate},
    {"insert", Verb::kInsert},
    {"replace", Verb::kReplace},
    {"delete", Verb::kDelete},
    {"destroy", Verb::kDestroy},
    {"flush", Verb::kFlush},
    {"rename", Verb::kRename},
    {"list", Verb::kList},
    {"reset", Verb::kReset},
}};

bool Adds(Verb v) { return v == Verb::kListed || v == Verb::kAdd || v == Verb::kCreate; }
bool Deletes(Verb v) { return v == Verb::kDelete || v == Verb::kDestroy; }

// The members nft requires of an object (as `nft -j -f` refuses "Object item
// not found: family"): family and table, and a name (or a handle instead);
// a rule its chain. The first missing one, or "".
std::string MissingMember(const std::string& kind, const json& body) {
  if (kind == "ruleset" || kind == "meter") return {};
  if (!body.contains("family")) return "family";
  if (kind != "table" && !body.contains("table")) return "table";
  if (kind == "rule") return body.contains("chain") ? std::string() : "chain";
  return body.contains("name") || body.contains("handle") ? std::string() : "name";
}

class RulesetBuilder {
 public:
  RulesetBuilder(std::string_view text, std::vector<Diagnostic>& diagnostics)
      : text_(text), diagnostics_(diagnostics) {}

  // One element of the top-level array, at `at`.
  void Apply(const json& element, const rules::SourceLocation& at);

  nft::RulesetSyntax Take() { return std::move(ruleset_); }

 private:
  using ObjectHandler = void (RulesetBuilder::*)(Verb verb, const std::string& kind, const json& body);
  static const std::array<std::pair<std::string_view, ObjectHandler>, 18> kObjectHandlers;

  JsonContext Context() const { return JsonContext{at_, text_, &diagnostics_, family_}; }
  void Error(const std::string& message) const { Context().Report(Severity::kError, message); }
  void Ignore(const json& element, const std::string& reason) {
    ruleset_.ignored.push_back(rules::IgnoredLine{at_, element.dump(), reason});
  }

  void ApplyObject(Verb verb, const json& object);

  void Table(Verb verb, const std::string& kind, const json& body);
  void Chain(Verb verb, const std::string& kind, const json& body);
  void Rule(Verb verb, const std::string& kind, const json& body);
  void Set(Verb verb, const std::string& kind, const json& body);
  void Element(Verb verb, const std::string& kind, const json& body);
  void Object(Verb verb, const std::string& kind, const json& body);
  void Ruleset(Verb verb, const std::string& kind, const json& body);
  void Meter(Verb verb, const std::string& kind, const json& body);

  // The table `body` names, or null with an error.
  TableSyntax* FindTable(const json& body, bool report = true);
  ChainSyntax* FindChain(TableSyntax& table, const json& body, bool report = true);
  SetSyntax* FindSet(TableSyntax& table, const std::string& name);
  std::string TableName(const json& body) const {
    return nft::JsonMember(body, "family") + " " + nft::JsonMember(body, "table");
  }

  std::string_view text_;
  std::vector<Diagnostic>& diagnostics_;
  rules::SourceLocation at_;
  std::string family_;  // of the element being applied
  nft::RulesetSyntax ruleset_;
};

const std::array<std::pair<std::string_view, RulesetBuilder::ObjectHandler>, 18> RulesetBuilder::kObjectHandlers = {{
    {"table", &RulesetBuilder::Table},
    {"chain", &RulesetBuilder::Chain},
    {"rule", &RulesetBuilder::Rule},
    {"set", &RulesetBuilder::Set},
    {"map", &RulesetBuilder::Set},
    {"element", &RulesetBuilder::Element},
    {"flowtable", &RulesetBuilder::Object},
    {"counter", &RulesetBuilder::Object},
    {"quota", &RulesetBuilder::Object},
    {"limit", &RulesetBuilder::Object},
    {"ct helper", &RulesetBuilder::Object},
    {"ct timeout", &RulesetBuilder::Object},
    {"ct expectation", &RulesetBuilder::Object},
    {"synproxy", &RulesetBuilder::Object},
    {"secmark", &RulesetBuilder::Object},
    {"tunnel", &RulesetBuilder::Object},
    {"ruleset", &RulesetBuilder::Ruleset},
    {"meter", &RulesetBuilder::Meter},
}};

void RulesetBuilder::Apply(const json& element, const rules::SourceLocation& at) {
  at_ = at;
  if (!element.is_object() || element.size() != 1) {
    Context().Report(Severity::kWarning, "unknown entry " + element.dump().substr(0, 60) + " kept as ignored");
    Ignore(element, "not an nftables object");
    return;
  }
  const std::string& key = element.begin().key();
  const json& value = element.begin().value();
  if (key == "metainfo") return;
  for (const auto& [name, verb] : kCommands) {
    if (name != key) continue;
    if (verb == Verb::kList || verb == Verb::kReset) {
      Ignore(element, "a " + key + " command changes no rule");
      return;
    }
    if (!value.is_object() || value.size() != 1) {
      Error("\"" + key + "\" expects one object");
      Ignore(element, "malformed command");
      return;
    }
    ApplyObject(verb, value);
    return;
  }
  ApplyObject(Verb::kListed, element);
}

void RulesetBuilder::ApplyObject(Verb verb, const json& object) {
  const std::string& kind = object.begin().key();
  const json& body = object.begin().value();
  family_ = nft::JsonMember(body, "family");
  if (!body.is_object() && kind != "ruleset") {
    Error("\"" + kind + "\" expects an object");
    Ignore(object, "malformed object");
    return;
  }
  for (const auto& [name, handler] : kObjectHandlers) {
    if (name != kind) continue;
    if (const std::string missing = MissingMember(kind, body); !missing.empty()) {
      Error("\"" + kind + "\" lacks \"" + missing + "\"");
      Ignore(object, "malformed object");
      return;
    }
    (this->*handler)(verb, kind, body);
    return;
  }
  Context().Report(Severity::kWarning, "unknown object \"" + kind + "\" kept as ignored");
  Ignore(object, "unknown object \"" + kind + "\"");
}

TableSyntax* RulesetBuilder::FindTable(const json& body, bool report) {
  const std::string family = nft::JsonMember(body, "family");
  const std::string name = nft::JsonMember(body, body.contains("table") ? "table" : "name");
  for (TableSyntax& t : ruleset_.tables) {
    if (t.family == family && t.name == name) return &t;
  }
  if (report) Error("no table " + family + " " + name);
  return nullptr;
}

ChainSyntax* RulesetBuilder::FindChain(TableSyntax& table, const json& body, bool report) {
  const std::string name = nft::JsonMember(body, body.contains("chain") ? "chain" : "name");
  const std::optional<std::uint64_t> handle = nft::JsonHandle(body);
  const bool by_handle = !body.contains("chain") && !body.contains("name") && handle;
  for (ChainSyntax& c : table.chains) {
    if (by_handle ? c.handle == handle : c.name == name) return &c;
  }
  if (report) Error("no chain " + name + " in table " + table.family + " " + table.name);
  return nullptr;
}

SetSyntax* RulesetBuilder::FindSet(TableSyntax& table, const std::string& name) {
  for (SetSyntax& s : table.sets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void RulesetBuilder::Table(Verb verb, const std::string&, const json& body) {
  const std::string family = nft::JsonMember(body, "family");
  const std::string name = nft::JsonMember(body, "name");
  auto& tables = ruleset_.tables;
  // Delete may name the table by its handle alone.
  const std::optional<std::uint64_t> handle = body.contains("name") ? std::nullopt : nft::JsonHandle(body);
  auto it = std::find_if(tables.begin(), tables.end(), [&](const TableSyntax& t) {
    return t.family == family && (handle ? t.handle == handle : t.name == name);
  });
  if (Adds(verb)) {
    if (it != tables.end()) {
      if (verb == Verb::kCreate) Error("table " + family + " " + name + " exists");
      if (verb == Verb::kListed) it->handle = nft::JsonHandle(body);
      return;
    }
    TableSyntax t;
    t.family = family;
    t.name = name;
    if (verb == Verb::kListed) t.handle = nft::JsonHandle(body);
    t.location = at_;
    // "flags": "dormant" or ["dormant", ...]
    if (auto f = body.find("flags"); f != body.end()) {
      if (f->is_string()) t.flags.push_back(f->get<std::string>());
      if (f->is_array()) {
        for (const auto& x : *f) {
          if (x.is_string()) t.flags.push_back(x.get<std::string>());
        }
      }
    }
    tables.push_back(std::move(t));
  } else if (Deletes(verb)) {
    if (it != tables.end()) {
      tables.erase(it);
    } else if (verb == Verb::kDelete) {
      Error("no table " + family + " " + name);
    }
  } else if (verb == Verb::kFlush) {
    if (it == tables.end()) {
      Error("no table " + family + " " + name);
      return;
    }
    for (ChainSyntax& c : it->chains) c.rules.clear();
  } else {
    Error("a table cannot be the object of this command");
  }
}

void RulesetBuilder::Chain(Verb verb, const std::string&, const json& body) {
  TableSyntax* table = FindTable(body, verb != Verb::kDestroy);
  if (table == nullptr) return;
  ChainSyntax* chain = FindChain(*table, body, false);
  if (Adds(verb)) {
    if (chain != nullptr && verb == Verb::kCreate) {
      Error("chain " + chain->name + " exists in table " + TableName(body));
      return;
    }
    if (chain == nullptr) {
      table->chains.emplace_back();
      chain = &table->chains.back();
      chain->name = nft::JsonMember(body, "name");
      chain->location = at_;
    }
    if (verb == Verb::kListed) chain->handle = nft::JsonHandle(body);
    nft::ReadJsonChainAttributes(body, Context(), *chain);
    return;
  }
  if (chain == nullptr) {
    if (verb != Verb::kDestroy) Error("no chain " + nft::JsonMember(body, "name") + " in table " + TableName(body));
    return;
  }
  if (Deletes(verb)) {
    table->chains.erase(table->chains.begin() + (chain - table->chains.data()));
  } else if (verb == Verb::kFlush) {
    chain->rules.clear();
  } else if (verb == Verb::kRename) {
    chain->name = nft::JsonMember(body, "newname");
  } else {
    Error("a chain cannot be the object of this command");
  }
}

// add/insert place a rule after/before the rule whose handle is given, or at
// an index; listed rules keep their own handle; replace swaps the rule of a
// handle; delete removes it.
void RulesetBuilder::Rule(Verb verb, const std::string&, const json& body) {
  TableSyntax* table = FindTable(body, verb != Verb::kDestroy);
  if (table == nullptr) return;
  ChainSyntax* chain = FindChain(*table, body, verb != Verb::kDestroy);
  if (chain == nullptr) return;
  std::vector<RuleSyntax>& rules = chain->rules;
  const std::optional<std::uint64_t> handle = nft::JsonHandle(body);
  const std::optional<std::uint64_t> index = nft::JsonHandle(body, "index");
  auto by_handle = std::find_if(rules.begin(), rules.end(), [&](const RuleSyntax& r) { return r.handle == handle; });
  const std::string where = " in chain " + chain->name + " of table " + TableName(body);
  if (verb == Verb::kListed) {
    RuleSyntax rule = nft::ReadJsonRule(body, Context());
    rule.handle = handle;
    rules.push_back(std::move(rule));
    return;
  }
  if (verb == Verb::kAdd || verb == Verb::kCreate || verb == Verb::kInsert) {
    const bool after = verb != Verb::kInsert;
    std::size_t position = after ? rules.size() : 0;
    if (handle) {
      if (by_handle == rules.end()) {
        Error("no rule with handle " + std::to_string(*handle) + where);
        return;
      }
      position = static_cast<std::size_t>(by_handle - rules.begin()) + (after ? 1 : 0);
    } else if (index) {
      if (*index >= rules.size()) {
        Error("no rule at index " + std::to_string(*index) + where);
        return;
      }
      position = static_cast<std::size_t>(*index) + (after ? 1 : 0);
    }
    rules.insert(rules.begin() + static_cast<std::ptrdiff_t>(position), nft::ReadJsonRule(body, Context()));
    return;
  }
  if (verb == Verb::kFlush) {
    Error("a rule cannot be flushed");
    return;
  }
  if (!handle || by_handle == rules.end()) {
    if (verb != Verb::kDestroy) Error("no rule with handle " + (handle ? std::to_string(*handle) : "(none)") + where);
    return;
  }
  if (verb == Verb::kReplace) {
    RuleSyntax rule = nft::ReadJsonRule(body, Context());
    rule.handle = handle;
    *by_handle = std::move(rule);
  } else if (Deletes(verb)) {
    rules.erase(by_handle);
  } else {
    Error("a rule cannot be the object of this command");
  }
}

void RulesetBuilder::Set(Verb verb, const std::string& kind, const json& body) {
  TableSyntax* table = FindTable(body, verb != Verb::kDestroy);
  if (table == nullptr) return;
  const std::string name = nft::JsonMember(body, "name");
  auto& sets = table->sets;
  const std::optional<std::uint64_t> handle = nft::JsonHandle(body);
  const bool by_handle = Deletes(verb) && !body.contains("name") && handle.has_value();
  auto it = std::find_if(sets.begin(), sets.end(),
                         [&](const SetSyntax& s) { return by_handle ? s.handle == handle : s.name == name; });
  if (Adds(verb)) {
    if (it == sets.end()) {
      sets.push_back(nft::ReadJsonSet(kind, body, Context()));
    } else if (verb == Verb::kCreate) {
      Error(kind + " " + name + " exists in table " + TableName(body));
    } else if (body.contains("elem")) {
      std::vector<Expr> more = nft::ReadJsonSetElements(*it, body["elem"], Context());
      it->elements.insert(it->elements.end(), more.begin(), more.end());
    }
    return;
  }
  if (it == sets.end()) {
    if (verb != Verb::kDestroy) Error("no " + kind + " " + name + " in table " + TableName(body));
    return;
  }
  if (Deletes(verb)) {
    sets.erase(it);
  } else if (verb == Verb::kFlush) {
    it->elements.clear();
  } else {
    Error("a " + kind + " cannot be the object of this command");
  }
}

// Elements are compared as nft prints them.
void RulesetBuilder::Element(Verb verb, const std::string&, const json& body) {
  TableSyntax* table = FindTable(body, verb != Verb::kDestroy);
  if (table == nullptr) return;
  SetSyntax* set = FindSet(*table, nft::JsonMember(body, "name"));
  if (set == nullptr) {
    if (verb != Verb::kDestroy) Error("no set " + nft::JsonMember(body, "name") + " in table " + TableName(body));
    return;
  }
  std::vector<Expr> elements =
      body.contains("elem") ? nft::ReadJsonSetElements(*set, body["elem"], Context()) : std::vector<Expr>();
  if (Adds(verb)) {
    set->elements.insert(set->elements.end(), elements.begin(), elements.end());
  } else if (Deletes(verb)) {
    for (const Expr& gone : elements) {
      // A map element is deleted by its key.
      const std::string key = nft::Render(gone.kind == Expr::Kind::kMapping ? gone.items[0] : gone);
      auto it = std::find_if(set->elements.begin(), set->elements.end(), [&](const Expr& e) {
        return nft::Render(e.kind == Expr::Kind::kMapping ? e.items[0] : e) == key;
      });
      if (it != set->elements.end()) {
        set->elements.erase(it);
      } else if (verb == Verb::kDelete) {
        Error("no element " + key + " in set " + set->name);
      }
    }
  } else {
    Error("elements cannot be the object of this command");
  }
}

void RulesetBuilder::Object(Verb verb, const std::string& kind, const json& body) {
  TableSyntax* table = FindTable(body, verb != Verb::kDestroy);
  if (table == nullptr) return;
  const std::string name = nft::JsonMember(body, "name");
  auto& objects = table->objects;
  auto it = std::find_if(objects.begin(), objects.end(),
                         [&](const ObjectSyntax& o) { return o.kind == kind && o.name == name; });
  if (Adds(verb)) {
    if (it == objects.end()) {
      objects.push_back(ObjectSyntax{kind, name, at_});
    } else if (verb == Verb::kCreate) {
      Error(kind + " " + name + " exists in table " + TableName(body));
    }
  } else if (Deletes(verb)) {
    if (it != objects.end()) {
      objects.erase(it);
    } else if (verb == Verb::kDelete) {
      Error("no " + kind + " " + name + " in table " + TableName(body));
    }
  } else {
    Error("a " + kind + " cannot be the object of this command");
  }
}

void RulesetBuilder::Ruleset(Verb verb, const std::string&, const json&) {
  if (verb == Verb::kFlush) {
    ruleset_.tables.clear();
  } else {
    Error("the ruleset cannot be the object of this command");
  }
}

// Meters live in the kernel's rules; flushing one changes no rule.
void RulesetBuilder::Meter(Verb verb, const std::string&, const json& body) {
  if (verb == Verb::kFlush) {
    Ignore(json{{"meter", body}}, "flushing a meter changes no rule");
  } else {
    Error("a meter cannot be the object of this command");
  }
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error while parsing value - ..." → "syntax error while parsing value - ...".
std::string ParseErrorMessage(const std::string& what) {
  const std::size_t column = what.find("column ");
  const std::size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

nft::RulesetSyntax ReadNftJson(std::string_view text, const std::string& file_name,
                               std::vector<Diagnostic>& diagnostics) {
  const std::size_t first = diagnostics.size();
  // Far deeper than any ruleset nests; the readers below recurse.
  constexpr int kMaxDepth = 256;
  if (const auto deep = nft::FirstOffsetNestedDeeperThan(text, kMaxDepth)) {
    const rules::SourceLocation at = nft::LocationOfOffset(text, *deep, file_name);
    diagnostics.push_back(Diagnostic{Severity::kError, at,
                                     "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels",
                                     LineAt(text, at.line)});
    return {};
  }
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const std::size_t offset = e.byte > 0 ? std::min<std::size_t>(e.byte - 1, text.size()) : 0;
    rules::SourceLocation at = nft::LocationOfOffset(text, offset, file_name);
    diagnostics.push_back(
        Diagnostic{Severity::kError, at, "invalid JSON: " + ParseErrorMessage(e.what()), LineAt(text, at.line)});
    return {};
  }
  if (!document.is_object() || !document.contains("nftables") || !document["nftables"].is_array()) {
    rules::SourceLocation at{file_name, 1, 1};
    diagnostics.push_back(
        Diagnostic{Severity::kError, at, "expected an object with an \"nftables\" array", LineAt(text, 1)});
    return {};
  }
  const json& elements = document["nftables"];
  std::vector<rules::SourceLocation> locations =
      nft::LocationsOfOffsets(text, nft::NftablesElementOffsets(text), file_name);
  RulesetBuilder builder(text, diagnostics);
  try {
    for (std::size_t i = 0; i < elements.size(); ++i) {
      builder.Apply(elements[i], i < locations.size() ? locations[i] : rules::SourceLocation{file_name, 0, 0});
    }
  } catch (const json::exception& e) {
    // The reader checks types before it reads; this is the guard for what it missed.
    diagnostics.push_back(Diagnostic{Severity::kError, rules::SourceLocation{file_name, 0, 0},
                                     std::string("unexpected JSON shape: ") + e.what(), ""});
  }
  std::stable_sort(diagnostics.begin() + static_cast<std::ptrdiff_t>(first), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.location.line, a.location.column) <
                            std::pair(b.location.line, b.location.column);
                   });
  return builder.Take();
}

}  // namespace ghostport::parsers
