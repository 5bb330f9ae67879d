// `ghostport audit`: findings (audit/findings.h) in the format --format
// names (audit/report.h), to standard output or -o FILE, and the exit code
// by --fail-on (waived findings never fail a run).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "audit/findings.h"
#include "audit/inputs.h"
#include "audit/reports/report.h"

namespace ghostport::audit {

struct AuditOptions {
  ReportFormat format = ReportFormat::kText;
  std::optional<Severity> fail_on = Severity::kHigh;  // nullopt: never
  std::string policy_file;                            // empty: none
  std::string output_file;                            // empty: standard output
  std::string baseline_file;                          // empty: none; else a previous `--format json` report
  bool colour = false;                                // text: colour the severities
};

int RunAudit(const LoadedInputs& in, const AuditOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
