#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/reports/finding_json.h"
#include "audit/reports/json_output.h"
#include "audit/reports/report.h"
#include "audit/source_render.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

ordered_json WaiverJson(const Waiver& w, const std::string& file) {
  ordered_json j;
  if (!w.fingerprint.empty()) j["fingerprint"] = w.fingerprint;
  if (!w.klass.empty()) j["class"] = w.klass;
  if (w.ports) j["ports"] = {w.ports->first, w.ports->last};
  if (!w.transports.empty()) j["transports"] = w.transports;
  j["reason"] = w.reason;
  j["owner"] = w.owner;
  j["ticket"] = w.ticket;
  j["expires"] = w.expires;
  j["file"] = file;
  j["line"] = w.line;
  return j;
}

}  // namespace

ordered_json FindingJson(const Finding& f, SourceRenderer& sources, const std::string& policy_file) {
  ordered_json j;
  j["id"] = f.id;
  j["class"] = FindingClassName(f.klass);
  j["severity"] = SeverityName(f.severity);
  j["scope"] = ScopeName(f.scope);
  j["family"] = rules::FamilyName(f.entries.front()->family);
  j["proto"] = f.proto;
  ordered_json ports = ordered_json::array();
  for (const auto& [a, b] : f.ports) ports.push_back({a, b});
  j["ports"] = std::move(ports);
  j["port_count"] = f.port_count;
  PutAddressJson(j, sources.Render(FindingSources(f)), "sources", "except_sources", "except_set");
  j["conditional"] = f.conditional;
  j["depends_on"] = f.depends_on;
  j["location"] = {{"file", f.location.file}, {"line", f.location.line}};
  j["rule"] = f.rule_text;
  j["chain"] = f.chain;
  if (!f.profile.empty()) j["profile"] = f.profile;
  j["message"] = f.message;
  j["explanation"] = f.explanation;
  j["remediation"] = f.remediation;
  j["fingerprint"] = f.fingerprint;
  j["waived"] = f.Waived();
  if (f.waiver) {
    ordered_json w = WaiverJson(*f.waiver->waiver, policy_file);
    w["status"] = f.waiver->expired ? "expired" : "active";
    j["waiver"] = std::move(w);
  } else {
    j["waiver"] = nullptr;
  }
  ordered_json examples = ordered_json::array();
  for (const PortExample& x : f.examples) {
    examples.push_back({{"port", x.port},
                        {"proto", catalog::TransportName(x.transport)},
                        {"service", x.service},
                        {"detail", x.detail}});
  }
  j["examples"] = std::move(examples);
  if (!f.examples.empty()) {
    const PortExample& worst = f.examples.front();
    j["catalog"] = {{"port", worst.port},
                    {"proto", catalog::TransportName(worst.transport)},
                    {"service", worst.service},
                    {"status", catalog::LifecycleName(catalog::LifecycleOf(worst.port, worst.transport))}};
  } else {
    j["catalog"] = nullptr;
  }
  if (!f.covered.empty()) {
    ordered_json covered;
    for (const auto& [c, n] : f.covered) covered[FindingClassName(c)] = n;
    j["covers"] = std::move(covered);
  }
  return j;
}

void WriteJsonReport(const AuditReport& report, std::ostream& out) {
SourceRenderer sources;
  ordered_json doc;
  doc["tool"] = {{"name", "ghostport"}, {"version", GHOSTPORT_VERSION}};
  ordered_json inputs = ordered_json::array();
  for (const auto& i : report.inputs->inputs) {
    inputs.push_back({{"path", i.path},
                      {"format", parsers::InputFormatName(i.format)},
                      {"lines", i.lines},
                      {"sha256", i.sha256},
                      {"modified", i.modified}});
  }
  doc["inputs"] = inputs;
  if (report.policy != nullptr) doc["policy"] = report.policy_file;
  ordered_json list = ordered_json::array();
  for (const Finding& f : report.findings.findings) {
    list.push_back(FindingJson(f, sources, report.policy_file));
  }
  doc["findings"] = std::move(list);
  ordered_json waivers = ordered_json::array();
  for (const WaiverReport& w : report.findings.waivers) {
    ordered_json j = WaiverJson(*w.waiver, report.policy_file);
    j["status"] = w.status;
    j["findings"] = w.findings;
    waivers.push_back(std::move(j));
  }
  doc["waivers"] = std::move(waivers);
  doc["address_sets"] = NamedSetsJson(sources);
  ordered_json by_severity;
  for (int s = 4; s >= 0; --s) by_severity[SeverityName(static_cast<Severity>(s))] = report.by_severity[s];
  doc["summary"] = {{"findings", report.findings.findings.size()},
                    {"by_severity", std::move(by_severity)},
                    {"waived", report.waived},
                    {"baselined", report.baselined},
                    {"approximations", report.exposure->approximations.size()},
                    {"today", report.findings.today},
                    {"generated", report.generated},
                    {"fail_on", report.fail_on ? SeverityName(*report.fail_on) : "never"},
                    {"failed", report.failed}};
  out << JsonText(doc, 2) << "\n";
}

}  // namespace ghostport::audit
