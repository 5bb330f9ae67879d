// `audit --format sarif`: SARIF 2.1.0 for code-scanning tools. One run; one
// reporting rule per finding class with help text; one result per finding
// with a 1-based region, a partial fingerprint (ghostport/v1: the finding's
// line-independent fingerprint) and, for a waived finding, an accepted
// external suppression carrying the waiver.
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/json_output.h"
#include "audit/report.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

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

}  // namespace

void WriteSarifReport(const AuditReport& report, std::ostream& out) {
  ordered_json rules = ordered_json::array();
  for (int k = 0; k < kFindingClassCount; ++k) {
    const auto c = static_cast<FindingClass>(k);
    const Severity typical = DefaultSeverity(c, Scope::kAny);
    rules.push_back({{"id", RuleId(c)},
                     {"name", PascalCase(FindingClassName(c))},
                     {"shortDescription", {{"text", FindingClassSummary(c)}}},
                     {"fullDescription",
                      {{"text", std::string(FindingClassSummary(c)) +
                                    " Severity follows who can reach the opening: any source, public addresses, "
                                    "private ranges or single hosts."}}},
                     {"help", {{"text", Help(c)}, {"markdown", Help(c)}}},
                     {"helpUri", kInformationUri},
                     {"defaultConfiguration", {{"level", Level(typical)}}},
                     {"properties",
                      {{"tags", {"security", "firewall"}}, {"security-severity", SecuritySeverity(typical)}}}});
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
    r["ruleId"] = RuleId(f.klass);
    r["ruleIndex"] = static_cast<int>(f.klass);
    r["level"] = Level(f.severity);
    r["message"] = {{"text", f.message + ". " + f.explanation}};
    if (!f.location.file.empty()) {
      ordered_json physical;
      ordered_json artifact = {{"uri", Uri(f.location.file)}};
      if (Relative(f.location.file)) artifact["uriBaseId"] = "%SRCROOT%";
      physical["artifactLocation"] = std::move(artifact);
      if (f.location.line > 0) physical["region"] = {{"startLine", f.location.line}};
      r["locations"] = {{{"physicalLocation", std::move(physical)}}};
    }
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
  run["invocations"] = {{{"executionSuccessful", true}}};
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
