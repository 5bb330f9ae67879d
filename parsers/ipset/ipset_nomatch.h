// nomatch elements: exceptions carved out of a set whose type has a net
// (hash:net, hash:net,port, hash:net,iface, hash:ip,port,net, ...).
//
// The kernel tests a packet against such a set from the most specific net
// prefix to the least specific (by the first net's prefix, then the
// second's): the first element found decides, and a nomatch element means
// "not in the set". So a point is a member exactly when the most specific
// element containing it is a plain one, and the members are
//
//   the union over plain elements E of (E minus every nomatch element more
//   specific than E),
//
// computed here as products of value ranges (an interface component is
// compared by name).
#pragma once

#include <cstddef>
#include <vector>

#include "rules/model.h"

namespace ghostport::parsers {

// One element as read from an add line.
struct IpsetRawElement {
  rules::SetElement element;
  // Per net component (IpsetCarving::nets, in order): its prefix length, or
  // -1 for a range (ipset stores a range as the prefixes covering it).
  std::vector<int> prefixes;
  bool nomatch = false;
};

// The members of a set of these elements: nomatch ones carved out of plain
// ones. `nets` are the indices of the key's net components, in order.
std::vector<rules::SetElement> CarveNomatch(const std::vector<IpsetRawElement>& raw, rules::Family family,
                                            const std::vector<std::size_t>& nets);

}  // namespace ghostport::parsers
