// What nft refuses in a rule it can parse, refused here too with the
// offending token's location: field values and widths, symbol names,
// string lengths, statement options, family and object references.
#include <boost/test/unit_test.hpp>

#include "tests/parsers/nft_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers

// A table of `family` with one input chain holding `rule` (on line 4).
std::string InTable(const std::string& family, const std::string& rule) {
  return "table " + family + " t {\n  chain c {\n    type filter hook input priority 0;\n    " + rule + "\n  }\n}\n";
}

std::string ErrorAt(int column, const std::string& message, const std::string& rule) {
  return NftDiag(4, column, message, "    " + rule);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nft_refusals)

BOOST_AUTO_TEST_CASE(field_values_outside_the_fields_width_are_refused) {
  const std::string vlan = "vlan id 4094 vlan dei 2";
  BOOST_TEST(NftErrors(InTable("bridge", vlan)) == ErrorAt(27, "\"2\" is not a value of vlan dei (0-1; nft refuses it)", vlan));
  const std::string set = "vlan id { 1, 4096 }";
  BOOST_TEST(NftErrors(InTable("netdev", set)) == ErrorAt(18, "\"4096\" is not a value of vlan id (0-4095; nft refuses it)", set));
  const std::string srh = "srh tag { 0, 4-127, 0x10000 }";
  BOOST_TEST(NftErrors(InTable("ip6", srh)) == ErrorAt(25, "\"0x10000\" is not a value of srh tag (0-65535; nft refuses it)", srh));
  const std::string socket = "socket wildcard 2";
  BOOST_TEST(NftErrors(InTable("inet", socket)) == ErrorAt(21, "\"2\" is not a value of socket wildcard (0-1; nft refuses it)", socket));
  const std::string raw = "@ll,0,0 2";
  BOOST_TEST(NftErrors(InTable("netdev", raw)) == ErrorAt(13, "\"2\" does not fit @ll,0,0 (nft refuses it)", raw));
  // What fits is read.
  NftOk(InTable("bridge", "vlan id 4095 vlan dei 1 vlan pcp 7"));
  NftOk(InTable("ip6", "srh tag { 0, 4-127, 0xffff }"));
}

BOOST_AUTO_TEST_CASE(set_statement_values_and_mask_constants_must_fit_the_field) {
  const std::string ecn = "ip6 ecn set 4";
  BOOST_TEST(NftErrors(InTable("ip6", ecn)) == ErrorAt(17, "\"4\" is not a value of ip6 ecn (0-3; nft refuses it)", ecn));
  const std::string label = "ip6 flowlabel set 1048576";
  BOOST_TEST(NftErrors(InTable("ip6", label)) ==
             ErrorAt(23, "\"1048576\" is not a value of ip6 flowlabel (0-1048575; nft refuses it)", label));
  const std::string mask = "ip dscp set ip dscp & 0x4f";
  BOOST_TEST(NftErrors(InTable("ip", mask)) == ErrorAt(27, "\"0x4f\" is not a value of ip dscp (0-63; nft refuses it)", mask));
  const std::string bits = "ip version set ip version | 0x1f";
  BOOST_TEST(NftErrors(InTable("ip", bits)) == ErrorAt(33, "\"0x1f\" is not a value of ip version (0-15; nft refuses it)", bits));
  NftOk(InTable("ip6", "ip6 flowlabel set 0xfffff ip6 ecn set 3"));
  NftOk(InTable("ip", "ip dscp set ip dscp & 0x3f"));
}

BOOST_AUTO_TEST_CASE(conntrack_symbols_and_strings_are_checked) {
  const std::string status = "ct status expected,xxx";
  BOOST_TEST(NftErrors(InTable("ip", status)) == ErrorAt(24, "\"xxx\" is not a value of ct status (nft refuses it)", status));
  const std::string event = "ct event set new or related or foobar";
  BOOST_TEST(NftErrors(InTable("ip", event)) == ErrorAt(36, "\"foobar\" is not a value of ct event (nft refuses it)", event));
  const std::string mark = "ct mark original";
  BOOST_TEST(NftErrors(InTable("ip", mark)) == ErrorAt(13, "\"original\" is not a value of ct mark (nft refuses it)", mark));
  const std::string helper = "ct helper \"12345678901234567\"";
  BOOST_TEST(NftErrors(InTable("ip", helper)) ==
             ErrorAt(15, "\"12345678901234567\" is longer than ct helper takes (16 bytes; nft refuses it)", helper));
  const std::string empty = "ct helper \"\"";
  BOOST_TEST(NftErrors(InTable("ip", empty)) == ErrorAt(15, "ct helper cannot be empty (nft refuses it)", empty));
  const std::string osf = "osf ttl skip version \"morethan:sixteenbytes\"";
  BOOST_TEST(NftErrors(InTable("inet", osf)) ==
             ErrorAt(26, "\"morethan:sixteenbytes\" is longer than osf ttl skip version takes (16 bytes; nft refuses it)", osf));
  NftOk(InTable("ip", "ct status expected,seen-reply,dnat ct event set new,destroy ct helper \"ftp\""));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::parsers
