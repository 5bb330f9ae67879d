// The netfilter path as the pipeline walks it: tables and base chains by
// priority, conntrack states, NAT, address types and the TCP handshake.
// Each case asks both the exposure and a probe (one evaluator: they must
// agree), and says what the kernel does (the kernel agreement test holds the
// same cases against Linux).
#include <boost/test/unit_test.hpp>

#include "rules/exposure.h"
#include "rules/exposure_entries.h"
#include "rules/probe.h"
#include "tests/rules/model_builder.h"

namespace ghostport::rules {
namespace {

using testing::Builder;
using testing::RuleSpec;
using testing::V4;

RuleSpec Tcp(std::uint16_t port, VerdictKind v = VerdictKind::kAccept) {
  RuleSpec s;
  s.protocols = {6};
  s.dports = PortSet::Single(port);
  s.verdict = v;
  return s;
}

RuleSpec Udp(std::uint16_t port, VerdictKind v = VerdictKind::kAccept) {
  RuleSpec s = Tcp(port, v);
  s.protocols = {17};
  return s;
}

RuleSpec All(VerdictKind v) {
  RuleSpec s;
  s.verdict = v;
  return s;
}

RuleSpec State(std::uint8_t states, VerdictKind v) {
  RuleSpec s;
  s.ct_states = states;
  s.verdict = v;
  return s;
}

ProbeResult ProbeOf(const Ruleset& rs, std::uint8_t proto, std::uint16_t port, const std::string& iif = "eth0") {
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(rs);
  CompiledRuleset c = Compile(rs, Family::kIpv4, ifaces);
  Packet p;
  p.protocol = proto;
  p.dport = port;
  p.sport = 40000;
  p.saddr = *ParseIpv4("203.0.113.9");
  p.daddr = *ParseIpv4("198.51.100.1");
  p.iif = iif;
  ProbeResult r = Probe(c, p);
  BOOST_REQUIRE(r.errors.empty());
  return r;
}

// The exposure entries of one IPv4 protocol that hold `port` (as the client
// connects to it) and do not hold only loopback.
std::vector<ExposureEntry> EntriesFor(const Ruleset& rs, std::uint8_t proto, std::uint16_t port) {
  Exposure ex = ComputeExposure(rs);
  BOOST_REQUIRE(ex.errors.empty());
  std::vector<ExposureEntry> out;
  for (auto& e : ListEntries(ex)) {
    if (e.family == Family::kIpv4 && !e.other_protocols && e.protocol == proto && e.from <= port && port <= e.to &&
        !ex.interfaces.IsLoopbackOnly(e.interfaces)) {
      out.push_back(std::move(e));
    }
  }
  return out;
}

// Open for a connection by both the exposure and the probe, or by neither.
void ExpectConnects(const Ruleset& rs, std::uint8_t proto, std::uint16_t port, bool want) {
  std::vector<ExposureEntry> entries = EntriesFor(rs, proto, port);
  bool by_exposure = std::any_of(entries.begin(), entries.end(), [](const ExposureEntry& e) { return Connects(e); });
  ProbeResult r = ProbeOf(rs, proto, port);
  BOOST_TEST(by_exposure == want, "exposure, port " << port);
  BOOST_TEST(r.connects == want, "probe, port " << port);
  BOOST_TEST(!r.conditional, "probe, port " << port);
}

Builder Filter(VerdictKind input_policy) {
  Builder b;
  b.BaseChain("INPUT", Hook::kInput, 0, input_policy);
  return b;
}

BOOST_AUTO_TEST_SUITE(pipeline)

BOOST_AUTO_TEST_CASE(a_raw_prerouting_drop_ends_the_packet_before_filter) {
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .Table("raw")
                   .BaseChain("PREROUTING", Hook::kPrerouting, -300, VerdictKind::kAccept)
                   .Add("PREROUTING", Tcp(23, VerdictKind::kDrop))
                   .Build();
  ExpectConnects(rs, 6, 23, false);
  ExpectConnects(rs, 6, 22, true);
  BOOST_TEST(DecisionKind(ProbeOf(rs, 6, 23).decided_by) == std::string("rule"));
}

BOOST_AUTO_TEST_CASE(in_raw_conntrack_has_not_run_so_every_packet_is_invalid) {
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .Table("raw")
                   .BaseChain("PREROUTING", Hook::kPrerouting, -300, VerdictKind::kAccept)
                   .Add("PREROUTING", State(kCtInvalid, VerdictKind::kDrop))
                   .Build();
  ExpectConnects(rs, 6, 22, false);
  ExpectConnects(rs, 17, 53, false);
}

BOOST_AUTO_TEST_CASE(mangle_drops_and_policies_apply) {
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .Table("mangle")
                   .BaseChain("PREROUTING", Hook::kPrerouting, -150, VerdictKind::kAccept)
                   .BaseChain("INPUT", Hook::kInput, -150, VerdictKind::kAccept)
                   .Add("PREROUTING", Tcp(23, VerdictKind::kDrop))
                   .Add("INPUT", Tcp(25, VerdictKind::kDrop))
                   .Build();
  ExpectConnects(rs, 6, 23, false);
  ExpectConnects(rs, 6, 25, false);
  ExpectConnects(rs, 6, 22, true);
  Ruleset closed = Filter(VerdictKind::kAccept).Table("mangle").BaseChain("INPUT", Hook::kInput, -150, VerdictKind::kDrop).Build();
  ExpectConnects(closed, 6, 22, false);
}

BOOST_AUTO_TEST_CASE(notrack_makes_packets_untracked_and_untracked_accepts_open_them) {
  Ruleset rs = Filter(VerdictKind::kDrop)
                   .Add("INPUT", State(kCtUntracked, VerdictKind::kAccept))
                   .Table("raw")
                   .BaseChain("PREROUTING", Hook::kPrerouting, -300, VerdictKind::kAccept)
                   .Add("PREROUTING", Udp(53, VerdictKind::kNotrack))
                   .Build();
  ExpectConnects(rs, 17, 53, true);
  ExpectConnects(rs, 17, 54, false);
  // A NEW-only accept does not see an untracked packet.
  Ruleset new_only = Filter(VerdictKind::kDrop)
                         .Add("INPUT", State(kCtNew, VerdictKind::kAccept))
                         .Table("raw")
                         .BaseChain("PREROUTING", Hook::kPrerouting, -300, VerdictKind::kAccept)
                         .Add("PREROUTING", Udp(53, VerdictKind::kNotrack))
                         .Build();
  ExpectConnects(new_only, 17, 53, false);
  ExpectConnects(new_only, 17, 54, true);
}

Ruleset DockerPublish(bool forward_accept) {
  RuleSpec dnat = Tcp(5432, VerdictKind::kDnat);
  dnat.nat.addresses = V4("172.17.0.2");
  dnat.nat.ports = PortSet::Single(5432);
  RuleSpec fwd = Tcp(5432);
  fwd.oif = "docker0";
  Builder b;
  b.BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop).BaseChain("FORWARD", Hook::kForward, 0, VerdictKind::kDrop);
  b.Add("FORWARD", State(kCtEstablished | kCtRelated, VerdictKind::kAccept));
  if (forward_accept) b.Add("FORWARD", fwd);
  b.Table("nat").NatChain("PREROUTING", Hook::kPrerouting, -100).Add("PREROUTING", dnat);
  return b.Build();
}

BOOST_AUTO_TEST_CASE(a_docker_published_port_is_open_through_forward) {
  Ruleset rs = DockerPublish(true);
  ExpectConnects(rs, 6, 5432, true);
  ExpectConnects(rs, 6, 22, false);
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 5432);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_TEST(e[0].forward);
  BOOST_TEST(e[0].from == 5432);
  BOOST_TEST(e[0].to == 5432);
  BOOST_REQUIRE(e[0].to_address.has_value());
  BOOST_TEST((*e[0].to_address == V4("172.17.0.2")));
  BOOST_TEST((e[0].translation == VerdictKind::kDnat));
  // The finding's rule: the DNAT rule that names the published port.
  BOOST_TEST(DecisionKey(e[0].opening) == "r1.0.0");
  ProbeResult p = ProbeOf(rs, 6, 5432);
  BOOST_TEST(p.forward);
  BOOST_REQUIRE(p.translation.has_value());
  // Without the FORWARD accept nothing gets through.
  ExpectConnects(DockerPublish(false), 6, 5432, false);
}

