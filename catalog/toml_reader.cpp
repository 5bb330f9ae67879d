#include "catalog/toml_reader.h"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <utility>

namespace ghostport::catalog {

std::string TomlDiagnostic::Render() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

namespace {

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

std::string Quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

bool ParseNumber(std::string_view text, std::uint32_t& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool TomlReader::Parse(std::string_view text, const std::function<void(const toml::table&)>& load) {
  // The one place toml++ is called: its parse_error stops here.
  try {
    const toml::table root = toml::parse(text, file_);
    load(root);
  } catch (const toml::parse_error& error) {
    Error(error.source(), std::string(error.description()));
  }
  return ok();
}

void TomlReader::Error(const toml::source_position& at, std::string message) {
  diagnostics_.push_back({file_, at.line, at.column, std::move(message)});
}

void TomlReader::WrongType(const toml::node& node, std::string_view what, std::string_view wanted) {
  Error(node.source(), std::string(what) + " must be " + std::string(wanted) + ", not " +
                           std::string(TypeName(node.type())));
}

bool TomlReader::ReadString(const toml::node& node, std::string_view key, std::string& out) {
  if (const auto* s = node.as_string()) {
    out = s->get();
    return true;
  }
  WrongType(node, Quoted(key), "a string");
  return false;
}

bool TomlReader::ReadPort(const toml::node& node, std::string_view key, std::uint16_t& out) {
  const auto* value = node.as_integer();
  if (value == nullptr) {
    WrongType(node, Quoted(key), "an integer");
    return false;
  }
  const std::int64_t port = value->get();
  if (port < 0 || port > 65535) {
    Error(node.source(), Quoted(key) + " " + std::to_string(port) + " is out of range 0-65535");
    return false;
  }
  out = static_cast<std::uint16_t>(port);
  return true;
}

bool TomlReader::ReadPortRange(const toml::node& node, std::string_view key, PortRange& out) {
  if (node.is_integer()) {
    std::uint16_t port = 0;
    if (!ReadPort(node, key, port)) return false;
    out = {port, port};
    return true;
  }
  const auto* text = node.as_string();
  if (text == nullptr) {
    WrongType(node, Quoted(key), "a port number or a \"low-high\" string");
    return false;
  }
  const std::string_view s = text->get();
  const std::size_t dash = s.find('-');
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  const bool parsed = dash == std::string_view::npos
                          ? ParseNumber(s, low) && (high = low, true)
                          : ParseNumber(s.substr(0, dash), low) && ParseNumber(s.substr(dash + 1), high);
  if (!parsed || low > 65535 || high > 65535 || low > high) {
    Error(node.source(), Quoted(key) + " \"" + std::string(s) +
                             "\" is not a port or a range low-high within 0-65535");
    return false;
  }
  out = {static_cast<std::uint16_t>(low), static_cast<std::uint16_t>(high)};
  return true;
}

bool TomlReader::ReadTransports(const toml::node& node, std::string_view key, std::vector<Transport>& out,
                                bool single_allowed) {
  auto add = [&](const toml::node& item) {
    const auto* text = item.as_string();
    if (text == nullptr) {
      WrongType(item, Quoted(key) + " entries", "strings");
      return false;
    }
    const std::optional<Transport> t = ParseTransport(text->get());
    if (!t) {
      Error(item.source(), "unknown transport '" + text->get() + "' (expected tcp, udp, sctp or dccp)");
      return false;
    }
    if (std::find(out.begin(), out.end(), *t) != out.end()) {
      Error(item.source(), "transport '" + text->get() + "' is listed twice");
      return false;
    }
    out.push_back(*t);
    return true;
  };
  if (single_allowed && node.is_string()) return add(node);
  const auto* array = node.as_array();
  if (array == nullptr) {
    WrongType(node, Quoted(key), single_allowed ? "a transport or an array of them" : "an array of strings");
    return false;
  }
  if (array->empty()) {
    Error(node.source(), Quoted(key) + " is empty");
    return false;
  }
  bool ok = true;
  for (const toml::node& item : *array) ok = add(item) && ok;
  return ok;
}

bool TomlReader::CheckKeys(const toml::table& table, std::string_view where,
                           std::initializer_list<std::string_view> known,
                           std::initializer_list<std::string_view> required) {
  bool ok = true;
  for (auto&& [key, value] : table) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    std::string expected;
    for (std::string_view k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
    Error(key.source(), "unknown key '" + std::string(key.str()) + "' in " + std::string(where) +
                            " (expected " + expected + ")");
    ok = false;
  }
  for (std::string_view key : required) {
    if (table.contains(key)) continue;
    Error(table.source(), std::string(where) + " is missing '" + std::string(key) + "'");
    ok = false;
  }
  return ok;
}

const toml::array* TomlReader::ForEachTable(const toml::node& value, std::string_view key,
                                            const std::function<void(const toml::table&)>& load) {
  const std::string tables = "([[" + std::string(key) + "]])";
  const auto* array = value.as_array();
  if (array == nullptr) {
    WrongType(value, Quoted(key), "an array of tables " + tables);
    return nullptr;
  }
  for (const toml::node& item : *array) {
    if (const auto* table = item.as_table()) {
      load(*table);
    } else {
      WrongType(item, Quoted(key) + " entries", "tables " + tables);
    }
  }
  return array;
}

std::vector<TomlDiagnostic> TomlReader::TakeDiagnostics() {
  // Keys are visited in name order; report in file order.
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return std::move(diagnostics_);
}

}  // namespace ghostport::catalog
