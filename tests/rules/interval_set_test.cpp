#include "rules/interval_set.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ghostport::rules {
namespace {

constexpr u128 kU128Max = ~u128{0};

std::string Dec(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

template <typename T, typename Container>
std::string ShowIntervals(const Container& iv) {
  std::string s = "{";
  for (const auto& i : iv) {
    if (s.size() > 1) s += ' ';
    s += "[" + Dec(i.lo) + "," + Dec(i.hi) + "]";
  }
  return s + "}";
}

template <typename T>
std::string Show(const IntervalSet<T>& s) {
  return ShowIntervals<T>(s.intervals());
}

template <typename T>
IntervalSet<T> Set(std::initializer_list<std::pair<T, T>> pairs) {
  std::vector<Interval<T>> iv;
  for (auto [lo, hi] : pairs) iv.push_back({lo, hi});
  return IntervalSet<T>::FromIntervals(iv);
}

using U8 = IntervalSet<std::uint8_t>;
using U16 = IntervalSet<std::uint16_t>;
using U128 = IntervalSet<u128>;

// ---- Brute-force model -------------------------------------------------

// The values a randomized test draws from: a few disjoint segments, so that a
// model std::set stays small while the sets still touch 0, the type's maximum
// and (for u128) the 2^64 boundary.
template <typename T>
struct Universe {
  std::vector<std::pair<T, T>> segments;
  std::vector<T> Points() const {
    std::vector<T> out;
    for (auto [lo, hi] : segments) {
      for (T v = lo;; ++v) {
        out.push_back(v);
        if (v == hi) break;
      }
    }
    return out;
  }
  // Values outside every segment (next to each one), for membership checks.
  std::vector<T> GapPoints() const {
    std::vector<T> out;
    for (auto [lo, hi] : segments) {
      if (lo != 0) out.push_back(static_cast<T>(lo - 1));
      if (hi != std::numeric_limits<T>::max()) out.push_back(static_cast<T>(hi + 1));
    }
    return out;
  }
};

template <typename T>
std::vector<Interval<T>> Normalized(const std::set<T>& model) {
  std::vector<Interval<T>> out;
  for (T v : model) {
    if (!out.empty() && out.back().hi != std::numeric_limits<T>::max() && out.back().hi + 1 == v) {
      out.back().hi = v;
    } else {
      out.push_back({v, v});
    }
  }
  return out;
}

template <typename T>
struct Sample {
  IntervalSet<T> set;
  std::set<T> model;
};

// A random set of a few runs per segment, built from overlapping and adjacent
// pieces so that normalisation is exercised too.
template <typename T>
Sample<T> RandomSample(const Universe<T>& u, std::mt19937_64& rng) {
  Sample<T> out;
  std::vector<Interval<T>> pieces;
  for (auto [seg_lo, seg_hi] : u.segments) {
    u128 width = static_cast<u128>(seg_hi - seg_lo) + 1;
    int runs = static_cast<int>(rng() % 5);
    for (int r = 0; r < runs; ++r) {
      u128 start = rng() % static_cast<std::uint64_t>(width);
      u128 len = 1 + rng() % (rng() % 4 == 0 ? static_cast<std::uint64_t>(width) : 6);
      if (start + len > width) len = width - start;
      T lo = static_cast<T>(seg_lo + static_cast<T>(start));
      T hi = static_cast<T>(lo + static_cast<T>(len - 1));
      pieces.push_back({lo, hi});
      for (T v = lo;; ++v) {
        out.model.insert(v);
        if (v == hi) break;
      }
    }
  }
  out.set = IntervalSet<T>::FromIntervals(pieces);
  return out;
}

template <typename T>
void CheckNormalized(const IntervalSet<T>& s) {
  const auto& iv = s.intervals();
  for (size_t i = 0; i < iv.size(); ++i) {
    BOOST_TEST_REQUIRE((iv[i].lo <= iv[i].hi));
    if (i > 0) BOOST_TEST_REQUIRE((iv[i - 1].hi + u128{1} < u128{iv[i].lo}));
  }
}

template <typename T>
void CheckAgainstModel(const IntervalSet<T>& s, const std::set<T>& model) {
  CheckNormalized(s);
  BOOST_TEST(Show(s) == ShowIntervals<T>(Normalized(model)));
  BOOST_TEST(s.empty() == model.empty());
  BOOST_TEST(Dec(s.Size()) == Dec(model.size()));
}

// Runs the binary operations on random pairs and compares every result with
// the model. The universe must hold every value the sets can contain.
template <typename T>
void RunRandomizedBinaryOps(const Universe<T>& u, std::uint64_t seed, int rounds) {
  std::mt19937_64 rng(seed);
  const auto points = u.Points();
  const auto gaps = u.GapPoints();
  for (int round = 0; round < rounds; ++round) {
    auto a = RandomSample(u, rng);
    auto b = RandomSample(u, rng);
    CheckAgainstModel(a.set, a.model);

    std::set<T> uni = a.model;
    uni.insert(b.model.begin(), b.model.end());
    std::set<T> inter;
    std::set<T> diff;
    for (T v : a.model) (b.model.count(v) ? inter : diff).insert(v);

    CheckAgainstModel(a.set.Union(b.set), uni);
    CheckAgainstModel(b.set.Union(a.set), uni);
    CheckAgainstModel(a.set.Intersect(b.set), inter);
    CheckAgainstModel(b.set.Intersect(a.set), inter);
    CheckAgainstModel(a.set.Subtract(b.set), diff);
    IntervalSet<T> in_place = a.set;
    in_place.SubtractInPlace(b.set);
    CheckAgainstModel(in_place, diff);
    BOOST_TEST(a.set.Intersects(b.set) == !inter.empty());
    BOOST_TEST(b.set.Intersects(a.set) == !inter.empty());
    BOOST_TEST(a.set.IsSubsetOf(b.set) == diff.empty());
    BOOST_TEST((a.set == b.set) == (a.model == b.model));
    const int orderings = (a.set < b.set) + (b.set < a.set) + (a.set == b.set);
    BOOST_TEST(orderings == 1);
    for (T v : points) BOOST_TEST_REQUIRE(a.set.Contains(v) == (a.model.count(v) == 1));
    for (T v : gaps) BOOST_TEST_REQUIRE(!a.set.Contains(v));
  }
}

// Complement over the whole type, checked on the universe and its gaps.
template <typename T>
void RunRandomizedComplement(const Universe<T>& u, std::uint64_t seed, int rounds) {
  std::mt19937_64 rng(seed);
  const auto points = u.Points();
  const auto gaps = u.GapPoints();
  for (int round = 0; round < rounds; ++round) {
    auto a = RandomSample(u, rng);
    auto c = a.set.Complement();
    CheckNormalized(c);
    for (T v : points) BOOST_TEST_REQUIRE(c.Contains(v) == (a.model.count(v) == 0));
    for (T v : gaps) BOOST_TEST_REQUIRE(c.Contains(v));
    BOOST_TEST(!c.Intersects(a.set));
    BOOST_TEST(c.Union(a.set).IsAll());
    BOOST_TEST(Show(c.Complement()) == Show(a.set));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(interval_set)

// ---- Construction --------------------------------------------------------

BOOST_AUTO_TEST_CASE(range_with_lo_above_hi_is_empty) {
  BOOST_TEST(U16::Range(5, 4).empty());
  BOOST_TEST(U16::Range(4, 4).IsRange(4, 4));
}

BOOST_AUTO_TEST_CASE(single_and_all_are_one_interval) {
  BOOST_TEST(Show(U16::Single(22)) == "{[22,22]}");
  BOOST_TEST(Show(U8::All()) == "{[0,255]}");
  BOOST_TEST(Show(U16::All(1023)) == "{[0,1023]}");
  BOOST_TEST(U16::All().IsAll());
  BOOST_TEST(!U16::All(1023).IsAll());
  BOOST_TEST(U16::All(1023).IsAll(1023));
}

BOOST_AUTO_TEST_CASE(from_intervals_sorts_and_merges_overlapping) {
  auto s = Set<std::uint16_t>({{50, 60}, {10, 20}, {15, 30}, {55, 70}});
  BOOST_TEST(Show(s) == "{[10,30] [50,70]}");
}

BOOST_AUTO_TEST_CASE(from_intervals_merges_adjacent_intervals) {
  auto s = Set<std::uint16_t>({{21, 30}, {10, 20}, {31, 31}});
  BOOST_TEST(Show(s) == "{[10,31]}");
}

BOOST_AUTO_TEST_CASE(from_intervals_keeps_intervals_one_value_apart) {
  auto s = Set<std::uint16_t>({{10, 20}, {22, 30}});
  BOOST_TEST(Show(s) == "{[10,20] [22,30]}");
}

BOOST_AUTO_TEST_CASE(from_intervals_drops_inverted_intervals) {
  auto s = Set<std::uint16_t>({{10, 5}, {1, 2}});
  BOOST_TEST(Show(s) == "{[1,2]}");
}

BOOST_AUTO_TEST_CASE(from_intervals_merges_at_max_without_wrapping) {
  BOOST_TEST(Show(Set<std::uint8_t>({{250, 255}, {0, 3}, {255, 255}, {100, 254}})) ==
             "{[0,3] [100,255]}");
  BOOST_TEST(Show(Set<u128>({{kU128Max, kU128Max}, {0, 0}, {kU128Max - 1, kU128Max - 1}})) ==
             "{[0,0] [" + Dec(kU128Max - 1) + "," + Dec(kU128Max) + "]}");
}

BOOST_AUTO_TEST_CASE(contains_checks_interval_boundaries) {
  auto s = Set<std::uint16_t>({{0, 0}, {10, 20}, {65535, 65535}});
  BOOST_TEST(s.Contains(0));
  BOOST_TEST(!s.Contains(1));
  BOOST_TEST(!s.Contains(9));
  BOOST_TEST(s.Contains(10));
  BOOST_TEST(s.Contains(20));
  BOOST_TEST(!s.Contains(21));
  BOOST_TEST(!s.Contains(65534));
  BOOST_TEST(s.Contains(65535));
  BOOST_TEST(!U16().Contains(0));
}

BOOST_AUTO_TEST_CASE(min_and_max_are_the_outer_bounds) {
  auto s = Set<std::uint16_t>({{7, 9}, {100, 200}});
  BOOST_TEST(s.Min() == 7);
  BOOST_TEST(s.Max() == 200);
}

BOOST_AUTO_TEST_CASE(size_counts_values_not_intervals) {
  BOOST_TEST(Dec(Set<std::uint16_t>({{1, 3}, {10, 10}}).Size()) == "4");
  BOOST_TEST(Dec(U16::All().Size()) == "65536");
  BOOST_TEST(Dec(U8().Size()) == "0");
  BOOST_TEST(Dec(U128::Range(0, kU128Max - 1).Size()) == Dec(kU128Max));
}

// ---- Union ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(union_merges_adjacent_intervals) {
  auto s = Set<std::uint16_t>({{10, 20}}).Union(Set<std::uint16_t>({{21, 30}, {40, 50}}));
  BOOST_TEST(Show(s) == "{[10,30] [40,50]}");
}

BOOST_AUTO_TEST_CASE(union_fills_gap_between_intervals) {
  auto s = Set<std::uint16_t>({{0, 9}, {20, 29}}).Union(U16::Range(10, 19));
  BOOST_TEST(s.IsRange(0, 29));
}

BOOST_AUTO_TEST_CASE(union_with_empty_is_identity) {
  auto s = Set<std::uint16_t>({{3, 4}});
  BOOST_TEST(Show(s.Union(U16())) == "{[3,4]}");
  BOOST_TEST(Show(U16().Union(s)) == "{[3,4]}");
  BOOST_TEST(U16().Union(U16()).empty());
}

BOOST_AUTO_TEST_CASE(union_at_max_value_does_not_wrap) {
  BOOST_TEST(Show(U8::Range(0, 10).Union(U8::Single(255))) == "{[0,10] [255,255]}");
  BOOST_TEST(Show(U8::Range(200, 255).Union(U8::Range(250, 255))) == "{[200,255]}");
  BOOST_TEST(U8::Range(0, 254).Union(U8::Single(255)).IsAll());
  BOOST_TEST(Show(U8::Single(255).Union(U8::Single(0))) == "{[0,0] [255,255]}");
  BOOST_TEST(U128::Range(0, kU128Max - 1).Union(U128::Single(kU128Max)).IsAll());
  BOOST_TEST(Show(U128::Single(kU128Max).Union(U128::Single(0))) ==
             "{[0,0] [" + Dec(kU128Max) + "," + Dec(kU128Max) + "]}");
}

// ---- Intersect -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(intersect_of_disjoint_sets_is_empty) {
  BOOST_TEST(U16::Range(0, 9).Intersect(U16::Range(10, 19)).empty());
  BOOST_TEST(U16::Range(0, 9).Intersect(U16()).empty());
  BOOST_TEST(U16().Intersect(U16::All()).empty());
}

BOOST_AUTO_TEST_CASE(intersect_clips_at_both_ends) {
  auto s = Set<std::uint16_t>({{5, 15}, {20, 30}, {40, 50}}).Intersect(U16::Range(10, 45));
  BOOST_TEST(Show(s) == "{[10,15] [20,30] [40,45]}");
}

BOOST_AUTO_TEST_CASE(intersect_keeps_single_shared_endpoint) {
  BOOST_TEST(Show(U16::Range(0, 10).Intersect(U16::Range(10, 20))) == "{[10,10]}");
}

BOOST_AUTO_TEST_CASE(intersect_at_zero_and_max) {
  auto edges = Set<std::uint8_t>({{0, 0}, {255, 255}});
  BOOST_TEST(Show(U8::All().Intersect(edges)) == "{[0,0] [255,255]}");
  BOOST_TEST(Show(edges.Intersect(U8::Range(0, 254))) == "{[0,0]}");
  BOOST_TEST(Show(edges.Intersect(U8::Range(1, 255))) == "{[255,255]}");
  BOOST_TEST(U128::All().Intersect(U128::Single(kU128Max)).IsRange(kU128Max, kU128Max));
}

BOOST_AUTO_TEST_CASE(intersect_small_set_with_large_set_skips_ahead) {
  // Every other value of 0..19999, against a few scattered probes.
  std::vector<Interval<std::uint16_t>> evens;
  for (std::uint16_t v = 0; v < 20000; v += 2) evens.push_back({v, v});
  auto large = U16::FromIntervals(evens);
  auto small = Set<std::uint16_t>({{3, 3}, {100, 104}, {19999, 30000}});
  BOOST_TEST(Show(small.Intersect(large)) == "{[100,100] [102,102] [104,104]}");
  BOOST_TEST(Show(large.Intersect(small)) == "{[100,100] [102,102] [104,104]}");
}

BOOST_AUTO_TEST_CASE(intersect_one_interval_spanning_many) {
  auto many = Set<std::uint16_t>({{1, 1}, {3, 3}, {5, 5}, {7, 9}, {100, 200}});
  BOOST_TEST(Show(U16::Range(2, 8).Intersect(many)) == "{[3,3] [5,5] [7,8]}");
}

BOOST_AUTO_TEST_CASE(intersects_detects_single_shared_value) {
  auto a = Set<std::uint16_t>({{0, 9}, {20, 29}});
  BOOST_TEST(a.Intersects(U16::Single(29)));
  BOOST_TEST(!a.Intersects(U16::Range(10, 19)));
  BOOST_TEST(!a.Intersects(U16()));
  BOOST_TEST(!U16().Intersects(U16::All()));
  BOOST_TEST(U16::Single(65535).Intersects(U16::All()));
}

// ---- Subtract ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(subtract_splits_interval_in_the_middle) {
  BOOST_TEST(Show(U16::Range(10, 20).Subtract(U16::Single(15))) == "{[10,14] [16,20]}");
}

BOOST_AUTO_TEST_CASE(subtract_trims_interval_ends) {
  BOOST_TEST(Show(U16::Range(10, 20).Subtract(U16::Range(0, 12))) == "{[13,20]}");
  BOOST_TEST(Show(U16::Range(10, 20).Subtract(U16::Range(18, 30))) == "{[10,17]}");
}

BOOST_AUTO_TEST_CASE(subtract_removes_zero_and_max) {
  auto s = U8::All().Subtract(U8::Single(0)).Subtract(U8::Single(255));
  BOOST_TEST(s.IsRange(1, 254));
  BOOST_TEST(Show(U16::All().Subtract(U16::Single(65535))) == "{[0,65534]}");
  BOOST_TEST(U128::All().Subtract(U128::Single(kU128Max)).IsRange(0, kU128Max - 1));
  BOOST_TEST(U128::All().Subtract(U128::Single(0)).IsRange(1, kU128Max));
}

BOOST_AUTO_TEST_CASE(subtract_everything_leaves_empty) {
  BOOST_TEST(Set<std::uint16_t>({{1, 5}, {9, 12}}).Subtract(U16::All()).empty());
  BOOST_TEST(U16::All().Subtract(U16::All()).empty());
}

BOOST_AUTO_TEST_CASE(subtract_many_holes_from_one_interval) {
  auto s = U16::Range(0, 10).Subtract(Set<std::uint16_t>({{0, 0}, {2, 2}, {4, 5}, {10, 12}}));
  BOOST_TEST(Show(s) == "{[1,1] [3,3] [6,9]}");
}

BOOST_AUTO_TEST_CASE(subtract_one_interval_covering_many) {
  auto s = Set<std::uint16_t>({{1, 2}, {4, 5}, {7, 8}, {20, 30}}).Subtract(U16::Range(2, 25));
  BOOST_TEST(Show(s) == "{[1,1] [26,30]}");
}

BOOST_AUTO_TEST_CASE(subtract_empty_is_identity) {
  auto s = Set<std::uint16_t>({{1, 2}});
  BOOST_TEST(Show(s.Subtract(U16())) == "{[1,2]}");
  BOOST_TEST(U16().Subtract(s).empty());
}

BOOST_AUTO_TEST_CASE(is_subset_of_follows_subtraction) {
  BOOST_TEST(U16::Range(3, 4).IsSubsetOf(U16::Range(0, 10)));
  BOOST_TEST(!U16::Range(3, 11).IsSubsetOf(U16::Range(0, 10)));
  BOOST_TEST(U16().IsSubsetOf(U16()));
}

// ---- Complement ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(complement_of_empty_is_all) {
  BOOST_TEST(U8().Complement().IsAll());
  BOOST_TEST(U16().Complement().IsAll());
  BOOST_TEST(U128().Complement().IsAll());
  BOOST_TEST(U16().Complement(1023).IsRange(0, 1023));
}

