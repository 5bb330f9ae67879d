// What decided a packet, as a value: a rule, a chain's policy, the absence of
// any base chain on a hook (netfilter then accepts), or a Windows profile
// whose firewall is off. Reports say which, never decode sentinel numbers.
#pragma once

#include <compare>
#include <string>
#include <variant>

#include "rules/model.h"

namespace ghostport::rules {

// A rule by position: table, chain and rule index in the ruleset.
struct RuleRef {
  int table = 0;
  int chain = 0;
  int rule = 0;
  friend bool operator==(const RuleRef&, const RuleRef&) = default;
  friend auto operator<=>(const RuleRef&, const RuleRef&) = default;
};

// A chain by position.
struct ChainRef {
  int table = 0;
  int chain = 0;
  friend bool operator==(const ChainRef&, const ChainRef&) = default;
  friend auto operator<=>(const ChainRef&, const ChainRef&) = default;
};

struct RuleDecision {
  RuleRef rule;
  friend bool operator==(const RuleDecision&, const RuleDecision&) = default;
  friend auto operator<=>(const RuleDecision&, const RuleDecision&) = default;
};

// The end of a base chain: its policy (a Windows profile's default action).
struct PolicyDecision {
  ChainRef chain;
  friend bool operator==(const PolicyDecision&, const PolicyDecision&) = default;
  friend auto operator<=>(const PolicyDecision&, const PolicyDecision&) = default;
};

// No base chain of any evaluated table sits on this hook: netfilter accepts.
struct NoBaseChainDecision {
  Hook hook = Hook::kInput;
  friend bool operator==(const NoBaseChainDecision&, const NoBaseChainDecision&) = default;
  friend auto operator<=>(const NoBaseChainDecision&, const NoBaseChainDecision&) = default;
};

// A Windows profile with the firewall switched off: everything is accepted.
struct FirewallOffDecision {
  int table = 0;
  friend bool operator==(const FirewallOffDecision&, const FirewallOffDecision&) = default;
  friend auto operator<=>(const FirewallOffDecision&, const FirewallOffDecision&) = default;
};

using Decision = std::variant<RuleDecision, PolicyDecision, NoBaseChainDecision, FirewallOffDecision>;

// The rule, when a rule decided; null otherwise.
inline const RuleRef* DecidingRule(const Decision& d) {
  const auto* r = std::get_if<RuleDecision>(&d);
  return r ? &r->rule : nullptr;
}
// True when the decision is not one rule's but covers whatever reached it
// (a policy, no base chain, a firewall switched off).
inline bool IsBlanket(const Decision& d) { return !std::holds_alternative<RuleDecision>(d); }

const Rule& RuleAt(const Ruleset& ruleset, const RuleRef& r);
const Chain& ChainAt(const Ruleset& ruleset, const ChainRef& c);

// Where a decision came from, for reports: the rule's location, the chain
// header for a policy, nothing for netfilter's implicit accept.
const SourceLocation& LocationOf(const Ruleset& ruleset, const Decision& d);
// "-A INPUT -p tcp --dport 22 -j ACCEPT", "policy DROP of chain filter/INPUT", ...
std::string Describe(const Ruleset& ruleset, const Decision& d);
// A compact key that tells decisions apart ("r1.0.3", "p1.0", "n1", "f0").
std::string DecisionKey(const Decision& d);
// A short machine word: "rule", "policy", "no-base-chain", "firewall-off".
const char* DecisionKind(const Decision& d);

}  // namespace ghostport::rules
