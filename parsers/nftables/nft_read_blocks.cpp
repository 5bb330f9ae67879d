// The block syntax of nftables text: `table FAMILY NAME { ... }` and what
// it holds (chains with their base-chain declaration and rules, sets and
// maps with their bodies, table flags, stateful objects).
#include <algorithm>
#include <iterator>
#include <utility>

#include "parsers/nftables/nft_reader_internal.h"
#include "parsers/nftables/nft_rule_parser.h"

namespace ghostport::parsers::nft {

void TextReader::BlockTable(const Token& keyword) {
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

void TextReader::TableBody(TableSyntax& table) {
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

void TextReader::TableItem(const std::string& family, const std::string& table_name) {
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
    SetSyntax set = SetBlock(k, name, is_map);
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
bool TextReader::Object(TableSyntax& table) {
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
  ObjectSyntax o;
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

void TextReader::ChainBody(const std::string& family, const std::string& table_name, const std::string& chain_name) {
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
void TextReader::ChainType(ChainSyntax& chain) {
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

SetSyntax TextReader::SetBlock(const Token& keyword, const std::string& name, bool is_map) {
  ++pos_;
  SetSyntax set;
  set.name = name;
  set.is_map = is_map;
  set.location = keyword.location;
  SetBody(set);
  return set;
}

void TextReader::SetBody(SetSyntax& set) {
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
      if (std::optional<Expr> key = ParseSelectorAt(t_, p, stop)) {
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
      std::vector<Expr> elements = ParseElementsAt(t_, pos_, t_.size() - 1, found);
      Report(found);
      for (auto& e : elements) set.elements.push_back(std::move(e));
    } else {
      Error(k, "unexpected \"" + k.text + "\" in " + std::string(set.is_map ? "map " : "set ") + set.name);
      SkipStatement();
    }
  }
}

}  // namespace ghostport::parsers::nft
