// The values of a `show rule` block's label lines (format document §2.5),
// read into a WindowsRule: one reader per field, localised words turned
// into netsh's English ones (netsh_languages.h), items parsed by
// windows_values.h. A value that cannot be read is a located error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/netsh_languages.h"
#include "parsers/windows/netsh_lines.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// One "Label: value" line of a block and the lines continuing it (the ICMP
// table under Protocol).
struct NetshEntry {
  const NetshLine* line = nullptr;
  std::string_view label;  // trimmed
  std::string_view value;  // trimmed; a view into line->text
  std::optional<NetshField> field;
  std::vector<const NetshLine*> continuation;
};

struct NetshRuleContext {
  const std::string& file;
  const NetshLanguage& language;
  WindowsRule& rule;
  WindowsPolicy& policy;  // for the lines kept as ignored
  std::vector<Diagnostic>& diagnostics;
};

// Reads `entry` (its field set) into the rule.
void ReadNetshField(NetshRuleContext& c, const NetshEntry& entry);

// A label the reader does not know: an unknown condition of the rule.
void KeepUnknownNetshLabel(NetshRuleContext& c, const NetshEntry& entry);

}  // namespace ghostport::parsers::windows
