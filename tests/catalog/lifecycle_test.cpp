#include "catalog/lifecycle.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

namespace ghostport::catalog {
namespace {

bool AnyReasonContains(const std::vector<std::string>& reasons, std::string_view needle) {
  return std::any_of(reasons.begin(), reasons.end(),
                     [&](const std::string& r) { return r.find(needle) != std::string::npos; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(registry_status_decides_unassigned_reserved_and_dynamic) {
  const PortFacts dynamic = Describe(50000, Transport::kTcp);
  BOOST_TEST(dynamic.lifecycle == Lifecycle::kUnassigned);
  BOOST_TEST(AnyReasonContains(dynamic.reasons, "dynamic range"));
  BOOST_TEST(Describe(1023, Transport::kTcp).lifecycle == Lifecycle::kReserved);
  BOOST_TEST(Describe(0, Transport::kUdp).lifecycle == Lifecycle::kReserved);
  // A port in an Unassigned range, found from the registry rather than typed.
  const Registry& registry = Registry::Instance();
  std::uint32_t port = 1024;
  while (registry.Status(static_cast<std::uint16_t>(port), Transport::kTcp) != PortStatus::kUnassigned) ++port;
  const PortFacts unassigned = Describe(static_cast<std::uint16_t>(port), Transport::kTcp);
  BOOST_TEST(unassigned.lifecycle == Lifecycle::kUnassigned);
  BOOST_TEST(unassigned.services.empty());
}

BOOST_AUTO_TEST_CASE(every_built_in_dead_entry_makes_its_service_dead) {
  std::size_t checked = 0;
  for (const DeadRecord& dead : BuiltInDead()) {
    for (Transport t : kAllTransports) {
      if (!dead.Covers(t)) continue;
      const PortFacts facts = Describe(dead.port, t);
      bool found = false;
      for (const ServiceVerdict& s : facts.services) {
        if (s.lifecycle == Lifecycle::kDead &&
            std::find(s.dead.begin(), s.dead.end(), &dead) != s.dead.end()) {
          found = true;
        }
      }
      BOOST_TEST(found, dead.port << "/" << TransportName(t) << " " << dead.service);
      ++checked;
    }
  }
  BOOST_TEST(checked >= 300U);
}

// The derivation's promises, over every port on tcp and udp: a dormant
// service has no RFC, no Debian entry naming it, no evidence crediting it on
// its transport, and was registered before nmap's scan data (or has no date).
BOOST_AUTO_TEST_CASE(dormant_means_no_evidence_of_use_anywhere) {
  std::size_t dormant = 0;
  for (Transport t : {Transport::kTcp, Transport::kUdp}) {
    for (std::uint32_t p = 0; p <= 65535; ++p) {
      const auto port = static_cast<std::uint16_t>(p);
      const PortFacts facts = Describe(port, t);
      BOOST_TEST_REQUIRE(LifecycleOf(port, t) == facts.lifecycle);
      for (const ServiceVerdict& s : facts.services) {
        if (s.lifecycle != Lifecycle::kDormant) continue;
        ++dormant;
        BOOST_TEST_CONTEXT(port << "/" << TransportName(t) << " " << s.record->Name()) {
          BOOST_TEST(s.record->References().find("RFC") == std::string_view::npos);
          for (const EverydayService* e : facts.everyday) BOOST_TEST(!NamesRegisteredService(e->name, s.record->Name()));
          for (const PresentEvidence& e : facts.present.evidence) {
            BOOST_TEST(!(e.credits_registration && NamesRegisteredService(e.key, s.record->Name())), e.key);
          }
          BOOST_TEST((s.record->Registered().empty() || s.record->Registered() < "2008"));
          BOOST_TEST(AnyReasonContains(s.reasons, "no present-use source"));
        }
      }
    }
  }
  BOOST_TEST(dormant > 1000U);  // the registry is full of them
}

BOOST_AUTO_TEST_CASE(everyday_services_are_alive_on_every_transport_they_hold) {
  for (std::uint16_t port : kEverydayPorts) {
    for (Transport t : kAllTransports) {
      const Lifecycle l = LifecycleOf(port, t);
      BOOST_TEST((l != Lifecycle::kDead && l != Lifecycle::kDormant), port << "/" << TransportName(t));
    }
    BOOST_TEST(LifecycleOf(port, Transport::kTcp) == Lifecycle::kAlive, port);
  }
}

// Absence from nmap's 2008 data says nothing of a later registration: with
// no evidence either way it is unknown, never dormant.
BOOST_AUTO_TEST_CASE(post_2008_registrations_without_evidence_are_unknown) {
  std::size_t unknown = 0;
  for (const RegistryRecord& r : Registry::Instance().Records()) {
    if (r.Kind() != RecordKind::kService || !r.HasPort() || r.Registered() < "2008") continue;
    for (Transport t : kAllTransports) {
      if (!r.AppliesTo(t)) continue;
      const PortFacts facts = Describe(r.PortLow(), t);
      for (const ServiceVerdict& s : facts.services) {
        if (s.record != &r) continue;
        BOOST_TEST(s.lifecycle != Lifecycle::kDormant, r.Name() << " " << r.Registered());
        if (s.lifecycle == Lifecycle::kUnknown) {
          ++unknown;
          BOOST_TEST(AnyReasonContains(s.reasons, "after nmap's scan data"), r.Name());
        }
      }
    }
  }
  BOOST_TEST(unknown > 100U);
}

// The issue-9 cases: IANA alias records fold into their main service (a
// curated dead port is not resurrected by its alias's nmap hit).
BOOST_AUTO_TEST_CASE(alias_records_fold_into_their_service) {
  for (std::uint16_t port : {1416, 1651, 3014, 3396, 5145}) {
    for (Transport t : {Transport::kTcp, Transport::kUdp}) {
      const PortFacts facts = Describe(port, t);
      BOOST_TEST(facts.lifecycle == Lifecycle::kDead, port << "/" << TransportName(t));
      BOOST_TEST_REQUIRE(facts.services.size() == 1U, port);
      BOOST_TEST(facts.services.front().aliases.size() == 1U, port);
    }
  }
  // The "replacement for" form: EtherNet-IP-1 replaced EtherNet/IP-1.
  const PortFacts eip = Describe(2222, Transport::kUdp);
  BOOST_REQUIRE_EQUAL(eip.services.size(), 1U);
  BOOST_TEST(eip.services.front().record->Name() == "EtherNet-IP-1");
  BOOST_TEST(eip.lifecycle == Lifecycle::kAlive);
}

// nmap's floor value (shared by thousands of ports) is not a sighting, and
// evidence is credited on the transport and to the service it names.
BOOST_AUTO_TEST_CASE(floor_values_and_other_services_credit_nothing) {
  for (std::uint16_t port : {3331, 3334, 3335}) {
    const PortFacts facts = Describe(port, Transport::kUdp);
    BOOST_TEST(facts.lifecycle != Lifecycle::kAlive, port);
    BOOST_TEST(facts.present.floor_sighting, port);
    BOOST_TEST(AnyReasonContains(facts.reasons, "floor value"), port);
  }
  BOOST_TEST(NmapFloorPpm(Transport::kUdp) == 654U);
  BOOST_TEST(NmapFloorPpm(Transport::kTcp) == 76U);
  // LLMNR: alive on udp through firewalld, whatever Wikipedia's range rows say.
  const PortFacts llmnr = Describe(5355, Transport::kUdp);
  BOOST_TEST(llmnr.lifecycle == Lifecycle::kAlive);
  BOOST_TEST(llmnr.present.Names(PresentWeight::kHigh, 5).find("LLMNR") != std::string::npos);
  BOOST_TEST(llmnr.present.Names(PresentWeight::kLow, 9).find("League of Legends") == std::string::npos);
  BOOST_TEST(!llmnr.present.range_wide.empty());
  // 1521: the registration is dead, the port is Oracle's.
  const PortFacts oracle = Describe(1521, Transport::kTcp);
  BOOST_TEST(oracle.lifecycle == Lifecycle::kDead);
  BOOST_TEST((oracle.present.strongest && *oracle.present.strongest == PresentWeight::kHigh));
  BOOST_TEST(AnyReasonContains(oracle.reasons, "in use today"));
  BOOST_TEST(AnyReasonContains(oracle.reasons, "Oracle Database"));
  // 10250: unassigned, and kubelet's.
  const PortFacts kubelet = Describe(10250, Transport::kTcp);
  BOOST_TEST(kubelet.present.Names(PresentWeight::kHigh, 5).find("kubelet") != std::string::npos);
}

// No port whose present use has a high-weight source is dead, dormant or
// unknown without saying so in its reasons.
BOOST_AUTO_TEST_CASE(no_high_weight_present_use_is_dead_or_dormant_silently) {
  std::size_t checked = 0;
  for (Transport t : {Transport::kTcp, Transport::kUdp}) {
    for (std::uint32_t p = 0; p <= 65535; ++p) {
      const PortFacts facts = Describe(static_cast<std::uint16_t>(p), t);
      if (!facts.present.strongest || *facts.present.strongest != PresentWeight::kHigh) continue;
      if (facts.lifecycle != Lifecycle::kDead && facts.lifecycle != Lifecycle::kDormant &&
          facts.lifecycle != Lifecycle::kUnknown) {
        continue;
      }
      ++checked;
      BOOST_TEST(AnyReasonContains(facts.reasons, "the port is in use today (high weight)"),
                 p << "/" << TransportName(t));
    }
  }
  BOOST_TEST(checked >= 10U);  // 1521, 9200, 6443, ... are among them
}

BOOST_AUTO_TEST_CASE(several_services_on_one_port_combine) {
  // 3000/tcp holds hbci and remoteware-cl: the port is dead only if both are.
  const PortFacts facts = Describe(3000, Transport::kTcp);
  BOOST_REQUIRE_EQUAL(facts.services.size(), 2U);
  const bool all_dead = std::all_of(facts.services.begin(), facts.services.end(),
                                    [](const ServiceVerdict& s) { return s.lifecycle == Lifecycle::kDead; });
  const bool any_alive = std::any_of(facts.services.begin(), facts.services.end(),
                                     [](const ServiceVerdict& s) { return s.lifecycle == Lifecycle::kAlive; });
  BOOST_TEST((facts.lifecycle == Lifecycle::kDead) == all_dead);
  BOOST_TEST((facts.lifecycle == Lifecycle::kAlive) == any_alive);
  // Each reason is prefixed with its service when there are several.
  for (const std::string& reason : facts.reasons) {
    if (reason.rfind("the port is in use today", 0) == 0) continue;  // the port's, not a service's
    BOOST_TEST((reason.rfind("hbci (", 0) == 0 || reason.rfind("remoteware-cl (", 0) == 0), reason);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::catalog
