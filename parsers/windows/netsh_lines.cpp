#include "parsers/windows/netsh_lines.h"

#include <algorithm>

namespace ghostport::parsers::windows {

std::vector<NetshLine> SplitNetshLines(std::string_view text) {
  std::vector<NetshLine> out;
  int number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back({line, ++number});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

bool IsNetshUnderline(std::string_view line) {
  return line.size() == 70 && std::all_of(line.begin(), line.end(), [](char c) { return c == '-'; });
}

bool StartsNetshBlock(const std::vector<NetshLine>& lines, size_t at) {
  return at + 1 < lines.size() && !lines[at].text.empty() && IsNetshUnderline(lines[at + 1].text);
}

Diagnostic NetshError(const std::string& file, const NetshLine& line, std::string_view at, std::string message) {
  int column = 1;
  const char* begin = line.text.data();
  if (!at.empty() && at.data() >= begin && at.data() <= begin + line.text.size()) {
    column = static_cast<int>(at.data() - begin) + 1;
  }
  Diagnostic d;
  d.severity = Severity::kError;
  d.location = {file, line.number, column};
  d.message = std::move(message);
  d.source_line = std::string(line.text);
  return d;
}

rules::IgnoredLine NetshIgnored(const std::string& file, const NetshLine& line, std::string reason) {
  rules::IgnoredLine ignored;
  ignored.location.file = file;
  ignored.location.line = line.number;
  ignored.location.column = 1;
  ignored.text = std::string(line.text);
  ignored.reason = std::move(reason);
  return ignored;
}

}  // namespace ghostport::parsers::windows
