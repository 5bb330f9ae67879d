// Reading hand-written TOML (curated knowledge, policy files) with located
// diagnostics: every problem becomes `file:line:col: error: message`, loading
// goes on past a bad key, and toml++'s exceptions never leave Parse().
#pragma once

#include "catalog/registry.h"

#include <toml++/toml.h>  // Debian ships toml.h (no toml.hpp)

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

// A problem in a TOML file, at a 1-based line and column.
struct TomlDiagnostic {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;

  // "file:line:col: error: message"
  std::string Render() const;
};

class TomlReader {
 public:
  explicit TomlReader(std::string_view file) : file_(file) {}

  // Parses `text` and hands the root table to `load`; a syntax error becomes
  // one diagnostic and `load` is not called. False when anything was
  // diagnosed (by the parse or by `load`).
  bool Parse(std::string_view text, const std::function<void(const toml::table&)>& load);

  void Error(const toml::source_position& at, std::string message);
  void Error(const toml::source_region& at, std::string message) { Error(at.begin, std::move(message)); }
  // "`what` must be `wanted`, not <the node's type>"
  void WrongType(const toml::node& node, std::string_view what, std::string_view wanted);

  // Typed reads of one value; each diagnoses and returns false on a bad value.
  bool ReadString(const toml::node& node, std::string_view key, std::string& out);
  bool ReadPort(const toml::node& node, std::string_view key, std::uint16_t& out);
  // An integer port or a "low-high" string.
  bool ReadPortRange(const toml::node& node, std::string_view key, PortRange& out);
  // An array of transport names ("tcp", ...), none twice; with
  // `single_allowed` a lone string is accepted too.
  bool ReadTransports(const toml::node& node, std::string_view key, std::vector<Transport>& out,
                      bool single_allowed = false);

  // Diagnoses every key of `table` not in `known` ("unknown key 'x' in
  // `where` (expected a, b, c)") and every key of `required` it lacks.
  bool CheckKeys(const toml::table& table, std::string_view where,
                 std::initializer_list<std::string_view> known,
                 std::initializer_list<std::string_view> required);

  // For `[[key]]` arrays: calls `load` on each table of `value`; diagnoses a
  // value that is not an array of tables. Returns the array, or nullptr.
  const toml::array* ForEachTable(const toml::node& value, std::string_view key,
                                  const std::function<void(const toml::table&)>& load);

  bool ok() const { return diagnostics_.empty(); }
  // In file order.
  std::vector<TomlDiagnostic> TakeDiagnostics();

 private:
  std::string file_;
  std::vector<TomlDiagnostic> diagnostics_;
};

}  // namespace ghostport::catalog
