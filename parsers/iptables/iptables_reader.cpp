#include "parsers/iptables/iptables_reader.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace ghostport::parsers {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::size_t SkipSpaces(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

std::size_t TrimmedEnd(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0 && IsSpace(s[end - 1])) --end;
  return end;
}

// Whitespace-separated words (no quoting), as strtok splits header lines.
std::vector<IptablesToken> SplitWords(std::string_view line, std::size_t from) {
  std::vector<IptablesToken> words;
  std::size_t i = SkipSpaces(line, from);
  while (i < line.size()) {
    std::size_t start = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    words.push_back({line.substr(start, i - start), static_cast<int>(start) + 1, static_cast<int>(i) + 1, false});
    i = SkipSpaces(line, i);
  }
  return words;
}

class Reader {
 public:
  Reader(const std::string& file_name, std::vector<Diagnostic>& diagnostics)
      : file_name_(file_name), diagnostics_(diagnostics) {}

  IptablesFile Read(std::string_view text);

 private:
  void ReadLine(std::string_view line);
  void ReadTableHeader(std::size_t at);
  void ReadChainHeader(std::size_t at);
  void ReadCommit(std::size_t at);
  void ReadCommand(std::size_t at);
  // Reads "[packets:bytes]" at `at`; returns the offset after it, or npos
  // after reporting an error.
  std::size_t ReadCounters(std::size_t at, IptablesCounters& counters);
  void CloseTable();
  bool RequireTable(std::size_t at, const char* what);
  IptablesStatement Statement(IptablesStatementKind kind, std::size_t text_from) const;
  // Copies `tokens` into the file's token storage.
  std::span<const IptablesToken> Keep(std::span<const IptablesToken> tokens);
  // The token block with room for at least `count` more tokens.
  std::vector<IptablesToken>& BlockWithRoom(std::size_t count);
  void Error(int column, std::string message, Severity severity = Severity::kError);

  const std::string& file_name_;
  std::vector<Diagnostic>& diagnostics_;
  IptablesFile file_;
  bool in_table_ = false;
  int line_number_ = 0;
  std::string_view line_;
  std::vector<IptablesToken> arguments_;  // a long command line's, being split
};

// Tokens per storage block; a line with more gets a block of its own size.
constexpr std::size_t kTokenBlock = 8192;

IptablesFile Reader::Read(std::string_view text) {
  if (text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);  // a UTF-8 byte order mark
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number_;
    ReadLine(line);
  }
  CloseTable();
  return std::move(file_);
}

void Reader::ReadLine(std::string_view line) {
  line_ = line;
  std::size_t at = SkipSpaces(line, 0);
  if (at == line.size()) return;  // blank
  std::string_view rest = line.substr(at);
  if (rest.front() == '#') {
    file_.comments.push_back({line_number_, rest.substr(0, TrimmedEnd(rest))});
    return;
  }
  if (rest.front() == '*') return ReadTableHeader(at);
  if (rest.front() == ':') return ReadChainHeader(at);
  std::size_t word_end = at;
  while (word_end < line.size() && !IsSpace(line[word_end])) ++word_end;
  if (line.substr(at, word_end - at) == "COMMIT") return ReadCommit(at);
  ReadCommand(at);
}

void Reader::ReadTableHeader(std::size_t at) {
  if (in_table_) CloseTable();
  std::vector<IptablesToken> words = SplitWords(line_, at + 1);
  IptablesTable table;
  table.line = line_number_;
  table.source_line = line_;
  if (words.empty() || words.front().column != static_cast<int>(at) + 2) {
    Error(static_cast<int>(at) + 2, "missing table name after '*'");
    return;
  }
  table.name = words.front();
  if (words.size() > 1) {
    Error(words[1].column, "unexpected \"" + std::string(words[1].text) + "\" after the table name");
  }
  file_.tables.push_back(std::move(table));
  in_table_ = true;
}

