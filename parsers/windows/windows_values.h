// The values of Windows Firewall exports, parsed once for every reader:
// each function takes one item as some format writes it and adds it to the
// policy's field, or returns why it cannot (the reader turns that into a
// located error). Keywords are recognised in every spelling (windows_keywords.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parsers/windows/windows_keywords.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A problem with one value; empty when it was read.
using ValueError = std::string;

// "Any" in the spellings the exports use (Any, *, and netsh's localised
// Beliebig, Tout, 任意), case-insensitive.
bool IsAny(std::string_view text);

// One port item: "80", "5000-5020", or a port keyword.
ValueError AddPort(std::string_view item, KeywordKind kind, PortList& out);
// One address item: "10.1.2.3", "10.0.0.0/8", "10.0.0.0/255.255.255.0",
// "10.0.0.1-10.0.0.9", IPv6 forms of each, or an address keyword (with an
// optional 4/6 suffix). `only` restricts the family (a registry RA4 token).
ValueError AddAddress(std::string_view item, AddressList& out, std::optional<rules::Family> only = std::nullopt);
// "TCP", "UDP", "ICMPv4", "ICMPv6", "Any" or 0-255; nullopt in `out` for any.
ValueError ParseProtocol(std::string_view text, std::optional<std::uint8_t>& out);
// "8", "8:*", "3:4", "Any" (nothing added).
ValueError AddIcmp(std::string_view item, std::vector<IcmpTypeCode>& out);
// "Domain", "Private" (or the local store's "Standard"), "Public",
// case-insensitive; 0 when none.
std::uint8_t ProfileBit(std::string_view name);

// Splits `text` at `sep`, trimming spaces around each item; no empty items.
std::vector<std::string_view> SplitList(std::string_view text, char sep);
std::string_view TrimSpaces(std::string_view s);
bool SameWord(std::string_view a, std::string_view b);  // ASCII case-insensitive

}  // namespace ghostport::parsers::windows
