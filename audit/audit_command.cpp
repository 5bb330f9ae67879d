#include "audit/audit_command.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/engine_errors.h"
#include "audit/source_render.h"
#include "audit/text_escape.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

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

rules::AddressSet SourcesOf(const Finding& f) {
  rules::AddressSet all = rules::AddressSet::None(f.entries.front()->family);
  for (const rules::ExposureEntry* e : f.entries) {
    if (e->family == all.family()) all = all.Union(e->sources);
  }
  return all;
}

ordered_json WaiverJson(const Waiver& w, const std::string& file) {
  ordered_json j;
  if (!w.fingerprint.empty()) j["fingerprint"] = w.fingerprint;
  if (!w.klass.empty()) j["class"] = w.klass;
  if (w.ports) j["ports"] = {w.ports->first, w.ports->last};
  j["reason"] = w.reason;
  j["owner"] = w.owner;
  j["ticket"] = w.ticket;
  j["expires"] = w.expires;
  j["file"] = file;
  j["line"] = w.line;
  return j;
}

bool Fails(const Finding& f, const AuditOptions& options) {
  return options.fail_on && !f.Waived() && f.severity >= *options.fail_on;
}

}  // namespace

int RunAudit(const LoadedInputs& in, const AuditOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<Policy> policy;
  if (!options.policy_file.empty()) {
    policy = ReadPolicy(options.policy_file, err);
    if (!policy) return 2;
  }
  const rules::Ruleset& rs = in.ruleset;
  rules::Exposure ex = rules::ComputeExposure(rs);
  if (ReportEngineErrors(ex.errors, err, "no report")) return 2;
  const std::vector<rules::ExposureEntry> entries = rules::ListEntries(ex);
  const FindingsReport report = ComputeFindings(rs, ex, entries, policy ? &*policy : nullptr, Today());
  const std::string policy_file = policy ? policy->file : "";

  bool fail = false;
  std::size_t counts[5] = {};
  std::size_t waived = 0;
  for (const Finding& f : report.findings) {
    fail = fail || Fails(f, options);
    if (f.Waived()) {
      ++waived;
    } else {
      ++counts[static_cast<int>(f.severity)];
    }
  }

  SourceRenderer sources;
  if (options.format == OutputFormat::kJson) {
    ordered_json doc;
    doc["tool"] = {{"name", "ghostport"}, {"version", GHOSTPORT_VERSION}};
    ordered_json inputs = ordered_json::array();
    for (const auto& i : in.inputs) {
      inputs.push_back({{"path", i.path}, {"format", parsers::InputFormatName(i.format)}});
    }
    doc["inputs"] = inputs;
    if (policy) doc["policy"] = policy_file;
    ordered_json list = ordered_json::array();
    for (const Finding& f : report.findings) {
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
      PutAddressJson(j, sources.Render(SourcesOf(f)), "sources", "except_sources", "except_set");
      j["conditional"] = f.conditional;
      j["depends_on"] = f.depends_on;
      j["location"] = {{"file", f.location.file}, {"line", f.location.line}};
      j["rule"] = f.rule_text;
      j["chain"] = f.chain;
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
      list.push_back(std::move(j));
    }
    doc["findings"] = std::move(list);
    ordered_json waivers = ordered_json::array();
    for (const WaiverReport& w : report.waivers) {
      ordered_json j = WaiverJson(*w.waiver, policy_file);
      j["status"] = w.status;
      j["findings"] = w.findings;
      waivers.push_back(std::move(j));
    }
    doc["waivers"] = std::move(waivers);
    doc["address_sets"] = NamedSetsJson(sources);
    ordered_json by_severity;
    for (int s = 4; s >= 0; --s) by_severity[SeverityName(static_cast<Severity>(s))] = counts[s];
    doc["summary"] = {{"findings", report.findings.size()},
                      {"by_severity", std::move(by_severity)},
                      {"waived", waived},
                      {"approximations", ex.approximations.size()},
                      {"today", report.today},
                      {"fail_on", options.fail_on ? SeverityName(*options.fail_on) : "never"},
                      {"failed", fail}};
    out << doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
    return fail ? 1 : 0;
  }

  auto severity_word = [&](Severity s) {
    return options.colour ? std::string(Colour(s)) + SeverityName(s) + "\033[0m" : std::string(SeverityName(s));
  };
  for (const Finding& f : report.findings) {
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
  for (const WaiverReport& w : report.waivers) {
    if (w.status == "expired") {
      out << policy_file << ":" << w.waiver->line << ":1: warning: waiver expired on " << w.waiver->expires
          << "; its findings are reported again [waiver-expired]\n";
    } else if (w.status == "unused") {
      out << policy_file << ":" << w.waiver->line << ":1: note: waiver matches no finding [waiver-unused]\n";
    }
  }
  std::string tally;
  for (int s = 4; s >= 0; --s) {
    if (counts[s] == 0) continue;
    tally += (tally.empty() ? "" : ", ") + std::to_string(counts[s]) + " " + SeverityName(static_cast<Severity>(s));
  }
  out << report.findings.size() << (report.findings.size() == 1 ? " finding" : " findings")
      << (tally.empty() ? "" : " (" + tally + ")") << (waived ? ", " + std::to_string(waived) + " waived" : "")
      << "; " << ex.approximations.size() << " approximation(s)"
      << (options.fail_on ? std::string("; fail-on ") + SeverityName(*options.fail_on) : std::string("; fail-on never"))
      << (fail ? ": FAILED" : ": passed") << "\n";
  return fail ? 1 : 0;
}

}  // namespace ghostport::audit
