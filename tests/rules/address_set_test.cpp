#include "rules/address_set.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ghostport::rules {
namespace {

using Values = AddressSet::Values;

constexpr u128 kV4Max = 0xffffffffu;
constexpr u128 kV6Max = ~u128{0};

u128 V4(unsigned a, unsigned b, unsigned c, unsigned d) { return u128{a << 24 | b << 16 | c << 8 | d}; }

std::string Show(Family f, const Values& v) {
  std::string s = "{";
  for (const auto& i : v.intervals()) {
    if (s.size() > 1) s += ' ';
    s += FormatAddress(f, i.lo);
    if (i.hi != i.lo) s += "-" + FormatAddress(f, i.hi);
  }
  return s + "}";
}

std::string Show(const AddressSet& s) { return Show(s.family(), s.Materialize()); }

Values Ranges(std::initializer_list<std::pair<u128, u128>> pairs) {
  std::vector<Interval<u128>> iv;
  for (auto [lo, hi] : pairs) iv.push_back({lo, hi});
  return Values::FromIntervals(iv);
}

AddressSet Cidr4(const char* text) { return AddressSet::OfCidr(*ParseCidr(Family::kIpv4, text)); }

// Every other address from `first`: `count` single-address intervals.
Values Comb(u128 first, int count) {
  std::vector<Interval<u128>> iv;
  for (int i = 0; i < count; ++i) iv.push_back({first + 2 * u128(i), first + 2 * u128(i)});
  return Values::FromIntervals(iv);
}

// Checks a set against the expected exact values, through every query.
void CheckEquals(const AddressSet& s, const Values& expected, const std::vector<u128>& probes) {
  const Family f = s.family();
  BOOST_TEST(Show(s) == Show(f, expected));
  BOOST_TEST(s.empty() == expected.empty());
  BOOST_TEST(s.IsAll() == expected.IsAll(MaxAddress(f)));
  auto eager = AddressSet::Of(f, expected);
  BOOST_TEST((s == eager));
  BOOST_TEST((eager == s));
  BOOST_TEST(!(s < eager));
  BOOST_TEST(!(eager < s));
  for (u128 p : probes) BOOST_TEST_REQUIRE(s.Contains(p) == expected.Contains(p));
}

// ---- Randomized model -----------------------------------------------------

struct Entry {
  AddressSet set;
  Values values;  // what `set` must hold, computed with IntervalSet alone
};

// Random sets within two windows of 8192 addresses, at the bottom and the
// top of the family's space: "big" ones with hundreds of intervals (so that
// differences may stay lazy) and "small" ones with a few.
struct Model {
  Family family;
  u128 windows[2];
  std::mt19937_64 rng;

  u128 Point() {
    u128 offset = rng() % 8192;
    return windows[rng() % 2] + offset;
  }

  Values Random(int intervals) {
    std::vector<Interval<u128>> iv;
    for (int i = 0; i < intervals; ++i) {
      u128 lo = Point();
      u128 len = rng() % 4 == 0 ? rng() % 64 : rng() % 8;
      u128 hi = lo + len;
      if (hi < lo || hi > MaxAddress(family)) hi = MaxAddress(family);
      iv.push_back({lo, hi});
    }
    return Values::FromIntervals(iv);
  }

