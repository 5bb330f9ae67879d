// IP addresses and CIDR prefixes of both families, held as u128 values
// (IPv4 in the low 32 bits). Parsing accepts what iptables and nftables
// accept; formatting is canonical (RFC 5952 for IPv6).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/interval_set.h"

namespace ghostport::rules {

enum class Family : std::uint8_t { kIpv4, kIpv6 };

const char* FamilyName(Family f);  // "ipv4" / "ipv6"
// Highest address of the family: 2^32-1 or 2^128-1.
u128 MaxAddress(Family f);
int AddressBits(Family f);  // 32 or 128

struct Cidr {
  Family family = Family::kIpv4;
  u128 address = 0;  // network address (host bits zero)
  int prefix = 0;
  u128 First() const;
  u128 Last() const;
  friend bool operator==(const Cidr&, const Cidr&) = default;
};

std::optional<u128> ParseIpv4(std::string_view text);
std::optional<u128> ParseIpv6(std::string_view text);
std::optional<u128> ParseAddress(Family f, std::string_view text);

// "10.0.0.0/8", "10.1.2.3" (host), "10.0.0.0/255.0.0.0" (netmask, IPv4 only;
// a non-contiguous mask is rejected), "2001:db8::/32". Host bits set in the
// address are cleared, as iptables does. Empty on malformed input.
std::optional<Cidr> ParseCidr(Family f, std::string_view text);

std::string FormatAddress(Family f, u128 address);
std::string FormatCidr(const Cidr& c);  // a host prefix prints without "/32" or "/128"

// The fewest CIDR blocks whose union is exactly `set` (values within the family).
std::vector<Cidr> MinimalCidrCover(Family f, const IntervalSet<u128>& set);

}  // namespace ghostport::rules
