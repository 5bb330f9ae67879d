#include "rules/exposure.h"

#include <algorithm>
#include <map>
#include <set>

#include "rules/box_list.h"
#include "rules/chain_walk.h"

namespace ghostport::rules {

namespace {

// One step of a chain walk: a rule, or a run of consecutive unconditional
// drop/reject rules that differ in one field only (a block list), folded into
// one cube. Folding is exact: within the run the first match decides between
// drops alone, and drops are not attributed.
struct Step {
  int rule = -1;  // the first rule of the run
  std::vector<FieldCube> merged;  // set for a folded run
  bool folded = false;
};

bool IsPlainBlock(const Rule& r, const CompiledRule& cr) {
  return (r.verdict.kind == VerdictKind::kDrop || r.verdict.kind == VerdictKind::kReject) &&
         !cr.conditional && cr.cubes.size() == 1;
}

enum class FoldField { kNone, kSaddr, kDports };

// Which single field the two cubes differ in, if only one.
FoldField DiffersOnlyIn(const FieldCube& a, const FieldCube& b) {
  if (!(a.protocols == b.protocols) || !(a.sports == b.sports) || !(a.iif == b.iif) ||
      !(a.daddr == b.daddr)) {
    return FoldField::kNone;
  }
  bool same_ports = a.dports == b.dports;
  bool same_saddr = a.saddr == b.saddr;
  if (same_ports) return FoldField::kSaddr;
  if (same_saddr) return FoldField::kDports;
  return FoldField::kNone;
}

std::vector<Step> BuildSteps(const Chain& chain, const CompiledChain& cc) {
  std::vector<int> order = RuleOrder(chain);
  std::vector<Step> steps;
  for (size_t k = 0; k < order.size();) {
    int i = order[k];
    const CompiledRule& first = cc.rules[i];
    size_t end = k + 1;
    FoldField field = FoldField::kNone;
    if (IsPlainBlock(chain.rules[i], first)) {
      while (end < order.size()) {
        int j = order[end];
        if (!IsPlainBlock(chain.rules[j], cc.rules[j])) break;
        FoldField f = DiffersOnlyIn(first.cubes[0], cc.rules[j].cubes[0]);
        if (f == FoldField::kNone || (field != FoldField::kNone && f != field)) break;
        field = f;
        ++end;
      }
    }
    Step s;
    s.rule = i;
    if (end - k > 1) {
      s.folded = true;
      FieldCube cube = first.cubes[0];
      if (field == FoldField::kSaddr) {
        std::vector<Interval<u128>> all;
        for (size_t m = k; m < end; ++m) {
          const AddressSet& saddr = cc.rules[order[m]].cubes[0].saddr;
          if (const AddressSet::Values* v = saddr.EagerValues()) {
            all.insert(all.end(), v->intervals().begin(), v->intervals().end());
          } else {
            AddressSet::Values copy = saddr.Materialize();
            all.insert(all.end(), copy.intervals().begin(), copy.intervals().end());
          }
        }
        cube.saddr = AddressSet::Of(cube.saddr.family(), AddressSet::Values::FromIntervals(all));
      } else {
        std::vector<Interval<std::uint16_t>> all;
        for (size_t m = k; m < end; ++m) {
          const auto& v = cc.rules[order[m]].cubes[0].dports.intervals();
          all.insert(all.end(), v.begin(), v.end());
        }
        cube.dports = PortSet::FromIntervals(all);
      }
      s.merged.push_back(std::move(cube));
    }
    steps.push_back(std::move(s));
    k = end;
  }
  return steps;
}

class Evaluator {
 public:
  Evaluator(const CompiledRuleset& compiled, Exposure& out) : c_(compiled), out_(out) {}

  std::vector<Box> Run() {
    std::vector<Box> region;
    region.push_back(Box{WholeSpace(c_.family, *c_.interfaces), {}, {}, false});
    if (c_.base_chains.empty()) {
      for (auto& b : region) b.accepted_by.push_back(RuleRef{});
      return region;
    }
    for (const RuleRef& base : c_.base_chains) {
      std::vector<Box> accepted;
      for (auto& b : region) b.guards.push_back(kChainBoundary);
      std::vector<Box> fall = RunChain(base.table, base.chain, std::move(region), accepted);
      const Chain& chain = c_.ChainAt(base);
      for (auto& b : fall) {
        if (chain.policy == VerdictKind::kAccept) {
          b.accepted_by.push_back(base);
          accepted.push_back(std::move(b));
        } else {
          Dropped(std::move(b), accepted);
        }
      }
      region = std::move(accepted);
    }
    for (auto& b : region) {
      std::erase(b.guards, kChainBoundary);  // markers only
      // A region that went one way at a conditional jump is open only if the
      // condition went that way.
      for (const Guard& g : b.guards) {
        if (g.kind == Guard::kJumpIf || g.kind == Guard::kSkippedJump) b.conditional = true;
      }
    }
    return region;
  }

