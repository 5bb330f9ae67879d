// One finding as text: `FILE:LINE:1: SEVERITY: message [class]`, the rule,
// what it depends on, why, the fix, its waiver, its fingerprint. Shared by
// `audit` and `diff`.
#pragma once

#include <iosfwd>
#include <string>

#include "audit/findings.h"

namespace ghostport::audit {

void WriteFindingText(const Finding& f, const std::string& policy_file, bool colour, std::ostream& out);

}  // namespace ghostport::audit
