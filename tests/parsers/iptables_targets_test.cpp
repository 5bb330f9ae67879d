// NAT and conntrack targets: DNAT, REDIRECT, SNAT, MASQUERADE, NOTRACK, CT,
// and where netfilter accepts them (checked against iptables-restore 1.8.9
// in a network namespace; see parsers/iptables/README.md).
#include <boost/test/unit_test.hpp>

#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers

// A section of `table` around `body`; body lines start at line 2.
std::string Section(const std::string& table, const std::string& body) {
  return "*" + table + "\n" + body + "COMMIT\n";
}

// The one rule of `chain` in `table` after parsing `line` there.
rules::Rule RuleIn(const std::string& table, const std::string& chain, const std::string& line,
                   Family family = Family::kIpv4) {
  ParseResult r = ParseOk(Section(table, line + "\n"), family);
  const rules::Chain& c = ChainNamed(TableNamed(r.ruleset, table), chain);
  BOOST_TEST_REQUIRE(c.rules.size() == 1u);
  return c.rules[0];
}

rules::Rule Prerouting(const std::string& rest, Family family = Family::kIpv4) {
  return RuleIn("nat", "PREROUTING", "-A PREROUTING " + rest, family);
}

rules::Verdict Dnat(const std::string& rest, Family family = Family::kIpv4) {
  rules::Verdict v = Prerouting(rest, family).verdict;
  BOOST_TEST((v.kind == VerdictKind::kDnat));
  return v;
}

AddressSet Host(const std::string& address, Family family = Family::kIpv4) {
  return AddressSet::OfCidr(*rules::ParseCidr(family, address));
}

AddressSet Span(const std::string& lo, const std::string& hi, Family family = Family::kIpv4) {
  return AddressSet::OfRange(family, *rules::ParseAddress(family, lo), *rules::ParseAddress(family, hi));
}

// The errors of `line` at line 2 of a `table` section.
std::string ErrorsIn(const std::string& table, const std::string& line, Family family = Family::kIpv4) {
  return Errors(Section(table, line + "\n"), family);
}

BOOST_AUTO_TEST_SUITE(iptables_nat_targets)

BOOST_AUTO_TEST_CASE(dnat_to_an_address_keeps_the_port) {
  rules::Verdict v = Dnat("-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2");
  BOOST_TEST(v.text == "DNAT --to-destination 10.0.0.2");
  BOOST_TEST((v.nat.addresses == Host("10.0.0.2")));
  BOOST_TEST(!v.nat.ports.has_value());
  BOOST_TEST(v.reason == "");
}

BOOST_AUTO_TEST_CASE(dnat_to_a_port_only_keeps_the_address) {
  rules::Verdict v = Dnat("-p tcp --dport 8080 -j DNAT --to-destination :80");
  BOOST_TEST(!v.nat.addresses.has_value());
  BOOST_TEST((v.nat.ports == Port(80)));
}

BOOST_AUTO_TEST_CASE(dnat_to_an_address_and_a_port) {
  rules::Verdict v = Dnat("-i eth0 -p tcp --dport 2212 -j DNAT --to-destination 192.168.1.1:22");
  BOOST_TEST((v.nat.addresses == Host("192.168.1.1")));
  BOOST_TEST((v.nat.ports == Port(22)));
  BOOST_TEST((Dnat("-p udp -j DNAT --to-destination=10.0.0.2:0x35").nat.ports == Port(53)));
  BOOST_TEST((Dnat("-p sctp -j DNAT --to-destination 10.0.0.2:0").nat.ports == Port(0)));
  BOOST_TEST((Dnat("-p dccp -j DNAT --to-destination 10.0.0.2:9").nat.ports == Port(9)));
  // ICMP ids are mapped like ports (IPv4 only).
  BOOST_TEST((Dnat("-p icmp -j DNAT --to-destination 10.0.0.2:9").nat.ports == Port(9)));
}

BOOST_AUTO_TEST_CASE(dnat_to_address_and_port_ranges) {
  rules::Verdict v = Dnat("-p tcp -j DNAT --to-destination 10.0.0.2-10.0.0.5:1000-2000");
  BOOST_TEST((v.nat.addresses == Span("10.0.0.2", "10.0.0.5")));
  BOOST_TEST((v.nat.ports == Ports(1000, 2000)));
  BOOST_TEST((Dnat("-j DNAT --to-destination 10.0.0.2-10.0.0.5").nat.addresses == Span("10.0.0.2", "10.0.0.5")));
  BOOST_TEST((Dnat("-p udp -j DNAT --to-destination 10.0.0.2:22-0x50").nat.ports == Ports(22, 80)));
}

BOOST_AUTO_TEST_CASE(dnat_ports_by_service_name) {
  BOOST_TEST((Dnat("-p tcp -j DNAT --to-destination 1.1.1.1:ssh").nat.ports == Port(22)));
  BOOST_TEST((Dnat("-p tcp -j DNAT --to-destination 1.1.1.1:ftp-data").nat.ports == Port(20)));
}

BOOST_AUTO_TEST_CASE(a_base_port_equal_to_the_low_port_is_a_plain_range_and_any_other_is_not_modelled) {
  rules::Verdict plain = Dnat("-p tcp -j DNAT --to-destination 1.1.1.1:1000-2000/1000");
  BOOST_TEST((plain.nat.ports == Ports(1000, 2000)));
  rules::Verdict shifted = Prerouting("-p tcp -j DNAT --to-destination 1.1.1.1:1000-2000/3000").verdict;
  BOOST_TEST((shifted.kind == VerdictKind::kUnknown));
  BOOST_TEST(shifted.reason == "a shifted port mapping (PORT-PORT/BASE) is not modelled");
  BOOST_TEST((Prerouting("-p tcp -j DNAT --to-destination 1.1.1.1:10-20/ftp").verdict.kind == VerdictKind::kUnknown));
}

BOOST_AUTO_TEST_CASE(dnat_in_ipv6_with_brackets_when_a_port_follows) {
  const Family v6 = Family::kIpv6;
  rules::Verdict v = Dnat("-p tcp -j DNAT --to-destination [2001:db8::1]:80", v6);
  BOOST_TEST((v.nat.addresses == Host("2001:db8::1", v6)));
  BOOST_TEST((v.nat.ports == Port(80)));
  rules::Verdict ranges = Dnat("-p tcp -j DNAT --to-destination [2001:db8::1-2001:db8::5]:80-90", v6);
  BOOST_TEST((ranges.nat.addresses == Span("2001:db8::1", "2001:db8::5", v6)));
  BOOST_TEST((ranges.nat.ports == Ports(80, 90)));
  rules::Verdict bare = Dnat("-j DNAT --to-destination 2001:db8::1", v6);
  BOOST_TEST((bare.nat.addresses == Host("2001:db8::1", v6)));
  BOOST_TEST(!bare.nat.ports.has_value());
  BOOST_TEST((Dnat("-j DNAT --to-destination [2001:db8::1]", v6).nat.addresses == Host("2001:db8::1", v6)));
  // Without brackets a text with several colons is an address, as iptables reads it.
  rules::Verdict address = Dnat("-p tcp -j DNAT --to-destination 2001:db8::1:80", v6);
  BOOST_TEST((address.nat.addresses == Host("2001:db8::1:80", v6)));
  BOOST_TEST(!address.nat.ports.has_value());
  rules::Verdict port_only = Dnat("-p tcp -j DNAT --to-destination :80", v6);
  BOOST_TEST(!port_only.nat.addresses.has_value());
  BOOST_TEST((port_only.nat.ports == Port(80)));
  BOOST_TEST(!Dnat("-p tcp -j DNAT --to-destination []:80", v6).nat.addresses.has_value());
}