BOOST_AUTO_TEST_CASE(a_port_changing_forward_is_keyed_by_the_port_clients_use) {
  RuleSpec dnat = Tcp(8080, VerdictKind::kDnat);
  dnat.nat.addresses = V4("10.0.0.5");
  dnat.nat.ports = PortSet::Single(80);
  RuleSpec fwd = Tcp(80);
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .BaseChain("FORWARD", Hook::kForward, 0, VerdictKind::kDrop)
                   .Add("FORWARD", State(kCtEstablished | kCtRelated, VerdictKind::kAccept))
                   .Add("FORWARD", fwd)
                   .Table("nat")
                   .NatChain("PREROUTING", Hook::kPrerouting, -100)
                   .Add("PREROUTING", dnat)
                   .Build();
  ExpectConnects(rs, 6, 8080, true);
  ExpectConnects(rs, 6, 80, false);  // FORWARD accepts 80, but nothing forwards 80
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 8080);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_REQUIRE(e[0].to_ports.has_value());
  BOOST_TEST((*e[0].to_ports == PortSet::Single(80)));
}

BOOST_AUTO_TEST_CASE(redirect_opens_the_original_port_to_the_local_target) {
  RuleSpec redirect = Tcp(80, VerdictKind::kRedirect);
  redirect.nat.ports = PortSet::Single(8080);
  Ruleset rs = Filter(VerdictKind::kDrop)
                   .Add("INPUT", Tcp(8080))
                   .Table("nat")
                   .NatChain("PREROUTING", Hook::kPrerouting, -100)
                   .Add("PREROUTING", redirect)
                   .Build();
  ExpectConnects(rs, 6, 80, true);
  ExpectConnects(rs, 6, 8080, true);
  ExpectConnects(rs, 6, 81, false);
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 80);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_TEST(!e[0].forward);
  BOOST_TEST((e[0].translation == VerdictKind::kRedirect));
}

