#include "catalog/lifecycle.h"

#include "catalog/source_kind.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ostream>
#include <string>

namespace ghostport::catalog {

std::string_view LifecycleName(Lifecycle l) {
  switch (l) {
    case Lifecycle::kAlive: return "alive";
    case Lifecycle::kDead: return "dead";
    case Lifecycle::kDormant: return "dormant";
    case Lifecycle::kUnassigned: return "unassigned";
    case Lifecycle::kReserved: return "reserved";
    case Lifecycle::kUnknown: return "unknown";
  }
  return "unassigned";
}

std::ostream& operator<<(std::ostream& out, Lifecycle l) { return out << LifecycleName(l); }

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "YYYY-MM[-DD]" as months since year 0, or -1.
int MonthsOf(std::string_view date) {
  if (date.size() < 7 || date[4] != '-') return -1;
  for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return -1;
  }
  const int year = std::stoi(std::string(date.substr(0, 4)));
  const int month = std::stoi(std::string(date.substr(5, 2)));
  return year * 12 + (month - 1);
}

std::string PortText(std::uint16_t port, Transport t) {
  return std::to_string(port) + "/" + std::string(TransportName(t));
}

std::string Frequency(std::uint32_t ppm) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", ppm / 1e6);
  return buffer;
}

// The other transports on which the same service name is registered on `port`.
std::vector<Transport> TwinTransports(const RegistryRecord& record, std::uint16_t port, Transport t) {
  std::vector<Transport> out;
  for (Transport other : kAllTransports) {
    if (other == t) continue;
    for (const RegistryRecord& r : Registry::Instance().Lookup(port, other)) {
      if (r.Kind() == RecordKind::kService && EqualsIgnoreCase(r.Name(), record.Name())) {
        out.push_back(other);
        break;
      }
    }
  }
  return out;
}

// The text between `marker` and the next '"' in `text`, or "".
std::string_view Quoted(std::string_view text, std::string_view marker) {
  const std::size_t at = text.find(marker);
  if (at == std::string_view::npos) return {};
  const std::size_t from = at + marker.size();
  const std::size_t to = text.find('"', from);
  return to == std::string_view::npos ? std::string_view() : text.substr(from, to - from);
}

// IANA's two ways of saying one registration has two names: the alias
// record's note 'This entry is an alias to "novell-lu6-2".', and the main
// record's description '... as a replacement for "EtherNet/IP-1".'.
bool IsAliasOf(const RegistryRecord& alias, const RegistryRecord& main) {
  return EqualsIgnoreCase(Quoted(alias.AssignmentNotes(), "alias to \""), main.Name()) ||
         EqualsIgnoreCase(Quoted(main.Description(), "as a replacement for \""), alias.Name());
}

// Whether `name` (a source's name for a service) names `record` or one of
// the aliases folded into it.
bool NamesService(std::string_view name, const RegistryRecord& record, const std::vector<const RegistryRecord*>& aliases) {
  if (NamesRegisteredService(name, record.Name())) return true;
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const RegistryRecord* a) { return NamesRegisteredService(name, a->Name()); });
}

// Evidence on `at` (this transport or a twin) that names the service itself.
void CreditedEvidence(const RegistryRecord& record, const std::vector<const RegistryRecord*>& aliases,
                      std::uint16_t port, Transport at, Transport t, std::vector<std::string>& alive) {
  const PresentState state = PresentStateAt(port, at);
  const std::string where = at == t ? "" : " (the same service on " + std::string(TransportName(at)) + ")";
  for (const PresentEvidence& e : state.evidence) {
    if (!e.credits_registration) continue;
    // By the registration a curated row names, or by the source's own name
    // or the software's ("OpenTelemetry OTLP/gRPC receiver" is opentelemetry).
    const bool credited = (!e.registration.empty() && EqualsIgnoreCase(e.registration, record.Name())) ||
                          NamesService(e.key, record, aliases) || NamesService(e.software, record, aliases);
    if (!credited) continue;
    alive.push_back(std::string(e.source->title) + " names it on " + PortText(port, at) + " as " + e.key +
                    (e.detail.empty() ? "" : ", " + e.detail) + " (" + std::string(PresentWeightName(e.weight)) +
                    " weight)" + where);
    return;  // the strongest is enough: the rest are in the port's present use
  }
}

