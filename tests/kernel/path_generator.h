// Draws iptables-save rulesets over the whole netfilter path a new inbound
// connection meets, for engine v2: raw PREROUTING/OUTPUT (NOTRACK and CT
// --notrack, drops, --ctstate INVALID before conntrack), mangle
// PREROUTING/INPUT/OUTPUT (drops, a DROP policy with accepts), nat
// PREROUTING (DNAT to the backend, with and without a port change, DNAT to
// the server itself, REDIRECT; behind a Docker-style `-m addrtype
// --dst-type LOCAL` jump into a user chain, sometimes from nat OUTPUT too),
// filter INPUT (the filter generator's matches plus addrtype, UNTRACKED
// accepts, NEW accepts followed by rules that catch the ESTABLISHED ACK),
// filter FORWARD (accepts for the forwarded ports, reply drops, the
// conntrack accept at the top, the end, or missing), filter OUTPUT (DROP or
// ACCEPT policy, --sport accepts and drops), and the security table.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace ghostport::kernel_test {

class PathGenerator {
 public:
  explicit PathGenerator(std::uint64_t seed) : rng_(seed) {}

  std::string Ruleset(bool ipv6);

 private:
  std::mt19937_64 rng_;
};

}  // namespace ghostport::kernel_test
