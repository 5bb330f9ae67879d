// The exposure engine and probes: netfilter semantics case by case, and
// agreement between the two on random rulesets.
#include <boost/test/unit_test.hpp>
#include <random>

#include "rules/exposure.h"
#include "rules/exposure_entries.h"
#include "rules/probe.h"
#include "tests/rules/model_builder.h"

namespace ghostport::rules {
namespace {

using testing::Builder;
using testing::RuleSpec;

enum class Open { kNo, kConditional, kYes };

const char* Name(Open o) { return o == Open::kYes ? "yes" : o == Open::kNo ? "no" : "conditional"; }

struct Pkt {
  std::uint8_t proto = 6;
  std::uint16_t port = 22;
  std::string from = "192.0.2.1";
  std::string iif = "eth0";
};

// Does the accepted box hold the packet (as the client sent it) and can it
// connect?
bool Holds(const Exposure& ex, const Box& b, const Pkt& p) {
  const PortSet& dports = b.nat && b.nat->original_dports ? *b.nat->original_dports : b.fields.dports;
  const AddressSet& daddr = b.nat ? b.nat->original_daddr : b.fields.daddr;
  return b.fields.protocols.Contains(p.proto) && dports.Contains(p.port) && b.fields.sports.Contains(40000) &&
         b.fields.saddr.Contains(*ParseIpv4(p.from)) && daddr.Contains(0) &&
         b.fields.iif.Has(ex.interfaces.AtomOf(p.iif)) &&
         (b.handshake == Handshake::kComplete || b.handshake == Handshake::kNotApplicable);
}

Open ByExposure(const Exposure& ex, const Pkt& p) {
  Open best = Open::kNo;
  for (const auto& fam : ex.families) {
    if (fam.family != Family::kIpv4) continue;
    for (const auto& b : fam.accepted) {
      if (!Holds(ex, b, p)) continue;
      if (!b.conditional) return Open::kYes;
      best = Open::kConditional;
    }
  }
  return best;
}

Open ByExposure(const Ruleset& rs, const Pkt& p) {
  Exposure ex = ComputeExposure(rs);
  BOOST_REQUIRE(ex.errors.empty());
  return ByExposure(ex, p);
}

ProbeResult ByProbe(const Ruleset& rs, const Pkt& p) {
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(rs);
  CompiledRuleset c = Compile(rs, Family::kIpv4, ifaces);
  Packet pk;
  pk.protocol = p.proto;
  pk.dport = p.port;
  pk.sport = 40000;
  pk.saddr = *ParseIpv4(p.from);
  pk.daddr = 0;
  pk.iif = p.iif;
  return Probe(c, pk);
}

Open OpenOf(const ProbeResult& r) {
  if (r.verdict != VerdictKind::kAccept || !r.connects) return Open::kNo;
  return r.conditional ? Open::kConditional : Open::kYes;
}

// Checks both engines and that they agree.
void ExpectOpen(const Ruleset& rs, const Pkt& p, Open want) {
  Open e = ByExposure(rs, p);
  Open q = OpenOf(ByProbe(rs, p));
  BOOST_TEST(Name(e) == Name(want), "exposure for port " << p.port << " from " << p.from);
  BOOST_TEST(Name(q) == Name(want), "probe for port " << p.port << " from " << p.from);
}

RuleSpec Tcp(std::uint16_t port, VerdictKind v = VerdictKind::kAccept) {
  RuleSpec s;
  s.protocols = {6};
  s.dports = PortSet::Single(port);
  s.verdict = v;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(first_match_wins_and_policy_applies_at_the_end) {
  RuleSpec drop_one = Tcp(22, VerdictKind::kDrop);
  drop_one.saddr = "192.0.2.1/32";
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", drop_one)
                   .Add("INPUT", Tcp(22))
                   .Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kNo);
  ExpectOpen(rs, {6, 22, "192.0.2.2"}, Open::kYes);
  ExpectOpen(rs, {6, 23, "192.0.2.2"}, Open::kNo);
  ExpectOpen(rs, {17, 22, "192.0.2.2"}, Open::kNo);
}

BOOST_AUTO_TEST_CASE(jump_returns_and_goto_does_not) {
  RuleSpec jump;
  jump.verdict = VerdictKind::kJump;
  jump.target = "sub";
  RuleSpec go = jump;
  go.verdict = VerdictKind::kGoto;
  go.target = "sub2";
  go.protocols = {17};
  RuleSpec ret;
  ret.verdict = VerdictKind::kReturn;
  ret.saddr = "10.0.0.0/8";
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .UserChain("sub")
                   .UserChain("sub2")
                   .Add("INPUT", jump)
                   .Add("INPUT", go)
                   .Add("INPUT", Tcp(80))
                   .Add("sub", ret)
                   .Add("sub", Tcp(22))
                   .Add("sub2", Tcp(80))  // tcp never reaches sub2
                   .Build();
  // 22 accepted inside sub unless the source returned early.
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kYes);
  ExpectOpen(rs, {6, 22, "10.1.2.3"}, Open::kNo);
  // 80 is accepted after returning from sub.
  ExpectOpen(rs, {6, 80, "10.1.2.3"}, Open::kYes);
  // udp goes to sub2 and falls off its end: back to INPUT's caller, so the policy.
  ExpectOpen(rs, {17, 80, "10.1.2.3"}, Open::kNo);
}

BOOST_AUTO_TEST_CASE(goto_fall_through_skips_the_rest_of_the_calling_chain) {
  RuleSpec go;
  go.verdict = VerdictKind::kGoto;
  go.target = "empty";
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .UserChain("empty")
                   .Add("INPUT", go)
                   .Add("INPUT", Tcp(22))
                   .Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kNo);
}

