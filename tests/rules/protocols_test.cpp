#include <boost/test/unit_test.hpp>

#include "rules/protocols.h"

namespace ghostport::rules {

BOOST_AUTO_TEST_SUITE(protocols)

BOOST_AUTO_TEST_CASE(names_read_back_whatever_tool_printed_them) {
  BOOST_TEST(ProtocolNumber("tcp").value() == 6);
  BOOST_TEST(ProtocolNumber("TCP").value() == 6);
  BOOST_TEST(ProtocolNumber("ipv6-icmp").value() == 58);
  BOOST_TEST(ProtocolNumber("icmpv6").value() == 58);
  BOOST_TEST(!ProtocolNumber("all").has_value());  // a front end's word, not a protocol
  BOOST_TEST(!ProtocolNumber("6").has_value());    // numbers are the caller's
}

BOOST_AUTO_TEST_CASE(reports_print_the_canonical_name_or_the_number) {
  BOOST_TEST(ProtocolName(6) == "tcp");
  BOOST_TEST(ProtocolName(58) == "icmpv6");
  BOOST_TEST(ProtocolName(4) == "ipencap");
  BOOST_TEST(ProtocolName(94) == "ipip");
  BOOST_TEST(ProtocolName(253) == "253");
  BOOST_TEST(CanonicalProtocolName(253) == nullptr);
}

BOOST_AUTO_TEST_CASE(only_transport_protocols_with_ports_have_ports) {
  for (std::uint8_t p : {6, 17, 33, 132, 136}) BOOST_TEST(HasPorts(p));
  for (std::uint8_t p : {0, 1, 47, 50, 58}) BOOST_TEST(!HasPorts(p));
  BOOST_TEST(PortProtocols().size() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::rules
