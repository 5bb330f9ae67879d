#include "parsers/nftables/nft_reader.h"

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>

#include "parsers/nftables/nft_lexer.h"
#include "parsers/nftables/nft_preprocess.h"
#include "parsers/nftables/nft_rule_parser.h"

namespace ghostport::parsers {

namespace {

using nft::ChainSyntax;
using nft::Expr;
using nft::RuleSyntax;
using nft::SetSyntax;
using nft::TableSyntax;
using nft::Token;
using nft::EndsStatement;
using nft::MakeDiagnostic;
using nft::Sources;

constexpr std::string_view kFamilies[] = {"ip", "ip6", "inet", "arp", "bridge", "netdev"};

bool IsFamily(std::string_view w) { return std::find(std::begin(kFamilies), std::end(kFamilies), w) != std::end(kFamilies); }

// The commands and blocks, applied to the ruleset as nft applies them.
class Reader {
 public:
  Reader(std::vector<Token> tokens, Sources& sources, std::vector<Diagnostic>& diagnostics)
      : t_(std::move(tokens)), sources_(sources), diagnostics_(diagnostics) {
    Token end;
    end.kind = Token::Kind::kEnd;
    if (!t_.empty()) end.location = t_.back().location;
    t_.push_back(end);
  }

  nft::RulesetSyntax Run() {
    while (!AtEnd()) {
      if (EndsStatement(Cur()) || Cur().kind == Token::Kind::kHandle) {
        ++pos_;
        continue;
      }
      TopLevel();
    }
    return std::move(syntax_);
  }

 private:
  const Token& Cur() const { return t_[pos_]; }
  bool AtEnd() const { return Cur().kind == Token::Kind::kEnd; }
  bool Word(std::string_view w) const { return Cur().kind == Token::Kind::kWord && Cur().text == w; }
  bool Sym(std::string_view s) const { return Cur().kind == Token::Kind::kSymbol && Cur().text == s; }
  bool IsName() const { return Cur().kind == Token::Kind::kWord || Cur().kind == Token::Kind::kString; }

  void Error(const Token& at, std::string message) {
    diagnostics_.push_back(MakeDiagnostic(Severity::kError, at.location, std::move(message), sources_));
  }
  void Ignore(const Token& at, std::string reason) {
    rules::IgnoredLine line;
    line.location = at.location;
    line.text = sources_.Line(at.location);
    line.reason = std::move(reason);
    syntax_.ignored.push_back(std::move(line));
  }

  void SkipStatement() {
    int depth = 0;
    while (!AtEnd()) {
      if (Sym("{")) ++depth;
      if (Sym("}")) {
        if (depth == 0) return;
        --depth;
      }
      if (depth == 0 && EndsStatement(Cur())) return;
      ++pos_;
    }
  }
  void SkipBlock() {  // at "{": past its "}"
    int depth = 0;
    while (!AtEnd()) {
      if (Sym("{")) ++depth;
      if (Sym("}") && --depth == 0) {
        ++pos_;
        return;
      }
      ++pos_;
    }
  }
  void SkipNewlines() {
    while (!AtEnd() && (Cur().kind == Token::Kind::kNewline || Sym(";"))) ++pos_;
  }
  void ExpectEnd() {
    if (AtEnd() || EndsStatement(Cur()) || Sym("}") || Cur().kind == Token::Kind::kHandle) return;
    Error(Cur(), "unexpected \"" + Cur().text + "\"");
    SkipStatement();
  }
  std::string Name() {
    if (!IsName()) {
      Error(Cur(), AtEnd() || EndsStatement(Cur()) ? "a name is missing here" : "expected a name, not \"" + Cur().text + "\"");
      return "";
    }
    return t_[pos_++].text;
  }
  std::string Family() {
    if (Cur().kind == Token::Kind::kWord && IsFamily(Cur().text)) {
      const Token& next = t_[pos_ + 1];
      if (next.kind == Token::Kind::kWord || next.kind == Token::Kind::kString) return t_[pos_++].text;
    }
    return "ip";
  }