  std::vector<u128> Probes() {
    std::vector<u128> out = {0, 1, MaxAddress(family), MaxAddress(family) - 1, u128{1} << 31};
    for (int i = 0; i < 40; ++i) out.push_back(Point());
    return out;
  }
};

void RunRandomizedLazyModel(Family family, std::uint64_t seed) {
  const u128 max = MaxAddress(family);
  Model m{family, {0, max - 8191}, std::mt19937_64(seed)};
  // Three pools: fixed seed sets, derived eager sets and derived lazy sets.
  // Operands are drawn from each a third of the time, so lazy sets are used
  // as often as eager ones.
  std::vector<Entry> seeds;
  auto add = [&](Values v) { seeds.push_back({AddressSet::Of(family, v), v}); };
  add(Values{});
  add(Values::All(max));
  for (int i = 0; i < 4; ++i) add(m.Random(600));
  for (int i = 0; i < 4; ++i) add(Values::All(max).Subtract(m.Random(400)));
  for (int i = 0; i < 4; ++i) add(m.Random(2));
  std::vector<Entry> eager;
  std::vector<Entry> lazy;
  auto pick = [&]() -> const Entry& {
    switch (m.rng() % 3) {
      case 0: if (!eager.empty()) return eager[m.rng() % eager.size()]; break;
      case 1: if (!lazy.empty()) return lazy[m.rng() % lazy.size()]; break;
    }
    return seeds[m.rng() % seeds.size()];
  };
  auto keep = [&](std::vector<Entry>& pool, const Entry& e) {
    if (pool.size() < 20) {
      pool.push_back(e);
    } else {
      pool[m.rng() % pool.size()] = e;
    }
  };

  int lazy_results = 0;
  int lazy_operands = 0;
  for (int step = 0; step < 3000; ++step) {
    const Entry a = pick();
    // The other operand is often a fresh small set, the engine's usual case.
    Entry b = pick();
    if (m.rng() % 2 == 0) {
      Values v = m.Random(1 + static_cast<int>(m.rng() % 4));
      b = {AddressSet::Of(family, v), v};
    }
    Entry r;
    switch (m.rng() % 5) {
      case 0: r = {a.set.Subtract(b.set), a.values.Subtract(b.values)}; break;
      case 1: r = {a.set.Intersect(b.set), a.values.Intersect(b.values)}; break;
      case 2: r = {a.set.Union(b.set), a.values.Union(b.values)}; break;
      case 3: r = {b.set.Subtract(a.set), b.values.Subtract(a.values)}; break;
      case 4: r = {a.set.Complement(), a.values.Complement(max)}; break;
    }
    BOOST_TEST_CONTEXT("step " << step) {
      BOOST_TEST(r.set.Intersects(a.set) == r.values.Intersects(a.values));
      BOOST_TEST(a.set.Intersects(r.set) == r.values.Intersects(a.values));
      BOOST_TEST(r.set.Intersects(b.set) == r.values.Intersects(b.values));
      BOOST_TEST((r.set == a.set) == (r.values == a.values));
      BOOST_TEST((r.set < a.set) == (r.values < a.values));
      BOOST_TEST((a.set < r.set) == (a.values < r.values));
      BOOST_TEST(r.set.ToCidrs().size() == MinimalCidrCover(family, r.values).size());
      CheckEquals(r.set, r.values, m.Probes());
    }
    if (a.set.IsLazy() || b.set.IsLazy()) ++lazy_operands;
    if (r.set.IsLazy()) {
      ++lazy_results;
      keep(lazy, r);
    } else {
      keep(eager, r);
    }
  }
  // The test is only meaningful if the lazy representation was exercised.
  BOOST_TEST(lazy_results > 300);
  BOOST_TEST(lazy_operands > 1000);
}

// "Everything except 50,000 single addresses", spread over the IPv4 space.
Values EverythingExceptBlockList() {
  std::vector<Interval<u128>> blocked;
  for (u128 i = 0; i < 50000; ++i) blocked.push_back({i * 85000 + 7, i * 85000 + 7});
  return Values::All(kV4Max).Subtract(Values::FromIntervals(blocked));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(address_set)

// ---- Construction ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(default_set_is_empty_ipv4) {
  AddressSet s;
  BOOST_TEST((s.family() == Family::kIpv4));
  BOOST_TEST(s.empty());
  BOOST_TEST(!s.IsAll());
  BOOST_TEST((s == AddressSet::None(Family::kIpv4)));
}

BOOST_AUTO_TEST_CASE(all_and_none_of_each_family) {
  for (Family f : {Family::kIpv4, Family::kIpv6}) {
    BOOST_TEST_CONTEXT(FamilyName(f)) {
      auto all = AddressSet::All(f);
      auto none = AddressSet::None(f);
      BOOST_TEST((all.family() == f));
      BOOST_TEST(all.IsAll());
      BOOST_TEST(!all.empty());
      BOOST_TEST(all.Contains(0));
      BOOST_TEST(all.Contains(MaxAddress(f)));
      BOOST_TEST(none.empty());
      BOOST_TEST(!none.IsAll());
      BOOST_TEST(!none.Contains(0));
      BOOST_TEST(Show(all) == Show(f, Values::All(MaxAddress(f))));
    }
  }
}

BOOST_AUTO_TEST_CASE(of_values_spanning_the_family_is_all) {
  BOOST_TEST(AddressSet::Of(Family::kIpv4, Values::Range(0, kV4Max)).IsAll());
  BOOST_TEST(!AddressSet::Of(Family::kIpv4, Values::Range(0, kV4Max - 1)).IsAll());
  BOOST_TEST(AddressSet::OfRange(Family::kIpv6, 0, kV6Max).IsAll());
  BOOST_TEST(AddressSet::Of(Family::kIpv6, Values{}).empty());
  BOOST_TEST(AddressSet::OfRange(Family::kIpv4, 5, 4).empty());
}

BOOST_AUTO_TEST_CASE(of_cidr_holds_exactly_the_prefix) {
  auto s = Cidr4("10.1.0.0/16");
  BOOST_TEST(Show(s) == "{10.1.0.0-10.1.255.255}");
  BOOST_TEST(!s.Contains(V4(10, 0, 255, 255)));
  BOOST_TEST(s.Contains(V4(10, 1, 0, 0)));
  BOOST_TEST(s.Contains(V4(10, 1, 255, 255)));
  BOOST_TEST(!s.Contains(V4(10, 2, 0, 0)));
  BOOST_TEST(Cidr4("0.0.0.0/0").IsAll());
  BOOST_TEST(AddressSet::OfCidr(*ParseCidr(Family::kIpv6, "::/0")).IsAll());
  BOOST_TEST(Show(AddressSet::OfCidr(*ParseCidr(Family::kIpv6, "2001:db8::1"))) == "{2001:db8::1}");
}

// ---- Operations at the edges of the space --------------------------------

BOOST_AUTO_TEST_CASE(operations_at_ipv4_zero_and_max) {
  auto edges = AddressSet::Of(Family::kIpv4, Ranges({{0, 0}, {kV4Max, kV4Max}}));
  auto all = AddressSet::All(Family::kIpv4);
  BOOST_TEST(Show(all.Subtract(edges)) == "{0.0.0.1-255.255.255.254}");
  BOOST_TEST(Show(all.Intersect(edges)) == "{0.0.0.0 255.255.255.255}");
  BOOST_TEST(Show(edges.Complement()) == "{0.0.0.1-255.255.255.254}");
  BOOST_TEST(edges.Union(edges.Complement()).IsAll());
  BOOST_TEST(!edges.Intersects(edges.Complement()));
  BOOST_TEST(edges.Intersects(Cidr4("255.255.255.255/32")));
}

BOOST_AUTO_TEST_CASE(operations_at_ipv6_max) {
  auto top = AddressSet::OfRange(Family::kIpv6, kV6Max, kV6Max);
  auto all = AddressSet::All(Family::kIpv6);
  BOOST_TEST(Show(all.Subtract(top)) == "{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe}");
  BOOST_TEST(Show(top.Complement()) == "{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe}");
  BOOST_TEST((top.Complement().Complement() == top));
  BOOST_TEST(top.Union(top.Complement()).IsAll());
  BOOST_TEST(Show(all.Intersect(top)) == "{ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff}");
}

BOOST_AUTO_TEST_CASE(complement_of_all_is_none_and_back) {
  for (Family f : {Family::kIpv4, Family::kIpv6}) {
    BOOST_TEST(AddressSet::All(f).Complement().empty());
    BOOST_TEST(AddressSet::None(f).Complement().IsAll());
  }
}

BOOST_AUTO_TEST_CASE(union_intersect_subtract_of_prefixes) {
  auto a = Cidr4("10.0.0.0/8");
  auto b = Cidr4("10.128.0.0/9");
  auto c = Cidr4("192.168.0.0/16");
  BOOST_TEST(Show(a.Subtract(b)) == "{10.0.0.0-10.127.255.255}");
  BOOST_TEST((a.Intersect(b) == b));
  BOOST_TEST((a.Union(b) == a));
  BOOST_TEST(Show(a.Union(c)) == "{10.0.0.0-10.255.255.255 192.168.0.0-192.168.255.255}");
  BOOST_TEST(a.Intersect(c).empty());
  BOOST_TEST(!a.Intersects(c));
  BOOST_TEST(a.Intersects(b));
}

BOOST_AUTO_TEST_CASE(to_cidrs_is_the_minimal_cover) {
  auto s = Cidr4("10.0.0.0/8").Subtract(Cidr4("10.0.0.0/9"));
  auto cidrs = s.ToCidrs();
  BOOST_TEST_REQUIRE(cidrs.size() == 1u);
  BOOST_TEST(FormatCidr(cidrs[0]) == "10.128.0.0/9");
  BOOST_TEST(AddressSet::All(Family::kIpv6).ToCidrs().size() == 1u);
  BOOST_TEST(AddressSet::None(Family::kIpv6).ToCidrs().empty());
}

// ---- Sharing ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(copies_share_values) {
  auto s = AddressSet::Of(Family::kIpv4, Comb(100, 500));
  AddressSet copy = s;
  BOOST_TEST(copy.SharesValuesWith(s));
  BOOST_TEST((copy == s));
}

