// A set of values of an unsigned integer type, kept as sorted, disjoint,
// non-adjacent closed intervals. Ports, protocols and addresses are all
// instances. Every operation is linear in the number of intervals, never in
// the number of values: a set holding 1024-65535 costs what {22} costs.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rules/small_vector.h"

namespace ghostport::rules {

using u128 = unsigned __int128;

template <typename T>
struct Interval {
  T lo;
  T hi;
  friend bool operator==(const Interval&, const Interval&) = default;
};

// Most sets in a ruleset are one or two intervals (a port, a range, a
// prefix): they live inline, without a heap allocation per copy.
template <typename T>
using IntervalStorage = boost::container::small_vector<Interval<T>, 2>;

template <typename T>
class IntervalSet {
 public:
  using Value = T;
  static constexpr T kMaxValue = std::numeric_limits<T>::max();

  IntervalSet() = default;

  static IntervalSet Range(T lo, T hi) {
    IntervalSet s;
    if (lo <= hi) s.iv_.push_back({lo, hi});
    return s;
  }
  static IntervalSet Single(T v) { return Range(v, v); }
  // Everything from 0 to `max` (the universe of this kind of value).
  static IntervalSet All(T max = kMaxValue) { return Range(0, max); }
  // Builds a normalized set from intervals in any order, overlapping or not.
  static IntervalSet FromIntervals(std::vector<Interval<T>> in) {
    std::sort(in.begin(), in.end(),
              [](const Interval<T>& a, const Interval<T>& b) { return a.lo < b.lo; });
    IntervalSet s;
    for (const auto& i : in) {
      if (i.lo > i.hi) continue;
      if (!s.iv_.empty() && (s.iv_.back().hi == kMaxValue || i.lo <= s.iv_.back().hi + 1)) {
        s.iv_.back().hi = std::max(s.iv_.back().hi, i.hi);
      } else {
        s.iv_.push_back(i);
      }
    }
    return s;
  }

  bool empty() const { return iv_.empty(); }
  bool IsRange(T lo, T hi) const { return iv_.size() == 1 && iv_[0].lo == lo && iv_[0].hi == hi; }
  bool IsAll(T max = kMaxValue) const { return IsRange(0, max); }
  const IntervalStorage<T>& intervals() const { return iv_; }
  T Min() const { assert(!empty()); return iv_.front().lo; }
  T Max() const { assert(!empty()); return iv_.back().hi; }

  bool Contains(T v) const {
    auto it = std::upper_bound(iv_.begin(), iv_.end(), v,
                               [](T x, const Interval<T>& i) { return x < i.lo; });
    if (it == iv_.begin()) return false;
    return v <= std::prev(it)->hi;
  }

  // Number of values; u128 holds even the size of the whole IPv6 space minus one
  // plus one only when the set is not everything, so callers check IsAll first
  // when T is u128.
  u128 Size() const {
    u128 n = 0;
    for (const auto& i : iv_) n += static_cast<u128>(i.hi - i.lo) + 1;
    return n;
  }

  IntervalSet Union(const IntervalSet& o) const {
    if (o.empty()) return *this;
    if (empty()) return o;
    IntervalStorage<T> all;
    all.reserve(iv_.size() + o.iv_.size());
    std::merge(iv_.begin(), iv_.end(), o.iv_.begin(), o.iv_.end(), std::back_inserter(all),
               [](const Interval<T>& a, const Interval<T>& b) { return a.lo < b.lo; });
    IntervalSet s;
    s.iv_.reserve(all.size());
    for (const auto& i : all) {
      if (!s.iv_.empty() && (s.iv_.back().hi == kMaxValue || i.lo <= s.iv_.back().hi + 1)) {
        s.iv_.back().hi = std::max(s.iv_.back().hi, i.hi);
      } else {
        s.iv_.push_back(i);
      }
    }
    return s;
  }

