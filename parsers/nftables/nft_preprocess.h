// nftables text before it is parsed, as nft's scanner prepares it:
// `include` (relative to the including file, then the search paths; globs,
// sorted; cycles and more than 16 levels refused) and `define`/`redefine`/
// `undefine` with `$NAME` substituted token by token, nested. Also the
// texts of every file read, for the source lines of diagnostics.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_lexer.h"
#include "parsers/nftables/nft_reader.h"

namespace ghostport::parsers::nft {

// The texts of every file read, each with where its lines begin.
class Sources {
 public:
  void Add(const std::string& file, std::string text);
  std::string_view Text(const std::string& file) const;
  // Line `at.line` (1-based) of `at.file`, without its line ending.
  std::string Line(const rules::SourceLocation& at) const;

 private:
  struct File {
    std::unique_ptr<std::string> text;
    std::vector<std::size_t> starts;  // where each line begins
  };
  std::map<std::string, File> files_;
};

Diagnostic MakeDiagnostic(Severity severity, const rules::SourceLocation& at, std::string message,
                          const Sources& sources);

// A newline, `;` or the end: where a statement or command ends.
bool EndsStatement(const Token& t);

// The tokens of `text` (named `file`) with includes read and variables
// substituted, ending with one kEnd; every file read lands in `sources`.
std::vector<Token> Preprocess(std::string_view text, const std::string& file, const NftReadOptions& options,
                              Sources& sources, std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::nft