 private:
  // Marks where a base chain starts in a box's guards: accept-if guards
  // before it belong to an earlier chain and no longer decide anything.
  static constexpr Guard kChainBoundary{Guard::kAcceptIf, RuleRef{-2, -2, -2}};

  const std::vector<Step>& StepsOf(int t, int c) {
    auto key = std::make_pair(t, c);
    auto it = steps_.find(key);
    if (it == steps_.end()) {
      it = steps_.emplace(key, BuildSteps(c_.ruleset->tables[t].chains[c], c_.tables[t].chains[c])).first;
    }
    return it->second;
  }

  // A box reaches a drop: it is still open if an earlier accept of this base
  // chain had an unknown condition that may have held.
  void Dropped(Box b, std::vector<Box>& accepted) {
    for (auto it = b.guards.rbegin(); it != b.guards.rend(); ++it) {
      if (*it == kChainBoundary) break;
      if (it->kind == Guard::kAcceptIf) {
        RuleRef by = it->rule;
        b.conditional = true;
        b.accepted_by.push_back(by);
        accepted.push_back(std::move(b));
        return;
      }
    }
  }

  // Splits `region` by `cubes`: the matching parts go to `matched`, the rest
  // stays in `region`. Only boxes near the cubes' ports are looked at.
  static void Split(BoxList& region, const std::vector<FieldCube>& cubes, std::vector<Box>& matched) {
    for (auto& box : region.TakeIntersecting(cubes)) {
      std::vector<FieldCube> pieces;
      pieces.push_back(std::move(box.fields));
      for (const auto& cube : cubes) {
        std::vector<FieldCube> next;
        for (auto& p : pieces) {
          auto m = Intersect(p, cube);
          if (!m) {
            next.push_back(std::move(p));
            continue;
          }
          matched.push_back(Box{std::move(*m), box.guards, box.accepted_by, box.conditional});
          SubtractInto(p, cube, next);
        }
        pieces = std::move(next);
      }
      for (auto& p : pieces) region.Add(Box{std::move(p), box.guards, box.accepted_by, box.conditional});
    }
  }

  static void AddGuard(std::vector<Box>& boxes, Guard::Kind kind, const RuleRef& r) {
    for (auto& b : boxes) b.guards.push_back(Guard{kind, r});
  }

  static void Append(std::vector<Box>& to, std::vector<Box>&& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }

