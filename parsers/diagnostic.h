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
std::string Render(const Diagnostic& d);

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
