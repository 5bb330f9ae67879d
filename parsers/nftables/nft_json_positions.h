// Where each element of the top-level "nftables" array of a JSON text
// starts, so that what the reader builds from it can point at it. A small
// scanner over the raw text (strings and escapes skipped), since
// nlohmann::json keeps no positions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/model.h"

namespace ghostport::parsers::nft {

// Byte offsets of the first character of each element of the array that is
// the value of the top-level object's "nftables" member, in order. Assumes
// text that nlohmann::json parsed.
std::vector<std::size_t> NftablesElementOffsets(std::string_view text);

// The offset of the first '{' or '[' that opens a container nested deeper
// than `limit` levels, if any (strings skipped).
std::optional<std::size_t> FirstOffsetNestedDeeperThan(std::string_view text, int limit);

// The 1-based line and column of byte `offset` of `text`.
rules::SourceLocation LocationOfOffset(std::string_view text, std::size_t offset, const std::string& file_name);

// The same for ascending offsets, in one pass over the text.
std::vector<rules::SourceLocation> LocationsOfOffsets(std::string_view text, const std::vector<std::size_t>& offsets,
                                                      const std::string& file_name);

}  // namespace ghostport::parsers::nft
