// The reader of nftables configuration text (nft_reader.h's front): a
// cursor over the preprocessed tokens that applies the blocks and commands
// to the ruleset as nft applies them. Defined by concept in nft_reader.cpp
// (the cursor, the lookups, one rule's tokens), nft_read_blocks.cpp (the
// block syntax: `table`, `chain`, `set`/`map` bodies, objects) and
// nft_read_commands.cpp (add/create/insert/replace/delete/destroy/flush/
// rename). Internal to the text front end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_lexer.h"
#include "parsers/nftables/nft_preprocess.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

// ip, ip6, inet, arp, bridge, netdev.
bool IsFamily(std::string_view word);

// How a command treats a table that does not exist.
enum class MissingTable {
  kError,   // nft refuses the command (add, insert, replace, flush, rename, delete)
  kSilent,  // destroy: nothing to do
};

// What a command names: `[family] TABLE` and the names after the table's.
struct CommandTarget {
  std::string family;
  std::string table_name;
  std::vector<std::string> names;  // a chain's, a set's, ...: as many as asked for
  TableSyntax* table = nullptr;    // nullptr: a name was missing, or there is no such table (both reported)
};

class TextReader {
 public:
  TextReader(std::vector<Token> tokens, Sources& sources, std::vector<Diagnostic>& diagnostics);
  RulesetSyntax Run();

 private:
  // The cursor (nft_reader.cpp).
  const Token& Cur() const { return t_[pos_]; }
  bool AtEnd() const { return Cur().kind == Token::Kind::kEnd; }
  bool Word(std::string_view w) const { return Cur().kind == Token::Kind::kWord && Cur().text == w; }
  bool Sym(std::string_view s) const { return Cur().kind == Token::Kind::kSymbol && Cur().text == s; }
  bool IsName() const { return Cur().kind == Token::Kind::kWord || Cur().kind == Token::Kind::kString; }
  void Error(const Token& at, std::string message);
  void Ignore(const Token& at, std::string reason);
  void Report(std::vector<Diagnostic>& found);
  void SkipStatement();
  void SkipBlock();
  void ExpectEnd();
  std::string Name();
  std::string Family();

  // The ruleset's tables, chains and sets (nft_reader.cpp).
  TableSyntax* FindTable(const std::string& family, const std::string& name);
  TableSyntax& TableFor(const std::string& family, const std::string& name, const Token& at);
  static ChainSyntax* FindChain(TableSyntax& t, const std::string& name);
  ChainSyntax& ChainFor(TableSyntax& t, const std::string& name, const Token& at);
  static SetSyntax* FindSet(TableSyntax& t, const std::string& name);

  // One rule's tokens (nft_reader.cpp).
  RuleSyntax ReadRule(const std::string& family, const std::string& table, const std::string& chain);
  RuleSyntax BuildRule(std::size_t begin, std::size_t end, std::optional<std::uint64_t> handle,
                       const std::string& family, const std::string& table, const std::string& chain);
  std::string SourceText(std::size_t begin, std::size_t end) const;

  void TopLevel();

  // The block syntax (nft_read_blocks.cpp).
  void BlockTable(const Token& keyword);
  void TableBody(TableSyntax& table);
  void TableItem(const std::string& family, const std::string& table_name);
  bool Object(TableSyntax& table);
  void ChainBody(const std::string& family, const std::string& table_name, const std::string& chain_name);
  void ChainType(ChainSyntax& chain);
  // At a set's or map's "{": its body, to its "}".
  SetSyntax SetBlock(const Token& keyword, const std::string& name, bool is_map);
  void SetBody(SetSyntax& set);

  // The commands (nft_read_commands.cpp).
  CommandTarget ReadTarget(const Token& at, std::size_t names, MissingTable missing);
  void Add(bool insert);
  void AddTable(const Token& what);
  void AddChain(const Token& what);
  void AddRule(const Token& what, bool insert);
  void AddSet(const Token& command, const Token& what);
  void AddElements(const Token& what);
  bool AddObject(const Token& what);
  SetSyntax* SetFor(const Token& at);
  std::optional<std::size_t> Position(ChainSyntax& chain, bool insert);
  void Replace();
  void Delete();
  void DeleteTable(const Token& what, bool destroy);
  void DeleteInTable(const Token& what, bool destroy);
  void DeleteElements(const Token& what, bool destroy);
  void Flush();
  void Rename();

  std::vector<Token> t_;
  std::size_t pos_ = 0;
  Sources& sources_;
  std::vector<Diagnostic>& diagnostics_;
  RulesetSyntax syntax_;
};

}  // namespace ghostport::parsers::nft
