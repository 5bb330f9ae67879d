// The ipset dump reader: `ipset save` (or `ipset list -output save`) text →
// its lines' words, with columns. Lines are "create NAME TYPE OPTION..." and
// "add NAME ELEMENT OPTION..."; comments ("#...") and blank lines may appear
// anywhere. Words are split as ipset restore splits them: whitespace
// separates; a double quote opens or closes a quoted part and is dropped
// ("x\"y z\"w" is one word, xy zw); there are no escapes. The reader gives
// the words no meaning: that is the lowering's job (ipset_lowering.h).
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"

namespace ghostport::parsers {

struct IpsetWord {
  std::string_view text;  // a view into the input, or into IpsetText::rewritten
  int column = 0;         // 1-based column of its first character
  int end_column = 0;     // 1-based column just past its last character
};

struct IpsetLine {
  int line = 0;                  // 1-based
  std::string_view source_line;  // the whole line, without its line ending
  std::string_view text;         // without leading and trailing whitespace
  std::vector<IpsetWord> words;
};

// Views into the text it was read from (which must outlive it) and into its
// own storage: it can be moved, not copied.
struct IpsetText {
  IpsetText() = default;
  IpsetText(IpsetText&&) = default;
  IpsetText& operator=(IpsetText&&) = default;
  IpsetText(const IpsetText&) = delete;
  IpsetText& operator=(const IpsetText&) = delete;

  std::vector<IpsetLine> lines;     // lines with words, in file order
  std::deque<std::string> rewritten;  // words that had quotes
};

// Reads a whole dump; an unterminated quote is reported (ipset restore
// refuses the line) and the line is dropped.
IpsetText ReadIpset(std::string_view text, const std::string& file_name, std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers
