#include "parsers/iptables/iptables_lowering.h"
#include "tests/parsers/iptables_test_helpers.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include <boost/test/unit_test.hpp>

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers
using rules::AddressSet;
using rules::Family;
using rules::Hook;
using rules::PortSet;
using rules::ProtocolSet;
using rules::VerdictKind;

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_tables_and_chains)

BOOST_AUTO_TEST_CASE(filter_builtin_chains_get_hooks_priorities_and_policies) {
  ParseResult r = ParseOk(
      "*filter\n"
      ":INPUT DROP [0:0]\n"
      ":FORWARD ACCEPT [3:120]\n"
      ":OUTPUT ACCEPT\n"
      "COMMIT\n");
  BOOST_TEST(r.ruleset.inputs == (std::vector<std::string>{kFile}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(r.ruleset.tables.size() == 1u);
  const rules::Table& t = r.ruleset.tables[0];
  BOOST_TEST(t.name == "filter");
  BOOST_TEST((t.family == rules::TableFamily::kIp));
  BOOST_TEST(t.evaluated);
  BOOST_TEST((t.location == rules::SourceLocation{kFile, 1, 1}));
  BOOST_TEST_REQUIRE(t.chains.size() == 3u);
  const rules::Chain& input = t.chains[0];
  BOOST_TEST(input.name == "INPUT");
  BOOST_TEST((input.hook == Hook::kInput));
  BOOST_TEST(input.priority == 0);
  BOOST_TEST((input.policy == VerdictKind::kDrop));
  BOOST_TEST((input.location == rules::SourceLocation{kFile, 2, 1}));
  BOOST_TEST((t.chains[1].hook == Hook::kForward));
  BOOST_TEST((t.chains[1].policy == VerdictKind::kAccept));
  BOOST_TEST((t.chains[2].hook == Hook::kOutput));
  BOOST_TEST(r.ruleset.ignored.empty());
}

BOOST_AUTO_TEST_CASE(builtin_chains_exist_without_headers) {
  ParseResult r = ParseOk("*filter\n-A FORWARD -j DROP\nCOMMIT\n");
  const rules::Chain& forward = ChainNamed(r.ruleset.tables[0], "FORWARD");
  BOOST_TEST((forward.policy == VerdictKind::kAccept));
  BOOST_TEST((forward.location == rules::SourceLocation{kFile, 1, 1}));
  BOOST_TEST(forward.rules.size() == 1u);
}

struct ExpectedChain {
  const char* table;
  const char* chain;
  Hook hook;
  int priority;
  rules::ChainType type;
};

BOOST_AUTO_TEST_CASE(every_table_gets_its_builtin_chains_at_netfilter_priorities_with_their_types) {
  ParseResult r = ParseOk("*raw\nCOMMIT\n*mangle\nCOMMIT\n*nat\nCOMMIT\n*filter\nCOMMIT\n*security\nCOMMIT\n");
  using rules::ChainType;
  const ExpectedChain expected[] = {
      {"raw", "PREROUTING", Hook::kPrerouting, -300, ChainType::kFilter},
      {"raw", "OUTPUT", Hook::kOutput, -300, ChainType::kFilter},
      {"mangle", "PREROUTING", Hook::kPrerouting, -150, ChainType::kFilter},
      {"mangle", "INPUT", Hook::kInput, -150, ChainType::kFilter},
      {"mangle", "FORWARD", Hook::kForward, -150, ChainType::kFilter},
      {"mangle", "OUTPUT", Hook::kOutput, -150, ChainType::kRoute},
      {"mangle", "POSTROUTING", Hook::kPostrouting, -150, ChainType::kFilter},
      {"nat", "PREROUTING", Hook::kPrerouting, -100, ChainType::kNat},
      {"nat", "INPUT", Hook::kInput, 100, ChainType::kNat},
      {"nat", "OUTPUT", Hook::kOutput, -100, ChainType::kNat},
      {"nat", "POSTROUTING", Hook::kPostrouting, 100, ChainType::kNat},
      {"filter", "INPUT", Hook::kInput, 0, ChainType::kFilter},
      {"filter", "FORWARD", Hook::kForward, 0, ChainType::kFilter},
      {"filter", "OUTPUT", Hook::kOutput, 0, ChainType::kFilter},
      {"security", "INPUT", Hook::kInput, 50, ChainType::kFilter},
      {"security", "FORWARD", Hook::kForward, 50, ChainType::kFilter},
      {"security", "OUTPUT", Hook::kOutput, 50, ChainType::kFilter},
  };
  for (const auto& e : expected) {
    BOOST_TEST_CONTEXT(e.table << " " << e.chain) {
      const rules::Chain& c = ChainNamed(TableNamed(r.ruleset, e.table), e.chain);
      BOOST_TEST((c.hook == e.hook));
      BOOST_TEST(c.priority == e.priority);
      BOOST_TEST((c.type == e.type));
      BOOST_TEST((c.policy == VerdictKind::kAccept));
    }
  }
  BOOST_TEST(TableNamed(r.ruleset, "raw").chains.size() == 2u);
  BOOST_TEST(TableNamed(r.ruleset, "nat").chains.size() == 4u);
  BOOST_TEST(TableNamed(r.ruleset, "mangle").chains.size() == 5u);
  BOOST_TEST(TableNamed(r.ruleset, "security").chains.size() == 3u);
}

BOOST_AUTO_TEST_CASE(every_table_is_evaluated) {
  ParseResult r = ParseOk("*nat\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2\nCOMMIT\n"
                          "*mangle\nCOMMIT\n*raw\nCOMMIT\n*security\nCOMMIT\n*filter\nCOMMIT\n");
  BOOST_TEST(ChainNamed(TableNamed(r.ruleset, "nat"), "PREROUTING").rules.size() == 1u);
  for (const char* name : {"nat", "mangle", "raw", "security", "filter"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(TableNamed(r.ruleset, name).evaluated);
      BOOST_TEST(TableNamed(r.ruleset, name).not_evaluated_reason.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(user_chains_keep_the_default_type) {
  ParseResult r = ParseOk("*nat\n:FWD - [0:0]\n-A PREROUTING -j FWD\nCOMMIT\n");
  const rules::Chain& fwd = ChainNamed(r.ruleset.tables.at(0), "FWD");
  BOOST_TEST(!fwd.IsBase());
  BOOST_TEST((fwd.type == rules::ChainType::kFilter));
}

BOOST_AUTO_TEST_CASE(ip6tables_input_lowers_to_ip6_tables_and_ipv6_cubes) {
  ParseResult r = ParseOk(Filter("-A INPUT -s 2001:db8::/32 -p ipv6-icmp -j ACCEPT\n"), Family::kIpv6);
  const rules::Table& t = r.ruleset.tables[0];
  BOOST_TEST((t.family == rules::TableFamily::kIp6));
  const rules::Cube& c = ChainNamed(t, "INPUT").rules[0].cubes.at(0);
  BOOST_TEST((c.family == Family::kIpv6));
  BOOST_TEST((c.saddr == Net("2001:db8::/32", Family::kIpv6)));
  BOOST_TEST((c.daddr == AddressSet::All(Family::kIpv6)));
  BOOST_TEST((c.protocols == Proto(58)));
}

BOOST_AUTO_TEST_CASE(user_chains_return_and_keep_declaration_order) {
  ParseResult r = ParseOk(Filter(":ZED - [0:0]\n:ALPHA - [0:0]\n"));
  const rules::Table& t = r.ruleset.tables[0];
  BOOST_TEST_REQUIRE(t.chains.size() == 5u);
  BOOST_TEST(t.chains[3].name == "ZED");
  BOOST_TEST(t.chains[4].name == "ALPHA");
  BOOST_TEST(!t.chains[3].IsBase());
  BOOST_TEST((t.chains[3].policy == VerdictKind::kReturn));
  BOOST_TEST((t.chains[4].location == rules::SourceLocation{kFile, 3, 1}));
}

BOOST_AUTO_TEST_CASE(jump_and_goto_resolve_to_chain_indices) {
  ParseResult r = ParseOk(Filter(
      ":A - [0:0]\n"
      ":B - [0:0]\n"
      "-A INPUT -j B\n"
      "-A INPUT -g A\n"
      "-A A -j RETURN\n"));
  const rules::Table& t = r.ruleset.tables[0];
  const rules::Chain& input = ChainNamed(t, "INPUT");
  BOOST_TEST_REQUIRE(input.rules.size() == 2u);
  BOOST_TEST((input.rules[0].verdict.kind == VerdictKind::kJump));
  BOOST_TEST(input.rules[0].verdict.target == 4);
  BOOST_TEST(input.rules[0].verdict.text == "B");
  BOOST_TEST((input.rules[1].verdict.kind == VerdictKind::kGoto));
  BOOST_TEST(input.rules[1].verdict.target == 3);
  BOOST_TEST((ChainNamed(t, "A").rules.at(0).verdict.kind == VerdictKind::kReturn));
}

// iptables-restore applies a section line by line: both backends refuse a
// rule naming a chain declared on a later line when loading (verified in a
// network namespace with iptables-restore 1.8.9, nf_tables and legacy).
BOOST_AUTO_TEST_CASE(chains_declared_later_in_the_section_are_refused) {
  const std::string text = Filter(
      "-A INPUT -j LATER\n"
      "-A LATER -j ACCEPT\n"
      ":LATER - [0:0]\n");
  const std::string why = "chain \"LATER\" is declared only on a later line; iptables-restore refuses a rule naming a "
                          "chain not yet declared";
  BOOST_TEST(Errors(text) == Diag(2, 13, why, "-A INPUT -j LATER") + Diag(3, 4, why, "-A LATER -j ACCEPT"));
}

BOOST_AUTO_TEST_CASE(new_chain_policy_flush_delete_and_zero_commands_are_applied) {
  ParseResult r = ParseOk(Filter(
      "-F\n"
      "-X\n"
      "-N MINE\n"
      "-P INPUT DROP\n"
      "-A MINE -j ACCEPT\n"
      "-A INPUT -j MINE\n"
      "-Z\n"));
  const rules::Table& t = r.ruleset.tables[0];
  BOOST_TEST((ChainNamed(t, "INPUT").policy == VerdictKind::kDrop));
  BOOST_TEST((ChainNamed(t, "MINE").location == rules::SourceLocation{kFile, 4, 1}));
  BOOST_TEST(ChainNamed(t, "INPUT").rules.at(0).verdict.target == t.FindChain("MINE"));
  BOOST_TEST_REQUIRE(r.ruleset.ignored.size() == 3u);
  BOOST_TEST(r.ruleset.ignored[0].location.line == 2);
  BOOST_TEST(r.ruleset.ignored[0].text == "-F");
  BOOST_TEST(r.ruleset.ignored[0].reason == "flushes every chain of the table (applied while reading)");
  BOOST_TEST(r.ruleset.ignored[1].reason == "deletes every user-defined chain of the table (applied while reading)");
  BOOST_TEST(r.ruleset.ignored[2].location.line == 8);
  BOOST_TEST(r.ruleset.ignored[2].reason == "resets counters, which do not affect what the ruleset accepts");
}

BOOST_AUTO_TEST_CASE(flush_removes_the_rules_before_it) {
  ParseResult r = ParseOk(Filter(
      "-A INPUT -j ACCEPT\n"
      "-F INPUT\n"
      "-A INPUT -j DROP\n"));
  const rules::Chain& input = ChainNamed(r.ruleset.tables[0], "INPUT");
  BOOST_TEST_REQUIRE(input.rules.size() == 1u);
  BOOST_TEST((input.rules[0].verdict.kind == VerdictKind::kDrop));
  BOOST_TEST_REQUIRE(r.ruleset.ignored.size() == 2u);
  BOOST_TEST(r.ruleset.ignored[0].location.line == 2);
  BOOST_TEST(r.ruleset.ignored[0].text == "-A INPUT -j ACCEPT");
  BOOST_TEST(r.ruleset.ignored[0].reason == "removed by -F on line 3");
  BOOST_TEST(r.ruleset.ignored[1].reason == "flushes chain \"INPUT\" (applied while reading)");
}

BOOST_AUTO_TEST_CASE(deleted_chain_is_gone_and_can_be_declared_again) {
  ParseResult r = ParseOk(Filter(
      ":GONE - [0:0]\n"
      ":BACK - [0:0]\n"
      "-X GONE\n"
      "-X BACK\n"
      "-N BACK\n"));
  const rules::Table& t = r.ruleset.tables[0];
  BOOST_TEST(t.FindChain("GONE") == -1);
  BOOST_TEST(t.FindChain("BACK") >= 0);
  BOOST_TEST(r.ruleset.ignored.size() == 2u);
}

BOOST_AUTO_TEST_CASE(insert_puts_rules_at_their_position) {
  ParseResult r = ParseOk(Filter(
      "-A INPUT -p tcp --dport 1 -j ACCEPT\n"
      "-A INPUT -p tcp --dport 2 -j ACCEPT\n"
      "-I INPUT -p tcp --dport 0 -j ACCEPT\n"
      "-I INPUT 3 -p tcp --dport 9 -j ACCEPT\n"
      "-I INPUT 5 -p tcp --dport 10 -j ACCEPT\n"));
  const rules::Chain& input = ChainNamed(r.ruleset.tables[0], "INPUT");
  std::vector<int> ports;
  for (const auto& rule : input.rules) ports.push_back(rule.cubes.at(0).dports.Min());
  BOOST_TEST(ports == (std::vector<int>{0, 1, 9, 2, 10}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rules_keep_their_order_when_chains_interleave) {
  ParseResult r = ParseOk(Filter(
      ":LATER - [0:0]\n"
      "-N OTHER\n"
      "-A INPUT -p tcp --dport 1 -j LATER\n"
      "-A LATER -p tcp --dport 2 -j ACCEPT\n"
      "-A INPUT -p tcp --dport 3 -j ACCEPT\n"
      "-6 -A INPUT -p tcp --dport 4 -j ACCEPT\n"
      "-I LATER -p tcp --dport 5 -j ACCEPT\n"
      "-I OTHER -p tcp --dport 6 -j ACCEPT\n"
      "-A LATER -p tcp --dport 7 -j ACCEPT\n"
      "-A INPUT -p tcp --dport 8 -j DROP\n"));
  auto ports = [&](const std::string& chain) {
    std::vector<int> out;
    for (const auto& rule : ChainNamed(r.ruleset.tables[0], chain).rules) out.push_back(rule.cubes.at(0).dports.Min());
    return out;
  };
  BOOST_TEST(ports("INPUT") == (std::vector<int>{1, 3, 8}), boost::test_tools::per_element());
  BOOST_TEST(ports("LATER") == (std::vector<int>{5, 2, 7}), boost::test_tools::per_element());
  BOOST_TEST(ports("OTHER") == (std::vector<int>{6}), boost::test_tools::per_element());
  BOOST_TEST(ChainNamed(r.ruleset.tables[0], "INPUT").rules[0].verdict.target ==
             r.ruleset.tables[0].FindChain("LATER"));
}

BOOST_AUTO_TEST_CASE(a_later_section_of_the_same_table_replaces_the_earlier) {
  ParseResult r = ParseOk(
      "*filter\n"
      "-A INPUT -j DROP\n"
      "COMMIT\n"
      "*filter\n"
      "-A INPUT -j ACCEPT\n"
      "COMMIT\n");
  BOOST_TEST_REQUIRE(r.ruleset.tables.size() == 1u);
  const rules::Chain& input = ChainNamed(r.ruleset.tables[0], "INPUT");
  BOOST_TEST_REQUIRE(input.rules.size() == 1u);
  BOOST_TEST(input.rules[0].location.line == 5);
  BOOST_TEST_REQUIRE(r.ruleset.ignored.size() == 2u);
  BOOST_TEST(r.ruleset.ignored[0].text == "*filter");
  BOOST_TEST(r.ruleset.ignored[1].text == "-A INPUT -j DROP");
  BOOST_TEST(r.ruleset.ignored[1].reason ==
             "replaced by the \"*filter\" section on line 4 (iptables-restore flushes a table at each \"*filter\")");
}

BOOST_AUTO_TEST_CASE(lines_for_the_other_family_are_ignored) {
  ParseResult r = ParseOk(Filter(
      "-4 -A INPUT -s 10.0.0.1 -j ACCEPT\n"
      "-6 -A INPUT -s ::1 -j ACCEPT\n"),
                          Family::kIpv6);
  const rules::Chain& input = ChainNamed(r.ruleset.tables[0], "INPUT");
  BOOST_TEST_REQUIRE(input.rules.size() == 1u);
  BOOST_TEST(input.rules[0].location.line == 3);
  BOOST_TEST_REQUIRE(r.ruleset.ignored.size() == 1u);
  BOOST_TEST(r.ruleset.ignored[0].reason == "an IPv4-only line (-4) in an ip6tables ruleset");
  ParseResult v4 = ParseOk(Filter("-6 -A INPUT -s ::1 -j ACCEPT\n"));
  BOOST_TEST(v4.ruleset.ignored.at(0).reason == "an IPv6-only line (-6) in an iptables ruleset");
}

BOOST_AUTO_TEST_CASE(comments_blank_lines_and_counters_are_not_recorded_as_ignored) {
  ParseResult r = ParseOk(
      "# Generated by iptables-save v1.8.7 (nf_tables) on Mon Jan  1 00:00:00 2024\r\n"
      "*filter\r\n"
      "\r\n"
      ":INPUT ACCEPT [10:20]\r\n"
      "# a comment\r\n"
      "[1:2] -A INPUT -j ACCEPT   \r\n"
      "COMMIT\r\n"
      "# Completed on Mon Jan  1 00:00:00 2024\r\n");
  BOOST_TEST(r.ruleset.ignored.empty());
  BOOST_TEST(ChainNamed(r.ruleset.tables[0], "INPUT").rules.at(0).text == "-A INPUT -j ACCEPT");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_rules)

BOOST_AUTO_TEST_CASE(rule_keeps_location_text_without_counters_and_unescaped_comment) {
  rules::Rule rule = OneRule(R"([3:4] -A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -m comment --comment "allow \"ssh\"" -j ACCEPT)");
  BOOST_TEST((rule.location == rules::SourceLocation{kFile, 2, 1}));
  BOOST_TEST(rule.text == R"(-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -m comment --comment "allow \"ssh\"" -j ACCEPT)");
  BOOST_TEST(rule.comment == R"(allow "ssh")");
  BOOST_TEST_REQUIRE(rule.cubes.size() == 1u);
  const rules::Cube& c = rule.cubes[0];
  BOOST_TEST((c.family == Family::kIpv4));
  BOOST_TEST((c.protocols == Proto(6)));
  BOOST_TEST((c.dports == Port(22)));
  BOOST_TEST((c.sports == PortSet::All()));
  BOOST_TEST((c.saddr == Net("10.0.0.0/8")));
  BOOST_TEST((c.daddr == AddressSet::All(Family::kIpv4)));
  BOOST_TEST(c.iif.empty());
  BOOST_TEST(c.ct_states == rules::kCtAll);
  BOOST_TEST(!c.tcp_flags.has_value());
  BOOST_TEST(!c.later_fragments_only);
  BOOST_TEST(rule.conditions.empty());
  BOOST_TEST((rule.verdict.kind == VerdictKind::kAccept));
  BOOST_TEST(rule.verdict.text == "ACCEPT");
}

BOOST_AUTO_TEST_CASE(a_rule_without_matches_matches_everything) {
  rules::Rule rule = OneRule("-A INPUT -j DROP");
  BOOST_TEST_REQUIRE(rule.cubes.size() == 1u);
  const rules::Cube& c = rule.cubes[0];
  BOOST_TEST(c.protocols.IsAll());
  BOOST_TEST(c.saddr.IsAll());
  BOOST_TEST(c.daddr.IsAll());
  BOOST_TEST((rule.verdict.kind == VerdictKind::kDrop));
}

BOOST_AUTO_TEST_CASE(several_comments_are_joined) {
  BOOST_TEST(OneRule("-A INPUT -m comment --comment a -m comment --comment \"b c\"").comment == "a; b c");
}

BOOST_AUTO_TEST_CASE(protocols_by_name_number_and_any_case) {
  BOOST_TEST((OneCube("-A INPUT -p udp").protocols == Proto(17)));
  BOOST_TEST((OneCube("-A INPUT -p TCP").protocols == Proto(6)));
  BOOST_TEST((OneCube("-A INPUT --protocol 47").protocols == Proto(47)));
  BOOST_TEST((OneCube("-A INPUT -p 0x11").protocols == Proto(17)));
  BOOST_TEST((OneCube("-A INPUT -p esp").protocols == Proto(50)));
  BOOST_TEST((OneCube("-A INPUT -p sctp").protocols == Proto(132)));
  BOOST_TEST((OneCube("-A INPUT -p icmpv6", Family::kIpv6).protocols == Proto(58)));
  BOOST_TEST(OneCube("-A INPUT -p all").protocols.IsAll());
  BOOST_TEST(OneCube("-A INPUT -p 0").protocols.IsAll());
}

BOOST_AUTO_TEST_CASE(protocol_negation_in_both_spellings) {
  ProtocolSet not_tcp = Proto(6).Complement();
  BOOST_TEST((OneCube("-A INPUT ! -p tcp").protocols == not_tcp));
  BOOST_TEST((OneCube("-A INPUT -p ! tcp").protocols == not_tcp));
}

BOOST_AUTO_TEST_CASE(addresses_lists_masks_and_negation) {
  rules::Cube c = OneCube("-A INPUT -s 10.0.0.1,192.168.0.0/255.255.0.0 -d 172.16.0.0/12");
  BOOST_TEST((c.saddr == Net("10.0.0.1/32").Union(Net("192.168.0.0/16"))));
  BOOST_TEST((c.daddr == Net("172.16.0.0/12")));
  BOOST_TEST((OneCube("-A INPUT ! -s 10.0.0.0/8").saddr == Net("10.0.0.0/8").Complement()));
  BOOST_TEST((OneCube("-A INPUT --destination ! 10.1.2.3").daddr == Net("10.1.2.3/32").Complement()));
  BOOST_TEST((OneCube("-A INPUT --src 10.1.2.3/24").saddr == Net("10.1.2.0/24")));
  BOOST_TEST(OneCube("-A INPUT -s 0.0.0.0/0").saddr.IsAll());
  BOOST_TEST((OneCube("-A INPUT -d fe80::/ffc0::", Family::kIpv6).daddr == Net("fe80::/10", Family::kIpv6)));
  BOOST_TEST((OneCube("-A INPUT -s ::1/128,2001:db8::/64", Family::kIpv6).saddr ==
              Net("::1/128", Family::kIpv6).Union(Net("2001:db8::/64", Family::kIpv6))));
}

BOOST_AUTO_TEST_CASE(ipv4_addresses_at_the_edges_of_the_plain_form) {
  BOOST_TEST(OneCube("-A INPUT -s 1.2.3.4/0").saddr.IsAll());
  BOOST_TEST((OneCube("-A INPUT -s 10.1.2.3/8").saddr == Net("10.0.0.0/8")));
  BOOST_TEST((OneCube("-A INPUT -d 0.0.0.0").daddr == Net("0.0.0.0/32")));
  BOOST_TEST((OneCube("-A INPUT -d 255.255.255.255/32").daddr == Net("255.255.255.255/32")));
  BOOST_TEST((OneCube("-A INPUT -s 10.0.0.1/255.255.255.255").saddr == Net("10.0.0.1/32")));
  BOOST_TEST((OneCube("-A INPUT -s 192.168.7.7/255.255.0.0").saddr == Net("192.168.0.0/16")));
  for (const std::string address : {"010.0.0.1", "10.0.0.1/08", "10.0.0.1/", "1.2.3", "1.2.3.4.5", "1.2.3.4/100",
                                    "1..2.3", "1.2.3.1000", "1.2.3.4/3x"}) {
    const std::string line = "-A INPUT -s " + address;
    BOOST_TEST(LineErrors(line) == Diag(2, 13, "bad IPv4 address \"" + address + "\"", line));
  }
}

BOOST_AUTO_TEST_CASE(interfaces_exact_wildcard_and_negated) {
  // -o in INPUT is refused (iptables_refusals_test.cpp); FORWARD takes both.
  rules::Cube c = OneCube("-A INPUT -i eth0");
  BOOST_TEST_REQUIRE(c.iif.size() == 1u);
  BOOST_TEST((c.iif[0] == rules::InterfaceMatch{{{"eth0", false}}, false}));
  BOOST_TEST((OneCube("-A INPUT ! -i lo").iif.at(0) == rules::InterfaceMatch{{{"lo", false}}, true}));
  BOOST_TEST((OneCube("-A INPUT --in-interface ! lo").iif.at(0) == rules::InterfaceMatch{{{"lo", false}}, true}));
  BOOST_TEST((OneCube("-A INPUT -i +").iif.at(0) == rules::InterfaceMatch{{{"", true}}, false}));
}

BOOST_AUTO_TEST_CASE(ports_single_named_ranges_and_open_ranges) {
  BOOST_TEST((OneCube("-A INPUT -p tcp --dport 22").dports == Port(22)));
  BOOST_TEST((OneCube("-A INPUT -p tcp -m tcp --destination-port https").dports == Port(443)));
  BOOST_TEST((OneCube("-A INPUT -p udp -m udp --sport domain").sports == Port(53)));
  BOOST_TEST((OneCube("-A INPUT -p udp --source-port 1024:").sports == Ports(1024, 65535)));
  BOOST_TEST((OneCube("-A INPUT -p tcp --dport :1023").dports == Ports(0, 1023)));
  BOOST_TEST((OneCube("-A INPUT -p tcp --dport 6000:6063").dports == Ports(6000, 6063)));
  BOOST_TEST((OneCube("-A INPUT -p tcp --dport 8080:8080").dports == Port(8080)));
  BOOST_TEST((OneCube("-A INPUT -p tcp --dport 0x16").dports == Port(22)));
  BOOST_TEST((OneCube("-A INPUT -p sctp --dport 3868").dports == Port(3868)));
  BOOST_TEST((OneCube("-A INPUT -p dccp -m dccp --sport 5004").sports == Port(5004)));
}

BOOST_AUTO_TEST_CASE(port_negation_in_both_spellings) {
  BOOST_TEST((OneCube("-A INPUT -p tcp ! --dport 22").dports == Port(22).Complement()));
  BOOST_TEST((OneCube("-A INPUT -p tcp --dport ! 22").dports == Port(22).Complement()));
  BOOST_TEST((OneCube("-A INPUT -p tcp -m tcp ! --sport 1:1023").sports == Ports(1, 1023).Complement()));
}

BOOST_AUTO_TEST_CASE(set_counters_are_read_and_ignored) {
  BOOST_TEST((OneCube("-A INPUT -c 10 20 -p tcp").protocols == Proto(6)));
  BOOST_TEST((OneCube("-A INPUT --set-counters 10,20 -p udp").protocols == Proto(17)));
  ParseResult r = ParseOk(Filter("-P INPUT DROP -c 1 2\n"));
  BOOST_TEST((ChainNamed(r.ruleset.tables[0], "INPUT").policy == VerdictKind::kDrop));
}

BOOST_AUTO_TEST_CASE(options_with_attached_values) {
  rules::Cube c = OneCube("-A INPUT -ptcp --dport=22 -s10.0.0.1");
  BOOST_TEST((c.protocols == Proto(6)));
  BOOST_TEST((c.dports == Port(22)));
  BOOST_TEST((c.saddr == Net("10.0.0.1/32")));
}

BOOST_AUTO_TEST_CASE(tcp_flags_and_syn) {
  const std::uint8_t kSynMask = rules::kTcpSyn | rules::kTcpRst | rules::kTcpAck | rules::kTcpFin;
  BOOST_TEST((OneCube("-A INPUT -p tcp --tcp-flags SYN,RST,ACK,FIN SYN").tcp_flags ==
              rules::TcpFlagsMatch{kSynMask, rules::kTcpSyn, false}));
  BOOST_TEST((OneCube("-A INPUT -p tcp -m tcp --syn").tcp_flags ==
              rules::TcpFlagsMatch{kSynMask, rules::kTcpSyn, false}));
  BOOST_TEST((OneCube("-A INPUT -p tcp ! --syn").tcp_flags == rules::TcpFlagsMatch{kSynMask, rules::kTcpSyn, true}));
  BOOST_TEST((OneCube("-A INPUT -p tcp --tcp-flags ALL NONE").tcp_flags == rules::TcpFlagsMatch{0x3f, 0, false}));
  BOOST_TEST((OneCube("-A INPUT -p tcp --tcp-flags ! fin,ack ack").tcp_flags ==
              rules::TcpFlagsMatch{rules::kTcpFin | rules::kTcpAck, rules::kTcpAck, true}));
}

BOOST_AUTO_TEST_CASE(two_tcp_flag_tests_combine_or_never_match) {
  BOOST_TEST((OneCube("-A INPUT -p tcp -m tcp --tcp-flags SYN SYN -m tcp --tcp-flags ACK NONE").tcp_flags ==
              rules::TcpFlagsMatch{rules::kTcpSyn | rules::kTcpAck, rules::kTcpSyn, false}));
  BOOST_TEST(OneRule("-A INPUT -p tcp -m tcp --tcp-flags SYN SYN -m tcp --tcp-flags SYN NONE").cubes.empty());
}

BOOST_AUTO_TEST_CASE(tcp_option_is_a_condition) {
  rules::Rule rule = OneRule("-A INPUT -p tcp -m tcp --dport 22 --tcp-option 8 -j ACCEPT");
  BOOST_TEST((rule.cubes.at(0).dports == Port(22)));
  BOOST_TEST(Only(rule) == "-m tcp --tcp-option 8");
  BOOST_TEST(rule.conditions[0].reason == "TCP options are not modelled");
  BOOST_TEST((rule.conditions[0].location == rules::SourceLocation{kFile, 2, 17}));
  BOOST_TEST(Only(OneRule("-A INPUT -p tcp ! --tcp-option 8")) == "! --tcp-option 8");
}

BOOST_AUTO_TEST_CASE(multiport_lists_and_ranges) {
  BOOST_TEST((OneCube("-A INPUT -p tcp -m multiport --dports 22,80,8000:8080").dports ==
              PortSet::FromIntervals({{22, 22}, {80, 80}, {8000, 8080}})));
  BOOST_TEST((OneCube("-A INPUT -p udp -m multiport --source-ports 53,ntp").sports ==
              PortSet::FromIntervals({{53, 53}, {123, 123}})));
  BOOST_TEST((OneCube("-A INPUT -p tcp -m multiport ! --dports 22,80").dports ==
              PortSet::FromIntervals({{22, 22}, {80, 80}}).Complement()));
  BOOST_TEST((OneCube("-A INPUT -p udplite -m multiport --destination-ports 5,7").dports ==
              PortSet::FromIntervals({{5, 5}, {7, 7}})));
}

BOOST_AUTO_TEST_CASE(multiport_ports_is_two_cubes_and_its_negation_one) {
  rules::Rule rule = OneRule("-A INPUT -p udp -m multiport --ports 53,5353 -j ACCEPT");
  PortSet list = PortSet::FromIntervals({{53, 53}, {5353, 5353}});
  BOOST_TEST_REQUIRE(rule.cubes.size() == 2u);
  BOOST_TEST((rule.cubes[0].sports == list));
  BOOST_TEST(rule.cubes[0].dports.IsAll());
  BOOST_TEST(rule.cubes[1].sports.IsAll());
  BOOST_TEST((rule.cubes[1].dports == list));
  rules::Cube neither = OneCube("-A INPUT -p udp -m multiport ! --ports 53,5353");
  BOOST_TEST((neither.sports == list.Complement()));
  BOOST_TEST((neither.dports == list.Complement()));
}

BOOST_AUTO_TEST_CASE(conntrack_states_and_their_negation) {
  BOOST_TEST(OneCube("-A INPUT -m state --state NEW,ESTABLISHED").ct_states == (rules::kCtNew | rules::kCtEstablished));
  BOOST_TEST(OneCube("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED").ct_states ==
             (rules::kCtRelated | rules::kCtEstablished));
  BOOST_TEST(OneCube("-A INPUT -m conntrack ! --ctstate INVALID").ct_states == (rules::kCtAll & ~rules::kCtInvalid));
  BOOST_TEST(OneCube("-A INPUT -m state --state ! new").ct_states == (rules::kCtAll & ~rules::kCtNew));
  BOOST_TEST(OneCube("-A INPUT -m conntrack --ctstate UNTRACKED").ct_states == rules::kCtUntracked);
  BOOST_TEST(OneCube("-A INPUT -m state --state NEW -m conntrack --ctstate NEW,INVALID").ct_states == rules::kCtNew);
}

BOOST_AUTO_TEST_CASE(negated_nat_states_and_other_conntrack_options_are_conditions) {
  BOOST_TEST(Only(OneRule("-A INPUT -m conntrack ! --ctstate snat")) == "-m conntrack ! --ctstate snat");
  rules::Rule status = OneRule("-A INPUT -m conntrack --ctstate NEW --ctstatus ASSURED --ctorigdst 10.0.0.1 -j ACCEPT");
  BOOST_TEST(status.cubes.at(0).ct_states == rules::kCtNew);
  BOOST_TEST(Only(status) == "-m conntrack --ctstatus ASSURED --ctorigdst 10.0.0.1");
  BOOST_TEST(status.conditions[0].reason ==
             "conntrack details other than the state (NAT, status, original addresses, expiry) are not modelled");
  BOOST_TEST(Only(OneRule("-A INPUT -m conntrack --ctproto tcp ! --ctorigsrc 10.0.0.0/8")) ==
             "-m conntrack --ctproto tcp ! --ctorigsrc 10.0.0.0/8");
}

BOOST_AUTO_TEST_CASE(iprange_source_and_destination_ranges) {
  BOOST_TEST((OneCube("-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9").saddr == Range("10.0.0.1", "10.0.0.9")));
  BOOST_TEST((OneCube("-A INPUT -m iprange ! --dst-range 10.0.0.1-10.0.0.9").daddr ==
              Range("10.0.0.1", "10.0.0.9").Complement()));
  BOOST_TEST((OneCube("-A INPUT -s 10.0.0.0/29 -m iprange --src-range 10.0.0.4-10.0.0.20").saddr ==
              Range("10.0.0.4", "10.0.0.7")));
}

BOOST_AUTO_TEST_CASE(fragments) {
  BOOST_TEST(OneCube("-A INPUT -f").later_fragments_only);
  BOOST_TEST(!OneCube("-A INPUT ! -f").later_fragments_only);
}

BOOST_AUTO_TEST_CASE(unknown_modules_are_conditions_quoted_as_written) {
  rules::Rule recent = OneRule("-A INPUT -p tcp --dport 22 -m recent --rcheck --seconds 60 --name SSH -j DROP");
  BOOST_TEST(Only(recent) == "-m recent --rcheck --seconds 60 --name SSH");
  BOOST_TEST(recent.conditions[0].reason == "recently-seen address lists are runtime state and are not modelled");
  BOOST_TEST((recent.conditions[0].location == rules::SourceLocation{kFile, 2, 28}));
  BOOST_TEST((recent.cubes.at(0).dports == Port(22)));

  rules::Rule limit = OneRule("-A INPUT -p tcp -m limit --limit 3/min --dport 22 --limit-burst 5 -j ACCEPT");
  BOOST_TEST(Only(limit) == "-m limit --limit 3/min --limit-burst 5");
  BOOST_TEST(limit.conditions[0].reason == "rate limits are not modelled");
  BOOST_TEST((limit.cubes.at(0).dports == Port(22)));

  rules::Rule mark = OneRule("-A INPUT -m mark ! --mark 0x1/0xff -j ACCEPT");
  BOOST_TEST(Only(mark) == "-m mark ! --mark 0x1/0xff");
  BOOST_TEST(mark.conditions[0].reason == "packet marks are set elsewhere");

  BOOST_TEST(Only(OneRule(R"(-A INPUT -m string --algo bm --string "GET /x" -j DROP)")) ==
             R"(-m string --algo bm --string "GET /x")");
  BOOST_TEST(Only(OneRule("-A INPUT -m limit -j ACCEPT")) == "-m limit");
  // A module iptables does not have: iptables_refusals_test.cpp.
  // (owner is OUTPUT's and POSTROUTING's: iptables_refusals_test.cpp)
  rules::Rule two = OneRule("-A INPUT -m time --timestart 09:00 -m connlimit --connlimit-above 3 -j REJECT");
  BOOST_TEST_REQUIRE(two.conditions.size() == 2u);
  BOOST_TEST(two.conditions[0].description == "-m time --timestart 09:00");
  BOOST_TEST(two.conditions[1].description == "-m connlimit --connlimit-above 3");
}

BOOST_AUTO_TEST_CASE(icmp_types_are_conditions) {
  rules::Rule icmp = OneRule("-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT");
  BOOST_TEST((icmp.cubes.at(0).protocols == Proto(1)));
  BOOST_TEST(Only(icmp) == "-m icmp --icmp-type 8");
  BOOST_TEST(icmp.conditions[0].reason == "ICMP types are not modelled");
  BOOST_TEST(Only(OneRule("-A INPUT -p icmp --icmp-type echo-request")) == "--icmp-type echo-request");
  BOOST_TEST(Only(OneRule("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 134", Family::kIpv6)) ==
             "-m icmp6 --icmpv6-type 134");
}

BOOST_AUTO_TEST_CASE(targets_and_their_text) {
  rules::Rule reject = OneRule("-A INPUT -p tcp -j REJECT --reject-with tcp-reset");
  BOOST_TEST((reject.verdict.kind == VerdictKind::kReject));
  BOOST_TEST(reject.verdict.text == "REJECT --reject-with tcp-reset");
  rules::Rule log = OneRule(R"(-A INPUT -j LOG --log-prefix "in: " --log-level 4)");
  BOOST_TEST((log.verdict.kind == VerdictKind::kContinue));
  BOOST_TEST(log.verdict.text == R"(LOG --log-prefix "in: " --log-level 4)");
  BOOST_TEST((OneRule("-A INPUT -j NFLOG --nflog-group 1").verdict.kind == VerdictKind::kContinue));
  BOOST_TEST((OneRule("-A INPUT -j MARK --set-mark 1").verdict.kind == VerdictKind::kContinue));
  BOOST_TEST((OneRule("-A INPUT -j TRACE").verdict.kind == VerdictKind::kContinue));
  rules::Rule none = OneRule("-A INPUT -p tcp");
  BOOST_TEST((none.verdict.kind == VerdictKind::kContinue));
  BOOST_TEST(none.verdict.text == "");
  rules::Rule queue = OneRule("-A INPUT -j NFQUEUE --queue-num 1");
  BOOST_TEST((queue.verdict.kind == VerdictKind::kUnknown));
  BOOST_TEST(queue.verdict.reason == "a userspace program decides the verdict of queued packets");
  rules::Rule odd = OneRule("-A INPUT -j FULLCONE --fancy 1");
  BOOST_TEST((odd.verdict.kind == VerdictKind::kUnknown));
  BOOST_TEST(odd.verdict.text == "FULLCONE --fancy 1");
  BOOST_TEST(odd.verdict.reason == "the target \"FULLCONE\" is not known to ghostport");
  rules::Rule after = OneRule("-A INPUT -j ACCEPT -p tcp --dport 22");
  BOOST_TEST((after.cubes.at(0).dports == Port(22)));
  BOOST_TEST(after.verdict.text == "ACCEPT");
}

BOOST_AUTO_TEST_CASE(a_rule_with_errors_stays_in_its_chain_as_an_unknown) {
  ParseResult r = ParseIptablesSave(Filter("-A INPUT -p tcp --dport 99999 -j ACCEPT\n"), kFile, Family::kIpv4);
  BOOST_TEST(r.HasErrors());
  const rules::Chain& input = ChainNamed(r.ruleset.tables.at(0), "INPUT");
  BOOST_TEST_REQUIRE(input.rules.size() == 1u);
  BOOST_TEST((input.rules[0].verdict.kind == VerdictKind::kUnknown));
  BOOST_TEST(input.rules[0].conditions.at(0).reason == "the rule has errors");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_errors)

BOOST_AUTO_TEST_CASE(undefined_chains_are_reported_where_they_are_named) {
  const std::string append = "-A NOPE -j ACCEPT";
  BOOST_TEST(LineErrors(append) ==
             Diag(2, 4,
                  "undefined chain \"NOPE\" (not built into the filter table and not declared with \":NOPE\" or "
                  "\"-N NOPE\")",
                  append));
  const std::string jump = "-A INPUT -j NOPE";
  BOOST_TEST(LineErrors(jump) ==
             Diag(2, 13,
                  "undefined chain \"NOPE\" (not built into the filter table and not declared with \":NOPE\" or "
                  "\"-N NOPE\")",
                  jump));
  const std::string go = "-A INPUT -g NOPE";
  BOOST_TEST(LineErrors(go) ==
             Diag(2, 13,
                  "undefined chain \"NOPE\" (not built into the filter table and not declared with \":NOPE\" or "
                  "\"-N NOPE\")",
                  go));
  const std::string insert = "-I PREROUTING -j ACCEPT";
  BOOST_TEST(LineErrors(insert) ==
             Diag(2, 4,
                  "undefined chain \"PREROUTING\" (not built into the filter table and not declared with "
                  "\":PREROUTING\" or \"-N PREROUTING\")",
                  insert));
}

BOOST_AUTO_TEST_CASE(jumps_to_builtin_chains_and_gotos_to_targets_are_reported) {
  const std::string builtin = "-A INPUT -j FORWARD";
  BOOST_TEST(LineErrors(builtin) == Diag(2, 13, "cannot jump to the built-in chain \"FORWARD\"", builtin));
  const std::string target = "-A INPUT -g ACCEPT";
  BOOST_TEST(LineErrors(target) == Diag(2, 13, "\"-g\" needs a user-defined chain; \"ACCEPT\" is a target", target));
}

BOOST_AUTO_TEST_CASE(bad_ports_are_reported_at_their_token) {
  const std::string big = "-A INPUT -p tcp --dport 99999 -j ACCEPT";
  BOOST_TEST(LineErrors(big) == Diag(2, 25, "bad port \"99999\"", big));
  const std::string reversed = "-A INPUT -p tcp --dport 80:22 -j ACCEPT";
  BOOST_TEST(LineErrors(reversed) == Diag(2, 25, "bad port range \"80:22\": the first port is above the last", reversed));
  const std::string name = "-A INPUT -p tcp --dport nosuch -j ACCEPT";
  BOOST_TEST(LineErrors(name) ==
             Diag(2, 25,
                  "unknown service name \"nosuch\" (only a built-in table of common names is known; write the port "
                  "number)",
                  name));
  const std::string multi = "-A INPUT -p tcp -m multiport --dports 22,80:80";
  BOOST_TEST(LineErrors(multi) ==
             Diag(2, 39, "bad port range \"80:80\": multiport needs the first port below the last", multi));
  const std::string many = "-A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15,16";
  BOOST_TEST(LineErrors(many) ==
             Diag(2, 39,
                  "too many ports in \"1,2,3,4,5,6,7,8,9,10,11,12,13,14:15,16\" (multiport takes 15, a range counting "
                  "as two)",
                  many));
}

BOOST_AUTO_TEST_CASE(ports_need_a_protocol_with_ports) {
  const std::string none = "-A INPUT --dport 22 -j ACCEPT";
  BOOST_TEST(LineErrors(none) ==
             Diag(2, 10,
                  "\"--dport\" needs a protocol with ports before it (\"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p "
                  "dccp\")",
                  none));
  const std::string icmp = "-A INPUT -p icmp --sport 22";
  BOOST_TEST(LineErrors(icmp) ==
             Diag(2, 18,
                  "\"--sport\" needs a protocol with ports before it (\"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p "
                  "dccp\")",
                  icmp));
  const std::string wrong = "-A INPUT -p udp -m tcp --dport 22";
  BOOST_TEST(LineErrors(wrong) == Diag(2, 20, "the tcp match needs \"-p tcp\"", wrong));
  const std::string missing = "-A INPUT -m tcp --dport 22";
  BOOST_TEST(LineErrors(missing) == Diag(2, 13, "the tcp match needs \"-p tcp\"", missing));
  const std::string negated = "-A INPUT ! -p tcp --dport 22";
  BOOST_TEST(LineErrors(negated) == Diag(2, 19, "the tcp match needs \"-p tcp\" without \"!\"", negated));
  const std::string multiport = "-A INPUT -p icmp -m multiport --dports 22";
  BOOST_TEST(LineErrors(multiport) ==
             Diag(2, 21,
                  "the multiport match needs \"-p tcp\", \"-p udp\", \"-p udplite\", \"-p sctp\" or \"-p dccp\"",
                  multiport));
}

BOOST_AUTO_TEST_CASE(host_names_become_unknown_conditions_never_errors) {
  rules::Rule rule = OneRule("-A INPUT -s 10.0.0.1,example.com -p tcp --dport 22 -j ACCEPT");
  BOOST_TEST_REQUIRE(rule.conditions.size() == 1u);
  BOOST_TEST(rule.conditions[0].description == "-s 10.0.0.1,example.com");
  BOOST_TEST(rule.conditions[0].reason.find("host name") != std::string::npos);
  BOOST_TEST(rule.conditions[0].location.column == 10);
  BOOST_REQUIRE_EQUAL(rule.cubes.size(), 1u);
  BOOST_TEST(rule.cubes[0].saddr.IsAll());  // the condition carries the constraint
  rules::Rule negated = OneRule("-A INPUT ! -d mail.example.org -j DROP");
  BOOST_TEST_REQUIRE(negated.conditions.size() == 1u);
  BOOST_TEST(negated.conditions[0].description == "! -d mail.example.org");
}

BOOST_AUTO_TEST_CASE(bad_addresses_are_reported) {
  const std::string bad = "-A INPUT -s 10.0.0.300 -j ACCEPT";
  BOOST_TEST(LineErrors(bad) == Diag(2, 13, "bad IPv4 address \"10.0.0.300\"", bad));
  const std::string prefix = "-A INPUT -d 10.0.0.0/33";
  BOOST_TEST(LineErrors(prefix) == Diag(2, 13, "bad IPv4 address \"10.0.0.0/33\"", prefix));
  const std::string v6 = "-A INPUT -s 10.0.0.1";
  BOOST_TEST(LineErrors(v6, Family::kIpv6) == Diag(2, 13, "bad IPv6 address \"10.0.0.1\"", v6));
  // Non-contiguous masks: iptables_refusals_test.cpp.
  const std::string list = "-A INPUT ! -s 10.0.0.1,10.0.0.2";
  BOOST_TEST(LineErrors(list) == Diag(2, 15, "\"!\" cannot be used with several addresses", list));
  const std::string range = "-A INPUT -m iprange --src-range 10.0.0.9-nine";
  BOOST_TEST(LineErrors(range) == Diag(2, 33, "bad address range \"10.0.0.9-nine\"", range));
  const std::string backwards = "-A INPUT -m iprange --src-range 10.0.0.9-10.0.0.1";
  BOOST_TEST(LineErrors(backwards) ==
             Diag(2, 33, "address range \"10.0.0.9-10.0.0.1\" runs backwards and matches nothing", backwards,
                  "warning"));
}

BOOST_AUTO_TEST_CASE(bad_protocols_interfaces_flags_and_states_are_reported) {
  const std::string proto = "-A INPUT -p foo -j ACCEPT";
  BOOST_TEST(LineErrors(proto) == Diag(2, 13, "unknown protocol \"foo\"", proto));
  const std::string all = "-A INPUT ! -p all";
  BOOST_TEST(LineErrors(all) == Diag(2, 10, "\"! -p all\" never matches", all));
  const std::string iface = "-A INPUT -i abcdefghijklmnop";
  BOOST_TEST(LineErrors(iface) ==
             Diag(2, 13, "interface name \"abcdefghijklmnop\" is longer than 15 characters", iface));
  const std::string flag = "-A INPUT -p tcp --tcp-flags SYN,FOO SYN";
  BOOST_TEST(LineErrors(flag) == Diag(2, 29, "unknown TCP flag \"FOO\"", flag));
  const std::string state = "-A INPUT -m state --state NEW,DNAT";
  BOOST_TEST(LineErrors(state) == Diag(2, 27, "unknown conntrack state \"DNAT\"", state));
  const std::string frag = "-A INPUT -f";
  BOOST_TEST(LineErrors(frag, Family::kIpv6) ==
             Diag(2, 10, "\"-f\" is not an ip6tables option (ip6tables matches fragments with -m frag)", frag));
  const std::string comment = "-A INPUT -m comment --comment " + std::string(256, 'x');
  BOOST_TEST(LineErrors(comment) == Diag(2, 31, "comment is longer than 255 characters", comment));
}

BOOST_AUTO_TEST_CASE(negation_errors) {
  const std::string jump = "-A INPUT ! -j ACCEPT";
  BOOST_TEST(LineErrors(jump) == Diag(2, 10, "\"!\" cannot negate \"-j\"", jump));
  const std::string twice = "-A INPUT ! ! -p tcp";
  BOOST_TEST(LineErrors(twice) == Diag(2, 12, "multiple \"!\" flags are not allowed", twice));
  const std::string both = "-A INPUT ! -p ! tcp";
  BOOST_TEST(LineErrors(both) == Diag(2, 15, "multiple \"!\" flags are not allowed", both));
  const std::string end = "-A INPUT -p tcp !";
  BOOST_TEST(LineErrors(end) == Diag(2, 17, "\"!\" at the end of the line negates nothing", end));
  const std::string comment = "-A INPUT -m comment ! --comment x";
  BOOST_TEST(LineErrors(comment) == Diag(2, 21, "\"!\" cannot negate \"--comment\"", comment));
  const std::string match = "-A INPUT ! -m tcp";
  BOOST_TEST(LineErrors(match) == Diag(2, 10, "\"!\" cannot negate \"-m\"", match));
}

BOOST_AUTO_TEST_CASE(missing_values_duplicates_and_unknown_options) {
  const std::string end = "-A INPUT -p";
  BOOST_TEST(LineErrors(end) == Diag(2, 10, "\"-p\" needs a value", end));
  const std::string option = "-A INPUT -s -j ACCEPT";
  BOOST_TEST(LineErrors(option) == Diag(2, 10, "\"-s\" needs a value", option));
  const std::string port = "-A INPUT -p tcp --dport";
  BOOST_TEST(LineErrors(port) == Diag(2, 17, "\"--dport\" needs a value", port));
  const std::string flags = "-A INPUT -p tcp --tcp-flags SYN";
  BOOST_TEST(LineErrors(flags) == Diag(2, 17, "\"--tcp-flags\" needs a value", flags));
  const std::string chain = "-A";
  BOOST_TEST(LineErrors(chain) == Diag(2, 1, "\"-A\" needs a value", chain));
  const std::string proto = "-A INPUT -p tcp -p udp -j ACCEPT";
  BOOST_TEST(LineErrors(proto) == Diag(2, 17, "multiple \"-p\" options are not allowed", proto));
  const std::string source = "-A INPUT -s 10.0.0.1 --source 10.0.0.2";
  BOOST_TEST(LineErrors(source) == Diag(2, 22, "multiple \"-s\" options are not allowed", source));
  const std::string dport = "-A INPUT -p tcp --dport 22 --dport 80";
  BOOST_TEST(LineErrors(dport) == Diag(2, 28, "\"--dport\" is given twice in one tcp match", dport));
  const std::string multi = "-A INPUT -p tcp -m multiport --dports 22 --sports 80";
  BOOST_TEST(LineErrors(multi) ==
             Diag(2, 42, "a multiport match takes only one of --sports, --dports and --ports", multi));
  const std::string targets = "-A INPUT -p tcp -j ACCEPT -j DROP";
  BOOST_TEST(LineErrors(targets) == Diag(2, 27, "multiple targets (\"-j\" or \"-g\") are not allowed", targets));
  const std::string unknown = "-A INPUT --bogus 1 -j ACCEPT";
  BOOST_TEST(LineErrors(unknown) == Diag(2, 10, "unknown option \"--bogus\"", unknown));
  const std::string in_match = "-A INPUT -p tcp -m tcp --bogus 1";
  BOOST_TEST(LineErrors(in_match) == Diag(2, 24, "unknown option \"--bogus\" for the tcp match", in_match));
  const std::string after_target = "-A INPUT -j ACCEPT --bogus";
  BOOST_TEST(LineErrors(after_target) == Diag(2, 20, "unknown option \"--bogus\"", after_target));
  const std::string short_option = "-A INPUT -y";
  BOOST_TEST(LineErrors(short_option) == Diag(2, 10, "unknown option \"-y\"", short_option));
  const std::string argument = "-A INPUT foo";
  BOOST_TEST(LineErrors(argument) == Diag(2, 10, "unexpected argument \"foo\"", argument));
}

BOOST_AUTO_TEST_CASE(command_errors) {
  const std::string none = "-p tcp -j ACCEPT";
  BOOST_TEST(LineErrors(none) ==
             Diag(2, 1, "no command: a rule line starts with -A CHAIN (or -I, -N, -P, -F, -X, -Z)", none));
  const std::string two = "-A INPUT -I INPUT";
  BOOST_TEST(LineErrors(two) == Diag(2, 10, "\"-I\" cannot be combined with \"-A\" on one line", two));
  const std::string table = "-A INPUT -t nat -j ACCEPT";
  BOOST_TEST(LineErrors(table) ==
             Diag(2, 10,
                  "\"-t\" cannot be used in iptables-restore input: the table comes from the \"*table\" line", table));
  const std::string del = "-D INPUT 1";
  BOOST_TEST(LineErrors(del) ==
             Diag(2, 1,
                  "the \"-D\" command is not supported in a saved ruleset (ghostport reads -A, -I, -N, -P, -F, -X and "
                  "-Z)",
                  del));
  const std::string options = "-N FOO -p tcp";
  BOOST_TEST(LineErrors(options) == Diag(2, 8, "\"-p\" cannot be used with \"-N\"", options));
  const std::string number = "-I INPUT x -j ACCEPT";
  BOOST_TEST(LineErrors(number) == Diag(2, 10, "bad rule number \"x\"", number));
  const std::string past = "-I INPUT 3 -j ACCEPT";
  BOOST_TEST(LineErrors(past) == Diag(2, 10, "cannot insert at rule 3: chain \"INPUT\" has 0 rules", past));
}

BOOST_AUTO_TEST_CASE(chain_declaration_errors) {
  BOOST_TEST(Errors(Filter(":A - [0:0]\n:A - [0:0]\n")) == Diag(3, 2, "chain \"A\" is already declared", ":A - [0:0]"));
  BOOST_TEST(Errors(Filter(":A - [0:0]\n-N A\n")) == Diag(3, 4, "chain \"A\" is already declared", "-N A"));
  BOOST_TEST(Errors(Filter("-N INPUT\n")) == Diag(2, 4, "chain \"INPUT\" already exists (it is built in)", "-N INPUT"));
  BOOST_TEST(Errors(Filter("-N LOG\n")) == Diag(2, 4, "chain name \"LOG\" is the name of a target", "-N LOG"));
  const std::string longname = "-N " + std::string(29, 'C');
  BOOST_TEST(Errors(Filter(longname + "\n")) ==
             Diag(2, 4, "chain name \"" + std::string(29, 'C') + "\" is longer than 28 characters", longname));
  BOOST_TEST(Errors(Filter(":MINE ACCEPT [0:0]\n")) ==
             Diag(2, 7, "\"MINE\" is not a built-in chain of the filter table, so it has no policy (write \"-\")",
                  ":MINE ACCEPT [0:0]"));
  BOOST_TEST(Errors(Filter(":INPUT REJECT [0:0]\n")) ==
             Diag(2, 8, "bad policy \"REJECT\" for the built-in chain \"INPUT\" (ACCEPT or DROP)",
                  ":INPUT REJECT [0:0]"));
  BOOST_TEST(Errors(Filter(":INPUT - [0:0]\n")) ==
             Diag(2, 8,
                  "policy \"-\" leaves the built-in chain \"INPUT\"'s running policy unchanged; assuming ACCEPT, the "
                  "kernel's default",
                  ":INPUT - [0:0]", "warning"));
}

BOOST_AUTO_TEST_CASE(policy_command_errors) {
  BOOST_TEST(Errors(Filter("-P INPUT REJECT\n")) == Diag(2, 10, "bad policy \"REJECT\" (ACCEPT or DROP)", "-P INPUT REJECT"));
  BOOST_TEST(Errors(Filter(":MINE - [0:0]\n-P MINE DROP\n")) ==
             Diag(3, 4, "\"-P\" needs a built-in chain; \"MINE\" is user-defined", "-P MINE DROP"));
  BOOST_TEST(Errors(Filter("-P NOPE DROP\n")) ==
             Diag(2, 4,
                  "undefined chain \"NOPE\" (not built into the filter table and not declared with \":NOPE\" or "
                  "\"-N NOPE\")",
                  "-P NOPE DROP"));
  BOOST_TEST(Errors(Filter("-P INPUT\n")) == Diag(2, 1, "\"-P\" needs a value", "-P INPUT"));
}

BOOST_AUTO_TEST_CASE(chain_deletion_errors) {
  BOOST_TEST(Errors(Filter(":A - [0:0]\n-A A -j ACCEPT\n-X A\n")) ==
             Diag(4, 4, "cannot delete chain \"A\": it has 1 rule", "-X A"));
  BOOST_TEST(Errors(Filter(":A - [0:0]\n-A INPUT -j A\n-X A\n")) ==
             Diag(4, 4, "cannot delete chain \"A\": the rule on line 3 jumps to it", "-X A"));
  BOOST_TEST(Errors(Filter("-X INPUT\n")) == Diag(2, 4, "cannot delete the built-in chain \"INPUT\"", "-X INPUT"));
  BOOST_TEST(Errors(Filter(":A - [0:0]\n-X A\n-A A -j ACCEPT\n")) ==
             Diag(4, 4, "chain \"A\" was deleted by -X on line 3", "-A A -j ACCEPT"));
  BOOST_TEST(Errors(Filter(":A - [0:0]\n-X A\n-A INPUT -j A\n")) ==
             Diag(4, 13, "chain \"A\" was deleted by -X on line 3", "-A INPUT -j A"));
}

BOOST_AUTO_TEST_CASE(unknown_table_is_reported_at_its_name) {
  BOOST_TEST(Errors("*foo\n-A INPUT -j ACCEPT\nCOMMIT\n") ==
             Diag(1, 2, "unknown table \"foo\" (iptables has filter, nat, mangle, raw and security)", "*foo"));
}

BOOST_AUTO_TEST_CASE(errors_are_collected_in_file_order) {
  std::string text = Filter(
      "-A INPUT -p tcp --dport 99999 -s 10.0.0.999 -j ACCEPT\n"
      "-A NOPE -j ACCEPT\n");
  text += "-A INPUT -j ACCEPT\n";
  BOOST_TEST(Errors(text) ==
             Diag(2, 25, "bad port \"99999\"", "-A INPUT -p tcp --dport 99999 -s 10.0.0.999 -j ACCEPT") +
                 Diag(2, 34, "bad IPv4 address \"10.0.0.999\"", "-A INPUT -p tcp --dport 99999 -s 10.0.0.999 -j ACCEPT") +
                 Diag(3, 4,
                      "undefined chain \"NOPE\" (not built into the filter table and not declared with \":NOPE\" or "
                      "\"-N NOPE\")",
                      "-A NOPE -j ACCEPT") +
                 Diag(5, 1,
                      "rule outside a table section (a section starts with a \"*table\" line such as \"*filter\")",
                      "-A INPUT -j ACCEPT"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_family_guess)

BOOST_AUTO_TEST_CASE(header_comments_name_the_family) {
  BOOST_TEST((GuessIptablesFamily("# Generated by ip6tables-save v1.8.7 on x\n*filter\nCOMMIT\n") == Family::kIpv6));
  BOOST_TEST((GuessIptablesFamily("# Generated by iptables-save v1.8.7 (legacy) on x\n*filter\nCOMMIT\n") ==
              Family::kIpv4));
  BOOST_TEST((GuessIptablesFamily("# Generated by ip6tables-nft-save v1.8.7 on x\n*filter\n-A INPUT -s 10.0.0.1\n") ==
              Family::kIpv6));
}

BOOST_AUTO_TEST_CASE(addresses_and_icmp_flavour_name_the_family) {
  BOOST_TEST((GuessIptablesFamily("*filter\n-A INPUT -s 2001:db8::1/128 -j ACCEPT\nCOMMIT\n") == Family::kIpv6));
  BOOST_TEST((GuessIptablesFamily("# Generated by xtables-save v1.6.2\n*filter\n-A INPUT -p ipv6-icmp -j ACCEPT\n") ==
              Family::kIpv6));
  BOOST_TEST((GuessIptablesFamily("*filter\n-A INPUT -j REJECT --reject-with icmp6-adm-prohibited\n") ==
              Family::kIpv6));
  BOOST_TEST((GuessIptablesFamily("*filter\n-A INPUT -d 10.0.0.0/8 -j ACCEPT\nCOMMIT\n") == Family::kIpv4));
  BOOST_TEST((GuessIptablesFamily("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n") == Family::kIpv4));
  BOOST_TEST((GuessIptablesFamily("") == Family::kIpv4));
  BOOST_TEST(!GuessIptablesFamily("*filter\n-A INPUT -s 10.0.0.1\n-A INPUT -s ::1\nCOMMIT\n").has_value());
}

BOOST_AUTO_TEST_CASE(the_guess_reads_a_read_file_as_it_reads_the_text) {
  for (const char* text : {"# Generated by ip6tables-save v1.8.7 on x\n*filter\nCOMMIT\n",
                           "*filter\n-A INPUT -s 10.0.0.1\n-A INPUT -s ::1\nCOMMIT\n",
                           "*filter\n-A INPUT -m icmp6 -j ACCEPT\nCOMMIT\n", ""}) {
    std::vector<Diagnostic> diagnostics;
    BOOST_TEST((GuessIptablesFamily(ReadIptables(text, kFile, diagnostics)) == GuessIptablesFamily(text)));
  }
}

BOOST_AUTO_TEST_CASE(parsing_without_a_family_uses_the_guess) {
  const std::string v6 = "*filter\n-A INPUT -s 2001:db8::/32 -j ACCEPT\nCOMMIT\n";
  ParseResult r = ParseIptablesSave(v6, kFile);
  BOOST_TEST(Rendered(r) == "");
  BOOST_TEST_REQUIRE(r.ruleset.tables.size() == 1u);
  BOOST_TEST((r.ruleset.tables[0].family == rules::TableFamily::kIp6));
  // A text that says both is read as IPv4, where its IPv6 address is an error.
  const std::string both = "*filter\n-A INPUT -s 10.0.0.1\n-A INPUT -s ::1\nCOMMIT\n";
  BOOST_TEST(Rendered(ParseIptablesSave(both, kFile)) == Rendered(ParseIptablesSave(both, kFile, Family::kIpv4)));
  BOOST_TEST(Rendered(ParseIptablesSave(both, kFile)) != "");
}

BOOST_AUTO_TEST_CASE(ordinary_comments_and_family_marked_lines_are_not_evidence) {
  BOOST_TEST((GuessIptablesFamily("# counters: see ip6tables -nvL\n*filter\n-6 -A INPUT -s ::1 -j ACCEPT\n"
                                  "-4 -A INPUT -s 10.0.0.1 -j ACCEPT\nCOMMIT\n") == Family::kIpv4));
  BOOST_TEST((GuessIptablesFamily("*filter\n-6 -A INPUT -s ::1 -j ACCEPT\n-A INPUT -s fe80::/10\nCOMMIT\n") ==
              Family::kIpv6));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_conformance)

// Every line with content is a table, a COMMIT, a chain's declaration, a
// rule, or an ignored line: nothing is dropped silently.
void CheckEveryLineIsAccountedFor(const std::string& text, const rules::Ruleset& rs) {
  std::set<int> covered;
  for (const auto& t : rs.tables) {
    covered.insert(t.location.line);
    for (const auto& c : t.chains) {
      covered.insert(c.location.line);
      for (const auto& r : c.rules) covered.insert(r.location.line);
    }
  }
  for (const auto& i : rs.ignored) covered.insert(i.location.line);
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#' || line.compare(first, 6, "COMMIT") == 0) continue;
    BOOST_TEST_CONTEXT("line " << n << ": " << line) { BOOST_TEST(covered.count(n) == 1u); }
  }
}

BOOST_AUTO_TEST_CASE(every_line_is_accounted_for) {
  const std::string text =
      "# Generated by iptables-save v1.8.7 on x\n"
      "*filter\n"
      ":INPUT DROP [0:0]\n"
      "-F\n"
      "-X\n"
      "-N MINE\n"
      ":OTHER - [0:0]\n"
      "[1:2] -A INPUT -j MINE\n"
      "-A MINE -m limit --limit 1/s -j ACCEPT\n"
      "-I OTHER -j RETURN\n"
      "-6 -A INPUT -s ::1 -j ACCEPT\n"
      "-Z INPUT\n"
      "COMMIT\n"
      "*nat\n"
      "-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2\n"
      "COMMIT\n";
  ParseResult r = ParseOk(text);
  CheckEveryLineIsAccountedFor(text, r.ruleset);
}

// Every dump in iptables' own shell tests parses with no diagnostic.
BOOST_AUTO_TEST_CASE(iptables_test_suite_dumps_parse_without_errors) {
  namespace fs = std::filesystem;
  const fs::path testcases =
      fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "conformance" / "iptables" / "iptables" / "tests" / "shell" /
      "testcases";
  std::error_code ec;
  if (!fs::is_directory(testcases, ec)) {
    std::cout << "SKIPPED: " << testcases.string() << " is missing; the iptables conformance dumps were not read\n";
    return;
  }
  std::vector<fs::path> dumps;
  for (const auto& testcase : fs::directory_iterator(testcases)) {
    const fs::path dir = testcase.path() / "dumps";
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& f : fs::directory_iterator(dir)) {
      if (f.is_regular_file() && f.path().extension() != ".xml") dumps.push_back(f.path());
    }
  }
  std::sort(dumps.begin(), dumps.end());
  BOOST_TEST(!dumps.empty());
  for (const fs::path& p : dumps) {
    BOOST_TEST_CONTEXT(p.string()) {
      std::ifstream in(p, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::optional<Family> family = GuessIptablesFamily(text);
      BOOST_TEST_REQUIRE(family.has_value());
      ParseResult r = ParseIptablesSave(text, p.filename().string(), *family);
      BOOST_TEST(Rendered(r) == "");
      BOOST_TEST(!r.ruleset.tables.empty());
      BOOST_TEST(r.ruleset.ignored.empty());
      CheckEveryLineIsAccountedFor(text, r.ruleset);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
