// Diagnostics for bad input: `file:line:col: error: message`, then the
// source line and a caret under the column, as compilers print them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/model.h"

namespace ghostport::parsers {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  rules::SourceLocation location;
  std::string message;
  std::string source_line;  // the whole input line, without its line ending
};

// "f.rules:3:12: error: bad port \"99999\"\n -A INPUT ... \n            ^\n"
//
// `escape`, when given, makes the file name, message and source line safe
// for where they are printed (the CLI passes its terminal escaping: a
// hostile line's ESC sequences or bidi controls never reach the screen);
// the caret stays under the escaped text of the column.
using TextEscape = std::string (*)(std::string_view);
std::string Render(const Diagnostic& d, TextEscape escape = nullptr);

// Line `line` (1-based) of `text` without its line ending ("\n" or "\r\n");
// empty past the end.
std::string LineAt(std::string_view text, int line);

// The outcome of reading one input: the model (complete only when there is
// no error) and everything worth telling the user.
struct ParseResult {
  rules::Ruleset ruleset;
  std::vector<Diagnostic> diagnostics;
  bool HasErrors() const;
};

}  // namespace ghostport::parsers
