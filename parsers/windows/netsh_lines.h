// The line layer both netsh readers share: the dump as numbered lines
// (CRLF or LF), netsh's 70-hyphen underline, and located errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

struct NetshLine {
  std::string_view text;  // without its line ending
  int number = 0;         // 1-based
};

std::vector<NetshLine> SplitNetshLines(std::string_view text);

// The line of exactly 70 hyphens under a block's first line.
bool IsNetshUnderline(std::string_view line);

// Line `at` is a block's first line: the next line is the underline.
bool StartsNetshBlock(const std::vector<NetshLine>& lines, size_t at);

// An error at `at`, a part of `line.text` (column 1 when `at` is empty or
// not inside the line).
Diagnostic NetshError(const std::string& file, const NetshLine& line, std::string_view at, std::string message);

// `line` kept as read but not used, with the reason.
rules::IgnoredLine NetshIgnored(const std::string& file, const NetshLine& line, std::string reason);

// The value `word` stands for in a word table (case-insensitive); none
// when the table does not have it.
template <class T, size_t N>
std::optional<T> NetshWord(const std::pair<std::string_view, T> (&table)[N], std::string_view word) {
  for (const auto& [name, value] : table) {
    if (SameWord(name, word)) return value;
  }
  return std::nullopt;
}

// The words of a table, for messages: "Yes or No", "In, Out or Bypass".
template <class T, size_t N>
std::string NetshWords(const std::pair<std::string_view, T> (&table)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += table[i].first;
  }
  return out;
}

}  // namespace ghostport::parsers::windows
