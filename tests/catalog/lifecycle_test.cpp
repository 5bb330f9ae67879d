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
// service has no RFC, is not in Debian's services list, and nmap never saw
// its port open (unless something unofficial there could be what it saw).
BOOST_AUTO_TEST_CASE(dormant_means_no_evidence_of_use_anywhere) {
  const Usage& usage = Usage::Instance();
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
          BOOST_TEST(facts.everyday.empty());
          BOOST_TEST((!usage.Observed(port, t) || !usage.UnofficialAt(port, t).empty()));
          BOOST_TEST(AnyReasonContains(s.reasons, "not in Debian's /etc/services"));
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

BOOST_AUTO_TEST_CASE(recent_registrations_are_too_recent_to_call_dormant) {
  std::size_t recent = 0;
  for (const RegistryRecord& r : Registry::Instance().Records()) {
    if (r.Kind() != RecordKind::kService || !r.HasPort() || r.Registered() < "2022-01") continue;
    if (r.References().find("RFC") != std::string_view::npos) continue;
    for (Transport t : kAllTransports) {
      if (!r.AppliesTo(t)) continue;
      const PortFacts facts = Describe(r.PortLow(), t);
      for (const ServiceVerdict& s : facts.services) {
        if (s.record != &r) continue;
        ++recent;
        BOOST_TEST((s.lifecycle == Lifecycle::kAlive || s.lifecycle == Lifecycle::kDead), r.Name());
      }
    }
  }
  BOOST_TEST(recent > 10U);
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
    BOOST_TEST((reason.rfind("hbci (", 0) == 0 || reason.rfind("remoteware-cl (", 0) == 0), reason);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::catalog
