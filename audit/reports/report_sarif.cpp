// `audit --format sarif`: SARIF 2.1.0 for code-scanning tools. One run; one
// reporting rule per finding class and severity used, with help text (the
// severity code scanning shows is the finding's own); one result per finding
// with a 1-based region, a partial fingerprint (ghostport/v1: the finding's
// line-independent fingerprint) and, for a waived finding, an accepted
// external suppression carrying the waiver.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/reports/json_output.h"
#include "audit/reports/report.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

// The project's home (its code and documentation).
constexpr const char* kInformationUri = "https://github.com/ghostport/ghostport";

const char* Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium:
    case Severity::kLow: return "warning";
    case Severity::kInfo: return "note";
  }
  return "note";
}

// GitHub code scanning reads a CVSS-like "security-severity" per rule.
const char* SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "3.0";
    case Severity::kInfo: return "1.0";
  }
  return "1.0";
}

// Stable, opaque rule ids (SARIF 3.49.3): GP001 dead ... GP009 firewall-off,
// in FindingClass order. Never renumber: code-scanning alerts key on them.
std::string RuleId(FindingClass c) {
  char id[8];
  std::snprintf(id, sizeof id, "GP%03d", static_cast<int>(c) + 1);
  return id;
}

std::string PascalCase(const char* name) {
  std::string out;
  bool upper = true;
  for (const char* p = name; *p != '\0'; ++p) {
    if (*p == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(*p))) : *p;
    upper = false;
  }
  return out;
}

const char* Help(FindingClass c) {
  switch (c) {
    case FindingClass::kDead:
    case FindingClass::kDormant:
    case FindingClass::kUnknown:
    case FindingClass::kReserved:
    case FindingClass::kUnassigned:
      return "Remove the rule if nothing needs the port, narrow its range to the ports in use, and restrict its "
             "sources. If a service of yours uses the port, record it in the policy file's [[assignments]], or "
             "waive the finding there with a reason, owner, ticket and expiry. `ghostport explain PORT` shows "
             "what the catalog knows and how to check what listens.";
    case FindingClass::kUnofficialUse:
      return "Find what listens on the port (`ghostport explain PORT` shows how on Linux and Windows), then record "
             "it in the policy file's [[assignments]] or remove the rule.";
    case FindingClass::kMalwareAssociated:
      return "Malware lists are old notes, not verdicts: check that nothing unexpected listens, and remove the rule "
             "unless a documented service needs the port.";
    case FindingClass::kDynamicRange:
      return "Do not open ephemeral ports inbound: replies are allowed by connection tracking. Remove the rule or "
             "narrow it to the fixed ports a service uses.";
    case FindingClass::kDefaultAllow:
      return "Set the chain's policy to DROP (or give the rule -p and --dport) and accept only what is needed.";
    case FindingClass::kFirewallOff:
      return "Load a ruleset whose INPUT chain filters (policy DROP, accepting only what is needed).";
    case FindingClass::kSensitiveService:
      return "Open the service only to the networks that need it, never to any source; `ghostport explain PORT` "
             "gives the reason and its sources.";
  }
  return "";
}

bool Relative(const std::string& path) { return !path.empty() && path.front() != '/'; }

// A path as an RFC 3986 URI reference: unreserved characters and '/' kept,
// everything else percent-encoded; absolute paths become file:// URIs.
std::string Uri(const std::string& path) {
  std::string out = Relative(path) ? "" : "file://";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", byte);
      out += hex;
    }
  }
  return out;
}

// A result's physical location: its file and line, or (a finding of the
// whole input, such as no filter at all) the first input's first line.
ordered_json PhysicalLocation(const std::string& file, int line) {
  ordered_json artifact = {{"uri", Uri(file)}};
  if (Relative(file)) artifact["uriBaseId"] = "%SRCROOT%";
  return {{"artifactLocation", std::move(artifact)}, {"region", {{"startLine", std::max(line, 1)}}}};
}

}  // namespace

