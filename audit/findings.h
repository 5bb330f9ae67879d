// Findings: the exposure joined with the port catalog and the organisation's
// policy. One finding per opening rule and class, never one per port: a rule
// opening 1024-65535 gives one `dead` finding that counts its dead ports and
// names the worst, one `dormant` finding, and so on.
//
// Classes, per (port, transport) the rule opens, unless the policy assigns
// the port to one of the organisation's services (then it is justified):
//   dead, dormant, unknown,     the catalog's lifecycle of the registration
//   reserved
//   unassigned                  never assigned (user and system ranges)
//   dynamic-range               49152-65535, which IANA never assigns
//   unofficial-use              something other than the registration is
//                               known to use it (only on ports whose own
//                               registration is not alive)
//   malware-associated          named in malware lists (same condition)
//   default-allow               a chain policy ACCEPT opens the port, or a
//                               rule accepts (nearly) every port of a
//                               protocol (`-s NET -j ACCEPT`): one finding
//                               per rule or policy, counting what it covers
//   firewall-off                no base chain filters the path at all
//   sensitive-service           a service risky to expose listens there
//                               (telnet, SMB, Redis, kubelet, ...: the
//                               catalog's sensitive list, a sourced reason
//                               each), whatever its lifecycle; not cleared
//                               by a policy assignment
// Alive registrations raise nothing. Loopback-only openings raise nothing.
//
// Severity also follows the port's present use (catalog present_state.h):
// the registration classes (dead, dormant, unknown, unassigned, reserved,
// unofficial-use, dynamic-range) of a finding all of whose ports are widely
// used today (high-weight evidence: 1521 Oracle, 9200 Elasticsearch) are
// info — "registration dead; port widely used by Oracle Database" is a note,
// not a dead-port alarm — and capped at low when all are in use
// (medium-weight evidence). A policy [severity] override wins over both.
//
// Severity comes from class × scope (who can reach it: any source, public
// addresses, private ranges only, a few single hosts), overridable in the
// policy's [severity] table. Waivers hide a finding until they expire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "audit/policy.h"
#include "catalog/lifecycle.h"
#include "rules/exposure.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };
const char* SeverityName(Severity s);
std::optional<Severity> SeverityFromName(const std::string& name);
// "2 high, 5 low": the non-zero counts by Severity, worst first; "" when none.
std::string SeverityTallyText(const std::size_t (&by_severity)[5]);

// The catalog transport of an IP protocol number (tcp 6, udp 17, dccp 33,
// sctp 132); nullopt for protocols without ports in the catalog.
std::optional<catalog::Transport> TransportOfProtocol(std::uint8_t protocol);

// "3393" or "3000-3500".
std::string PortRangeText(std::uint32_t from, std::uint32_t to);
// Port ranges joined by `separator`; past `limit` of them, `separator` "...".
std::string PortRangesText(const std::vector<std::pair<std::uint16_t, std::uint16_t>>& ranges,
                           std::string_view separator, std::size_t limit = SIZE_MAX);

enum class FindingClass : std::uint8_t {
  kDead,
  kDormant,
  kUnassigned,
  kReserved,
  kUnofficialUse,
  kMalwareAssociated,
  kDynamicRange,
  kDefaultAllow,
  kFirewallOff,
  kUnknown,           // registered after nmap's data, no evidence either way
  kSensitiveService,  // an alive service risky to expose (catalog/knowledge/sensitive.toml)
};
inline constexpr int kFindingClassCount = 11;
const char* FindingClassName(FindingClass c);  // "dead", "unofficial-use", ...
// What the class means, one sentence (for reports' rule metadata).
const char* FindingClassSummary(FindingClass c);

// Who can reach an opening.
enum class Scope : std::uint8_t { kAny, kPublic, kPrivate, kHosts };
const char* ScopeName(Scope s);  // "any", "public", "private", "hosts"
Scope ScopeOf(const rules::AddressSet& sources);

// The built-in severity for a class and scope (before policy overrides).
Severity DefaultSeverity(FindingClass c, Scope s);

