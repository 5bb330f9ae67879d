// The nftables front end: syntax tree → rules::Ruleset, and the text and
// JSON inputs read through it.
//
// Tables of the ip, ip6 and inet families are evaluated (inet for both
// families: a rule's cubes are made per family, and a selector of one
// family keeps only its cubes); arp, bridge and netdev tables are read and
// kept, not evaluated for port exposure (the report says so), and so is a
// table with `flags dormant`. Base chains keep their hook, type and
// priority (named priorities raw -300, mangle -150, dstnat -100, filter 0,
// security 50, srcnat 100, with offsets); an ingress chain is kept and
// stated as not evaluated. A rule becomes one model rule, or several: a
// verdict map or a NAT map one per element (each element's key narrowing
// the rule), and `notrack` followed by a verdict a NOTRACK rule and then the
// verdict's. Named sets become Ruleset::sets (the table's name recorded),
// dynamic when the set has timeouts or `flags dynamic`, or a rule adds to
// it. Rule identity is `handle N` where the input gives one. Every
// statement is modelled, counted as one that does not decide (counter, log,
// meta/ct set, ...), or kept as an explicit unknown (limit, quota, a
// selector without a model field): nothing is dropped silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_reader.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers {

rules::Ruleset LowerNft(const nft::RulesetSyntax& syntax, const std::string& file_name,
                        std::vector<Diagnostic>& diagnostics);

// nft configuration text (ReadNftText) lowered; diagnostics in file order.
ParseResult ParseNftText(std::string_view text, const std::string& file_name, const NftReadOptions& options = {});
// `nft -j list ruleset` JSON (ReadNftJson) lowered, the same way.
ParseResult ParseNftJson(std::string_view text, const std::string& file_name);

}  // namespace ghostport::parsers
