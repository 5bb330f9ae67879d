#include "catalog/knowledge.h"

#include <toml++/toml.h>  // Debian ships toml.h (no toml.hpp)

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

std::string KnowledgeDiagnostic::Render() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

std::string LintFinding::Render(std::string_view file_name) const {
  return std::string(file_name) + ":" + std::to_string(line) + ":1: warning: " + message + " [" +
         check + "]";
}

namespace {

// ---------------------------------------------------------------------------
// Loading

std::string_view TypeName(toml::node_type t) {
  switch (t) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "a value";
}

class Loader {
 public:
  explicit Loader(std::string_view file) : file_(file) {}

  void Error(const toml::source_position& at, std::string message) {
    diagnostics_.push_back({file_, at.line, at.column, std::move(message)});
  }
  void Error(const toml::source_region& at, std::string message) {
    Error(at.begin, std::move(message));
  }
  // Reports `what` (a key, or "'key' entries") having the wrong type.
  void WrongType(const toml::node& node, std::string_view what, std::string_view wanted) {
    Error(node.source(), std::string(what) + " must be " + std::string(wanted) + ", not " +
                             std::string(TypeName(node.type())));
  }

  // The string value of `node`, or a diagnostic and false.
  bool ReadString(const toml::node& node, std::string_view key, std::string& out) {
    if (const auto* s = node.as_string()) {
      out = s->get();
      return true;
    }
    WrongType(node, "'" + std::string(key) + "'", "a string");
    return false;
  }

  void LoadDocument(const toml::table& root, Knowledge& knowledge);
  bool LoadSource(const toml::node& node, Source& source);

  std::vector<KnowledgeDiagnostic> TakeDiagnostics() {
    // Keys are visited in name order; report in file order.
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return std::move(diagnostics_);
  }

 private:
  bool LoadDead(const toml::table& table, DeadEntry& entry);

  std::string file_;
  std::vector<KnowledgeDiagnostic> diagnostics_;
};

bool ReadPort(Loader& loader, const toml::node& node, DeadEntry& entry) {
  const auto* value = node.as_integer();
  if (value == nullptr) {
    loader.WrongType(node, "'port'", "an integer");
    return false;
  }
  const std::int64_t port = value->get();
  if (port < 0 || port > 65535) {
    loader.Error(node.source(), "'port' " + std::to_string(port) + " is out of range 0-65535");
    return false;
  }
  entry.port = static_cast<std::uint16_t>(port);
  return true;
}

bool ReadTransports(Loader& loader, const toml::node& node, DeadEntry& entry) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    loader.WrongType(node, "'transports'", "an array of strings");
    return false;
  }
  if (array->empty()) {
    loader.Error(node.source(), "'transports' is empty");
    return false;
  }
  bool ok = true;
  for (const toml::node& item : *array) {
    const auto* text = item.as_string();
    if (text == nullptr) {
      loader.WrongType(item, "'transports' entries", "strings");
      ok = false;
      continue;
    }
    const std::optional<Transport> t = ParseTransport(text->get());
    if (!t) {
      loader.Error(item.source(), "unknown transport '" + text->get() +
                                      "' (expected tcp, udp, sctp or dccp)");
      ok = false;
    } else if (std::find(entry.transports.begin(), entry.transports.end(), *t) !=
               entry.transports.end()) {
      loader.Error(item.source(), "transport '" + text->get() + "' is listed twice");
      ok = false;
    } else {
      entry.transports.push_back(*t);
    }
  }
  return ok;
}

bool ReadService(Loader& l, const toml::node& n, DeadEntry& e) { return l.ReadString(n, "service", e.service); }
bool ReadWhat(Loader& l, const toml::node& n, DeadEntry& e) { return l.ReadString(n, "what", e.what); }
bool ReadEvidence(Loader& l, const toml::node& n, DeadEntry& e) { return l.ReadString(n, "evidence", e.evidence); }
bool ReadSince(Loader& l, const toml::node& n, DeadEntry& e) { return l.ReadString(n, "since", e.since); }
bool ReadConfidence(Loader& l, const toml::node& n, DeadEntry& e) {
  return l.ReadString(n, "confidence", e.confidence);
}
bool ReadSources(Loader& loader, const toml::node& node, DeadEntry& entry);