BOOST_AUTO_TEST_CASE(nat_chains_do_not_see_untracked_packets) {
  RuleSpec redirect = Tcp(80, VerdictKind::kRedirect);
  redirect.nat.ports = PortSet::Single(8080);
  Ruleset rs = Filter(VerdictKind::kDrop)
                   .Add("INPUT", Tcp(8080))
                   .Table("nat")
                   .NatChain("PREROUTING", Hook::kPrerouting, -100)
                   .Add("PREROUTING", redirect)
                   .Table("raw")
                   .BaseChain("PREROUTING", Hook::kPrerouting, -300, VerdictKind::kAccept)
                   .Add("PREROUTING", Tcp(80, VerdictKind::kNotrack))
                   .Build();
  ExpectConnects(rs, 6, 80, false);
}

BOOST_AUTO_TEST_CASE(a_dropped_syn_ack_means_no_connection_though_the_syn_gets_in) {
  RuleSpec out_ssh = Tcp(0, VerdictKind::kDrop);
  out_ssh.dports = PortSet::All();
  out_ssh.sports = PortSet::Single(22);
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .BaseChain("OUTPUT", Hook::kOutput, 0, VerdictKind::kAccept)
                   .Add("OUTPUT", out_ssh)
                   .Build();
  ExpectConnects(rs, 6, 22, false);
  ExpectConnects(rs, 6, 80, true);
  ProbeResult p = ProbeOf(rs, 6, 22);
  BOOST_TEST((p.verdict == VerdictKind::kAccept));  // the SYN itself gets in
  BOOST_TEST((p.handshake == Handshake::kReplyDropped));
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 22);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_TEST((e[0].handshake == Handshake::kReplyDropped));
  // UDP needs no reply: an OUTPUT policy DROP leaves it open.
  Ruleset out_drop = Filter(VerdictKind::kAccept).BaseChain("OUTPUT", Hook::kOutput, 0, VerdictKind::kDrop).Build();
  ExpectConnects(out_drop, 6, 22, false);
  ExpectConnects(out_drop, 17, 53, true);
}

