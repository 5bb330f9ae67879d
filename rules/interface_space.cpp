#include "rules/interface_space.h"

#include <algorithm>
#include <set>

namespace ghostport::rules {

AtomSet::AtomSet(size_t atoms, bool all) : w_((atoms + 63) / 64, 0) {
  if (all) {
    for (size_t i = 0; i < atoms; ++i) Set(i);
  }
}

bool AtomSet::empty() const {
  return std::all_of(w_.begin(), w_.end(), [](std::uint64_t w) { return w == 0; });
}

AtomSet AtomSet::Intersect(const AtomSet& o) const {
  AtomSet r = *this;
  for (size_t i = 0; i < w_.size(); ++i) r.w_[i] &= o.w_[i];
  return r;
}

AtomSet AtomSet::Subtract(const AtomSet& o) const {
  AtomSet r = *this;
  for (size_t i = 0; i < w_.size(); ++i) r.w_[i] &= ~o.w_[i];
  return r;
}

AtomSet AtomSet::Union(const AtomSet& o) const {
  AtomSet r = *this;
  for (size_t i = 0; i < w_.size(); ++i) r.w_[i] |= o.w_[i];
  return r;
}

bool AtomSet::Intersects(const AtomSet& o) const {
  for (size_t i = 0; i < w_.size(); ++i) {
    if (w_[i] & o.w_[i]) return true;
  }
  return false;
}

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void CollectNames(const std::vector<InterfaceMatch>& matches,
                  std::set<std::pair<std::string, bool>>& names) {
  for (const auto& m : matches) {
    for (const auto& n : m.names) names.insert({n.name, n.prefix});
  }
}

}  // namespace

InterfaceSpace InterfaceSpace::FromRuleset(const Ruleset& ruleset) {
  std::set<std::pair<std::string, bool>> names;
  for (const auto& t : ruleset.tables) {
    for (const auto& c : t.chains) {
      for (const auto& r : c.rules) {
        for (const auto& cube : r.cubes) {
          CollectNames(cube.iif, names);
          CollectNames(cube.oif, names);
        }
      }
    }
  }
  // "lo" always has an atom of its own: loopback exposure is reported apart.
  names.insert({"lo", false});
  for (const auto& set : ruleset.sets) {
    for (const auto& e : set.elements) {
      for (const auto& c : e.key) {
        if (c.name) names.insert({c.name->name, c.name->prefix});
      }
    }
  }
  for (const auto& route : ruleset.routes) names.insert({route.interface, false});
  InterfaceSpace s;
  s.network_only_ = !ruleset.tables.empty() && std::all_of(ruleset.tables.begin(), ruleset.tables.end(), [](const Table& t) {
    return t.family == TableFamily::kWindows;
  });
  s.atoms_.push_back({InterfaceName{"", false}});  // no interface
  for (const auto& [name, prefix] : names) {
    if (name.empty()) continue;  // "+" alone: the "*" atom covers it
    s.atoms_.push_back({InterfaceName{name, prefix}});
  }
  s.atoms_.push_back({InterfaceName{"", true}});
  return s;
}

// Does every name in `atom` satisfy `pattern`? (Atoms never straddle a pattern.)
bool InterfaceSpace::NameMatches(const InterfaceName& pattern, const Atom& atom) const {
  const InterfaceName& a = atom.name;
  if (!pattern.prefix) return !a.prefix && a.name == pattern.name;
  // A prefix pattern covers exact atoms and prefix atoms at or below it.
  return StartsWith(a.name, pattern.name) && !(a.prefix && a.name.empty() && !pattern.name.empty());
}

AtomSet InterfaceSpace::Matching(const InterfaceMatch& m) const {
  AtomSet s(atoms_.size());
  for (size_t i = 0; i < atoms_.size(); ++i) {
    if (i == kNoneAtom && m.never_absent) continue;
    bool hit = std::any_of(m.names.begin(), m.names.end(),
                           [&](const InterfaceName& n) { return NameMatches(n, atoms_[i]); });
    if (hit != m.negated) s.Set(i);
  }
  return s;
}

