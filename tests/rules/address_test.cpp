#include "rules/address.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ghostport::rules {
namespace {

constexpr u128 kV6Max = ~u128{0};
constexpr u128 kV4Max = 0xffffffffu;

u128 V6(std::uint64_t high, std::uint64_t low) { return u128{high} << 64 | low; }

u128 V4(unsigned a, unsigned b, unsigned c, unsigned d) { return u128{a << 24 | b << 16 | c << 8 | d}; }

// Fixed-width hex, independent of the formatting under test.
std::string Hex(u128 v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(32, '0');
  for (int i = 31; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kDigits[static_cast<int>(v & 0xf)];
  return s;
}

std::string Parsed(std::optional<u128> v) { return v ? Hex(*v) : "(rejected)"; }

std::string Show(const std::optional<Cidr>& c) {
  if (!c) return "(rejected)";
  return std::string(FamilyName(c->family)) + " " + Hex(c->address) + "/" + std::to_string(c->prefix);
}

std::string Show(Family f, const std::vector<Cidr>& cover) {
  std::string s;
  for (const auto& c : cover) {
    BOOST_TEST((c.family == f));
    if (!s.empty()) s += ' ';
    s += FormatCidr(c);
  }
  return s;
}

Cidr MakeCidr(Family f, u128 address, int prefix) { return Cidr{f, address, prefix}; }

// Reference minimal cover: walk the binary trie of prefixes; a node fully
// inside the set is one block, a node disjoint from it none, otherwise its
// two halves. The maximal full nodes form the unique minimal CIDR cover.
void ReferenceCover(Family f, const IntervalSet<u128>& set, u128 first, int prefix,
                    std::vector<Cidr>& out) {
  const int bits = AddressBits(f);
  Cidr node{f, first, prefix};
  auto part = set.Intersect(IntervalSet<u128>::Range(node.First(), node.Last()));
  if (part.empty()) return;
  if (part.IsRange(node.First(), node.Last())) {
    out.push_back(node);
    return;
  }
  BOOST_TEST_REQUIRE(prefix < bits);
  ReferenceCover(f, set, first, prefix + 1, out);
  ReferenceCover(f, set, first | u128{1} << (bits - prefix - 1), prefix + 1, out);
}

// Checks that `cover` is exactly `set` (aligned, disjoint blocks whose union
// is the set) and that it equals the reference minimal cover rooted at
// `root` (a block containing the whole set).
void CheckCover(Family f, const IntervalSet<u128>& set, const Cidr& root) {
  auto cover = MinimalCidrCover(f, set);
  std::vector<Interval<u128>> blocks;
  for (const auto& c : cover) {
    BOOST_TEST_REQUIRE((c.family == f));
    BOOST_TEST_REQUIRE(c.prefix >= 0);
    BOOST_TEST_REQUIRE(c.prefix <= AddressBits(f));
    BOOST_TEST_REQUIRE((c.address == c.First()));  // aligned: host bits zero
    blocks.push_back({c.First(), c.Last()});
  }
  for (size_t i = 1; i < blocks.size(); ++i) {
    BOOST_TEST_REQUIRE((blocks[i - 1].hi < blocks[i].lo));  // ordered, disjoint
  }
  BOOST_TEST_REQUIRE((IntervalSet<u128>::FromIntervals(blocks) == set));
  std::vector<Cidr> reference;
  ReferenceCover(f, set, root.First(), root.prefix, reference);
  BOOST_TEST(cover.size() == reference.size());
  BOOST_TEST(Show(f, cover) == Show(f, reference));
}

// A random set of runs inside a block of 2^8 addresses starting at `base`.
IntervalSet<u128> RandomSetIn(u128 base, std::mt19937_64& rng) {
  std::vector<Interval<u128>> pieces;
  int runs = static_cast<int>(rng() % 6);
  for (int r = 0; r < runs; ++r) {
    u128 lo = rng() % 256;
    u128 len = 1 + rng() % (rng() % 3 == 0 ? 256 : 20);
    u128 hi = std::min<u128>(255, lo + len - 1);
    pieces.push_back({base + lo, base + hi});
  }
  return IntervalSet<u128>::FromIntervals(pieces);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(address)

// ---- Families and prefixes ----------------------------------------------

BOOST_AUTO_TEST_CASE(family_names_bits_and_max_addresses) {
  BOOST_TEST(std::string(FamilyName(Family::kIpv4)) == "ipv4");
  BOOST_TEST(std::string(FamilyName(Family::kIpv6)) == "ipv6");
  BOOST_TEST(AddressBits(Family::kIpv4) == 32);
  BOOST_TEST(AddressBits(Family::kIpv6) == 128);
  BOOST_TEST(Hex(MaxAddress(Family::kIpv4)) == Hex(kV4Max));
  BOOST_TEST(Hex(MaxAddress(Family::kIpv6)) == Hex(kV6Max));
}

BOOST_AUTO_TEST_CASE(cidr_first_and_last_of_a_network) {
  Cidr c = MakeCidr(Family::kIpv4, V4(10, 1, 0, 0), 16);
  BOOST_TEST(Hex(c.First()) == Hex(V4(10, 1, 0, 0)));
  BOOST_TEST(Hex(c.Last()) == Hex(V4(10, 1, 255, 255)));
}

BOOST_AUTO_TEST_CASE(cidr_whole_space_ends_at_family_max_without_overflow) {
  BOOST_TEST(Hex(MakeCidr(Family::kIpv4, 0, 0).First()) == Hex(0));
  BOOST_TEST(Hex(MakeCidr(Family::kIpv4, 0, 0).Last()) == Hex(kV4Max));
  BOOST_TEST(Hex(MakeCidr(Family::kIpv6, 0, 0).First()) == Hex(0));
  BOOST_TEST(Hex(MakeCidr(Family::kIpv6, 0, 0).Last()) == Hex(kV6Max));
}

BOOST_AUTO_TEST_CASE(cidr_host_prefix_is_one_address) {
  Cidr v4 = MakeCidr(Family::kIpv4, kV4Max, 32);
  BOOST_TEST(Hex(v4.First()) == Hex(kV4Max));
  BOOST_TEST(Hex(v4.Last()) == Hex(kV4Max));
  Cidr v6 = MakeCidr(Family::kIpv6, kV6Max, 128);
  BOOST_TEST(Hex(v6.First()) == Hex(kV6Max));
  BOOST_TEST(Hex(v6.Last()) == Hex(kV6Max));
}

BOOST_AUTO_TEST_CASE(cidr_upper_half_of_ipv6_space) {
  Cidr c = MakeCidr(Family::kIpv6, u128{1} << 127, 1);
  BOOST_TEST(Hex(c.First()) == Hex(u128{1} << 127));
  BOOST_TEST(Hex(c.Last()) == Hex(kV6Max));
}

// ---- IPv4 parsing ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(parse_ipv4_accepts_dotted_quads) {
  BOOST_TEST(Parsed(ParseIpv4("0.0.0.0")) == Hex(0));
  BOOST_TEST(Parsed(ParseIpv4("255.255.255.255")) == Hex(kV4Max));
  BOOST_TEST(Parsed(ParseIpv4("192.168.1.10")) == Hex(V4(192, 168, 1, 10)));
  BOOST_TEST(Parsed(ParseIpv4("10.0.0.1")) == Hex(V4(10, 0, 0, 1)));
  BOOST_TEST(Parsed(ParseIpv4("1.20.100.0")) == Hex(V4(1, 20, 100, 0)));
}

BOOST_AUTO_TEST_CASE(parse_ipv4_rejects_everything_but_a_strict_dotted_quad) {
  for (const char* bad : {"", "1", "1.2", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256",
                          "1.2.3.1000", "1.2.3.-1", "+1.2.3.4", "1.+2.3.4", " 1.2.3.4",
                          "1.2.3.4 ", "1. 2.3.4", "1..2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.",
                          "0x1.2.3.4", "0x01020304", "16909060", "a.b.c.d", "1.2.3.4/24",
                          "01.2.3.4", "1.2.3.04", "010.0.0.1", "00.0.0.0", "1.2.3.4%eth0",
                          "::1", "1,2,3,4", "1.2.3.4\n"}) {
    BOOST_TEST_CONTEXT("input \"" << bad << "\"") {
      BOOST_TEST(Parsed(ParseIpv4(bad)) == "(rejected)");
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_ipv4_stops_at_embedded_nul) {
  using namespace std::string_view_literals;
  BOOST_TEST(Parsed(ParseIpv4("1.2.3.4\0"sv)) == "(rejected)");
}

// ---- IPv6 parsing ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(parse_ipv6_accepts_rfc4291_text_forms) {
  struct Case {
    const char* text;
    u128 value;
  };
  const Case cases[] = {
      {"::", 0},
      {"::1", 1},
      {"1::", V6(0x0001000000000000, 0)},
      {"2001:DB8:0:0:8:800:200C:417A", V6(0x20010db800000000, 0x00080800200c417a)},
      {"2001:db8::8:800:200c:417a", V6(0x20010db800000000, 0x00080800200c417a)},
      {"FF01:0:0:0:0:0:0:101", V6(0xff01000000000000, 0x0000000000000101)},
      {"ff01::101", V6(0xff01000000000000, 0x0000000000000101)},
      {"0:0:0:0:0:0:0:1", 1},
      {"0:0:0:0:0:0:0:0", 0},
      {"0001:0db8:0000:0000:0000:0000:0000:0001", V6(0x00010db800000000, 1)},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kV6Max},
      {"1:2:3:4:5:6:7::", V6(0x0001000200030004, 0x0005000600070000)},
      {"::2:3:4:5:6:7:8", V6(0x0000000200030004, 0x0005000600070008)},
      {"1::8", V6(0x0001000000000000, 8)},
      {"1:2::7:8", V6(0x0001000200000000, 0x0000000000070008)},
      {"::ffff:1.2.3.4", V6(0, 0x0000ffff01020304)},
      {"::FFFF:129.144.52.38", V6(0, 0x0000ffff81903426)},
      {"::13.1.68.3", V6(0, 0x000000000d014403)},
      {"0:0:0:0:0:0:13.1.68.3", V6(0, 0x000000000d014403)},
      {"1:2:3:4:5:6:1.2.3.4", V6(0x0001000200030004, 0x0005000601020304)},
      {"1::1.2.3.4", V6(0x0001000000000000, 0x0000000001020304)},
      {"64:ff9b::192.0.2.33", V6(0x0064ff9b00000000, 0x00000000c0000221)},
      {"fe80::1", V6(0xfe80000000000000, 1)},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input \"" << c.text << "\"") {
      BOOST_TEST(Parsed(ParseIpv6(c.text)) == Hex(c.value));
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_ipv6_rejects_malformed_text) {
  for (const char* bad :
       {"", ":", ":::", "::::", "1:::2", "1::2::3", "::1::", ":1::", ":1:2:3:4:5:6:7:8", "1::2:",
        "1:2:3:4:5:6:7:8:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "12345::", "00001::", "g::", "::g", "-1::",
        "+1::", "fe80::1%eth0", "fe80::1%1", "[::1]", "::1/128", " ::1", "::1 ", "1 ::",
        "::ffff:1.2.3", "::ffff:256.1.1.1", "::ffff:01.2.3.4", "1.2.3.4::", "1.2.3.4",
        "::1.2.3.4:5", "1.2.3.4:1::", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:1.2.3.4",
        "1:2:3:4:5:6::1.2.3.4", "::1.2.3.4.5", "0x1::", "1:2:3:4:5:6:7:8:1.2.3.4"}) {
    BOOST_TEST_CONTEXT("input \"" << bad << "\"") {
      BOOST_TEST(Parsed(ParseIpv6(bad)) == "(rejected)");
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_address_uses_the_family_syntax) {
  BOOST_TEST(Parsed(ParseAddress(Family::kIpv4, "10.0.0.1")) == Hex(V4(10, 0, 0, 1)));
  BOOST_TEST(Parsed(ParseAddress(Family::kIpv4, "::1")) == "(rejected)");
  BOOST_TEST(Parsed(ParseAddress(Family::kIpv6, "::1")) == Hex(1));
  BOOST_TEST(Parsed(ParseAddress(Family::kIpv6, "10.0.0.1")) == "(rejected)");
}

// ---- CIDR parsing ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(parse_cidr_accepts_prefix_lengths) {
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.0.0.0/8")) == Show(MakeCidr(Family::kIpv4, V4(10, 0, 0, 0), 8)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "0.0.0.0/0")) == Show(MakeCidr(Family::kIpv4, 0, 0)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "192.168.1.7/32")) ==
             Show(MakeCidr(Family::kIpv4, V4(192, 168, 1, 7), 32)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "2001:db8::/32")) ==
             Show(MakeCidr(Family::kIpv6, V6(0x20010db800000000, 0), 32)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "::/0")) == Show(MakeCidr(Family::kIpv6, 0, 0)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "::1/128")) == Show(MakeCidr(Family::kIpv6, 1, 128)));
}

