#include "audit/commands/audit_command.h"

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>
#include <cstring>
#include <fstream>
#include <ostream>

#include "audit/clock.h"
#include "audit/engine_errors.h"
#include "audit/reports/report_file.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

namespace {

void Write(const AuditReport& report, const AuditOptions& options, std::ostream& out) {
  switch (options.format) {
    case ReportFormat::kText: WriteTextReport(report, options.colour, out); return;
    case ReportFormat::kJson: WriteJsonReport(report, out); return;
    case ReportFormat::kSarif: WriteSarifReport(report, out); return;
    case ReportFormat::kJunit: WriteJunitReport(report, out); return;
    case ReportFormat::kMarkdown: WriteMarkdownReport(report, out); return;
    case ReportFormat::kHtml: WriteHtmlReport(report, out); return;
  }
}

// The fingerprints of a previous JSON report's findings, or nullopt (and a
// message) when the file is not one.
std::optional<std::set<std::string>> ReadBaseline(const std::string& path, std::ostream& err) {
  const std::optional<std::string> text = ReadText(path, err);
  if (!text) return std::nullopt;
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("findings") || !doc["findings"].is_array()) {
    err << path << ": error: not a ghostport audit JSON report (expected an object with \"findings\"); "
        << "make one with `ghostport audit --format json`\n";
    return std::nullopt;
  }
  std::set<std::string> fingerprints;
  for (const auto& f : doc["findings"]) {
    if (f.is_object() && f.contains("fingerprint") && f["fingerprint"].is_string()) {
      fingerprints.insert(f["fingerprint"].get<std::string>());
    }
  }
  return fingerprints;
}

bool Available(ReportFormat f) {
  (void)f;
  return true;
}

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
  std::optional<std::set<std::string>> baseline;
  if (!options.baseline_file.empty()) {
    baseline = ReadBaseline(options.baseline_file, err);
    if (!baseline) return 2;
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
  if (baseline) {
    auto& list = report.findings.findings;
    const auto kept = std::remove_if(list.begin(), list.end(),
                                     [&](const Finding& f) { return baseline->count(f.fingerprint) > 0; });
    report.baselined = static_cast<std::size_t>(list.end() - kept);
    list.erase(kept, list.end());
    report.baseline_file = options.baseline_file;
  }
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
    if (!WriteReportFile(options.output_file, [&](std::ostream& file) { Write(report, options, file); }, err)) {
      return 2;
    }
  }
  return report.failed ? 1 : 0;
}

}  // namespace ghostport::audit
