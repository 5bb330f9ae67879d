#include "audit/audit_command.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <ostream>

#include "audit/engine_errors.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

namespace {

// Now, or SOURCE_DATE_EPOCH when set (reproducible reports, golden tests).
std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    now = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  }
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void Write(const AuditReport& report, const AuditOptions& options, std::ostream& out) {
  switch (options.format) {
    case ReportFormat::kText: WriteTextReport(report, options.colour, out); return;
    case ReportFormat::kJson: WriteJsonReport(report, out); return;
    case ReportFormat::kSarif:
    case ReportFormat::kJunit:
    case ReportFormat::kMarkdown:
    case ReportFormat::kHtml: break;  // refused in RunAudit until written
  }
}

bool Available(ReportFormat f) { return f == ReportFormat::kText || f == ReportFormat::kJson; }

}  // namespace

int RunAudit(const LoadedInputs& in, const AuditOptions& options, std::ostream& out, std::ostream& err) {
  if (!Available(options.format)) {
    err << "error: --format " << ReportFormatName(options.format) << " is not available in this version\n";
    return 2;
  }
  std::optional<Policy> policy;
  if (!options.policy_file.empty()) {
    policy = ReadPolicy(options.policy_file, err);
    if (!policy) return 2;
  }
  const rules::Exposure exposure = rules::ComputeExposure(in.ruleset);
  if (ReportEngineErrors(exposure.errors, err, "no report")) return 2;
  const std::vector<rules::ExposureEntry> entries = rules::ListEntries(exposure);

  AuditReport report;
  report.inputs = &in;
  report.exposure = &exposure;
  report.entries = &entries;
  report.policy = policy ? &*policy : nullptr;
  report.policy_file = policy ? policy->file : "";
  report.findings = ComputeFindings(in.ruleset, exposure, entries, report.policy, Today());
  report.fail_on = options.fail_on;
  report.generated = NowUtc();
  for (const Finding& f : report.findings.findings) {
    report.failed = report.failed || FailsRun(f, options.fail_on);
    if (f.Waived()) {
      ++report.waived;
    } else {
      ++report.by_severity[static_cast<int>(f.severity)];
    }
  }

  if (options.output_file.empty() || options.output_file == "-") {
    Write(report, options, out);
  } else {
    std::ofstream file(options.output_file, std::ios::binary | std::ios::trunc);
    if (file) Write(report, options, file);
    if (!file) {
      err << options.output_file << ": error: cannot write: " << std::strerror(errno) << "\n";
      return 2;
    }
  }
  return report.failed ? 1 : 0;
}

}  // namespace ghostport::audit