  IntervalSet Intersect(const IntervalSet& o) const {
    IntervalSet s;
    // Skip straight to the part of the larger set that can overlap the smaller.
    const IntervalSet& small = iv_.size() <= o.iv_.size() ? *this : o;
    const IntervalSet& large = iv_.size() <= o.iv_.size() ? o : *this;
    if (small.empty()) return s;
    auto j = std::lower_bound(large.iv_.begin(), large.iv_.end(), small.iv_.front().lo,
                              [](const Interval<T>& i, T v) { return i.hi < v; });
    auto i = small.iv_.begin();
    while (i != small.iv_.end() && j != large.iv_.end()) {
      T lo = std::max(i->lo, j->lo);
      T hi = std::min(i->hi, j->hi);
      if (lo <= hi) s.iv_.push_back({lo, hi});
      if (i->hi < j->hi) {
        ++i;
        if (i != small.iv_.end() && j->hi < i->lo) {
          j = std::lower_bound(j, large.iv_.end(), i->lo,
                               [](const Interval<T>& x, T v) { return x.hi < v; });
        }
      } else {
        ++j;
      }
    }
    return s;
  }

  bool Intersects(const IntervalSet& o) const {
    const IntervalSet& small = iv_.size() <= o.iv_.size() ? *this : o;
    const IntervalSet& large = iv_.size() <= o.iv_.size() ? o : *this;
    for (const auto& i : small.iv_) {
      auto j = std::lower_bound(large.iv_.begin(), large.iv_.end(), i.lo,
                                [](const Interval<T>& x, T v) { return x.hi < v; });
      if (j != large.iv_.end() && j->lo <= i.hi) return true;
    }
    return false;
  }

  IntervalSet Complement(T max = kMaxValue) const {
    IntervalSet s;
    T next = 0;
    bool done = false;
    for (const auto& i : iv_) {
      if (i.lo > max) break;
      if (i.lo > next) s.iv_.push_back({next, static_cast<T>(i.lo - 1)});
      if (i.hi >= max) { done = true; break; }
      next = i.hi + 1;
    }
    if (!done && (iv_.empty() || next <= max)) s.iv_.push_back({next, max});
    return s;
  }

  IntervalSet Subtract(const IntervalSet& o) const {
    if (o.empty() || empty()) return *this;
    IntervalSet s;
    auto j = o.iv_.begin();
    for (const auto& cur : iv_) {
      T lo = cur.lo;
      bool alive = true;
      j = std::lower_bound(j, o.iv_.end(), lo,
                           [](const Interval<T>& x, T v) { return x.hi < v; });
      auto k = j;
      while (k != o.iv_.end() && k->lo <= cur.hi) {
        if (k->lo > lo) s.iv_.push_back({lo, static_cast<T>(k->lo - 1)});
        if (k->hi >= cur.hi) { alive = false; break; }
        lo = k->hi + 1;
        ++k;
      }
      if (alive) s.iv_.push_back({lo, cur.hi});
    }
    return s;
  }

  // Removes `o` from this set without reallocating: linear in o's intervals
  // plus the moves of the tail; used when a small set is cut out of a large one.
  void SubtractInPlace(const IntervalSet& o) {
    for (const auto& cut : o.iv_) {
      auto first = std::lower_bound(iv_.begin(), iv_.end(), cut.lo,
                                    [](const Interval<T>& x, T v) { return x.hi < v; });
      if (first == iv_.end() || first->lo > cut.hi) continue;
      auto last = first;
      while (last != iv_.end() && last->lo <= cut.hi) ++last;
      // [first, last) overlap the cut: keep what sticks out on either side.
      Interval<T> left{first->lo, cut.lo > 0 ? static_cast<T>(cut.lo - 1) : T{0}};
      Interval<T> right{cut.hi < kMaxValue ? static_cast<T>(cut.hi + 1) : kMaxValue, std::prev(last)->hi};
      bool keep_left = first->lo < cut.lo;
      bool keep_right = std::prev(last)->hi > cut.hi;
      auto at = iv_.erase(first, last);
      if (keep_right) at = iv_.insert(at, right);
      if (keep_left) iv_.insert(at, left);
    }
  }

  bool IsSubsetOf(const IntervalSet& o) const { return Subtract(o).empty(); }

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;
  friend bool operator<(const IntervalSet& a, const IntervalSet& b) {
    return std::lexicographical_compare(
        a.iv_.begin(), a.iv_.end(), b.iv_.begin(), b.iv_.end(),
        [](const Interval<T>& x, const Interval<T>& y) {
          return x.lo != y.lo ? x.lo < y.lo : x.hi < y.hi;
        });
  }

 private:
  IntervalStorage<T> iv_;
};

using PortSet = IntervalSet<std::uint16_t>;
using ProtocolSet = IntervalSet<std::uint8_t>;

// "22", "1024-65535", "22,80,443" — the house rendering of a port set.
std::string FormatPortSet(const PortSet& s);

}  // namespace ghostport::rules
