// What iptables-restore refuses when it loads a ruleset, and what it reads
// although ghostport cannot model it: interfaces a hook does not have,
// chains not yet declared, targets in the wrong table, match modules
// iptables does not have, netmasks that are not contiguous, extension
// options (tests/kernel/rulesets/refusals holds the same cases loaded into
// a network namespace).
#include <boost/test/unit_test.hpp>

#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers

std::string NatErrors(const std::string& line) { return Errors("*nat\n" + line + "\nCOMMIT\n"); }

BOOST_AUTO_TEST_SUITE(iptables_refusals)

BOOST_AUTO_TEST_CASE(output_interface_in_incoming_hooks_is_refused) {
  const std::string input = "-A INPUT -o eth0 -j ACCEPT";
  BOOST_TEST(LineErrors(input) == Diag(2, 10,
                                       "\"-o\" cannot be used in INPUT: an incoming packet has no output interface "
                                       "yet (iptables refuses it: \"Can't use -o with INPUT\")",
                                       input));
  const std::string prerouting = "-A PREROUTING -i eth1 -o eth0 -j ACCEPT";
  BOOST_TEST(NatErrors(prerouting) == Diag(2, 23,
                                           "\"-o\" cannot be used in PREROUTING: an incoming packet has no output "
                                           "interface yet (iptables refuses it: \"Can't use -o with PREROUTING\")",
                                           prerouting));
}

BOOST_AUTO_TEST_CASE(input_interface_in_outgoing_hooks_is_refused) {
  const std::string output = "-A OUTPUT -i eth0 -j ACCEPT";
  BOOST_TEST(LineErrors(output) == Diag(2, 11,
                                        "\"-i\" cannot be used in OUTPUT: an outgoing packet has no input interface "
                                        "(iptables refuses it: \"Can't use -i with OUTPUT\")",
                                        output));
  const std::string postrouting = "-A POSTROUTING ! -i eth0 -j MASQUERADE";
  BOOST_TEST(NatErrors(postrouting) == Diag(2, 18,
                                            "\"-i\" cannot be used in POSTROUTING: an outgoing packet has no input "
                                            "interface (iptables refuses it: \"Can't use -i with POSTROUTING\")",
                                            postrouting));
}

BOOST_AUTO_TEST_CASE(user_chains_and_forward_take_both_interfaces) {
  const ParseResult r = ParseOk(Filter(":U - [0:0]\n-A INPUT -j U\n-A U -o eth0 -j ACCEPT\n-A U -i eth0 -j ACCEPT\n"
                                       "-A FORWARD -i eth0 -o ppp+ -j ACCEPT\n"));
  const rules::Cube& c = ChainNamed(TableNamed(r.ruleset, "filter"), "FORWARD").rules.at(0).cubes.at(0);
  BOOST_TEST((c.iif.at(0) == rules::InterfaceMatch{{{"eth0", false}}, false}));
  BOOST_TEST((c.oif.at(0) == rules::InterfaceMatch{{{"ppp", true}}, false}));
}

BOOST_AUTO_TEST_CASE(jump_to_undeclared_chain_is_refused) {
  const std::string jump = "-A INPUT -p tcp --dport 22 -j SSH";
  BOOST_TEST(LineErrors(jump) == Diag(2, 31,
                                      "undefined chain \"SSH\" (not built into the filter table and not declared "
                                      "with \":SSH\" or \"-N SSH\")",
                                      jump));
}

BOOST_AUTO_TEST_CASE(dnat_in_the_filter_table_is_refused) {
  const std::string dnat = "-A INPUT -p tcp -j DNAT --to-destination 10.0.0.1";
  BOOST_TEST(LineErrors(dnat) ==
             Diag(2, 20, "the DNAT target is only valid in the nat table (iptables-restore refuses it in the filter "
                         "table)",
                  dnat));
}