  TableSyntax* FindTable(const std::string& family, const std::string& name) {
    for (auto& t : syntax_.tables) {
      if (t.family == family && t.name == name) return &t;
    }
    return nullptr;
  }
  TableSyntax& TableFor(const std::string& family, const std::string& name, const Token& at) {
    if (TableSyntax* t = FindTable(family, name)) return *t;
    TableSyntax t;
    t.family = family;
    t.name = name;
    t.location = at.location;
    syntax_.tables.push_back(std::move(t));
    return syntax_.tables.back();
  }
  // An existing table for a command that needs one (nft refuses otherwise).
  TableSyntax* NeedTable(const std::string& family, const std::string& name, const Token& at) {
    TableSyntax* t = FindTable(family, name);
    if (t == nullptr) Error(at, "no such table: " + family + " " + name);
    return t;
  }
  static ChainSyntax* FindChain(TableSyntax& t, const std::string& name) {
    for (auto& c : t.chains) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
  ChainSyntax& ChainFor(TableSyntax& t, const std::string& name, const Token& at) {
    if (ChainSyntax* c = FindChain(t, name)) return *c;
    ChainSyntax c;
    c.name = name;
    c.location = at.location;
    t.chains.push_back(std::move(c));
    return t.chains.back();
  }
  static SetSyntax* FindSet(TableSyntax& t, const std::string& name) {
    for (auto& s : t.sets) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  void TopLevel() {
    const Token& k = Cur();
    if (Word("table")) {
      ++pos_;
      BlockTable(k);
      return;
    }
    if (Word("add") || Word("create")) return Add(false);
    if (Word("insert")) return Add(true);
    if (Word("replace")) return Replace();
    if (Word("delete") || Word("destroy")) return Delete();
    if (Word("flush")) return Flush();
    if (Word("rename")) return Rename();
    if (Word("list") || Word("reset") || Word("monitor") || Word("describe") || Word("export") || Word("import")) {
      Ignore(k, "\"" + k.text + "\" queries the ruleset; it changes nothing");
      ++pos_;
      SkipStatement();
      return;
    }
    // nft's own shorthand: a command word may be left out before "chain"
    // and friends only inside blocks; at the top level this is an error.
    Error(k, "unexpected \"" + k.text + "\": expected a table, or a command (add, insert, delete, flush, ...)");
    ++pos_;
    SkipStatement();
  }

  void BlockTable(const Token& keyword) {
    const std::string family = Family();
    const Token& name_token = Cur();
    const std::string name = Name();
    if (name.empty()) return SkipStatement();
    TableSyntax& table = TableFor(family, name, keyword);
    if (Cur().kind == Token::Kind::kHandle) ++pos_;
    if (EndsStatement(Cur())) return;  // `table inet f` alone declares it
    if (!Sym("{")) {
      Error(Cur(), "expected \"{\" after table " + name);
      return SkipStatement();
    }
    (void)name_token;
    ++pos_;
    TableBody(table);
  }

  void TableBody(TableSyntax& table) {
    const std::string family = table.family, name = table.name;
    while (!AtEnd()) {
      if (Cur().kind == Token::Kind::kHandle) {
        TableSyntax* t = FindTable(family, name);
        if (t != nullptr && t->chains.empty() && t->sets.empty()) t->handle = std::stoull(Cur().text);
        ++pos_;
        continue;
      }
      if (EndsStatement(Cur())) {
        ++pos_;
        continue;
      }
      if (Sym("}")) {
        ++pos_;
        return;
      }
      TableItem(family, name);
    }
    Error(t_[pos_ > 0 ? pos_ - 1 : 0], "table " + name + " has no closing \"}\"");
  }

  void TableItem(const std::string& family, const std::string& table_name) {
    const Token& k = Cur();
    auto table = [&]() -> TableSyntax& { return *FindTable(family, table_name); };
    if (Word("chain")) {
      ++pos_;
      const std::string name = Name();
      if (name.empty()) return SkipStatement();
      ChainSyntax& chain = ChainFor(table(), name, k);
      if (Sym("{")) {
        ++pos_;
        ChainBody(family, table_name, name);
      }
      (void)chain;
      return;
    }
    if (Word("set") || Word("map")) {
      const bool is_map = Word("map");
      ++pos_;
      const std::string name = Name();
      if (name.empty() || !Sym("{")) {
        if (!name.empty()) Error(Cur(), "expected \"{\" after " + k.text + " " + name);
        return SkipStatement();
      }
      ++pos_;
      SetSyntax set;
      set.name = name;
      set.is_map = is_map;
      set.location = k.location;
      SetBody(set);
      if (SetSyntax* old = FindSet(table(), name)) {
        *old = std::move(set);
      } else {
        table().sets.push_back(std::move(set));
      }
      return;
    }
    if (Word("flags")) {
      ++pos_;
      while (!AtEnd() && !EndsStatement(Cur()) && !Sym("}")) {
        if (Cur().kind == Token::Kind::kWord) table().flags.push_back(Cur().text);
        ++pos_;
      }
      return;
    }
    if (Word("comment")) {
      pos_ += 2;
      return;
    }
    if (Object(table())) return;
    Error(k, "unexpected \"" + k.text + "\" in table " + table_name);
    ++pos_;
    SkipStatement();
    if (Sym("{")) SkipBlock();
  }

  // flowtable, counter, quota, limit, ct helper/timeout/expectation,
  // synproxy, secmark, tunnel: read, not modelled.
  bool Object(TableSyntax& table) {
    static constexpr std::string_view kObjects[] = {"flowtable", "counter", "quota", "limit", "synproxy", "secmark", "tunnel"};
    const Token& k = Cur();
    std::string kind;
    if (std::find(std::begin(kObjects), std::end(kObjects), k.text) != std::end(kObjects) && k.kind == Token::Kind::kWord) {
      kind = k.text;
      ++pos_;
    } else if (Word("ct") && (t_[pos_ + 1].Is("helper") || t_[pos_ + 1].Is("timeout") || t_[pos_ + 1].Is("expectation"))) {
      kind = "ct " + t_[pos_ + 1].text;
      pos_ += 2;
    } else {
      return false;
    }
    nft::ObjectSyntax o;
    o.kind = kind;
    o.location = k.location;
    o.name = IsName() ? t_[pos_++].text : "";
    table.objects.push_back(o);
    Ignore(k, kind + " " + o.name + ": a stateful object or flowtable; it does not decide which packets get in");
    if (Sym("{")) {
      SkipBlock();
    } else {
      SkipStatement();
    }
    return true;
  }

  void ChainBody(const std::string& family, const std::string& table_name, const std::string& chain_name) {
    auto chain = [&]() -> ChainSyntax& { return *FindChain(*FindTable(family, table_name), chain_name); };
    bool any_rule = false;
    while (!AtEnd()) {
      if (Cur().kind == Token::Kind::kHandle) {
        if (!any_rule) chain().handle = std::stoull(Cur().text);
        ++pos_;
        continue;
      }
      if (EndsStatement(Cur())) {
        ++pos_;
        continue;
      }
      if (Sym("}")) {
        ++pos_;
        return;
      }
      if (Word("type")) {
        ChainType(chain());
        continue;
      }
      if (Word("policy")) {
        chain().policy_location = Cur().location;
        ++pos_;
        if (Cur().kind == Token::Kind::kWord) {
          chain().policy = Cur().text;
          ++pos_;
        } else {
          Error(Cur(), "policy needs accept or drop");
        }
        ExpectEnd();
        continue;
      }
      if (Word("comment") && t_[pos_ + 1].kind == Token::Kind::kString) {
        pos_ += 2;
        continue;
      }
      if (Word("devices") && t_[pos_ + 1].Is("=")) {
        pos_ += 2;
        if (Sym("{")) SkipBlock();
        continue;
      }
      RuleSyntax rule = ReadRule(family, table_name, chain_name);
      chain().rules.push_back(std::move(rule));
      any_rule = true;
    }
    Error(t_[pos_ > 0 ? pos_ - 1 : 0], "chain " + chain_name + " has no closing \"}\"");
  }

  // type filter hook input [device eth0] priority filter + 10 ;
  void ChainType(ChainSyntax& chain) {
    const Token& k = Cur();
    ++pos_;
    chain.type = Name();
    if (!Word("hook")) {
      Error(Cur(), "expected \"hook\" after the chain type");
      return SkipStatement();
    }
    ++pos_;
    chain.hook = Name();
    if (Word("device")) {
      ++pos_;
      chain.device = Name();
    }
    if (Word("devices") && t_[pos_ + 1].Is("=")) {
      pos_ += 2;
      if (Sym("{")) SkipBlock();
    }
    if (!Word("priority")) {
      Error(Cur(), "expected \"priority\" in the chain's type declaration");
      return SkipStatement();
    }
    ++pos_;
    std::string priority;
    while (!AtEnd() && !EndsStatement(Cur()) && !Sym("}") && !Word("policy")) {
      priority += (priority.empty() ? "" : " ") + Cur().text;
      ++pos_;
    }
    if (priority.empty()) Error(k, "the chain's priority is missing");
    chain.priority = priority;
  }

  // A rule: its tokens up to the end of the line (newlines inside braces do
  // not end it), or the chain's closing brace.
  RuleSyntax ReadRule(const std::string& family, const std::string& table, const std::string& chain) {
    const std::size_t begin = pos_;
    int depth = 0;
    std::optional<std::uint64_t> handle;
    std::size_t end = pos_;
    while (!AtEnd()) {
      if (Sym("{")) ++depth;
      if (Sym("}")) {
        if (depth == 0) break;
        --depth;
      }
      if (depth == 0 && (Cur().kind == Token::Kind::kNewline || Sym(";"))) break;
      if (Cur().kind == Token::Kind::kHandle) {
        handle = std::stoull(Cur().text);
      } else {
        end = pos_ + 1;
      }
      ++pos_;
    }
    const std::size_t after = pos_;
    RuleSyntax r = BuildRule(begin, end, handle, family, table, chain);
    pos_ = after;
    return r;
  }

  RuleSyntax BuildRule(std::size_t begin, std::size_t end, std::optional<std::uint64_t> handle,
                       const std::string& family, const std::string& table, const std::string& chain) {
    RuleSyntax r;
    r.location = t_[begin].location;
    r.handle = handle;
    std::vector<Diagnostic> found;
    nft::RuleTokens tokens{&t_, begin, end};
    std::vector<nft::InlineChain> inline_chains;
    r.statements = nft::ParseRuleStatements(tokens, r.comment, found, &inline_chains);
    for (auto& d : found) {
      d.source_line = sources_.Line(d.location);
      diagnostics_.push_back(std::move(d));
    }
    for (const nft::InlineChain& c : inline_chains) {
      // nft names an anonymous chain after its rule; ours says where it is.
      const rules::SourceLocation& at = t_[c.begin].location;
      const std::string name = chain + "{anonymous chain at line " + std::to_string(at.line) + ":" +
                               std::to_string(at.column) + "}";
      if (TableSyntax* t = FindTable(family, table)) ChainFor(*t, name, t_[c.begin]);
      pos_ = c.begin + 1;
      ChainBody(family, table, name);
      std::get<nft::VerdictStmt>(r.statements[c.statement]).target = name;
    }
    r.text = SourceText(begin, end);
    return r;
  }

  // The rule as written, from its first token to its last, lines joined.
  std::string SourceText(std::size_t begin, std::size_t end) const {
    const rules::SourceLocation& a = t_[begin].location;
    const rules::SourceLocation& b = t_[end - 1].location;
    const std::string_view text = sources_.Text(a.file);
    const Token& last = t_[end - 1];
    const int last_width = static_cast<int>(last.text.size()) + (last.kind == Token::Kind::kString ? 2 : 0);
    if (a.file != b.file || text.empty() || b.line < a.line || (b.line == a.line && b.column < a.column)) {
      std::string s;
      for (std::size_t i = begin; i < end; ++i) {
        if (t_[i].kind == Token::Kind::kNewline) continue;
        if (!s.empty()) s += ' ';
        s += t_[i].kind == Token::Kind::kString ? "\"" + t_[i].text + "\"" : t_[i].text;
      }
      return s;
    }
    std::string out;
    for (int line = a.line; line <= b.line; ++line) {
      std::string l = sources_.Line({a.file, line, 1});
      const std::size_t from = line == a.line ? static_cast<std::size_t>(a.column - 1) : 0;
      std::size_t to = line == b.line ? static_cast<std::size_t>(b.column - 1 + last_width) : l.size();
      if (to > l.size()) to = l.size();
      std::string piece = from < to ? l.substr(from, to - from) : "";
      const std::size_t first = piece.find_first_not_of(" \t");
      const std::size_t lastc = piece.find_last_not_of(" \t");
      if (first == std::string::npos) continue;
      piece = piece.substr(first, lastc - first + 1);
      if (!out.empty()) out += ' ';
      out += piece;
    }
    return out;
  }

  void SetBody(SetSyntax& set) {
    while (!AtEnd()) {
      if (EndsStatement(Cur()) || Cur().kind == Token::Kind::kHandle) {
        ++pos_;
        continue;
      }
      if (Sym("}")) {
        ++pos_;
        return;
      }
      const Token& k = Cur();
      if (Word("type")) {
        ++pos_;
        bool value = false;
        while (!AtEnd() && !EndsStatement(Cur()) && !Sym("}")) {
          if (Word(":")) {
            value = true;
          } else if (!Word(".")) {
            if (value) {
              set.value_type += (set.value_type.empty() ? "" : " . ") + Cur().text;
            } else {
              set.key_types.push_back(Cur().text);
            }
          }
          ++pos_;
        }
      } else if (Word("typeof")) {
        ++pos_;
        std::size_t p = pos_;
        std::size_t stop = p;
        while (stop < t_.size() && !EndsStatement(t_[stop]) && !t_[stop].Is("}")) ++stop;
        if (std::optional<Expr> key = nft::ParseSelectorAt(t_, p, stop)) {
          if (key->kind == Expr::Kind::kConcat) {
            set.key_typeof = key->items;
          } else {
            set.key_typeof.push_back(std::move(*key));
          }
        } else {
          Error(Cur(), "typeof needs a selector such as ip saddr");
        }
        if (p < stop && t_[p].Is(":")) {
          for (std::size_t i = p + 1; i < stop; ++i) {
            set.value_type += (set.value_type.empty() ? "" : " ") + t_[i].text;
          }
          if (set.value_type.empty()) set.value_type = "?";
        }
        pos_ = stop;
      } else if (Word("flags")) {
        ++pos_;
        while (!AtEnd() && !EndsStatement(Cur()) && !Sym("}")) {
          if (Cur().kind == Token::Kind::kWord) set.flags.push_back(Cur().text);
          ++pos_;
        }
      } else if (Word("timeout")) {
        set.timeout = true;
        pos_ += 2;
      } else if (Word("gc-interval") || Word("size") || Word("policy")) {
        pos_ += 2;
      } else if (Word("auto-merge")) {
        ++pos_;
      } else if (Word("counter") || Word("limit") || Word("quota") || Word("ct") || Word("last")) {
        // statements every element gets (counters, limits, connlimits)
        while (!AtEnd() && !EndsStatement(Cur()) && !Sym("}")) ++pos_;
      } else if (Word("comment")) {
        pos_ += 2;
      } else if (Word("elements") && t_[pos_ + 1].Is("=")) {
        pos_ += 2;
        if (!Sym("{")) {
          Error(Cur(), "expected \"{\" after elements =");
          SkipStatement();
          continue;
        }
        std::vector<Diagnostic> found;
        std::vector<Expr> elements = nft::ParseElementsAt(t_, pos_, t_.size() - 1, found);
        Report(found);
        for (auto& e : elements) set.elements.push_back(std::move(e));
      } else {
        Error(k, "unexpected \"" + k.text + "\" in " + std::string(set.is_map ? "map " : "set ") + set.name);
        SkipStatement();
      }
    }
  }

  void Report(std::vector<Diagnostic>& found) {
    for (auto& d : found) {
      d.source_line = sources_.Line(d.location);
      diagnostics_.push_back(std::move(d));
    }
  }

  // add/create/insert: table, chain, rule, set, map, element, objects.
  void Add(bool insert) {
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
      std::vector<Expr> elements = nft::ParseElementsAt(t_, pos_, t_.size() - 1, found);
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
          nft::ObjectSyntax o;
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
  SetSyntax* SetFor(const Token& at) {
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
  std::optional<std::size_t> Position(ChainSyntax& chain, bool insert) {
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

  void Replace() {
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

  void Delete() {
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
      std::vector<Expr> elements = nft::ParseElementsAt(t_, pos_, t_.size() - 1, found);
      Report(found);
      for (const Expr& e : elements) {
        const std::string key = nft::Render(e);
        auto it = std::find_if(set->elements.begin(), set->elements.end(),
                               [&](const Expr& x) { return nft::Render(x) == key; });
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

  void Flush() {
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

  void Rename() {
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

  std::vector<Token> t_;
  std::size_t pos_ = 0;
  Sources& sources_;
  std::vector<Diagnostic>& diagnostics_;
  nft::RulesetSyntax syntax_;
};

}  // namespace

nft::RulesetSyntax ReadNftText(std::string_view text, const std::string& file_name, const NftReadOptions& options,
                               std::vector<Diagnostic>& diagnostics) {
  Sources sources;
  std::vector<Token> tokens = nft::Preprocess(text, file_name, options, sources, diagnostics);
  return Reader(std::move(tokens), sources, diagnostics).Run();
}

}  // namespace ghostport::parsers
