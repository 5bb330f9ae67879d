#include "rules/decision.h"

namespace ghostport::rules {

const Rule& RuleAt(const Ruleset& ruleset, const RuleRef& r) {
  return ruleset.tables[r.table].chains[r.chain].rules[r.rule];
}

const Chain& ChainAt(const Ruleset& ruleset, const ChainRef& c) { return ruleset.tables[c.table].chains[c.chain]; }

const SourceLocation& LocationOf(const Ruleset& ruleset, const Decision& d) {
  static const SourceLocation kNowhere;
  if (const auto* r = std::get_if<RuleDecision>(&d)) return RuleAt(ruleset, r->rule).location;
  if (const auto* p = std::get_if<PolicyDecision>(&d)) return ChainAt(ruleset, p->chain).location;
  if (const auto* f = std::get_if<FirewallOffDecision>(&d)) return ruleset.tables[f->table].location;
  return kNowhere;
}

std::string Describe(const Ruleset& ruleset, const Decision& d) {
  if (const auto* r = std::get_if<RuleDecision>(&d)) return RuleAt(ruleset, r->rule).text;
  if (const auto* p = std::get_if<PolicyDecision>(&d)) {
    const Table& table = ruleset.tables[p->chain.table];
    const Chain& chain = table.chains[p->chain.chain];
    if (table.family == TableFamily::kWindows) {
      return "the " + table.profile + " profile's default inbound action (" +
             (chain.policy == VerdictKind::kAccept ? "allow" : "block") + ")";
    }
    return std::string("policy ") + (chain.policy == VerdictKind::kAccept ? "ACCEPT" : "DROP") + " of chain " +
           table.name + "/" + chain.name;
  }
  if (const auto* n = std::get_if<NoBaseChainDecision>(&d)) {
    return std::string("no base chain on the ") + HookName(n->hook) + " hook (netfilter accepts)";
  }
  const auto& f = std::get<FirewallOffDecision>(d);
  const Table& table = ruleset.tables[f.table];
  return "the firewall is off" + (table.profile.empty() ? std::string() : " in the " + table.profile + " profile");
}

std::string DecisionKey(const Decision& d) {
  if (const auto* r = std::get_if<RuleDecision>(&d)) {
    return "r" + std::to_string(r->rule.table) + "." + std::to_string(r->rule.chain) + "." + std::to_string(r->rule.rule);
  }
  if (const auto* p = std::get_if<PolicyDecision>(&d)) {
    return "p" + std::to_string(p->chain.table) + "." + std::to_string(p->chain.chain);
  }
  if (const auto* n = std::get_if<NoBaseChainDecision>(&d)) return "n" + std::to_string(static_cast<int>(n->hook));
  return "f" + std::to_string(std::get<FirewallOffDecision>(d).table);
}

const char* DecisionKind(const Decision& d) {
  switch (d.index()) {
    case 0: return "rule";
    case 1: return "policy";
    case 2: return "no-base-chain";
    default: return "firewall-off";
  }
}

}  // namespace ghostport::rules
