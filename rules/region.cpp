#include "rules/region.h"

namespace ghostport::rules {

namespace {

constexpr std::uint8_t kProtoTcp = 6;

// Does an output-interface match hold on the input path, where a packet has
// no output interface? An exact name never equals the empty name; only the
// bare wildcard ("+") matches it.
bool OifHoldsOnInput(const InterfaceMatch& m) {
  bool hit = false;
  for (const auto& n : m.names) hit = hit || (n.prefix && n.name.empty());
  return hit != m.negated;
}

}  // namespace

FieldCube WholeSpace(Family f, const InterfaceSpace& ifaces) {
  return FieldCube{ProtocolSet::All(), PortSet::All(), PortSet::All(), AddressSet::All(f),
                   AddressSet::All(f), ifaces.All()};
}

std::optional<FieldCube> CompileForInput(const Cube& c, Family f, const InterfaceSpace& ifaces) {
  if (c.family != f) return std::nullopt;
  if (c.later_fragments_only) return std::nullopt;  // the first packet is never a later fragment
  if ((c.ct_states & kCtNew) == 0) return std::nullopt;
  for (const auto& m : c.oif) {
    if (!OifHoldsOnInput(m)) return std::nullopt;
  }
  FieldCube out{c.protocols, c.sports, c.dports, c.saddr, c.daddr, ifaces.All()};
  for (const auto& m : c.iif) out.iif = out.iif.Intersect(ifaces.Matching(m));
  if (c.tcp_flags) {
    // The first packet of a TCP connection carries SYN alone.
    bool syn_matches = ((kTcpSyn & c.tcp_flags->mask) == c.tcp_flags->comp) != c.tcp_flags->negated;
    if (!syn_matches) out.protocols = out.protocols.Subtract(ProtocolSet::Single(kProtoTcp));
  }
  if (out.protocols.empty() || out.sports.empty() || out.dports.empty() || out.saddr.empty() ||
      out.daddr.empty() || out.iif.empty()) {
    return std::nullopt;
  }
  return out;
}

bool Intersects(const FieldCube& a, const FieldCube& b) {
  return a.protocols.Intersects(b.protocols) && a.iif.Intersects(b.iif) &&
         a.dports.Intersects(b.dports) && a.sports.Intersects(b.sports) &&
         a.saddr.Intersects(b.saddr) && a.daddr.Intersects(b.daddr);
}

std::optional<FieldCube> Intersect(const FieldCube& a, const FieldCube& b) {
  if (!Intersects(a, b)) return std::nullopt;
  FieldCube r{a.protocols.Intersect(b.protocols), a.sports.Intersect(b.sports),
              a.dports.Intersect(b.dports),       a.saddr.Intersect(b.saddr),
              a.daddr.Intersect(b.daddr),         a.iif.Intersect(b.iif)};
  // Intersects() tests each field alone, so each intersection is non-empty.
  return r;
}

void SubtractInto(const FieldCube& a, const FieldCube& b, std::vector<FieldCube>& out) {
  if (!Intersects(a, b)) {
    out.push_back(a);
    return;
  }
  // Peel off one field at a time: the part of `a` outside b in this field,
  // with the fields before it already narrowed to b. Cheap fields first, the
  // address fields last so their (large) sets are narrowed least often.
  FieldCube rest = a;
  {
    ProtocolSet d = rest.protocols.Subtract(b.protocols);
    if (!d.empty()) { out.push_back(rest); out.back().protocols = std::move(d); }
    rest.protocols = rest.protocols.Intersect(b.protocols);
  }
  {
    AtomSet d = rest.iif.Subtract(b.iif);
    if (!d.empty()) { out.push_back(rest); out.back().iif = std::move(d); }
    rest.iif = rest.iif.Intersect(b.iif);
  }
  {
    PortSet d = rest.dports.Subtract(b.dports);
    if (!d.empty()) { out.push_back(rest); out.back().dports = std::move(d); }
    rest.dports = rest.dports.Intersect(b.dports);
  }
  {
    PortSet d = rest.sports.Subtract(b.sports);
    if (!d.empty()) { out.push_back(rest); out.back().sports = std::move(d); }
    rest.sports = rest.sports.Intersect(b.sports);
  }
  {
    AddressSet d = rest.daddr.Subtract(b.daddr);
    if (!d.empty()) { out.push_back(rest); out.back().daddr = std::move(d); }
    rest.daddr = rest.daddr.Intersect(b.daddr);
  }
  {
    AddressSet d = rest.saddr.Subtract(b.saddr);
    if (!d.empty()) { out.push_back(rest); out.back().saddr = std::move(d); }
  }
}

PointMatch Contains(const FieldCube& c, const PacketPoint& p) {
  if (!c.protocols.Contains(p.protocol) || !c.dports.Contains(p.dport) || !c.iif.Has(p.iif_atom)) {
    return PointMatch::kNo;
  }
  bool unknown = false;
  if (p.saddr) {
    if (!c.saddr.Contains(*p.saddr)) return PointMatch::kNo;
  } else if (!c.saddr.IsAll()) {
    unknown = true;
  }
  if (p.sport) {
    if (!c.sports.Contains(*p.sport)) return PointMatch::kNo;
  } else if (!c.sports.IsAll()) {
    unknown = true;
  }
  if (p.daddr) {
    if (!c.daddr.Contains(*p.daddr)) return PointMatch::kNo;
  } else if (!c.daddr.IsAll()) {
    unknown = true;
  }
  return unknown ? PointMatch::kUnknownField : PointMatch::kYes;
}

}  // namespace ghostport::rules
