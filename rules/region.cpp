#include "rules/region.h"

namespace ghostport::rules {

bool SameButOutInterface(const FieldCube& a, const FieldCube& b) {
  return a.protocols == b.protocols && a.sports == b.sports && a.dports == b.dports && a.saddr == b.saddr &&
         a.daddr == b.daddr && a.iif == b.iif;
}

const char* HandshakeName(Handshake h) {
  switch (h) {
    case Handshake::kNotApplicable: return "not-applicable";
    case Handshake::kComplete: return "complete";
    case Handshake::kReplyDropped: return "reply-dropped";
    case Handshake::kReplyRejected: return "reply-rejected";
    case Handshake::kAckDropped: return "ack-dropped";
    case Handshake::kAckRejected: return "ack-rejected";
    case Handshake::kRetryRejected: return "retry-rejected";
  }
  return "?";
}

Decision Opening(const Box& b) {
  if (b.nat) return RuleDecision{b.nat->rule};
  for (auto it = b.accepted_by.rbegin(); it != b.accepted_by.rend(); ++it) {
    if (it->hook == Hook::kInput || it->hook == Hook::kForward) return it->decision;
  }
  if (!b.accepted_by.empty()) return b.accepted_by.back().decision;
  return NoBaseChainDecision{Hook::kInput};
}

FieldCube WholeSpace(Family f, const InterfaceSpace& ifaces) {
  return FieldCube{ProtocolSet::All(), PortSet::All(), PortSet::All(), AddressSet::All(f),
                   AddressSet::All(f), ifaces.AllInterfaces(), ifaces.NoInterface()};
}

bool IsEmpty(const FieldCube& c) {
  return c.protocols.empty() || c.sports.empty() || c.dports.empty() || c.saddr.empty() || c.daddr.empty() ||
         c.iif.empty() || c.oif.empty();
}

bool Intersects(const FieldCube& a, const FieldCube& b) {
  return a.protocols.Intersects(b.protocols) && a.iif.Intersects(b.iif) && a.oif.Intersects(b.oif) &&
         a.dports.Intersects(b.dports) && a.sports.Intersects(b.sports) && a.saddr.Intersects(b.saddr) &&
         a.daddr.Intersects(b.daddr);
}

std::optional<FieldCube> Intersect(const FieldCube& a, const FieldCube& b) {
  if (!Intersects(a, b)) return std::nullopt;
  // Intersects() tests each field alone, so each intersection is non-empty.
  return FieldCube{a.protocols.Intersect(b.protocols), a.sports.Intersect(b.sports),
                   a.dports.Intersect(b.dports),       a.saddr.Intersect(b.saddr),
                   a.daddr.Intersect(b.daddr),         a.iif.Intersect(b.iif),
                   a.oif.Intersect(b.oif)};
}

void SubtractInto(FieldCube a, const FieldCube& b, std::vector<FieldCube>& out) {
  if (!Intersects(a, b)) {
    out.push_back(std::move(a));
    return;
  }
  // Peel off one field at a time: the part of `a` outside b in this field,
  // with the fields before it already narrowed to b. Cheap fields first, the
  // address fields last so their (large) sets are narrowed least often.
  if (ProtocolSet d = a.protocols.Subtract(b.protocols); !d.empty()) {
    FieldCube p = a;
    p.protocols = std::move(d);
    out.push_back(std::move(p));
  }
  a.protocols = a.protocols.Intersect(b.protocols);
  if (AtomSet d = a.iif.Subtract(b.iif); !d.empty()) {
    FieldCube p = a;
    p.iif = std::move(d);
    out.push_back(std::move(p));
  }
  a.iif = a.iif.Intersect(b.iif);
  if (AtomSet d = a.oif.Subtract(b.oif); !d.empty()) {
    FieldCube p = a;
    p.oif = std::move(d);
    out.push_back(std::move(p));
  }
  a.oif = a.oif.Intersect(b.oif);
  {
    // The port remainder of a wide box is large: cut the rule's ports out of
    // it in place rather than copying it.
    PortSet inside = a.dports.Intersect(b.dports);
    if (!(inside == a.dports)) {
      PortSet d = std::move(a.dports);
      d.SubtractInPlace(b.dports);
      out.push_back(FieldCube{a.protocols, a.sports, std::move(d), a.saddr, a.daddr, a.iif, a.oif});
    }
    a.dports = std::move(inside);
  }
  if (PortSet d = a.sports.Subtract(b.sports); !d.empty()) {
    FieldCube p = a;
    p.sports = std::move(d);
    out.push_back(std::move(p));
  }
  a.sports = a.sports.Intersect(b.sports);
  if (AddressSet d = a.daddr.Subtract(b.daddr); !d.empty()) {
    FieldCube p = a;
    p.daddr = std::move(d);
    out.push_back(std::move(p));
  }
  a.daddr = a.daddr.Intersect(b.daddr);
  if (AddressSet d = a.saddr.Subtract(b.saddr); !d.empty()) {
    a.saddr = std::move(d);
    out.push_back(std::move(a));
  }
}

FieldCube Mirror(const FieldCube& c) {
  return FieldCube{c.protocols, c.dports, c.sports, c.daddr, c.saddr, c.oif, c.iif};
}

}  // namespace ghostport::rules
