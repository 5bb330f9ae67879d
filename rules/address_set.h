// A set of addresses of one family. Values are shared between copies
// (copy-on-write), since the engine hands the same set to thousands of
// regions. A difference whose subtrahend is small against a large set is
// kept lazily (base minus small part) and is materialised only when it must
// be: this keeps "everything except a 48,000-address block list" cheap when
// it is split thousands of times.
//
// A lazy value is base_ minus minus_, where minus_ is non-empty, lies inside
// base_ and differs from it; see address_set.cpp for when a difference stays
// lazy. All queries and operations are exact for lazy values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rules/address.h"

namespace ghostport::rules {

class AddressSet {
 public:
  using Values = IntervalSet<u128>;

  AddressSet();  // the empty IPv4 set
  static AddressSet All(Family f);
  static AddressSet None(Family f);
  static AddressSet Of(Family f, Values values);
  static AddressSet OfCidr(const Cidr& c);
  static AddressSet OfRange(Family f, u128 lo, u128 hi);

  Family family() const { return family_; }
  bool empty() const;
  bool IsAll() const;
  bool Contains(u128 address) const;

  AddressSet Union(const AddressSet& o) const;
  AddressSet Intersect(const AddressSet& o) const;
  AddressSet Subtract(const AddressSet& o) const;
  AddressSet Complement() const;
  bool Intersects(const AddressSet& o) const;

  // The exact values (materialises a lazy difference).
  Values Materialize() const;
  // The values without a copy, for a set that is not lazy; null otherwise.
  const Values* EagerValues() const { return minus_ ? nullptr : base_.get(); }
  std::vector<Cidr> ToCidrs() const;  // MinimalCidrCover of Materialize()

  // Equal keys mean the same shared values (not the converse): lets reports
  // render a set shared by thousands of regions once.
  std::pair<const void*, const void*> SharingKey() const { return {base_.get(), minus_.get()}; }

  friend bool operator==(const AddressSet& a, const AddressSet& b);
  friend bool operator<(const AddressSet& a, const AddressSet& b);

  // Introspection for tests and diagnostics: whether the value is held as a
  // lazy difference, whether two sets share their base storage, and how many
  // times in this process a base large enough to be kept lazily (see
  // address_set.cpp) has been copied to materialise a difference or a
  // complement.
  bool IsLazy() const { return minus_ != nullptr; }
  bool SharesValuesWith(const AddressSet& o) const { return base_ == o.base_; }
  static std::uint64_t MaterializationCount();

  // For a lazy set: the base it shares (never lazy) and the part taken out of
  // it (small, inside the base). Reports use them to write "a named set, and
  // these few more" instead of copying the base. Only for IsLazy() sets.
  AddressSet LazyBase() const;
  AddressSet LazyMinus() const;

 private:
  // `*base` minus `minus`, where `minus` lies inside `*base`: lazy when the
  // heuristic says so, materialised otherwise.
  static AddressSet Difference(Family f, std::shared_ptr<const Values> base, Values minus);
  const Values& Minus() const;

  Family family_ = Family::kIpv4;
  std::shared_ptr<const Values> base_;
  std::shared_ptr<const Values> minus_;  // null when not lazy
};

}  // namespace ghostport::rules
