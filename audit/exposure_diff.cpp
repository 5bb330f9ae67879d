#include "audit/exposure_diff.h"

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

struct Key {
  int family;
  std::string profile;
  std::string proto;
  std::string interfaces;
  friend auto operator<=>(const Key&, const Key&) = default;
};

struct Span {
  std::uint16_t from;
  std::uint16_t to;
  const AddressSet* sources;
  std::vector<std::string> interfaces;  // the entry's, as a list
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
std::map<Key, std::vector<Span>> Index(const rules::Exposure& ex, const std::vector<ExposureEntry>& entries) {
  std::map<Key, std::vector<Span>> out;
  for (const ExposureEntry& e : entries) {
    // Open means a connection can be made: a port whose handshake cannot
    // complete is closed here, as findings judge it.
    if (ex.interfaces.IsLoopbackOnly(e.interfaces) || !rules::Connects(e)) continue;
    std::vector<std::string> interfaces = ex.interfaces.Describe(e.interfaces);
    Key key{static_cast<int>(e.family), e.profile, ProtoKey(e), JoinSummary(interfaces, 8)};
    out[key].push_back({e.from, e.to, &e.sources, std::move(interfaces)});
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

void DiffKey(const Key& key, const std::vector<Span>& before, const std::vector<Span>& after, ExposureDiff& diff) {
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
    auto emit = [&](std::vector<ExposureChange>& list, AddressSet sources) {
      if (sources.empty()) return;
      if (!list.empty()) {
        ExposureChange& last = list.back();
        if (last.family == family && last.profile == key.profile && last.proto == key.proto &&
            last.interfaces == key.interfaces &&
            static_cast<std::uint32_t>(last.to) + 1 == lo && last.sources == sources) {
          last.to = hi;
          return;
        }
      }
      const std::vector<Span>& side = !before.empty() ? before : after;
      list.push_back({family, key.profile, key.proto, lo, hi, key.interfaces,
                      side.empty() ? std::vector<std::string>{key.interfaces} : side.front().interfaces,
                      std::move(sources)});
    };
    emit(diff.opened, now.Subtract(was));
    emit(diff.closed, was.Subtract(now));
  }
}

}  // namespace

ExposureDiff DiffExposures(const rules::Exposure& before, const std::vector<ExposureEntry>& before_entries,
                           const rules::Exposure& after, const std::vector<ExposureEntry>& after_entries) {
  const auto was = Index(before, before_entries);
  const auto now = Index(after, after_entries);
  std::set<Key> keys;
  for (const auto& [k, v] : was) keys.insert(k);
  for (const auto& [k, v] : now) keys.insert(k);
  ExposureDiff diff;
  static const std::vector<Span> kNone;
  for (const Key& k : keys) {
    const auto b = was.find(k);
    const auto a = now.find(k);
    DiffKey(k, b == was.end() ? kNone : b->second, a == now.end() ? kNone : a->second, diff);
  }
  return diff;
}

}  // namespace ghostport::audit