BOOST_AUTO_TEST_CASE(accept_ends_only_its_base_chain_and_drop_is_final) {
  Builder b;
  b.BaseChain("early", Hook::kInput, -10, VerdictKind::kAccept)
      .BaseChain("late", Hook::kInput, 10, VerdictKind::kAccept)
      .Add("early", Tcp(22))
      .Add("early", Tcp(25, VerdictKind::kDrop))
      .Add("late", Tcp(22, VerdictKind::kDrop))
      .Add("late", Tcp(25));
  Ruleset rs = b.Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kNo);   // accepted early, dropped late
  ExpectOpen(rs, {6, 25, "192.0.2.1"}, Open::kNo);   // dropped early: final
  ExpectOpen(rs, {6, 26, "192.0.2.1"}, Open::kYes);  // both policies accept
}

BOOST_AUTO_TEST_CASE(established_only_rules_open_nothing) {
  RuleSpec est;
  est.ct_states = kCtEstablished | kCtRelated;
  RuleSpec fresh = Tcp(443);
  fresh.ct_states = kCtNew;
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", est)
                   .Add("INPUT", fresh)
                   .Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kNo);
  ExpectOpen(rs, {6, 443, "192.0.2.1"}, Open::kYes);
}

BOOST_AUTO_TEST_CASE(negated_source_and_interfaces) {
  RuleSpec not_lan = Tcp(22);
  not_lan.saddr = "10.0.0.0/8";
  not_lan.saddr_negated = true;
  RuleSpec lo;
  lo.iif = "lo";
  RuleSpec not_wan = Tcp(80);
  not_wan.iif = "eth+";
  not_wan.iif_negated = true;
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", lo)
                   .Add("INPUT", not_lan)
                   .Add("INPUT", not_wan)
                   .Build();
  ExpectOpen(rs, {6, 22, "10.9.9.9"}, Open::kNo);
  ExpectOpen(rs, {6, 22, "11.0.0.1"}, Open::kYes);
  ExpectOpen(rs, {6, 9999, "10.0.0.1", "lo"}, Open::kYes);
  ExpectOpen(rs, {6, 80, "10.0.0.1", "eth1"}, Open::kNo);
  ExpectOpen(rs, {6, 80, "10.0.0.1", "wg0"}, Open::kYes);
}