BOOST_AUTO_TEST_CASE(a_reject_after_a_new_only_accept_refuses_the_ack) {
  RuleSpec new_ssh = Tcp(22);
  new_ssh.ct_states = kCtNew;
  Ruleset rs = Filter(VerdictKind::kAccept).Add("INPUT", new_ssh).Add("INPUT", All(VerdictKind::kReject)).Build();
  ExpectConnects(rs, 6, 22, false);
  ProbeResult p = ProbeOf(rs, 6, 22);
  BOOST_TEST((p.verdict == VerdictKind::kAccept));
  BOOST_TEST((p.handshake == Handshake::kAckRejected));
  // With an ESTABLISHED accept in front, it connects.
  Ruleset ok = Filter(VerdictKind::kAccept)
                   .Add("INPUT", State(kCtEstablished | kCtRelated, VerdictKind::kAccept))
                   .Add("INPUT", new_ssh)
                   .Add("INPUT", All(VerdictKind::kReject))
                   .Build();
  ExpectConnects(ok, 6, 22, true);
  ExpectConnects(ok, 6, 23, false);
  // The reject's ICMP error is RELATED: an OUTPUT that lets only ESTABLISHED
  // out drops it, and the client's ACK meets silence.
  Ruleset quiet = Filter(VerdictKind::kAccept)
                      .Add("INPUT", new_ssh)
                      .Add("INPUT", All(VerdictKind::kReject))
                      .BaseChain("OUTPUT", Hook::kOutput, 0, VerdictKind::kDrop)
                      .Add("OUTPUT", State(kCtEstablished, VerdictKind::kAccept))
                      .Build();
  BOOST_TEST((ProbeOf(quiet, 6, 22).handshake == Handshake::kAckDropped));
}

BOOST_AUTO_TEST_CASE(the_answer_to_a_rejected_untracked_packet_is_invalid) {
  // conntrack knows no connection for an untracked packet, so the ICMP error
  // a REJECT sends back is INVALID, not RELATED (checked on the kernel).
  auto with = [](bool notrack) {
    Builder b = Filter(VerdictKind::kAccept);
    b.Add("INPUT", Udp(53, VerdictKind::kReject))
        .BaseChain("OUTPUT", Hook::kOutput, 0, VerdictKind::kDrop)
        .Add("OUTPUT", State(kCtRelated | kCtEstablished, VerdictKind::kAccept));
    if (notrack) {
      b.Table("raw").BaseChain("PREROUTING", Hook::kPrerouting, -300, VerdictKind::kAccept).Add("PREROUTING", Udp(53, VerdictKind::kNotrack));
    }
    return b.Build();
  };
  BOOST_TEST((ProbeOf(with(false), 17, 53).verdict == VerdictKind::kReject));
  BOOST_TEST((ProbeOf(with(true), 17, 53).verdict == VerdictKind::kDrop));
}

BOOST_AUTO_TEST_CASE(tcp_flag_matches_see_syn_then_syn_ack_then_ack) {
  RuleSpec syn_only = Tcp(22);
  syn_only.tcp_flags = TcpFlagsMatch{kTcpSyn | kTcpAck | kTcpRst | kTcpFin, kTcpSyn, false};
  Ruleset rs = Filter(VerdictKind::kDrop).Add("INPUT", syn_only).Build();
  ExpectConnects(rs, 6, 22, false);  // the ACK carries no SYN: dropped
  BOOST_TEST((ProbeOf(rs, 6, 22).handshake == Handshake::kAckDropped));
}

BOOST_AUTO_TEST_CASE(dst_type_local_holds_on_the_input_path_and_unicast_does_not) {
  RuleSpec local = All(VerdictKind::kReject);
  local.dst_type = AddrTypeMatch{kAddrLocal, false};
  ExpectConnects(Filter(VerdictKind::kAccept).Add("INPUT", local).Build(), 6, 22, false);
  RuleSpec unicast = All(VerdictKind::kReject);
  unicast.dst_type = AddrTypeMatch{kAddrUnicast, false};
  ExpectConnects(Filter(VerdictKind::kAccept).Add("INPUT", unicast).Build(), 6, 22, true);
  RuleSpec not_local = All(VerdictKind::kReject);
  not_local.dst_type = AddrTypeMatch{kAddrLocal, true};
  ExpectConnects(Filter(VerdictKind::kAccept).Add("INPUT", not_local).Build(), 6, 22, true);
}