BOOST_AUTO_TEST_CASE(dnat_random_and_persistent) {
  BOOST_TEST((Dnat("-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.3 --persistent").nat.addresses ==
              Span("10.0.0.1", "10.0.0.3")));
  BOOST_TEST((Dnat("-p udp -j DNAT --to-destination 10.0.0.1:80 --random --persistent").nat.ports == Port(80)));
  rules::Verdict range = Prerouting("-p udp -j DNAT --to-destination 10.0.0.1:80-90 --random").verdict;
  BOOST_TEST((range.kind == VerdictKind::kUnknown));
  BOOST_TEST(range.reason == "a port picked at random within a range (--random) is not modelled");
  BOOST_TEST(range.text == "DNAT --to-destination 10.0.0.1:80-90 --random");
}

BOOST_AUTO_TEST_CASE(options_after_the_target_that_are_not_its_own_belong_to_the_matches) {
  rules::Rule r = Prerouting("-p tcp -j DNAT --to-destination 10.0.0.1:80 --dport 8080");
  BOOST_TEST((r.verdict.kind == VerdictKind::kDnat));
  BOOST_TEST(r.verdict.text == "DNAT --to-destination 10.0.0.1:80");
  BOOST_TEST((r.cubes.at(0).dports == Port(8080)));
}

BOOST_AUTO_TEST_CASE(dnat_in_output_and_in_user_chains_reached_from_prerouting_and_output) {
  BOOST_TEST((RuleIn("nat", "OUTPUT", "-A OUTPUT -p tcp -j DNAT --to-destination 127.0.0.1:8080").verdict.kind ==
              VerdictKind::kDnat));
  ParseResult r = ParseOk(Section("nat",
                                  ":FWD - [0:0]\n"
                                  ":DEEPER - [0:0]\n"
                                  "-A PREROUTING -j FWD\n"
                                  "-A OUTPUT -g FWD\n"
                                  "-A FWD -j DEEPER\n"
                                  "-A DEEPER -p tcp -j DNAT --to-destination 10.0.0.2:80\n"
                                  ":UNUSED - [0:0]\n"
                                  "-A UNUSED -p tcp -j DNAT --to-destination 10.0.0.3\n"));
  BOOST_TEST((ChainNamed(r.ruleset.tables.at(0), "DEEPER").rules.at(0).verdict.kind == VerdictKind::kDnat));
  BOOST_TEST((ChainNamed(r.ruleset.tables.at(0), "UNUSED").rules.at(0).verdict.kind == VerdictKind::kDnat));
}

BOOST_AUTO_TEST_CASE(redirect_without_ports_keeps_the_port_and_with_ports_sets_them) {
  rules::Verdict keep = Prerouting("-p tcp --dport 80 -j REDIRECT").verdict;
  BOOST_TEST((keep.kind == VerdictKind::kRedirect));
  BOOST_TEST(!keep.nat.ports.has_value());
  BOOST_TEST(!keep.nat.addresses.has_value());
  rules::Verdict one = Prerouting("-p tcp --dport 80 -j REDIRECT --to-ports 3128").verdict;
  BOOST_TEST((one.kind == VerdictKind::kRedirect));
  BOOST_TEST((one.nat.ports == Port(3128)));
  BOOST_TEST(one.text == "REDIRECT --to-ports 3128");
  BOOST_TEST((Prerouting("-p udp -j REDIRECT --to-ports 42-1234").verdict.nat.ports == Ports(42, 1234)));
  BOOST_TEST((Prerouting("-p tcp -j REDIRECT --to-ports ssh").verdict.nat.ports == Port(22)));
  BOOST_TEST((Prerouting("-j REDIRECT --random").verdict.kind == VerdictKind::kRedirect));
  BOOST_TEST((Prerouting("-p tcp -j REDIRECT --to-ports 42-1234 --random").verdict.kind == VerdictKind::kUnknown));
  BOOST_TEST((RuleIn("nat", "OUTPUT", "-A OUTPUT -p tcp -j REDIRECT --to-ports 1").verdict.kind ==
              VerdictKind::kRedirect));
}

