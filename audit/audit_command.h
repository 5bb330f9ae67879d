// `ghostport audit`: findings (audit/findings.h) as text or JSON, and the
// exit code by --fail-on (waived findings never fail a run).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "audit/findings.h"
#include "audit/inputs.h"
#include "audit/ports_command.h"

namespace ghostport::audit {

struct AuditOptions {
  OutputFormat format = OutputFormat::kText;
  std::optional<Severity> fail_on = Severity::kHigh;  // nullopt: never
  std::string policy_file;                            // empty: none
  bool colour = false;                                // text: colour the severities
};

int RunAudit(const LoadedInputs& in, const AuditOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