BOOST_AUTO_TEST_CASE(intersect_with_all_shares_values) {
  auto s = AddressSet::Of(Family::kIpv4, Comb(100, 500));
  BOOST_TEST(s.Intersect(AddressSet::All(Family::kIpv4)).SharesValuesWith(s));
  BOOST_TEST(AddressSet::All(Family::kIpv4).Intersect(s).SharesValuesWith(s));
  auto lazy = s.Subtract(AddressSet::OfRange(Family::kIpv4, 100, 100));
  auto kept = lazy.Intersect(AddressSet::All(Family::kIpv4));
  BOOST_TEST(kept.SharesValuesWith(s));
  BOOST_TEST(kept.IsLazy());
  BOOST_TEST((kept == lazy));
}

BOOST_AUTO_TEST_CASE(subtract_none_shares_values) {
  auto s = AddressSet::Of(Family::kIpv4, Comb(100, 500));
  BOOST_TEST(s.Subtract(AddressSet::None(Family::kIpv4)).SharesValuesWith(s));
  BOOST_TEST(s.Union(AddressSet::None(Family::kIpv4)).SharesValuesWith(s));
}

BOOST_AUTO_TEST_CASE(subtract_disjoint_set_shares_values) {
  auto s = AddressSet::Of(Family::kIpv4, Comb(100, 500));
  auto r = s.Subtract(AddressSet::OfRange(Family::kIpv4, 101, 101));  // a gap of the comb
  BOOST_TEST(r.SharesValuesWith(s));
  BOOST_TEST(!r.IsLazy());
}

