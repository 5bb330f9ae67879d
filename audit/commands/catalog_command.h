// `ghostport catalog stats|lint`: what the compiled-in catalog holds, and a
// review check of curated knowledge against the registry.
#pragma once

#include <iosfwd>
#include <string>

#include "audit/commands/ports_command.h"

namespace ghostport::audit {

// Counts by lifecycle, range class and transport, plus the registry, curated
// knowledge and usage tables' sizes and dates. Returns 0.
int RunCatalogStats(OutputFormat format, std::ostream& out);

// Lints curated knowledge: the built-in dead.toml, or `knowledge_file` when
// given (a working copy under review). Exit code: 0 clean, 1 lint findings,
// 2 the file does not load (diagnostics with line and column).
int RunCatalogLint(const std::string& knowledge_file, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
