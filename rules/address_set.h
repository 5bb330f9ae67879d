// A set of addresses of one family. Values are shared between copies
// (copy-on-write), since the engine hands the same set to thousands of
// regions. A difference whose subtrahend is small against a large set is
// kept lazily (base minus small part) and is materialised only when it must
// be: this keeps "everything except a 48,000-address block list" cheap when
// it is split thousands of times.
#pragma once

#include <memory>
#include <string>
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
  std::vector<Cidr> ToCidrs() const;  // MinimalCidrCover of Materialize()

  friend bool operator==(const AddressSet& a, const AddressSet& b);
  friend bool operator<(const AddressSet& a, const AddressSet& b);

 private:
  Family family_ = Family::kIpv4;
  std::shared_ptr<const Values> base_;
  std::shared_ptr<const Values> minus_;  // null when not lazy
};

}  // namespace ghostport::rules
