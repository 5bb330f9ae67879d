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
  std::vector<RuleRef> rules;
  bool conditional;
  std::vector<Guard> guards;

  auto Tie() const {
    return std::tie(family, protocol, protocols, sports, daddr, iif, rules, conditional, guards);
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
    e.rules = k.rules;
    e.conditional = k.conditional;
    e.guards = k.guards;
    out.push_back(std::move(e));
    p = q;
  }
}

}  // namespace

std::vector<ExposureEntry> ListEntries(const Exposure& exposure) {
  static const ProtocolSet kWithPorts = PortProtocolSet();
  std::map<GroupKey, std::vector<Item>> groups;
  for (const auto& fam : exposure.families) {
    for (const Box& b : fam.accepted) {
      const FieldCube& f = b.fields;
      auto add = [&](int protocol, ProtocolSet protocols, PortSet dports) {
        GroupKey k{fam.family, protocol, std::move(protocols), f.sports, f.daddr, f.iif,
                   b.accepted_by, b.conditional, b.guards};
        groups[std::move(k)].push_back(Item{std::move(dports), f.saddr});
      };
      for (auto p : PortProtocols()) {
        if (f.protocols.Contains(p)) add(p, ProtocolSet::Single(p), f.dports);
      }
      ProtocolSet other = f.protocols.Subtract(kWithPorts);
      if (!other.empty()) add(-1, other, PortSet::All());
    }
  }
  std::vector<ExposureEntry> out;
  for (const auto& [k, items] : groups) EmitGroup(k, items, out);
  // Sort an index, not the (large) entries; ties keep group order.
  std::vector<std::uint32_t> order(out.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const ExposureEntry& a = out[x];
    const ExposureEntry& b = out[y];
    return std::tie(a.family, a.other_protocols, a.protocol, a.from, a.to, a.rules) <
           std::tie(b.family, b.other_protocols, b.protocol, b.from, b.to, b.rules);
  });
  std::vector<ExposureEntry> sorted;
  sorted.reserve(out.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace ghostport::rules