// A drop assumed not to match lets the packet on, but only on that
// assumption: what gets through is conditional.
BOOST_AUTO_TEST_CASE(unknown_accept_is_conditional_and_unknown_drop_makes_what_passes_conditional) {
  RuleSpec maybe = Tcp(22);
  maybe.unknown_condition = true;
  RuleSpec maybe_drop = Tcp(80, VerdictKind::kDrop);
  maybe_drop.unknown_condition = true;
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", maybe)
                   .Add("INPUT", maybe_drop)
                   .Add("INPUT", Tcp(80))
                   .Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kConditional);
  ExpectOpen(rs, {6, 80, "192.0.2.1"}, Open::kConditional);
  Exposure ex = ComputeExposure(rs);
  BOOST_TEST(!ex.approximations.empty());
}

BOOST_AUTO_TEST_CASE(unknown_accept_followed_by_a_real_accept_is_open) {
  RuleSpec maybe = Tcp(22);
  maybe.unknown_condition = true;
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", maybe)
                   .Add("INPUT", Tcp(22))
                   .Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kYes);
}

BOOST_AUTO_TEST_CASE(block_beats_allow_whatever_the_order) {
  Builder b(TableFamily::kWindows);
  b.BaseChain("public", Hook::kInput, 0, VerdictKind::kDrop).Add("public", Tcp(3389)).Add("public", Tcp(3389, VerdictKind::kDrop));
  Ruleset rs = b.Build();
  rs.tables[0].chains[0].semantics = ChainSemantics::kBlockBeatsAllow;
  ExpectOpen(rs, {6, 3389, "192.0.2.1"}, Open::kNo);
}

BOOST_AUTO_TEST_CASE(a_jump_loop_is_an_error_even_where_no_packet_reaches_it) {
  RuleSpec to_b;
  to_b.verdict = VerdictKind::kJump;
  to_b.target = "b";
  RuleSpec to_a = to_b;
  to_a.verdict = VerdictKind::kGoto;
  to_a.target = "a";
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .UserChain("a")
                   .UserChain("b")
                   .Add("INPUT", Tcp(22))
                   .Add("a", to_b)
                   .Add("b", to_a)
                   .Build();
  Exposure ex = ComputeExposure(rs);
  BOOST_REQUIRE_EQUAL(ex.errors.size(), 1u);
  BOOST_TEST(ex.errors[0].message == "this jump to chain a makes a loop");
  BOOST_TEST(ex.errors[0].location.line == rs.tables[0].chains[2].rules[0].location.line);
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(rs);
  CompiledRuleset c = Compile(rs, Family::kIpv4, ifaces);
  Packet p;
  p.dport = 22;
  BOOST_TEST(Probe(c, p).errors.size() == 1u);
}

BOOST_AUTO_TEST_CASE(no_base_chain_means_everything_is_open) {
  Ruleset rs = Builder().UserChain("unused").Build();
  ExpectOpen(rs, {6, 22, "192.0.2.1"}, Open::kYes);
}

BOOST_AUTO_TEST_CASE(block_list_runs_are_folded_exactly) {
  Builder b;
  b.BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop);
  for (int i = 1; i <= 200; ++i) {
    RuleSpec s;
    s.saddr = "198.51.100." + std::to_string(i) + "/32";
    s.verdict = i % 2 ? VerdictKind::kDrop : VerdictKind::kReject;
    b.Add("INPUT", s);
  }
  b.Add("INPUT", Tcp(22));
  Ruleset rs = b.Build();
  ExpectOpen(rs, {6, 22, "198.51.100.7"}, Open::kNo);
  ExpectOpen(rs, {6, 22, "198.51.100.200"}, Open::kNo);
  ExpectOpen(rs, {6, 22, "198.51.100.201"}, Open::kYes);
  ExpectOpen(rs, {6, 22, "198.51.100.0"}, Open::kYes);
}

