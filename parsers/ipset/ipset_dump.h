// What an `ipset save` dump says, as the model and the front ends that name
// ipsets (iptables' -m set and SET target) need it: each set as a
// rules::NamedSet (typed key, elements as value ranges) with its ipset type,
// family and dimensions beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/model.h"

namespace ghostport::parsers {

// One dimension of an ipset type: what one direction of `--match-set NAME
// src,dst` applies to.
enum class IpsetDimension : std::uint8_t {
  kAddress,    // ip or net: an address component
  kPort,       // [proto:]port: a protocol and a port component
  kBarePort,   // bitmap:port: a port component (no protocol)
  kInterface,  // iface: an interface component
  kMac,        // mac: not modelled
  kMark,       // mark: not modelled
  kSet,        // list:set: the member sets' own dimensions
};

struct Ipset {
  // Name, key, elements, dynamic (a timeout in `create`), location (the
  // `create` line). contents_known is false for a type ghostport does not
  // model (MAC addresses, marks); its key is then empty.
  rules::NamedSet set;
  std::string type;                      // "hash:ip,port"
  std::optional<rules::Family> family;   // nullopt: either family (bitmap:port, list:set)
  std::vector<IpsetDimension> dimensions;
  bool supports_nomatch = false;         // a type with a net dimension
  std::vector<std::string> members;      // list:set: the member sets, in order
  bool IsList() const { return !dimensions.empty() && dimensions.front() == IpsetDimension::kSet; }
};

struct IpsetDump {
  std::vector<std::string> inputs;  // the dumps' file names
  std::vector<Ipset> sets;          // in dump order
  const Ipset* Find(std::string_view name) const;  // nullptr when absent
};

// The packet fields, in key order, that a match reading `set` in the
// directions `src` (true: "src", false: "dst") compares with the set's key:
// hash:ip,port with src,dst reads saddr, protocol, dport. Directions beyond
// the set's dimensions are ignored, as the kernel ignores them; the caller
// checks there are enough. Only for a modelled set (not a list:set).
std::vector<rules::SetField> IpsetMatchFields(const Ipset& set, const std::vector<bool>& src);

}  // namespace ghostport::parsers
