// Walking many boxes as few: JoinCubes is an exact union, and a handshake's
// later walks over many accepting rules stay linear (a host without a lo
// accept, whose SYN-ACK comes back in through every accept, once needed
// n² pieces: 2,000 rules took 24 GB).
#include <boost/test/unit_test.hpp>

#include <random>

#include "rules/exposure.h"
#include "rules/exposure_entries.h"
#include "rules/merged_walk.h"
#include "rules/probe.h"
#include "tests/rules/model_builder.h"

namespace ghostport::rules {
namespace {

using testing::Builder;
using testing::RuleSpec;
using testing::V4;

FieldCube Cube4(PortSet dports, const std::string& saddr, std::size_t atoms = 2) {
  FieldCube c;
  c.protocols = ProtocolSet::Single(6);
  c.sports = PortSet::All();
  c.dports = std::move(dports);
  c.saddr = saddr.empty() ? AddressSet::All(Family::kIpv4) : V4(saddr);
  c.daddr = AddressSet::All(Family::kIpv4);
  c.iif = AtomSet(atoms, true);
  c.oif = AtomSet(atoms, true);
  return c;
}

struct Point {
  std::uint8_t proto;
  std::uint16_t dport;
  u128 saddr;
  std::size_t iif;
};

bool Holds(const std::vector<FieldCube>& cubes, const Point& p) {
  return std::any_of(cubes.begin(), cubes.end(), [&](const FieldCube& c) {
    return c.protocols.Contains(p.proto) && c.dports.Contains(p.dport) && c.saddr.Contains(p.saddr) &&
           c.iif.Has(p.iif);
  });
}

BOOST_AUTO_TEST_SUITE(merged_walk)

BOOST_AUTO_TEST_CASE(cubes_equal_but_in_one_field_become_one) {
  std::vector<FieldCube> cubes = {Cube4(PortSet::Single(22), ""), Cube4(PortSet::Single(80), ""),
                                  Cube4(PortSet::Single(443), "")};
  auto joined = JoinCubes(cubes);
  BOOST_REQUIRE_EQUAL(joined.size(), 1u);
  BOOST_TEST(joined[0].dports.Contains(22));
  BOOST_TEST(joined[0].dports.Contains(80));
  BOOST_TEST(joined[0].dports.Contains(443));
  BOOST_TEST(!joined[0].dports.Contains(23));
}

BOOST_AUTO_TEST_CASE(a_join_along_one_field_can_make_another_join_possible) {
  // 22 from A, 22 from B, 80 from A, 80 from B: one cube {22,80} x {A,B}.
  std::vector<FieldCube> cubes = {Cube4(PortSet::Single(22), "10.0.0.0/24"), Cube4(PortSet::Single(80), "10.0.1.0/24"),
                                  Cube4(PortSet::Single(80), "10.0.0.0/24"), Cube4(PortSet::Single(22), "10.0.1.0/24")};
  BOOST_TEST(JoinCubes(cubes).size() == 1u);
}

BOOST_AUTO_TEST_CASE(cubes_that_differ_in_two_fields_stay_apart) {
  // 22 from A and 80 from B: their union is no cube.
  std::vector<FieldCube> cubes = {Cube4(PortSet::Single(22), "10.0.0.0/24"), Cube4(PortSet::Single(80), "10.0.1.0/24")};
  BOOST_TEST(JoinCubes(cubes).size() == 2u);
}

BOOST_AUTO_TEST_CASE(different_interfaces_are_never_joined) {
  FieldCube a = Cube4(PortSet::Single(22), "");
  FieldCube b = Cube4(PortSet::Single(22), "");
  a.iif = AtomSet(2);
  a.iif.Set(0);
  b.iif = AtomSet(2);
  b.iif.Set(1);
  BOOST_TEST(JoinCubes({a, b}).size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_join_holds_exactly_the_packets_of_its_parts) {
  std::mt19937 rng(20261204);
  const std::vector<std::string> nets = {"", "10.0.0.0/24", "10.0.1.0/24", "10.0.0.0/16", "192.0.2.0/28"};
  for (int round = 0; round < 50; ++round) {
    std::vector<FieldCube> cubes;
    int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      auto lo = static_cast<std::uint16_t>(rng() % 40);
      auto hi = static_cast<std::uint16_t>(lo + rng() % 5);
      FieldCube c = Cube4(PortSet::Range(lo, hi), nets[rng() % nets.size()]);
      if (rng() % 3 == 0) c.protocols = ProtocolSet::Single(17);
      if (rng() % 4 == 0) {
        c.iif = AtomSet(2);
        c.iif.Set(rng() % 2);
      }
      cubes.push_back(std::move(c));
    }
    auto joined = JoinCubes(cubes);
    BOOST_TEST(joined.size() <= cubes.size());
    const std::vector<u128> addrs = {*ParseIpv4("10.0.0.5"), *ParseIpv4("10.0.1.5"), *ParseIpv4("10.0.7.1"),
                                     *ParseIpv4("192.0.2.3"), *ParseIpv4("203.0.113.9")};
    for (std::uint8_t proto : {6, 17}) {
      for (std::uint16_t port = 0; port < 46; ++port) {
        for (u128 a : addrs) {
          for (std::size_t iif : {0u, 1u}) {
            Point p{proto, port, a, iif};
            BOOST_TEST(Holds(joined, p) == Holds(cubes, p), "round " << round << " port " << port);
          }
        }
      }
    }
  }
}

// INPUT DROP, n port accepts and n source accepts, and no lo accept: every
// SYN-ACK this host sends to itself comes back in over lo and meets the
// accepts again.
Ruleset NoLoopbackAccept(int n) {
  Builder b;
  b.BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop);
  for (int i = 0; i < n; ++i) {
    RuleSpec s;
    s.protocols = {6};
    s.dports = PortSet::Single(static_cast<std::uint16_t>(1000 + i));
    b.Add("INPUT", s);
  }
  for (int i = 0; i < n; ++i) {
    RuleSpec s;
    s.saddr = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24";
    b.Add("INPUT", s);
  }
  return b.Build();
}

std::size_t EntryCount(const Ruleset& rs) {
  Exposure ex = ComputeExposure(rs);
  BOOST_REQUIRE(ex.errors.empty());
  return ListEntries(ex).size();
}

BOOST_AUTO_TEST_CASE(many_accepts_without_a_loopback_accept_stay_linear) {
  // Twice the rules, about twice the entries: never one per pair of rules.
  std::size_t small = EntryCount(NoLoopbackAccept(60));
  std::size_t large = EntryCount(NoLoopbackAccept(120));
  BOOST_TEST(large <= small * 22 / 10, "entries " << small << " then " << large);
}

BOOST_AUTO_TEST_CASE(the_joined_walks_agree_with_the_probe) {
  const int n = 40;
  Ruleset rs = NoLoopbackAccept(n);
  Exposure ex = ComputeExposure(rs);
  BOOST_REQUIRE(ex.errors.empty());
  std::vector<ExposureEntry> entries = ListEntries(ex);
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(rs);
  CompiledRuleset c = Compile(rs, Family::kIpv4, ifaces);
  struct Case {
    const char* iif;
    const char* daddr;
  };
  // Over lo the SYN-ACK comes back in from the address the client called:
  // from 127.0.0.1 no accept takes it; from 10.0.3.1 the source accept of
  // 10.0.3.0/24 does.
  for (Case k : {Case{"eth0", "198.51.100.1"}, Case{"lo", "127.0.0.1"}, Case{"lo", "10.0.3.1"}}) {
    for (std::uint16_t port : {std::uint16_t{999}, std::uint16_t{1000}, std::uint16_t{1017},
                               std::uint16_t{1039}, std::uint16_t{1040}, std::uint16_t{2000}}) {
      for (const char* src : {"10.0.3.9", "10.0.2.9", "203.0.113.9"}) {
        Packet p;
        p.protocol = 6;
        p.dport = port;
        p.sport = 40000;
        p.saddr = *ParseIpv4(src);
        p.daddr = *ParseIpv4(k.daddr);
        p.iif = k.iif;
        ProbeResult r = Probe(c, p);
        BOOST_REQUIRE(r.errors.empty());
        bool syn_in = (port >= 1000 && port < 1000 + n) || std::string(src) != "203.0.113.9";
        bool reply_in = std::string(k.iif) != "lo" || std::string(k.daddr) == "10.0.3.1";
        BOOST_TEST(r.connects == (syn_in && reply_in), k.iif << " " << k.daddr << " " << src << " port " << port);
        bool by_exposure = std::any_of(entries.begin(), entries.end(), [&](const ExposureEntry& e) {
          return e.family == Family::kIpv4 && !e.other_protocols && e.protocol == 6 && e.from <= port &&
                 port <= e.to && Connects(e) && e.sources.Contains(*p.saddr) && e.destinations.Contains(*p.daddr) &&
                 e.source_ports.Contains(40000) && e.interfaces.Has(ifaces.AtomOf(k.iif));
        });
        BOOST_TEST(by_exposure == r.connects, "exposure: " << k.iif << " " << k.daddr << " " << src << " port " << port);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::rules
