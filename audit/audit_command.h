// `ghostport audit`: findings from the exposure. Until the port catalog
// lands, every opening is reported as an `opening` finding of severity
// info, and the exit-code contract (--fail-on) already holds.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "audit/inputs.h"
#include "audit/ports_command.h"

namespace ghostport::audit {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };
const char* SeverityName(Severity s);
std::optional<Severity> SeverityFromName(const std::string& name);

struct AuditOptions {
  OutputFormat format = OutputFormat::kText;
  std::optional<Severity> fail_on = Severity::kHigh;  // nullopt: never
};

int RunAudit(const LoadedInputs& in, const AuditOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
