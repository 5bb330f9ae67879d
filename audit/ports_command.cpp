#include "audit/ports_command.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/source_render.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;
using rules::ExposureEntry;
using rules::Guard;

std::string ProtoLabel(const ExposureEntry& e) {
  if (!e.other_protocols) return rules::ProtocolName(e.protocol);
  std::string s;
  for (const auto& iv : e.protocols.intervals()) {
    for (unsigned p = iv.lo; p <= iv.hi; ++p) {
      if (!s.empty()) s += ",";
      s += rules::ProtocolName(static_cast<std::uint8_t>(p));
      if (s.size() > 40) return "other (" + std::to_string(static_cast<unsigned>(e.protocols.Size())) + " protocols)";
    }
  }
  return s;
}

std::string PortsLabel(const ExposureEntry& e) {
  if (e.other_protocols) return "-";
  return e.from == e.to ? std::to_string(e.from) : std::to_string(e.from) + "-" + std::to_string(e.to);
}

std::string Where(const rules::Ruleset& rs, const rules::RuleRef& r) {
  rules::SourceLocation loc = rules::LocationOf(rs, r);
  if (loc.file.empty()) return "(implicit)";
  return loc.file + ":" + std::to_string(loc.line);
}

const char* GuardWord(Guard::Kind k) {
  switch (k) {
    case Guard::kAcceptIf: return "accepted if";
    case Guard::kUnlessDrop: return "unless dropped by";
    case Guard::kJumpIf: return "jumped if";
    case Guard::kSkippedJump: return "did not jump at";
  }
  return "?";
}

std::string ConditionsText(const rules::Ruleset& rs, const rules::Rule& rule) {
  std::string s;
  for (const auto& c : rule.conditions) {
    if (!s.empty()) s += "; ";
    s += c.description;
  }
  (void)rs;
  return s.empty() ? rule.verdict.text : s;
}

const rules::Rule* RuleOf(const rules::Ruleset& rs, const rules::RuleRef& r) {
  if (r.table < 0 || r.rule < 0) return nullptr;
  return &rs.tables[r.table].chains[r.chain].rules[r.rule];
}

ordered_json RuleJson(const rules::Ruleset& rs, const rules::RuleRef& r) {
  ordered_json j;
  rules::SourceLocation loc = rules::LocationOf(rs, r);
  j["file"] = loc.file.empty() ? ordered_json(nullptr) : ordered_json(loc.file);
  j["line"] = loc.line;
  if (r.table >= 0) {
    j["table"] = rs.tables[r.table].name;
    j["chain"] = rs.tables[r.table].chains[r.chain].name;
  }
  j["text"] = rules::DescribeRef(rs, r);
  j["kind"] = r.table < 0 ? "implicit-accept" : r.rule < 0 ? "policy" : "rule";
  return j;
}

ordered_json GuardsJson(const rules::Ruleset& rs, const std::vector<Guard>& guards) {
  ordered_json arr = ordered_json::array();
  for (const auto& g : guards) {
    ordered_json j = RuleJson(rs, g.rule);
    const rules::Rule* rule = RuleOf(rs, g.rule);
    j["kind"] = GuardWord(g.kind);
    if (rule) j["condition"] = ConditionsText(rs, *rule);
    arr.push_back(std::move(j));
  }
  return arr;
}

void WriteJson(const LoadedInputs& in, const rules::Exposure& ex, const std::vector<ExposureEntry>& entries,
               std::ostream& out) {
  const rules::Ruleset& rs = in.ruleset;
  SourceRenderer sources;
  ordered_json doc;
  doc["tool"] = {{"name", "ghostport"}, {"version", GHOSTPORT_VERSION}};
  ordered_json inputs = ordered_json::array();
  for (const auto& i : in.inputs) {
    inputs.push_back({{"path", i.path}, {"format", parsers::InputFormatName(i.format)}, {"lines", i.lines}});
  }
  doc["inputs"] = inputs;
  ordered_json fams = ordered_json::array();
  for (const auto& f : ex.families) fams.push_back(rules::FamilyName(f.family));
  doc["families"] = fams;
  ordered_json list = ordered_json::array();
  for (const auto& e : entries) {
    ordered_json j;
    j["family"] = rules::FamilyName(e.family);
    j["proto"] = e.other_protocols ? "other" : rules::ProtocolName(e.protocol);
    if (e.other_protocols) {
      ordered_json protos = ordered_json::array();
      for (const auto& iv : e.protocols.intervals()) protos.push_back({iv.lo, iv.hi});
      j["protocols"] = protos;
    }
    j["from"] = e.from;
    j["to"] = e.to;
    const RenderedSources& src = sources.Render(e.sources);
    j["sources"] = src.cidrs;
    if (!src.except.empty()) j["except_sources"] = src.except;
    if (!src.except_set.empty()) j["except_set"] = src.except_set;
    if (!e.source_ports.IsAll()) j["source_ports"] = rules::FormatPortSet(e.source_ports);
    if (!e.destinations.IsAll()) {
      const RenderedSources& dst = sources.Render(e.destinations);
      j["destinations"] = dst.cidrs;
      if (!dst.except.empty()) j["except_destinations"] = dst.except;
      if (!dst.except_set.empty()) j["except_destinations_set"] = dst.except_set;
    }
    j["interfaces"] = ex.interfaces.Describe(e.interfaces);
    j["local_only"] = ex.interfaces.IsLoopbackOnly(e.interfaces);
    j["conditional"] = e.conditional;
    ordered_json rules_json = ordered_json::array();
    for (const auto& r : e.rules) rules_json.push_back(RuleJson(rs, r));
    j["rules"] = rules_json;
    j["guards"] = GuardsJson(rs, e.guards);
    list.push_back(std::move(j));
  }
  doc["exposures"] = list;
  ordered_json sets = ordered_json::object();
  for (const auto& s : sources.named_sets()) sets[s.id] = s.cidrs;
  doc["address_sets"] = sets;
  ordered_json approx = ordered_json::array();
  for (const auto& a : ex.approximations) {
    approx.push_back({{"file", a.location.file}, {"line", a.location.line}, {"what", a.what}});
  }
  doc["approximations"] = approx;
  ordered_json ignored = ordered_json::array();
  for (const auto& i : rs.ignored) {
    ignored.push_back({{"file", i.location.file}, {"line", i.location.line}, {"text", i.text}, {"reason", i.reason}});
  }
  doc["ignored"] = ignored;
  out << doc.dump(2) << "\n";
}