BOOST_AUTO_TEST_CASE(complement_of_all_is_empty) {
  BOOST_TEST(U8::All().Complement().empty());
  BOOST_TEST(U128::All().Complement().empty());
  BOOST_TEST(U16::All(1023).Complement(1023).empty());
}

BOOST_AUTO_TEST_CASE(complement_of_set_touching_zero_and_max) {
  auto s = Set<std::uint8_t>({{0, 9}, {100, 100}, {250, 255}});
  BOOST_TEST(Show(s.Complement()) == "{[10,99] [101,249]}");
  auto t = Set<u128>({{0, 0}, {kU128Max, kU128Max}});
  BOOST_TEST(t.Complement().IsRange(1, kU128Max - 1));
}

BOOST_AUTO_TEST_CASE(complement_of_single_edge_values) {
  BOOST_TEST(U16::Single(0).Complement().IsRange(1, 65535));
  BOOST_TEST(U16::Single(65535).Complement().IsRange(0, 65534));
}

BOOST_AUTO_TEST_CASE(complement_within_smaller_universe_ignores_values_above_it) {
  auto s = Set<std::uint16_t>({{10, 20}, {1000, 2000}, {5000, 6000}});
  BOOST_TEST(Show(s.Complement(1500)) == "{[0,9] [21,999]}");
  BOOST_TEST(Show(s.Complement(2000)) == "{[0,9] [21,999]}");
  BOOST_TEST(Show(s.Complement(2001)) == "{[0,9] [21,999] [2001,2001]}");
  BOOST_TEST(Show(U16::Range(2000, 3000).Complement(1500)) == "{[0,1500]}");
  BOOST_TEST(Show(U16::Single(0).Complement(0)) == "{}");
}

