#include "audit/commands/exposure_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "audit/source_render.h"
#include "rules/protocols.h"

namespace ghostport::audit {

namespace {

using rules::AddressSet;
using rules::ExposureEntry;

// An input interface both rulesets can tell apart: every exact name and
// prefix either names, and "any other". `name` is a concrete name that
// falls in the right atom of each side's interface space; `label` is how
// reports show it. Comparing per probe, not per rendered interface list,
// keeps an edit to one rule's interface from regrouping (and so "opening"
// and "closing") the unchanged ports of others.
struct Probe {
  std::string name;
  std::string label;
};

std::vector<Probe> JointProbes(const rules::InterfaceSpace& a, const rules::InterfaceSpace& b) {
  std::set<std::pair<std::string, bool>> names;
  for (const auto* space : {&a, &b}) {
    for (const rules::InterfaceName& n : space->AtomNames()) {
      if (!n.name.empty()) names.insert({n.name, n.prefix});
    }
  }
  std::vector<Probe> out;
  for (const auto& [name, prefix] : names) {
    if (!prefix && name == "lo") continue;  // loopback is no exposure
    // A name under a prefix that neither side spells out.
    out.push_back(prefix ? Probe{name + "\x01", name + "+"} : Probe{name, name});
  }
  out.push_back({"\x02", "other"});
  return out;
}

struct Key {
  int family;
  std::string profile;
  std::string proto;
  std::size_t probe;
  friend auto operator<=>(const Key&, const Key&) = default;
};

struct Span {
  std::uint16_t from;
  std::uint16_t to;
  const AddressSet* sources;
};

std::string ProtoKey(const ExposureEntry& e) {
  if (!e.other_protocols) return rules::ProtocolName(e.protocol);
  std::string names;
  for (const auto& iv : e.protocols.intervals()) {
    for (unsigned p = iv.lo; p <= iv.hi; ++p) {
      names += (names.empty() ? "" : ", ") + rules::ProtocolName(static_cast<std::uint8_t>(p));
    }
  }
  return "other (" + names + ")";
}

// Per key, the entries' port spans with their sources.
std::map<Key, std::vector<Span>> Index(const rules::Exposure& ex, const std::vector<ExposureEntry>& entries,
                                       const std::vector<Probe>& probes) {
  std::vector<std::size_t> atoms;
  for (const Probe& p : probes) atoms.push_back(ex.interfaces.AtomOf(p.name));
  std::map<Key, std::vector<Span>> out;
  for (const ExposureEntry& e : entries) {
    // Open means a connection can be made: a port whose handshake cannot
    // complete is closed here, as findings judge it.
    if (!rules::Connects(e)) continue;
    const std::string proto = ProtoKey(e);
    for (std::size_t i = 0; i < probes.size(); ++i) {
      if (e.interfaces.Has(atoms[i])) out[{static_cast<int>(e.family), e.profile, proto, i}].push_back({e.from, e.to, &e.sources});
    }
  }
  return out;
}

// The union of the sources of `spans` covering the elementary interval
// starting at `port`.
AddressSet Covering(const std::vector<Span>& spans, std::uint16_t port, rules::Family f) {
  AddressSet all = AddressSet::None(f);
  for (const Span& s : spans) {
    if (s.from <= port && port <= s.to) all = all.Union(*s.sources);
  }
  return all;
}

// One probe's change: ports lo-hi gained (or lost) `sources`.
struct ProbeChange {
  rules::Family family;
  std::string profile;
  std::string proto;
  std::uint16_t lo, hi;
  AddressSet sources;
  std::size_t probe;
};

void DiffKey(const Key& key, const std::vector<Span>& before, const std::vector<Span>& after,
             std::vector<ProbeChange>& opened, std::vector<ProbeChange>& closed) {
  const auto family = static_cast<rules::Family>(key.family);
  // Elementary intervals: cut at every span edge of either side.
  std::set<std::uint32_t> cuts;
  for (const auto* side : {&before, &after}) {
    for (const Span& s : *side) {
      cuts.insert(s.from);
      cuts.insert(static_cast<std::uint32_t>(s.to) + 1);
    }
  }
  std::vector<std::uint32_t> edges(cuts.begin(), cuts.end());
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const auto lo = static_cast<std::uint16_t>(edges[i]);
    const auto hi = static_cast<std::uint16_t>(edges[i + 1] - 1);
    const AddressSet was = Covering(before, lo, family);
    const AddressSet now = Covering(after, lo, family);
    if (was == now) continue;
    auto emit = [&](std::vector<ProbeChange>& list, AddressSet sources) {
      if (sources.empty()) return;
      if (!list.empty()) {
        ProbeChange& last = list.back();
        if (last.probe == key.probe && last.family == family && last.profile == key.profile &&
            last.proto == key.proto && static_cast<std::uint32_t>(last.hi) + 1 == lo && last.sources == sources) {
          last.hi = hi;
          return;
        }
      }
      list.push_back({family, key.profile, key.proto, lo, hi, std::move(sources), key.probe});
    };
    emit(opened, now.Subtract(was));
    emit(closed, was.Subtract(now));
  }
}

// The probes' changes as the smallest list: one change per ports, sources
// and protocol, holding every interface it happens on.
std::vector<ExposureChange> Merge(std::vector<ProbeChange> changes, const std::vector<Probe>& probes) {
  std::stable_sort(changes.begin(), changes.end(), [](const ProbeChange& a, const ProbeChange& b) {
    return std::tie(a.family, a.profile, a.proto, a.lo, a.hi) < std::tie(b.family, b.profile, b.proto, b.lo, b.hi);
  });
  std::vector<ExposureChange> out;
  std::vector<std::vector<std::size_t>> on;  // probes of each change of `out`
  std::size_t run = 0;  // where the changes of the current ports begin in `out` (sorted: they are adjacent)
  for (ProbeChange& c : changes) {
    auto same_ports = [&](const ExposureChange& o) {
      return o.family == c.family && o.profile == c.profile && o.proto == c.proto && o.from == c.lo && o.to == c.hi;
    };
    if (run < out.size() && !same_ports(out[run])) run = out.size();
    auto at = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(run), out.end(),
                           [&](const ExposureChange& o) { return o.sources == c.sources; });
    if (at == out.end()) {
      out.push_back({c.family, c.profile, c.proto, c.lo, c.hi, "", {}, std::move(c.sources)});
      on.push_back({c.probe});
    } else {
      on[static_cast<std::size_t>(at - out.begin())].push_back(c.probe);
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    // As ports JSON names interfaces: "any", the names, or (when "any
    // other" is among them) the names it excepts: "!wlan0".
    const bool other = std::find(on[i].begin(), on[i].end(), probes.size() - 1) != on[i].end();
    if (on[i].size() == probes.size()) {
      out[i].interface_list = {"any"};
    } else if (other) {
      for (std::size_t p = 0; p + 1 < probes.size(); ++p) {
        if (std::find(on[i].begin(), on[i].end(), p) == on[i].end()) out[i].interface_list.push_back("!" + probes[p].label);
      }
    } else {
      for (std::size_t p : on[i]) out[i].interface_list.push_back(probes[p].label);
    }
    out[i].interfaces = JoinSummary(out[i].interface_list, 8);
  }
  return out;
}

}  // namespace

ExposureDiff DiffExposures(const rules::Exposure& before, const std::vector<ExposureEntry>& before_entries,
                           const rules::Exposure& after, const std::vector<ExposureEntry>& after_entries) {
  const std::vector<Probe> probes = JointProbes(before.interfaces, after.interfaces);
  const auto was = Index(before, before_entries, probes);
  const auto now = Index(after, after_entries, probes);
  std::set<Key> keys;
  for (const auto& [k, v] : was) keys.insert(k);
  for (const auto& [k, v] : now) keys.insert(k);
  std::vector<ProbeChange> opened, closed;
  static const std::vector<Span> kNone;
  for (const Key& k : keys) {
    const auto b = was.find(k);
    const auto a = now.find(k);
    DiffKey(k, b == was.end() ? kNone : b->second, a == now.end() ? kNone : a->second, opened, closed);
  }
  return ExposureDiff{Merge(std::move(opened), probes), Merge(std::move(closed), probes)};
}

}  // namespace ghostport::audit