BOOST_AUTO_TEST_CASE(unknown_match_module_is_an_explicit_unknown_with_a_warning) {
  const std::string line = "-A INPUT -m frobnicate --level 3 -j ACCEPT";
  const ParseResult r = ParseIptablesSave(Filter(line + "\n"), kFile, Family::kIpv4);
  BOOST_TEST(Rendered(r) == Diag(2, 13,
                                 "unknown match module \"frobnicate\": iptables has no such extension and would "
                                 "refuse to load it; read as an explicit unknown (it may come from a host with more "
                                 "extensions)",
                                 line, "warning"));
  const rules::Rule& rule = ChainNamed(TableNamed(r.ruleset, "filter"), "INPUT").rules.at(0);
  BOOST_TEST(rule.conditions.at(0).description == "-m frobnicate --level 3");
  BOOST_TEST(rule.conditions.at(0).reason == "the frobnicate match is not modelled");
  // ip6tables' extensions are unknown to iptables (and the other way round).
  const std::string eui64 = "-A INPUT -m eui64 -j ACCEPT";
  BOOST_TEST(Rendered(ParseIptablesSave(Filter(eui64 + "\n"), kFile, Family::kIpv4)) ==
             Diag(2, 13,
                  "unknown match module \"eui64\": iptables has no such extension and would refuse to load it; read "
                  "as an explicit unknown (it may come from a host with more extensions)",
                  eui64, "warning"));
  BOOST_TEST(Rendered(ParseIptablesSave(Filter(eui64 + "\n"), kFile, Family::kIpv6)) == "");
  // A module iptables has, but ghostport does not model, is a condition without a warning.
  BOOST_TEST(Rendered(ParseIptablesSave(Filter("-A INPUT -m connbytes --connbytes 10: --connbytes-dir both "
                                               "--connbytes-mode bytes -j ACCEPT\n"),
                                        kFile, Family::kIpv4)) == "");
}

BOOST_AUTO_TEST_CASE(non_contiguous_netmasks_select_what_the_kernel_selects) {
  // (addr & 255.0.255.0) == 10.0.0.0: 10.x.0.y for every x and y.
  const rules::Cube c = OneCube("-A INPUT -s 10.0.0.0/255.0.255.0");
  BOOST_TEST(c.saddr.Contains(*rules::ParseAddress(Family::kIpv4, "10.7.0.9")));
  BOOST_TEST(c.saddr.Contains(*rules::ParseAddress(Family::kIpv4, "10.255.0.0")));
  BOOST_TEST(!c.saddr.Contains(*rules::ParseAddress(Family::kIpv4, "10.7.1.9")));
  BOOST_TEST(!c.saddr.Contains(*rules::ParseAddress(Family::kIpv4, "11.7.0.9")));
  // Too scattered to expand: an explicit unknown, with a warning.
  const std::string wide = "-A INPUT -s 10.0.0.0/255.0.0.255 -j ACCEPT";
  const ParseResult r = ParseIptablesSave(Filter(wide + "\n"), kFile, Family::kIpv4);
  BOOST_TEST(Rendered(r) == Diag(2, 13,
                                 "non-contiguous mask in \"10.0.0.0/255.0.0.255\" selects more than 4096 address "
                                 "blocks; read as an explicit unknown",
                                 wide, "warning"));
  BOOST_TEST(ChainNamed(TableNamed(r.ruleset, "filter"), "INPUT").rules.at(0).conditions.size() == 1u);
}