BOOST_AUTO_TEST_CASE(complement_with_max_matches_model_for_every_max) {
  std::mt19937_64 rng(7);
  Universe<std::uint8_t> u{{{0, 255}}};
  for (int round = 0; round < 300; ++round) {
    auto a = RandomSample(u, rng);
    auto max = static_cast<std::uint8_t>(rng() % 256);
    std::set<std::uint8_t> expected;
    for (int v = 0; v <= max; ++v) {
      if (!a.model.count(static_cast<std::uint8_t>(v))) expected.insert(static_cast<std::uint8_t>(v));
    }
    CheckAgainstModel(a.set.Complement(max), expected);
  }
}

// ---- Comparison ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(equality_compares_values) {
  BOOST_TEST((Set<std::uint16_t>({{1, 2}, {3, 4}}) == U16::Range(1, 4)));
  BOOST_TEST(!(U16::Range(1, 4) == U16::Range(1, 5)));
}

BOOST_AUTO_TEST_CASE(ordering_is_lexicographic_by_interval) {
  BOOST_TEST((U16::Range(1, 4) < U16::Range(2, 3)));
  BOOST_TEST((U16::Range(1, 4) < U16::Range(1, 5)));
  BOOST_TEST((U16() < U16::Single(0)));
  BOOST_TEST((U16::Range(1, 4) < Set<std::uint16_t>({{1, 4}, {9, 9}})));
  BOOST_TEST(!(U16::Range(1, 4) < U16::Range(1, 4)));
}