BOOST_AUTO_TEST_CASE(entries_are_canonical_per_port_interval) {
  RuleSpec range = Tcp(0);
  range.dports = PortSet::Range(1000, 2000);
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", Tcp(1500, VerdictKind::kDrop))
                   .Add("INPUT", range)
                   .Build();
  Exposure ex = ComputeExposure(rs);
  std::vector<ExposureEntry> entries;
  for (auto& e : ListEntries(ex)) {
    // Over lo the SYN-ACK comes back in through INPUT, which drops it here
    // unless the client's port is in 1000-2000: those are entries of their own.
    if (!ex.interfaces.IsLoopbackOnly(e.interfaces)) entries.push_back(std::move(e));
  }
  BOOST_REQUIRE_EQUAL(entries.size(), 2u);
  BOOST_TEST(entries[0].from == 1000);
  BOOST_TEST(entries[0].to == 1499);
  BOOST_TEST(entries[1].from == 1501);
  BOOST_TEST(entries[1].to == 2000);
  BOOST_TEST(entries[0].sources.IsAll());
}

namespace {

// The entries a rule opened, lo left out (its SYN-ACK comes back over lo).
std::vector<ExposureEntry> EntriesOf(const Exposure& ex, int rule) {
  std::vector<ExposureEntry> out;
  for (auto& e : ListEntries(ex)) {
    const RuleRef* r = DecidingRule(e.opening);
    if (r && r->rule == rule && e.protocol == 6 && !ex.interfaces.IsLoopbackOnly(e.interfaces)) out.push_back(e);
  }
  return out;
}

Ruleset SourceThenPort(VerdictKind first) {
  RuleSpec from_host;
  from_host.protocols = {6};
  from_host.saddr = "10.1.2.3/32";
  from_host.sports = PortSet::Single(4444);
  from_host.verdict = first;
  return Builder()
      .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
      .Add("INPUT", from_host)
      .Add("INPUT", Tcp(4444))
      .Build();
}

}  // namespace

// `-s H --sport 4444 -j ACCEPT` then `--dport 4444 -j ACCEPT`: the second
// rule's packets from H with source port 4444 were accepted before it. Its
// entries are the rule as written, one entry, not one per side of the hole.
BOOST_AUTO_TEST_CASE(a_rule_cut_by_an_earlier_accept_reads_as_written) {
  Ruleset rs = SourceThenPort(VerdictKind::kAccept);
  Exposure ex = ComputeExposure(rs);
  auto entries = EntriesOf(ex, 1);
  BOOST_REQUIRE_EQUAL(entries.size(), 1u);
  BOOST_TEST(entries[0].from == 4444);
  BOOST_TEST(entries[0].to == 4444);
  BOOST_TEST(entries[0].sources.IsAll());
  BOOST_TEST(entries[0].source_ports.IsAll());
  ExpectOpen(rs, {6, 4444, "10.1.2.3"}, Open::kYes);
}

// The same cut made by a drop is a real hole: the rule's entries keep it.
BOOST_AUTO_TEST_CASE(a_rule_cut_by_an_earlier_drop_keeps_the_hole) {
  Ruleset rs = SourceThenPort(VerdictKind::kDrop);  // the exposure refers to it
  Exposure ex = ComputeExposure(rs);
  auto entries = EntriesOf(ex, 1);
  BOOST_REQUIRE_EQUAL(entries.size(), 2u);
  for (const auto& e : entries) {
    bool from_host_4444 = e.sources.Contains(*ParseIpv4("10.1.2.3")) && e.source_ports.Contains(4444);
    BOOST_TEST(!from_host_4444);
  }
}

