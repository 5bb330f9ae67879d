// The exposure engine: which new inbound connections a ruleset accepts on
// the input path, and which rule accepted each. Evaluated over regions, never
// packet by packet: the cost of a rule depends on how many regions it cuts,
// not on how many ports or addresses it names.
//
// Semantics (netfilter): first match within a chain; jump returns, goto does
// not; RETURN and the end of a user chain go back to the caller; a base
// chain's policy applies at its end; several base chains on the path run in
// priority order, accept ends only the chain, drop and reject are final.
// Windows profiles (kBlockBeatsAllow): every block rule before any allow.
// Unknown conditions: an accept behind one makes a conditional opening; a
// drop behind one is assumed not to match and noted.
#pragma once

#include <string>
#include <vector>

#include "rules/compiled.h"
#include "rules/interface_space.h"
#include "rules/model.h"
#include "rules/region.h"

namespace ghostport::rules {

struct FamilyExposure {
  Family family = Family::kIpv4;
  std::vector<Box> accepted;  // disjoint unless a conditional jump forked a region
};

struct Exposure {
  InterfaceSpace interfaces;
  std::vector<FamilyExposure> families;
  std::vector<Approximation> approximations;
  std::vector<EngineError> errors;  // e.g. a jump loop; the exposure is then incomplete
};

Exposure ComputeExposure(const Ruleset& ruleset);

}  // namespace ghostport::rules
