// Helpers for the nftables front end's suites: read-ok helpers that fail on
// any diagnostic, the rendered diagnostics, and the exposure's open ports.
#pragma once

#include <string>

#include <boost/test/unit_test.hpp>

#include "parsers/nftables/nft_lowering.h"
#include "rules/exposure.h"
#include "rules/exposure_entries.h"
#include "rules/probe.h"
#include "tests/parsers/probe_test_helpers.h"
#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers::testing {

inline constexpr const char* kNftFile = "t.nft";

inline ParseResult NftOk(const std::string& text) {
  ParseResult r = ParseNftText(text, kNftFile);
  BOOST_TEST_REQUIRE(Rendered(r) == "");
  return r;
}

inline std::string NftErrors(const std::string& text) { return Rendered(ParseNftText(text, kNftFile)); }

inline std::string NftDiag(int line, int column, const std::string& message, const std::string& source,
                           const std::string& severity = "error") {
  return Diag(line, column, message, source, severity, kNftFile);
}

// An inet table "t" with an input chain (policy drop) holding `rules`.
inline std::string InetInput(const std::string& rules, const std::string& policy = "drop") {
  return "table inet t {\n  chain input {\n    type filter hook input priority filter; policy " + policy +
         ";\n" + rules + "  }\n}\n";
}

// The verdict of a probe: protocol, port, source, input interface.
inline rules::ProbeResult ProbeNft(const rules::Ruleset& rs, std::uint8_t proto, std::uint16_t port,
                                   const std::string& from, const std::string& iif = "eth0",
                                   Family family = Family::kIpv4) {
  return ProbeRuleset(rs, proto, port, from, iif, family);
}

inline bool Connects(const rules::Ruleset& rs, std::uint8_t proto, std::uint16_t port, const std::string& from,
                     const std::string& iif = "eth0", Family family = Family::kIpv4) {
  return ProbeNft(rs, proto, port, from, iif, family).connects;
}

}  // namespace ghostport::parsers::testing
