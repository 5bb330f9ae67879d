#include "rules/address_type.h"

namespace ghostport::rules {

namespace {

bool Ipv4Holds(std::uint16_t types, AddrClass c) {
  return (types & (c == AddrClass::kLocal ? kAddrLocal : kAddrUnicast)) != 0;
}

bool Ipv6Holds(std::uint16_t types, AddrClass c) {
  // Both kinds are unicast addresses: neither multicast nor unspecified.
  if ((types & (kAddrMulticast | kAddrUnspec)) != 0) return false;
  // Only these are asked of the route; the route to another host is plain
  // (neither local, anycast nor a reject route).
  constexpr std::uint16_t kRouted = kAddrLocal | kAddrAnycast | kAddrUnreachable;
  if ((types & kRouted) != 0) return c == AddrClass::kLocal && (types & kAddrLocal) != 0;
  return true;
}

}  // namespace

bool AddrTypeHolds(Family family, const AddrTypeMatch& match, AddrClass c) {
  const bool holds = family == Family::kIpv6 ? Ipv6Holds(match.types, c) : Ipv4Holds(match.types, c);
  return holds != match.negated;
}

}  // namespace ghostport::rules
