#include "rules/exposure_entries.h"

#include "rules/protocols.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

namespace ghostport::rules {

namespace {

ProtocolSet PortProtocolSet() {
  std::vector<Interval<std::uint8_t>> iv;
  for (auto p : PortProtocols()) iv.push_back({p, p});
  return ProtocolSet::FromIntervals(iv);
}

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
void FillHoles(std::map<GroupKey, std::vector<Item>>& groups, const Ruleset& ruleset) {
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
    if (!plain(k) || r == nullptr) continue;
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
  std::map<GroupKey, std::vector<Item>> groups;
  for (const auto& fam : exposure.families) {
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
                   b.guards};
        groups[std::move(k)].push_back(Item{std::move(ports), f.saddr});
      };
      for (auto p : PortProtocols()) {
        if (f.protocols.Contains(p)) add(p, ProtocolSet::Single(p), dports);
      }
      ProtocolSet other = f.protocols.Subtract(kWithPorts);
      if (!other.empty()) add(-1, other, PortSet::All());
    }
  }
  if (exposure.ruleset != nullptr) FillHoles(groups, *exposure.ruleset);
  std::vector<ExposureEntry> out;
  for (const auto& [k, items] : groups) EmitGroup(k, items, out);
  // Sort an index, not the (large) entries; ties keep group order.
  std::vector<std::uint32_t> order(out.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const ExposureEntry& a = out[x];
    const ExposureEntry& b = out[y];
    return std::tie(a.family, a.other_protocols, a.protocol, a.from, a.to, a.opening) <
           std::tie(b.family, b.other_protocols, b.protocol, b.from, b.to, b.opening);
  });
  std::vector<ExposureEntry> sorted;
  sorted.reserve(out.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace ghostport::rules