BOOST_AUTO_TEST_CASE(on_ipv6_a_local_destination_is_unicast_as_well) {
  RuleSpec unicast = All(VerdictKind::kDrop);
  unicast.dst_type = AddrTypeMatch{kAddrUnicast, false};
  Ruleset rs = Builder(TableFamily::kIp6).BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kAccept).Add("INPUT", unicast).Build();
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(rs);
  CompiledRuleset c = Compile(rs, Family::kIpv6, ifaces);
  Packet p;
  p.family = Family::kIpv6;
  p.protocol = 6;
  p.dport = 22;
  p.saddr = *ParseIpv6("2001:db8::9");
  p.daddr = *ParseIpv6("2001:db8::1");
  p.iif = "eth0";
  ProbeResult r = Probe(c, p);
  BOOST_TEST((r.verdict == VerdictKind::kDrop));
  BOOST_TEST(!r.conditional);
}

BOOST_AUTO_TEST_CASE(a_reject_answer_over_lo_comes_back_in_to_this_hosts_address) {
  // mangle drops what is not for this host; the ICMP answer to a UDP
  // socket of this host is for this host, and RELATED: it gets back in.
  RuleSpec not_local = All(VerdictKind::kDrop);
  not_local.dst_type = AddrTypeMatch{kAddrLocal, true};
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .Add("INPUT", State(kCtRelated | kCtEstablished, VerdictKind::kAccept))
                   .Add("INPUT", Udp(22, VerdictKind::kReject))
                   .Table("mangle")
                   .BaseChain("PREROUTING", Hook::kPrerouting, -150, VerdictKind::kAccept)
                   .Add("PREROUTING", not_local)
                   .Build();
  BOOST_TEST((ProbeOf(rs, 17, 22, "lo").verdict == VerdictKind::kReject));
  BOOST_TEST((ProbeOf(rs, 17, 22, "eth0").verdict == VerdictKind::kReject));
}

BOOST_AUTO_TEST_CASE(a_reject_whose_answer_is_lost_on_the_way_back_in_is_a_drop_for_that_source_port) {
  // Over lo the RST comes back in through INPUT to the client's source port,
  // and INPUT lets in only tcp 9002: the client hears the reset when it
  // connects from port 9002, and nothing from any other port (found by the
  // kernel agreement test, seed 526568142, generated-path-138).
  RuleSpec reset = RuleSpec{};
  reset.protocols = {6};
  reset.verdict = VerdictKind::kReject;
  reset.target = "REJECT --reject-with tcp-reset";
  Ruleset rs = Filter(VerdictKind::kDrop).Add("INPUT", Tcp(9002)).Add("INPUT", reset).Build();
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(rs);
  CompiledRuleset c = Compile(rs, Family::kIpv4, ifaces);
  auto probe = [&](std::optional<std::uint16_t> sport) {
    Packet p;
    p.protocol = 6;
    p.dport = 22;
    p.sport = sport;
    p.saddr = *ParseIpv4("127.0.0.1");
    p.daddr = *ParseIpv4("127.0.0.1");
    p.iif = "lo";
    ProbeResult r = Probe(c, p);
    BOOST_REQUIRE(r.errors.empty());
    return r;
  };
  ProbeResult ephemeral = probe(40000);
  BOOST_TEST((ephemeral.verdict == VerdictKind::kDrop));
  BOOST_TEST(!ephemeral.conditional);
  ProbeResult from_9002 = probe(9002);
  BOOST_TEST((from_9002.verdict == VerdictKind::kReject));
  BOOST_TEST(!from_9002.conditional);
  // Any source port: the answer depends on it, and the probe says so,
  // naming the rules that decide the answer: the accept of tcp 9002 that
  // lets it in, and the reject that stops it on every other port.
  ProbeResult any = probe(std::nullopt);
  BOOST_TEST(any.conditional);
  BOOST_TEST((any.conditions == std::vector<RuleRef>{RuleRef{0, 0, 0}, RuleRef{0, 0, 1}}));
  // From elsewhere the reset leaves on eth0 and is heard whatever the port.
  ProbeResult remote = ProbeOf(rs, 6, 22);
  BOOST_TEST((remote.verdict == VerdictKind::kReject));
  BOOST_TEST(!remote.conditional);
}

