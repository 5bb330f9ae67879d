#include "rules/exposure_entries.h"

#include "rules/compiled.h"
#include "rules/port_hull_index.h"
#include "rules/protocols.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

namespace ghostport::rules {

namespace {

// Everything but the destination ports and the sources: entries in one group
// differ only in those two.
struct GroupKey {
  Family family;
  int protocol;  // -1: other protocols
  ProtocolSet protocols;
  PortSet sports;
  AddressSet daddr;
  AtomSet iif;
  AtomSet oif;
  Decision opening;
  std::vector<HookDecision> path;
  bool forward;
  std::optional<VerdictKind> translation;
  std::optional<RuleRef> translated_by;
  std::optional<AddressSet> to_address;
  std::optional<PortSet> to_ports;
  Handshake handshake;
  std::optional<Decision> blocked_by;
  bool conditional;
  std::vector<Guard> guards;

  auto Tie() const {
    return std::tie(family, protocol, protocols, sports, daddr, iif, oif, opening, path, forward, translation,
                    translated_by, to_address, to_ports, handshake, blocked_by, conditional, guards);
  }
  friend bool operator<(const GroupKey& a, const GroupKey& b) { return a.Tie() < b.Tie(); }
};

struct Item {
  PortSet dports;
  AddressSet saddr;
};

// Cuts the port axis at every item boundary and unions the sources over each
// piece, then joins neighbouring pieces with equal sources.
void EmitGroup(const GroupKey& k, const std::vector<Item>& items, std::vector<ExposureEntry>& out) {
  std::vector<std::uint32_t> cuts;
  for (const auto& it : items) {
    for (const auto& iv : it.dports.intervals()) {
      cuts.push_back(iv.lo);
      cuts.push_back(static_cast<std::uint32_t>(iv.hi) + 1);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  if (cuts.size() < 2) return;
  std::vector<std::optional<AddressSet>> piece(cuts.size() - 1);
  for (const auto& it : items) {
    for (const auto& iv : it.dports.intervals()) {
      auto first = std::lower_bound(cuts.begin(), cuts.end(), iv.lo) - cuts.begin();
      auto last = std::lower_bound(cuts.begin(), cuts.end(), static_cast<std::uint32_t>(iv.hi) + 1) -
                  cuts.begin();
      for (auto p = first; p < last; ++p) {
        piece[p] = piece[p] ? piece[p]->Union(it.saddr) : it.saddr;
      }
    }
  }
  for (size_t p = 0; p < piece.size();) {
    if (!piece[p]) {
      ++p;
      continue;
    }
    size_t q = p + 1;
    while (q < piece.size() && piece[q] && *piece[q] == *piece[p]) ++q;
    ExposureEntry e;
    e.family = k.family;
    e.other_protocols = k.protocol < 0;
    e.protocol = k.protocol < 0 ? 0 : static_cast<std::uint8_t>(k.protocol);
    e.protocols = k.protocols;
    e.from = static_cast<std::uint16_t>(cuts[p]);
    e.to = static_cast<std::uint16_t>(cuts[q] - 1);
    e.sources = *piece[p];
    e.source_ports = k.sports;
    e.destinations = k.daddr;
    e.interfaces = k.iif;
    e.out_interfaces = k.oif;
    e.opening = k.opening;
    e.path = k.path;
    e.forward = k.forward;
    e.translation = k.translation;
    e.translated_by = k.translated_by;
    e.to_address = k.to_address;
    e.to_ports = k.to_ports;
    e.handshake = k.handshake;
    e.handshake_blocked_by = k.blocked_by;
    e.conditional = k.conditional;
    e.guards = k.guards;
    out.push_back(std::move(e));
    p = q;
  }
}

// Whether what reaches a chain's rules is their own match: a base chain,
// or a user chain every jump to which holds for every packet but for its
// interfaces (`-A INPUT -j ufw-user-input`, `-A FORWARD -o docker0 -j
// DOCKER`), from a chain that is so too. A rule behind `--dport 8080 -j
// proxy` sees only port 8080 whatever its own match says: its entries are
// never widened or joined to that match.
class ReachedAsWritten {
 public:
  explicit ReachedAsWritten(const Ruleset& rs) : rs_(rs) {
    for (std::size_t t = 0; t < rs.tables.size(); ++t) {
      const Table& table = rs.tables[t];
      for (std::size_t c = 0; c < table.chains.size(); ++c) {
        for (const Rule& r : table.chains[c].rules) {
          const bool jump = r.verdict.kind == VerdictKind::kJump || r.verdict.kind == VerdictKind::kGoto;
          if (!jump || r.verdict.target < 0) continue;
          callers_[{static_cast<int>(t), r.verdict.target}].push_back({static_cast<int>(c), Transparent(r)});
        }
      }
    }
  }
  bool operator()(int table, int chain) { return Check(table, chain, 0); }

 private:
  static bool Transparent(const Rule& r) {
    if (!r.conditions.empty() || r.cubes.empty()) return false;
    return std::all_of(r.cubes.begin(), r.cubes.end(), [](const Cube& c) {
      return c.protocols.IsAll() && c.sports.IsAll() && c.dports.IsAll() && c.saddr.IsAll() && c.daddr.IsAll() &&
             c.ct_states == kCtAll && c.ct_nat == 0 && !c.tcp_flags && !c.src_type && !c.dst_type && c.sets.empty() &&
             !c.later_fragments_only;
    });
  }
  bool Check(int table, int chain, int depth) {
    const Chain& c = rs_.tables[static_cast<std::size_t>(table)].chains[static_cast<std::size_t>(chain)];
    if (c.IsBase()) return true;
    auto memo = known_.find({table, chain});
    if (memo != known_.end()) return memo->second;
    if (depth > 16) return false;
    known_[{table, chain}] = false;  // a loop reaches nothing as written
    bool ok = false;
    auto it = callers_.find({table, chain});
    if (it != callers_.end()) {
      ok = std::all_of(it->second.begin(), it->second.end(), [&](const std::pair<int, bool>& caller) {
        return caller.second && Check(table, caller.first, depth + 1);
      });
    }
    known_[{table, chain}] = ok;
    return ok;
  }
  const Ruleset& rs_;
  std::map<std::pair<int, int>, std::vector<std::pair<int, bool>>> callers_;  // chain -> (caller, transparent)
  std::map<std::pair<int, int>, bool> known_;
};

// A box's guards, each once (the SYN, the SYN-ACK and the ACK may each pass
// the same conditional rule), in the order first met.
std::vector<Guard> UniqueGuards(const std::vector<Guard>& guards) {
  std::vector<Guard> out;
  for (const Guard& g : guards) {
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  }
  return out;
}

// How many blocks an address set is held as (its shared base, when lazy).
std::size_t Blocks(const AddressSet& a) {
  const AddressSet::Values* v = a.IsLazy() ? nullptr : a.EagerValues();
  if (v != nullptr) return v->intervals().size();
  if (!a.IsLazy()) return 0;
  const AddressSet base = a.LazyBase();
  const AddressSet::Values* b = base.EagerValues();
  return b != nullptr ? b->intervals().size() : 0;
}

// Entries whose addresses are cut by a long block list are left as the
// engine cut them: every hole test would walk the list (60,000 rules behind
// a 30,000-address block list: 17 s of joins that changed nothing).
constexpr std::size_t kMaxJoinBlocks = 1024;

// The destination ports a rule's own match names for a protocol.
PortSet RulePorts(const Rule& rule, Family family, std::uint8_t protocol) {
  PortSet out;
  for (const Cube& c : rule.cubes) {
    if (c.family == family && c.protocols.Contains(protocol)) out = out.Union(c.dports);
  }
  return out;
}

// A rule accepted only what earlier accepts had not: `-s NET -j ACCEPT`
// after 2,000 port accepts accepts "every port but those 2,000" from NET,
// though NET reaches all of them. Where an opening from any source on a
// superset of the interfaces already accepts ports the rule's own match
// names, its entries are widened over them: the entries then say what the
// rule opens (each packet in an entry is accepted, by the rule or before
// it), and a rule that accepts everything reads as one entry, not one per
// hole. Only unconditional openings that connect, without translation.
void FillHoles(std::map<GroupKey, std::vector<Item>>& groups, const Ruleset& ruleset, ReachedAsWritten& as_written) {
  auto plain = [](const GroupKey& k) {
    return !k.conditional && !k.translation && k.protocol >= 0 && k.sports.IsAll() && k.daddr.IsAll() &&
           (k.handshake == Handshake::kComplete || k.handshake == Handshake::kNotApplicable);
  };
  struct Open {
    AtomSet iif;
    PortSet ports;
  };
  std::map<std::pair<Family, int>, std::vector<Open>> universal;
  for (const auto& [k, items] : groups) {
    if (!plain(k)) continue;
    for (const Item& it : items) {
      if (!it.saddr.IsAll()) continue;
      auto& list = universal[{k.family, k.protocol}];
      auto at = std::find_if(list.begin(), list.end(), [&](const Open& o) { return o.iif == k.iif; });
      if (at == list.end()) {
        list.push_back(Open{k.iif, it.dports});
      } else {
        at->ports = at->ports.Union(it.dports);
      }
    }
  }
  if (universal.empty()) return;
  for (auto& [k, items] : groups) {
    const RuleRef* r = DecidingRule(k.opening);
    if (!plain(k) || r == nullptr || !as_written(r->table, r->chain)) continue;
    auto u = universal.find({k.family, k.protocol});
    if (u == universal.end()) continue;
    PortSet covered;
    for (const Open& o : u->second) {
      if (k.iif.Subtract(o.iif).empty()) covered = covered.Union(o.ports);
    }
    if (covered.empty()) continue;
    const PortSet fill = covered.Intersect(RulePorts(RuleAt(ruleset, *r), k.family, static_cast<std::uint8_t>(k.protocol)));
    for (Item& it : items) {
      if (!it.saddr.IsAll()) it.dports = it.dports.Union(fill);
    }
  }
}

using Groups = std::map<GroupKey, std::vector<Item>>;
// One rule's groups that differ only in what its match spans.
using Members = std::vector<Groups::iterator>;

bool PlainOpening(const GroupKey& k) {
  return !k.conditional && !k.translation && !k.forward && k.protocol >= 0 && k.guards.empty() &&
         (k.handshake == Handshake::kComplete || k.handshake == Handshake::kNotApplicable);
}

// Everything of a key but what a rule's match spans.
bool SameButSpan(const GroupKey& a, const GroupKey& b) {
  return a.opening == b.opening && a.path == b.path && a.handshake == b.handshake && a.blocked_by == b.blocked_by &&
         a.translation == b.translation && a.translated_by == b.translated_by && a.to_address == b.to_address &&
         a.to_ports == b.to_ports && a.conditional == b.conditional && a.guards == b.guards;
}

FieldCube CubeOf(const GroupKey& k, const Item& it, const InterfaceSpace& ifaces) {
  return FieldCube{ProtocolSet::Single(static_cast<std::uint8_t>(k.protocol)), k.sports, it.dports, it.saddr,
                   k.daddr, k.iif, ifaces.All()};
}

// Cuts cubes out of a region, within a budget (a rule whose holes are many
// is left as the engine cut it).
class Holes {
 public:
  explicit Holes(std::vector<FieldCube> region) : left_(std::move(region)) {}
  bool Cut(const FieldCube& by) {
    if (left_.empty() || over_) return !over_;
    work_ += left_.size();
    auto hit = std::find_if(left_.begin(), left_.end(), [&](const FieldCube& h) { return Intersects(h, by); });
    if (hit == left_.end()) {
      over_ = work_ > 8192;
      return !over_;
    }
    std::vector<FieldCube> next;
    for (auto h = left_.begin(); h != left_.end(); ++h) {
      if (h >= hit && Intersects(*h, by)) {
        SubtractInto(std::move(*h), by, next);
      } else {
        next.push_back(std::move(*h));
      }
    }
    left_ = std::move(next);
    over_ = left_.size() > 256 || work_ > 8192;
    return !over_;
  }
  bool empty() const { return left_.empty(); }
  bool over() const { return over_; }
  // The destination ports the holes span, lowest to highest.
  std::pair<std::uint16_t, std::uint16_t> PortHull() const {
    std::uint16_t lo = 0xffff, hi = 0;
    for (const FieldCube& h : left_) {
      if (h.dports.empty()) continue;
      lo = std::min(lo, h.dports.intervals().front().lo);
      hi = std::max(hi, h.dports.intervals().back().hi);
    }
    return {lo, hi};
  }

 private:
  std::vector<FieldCube> left_;
  size_t work_ = 0;
  bool over_ = false;
};

// The plain openings of one family and protocol, found by destination
// port: a hole is only ever cut by an opening whose ports meet it, so the
// others need not be looked at (60,000 single-port accepts after a block
// list: each rule's holes met every one of them).
class AcceptedIndex {
 public:
  void Add(FieldCube c) {
    index_.Add(c.dports);
    cubes_.push_back(std::move(c));
  }
  // Call once, after the last Add.
  void Build() { index_.Build(); }
  // The openings whose port hulls meet [lo, hi], in the order added.
  std::vector<const FieldCube*> Meeting(std::uint16_t lo, std::uint16_t hi) const {
    std::vector<const FieldCube*> out;
    for (std::size_t i : index_.Meeting(PortSet::Range(lo, hi))) out.push_back(&cubes_[i]);
    return out;
  }

 private:
  std::vector<FieldCube> cubes_;
  PortHullIndex index_;
};

// The rule's match as written, on the interfaces where it opened anything
// (lo, reported apart, often opens differently); empty when it cannot be
// told (unknown conditions or sets).
std::vector<FieldCube> WrittenMatch(const Exposure& exposure, Family family, int protocol, const RuleRef& ref,
                                    const Members& members) {
  const InterfaceSpace& ifaces = exposure.interfaces;
  CompiledRule cr = CompileRule(*exposure.ruleset, RuleAt(*exposure.ruleset, ref), family, ifaces);
  if (cr.conditional || !cr.unknowns.empty()) return {};
  AtomSet where(ifaces.size());
  for (auto g : members) where = where.Union(g->first.iif);
  std::vector<FieldCube> written;
  for (const CompiledCube& c : cr.cubes) {
    FieldCube f = c.fields;
    f.protocols = f.protocols.Intersect(ProtocolSet::Single(static_cast<std::uint8_t>(protocol)));
    f.iif = f.iif.Intersect(where);
    f.oif = ifaces.All();
    if (!IsEmpty(f)) written.push_back(std::move(f));
  }
  return written;
}

// The same rule's openings cut into several entries by what earlier rules
// accepted (`-d H --dport 4444 -j ACCEPT` after `-s H --sport 4444 -j
// ACCEPT` reads as two entries, one per side of the earlier rule): where every
// packet the rule's own match names is accepted — by the rule or by an
// unconditional opening before it — its entries are replaced by that match,
// as the rule is written. Exact, or left alone; for every protocol of the
// rule or none (reports show a rule's protocols together). A conditional or
// translated opening is joined only where its own entries make up its whole
// match: what fills a hole would not open as it does.
void JoinRuleEntries(Groups& groups, const Exposure& exposure, ReachedAsWritten& as_written) {
  const InterfaceSpace& ifaces = exposure.interfaces;
  std::map<std::pair<Family, int>, AcceptedIndex> accepted;
  std::map<std::pair<Family, RuleRef>, std::vector<Members>> by_rule;
  for (auto g = groups.begin(); g != groups.end(); ++g) {
    const GroupKey& k = g->first;
    if (k.forward) continue;
    if (PlainOpening(k)) {
      auto& index = accepted[{k.family, k.protocol}];
      for (const Item& it : g->second) index.Add(CubeOf(k, it, ifaces));
    }
    const RuleRef* r = DecidingRule(k.opening);
    if (r == nullptr || !as_written(r->table, r->chain)) continue;
    // Loopback entries are reported apart, and often open differently (the
    // reply comes back in through the input chain): never joined with others.
    auto& classes = by_rule[{k.family, *r}];
    const bool lo = ifaces.IsLoopbackOnly(k.iif);
    auto c = std::find_if(classes.begin(), classes.end(), [&](const Members& m) {
      return SameButSpan(m.front()->first, k) && ifaces.IsLoopbackOnly(m.front()->first.iif) == lo;
    });
    if (c == classes.end()) {
      classes.push_back({g});
    } else {
      c->push_back(g);
    }
  }
  for (auto& [key, index] : accepted) index.Build();
  for (const auto& [slot, classes] : by_rule) {
    const auto& [family, ref] = slot;
    for (const Members& all : classes) {
      const bool long_lists = std::any_of(all.begin(), all.end(), [](Groups::iterator g) {
        return Blocks(g->first.daddr) > kMaxJoinBlocks ||
               std::any_of(g->second.begin(), g->second.end(), [](const Item& it) { return Blocks(it.saddr) > kMaxJoinBlocks; });
      });
      if (long_lists) continue;
      std::map<int, Members> per_protocol;
      for (auto g : all) per_protocol[g->first.protocol].push_back(g);
      if (per_protocol.count(-1) != 0) continue;  // other protocols: entries without ports, never cut so
      std::vector<std::pair<int, std::vector<FieldCube>>> joined;
      bool changed = false;
      for (const auto& [protocol, members] : per_protocol) {
        std::vector<FieldCube> written = WrittenMatch(exposure, family, protocol, ref, members);
        if (written.empty()) break;
        Holes holes(written);
        size_t items = 0;
        for (auto g : members) {
          for (const Item& it : g->second) {
            ++items;
            holes.Cut(CubeOf(g->first, it, ifaces));
          }
        }
        if (holes.over()) break;
        changed = changed || !holes.empty() || items > written.size();
        if (!holes.empty()) {
          if (!PlainOpening(members.front()->first)) break;
          const auto [lo, hi] = holes.PortHull();
          for (const FieldCube* other : accepted[{family, protocol}].Meeting(lo, hi)) {
            if (holes.empty() || !holes.Cut(*other)) break;
          }
          if (!holes.empty()) break;
        }
        joined.push_back({protocol, std::move(written)});
      }
      if (!changed || joined.size() != per_protocol.size()) continue;
      for (const auto& [protocol, written] : joined) {
        const Members& members = per_protocol[protocol];
        GroupKey rest = members.front()->first;
        for (auto g : members) groups.erase(g);
        for (const FieldCube& f : written) {
          GroupKey k = rest;
          k.sports = f.sports;
          k.daddr = f.daddr;
          k.iif = f.iif;
          groups[std::move(k)].push_back(Item{f.dports, f.saddr});
        }
      }
    }
  }
}

}  // namespace

std::vector<Decision> Deciders(const ExposureEntry& e) {
  std::vector<Decision> out;
  for (const HookDecision& d : e.path) {
    bool filter_hook = d.hook == Hook::kInput || d.hook == Hook::kForward;
    if (std::holds_alternative<RuleDecision>(d.decision) || filter_hook) out.push_back(d.decision);
  }
  if (out.empty()) out.push_back(e.opening);
  return out;
}

std::vector<ExposureEntry> ListEntries(const Exposure& exposure) {
  static const ProtocolSet kWithPorts = PortProtocolSet();
  std::vector<ExposureEntry> out;
  // Each scope (a family; for Windows, a family in one profile) on its own.
  for (const auto& fam : exposure.families) {
    std::map<GroupKey, std::vector<Item>> groups;
    for (const Box& b : fam.accepted) {
      const FieldCube& f = b.fields;
      const Translation* t = b.nat ? &*b.nat : nullptr;
      // Keyed by what the client connects to: the original destination.
      const PortSet& dports = t && t->original_dports ? *t->original_dports : f.dports;
      const AddressSet& daddr = t ? t->original_daddr : f.daddr;
      auto add = [&](int protocol, ProtocolSet protocols, PortSet ports) {
        GroupKey k{fam.family,
                   protocol,
                   std::move(protocols),
                   f.sports,
                   daddr,
                   f.iif,
                   b.forward ? f.oif : AtomSet(),
                   Opening(b),
                   b.accepted_by,
                   b.forward,
                   t ? std::optional<VerdictKind>(t->kind) : std::nullopt,
                   t ? std::optional<RuleRef>(t->rule) : std::nullopt,
                   t ? t->to_address : std::nullopt,
                   t && t->to_ports ? t->to_ports : std::nullopt,
                   b.handshake,
                   b.handshake_blocked_by,
                   b.conditional,
                   UniqueGuards(b.guards)};
        groups[std::move(k)].push_back(Item{std::move(ports), f.saddr});
      };
      for (auto p : PortProtocols()) {
        if (f.protocols.Contains(p)) add(p, ProtocolSet::Single(p), dports);
      }
      ProtocolSet other = f.protocols.Subtract(kWithPorts);
      if (!other.empty()) add(-1, other, PortSet::All());
    }
    if (exposure.ruleset != nullptr) {
      ReachedAsWritten as_written(*exposure.ruleset);
      FillHoles(groups, *exposure.ruleset, as_written);
      JoinRuleEntries(groups, exposure, as_written);
    }
    const size_t first = out.size();
    for (const auto& [k, items] : groups) EmitGroup(k, items, out);
    for (size_t i = first; i < out.size(); ++i) out[i].profile = fam.scope.profile;
  }
  // Sort an index, not the (large) entries; ties keep group order.
  std::vector<std::uint32_t> order(out.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const ExposureEntry& a = out[x];
    const ExposureEntry& b = out[y];
    return std::tie(a.family, a.profile, a.other_protocols, a.protocol, a.from, a.to, a.opening) <
           std::tie(b.family, b.profile, b.other_protocols, b.protocol, b.from, b.to, b.opening);
  });
  std::vector<ExposureEntry> sorted;
  sorted.reserve(out.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace ghostport::rules
