// `ghostport ports`: the effective exposure map, as text or JSON.
#pragma once

#include <iosfwd>
#include <string>

#include "audit/inputs.h"
#include "rules/exposure.h"

namespace ghostport::audit {

enum class OutputFormat { kText, kJson };

// Writes the report; returns the process exit code (0, or 2 when the engine
// found the ruleset malformed, e.g. a jump loop).
// `summary`: only the per-scope summary (ports_summary.h).
int RunPorts(const LoadedInputs& in, OutputFormat format, std::ostream& out, std::ostream& err, bool summary = false);

}  // namespace ghostport::audit
