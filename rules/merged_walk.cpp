#include "rules/merged_walk.h"

#include "rules/port_hull_index.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <tuple>

namespace ghostport::rules {

namespace {

// protocols, sports, dports, saddr, daddr; then iif, oif (never joined).
constexpr int kHeaderFields = 5;
constexpr int kFields = 7;

template <class T>
int Compare(const T& a, const T& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

// Eager sets by value, then lazy ones by identity: cheap, and a total order.
int CompareAddresses(const AddressSet& a, const AddressSet& b) {
  if (a.family() != b.family()) return a.family() < b.family() ? -1 : 1;
  const AddressSet::Values* va = a.EagerValues();
  const AddressSet::Values* vb = b.EagerValues();
  if (va != nullptr && vb != nullptr) return va == vb ? 0 : Compare(*va, *vb);
  if (va != nullptr) return -1;
  if (vb != nullptr) return 1;
  const auto ka = a.SharingKey();
  const auto kb = b.SharingKey();
  std::less<const void*> lt;
  if (ka.first != kb.first) return lt(ka.first, kb.first) ? -1 : 1;
  if (ka.second != kb.second) return lt(ka.second, kb.second) ? -1 : 1;
  return 0;
}

int CompareField(const FieldCube& a, const FieldCube& b, int f) {
  switch (f) {
    case 0: return Compare(a.protocols, b.protocols);
    case 1: return Compare(a.sports, b.sports);
    case 2: return Compare(a.dports, b.dports);
    case 3: return CompareAddresses(a.saddr, b.saddr);
    case 4: return CompareAddresses(a.daddr, b.daddr);
    case 5: return Compare(a.iif, b.iif);
    default: return Compare(a.oif, b.oif);
  }
}

// Compares every field but `skip` (-1: none).
int CompareExcept(const FieldCube& a, const FieldCube& b, int skip) {
  for (int f = 0; f < kFields; ++f) {
    if (f == skip) continue;
    if (int c = CompareField(a, b, f)) return c;
  }
  return 0;
}

void JoinField(FieldCube& into, const FieldCube& from, int f) {
  switch (f) {
    case 0: into.protocols = into.protocols.Union(from.protocols); break;
    case 1: into.sports = into.sports.Union(from.sports); break;
    case 2: into.dports = into.dports.Union(from.dports); break;
    case 3: into.saddr = into.saddr.Union(from.saddr); break;
    default: into.daddr = into.daddr.Union(from.daddr); break;
  }
}

// One pass over field f: cubes equal in all other fields become one. Keeps
// the order of first appearance, so the result does not depend on where in
// memory a lazy set lives.
bool JoinAlong(std::vector<FieldCube>& cubes, int f) {
  std::vector<std::size_t> order(cubes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return CompareExcept(cubes[i], cubes[j], f) < 0; });
  std::vector<std::pair<std::size_t, FieldCube>> runs;  // first index, joined cube
  bool joined = false;
  for (std::size_t k = 0; k < order.size();) {
    std::size_t first = order[k];
    FieldCube c = std::move(cubes[order[k]]);
    std::size_t e = k + 1;
    for (; e < order.size() && CompareExcept(c, cubes[order[e]], f) == 0; ++e) {
      JoinField(c, cubes[order[e]], f);
      first = std::min(first, order[e]);
      joined = true;
    }
    runs.emplace_back(first, std::move(c));
    k = e;
  }
  if (!joined) {
    for (auto& [i, c] : runs) cubes[i] = std::move(c);
    return false;
  }
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  cubes.clear();
  for (auto& r : runs) cubes.push_back(std::move(r.second));
  return true;
}

bool WalksAlone(const Box& b) { return b.nat.has_value() || !b.trace.empty(); }

// What a walk depends on besides the header fields (the interfaces included).
int CompareState(const Box& a, const Box& b) {
  if (int c = CompareField(a.fields, b.fields, 5)) return c;
  if (int c = CompareField(a.fields, b.fields, 6)) return c;
  auto key = [](const Box& x) {
    return std::tie(x.ct, x.forward, x.dst_local, x.untracked_flow, x.reply_unseen, x.sent_locally, x.nat_done, x.guards,
                    x.conditional, x.handshake, x.handshake_blocked_by);
  };
  return Compare(key(a), key(b));
}

// Groups of alike items 0..n-1 (cmp on indexes), each group in index order
// and the groups by their first item.
template <class Cmp>
std::vector<std::vector<std::size_t>> GroupAlike(std::size_t n, Cmp cmp) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return cmp(i, j) < 0; });
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t k = 0; k < order.size();) {
    std::size_t e = k + 1;
    while (e < order.size() && cmp(order[k], order[e]) == 0) ++e;
    std::vector<std::size_t> g(order.begin() + static_cast<std::ptrdiff_t>(k),
                               order.begin() + static_cast<std::ptrdiff_t>(e));
    std::sort(g.begin(), g.end());
    groups.push_back(std::move(g));
    k = e;
  }
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return groups;
}

// A group's boxes as their joined cubes, each a copy of the group's first box.
std::vector<Box> JoinGroup(const std::vector<Box>& boxes, const std::vector<std::size_t>& group) {
  std::vector<FieldCube> cubes;
  cubes.reserve(group.size());
  for (std::size_t i : group) cubes.push_back(boxes[i].fields);
  std::vector<Box> out;
  for (auto& c : JoinCubes(std::move(cubes))) {
    Box b = boxes[group.front()];
    b.fields = std::move(c);
    out.push_back(std::move(b));
  }
  return out;
}