BOOST_AUTO_TEST_CASE(snat_and_masquerade_are_source_nat) {
  rules::Verdict snat =
      RuleIn("nat", "POSTROUTING", "-A POSTROUTING -o ppp1 -j SNAT --to-source 212.159.20.70").verdict;
  BOOST_TEST((snat.kind == VerdictKind::kSnat));
  BOOST_TEST(snat.text == "SNAT --to-source 212.159.20.70");
  BOOST_TEST((RuleIn("nat", "INPUT", "-A INPUT -p tcp -j SNAT --to-source 1.1.1.1:1025-65535 --random-fully")
                  .verdict.kind == VerdictKind::kSnat));
  BOOST_TEST((RuleIn("nat", "POSTROUTING", "-A POSTROUTING -o eth0 -j MASQUERADE").verdict.kind ==
              VerdictKind::kSnat));
  BOOST_TEST((RuleIn("nat", "POSTROUTING", "-A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-65535 --random")
                  .verdict.kind == VerdictKind::kSnat));
  BOOST_TEST((RuleIn("nat", "POSTROUTING", "-A POSTROUTING -j SNAT --to-source dead::beef-dead::fee7",
                     Family::kIpv6)
                  .verdict.kind == VerdictKind::kSnat));
}

BOOST_AUTO_TEST_CASE(prefix_mapping_targets_stay_unknown_with_a_reason) {
  rules::Verdict netmap = RuleIn("nat", "PREROUTING", "-A PREROUTING -j NETMAP --to 1.2.3.0/24").verdict;
  BOOST_TEST((netmap.kind == VerdictKind::kUnknown));
  BOOST_TEST(netmap.reason == "prefix mapping is not modelled");
  rules::Verdict dnpt = RuleIn("mangle", "PREROUTING",
                               "-A PREROUTING -j DNPT --src-pfx dead::/64 --dst-pfx 1c3::/64", Family::kIpv6)
                            .verdict;
  BOOST_TEST((dnpt.kind == VerdictKind::kUnknown));
  BOOST_TEST(dnpt.reason == "prefix mapping is not modelled");
}

BOOST_AUTO_TEST_CASE(notrack_and_ct_notrack_exempt_from_conntrack) {
  BOOST_TEST((RuleIn("raw", "PREROUTING", "-A PREROUTING -j NOTRACK").verdict.kind == VerdictKind::kNotrack));
  rules::Verdict ct = RuleIn("raw", "OUTPUT", "-A OUTPUT -p udp --dport 53 -j CT --notrack").verdict;
  BOOST_TEST((ct.kind == VerdictKind::kNotrack));
  BOOST_TEST(ct.text == "CT --notrack");
  BOOST_TEST((RuleIn("raw", "PREROUTING", "-A PREROUTING -j CT --zone 1 --notrack --helper ftp").verdict.kind ==
              VerdictKind::kNotrack));
  BOOST_TEST((RuleIn("raw", "PREROUTING", "-A PREROUTING -j CT --helper ftp").verdict.kind ==
              VerdictKind::kContinue));
  BOOST_TEST((RuleIn("raw", "PREROUTING", "-A PREROUTING -j CT --ctevents new,destroy").verdict.kind ==
              VerdictKind::kContinue));
  BOOST_TEST((RuleIn("raw", "PREROUTING", "-A PREROUTING -j CT").verdict.kind == VerdictKind::kContinue));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_nat_target_errors)

BOOST_AUTO_TEST_CASE(dnat_outside_the_nat_table_is_refused_as_iptables_restore_refuses_it) {
  const std::string line = "-A INPUT -p tcp -j DNAT --to-destination 10.0.0.2:80";
  BOOST_TEST(ErrorsIn("filter", line) ==
             Diag(2, 20, "the DNAT target is only valid in the nat table (iptables-restore refuses it in the filter "
                         "table)",
                  line));
  const std::string user = "-A USER -p tcp -j REDIRECT";
  BOOST_TEST(Errors(Section("mangle", ":USER - [0:0]\n" + user + "\n")) ==
             Diag(3, 19,
                  "the REDIRECT target is only valid in the nat table (iptables-restore refuses it in the mangle "
                  "table)",
                  user));
  const std::string notrack = "-A PREROUTING -j NOTRACK";
  BOOST_TEST(ErrorsIn("mangle", notrack) ==
             Diag(2, 18, "the NOTRACK target is only valid in the raw table (iptables-restore refuses it in the "
                         "mangle table)",
                  notrack));
  const std::string ct = "-A INPUT -j CT --notrack";
  BOOST_TEST(ErrorsIn("filter", ct) ==
             Diag(2, 13, "the CT target is only valid in the raw table (iptables-restore refuses it in the filter "
                         "table)",
                  ct));
}