// ---- Laziness -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(subtract_small_from_large_set_stays_lazy) {
  auto values = Comb(1000, 1000);
  auto s = AddressSet::Of(Family::kIpv4, values);
  auto small = AddressSet::OfRange(Family::kIpv4, 1000, 1010);
  auto r = s.Subtract(small);
  BOOST_TEST(r.IsLazy());
  BOOST_TEST(r.SharesValuesWith(s));
  CheckEquals(r, values.Subtract(Values::Range(1000, 1010)), {999, 1000, 1010, 1012, 2998, 2999});
}

BOOST_AUTO_TEST_CASE(subtract_large_part_of_large_set_is_materialised) {
  auto values = Comb(1000, 1000);
  auto s = AddressSet::Of(Family::kIpv4, values);
  auto big = AddressSet::OfRange(Family::kIpv4, 0, 1999);  // 500 of the 1000 intervals
  auto r = s.Subtract(big);
  BOOST_TEST(!r.IsLazy());
  CheckEquals(r, values.Subtract(Values::Range(0, 1999)), {1998, 2000});
}

BOOST_AUTO_TEST_CASE(subtract_from_small_set_is_never_lazy) {
  auto values = Comb(1000, 40);  // fewer intervals than the lazy threshold
  auto r = AddressSet::Of(Family::kIpv4, values).Subtract(AddressSet::OfRange(Family::kIpv4, 1000, 1000));
  BOOST_TEST(!r.IsLazy());
  CheckEquals(r, values.Subtract(Values::Single(1000)), {1000, 1002});
}

