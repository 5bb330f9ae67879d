// The exposure engine: which new inbound connections a ruleset accepts —
// to this host, or forwarded after destination NAT — from where, and what
// decided each, per scope (address family; Windows profile). It runs the
// one evaluator (pipeline.h) over the whole packet space of each scope: the
// first packet of every connection, then for TCP the SYN-ACK and the ACK, so
// an opening whose handshake cannot complete says so.
#pragma once

#include <string>
#include <vector>

#include "rules/compiled.h"
#include "rules/interface_space.h"
#include "rules/model.h"
#include "rules/region.h"

namespace ghostport::rules {

struct Scope {
  Family family = Family::kIpv4;
  std::string profile;  // Windows profile; empty for netfilter
  friend bool operator==(const Scope&, const Scope&) = default;
  friend auto operator<=>(const Scope&, const Scope&) = default;
};

struct FamilyExposure {
  Family family = Family::kIpv4;
  Scope scope;
  // Disjoint unless a conditional branch forked a region. A TCP box's
  // handshake says whether a connection can be made.
  std::vector<Box> accepted;
};

struct Exposure {
  const Ruleset* ruleset = nullptr;  // what it was computed from
  InterfaceSpace interfaces;
  std::vector<FamilyExposure> families;
  std::vector<Approximation> approximations;
  std::vector<EngineError> errors;  // e.g. a jump loop; the exposure is then incomplete
};

Exposure ComputeExposure(const Ruleset& ruleset);
// The exposure points into its ruleset: computing one from a temporary would
// leave it dangling, so that does not compile.
Exposure ComputeExposure(Ruleset&&) = delete;

}  // namespace ghostport::rules
