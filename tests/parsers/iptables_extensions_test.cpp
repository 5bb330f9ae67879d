// The upstream iptables extension tests (extensions/*.t from ../shared) for
// the targets and matches model v2 reads: every rule the test says iptables
// accepts reads without an error, every rule it says iptables refuses is an
// error, in each chain the test names. The tests are iptables 1.8.13's; the
// few lines where ghostport knowingly differs are listed with the reason.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "parsers/ipset/ipset_dump.h"
#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers
namespace fs = std::filesystem;

fs::path ExtensionsDir() {
  return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "conformance" / "iptables" / "extensions";
}

// Lines whose verdict ghostport does not share, and why.
const std::map<std::string, std::string> kKnownDifferences = {
    {"-j CT --zone 65536", "CT options other than --notrack are taken as written, not checked"},
    {"-j CT --zone -1", "CT options other than --notrack are taken as written, not checked"},
    {"-m conntrack --ctexpire 42949672956", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack --ctexpire -1", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack --ctexpire 4:3", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack", "a conntrack match without options is accepted"},
    {"-m conntrack --ctproto 0", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack ! --ctproto 0", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack --ctorigsrcport 4:3", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack --ctreplsrcport 4:3", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack --ctorigdstport 4:3", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m conntrack --ctrepldstport 4:3", "conntrack options other than --ctstate are conditions, not checked"},
    {"-m state", "a state match without --state is accepted"},
};

struct ExtensionFile {
  const char* name;
  Family family;
};

// The extensions model v2 reads.
constexpr ExtensionFile kFiles[] = {
    {"libipt_DNAT.t", Family::kIpv4},       {"libip6t_DNAT.t", Family::kIpv6},
    {"libxt_REDIRECT.t", Family::kIpv4},    {"libipt_SNAT.t", Family::kIpv4},
    {"libip6t_SNAT.t", Family::kIpv6},      {"libipt_MASQUERADE.t", Family::kIpv4},
    {"libip6t_MASQUERADE.t", Family::kIpv6}, {"libxt_NOTRACK.t", Family::kIpv4},
    {"libxt_CT.t", Family::kIpv4},          {"libxt_addrtype.t", Family::kIpv4},
    {"libxt_conntrack.t", Family::kIpv4},   {"libxt_state.t", Family::kIpv4},
    {"libxt_set.t", Family::kIpv4},
};

std::vector<std::string> Split(const std::string& s, char separator) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, separator)) out.push_back(item);
  return out;
}

BOOST_AUTO_TEST_SUITE(iptables_extension_tests)

BOOST_AUTO_TEST_CASE(upstream_extension_tests_agree_on_what_iptables_accepts) {
  std::error_code ec;
  if (!fs::is_directory(ExtensionsDir(), ec)) {
    std::cout << "SKIPPED: " << ExtensionsDir().string() << " is missing; the iptables extension tests were not run\n";
    return;
  }
  // The set tests name sets the kernel does not have: an empty dump says so.
  const IpsetDump no_sets;
  std::size_t checked = 0;
  std::size_t known = 0;
  for (const ExtensionFile& f : kFiles) {
    std::ifstream in(ExtensionsDir() / f.name);
    BOOST_TEST_REQUIRE(in.good(), f.name);
    std::string table = "filter";
    std::vector<std::string> chains;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line[0] == '@') continue;
      if (line[0] == ':') {
        chains = Split(line.substr(1), ',');
        continue;
      }
      if (line[0] == '*') {
        table = line.substr(1);
        continue;
      }
      const std::vector<std::string> fields = Split(line, ';');
      BOOST_TEST_REQUIRE(fields.size() == 3u, f.name << ": " << line);
      const std::string& rule = fields[0];
      const bool ok = fields[2] == "OK";
      if (kKnownDifferences.count(rule) != 0) {
        ++known;
        continue;
      }
      for (const std::string& chain : chains) {
        const std::string text = "*" + table + "\n-A " + chain + " " + rule + "\nCOMMIT\n";
        IptablesOptions options{f.family, f.name == std::string("libxt_set.t") ? &no_sets : nullptr};
        const ParseResult r = ParseIptablesSave(text, kFile, options);
        BOOST_TEST(r.HasErrors() == !ok, f.name << ": " << table << " " << chain << ": " << rule << " should be "
                                                << fields[2] << "; ghostport says:\n"
                                                << Rendered(r));
        ++checked;
      }
    }
  }
  BOOST_TEST(checked > 150u);
  std::cout << "iptables extension tests: " << checked << " rule/chain pairs agree; " << known
            << " lines differ knowingly\n";
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
