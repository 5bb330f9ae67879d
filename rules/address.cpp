#include "rules/address.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>

namespace ghostport::rules {
namespace {

constexpr u128 kAllOnes = ~u128{0};
constexpr u128 kIpv4Max = 0xffffffffu;
constexpr u128 kMappedPrefix = u128{0xffff} << 32;  // ::ffff:0:0/96

// Number of trailing zero bits of a non-zero value.
int CountTrailingZeros(u128 x) {
  assert(x != 0);
  auto low = static_cast<std::uint64_t>(x);
  if (low != 0) return std::countr_zero(low);
  return 64 + std::countr_zero(static_cast<std::uint64_t>(x >> 64));
}

// Number of bits needed to hold `x` (0 for 0).
int BitWidth(u128 x) {
  auto high = static_cast<std::uint64_t>(x >> 64);
  if (high != 0) return 64 + std::bit_width(high);
  return std::bit_width(static_cast<std::uint64_t>(x));
}

// The host bits of a prefix of length `prefix`: 2^(bits - prefix) - 1.
u128 HostMask(Family f, int prefix) {
  int host = AddressBits(f) - prefix;
  assert(host >= 0 && host <= 128);
  if (host == 128) return kAllOnes;
  return (u128{1} << host) - 1;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A plain decimal number no greater than `max`: digits only, no sign, no
// spaces, no leading zero (iptables would read "010" as octal 8 and
// inet_pton rejects it, so a leading zero is ambiguous and refused).
std::optional<unsigned> ParseDecimal(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

// Appends the colon-separated 16-bit groups of `s` (no "::" inside) to
// `groups`. The last piece may be a dotted quad (two groups) when
// `ipv4_tail_allowed`. An empty `s` holds no groups.
bool ParseGroups(std::string_view s, bool ipv4_tail_allowed, std::vector<std::uint16_t>& groups) {
  if (s.empty()) return true;
  for (;;) {
    if (groups.size() > 8) return false;
    size_t colon = s.find(':');
    std::string_view piece = s.substr(0, colon);
    if (piece.find('.') != std::string_view::npos) {
      if (colon != std::string_view::npos || !ipv4_tail_allowed) return false;
      auto v4 = ParseIpv4(piece);
      if (!v4) return false;
      groups.push_back(static_cast<std::uint16_t>(*v4 >> 16));
      groups.push_back(static_cast<std::uint16_t>(*v4 & 0xffff));
      return true;
    }
    if (piece.empty() || piece.size() > 4) return false;
    unsigned group = 0;
    for (char c : piece) {
      int h = HexValue(c);
      if (h < 0) return false;
      group = group * 16 + static_cast<unsigned>(h);
    }
    groups.push_back(static_cast<std::uint16_t>(group));
    if (colon == std::string_view::npos) return true;
    s.remove_prefix(colon + 1);
  }
}

std::string FormatIpv4(u128 address) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (!out.empty()) out += '.';
    out += std::to_string(static_cast<unsigned>((address >> shift) & 0xff));
  }
  return out;
}

std::string FormatIpv6(u128 address) {
  std::uint16_t groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = static_cast<std::uint16_t>(address >> (112 - 16 * i));
  }
  // RFC 5952 section 5: an IPv4-mapped address ends in a dotted quad.
  const bool mapped = (address >> 32) == (kMappedPrefix >> 32);
  const int hex_groups = mapped ? 6 : 8;

  // RFC 5952 section 4.2: the longest run of two or more zero groups becomes
  // "::"; on a tie, the first run.
  int best = -1;
  int best_len = 1;
  for (int i = 0; i < hex_groups;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < hex_groups && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }

  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < hex_groups;) {
    if (i == best) {
      out += "::";
      i += best_len;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (groups[i] >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out += kHex[nibble];
        started = true;
      }
    }
    ++i;
  }
  if (mapped) {
    if (out.back() != ':') out += ':';
    out += FormatIpv4(address & kIpv4Max);
  }
  return out;
}

}  // namespace

const char* FamilyName(Family f) {
  switch (f) {
    case Family::kIpv4: return "ipv4";
    case Family::kIpv6: return "ipv6";
  }
  return "?";
}

