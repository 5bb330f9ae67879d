#include "audit/commands/ports_command.h"

#include <iomanip>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/commands/ports_summary.h"
#include "audit/engine_errors.h"
#include "audit/reports/json_output.h"
#include "audit/source_render.h"
#include "audit/text_escape.h"
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

std::string Where(const rules::Ruleset& rs, const rules::Decision& r) {
  const rules::SourceLocation& loc = rules::LocationOf(rs, r);
  if (loc.file.empty()) return "(implicit)";
  if (loc.line == 0) return loc.file;  // no source line: the live kernel's `live:inet filter/input#5`
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
  for (const auto& c : rules::UnknownsOf(rs, rule)) {
    if (!s.empty()) s += "; ";
    s += c.description;
  }
  return s.empty() ? rule.verdict.text : s;
}

ordered_json RuleJson(const rules::Ruleset& rs, const rules::Decision& d) {
  ordered_json j;
  const rules::SourceLocation& loc = rules::LocationOf(rs, d);
  j["file"] = loc.file.empty() ? ordered_json(nullptr) : ordered_json(loc.file);
  j["line"] = loc.line;
  std::optional<rules::ChainRef> chain;
  if (const rules::RuleRef* r = rules::DecidingRule(d)) chain = rules::ChainRef{r->table, r->chain};
  if (const auto* p = std::get_if<rules::PolicyDecision>(&d)) chain = p->chain;
  if (chain) {
    j["table"] = rs.tables[chain->table].name;
    j["chain"] = rs.tables[chain->table].chains[chain->chain].name;
  }
  j["text"] = rules::Describe(rs, d);
  j["kind"] = rules::DecisionKind(d);
  return j;
}

ordered_json GuardsJson(const rules::Ruleset& rs, const std::vector<Guard>& guards) {
  ordered_json arr = ordered_json::array();
  for (const auto& g : guards) {
    ordered_json j = RuleJson(rs, rules::RuleDecision{g.rule});
    j["kind"] = GuardWord(g.kind);
    j["condition"] = ConditionsText(rs, rules::RuleAt(rs, g.rule));
    arr.push_back(std::move(j));
  }
  return arr;
}

// Where a port forward or redirect sends the connection.
std::string TranslationText(const ExposureEntry& e) {
  if (!e.translation) return "";
  std::string s = *e.translation == rules::VerdictKind::kRedirect ? "redirected to this host" : "forwarded to ";
  if (*e.translation != rules::VerdictKind::kRedirect) {
    if (e.to_address) {
      std::vector<std::string> cidrs;
      for (const auto& c : e.to_address->ToCidrs()) cidrs.push_back(rules::FormatCidr(c));
      s += JoinSummary(cidrs, 3);
    } else {
      s += "the same address";
    }
  }
  if (e.to_ports) s += std::string(*e.translation == rules::VerdictKind::kRedirect ? " " : "") + " port " + rules::FormatPortSet(*e.to_ports);
  return s;
}

