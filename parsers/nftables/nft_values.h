// Values as nft reads them for a field: ports and service names, protocol
// names and numbers, addresses with prefixes and ranges, flag words, and
// conntrack states by name or nft -n's number; sets, lists and nested sets
// flattened; comparison operators turned into the sets they take.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/nftables/nft_syntax.h"
#include "rules/address_set.h"
#include "rules/interval_set.h"

namespace ghostport::parsers::nft {

// The values of a right-hand side, sets and lists flattened.
std::vector<const Expr*> ValuesOf(const Expr& e);

std::optional<rules::u128> Number(std::string_view s, rules::u128 max);

struct ValueError {
  std::string message;
  bool unknown = false;  // not wrong, only unknowable (a host name)
};

// One scalar of a field: an interval of its values.
using Scalar = std::function<std::optional<rules::Interval<rules::u128>>(std::string_view, ValueError&)>;

std::optional<rules::Interval<rules::u128>> PortScalar(std::string_view s, ValueError& err);
std::optional<rules::Interval<rules::u128>> ProtocolScalar(std::string_view s, ValueError& err);
Scalar AddressScalar(rules::Family f);

// A value, range ("a-b" or kRange) or, for addresses, a prefix.
std::optional<rules::Interval<rules::u128>> IntervalOf(const Expr& e, const Scalar& scalar,
                                                       std::optional<rules::Family> family, ValueError& err);
std::optional<rules::IntervalSet<rules::u128>> ValuesAsIntervals(const Expr& e, const Scalar& scalar,
                                                                 std::optional<rules::Family> family, ValueError& err);

// `op` applied to a value set within [0, max].
rules::IntervalSet<rules::u128> ByOp(const rules::IntervalSet<rules::u128>& v, const std::string& op, rules::u128 max);

template <class T>
rules::IntervalSet<T> Narrow(const rules::IntervalSet<rules::u128>& v) {
  std::vector<rules::Interval<T>> out;
  for (const auto& i : v.intervals()) out.push_back({static_cast<T>(i.lo), static_cast<T>(i.hi)});
  return rules::IntervalSet<T>::FromIntervals(std::move(out));
}

// `w` among the comma-separated symbols of `list` ("original,reply").
bool InCommaList(std::string_view list, std::string_view w);

// The words of a value list (flag combinations with | too).
std::vector<std::string> Words(const Expr& e);

// A conntrack state's bits, by name or nft -n's number.
std::optional<std::uint8_t> CtStateOf(std::string_view s);

}  // namespace ghostport::parsers::nft