AtomSet InterfaceSpace::AllInterfaces() const {
  AtomSet s = All();
  s.Reset(kNoneAtom);
  return s;
}

AtomSet InterfaceSpace::NoInterface() const {
  AtomSet s(atoms_.size());
  s.Set(kNoneAtom);
  return s;
}

AtomSet InterfaceSpace::Loopback() const {
  AtomSet s(atoms_.size());
  s.Set(AtomOf("lo"));
  return s;
}

size_t InterfaceSpace::AtomOf(std::string_view name) const {
  if (name.empty()) return kNoneAtom;
  size_t best = atoms_.size() - 1;  // "*"
  size_t best_len = 0;
  for (size_t i = 1; i < atoms_.size(); ++i) {
    const InterfaceName& a = atoms_[i].name;
    if (!a.prefix && a.name == name) return i;
    if (a.prefix && !a.name.empty() && StartsWith(name, a.name) && a.name.size() > best_len) {
      best = i;
      best_len = a.name.size();
    }
  }
  return best;
}

// Names as the user wrote them: where a set holds a prefix's atom ("eth+",
// the names the ruleset does not spell out), the prefix stands for every
// atom under it the set holds ("eth0", "eth0.100"), and those it lacks are
// named as exceptions ("eth+ except eth0"). Shortest prefix first, so "eth+"
// wins over "eth0+".
std::vector<std::string> InterfaceSpace::Terms(const AtomSet& named) const {
  const size_t star = atoms_.size() - 1;
  auto label = [&](size_t i) {
    const InterfaceName& a = atoms_[i].name;
    return a.prefix ? a.name + "+" : a.name;
  };
  std::vector<size_t> prefixes;
  for (size_t i = 1; i < star; ++i) {
    if (named.Has(i) && atoms_[i].name.prefix) prefixes.push_back(i);
  }
  std::stable_sort(prefixes.begin(), prefixes.end(),
                   [&](size_t a, size_t b) { return atoms_[a].name.name.size() < atoms_[b].name.name.size(); });
  std::vector<bool> covered(atoms_.size(), false);
  std::vector<std::pair<std::string, std::string>> terms;  // (sort key, label)
  for (size_t p : prefixes) {
    if (covered[p]) continue;
    std::string except;
    for (size_t i = 1; i < star; ++i) {
      if (i == p || !NameMatches(atoms_[p].name, atoms_[i])) continue;
      if (named.Has(i)) {
        covered[i] = true;
      } else {
        except += (except.empty() ? " except " : ", ") + label(i);
      }
    }
    covered[p] = true;
    terms.push_back({atoms_[p].name.name, label(p) + except});
  }
  for (size_t i = 1; i < star; ++i) {
    if (named.Has(i) && !covered[i]) terms.push_back({atoms_[i].name.name, label(i)});
  }
  std::sort(terms.begin(), terms.end());
  std::vector<std::string> out;
  out.reserve(terms.size());
  for (auto& t : terms) out.push_back(std::move(t.second));
  return out;
}

std::vector<std::string> InterfaceSpace::Describe(const AtomSet& s) const {
  const size_t star = atoms_.size() - 1;
  AtomSet named = s;
  named.Reset(kNoneAtom);
  if (named == AllInterfaces() || (network_only_ && named.Union(Loopback()) == AllInterfaces())) return {"any"};
  if (named.empty()) return {"none"};
  if (!named.Has(star)) return Terms(named);
  AtomSet missing = AllInterfaces().Subtract(named);
  std::vector<std::string> out = Terms(missing);
  for (auto& t : out) t = "!" + t;
  return out;
}

std::vector<InterfaceName> InterfaceSpace::AtomNames() const {
  std::vector<InterfaceName> out;
  for (const Atom& a : atoms_) out.push_back(a.name);
  return out;
}

bool InterfaceSpace::IsLoopbackOnly(const AtomSet& s) const {
  for (size_t i = 1; i < atoms_.size(); ++i) {
    if (s.Has(i) && !(atoms_[i].name.name == "lo" && !atoms_[i].name.prefix)) return false;
  }
  return !s.empty();
}

}  // namespace ghostport::rules
