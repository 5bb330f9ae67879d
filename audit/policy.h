// The organisation's policy file (TOML): its own port assignments (which
// ports it has given to its services, and who owns them; `explain --policy`
// shows them before the registry's word, and the audit treats them as
// justified), severity overrides per finding class, and waivers with a
// reason, owner, ticket and expiry date. Anything else is an error, never
// silently ignored. examples/policy.toml documents every key.
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

// The finding classes and exposure scopes a policy can name (audit/findings.h
// holds their meaning); kept as text here so the policy does not depend on
// the findings code.
inline constexpr std::string_view kPolicyClasses[] = {
    "dead",           "dormant",       "unassigned",   "reserved",    "unofficial-use",
    "malware-associated", "dynamic-range", "default-allow", "firewall-off"};
inline constexpr std::string_view kPolicyScopes[] = {"any", "public", "private", "hosts"};
inline constexpr std::string_view kPolicySeverities[] = {"info", "low", "medium", "high", "critical"};

// `[severity]`: `dead = "critical"` (every scope) or
// `[severity.dead]` with `any = ..., public = ..., private = ..., hosts = ...`.
struct SeverityOverride {
  std::string klass;
  std::string scope;     // empty: every scope
  std::string severity;  // info ... critical
  std::uint32_t line = 0;
};

// `[[waivers]]`: hides a finding until `expires`. Matches a finding by its
// fingerprint, or by class and port (every port of that class the finding
// opens lies within `port`), optionally narrowed by `transport`.
struct Waiver {
  std::string fingerprint;                 // or empty
  std::string klass;                       // with port, when no fingerprint
  std::optional<catalog::PortRange> ports;  // with klass: the finding's ports must lie within
  std::vector<std::string> transports;      // optional with klass+port: "tcp", ... (empty: any)
  std::string reason;
  std::string owner;
  std::string ticket;
  std::string expires;  // YYYY-MM-DD (a TOML date)
  std::uint32_t line = 0;
};

struct Policy {
  std::string file;  // as given on the command line
  std::vector<PortAssignment> assignments;  // file order
  std::vector<SeverityOverride> severity;   // file order
  std::vector<Waiver> waivers;              // file order

  // Assignments covering `port` on `t`, in file order.
  std::vector<const PortAssignment*> AssignmentsAt(std::uint16_t port, catalog::Transport t) const;
};

struct PolicyResult {
  Policy policy;
  std::vector<catalog::TomlDiagnostic> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

// Parses policy TOML; `file` labels diagnostics. Unknown keys and tables,
// missing keys, wrong types, bad ports, transports, classes, scopes and
// severities, a waiver without a fingerprint or class+port, and two
// assignments that overlap on a port and transport are errors.
PolicyResult LoadPolicy(std::string_view text, std::string_view file);

// Reads and loads `path`. On any error prints every diagnostic (with the
// source line and a caret) to `err` and returns nullopt: the caller exits 2.
std::optional<Policy> ReadPolicy(const std::string& path, std::ostream& err);

}  // namespace ghostport::audit