BOOST_AUTO_TEST_CASE(a_route_decides_which_forward_rules_a_forwarded_packet_meets) {
  RuleSpec dnat = Tcp(5432, VerdictKind::kDnat);
  dnat.nat.addresses = V4("172.17.0.2");
  RuleSpec drop = Tcp(5432, VerdictKind::kDrop);
  drop.oif = "docker0";
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .BaseChain("FORWARD", Hook::kForward, 0, VerdictKind::kAccept)
                   .Add("FORWARD", drop)
                   .Table("nat")
                   .NatChain("PREROUTING", Hook::kPrerouting, -100)
                   .Add("PREROUTING", dnat)
                   .Build();
  // No route given: it may leave through another interface than docker0.
  ExpectConnects(rs, 6, 5432, true);
  rs.routes.push_back({*ParseCidr(Family::kIpv4, "172.17.0.0/16"), "docker0"});
  ExpectConnects(rs, 6, 5432, false);
  rs.routes.insert(rs.routes.begin(), {*ParseCidr(Family::kIpv4, "172.17.0.2/32"), "eth1"});  // the longer prefix wins
  ExpectConnects(rs, 6, 5432, true);
}

BOOST_AUTO_TEST_CASE(a_connection_this_host_makes_never_meets_forward) {
  // nat OUTPUT sends this host's own connection on to another host: the
  // SYN and the client's ACK leave through output and postrouting, the
  // SYN-ACK comes in to this host's socket; FORWARD is never met (seen on
  // the kernel: generated-path seed 1664312470, ruleset 177).
  RuleSpec dnat = Tcp(9002, VerdictKind::kDnat);
  dnat.nat.addresses = V4("10.77.9.2");
  Ruleset rs = Builder()
                   .BaseChain("INPUT", Hook::kInput, 0, VerdictKind::kDrop)
                   .Add("INPUT", State(kCtRelated | kCtEstablished, VerdictKind::kAccept))
                   .BaseChain("FORWARD", Hook::kForward, 0, VerdictKind::kDrop)
                   .Add("FORWARD", Tcp(9002, VerdictKind::kDrop))
                   .Table("nat")
                   .NatChain("OUTPUT", Hook::kOutput, -100)
                   .Add("OUTPUT", dnat)
                   .Build();
  ProbeResult p = ProbeOf(rs, 6, 9002, "lo");
  BOOST_TEST(p.connects);
  BOOST_TEST((p.handshake == Handshake::kComplete));
}

BOOST_AUTO_TEST_CASE(a_syn_ack_exempted_from_conntrack_leaves_the_ack_invalid) {
  // raw OUTPUT NOTRACK on the server's replies: conntrack saw the SYN, never
  // the SYN-ACK, so the client's ACK is INVALID; an accept of all but
  // INVALID lets the SYN in and the ACK not (seen on the kernel:
  // generated-path seed 1664312470, ruleset 108).
  RuleSpec valid = Tcp(8080);
  valid.ct_states = static_cast<std::uint8_t>(kCtAll & ~kCtInvalid);
  RuleSpec notrack = Tcp(0, VerdictKind::kNotrack);
  notrack.dports = PortSet::All();
  notrack.sports = PortSet::Single(8080);
  auto with = [&](bool exempt) {
    Builder b = Filter(VerdictKind::kDrop);
    b.Add("INPUT", State(kCtRelated | kCtEstablished, VerdictKind::kAccept)).Add("INPUT", valid);
    if (exempt) b.Table("raw").BaseChain("OUTPUT", Hook::kOutput, -300, VerdictKind::kAccept).Add("OUTPUT", notrack);
    return b.Build();
  };
  ExpectConnects(with(false), 6, 8080, true);
  Ruleset rs = with(true);
  ExpectConnects(rs, 6, 8080, false);
  BOOST_TEST((ProbeOf(rs, 6, 8080).handshake == Handshake::kAckDropped));
}