void WriteText(const LoadedInputs& in, const rules::Exposure& ex, const std::vector<ExposureEntry>& entries,
               std::ostream& out) {
  const rules::Ruleset& rs = in.ruleset;
  SourceRenderer sources;
  out << "ghostport ports: ";
  for (size_t i = 0; i < in.inputs.size(); ++i) {
    out << (i ? ", " : "") << in.inputs[i].path << " (" << parsers::InputFormatName(in.inputs[i].format) << ")";
  }
  out << "\n";
  for (const auto& fam : ex.families) {
    size_t n = 0;
    for (const auto& e : entries) n += e.family == fam.family;
    out << "\n" << rules::FamilyName(fam.family) << ": " << n << (n == 1 ? " opening" : " openings") << "\n";
    if (n == 0) continue;
    out << "  " << std::left << std::setw(8) << "PROTO" << std::setw(13) << "PORTS" << std::setw(34)
        << "FROM" << std::setw(14) << "INTERFACE" << "RULE\n";
    for (const auto& e : entries) {
      if (e.family != fam.family) continue;
      std::vector<std::string> ifs = ex.interfaces.Describe(e.interfaces);
      std::string iface = JoinSummary(ifs, 3);
      if (ex.interfaces.IsLoopbackOnly(e.interfaces)) iface += " (local)";
      out << "  " << std::setw(8) << ProtoLabel(e) << std::setw(13) << PortsLabel(e) << std::setw(34)
          << sources.Render(e.sources).summary << std::setw(14) << iface;
      for (size_t i = 0; i < e.rules.size(); ++i) out << (i ? " then " : "") << Where(rs, e.rules[i]);
      if (e.conditional) out << "  [conditional]";
      out << "\n";
      if (!e.source_ports.IsAll()) out << "      source ports " << rules::FormatPortSet(e.source_ports) << "\n";
      if (!e.destinations.IsAll()) out << "      to " << sources.Render(e.destinations).summary << "\n";
      for (const auto& g : e.guards) {
        const rules::Rule* rule = RuleOf(rs, g.rule);
        out << "      " << GuardWord(g.kind) << " " << Where(rs, g.rule);
        if (rule) out << ": " << ConditionsText(rs, *rule);
        out << "\n";
      }
    }
  }
  if (!sources.named_sets().empty()) {
    out << "\nAddress sets:\n";
    for (const auto& s : sources.named_sets()) {
      out << "  " << s.id << ": " << s.cidrs.size() << " blocks: " << JoinSummary(s.cidrs, 8) << "\n";
    }
  }
  if (!ex.approximations.empty()) {
    out << "\nApproximations:\n";
    for (const auto& a : ex.approximations) {
      out << "  " << a.location.file << ":" << a.location.line << ": " << a.what << "\n";
    }
  }
  if (!rs.ignored.empty()) {
    out << "\nIgnored input lines: " << rs.ignored.size() << "\n";
    for (const auto& i : rs.ignored) {
      out << "  " << i.location.file << ":" << i.location.line << ": " << i.reason << ": " << i.text << "\n";
    }
  }
}

}  // namespace

int RunPorts(const LoadedInputs& in, OutputFormat format, std::ostream& out, std::ostream& err) {
  rules::Exposure ex = rules::ComputeExposure(in.ruleset);
  if (!ex.errors.empty()) {
    for (const auto& e : ex.errors) {
      err << e.location.file << ":" << e.location.line << ":" << std::max(1, e.location.column)
          << ": error: " << e.message << "\n";
    }
    err << "ghostport: no report: the ruleset is malformed\n";
    return 2;
  }
  std::vector<ExposureEntry> entries = rules::ListEntries(ex);
  if (format == OutputFormat::kJson) {
    WriteJson(in, ex, entries, out);
  } else {
    WriteText(in, ex, entries, out);
  }
  return 0;
}

}  // namespace ghostport::audit
