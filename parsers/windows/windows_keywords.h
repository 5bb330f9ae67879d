// Windows Firewall's keywords: port sets and address sets Windows resolves
// on the host (MS-GPFAS 2.2.2.3 and 2.2.2.13, MS-FASP FW_PORT_KEYWORD and
// the address keywords). One table: every spelling the formats use, what the
// keyword stands for, and what the engine may take for it. A keyword is kept
// in the rule as written and explained in reports; it becomes port numbers
// only where Windows documents them (RPC-EPMap is TCP 135), and otherwise is
// an explicit unknown of the rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rules/interval_set.h"

namespace ghostport::parsers::windows {

enum class KeywordKind : std::uint8_t { kLocalPort, kRemotePort, kRemoteAddress };

struct KeywordInfo {
  std::string_view name;                    // canonical spelling, as PowerShell shows it
  KeywordKind kind;
  std::vector<std::string_view> spellings;  // every other spelling, matched case-insensitively
  std::string_view meaning;                 // for reports
  // The ports the keyword stands for: exactly these when `fixed` (Windows
  // documents them: RPC-EPMap is TCP 135); otherwise where they usually are
  // (RPC: the default dynamic range), and the rule is conditional on the
  // keyword. Unset: any port, conditional.
  std::optional<rules::Interval<std::uint16_t>> ports;
  bool fixed = false;
};

// The keyword `text` names for a field of `kind` (case-insensitive, any
// spelling; an address keyword may end in 4 or 6, see `family_suffix`).
// Null when `text` is no keyword of that kind.
const KeywordInfo* FindKeyword(KeywordKind kind, std::string_view text, char* family_suffix = nullptr);

// By canonical name (for explanations); null when unknown.
const KeywordInfo* KeywordByName(KeywordKind kind, std::string_view name);

}  // namespace ghostport::parsers::windows
