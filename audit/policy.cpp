#include "audit/policy.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <ostream>

#include "audit/inputs.h"
#include "audit/text_escape.h"
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

template <std::size_t N>
bool OneOf(const std::string_view (&names)[N], std::string_view value) {
  return std::find(std::begin(names), std::end(names), value) != std::end(names);
}

template <std::size_t N>
std::string Listed(const std::string_view (&names)[N]) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// A string value that must be one of `names`.
template <std::size_t N>
bool ReadChoice(TomlReader& reader, const toml::node& node, std::string_view what, const std::string_view (&names)[N],
                std::string& out) {
  if (!reader.ReadString(node, what, out)) return false;
  if (OneOf(names, out)) return true;
  reader.Error(node.source(), "'" + std::string(what) + "' is \"" + out + "\" (expected " + Listed(names) + ")");
  return false;
}

void LoadSeverity(TomlReader& reader, const toml::node& value, std::vector<SeverityOverride>& out) {
  const auto* table = value.as_table();
  if (table == nullptr) {
    reader.WrongType(value, "'severity'", "a table ([severity])");
    return;
  }
  for (auto&& [key, node] : *table) {
    const std::string klass(key.str());
    if (!OneOf(kPolicyClasses, klass)) {
      reader.Error(key.source(), "unknown finding class '" + klass + "' in [severity] (expected " +
                                     Listed(kPolicyClasses) + ")");
      continue;
    }
    if (node.is_string()) {
      SeverityOverride o{klass, "", "", node.source().begin.line};
      if (ReadChoice(reader, node, klass, kPolicySeverities, o.severity)) out.push_back(std::move(o));
      continue;
    }
    const auto* scopes = node.as_table();
    if (scopes == nullptr) {
      reader.WrongType(node, "'" + klass + "'", "a severity or a table of scopes");
      continue;
    }
    for (auto&& [scope, level] : *scopes) {
      if (!OneOf(kPolicyScopes, scope.str())) {
        reader.Error(scope.source(), "unknown scope '" + std::string(scope.str()) + "' in [severity." + klass +
                                         "] (expected " + Listed(kPolicyScopes) + ")");
        continue;
      }
      SeverityOverride o{klass, std::string(scope.str()), "", level.source().begin.line};
      if (ReadChoice(reader, level, scope.str(), kPolicySeverities, o.severity)) out.push_back(std::move(o));
    }
  }
}

bool LoadWaiver(TomlReader& reader, const toml::table& table, Waiver& w) {
  w.line = table.source().begin.line;
  bool ok = reader.CheckKeys(table, "[[waivers]]",
                             {"fingerprint", "class", "port", "transport", "reason", "owner", "ticket", "expires"},
                             {"reason", "owner", "ticket", "expires"});
  for (auto&& [key, value] : table) {
    const std::string_view k = key.str();
    if (k == "fingerprint") ok = reader.ReadString(value, k, w.fingerprint) && ok;
    if (k == "class") ok = ReadChoice(reader, value, k, kPolicyClasses, w.klass) && ok;
    if (k == "port") {
      PortRange r{0, 0};
      if (reader.ReadPortRange(value, k, r)) {
        w.ports = r;
      } else {
        ok = false;
      }
    }
    if (k == "transport") {
      std::vector<catalog::Transport> ts;
      ok = reader.ReadTransports(value, k, ts, /*single_allowed=*/true) && ok;
      for (catalog::Transport t : ts) w.transports.emplace_back(catalog::TransportName(t));
    }
    if (k == "reason") ok = reader.ReadString(value, k, w.reason) && ok;
    if (k == "owner") ok = reader.ReadString(value, k, w.owner) && ok;
    if (k == "ticket") ok = reader.ReadString(value, k, w.ticket) && ok;
    if (k == "expires") {
      if (const auto* date = value.as_date()) {
        char text[16];
        const toml::date d = date->get();
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(d.year), static_cast<int>(d.month),
                      static_cast<int>(d.day));
        w.expires = text;
      } else {
        reader.WrongType(value, "'expires'", "a date (expires = 2027-03-31)");
        ok = false;
      }
    }
  }
  const bool by_fingerprint = !w.fingerprint.empty();
  const bool by_port = !w.klass.empty() && w.ports.has_value();
  if (ok && by_fingerprint == by_port) {
    reader.Error(table.source(), by_fingerprint
                                     ? "[[waivers]] names both a fingerprint and a class+port: give one"
                                     : "[[waivers]] needs a 'fingerprint', or a 'class' and a 'port'");
    ok = false;
  }
  for (std::string_view k : {"reason", "owner", "ticket"}) {
    const auto* node = table.get(k);
    if (node != nullptr && node->is_string() &&
        node->as_string()->get().find_first_not_of(" \t") == std::string::npos) {
      reader.Error(node->source(), "'" + std::string(k) + "' is empty");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

PolicyResult LoadPolicy(std::string_view text, std::string_view file) {
  PolicyResult result;
  result.policy.file = std::string(file);
  TomlReader reader(file);
  reader.Parse(text, [&](const toml::table& root) {
    for (auto&& [key, value] : root) {
      if (key.str() == "severity") {
        LoadSeverity(reader, value, result.policy.severity);
        continue;
      }
      if (key.str() == "waivers") {
        reader.ForEachTable(value, "waivers", [&](const toml::table& table) {
          Waiver w;
          if (LoadWaiver(reader, table, w)) result.policy.waivers.push_back(std::move(w));
        });
        continue;
      }
      if (key.str() != "assignments") {
        reader.Error(key.source(), "unknown key '" + std::string(key.str()) +
                                       "' (expected [[assignments]], [severity] or [[waivers]])");
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
    err << parsers::Render(diagnostic, EscapeForTerminal);
  }
  err << "error: the policy file has errors; nothing was reported\n";
  return std::nullopt;
}

}  // namespace ghostport::audit
