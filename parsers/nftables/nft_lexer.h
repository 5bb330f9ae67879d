// nftables text as tokens. A word runs until whitespace or one of
// `{ } ( ) ; , = | & ^ ! < > "` — so addresses (10.0.0.0/8, fe80::1),
// ranges (1024-65535), set references (@name), variables ($name), rates
// (10/second) and interface patterns (eth*) are one word each; "." and ":"
// standing alone are the concatenation and mapping operators, "-" and "+"
// alone are priority offsets. `# handle N` (nft -a output) becomes a
// kHandle token; other comments and a line's backslash continuation
// vanish; newlines are tokens (they end rules and commands).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"

namespace ghostport::parsers::nft {

struct Token {
  enum class Kind : std::uint8_t {
    kWord,
    kString,   // "..." without its quotes
    kSymbol,   // { } ( ) ; , = | & ^ ! == != < > <= >= << >>
    kNewline,
    kHandle,   // `# handle N`: text holds N
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;
  rules::SourceLocation location;
  bool Is(std::string_view s) const { return (kind == Kind::kWord || kind == Kind::kSymbol) && text == s; }
};

// The tokens of `text`, ending with one kEnd. An unterminated string is an
// error diagnostic (its token runs to the end of the line).
std::vector<Token> Lex(std::string_view text, const std::string& file_name, std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::nft