std::string HandshakeText(const rules::Ruleset& rs, const ExposureEntry& e) {
  if (rules::Connects(e)) return "";
  std::string s = std::string("no connection can be made: the handshake fails (") + rules::HandshakeName(e.handshake) + ")";
  if (e.handshake_blocked_by) s += " at " + Where(rs, *e.handshake_blocked_by) + ": " + EscapeForTerminal(rules::Describe(rs, *e.handshake_blocked_by));
  return s;
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
  ordered_json profiles = ordered_json::array();
  for (const auto& f : ex.families) {
    if (std::find(fams.begin(), fams.end(), rules::FamilyName(f.family)) == fams.end()) {
      fams.push_back(rules::FamilyName(f.family));
    }
    if (!f.scope.profile.empty() && std::find(profiles.begin(), profiles.end(), f.scope.profile) == profiles.end()) {
      profiles.push_back(f.scope.profile);
    }
  }
  doc["families"] = fams;
  if (!profiles.empty()) doc["profiles"] = profiles;
  ordered_json list = ordered_json::array();
  for (const auto& e : entries) {
    ordered_json j;
    j["family"] = rules::FamilyName(e.family);
    if (!e.profile.empty()) j["profile"] = e.profile;
    j["proto"] = e.other_protocols ? "other" : rules::ProtocolName(e.protocol);
    if (e.other_protocols) {
      ordered_json protos = ordered_json::array();
      for (const auto& iv : e.protocols.intervals()) protos.push_back({iv.lo, iv.hi});
      j["protocols"] = protos;
    }
    j["from"] = e.from;
    j["to"] = e.to;
    PutAddressJson(j, sources.Render(e.sources), "sources", "except_sources", "except_set");
    if (!e.source_ports.IsAll()) j["source_ports"] = rules::FormatPortSet(e.source_ports);
    if (!e.destinations.IsAll()) {
      PutAddressJson(j, sources.Render(e.destinations), "destinations", "except_destinations",
                     "except_destinations_set");
    }
    j["interfaces"] = ex.interfaces.Describe(e.interfaces);
    j["local_only"] = ex.interfaces.IsLoopbackOnly(e.interfaces);
    j["conditional"] = e.conditional;
    j["path"] = e.forward ? "forward" : "input";
    if (e.forward) j["out_interfaces"] = ex.interfaces.Describe(e.out_interfaces);
    if (e.translation) {
      j["translation"] = *e.translation == rules::VerdictKind::kRedirect ? "redirect" : "dnat";
      if (e.to_address) {
        PutAddressJson(j, sources.Render(*e.to_address), "to_address", "except_to_address", "except_to_address_set");
      } else {
        j["to_address"] = nullptr;
      }
      if (e.to_ports) {
        j["to_port"] = e.to_ports->IsRange(e.to_ports->Min(), e.to_ports->Max()) && e.to_ports->Min() == e.to_ports->Max()
                           ? ordered_json(e.to_ports->Min())
                           : ordered_json(rules::FormatPortSet(*e.to_ports));
      } else {
        j["to_port"] = nullptr;
      }
    }
    if (e.protocol == 6 && !e.other_protocols) {
      j["handshake"] = rules::HandshakeName(e.handshake);
      if (e.handshake_blocked_by) j["handshake_blocked_by"] = RuleJson(rs, *e.handshake_blocked_by);
    }
    j["connects"] = rules::Connects(e);
    j["opening"] = RuleJson(rs, e.opening);
    ordered_json rules_json = ordered_json::array();
    for (const auto& r : rules::Deciders(e)) rules_json.push_back(RuleJson(rs, r));
    j["rules"] = rules_json;
    j["guards"] = GuardsJson(rs, e.guards);
    list.push_back(std::move(j));
  }
  doc["exposures"] = list;
  doc["address_sets"] = NamedSetsJson(sources);
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
  out << JsonText(doc, 2) << "\n";
}

// One printed row of the text table, and the detail lines under it.
struct TextRow {
  std::string proto, ports, from, iface, rule;
  std::vector<std::string> details;
};

