// The JSON reader's ruleset objects: a rule, a set or map, a chain's
// base-chain attributes, as the syntax tree holds them. Internal to the JSON
// reader (nft_json_reader.h), which applies them to the ruleset.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parsers/nftables/nft_json_expr.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

// A rule's statements, rendered text and comment, at the context's location
// (the handle is the caller's: a listed rule's own, or none for a command's).
RuleSyntax ReadJsonRule(const nlohmann::json& body, const JsonContext& context);

// A set or map ("set" or "map" in `kind`) with its type, flags and elements.
SetSyntax ReadJsonSet(const std::string& kind, const nlohmann::json& body, const JsonContext& context);

// The elements of `elem` (one, or an array) for `set`, quoted where its key
// types are interface names.
std::vector<Expr> ReadJsonSetElements(const SetSyntax& set, const nlohmann::json& elem, const JsonContext& context);

// type, hook, prio, policy and dev, where `body` gives them.
void ReadJsonChainAttributes(const nlohmann::json& body, const JsonContext& context, ChainSyntax& chain);

}  // namespace ghostport::parsers::nft