ServiceVerdict Judge(const RegistryRecord& record, const std::vector<const RegistryRecord*>& aliases,
                     std::uint16_t port, Transport t, const PortFacts& facts) {
  ServiceVerdict verdict;
  verdict.record = &record;
  verdict.aliases = aliases;
  for (const DeadRecord* dead : BuiltInDeadAt(port, t)) {
    const bool names = EqualsIgnoreCase(dead->service, record.Name()) ||
                       std::any_of(aliases.begin(), aliases.end(),
                                   [&](const RegistryRecord* a) { return EqualsIgnoreCase(dead->service, a->Name()); });
    if (names) verdict.dead.push_back(dead);
  }
  if (!verdict.dead.empty()) {
    verdict.lifecycle = Lifecycle::kDead;
    for (const DeadRecord* dead : verdict.dead) {
      verdict.reasons.push_back("curated as dead (" + std::string(EffectiveConfidence(*dead)) + " confidence" +
                                (RestsOnSecondarySources(*dead) ? ", resting only on encyclopedia, mirror or "
                                                                  "port-reference sources"
                                                                : "") +
                                "): " + std::string(dead->evidence));
    }
    for (const RegistryRecord* a : aliases) {
      verdict.reasons.push_back("the registry's alias " + std::string(a->Name()) + " is the same registration");
    }
    return verdict;
  }

  // Evidence of use, each kind in turn; any one makes the service alive.
  std::vector<std::string> alive;
  std::vector<std::string> none;

  const std::string_view references = record.References();
  if (references.find("RFC") != std::string_view::npos) {
    alive.push_back("specified by " + std::string(references));
  } else {
    none.push_back(references.empty() ? "no RFC or other reference in the registry"
                                      : "no RFC reference (the registry cites " + std::string(references) + ")");
  }

  bool debian = false;
  for (const EverydayService* e : facts.everyday) {
    bool names = NamesService(e->name, record, aliases);
    for (std::string_view rest = e->aliases; !names && !rest.empty();) {
      const std::size_t space = rest.find(' ');
      names = NamesService(rest.substr(0, space), record, aliases);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    if (!names) continue;
    alive.push_back("listed in Debian's /etc/services as " + std::string(e->name) + " (" +
                    PortText(e->port, e->transport) + ")");
    debian = true;
    break;
  }
  if (!debian) none.push_back(facts.everyday.empty() ? "not in Debian's /etc/services"
                                                     : "Debian's /etc/services names the port for another service");

  std::vector<Transport> looked = {t};
  for (Transport twin : TwinTransports(record, port, t)) looked.push_back(twin);
  const std::size_t before = alive.size();
  for (Transport at : looked) {
    CreditedEvidence(record, aliases, port, at, t, alive);
    if (alive.size() > before) break;
  }
  if (alive.size() == before) {
    const Usage& usage = Usage::Instance();
    const std::optional<Observation> seen = usage.Observed(port, t);
    if (!seen) {
      none.push_back("nmap's scan data never saw it open");
    } else if (seen->frequency_ppm <= NmapFloorPpm(t)) {
      none.push_back("nmap's scan data sees " + PortText(port, t) + " open only at its floor value " +
                     Frequency(seen->frequency_ppm) + ", which hundreds of ports share: one or two hits, not a measurement");
    } else {
      none.push_back("nmap's scan data sees " + PortText(port, t) + " open (frequency " +
                     Frequency(seen->frequency_ppm) + ") but names it " + std::string(seen->nmap_name) +
                     ", not this service");
    }
    none.push_back("no present-use source (firewalld, Wireshark, nmap probes, ufw, the curated alive list) names this "
                   "registration");
  }

  if (!alive.empty()) {
    verdict.lifecycle = Lifecycle::kAlive;
    verdict.reasons = std::move(alive);
    return verdict;
  }
  const int registered = MonthsOf(record.Registered());
  const int modified = MonthsOf(record.Modified());
  if (registered >= kScanDataYear * 12) {
    verdict.lifecycle = Lifecycle::kUnknown;
    none.push_back("registered " + std::string(record.Registered()) + ", after nmap's scan data (" +
                   std::to_string(kScanDataYear) + "): its absence there says nothing, so no evidence either way");
  } else {
    verdict.lifecycle = Lifecycle::kDormant;
    if (registered >= 0) {
      none.push_back("registered " + std::string(record.Registered()) +
                     (modified >= 0 ? ", last modified " + std::string(record.Modified()) : ", never modified") +
                     ": old enough for nmap's " + std::to_string(kScanDataYear) + " scans to have seen it");
    } else {
      none.push_back(modified >= 0 ? "no registration date (before about 2000), last modified " + std::string(record.Modified())
                                   : "no registration or modification date in the registry (before about 2000)");
    }
  }
  verdict.reasons = std::move(none);
  return verdict;
}

Lifecycle Combine(const std::vector<ServiceVerdict>& services) {
  bool any_dormant = false;
  bool any_unknown = false;
  for (const ServiceVerdict& s : services) {
    if (s.lifecycle == Lifecycle::kAlive) return Lifecycle::kAlive;
    any_dormant = any_dormant || s.lifecycle == Lifecycle::kDormant;
    any_unknown = any_unknown || s.lifecycle == Lifecycle::kUnknown;
  }
  return any_unknown ? Lifecycle::kUnknown : any_dormant ? Lifecycle::kDormant : Lifecycle::kDead;
}

}  // namespace