// Random rulesets: every probed packet gets the same answer from the exposure
// map and from a probe. Seeded, so a failure is reproducible.
BOOST_AUTO_TEST_CASE(probe_agrees_with_exposure_on_random_rulesets) {
  std::mt19937 rng(20261122);
  const std::vector<std::uint16_t> ports = {21, 22, 25, 80, 443, 3306, 3393, 8080};
  const std::vector<std::string> nets = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32",
                                         "192.0.2.0/24", "0.0.0.0/1"};
  const std::vector<std::string> probes = {"10.1.2.3", "10.1.2.4", "10.1.9.9", "10.200.0.1", "192.0.2.77",
                                           "203.0.113.5"};
  const std::vector<std::string> ifs = {"eth0", "eth1", "lo", "wg0"};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  int checked = 0;
  for (int round = 0; round < 150; ++round) {
    Builder b;
    b.BaseChain("INPUT", Hook::kInput, 0, pick(2) ? VerdictKind::kDrop : VerdictKind::kAccept);
    int nchains = 1 + pick(3);
    for (int c = 0; c < nchains; ++c) b.UserChain("c" + std::to_string(c));
    std::vector<std::string> chains = {"INPUT"};
    for (int c = 0; c < nchains; ++c) chains.push_back("c" + std::to_string(c));
    for (size_t ci = 0; ci < chains.size(); ++ci) {
      int nrules = 2 + pick(8);
      for (int r = 0; r < nrules; ++r) {
        RuleSpec s;
        switch (pick(3)) {
          case 0: s.protocols = {6}; break;
          case 1: s.protocols = {17}; break;
          default: break;
        }
        if (!s.protocols.empty() && pick(3)) {
          std::uint16_t lo = ports[pick(ports.size())];
          s.dports = pick(3) ? PortSet::Single(lo) : PortSet::Range(lo, static_cast<std::uint16_t>(lo + pick(500)));
          if (pick(5) == 0) s.dports = s.dports.Complement();
        }
        if (pick(2)) {
          s.saddr = nets[pick(nets.size())];
          s.saddr_negated = pick(4) == 0;
        }
        if (pick(5) == 0) {
          s.iif = pick(2) ? ifs[pick(ifs.size())] : "eth+";
          s.iif_negated = pick(3) == 0;
        }
        if (pick(6) == 0) s.ct_states = pick(2) ? kCtNew : (kCtEstablished | kCtRelated);
        int v = static_cast<int>(pick(10));
        if (v < 3) s.verdict = VerdictKind::kAccept;
        else if (v < 5) s.verdict = VerdictKind::kDrop;
        else if (v < 6) s.verdict = VerdictKind::kReject;
        else if (v < 7) s.verdict = VerdictKind::kReturn;
        else if (v < 8) s.verdict = VerdictKind::kContinue;
        else if (ci + 1 < chains.size()) {
          // Only forward jumps: no loops.
          s.verdict = pick(3) ? VerdictKind::kJump : VerdictKind::kGoto;
          s.target = chains[ci + 1 + pick(chains.size() - ci - 1)];
        } else {
          s.verdict = VerdictKind::kAccept;
        }
        if (s.verdict == VerdictKind::kAccept || s.verdict == VerdictKind::kDrop) {
          s.unknown_condition = pick(8) == 0;
        }
        b.Add(chains[ci], s);
      }
    }
    Ruleset rs = b.Build();
    Exposure ex = ComputeExposure(rs);
    BOOST_REQUIRE(ex.errors.empty());
    for (std::uint8_t proto : {6, 17, 1}) {
      for (std::uint16_t port : {22, 80, 81, 3393, 3500, 9999}) {
        for (const auto& from : probes) {
          for (const auto& iif : ifs) {
            Pkt p{proto, port, from, iif};
            Open e = ByExposure(ex, p);
            Open q = OpenOf(ByProbe(rs, p));
            ++checked;
            BOOST_TEST(Name(e) == Name(q), "round " << round << ": proto " << int(proto) << " port " << port
                                                     << " from " << from << " on " << iif);
          }
        }
      }
    }
  }
  BOOST_TEST_MESSAGE("probe and exposure compared on " << checked << " packets");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::rules
