// The matches and targets the seeded generators draw iptables rules from:
// destination ports (single, range, multiport, negated), sources (hosts,
// subnets, iprange, negated), interfaces, conntrack states, reject kinds.
// Every draw comes from the generator's own random engine, so a seed
// reproduces a ruleset exactly.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ghostport::kernel_test {

class RuleVocabulary {
 public:
  RuleVocabulary(std::mt19937_64& rng, bool ipv6) : rng_(rng), ipv6_(ipv6) {}

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Uniform(0, static_cast<int>(items.size()) - 1))];
  }
  std::string Negate(double p) { return Chance(p) ? "! " : ""; }
  bool ipv6() const { return ipv6_; }

  // A pool or extra port.
  std::string Port();
  // Mostly narrow ranges starting at a pool port (9000:9004), sometimes one
  // spanning several pool ports (443:3393). --dport takes 8080:8080,
  // multiport refuses it (only a:b with a < b).
  std::string Range(bool multiport);
  // "-m tcp --dport 22 ", "-m multiport ! --dports 80,9000:9004 ", ...
  // `option` is dport or sport.
  std::string Ports(const std::string& proto, const std::string& option = "dport");
  // "-s 10.77.1.0/24 ", "! -s fd77::5/128 ", "-m iprange --src-range ... "
  std::string Source();
  std::string Interface();
  std::string State();
  std::string Reject(const std::string& proto);

 private:
  std::mt19937_64& rng_;
  bool ipv6_ = false;
};

}  // namespace ghostport::kernel_test