inline std::uint16_t ClassBit(FindingClass c) { return static_cast<std::uint16_t>(1U << static_cast<unsigned>(c)); }

// Unofficial uses whose rows span catalog::kRangeWideSpan ports or more
// (allocation ranges such as "Mosh 60000-61000", or scraping artefacts
// covering the whole dynamic range) say nothing specific about a port:
// explain lists them apart, and they raise no unofficial-use finding
// (catalog::PresentState::range_wide).

// A rule opening at least this many ports of a protocol opens "everything":
// it is reported as one default-allow finding, like a policy ACCEPT.
inline constexpr std::size_t kWideRulePorts = 65536 - 256;  // 1024-65535 stays per class

// The port classes (bits ClassBit) of every (port, transport) an opening can
// have, from the catalog and the policy: 0 for assigned ports and alive
// registrations. Computed once per port and cached; one per report.
// Bits above the classes: the port's present use (see PresentCap).
inline constexpr std::uint16_t kUsedHigh = 1U << 14;
inline constexpr std::uint16_t kUsedMedium = 1U << 13;

class PortClassifier {
 public:
  explicit PortClassifier(const Policy* policy) : policy_(policy) {}
  std::uint16_t At(std::uint16_t port, catalog::Transport t);

 private:
  static constexpr std::uint16_t kUnknown = 0xffff;
  std::uint16_t Compute(std::uint16_t port, catalog::Transport t) const;

  const Policy* policy_;
  std::vector<std::uint16_t> cache_[4];
};

// One port the finding names as an example, worst first.
struct PortExample {
  std::uint16_t port = 0;
  catalog::Transport transport = catalog::Transport::kTcp;
  std::string service;  // registered name(s), may be empty
  std::string detail;   // why it is in this class, condensed
};

struct WaiverState {
  const Waiver* waiver = nullptr;
  bool expired = false;
};

struct Finding {
  std::string id;  // "F1", ... in report order
  FindingClass klass = FindingClass::kDead;
  Severity severity = Severity::kInfo;
  Scope scope = Scope::kAny;
  rules::Decision rule;            // what opened it: a rule, a policy, no filter
  rules::SourceLocation location;  // of that rule
  std::string rule_text;
  std::string chain;               // "filter/INPUT"
  std::string profile;             // the Windows profile it holds in; empty for netfilter
  std::vector<const rules::ExposureEntry*> entries;  // the openings it covers
  std::string proto;               // "tcp", "udp", ... of the entries (one finding per protocol)
  // The ports of this class the rule opens, as [from, to] ranges, and how many.
  std::vector<std::pair<std::uint16_t, std::uint16_t>> ports;
  std::size_t port_count = 0;
  // The ports the rule opens at all (what the fingerprint hashes).
  std::vector<std::pair<std::uint16_t, std::uint16_t>> opened;
  std::vector<PortExample> examples;  // worst first, at most 5
  bool conditional = false;
  std::vector<std::string> depends_on;  // the unknown conditions, as text
  std::string message;      // one line
  std::string explanation;  // from the catalog, for the worst example
  std::string remediation;
  std::string fingerprint;  // stable: rule identity + class + proto + opened ports
  std::optional<WaiverState> waiver;  // matched waiver (valid or expired)
  // For default-allow/firewall-off: what the open-everything covers, by class.
  std::vector<std::pair<FindingClass, std::size_t>> covered;

  bool Waived() const { return waiver && !waiver->expired; }
};

struct WaiverReport {
  const Waiver* waiver = nullptr;
  std::string status;  // "active", "expired", "unused"
  std::vector<std::string> findings;  // ids it matched
};

struct FindingsReport {
  std::vector<Finding> findings;  // by location, class
  std::vector<WaiverReport> waivers;
  std::string today;  // YYYY-MM-DD the waivers were judged on
};

// `today` (YYYY-MM-DD) decides which waivers have expired.
FindingsReport ComputeFindings(const rules::Ruleset& ruleset, const rules::Exposure& exposure,
                               const std::vector<rules::ExposureEntry>& entries, const Policy* policy,
                               const std::string& today);

}  // namespace ghostport::audit
