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

void SubtractInto(FieldCube a, const FieldCube& b, std::vector<FieldCube>& out) {
  if (!Intersects(a, b)) {
    out.push_back(std::move(a));
    return;
  }
  // Peel off one field at a time: the part of `a` outside b in this field,
  // with the fields before it already narrowed to b. Cheap fields first, the
  // address fields last so their (large) sets are narrowed least often. Each
  // piece copies only the small fields; the field that differs is moved in.
  auto piece = [&](auto&& field_setter) {
    FieldCube p{a.protocols, a.sports, PortSet(), a.saddr, a.daddr, a.iif};
    p.dports = a.dports;
    field_setter(p);
    out.push_back(std::move(p));
  };
  if (ProtocolSet d = a.protocols.Subtract(b.protocols); !d.empty()) {
    piece([&](FieldCube& p) { p.protocols = std::move(d); });
  }
  a.protocols = a.protocols.Intersect(b.protocols);
  if (AtomSet d = a.iif.Subtract(b.iif); !d.empty()) {
    piece([&](FieldCube& p) { p.iif = std::move(d); });
  }
  a.iif = a.iif.Intersect(b.iif);
  {
    // The port remainder of a wide box is large: cut the rule's ports out of
    // it in place rather than copying it.
    PortSet inside = a.dports.Intersect(b.dports);
    if (!(inside == a.dports)) {
      PortSet d = std::move(a.dports);
      d.SubtractInPlace(b.dports);
      out.push_back(FieldCube{a.protocols, a.sports, std::move(d), a.saddr, a.daddr, a.iif});
    }
    a.dports = std::move(inside);
  }
  if (PortSet d = a.sports.Subtract(b.sports); !d.empty()) {
    piece([&](FieldCube& p) { p.sports = std::move(d); });
  }
  a.sports = a.sports.Intersect(b.sports);
  if (AddressSet d = a.daddr.Subtract(b.daddr); !d.empty()) {
    piece([&](FieldCube& p) { p.daddr = std::move(d); });
  }
  a.daddr = a.daddr.Intersect(b.daddr);
  if (AddressSet d = a.saddr.Subtract(b.saddr); !d.empty()) {
    a.saddr = std::move(d);
    out.push_back(std::move(a));
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
