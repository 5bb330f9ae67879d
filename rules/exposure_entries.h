// The exposure as a list of entries for reports: one entry per scope,
// protocol, destination-port interval, and everything else that differs
// (sources, interfaces, deciding rules, translation, handshake, conditions).
// Canonical: the same exposure always gives the same entries in the same
// order, however the engine happened to cut its regions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/exposure.h"
#include "rules/protocols.h"

namespace ghostport::rules {

struct ExposureEntry {
  Family family = Family::kIpv4;
  std::string profile;  // the Windows profile of the scope; empty for netfilter
  // A port protocol, or (other_protocols) every protocol in `protocols`,
  // which carry no ports: from/to are then 0-65535.
  std::uint8_t protocol = 0;
  bool other_protocols = false;
  ProtocolSet protocols;
  // The destination ports the client connects to (before any translation).
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  AddressSet sources;
  PortSet source_ports;       // all, unless the rule names source ports
  AddressSet destinations;    // all, unless the rule names destinations (before translation)
  AtomSet interfaces;
  AtomSet out_interfaces;     // for a forward: where it may leave
  Decision opening;           // what opened it (see Opening)
  std::vector<HookDecision> path;  // every base chain's decision that let it through
  // Destination NAT: where the packet really goes.
  bool forward = false;
  std::optional<VerdictKind> translation;  // kDnat or kRedirect
  std::optional<RuleRef> translated_by;
  std::optional<AddressSet> to_address;
  std::optional<PortSet> to_ports;
  Handshake handshake = Handshake::kNotApplicable;
  std::optional<Decision> handshake_blocked_by;
  bool conditional = false;
  std::vector<Guard> guards;   // conditions and caveats, in walk order
};

std::vector<ExposureEntry> ListEntries(const Exposure& exposure);

// The decisions that let an entry through that say something: every rule
// (a DNAT, an accept), and the policy or missing base chain on the input or
// forward hook. Policies ACCEPT of raw, mangle or nat chains are left out.
std::vector<Decision> Deciders(const ExposureEntry& e);

// True when a blanket decision (a policy, no filter at all) opened it, not
// a rule of its own.
inline bool OpensAll(const ExposureEntry& e) { return IsBlanket(e.opening); }

// True when a connection can be made (not a TCP port whose handshake fails).
inline bool Connects(const ExposureEntry& e) {
  return e.handshake == Handshake::kComplete || e.handshake == Handshake::kNotApplicable;
}

}  // namespace ghostport::rules
