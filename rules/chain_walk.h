// What the pipeline needs about a chain's rules before walking it: the order
// in which its semantics consider them, and block lists folded into one step.
#pragma once

#include <vector>

#include "rules/compiled.h"

namespace ghostport::rules {

inline constexpr int kMaxJumpDepth = 128;

// Rule indices in the order the chain's semantics consider them: as written
// for first-match chains; for block-beats-allow chains by rank (highest
// first), blocks before allows within a rank.
std::vector<int> RuleOrder(const Chain& chain);

// Is this verdict one that ends the packet's walk (accept, drop, reject)?
bool IsTerminal(VerdictKind k);

// One step of a chain walk: a rule, or a run of consecutive unconditional
// drop/reject rules without state matches that differ in one field only (a
// block list), folded into one cube. Folding is exact: within the run the
// first match decides between drops alone, and a folded run is attributed
// to its first rule.
struct Step {
  int rule = -1;                     // the first rule of the run
  std::vector<CompiledCube> merged;  // set for a folded run
  bool folded = false;
};

std::vector<Step> BuildSteps(const Chain& chain, const CompiledChain& compiled);

}  // namespace ghostport::rules