  // Walks `region` through chain (t, c). Accepted boxes go to `accepted`;
  // what returns to the caller is returned.
  std::vector<Box> RunChain(int t, int c, std::vector<Box> input, std::vector<Box>& accepted) {
    std::vector<Box> fall;
    if (static_cast<int>(stack_.size()) >= kMaxJumpDepth) {
      const Chain& chain = c_.ruleset->tables[t].chains[c];
      out_.errors.push_back({chain.location, "jumps nest deeper than " + std::to_string(kMaxJumpDepth) +
                                                 " chains at chain " + chain.name, ""});
      return fall;
    }
    stack_.emplace_back(t, c);
    const Chain& chain = c_.ruleset->tables[t].chains[c];
    const CompiledChain& cc = c_.tables[t].chains[c];
    BoxList region(std::move(input));
    for (const Step& step : StepsOf(t, c)) {
      if (region.empty()) break;
      const std::vector<FieldCube>& cubes = step.folded ? step.merged : cc.rules[step.rule].cubes;
      if (cubes.empty()) continue;
      std::vector<Box> matched;
      Split(region, cubes, matched);
      if (matched.empty()) continue;
      RuleRef ref{t, c, step.rule};
      const Rule& rule = chain.rules[step.rule];
      bool conditional = cc.rules[step.rule].conditional;
      VerdictKind kind = rule.verdict.kind;
      if (kind == VerdictKind::kUnknown) {
        Note(rule.location, "target " + rule.verdict.text + " is not modelled (" + rule.verdict.reason +
                                "); treated as a possible accept");
        AddGuard(matched, Guard::kAcceptIf, ref);
        region.Add(std::move(matched));
        continue;
      }
      if (conditional) {
        switch (kind) {
          case VerdictKind::kAccept:
            AddGuard(matched, Guard::kAcceptIf, ref);
            region.Add(std::move(matched));
            continue;
          case VerdictKind::kDrop:
          case VerdictKind::kReject:
            Note(rule.location, "drop assumed not to match: " + ConditionText(rule));
            AddGuard(matched, Guard::kUnlessDrop, ref);
            region.Add(std::move(matched));
            continue;
          case VerdictKind::kContinue:
            region.Add(std::move(matched));
            continue;
          case VerdictKind::kJump:
          case VerdictKind::kGoto:
          case VerdictKind::kReturn: {
            Note(rule.location, "both outcomes followed for: " + ConditionText(rule));
            std::vector<Box> skipped = matched;
            AddGuard(skipped, Guard::kSkippedJump, ref);
            region.Add(std::move(skipped));
            AddGuard(matched, Guard::kJumpIf, ref);
            break;  // then as unconditional, below
          }
          default:
            break;
        }
      }
      switch (kind) {
        case VerdictKind::kAccept:
          for (auto& b : matched) {
            b.accepted_by.push_back(ref);
            accepted.push_back(std::move(b));
          }
          break;
        case VerdictKind::kDrop:
        case VerdictKind::kReject:
          for (auto& b : matched) Dropped(std::move(b), accepted);
          break;
        case VerdictKind::kContinue:
          region.Add(std::move(matched));
          break;
        case VerdictKind::kReturn:
          Append(fall, std::move(matched));
          break;
        case VerdictKind::kJump:
        case VerdictKind::kGoto:
          if (OnStack(t, rule.verdict.target)) {
            const Chain& target = c_.ruleset->tables[t].chains[rule.verdict.target];
            out_.errors.push_back({rule.location, "this jump to chain " + target.name + " makes a loop", rule.text});
            break;
          }
          if (kind == VerdictKind::kJump) {
            region.Add(RunChain(t, rule.verdict.target, std::move(matched), accepted));
          } else {
            Append(fall, RunChain(t, rule.verdict.target, std::move(matched), accepted));
          }
          break;
        case VerdictKind::kUnknown:
          break;  // handled above
      }
    }
    Append(fall, region.TakeAll());
    stack_.pop_back();
    return fall;
  }

  bool OnStack(int t, int c) const {
    return std::find(stack_.begin(), stack_.end(), std::make_pair(t, c)) != stack_.end();
  }

  static std::string ConditionText(const Rule& rule) {
    std::string s;
    for (const auto& cond : rule.conditions) {
      if (!s.empty()) s += "; ";
      s += cond.description + " (" + cond.reason + ")";
    }
    return s;
  }

  void Note(const SourceLocation& where, std::string what) {
    Approximation a{where, std::move(what)};
    if (noted_.insert({where.file, where.line, a.what}).second) out_.approximations.push_back(std::move(a));
  }

  const CompiledRuleset& c_;
  Exposure& out_;
  std::map<std::pair<int, int>, std::vector<Step>> steps_;
  std::vector<std::pair<int, int>> stack_;
  std::set<std::tuple<std::string, int, std::string>> noted_;
};

}  // namespace

Exposure ComputeExposure(const Ruleset& ruleset) {
  Exposure out;
  out.interfaces = InterfaceSpace::FromRuleset(ruleset);
  std::vector<Family> families = CoveredFamilies(ruleset);
  if (families.empty()) out.errors = FindJumpLoops(ruleset);  // otherwise the compile finds them
  for (Family f : families) {
    CompiledRuleset compiled = CompileInputPath(ruleset, f, out.interfaces);
    if (!compiled.errors.empty()) {
      out.errors = std::move(compiled.errors);
      return out;
    }
    for (auto& a : compiled.approximations) {
      if (std::find(out.approximations.begin(), out.approximations.end(), a) == out.approximations.end()) {
        out.approximations.push_back(a);
      }
    }
    Evaluator ev(compiled, out);
    out.families.push_back(FamilyExposure{f, ev.Run()});
  }
  return out;
}

}  // namespace ghostport::rules