BOOST_AUTO_TEST_CASE(parse_cidr_bare_address_is_host_prefix) {
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.1.2.3")) == Show(MakeCidr(Family::kIpv4, V4(10, 1, 2, 3), 32)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "2001:db8::1")) ==
             Show(MakeCidr(Family::kIpv6, V6(0x20010db800000000, 1), 128)));
}

BOOST_AUTO_TEST_CASE(parse_cidr_clears_host_bits) {
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.1.2.3/8")) == Show(MakeCidr(Family::kIpv4, V4(10, 0, 0, 0), 8)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "255.255.255.255/1")) ==
             Show(MakeCidr(Family::kIpv4, V4(128, 0, 0, 0), 1)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "1.2.3.4/0")) == Show(MakeCidr(Family::kIpv4, 0, 0)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "2001:db8:ffff::1/32")) ==
             Show(MakeCidr(Family::kIpv6, V6(0x20010db800000000, 0), 32)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "::ffff:1.2.3.4/96")) ==
             Show(MakeCidr(Family::kIpv6, V6(0, 0x0000ffff00000000), 96)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127")) ==
             Show(MakeCidr(Family::kIpv6, kV6Max - 1, 127)));
}

BOOST_AUTO_TEST_CASE(parse_cidr_accepts_contiguous_ipv4_netmask) {
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.0.0.0/255.0.0.0")) ==
             Show(MakeCidr(Family::kIpv4, V4(10, 0, 0, 0), 8)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.1.2.3/255.255.255.255")) ==
             Show(MakeCidr(Family::kIpv4, V4(10, 1, 2, 3), 32)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.1.2.3/0.0.0.0")) == Show(MakeCidr(Family::kIpv4, 0, 0)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "192.168.77.200/255.255.254.0")) ==
             Show(MakeCidr(Family::kIpv4, V4(192, 168, 76, 0), 23)));
  BOOST_TEST(Show(ParseCidr(Family::kIpv4, "10.0.0.0/128.0.0.0")) ==
             Show(MakeCidr(Family::kIpv4, 0, 1)));
}

BOOST_AUTO_TEST_CASE(parse_cidr_rejects_malformed_prefixes) {
  struct Case {
    Family family;
    const char* text;
  };
  const Case cases[] = {
      {Family::kIpv4, ""},
      {Family::kIpv4, "/"},
      {Family::kIpv4, "/8"},
      {Family::kIpv4, "10.0.0.0/"},
      {Family::kIpv4, "10.0.0.0/33"},
      {Family::kIpv4, "10.0.0.0/100"},
      {Family::kIpv4, "10.0.0.0/4294967304"},
      {Family::kIpv4, "10.0.0.0/-1"},
      {Family::kIpv4, "10.0.0.0/+8"},
      {Family::kIpv4, "10.0.0.0/ 8"},
      {Family::kIpv4, "10.0.0.0 /8"},
      {Family::kIpv4, "10.0.0.0/8 "},
      {Family::kIpv4, "10.0.0.0/08"},
      {Family::kIpv4, "10.0.0.0/8/8"},
      {Family::kIpv4, "10.0.0.0/0x8"},
      {Family::kIpv4, "10.0.0.0/255.0.255.0"},
      {Family::kIpv4, "10.0.0.0/0.255.255.255"},
      {Family::kIpv4, "10.0.0.0/255.255.255.253"},
      {Family::kIpv4, "10.0.0.0/255.0.0"},
      {Family::kIpv4, "10.0.0.0/256.0.0.0"},
      {Family::kIpv4, "10.0.0/8"},
      {Family::kIpv4, "::/0"},
      {Family::kIpv6, "2001:db8::/129"},
      {Family::kIpv6, "2001:db8::/"},
      {Family::kIpv6, "/64"},
      {Family::kIpv6, "2001:db8::/ffff:ffff::"},
      {Family::kIpv6, "2001:db8::/255.0.0.0"},
      {Family::kIpv6, "2001:db8::/064"},
      {Family::kIpv6, "fe80::1%eth0/64"},
      {Family::kIpv6, "10.0.0.0/8"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(FamilyName(c.family) << " input \"" << c.text << "\"") {
      BOOST_TEST(Show(ParseCidr(c.family, c.text)) == "(rejected)");
    }
  }
}

// ---- Formatting ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(format_ipv4_is_dotted_decimal) {
  BOOST_TEST(FormatAddress(Family::kIpv4, 0) == "0.0.0.0");
  BOOST_TEST(FormatAddress(Family::kIpv4, kV4Max) == "255.255.255.255");
  BOOST_TEST(FormatAddress(Family::kIpv4, V4(10, 0, 20, 3)) == "10.0.20.3");
}

BOOST_AUTO_TEST_CASE(format_ipv6_follows_rfc5952_examples) {
  struct Case {
    const char* text;  // any valid spelling
    const char* canonical;
  };
  const Case cases[] = {
      // 4.1: leading zeros suppressed.
      {"2001:0db8::0001", "2001:db8::1"},
      // 4.2.1: "::" as long as possible.
      {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},
      {"2001:db8::0:1", "2001:db8::1"},
      // 4.2.2: one zero group is not shortened.
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      {"2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      // 4.2.3: the longest run, the first one on a tie.
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      // 4.3: lowercase.
      {"2001:DB8::AbCd", "2001:db8::abcd"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"},
      // Section 5: IPv4-mapped addresses end in a dotted quad.
      {"::ffff:c000:0280", "::ffff:192.0.2.128"},
      {"0:0:0:0:0:ffff:192.0.2.1", "::ffff:192.0.2.1"},
      {"::ffff:0:0", "::ffff:0.0.0.0"},
      {"::ffff:ffff:ffff", "::ffff:255.255.255.255"},
      // Not mapped: hexadecimal.
      {"::1.2.3.4", "::102:304"},
      {"::fffe:102:304", "::fffe:102:304"},
      {"1::ffff:102:304", "1::ffff:102:304"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      // Runs at either end and the extremes.
      {"0:0:0:0:0:0:0:0", "::"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1:0:0:0:0:0:0:0", "1::"},
      {"1:2:3:4:5:6:0:0", "1:2:3:4:5:6::"},
      {"0:0:3:4:5:6:7:8", "::3:4:5:6:7:8"},
      {"1:0:3:4:5:6:7:0", "1:0:3:4:5:6:7:0"},
      {"0:0:1:0:0:0:1:0", "0:0:1::1:0"},
      {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
      {"fe80:0000:0000:0000:0204:61ff:fe9d:f156", "fe80::204:61ff:fe9d:f156"},
      {"0010:0100:1000:0001::", "10:100:1000:1::"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input \"" << c.text << "\"") {
      auto v = ParseIpv6(c.text);
      BOOST_TEST_REQUIRE(v.has_value());
      BOOST_TEST(FormatAddress(Family::kIpv6, *v) == c.canonical);
    }
  }
}

BOOST_AUTO_TEST_CASE(format_ipv6_round_trips_random_addresses) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 5000; ++round) {
    // Random groups, many of them zero so that runs of all lengths occur.
    u128 v = 0;
    for (int g = 0; g < 8; ++g) {
      std::uint64_t group = rng() % 3 == 0 ? rng() & 0xffff : 0;
      if (group != 0 && rng() % 4 == 0) group &= 0xf;
      v = v << 16 | group;
    }
    if (round % 10 == 0) v = (v & 0xffffffff) | u128{0xffff} << 32;  // mapped
    std::string text = FormatAddress(Family::kIpv6, v);
    BOOST_TEST_CONTEXT("value " << Hex(v) << " text " << text) {
      BOOST_TEST(Parsed(ParseIpv6(text)) == Hex(v));
      BOOST_TEST(text.find(":::") == std::string::npos);
      BOOST_TEST(text.find("::") == text.rfind("::"));  // at most one "::"
      BOOST_TEST(text.find_first_of("ABCDEF") == std::string::npos);
      // Some run of two or more zero groups exists exactly when "::" is used.
      bool has_zero_run = false;
      for (int g = 0; g < 7; ++g) {
        int limit = text.find('.') == std::string::npos ? 7 : 5;
        if (g < limit && ((v >> (112 - 16 * g)) & 0xffff) == 0 && ((v >> (96 - 16 * g)) & 0xffff) == 0) {
          has_zero_run = true;
        }
      }
      BOOST_TEST(has_zero_run == (text.find("::") != std::string::npos));
      // No hexadecimal group has a leading zero.
      std::string hex_part = text.substr(0, text.find('.') == std::string::npos ? text.size() : text.rfind(':') + 1);
      for (size_t i = 0; i + 1 < hex_part.size(); ++i) {
        bool starts_group = i == 0 || hex_part[i - 1] == ':';
        if (starts_group && hex_part[i] == '0') BOOST_TEST_REQUIRE(hex_part[i + 1] == ':');
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(format_cidr_prints_host_prefixes_bare) {
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv4, V4(10, 1, 2, 3), 32)) == "10.1.2.3");
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv6, V6(0x20010db800000000, 1), 128)) == "2001:db8::1");
}

BOOST_AUTO_TEST_CASE(format_cidr_prints_networks_with_length) {
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv4, V4(10, 0, 0, 0), 8)) == "10.0.0.0/8");
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv4, 0, 0)) == "0.0.0.0/0");
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv4, V4(10, 0, 0, 0), 31)) == "10.0.0.0/31");
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv6, 0, 0)) == "::/0");
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv6, V6(0x20010db800000000, 0), 32)) == "2001:db8::/32");
  BOOST_TEST(FormatCidr(MakeCidr(Family::kIpv6, V6(0, 0x0000ffff00000000), 96)) == "::ffff:0.0.0.0/96");
}