void WriteSarifReport(const AuditReport& report, std::ostream& out) {
  // One reporting rule per class and severity the findings have: GitHub code
  // scanning shows a rule's security-severity, and a class's severity
  // follows who can reach the opening, so each result's rule carries the
  // finding's own severity ("GP001/high", "GP001/medium").
  std::vector<std::pair<FindingClass, Severity>> used;
  for (const Finding& f : report.findings.findings) used.emplace_back(f.klass, f.severity);
  std::sort(used.begin(), used.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  used.erase(std::unique(used.begin(), used.end()), used.end());
  auto rule_index = [&](const Finding& f) {
    return static_cast<int>(std::find(used.begin(), used.end(), std::make_pair(f.klass, f.severity)) - used.begin());
  };
  auto rule_id = [](FindingClass c, Severity s) { return RuleId(c) + "/" + SeverityName(s); };
  ordered_json rules = ordered_json::array();
  for (const auto& [c, severity] : used) {
    rules.push_back({{"id", rule_id(c, severity)},
                     {"name", PascalCase(FindingClassName(c)) + PascalCase(SeverityName(severity))},
                     {"shortDescription", {{"text", FindingClassSummary(c)}}},
                     {"fullDescription",
                      {{"text", std::string(FindingClassSummary(c)) + " This rule is the class at " +
                                    SeverityName(severity) +
                                    " severity: severity follows who can reach the opening (any source, public "
                                    "addresses, private ranges or single hosts) and the policy file."}}},
                     {"help", {{"text", Help(c)}, {"markdown", Help(c)}}},
                     {"defaultConfiguration", {{"level", Level(severity)}}},
                     {"properties",
                      {{"tags", {"security", "firewall"}}, {"security-severity", SecuritySeverity(severity)}}}});
  }

  ordered_json artifacts = ordered_json::array();
  for (const InputInfo& i : report.inputs->inputs) {
    ordered_json location = {{"uri", Uri(i.path)}};
    if (Relative(i.path)) location["uriBaseId"] = "%SRCROOT%";
    ordered_json a = {{"location", std::move(location)}, {"length", -1}};
    if (!i.sha256.empty()) a["hashes"] = {{"sha-256", i.sha256}};
    artifacts.push_back(std::move(a));
  }

  ordered_json results = ordered_json::array();
  for (const Finding& f : report.findings.findings) {
    ordered_json r;
    r["ruleId"] = rule_id(f.klass, f.severity);
    r["ruleIndex"] = rule_index(f);
    r["level"] = Level(f.severity);
    r["message"] = {{"text", f.message + ". " + f.explanation}};
    const std::string file = !f.location.file.empty()          ? f.location.file
                             : !report.inputs->inputs.empty() ? report.inputs->inputs.front().path
                                                              : std::string("<stdin>");
    r["locations"] = {{{"physicalLocation", PhysicalLocation(file, f.location.file.empty() ? 1 : f.location.line)}}};
    r["partialFingerprints"] = {{"ghostport/v1", f.fingerprint}};
    ordered_json properties = {{"class", FindingClassName(f.klass)},
                               {"severity", SeverityName(f.severity)},
                               {"scope", ScopeName(f.scope)},
                               {"proto", f.proto},
                               {"ports", PortRangesText(f.ports, ",")},
                               {"portCount", f.port_count},
                               {"rule", f.rule_text},
                               {"remediation", f.remediation},
                               {"conditional", f.conditional}};
    if (f.waiver && f.waiver->expired) {
      properties["waiverExpired"] = f.waiver->waiver->expires;
    }
    r["properties"] = std::move(properties);
    if (f.Waived()) {
      const Waiver& w = *f.waiver->waiver;
      r["suppressions"] = {{{"kind", "external"},
                            {"status", "accepted"},
                            {"justification", w.reason + " (owner " + w.owner + ", ticket " + w.ticket +
                                                  ", expires " + w.expires + ")"}}};
    }
    results.push_back(std::move(r));
  }

  ordered_json run;
  run["tool"] = {{"driver",
                  {{"name", "ghostport"},
                   {"version", GHOSTPORT_VERSION},
                   {"semanticVersion", GHOSTPORT_VERSION},
                   {"informationUri", kInformationUri},
                   {"rules", std::move(rules)}}}};
  // What limits the answer's exactness, and waivers that match nothing or
  // have expired: notifications a reviewer sees beside the results.
  ordered_json notifications = ordered_json::array();
  for (const rules::Approximation& a : report.exposure->approximations) {
    ordered_json n = {{"level", "note"}, {"message", {{"text", "approximation: " + a.what}}}};
    if (!a.location.file.empty()) {
      n["locations"] = {{{"physicalLocation", PhysicalLocation(a.location.file, a.location.line)}}};
    }
    notifications.push_back(std::move(n));
  }
  for (const WaiverReport& w : report.findings.waivers) {
    if (w.status == "active") continue;
    ordered_json n = {{"level", "warning"},
                      {"message",
                       {{"text", "waiver " + w.status + " (" + w.waiver->owner + ", " + w.waiver->ticket +
                                     ", expires " + w.waiver->expires + "): " + w.waiver->reason}}}};
    if (!report.policy_file.empty()) {
      n["locations"] = {{{"physicalLocation", PhysicalLocation(report.policy_file, static_cast<int>(w.waiver->line))}}};
    }
    notifications.push_back(std::move(n));
  }
  ordered_json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  run["invocations"] = {std::move(invocation)};
  run["originalUriBaseIds"] = {{"%SRCROOT%", {{"description", {{"text", "The directory ghostport ran in."}}}}}};
  run["artifacts"] = std::move(artifacts);
  run["results"] = std::move(results);
  run["columnKind"] = "unicodeCodePoints";

  ordered_json doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = {std::move(run)};
  out << JsonText(doc, 2) << "\n";
}

}  // namespace ghostport::audit