BOOST_AUTO_TEST_CASE(a_translated_connection_whose_syn_ack_is_untracked_gets_no_answer) {
  // REDIRECT 9005 to 9008 and NOTRACK on replies from 9008: the SYN-ACK is
  // not translated back and comes from 9008; the client takes no answer
  // from there (seen on the kernel: generated-path seed 1664312470,
  // ruleset 144).
  RuleSpec redirect = Tcp(9005, VerdictKind::kRedirect);
  redirect.nat.ports = PortSet::Single(9008);
  RuleSpec notrack = Tcp(0, VerdictKind::kNotrack);
  notrack.dports = PortSet::All();
  notrack.sports = PortSet::Single(9008);
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .Table("raw")
                   .BaseChain("OUTPUT", Hook::kOutput, -300, VerdictKind::kAccept)
                   .Add("OUTPUT", notrack)
                   .Table("nat")
                   .NatChain("PREROUTING", Hook::kPrerouting, -100)
                   .Add("PREROUTING", redirect)
                   .Build();
  ExpectConnects(rs, 6, 9005, false);
  ExpectConnects(rs, 6, 9008, true);  // untranslated, the client sees the port it called
  BOOST_TEST((ProbeOf(rs, 6, 9005).handshake == Handshake::kReplyDropped));
}

BOOST_AUTO_TEST_CASE(a_nat_chain_anywhere_binds_this_hosts_connections_in_output) {
  // An nft nat table with a prerouting chain only: netfilter's NAT hooks are
  // all registered, so this host's own connection is bound (untranslated)
  // in output and the redirect in prerouting is not met over lo (seen on
  // the kernel: tests/kernel/rulesets/nft/nat_forwarding.nft).
  RuleSpec redirect = Tcp(9006, VerdictKind::kRedirect);
  redirect.nat.ports = PortSet::Single(8080);
  Ruleset rs = Filter(VerdictKind::kAccept)
                   .Table("nat")
                   .NatChain("prerouting", Hook::kPrerouting, -100)
                   .Add("prerouting", redirect)
                   .Build();
  BOOST_TEST(!ProbeOf(rs, 6, 9006, "lo").translation.has_value());
  BOOST_TEST(ProbeOf(rs, 6, 9006, "eth0").translation.has_value());
}

BOOST_AUTO_TEST_CASE(a_rule_behind_a_narrow_jump_is_not_read_as_its_own_match) {
  // `--dport 8080 -j proxy` then `-A proxy -s LAN -j ACCEPT`: the proxy rule
  // sees port 8080 only; port 80 from the LAN is opened by the port-80
  // accept, and never reported as the proxy rule's.
  RuleSpec to_proxy = Tcp(8080, VerdictKind::kJump);
  to_proxy.target = "proxy";
  RuleSpec lan;
  lan.saddr = "10.20.0.0/16";
  Ruleset rs = Filter(VerdictKind::kDrop).UserChain("proxy").Add("INPUT", Tcp(80)).Add("INPUT", to_proxy).Add("proxy", lan).Build();
  const int input = rs.tables[0].FindChain("INPUT");
  for (const ExposureEntry& e : EntriesFor(rs, 6, 80)) {
    const RuleRef* r = DecidingRule(e.opening);
    BOOST_REQUIRE(r != nullptr);
    BOOST_TEST(r->chain == input);
  }
  std::vector<ExposureEntry> proxy = EntriesFor(rs, 6, 8080);
  BOOST_REQUIRE_EQUAL(proxy.size(), 1u);
  BOOST_TEST((proxy[0].from == 8080 && proxy[0].to == 8080));
}