void Reader::ReadChainHeader(std::size_t at) {
  if (!RequireTable(at, "chain header outside a table section")) return;
  IptablesStatement s = Statement(IptablesStatementKind::kChainHeader, at);
  std::vector<IptablesToken> words = SplitWords(line_, at + 1);
  if (words.empty()) {
    Error(static_cast<int>(at) + 2, "missing chain name after ':'");
    return;
  }
  if (words.size() < 2) {
    Error(words[0].end_column, "missing policy after the chain name (ACCEPT, DROP, or - for a user chain)");
    return;
  }
  s.tokens = Keep(std::span<const IptablesToken>(words.data(), 2));
  if (words.size() > 2) {
    IptablesCounters counters;
    std::size_t counters_at = static_cast<std::size_t>(words[2].column - 1);
    std::size_t after = ReadCounters(counters_at, counters);
    if (after == std::string_view::npos) return;
    s.counters = counters;
    std::size_t next = SkipSpaces(line_, after);
    if (next < line_.size()) {
      Error(static_cast<int>(next) + 1, "unexpected text after the chain header's counters");
      return;
    }
  }
  file_.tables.back().statements.push_back(std::move(s));
}

void Reader::ReadCommit(std::size_t at) {
  if (!in_table_) {
    Error(static_cast<int>(at) + 1, "COMMIT without a table section to commit");
    return;
  }
  std::size_t next = SkipSpaces(line_, at + 6);
  if (next < line_.size()) {
    Error(static_cast<int>(next) + 1, "unexpected text after COMMIT");
  }
  file_.tables.back().commit_line = line_number_;
  in_table_ = false;
}

void Reader::ReadCommand(std::size_t at) {
  if (!RequireTable(at, "rule outside a table section (a section starts with a \"*table\" line such as \"*filter\")")) {
    return;
  }
  std::optional<IptablesCounters> counters;
  std::size_t args_at = at;
  if (line_[at] == '[') {
    IptablesCounters c;
    std::size_t after = ReadCounters(at, c);
    if (after == std::string_view::npos) return;
    counters = c;
    args_at = SkipSpaces(line_, after);
  }
  IptablesStatement s = Statement(IptablesStatementKind::kCommand, args_at);
  s.counters = counters;
  // A line of n characters holds at most (n + 1) / 2 arguments. A short line
  // is split straight into a block with room for that many, so the block
  // never grows (and moves); a long one is split aside and copied, so that
  // a block is not left mostly empty.
  const std::size_t most = (line_.size() - args_at + 1) / 2;
  const bool direct = most <= kTokenBlock / 16;
  std::vector<IptablesToken>& out = direct ? BlockWithRoom(most) : arguments_;
  const std::size_t first = direct ? out.size() : 0;
  if (!direct) out.clear();
  [[maybe_unused]] const IptablesToken* const storage = out.data();
  int open_quote = SplitIptablesArguments(line_, args_at, out, file_.rewritten);
  assert(!direct || out.data() == storage);  // earlier statements' spans still hold
  if (open_quote != 0) {
    Error(open_quote, "unterminated quote: the argument runs to the end of the line, as iptables-restore reads it",
          Severity::kWarning);
  }
  s.tokens = direct ? std::span<const IptablesToken>(out).subspan(first) : Keep(out);
  file_.tables.back().statements.push_back(std::move(s));
}

std::size_t Reader::ReadCounters(std::size_t at, IptablesCounters& counters) {
  // "[packets:bytes]", both decimal.
  std::size_t close = line_.find(']', at);
  std::size_t colon = line_.find(':', at);
  auto digits = [&](std::size_t from, std::size_t to, std::uint64_t& value) {
    if (from >= to) return false;
    value = 0;
    for (std::size_t i = from; i < to; ++i) {
      if (line_[i] < '0' || line_[i] > '9') return false;
      std::uint64_t next = value * 10 + static_cast<std::uint64_t>(line_[i] - '0');
      if (next / 10 != value) return false;  // overflow
      value = next;
    }
    return true;
  };
  if (close == std::string_view::npos || colon == std::string_view::npos || colon > close ||
      !digits(at + 1, colon, counters.packets) || !digits(colon + 1, close, counters.bytes)) {
    std::size_t end = at;
    while (end < line_.size() && !IsSpace(line_[end])) ++end;
    Error(static_cast<int>(at) + 1,
          "bad counters \"" + std::string(line_.substr(at, end - at)) + "\" (expected [packets:bytes])");
    return std::string_view::npos;
  }
  return close + 1;
}