BOOST_AUTO_TEST_CASE(parse_then_format_cidr_is_canonical) {
  BOOST_TEST(FormatCidr(*ParseCidr(Family::kIpv4, "10.9.8.7/255.255.0.0")) == "10.9.0.0/16");
  BOOST_TEST(FormatCidr(*ParseCidr(Family::kIpv6, "2001:DB8:0:0:1::/64")) == "2001:db8::/64");
}

// ---- Minimal CIDR cover ---------------------------------------------------

BOOST_AUTO_TEST_CASE(cover_of_empty_set_is_empty) {
  BOOST_TEST(MinimalCidrCover(Family::kIpv4, {}).empty());
  BOOST_TEST(MinimalCidrCover(Family::kIpv6, {}).empty());
}

BOOST_AUTO_TEST_CASE(cover_of_whole_ipv4_space_is_one_block) {
  BOOST_TEST(Show(Family::kIpv4, MinimalCidrCover(Family::kIpv4, IntervalSet<u128>::All(kV4Max))) ==
             "0.0.0.0/0");
}

BOOST_AUTO_TEST_CASE(cover_of_whole_ipv6_space_is_one_block) {
  BOOST_TEST(Show(Family::kIpv6, MinimalCidrCover(Family::kIpv6, IntervalSet<u128>::All())) == "::/0");
}

