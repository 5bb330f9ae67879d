// Matches of model v2: addrtype, conntrack's virtual states (SNAT, DNAT) and
// -m set without an ipset dump (sets whose contents are unknown).
#include <boost/test/unit_test.hpp>

#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers
using rules::AddrTypeMatch;
using rules::SetField;
using rules::SetMatch;

BOOST_AUTO_TEST_SUITE(iptables_addrtype)

BOOST_AUTO_TEST_CASE(address_types_lower_into_the_cube) {
  rules::Cube local = OneCube("-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT");
  BOOST_TEST((local.dst_type == AddrTypeMatch{rules::kAddrLocal, false}));
  BOOST_TEST(!local.src_type.has_value());
  rules::Cube both = OneCube("-A INPUT -m addrtype --src-type unicast,LOCAL --dst-type=MULTICAST");
  BOOST_TEST((both.src_type == AddrTypeMatch{rules::kAddrUnicast | rules::kAddrLocal, false}));
  BOOST_TEST((both.dst_type == AddrTypeMatch{rules::kAddrMulticast, false}));
  BOOST_TEST(OneRule("-A INPUT -m addrtype --dst-type BROADCAST -j DROP").conditions.empty());
  rules::Cube all = OneCube(
      "-A INPUT -m addrtype --dst-type UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,"
      "PROHIBIT,THROW,NAT,XRESOLVE");
  BOOST_TEST(all.dst_type->types == 0x0fff);
}

BOOST_AUTO_TEST_CASE(negated_address_types) {
  BOOST_TEST((OneCube("-A INPUT -m addrtype ! --src-type LOCAL").src_type == AddrTypeMatch{rules::kAddrLocal, true}));
  BOOST_TEST((OneCube("-A INPUT -m addrtype ! --dst-type LOCAL,BROADCAST").dst_type ==
              AddrTypeMatch{rules::kAddrLocal | rules::kAddrBroadcast, true}));
}

BOOST_AUTO_TEST_CASE(several_tests_of_one_address_all_hold) {
  BOOST_TEST((OneCube("-A INPUT -m addrtype --src-type LOCAL,UNICAST -m addrtype --src-type UNICAST").src_type ==
              AddrTypeMatch{rules::kAddrUnicast, false}));
  BOOST_TEST((OneCube("-A INPUT -m addrtype ! --dst-type LOCAL -m addrtype ! --dst-type BROADCAST").dst_type ==
              AddrTypeMatch{rules::kAddrLocal | rules::kAddrBroadcast, true}));
  BOOST_TEST((OneCube("-A INPUT -m addrtype --dst-type LOCAL,UNICAST -m addrtype ! --dst-type LOCAL").dst_type ==
              AddrTypeMatch{rules::kAddrUnicast, false}));
  BOOST_TEST(OneRule("-A INPUT -m addrtype --dst-type LOCAL -m addrtype --dst-type UNICAST").cubes.empty());
}

BOOST_AUTO_TEST_CASE(ipv6_address_types) {
  BOOST_TEST((OneCube("-A INPUT -m addrtype --dst-type LOCAL,ANYCAST,UNREACHABLE", Family::kIpv6).dst_type ==
              AddrTypeMatch{rules::kAddrLocal | rules::kAddrAnycast | rules::kAddrUnreachable, false}));
}

BOOST_AUTO_TEST_CASE(types_limited_to_the_packets_interface_stay_a_condition) {
  rules::Rule in = OneRule("-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT");
  BOOST_TEST(Only(in) == "-m addrtype --dst-type LOCAL --limit-iface-in");
  BOOST_TEST(in.conditions[0].reason ==
             "address types limited to the packet's interface (--limit-iface-in, --limit-iface-out) are not modelled");
  BOOST_TEST(!in.cubes.at(0).dst_type.has_value());
  ParseResult r = ParseOk(Filter("-A OUTPUT -m addrtype --limit-iface-out --src-type LOCAL\n"
                                 "-A FORWARD -m addrtype --src-type LOCAL --limit-iface-out\n"));
  const rules::Rule& out = ChainNamed(r.ruleset.tables.at(0), "OUTPUT").rules.at(0);
  BOOST_TEST(Only(out) == "-m addrtype --limit-iface-out --src-type LOCAL");
}