BOOST_AUTO_TEST_CASE(extension_options_are_checked_as_iptables_checks_them) {
  const std::string range = "-A INPUT -m connlimit --connlimit-above 4294967296 -j REJECT";
  BOOST_TEST(LineErrors(range) == Diag(2, 41,
                                       "connlimit match: bad value \"4294967296\" for option \"--connlimit-above\", "
                                       "out of range (0-4294967295)",
                                       range));
  const std::string missing = "-A INPUT -m connlimit -j REJECT";
  BOOST_TEST(LineErrors(missing) ==
             Diag(2, 13, "You must specify \"--connlimit-above\" or \"--connlimit-upto\"", missing));
  const std::string typo = "-A INPUT -m connlimit --conlimit-above 3 -j REJECT";
  BOOST_TEST(LineErrors(typo) ==
             Diag(2, 13, "You must specify \"--connlimit-above\" or \"--connlimit-upto\"", typo) +
                 Diag(2, 23, "unknown option \"--conlimit-above\" for the connlimit match", typo));
  const std::string both = "-A PREROUTING -j TTL --ttl-dec 1 --ttl-inc 1";
  BOOST_TEST(Errors("*mangle\n" + both + "\nCOMMIT\n") ==
             Diag(2, 34, "TTL target: option \"--ttl-inc\" cannot be used together with \"--ttl-dec\"", both));
  const std::string mark = "-A INPUT -j MARK";
  BOOST_TEST(LineErrors(mark) ==
             Diag(2, 13, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required", mark));
  const std::string level = R"(-A INPUT -j LOG --log-prefix "x: " --log-level bad)";
  BOOST_TEST(LineErrors(level) == Diag(2, 48,
                                       "LOG target: bad value \"bad\" for option \"--log-level\", not one of "
                                       "emerg,alert,crit,error,err,warning,warn,notice,info,debug,panic nor a number "
                                       "(0-7)",
                                       level));
  // What iptables accepts still reads.
  ParseOk(Filter("-A INPUT -p tcp -m connlimit --connlimit-above 10 --connlimit-mask 24 -j REJECT\n"
                 "-A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH --rsource -j DROP\n"
                 "-A INPUT -m hashlimit --hashlimit-upto 5/min --hashlimit-burst 10 --hashlimit-mode srcip "
                 "--hashlimit-name ssh -j ACCEPT\n"
                 "-A INPUT -j LOG --log-prefix \"[UFW BLOCK] \" --log-level 4\n"
                 "-A INPUT -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n"));
}

// Each refused line below was checked with iptables-restore 1.8.9 --test,
// and each read line loads there.
BOOST_AUTO_TEST_CASE(final_checks_across_options_are_made_as_iptables_makes_them) {
  const std::string nth = "-A INPUT -m statistic --mode nth --every 5 --packet 5 -j DROP";
  BOOST_TEST(LineErrors(nth) == Diag(2, 53, "the --packet p must be 0 <= p <= n-1", nth));
  const std::string zero = "-A INPUT -m statistic --mode nth --every 0 --packet 0 -j DROP";
  BOOST_TEST(LineErrors(zero).find("out of range (1-4294967295)") != std::string::npos);
  const std::string reversed = "-A INPUT -p mh -m mh --mh-type binding-update:brr -j DROP";
  BOOST_TEST(LineErrors(reversed, Family::kIpv6) == Diag(2, 32, "Invalid MH type range (min > max)", reversed));
  const std::string unknown_type = "-A INPUT -p mh -m mh --mh-type 3:300 -j DROP";
  BOOST_TEST(LineErrors(unknown_type, Family::kIpv6) == Diag(2, 32, "Invalid MH type `300'", unknown_type));
  const std::string empty = "-A INPUT -m policy --dir in --pol ipsec --strict --reqid 1 --next -j ACCEPT";
  BOOST_TEST(LineErrors(empty) ==
             Diag(2, 13,
                  "policy match: empty policy element 1. --strict is in effect, but at least one of reqid, spi, "
                  "tunnel-src, tunnel-dst, proto or mode is required",
                  empty));
  const std::string tunnel = "-A INPUT -m policy --dir in --pol ipsec --proto esp ! --mode tunnel --tunnel-dst 10.0.0.0/8 -j ACCEPT";
  BOOST_TEST(LineErrors(tunnel) ==
             Diag(2, 69, "policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode", tunnel));
  const std::string none = "-A INPUT -m policy --dir in --pol none --strict --reqid 1 -j ACCEPT";
  BOOST_TEST(LineErrors(none) == Diag(2, 13, "policy match: policy none but --strict given", none));
  const std::string next = "-A INPUT -m policy --dir in --pol ipsec --reqid 1 --next --reqid 2 -j ACCEPT";
  BOOST_TEST(LineErrors(next) == Diag(2, 51, "policy match: option \"--next\" needs \"--strict\"", next));
  const std::string no_dir = "-A INPUT -m policy --pol ipsec -j ACCEPT";
  BOOST_TEST(LineErrors(no_dir) == Diag(2, 13, "policy match: neither --dir in nor --dir out specified", no_dir));
  ParseOk(Filter("-A INPUT -m statistic --mode nth --every 5 --packet 4 -j DROP\n"
                 "-A INPUT -m policy --dir in --pol none --reqid 1 -j ACCEPT\n"
                 "-A INPUT -m policy --dir in --pol ipsec --proto 50 --mode tunnel --tunnel-src 10.0.0.0/8 -j ACCEPT\n"
                 "-A INPUT -m policy --dir in --pol ipsec --strict --reqid 1 --mode tunnel --tunnel-dst 10.0.0.0/8 "
                 "--next --proto esp -j ACCEPT\n"));
  ParseOk(Filter("-A INPUT -p mh -m mh --mh-type brr:bu -j DROP\n-A INPUT -p mh -m mh ! --mh-type :3 -j DROP\n"),
          Family::kIpv6);
}

BOOST_AUTO_TEST_CASE(kernel_checkentry_protocols_and_hooks_are_refused) {
  const std::string reset = "-A INPUT -p udp -j REJECT --reject-with tcp-reset";
  BOOST_TEST(LineErrors(reset) ==
             Diag(2, 20,
                  "the REJECT target with --reject-with tcp-reset needs \"-p tcp\": the kernel refuses it when the "
                  "rule is loaded",
                  reset));
  const std::string mss = "-A FORWARD -m tcpmss --mss 1:500 -j DROP";
  BOOST_TEST(LineErrors(mss) ==
             Diag(2, 15, "the tcpmss match needs \"-p tcp\": the kernel refuses it when the rule is loaded", mss));
  const std::string owner = "-A INPUT -m owner --uid-owner 0 -j ACCEPT";
  BOOST_TEST(LineErrors(owner) == Diag(2, 13,
                                       "the owner match is only valid in OUTPUT and POSTROUTING (or a user chain "
                                       "reached only from there); iptables-restore refuses it in INPUT",
                                       owner));
  ParseOk(Filter("-A OUTPUT -m owner --uid-owner 0 -j ACCEPT\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n"
                 "-A FORWARD -p tcp -m tcpmss --mss 1:500 -j DROP\n"));
}

BOOST_AUTO_TEST_CASE(counters_conntrack_ports_and_ct_zones_are_checked) {
  const std::string half = "-A INPUT -c 3, -j ACCEPT";
  BOOST_TEST(LineErrors(half) == Diag(2, 13, "\"-c\" byte counter \"3,\" is not a number", half));
  ParseOk(Filter("-A INPUT -c 2,3 -j ACCEPT\n[5:600] -A INPUT -p tcp --dport 22 -j ACCEPT\n"));
  const std::string reversed = "-A INPUT -m conntrack --ctorigdstport 4:3 -j ACCEPT";
  BOOST_TEST(LineErrors(reversed) == Diag(2, 39,
                                          "conntrack match: bad value \"4:3\" for option \"--ctorigdstport\", not a "
                                          "port or an ascending port range",
                                          reversed));
  ParseOk(Filter("-A INPUT -m conntrack --ctstate DNAT --ctorigdstport http:8080 --ctproto tcp -j ACCEPT\n"));
  const std::string zone = "-A PREROUTING -j CT --zone 65536";
  BOOST_TEST(Errors("*raw\n" + zone + "\nCOMMIT\n") ==
             Diag(2, 28, "CT target: bad value \"65536\" for option \"--zone\", not one of mark nor a number (0-65535)",
                  zone));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
