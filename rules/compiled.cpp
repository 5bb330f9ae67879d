#include "rules/compiled.h"

#include <algorithm>

namespace ghostport::rules {

const Rule& CompiledRuleset::RuleAt(const RuleRef& r) const {
  return ruleset->tables[r.table].chains[r.chain].rules[r.rule];
}

const Chain& CompiledRuleset::ChainAt(const RuleRef& r) const {
  return ruleset->tables[r.table].chains[r.chain];
}

std::vector<Family> CoveredFamilies(const Ruleset& ruleset) {
  std::vector<Family> out;
  for (Family f : {Family::kIpv4, Family::kIpv6}) {
    bool covered = std::any_of(ruleset.tables.begin(), ruleset.tables.end(),
                               [&](const Table& t) { return TableCovers(t.family, f); });
    if (covered) out.push_back(f);
  }
  return out;
}

namespace {

int HookOrder(Hook h) { return h == Hook::kPrerouting ? 0 : 1; }

}  // namespace

CompiledRuleset CompileInputPath(const Ruleset& ruleset, Family family,
                                 const InterfaceSpace& interfaces) {
  CompiledRuleset out;
  out.ruleset = &ruleset;
  out.family = family;
  out.interfaces = &interfaces;
  struct Base {
    int hook_order;
    int priority;
    RuleRef ref;
  };
  std::vector<Base> bases;
  for (size_t t = 0; t < ruleset.tables.size(); ++t) {
    const Table& table = ruleset.tables[t];
    CompiledTable ct;
    ct.chains.resize(table.chains.size());
    if (!TableCovers(table.family, family)) {
      out.tables.push_back(std::move(ct));
      continue;
    }
    for (size_t c = 0; c < table.chains.size(); ++c) {
      const Chain& chain = table.chains[c];
      bool on_path = chain.hook && (*chain.hook == Hook::kPrerouting || *chain.hook == Hook::kInput);
      if (on_path && !table.evaluated) {
        out.approximations.push_back(
            {chain.location, "table " + table.name + " chain " + chain.name +
                                 " is not evaluated: " + table.not_evaluated_reason});
        continue;
      }
      if (on_path) {
        bases.push_back({HookOrder(*chain.hook), chain.priority,
                         RuleRef{static_cast<int>(t), static_cast<int>(c), -1}});
      }
      for (const Rule& rule : chain.rules) {
        CompiledRule cr;
        cr.conditional = !rule.conditions.empty();
        for (const Cube& cube : rule.cubes) {
          if (auto fc = CompileForInput(cube, family, interfaces)) cr.cubes.push_back(std::move(*fc));
        }
        ct.chains[c].rules.push_back(std::move(cr));
      }
    }
    out.tables.push_back(std::move(ct));
  }
  out.errors = FindJumpLoops(ruleset);
  std::stable_sort(bases.begin(), bases.end(), [](const Base& a, const Base& b) {
    return a.hook_order != b.hook_order ? a.hook_order < b.hook_order : a.priority < b.priority;
  });
  for (const auto& b : bases) out.base_chains.push_back(b.ref);
  return out;
}

namespace {

// Depth-first search over one table's jump graph; colour 1 = on the current
// path, 2 = done. An edge to a chain on the path closes a loop.
void VisitChain(const Table& table, int c, std::vector<int>& colour, std::vector<EngineError>& out) {
  colour[c] = 1;
  for (const Rule& rule : table.chains[c].rules) {
    VerdictKind k = rule.verdict.kind;
    if ((k != VerdictKind::kJump && k != VerdictKind::kGoto) || rule.verdict.target < 0) continue;
    int t = rule.verdict.target;
    if (colour[t] == 1) {
      out.push_back({rule.location, "this jump to chain " + table.chains[t].name + " makes a loop", rule.text});
    } else if (colour[t] == 0) {
      VisitChain(table, t, colour, out);
    }
  }
  colour[c] = 2;
}

}  // namespace

std::vector<EngineError> FindJumpLoops(const Ruleset& ruleset) {
  std::vector<EngineError> out;
  for (const Table& table : ruleset.tables) {
    std::vector<int> colour(table.chains.size(), 0);
    for (size_t c = 0; c < table.chains.size(); ++c) {
      if (colour[c] == 0) VisitChain(table, static_cast<int>(c), colour, out);
    }
  }
  return out;
}

const SourceLocation& LocationOf(const Ruleset& ruleset, const RuleRef& r) {
  static const SourceLocation kNowhere;
  if (r.table < 0) return kNowhere;
  const Chain& chain = ruleset.tables[r.table].chains[r.chain];
  if (r.rule < 0) return chain.location;
  return chain.rules[r.rule].location;
}

std::string DescribeRef(const Ruleset& ruleset, const RuleRef& r) {
  if (r.table < 0) return "no base chain on the input path (netfilter accepts)";
  const Table& table = ruleset.tables[r.table];
  const Chain& chain = table.chains[r.chain];
  if (r.rule < 0) {
    return std::string("policy ") + (chain.policy == VerdictKind::kAccept ? "ACCEPT" : "DROP") +
           " of chain " + table.name + "/" + chain.name;
  }
  return chain.rules[r.rule].text;
}

}  // namespace ghostport::rules
