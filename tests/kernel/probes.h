// Probes: one first packet (a TCP SYN, a first UDP datagram) from one client
// address to one server port, and the ports each ruleset is probed on.
#pragma once

#include <string>
#include <vector>

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

// The ports a ruleset is probed on, and packet_server listens on (on the
// server and on the backend): the pool, plus the ports the ruleset names in
// --dport/--dports and --sport/--sports (with the neighbours of every range
// bound), plus every port NAT translates to (--to-destination ADDR:PORT,
// --to-ports, --to), so a translated packet always finds a socket wherever
// it lands.
std::vector<int> PortsFor(const std::string& ruleset_text);

}  // namespace ghostport::kernel_test
