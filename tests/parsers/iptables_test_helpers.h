// Helpers for the iptables front end's suites: parse-ok helpers that fail
// on any diagnostic, the whole rendered diagnostic spelled out, and look-ups
// into the lowered model.
#pragma once

#include <algorithm>
#include <string>

#include <boost/test/unit_test.hpp>

#include "parsers/iptables/iptables_lowering.h"

namespace ghostport::parsers::testing {

using rules::AddressSet;
using rules::Family;
using rules::Hook;
using rules::PortSet;
using rules::ProtocolSet;
using rules::VerdictKind;

inline constexpr const char* kFile = "t.rules";

inline std::string Rendered(const ParseResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += Render(d);
  return out;
}

// Parses `text` and fails on any diagnostic.
inline ParseResult ParseOk(const std::string& text, Family family = Family::kIpv4) {
  ParseResult r = ParseIptablesSave(text, kFile, family);
  BOOST_TEST_REQUIRE(Rendered(r) == "");
  return r;
}

inline std::string Errors(const std::string& text, Family family = Family::kIpv4) {
  return Rendered(ParseIptablesSave(text, kFile, family));
}

// A filter section around `body`; body lines start at line 2.
inline std::string Filter(const std::string& body) { return "*filter\n" + body + "COMMIT\n"; }

// The diagnostic Render prints, spelled out.
inline std::string Diag(int line, int column, const std::string& message, const std::string& source,
                 const std::string& severity = "error", const std::string& file = kFile) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + severity + ": " +
         message + "\n" + source + "\n" + std::string(static_cast<std::size_t>(column - 1), ' ') + "^\n";
}

// The errors of one rule line at line 2 of a filter section.
inline std::string LineErrors(const std::string& line, Family family = Family::kIpv4) {
  return Errors(Filter(line + "\n"), family);
}

inline const rules::Table& TableNamed(const rules::Ruleset& rs, const std::string& name) {
  auto it = std::find_if(rs.tables.begin(), rs.tables.end(), [&](const rules::Table& t) { return t.name == name; });
  BOOST_TEST_REQUIRE((it != rs.tables.end()));
  return *it;
}

inline const rules::Chain& ChainNamed(const rules::Table& t, const std::string& name) {
  int i = t.FindChain(name);
  BOOST_TEST_REQUIRE(i >= 0);
  return t.chains[static_cast<std::size_t>(i)];
}

// The one rule of INPUT after parsing `line` in a filter section.
inline rules::Rule OneRule(const std::string& line, Family family = Family::kIpv4) {
  ParseResult r = ParseOk(Filter(line + "\n"), family);
  const rules::Chain& input = ChainNamed(TableNamed(r.ruleset, "filter"), "INPUT");
  BOOST_TEST_REQUIRE(input.rules.size() == 1u);
  return input.rules[0];
}

inline rules::Cube OneCube(const std::string& line, Family family = Family::kIpv4) {
  rules::Rule rule = OneRule(line, family);
  BOOST_TEST_REQUIRE(rule.cubes.size() == 1u);
  return rule.cubes[0];
}

inline AddressSet Net(const std::string& cidr, Family family = Family::kIpv4) {
  std::optional<rules::Cidr> c = rules::ParseCidr(family, cidr);
  BOOST_TEST_REQUIRE(c.has_value());
  return AddressSet::OfCidr(*c);
}

inline AddressSet Range(const std::string& lo, const std::string& hi) {
  return AddressSet::OfRange(Family::kIpv4, *rules::ParseIpv4(lo), *rules::ParseIpv4(hi));
}

inline PortSet Ports(std::uint16_t lo, std::uint16_t hi) { return PortSet::Range(lo, hi); }
inline PortSet Port(std::uint16_t p) { return PortSet::Single(p); }
inline ProtocolSet Proto(std::uint8_t p) { return ProtocolSet::Single(p); }

inline std::string Only(const rules::Rule& rule) {
  BOOST_TEST_REQUIRE(rule.conditions.size() == 1u);
  return rule.conditions[0].description;
}

}  // namespace ghostport::parsers::testing