BOOST_AUTO_TEST_CASE(chained_subtractions_stay_lazy_until_an_eighth_of_the_base) {
  auto values = Comb(0, 800);  // 800 intervals: lazy while the subtrahend has < 100
  AddressSet s = AddressSet::Of(Family::kIpv4, values);
  Values expected = values;
  for (int i = 0; i < 100; ++i) {
    auto one = Values::Single(u128(4 * i));  // every other comb tooth
    s = s.Subtract(AddressSet::Of(Family::kIpv4, one));
    expected = expected.Subtract(one);
    BOOST_TEST_REQUIRE(s.IsLazy() == (i < 99));
  }
  CheckEquals(s, expected, {0, 2, 4, 396, 398, 400});
}

BOOST_AUTO_TEST_CASE(lazy_set_contains_respects_the_subtrahend) {
  auto s = AddressSet::Of(Family::kIpv4, Values::Range(0, 10000).Subtract(Comb(1, 200)));
  auto r = s.Subtract(AddressSet::OfRange(Family::kIpv4, 50, 60));
  BOOST_TEST_REQUIRE(r.IsLazy());
  BOOST_TEST(r.Contains(48));
  BOOST_TEST(!r.Contains(49));  // a hole of the base
  BOOST_TEST(!r.Contains(50));
  BOOST_TEST(!r.Contains(60));
  BOOST_TEST(!r.Contains(61));  // a hole of the base
  BOOST_TEST(r.Contains(62));
  BOOST_TEST(r.Contains(10000));
  BOOST_TEST(!r.Contains(10001));
}

BOOST_AUTO_TEST_CASE(lazy_set_of_all_but_a_block_list_is_not_all) {
  auto s = AddressSet::Of(Family::kIpv4, Values::All(kV4Max).Subtract(Comb(1000, 1000)));
  auto r = s.Subtract(AddressSet::OfRange(Family::kIpv4, kV4Max, kV4Max));
  BOOST_TEST_REQUIRE(r.IsLazy());
  BOOST_TEST(!r.IsAll());
  BOOST_TEST(!r.empty());
  BOOST_TEST(!r.Contains(kV4Max));
  BOOST_TEST(r.Contains(kV4Max - 1));
  BOOST_TEST(r.Contains(0));
}

BOOST_AUTO_TEST_CASE(lazy_set_emptiness_is_exact) {
  auto values = Comb(0, 200);
  auto s = AddressSet::Of(Family::kIpv4, values);
  auto lazy = s.Subtract(AddressSet::OfRange(Family::kIpv4, 0, 10));
  BOOST_TEST_REQUIRE(lazy.IsLazy());
  BOOST_TEST(!lazy.empty());
  BOOST_TEST(lazy.Subtract(lazy).empty());
  BOOST_TEST(lazy.Subtract(s).empty());
  BOOST_TEST(lazy.Intersect(AddressSet::OfRange(Family::kIpv4, 0, 10)).empty());
  BOOST_TEST(lazy.Intersect(lazy.Complement()).empty());
  BOOST_TEST(Show(s.Subtract(lazy)) == "{0.0.0.0 0.0.0.2 0.0.0.4 0.0.0.6 0.0.0.8 0.0.0.10}");
  // Removing every address one interval at a time ends exactly at empty.
  AddressSet rest = s;
  Values expected = values;
  for (const auto& iv : values.intervals()) {
    BOOST_TEST_REQUIRE(!rest.empty());
    rest = rest.Subtract(AddressSet::OfRange(Family::kIpv4, iv.lo, iv.hi));
    expected = expected.Subtract(Values::Range(iv.lo, iv.hi));
    BOOST_TEST_REQUIRE(rest.empty() == expected.empty());
  }
  BOOST_TEST(rest.empty());
}

