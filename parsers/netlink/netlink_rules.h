// The kernel's tables, chains, rules and sets (as dumped) as one
// nft::RulesetSyntax: the tree the text and JSON readers build, so the one
// lowering gives the model.
//
// Tables by family and name (`flags dormant` kept); chains with hook,
// priority as a number, type, policy and devices; rules with their handle,
// statements (netlink_expressions), comment (the rule's userdata) and text
// (the statements rendered as nft lists them); named sets and maps
// (netlink_sets; anonymous sets are resolved into the rules that use
// them). Locations are `live:FAMILY TABLE[/CHAIN][#HANDLE]` at the line of
// nft's listing of that object (`nft -a list chain` for a rule).
#pragma once

#include <string>

#include "parsers/netlink/netlink_dump.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::netlink {

nft::RulesetSyntax SyntaxOf(const KernelRuleset& kernel);

// A netfilter family number (NFPROTO_*) as nft names it: "ip", "inet", ...
std::string FamilyName(std::uint32_t family);

}  // namespace ghostport::parsers::netlink
