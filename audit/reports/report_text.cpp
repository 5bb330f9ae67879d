#include <ostream>

#include "audit/reports/finding_text.h"
#include "audit/reports/report.h"
#include "audit/text_escape.h"

namespace ghostport::audit {

namespace {

const char* Colour(Severity s) {
  switch (s) {
    case Severity::kCritical: return "\033[1;35m";
    case Severity::kHigh: return "\033[1;31m";
    case Severity::kMedium: return "\033[1;33m";
    case Severity::kLow: return "\033[1;36m";
    case Severity::kInfo: return "\033[1;37m";
  }
  return "";
}

}  // namespace

void WriteFindingText(const Finding& f, const std::string& policy_file, bool colour, std::ostream& out) {
  auto severity_word = [&](Severity s) {
    return colour ? std::string(Colour(s)) + SeverityName(s) + "\033[0m" : std::string(SeverityName(s));
  };
  out << EscapeForTerminal(f.location.file.empty() ? "<netfilter>" : f.location.file) << ":" << f.location.line
      << ":1: " << severity_word(f.severity) << ": " << EscapeForTerminal(f.message)
      << (f.conditional ? " (conditional)" : "") << " [" << FindingClassName(f.klass) << "]\n";
  out << "    " << EscapeForTerminal(f.rule_text) << "\n";
  if (!f.depends_on.empty()) {
    out << "  depends on:";
    for (const std::string& d : f.depends_on) out << " " << EscapeForTerminal(d) << ";";
    out << "\n";
  }
  if (!f.explanation.empty()) out << "  why: " << EscapeForTerminal(f.explanation) << "\n";
  out << "  fix: " << f.remediation << "\n";
  if (f.waiver) {
    const Waiver& w = *f.waiver->waiver;
    out << "  " << (f.waiver->expired ? "waiver EXPIRED on " : "waived until ") << w.expires << " by "
        << EscapeForTerminal(w.owner) << " (" << EscapeForTerminal(w.ticket) << "): " << EscapeForTerminal(w.reason)
        << " — " << policy_file << ":" << w.line << "\n";
  }
  out << "  fingerprint " << f.fingerprint << "\n";
}

void WriteTextReport(const AuditReport& report, bool colour, std::ostream& out) {
  for (const Finding& f : report.findings.findings) WriteFindingText(f, report.policy_file, colour, out);
  for (const WaiverReport& w : report.findings.waivers) {
    if (w.status == "expired") {
      out << report.policy_file << ":" << w.waiver->line << ":1: warning: waiver expired on " << w.waiver->expires
          << "; its findings are reported again [waiver-expired]\n";
    } else if (w.status == "unused") {
      out << report.policy_file << ":" << w.waiver->line << ":1: note: waiver matches no finding [waiver-unused]\n";
    }
  }
  const std::string tally = SeverityTallyText(report.by_severity);
  out << report.findings.findings.size() << (report.findings.findings.size() == 1 ? " finding" : " findings")
      << (tally.empty() ? "" : " (" + tally + ")") << (report.waived ? ", " + std::to_string(report.waived) + " waived" : "")
      << (report.baseline_file.empty() ? ""
                                       : ", " + std::to_string(report.baselined) + " already in the baseline")
      << "; " << report.exposure->approximations.size() << " approximation(s)"
      << (report.fail_on ? std::string("; fail-on ") + SeverityName(*report.fail_on) : std::string("; fail-on never"))
      << (report.failed ? ": FAILED" : ": passed") << "\n";
}

}  // namespace ghostport::audit
