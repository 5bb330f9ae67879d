#include "audit/audit_command.h"

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/engine_errors.h"
#include "audit/source_render.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

constexpr std::array<const char*, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};

// FNV-1a: stable across platforms and runs, unlike std::hash.
std::uint64_t Fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

struct Finding {
  std::string klass;
  Severity severity = Severity::kInfo;
  const rules::ExposureEntry* entry = nullptr;
  rules::SourceLocation location;
  std::string rule_text;
  std::string fingerprint;
};

// Identity of a finding that survives line shifts: the rule's text and chain,
// the class and the ports, never the line number.
std::string Fingerprint(const rules::Ruleset& rs, const rules::ExposureEntry& e, const std::string& klass) {
  std::string key = klass + "|" + rules::FamilyName(e.family) + "|" + std::to_string(e.protocol) + "|" +
                    std::to_string(e.from) + "-" + std::to_string(e.to);
  for (const auto& r : e.rules) {
    if (r.table >= 0) key += "|" + rs.tables[r.table].name + "/" + rs.tables[r.table].chains[r.chain].name;
    key += "|" + rules::DescribeRef(rs, r);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(Fnv1a(key)));
  return buf;
}

}  // namespace

const char* SeverityName(Severity s) { return kSeverityNames[static_cast<int>(s)]; }

std::optional<Severity> SeverityFromName(const std::string& name) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (name == kSeverityNames[i]) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

int RunAudit(const LoadedInputs& in, const AuditOptions& options, std::ostream& out, std::ostream& err) {
  const rules::Ruleset& rs = in.ruleset;
  rules::Exposure ex = rules::ComputeExposure(rs);
  if (ReportEngineErrors(ex.errors, err, "no report")) return 2;
  std::vector<rules::ExposureEntry> entries = rules::ListEntries(ex);
  std::vector<Finding> findings;
  for (const auto& e : entries) {
    Finding f;
    f.klass = "opening";
    f.entry = &e;
    f.location = e.rules.empty() ? rules::SourceLocation{} : rules::LocationOf(rs, e.rules.back());
    f.rule_text = e.rules.empty() ? "" : rules::DescribeRef(rs, e.rules.back());
    f.fingerprint = Fingerprint(rs, e, f.klass);
    findings.push_back(std::move(f));
  }
  bool fail = false;
  for (const auto& f : findings) fail = fail || (options.fail_on && f.severity >= *options.fail_on);

  SourceRenderer sources;
  if (options.format == OutputFormat::kJson) {
    ordered_json doc;
    doc["tool"] = {{"name", "ghostport"}, {"version", GHOSTPORT_VERSION}};
    ordered_json inputs = ordered_json::array();
    for (const auto& i : in.inputs) {
      inputs.push_back({{"path", i.path}, {"format", parsers::InputFormatName(i.format)}});
    }
    doc["inputs"] = inputs;
    ordered_json list = ordered_json::array();
    for (size_t i = 0; i < findings.size(); ++i) {
      const Finding& f = findings[i];
      const rules::ExposureEntry& e = *f.entry;
      ordered_json j;
      j["id"] = "F" + std::to_string(i + 1);
      j["class"] = f.klass;
      j["severity"] = SeverityName(f.severity);
      j["family"] = rules::FamilyName(e.family);
      j["proto"] = e.other_protocols ? "other" : rules::ProtocolName(e.protocol);
      j["ports"] = ordered_json::array({ordered_json::array({e.from, e.to})});
      PutAddressJson(j, sources.Render(e.sources), "sources", "except_sources", "except_set");
      j["conditional"] = e.conditional;
      j["location"] = {{"file", f.location.file}, {"line", f.location.line}};
      j["rule"] = f.rule_text;
      j["fingerprint"] = f.fingerprint;
      j["waived"] = false;
      j["catalog"] = nullptr;
      list.push_back(std::move(j));
    }
    doc["findings"] = list;
    doc["address_sets"] = NamedSetsJson(sources);
    doc["summary"] = {{"findings", findings.size()},
                      {"catalog", "not available yet: findings are unclassified openings"},
                      {"approximations", ex.approximations.size()},
                      {"fail_on", options.fail_on ? SeverityName(*options.fail_on) : "never"},
                      {"failed", fail}};
    out << doc.dump(2) << "\n";
  } else {
    for (const auto& f : findings) {
      const rules::ExposureEntry& e = *f.entry;
      out << f.location.file << ":" << f.location.line << ":1: " << SeverityName(f.severity) << ": opens "
          << (e.other_protocols ? "other protocols" : rules::ProtocolName(e.protocol)) << " "
          << (e.from == e.to ? std::to_string(e.from) : std::to_string(e.from) + "-" + std::to_string(e.to))
          << " from " << sources.Render(e.sources).summary << (e.conditional ? " (conditional)" : "")
          << " [" << f.klass << "]\n";
    }
    out << findings.size() << (findings.size() == 1 ? " finding" : " findings")
        << "; the port catalog is not available yet, so openings are not classified\n";
  }
  return fail ? 1 : 0;
}

}  // namespace ghostport::audit