BOOST_AUTO_TEST_CASE(lazy_intersection_that_removes_everything_is_empty) {
  // The subtrahend of the lazy operand spans the whole overlap, in fewer
  // intervals than the overlap has: the result must still be exactly empty.
  std::vector<Interval<u128>> wide;
  for (u128 k = 0; k < 1000; ++k) wide.push_back({1000 * k, 1000 * k + 199});
  auto values = Values::FromIntervals(wide);
  auto lazy = AddressSet::Of(Family::kIpv4, values).Subtract(AddressSet::OfRange(Family::kIpv4, 0, 199));
  BOOST_TEST_REQUIRE(lazy.IsLazy());
  auto evens = Comb(0, 100);  // 100 intervals inside 0..199
  auto r = lazy.Intersect(AddressSet::Of(Family::kIpv4, evens));
  CheckEquals(r, Values{}, {0, 2, 198});
  auto r2 = AddressSet::Of(Family::kIpv4, evens).Intersect(lazy);
  CheckEquals(r2, Values{}, {0, 2, 198});
  BOOST_TEST(!lazy.Intersects(AddressSet::Of(Family::kIpv4, evens)));
  // Reaching one address further leaves exactly that address.
  auto more = AddressSet::Of(Family::kIpv4, evens.Union(Values::Single(1000)));
  CheckEquals(lazy.Intersect(more), Values::Single(1000), {0, 1000});
}

BOOST_AUTO_TEST_CASE(lazy_set_does_not_intersect_what_was_subtracted) {
  auto s = AddressSet::Of(Family::kIpv4, Values::Range(0, 100000).Subtract(Comb(1, 1000)));
  // The subtracted block overlaps many base intervals; none of them survive.
  auto block = AddressSet::OfRange(Family::kIpv4, 100, 150);
  auto r = s.Subtract(block);
  BOOST_TEST_REQUIRE(r.IsLazy());
  BOOST_TEST(!r.Intersects(block));
  BOOST_TEST(!block.Intersects(r));
  BOOST_TEST(r.Intersects(AddressSet::OfRange(Family::kIpv4, 100, 152)));
  BOOST_TEST(!r.Intersects(AddressSet::OfRange(Family::kIpv4, 100, 151)));  // 151 is a hole
  BOOST_TEST(r.Intersect(block).empty());
}

BOOST_AUTO_TEST_CASE(lazy_sets_of_one_base_combine_their_subtrahends) {
  auto values = Comb(0, 1000);
  auto s = AddressSet::Of(Family::kIpv4, values);
  auto a = s.Subtract(AddressSet::OfRange(Family::kIpv4, 0, 20));
  auto b = s.Subtract(AddressSet::OfRange(Family::kIpv4, 10, 30));
  BOOST_TEST_REQUIRE(a.IsLazy());
  BOOST_TEST_REQUIRE(b.IsLazy());
  auto both = a.Intersect(b);
  BOOST_TEST(both.IsLazy());
  BOOST_TEST(both.SharesValuesWith(s));
  CheckEquals(both, values.Subtract(Values::Range(0, 30)), {0, 30, 32});
  auto either = a.Union(b);
  BOOST_TEST(either.IsLazy());
  CheckEquals(either, values.Subtract(Values::Range(10, 20)), {8, 10, 20, 22});
  CheckEquals(a.Subtract(b), values.Intersect(Values::Range(22, 30)), {20, 22, 30, 32});
  BOOST_TEST(!(a == b));
  BOOST_TEST((a < b) != (b < a));
}

BOOST_AUTO_TEST_CASE(lazy_union_with_part_of_its_base_stays_lazy) {
  auto values = Comb(0, 1000);
  auto s = AddressSet::Of(Family::kIpv4, values);
  auto lazy = s.Subtract(AddressSet::OfRange(Family::kIpv4, 0, 40));
  auto back = AddressSet::Of(Family::kIpv4, Ranges({{10, 10}, {20, 20}}));
  auto r = lazy.Union(back);
  BOOST_TEST(r.IsLazy());
  BOOST_TEST(r.SharesValuesWith(s));
  CheckEquals(r, values.Subtract(Values::Range(0, 40)).Union(Ranges({{10, 10}, {20, 20}})), {8, 10, 20, 42});
  CheckEquals(back.Union(lazy), r.Materialize(), {10, 12});
  // Union with everything removed gives back the base itself.
  auto whole = lazy.Union(AddressSet::Of(Family::kIpv4, values.Intersect(Values::Range(0, 40))));
  BOOST_TEST(!whole.IsLazy());
  BOOST_TEST(whole.SharesValuesWith(s));
  CheckEquals(whole, values, {0, 1, 40});
  // A set reaching outside the base is merged eagerly, and exactly.
  CheckEquals(lazy.Union(AddressSet::OfRange(Family::kIpv4, 0, 40)), values.Union(Values::Range(0, 40)),
              {0, 1, 40, 41, 42});
}

