// The nft JSON reader: `nft -j list ruleset` output, and JSON command input
// ({"add": {...}}, {"insert": ...}, {"flush": {"ruleset": null}}, ...), in the
// libnftables-json schema (man libnftables-json) → the nftables syntax tree
// (nft_syntax.h), the ruleset as it stands once every command is applied.
//
// JSON has no lines per rule; every table, chain, rule, set and object gets
// the line and column where its element of the top-level "nftables" array
// starts, and every expression of a rule the rule's. A JSON syntax error is
// one error at the line and column where nlohmann::json stopped. Anything the
// reader does not know (a top-level object, an expression or a statement) is
// kept — an unknown expression as a selector whose protocol is its key, an
// unknown statement as an OtherStmt whose keyword is its key — and warned
// about; nothing is dropped silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers {

nft::RulesetSyntax ReadNftJson(std::string_view text, const std::string& file_name,
                               std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers
