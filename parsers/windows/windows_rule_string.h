// Registry rule strings, MS-GPFAS 2.2.2.19: "v2.30|Action=Allow|Active=TRUE|
// Dir=In|Protocol=6|LPort=80|...|" — the form the local and Group Policy
// stores hold, and so .reg exports, .wfw hives and registry.pol files. One
// parser for all three.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

struct RuleStringError {
  std::string message;
  size_t offset = 0;  // byte offset in the rule string of the offending token's value
};

// Fills `out` (its id, store and location are the caller's). Tokens the
// engine cannot follow — authorised users or machines, trust tuples,
// platform validity, unknown tokens of later versions — become unknowns of
// the rule: they can narrow it, never widen it.
std::optional<RuleStringError> ParseRuleString(std::string_view text, WindowsRule& out);

}  // namespace ghostport::parsers::windows
