// The JSON reader's statements: a libnftables-json STATEMENT → nft::Statement,
// through a table of handlers keyed by the statement object's one member;
// each statement's text is rendered as nft lists it. Internal to the JSON
// reader (nft_json_reader.h).
#pragma once

#include <nlohmann/json.hpp>

#include "parsers/nftables/nft_json_expr.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

// A statement; an unknown one is kept as an OtherStmt whose keyword is its
// key and whose text is its value as JSON, with a warning.
Statement ReadJsonStatement(const nlohmann::json& j, const JsonContext& context);

}  // namespace ghostport::parsers::nft
