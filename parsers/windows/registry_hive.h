// .wfw files (`netsh advfirewall export`): a registry hive whose root is the
// local store's FirewallPolicy key (format document §7). Read with hivex,
// read-only and with hivex's checks on; every value of the root and of its
// subkeys, walked in a stable order (a key's values in stored order, then
// its subkeys in the hive's sorted order, depth first), goes to
// RegistryPolicy (windows_registry.h) with its key path relative to the
// root ("FirewallRules", "DomainProfile\Logging").
//
// A hive has no lines: each value is located at its ordinal in that walk
// (file:N:1 is the Nth value), its source line "\FirewallRules\{id} = ...".
// A file that is not a hive, a truncated or corrupt hive, and sizes past the
// reader's bounds are refused with a located error: never a partial policy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A WindowsReader of the file's bytes (ReaderInput::kBytes). The bytes are
// handed to hivex through an anonymous memory file (memfd): nothing is
// written to the file system.
void ReadWfwHive(std::string_view bytes, const std::string& file, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics);

// The reader's bounds.
constexpr std::size_t kHiveMaxValueBytes = 1 << 20;  // one value's data
constexpr std::size_t kHiveMaxKeys = 100000;
constexpr std::size_t kHiveMaxValues = 1000000;
constexpr int kHiveMaxDepth = 32;

}  // namespace ghostport::parsers::windows
