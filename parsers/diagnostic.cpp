#include "parsers/diagnostic.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ghostport::parsers {

namespace {

constexpr std::array<std::pair<Severity, const char*>, 3> kSeverityWords = {{
    {Severity::kError, "error"},
    {Severity::kWarning, "warning"},
    {Severity::kNote, "note"},
}};

const char* SeverityWord(Severity s) {
  for (const auto& [severity, word] : kSeverityWords) {
    if (severity == s) return word;
  }
  return "error";
}

// The caret line: the source line's prefix before `column` with every
// character but a tab turned into a space, so the caret lines up under any
// tab width; then "^".
std::string CaretLine(const std::string& source_line, int column) {
  std::string out;
  const std::size_t prefix = static_cast<std::size_t>(column - 1);
  for (std::size_t i = 0; i < prefix; ++i) {
    out += i < source_line.size() && source_line[i] == '\t' ? '\t' : ' ';
  }
  out += '^';
  return out;
}

}  // namespace

std::string LineAt(std::string_view text, int line) {
  std::size_t begin = 0;
  for (int i = 1; i < line; ++i) {
    begin = text.find('\n', begin);
    if (begin == std::string_view::npos) return {};
    ++begin;
  }
  std::size_t end = text.find('\n', begin);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return std::string(text.substr(begin, end - begin));
}

std::string Render(const Diagnostic& d, TextEscape escape) {
  const rules::SourceLocation& at = d.location;
  auto safe = [&](std::string_view s) { return escape != nullptr ? escape(s) : std::string(s); };
  std::string out = safe(at.file);
  if (at.line > 0) {
    out += ':' + std::to_string(at.line);
    if (at.column > 0) out += ':' + std::to_string(at.column);
  }
  out += ": ";
  out += SeverityWord(d.severity);
  out += ": ";
  out += safe(d.message);
  out += '\n';
  // A diagnostic about no line in particular shows none (no empty line and
  // lone caret).
  if (at.line > 0 && !d.source_line.empty()) {
    const std::string line = safe(d.source_line);
    out += line;
    out += '\n';
    if (at.column > 0) {
      // The caret goes under the column's text as printed.
      const std::size_t before = std::min(static_cast<std::size_t>(at.column - 1), d.source_line.size());
      const int column = static_cast<int>(safe(std::string_view(d.source_line).substr(0, before)).size()) + 1 +
                         (at.column - 1 - static_cast<int>(before));
      out += CaretLine(line, column);
      out += '\n';
    }
  }
  return out;
}

bool ParseResult::HasErrors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace ghostport::parsers
