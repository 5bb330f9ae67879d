// A ruleset compiled for one address family on the input path: every rule's
// cubes as FieldCubes, and the base chains a new inbound connection passes,
// in the order netfilter runs them. Shared by the exposure engine and probes
// so the two cannot disagree about what a rule matches.
#pragma once

#include <string>
#include <vector>

#include "rules/model.h"
#include "rules/region.h"

namespace ghostport::rules {

struct CompiledRule {
  std::vector<FieldCube> cubes;  // empty: never matches a new inbound connection
  bool conditional = false;      // has unknown conditions
};

struct CompiledChain {
  std::vector<CompiledRule> rules;
};

struct CompiledTable {
  std::vector<CompiledChain> chains;
};

// Something that limits how exact an answer is, with where it comes from.
struct Approximation {
  SourceLocation location;
  std::string what;
  friend bool operator==(const Approximation&, const Approximation&) = default;
};

// A ruleset the engine cannot evaluate (a jump loop): no answer is given.
struct EngineError {
  SourceLocation location;
  std::string message;
  std::string source_line;  // the rule's text, when a rule is to blame
};

struct CompiledRuleset {
  const Ruleset* ruleset = nullptr;
  Family family = Family::kIpv4;
  const InterfaceSpace* interfaces = nullptr;
  std::vector<CompiledTable> tables;  // parallel to ruleset->tables
  // Base chains on the input path (prerouting, then input), by priority.
  std::vector<RuleRef> base_chains;
  std::vector<Approximation> approximations;
  std::vector<EngineError> errors;  // jump loops: nothing may be answered

  const Rule& RuleAt(const RuleRef& r) const;
  const Chain& ChainAt(const RuleRef& r) const;
};

// Families the ruleset speaks for: a family no table covers is not reported.
std::vector<Family> CoveredFamilies(const Ruleset& ruleset);

CompiledRuleset CompileInputPath(const Ruleset& ruleset, Family family,
                                 const InterfaceSpace& interfaces);

// Jumps and gotos that close a loop, wherever they are: netfilter refuses
// such a ruleset whether or not a packet could reach the loop. One error per
// jump that closes one, at that rule.
std::vector<EngineError> FindJumpLoops(const Ruleset& ruleset);

// Where a decision came from, for reports: the rule's location, the chain
// header for a policy, nothing for netfilter's implicit accept.
const SourceLocation& LocationOf(const Ruleset& ruleset, const RuleRef& r);
std::string DescribeRef(const Ruleset& ruleset, const RuleRef& r);

}  // namespace ghostport::rules
