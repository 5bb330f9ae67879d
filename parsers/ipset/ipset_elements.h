// The parts of one ipset element ("10.0.0.0/24,tcp:80"), as ipset 7.17
// reads them, turned into key components (value ranges, interface names).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/ipset/ipset_nomatch.h"
#include "parsers/ipset/ipset_types.h"
#include "rules/model.h"

namespace ghostport::parsers {

// What the set's create line says about its elements.
struct IpsetElementRules {
  const IpsetTypeRow* type = nullptr;
  rules::Family family = rules::Family::kIpv4;
  // hash:ip / bitmap:ip "netmask N" (or a contiguous "bitmask"): each
  // element stands for its whole /N.
  std::optional<int> netmask;
  // bitmap:ip and bitmap:port "range": elements must lie inside it.
  std::optional<rules::Interval<rules::u128>> range;
};

// The outcome for one element text.
struct IpsetElementResult {
  std::optional<IpsetRawElement> element;  // nullopt on an error (reported)
  // Set when a part cannot be modelled (a host name, a physdev port): the
  // set's contents become unknown, with this reason.
  std::string unmodelled;
};

// Reads `text`; `error(message)` reports an error at the element. `wildcard`:
// the add line's "wildcard" flag (hash:net,iface: the name is a prefix).
IpsetElementResult ParseIpsetElement(std::string_view text, const IpsetElementRules& rules, bool wildcard,
                                     const std::function<void(std::string)>& error);

// ICMP (`icmp`) or ICMPv6 (`icmpv6`) type/code as ipset names them
// ("echo-request", "ping", and any unambiguous prefix), as type << 8 | code.
std::optional<std::uint16_t> IpsetIcmpTypeCode(std::uint8_t protocol, std::string_view name);

}  // namespace ghostport::parsers
