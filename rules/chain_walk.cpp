#include "rules/chain_walk.h"

#include <algorithm>

namespace ghostport::rules {

namespace {

bool IsBlock(const Rule& r) { return r.verdict.kind == VerdictKind::kDrop || r.verdict.kind == VerdictKind::kReject; }

bool IsPlainBlock(const Rule& r, const CompiledRule& cr) {
  return IsBlock(r) && !cr.conditional && cr.cubes.size() == 1 && cr.cubes[0].meta.Trivial();
}

enum class FoldField { kNone, kSaddr, kDports };

// Which single field the two cubes differ in, if only one.
FoldField DiffersOnlyIn(const FieldCube& a, const FieldCube& b) {
  if (!(a.protocols == b.protocols) || !(a.sports == b.sports) || !(a.iif == b.iif) || !(a.oif == b.oif) ||
      !(a.daddr == b.daddr)) {
    return FoldField::kNone;
  }
  if (a.dports == b.dports) return FoldField::kSaddr;
  if (a.saddr == b.saddr) return FoldField::kDports;
  return FoldField::kNone;
}

CompiledCube Fold(const std::vector<int>& order, size_t k, size_t end, FoldField field, const CompiledChain& cc) {
  CompiledCube cube = cc.rules[order[k]].cubes[0];
  if (field == FoldField::kSaddr) {
    std::vector<Interval<u128>> all;
    for (size_t m = k; m < end; ++m) {
      const AddressSet& saddr = cc.rules[order[m]].cubes[0].fields.saddr;
      if (const AddressSet::Values* v = saddr.EagerValues()) {
        all.insert(all.end(), v->intervals().begin(), v->intervals().end());
      } else {
        AddressSet::Values copy = saddr.Materialize();
        all.insert(all.end(), copy.intervals().begin(), copy.intervals().end());
      }
    }
    cube.fields.saddr = AddressSet::Of(cube.fields.saddr.family(), AddressSet::Values::FromIntervals(all));
  } else {
    std::vector<Interval<std::uint16_t>> all;
    for (size_t m = k; m < end; ++m) {
      const auto& v = cc.rules[order[m]].cubes[0].fields.dports.intervals();
      all.insert(all.end(), v.begin(), v.end());
    }
    cube.fields.dports = PortSet::FromIntervals(all);
  }
  return cube;
}

}  // namespace

std::vector<int> RuleOrder(const Chain& chain) {
  std::vector<int> order(chain.rules.size());
  for (size_t i = 0; i < chain.rules.size(); ++i) order[i] = static_cast<int>(i);
  if (chain.semantics == ChainSemantics::kFirstMatch) return order;
  // Rank, then blocks before allows; within those, rules without unknown
  // conditions first: which of several matching allows (or blocks) decides
  // changes nothing, and an unconditional one deciding first keeps an
  // unknown of another from clouding what it decides.
  auto key = [&](int i) {
    const Rule& r = chain.rules[i];
    return r.rank * 4 + (IsBlock(r) ? 2 : 0) + (r.conditions.empty() ? 1 : 0);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) > key(b); });
  return order;
}

bool IsTerminal(VerdictKind k) {
  return k == VerdictKind::kAccept || k == VerdictKind::kDrop || k == VerdictKind::kReject;
}

std::vector<Step> BuildSteps(const Chain& chain, const CompiledChain& cc) {
  std::vector<int> order = RuleOrder(chain);
  std::vector<Step> steps;
  for (size_t k = 0; k < order.size();) {
    int i = order[k];
    size_t end = k + 1;
    FoldField field = FoldField::kNone;
    if (IsPlainBlock(chain.rules[i], cc.rules[i])) {
      while (end < order.size()) {
        int j = order[end];
        if (!IsPlainBlock(chain.rules[j], cc.rules[j])) break;
        FoldField f = DiffersOnlyIn(cc.rules[i].cubes[0].fields, cc.rules[j].cubes[0].fields);
        if (f == FoldField::kNone || (field != FoldField::kNone && f != field)) break;
        field = f;
        ++end;
      }
    }
    Step s;
    s.rule = i;
    if (end - k > 1) {
      s.folded = true;
      s.merged.push_back(Fold(order, k, end, field, cc));
    }
    steps.push_back(std::move(s));
    k = end;
  }
  return steps;
}

}  // namespace ghostport::rules
