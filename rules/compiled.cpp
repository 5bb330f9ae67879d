#include "rules/compiled.h"

#include <algorithm>

namespace ghostport::rules {

bool CompiledRuleset::HasBaseChain(Hook h) const {
  const auto& stages = StagesOf(h);
  return std::any_of(stages.begin(), stages.end(), [](const Stage& s) { return s.kind == Stage::kChain; });
}

std::vector<Family> CoveredFamilies(const Ruleset& ruleset) {
  std::vector<Family> out;
  for (Family f : {Family::kIpv4, Family::kIpv6}) {
    bool covered = std::any_of(ruleset.tables.begin(), ruleset.tables.end(),
                               [&](const Table& t) { return TableCovers(t.family, f); });
    if (covered) out.push_back(f);
  }
  return out;
}

namespace {

// The part of the whole space an element of a set stands for, or nullopt
// when it cannot match a packet of this family.
std::optional<FieldCube> ElementCube(const NamedSet& set, const SetMatch& m, const SetElement& e, Family f,
                                     const InterfaceSpace& ifaces) {
  FieldCube c{ProtocolSet::All(), PortSet::All(), PortSet::All(), AddressSet::All(f), AddressSet::All(f),
              ifaces.All(),       ifaces.All()};
  for (size_t i = 0; i < m.fields.size() && i < e.key.size(); ++i) {
    const SetElement::Component& k = e.key[i];
    if (i < set.key.size()) {
      SetKeyType t = set.key[i];
      if ((t == SetKeyType::kIpv4 && f != Family::kIpv4) || (t == SetKeyType::kIpv6 && f != Family::kIpv6)) {
        return std::nullopt;
      }
    }
    auto port = [&] {
      return PortSet::Range(static_cast<std::uint16_t>(k.range.lo), static_cast<std::uint16_t>(k.range.hi));
    };
    auto iface = [&] {
      InterfaceMatch im;
      if (k.name) im.names.push_back(*k.name);
      return ifaces.Matching(im);
    };
    switch (m.fields[i]) {
      case SetField::kSaddr: c.saddr = AddressSet::OfRange(f, k.range.lo, k.range.hi); break;
      case SetField::kDaddr: c.daddr = AddressSet::OfRange(f, k.range.lo, k.range.hi); break;
      case SetField::kSport: c.sports = port(); break;
      case SetField::kDport: c.dports = port(); break;
      case SetField::kProtocol:
        c.protocols = ProtocolSet::Range(static_cast<std::uint8_t>(k.range.lo), static_cast<std::uint8_t>(k.range.hi));
        break;
      case SetField::kIif: c.iif = iface(); break;
      case SetField::kOif: c.oif = iface(); break;
    }
  }
  if (IsEmpty(c)) return std::nullopt;
  return c;
}

// Joins the elements of a one-field set into one cube (a union per field);
// several fields give one cube per element.
std::vector<FieldCube> SetCubes(const NamedSet& set, const SetMatch& m, Family f, const InterfaceSpace& ifaces) {
  std::vector<FieldCube> cubes;
  for (const SetElement& e : set.elements) {
    if (auto c = ElementCube(set, m, e, f, ifaces)) cubes.push_back(std::move(*c));
  }
  if (m.fields.size() != 1 || cubes.size() < 2) return cubes;
  FieldCube joined = cubes[0];
  std::vector<Interval<u128>> addresses;
  std::vector<Interval<std::uint16_t>> ports;
  for (const FieldCube& c : cubes) {
    switch (m.fields[0]) {
      case SetField::kSaddr:
      case SetField::kDaddr: {
        const AddressSet& a = m.fields[0] == SetField::kSaddr ? c.saddr : c.daddr;
        auto v = a.Materialize();
        addresses.insert(addresses.end(), v.intervals().begin(), v.intervals().end());
        break;
      }
      case SetField::kSport:
      case SetField::kDport: {
        const PortSet& p = m.fields[0] == SetField::kSport ? c.sports : c.dports;
        ports.insert(ports.end(), p.intervals().begin(), p.intervals().end());
        break;
      }
      case SetField::kProtocol: joined.protocols = joined.protocols.Union(c.protocols); break;
      case SetField::kIif: joined.iif = joined.iif.Union(c.iif); break;
      case SetField::kOif: joined.oif = joined.oif.Union(c.oif); break;
    }
  }
  if (m.fields[0] == SetField::kSaddr) joined.saddr = AddressSet::Of(f, AddressSet::Values::FromIntervals(addresses));
  if (m.fields[0] == SetField::kDaddr) joined.daddr = AddressSet::Of(f, AddressSet::Values::FromIntervals(addresses));
  if (m.fields[0] == SetField::kSport) joined.sports = PortSet::FromIntervals(ports);
  if (m.fields[0] == SetField::kDport) joined.dports = PortSet::FromIntervals(ports);
  return {joined};
}

// The cube's own fields, before sets.
std::optional<FieldCube> BaseCube(const Cube& c, const InterfaceSpace& ifaces) {
  FieldCube out{c.protocols, c.sports, c.dports, c.saddr, c.daddr, ifaces.All(), ifaces.All()};
  for (const auto& m : c.iif) out.iif = out.iif.Intersect(ifaces.Matching(m));
  for (const auto& m : c.oif) out.oif = out.oif.Intersect(ifaces.Matching(m));
  if (IsEmpty(out)) return std::nullopt;
  return out;
}

void CompileCube(const Ruleset& ruleset, const Cube& c, Family f, const InterfaceSpace& ifaces, CompiledRule& cr) {
  if (c.family != f) return;
  // Every packet the engine follows (SYN, SYN-ACK, ACK, first datagram) is a
  // first fragment or unfragmented.
  if (c.later_fragments_only) return;
  auto base = BaseCube(c, ifaces);
  if (!base) return;
  MetaMatch meta{c.ct_states, c.ct_nat, c.tcp_flags, c.src_type, c.dst_type};
  if ((meta.ct_states & kCtAll) == 0 && meta.ct_nat == 0) return;
  std::vector<FieldCube> pieces{std::move(*base)};
  for (const SetMatch& m : c.sets) {
    const NamedSet& set = ruleset.sets[m.set];
    if (!set.contents_known || set.dynamic) {
      cr.unknowns.push_back("set " + set.name + (set.contents_known ? " changes as packets pass (its contents are a snapshot)"
                                                                   : ": its contents were not given"));
      cr.conditional = true;
      continue;
    }
    std::vector<FieldCube> members = SetCubes(set, m, f, ifaces);
    std::vector<FieldCube> next;
    for (const FieldCube& p : pieces) {
      if (m.negated) {
        std::vector<FieldCube> rest{p};
        for (const FieldCube& e : members) {
          std::vector<FieldCube> cut;
          for (auto& r : rest) SubtractInto(std::move(r), e, cut);
          rest = std::move(cut);
        }
        for (auto& r : rest) next.push_back(std::move(r));
      } else {
        for (const FieldCube& e : members) {
          if (auto i = Intersect(p, e)) next.push_back(std::move(*i));
        }
      }
    }
    pieces = std::move(next);
  }
  for (auto& p : pieces) cr.cubes.push_back(CompiledCube{std::move(p), meta});
}

}  // namespace

CompiledRule CompileRule(const Ruleset& ruleset, const Rule& rule, Family family, const InterfaceSpace& interfaces) {
  CompiledRule cr;
  cr.conditional = !rule.conditions.empty();
  for (const Cube& cube : rule.cubes) CompileCube(ruleset, cube, family, interfaces, cr);
  return cr;
}

std::vector<std::string> Profiles(const Ruleset& ruleset) {
  std::vector<std::string> out;
  for (const Table& t : ruleset.tables) {
    if (!t.profile.empty() && std::find(out.begin(), out.end(), t.profile) == out.end()) out.push_back(t.profile);
  }
  return out;
}

CompiledRuleset Compile(const Ruleset& ruleset, Family family, const InterfaceSpace& interfaces,
                        const std::string& profile) {
  CompiledRuleset out;
  out.ruleset = &ruleset;
  out.family = family;
  out.profile = profile;
  out.interfaces = &interfaces;
  std::vector<Route> routes;
  for (const Route& r : ruleset.routes) {
    if (r.destination.family == family) routes.push_back(r);
  }
  std::stable_sort(routes.begin(), routes.end(),
                   [](const Route& a, const Route& b) { return a.destination.prefix > b.destination.prefix; });
  for (const Route& r : routes) {
    AtomSet oif(interfaces.size());
    oif.Set(interfaces.AtomOf(r.interface));
    out.routes.push_back({AddressSet::OfCidr(r.destination), std::move(oif)});
  }
  for (size_t t = 0; t < ruleset.tables.size(); ++t) {
    const Table& table = ruleset.tables[t];
    CompiledTable ct;
    ct.chains.resize(table.chains.size());
    if (TableCovers(table.family, family) && table.profile == profile) {
      for (const std::string& a : table.assumptions) out.approximations.push_back({table.location, a});
      for (size_t c = 0; c < table.chains.size(); ++c) {
        const Chain& chain = table.chains[c];
        if (chain.hook && !table.evaluated) {
          out.approximations.push_back({chain.location, "table " + table.name + " chain " + chain.name +
                                                            " is not evaluated: " + table.not_evaluated_reason});
          continue;
        }
        if (chain.hook && chain.type == ChainType::kNat) out.nat_anywhere = true;
        if (chain.hook) {
          out.hooks[static_cast<size_t>(*chain.hook)].push_back(
              Stage{Stage::kChain, ChainRef{static_cast<int>(t), static_cast<int>(c)}, chain.priority});
        }
        for (const Rule& rule : chain.rules) ct.chains[c].rules.push_back(CompileRule(ruleset, rule, family, interfaces));
      }
    }
    out.tables.push_back(std::move(ct));
  }
  // conntrack and destination NAT sit on prerouting and output.
  for (Hook h : {Hook::kPrerouting, Hook::kOutput}) {
    auto& stages = out.hooks[static_cast<size_t>(h)];
    stages.push_back(Stage{Stage::kConntrack, {}, kConntrackPriority});
    stages.push_back(Stage{Stage::kNatPoint, {}, kDstNatPriority});
  }
  for (auto& stages : out.hooks) {
    // Markers first among equals: conntrack and NAT register before any chain.
    std::stable_sort(stages.begin(), stages.end(), [](const Stage& a, const Stage& b) {
      if (a.priority != b.priority) return a.priority < b.priority;
      return (a.kind != Stage::kChain) > (b.kind != Stage::kChain);
    });
  }
  out.errors = FindJumpLoops(ruleset);
  return out;
}

namespace {

// Depth-first search over one table's jump graph; colour 1 = on the current
// path, 2 = done. An edge to a chain on the path closes a loop.
void VisitChain(const Table& table, int c, std::vector<int>& colour, std::vector<EngineError>& out) {
  colour[c] = 1;
  for (const Rule& rule : table.chains[c].rules) {
    VerdictKind k = rule.verdict.kind;
    if ((k != VerdictKind::kJump && k != VerdictKind::kGoto) || rule.verdict.target < 0) continue;
    int t = rule.verdict.target;
    if (colour[t] == 1) {
      out.push_back({rule.location, "this jump to chain " + table.chains[t].name + " makes a loop", rule.text});
    } else if (colour[t] == 0) {
      VisitChain(table, t, colour, out);
    }
  }
  colour[c] = 2;
}

}  // namespace

std::vector<EngineError> FindJumpLoops(const Ruleset& ruleset) {
  std::vector<EngineError> out;
  for (const Table& table : ruleset.tables) {
    std::vector<int> colour(table.chains.size(), 0);
    for (size_t c = 0; c < table.chains.size(); ++c) {
      if (colour[c] == 0) VisitChain(table, static_cast<int>(c), colour, out);
    }
  }
  return out;
}

}  // namespace ghostport::rules
