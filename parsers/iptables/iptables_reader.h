// The iptables-save reader: bytes → a syntax tree shaped like the file.
//
// An iptables-save (or iptables-restore) file is a sequence of table
// sections, each "*name", then chain headers ":NAME POLICY [p:b]" and
// command lines ("[p:b] -A CHAIN ...", "-N CHAIN", ...), then "COMMIT".
// Comments ("#...") and blank lines may appear anywhere. The reader splits
// command lines into arguments exactly as iptables-restore does (double
// quotes, backslash escapes inside quotes) and keeps each argument's column.
// It gives the commands no meaning: that is the lowering's job
// (iptables_lowering.h). Structural errors (a line outside a table, a table
// without COMMIT, malformed counters, an unterminated quote) are reported
// here.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"

namespace ghostport::parsers {

// One argument, unquoted and unescaped. The text is a view into the input
// text, or, for a quoted argument that had to be rewritten (escapes, or a
// quoted part after unquoted characters), into IptablesFile::rewritten.
struct IptablesToken {
  std::string_view text;
  int column = 0;      // 1-based column of its first character (the quote, when quoted)
  int end_column = 0;  // 1-based column just past its last character
  bool quoted = false; // written (partly) in double quotes: a value, never an option
};

struct IptablesCounters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

enum class IptablesStatementKind : std::uint8_t {
  kChainHeader,  // ":NAME POLICY [p:b]": tokens are the name and the policy
  kCommand,      // "[p:b] -A CHAIN ...": tokens are the arguments
};

struct IptablesStatement {
  IptablesStatementKind kind = IptablesStatementKind::kCommand;
  int line = 0;                  // 1-based
  std::string_view source_line;  // the whole line, without its line ending
  // The statement as written, without a leading counters prefix, leading
  // and trailing whitespace and the line ending.
  std::string_view text;
  std::optional<IptablesCounters> counters;
  std::span<const IptablesToken> tokens;  // held by IptablesFile::token_blocks
};

struct IptablesTable {
  IptablesToken name;  // the word after '*'
  int line = 0;
  std::string_view source_line;
  std::vector<IptablesStatement> statements;
  int commit_line = 0;  // 0 when the section has no COMMIT
};

struct IptablesComment {
  int line = 0;
  std::string_view text;  // from the '#' on
};

// The tree refers into the text it was read from (which must outlive it) and
// into its own storage, so it can be moved but not copied.
struct IptablesFile {
  IptablesFile() = default;
  IptablesFile(IptablesFile&&) = default;
  IptablesFile& operator=(IptablesFile&&) = default;
  IptablesFile(const IptablesFile&) = delete;
  IptablesFile& operator=(const IptablesFile&) = delete;

  std::vector<IptablesTable> tables;  // in file order
  std::vector<IptablesComment> comments;

  // Storage for the statements' tokens: blocks that never reallocate once
  // filled, so the statements' spans stay valid.
  std::vector<std::vector<IptablesToken>> token_blocks;
  // The text of rewritten quoted arguments.
  std::deque<std::string> rewritten;
};

// Reads a whole file. Diagnostics are appended to `diagnostics`; the tree
// holds everything that could be read. The tree's views point into `text`.
IptablesFile ReadIptables(std::string_view text, const std::string& file_name,
                          std::vector<Diagnostic>& diagnostics);

// Splits one command line's arguments the way iptables-restore does:
// whitespace separates; a double quote opens a quoted part in which a
// backslash takes the next character literally and a closing quote ends the
// argument; outside quotes a backslash is an ordinary character. `line`
// holds the whole source line and `from` is the 0-based offset to start at.
// Tokens view `line`, or, when an argument had to be rewritten, a string
// appended to `rewritten`. Returns the 1-based column of an unterminated
// quote (whose argument then runs to the end of the line, as in
// iptables-restore), or 0.
int SplitIptablesArguments(std::string_view line, std::size_t from, std::vector<IptablesToken>& out,
                           std::deque<std::string>& rewritten);

}  // namespace ghostport::parsers
