// `audit --format markdown`: for pull-request comments. A verdict line, a
// table of findings, a collapsible section per finding, and the waivers.
// Everything from the input goes through EscapeForMarkdown.
#include <ostream>

#include "audit/reports/report.h"
#include "audit/text_escape.h"

namespace ghostport::audit {

void WriteMarkdownReport(const AuditReport& report, std::ostream& out) {
  const auto& findings = report.findings.findings;
  const std::string tally = SeverityTallyText(report.by_severity);
  out << "### ghostport audit: " << (report.failed ? "❌ failed" : "✅ passed") << " — " << findings.size()
      << (findings.size() == 1 ? " finding" : " findings") << (tally.empty() ? "" : " (" + tally + ")");
  if (report.waived) out << ", " << report.waived << " waived";
  if (!report.baseline_file.empty()) out << ", " << report.baselined << " already in the baseline";
  out << "\n\n";
  out << "Inputs:";
  for (const InputInfo& i : report.inputs->inputs) out << " " << EscapeForMarkdown(i.path);
  out << "; fail-on " << (report.fail_on ? SeverityName(*report.fail_on) : "never") << "; "
      << report.exposure->approximations.size() << " approximation(s).\n\n";
  if (findings.empty()) {
    out << "No finding: every opening is on an alive registration or a port the policy assigns.\n";
  } else {
    out << "| | severity | class | location | ports | message |\n|---|---|---|---|---|---|\n";
    for (const Finding& f : findings) {
      out << "| " << EscapeForMarkdown(f.id) << " | " << SeverityName(f.severity) << (f.Waived() ? " (waived)" : "")
          << " | " << FindingClassName(f.klass) << " | " << EscapeForMarkdown(f.location.file) << ":"
          << f.location.line << " | " << EscapeForMarkdown(f.proto + " " + PortRangesText(f.ports, ", ", 4)) << " | " << EscapeForMarkdown(f.message)
          << " |\n";
    }
    out << "\n";
    for (const Finding& f : findings) {
      out << "<details><summary>" << EscapeForMarkdown(f.id) << " " << SeverityName(f.severity) << " "
          << FindingClassName(f.klass) << ": " << EscapeForMarkdown(f.location.file) << ":" << f.location.line
          << "</summary>\n\n";
      out << "- **Rule:** " << EscapeForMarkdown(f.rule_text) << "\n";
      if (!f.depends_on.empty()) {
        out << "- **Depends on:**";
        for (const std::string& d : f.depends_on) out << " " << EscapeForMarkdown(d) << ";";
        out << "\n";
      }
      if (!f.explanation.empty()) out << "- **Why:** " << EscapeForMarkdown(f.explanation) << "\n";
      out << "- **Fix:** " << EscapeForMarkdown(f.remediation) << "\n";
      if (f.waiver) {
        const Waiver& w = *f.waiver->waiver;
        out << "- **Waiver:** " << (f.waiver->expired ? "expired on " : "until ") << EscapeForMarkdown(w.expires)
            << ", " << EscapeForMarkdown(w.owner) << " (" << EscapeForMarkdown(w.ticket)
            << "): " << EscapeForMarkdown(w.reason) << "\n";
      }
      out << "- **Fingerprint:** " << EscapeForMarkdown(f.fingerprint) << "\n\n</details>\n\n";
    }
  }
  if (!report.findings.waivers.empty()) {
    out << "#### Waivers\n\n| status | expires | owner | ticket | reason | findings |\n|---|---|---|---|---|---|\n";
    for (const WaiverReport& w : report.findings.waivers) {
      std::string ids;
      for (const std::string& id : w.findings) ids += (ids.empty() ? "" : ", ") + id;
      out << "| " << w.status << " | " << EscapeForMarkdown(w.waiver->expires) << " | "
          << EscapeForMarkdown(w.waiver->owner) << " | " << EscapeForMarkdown(w.waiver->ticket) << " | "
          << EscapeForMarkdown(w.waiver->reason) << " | " << EscapeForMarkdown(ids) << " |\n";
    }
  }
}

}  // namespace ghostport::audit