// Entries that differ only in protocol and each cover every port are one
// opening of "all" protocols (an `-i lo -j ACCEPT`, a policy ACCEPT).
std::string AllProtocolsKey(const ExposureEntry& e, const std::string& from, const std::string& iface) {
  if (!e.other_protocols && !(e.from == 0 && e.to == 65535)) return "";
  std::string key = from + "|" + iface + "|" + (e.conditional ? "c" : "u") + "|" +
                    rules::FormatPortSet(e.source_ports);
  for (const auto& r : rules::Deciders(e)) {
    key += "|" + rules::DecisionKey(r);
  }
  key += std::string(rules::Connects(e) ? "" : "|no-connection") + (e.translation ? "|nat" : "");
  for (const auto& g : e.guards) key += "|g" + std::to_string(g.kind) + "." + std::to_string(g.rule.rule);
  return key;
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
    // Sources and interfaces of each entry, rendered once.
    std::vector<const ExposureEntry*> mine;
    std::vector<std::string> from, iface;
    for (const auto& e : entries) {
      if (e.family != fam.family || e.profile != fam.scope.profile) continue;
      mine.push_back(&e);
      from.push_back(sources.Render(e.sources).summary);
      iface.push_back(EscapeForTerminal(JoinSummary(ex.interfaces.Describe(e.interfaces), 3)));
    }
    // Which all-port entries together cover every protocol.
    std::vector<std::string> keys(mine.size());
    std::map<std::string, rules::ProtocolSet> protocols_by_key;
    for (size_t i = 0; i < mine.size(); ++i) {
      const ExposureEntry& e = *mine[i];
      keys[i] = AllProtocolsKey(e, from[i], iface[i]);
      if (keys[i].empty()) continue;
      auto& p = protocols_by_key[keys[i]];
      p = p.Union(e.other_protocols ? e.protocols : rules::ProtocolSet::Single(e.protocol));
    }
    std::set<std::string> printed_all;
    std::vector<TextRow> rows;
    size_t openings = 0, local = 0;
    for (size_t i = 0; i < mine.size(); ++i) {
      const ExposureEntry& e = *mine[i];
      TextRow row;
      row.from = std::move(from[i]);
      row.iface = std::move(iface[i]);
      const std::string& key = keys[i];
      if (!key.empty() && protocols_by_key[key].IsAll()) {
        if (!printed_all.insert(key).second) continue;
        row.proto = "all";
        row.ports = "-";
      } else {
        row.proto = ProtoLabel(e);
        row.ports = PortsLabel(e);
      }
      bool is_local = ex.interfaces.IsLoopbackOnly(e.interfaces);
      ++openings;
      local += is_local;
      const std::vector<rules::Decision> deciders = rules::Deciders(e);
      for (size_t i = 0; i < deciders.size(); ++i) row.rule += (i ? " then " : "") + Where(rs, deciders[i]);
      if (is_local) row.rule += "  (local only)";
      // The opening rule as written, as audit shows it.
      if (const rules::RuleRef* opening = rules::DecidingRule(e.opening)) {
        row.details.push_back("rule: " + EscapeForTerminal(rules::RuleAt(rs, *opening).text));
      }
      if (e.translation) row.details.push_back(TranslationText(e));
      if (!rules::Connects(e)) {
        row.rule += "  [no connection]";
        row.details.push_back(HandshakeText(rs, e));
      }
      if (e.conditional) row.rule += "  [conditional]";
      if (!e.source_ports.IsAll()) row.details.push_back("source ports " + rules::FormatPortSet(e.source_ports));
      if (!e.destinations.IsAll()) row.details.push_back("to " + sources.Render(e.destinations).summary);
      for (const auto& g : e.guards) {
        std::string d = std::string(GuardWord(g.kind)) + " " + Where(rs, rules::RuleDecision{g.rule});
        d += ": " + EscapeForTerminal(ConditionsText(rs, rules::RuleAt(rs, g.rule)));
        row.details.push_back(std::move(d));
      }
      rows.push_back(std::move(row));
    }
    out << "\n" << rules::FamilyName(fam.family);
    if (!fam.scope.profile.empty()) out << " (" << fam.scope.profile << " profile)";
    out << ": " << openings << (openings == 1 ? " opening" : " openings");
    if (local) out << " (" << local << " local only)";
    out << "\n";
    if (rows.empty()) continue;
    TextRow head{"PROTO", "PORTS", "FROM", "INTERFACE", "RULE", {}};
    size_t w[4] = {DisplayWidth(head.proto), DisplayWidth(head.ports), DisplayWidth(head.from),
                   DisplayWidth(head.iface)};
    for (const auto& r : rows) {
      w[0] = std::max(w[0], DisplayWidth(r.proto));
      w[1] = std::max(w[1], DisplayWidth(r.ports));
      w[2] = std::max(w[2], DisplayWidth(r.from));
      w[3] = std::max(w[3], DisplayWidth(r.iface));
    }
    // One buffer for the table: tens of thousands of rows are common.
    std::string table;
    auto cell = [&](const std::string& text, size_t width) {
      table += text;
      table.append(width + 2 - DisplayWidth(text), ' ');
    };
    auto print = [&](const TextRow& r) {
      table += "  ";
      cell(r.proto, w[0]);
      cell(r.ports, w[1]);
      cell(r.from, w[2]);
      cell(r.iface, w[3]);
      table += r.rule;
      table += '\n';
      for (const auto& d : r.details) {
        table += "      ";
        table += d;
        table += '\n';
      }
    };
    print(head);
    for (const auto& r : rows) print(r);
    out << table;
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
      out << "  " << a.location.file << ":" << a.location.line << ": " << EscapeForTerminal(a.what) << "\n";
    }
  }
  if (!rs.ignored.empty()) {
    out << "\nIgnored input lines: " << rs.ignored.size() << "\n";
    for (const auto& i : rs.ignored) {
      out << "  " << i.location.file << ":" << i.location.line << ": " << EscapeForTerminal(i.reason) << ": "
          << EscapeForTerminal(i.text) << "\n";
    }
  }
}

}  // namespace

int RunPorts(const LoadedInputs& in, OutputFormat format, std::ostream& out, std::ostream& err, bool summary) {
  rules::Exposure ex = rules::ComputeExposure(in.ruleset);
  if (ReportEngineErrors(ex.errors, err, "no report")) return 2;
  std::vector<ExposureEntry> entries = rules::ListEntries(ex);
  if (summary) {
    WritePortsSummary(in, ex, entries, format, out);
  } else if (format == OutputFormat::kJson) {
    WriteJson(in, ex, entries, out);
  } else {
    WriteText(in, ex, entries, out);
  }
  return 0;
}

}  // namespace ghostport::audit
