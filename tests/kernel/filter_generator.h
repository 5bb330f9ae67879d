// Draws realistic filter-only iptables-save rulesets: a conntrack accept
// first, then INPUT rules over protocols, destination ports, sources,
// interfaces and conntrack states, with ACCEPT/DROP/REJECT/RETURN, jumps and
// gotos into user chains (only forward, so no loops). Never --sport or -d;
// FORWARD DROP, OUTPUT ACCEPT. The rulesets of engine v1's world.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tests/kernel/rule_vocabulary.h"

namespace ghostport::kernel_test {

class FilterGenerator {
 public:
  explicit FilterGenerator(std::uint64_t seed) : rng_(seed) {}

  std::string Ruleset(bool ipv6, int rule_count);

 private:
  std::string Target(RuleVocabulary& draw, std::size_t chain, const std::string& proto);
  std::string Rule(RuleVocabulary& draw, std::size_t chain);

  std::mt19937_64 rng_;
  std::vector<std::string> chains_;
};

}  // namespace ghostport::kernel_test