BOOST_AUTO_TEST_CASE(addrtype_errors_mirror_iptables_restore) {
  const std::string none = "-A INPUT -m addrtype";
  BOOST_TEST(LineErrors(none) == Diag(2, 13, "the addrtype match needs --src-type or --dst-type", none));
  const std::string limit_only = "-A INPUT -m addrtype --limit-iface-in";
  BOOST_TEST(LineErrors(limit_only) == Diag(2, 13, "the addrtype match needs --src-type or --dst-type", limit_only));
  const std::string wrong = "-A INPUT -m addrtype --src-type wrong";
  BOOST_TEST(LineErrors(wrong) == Diag(2, 33, "unknown address type \"wrong\"", wrong));
  const std::string empty = "-A INPUT -m addrtype --dst-type LOCAL,";
  BOOST_TEST(LineErrors(empty) == Diag(2, 33, "unknown address type \"\"", empty));
  const std::string inside = "-A INPUT -m addrtype --src-type ! LOCAL";
  BOOST_TEST(LineErrors(inside) ==
             Diag(2, 33, "\"!\" goes before \"--src-type\" (iptables reads it here as a type)", inside));
  const std::string twice = "-A INPUT -m addrtype --src-type LOCAL --src-type UNICAST";
  BOOST_TEST(LineErrors(twice) == Diag(2, 39, "\"--src-type\" is given twice in one addrtype match", twice));
  const std::string both = "-A FORWARD -m addrtype --src-type LOCAL --limit-iface-in --limit-iface-out";
  BOOST_TEST(LineErrors(both) ==
             Diag(2, 58, "--limit-iface-in and --limit-iface-out cannot be used together", both));
  const std::string broadcast = "-A INPUT -m addrtype --dst-type BROADCAST";
  BOOST_TEST(LineErrors(broadcast, Family::kIpv6) ==
             Diag(2, 33, "the address type BROADCAST cannot be tested in ip6tables (the kernel refuses it)", broadcast));
}

BOOST_AUTO_TEST_CASE(limit_iface_outside_its_hooks_is_refused) {
  const std::string out = "-A INPUT -m addrtype --src-type LOCAL --limit-iface-out";
  BOOST_TEST(LineErrors(out) ==
             Diag(2, 39,
                  "the addrtype option \"--limit-iface-out\" is only valid in FORWARD, OUTPUT and POSTROUTING (or a "
                  "user chain reached only from there); iptables-restore refuses it in INPUT",
                  out));
  const std::string in = "-A OUTPUT -m addrtype --src-type LOCAL --limit-iface-in";
  BOOST_TEST(Errors("*raw\n" + in + "\nCOMMIT\n") ==
             Diag(2, 40,
                  "the addrtype option \"--limit-iface-in\" is only valid in PREROUTING, INPUT and FORWARD (or a "
                  "user chain reached only from there); iptables-restore refuses it in OUTPUT",
                  in));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_conntrack_nat_states)

BOOST_AUTO_TEST_CASE(a_virtual_state_is_an_alternative_to_the_states) {
  rules::Rule rule = OneRule("-A INPUT -m conntrack --ctstate NEW,DNAT -j ACCEPT");
  BOOST_TEST(rule.conditions.empty());
  BOOST_TEST(rule.cubes.at(0).ct_states == rules::kCtNew);
  BOOST_TEST(rule.cubes.at(0).ct_nat == rules::kCtNatDnat);
  rules::Cube only_nat = OneCube("-A INPUT -m conntrack --ctstate dnat,SNAT");
  BOOST_TEST(only_nat.ct_states == 0);
  BOOST_TEST(only_nat.ct_nat == (rules::kCtNatDnat | rules::kCtNatSnat));
  BOOST_TEST(OneCube("-A INPUT -m conntrack --ctstate NEW").ct_nat == 0);
}

BOOST_AUTO_TEST_CASE(negated_virtual_states_and_several_state_tests_stay_conditions) {
  rules::Rule negated = OneRule("-A INPUT -m conntrack ! --ctstate DNAT -j ACCEPT");
  BOOST_TEST(Only(negated) == "-m conntrack ! --ctstate DNAT");
  BOOST_TEST(negated.cubes.at(0).ct_states == rules::kCtAll);
  BOOST_TEST(negated.cubes.at(0).ct_nat == 0);
  rules::Rule two = OneRule("-A INPUT -m state --state NEW -m conntrack --ctstate NEW,DNAT -j ACCEPT");
  BOOST_TEST(Only(two) == "-m conntrack --ctstate NEW,DNAT");
  BOOST_TEST(two.cubes.at(0).ct_states == rules::kCtNew);
  BOOST_TEST(two.cubes.at(0).ct_nat == 0);
}

