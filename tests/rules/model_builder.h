// Builds rulesets directly in the model for engine tests, without a parser.
#pragma once

#include <string>
#include <vector>

#include "rules/model.h"

namespace ghostport::rules::testing {

inline AddressSet V4(const std::string& cidr) {
  return AddressSet::OfCidr(*ParseCidr(Family::kIpv4, cidr));
}

struct RuleSpec {
  std::vector<std::uint8_t> protocols;  // empty: any
  PortSet dports = PortSet::All();
  std::string saddr;  // empty: any
  bool saddr_negated = false;
  std::string iif;    // empty: any; "eth+" for a prefix
  bool iif_negated = false;
  std::uint8_t ct_states = kCtAll;
  VerdictKind verdict = VerdictKind::kAccept;
  std::string target;  // chain name for jump/goto
  bool unknown_condition = false;
};

class Builder {
 public:
  explicit Builder(TableFamily family = TableFamily::kIp) {
    table_.name = "filter";
    table_.family = family;
  }
  Builder& BaseChain(const std::string& name, Hook hook, int priority, VerdictKind policy) {
    Chain c;
    c.name = name;
    c.hook = hook;
    c.priority = priority;
    c.policy = policy;
    c.location = {"test.rules", line_++, 1};
    table_.chains.push_back(std::move(c));
    return *this;
  }
  Builder& UserChain(const std::string& name) {
    Chain c;
    c.name = name;
    c.location = {"test.rules", line_++, 1};
    table_.chains.push_back(std::move(c));
    return *this;
  }
  Builder& Add(const std::string& chain, const RuleSpec& s) {
    Rule r;
    Cube cube = Cube::Any(Family::kIpv4);
    if (!s.protocols.empty()) {
      std::vector<Interval<std::uint8_t>> iv;
      for (auto p : s.protocols) iv.push_back({p, p});
      cube.protocols = ProtocolSet::FromIntervals(iv);
    }
    cube.dports = s.dports;
    if (!s.saddr.empty()) {
      cube.saddr = V4(s.saddr);
      if (s.saddr_negated) cube.saddr = cube.saddr.Complement();
    }
    if (!s.iif.empty()) {
      InterfaceMatch m;
      bool prefix = s.iif.back() == '+';
      m.names.push_back({prefix ? s.iif.substr(0, s.iif.size() - 1) : s.iif, prefix});
      m.negated = s.iif_negated;
      cube.iif.push_back(m);
    }
    cube.ct_states = s.ct_states;
    r.cubes.push_back(cube);
    if (s.unknown_condition) r.conditions.push_back({"-m recent --rcheck", "not modelled", {}});
    r.verdict.kind = s.verdict;
    r.verdict.text = s.target;
    r.location = {"test.rules", line_++, 1};
    r.text = "rule at line " + std::to_string(r.location.line);
    pending_.push_back({chain, s.target, std::move(r)});
    return *this;
  }
  Ruleset Build() {
    for (auto& p : pending_) {
      int c = table_.FindChain(p.chain);
      if (!p.target.empty()) p.rule.verdict.target = table_.FindChain(p.target);
      table_.chains[c].rules.push_back(std::move(p.rule));
    }
    pending_.clear();
    Ruleset rs;
    rs.inputs.push_back("test.rules");
    rs.tables.push_back(table_);
    return rs;
  }

 private:
  struct Pending {
    std::string chain;
    std::string target;
    Rule rule;
  };
  Table table_;
  std::vector<Pending> pending_;
  int line_ = 1;
};

}  // namespace ghostport::rules::testing
