// The organisation's policy file (TOML). This version reads the port
// assignments: which ports the organisation has given to its own services,
// and who owns them. `explain --policy` shows them before the registry's
// word. Severity overrides and waivers are not read yet: the file says so
// (an unknown table is an error, never silently ignored).
//
//   [[assignments]]
//   port = 8443                 # or "9000-9010"
//   transport = "tcp"           # or ["tcp", "udp"]
//   name = "billing-api"
//   owner = "payments team <payments@example.com>"
//   note = "TLS front end of the billing service"   # optional
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/registry.h"
#include "catalog/toml_reader.h"

namespace ghostport::audit {

struct PortAssignment {
  catalog::PortRange ports{0, 0};
  std::vector<catalog::Transport> transports;
  std::string name;
  std::string owner;
  std::string note;
  std::uint32_t line = 0;  // of the [[assignments]] header
};

struct Policy {
  std::string file;  // as given on the command line
  std::vector<PortAssignment> assignments;  // file order

  // Assignments covering `port` on `t`, in file order.
  std::vector<const PortAssignment*> AssignmentsAt(std::uint16_t port, catalog::Transport t) const;
};

struct PolicyResult {
  Policy policy;
  std::vector<catalog::TomlDiagnostic> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

// Parses policy TOML; `file` labels diagnostics. Unknown keys and tables,
// missing keys, wrong types, bad ports and transports, and two assignments
// that overlap on a port and transport are errors.
PolicyResult LoadPolicy(std::string_view text, std::string_view file);

// Reads and loads `path`. On any error prints every diagnostic (with the
// source line and a caret) to `err` and returns nullopt: the caller exits 2.
std::optional<Policy> ReadPolicy(const std::string& path, std::ostream& err);

}  // namespace ghostport::audit
