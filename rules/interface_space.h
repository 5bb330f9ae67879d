// The interface names a ruleset mentions, cut into atoms so that every
// interface match is an exact set of atoms. Atoms: each exact name the
// ruleset names; for each prefix it names ("eth+"), the other names with that
// prefix; and "*", every name the ruleset does not mention. Any concrete
// interface falls in exactly one atom. Atom 0 stands for "no interface"
// (a packet on the input path has no output interface; a locally generated
// one has no input interface).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/small_vector.h"

#include "rules/model.h"

namespace ghostport::rules {

// A set of atoms of one InterfaceSpace.
class AtomSet {
 public:
  AtomSet() = default;
  explicit AtomSet(size_t atoms, bool all = false);
  bool Has(size_t atom) const { return (w_[atom / 64] >> (atom % 64)) & 1u; }
  void Set(size_t atom) { w_[atom / 64] |= std::uint64_t{1} << (atom % 64); }
  void Reset(size_t atom) { w_[atom / 64] &= ~(std::uint64_t{1} << (atom % 64)); }
  bool empty() const;
  AtomSet Intersect(const AtomSet& o) const;
  AtomSet Subtract(const AtomSet& o) const;
  AtomSet Union(const AtomSet& o) const;
  bool Intersects(const AtomSet& o) const;
  friend bool operator==(const AtomSet&, const AtomSet&) = default;
  friend bool operator<(const AtomSet& a, const AtomSet& b) { return a.w_ < b.w_; }

 private:
  boost::container::small_vector<std::uint64_t, 1> w_;  // up to 64 atoms inline
};

class InterfaceSpace {
 public:
  // Collects the interface names of every rule, set element and route.
  static InterfaceSpace FromRuleset(const Ruleset& ruleset);

  static constexpr size_t kNoneAtom = 0;

  size_t size() const { return atoms_.size(); }
  // Every atom, "no interface" included.
  AtomSet All() const { return AtomSet(atoms_.size(), true); }
  // Every interface name (all atoms but "no interface").
  AtomSet AllInterfaces() const;
  AtomSet NoInterface() const;
  AtomSet Loopback() const;
  // The atoms where the match holds.
  AtomSet Matching(const InterfaceMatch& m) const;
  // The atom a concrete interface name falls in ("": no interface).
  size_t AtomOf(std::string_view name) const;
  // Human and machine readable: ["any"], ["eth0", "wg+"], or ["!lo"]
  // ("no interface" is left out).
  std::vector<std::string> Describe(const AtomSet& s) const;
  // The names the atoms stand for, by atom (0: no interface, "" exact; the
  // last: every other name, "" prefix).
  std::vector<InterfaceName> AtomNames() const;
  // True when the set holds only the loopback interface "lo".
  bool IsLoopbackOnly(const AtomSet& s) const;

 private:
  struct Atom {
    InterfaceName name;  // prefix=true: other names with this prefix; "" prefix: "*"
  };
  bool NameMatches(const InterfaceName& pattern, const Atom& atom) const;
  // The names (exact and "prefix+") that make up a set of named atoms.
  std::vector<std::string> Terms(const AtomSet& named) const;
  std::vector<Atom> atoms_;  // sorted by name, "*" last
  // Windows rulesets: exposure is what arrives from the network (Windows
  // Firewall does not filter loopback), so every interface but lo is "any".
  bool network_only_ = false;
};

}  // namespace ghostport::rules
