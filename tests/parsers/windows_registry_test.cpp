// The registry carriers read through RegistryPolicy: .wfw hives
// (parsers/windows/registry_hive) and registry.pol (registry_pol). The
// example policy's .reg and the real .wfw corpus are read from ../shared at
// run time (skipped, and said so, when it is not beside the project); the
// hives and registry.pol files are built by the test
// (windows_registry_files.h), never copied into the repository.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "parsers/input_format.h"
#include "parsers/windows/registry_hive.h"
#include "parsers/windows/registry_pol.h"
#include "parsers/windows/registry_reg.h"
#include "parsers/windows/windows_rule_text.h"
#include "parsers/windows/windows_text.h"
#include "tests/parsers/windows_registry_files.h"

namespace ghostport::parsers::windows {
namespace {

namespace fs = std::filesystem;
using testing::TestValue;

fs::path SharedDir() { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared"; }
fs::path ExampleReg() { return SharedDir() / "formats" / "examples" / "windows" / "firewall-policy.reg"; }
fs::path CorpusDir() { return SharedDir() / "corpus" / "real" / "windows-registry"; }

using testing::ReadBytes;

struct Read {
  WindowsPolicy policy;
  std::string diagnostics;  // rendered
};

Read ReadWith(WindowsReader reader, std::string_view bytes, const std::string& file) {
  Read r;
  std::vector<Diagnostic> diagnostics;
  reader(bytes, file, r.policy, diagnostics);
  for (const Diagnostic& d : diagnostics) r.diagnostics += Render(d);
  return r;
}

std::string Hex(std::size_t n) {
  std::ostringstream s;
  s << "0x" << std::hex << n;
  return s.str();
}

std::string Tri(const std::optional<bool>& b) { return b ? (*b ? "true" : "false") : "unset"; }

// What a policy says, without locations: each rule's id, store and
// canonical text, each profile's settings.
std::string Summary(const WindowsPolicy& p) {
  std::string out;
  for (const WindowsRule& r : p.rules) {
    out += r.id + " store " + std::to_string(static_cast<int>(r.store)) + ": " + CanonicalRuleText(r) + "\n";
  }
  for (Profile profile : kProfiles) {
    const ProfileSettings& s = SettingsOf(p, profile);
    out += std::string(ProfileName(profile)) + ": enabled " + Tri(s.enabled) + " inbound-block " +
           Tri(s.default_inbound_block) + " block-all " + Tri(s.block_all_inbound) + " local-rules " +
           Tri(s.allow_local_rules) + "\n";
  }
  return out;
}

// The example policy's values, or nullopt (and a message) without ../shared.
std::optional<std::vector<TestValue>> ExampleValues() {
  if (!fs::exists(ExampleReg())) {
    BOOST_TEST_MESSAGE("SKIPPED: " << ExampleReg() << " does not exist (../shared is not beside the project)");
    return std::nullopt;
  }
  DecodedText text = DecodeExport(ReadBytes(ExampleReg()), "firewall-policy.reg");
  BOOST_TEST_REQUIRE(!text.error.has_value());
  return testing::RegValues(text.utf8);
}

std::string Rule(const std::string& id, const std::string& rule) {
  return testing::BuildHive({{"FirewallRules", id, rule, std::nullopt}});
}

BOOST_AUTO_TEST_SUITE(windows_registry)

BOOST_AUTO_TEST_CASE(an_empty_hive_opens_and_holds_nothing) {
  Read r = ReadWith(ReadWfwHive, testing::EmptyHive(), "empty.wfw");
  BOOST_TEST(r.diagnostics == "");
  BOOST_TEST(r.policy.rules.empty());
  BOOST_TEST(!r.policy.has_profile_settings);
}

BOOST_AUTO_TEST_CASE(the_example_hive_is_the_policy_of_the_reg) {
  auto values = ExampleValues();
  if (!values) return;
  const std::string hive = testing::BuildHive(testing::AsHive(*values));
  Read wfw = ReadWith(ReadWfwHive, hive, "firewall.wfw");
  BOOST_TEST_REQUIRE(wfw.diagnostics == "");
  Read reg = ReadWith(ReadRegFile, DecodeExport(ReadBytes(ExampleReg()), "firewall-policy.reg").utf8, "firewall-policy.reg");
  BOOST_TEST_REQUIRE(reg.diagnostics == "");
  BOOST_TEST(wfw.policy.rules.size() == 9u);
  BOOST_TEST(Summary(wfw.policy) == Summary(reg.policy));
  BOOST_TEST(wfw.policy.ignored.size() == reg.policy.ignored.size());
  // Values are numbered in walk order: the root's PolicyVersion, then the
  // subkeys in the hive's sorted order (DomainProfile, its Logging, then
  // FirewallRules ...).
  BOOST_TEST_REQUIRE(!wfw.policy.ignored.empty());
  BOOST_TEST((wfw.policy.ignored[0].location == (rules::SourceLocation{"firewall.wfw", 1, 1})));
  BOOST_TEST(wfw.policy.ignored[0].text == "\\PolicyVersion = dword:0000021e");
  BOOST_TEST((wfw.policy.rules[0].location == (rules::SourceLocation{"firewall.wfw", 10, 1})));
  BOOST_TEST((SettingsOf(wfw.policy, kDomain).location == (rules::SourceLocation{"firewall.wfw", 2, 1})));
}

BOOST_AUTO_TEST_CASE(a_bad_rule_string_is_refused_at_its_value_with_the_caret_in_it) {
  Read r = ReadWith(ReadWfwHive, Rule("{bad}", "v2.30|Action=Allow|Dir=In|LPort=99999|"), "f.wfw");
  BOOST_TEST(r.diagnostics.starts_with("f.wfw:1:"), r.diagnostics);
  BOOST_TEST(r.diagnostics.find("(rule \"{bad}\")\n\\FirewallRules\\{bad} = v2.30|Action=Allow|Dir=In|LPort=99999|\n") !=
                 std::string::npos,
             r.diagnostics);
}

BOOST_AUTO_TEST_CASE(connection_security_rules_and_unknown_keys_are_ignored_with_the_reason) {
  Read r = ReadWith(ReadWfwHive,
                    testing::BuildHive({{"ConSecRules", "{c}", "v2.10|Action=SecureServer|", std::nullopt},
                                        {"Phase1AuthenticationSets", "{a}", "x", std::nullopt},
                                        {"PublicProfile", "EnableFirewall", std::nullopt, 1}}),
                    "f.wfw");
  BOOST_TEST_REQUIRE(r.diagnostics == "");
  BOOST_TEST_REQUIRE(r.policy.ignored.size() == 2u);
  BOOST_TEST(r.policy.ignored[0].reason.find("connection security") != std::string::npos);
  BOOST_TEST(r.policy.ignored[0].text == "\\ConSecRules\\{c} = v2.10|Action=SecureServer|");
  BOOST_TEST(r.policy.ignored[1].reason == "not part of the firewall rules or profile settings");
  BOOST_TEST((SettingsOf(r.policy, kPublic).enabled == true));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_hive_is_refused) {
  Read r = ReadWith(ReadWfwHive, "Windows Registry Editor Version 5.00\r\n", "f.wfw");
  BOOST_TEST(r.diagnostics ==
             "f.wfw:1:1: error: not a registry hive: a .wfw file (netsh advfirewall export) starts with \"regf\"\n"
             "0x0000: 57 69 6e 64 6f 77 73 20 52 65 67 69 73 74 72 79\n^\n");
}

BOOST_AUTO_TEST_CASE(a_truncated_hive_is_refused) {
  const std::string hive = Rule("{a}", "v2.30|Action=Allow|Dir=In|LPort=80|");
  BOOST_TEST_REQUIRE(hive.size() > 0x2000u);
  Read r = ReadWith(ReadWfwHive, hive.substr(0, 0x2000), "f.wfw");
  BOOST_TEST(r.diagnostics == "f.wfw:1:1: error: truncated registry hive: the file has 8192 bytes, its header announces " +
                                  std::to_string(hive.size()) +
                                  " (a hive is at least a 4 KiB header and one 4 KiB bin); nothing was read\n" +
                                  HexLine(hive, 0) + "\n^\n");
  BOOST_TEST(r.policy.rules.empty());
  Read tiny = ReadWith(ReadWfwHive, hive.substr(0, 100), "f.wfw");
  BOOST_TEST(tiny.diagnostics.starts_with("f.wfw:1:1: error: truncated registry hive: the file has 100 bytes"));
}

BOOST_AUTO_TEST_CASE(a_corrupt_hive_is_refused_by_hivex_checks) {
  std::string hive = testing::EmptyHive();
  hive[0x30] = 'x';  // the header's checksum no longer matches
  Read r = ReadWith(ReadWfwHive, hive, "f.wfw");
  BOOST_TEST(r.diagnostics == "f.wfw:1:1: error: not a readable registry hive (Invalid argument); nothing was read\n" +
                                  HexLine(hive, 0) + "\n^\n");
}

BOOST_AUTO_TEST_CASE(format_detection_knows_the_magic_numbers) {
  BOOST_TEST((DetectFormat(testing::EmptyHive()) == InputFormat::kWfw));
  BOOST_TEST((DetectFormat(testing::BuildRegistryPol({})) == InputFormat::kRegistryPol));
  BOOST_TEST(IsWindowsFormat(InputFormat::kWfw));
  BOOST_TEST(IsWindowsFormat(InputFormat::kRegistryPol));
  BOOST_TEST((WindowsReaderFor(InputFormat::kWfw).input == ReaderInput::kBytes));
}

BOOST_AUTO_TEST_CASE(the_hive_is_read_through_parse_input_without_decoding) {
  ParseResult r = ParseInput(Rule("{a}", "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|"), "f.wfw",
                             InputFormat::kWfw);
  BOOST_TEST(!r.HasErrors());
  BOOST_TEST(!r.ruleset.tables.empty());
  ParseResult empty = ParseInput(testing::EmptyHive(), "f.wfw", InputFormat::kWfw);
  BOOST_TEST_REQUIRE(empty.diagnostics.size() == 1u);
  BOOST_TEST(Render(empty.diagnostics[0]) ==
             "f.wfw:1:1: error: no firewall rules or profile settings found: nothing to audit\n"
             "0x0000: 72 65 67 66 01 00 00 00 01 00 00 00 00 00 00 00\n^\n");
  ParseResult bad = ParseInput("regf", "f.wfw", InputFormat::kWfw);
  BOOST_TEST(bad.HasErrors());
  BOOST_TEST(bad.ruleset.tables.empty());
}

// Every real .wfw: read without an error, with the counts the format
// document gives (§7).
BOOST_AUTO_TEST_CASE(every_real_hive_is_read) {
  if (!fs::exists(CorpusDir())) {
    BOOST_TEST_MESSAGE("SKIPPED: " << CorpusDir() << " does not exist (../shared is not beside the project)");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(CorpusDir())) {
    if (e.path().extension() == ".wfw") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int read = 0;
  for (const fs::path& p : files) {
    const std::string name = p.filename().string();
    Read r = ReadWith(ReadWfwHive, ReadBytes(p), name);
    const std::size_t consec = static_cast<std::size_t>(
        std::count_if(r.policy.ignored.begin(), r.policy.ignored.end(),
                      [](const rules::IgnoredLine& i) { return i.text.starts_with("\\ConSecRules\\"); }));
    const bool ok = r.diagnostics.empty() && (!r.policy.rules.empty() || r.policy.has_profile_settings);
    read += ok ? 1 : 0;
    BOOST_TEST_MESSAGE(name << ": " << r.policy.rules.size() << " firewall rules, " << consec
                            << " connection security rules, " << r.policy.ignored.size() << " ignored values"
                            << (ok ? "" : ", refused: " + r.diagnostics.substr(0, 300)));
    if (name.starts_with("luthfina16")) {
      BOOST_TEST(r.policy.rules.size() == 412u);
      BOOST_TEST(consec == 1u);
    }
    if (name.starts_with("cooperXdavis")) {
      BOOST_TEST(r.policy.rules.empty());
      BOOST_TEST(r.policy.has_profile_settings);
      BOOST_TEST(SettingsOf(r.policy, kDomain).enabled.has_value());
    }
  }
  BOOST_TEST_MESSAGE("real .wfw hives read: " << read << " of " << files.size());
  BOOST_TEST(files.size() == 3u);
  BOOST_TEST(read == static_cast<int>(files.size()));
}

BOOST_AUTO_TEST_CASE(the_example_in_registry_pol_is_the_group_policy_store) {
  auto values = ExampleValues();
  if (!values) return;
  const std::string key = "Software\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules";
  const std::string pol = testing::BuildRegistryPol(
      testing::AsGroupPolicy(*values), testing::PolRecord(key, "**del.{old}", 1, testing::Utf16Le(" ") + std::string(2, '\0')) +
                                  testing::PolRecord(key, "**delvals.", 1, testing::Utf16Le(" ") + std::string(2, '\0')));
  Read r = ReadWith(ReadRegistryPol, pol, "registry.pol");
  BOOST_TEST_REQUIRE(r.diagnostics == "");
  BOOST_TEST_REQUIRE(r.policy.rules.size() == 9u);
  for (const WindowsRule& rule : r.policy.rules) BOOST_TEST((rule.store == Store::kGroupPolicy));
  BOOST_TEST((r.policy.rules[0].location == (rules::SourceLocation{"registry.pol", 10, 1})));
  // The same rules and profiles as the .reg, in the other store.
  Read reg = ReadWith(ReadRegFile, DecodeExport(ReadBytes(ExampleReg()), "firewall-policy.reg").utf8, "firewall-policy.reg");
  std::string expected = Summary(reg.policy);
  for (std::size_t at = 0; (at = expected.find(" store 1:", at)) != std::string::npos;) expected.replace(at, 9, " store 2:");
  BOOST_TEST(Summary(r.policy) == expected);
  BOOST_TEST_REQUIRE(r.policy.ignored.size() >= 2u);
  const rules::IgnoredLine& del = r.policy.ignored[r.policy.ignored.size() - 2];
  BOOST_TEST(del.text == key + "\\**del.{old} =  ");
  BOOST_TEST(del.reason.starts_with("deletes the value when the policy is applied"));
  BOOST_TEST(r.policy.ignored.back().reason.starts_with("deletes the key's values"));
}

BOOST_AUTO_TEST_CASE(a_truncated_registry_pol_is_refused_at_its_record) {
  const std::string one = testing::PolRecord("Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile",
                                             "EnableFirewall", 4, std::string("\1\0\0\0", 4));
  const std::string pol = testing::BuildRegistryPol({}, one + one);
  Read r = ReadWith(ReadRegistryPol, pol.substr(0, pol.size() - 3), "registry.pol");
  BOOST_TEST(r.diagnostics == "registry.pol:2:1: error: truncated record: the file ends at byte " + Hex(pol.size() - 3) +
                                  " inside it (record 2, from byte " + Hex(8 + one.size()) + "); nothing was read\n" +
                                  HexLine(pol, 8 + one.size()) + "\n^\n");
  BOOST_TEST(r.policy.rules.empty());
  Read bad = ReadWith(ReadRegistryPol, "PReg" + std::string("\1\0\0\0", 4) + "x", "registry.pol");
  BOOST_TEST(bad.diagnostics.starts_with("registry.pol:1:1: error: truncated record"), bad.diagnostics);
  std::string malformed = pol;
  malformed[8] = '(';
  Read m = ReadWith(ReadRegistryPol, malformed, "registry.pol");
  BOOST_TEST(m.diagnostics ==
             "registry.pol:1:1: error: malformed record: '[' expected at byte 0x8 (record 1, from byte 0x8); nothing "
             "was read\n0x0008: 28 00 53 00 6f 00 66 00 74 00 77 00 61 00 72 00\n^\n");
  Read other = ReadWith(ReadRegistryPol, "regf", "registry.pol");
  BOOST_TEST(other.diagnostics ==
             "registry.pol:1:1: error: not a registry.pol file: one starts with \"PReg\" and version 1\n"
             "0x0000: 72 65 67 66\n^\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers::windows
