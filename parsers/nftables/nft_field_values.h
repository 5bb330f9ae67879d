// The values nft takes for a field it knows but the model reads no further
// (`vlan id`, `ct zone`, `ip6 flowlabel`, `ct helper`, `srh tag`, ...): one
// table of each field's symbols, numeric range and string length. What is
// not among them nft refuses ("Value 4096 exceeds valid range 0-4095",
// "String exceeds maximum length of 16"), so it is an error here too,
// wherever the field is written: a match in any table (evaluated or not),
// a `set` statement's value, a constant in a mask or an `|`.
#pragma once

#include <optional>
#include <string>

#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

// Where a field is written: matched (`vlan id 4095`) or set (`ip6 ecn set 3`).
enum class FieldUse : std::uint8_t { kMatch, kSet };

struct FieldValueError {
  rules::SourceLocation at;
  std::string message;
};

// The first value of `value` (sets, lists and `|` combinations flattened;
// ranges and prefixes by their ends) that the field `selector` cannot take;
// nullopt when all fit or the field is not in the table.
std::optional<FieldValueError> CheckFieldValue(const Expr& selector, const Expr& value, FieldUse use);

}  // namespace ghostport::parsers::nft
