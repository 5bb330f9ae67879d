// ReadNftText and the reader's core: the cursor over the preprocessed
// tokens, the lookups of tables, chains and sets, and one rule's tokens
// (to the end of its line) read into a rule with its anonymous chains.
#include "parsers/nftables/nft_reader.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "parsers/nftables/nft_reader_internal.h"
#include "parsers/nftables/nft_rule_parser.h"

namespace ghostport::parsers {

namespace nft {

namespace {

constexpr std::string_view kFamilies[] = {"ip", "ip6", "inet", "arp", "bridge", "netdev"};

}  // namespace

bool IsFamily(std::string_view w) { return std::find(std::begin(kFamilies), std::end(kFamilies), w) != std::end(kFamilies); }

TextReader::TextReader(std::vector<Token> tokens, Sources& sources, std::vector<Diagnostic>& diagnostics)
    : t_(std::move(tokens)), sources_(sources), diagnostics_(diagnostics) {
  Token end;
  end.kind = Token::Kind::kEnd;
  if (!t_.empty()) end.location = t_.back().location;
  t_.push_back(end);
}

RulesetSyntax TextReader::Run() {
  while (!AtEnd()) {
    if (EndsStatement(Cur()) || Cur().kind == Token::Kind::kHandle) {
      ++pos_;
      continue;
    }
    TopLevel();
  }
  return std::move(syntax_);
}

void TextReader::Error(const Token& at, std::string message) {
  diagnostics_.push_back(MakeDiagnostic(Severity::kError, at.location, std::move(message), sources_));
}

void TextReader::Ignore(const Token& at, std::string reason) {
  rules::IgnoredLine line;
  line.location = at.location;
  line.text = sources_.Line(at.location);
  line.reason = std::move(reason);
  syntax_.ignored.push_back(std::move(line));
}

void TextReader::Report(std::vector<Diagnostic>& found) {
  for (auto& d : found) {
    d.source_line = sources_.Line(d.location);
    diagnostics_.push_back(std::move(d));
  }
}

void TextReader::SkipStatement() {
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

void TextReader::SkipBlock() {  // at "{": past its "}"
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

void TextReader::ExpectEnd() {
  if (AtEnd() || EndsStatement(Cur()) || Sym("}") || Cur().kind == Token::Kind::kHandle) return;
  Error(Cur(), "unexpected \"" + Cur().text + "\"");
  SkipStatement();
}

std::string TextReader::Name() {
  if (!IsName()) {
    Error(Cur(), AtEnd() || EndsStatement(Cur()) ? "a name is missing here" : "expected a name, not \"" + Cur().text + "\"");
    return "";
  }
  return t_[pos_++].text;
}

std::string TextReader::Family() {
  if (Cur().kind == Token::Kind::kWord && IsFamily(Cur().text)) {
    const Token& next = t_[pos_ + 1];
    if (next.kind == Token::Kind::kWord || next.kind == Token::Kind::kString) return t_[pos_++].text;
  }
  return "ip";
}

TableSyntax* TextReader::FindTable(const std::string& family, const std::string& name) {
  for (auto& t : syntax_.tables) {
    if (t.family == family && t.name == name) return &t;
  }
  return nullptr;
}

TableSyntax& TextReader::TableFor(const std::string& family, const std::string& name, const Token& at) {
  if (TableSyntax* t = FindTable(family, name)) return *t;
  TableSyntax t;
  t.family = family;
  t.name = name;
  t.location = at.location;
  syntax_.tables.push_back(std::move(t));
  return syntax_.tables.back();
}

ChainSyntax* TextReader::FindChain(TableSyntax& t, const std::string& name) {
  for (auto& c : t.chains) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

ChainSyntax& TextReader::ChainFor(TableSyntax& t, const std::string& name, const Token& at) {
  if (ChainSyntax* c = FindChain(t, name)) return *c;
  ChainSyntax c;
  c.name = name;
  c.location = at.location;
  t.chains.push_back(std::move(c));
  return t.chains.back();
}

SetSyntax* TextReader::FindSet(TableSyntax& t, const std::string& name) {
  for (auto& s : t.sets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void TextReader::TopLevel() {
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

// A rule: its tokens up to the end of the line (newlines inside braces do
// not end it), or the chain's closing brace.
RuleSyntax TextReader::ReadRule(const std::string& family, const std::string& table, const std::string& chain) {
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

RuleSyntax TextReader::BuildRule(std::size_t begin, std::size_t end, std::optional<std::uint64_t> handle,
                                 const std::string& family, const std::string& table, const std::string& chain) {
  RuleSyntax r;
  r.location = t_[begin].location;
  r.handle = handle;
  std::vector<Diagnostic> found;
  RuleTokens tokens{&t_, begin, end};
  std::vector<InlineChain> inline_chains;
  r.statements = ParseRuleStatements(tokens, r.comment, found, &inline_chains);
  Report(found);
  for (const InlineChain& c : inline_chains) {
    // nft names an anonymous chain after its rule; ours says where it is.
    const rules::SourceLocation& at = t_[c.begin].location;
    const std::string name = chain + "{anonymous chain at line " + std::to_string(at.line) + ":" +
                             std::to_string(at.column) + "}";
    if (TableSyntax* t = FindTable(family, table)) ChainFor(*t, name, t_[c.begin]);
    pos_ = c.begin + 1;
    ChainBody(family, table, name);
    std::get<VerdictStmt>(r.statements[c.statement]).target = name;
  }
  r.text = SourceText(begin, end);
  return r;
}

// The rule as written, from its first token to its last, lines joined.
std::string TextReader::SourceText(std::size_t begin, std::size_t end) const {
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

}  // namespace nft

nft::RulesetSyntax ReadNftText(std::string_view text, const std::string& file_name, const NftReadOptions& options,
                               std::vector<Diagnostic>& diagnostics) {
  nft::Sources sources;
  std::vector<nft::Token> tokens = nft::Preprocess(text, file_name, options, sources, diagnostics);
  return nft::TextReader(std::move(tokens), sources, diagnostics).Run();
}

}  // namespace ghostport::parsers
