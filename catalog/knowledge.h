// Curated port knowledge (catalog/knowledge/*.toml): for now the dead
// registrations of dead.toml. LoadKnowledge reads the TOML into plain structs
// with `file:line:col` diagnostics; Lint holds the result against the
// compiled-in registry. dead.toml itself is embedded in the program at build
// time (DefaultKnowledgeText), so nothing is read from disk at run time.
#pragma once

#include "catalog/registry.h"
#include "catalog/toml_reader.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

// One source supporting an entry: what it is, where, and when it was read.
struct Source {
  std::string title;
  std::string url;
  std::string seen;  // date the source was last checked, YYYY-MM-DD as written
};

// A registration curated as dead: registered, but the software or service
// behind it is gone.
struct DeadEntry {
  std::uint16_t port = 0;
  std::vector<Transport> transports;  // in file order
  std::string service;                // IANA service name, as the registry spells it
  std::string what;                   // what it was
  std::string evidence;               // what happened to it
  std::string since;                  // when it died, free text ("2010", "2000s"); may be empty
  std::string confidence;             // "high" or "medium" (Lint checks)
  std::vector<Source> sources;
  std::uint32_t line = 0;  // 1-based line of the entry's [[dead]] header
};

struct Knowledge {
  std::vector<DeadEntry> dead;  // in file order
};

// A problem in the knowledge file, at a 1-based line and column.
using KnowledgeDiagnostic = TomlDiagnostic;

struct KnowledgeResult {
  // Every entry that loaded without error (a broken entry is left out, and
  // diagnosed).
  Knowledge knowledge;
  std::vector<KnowledgeDiagnostic> diagnostics;

  bool ok() const { return diagnostics.empty(); }
};

// Parses curated knowledge TOML. `file_name` only labels diagnostics. A TOML
// syntax error yields one diagnostic and no entries; unknown keys, missing
// keys, wrong types and bad values are diagnosed one by one and loading goes
// on. Never throws.
KnowledgeResult LoadKnowledge(std::string_view toml_text, std::string_view file_name);

// The text of catalog/knowledge/dead.toml as it was at build time.
std::string_view DefaultKnowledgeText();
inline constexpr std::string_view kDefaultKnowledgeFile = "catalog/knowledge/dead.toml";

// Ports of everyday services, which are never dead whatever the file says.
inline constexpr std::uint16_t kEverydayPorts[] = {22, 443, 3306, 3389, 5432, 6379, 8080, 27017};

// The dead entries of dead.toml as constant tables compiled at build time
// (catalog/tools/compile_knowledge.cpp): what the program looks up, with no
// TOML parsed at run time. Strings are views into the program's constant data.
struct DeadSource {
  std::string_view title;
  std::string_view url;
  std::string_view seen;
};

struct DeadRecord {
  std::uint16_t port;
  std::uint8_t transports;  // bit (1 << Transport) per transport listed
  std::uint32_t line;       // the entry's [[dead]] line in dead.toml
  std::string_view service;
  std::string_view what;
  std::string_view evidence;
  std::string_view since;
  std::string_view confidence;
  std::span<const DeadSource> sources;

  bool Covers(Transport t) const { return (transports >> static_cast<unsigned>(t)) & 1U; }
};

// Every built-in dead entry, by port and then file order.
std::span<const DeadRecord> BuiltInDead();
// The built-in entries for `port` on `t` (several when several services
// registered there are dead).
std::vector<const DeadRecord*> BuiltInDeadAt(std::uint16_t port, Transport t);

// One lint finding about one entry.
struct LintFinding {
  std::uint32_t line = 0;  // the entry's [[dead]] line
  std::uint16_t port = 0;
  std::string check;       // "knowledge-evidence", ... (see README)
  std::string message;

  // "file:line: warning: message [check]"
  std::string Render(std::string_view file_name) const;
};

// Checks each dead entry: evidence present; at least one https source;
// service registered on that port for every transport listed; confidence
// high or medium; no duplicate (port, transport, service); no everyday port.
// Findings in entry order, then check order.
std::vector<LintFinding> Lint(const Knowledge& knowledge, const Registry& registry);

}  // namespace ghostport::catalog