u128 MaxAddress(Family f) { return f == Family::kIpv4 ? kIpv4Max : kAllOnes; }

int AddressBits(Family f) { return f == Family::kIpv4 ? 32 : 128; }

u128 Cidr::First() const { return address & ~HostMask(family, prefix) & MaxAddress(family); }

u128 Cidr::Last() const { return First() | HostMask(family, prefix); }

std::optional<u128> ParseIpv4(std::string_view text) {
  u128 value = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
    auto octet = ParseDecimal(text.substr(0, dot), 255);
    if (!octet) return std::nullopt;
    value = value << 8 | *octet;
    if (i < 3) text.remove_prefix(dot + 1);
  }
  return value;
}

std::optional<u128> ParseIpv6(std::string_view text) {
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!ParseGroups(text, true, head) || head.size() != 8) return std::nullopt;
  } else {
    // "::" stands for one or more zero groups, and appears at most once; a
    // second one, or a ":::" , leaves an empty piece that ParseGroups refuses.
    if (!ParseGroups(text.substr(0, gap), false, head)) return std::nullopt;
    if (!ParseGroups(text.substr(gap + 2), true, tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
  }
  u128 value = 0;
  for (auto g : head) value = value << 16 | g;
  for (size_t i = head.size() + tail.size(); i < 8; ++i) value <<= 16;
  for (auto g : tail) value = value << 16 | g;
  return value;
}

std::optional<u128> ParseAddress(Family f, std::string_view text) {
  return f == Family::kIpv4 ? ParseIpv4(text) : ParseIpv6(text);
}

std::optional<Cidr> ParseCidr(Family f, std::string_view text) {
  size_t slash = text.find('/');
  auto address = ParseAddress(f, text.substr(0, slash));
  if (!address) return std::nullopt;
  Cidr c{f, *address, AddressBits(f)};
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    if (f == Family::kIpv4 && len.find('.') != std::string_view::npos) {
      auto mask = ParseIpv4(len);
      if (!mask) return std::nullopt;
      u128 host = ~*mask & kIpv4Max;
      if ((host & (host + 1)) != 0) return std::nullopt;  // not of the form 1..10..0
      c.prefix = 32 - BitWidth(host);
    } else {
      auto prefix = ParseDecimal(len, static_cast<unsigned>(AddressBits(f)));
      if (!prefix) return std::nullopt;
      c.prefix = static_cast<int>(*prefix);
    }
  }
  c.address = c.First();
  return c;
}

std::string FormatAddress(Family f, u128 address) {
  assert(address <= MaxAddress(f));
  return f == Family::kIpv4 ? FormatIpv4(address) : FormatIpv6(address);
}

std::string FormatCidr(const Cidr& c) {
  std::string out = FormatAddress(c.family, c.address);
  if (c.prefix != AddressBits(c.family)) {
    out += '/';
    out += std::to_string(c.prefix);
  }
  return out;
}

// Within one interval, the largest aligned block starting at the low end is
// always part of a minimal cover, so a left-to-right greedy walk is optimal;
// the set's intervals are separated by gaps, so no block can serve two of
// them. The walk costs at most 2 * bits blocks per interval.
std::vector<Cidr> MinimalCidrCover(Family f, const IntervalSet<u128>& set) {
  const int bits = AddressBits(f);
  const u128 max = MaxAddress(f);
  std::vector<Cidr> out;
  for (const auto& iv : set.intervals()) {
    assert(iv.hi <= max);
    u128 lo = iv.lo;
    for (;;) {
      int align = lo == 0 ? bits : std::min(bits, CountTrailingZeros(lo));
      u128 span = iv.hi - lo;  // the block count minus one; no overflow
      int fit = span == max ? bits : BitWidth(span + 1) - 1;
      int host_bits = std::min(align, fit);
      out.push_back(Cidr{f, lo, bits - host_bits});
      u128 last = lo + HostMask(f, bits - host_bits);
      if (last == iv.hi) break;  // never steps past the family's top address
      lo = last + 1;
    }
  }
  return out;
}

}  // namespace ghostport::rules
