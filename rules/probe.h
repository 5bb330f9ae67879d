// Probes: the verdict for one concrete packet — the first packet of a new
// inbound connection — with the trace of rules that decided it. A probe walks
// the same compiled rules as the exposure engine, so the two agree on every
// packet (tests check it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/compiled.h"
#include "rules/interface_space.h"
#include "rules/model.h"

namespace ghostport::rules {

struct Packet {
  Family family = Family::kIpv4;
  std::uint8_t protocol = 6;
  std::uint16_t dport = 0;
  std::optional<std::uint16_t> sport;  // unknown: rules on it become conditions
  std::optional<u128> saddr;           // unknown: rules on it become conditions
  std::optional<u128> daddr;           // unknown: rules on it become conditions
  std::string iif;                     // empty: an interface no rule names
};

struct TraceStep {
  RuleRef rule;
  std::string event;  // "jump", "return", "accept", "condition assumed false", ...
};

struct ProbeResult {
  // kAccept, kDrop or kReject: what happens when every unknown condition is
  // false (unless `conditional`, see below).
  VerdictKind verdict = VerdictKind::kDrop;
  RuleRef decided_by;  // rule, chain policy (rule -1), or implicit accept (table -1)
  // True when the verdict is accept only because an unknown condition may
  // hold (the packet would otherwise be dropped), or depends on a conditional
  // jump: `conditions` names the rules.
  bool conditional = false;
  std::vector<RuleRef> conditions;
  std::vector<TraceStep> trace;
  bool family_covered = true;  // false: the ruleset says nothing about this family
  std::vector<EngineError> errors;  // e.g. a jump loop: then there is no verdict
};

// Probes compiled rules (CompileInputPath for the packet's family).
ProbeResult Probe(const CompiledRuleset& compiled, const Packet& packet);

}  // namespace ghostport::rules
