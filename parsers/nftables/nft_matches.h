// What an nftables match does to a rule's cubes: a table from selector
// (`tcp dport`, `ip saddr`, `meta iifname`, `ct state`, ...) to the model
// field it narrows, with the family and protocols the selector implies
// (`tcp dport` holds only for tcp; `ip saddr` only for IPv4, in an inet
// table too). Values are read as nft reads them for that field: ports and
// service names, addresses, prefixes and ranges, protocol names, interface
// names and `eth*` patterns, conntrack states, address types, TCP flags.
// A selector the model has no field for, or a value it cannot know (a host
// name nft resolves when it loads), becomes an explicit unknown condition.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_syntax.h"
#include "rules/model.h"

namespace ghostport::parsers::nft {

// The rule being lowered: its cubes so far (a disjunction; empty: it can
// never match) and its unknown conditions.
struct RuleState {
  std::vector<rules::Cube> cubes;
  std::vector<rules::Condition> conditions;
};

// Where named sets come from and go to, and where problems are told.
class MatchContext {
 public:
  virtual ~MatchContext() = default;
  // The index in Ruleset::sets of the table's set `name` for a match on
  // `fields` (nullopt: no such set, reported); `reason` says why it cannot
  // be used when the index is -1 (a key type the model lacks).
  // `key` is what the match's selectors read; a set of other types is an
  // error (nft refuses the rule).
  virtual std::optional<int> NamedSet(const std::string& name, const std::vector<rules::SetField>& fields,
                                      const std::vector<rules::SetKeyType>& key, const rules::SourceLocation& at,
                                      std::string& reason) = 0;
  // A set made for an anonymous concatenated set that is negated.
  virtual int AnonymousSet(const std::vector<rules::SetKeyType>& key, std::vector<rules::SetElement> elements,
                           const rules::SourceLocation& at) = 0;
  virtual void Error(const rules::SourceLocation& at, std::string message) = 0;
};

// Narrows `state` by `left op right` (op as in Match: "" or "==", "!=",
// "<", ">", "<=", ">=").
void ApplyMatch(const Expr& left, const std::string& op, const Expr& right, RuleState& state, MatchContext& context);

// Keeps the cubes the selectors of `key` can hold for (their families and
// implied protocols): a map's catch-all, a lookup the model cannot read.
void RestrictToSelectors(const Expr& key, RuleState& state);

// For map keys: the cubes of `state` where `key` == `value` (value an
// element key: a value, range, prefix, or concatenation for a concatenated
// key).
void ApplyKey(const Expr& key, const Expr& value, RuleState& state, MatchContext& context);

// The model's key type for an nft set type name ("ipv4_addr",
// "inet_service", ...); nullopt for types the model has no field for.
std::optional<rules::SetKeyType> SetKeyTypeOf(const std::string& type);
// The same for a `typeof` selector, and the field it reads.
std::optional<rules::SetKeyType> SetKeyTypeOf(const Expr& selector);
std::optional<rules::SetField> SetFieldOf(const Expr& selector);

// One element of a set of `key` types, or an error message.
std::optional<rules::SetElement> SetElementOf(const Expr& element, const std::vector<rules::SetKeyType>& key,
                                              std::string& error);

// NAT targets: an address value (`10.0.0.1`, a range, a prefix) and a port
// value (`8080`, `8080-8090`) as the model's sets.
std::optional<rules::AddressSet> NatAddresses(const Expr& value, rules::Family family, std::string& error);
std::optional<rules::PortSet> NatPorts(const Expr& value, std::string& error);

}  // namespace ghostport::parsers::nft