// ---- Randomized property tests ------------------------------------------

BOOST_AUTO_TEST_CASE(random_uint8_operations_match_brute_force_model) {
  RunRandomizedBinaryOps(Universe<std::uint8_t>{{{0, 255}}}, 1, 1500);
}

BOOST_AUTO_TEST_CASE(random_uint8_complement_matches_brute_force_model) {
  Universe<std::uint8_t> u{{{0, 255}}};
  std::mt19937_64 rng(2);
  for (int round = 0; round < 500; ++round) {
    auto a = RandomSample(u, rng);
    std::set<std::uint8_t> expected;
    for (int v = 0; v <= 255; ++v) {
      if (!a.model.count(static_cast<std::uint8_t>(v))) expected.insert(static_cast<std::uint8_t>(v));
    }
    CheckAgainstModel(a.set.Complement(), expected);
  }
}

BOOST_AUTO_TEST_CASE(random_uint8_sets_in_tiny_universe_hit_every_edge_case) {
  // Eight values: collisions, adjacency and full coverage are frequent.
  RunRandomizedBinaryOps(Universe<std::uint8_t>{{{0, 3}, {252, 255}}}, 3, 2000);
}

BOOST_AUTO_TEST_CASE(random_uint16_operations_at_both_ends_match_model) {
  Universe<std::uint16_t> u{{{0, 63}, {30000, 30063}, {65472, 65535}}};
  RunRandomizedBinaryOps(u, 4, 1000);
  RunRandomizedComplement(u, 5, 300);
}

