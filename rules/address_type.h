// Address types (`-m addrtype`, nft `fib ... type`) as the engine tells them
// apart. The engine knows two kinds of address: this host's own (reached
// over lo, or the destination of a packet on the input path) and another
// host's unicast address, reached by a route. Whether a type match holds
// for either is a property of the family: IPv4 asks the routing table for
// the one type of the address (inet_dev_addr_type: LOCAL for this host's
// addresses, UNICAST for the others); IPv6 (xt_addrtype's match_type6)
// checks the address's own kind for MULTICAST, UNICAST and UNSPEC and asks
// the route only for LOCAL, ANYCAST and UNREACHABLE, so that there a local
// address is UNICAST as well as LOCAL, and a type list that mixes LOCAL
// with UNICAST never holds for another host's address.
#pragma once

#include "rules/address.h"
#include "rules/model.h"

namespace ghostport::rules {

enum class AddrClass : std::uint8_t {
  kLocal,   // one of this host's addresses
  kRemote,  // another host's unicast address, with a route to it
};

// Does the match (negation included) hold for an address of class `c`?
bool AddrTypeHolds(Family family, const AddrTypeMatch& match, AddrClass c);

}  // namespace ghostport::rules
