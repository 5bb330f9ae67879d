#include "audit/policy.h"

#include <algorithm>
#include <ostream>

#include "audit/inputs.h"
#include "parsers/diagnostic.h"

namespace ghostport::audit {

using catalog::PortRange;
using catalog::TomlReader;
using catalog::Transport;

std::vector<const PortAssignment*> Policy::AssignmentsAt(std::uint16_t port, Transport t) const {
  std::vector<const PortAssignment*> out;
  for (const PortAssignment& a : assignments) {
    if (port >= a.ports.first && port <= a.ports.last &&
        std::find(a.transports.begin(), a.transports.end(), t) != a.transports.end()) {
      out.push_back(&a);
    }
  }
  return out;
}

namespace {

constexpr std::string_view kWhere = "[[assignments]]";

std::string RangeText(PortRange r) {
  return r.first == r.last ? std::to_string(r.first) : std::to_string(r.first) + "-" + std::to_string(r.last);
}

bool LoadAssignment(TomlReader& reader, const toml::table& table, PortAssignment& out) {
  out.line = table.source().begin.line;
  bool ok = reader.CheckKeys(table, kWhere, {"port", "transport", "name", "owner", "note"},
                             {"port", "transport", "name", "owner"});
  for (auto&& [key, value] : table) {
    const std::string_view k = key.str();
    if (k == "port") ok = reader.ReadPortRange(value, k, out.ports) && ok;
    if (k == "transport") ok = reader.ReadTransports(value, k, out.transports, /*single_allowed=*/true) && ok;
    if (k == "name") ok = reader.ReadString(value, k, out.name) && ok;
    if (k == "owner") ok = reader.ReadString(value, k, out.owner) && ok;
    if (k == "note") ok = reader.ReadString(value, k, out.note) && ok;
  }
  for (std::string_view k : {"name", "owner"}) {
    const auto* s = table.get(k);
    if (s != nullptr && s->is_string() && s->as_string()->get().find_first_not_of(" \t") == std::string::npos) {
      reader.Error(s->source(), "'" + std::string(k) + "' is empty");
      ok = false;
    }
  }
  return ok;
}

// Two assignments claiming the same port and transport contradict each other.
void CheckOverlaps(TomlReader& reader, const toml::array& array, const std::vector<PortAssignment>& all) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const PortAssignment& a = all[j];
      const PortAssignment& b = all[i];
      if (b.ports.first > a.ports.last || a.ports.first > b.ports.last) continue;
      for (Transport t : b.transports) {
        if (std::find(a.transports.begin(), a.transports.end(), t) == a.transports.end()) continue;
        const toml::node* node = nullptr;
        for (const toml::node& item : array) {
          if (item.source().begin.line == b.line) node = &item;
        }
        toml::source_position at{b.line, 1};
        if (node != nullptr) at = node->source().begin;
        reader.Error(at, "ports " + RangeText(b.ports) + "/" + std::string(catalog::TransportName(t)) +
                             " are already assigned at line " + std::to_string(a.line) + " ('" + a.name +
                             "')");
        break;
      }
    }
  }
}

}  // namespace

PolicyResult LoadPolicy(std::string_view text, std::string_view file) {
  PolicyResult result;
  result.policy.file = std::string(file);
  TomlReader reader(file);
  reader.Parse(text, [&](const toml::table& root) {
    for (auto&& [key, value] : root) {
      if (key.str() != "assignments") {
        reader.Error(key.source(), "unknown key '" + std::string(key.str()) +
                                       "' (this version reads [[assignments]] only; severity overrides "
                                       "and waivers are not available yet)");
        continue;
      }
      const toml::array* array = reader.ForEachTable(value, "assignments", [&](const toml::table& table) {
        PortAssignment a;
        if (LoadAssignment(reader, table, a)) result.policy.assignments.push_back(std::move(a));
      });
      if (array != nullptr) CheckOverlaps(reader, *array, result.policy.assignments);
    }
  });
  result.diagnostics = reader.TakeDiagnostics();
  return result;
}

std::optional<Policy> ReadPolicy(const std::string& path, std::ostream& err) {
  const std::optional<std::string> text = ReadText(path, err);
  if (!text) return std::nullopt;
  const std::string file = path == "-" ? "<stdin>" : path;
  PolicyResult result = LoadPolicy(*text, file);
  if (result.ok()) return std::move(result.policy);
  for (const catalog::TomlDiagnostic& d : result.diagnostics) {
    parsers::Diagnostic diagnostic;
    diagnostic.location = {d.file, static_cast<int>(d.line), static_cast<int>(d.column)};
    diagnostic.message = d.message;
    diagnostic.source_line = parsers::LineAt(*text, d.line);
    err << parsers::Render(diagnostic);
  }
  err << "error: the policy file has errors; nothing was reported\n";
  return std::nullopt;
}

}  // namespace ghostport::audit
