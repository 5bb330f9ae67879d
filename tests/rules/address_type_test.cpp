// Address-type matches as xt_addrtype decides them, for this host's own
// addresses and other hosts' (the kernel agreement test holds the same
// against Linux: generated-path rulesets use --dst-type UNICAST on IPv6).
#include <boost/test/unit_test.hpp>

#include "rules/address_type.h"

namespace ghostport::rules {
namespace {

bool Holds(Family f, std::uint16_t types, AddrClass c, bool negated = false) {
  return AddrTypeHolds(f, AddrTypeMatch{types, negated}, c);
}

BOOST_AUTO_TEST_SUITE(address_type)

BOOST_AUTO_TEST_CASE(ipv4_gives_an_address_exactly_one_type) {
  BOOST_TEST(Holds(Family::kIpv4, kAddrLocal, AddrClass::kLocal));
  BOOST_TEST(!Holds(Family::kIpv4, kAddrUnicast, AddrClass::kLocal));
  BOOST_TEST(Holds(Family::kIpv4, kAddrUnicast, AddrClass::kRemote));
  BOOST_TEST(!Holds(Family::kIpv4, kAddrLocal, AddrClass::kRemote));
  BOOST_TEST(Holds(Family::kIpv4, kAddrLocal | kAddrUnicast, AddrClass::kRemote));
  BOOST_TEST(!Holds(Family::kIpv4, kAddrMulticast | kAddrBroadcast, AddrClass::kLocal));
  BOOST_TEST(Holds(Family::kIpv4, kAddrLocal, AddrClass::kRemote, /*negated=*/true));
}

BOOST_AUTO_TEST_CASE(ipv6_local_addresses_are_unicast_too) {
  BOOST_TEST(Holds(Family::kIpv6, kAddrUnicast, AddrClass::kLocal));
  BOOST_TEST(Holds(Family::kIpv6, kAddrUnicast, AddrClass::kRemote));
  BOOST_TEST(Holds(Family::kIpv6, kAddrLocal, AddrClass::kLocal));
  BOOST_TEST(!Holds(Family::kIpv6, kAddrLocal, AddrClass::kRemote));
  BOOST_TEST(!Holds(Family::kIpv6, kAddrUnicast, AddrClass::kLocal, /*negated=*/true));
}

BOOST_AUTO_TEST_CASE(ipv6_type_lists_are_checked_one_by_one) {
  // MULTICAST or UNSPEC in the list fail any unicast address.
  BOOST_TEST(!Holds(Family::kIpv6, kAddrUnicast | kAddrMulticast, AddrClass::kRemote));
  BOOST_TEST(!Holds(Family::kIpv6, kAddrLocal | kAddrUnspec, AddrClass::kLocal));
  // With LOCAL in the list the route decides, and a plain route to another
  // host is none of LOCAL, ANYCAST or UNREACHABLE.
  BOOST_TEST(!Holds(Family::kIpv6, kAddrLocal | kAddrUnicast, AddrClass::kRemote));
  BOOST_TEST(Holds(Family::kIpv6, kAddrLocal | kAddrUnicast, AddrClass::kLocal));
  BOOST_TEST(!Holds(Family::kIpv6, kAddrAnycast, AddrClass::kLocal));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::rules