BOOST_AUTO_TEST_CASE(lazy_complement_is_exact) {
  auto values = Values::Range(0, 100000).Subtract(Comb(1, 1000));
  auto r = AddressSet::Of(Family::kIpv4, values).Subtract(AddressSet::OfRange(Family::kIpv4, 0, 9));
  BOOST_TEST_REQUIRE(r.IsLazy());
  auto expected = values.Subtract(Values::Range(0, 9)).Complement(kV4Max);
  CheckEquals(r.Complement(), expected, {0, 9, 10, 11, 100000, 100001, kV4Max});
}

BOOST_AUTO_TEST_CASE(equality_and_order_ignore_representation) {
  auto values = Comb(0, 1000);
  auto lazy = AddressSet::Of(Family::kIpv4, values).Subtract(AddressSet::OfRange(Family::kIpv4, 0, 0));
  BOOST_TEST_REQUIRE(lazy.IsLazy());
  auto eager = AddressSet::Of(Family::kIpv4, values.Subtract(Values::Single(0)));
  BOOST_TEST((lazy == eager));
  BOOST_TEST(!(lazy < eager));
  BOOST_TEST(!(eager < lazy));
  BOOST_TEST(!(lazy == AddressSet::Of(Family::kIpv4, values)));
  // The ordering is the interval order of the values: {2, ...} sorts after {0, 2, ...}.
  BOOST_TEST((AddressSet::Of(Family::kIpv4, values) < lazy));
}

BOOST_AUTO_TEST_CASE(sets_of_different_families_are_unequal_and_ordered_by_family) {
  auto v4 = AddressSet::All(Family::kIpv4);
  auto v6 = AddressSet::OfRange(Family::kIpv6, 0, 0);
  BOOST_TEST(!(v4 == v6));
  BOOST_TEST((v4 < v6));
  BOOST_TEST(!(v6 < v4));
  BOOST_TEST(!(AddressSet::None(Family::kIpv4) == AddressSet::None(Family::kIpv6)));
}

BOOST_AUTO_TEST_CASE(materialize_counts_only_lazy_copies) {
  auto s = AddressSet::Of(Family::kIpv4, Comb(0, 1000));
  auto before = AddressSet::MaterializationCount();
  auto lazy = s.Subtract(AddressSet::OfRange(Family::kIpv4, 0, 0));
  BOOST_TEST(AddressSet::MaterializationCount() == before);
  (void)s.Materialize();
  BOOST_TEST(AddressSet::MaterializationCount() == before);
  (void)lazy.Materialize();
  BOOST_TEST(AddressSet::MaterializationCount() == before + 1);
}

// ---- The engine's hot path ------------------------------------------------

