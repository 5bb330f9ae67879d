#include "rules/chain_walk.h"

namespace ghostport::rules {

std::vector<int> RuleOrder(const Chain& chain) {
  std::vector<int> order;
  order.reserve(chain.rules.size());
  if (chain.semantics == ChainSemantics::kFirstMatch) {
    for (size_t i = 0; i < chain.rules.size(); ++i) order.push_back(static_cast<int>(i));
    return order;
  }
  auto is_block = [](const Rule& r) {
    return r.verdict.kind == VerdictKind::kDrop || r.verdict.kind == VerdictKind::kReject;
  };
  for (size_t i = 0; i < chain.rules.size(); ++i) {
    if (is_block(chain.rules[i])) order.push_back(static_cast<int>(i));
  }
  for (size_t i = 0; i < chain.rules.size(); ++i) {
    if (!is_block(chain.rules[i])) order.push_back(static_cast<int>(i));
  }
  return order;
}

bool IsTerminal(VerdictKind k) {
  return k == VerdictKind::kAccept || k == VerdictKind::kDrop || k == VerdictKind::kReject;
}

}  // namespace ghostport::rules
