// What the exposure engine and probes share about walking a compiled chain:
// the order in which a chain's rules are considered, and jump-loop limits.
#pragma once

#include <vector>

#include "rules/compiled.h"

namespace ghostport::rules {

inline constexpr int kMaxJumpDepth = 128;

// Rule indices in the order the chain's semantics consider them: as written
// for first-match chains; every block rule before any allow rule for
// block-beats-allow chains.
std::vector<int> RuleOrder(const Chain& chain);

// Is this verdict one that ends the packet's walk (accept, drop, reject)?
bool IsTerminal(VerdictKind k);

}  // namespace ghostport::rules
