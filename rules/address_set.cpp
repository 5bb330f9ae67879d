#include "rules/address_set.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <utility>

namespace ghostport::rules {
namespace {

using Values = AddressSet::Values;

// When a difference stays lazy. Materialising base - minus costs a copy of
// the base, O(|base|); keeping it lazy costs every later operation an extra
// O(|minus|) or O(log |minus|). So a difference stays lazy when
//   - the base has at least kLazyMinBase intervals (below that a copy is as
//     cheap as the bookkeeping), and
//   - the subtrahend, clipped to the base, has fewer than 1/kLazyRatio of the
//     base's intervals.
// Subtracting again from a lazy set merges into its subtrahend; once that
// reaches 1/8 of the base the difference is materialised, so a chain of
// subtractions never costs more than materialising at each step would.
constexpr size_t kLazyMinBase = 64;
constexpr size_t kLazyRatio = 8;

bool KeepLazy(size_t base_intervals, size_t minus_intervals) {
  return base_intervals >= kLazyMinBase && minus_intervals * kLazyRatio < base_intervals;
}

std::atomic<std::uint64_t> g_materializations{0};

// Counts a copy of `base` made to materialise a difference, when the base is
// large enough that the copy is worth avoiding.
void NoteMaterialization(const Values& base) {
  if (base.intervals().size() >= kLazyMinBase) ++g_materializations;
}

std::shared_ptr<const Values> Share(Values v) {
  return std::make_shared<const Values>(std::move(v));
}

const std::shared_ptr<const Values>& EmptyValues() {
  static const std::shared_ptr<const Values> empty = Share(Values{});
  return empty;
}

const std::shared_ptr<const Values>& AllValues(Family f) {
  static const std::shared_ptr<const Values> v4 = Share(Values::All(MaxAddress(Family::kIpv4)));
  static const std::shared_ptr<const Values> v6 = Share(Values::All(MaxAddress(Family::kIpv6)));
  return f == Family::kIpv4 ? v4 : v6;
}

// The first interval of `s` that ends at or after `v`.
auto FirstEndingFrom(const Values& s, IntervalStorage<u128>::const_iterator from, u128 v) {
  return std::lower_bound(from, s.intervals().end(), v,
                          [](const Interval<u128>& i, u128 x) { return i.hi < x; });
}

// Whether [lo, hi] lies inside `s` (inside one interval, as `s` is normalised).
bool Covers(const Values& s, u128 lo, u128 hi) {
  auto it = FirstEndingFrom(s, s.intervals().begin(), lo);
  return it != s.intervals().end() && it->lo <= lo && hi <= it->hi;
}

// Calls `stop(lo, hi)` on each interval of a ∩ b in order until it returns
// true, and returns whether it did. Walks the smaller set and jumps through
// the larger one by binary search: O(small * log(large) + pieces visited).
template <typename Stop>
bool AnyIntersectionPiece(const Values& a, const Values& b, Stop stop) {
  const Values& small = a.intervals().size() <= b.intervals().size() ? a : b;
  const Values& large = &small == &a ? b : a;
  if (small.empty()) return false;
  auto i = small.intervals().begin();
  auto j = FirstEndingFrom(large, large.intervals().begin(), i->lo);
  while (i != small.intervals().end() && j != large.intervals().end()) {
    u128 lo = std::max(i->lo, j->lo);
    u128 hi = std::min(i->hi, j->hi);
    if (lo <= hi && stop(lo, hi)) return true;
    if (i->hi < j->hi) {
      ++i;
      if (i != small.intervals().end() && j->hi < i->lo) j = FirstEndingFrom(large, j, i->lo);
    } else {
      ++j;
    }
  }
  return false;
}

}  // namespace

AddressSet::AddressSet() : base_(EmptyValues()) {}

AddressSet AddressSet::All(Family f) {
  AddressSet s;
  s.family_ = f;
  s.base_ = AllValues(f);
  return s;
}

AddressSet AddressSet::None(Family f) {
  AddressSet s;
  s.family_ = f;
  return s;
}

AddressSet AddressSet::Of(Family f, Values values) {
  assert(values.empty() || values.Max() <= MaxAddress(f));
  if (values.empty()) return None(f);
  if (values.IsAll(MaxAddress(f))) return All(f);
  AddressSet s;
  s.family_ = f;
  s.base_ = Share(std::move(values));
  return s;
}

AddressSet AddressSet::OfCidr(const Cidr& c) {
  return Of(c.family, Values::Range(c.First(), c.Last()));
}

AddressSet AddressSet::OfRange(Family f, u128 lo, u128 hi) {
  assert(lo > hi || hi <= MaxAddress(f));
  return Of(f, Values::Range(lo, hi));
}

std::uint64_t AddressSet::MaterializationCount() { return g_materializations.load(); }

const Values& AddressSet::Minus() const { return minus_ ? *minus_ : *EmptyValues(); }

AddressSet AddressSet::Difference(Family f, std::shared_ptr<const Values> base, Values minus) {
  if (minus.empty()) {
    AddressSet s;
    s.family_ = f;
    s.base_ = std::move(base);
    return s;
  }
  // minus lies inside base, so they are equal exactly when nothing is left.
  if (minus == *base) return None(f);
  if (KeepLazy(base->intervals().size(), minus.intervals().size())) {
    AddressSet s;
    s.family_ = f;
    s.base_ = std::move(base);
    s.minus_ = Share(std::move(minus));
    return s;
  }
  NoteMaterialization(*base);
  return Of(f, base->Subtract(minus));
}

bool AddressSet::empty() const {
  // minus_ lies inside base_ and differs from it, so a lazy set is never empty;
  // the comparison keeps that exact even if the invariant were relaxed.
  if (!minus_) return base_->empty();
  return *minus_ == *base_;
}

bool AddressSet::IsAll() const {
  // A lazy set has removed at least one address of its base.
  return !minus_ && base_->IsAll(MaxAddress(family_));
}

bool AddressSet::Contains(u128 address) const {
  return base_->Contains(address) && !(minus_ && minus_->Contains(address));
}

AddressSet AddressSet::Union(const AddressSet& o) const {
  assert(family_ == o.family_);
  if (o.empty() || IsAll()) return *this;
  if (empty() || o.IsAll()) return o;
  // (B - Ma) | (B - Mb) = B - (Ma & Mb).
  if (base_ == o.base_) return Difference(family_, base_, Minus().Intersect(o.Minus()));
  // (B - M) | X = B - (M - X) when X lies inside B: the subtrahend only shrinks.
  if (minus_ && !o.minus_ && o.base_->IsSubsetOf(*base_)) {
    return Difference(family_, base_, minus_->Subtract(*o.base_));
  }
  if (o.minus_ && !minus_ && base_->IsSubsetOf(*o.base_)) {
    return Difference(family_, o.base_, o.minus_->Subtract(*base_));
  }
  if (!minus_ && !o.minus_) return Of(family_, base_->Union(*o.base_));
  return Of(family_, Materialize().Union(o.Materialize()));
}

AddressSet AddressSet::Intersect(const AddressSet& o) const {
  assert(family_ == o.family_);
  if (o.IsAll()) return *this;
  if (IsAll()) return o;
  // (Ba - Ma) & (Bb - Mb) = (Ba & Bb) - (Ma | Mb).
  Values minus = Minus().Union(o.Minus());
  if (base_ == o.base_) return Difference(family_, base_, std::move(minus));
  Values both = base_->Intersect(*o.base_);
  if (both.empty()) return None(family_);
  if (!minus.empty()) minus = minus.Intersect(both);
  return Difference(family_, Share(std::move(both)), std::move(minus));
}

AddressSet AddressSet::Subtract(const AddressSet& o) const {
  assert(family_ == o.family_);
  if (o.empty() || empty()) return *this;
  if (o.IsAll()) return None(family_);
  // (B - Ma) - (B - Mb) = Mb - Ma, since Mb lies inside B.
  if (base_ == o.base_) return Of(family_, o.Minus().Subtract(Minus()));
  // The part of o inside the base, (B & Bo) - Mo, joins the subtrahend.
  Values cut = base_->Intersect(*o.base_);
  if (o.minus_ && !cut.empty()) cut = cut.Subtract(*o.minus_);
  if (cut.empty()) return *this;
  if (minus_) cut = minus_->Union(cut);
  return Difference(family_, base_, std::move(cut));
}

AddressSet AddressSet::Complement() const {
  const u128 max = MaxAddress(family_);
  if (!minus_) return Of(family_, base_->Complement(max));
  // ~(B - M) = ~B | M.
  NoteMaterialization(*base_);
  return Of(family_, base_->Complement(max).Union(*minus_));
}

bool AddressSet::Intersects(const AddressSet& o) const {
  assert(family_ == o.family_);
  if (!minus_ && !o.minus_) return base_->Intersects(*o.base_);
  // (Ba - Ma) & (Bb - Mb) = (Ba & Bb) - (Ma | Mb): some piece of Ba & Bb must
  // stick out of the subtrahend. Every piece that does not lies inside one
  // interval of it, so few pieces are visited before the answer is known.
  // One subtrahend alone, or both the same (sets cut by one block list),
  // need no union: that copy cost as much as the block list is long.
  auto test = [&](const Values& minus) {
    return AnyIntersectionPiece(*base_, *o.base_, [&](u128 lo, u128 hi) { return !Covers(minus, lo, hi); });
  };
  if (!o.minus_ || minus_ == o.minus_) return test(*minus_);
  if (!minus_) return test(*o.minus_);
  return test(Minus().Union(o.Minus()));
}

AddressSet::Values AddressSet::Materialize() const {
  if (!minus_) return *base_;
  NoteMaterialization(*base_);
  return base_->Subtract(*minus_);
}

std::vector<Cidr> AddressSet::ToCidrs() const {
  if (!minus_) return MinimalCidrCover(family_, *base_);
  return MinimalCidrCover(family_, Materialize());
}

bool operator==(const AddressSet& a, const AddressSet& b) {
  if (a.family_ != b.family_) return false;
  if (a.base_ == b.base_) {
    // Both subtrahends lie inside the shared base, so the sets are equal
    // exactly when the subtrahends are.
    if (a.minus_ == b.minus_) return true;
    return a.Minus() == b.Minus();
  }
  if (!a.minus_ && !b.minus_) return *a.base_ == *b.base_;
  return a.Materialize() == b.Materialize();
}

bool operator<(const AddressSet& a, const AddressSet& b) {
  if (a.family_ != b.family_) return a.family_ < b.family_;
  if (a.base_ == b.base_ && a.minus_ == b.minus_) return false;
  if (!a.minus_ && !b.minus_) return *a.base_ < *b.base_;
  return a.Materialize() < b.Materialize();
}

AddressSet AddressSet::LazyBase() const {
  assert(IsLazy());
  AddressSet s;
  s.family_ = family_;
  s.base_ = base_;
  return s;
}

AddressSet AddressSet::LazyMinus() const {
  assert(IsLazy());
  AddressSet s;
  s.family_ = family_;
  s.base_ = minus_;
  return s;
}

}  // namespace ghostport::rules
