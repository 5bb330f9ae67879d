// Probes: what becomes of one connection attempt — its first packet (TCP
// SYN or first datagram) and, for TCP, whether the handshake completes —
// with the trace of what decided it. A probe is the exposure computation on
// a region of one packet (pipeline.h), not a second walker.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/compiled.h"
#include "rules/interface_space.h"
#include "rules/model.h"
#include "rules/region.h"

namespace ghostport::rules {

struct Packet {
  Family family = Family::kIpv4;
  std::uint8_t protocol = 6;
  std::uint16_t dport = 0;
  std::optional<std::uint16_t> sport;  // unknown: any
  std::optional<u128> saddr;           // unknown: any
  std::optional<u128> daddr;           // unknown: any of this host's addresses
  std::string iif;                     // empty: an interface no rule names
};

struct ProbeResult {
  // What happens to the first packet: kAccept, kDrop or kReject.
  VerdictKind verdict = VerdictKind::kDrop;
  Decision decided_by = NoBaseChainDecision{};
  // TCP: how the handshake ends when the SYN got in.
  Handshake handshake = Handshake::kNotApplicable;
  std::optional<Decision> handshake_blocked_by;
  // A connection can be made (TCP: the handshake completes; otherwise the
  // first packet is delivered).
  bool connects = false;
  bool forward = false;                 // DNAT sent it on to another host
  std::optional<Translation> translation;
  // True when the answer rests on something the engine cannot model (an
  // unknown condition, a conditional jump), or on a field the probe leaves
  // open that decides it: `conditions` names the rules.
  bool conditional = false;
  std::vector<RuleRef> conditions;
  std::vector<TraceStep> trace;
  bool family_covered = true;  // false: the ruleset says nothing about this family
  std::vector<EngineError> errors;  // e.g. a jump loop: then there is no verdict
};

// Probes compiled rules (Compile for the packet's family).
ProbeResult Probe(const CompiledRuleset& compiled, const Packet& packet);

}  // namespace ghostport::rules
