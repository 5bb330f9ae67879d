// The JSON reader's expressions: a libnftables-json EXPRESSION → nft::Expr,
// through a table of handlers keyed by the expression object's one member.
// Internal to the JSON reader (nft_json_reader.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

// What reading one rule (or set) needs: where it is, for every Expr and for
// warnings, and where warnings go.
struct JsonContext {
  rules::SourceLocation location;
  std::string_view text;
  std::vector<Diagnostic>* diagnostics = nullptr;
  std::string family;  // the rule's table's: ip, ip6, inet, ...

  void Report(Severity severity, const std::string& message) const;
};

// A JSON value as text: strings without quotes, numbers in decimal, the rest
// compact JSON.
std::string JsonText(const nlohmann::json& j);

// The text of member `key` of `j`; "" when `j` is no object or lacks it.
std::string JsonMember(const nlohmann::json& j, const char* key);

// A string, or an array of them joined with `separator`.
std::string JsonWords(const nlohmann::json& j, std::string_view separator);

// Member `key` of `j` when it is an unsigned number (a handle, an index).
std::optional<std::uint64_t> JsonHandle(const nlohmann::json& j, const char* key = "handle");

// An expression; an unknown one is kept as a selector whose protocol is its
// key and whose field is its value as JSON, with a warning.
Expr ReadJsonExpr(const nlohmann::json& j, const JsonContext& context);

// An element of a set, a map or a set's "elem": a [key, value] pair is a
// kMapping, {"elem": {"val": ...}} its value.
Expr ReadJsonSetElement(const nlohmann::json& j, const JsonContext& context);

// Marks the string values of `e` (itself, or the elements of a set or list)
// quoted: they name interfaces or objects, which nft prints in quotes.
void QuoteStrings(Expr& e);

// Whether nft prints values compared with `selector` in quotes (interface
// names, osf names, ct helpers).
bool TakesQuotedStrings(const Expr& selector);

// Per component of `key` (one, or each of a concatenation), whether its
// values are printed quoted.
std::vector<bool> QuotedComponents(const Expr& key);

// Quotes the strings of `value` (a value, a concatenation of values, or a set,
// list or mapping of them) in the components `quoted` marks.
void QuoteComponents(const std::vector<bool>& quoted, Expr& value);

}  // namespace ghostport::parsers::nft