BOOST_AUTO_TEST_CASE(cover_of_top_addresses_stops_at_family_max) {
  BOOST_TEST(Show(Family::kIpv4, MinimalCidrCover(Family::kIpv4, IntervalSet<u128>::Single(kV4Max))) ==
             "255.255.255.255");
  BOOST_TEST(Show(Family::kIpv4,
                  MinimalCidrCover(Family::kIpv4, IntervalSet<u128>::Range(V4(255, 255, 255, 253), kV4Max))) ==
             "255.255.255.253 255.255.255.254/31");
  BOOST_TEST(Show(Family::kIpv6, MinimalCidrCover(Family::kIpv6, IntervalSet<u128>::Single(kV6Max))) ==
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  BOOST_TEST(Show(Family::kIpv6,
                  MinimalCidrCover(Family::kIpv6, IntervalSet<u128>::Range(u128{1} << 127, kV6Max))) ==
             "8000::/1");
}

BOOST_AUTO_TEST_CASE(cover_of_everything_but_zero_has_one_block_per_bit) {
  auto v4 = MinimalCidrCover(Family::kIpv4, IntervalSet<u128>::Range(1, kV4Max));
  BOOST_TEST(v4.size() == 32u);
  BOOST_TEST(FormatCidr(v4.front()) == "0.0.0.1");
  BOOST_TEST(FormatCidr(v4.back()) == "128.0.0.0/1");
  auto v6 = MinimalCidrCover(Family::kIpv6, IntervalSet<u128>::Range(1, kV6Max));
  BOOST_TEST(v6.size() == 128u);
  BOOST_TEST(FormatCidr(v6.back()) == "8000::/1");
  auto v6_low = MinimalCidrCover(Family::kIpv6, IntervalSet<u128>::Range(0, kV6Max - 1));
  BOOST_TEST(v6_low.size() == 128u);
  BOOST_TEST(FormatCidr(v6_low.front()) == "::/1");
  BOOST_TEST(FormatCidr(v6_low.back()) == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
}

BOOST_AUTO_TEST_CASE(cover_of_unaligned_range_uses_largest_aligned_blocks) {
  auto set = IntervalSet<u128>::Range(V4(10, 0, 0, 1), V4(10, 0, 0, 6));
  BOOST_TEST(Show(Family::kIpv4, MinimalCidrCover(Family::kIpv4, set)) ==
             "10.0.0.1 10.0.0.2/31 10.0.0.4/31 10.0.0.6");
  auto wide = IntervalSet<u128>::Range(V4(10, 0, 0, 0), V4(10, 0, 2, 255));
  BOOST_TEST(Show(Family::kIpv4, MinimalCidrCover(Family::kIpv4, wide)) == "10.0.0.0/23 10.0.2.0/24");
}

BOOST_AUTO_TEST_CASE(cover_of_several_intervals_is_per_interval) {
  auto set = IntervalSet<u128>::FromIntervals(
      {{V4(10, 0, 0, 0), V4(10, 255, 255, 255)}, {V4(192, 168, 0, 0), V4(192, 168, 255, 255)}});
  BOOST_TEST(Show(Family::kIpv4, MinimalCidrCover(Family::kIpv4, set)) == "10.0.0.0/8 192.168.0.0/16");
}

BOOST_AUTO_TEST_CASE(cover_crosses_the_64_bit_boundary_of_ipv6) {
  const u128 two64 = u128{1} << 64;
  auto set = IntervalSet<u128>::Range(two64 - 2, two64 + 1);
  BOOST_TEST(Show(Family::kIpv6, MinimalCidrCover(Family::kIpv6, set)) ==
             "::ffff:ffff:ffff:fffe/127 0:0:0:1::/127");
  CheckCover(Family::kIpv6, set, MakeCidr(Family::kIpv6, 0, 0));
}

BOOST_AUTO_TEST_CASE(random_covers_are_exact_and_minimal) {
  std::mt19937_64 rng(13);
  struct Place {
    Family family;
    u128 base;  // a block of 256 addresses
  };
  const Place places[] = {
      {Family::kIpv4, 0},
      {Family::kIpv4, V4(10, 20, 30, 0)},
      {Family::kIpv4, kV4Max - 255},
      {Family::kIpv6, 0},
      {Family::kIpv6, (u128{1} << 64) - 128},  // straddles 2^64
      {Family::kIpv6, kV6Max - 255},
  };
  for (const auto& p : places) {
    // Root the reference trie at the smallest block holding all 256 addresses.
    Cidr root = MakeCidr(p.family, p.base & ~u128{255}, AddressBits(p.family) - 8);
    if ((p.base & 255) != 0) root = MakeCidr(p.family, 0, 0);
    for (int round = 0; round < 300; ++round) {
      auto set = RandomSetIn(p.base, rng);
      BOOST_TEST_CONTEXT(FamilyName(p.family) << " base " << Hex(p.base) << " round " << round) {
        CheckCover(p.family, set, root);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(random_sets_with_huge_intervals_cover_exactly) {
  // Intervals spanning most of the IPv6 space, including both ends.
  std::mt19937_64 rng(17);
  for (int round = 0; round < 200; ++round) {
    std::vector<Interval<u128>> pieces;
    for (int i = 0; i < 3; ++i) {
      u128 a = V6(rng(), rng());
      u128 b = V6(rng(), rng());
      if (round % 3 == 0) a = 0;
      if (round % 5 == 0) b = kV6Max;
      pieces.push_back({std::min(a, b), std::max(a, b)});
    }
    auto set = IntervalSet<u128>::FromIntervals(pieces);
    auto cover = MinimalCidrCover(Family::kIpv6, set);
    std::vector<Interval<u128>> blocks;
    for (const auto& c : cover) blocks.push_back({c.First(), c.Last()});
    BOOST_TEST_REQUIRE((IntervalSet<u128>::FromIntervals(blocks) == set));
    BOOST_TEST(cover.size() <= 2 * 128 * set.intervals().size());
    // Minimal: no two blocks of the cover are the halves of one block.
    for (size_t i = 1; i < cover.size(); ++i) {
      const Cidr& a = cover[i - 1];
      const Cidr& b = cover[i];
      bool siblings = a.prefix == b.prefix && a.prefix > 0 && a.Last() + 1 == b.First() &&
                      Cidr{Family::kIpv6, a.First(), a.prefix - 1}.First() == a.First();
      BOOST_TEST_REQUIRE(!siblings);
    }
  }
}

BOOST_AUTO_TEST_CASE(cover_of_many_intervals_is_one_block_per_aligned_interval) {
  std::vector<Interval<u128>> pieces;
  for (u128 i = 0; i < 20000; ++i) pieces.push_back({i * 256, i * 256 + 127});
  auto cover = MinimalCidrCover(Family::kIpv4, IntervalSet<u128>::FromIntervals(pieces));
  BOOST_TEST(cover.size() == 20000u);
  BOOST_TEST(FormatCidr(cover.back()) == "0.78.31.0/25");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::rules