BOOST_AUTO_TEST_CASE(random_u128_operations_at_zero_2_64_and_max_match_model) {
  const u128 two64 = u128{1} << 64;
  Universe<u128> u{{{0, 63}, {two64 - 32, two64 + 31}, {kU128Max - 63, kU128Max}}};
  RunRandomizedBinaryOps(u, 6, 1000);
  RunRandomizedComplement(u, 7, 300);
}

// ---- FormatPortSet -------------------------------------------------------

BOOST_AUTO_TEST_CASE(format_port_set_renders_single_port) {
  BOOST_TEST(FormatPortSet(PortSet::Single(22)) == "22");
}

BOOST_AUTO_TEST_CASE(format_port_set_renders_range) {
  BOOST_TEST(FormatPortSet(PortSet::Range(1024, 65535)) == "1024-65535");
}

BOOST_AUTO_TEST_CASE(format_port_set_renders_list_in_order) {
  auto s = Set<std::uint16_t>({{443, 445}, {80, 80}, {22, 22}});
  BOOST_TEST(FormatPortSet(s) == "22,80,443-445");
}

BOOST_AUTO_TEST_CASE(format_port_set_renders_empty_as_none) {
  BOOST_TEST(FormatPortSet(PortSet()) == "none");
}

BOOST_AUTO_TEST_CASE(format_port_set_renders_full_range) {
  BOOST_TEST(FormatPortSet(PortSet::All()) == "0-65535");
}

BOOST_AUTO_TEST_CASE(format_port_set_renders_edge_ports) {
  auto s = Set<std::uint16_t>({{0, 0}, {65535, 65535}});
  BOOST_TEST(FormatPortSet(s) == "0,65535");
  BOOST_TEST(FormatPortSet(PortSet::Range(0, 1)) == "0-1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::rules