BOOST_AUTO_TEST_CASE(nat_targets_outside_their_hooks_are_refused) {
  const std::string dnat = "-A POSTROUTING -p tcp -j DNAT --to-destination 10.0.0.2:80";
  BOOST_TEST(ErrorsIn("nat", dnat) ==
             Diag(2, 26,
                  "the DNAT target is only valid in PREROUTING and OUTPUT (or a user chain reached only from "
                  "there); iptables-restore refuses it in POSTROUTING",
                  dnat));
  const std::string snat = "-A PREROUTING -j SNAT --to-source 1.1.1.1";
  BOOST_TEST(ErrorsIn("nat", snat) ==
             Diag(2, 18,
                  "the SNAT target is only valid in INPUT and POSTROUTING (or a user chain reached only from "
                  "there); iptables-restore refuses it in PREROUTING",
                  snat));
  const std::string masquerade = "-A INPUT -j MASQUERADE";
  BOOST_TEST(ErrorsIn("nat", masquerade) ==
             Diag(2, 13,
                  "the MASQUERADE target is only valid in POSTROUTING (or a user chain reached only from there); "
                  "iptables-restore refuses it in INPUT",
                  masquerade));
  ParseResult r = ParseIptablesSave(Section("nat", dnat + "\n"), kFile, Family::kIpv4);
  const rules::Rule& rule = ChainNamed(r.ruleset.tables.at(0), "POSTROUTING").rules.at(0);
  BOOST_TEST((rule.verdict.kind == VerdictKind::kUnknown));
  BOOST_TEST(rule.verdict.reason == "the rule has errors");
}

BOOST_AUTO_TEST_CASE(a_jump_that_lets_another_hook_reach_a_nat_target_is_refused_at_the_jump) {
  const std::string jump = "-A POSTROUTING -j FWD";
  const std::string text = Section("nat",
                                   ":FWD - [0:0]\n"
                                   ":DEEPER - [0:0]\n"
                                   "-A FWD -j DEEPER\n"
                                   "-A DEEPER -p tcp -j DNAT --to-destination 10.0.0.2:80\n"
                                   "-A PREROUTING -j FWD\n" +
                                       jump + "\n");
  BOOST_TEST(Errors(text) == Diag(7, 19,
                                  "chain \"DEEPER\" is reached from POSTROUTING here, but the DNAT target on line 5 "
                                  "is only valid in PREROUTING and OUTPUT; iptables-restore refuses this jump",
                                  jump));
  ParseResult r = ParseIptablesSave(text, kFile, Family::kIpv4);
  const rules::Table& nat = r.ruleset.tables.at(0);
  BOOST_TEST((ChainNamed(nat, "POSTROUTING").rules.at(0).verdict.kind == VerdictKind::kUnknown));
  BOOST_TEST((ChainNamed(nat, "PREROUTING").rules.at(0).verdict.kind == VerdictKind::kJump));
  BOOST_TEST((ChainNamed(nat, "DEEPER").rules.at(0).verdict.kind == VerdictKind::kDnat));
}

BOOST_AUTO_TEST_CASE(nat_targets_need_their_address_option) {
  const std::string dnat = "-A PREROUTING -j DNAT";
  BOOST_TEST(ErrorsIn("nat", dnat) == Diag(2, 18, "the DNAT target needs --to-destination", dnat));
  const std::string snat = "-A POSTROUTING -j SNAT --random";
  BOOST_TEST(ErrorsIn("nat", snat) == Diag(2, 19, "the SNAT target needs --to-source", snat));
}

