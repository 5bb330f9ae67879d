#include "catalog/knowledge.h"

#include "catalog/toml_reader.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ghostport::catalog {

std::string LintFinding::Render(std::string_view file_name) const {
  return std::string(file_name) + ":" + std::to_string(line) + ":1: warning: " + message + " [" +
         check + "]";
}

namespace {

// ---------------------------------------------------------------------------
// Loading

std::string KeyList(std::string_view a, std::string_view b) {
  return a.empty() ? std::string(b) : std::string(a) + ", " + std::string(b);
}

bool LoadSource(TomlReader& reader, const toml::node& node, Source& source) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    reader.WrongType(node, "'sources' entries", "tables {title, url, seen}");
    return false;
  }
  bool ok = true;
  for (auto&& [key, value] : *table) {
    if (key.str() == "title") {
      ok = reader.ReadString(value, "title", source.title) && ok;
    } else if (key.str() == "url") {
      ok = reader.ReadString(value, "url", source.url) && ok;
    } else if (key.str() == "seen") {
      ok = reader.ReadString(value, "seen", source.seen) && ok;
    } else {
      reader.Error(key.source(), "unknown key '" + std::string(key.str()) +
                                     "' in a source (expected title, url, seen)");
      ok = false;
    }
  }
  for (std::string_view key : {"title", "url", "seen"}) {
    if (!table->contains(key)) {
      reader.Error(table->source(), "source is missing '" + std::string(key) + "'");
      ok = false;
    }
  }
  return ok;
}

bool LoadSources(TomlReader& reader, const toml::node& node, DeadEntry& entry) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    reader.WrongType(node, "'sources'", "an array of tables");
    return false;
  }
  bool ok = true;
  for (const toml::node& item : *array) {
    Source source;
    if (LoadSource(reader, item, source)) {
      entry.sources.push_back(std::move(source));
    } else {
      ok = false;
    }
  }
  return ok;
}

bool LoadDead(TomlReader& reader, const toml::table& table, DeadEntry& entry) {
  entry.line = table.source().begin.line;
  bool ok = reader.CheckKeys(table, "[[dead]]",
                             {"port", "transports", "service", "what", "evidence", "since", "confidence",
                              "sources"},
                             {});
  for (auto&& [key, value] : table) {
    const std::string_view k = key.str();
    if (k == "port") ok = reader.ReadPort(value, k, entry.port) && ok;
    if (k == "transports") ok = reader.ReadTransports(value, k, entry.transports) && ok;
    if (k == "service") ok = reader.ReadString(value, k, entry.service) && ok;
    if (k == "what") ok = reader.ReadString(value, k, entry.what) && ok;
    if (k == "evidence") ok = reader.ReadString(value, k, entry.evidence) && ok;
    if (k == "since") ok = reader.ReadString(value, k, entry.since) && ok;
    if (k == "confidence") ok = reader.ReadString(value, k, entry.confidence) && ok;
    if (k == "sources") ok = LoadSources(reader, value, entry) && ok;
  }
  for (std::string_view key : {"port", "transports", "service", "what", "evidence", "confidence", "sources"}) {
    if (!table.contains(key)) {
      reader.Error(table.source(), "[[dead]] entry is missing '" + std::string(key) + "'");
      ok = false;
    }
  }
  return ok;
}

void LoadDocument(TomlReader& reader, const toml::table& root, Knowledge& knowledge) {
  for (auto&& [key, value] : root) {
    if (key.str() != "dead") {
      reader.Error(key.source(), "unknown table '" + std::string(key.str()) + "' (expected [[dead]])");
      continue;
    }
    reader.ForEachTable(value, "dead", [&](const toml::table& table) {
      DeadEntry entry;
      if (LoadDead(reader, table, entry)) knowledge.dead.push_back(std::move(entry));
    });
  }
  std::stable_sort(knowledge.dead.begin(), knowledge.dead.end(),
                   [](const DeadEntry& a, const DeadEntry& b) { return a.line < b.line; });
}

// ---------------------------------------------------------------------------
// Lint

constexpr std::string_view kCheckEvidence = "knowledge-evidence";
constexpr std::string_view kCheckSource = "knowledge-source";
constexpr std::string_view kCheckRegistry = "knowledge-registry";
constexpr std::string_view kCheckConfidence = "knowledge-confidence";
constexpr std::string_view kCheckDuplicate = "knowledge-duplicate";
constexpr std::string_view kCheckEveryday = "knowledge-everyday";