BOOST_AUTO_TEST_CASE(status_and_original_tuple_tests_stay_conditions) {
  rules::Rule rule = OneRule("-A INPUT -m conntrack --ctstate DNAT --ctorigdstport 80 --ctstatus ASSURED");
  BOOST_TEST(Only(rule) == "-m conntrack --ctorigdstport 80 --ctstatus ASSURED");
  BOOST_TEST(rule.cubes.at(0).ct_nat == rules::kCtNatDnat);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(iptables_sets_without_a_dump)

BOOST_AUTO_TEST_CASE(a_set_match_names_a_set_whose_contents_are_unknown) {
  ParseResult r = ParseOk(Filter("-A INPUT -p tcp -m set --match-set blocklist src -j DROP\n"));
  BOOST_TEST_REQUIRE(r.ruleset.sets.size() == 1u);
  const rules::NamedSet& set = r.ruleset.sets[0];
  BOOST_TEST(set.name == "blocklist");
  BOOST_TEST(set.table == "");
  BOOST_TEST(!set.contents_known);
  BOOST_TEST(set.key.empty());
  BOOST_TEST(set.elements.empty());
  BOOST_TEST(!set.dynamic);
  BOOST_TEST((set.location == rules::SourceLocation{kFile, 2, 36}));
  const rules::Rule& rule = ChainNamed(r.ruleset.tables.at(0), "INPUT").rules.at(0);
  BOOST_TEST(rule.conditions.empty());
  BOOST_TEST_REQUIRE(rule.cubes.at(0).sets.size() == 1u);
  BOOST_TEST((rule.cubes[0].sets[0] == SetMatch{0, {SetField::kSaddr}, false}));
}

BOOST_AUTO_TEST_CASE(directions_give_the_fields_and_negation_is_kept) {
  rules::Cube c = OneCube("-A INPUT -m set ! --match-set allow-net-port dst,dst");
  BOOST_TEST((c.sets.at(0) == SetMatch{0, {SetField::kDaddr, SetField::kDaddr}, true}));
  // As iptables reads directions, only the first three letters count.
  BOOST_TEST((OneCube("-A INPUT -m set --match-set s srcfoo,dstbar").sets.at(0).fields ==
              std::vector<SetField>{SetField::kSaddr, SetField::kDaddr}));
}

BOOST_AUTO_TEST_CASE(every_set_is_created_once_and_matches_of_a_rule_all_hold) {
  ParseResult r = ParseOk(Filter("-A INPUT -m set --match-set a src -m set --match-set b dst -j DROP\n"
                                 "-A FORWARD -m set --match-set b src\n"));
  BOOST_TEST_REQUIRE(r.ruleset.sets.size() == 2u);
  BOOST_TEST(r.ruleset.sets[0].name == "a");
  BOOST_TEST(r.ruleset.sets[1].name == "b");
  const rules::Cube& input = ChainNamed(r.ruleset.tables.at(0), "INPUT").rules.at(0).cubes.at(0);
  BOOST_TEST(input.sets.size() == 2u);
  BOOST_TEST(input.sets[1].set == 1);
  BOOST_TEST(ChainNamed(r.ruleset.tables.at(0), "FORWARD").rules.at(0).cubes.at(0).sets.at(0).set == 1);
}

BOOST_AUTO_TEST_CASE(options_that_do_not_change_matching_are_read) {
  rules::Rule r = OneRule(
      "-A INPUT -m set --match-set a src ! --update-counters ! --update-subcounters -j DROP");
  BOOST_TEST(r.conditions.empty());
  BOOST_TEST(r.cubes.at(0).sets.size() == 1u);
}

BOOST_AUTO_TEST_CASE(counter_tests_and_return_nomatch_are_conditions) {
  rules::Rule counters = OneRule("-A INPUT -m set --match-set a src --packets-gt 10 ! --bytes-eq 0");
  BOOST_TEST(Only(counters) == "-m set --packets-gt 10 ! --bytes-eq 0");
  BOOST_TEST(counters.conditions[0].reason == "set element counters are runtime state and are not modelled");
  BOOST_TEST(counters.cubes.at(0).sets.size() == 1u);
  rules::Rule nomatch = OneRule("-A INPUT -m set --match-set a src --return-nomatch -j ACCEPT");
  BOOST_TEST(Only(nomatch) == "-m set --match-set a src --return-nomatch");
  BOOST_TEST(nomatch.conditions[0].reason == "--return-nomatch (matching a set's nomatch elements) is not modelled");
  BOOST_TEST(nomatch.cubes.at(0).sets.empty());
}

BOOST_AUTO_TEST_CASE(the_deprecated_set_option_is_read_as_match_set_with_a_warning) {
  const std::string line = "-A INPUT -m set --set a src";
  ParseResult r = ParseIptablesSave(Filter(line + "\n"), kFile, Family::kIpv4);
  BOOST_TEST(Rendered(r) ==
             Diag(2, 17, "\"--set\" is deprecated; iptables reads it as \"--match-set\"", line, "warning"));
  BOOST_TEST(ChainNamed(r.ruleset.tables.at(0), "INPUT").rules.at(0).cubes.at(0).sets.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_set_target_makes_the_sets_it_changes_dynamic) {
  ParseResult r = ParseOk(Filter("-A INPUT -m set --match-set seen src -j DROP\n"
                                 "-A INPUT -p tcp --dport 22 -j SET --add-set seen src --exist --timeout 60\n"
                                 "-A INPUT -j SET --del-set later src\n"
                                 "-A INPUT -m set --match-set later src -j DROP\n"
                                 "-A INPUT -m set --match-set other src -j DROP\n"));
  BOOST_TEST_REQUIRE(r.ruleset.sets.size() == 3u);
  BOOST_TEST(r.ruleset.sets[0].dynamic);
  BOOST_TEST(r.ruleset.sets[1].dynamic);
  BOOST_TEST(!r.ruleset.sets[2].dynamic);
  BOOST_TEST((ChainNamed(r.ruleset.tables.at(0), "INPUT").rules.at(1).verdict.kind == VerdictKind::kContinue));
}

BOOST_AUTO_TEST_CASE(set_match_errors_mirror_iptables_restore) {
  const std::string none = "-A INPUT -m set";
  BOOST_TEST(LineErrors(none) == Diag(2, 13, "the set match needs --match-set NAME src|dst[,...]", none));
  const std::string one = "-A INPUT -m set --match-set foo";
  BOOST_TEST(LineErrors(one) == Diag(2, 17, "\"--match-set\" needs a value", one));
  const std::string bad = "-A INPUT -m set --match-set a src,";
  BOOST_TEST(LineErrors(bad) ==
             Diag(2, 31, "bad direction \"\" in \"src,\": each is \"src\" or \"dst\"", bad));
  const std::string upper = "-A INPUT -m set --match-set a SRC";
  BOOST_TEST(LineErrors(upper) ==
             Diag(2, 31, "bad direction \"SRC\" in \"SRC\": each is \"src\" or \"dst\"", upper));
  const std::string seven = "-A INPUT -m set --match-set a src,dst,dst,src,src,src,src";
  BOOST_TEST(LineErrors(seven) ==
             Diag(2, 31, "more than 6 directions in \"src,dst,dst,src,src,src,src\"", seven));
  const std::string inside = "-A INPUT -m set --match-set ! a src";
  BOOST_TEST(LineErrors(inside) ==
             Diag(2, 29, "\"!\" goes before \"--match-set\" (iptables reads it here as the set's name)", inside));
  const std::string twice = "-A INPUT -m set --match-set a src --match-set b src";
  BOOST_TEST(LineErrors(twice) == Diag(2, 35, "\"--match-set\" is given twice in one set match", twice));
  const std::string long_name = "-A INPUT -m set --match-set abcdefghijabcdefghijabcdefghij12 src";
  BOOST_TEST(LineErrors(long_name) ==
             Diag(2, 29, "set name \"abcdefghijabcdefghijabcdefghij12\" is longer than 31 characters", long_name));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
