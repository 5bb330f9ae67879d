#include "audit/commands/catalog_command.h"

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "audit/inputs.h"
#include "audit/reports/json_output.h"
#include "audit/text_escape.h"
#include "catalog/knowledge.h"
#include "catalog/lifecycle.h"
#include "catalog/present_use.h"
#include "catalog/registry.h"
#include "catalog/usage.h"
#include "parsers/diagnostic.h"

namespace ghostport::audit {

using catalog::Lifecycle;
using catalog::RangeClass;
using catalog::Transport;
using nlohmann::ordered_json;

namespace {

constexpr RangeClass kRanges[] = {RangeClass::kSystem, RangeClass::kUser, RangeClass::kDynamic};

// Present use by its strongest evidence: high, medium, low, none.
constexpr const char* kPresentColumns[] = {"high", "medium", "low", "none"};

struct LifecycleCounts {
  // [transport][range][lifecycle]
  std::size_t n[4][3][catalog::kLifecycleCount] = {};
  // [transport][range][present: high, medium, low, none]
  std::size_t present[4][3][4] = {};
  // [lifecycle][present]: the two judgements side by side, every transport
  std::size_t both[catalog::kLifecycleCount][4] = {};
};

LifecycleCounts CountLifecycles() {
  LifecycleCounts c;
  for (Transport t : catalog::kAllTransports) {
    for (std::uint32_t port = 0; port <= 65535; ++port) {
      const auto p = static_cast<std::uint16_t>(port);
      const catalog::PortFacts facts = catalog::Describe(p, t);
      const int range = static_cast<int>(catalog::RangeClassOf(p));
      const int present = facts.present.strongest ? static_cast<int>(*facts.present.strongest) : 3;
      ++c.n[static_cast<int>(t)][range][static_cast<int>(facts.lifecycle)];
      ++c.present[static_cast<int>(t)][range][present];
      ++c.both[static_cast<int>(facts.lifecycle)][present];
    }
  }
  return c;
}

struct KnowledgeCounts {
  std::size_t entries = 0;
  std::size_t high = 0;
  std::size_t medium = 0;
  std::size_t with_source = 0;
  std::size_t sources = 0;
  std::size_t port_transports = 0;
};

KnowledgeCounts CountKnowledge() {
  KnowledgeCounts k;
  for (const catalog::DeadRecord& d : catalog::BuiltInDead()) {
    ++k.entries;
    k.high += d.confidence == "high";
    k.medium += d.confidence == "medium";
    k.with_source += !d.sources.empty();
    k.sources += d.sources.size();
    for (Transport t : catalog::kAllTransports) k.port_transports += d.Covers(t);
  }
  return k;
}

}  // namespace

int RunCatalogStats(OutputFormat format, std::ostream& out) {
  const catalog::Registry& registry = catalog::Registry::Instance();
  const catalog::RegistryStats rs = registry.Stats();
  const catalog::UsageStats us = catalog::Usage::Instance().Stats();
  const KnowledgeCounts k = CountKnowledge();
  const LifecycleCounts lc = CountLifecycles();

  if (format == OutputFormat::kJson) {
    ordered_json j;
    j["registry"] = {{"source", registry.Source().file},
                     {"updated", registry.Source().updated},
                     {"sha256", registry.Source().sha256},
                     {"records", rs.records},
                     {"people", rs.people},
                     {"services", rs.services},
                     {"reserved", rs.reserved},
                     {"unassigned", rs.unassigned},
                     {"ranges", rs.ranges},
                     {"name_only", rs.name_only}};
    j["knowledge"] = {{"dead_entries", k.entries},     {"high", k.high},       {"medium", k.medium},
                      {"with_sources", k.with_source}, {"sources", k.sources}, {"port_transports", k.port_transports}};
    j["usage"] = {{"unofficial_rows", us.unofficial}, {"unofficial_ports", us.unofficial_ports},
                  {"malware_rows", us.malware},       {"malware_ports", us.malware_ports},
                  {"nmap_observed", us.observations}, {"debian_services", us.everyday}};
    // {transport: {range: {column: count}}} from count(t, r, column index).
    auto by_transport_range = [](const std::vector<std::string>& columns, const auto& count) {
      ordered_json out;
      for (Transport t : catalog::kAllTransports) {
        ordered_json per;
        for (RangeClass r : kRanges) {
          ordered_json counts;
          for (std::size_t c = 0; c < columns.size(); ++c) counts[columns[c]] = count(t, r, c);
          per[std::string(catalog::RangeClassName(r))] = std::move(counts);
        }
        out[std::string(catalog::TransportName(t))] = std::move(per);
      }
      return out;
    };
    std::vector<std::string> lifecycle_names;
    for (Lifecycle l : catalog::kAllLifecycles) lifecycle_names.emplace_back(catalog::LifecycleName(l));
    j["lifecycle"] = by_transport_range(lifecycle_names, [&](Transport t, RangeClass r, std::size_t c) {
      return lc.n[static_cast<int>(t)][static_cast<int>(r)][static_cast<int>(catalog::kAllLifecycles[c])];
    });
    j["present_use"] = by_transport_range(std::vector<std::string>(std::begin(kPresentColumns), std::end(kPresentColumns)),
                                          [&](Transport t, RangeClass r, std::size_t c) {
                                            return lc.present[static_cast<int>(t)][static_cast<int>(r)][c];
                                          });
    ordered_json both;
    for (Lifecycle l : catalog::kAllLifecycles) {
      ordered_json counts;
      for (int w = 0; w < 4; ++w) counts[kPresentColumns[w]] = lc.both[static_cast<int>(l)][w];
      both[std::string(catalog::LifecycleName(l))] = std::move(counts);
    }
    j["lifecycle_by_present_use"] = std::move(both);
    ordered_json present_sources = ordered_json::array();
    for (const catalog::UsageSource& s : catalog::PresentUses::Instance().Sources()) {
      present_sources.push_back({{"id", s.id}, {"title", s.title}, {"as_of", s.as_of}});
    }
    j["present_use_sources"] = std::move(present_sources);
    ordered_json sources = ordered_json::array();
    for (const catalog::UsageSource& s : catalog::Usage::Instance().Sources()) {
      sources.push_back({{"id", s.id},
                         {"title", s.title},
                         {"as_of", s.as_of},
                         {"weight", catalog::SourceWeightName(s.weight)}});
    }
    j["usage_sources"] = std::move(sources);
    out << JsonText(j, 2) << "\n";
    return 0;
  }

  out << "registry   " << rs.records << " records, " << rs.people << " people; IANA, updated "
      << registry.Source().updated << "\n"
      << "           " << rs.services << " service records, " << rs.reserved << " reserved, " << rs.unassigned
      << " unassigned, " << rs.ranges << " ranges, " << rs.name_only << " without a port\n";
  out << "knowledge  " << k.entries << " dead entries (" << k.high << " high, " << k.medium << " medium confidence), "
      << k.with_source << " with sources (" << k.sources << " sources), covering " << k.port_transports
      << " port/transport pairs\n";
  out << "usage      " << us.unofficial << " unofficial uses on " << us.unofficial_ports << " port/transport pairs; "
      << us.malware << " malware associations on " << us.malware_ports << "; nmap sees " << us.observations
      << " open; Debian's services list " << us.everyday << "\n";
  for (const catalog::UsageSource& s : catalog::Usage::Instance().Sources()) {
    out << "             " << s.id << " (" << s.as_of << ", " << catalog::SourceWeightName(s.weight) << ")\n";
  }
  out << "\nlifecycle by port  ";
  for (Lifecycle l : catalog::kAllLifecycles) {
    std::string name(catalog::LifecycleName(l));
    name.resize(12, ' ');
    out << name;
  }
  out << "\n";
  for (Transport t : catalog::kAllTransports) {
    for (RangeClass r : kRanges) {
      std::string label = std::string(catalog::TransportName(t)) + " " + std::string(catalog::RangeClassName(r));
      label.resize(19, ' ');
      out << label;
      for (Lifecycle l : catalog::kAllLifecycles) {
        std::string n = std::to_string(lc.n[static_cast<int>(t)][static_cast<int>(r)][static_cast<int>(l)]);
        n.resize(12, ' ');
        out << n;
      }
      out << "\n";
    }
  }
  auto header = [&](std::string_view title, const auto& columns) {
    std::string line(title);
    line.resize(19, ' ');
    out << line;
    for (const auto& column : columns) {
      std::string name(column);
      name.resize(12, ' ');
      out << name;
    }
    out << "\n";
  };
  auto cell = [&](std::size_t n) {
    std::string text = std::to_string(n);
    text.resize(12, ' ');
    out << text;
  };
  out << "\n";
  header("present use", kPresentColumns);
  for (Transport t : catalog::kAllTransports) {
    for (RangeClass r : kRanges) {
      std::string label = std::string(catalog::TransportName(t)) + " " + std::string(catalog::RangeClassName(r));
      label.resize(19, ' ');
      out << label;
      for (int w = 0; w < 4; ++w) cell(lc.present[static_cast<int>(t)][static_cast<int>(r)][w]);
      out << "\n";
    }
  }
  out << "\n";
  header("lifecycle/present", kPresentColumns);
  for (Lifecycle l : catalog::kAllLifecycles) {
    std::string label(catalog::LifecycleName(l));
    label.resize(19, ' ');
    out << label;
    for (int w = 0; w < 4; ++w) cell(lc.both[static_cast<int>(l)][w]);
    out << "\n";
  }
  out << "present-use sources\n";
  for (const catalog::UsageSource& s : catalog::PresentUses::Instance().Sources()) {
    out << "             " << s.id << " (" << s.as_of << ")\n";
  }
  return 0;
}

int RunCatalogLint(const std::string& knowledge_file, std::ostream& out, std::ostream& err) {
  std::string text;
  std::string file(catalog::kDefaultKnowledgeFile);
  if (knowledge_file.empty()) {
    text = std::string(catalog::DefaultKnowledgeText());
    file += " (built in)";
  } else {
    std::optional<std::string> read = ReadText(knowledge_file, err);
    if (!read) return 2;
    text = std::move(*read);
    file = knowledge_file == "-" ? "<stdin>" : knowledge_file;
  }
  const catalog::KnowledgeResult loaded = catalog::LoadKnowledge(text, file);
  if (!loaded.ok()) {
    for (const catalog::KnowledgeDiagnostic& d : loaded.diagnostics) {
      parsers::Diagnostic diagnostic;
      diagnostic.location = {d.file, static_cast<int>(d.line), static_cast<int>(d.column)};
      diagnostic.message = d.message;
      diagnostic.source_line = parsers::LineAt(text, static_cast<int>(d.line));
      err << parsers::Render(diagnostic, EscapeForTerminal);
    }
    err << "error: " << file << " does not load; nothing was linted\n";
    return 2;
  }
  const std::vector<catalog::LintFinding> findings = catalog::Lint(loaded.knowledge, catalog::Registry::Instance());
  for (const catalog::LintFinding& f : findings) out << f.Render(file) << "\n";
  std::size_t sources = 0;
  for (const catalog::DeadEntry& d : loaded.knowledge.dead) sources += d.sources.size();
  out << file << ": " << loaded.knowledge.dead.size() << " dead entries, " << sources << " sources: "
      << (findings.empty() ? "clean (every entry has evidence and a source; nothing contradicts the registry)"
                           : std::to_string(findings.size()) + " finding(s)")
      << "\n";
  return findings.empty() ? 0 : 1;
}

}  // namespace ghostport::audit
