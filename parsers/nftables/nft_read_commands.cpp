// The commands of nftables text, applied as nft applies them: add/create/
// insert, replace, delete/destroy, flush and rename of tables, chains,
// rules, sets, maps and elements. Each names its object after `[family]
// TABLE` (ReadTarget); destroy is delete that is silent where the object
// does not exist.
#include <algorithm>
#include <utility>

#include "parsers/nftables/nft_reader_internal.h"
#include "parsers/nftables/nft_rule_parser.h"

namespace ghostport::parsers::nft {

// `[family] TABLE NAME...`: a missing name is reported by Name(), and then
// nothing is looked up.
CommandTarget TextReader::ReadTarget(const Token& at, std::size_t names, MissingTable missing) {
  bool missing_name = false;
  auto name = [&] {
    missing_name = missing_name || !IsName();
    return Name();
  };
  CommandTarget target;
  target.family = Family();
  target.table_name = name();
  for (std::size_t i = 0; i < names; ++i) target.names.push_back(name());
  if (missing_name) return target;
  target.table = FindTable(target.family, target.table_name);
  if (target.table == nullptr && missing == MissingTable::kError) {
    Error(at, "no such table: " + target.family + " " + target.table_name);
  }
  return target;
}

// add/create/insert: table, chain, rule, set, map, element, objects.
void TextReader::Add(bool insert) {
  const Token& command = Cur();
  ++pos_;
  const Token& what = Cur();
  if (Word("rule")) return AddRule(what, insert);
  if (!insert) {
    if (Word("table")) return AddTable(what);
    if (Word("chain")) return AddChain(what);
    if (Word("set") || Word("map")) return AddSet(command, what);
    if (Word("element")) return AddElements(what);
    if (AddObject(what)) return;
  }
  Error(what, "cannot " + command.text + " \"" + what.text + "\"");
  SkipStatement();
}

void TextReader::AddTable(const Token& what) {
  ++pos_;
  const std::string family = Family();
  const std::string name = Name();
  if (name.empty()) return SkipStatement();
  TableFor(family, name, what);
  if (Sym("{")) {
    ++pos_;
    TableBody(*FindTable(family, name));
  }
  ExpectEnd();
}

void TextReader::AddChain(const Token& what) {
  ++pos_;
  const CommandTarget target = ReadTarget(what, 1, MissingTable::kError);
  const std::string& name = target.names[0];
  if (target.table == nullptr || name.empty()) return SkipStatement();
  ChainFor(*target.table, name, what);
  if (Sym("{")) {
    ++pos_;
    ChainBody(target.family, target.table_name, name);
  }
  ExpectEnd();
}

void TextReader::AddRule(const Token& what, bool insert) {
  ++pos_;
  const CommandTarget target = ReadTarget(what, 1, MissingTable::kError);
  const std::string& chain_name = target.names[0];
  if (target.table == nullptr || chain_name.empty()) return SkipStatement();
  ChainSyntax* chain = FindChain(*target.table, chain_name);
  if (chain == nullptr) {
    Error(what, "no such chain: " + chain_name + " in table " + target.family + " " + target.table_name);
    return SkipStatement();
  }
  std::optional<std::size_t> at = Position(*chain, insert);
  if (!at && (Word("handle") || Word("position") || Word("index"))) return SkipStatement();
  RuleSyntax rule = ReadRule(target.family, target.table_name, chain_name);
  // anonymous chains may have been added
  chain = FindChain(*FindTable(target.family, target.table_name), chain_name);
  const std::size_t index = at ? *at : insert ? 0 : chain->rules.size();
  chain->rules.insert(chain->rules.begin() + static_cast<std::ptrdiff_t>(std::min(index, chain->rules.size())),
                      std::move(rule));
}

void TextReader::AddSet(const Token& command, const Token& what) {
  const bool is_map = Word("map");
  ++pos_;
  const CommandTarget target = ReadTarget(what, 1, MissingTable::kError);
  const std::string& name = target.names[0];
  if (target.table == nullptr || name.empty() || !Sym("{")) {
    if (target.table != nullptr && !name.empty()) Error(Cur(), "expected \"{\" after " + what.text + " " + name);
    return SkipStatement();
  }
  SetSyntax set = SetBlock(what, name, is_map);
  if (SetSyntax* old = FindSet(*target.table, name)) {
    if (!(command.Is("create"))) {
      for (auto& e : set.elements) old->elements.push_back(std::move(e));
    } else {
      Error(what, "set " + name + " exists already (create refuses an existing set)");
    }
  } else {
    target.table->sets.push_back(std::move(set));
  }
  ExpectEnd();
}

void TextReader::AddElements(const Token& what) {
  ++pos_;
  SetSyntax* set = SetFor(what);
  if (set == nullptr) return SkipStatement();
  if (!Sym("{")) {
    Error(Cur(), "expected \"{\" with the elements");
    return SkipStatement();
  }
  std::vector<Diagnostic> found;
  std::vector<Expr> elements = ParseElementsAt(t_, pos_, t_.size() - 1, found);
  Report(found);
  for (auto& e : elements) set->elements.push_back(std::move(e));
  ExpectEnd();
}

// add counter inet t name / add flowtable inet t ft { ... }: the table comes
// before the object's name. False (nothing read) when no table is named.
bool TextReader::AddObject(const Token& what) {
  const std::string family = Family();
  (void)family;
  const std::size_t save = pos_;
  if (Cur().kind == Token::Kind::kWord) {
    const Token kind = Cur();
    ++pos_;
    if (kind.Is("ct")) ++pos_;
    const std::string fam = Family();
    const std::string table_name = IsName() ? t_[pos_++].text : "";
    TableSyntax* table = FindTable(fam, table_name);
    if (table != nullptr) {
      pos_ = save;
      // Re-read as a table item: "counter NAME ..." with the table words removed.
      ObjectSyntax o;
      o.kind = kind.Is("ct") ? "ct " + t_[pos_ + 1].text : kind.text;
      o.location = what.location;
      table->objects.push_back(o);
      Ignore(what, o.kind + ": a stateful object or flowtable; it does not decide which packets get in");
      SkipStatement();
      if (Sym("{")) SkipBlock();
      return true;
    }
  }
  pos_ = save;
  return false;
}

// `add element [family] table set`: the set named.
SetSyntax* TextReader::SetFor(const Token& at) {
  const CommandTarget target = ReadTarget(at, 1, MissingTable::kError);
  const std::string& name = target.names[0];
  if (target.table == nullptr || name.empty()) return nullptr;
  SetSyntax* set = FindSet(*target.table, name);
  if (set == nullptr) Error(at, "no such set: " + name + " in table " + target.family + " " + target.table_name);
  return set;
}

// [handle N | position N | index N]: where an added or inserted rule goes.
std::optional<std::size_t> TextReader::Position(ChainSyntax& chain, bool insert) {
  if (!(Word("handle") || Word("position") || Word("index"))) return std::nullopt;
  const bool index = Word("index");
  const Token& k = Cur();
  ++pos_;
  if (Cur().kind != Token::Kind::kWord) {
    Error(Cur(), k.text + " needs a number");
    return std::nullopt;
  }
  const std::uint64_t n = std::stoull("0" + Cur().text);
  ++pos_;
  if (index) {
    if (n >= chain.rules.size()) {
      Error(k, "index " + std::to_string(n) + " is past the end of chain " + chain.name);
      return std::nullopt;
    }
    return insert ? n : n + 1;
  }
  for (std::size_t i = 0; i < chain.rules.size(); ++i) {
    if (chain.rules[i].handle == n) return insert ? i : i + 1;
  }
  Error(k, "no rule with handle " + std::to_string(n) + " in chain " + chain.name);
  return std::nullopt;
}

void TextReader::Replace() {
  const Token& command = Cur();
  ++pos_;
  if (!Word("rule")) {
    Error(Cur(), "replace works on rules only");
    return SkipStatement();
  }
  ++pos_;
  const CommandTarget target = ReadTarget(command, 1, MissingTable::kError);
  const std::string& chain_name = target.names[0];
  ChainSyntax* chain = target.table ? FindChain(*target.table, chain_name) : nullptr;
  if (chain == nullptr || !Word("handle")) {
    if (target.table != nullptr) {
      Error(command, chain == nullptr ? "no such chain: " + chain_name : "replace rule needs a handle");
    }
    return SkipStatement();
  }
  std::optional<std::size_t> at = Position(*chain, true);
  if (!at) return SkipStatement();
  RuleSyntax rule = ReadRule(target.family, target.table_name, chain_name);
  chain = FindChain(*FindTable(target.family, target.table_name), chain_name);
  rule.handle = chain->rules[*at].handle;
  chain->rules[*at] = std::move(rule);
}

// delete/destroy: table, chain, rule (by handle), set, map, element.
void TextReader::Delete() {
  const Token& command = Cur();
  const bool destroy = Word("destroy");
  ++pos_;
  const Token& what = Cur();
  if (Word("table")) return DeleteTable(what, destroy);
  if (Word("chain") || Word("rule") || Word("set") || Word("map")) return DeleteInTable(what, destroy);
  if (Word("element")) return DeleteElements(what, destroy);
  Error(what, "cannot " + command.text + " \"" + what.text + "\"");
  SkipStatement();
}

void TextReader::DeleteTable(const Token& what, bool destroy) {
  ++pos_;
  const std::string family = Family();
  if (Word("handle")) {
    pos_ += 2;
    Error(what, "deleting a table by its handle is not supported when reading a file");
    return SkipStatement();
  }
  const std::string name = Name();
  auto it = std::find_if(syntax_.tables.begin(), syntax_.tables.end(),
                         [&](const TableSyntax& t) { return t.family == family && t.name == name; });
  if (it != syntax_.tables.end()) {
    syntax_.tables.erase(it);
  } else if (!destroy) {
    Error(what, "no such table: " + family + " " + name);
  }
  ExpectEnd();
}

// A chain, a rule, a set or a map of a table.
void TextReader::DeleteInTable(const Token& what, bool destroy) {
  ++pos_;
  const CommandTarget target = ReadTarget(what, 0, destroy ? MissingTable::kSilent : MissingTable::kError);
  if (target.table == nullptr) return SkipStatement();
  TableSyntax* table = target.table;
  if (what.Is("chain")) {
    const std::string name = Name();
    auto it = std::find_if(table->chains.begin(), table->chains.end(), [&](const ChainSyntax& c) { return c.name == name; });
    if (it != table->chains.end()) {
      table->chains.erase(it);
    } else if (!destroy) {
      Error(what, "no such chain: " + name);
    }
    return ExpectEnd();
  }
  if (what.Is("rule")) {
    const std::string chain_name = Name();
    ChainSyntax* chain = FindChain(*table, chain_name);
    if (chain == nullptr || !Word("handle")) {
      Error(what, chain == nullptr ? "no such chain: " + chain_name : "delete rule needs a handle");
      return SkipStatement();
    }
    std::optional<std::size_t> at = Position(*chain, true);
    if (at) chain->rules.erase(chain->rules.begin() + static_cast<std::ptrdiff_t>(*at));
    return ExpectEnd();
  }
  const std::string name = Name();
  auto it = std::find_if(table->sets.begin(), table->sets.end(), [&](const SetSyntax& s) { return s.name == name; });
  if (it != table->sets.end()) {
    table->sets.erase(it);
  } else if (!destroy) {
    Error(what, "no such set: " + name);
  }
  ExpectEnd();
}

void TextReader::DeleteElements(const Token& what, bool destroy) {
  ++pos_;
  SetSyntax* set = SetFor(what);
  if (set == nullptr || !Sym("{")) return SkipStatement();
  std::vector<Diagnostic> found;
  std::vector<Expr> elements = ParseElementsAt(t_, pos_, t_.size() - 1, found);
  Report(found);
  for (const Expr& e : elements) {
    const std::string key = Render(e);
    auto it = std::find_if(set->elements.begin(), set->elements.end(), [&](const Expr& x) { return Render(x) == key; });
    if (it != set->elements.end()) {
      set->elements.erase(it);
    } else if (!destroy) {
      Error(what, "no such element in set " + set->name + ": " + key);
    }
  }
  ExpectEnd();
}

void TextReader::Flush() {
  const Token& what = t_[pos_ + 1];
  ++pos_;
  if (Word("ruleset")) {
    ++pos_;
    if (Cur().kind == Token::Kind::kWord && IsFamily(Cur().text)) {
      const std::string family = t_[pos_++].text;
      std::erase_if(syntax_.tables, [&](const TableSyntax& t) { return t.family == family; });
    } else {
      syntax_.tables.clear();
    }
    return ExpectEnd();
  }
  if (Word("table") || Word("chain") || Word("set") || Word("map")) {
    ++pos_;
    const CommandTarget target = ReadTarget(what, 0, MissingTable::kError);
    if (target.table == nullptr) return SkipStatement();
    TableSyntax* table = target.table;
    if (what.Is("table")) {  // the rules of every chain; sets keep their elements (nft 1.0.6)
      for (auto& c : table->chains) c.rules.clear();
      return ExpectEnd();
    }
    const std::string name = Name();
    if (what.Is("chain")) {
      if (ChainSyntax* c = FindChain(*table, name)) {
        c->rules.clear();
      } else {
        Error(what, "no such chain: " + name);
      }
    } else if (SetSyntax* s = FindSet(*table, name)) {
      s->elements.clear();
    } else {
      Error(what, "no such set: " + name);
    }
    return ExpectEnd();
  }
  Error(what, "cannot flush \"" + what.text + "\"");
  SkipStatement();
}

void TextReader::Rename() {
  const Token& k = Cur();
  ++pos_;
  if (!Word("chain")) {
    Error(Cur(), "rename works on chains only");
    return SkipStatement();
  }
  ++pos_;
  const CommandTarget target = ReadTarget(k, 2, MissingTable::kError);
  if (target.table == nullptr) return SkipStatement();
  if (ChainSyntax* c = FindChain(*target.table, target.names[0])) {
    c->name = target.names[1];
  } else {
    Error(k, "no such chain: " + target.names[0]);
  }
  ExpectEnd();
}

}  // namespace ghostport::parsers::nft