BOOST_AUTO_TEST_CASE(a_nat_port_needs_a_protocol_with_ports_before_the_target) {
  const std::string message = "a port in \"10.0.0.2:80\" needs \"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p dccp\" "
                              "before the target";
  const std::string none = "-A PREROUTING -j DNAT --to-destination 10.0.0.2:80";
  BOOST_TEST(ErrorsIn("nat", none) == Diag(2, 40, message, none));
  const std::string udplite = "-A PREROUTING -p udplite -j DNAT --to-destination 10.0.0.2:80";
  BOOST_TEST(ErrorsIn("nat", udplite) == Diag(2, 51, message, udplite));
  const std::string after = "-A PREROUTING -j DNAT --to-destination 10.0.0.2:80 -p tcp";
  BOOST_TEST(ErrorsIn("nat", after) == Diag(2, 40, message, after));
  const std::string icmp6 = "-A PREROUTING -p icmpv6 -j DNAT --to-destination [::1]:80";
  BOOST_TEST(ErrorsIn("nat", icmp6, Family::kIpv6) ==
             Diag(2, 50,
                  "a port in \"[::1]:80\" needs \"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p dccp\" before the target",
                  icmp6));
  const std::string redirect = "-A PREROUTING -j REDIRECT --to-ports 42";
  BOOST_TEST(ErrorsIn("nat", redirect) ==
             Diag(2, 38, "a port in \"42\" needs \"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p dccp\" before the target",
                  redirect));
  // iptables does not look at a "!" before -p here.
  BOOST_TEST(ErrorsIn("nat", "-A PREROUTING ! -p tcp -j DNAT --to-destination 10.0.0.2:80") == "");
}

BOOST_AUTO_TEST_CASE(several_to_destination_options_are_refused_as_iptables_1_8_9_does) {
  const std::string line = "-A PREROUTING -p tcp -j DNAT --to-destination 1.1.1.1 --to-destination 2.2.2.2";
  BOOST_TEST(ErrorsIn("nat", line) ==
             Diag(2, 55, "\"--to-destination\" can only be given once for the DNAT target", line));
  const std::string ports = "-A PREROUTING -p tcp -j REDIRECT --to-ports 42 --to-ports 43";
  BOOST_TEST(ErrorsIn("nat", ports) ==
             Diag(2, 48, "\"--to-ports\" can only be given once for the REDIRECT target", ports));
}

