// One probe of a lowered ruleset, for any front end's suite: a connection
// attempt from one source to one port, with what decided it. Windows
// profiles are scopes of their own: `profile` names the one probed.
#pragma once

#include <string>

#include <boost/test/unit_test.hpp>

#include "rules/address.h"
#include "rules/compiled.h"
#include "rules/probe.h"

namespace ghostport::parsers::testing {

inline rules::ProbeResult ProbeRuleset(const rules::Ruleset& rs, std::uint8_t proto, std::uint16_t port,
                                       const std::string& from, const std::string& iif, rules::Family family,
                                       const std::string& profile = "") {
  rules::InterfaceSpace ifaces = rules::InterfaceSpace::FromRuleset(rs);
  rules::CompiledRuleset c = rules::Compile(rs, family, ifaces, profile);
  rules::Packet p;
  p.family = family;
  p.protocol = proto;
  p.dport = port;
  p.sport = 40000;
  p.saddr = rules::ParseAddress(family, from);
  BOOST_TEST_REQUIRE(p.saddr.has_value());
  p.iif = iif;
  rules::ProbeResult r = rules::Probe(c, p);
  BOOST_TEST_REQUIRE(r.errors.empty());
  return r;
}

}  // namespace ghostport::parsers::testing