constexpr std::string_view kAcceptedConfidence[] = {"high", "medium"};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

std::string PortText(std::uint16_t port, Transport t) {
  return std::to_string(port) + "/" + std::string(TransportName(t));
}

class Linter {
 public:
  Linter(const Registry& registry, std::vector<LintFinding>& out) : registry_(registry), out_(out) {}

  void Check(const DeadEntry& entry) {
    CheckEvidence(entry);
    CheckSource(entry);
    CheckRegistry(entry);
    CheckConfidence(entry);
    CheckDuplicate(entry);
    CheckEveryday(entry);
  }

 private:
  void Report(const DeadEntry& entry, std::string_view check, std::string message) {
    out_.push_back({entry.line, entry.port, std::string(check), std::move(message)});
  }

  void CheckEvidence(const DeadEntry& entry) {
    if (Blank(entry.evidence)) {
      Report(entry, kCheckEvidence, "'" + entry.service + "' has no evidence");
    }
  }

  void CheckSource(const DeadEntry& entry) {
    const bool any = std::any_of(entry.sources.begin(), entry.sources.end(), [](const Source& s) {
      const std::string url = Lower(s.url);
      return url.starts_with("https://") || url.starts_with("http://");
    });
    if (!any) {
      Report(entry, kCheckSource,
             "'" + entry.service + "' on port " + std::to_string(entry.port) +
                 (entry.sources.empty() ? " has no source" : " has no source with a web address"));
    }
  }

  void CheckRegistry(const DeadEntry& entry) {
    const std::string wanted = Lower(entry.service);
    for (Transport t : entry.transports) {
      std::string registered;
      bool found = false;
      for (const RegistryRecord& record : registry_.Lookup(entry.port, t)) {
        if (record.Kind() != RecordKind::kService) continue;
        if (Lower(record.Name()) == wanted) found = true;
        registered = KeyList(registered, record.Name());
      }
      if (found) continue;
      Report(entry, kCheckRegistry,
             "'" + entry.service + "' is not registered on " + PortText(entry.port, t) +
                 (registered.empty() ? " (no service is registered there)"
                                     : " (registered there: " + registered + ")"));
    }
  }

  void CheckConfidence(const DeadEntry& entry) {
    if (std::find(std::begin(kAcceptedConfidence), std::end(kAcceptedConfidence),
                  entry.confidence) == std::end(kAcceptedConfidence)) {
      Report(entry, kCheckConfidence,
             "'" + entry.service + "' has confidence '" + entry.confidence +
                 "' (a dead entry needs high or medium)");
    }
  }

  void CheckDuplicate(const DeadEntry& entry) {
    for (Transport t : entry.transports) {
      const auto [at, inserted] =
          seen_.emplace(std::make_tuple(entry.port, t, Lower(entry.service)), entry.line);
      if (!inserted) {
        Report(entry, kCheckDuplicate,
               "'" + entry.service + "' on " + PortText(entry.port, t) +
                   " is already listed at line " + std::to_string(at->second));
      }
    }
  }

  void CheckEveryday(const DeadEntry& entry) {
    if (std::find(std::begin(kEverydayPorts), std::end(kEverydayPorts), entry.port) !=
        std::end(kEverydayPorts)) {
      Report(entry, kCheckEveryday,
             "port " + std::to_string(entry.port) +
                 " carries an everyday service and is never dead");
    }
  }

  const Registry& registry_;
  std::vector<LintFinding>& out_;
  std::map<std::tuple<std::uint16_t, Transport, std::string>, std::uint32_t> seen_;
};

}  // namespace

KnowledgeResult LoadKnowledge(std::string_view toml_text, std::string_view file_name) {
  KnowledgeResult result;
  TomlReader reader(file_name);
  reader.Parse(toml_text, [&](const toml::table& root) { LoadDocument(reader, root, result.knowledge); });
  result.diagnostics = reader.TakeDiagnostics();
  return result;
}

std::vector<LintFinding> Lint(const Knowledge& knowledge, const Registry& registry) {
  std::vector<LintFinding> findings;
  Linter linter(registry, findings);
  for (const DeadEntry& entry : knowledge.dead) linter.Check(entry);
  return findings;
}

}  // namespace ghostport::catalog