using EntryReader = bool (*)(Loader&, const toml::node&, DeadEntry&);
struct EntryField {
  std::string_view key;
  bool required;
  EntryReader read;
};
// The keys of a [[dead]] entry, in the order the file writes them.
constexpr EntryField kDeadFields[] = {
    {"port", true, ReadPort},           {"transports", true, ReadTransports},
    {"service", true, ReadService},     {"what", true, ReadWhat},
    {"evidence", true, ReadEvidence},   {"since", false, ReadSince},
    {"confidence", true, ReadConfidence}, {"sources", true, ReadSources},
};

// The keys of one source, all required strings.
struct SourceField {
  std::string_view key;
  std::string Source::*member;
};
constexpr SourceField kSourceFields[] = {
    {"title", &Source::title}, {"url", &Source::url}, {"seen", &Source::seen}};

std::string KeyList(std::string_view a, std::string_view b) {
  return a.empty() ? std::string(b) : std::string(a) + ", " + std::string(b);
}

bool Loader::LoadSource(const toml::node& node, Source& source) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    WrongType(node, "'sources' entries", "tables {title, url, seen}");
    return false;
  }
  bool ok = true;
  for (auto&& [key, value] : *table) {
    const auto* field = std::find_if(std::begin(kSourceFields), std::end(kSourceFields),
                                     [&](const SourceField& f) { return f.key == key.str(); });
    if (field == std::end(kSourceFields)) {
      Error(key.source(), "unknown key '" + std::string(key.str()) +
                              "' in a source (expected title, url, seen)");
      ok = false;
    } else {
      ok = ReadString(value, field->key, source.*(field->member)) && ok;
    }
  }
  for (const SourceField& field : kSourceFields) {
    if (!table->contains(field.key)) {
      Error(table->source(), "source is missing '" + std::string(field.key) + "'");
      ok = false;
    }
  }
  return ok;
}

bool Loader::LoadDead(const toml::table& table, DeadEntry& entry) {
  entry.line = table.source().begin.line;
  bool ok = true;
  for (auto&& [key, value] : table) {
    const auto* field = std::find_if(std::begin(kDeadFields), std::end(kDeadFields),
                                     [&](const EntryField& f) { return f.key == key.str(); });
    if (field == std::end(kDeadFields)) {
      std::string expected;
      for (const EntryField& f : kDeadFields) expected = KeyList(expected, f.key);
      Error(key.source(), "unknown key '" + std::string(key.str()) + "' in [[dead]] (expected " +
                              expected + ")");
      ok = false;
    } else {
      ok = field->read(*this, value, entry) && ok;
    }
  }
  for (const EntryField& field : kDeadFields) {
    if (field.required && !table.contains(field.key)) {
      Error(table.source(), "[[dead]] entry is missing '" + std::string(field.key) + "'");
      ok = false;
    }
  }
  return ok;
}

bool ReadSources(Loader& loader, const toml::node& node, DeadEntry& entry) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    loader.WrongType(node, "'sources'", "an array of tables");
    return false;
  }
  bool ok = true;
  for (const toml::node& item : *array) {
    Source source;
    if (loader.LoadSource(item, source)) {
      entry.sources.push_back(std::move(source));
    } else {
      ok = false;
    }
  }
  return ok;
}

void Loader::LoadDocument(const toml::table& root, Knowledge& knowledge) {
  for (auto&& [key, value] : root) {
    if (key.str() != "dead") {
      Error(key.source(), "unknown table '" + std::string(key.str()) + "' (expected [[dead]])");
      continue;
    }
    const auto* array = value.as_array();
    if (array == nullptr) {
      WrongType(value, "'dead'", "an array of tables ([[dead]])");
      continue;
    }
    for (const toml::node& item : *array) {
      const auto* table = item.as_table();
      if (table == nullptr) {
        WrongType(item, "'dead' entries", "tables ([[dead]])");
        continue;
      }
      DeadEntry entry;
      if (LoadDead(*table, entry)) knowledge.dead.push_back(std::move(entry));
    }
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
  Loader loader(file_name);
  // The one place toml++ is called: its parse_error stops here.
  try {
    const toml::table root = toml::parse(toml_text, file_name);
    loader.LoadDocument(root, result.knowledge);
  } catch (const toml::parse_error& error) {
    loader.Error(error.source(), std::string(error.description()));
    result.knowledge = {};
  }
  result.diagnostics = loader.TakeDiagnostics();
  return result;
}

std::vector<LintFinding> Lint(const Knowledge& knowledge, const Registry& registry) {
  std::vector<LintFinding> findings;
  Linter linter(registry, findings);
  for (const DeadEntry& entry : knowledge.dead) linter.Check(entry);
  return findings;
}

}  // namespace ghostport::catalog
