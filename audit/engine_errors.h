// Engine errors (a jump loop) are input errors: rendered like the parsers'
// diagnostics, with the rule's line and a caret, and no report follows.
#pragma once

#include <iosfwd>
#include <vector>

#include "rules/compiled.h"

namespace ghostport::audit {

// Prints every error and the closing "no report" line; returns whether there
// was any (the caller then exits 2).
bool ReportEngineErrors(const std::vector<rules::EngineError>& errors, std::ostream& err, const char* what);

}  // namespace ghostport::audit