// The boxes a group was joined from, found by destination port: a piece is
// cut back only to the members whose ports meet its own (30,000 one-port
// accepts joined into one cube: each piece met every member).
struct Origin {
  std::vector<Box> members;
  bool alone = false;
  PortHullIndex by_port;

  void Index() {
    for (const Box& m : members) by_port.Add(m.fields.dports);
    by_port.Build();
  }
};

// Whether a member's header fields meet a piece's (the piece's interfaces
// are the member's too: the walks keep them per group).
bool HeaderMeets(const FieldCube& m, const FieldCube& piece) {
  return m.protocols.Intersects(piece.protocols) && m.dports.Intersects(piece.dports) &&
         m.sports.Intersects(piece.sports) && m.saddr.Intersects(piece.saddr) && m.daddr.Intersects(piece.daddr);
}

// A piece of the walk's result, once for each member it holds part of.
template <class Emit>
void CutBack(Box piece, const Origin& origin, Emit&& emit) {
  if (origin.alone) {
    piece.accepted_by = origin.members.front().accepted_by;
    piece.origin = 0;
    emit(std::move(piece));
    return;
  }
  for (std::size_t i : origin.by_port.Meeting(piece.fields.dports)) {
    const Box& m = origin.members[i];
    if (!HeaderMeets(m.fields, piece.fields)) continue;
    Box b = piece;
    b.fields.protocols = m.fields.protocols.Intersect(piece.fields.protocols);
    b.fields.sports = m.fields.sports.Intersect(piece.fields.sports);
    b.fields.dports = m.fields.dports.Intersect(piece.fields.dports);
    b.fields.saddr = m.fields.saddr.Intersect(piece.fields.saddr);
    b.fields.daddr = m.fields.daddr.Intersect(piece.fields.daddr);
    b.accepted_by = m.accepted_by;
    b.origin = 0;
    emit(std::move(b));
  }
}

}  // namespace

std::vector<FieldCube> JoinCubes(std::vector<FieldCube> cubes) {
  bool joined = true;
  while (joined && cubes.size() > 1) {
    joined = false;
    for (int f = 0; f < kHeaderFields && cubes.size() > 1; ++f) joined = JoinAlong(cubes, f) || joined;
  }
  return cubes;
}

WalkResult WalkMerged(const CompiledRuleset& compiled, std::vector<Box> boxes, PacketKind kind,
                      const WalkOptions& options, EngineNotes& notes) {
  std::vector<Origin> origins;
  std::vector<Box> region;
  std::vector<Box> together;
  for (auto& b : boxes) {
    b.walk.clear();
    if (!WalksAlone(b)) {
      together.push_back(std::move(b));
      continue;
    }
    Origin o;
    o.alone = true;
    Box walked = b;
    walked.origin = static_cast<std::uint32_t>(origins.size());
    o.members.push_back(std::move(b));
    origins.push_back(std::move(o));
    region.push_back(std::move(walked));
  }
  for (const auto& g : GroupAlike(together.size(), [&](std::size_t i, std::size_t j) {
         return CompareState(together[i], together[j]);
       })) {
    const auto index = static_cast<std::uint32_t>(origins.size());
    for (auto& b : JoinGroup(together, g)) {
      b.accepted_by.clear();
      b.origin = index;
      region.push_back(std::move(b));
    }
    Origin o;
    for (std::size_t i : g) o.members.push_back(std::move(together[i]));
    o.Index();
    origins.push_back(std::move(o));
  }

  WalkResult walked = Walk(compiled, std::move(region), kind, options, notes);
  WalkResult out;
  auto same_outcome = [](const Box& a, const Box& b) {
    if (a.origin != b.origin) return a.origin < b.origin ? -1 : 1;
    return CompareState(a, b);
  };
  std::vector<Box>& accepted = walked.accepted;
  for (auto& b : accepted) b.walk.clear();
  for (const auto& g : GroupAlike(accepted.size(), [&](std::size_t i, std::size_t j) {
         return same_outcome(accepted[i], accepted[j]);
       })) {
    for (auto& piece : JoinGroup(accepted, g)) {
      const Origin& o = origins[piece.origin];
      CutBack(std::move(piece), o, [&](Box b) { out.accepted.push_back(std::move(b)); });
    }
  }
  std::vector<Refusal>& refused = walked.refused;
  for (auto& r : refused) r.box.walk.clear();
  std::vector<Box> refused_boxes;
  for (auto& r : refused) refused_boxes.push_back(std::move(r.box));
  for (const auto& g : GroupAlike(refused.size(), [&](std::size_t i, std::size_t j) {
         if (refused[i].verdict != refused[j].verdict) return refused[i].verdict < refused[j].verdict ? -1 : 1;
         if (int c = Compare(refused[i].by, refused[j].by)) return c;
         return same_outcome(refused_boxes[i], refused_boxes[j]);
       })) {
    const Refusal& first = refused[g.front()];
    for (auto& piece : JoinGroup(refused_boxes, g)) {
      const Origin& o = origins[piece.origin];
      CutBack(std::move(piece), o, [&](Box b) { out.refused.push_back(Refusal{std::move(b), first.verdict, first.by}); });
    }
  }
  return out;
}

}  // namespace ghostport::rules
