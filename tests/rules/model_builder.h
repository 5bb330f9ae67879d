// Builds rulesets directly in the model for engine tests, without a parser.
#pragma once

#include <optional>
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
  PortSet sports = PortSet::All();
  std::string oif;    // empty: any
  std::optional<AddrTypeMatch> dst_type;
  std::optional<TcpFlagsMatch> tcp_flags;
  VerdictKind verdict = VerdictKind::kAccept;
  NatTarget nat;       // for kDnat / kRedirect
  std::string target;  // chain name for jump/goto
  bool unknown_condition = false;
};

class Builder {
 public:
  explicit Builder(TableFamily family = TableFamily::kIp) {
    table_.name = "filter";
    table_.family = family;
  }
  // Starts another table; later chains and rules go there.
  Builder& Table(const std::string& name, TableFamily family = TableFamily::kIp) {
    Flush();
    tables_.push_back(table_);
    table_ = rules::Table();
    table_.name = name;
    table_.family = family;
    return *this;
  }
  Builder& NatChain(const std::string& name, Hook hook, int priority) {
    BaseChain(name, hook, priority, VerdictKind::kAccept);
    table_.chains.back().type = ChainType::kNat;
    return *this;
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
    Cube cube = Cube::Any(table_.family == TableFamily::kIp6 ? Family::kIpv6 : Family::kIpv4);
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
    if (!s.oif.empty()) {
      InterfaceMatch m;
      m.names.push_back({s.oif, false});
      cube.oif.push_back(m);
    }
    cube.ct_states = s.ct_states;
    cube.sports = s.sports;
    cube.dst_type = s.dst_type;
    cube.tcp_flags = s.tcp_flags;
    r.cubes.push_back(cube);
    r.verdict.nat = s.nat;
    if (s.unknown_condition) r.conditions.push_back({"-m recent --rcheck", "not modelled", {}});
    r.verdict.kind = s.verdict;
    r.verdict.text = s.target;
    r.location = {"test.rules", line_++, 1};
    r.text = "rule at line " + std::to_string(r.location.line);
    pending_.push_back({chain, s.target, std::move(r)});
    return *this;
  }
  Ruleset Build() {
    Flush();
    Ruleset rs;
    rs.inputs.push_back("test.rules");
    rs.tables = tables_;
    rs.tables.push_back(table_);
    return rs;
  }

 private:
  void Flush() {
    for (auto& p : pending_) {
      int c = table_.FindChain(p.chain);
      if (!p.target.empty()) p.rule.verdict.target = table_.FindChain(p.target);
      table_.chains[c].rules.push_back(std::move(p.rule));
    }
    pending_.clear();
  }
  struct Pending {
    std::string chain;
    std::string target;
    Rule rule;
  };
  rules::Table table_;
  std::vector<rules::Table> tables_;
  std::vector<Pending> pending_;
  int line_ = 1;
};

}  // namespace ghostport::rules::testing