void Reader::CloseTable() {
  if (!in_table_) return;
  const IptablesTable& t = file_.tables.back();
  Diagnostic d;
  d.location = {file_name_, t.line, 1};
  d.message = "table \"" + std::string(t.name.text) + "\" is not terminated by COMMIT";
  d.source_line = std::string(t.source_line);
  diagnostics_.push_back(std::move(d));
  in_table_ = false;
}

bool Reader::RequireTable(std::size_t at, const char* what) {
  if (in_table_) return true;
  Error(static_cast<int>(at) + 1, what);
  return false;
}

IptablesStatement Reader::Statement(IptablesStatementKind kind, std::size_t text_from) const {
  IptablesStatement s;
  s.kind = kind;
  s.line = line_number_;
  s.source_line = line_;
  std::string_view text = line_.substr(std::min(text_from, line_.size()));
  s.text = text.substr(0, TrimmedEnd(text));
  return s;
}

std::span<const IptablesToken> Reader::Keep(std::span<const IptablesToken> tokens) {
  std::vector<IptablesToken>& block = BlockWithRoom(tokens.size());
  const std::size_t at = block.size();
  block.insert(block.end(), tokens.begin(), tokens.end());
  return std::span<const IptablesToken>(block).subspan(at);
}

std::vector<IptablesToken>& Reader::BlockWithRoom(std::size_t count) {
  std::vector<std::vector<IptablesToken>>& blocks = file_.token_blocks;
  if (blocks.empty() || blocks.back().capacity() - blocks.back().size() < count) {
    blocks.emplace_back().reserve(std::max(kTokenBlock, count));
  }
  return blocks.back();
}

void Reader::Error(int column, std::string message, Severity severity) {
  Diagnostic d;
  d.severity = severity;
  d.location = {file_name_, line_number_, column};
  d.message = std::move(message);
  d.source_line = std::string(line_);
  diagnostics_.push_back(std::move(d));
}

}  // namespace

IptablesFile ReadIptables(std::string_view text, const std::string& file_name,
                          std::vector<Diagnostic>& diagnostics) {
  return Reader(file_name, diagnostics).Read(text);
}

int SplitIptablesArguments(std::string_view line, std::size_t from, std::vector<IptablesToken>& out,
                           std::deque<std::string>& rewritten) {
  const std::size_t n = line.size();
  std::size_t i = from;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i == n) return 0;
    IptablesToken token;
    token.column = static_cast<int>(i) + 1;
    const std::size_t start = i;
    while (i < n && !IsSpace(line[i]) && line[i] != '"') ++i;
    if (i == n || line[i] != '"') {
      token.text = line.substr(start, i - start);
      token.end_column = static_cast<int>(i) + 1;
      out.push_back(token);
      continue;
    }
    // A quoted part: it runs to the closing quote, which ends the argument
    // (iptables-restore's rule: "a b"c is two arguments).
    token.quoted = true;
    const std::size_t quote = i++;
    const std::size_t part = i;
    while (i < n && line[i] != '"' && line[i] != '\\') ++i;
    if (i < n && line[i] == '"' && quote == start) {
      token.text = line.substr(part, i - part);  // as written: a view will do
    } else {
      std::string& text = rewritten.emplace_back(line.substr(start, quote - start));
      text += line.substr(part, i - part);
      while (i < n && line[i] != '"') {
        if (line[i] == '\\') {
          if (++i == n) break;  // the backslash escapes the line end: no closing quote
        }
        text += line[i++];
      }
      token.text = text;
    }
    if (i == n) {
      // No closing quote: iptables-restore runs the argument to the end of
      // the line, and so do we (the caller warns).
      token.end_column = static_cast<int>(n) + 1;
      out.push_back(token);
      return static_cast<int>(quote) + 1;
    }
    ++i;  // the closing quote
    token.end_column = static_cast<int>(i) + 1;
    out.push_back(token);
  }
}

}  // namespace ghostport::parsers
