// What became of a (port, transport): the registry's word joined with curated
// knowledge and usage data into one lifecycle with its reasons.
//
//   alive       a registered service with evidence of use (an RFC, Debian's
//               services list, a present-use source naming it, nmap's scan
//               data above its floor under the service's own name)
//   dead        a registered service curated as dead (knowledge/dead.toml,
//               evidence and sources)
//   dormant     a registered service with no evidence of use: derived, never
//               hand-typed; the reasons say what was looked for (see
//               catalog/README.md, "Dormant")
//   unknown     a registered service with no evidence either way, registered
//               after nmap's scan data was gathered (kScanDataYear): its
//               absence from that data says nothing. Still reported (at a
//               lower severity): unknown never means ignored
//   unassigned  IANA never assigned it (including the dynamic range)
//   reserved    IANA reserves it
//
// IANA alias records ("This entry is an alias to X") are folded into the
// service they alias: one verdict, the alias's name counted as the
// service's. A port with several services is alive when any of them is, else
// unknown when one is, else dormant when one is, dead when all are dead.
//
// The port's present use (present_state.h) is judged apart and given in
// `present`: "registration dead, port widely used by Oracle Database". Unofficial uses
// and malware associations are separate facts: they never change the
// lifecycle of the registration (9200 is a dead WAP registration that
// Elasticsearch uses).
#pragma once

#include "catalog/knowledge.h"
#include "catalog/present_state.h"
#include "catalog/registry.h"
#include "catalog/usage.h"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

enum class Lifecycle : std::uint8_t { kAlive, kDead, kDormant, kUnassigned, kReserved, kUnknown };
inline constexpr Lifecycle kAllLifecycles[] = {Lifecycle::kAlive,      Lifecycle::kDead,     Lifecycle::kDormant,
                                               Lifecycle::kUnassigned, Lifecycle::kReserved, Lifecycle::kUnknown};
inline constexpr int kLifecycleCount = 6;
std::string_view LifecycleName(Lifecycle l);  // "alive", "dead", ...
std::ostream& operator<<(std::ostream& out, Lifecycle l);  // its name

// nmap's open-frequency data (nmap-services) was gathered in this year's
// Internet scans: a service registered later cannot be judged dormant from
// its absence there.
inline constexpr int kScanDataYear = 2008;

// How one registered service on the port was judged.
struct ServiceVerdict {
  const RegistryRecord* record = nullptr;
  Lifecycle lifecycle = Lifecycle::kDormant;  // kAlive, kDead, kDormant or kUnknown
  std::vector<std::string> reasons;           // why, in a fixed order
  std::vector<const DeadRecord*> dead;        // the curated entries behind kDead
  std::vector<const RegistryRecord*> aliases;  // IANA alias records folded into this one
};

// Everything the catalog knows about one (port, transport).
struct PortFacts {
  std::uint16_t port = 0;
  Transport transport = Transport::kTcp;
  PortStatus status = PortStatus::kUnassigned;
  RangeClass range = RangeClass::kSystem;
  std::span<const RegistryRecord> records;  // every record covering it
  Lifecycle lifecycle = Lifecycle::kUnassigned;
  std::vector<std::string> reasons;         // port-level: the services' reasons, named
  std::vector<ServiceVerdict> services;     // one per service record, registry order
  std::vector<const UnofficialUse*> unofficial;
  std::vector<const MalwareAssociation*> malware;
  std::optional<Observation> observed;               // nmap, this transport
  std::vector<const EverydayService*> everyday;      // Debian's services, any transport
  PresentState present;                              // who listens there today, judged apart
};

// Describes `port` on `t` from the compiled-in registry, built-in knowledge
// and usage tables.
PortFacts Describe(std::uint16_t port, Transport t);

// Just the lifecycle (same answer as Describe(port, t).lifecycle).
Lifecycle LifecycleOf(std::uint16_t port, Transport t);

}  // namespace ghostport::catalog
