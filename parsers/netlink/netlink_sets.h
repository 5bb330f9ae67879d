// Sets and maps as the kernel holds them (nftnl_set with its elements) as
// nftables syntax: the key's types by name, flags, the map's value type,
// and the elements rebuilt — interval sets from their start and end markers,
// concatenated keys split by the key's field lengths, verdict map values as
// verdicts.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parsers/netlink/netlink_values.h"
#include "parsers/nftables/nft_syntax.h"

struct nftnl_set;

namespace ghostport::parsers::netlink {

// One component of a key or a value: how its bytes read, its length.
struct Component {
  ValueKind kind = ValueKind::kRaw;
  std::uint32_t length = 0;
  // A host-order kind the kernel holds in network order (an interval set's
  // keys; what a rule converted with `byteorder hton`).
  bool network_order = false;
};

// The set's key (or a map's data) components from its type ids; an interval
// set's keys are in network order (nft converts host-order ones).
std::vector<Component> KeyComponents(nftnl_set* set);
std::vector<Component> DataComponents(nftnl_set* set);

// The elements as expressions: a value, prefix or range per component (a
// concat of them for a concatenated key), `*` for the catch-all, a kMapping
// with the value (a verdict for verdict maps) for maps. `key` says how the
// key reads (the set's own types, or what the rule loaded into the lookup's
// registers, which knows more: `ct state` rather than an integer).
std::vector<nft::Expr> ElementsOf(nftnl_set* set, const std::vector<Component>& key);

// A named set or map.
nft::SetSyntax SetSyntaxOf(nftnl_set* set);

// Splits `data` into the components' bytes: each starts at a multiple of 4
// bytes (the kernel's register layout for concatenations).
std::vector<Bytes> SplitConcat(const Bytes& data, const std::vector<Component>& parts);

}  // namespace ghostport::parsers::netlink
