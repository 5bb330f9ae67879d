// An audit's complete result, as every reporter sees it, and the reporters.
// audit_command.cpp builds one AuditReport and hands it to the writer the
// --format names; each writer lives in its own file (report_*.cpp).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "audit/findings.h"
#include "audit/inputs.h"
#include "audit/policy.h"
#include "rules/exposure.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

enum class ReportFormat { kText, kJson, kSarif, kJunit, kMarkdown, kHtml };
std::optional<ReportFormat> ReportFormatFromName(const std::string& name);
const char* ReportFormatName(ReportFormat f);

struct AuditReport {
  const LoadedInputs* inputs = nullptr;               // paths, formats, sha256, modified
  const rules::Exposure* exposure = nullptr;          // approximations, interfaces
  const std::vector<rules::ExposureEntry>* entries = nullptr;  // every opening
  FindingsReport findings;                            // findings and waivers
  const Policy* policy = nullptr;                     // may be null
  std::string policy_file;                            // "" without a policy
  std::optional<Severity> fail_on;                    // nullopt: never
  bool failed = false;                                // a non-waived finding at or above fail_on
  std::size_t by_severity[5] = {};                    // non-waived findings per Severity
  std::size_t waived = 0;
  std::size_t baselined = 0;                          // findings left out because the baseline has them
  std::string baseline_file;                          // "" without --baseline
  std::string generated;                              // when the report was made, UTC ISO 8601
};

// Whether `f` counts against --fail-on.
bool FailsRun(const Finding& f, const std::optional<Severity>& fail_on);

// The union of a finding's entries' sources (one family).
rules::AddressSet FindingSources(const Finding& f);

// text: clang-tidy style lines, colour only when asked (a terminal without NO_COLOR).
void WriteTextReport(const AuditReport& report, bool colour, std::ostream& out);
// json: the contract in DESIGN.md and audit/README.md.
void WriteJsonReport(const AuditReport& report, std::ostream& out);
// markdown: for pull-request comments (report_markdown.cpp).
void WriteMarkdownReport(const AuditReport& report, std::ostream& out);
// sarif: SARIF 2.1.0 for code scanning (report_sarif.cpp).
void WriteSarifReport(const AuditReport& report, std::ostream& out);
// junit: one testcase per finding (report_junit.cpp).
void WriteJunitReport(const AuditReport& report, std::ostream& out);
// html: one self-contained HTML5 compliance report (report_html.cpp).
void WriteHtmlReport(const AuditReport& report, std::ostream& out);

}  // namespace ghostport::audit
