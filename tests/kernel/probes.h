// Probes: one first packet (a TCP SYN, a first UDP datagram) from one client
// address to one server port, and the ports each ruleset is probed on.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/kernel/ruleset_kind.h"

namespace ghostport::kernel_test {

struct Probe {
  std::string id;     // unique across the run
  std::string proto;  // tcp | udp
  int port = 0;
  std::string source;
  std::string destination;
  std::string iif;  // veth-s, or lo for probes sent from the server itself
  bool local = false;
};

// Ports probed for every ruleset, and a few more the generators draw from.
const std::vector<int>& PortPool();
const std::vector<int>& ExtraPorts();

// "tcp 10.77.0.2 -> 10.77.0.1:22 iif veth-s"
std::string Describe(const Probe& probe);

// A probe id unique across the whole run (thread-safe).
std::string NextProbeId();

// Every port × every client address of the family (over veth-s) and the
// server's own address (over lo), for TCP and UDP.
std::vector<Probe> MakeProbes(const std::vector<int>& ports, bool ipv6);

// The ports a ruleset names, as the scanner of its kind finds them.
class NamedPorts {
 public:
  // A port a rule compares with.
  void Match(long port);
  // A range a rule compares with: its bounds, their neighbours outside it,
  // and its middle.
  void MatchRange(long low, long high);
  // A bound of `< PORT`, `>= PORT`, ...: the port and both neighbours.
  void MatchBound(long port);
  // Ports NAT translates to: every one, or the ends and the middle of a
  // range wider than 64.
  void Target(long low, long high);

  // The matched ports and the targets, ascending.
  std::vector<int> All() const;

 private:
  void Add(long port);
  std::set<int> ports_;
};

// The port part of a translation's target: "10.77.9.2:80",
// "[fd77:9::2]:80-90", ":8080", "8080", "8080-8090"; "" when it names no
// port ("10.77.9.2", "fd77:9::2").
std::string TranslationPorts(const std::string& value);

// "8080" or "8080-8090" (iptables' "8080:8090" is the caller's business).
std::optional<std::pair<long, long>> PortRange(const std::string& text);

// The ports a ruleset is probed on, and packet_server listens on (on the
// server and on the backend): the pool, plus the ports the ruleset names
// in its matches (with the neighbours of every range bound), plus every
// port NAT translates to, so a translated packet always finds a socket
// wherever it lands. iptables text: --dport/--dports and --sport/--sports,
// --to-destination ADDR:PORT, --to-ports, --to; nft text: nft_ports.h.
std::vector<int> PortsFor(const std::string& ruleset_text, RulesetKind kind);

}  // namespace ghostport::kernel_test
