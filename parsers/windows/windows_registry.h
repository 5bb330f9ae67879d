// The Windows Firewall policy as the registry holds it, whichever export
// carries the registry: .reg files, .wfw hives, registry.pol files. Each
// reader hands every value it finds, with its key path, to one
// RegistryPolicy, which knows the keys (MS-GPFAS 2.2.1, 2.2.3, and the
// local store's layout):
// - ...\FirewallRules values are rule strings (windows_rule_string.h); the
//   store is Group Policy under Software\Policies\Microsoft\WindowsFirewall,
//   local under ...\FirewallPolicy or at a .wfw hive's root;
// - ...\DomainProfile, PrivateProfile, PublicProfile, StandardProfile hold
//   each profile's settings (StandardProfile is Private in the local store;
//   in Group Policy it stands for Private and Public when neither has its
//   own key), the Group Policy value winning over the local one;
// - anything else (connection security rules, authentication sets, factory
//   defaults, service-hardening stores, logging) is ignored with the reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

struct RegistryValue {
  std::string name;
  std::optional<std::string> text;     // REG_SZ / REG_EXPAND_SZ, as UTF-8
  std::optional<std::uint32_t> dword;  // REG_DWORD
  rules::SourceLocation location;      // of the value (a .reg line; a hive's key path)
  std::string source_line;
  // For a string read from a .reg line: the column (1-based) of each byte
  // of `text` in the source line, so errors point into the line.
  std::vector<int> columns;
};

// A value of a binary carrier (a .wfw hive, registry.pol), which has no
// lines: located at `ordinal`, its place in the carrier's reading order (1
// for the first value), as the line, column 1. Its source line
// "<key>\<name> = <data>" says which value it is (`shown_key` as the
// carrier names the key: "\FirewallRules" in a hive); a string's columns
// point into that line. `other` describes data of another type.
struct CarrierData {
  std::optional<std::string> text;
  std::optional<std::uint32_t> dword;
  std::string other;  // e.g. "(REG_BINARY, 16 bytes)"
};
RegistryValue NumberedValue(const std::string& file, int ordinal, std::string_view shown_key, std::string name,
                            CarrierData data);

class RegistryPolicy {
 public:
  explicit RegistryPolicy(WindowsPolicy& policy, std::vector<Diagnostic>& diagnostics)
      : policy_(policy), diagnostics_(diagnostics) {}
  // `key` is the full key path as the export writes it (any root).
  void Add(std::string_view key, const RegistryValue& value);
  // Merges the stores' profile settings into the policy.
  void Finish();

 private:
  struct StoreSettings {
    ProfileSettings domain, private_, public_, standard;
    bool has_private = false, has_public = false, has_standard = false, any = false;
  };
  void AddRule(Store store, const RegistryValue& value);
  void AddProfileValue(StoreSettings& s, std::string_view profile_key, const RegistryValue& value);
  void Ignore(const RegistryValue& value, std::string reason);
  void Error(const RegistryValue& value, rules::SourceLocation where, std::string message);

  WindowsPolicy& policy_;
  std::vector<Diagnostic>& diagnostics_;
  StoreSettings local_, group_policy_;
};

}  // namespace ghostport::parsers::windows
