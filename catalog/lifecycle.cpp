#include "catalog/lifecycle.h"

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

// Lower-case letters and digits only: "MongoDB daemon" -> "mongodbdaemon".
std::string Folded(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Whether an unofficial-use line names the registered service itself (a list
// calling MongoDB's own registered port "unofficial"): its text contains the
// service name, folded, when the name is distinctive enough (4+ characters).
bool NamesService(const UnofficialUse& use, const RegistryRecord& record) {
  const std::string name = Folded(record.Name());
  return name.size() >= 4 && Folded(use.software).find(name) != std::string::npos;
}

// What nmap saw on `port`/`t`, and whether something other than the
// registered service is listed there and could be what it saw.
struct Sighting {
  std::optional<Observation> observed;
  bool others_listed = false;
};
Sighting SightingAt(std::uint16_t port, Transport t, const RegistryRecord& record) {
  const Usage& usage = Usage::Instance();
  Sighting sighting{usage.Observed(port, t), false};
  for (const UnofficialUse* use : usage.UnofficialAt(port, t)) {
    sighting.others_listed = sighting.others_listed || !NamesService(*use, record);
  }
  return sighting;
}

ServiceVerdict Judge(const RegistryRecord& record, std::uint16_t port, Transport t, const PortFacts& facts) {
  ServiceVerdict verdict;
  verdict.record = &record;
  for (const DeadRecord* dead : BuiltInDeadAt(port, t)) {
    if (EqualsIgnoreCase(dead->service, record.Name())) verdict.dead.push_back(dead);
  }
  if (!verdict.dead.empty()) {
    verdict.lifecycle = Lifecycle::kDead;
    for (const DeadRecord* dead : verdict.dead) {
      verdict.reasons.push_back("curated as dead (" + std::string(dead->confidence) +
                                " confidence): " + std::string(dead->evidence));
    }
    return verdict;
  }

  // Evidence of use, each kind in turn; any one makes the service alive.
  std::vector<std::string> alive;
  std::vector<std::string> dormant;

  const std::string_view references = record.References();
  if (references.find("RFC") != std::string_view::npos) {
    alive.push_back("specified by " + std::string(references));
  } else {
    dormant.push_back(references.empty() ? "no RFC or other reference in the registry"
                                         : "no RFC reference (the registry cites " + std::string(references) + ")");
  }

  if (!facts.everyday.empty()) {
    const EverydayService* e = facts.everyday.front();
    alive.push_back("listed in Debian's /etc/services as " + std::string(e->name) + " (" +
                    PortText(e->port, e->transport) + ")");
  } else {
    dormant.push_back("not in Debian's /etc/services");
  }

  for (const UnofficialUse* use : facts.unofficial) {
    if (!NamesService(*use, record)) continue;
    alive.push_back("listed in use on this port by " + std::string(use->source->title) + ": " +
                    std::string(use->software));
    break;
  }

  std::vector<Transport> looked = {t};
  for (Transport twin : TwinTransports(record, port, t)) looked.push_back(twin);
  bool seen = false;
  std::string seen_but_unofficial;
  for (Transport at : looked) {
    const Sighting sighting = SightingAt(port, at, record);
    if (!sighting.observed) continue;
    const std::string what = PortText(port, at) + " open (frequency " +
                             Frequency(sighting.observed->frequency_ppm) + ")";
    if (sighting.others_listed) {
      if (seen_but_unofficial.empty()) seen_but_unofficial = what;
      continue;
    }
    alive.push_back("nmap's scan data sees " + what +
                    (at == t ? "" : ", the same service on " + std::string(TransportName(at))));
    seen = true;
    break;
  }
  if (!seen) {
    dormant.push_back(seen_but_unofficial.empty()
                          ? "nmap's scan data never saw it open"
                          : "nmap's scan data sees " + seen_but_unofficial +
                                ", but unofficial uses of the port may be what it saw");
  }

  const Registry& registry = Registry::Instance();
  const int snapshot = MonthsOf(registry.Source().updated);
  const int registered = MonthsOf(record.Registered());
  const int modified = MonthsOf(record.Modified());
  const int latest = std::max(registered, modified);
  if (snapshot >= 0 && latest >= 0 && latest >= snapshot - kRecentYears * 12) {
    const bool was_modified = modified > registered;
    alive.push_back(std::string(was_modified ? "registration updated " : "registered ") +
                    std::string(was_modified ? record.Modified() : record.Registered()) +
                    ", within " + std::to_string(kRecentYears) +
                    " years of the registry snapshot: too recent to call dormant");
  } else if (registered >= 0) {
    dormant.push_back("registered " + std::string(record.Registered()) +
                      (modified >= 0 ? ", last modified " + std::string(record.Modified())
                                     : ", never modified"));
  } else {
    dormant.push_back(modified >= 0 ? "no registration date, last modified " + std::string(record.Modified())
                                    : "no registration or modification date in the registry");
  }

  if (!alive.empty()) {
    verdict.lifecycle = Lifecycle::kAlive;
    verdict.reasons = std::move(alive);
  } else {
    verdict.lifecycle = Lifecycle::kDormant;
    verdict.reasons = std::move(dormant);
  }
  return verdict;
}

Lifecycle Combine(const std::vector<ServiceVerdict>& services) {
  bool any_dormant = false;
  for (const ServiceVerdict& s : services) {
    if (s.lifecycle == Lifecycle::kAlive) return Lifecycle::kAlive;
    any_dormant = any_dormant || s.lifecycle == Lifecycle::kDormant;
  }
  return any_dormant ? Lifecycle::kDormant : Lifecycle::kDead;
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
  for (const RegistryRecord& record : facts.records) {
    if (record.Kind() == RecordKind::kService) facts.services.push_back(Judge(record, port, t, facts));
  }
  facts.lifecycle = Combine(facts.services);
  const bool several = facts.services.size() > 1;
  for (const ServiceVerdict& s : facts.services) {
    for (const std::string& reason : s.reasons) {
      facts.reasons.push_back(several ? std::string(s.record->Name()) + " (" +
                                            std::string(LifecycleName(s.lifecycle)) + "): " + reason
                                      : reason);
    }
  }
  return facts;
}

Lifecycle LifecycleOf(std::uint16_t port, Transport t) { return Describe(port, t).lifecycle; }

}  // namespace ghostport::catalog
