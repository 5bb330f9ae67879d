// A ruleset compiled for one address family: every rule's cubes as
// FieldCubes with their state matches, named sets resolved, and, per hook,
// the base chains a packet meets in the order netfilter runs them, with the
// points where conntrack and destination NAT act. Shared by the exposure
// engine and probes (both run pipeline.h), so the two cannot disagree about
// what a rule matches.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "rules/decision.h"
#include "rules/model.h"
#include "rules/region.h"

namespace ghostport::rules {

struct CompiledCube {
  FieldCube fields;
  MetaMatch meta;
};

struct CompiledRule {
  std::vector<CompiledCube> cubes;  // empty: never matches
  bool conditional = false;         // has unknown conditions
  // Unknowns found while compiling (a set whose contents were not given), in
  // addition to the rule's own conditions.
  std::vector<std::string> unknowns;
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

// One step of a hook: a base chain, or the point where conntrack assigns a
// state (priority -200) or where destination NAT is applied to packets that
// nat chains do not see (priority -100).
struct Stage {
  enum Kind : std::uint8_t { kChain, kConntrack, kNatPoint };
  Kind kind = Kind::kChain;
  ChainRef chain;  // for kChain
  int priority = 0;
};

// netfilter's priorities of the conntrack and NAT hooks.
inline constexpr int kConntrackPriority = -200;
inline constexpr int kDstNatPriority = -100;

// A route of the family: where a forwarded packet to `destination` leaves.
struct CompiledRoute {
  AddressSet destination;
  AtomSet out_interface;
};

struct CompiledRuleset {
  const Ruleset* ruleset = nullptr;
  Family family = Family::kIpv4;
  std::string profile;  // the Windows profile compiled; empty for netfilter
  const InterfaceSpace* interfaces = nullptr;
  std::vector<CompiledTable> tables;  // parallel to ruleset->tables
  // Per hook (indexed by Hook), the stages in the order the kernel runs them.
  std::array<std::vector<Stage>, 6> hooks;
  std::vector<CompiledRoute> routes;  // longest prefix first
  // Some nat chain covers the family: netfilter then runs NAT at all four
  // points (prerouting, input, output, postrouting), binding every new
  // connection once per kind of translation even where no nat chain is.
  bool nat_anywhere = false;
  std::vector<Approximation> approximations;
  std::vector<EngineError> errors;  // jump loops: nothing may be answered

  const std::vector<Stage>& StagesOf(Hook h) const { return hooks[static_cast<size_t>(h)]; }
  bool HasBaseChain(Hook h) const;
};

// Families the ruleset speaks for: a family no table covers is not reported.
std::vector<Family> CoveredFamilies(const Ruleset& ruleset);

// Windows profiles the ruleset's tables stand for, in table order; empty for
// netfilter (no table has a profile).
std::vector<std::string> Profiles(const Ruleset& ruleset);

// Compiles the tables that cover `family` and, for Windows, stand for
// `profile` (each profile is a scope of its own; netfilter tables have none).
CompiledRuleset Compile(const Ruleset& ruleset, Family family, const InterfaceSpace& interfaces,
                        const std::string& profile = "");

// One rule of the ruleset, as Compile compiles it.
CompiledRule CompileRule(const Ruleset& ruleset, const Rule& rule, Family family, const InterfaceSpace& interfaces);

// Jumps and gotos that close a loop, wherever they are: netfilter refuses
// such a ruleset whether or not a packet could reach the loop. One error per
// jump that closes one, at that rule.
std::vector<EngineError> FindJumpLoops(const Ruleset& ruleset);

}  // namespace ghostport::rules