BOOST_AUTO_TEST_CASE(many_small_subtractions_from_a_50000_interval_set_never_materialise) {
  const Values values = EverythingExceptBlockList();
  BOOST_TEST_REQUIRE(values.intervals().size() == 50001u);
  const AddressSet s = AddressSet::Of(Family::kIpv4, values);

  std::mt19937_64 rng(23);
  std::vector<Values> smalls;
  for (int i = 0; i < 1000; ++i) {
    std::vector<Interval<u128>> iv;
    int blocks = 1 + static_cast<int>(rng() % 3);
    for (int b = 0; b < blocks; ++b) {
      int prefix = 24 + static_cast<int>(rng() % 9);
      u128 first = (rng() & 0xffffffffu) & ~((u128{1} << (32 - prefix)) - 1);
      iv.push_back({first, first + (u128{1} << (32 - prefix)) - 1});
    }
    if (i % 10 == 0) iv.push_back({u128(i) * 85000 + 7, u128(i) * 85000 + 7});  // a blocked address itself
    smalls.push_back(Values::FromIntervals(iv));
  }

  const auto before = AddressSet::MaterializationCount();
  std::vector<AddressSet> differences;
  AddressSet chained = s;
  for (const Values& small_values : smalls) {
    const AddressSet small = AddressSet::Of(Family::kIpv4, small_values);
    AddressSet d = s.Subtract(small);
    BOOST_TEST_REQUIRE(d.IsLazy());
    BOOST_TEST_REQUIRE(d.SharesValuesWith(s));
    BOOST_TEST_REQUIRE(!d.empty());
    BOOST_TEST_REQUIRE(!d.IsAll());
    BOOST_TEST_REQUIRE(!d.Intersects(small));
    BOOST_TEST_REQUIRE(d.Intersect(small).empty());
    BOOST_TEST_REQUIRE(d.Intersects(AddressSet::All(Family::kIpv4)));
    BOOST_TEST_REQUIRE(!d.Contains(small_values.Min()));
    BOOST_TEST_REQUIRE(s.Intersects(small) == values.Intersects(small_values));
    BOOST_TEST_REQUIRE((s.Intersect(small) == AddressSet::Of(Family::kIpv4, values.Intersect(small_values))));
    chained = chained.Subtract(small);
    BOOST_TEST_REQUIRE(chained.IsLazy());
    BOOST_TEST_REQUIRE(chained.SharesValuesWith(s));
    differences.push_back(std::move(d));
  }
  BOOST_TEST(AddressSet::MaterializationCount() == before);

  // Now materialise and check every result exactly.
  Values chained_expected = values;
  for (size_t i = 0; i < smalls.size(); ++i) {
    chained_expected = chained_expected.Subtract(smalls[i]);
    if (i % 50 == 0) {
      BOOST_TEST_REQUIRE((differences[i].Materialize() == values.Subtract(smalls[i])));
    }
  }
  BOOST_TEST((chained.Materialize() == chained_expected));
}

BOOST_AUTO_TEST_CASE(small_intersections_of_a_lazy_large_set_never_materialise) {
  const Values values = EverythingExceptBlockList();
  const AddressSet s = AddressSet::Of(Family::kIpv4, values);
  const AddressSet lazy = s.Subtract(Cidr4("10.0.0.0/8"));
  BOOST_TEST_REQUIRE(lazy.IsLazy());
  const Values lazy_values = values.Subtract(Values::Range(V4(10, 0, 0, 0), V4(10, 255, 255, 255)));

  std::mt19937_64 rng(29);
  const auto before = AddressSet::MaterializationCount();
  std::vector<std::pair<AddressSet, Values>> results;
  for (int i = 0; i < 1000; ++i) {
    u128 first = (rng() & 0xffffffffu) & ~u128{0xffff};
    if (i % 4 == 0) first = V4(10, static_cast<unsigned>(rng() % 256), 0, 0);
    const Values small_values = Values::Range(first, first + 0xffff);
    const AddressSet small = AddressSet::Of(Family::kIpv4, small_values);
    AddressSet r = lazy.Intersect(small);
    BOOST_TEST_REQUIRE(!r.IsLazy());
    BOOST_TEST_REQUIRE(lazy.Intersects(small) == !r.empty());
    BOOST_TEST_REQUIRE(small.Intersects(lazy) == !r.empty());
    results.emplace_back(std::move(r), lazy_values.Intersect(small_values));
  }
  BOOST_TEST(AddressSet::MaterializationCount() == before);
  for (const auto& [set, expected] : results) BOOST_TEST_REQUIRE((set.Materialize() == expected));
}

// ---- Randomized equivalence with eager sets ------------------------------

BOOST_AUTO_TEST_CASE(random_ipv4_operations_on_lazy_sets_match_eager_sets) {
  RunRandomizedLazyModel(Family::kIpv4, 31);
}

BOOST_AUTO_TEST_CASE(random_ipv6_operations_on_lazy_sets_match_eager_sets) {
  RunRandomizedLazyModel(Family::kIpv6, 37);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::rules
