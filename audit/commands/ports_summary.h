// `ghostport ports --summary`: per scope (an address family; for Windows,
// a family in one profile), which ports a connection can reach, grouped by
// who can make it: any source, public addresses, private ranges, single
// hosts — and what only loopback reaches. Conditional openings are counted
// apart (they may or may not be open; `ports` lists them).
#pragma once

#include <iosfwd>
#include <vector>

#include "audit/commands/ports_command.h"
#include "audit/inputs.h"
#include "rules/exposure.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

void WritePortsSummary(const LoadedInputs& in, const rules::Exposure& exposure,
                       const std::vector<rules::ExposureEntry>& entries, OutputFormat format, std::ostream& out);

}  // namespace ghostport::audit