BOOST_AUTO_TEST_CASE(a_syn_ack_lost_after_conntrack_makes_the_retried_syn_established) {
  // OUTPUT drops the SYN-ACK after conntrack saw it; the client's retried
  // SYN is ESTABLISHED then, and a rule rejecting ESTABLISHED packets
  // answers it: the client is refused (seen on the kernel: path seed
  // 2148407260, rulesets 4, 158 and 173).
  RuleSpec out_9010 = Tcp(0, VerdictKind::kDrop);
  out_9010.dports = PortSet::All();
  out_9010.sports = PortSet::Single(9010);
  auto with = [&](bool reject_established, int output_priority) {
    Builder b = Filter(VerdictKind::kAccept);
    if (reject_established) b.Add("INPUT", State(kCtEstablished, VerdictKind::kReject));
    b.Add("INPUT", Tcp(9010));
    if (output_priority == 0) {
      b.BaseChain("OUTPUT", Hook::kOutput, 0, VerdictKind::kAccept).Add("OUTPUT", out_9010);
    } else {
      b.Table("raw").BaseChain("OUTPUT", Hook::kOutput, output_priority, VerdictKind::kAccept).Add("OUTPUT", out_9010);
    }
    return b.Build();
  };
  ProbeResult refused = ProbeOf(with(true, 0), 6, 9010);
  BOOST_TEST((refused.handshake == Handshake::kRetryRejected));
  BOOST_TEST(!refused.connects);
  BOOST_TEST((ProbeOf(with(false, 0), 6, 9010).handshake == Handshake::kReplyDropped));
  // Dropped in raw, before conntrack: the retry is NEW again, as lost as the first.
  BOOST_TEST((ProbeOf(with(true, -300), 6, 9010).handshake == Handshake::kReplyDropped));
  std::vector<ExposureEntry> e = EntriesFor(with(true, 0), 6, 9010);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_TEST((e[0].handshake == Handshake::kRetryRejected));
}

BOOST_AUTO_TEST_CASE(every_base_chain_on_a_hook_must_let_the_packet_through) {
  Ruleset rs = Builder()
                   .BaseChain("a", Hook::kInput, -10, VerdictKind::kDrop)
                   .BaseChain("b", Hook::kInput, 10, VerdictKind::kDrop)
                   .Add("a", Tcp(22))
                   .Add("a", Tcp(80))
                   .Add("b", Tcp(80))
                   .Build();
  ExpectConnects(rs, 6, 22, false);
  ExpectConnects(rs, 6, 80, true);
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 80);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_TEST(e[0].path.size() == 2u);  // both chains' accepts are named
}

BOOST_AUTO_TEST_CASE(a_conditional_jump_is_followed_both_ways_by_exposure_and_probe_alike) {
  RuleSpec jump;
  jump.verdict = VerdictKind::kJump;
  jump.target = "block";
  jump.unknown_condition = true;
  Ruleset rs = Filter(VerdictKind::kDrop)
                   .UserChain("block")
                   .Add("INPUT", jump)
                   .Add("block", Tcp(22, VerdictKind::kDrop))
                   .Add("INPUT", Tcp(22))
                   .Build();
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 22);
  BOOST_REQUIRE(!e.empty());
  BOOST_TEST(std::all_of(e.begin(), e.end(), [](const ExposureEntry& x) { return x.conditional; }));
  ProbeResult p = ProbeOf(rs, 6, 22);
  BOOST_TEST((p.verdict == VerdictKind::kAccept));
  BOOST_TEST(p.conditional);
}

BOOST_AUTO_TEST_CASE(a_ruleset_with_only_nat_chains_has_no_filter) {
  RuleSpec dnat = Tcp(8080, VerdictKind::kDnat);
  dnat.nat.ports = PortSet::Single(80);
  Builder b;
  b.Table("nat").NatChain("PREROUTING", Hook::kPrerouting, -100).NatChain("INPUT", Hook::kInput, 100).Add("PREROUTING", dnat);
  Ruleset rs = b.Build();
  ExpectConnects(rs, 6, 22, true);
  std::vector<ExposureEntry> e = EntriesFor(rs, 6, 22);
  BOOST_REQUIRE(!e.empty());
  BOOST_TEST(std::holds_alternative<NoBaseChainDecision>(e[0].opening));
}

BOOST_AUTO_TEST_CASE(mirror_swaps_the_directions_and_is_its_own_inverse) {
  InterfaceSpace ifaces = InterfaceSpace::FromRuleset(Ruleset{});
  FieldCube c = WholeSpace(Family::kIpv4, ifaces);
  c.dports = PortSet::Single(22);
  c.saddr = V4("203.0.113.0/24");
  FieldCube m = Mirror(c);
  BOOST_TEST((m.sports == PortSet::Single(22)));
  BOOST_TEST((m.daddr == V4("203.0.113.0/24")));
  BOOST_TEST((m.iif == ifaces.NoInterface()));
  FieldCube back = Mirror(m);
  BOOST_TEST((back.dports == c.dports));
  BOOST_TEST((back.iif == c.iif));
  BOOST_TEST((back.oif == c.oif));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::rules
