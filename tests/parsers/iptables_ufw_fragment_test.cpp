// ufw's user.rules / user6.rules fragments are wired as ufw's before.rules
// wires them, and say so; a whole ufw host's iptables-save is not touched.
#include <boost/test/unit_test.hpp>

#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers

const std::string kFragment =
    "*filter\n"
    ":ufw-user-input - [0:0]\n"
    ":ufw-user-output - [0:0]\n"
    ":ufw-user-forward - [0:0]\n"
    "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
    "-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n"
    "COMMIT\n";

BOOST_AUTO_TEST_SUITE(iptables_ufw_fragment)

BOOST_AUTO_TEST_CASE(user_rules_fragment_is_wired_as_before_rules_does_with_a_warning) {
  const ParseResult r = ParseIptablesSave(kFragment, kFile);
  BOOST_TEST(Rendered(r) ==
             Diag(2, 1,
                  "a ufw user.rules fragment: nothing here jumps to ufw-user-input, so it is wired as ufw's stock "
                  "before.rules does (loopback, established, ICMP, DHCP, mDNS and UPnP, then ufw-user-input), with "
                  "ufw's default policies (incoming DROP, routed DROP, outgoing ACCEPT); give the host's "
                  "iptables-save output for what is actually loaded",
                  ":ufw-user-input - [0:0]", "warning"));
  const rules::Table& t = TableNamed(r.ruleset, "filter");
  const rules::Chain& input = ChainNamed(t, "INPUT");
  BOOST_TEST((input.policy == VerdictKind::kDrop));
  BOOST_TEST((ChainNamed(t, "FORWARD").policy == VerdictKind::kDrop));
  BOOST_TEST((ChainNamed(t, "OUTPUT").policy == VerdictKind::kAccept));
  BOOST_TEST_REQUIRE(!input.rules.empty());
  BOOST_TEST(input.rules.front().text == "ufw before.rules: -A INPUT -i lo -j ACCEPT");
  BOOST_TEST((input.rules.front().location == rules::SourceLocation{kFile, 2, 1}));
  const rules::Rule& jump = input.rules.back();
  BOOST_TEST((jump.verdict.kind == VerdictKind::kJump));
  BOOST_TEST(jump.verdict.target == t.FindChain("ufw-user-input"));
}

BOOST_AUTO_TEST_CASE(user6_rules_fragment_reads_as_ipv6) {
  std::string v6 = kFragment;
  for (std::size_t at = v6.find("ufw-"); at != std::string::npos; at = v6.find("ufw-", at + 5)) v6.replace(at, 4, "ufw6-");
  const ParseResult r = ParseIptablesSave(v6, kFile);
  BOOST_TEST_REQUIRE(r.ruleset.tables.size() == 1u);
  BOOST_TEST((r.ruleset.tables[0].family == rules::TableFamily::kIp6));
  const rules::Chain& input = ChainNamed(r.ruleset.tables[0], "INPUT");
  BOOST_TEST(input.rules.back().verdict.target == r.ruleset.tables[0].FindChain("ufw6-user-input"));
  BOOST_TEST(Rendered(r).find("a ufw user6.rules fragment") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_ufw_host_whose_chains_are_wired_is_read_as_written) {
  const ParseResult r = ParseOk(
      "*filter\n:INPUT DROP [0:0]\n:ufw-before-input - [0:0]\n:ufw-user-input - [0:0]\n"
      "-A INPUT -j ufw-before-input\n-A ufw-before-input -j ufw-user-input\n"
      "-A ufw-user-input -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
  BOOST_TEST(ChainNamed(TableNamed(r.ruleset, "filter"), "INPUT").rules.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
