// `audit --format junit`: one <testcase> per finding, for CI systems that
// show JUnit, named by the finding's fingerprint (stable across unrelated
// edits) with its file and line as attributes. A finding at or above --fail-on (not waived) is a <failure>;
// a waived one is <skipped>; one below the threshold passes with its details
// in <system-out>. No finding at all is one passing test case, so the CI
// shows that the audit ran.
#include <ostream>

#include "audit/reports/report.h"
#include "audit/text_escape.h"

namespace ghostport::audit {

void WriteJunitReport(const AuditReport& report, std::ostream& out) {
  const auto& findings = report.findings.findings;
  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const Finding& f : findings) {
    failures += FailsRun(f, report.fail_on) ? 1 : 0;
    skipped += f.Waived() ? 1 : 0;
  }
  const std::size_t tests = findings.empty() ? 1 : findings.size();
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ghostport\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\""
      << skipped << "\">\n";
  out << "  <testsuite name=\"ghostport audit\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\" timestamp=\"" << EscapeForXml(report.generated) << "\">\n";
  out << "    <properties>\n";
  for (const InputInfo& i : report.inputs->inputs) {
    out << "      <property name=\"input\" value=\"" << EscapeForXml(i.path) << " sha256:" << EscapeForXml(i.sha256)
        << "\"/>\n";
  }
  out << "      <property name=\"fail-on\" value=\"" << (report.fail_on ? SeverityName(*report.fail_on) : "never")
      << "\"/>\n    </properties>\n";
  if (findings.empty()) {
    out << "    <testcase classname=\"ghostport\" name=\"no findings\"/>\n";
  }
  for (const Finding& f : findings) {
    // The test's identity is the finding's fingerprint, which no unrelated
    // edit changes (a line inserted above the rule moves its line, not its
    // name); where it is goes in the attributes.
    out << "    <testcase classname=\"ghostport." << FindingClassName(f.klass) << "\" name=\""
        << EscapeForXml(f.fingerprint) << "\"";
    if (!f.location.file.empty()) out << " file=\"" << EscapeForXml(f.location.file) << "\"";
    if (f.location.line > 0) out << " line=\"" << f.location.line << "\"";
    out << ">\n";
    const std::string where =
        f.location.file.empty() ? std::string() : f.location.file + ":" + std::to_string(f.location.line) + ": ";
    const std::string details = where + f.message + "\nRule: " + f.rule_text + "\nWhy: " + f.explanation +
                                "\nFix: " + f.remediation + "\nFingerprint: " + f.fingerprint;
    if (f.Waived()) {
      const Waiver& w = *f.waiver->waiver;
      out << "      <skipped message=\""
          << EscapeForXml("waived until " + w.expires + " by " + w.owner + " (" + w.ticket + "): " + w.reason)
          << "\"/>\n";
    } else if (FailsRun(f, report.fail_on)) {
      out << "      <failure type=\"" << SeverityName(f.severity) << "\" message=\""
          << EscapeForXml(std::string(SeverityName(f.severity)) + ": " + f.message) << "\">" << EscapeForXml(details)
          << "</failure>\n";
    } else {
      out << "      <system-out>" << EscapeForXml(std::string(SeverityName(f.severity)) + ": " + details)
          << "</system-out>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace ghostport::audit