BOOST_AUTO_TEST_CASE(bad_nat_ports_are_reported) {
  auto dnat = [](const std::string& to) { return "-A PREROUTING -p tcp -j DNAT --to-destination " + to; };
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:65536")) ==
             Diag(2, 47, "bad port \"65536\"", dnat("1.1.1.1:65536")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1-1.1.1.10:1025-65536")) ==
             Diag(2, 47, "bad port \"65536\" in \"1.1.1.1-1.1.1.10:1025-65536\"", dnat("1.1.1.1-1.1.1.10:1025-65536")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:90-80")) ==
             Diag(2, 47, "bad port range \"90-80\" in \"1.1.1.1:90-80\": the first port is above the last",
                  dnat("1.1.1.1:90-80")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:")) == Diag(2, 47, "bad port \"\"", dnat("1.1.1.1:")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:1000-2000/0")) ==
             Diag(2, 47, "bad port \"0\" in \"1.1.1.1:1000-2000/0\"", dnat("1.1.1.1:1000-2000/0")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:20/20")) ==
             Diag(2, 47, "a base port (\"/BASE\") in \"1.1.1.1:20/20\" needs a port range before it",
                  dnat("1.1.1.1:20/20")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:22-ssh")) ==
             Diag(2, 47, "bad port \"ssh\" in \"1.1.1.1:22-ssh\"", dnat("1.1.1.1:22-ssh")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.1.1.1:echo-ssh")) ==
             Diag(2, 47, "bad port \"echo-ssh\" in \"1.1.1.1:echo-ssh\"", dnat("1.1.1.1:echo-ssh")));
  const std::string colon = "-A PREROUTING -p tcp -j REDIRECT --to-ports 42:50";
  BOOST_TEST(ErrorsIn("nat", colon) ==
             Diag(2, 45, "bad port range \"42:50\": --to-ports takes PORT-PORT, with a dash", colon));
  const std::string shifted = "-A PREROUTING -p tcp -j REDIRECT --to-ports 42-1234/567";
  BOOST_TEST(ErrorsIn("nat", shifted) ==
             Diag(2, 45, "the REDIRECT target takes no shifted port range (\"/BASE\")", shifted));
}

BOOST_AUTO_TEST_CASE(bad_nat_addresses_are_reported) {
  auto dnat = [](const std::string& to) { return "-A PREROUTING -p tcp -j DNAT --to-destination " + to; };
  BOOST_TEST(ErrorsIn("nat", dnat("10.0.0.0/24")) ==
             Diag(2, 47,
                  "bad IPv4 address \"10.0.0.0/24\": a NAT target takes addresses or a range ADDR-ADDR, not a prefix",
                  dnat("10.0.0.0/24")));
  BOOST_TEST(ErrorsIn("nat", dnat("host.example")) ==
             Diag(2, 47, "bad IPv4 address \"host.example\"", dnat("host.example")));
  BOOST_TEST(ErrorsIn("nat", dnat("1.2.3.4"), Family::kIpv6) ==
             Diag(2, 47, "bad IPv6 address \"1.2.3.4\"", dnat("1.2.3.4")));
  BOOST_TEST(ErrorsIn("nat", dnat("[dead::beef"), Family::kIpv6) ==
             Diag(2, 47, "bad IPv6 NAT target \"[dead::beef\": \"[\" without \"]\"", dnat("[dead::beef")));
}

BOOST_AUTO_TEST_CASE(odd_but_accepted_nat_values_are_warnings) {
  const std::string backwards = "-A PREROUTING -p tcp -j DNAT --to-destination 1.1.1.10-1.1.1.1";
  ParseResult r = ParseIptablesSave(Section("nat", backwards + "\n"), kFile, Family::kIpv4);
  BOOST_TEST(Rendered(r) == Diag(2, 47,
                                 "address range \"1.1.1.10-1.1.1.1\" runs backwards: netfilter picks from the first "
                                 "address up, wrapping around to the last",
                                 backwards, "warning"));
  const rules::Verdict& v = ChainNamed(r.ruleset.tables.at(0), "PREROUTING").rules.at(0).verdict;
  BOOST_TEST((v.nat.addresses == Span("1.1.1.10", "255.255.255.255").Union(Span("0.0.0.0", "1.1.1.1"))));
  const std::string trailing = "-A PREROUTING -p tcp -j DNAT --to-destination [::1]80";
  BOOST_TEST(ErrorsIn("nat", trailing, Family::kIpv6) ==
             Diag(2, 47, "\"80\" after \"]\" is ignored, as iptables ignores it (a port follows \":\")", trailing,
                  "warning"));
}

BOOST_AUTO_TEST_CASE(unknown_options_of_a_nat_target_are_refused) {
  const std::string line = "-A PREROUTING -p tcp -j DNAT --to-destination 1.1.1.1:80 --random-fully";
  BOOST_TEST(ErrorsIn("nat", line) == Diag(2, 58, "unknown option \"--random-fully\" for the DNAT target", line));
  const std::string notrack = "-A PREROUTING -j NOTRACK --foo";
  BOOST_TEST(ErrorsIn("raw", notrack) == Diag(2, 26, "unknown option \"--foo\"", notrack));
  const std::string twice = "-A PREROUTING -j CT --notrack --notrack";
  BOOST_TEST(ErrorsIn("raw", twice) == Diag(2, 31, "\"--notrack\" can only be given once for the CT target", twice));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
