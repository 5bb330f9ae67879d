// The commands of nftables text, applied as nft applies them: add/create/
// insert, replace, delete/destroy, flush and rename of tables, chains,
// rules, sets, maps and elements.
#include <algorithm>
#include <utility>

#include "parsers/nftables/nft_reader_internal.h"
#include "parsers/nftables/nft_rule_parser.h"

namespace ghostport::parsers::nft {

// add/create/insert: table, chain, rule, set, map, element, objects.
void TextReader::Add(bool insert) {
  const Token& command = Cur();
  ++pos_;
  const Token& what = Cur();
  if (Word("table") && !insert) {
    ++pos_;
    const std::string family = Family();
    const std::string name = Name();
    if (name.empty()) return SkipStatement();
    TableFor(family, name, what);
    if (Sym("{")) {
      ++pos_;
      TableBody(*FindTable(family, name));
    }
    return ExpectEnd();
  }
  if (Word("chain") && !insert) {
    ++pos_;
    const std::string family = Family();
    const std::string table_name = Name();
    const std::string name = Name();
    if (name.empty()) return SkipStatement();
    TableSyntax* table = NeedTable(family, table_name, what);
    if (table == nullptr) return SkipStatement();
    ChainFor(*table, name, what);
    if (Sym("{")) {
      ++pos_;
      ChainBody(family, table_name, name);
    }
    return ExpectEnd();
  }
  if (Word("rule")) {
    ++pos_;
    const std::string family = Family();
    const std::string table_name = Name();
    const std::string chain_name = Name();
    if (chain_name.empty()) return SkipStatement();
    TableSyntax* table = NeedTable(family, table_name, what);
    if (table == nullptr) return SkipStatement();
    ChainSyntax* chain = FindChain(*table, chain_name);
    if (chain == nullptr) {
      Error(what, "no such chain: " + chain_name + " in table " + family + " " + table_name);
      return SkipStatement();
    }
    std::optional<std::size_t> at = Position(*chain, insert);
    if (!at && (Word("handle") || Word("position") || Word("index"))) return SkipStatement();
    RuleSyntax rule = ReadRule(family, table_name, chain_name);
    chain = FindChain(*FindTable(family, table_name), chain_name);  // anonymous chains may have been added
    const std::size_t index = at ? *at : insert ? 0 : chain->rules.size();
    chain->rules.insert(chain->rules.begin() + static_cast<std::ptrdiff_t>(std::min(index, chain->rules.size())),
                        std::move(rule));
    return;
  }
  if ((Word("set") || Word("map")) && !insert) {
    const bool is_map = Word("map");
    ++pos_;
    const std::string family = Family();
    const std::string table_name = Name();
    const std::string name = Name();
    if (name.empty()) return SkipStatement();
    TableSyntax* table = NeedTable(family, table_name, what);
    if (table == nullptr || !Sym("{")) {
      if (table != nullptr) Error(Cur(), "expected \"{\" after " + what.text + " " + name);
      return SkipStatement();
    }
    ++pos_;
    SetSyntax set;
    set.name = name;
    set.is_map = is_map;
    set.location = what.location;
    SetBody(set);
    if (SetSyntax* old = FindSet(*table, name)) {
      if (!(command.Is("create"))) {
        for (auto& e : set.elements) old->elements.push_back(std::move(e));
      } else {
        Error(what, "set " + name + " exists already (create refuses an existing set)");
      }
    } else {
      table->sets.push_back(std::move(set));
    }
    return ExpectEnd();
  }
  if (Word("element") && !insert) {
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
    return ExpectEnd();
  }
  if (!insert) {
    const std::string family = Family();
    (void)family;
    const std::size_t save = pos_;
    // add counter inet t name / add flowtable inet t ft { ... }: the table
    // comes before the object's name.
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
        return;
      }
    }
    pos_ = save;
  }
  Error(what, "cannot " + command.text + " \"" + what.text + "\"");
  SkipStatement();
}

// `add element [family] table set`: the set named.
SetSyntax* TextReader::SetFor(const Token& at) {
  const std::string family = Family();
  const std::string table_name = Name();
  const std::string name = Name();
  if (name.empty()) return nullptr;
  TableSyntax* table = NeedTable(family, table_name, at);
  if (table == nullptr) return nullptr;
  SetSyntax* set = FindSet(*table, name);
  if (set == nullptr) Error(at, "no such set: " + name + " in table " + family + " " + table_name);
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
  const std::string family = Family();
  const std::string table_name = Name();
  const std::string chain_name = Name();
  TableSyntax* table = NeedTable(family, table_name, command);
  ChainSyntax* chain = table ? FindChain(*table, chain_name) : nullptr;
  if (chain == nullptr || !Word("handle")) {
    if (table != nullptr) Error(command, chain == nullptr ? "no such chain: " + chain_name : "replace rule needs a handle");
    return SkipStatement();
  }
  std::optional<std::size_t> at = Position(*chain, true);
  if (!at) return SkipStatement();
  RuleSyntax rule = ReadRule(family, table_name, chain_name);
  chain = FindChain(*FindTable(family, table_name), chain_name);
  rule.handle = chain->rules[*at].handle;
  chain->rules[*at] = std::move(rule);
}

void TextReader::Delete() {
  const Token& command = Cur();
  const bool destroy = Word("destroy");
  ++pos_;
  const Token& what = Cur();
  if (Word("table")) {
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
    return ExpectEnd();
  }
  if (Word("chain") || Word("rule") || Word("set") || Word("map")) {
    ++pos_;
    const std::string family = Family();
    const std::string table_name = Name();
    TableSyntax* table = FindTable(family, table_name);
    if (table == nullptr) {
      if (!destroy) Error(what, "no such table: " + family + " " + table_name);
      return SkipStatement();
    }
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
    return ExpectEnd();
  }
  if (Word("element")) {
    ++pos_;
    SetSyntax* set = SetFor(what);
    if (set == nullptr || !Sym("{")) return SkipStatement();
    std::vector<Diagnostic> found;
    std::vector<Expr> elements = ParseElementsAt(t_, pos_, t_.size() - 1, found);
    Report(found);
    for (const Expr& e : elements) {
      const std::string key = Render(e);
      auto it = std::find_if(set->elements.begin(), set->elements.end(),
                             [&](const Expr& x) { return Render(x) == key; });
      if (it != set->elements.end()) {
        set->elements.erase(it);
      } else if (!destroy) {
        Error(what, "no such element in set " + set->name + ": " + key);
      }
    }
    return ExpectEnd();
  }
  Error(what, "cannot " + command.text + " \"" + what.text + "\"");
  SkipStatement();
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
    const std::string family = Family();
    const std::string table_name = Name();
    TableSyntax* table = NeedTable(family, table_name, what);
    if (table == nullptr) return SkipStatement();
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
  const std::string family = Family();
  const std::string table_name = Name();
  const std::string from = Name();
  const std::string to = Name();
  TableSyntax* table = NeedTable(family, table_name, k);
  if (table == nullptr) return SkipStatement();
  if (ChainSyntax* c = FindChain(*table, from)) {
    c->name = to;
  } else {
    Error(k, "no such chain: " + from);
  }
  ExpectEnd();
}

}  // namespace ghostport::parsers::nft