PortFacts Describe(std::uint16_t port, Transport t) {
  const Registry& registry = Registry::Instance();
  const Usage& usage = Usage::Instance();
  PortFacts facts;
  facts.port = port;
  facts.transport = t;
  facts.status = registry.Status(port, t);
  facts.range = RangeClassOf(port);
  facts.records = registry.Lookup(port, t);
  facts.unofficial = usage.UnofficialAt(port, t);
  facts.malware = usage.MalwareAt(port, t);
  facts.observed = usage.Observed(port, t);
  facts.present = PresentStateAt(port, t);
  for (Transport any : kAllTransports) {
    for (const EverydayService* e : usage.Everyday(port, any)) facts.everyday.push_back(e);
  }

  switch (facts.status) {
    case PortStatus::kDynamic:
      facts.lifecycle = Lifecycle::kUnassigned;
      facts.reasons.push_back("in the dynamic range 49152-65535, which IANA never assigns (RFC 6335)");
      return facts;
    case PortStatus::kUnassigned:
      facts.lifecycle = Lifecycle::kUnassigned;
      facts.reasons.push_back(facts.records.empty() ? "no registry record covers it"
                                                    : "the registry lists it as " +
                                                          std::string(facts.records.front().Description()));
      return facts;
    case PortStatus::kReserved:
      facts.lifecycle = Lifecycle::kReserved;
      facts.reasons.push_back("the registry lists it as " + std::string(facts.records.front().Description()));
      return facts;
    case PortStatus::kAssigned:
      break;
  }
  // Alias records fold into the service they alias, when it is on the port.
  std::vector<const RegistryRecord*> services;
  for (const RegistryRecord& record : facts.records) {
    if (record.Kind() == RecordKind::kService) services.push_back(&record);
  }
  std::vector<const RegistryRecord*> mains;
  std::vector<std::vector<const RegistryRecord*>> aliases;
  for (const RegistryRecord* record : services) {
    const bool is_alias = std::any_of(services.begin(), services.end(), [&](const RegistryRecord* main) {
      return main != record && IsAliasOf(*record, *main);
    });
    if (!is_alias) mains.push_back(record);
  }
  aliases.resize(mains.size());
  for (const RegistryRecord* record : services) {
    for (std::size_t i = 0; i < mains.size(); ++i) {
      if (mains[i] != record && IsAliasOf(*record, *mains[i])) aliases[i].push_back(record);
    }
  }
  for (std::size_t i = 0; i < mains.size(); ++i) facts.services.push_back(Judge(*mains[i], aliases[i], port, t, facts));
  facts.lifecycle = Combine(facts.services);
  const bool several = facts.services.size() > 1;
  for (const ServiceVerdict& s : facts.services) {
    for (const std::string& reason : s.reasons) {
      facts.reasons.push_back(several ? std::string(s.record->Name()) + " (" +
                                            std::string(LifecycleName(s.lifecycle)) + "): " + reason
                                      : reason);
    }
  }
  if (facts.lifecycle != Lifecycle::kAlive && facts.present.strongest &&
      *facts.present.strongest != PresentWeight::kLow) {
    facts.reasons.push_back("the port is in use today (" +
                            std::string(PresentWeightName(*facts.present.strongest)) + " weight): " +
                            facts.present.Names(*facts.present.strongest, 3) +
                            "; the registration's fate and the port's present use are judged apart");
  }
  return facts;
}

Lifecycle LifecycleOf(std::uint16_t port, Transport t) { return Describe(port, t).lifecycle; }

}  // namespace ghostport::catalog
