// The netsh readers (parsers/windows/netsh_*): `show rule` dumps, plain and
// verbose, in English and the languages §2.6 of the format document knows;
// `show allprofiles`; both in one input. The example files and the real
// corpus are read from ../shared at run time (skipped, and said so, when it
// is not beside the project).
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "parsers/windows/netsh_profiles.h"
#include "parsers/windows/netsh_rules.h"
#include "parsers/windows/windows_lowering.h"
#include "parsers/windows/windows_text.h"
#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers::windows {
namespace {

namespace fs = std::filesystem;
using parsers::testing::Diag;
using rules::Family;

constexpr const char* kNetshFile = "t.txt";

struct Read {
  WindowsPolicy policy;
  std::vector<Diagnostic> diagnostics;
  std::string Rendered() const {
    std::string out;
    for (const Diagnostic& d : diagnostics) out += Render(d);
    return out;
  }
};

Read ReadWith(WindowsReader reader, const std::string& text, const std::string& file = kNetshFile) {
  Read r;
  reader(text, file, r.policy, r.diagnostics);
  return r;
}

WindowsPolicy RulesOk(const std::string& text) {
  Read r = ReadWith(ReadNetshRules, text);
  BOOST_TEST_REQUIRE(r.Rendered() == "");
  return r.policy;
}

std::string RuleErrors(const std::string& text) { return ReadWith(ReadNetshRules, text).Rendered(); }

std::string NetshDiag(int line, int column, const std::string& message, const std::string& source) {
  return Diag(line, column, message, source, "error", kNetshFile);
}

fs::path ExamplesDir() { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "formats" / "examples" / "windows"; }
fs::path CorpusDir() { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "corpus" / "real" / "windows-netsh"; }

// The file decoded as the tool decodes it; empty when ../shared is absent.
std::optional<std::string> Decoded(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  DecodedText text = DecodeExport(bytes.str(), path.string());
  BOOST_TEST_REQUIRE(!text.error.has_value());
  return text.utf8;
}

#define REQUIRE_SHARED(path)                                                                              \
  if (!fs::exists(path)) {                                                                                \
    BOOST_TEST_MESSAGE("SKIPPED: " << (path) << " does not exist (../shared is not beside the project)"); \
    return;                                                                                               \
  }

AddressList::Range V4(const char* lo, const char* hi) {
  return {Family::kIpv4, *rules::ParseAddress(Family::kIpv4, lo), *rules::ParseAddress(Family::kIpv4, hi)};
}
AddressList::Range V6(const char* lo, const char* hi) {
  return {Family::kIpv6, *rules::ParseAddress(Family::kIpv6, lo), *rules::ParseAddress(Family::kIpv6, hi)};
}
PortList Ports(std::vector<rules::Interval<std::uint16_t>> ranges, std::vector<Keyword> keywords = {}) {
  return {std::move(ranges), std::move(keywords)};
}

// Has the condition the plain form adds.
bool LacksProgram(const WindowsRule& rule) {
  return std::any_of(rule.unknowns.begin(), rule.unknowns.end(), [](const rules::Condition& c) {
    return c.description == "the program and service the rule is bound to";
  });
}

// The nine example rules (format document §10), the fields both forms show.
// `first_line`: the line of the first rule's "Rule Name:".
void CheckExampleRules(const WindowsPolicy& p, bool verbose, int first_line = 2) {
  BOOST_TEST_REQUIRE(p.rules.size() == 9u);
  for (const WindowsRule& r : p.rules) {
    BOOST_TEST(r.id == "");
    BOOST_TEST(LacksProgram(r) == !verbose, r.name);
    BOOST_TEST(r.unknowns.size() == (verbose ? 0u : 1u), r.name);
    BOOST_TEST((r.store == (verbose ? Store::kLocal : Store::kUnknown)), r.name);
    BOOST_TEST(r.local_addresses.Any(), r.name);
  }
  const WindowsRule& web = p.rules[0];
  BOOST_TEST(web.name == "Contoso Web (HTTP/HTTPS)");
  BOOST_TEST(web.location.line == first_line);
  BOOST_TEST(web.location.column == 1);
  BOOST_TEST(web.group == "Contoso Suite");
  BOOST_TEST(web.profiles == (kDomain | kPrivate));
  BOOST_TEST((web.protocol == std::uint8_t{6}));
  BOOST_TEST((web.local_ports == Ports({{80, 80}, {443, 443}})));
  BOOST_TEST(web.program == (verbose ? "System" : ""));
  BOOST_TEST(web.description == (verbose ? "Inbound HTTP and HTTPS for the Contoso intranet site" : ""));

  const WindowsRule& media = p.rules[1];
  BOOST_TEST((media.protocol == std::uint8_t{17}));
  BOOST_TEST((media.local_ports == Ports({{5000, 5020}})));
  BOOST_TEST(media.remote_addresses.ranges.empty());
  BOOST_TEST((media.remote_addresses.keywords == std::vector<Keyword>{{"LocalSubnet", std::nullopt}}));
  BOOST_TEST(media.profiles == kPrivate);

  const WindowsRule& agent = p.rules[2];
  BOOST_TEST((agent.local_ports == Ports({}, {{"RPC", std::nullopt}})));
  BOOST_TEST((agent.remote_addresses.ranges == std::vector<AddressList::Range>{V4("10.20.0.0", "10.20.255.255")}));
  BOOST_TEST(agent.service == (verbose ? "ContosoAgent" : ""));
  BOOST_TEST(agent.program == (verbose ? "C:\\Windows\\system32\\svchost.exe" : ""));
  BOOST_TEST(agent.profiles == kDomain);

  const WindowsRule& telnet = p.rules[3];
  BOOST_TEST(!telnet.enabled);
  BOOST_TEST(telnet.profiles == kAllProfiles);
  BOOST_TEST((telnet.local_ports == Ports({{23, 23}})));
  BOOST_TEST(telnet.group == "");

  const WindowsRule& smb = p.rules[4];
  BOOST_TEST((smb.action == Action::kBlock));
  BOOST_TEST(smb.profiles == kPublic);
  BOOST_TEST((smb.remote_addresses.ranges == std::vector<AddressList::Range>{V4("198.51.100.1", "198.51.100.254")}));
  BOOST_TEST((smb.local_ports == Ports({{445, 445}})));

  const WindowsRule& updater = p.rules[5];
  BOOST_TEST((updater.direction == Direction::kOut));
  BOOST_TEST((updater.remote_ports == Ports({{443, 443}})));
  BOOST_TEST(updater.local_ports.Any());
  BOOST_TEST((updater.remote_addresses.ranges == std::vector<AddressList::Range>{V4("192.0.2.10", "192.0.2.10"),
                                                                                 V4("192.0.2.11", "192.0.2.11"),
                                                                                 V6("2001:db8::10", "2001:db8::10")}));

  const WindowsRule& sync = p.rules[6];
  BOOST_TEST((sync.local_ports == Ports({{3393, 3393}})));
  BOOST_TEST(sync.profiles == kAllProfiles);
  BOOST_TEST((sync.edge == EdgeTraversal::kAllow));
  BOOST_TEST(sync.remote_addresses.Any());

  const WindowsRule& echo = p.rules[7];
  BOOST_TEST((echo.protocol == std::uint8_t{1}));
  BOOST_TEST((echo.icmp == std::vector<IcmpTypeCode>{{8, std::nullopt}}));
  BOOST_TEST(echo.text.find("                                      8       Any ") != std::string::npos);

  const WindowsRule& jump = p.rules[8];
  BOOST_TEST(!jump.protocol.has_value());
  BOOST_TEST((jump.remote_addresses.ranges == std::vector<AddressList::Range>{V4("10.99.0.10", "10.99.0.10")}));
  BOOST_TEST((jump.edge == EdgeTraversal::kBlock));
  for (size_t i = 0; i < 9; ++i) {
    BOOST_TEST(p.rules[i].enabled == (i != 3));
    BOOST_TEST((p.rules[i].action == (i == 4 ? Action::kBlock : Action::kAllow)));
    BOOST_TEST((p.rules[i].direction == (i == 5 ? Direction::kOut : Direction::kIn)));
  }
}

void CheckExampleProfiles(const WindowsPolicy& p) {
  BOOST_TEST(p.has_profile_settings);
  const ProfileSettings& domain = SettingsOf(p, kDomain);
  const ProfileSettings& priv = SettingsOf(p, kPrivate);
  const ProfileSettings& pub = SettingsOf(p, kPublic);
  BOOST_TEST((domain.enabled == true));
  BOOST_TEST((domain.default_inbound_block == true));
  BOOST_TEST((domain.block_all_inbound == false));
  BOOST_TEST(!domain.allow_local_rules.has_value());  // N/A (GPO-store only)
  BOOST_TEST((priv.enabled == false));
  BOOST_TEST((priv.default_inbound_block == true));
  BOOST_TEST((pub.enabled == true));
  BOOST_TEST((pub.default_inbound_block == true));
}

const std::string kUnderline(70, '-');

std::string Label(const std::string& label, const std::string& value) {
  std::string line = label + ":";
  line.resize(std::max<size_t>(line.size(), 38), ' ');
  return line + value + "\n";
}

// A label line as netsh pads it, without its line end (a diagnostic's source line).
std::string Source(const std::string& label, const std::string& value) {
  std::string line = Label(label, value);
  line.pop_back();
  return line;
}

// A block from its label lines: the first is the rule name, the underline
// follows it.
std::string Block(const std::vector<std::pair<std::string, std::string>>& lines) {
  std::string out = Label(lines.front().first, lines.front().second) + kUnderline + "\n";
  for (size_t i = 1; i < lines.size(); ++i) out += Label(lines[i].first, lines[i].second);
  return out;
}

// A plain English TCP block with `local_port`.
std::string TcpBlock(const std::string& name, const std::string& local_port) {
  return Block({{"Rule Name", name},
                {"Enabled", "Yes"},
                {"Direction", "In"},
                {"Profiles", "Domain,Private,Public"},
                {"Grouping", ""},
                {"LocalIP", "Any"},
                {"RemoteIP", "Any"},
                {"Protocol", "TCP"},
                {"LocalPort", local_port},
                {"RemotePort", "Any"},
                {"Edge traversal", "No"},
                {"Action", "Allow"}});
}

BOOST_AUTO_TEST_SUITE(windows_netsh)

BOOST_AUTO_TEST_CASE(example_verbose_dump_gives_the_nine_rules) {
  REQUIRE_SHARED(ExamplesDir());
  std::string text = *Decoded(ExamplesDir() / "netsh-show-rule-verbose.txt");
  WindowsPolicy p = RulesOk(text);
  CheckExampleRules(p, true);
  BOOST_TEST(!p.has_profile_settings);
  BOOST_TEST(p.rules[0].text.substr(0, 10) == "Rule Name:");
  BOOST_TEST(p.rules[0].text.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(example_plain_dump_gives_the_nine_rules_without_their_programs) {
  REQUIRE_SHARED(ExamplesDir());
  CheckExampleRules(RulesOk(*Decoded(ExamplesDir() / "netsh-show-rule.txt")), false);
}

BOOST_AUTO_TEST_CASE(example_allprofiles_gives_the_three_profiles) {
  REQUIRE_SHARED(ExamplesDir());
  Read r = ReadWith(ReadNetshProfiles, *Decoded(ExamplesDir() / "netsh-show-allprofiles.txt"));
  BOOST_TEST_REQUIRE(r.Rendered() == "");
  CheckExampleProfiles(r.policy);
  BOOST_TEST(SettingsOf(r.policy, kDomain).location.line == 2);
  BOOST_TEST(SettingsOf(r.policy, kPrivate).location.line == 18);
  BOOST_TEST(SettingsOf(r.policy, kPublic).location.line == 34);
  // Every line besides State, Firewall Policy and LocalFirewallRules is
  // classified: 4 other settings and 5 logging lines per profile.
  BOOST_TEST(r.policy.ignored.size() == 27u);
  BOOST_TEST(r.policy.ignored[4].text == "Logging:");
  BOOST_TEST(r.policy.ignored[4].reason == "a logging setting: it does not change what is let through");
}

BOOST_AUTO_TEST_CASE(rules_and_profiles_appended_in_one_input_are_both_read) {
  REQUIRE_SHARED(ExamplesDir());
  const std::string rules = *Decoded(ExamplesDir() / "netsh-show-rule-verbose.txt");
  const std::string profiles = *Decoded(ExamplesDir() / "netsh-show-allprofiles.txt");
  WindowsPolicy p = RulesOk(rules + profiles);
  CheckExampleRules(p, true);
  CheckExampleProfiles(p);
  // And the other way round, with a plain dump: still one verdict per dump.
  WindowsPolicy q = RulesOk(profiles + *Decoded(ExamplesDir() / "netsh-show-rule.txt"));
  CheckExampleRules(q, false, 53);  // after the 50 lines of the profiles and their "Ok."
  CheckExampleProfiles(q);
}

BOOST_AUTO_TEST_CASE(every_corpus_and_example_dump_is_read) {
  REQUIRE_SHARED(CorpusDir());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(CorpusDir())) files.push_back(e.path());
  for (const auto& e : fs::directory_iterator(ExamplesDir())) {
    if (e.path().filename().string().rfind("netsh-", 0) == 0) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  size_t read = 0;
  for (const fs::path& f : files) {
    const std::string text = *Decoded(f);
    const bool profiles = text.find("Profile Settings: ") != std::string::npos;
    Read r = ReadWith(profiles ? ReadNetshProfiles : ReadNetshRules, text, f.filename().string());
    size_t blocks = 0;
    for (size_t at = text.find("Rule Name:"); at != std::string::npos; at = text.find("Rule Name:", at + 1)) ++blocks;
    BOOST_TEST(r.Rendered() == "", f);
    BOOST_TEST(r.policy.rules.size() == blocks, f);
    BOOST_TEST(r.policy.has_profile_settings == profiles, f);
    if (r.diagnostics.empty() && r.policy.rules.size() == blocks) ++read;
  }
  BOOST_TEST_MESSAGE("netsh files read: " << read << " of " << files.size());
  BOOST_TEST(read == files.size());
  BOOST_TEST(files.size() == 6u);
}

BOOST_AUTO_TEST_CASE(corpus_keywords_and_icmp_tables_are_read) {
  REQUIRE_SHARED(CorpusDir());
  WindowsPolicy p = RulesOk(*Decoded(CorpusDir() / "logancave__some-bat-files__firewall_rules.txt"));
  auto named = [&](const std::string& name) {
    auto it = std::find_if(p.rules.begin(), p.rules.end(), [&](const WindowsRule& r) { return r.name == name; });
    BOOST_TEST_REQUIRE((it != p.rules.end()), name);
    return *it;
  };
  WindowsRule iphttps = named("Core Networking - IPHTTPS (TCP-Out)");
  BOOST_TEST((iphttps.remote_ports == Ports({}, {{"IPHTTPSOut", std::nullopt}})));
  // "Any     Any" in the ICMP table: every type.
  size_t any_tables = 0, typed = 0;
  for (const WindowsRule& r : p.rules) {
    if (r.text.find("  Any     Any") != std::string::npos) {
      ++any_tables;
      BOOST_TEST(r.icmp.empty(), r.name);
    } else if (r.text.find("Type    Code") != std::string::npos) {
      ++typed;
      BOOST_TEST(!r.icmp.empty(), r.name);
    }
  }
  BOOST_TEST(any_tables > 0u);
  BOOST_TEST(typed > 0u);
}

BOOST_AUTO_TEST_CASE(lf_line_ends_and_a_missing_first_empty_line_are_read) {
  WindowsPolicy p = RulesOk(TcpBlock("A", "22") + "\n" + TcpBlock("B", "23") + "Ok.\n");
  BOOST_TEST_REQUIRE(p.rules.size() == 2u);
  BOOST_TEST(p.rules[1].name == "B");
  BOOST_TEST(p.rules[1].location.line == 15);
  BOOST_TEST((p.rules[1].local_ports == Ports({{23, 23}})));
}

BOOST_AUTO_TEST_CASE(no_rules_match_is_an_empty_valid_dump) {
  WindowsPolicy p = RulesOk("\r\nNo rules match the specified criteria.\r\n\r\n");
  BOOST_TEST(p.rules.empty());
}

BOOST_AUTO_TEST_CASE(bypass_icmp_list_and_other_rule_source_are_read) {
  const std::string text = "\n" +
                           Block({{"Rule Name", "Authenticated"},
                                  {"Enabled", "Yes"},
                                  {"Direction", "In"},
                                  {"Profiles", "Public"},
                                  {"Grouping", "G"},
                                  {"LocalIP", "fe80::/64"},
                                  {"RemoteIP", "LocalSubnet,DNS"},
                                  {"Protocol", "ICMPv6"}}) +
                           std::string(38, ' ') + "Type    Code\n" + std::string(38, ' ') + "128     Any \n" +
                           std::string(38, ' ') + "1       4 \n" + Label("Edge traversal", "Defer to application") +
                           Label("InterfaceTypes", "Wireless,LAN") + Label("Security", "AuthEnc") +
                           Label("Rule source", "Group Policy") + Label("Action", "Bypass") + "Ok.\n";
  Read r = ReadWith(ReadNetshRules, text);
  BOOST_TEST_REQUIRE(r.Rendered() == "");
  const WindowsRule& rule = r.policy.rules.at(0);
  BOOST_TEST((rule.action == Action::kBypass));
  BOOST_TEST((rule.protocol == std::uint8_t{58}));
  BOOST_TEST((rule.icmp == std::vector<IcmpTypeCode>{{128, std::nullopt}, {1, std::uint8_t{4}}}));
  BOOST_TEST((rule.edge == EdgeTraversal::kDeferToApp));
  BOOST_TEST((rule.interface_types == std::vector<std::string>{"Wireless", "LAN"}));
  BOOST_TEST(rule.security == "AuthEnc");
  BOOST_TEST((rule.store == Store::kUnknown));
  BOOST_TEST(rule.unknowns.empty());  // verbose
  BOOST_TEST(
      (rule.local_addresses.ranges == std::vector<AddressList::Range>{V6("fe80::", "fe80::ffff:ffff:ffff:ffff")}));
  BOOST_TEST(rule.remote_addresses.keywords.size() == 2u);
  BOOST_TEST_REQUIRE(r.policy.ignored.size() == 1u);
  BOOST_TEST(r.policy.ignored[0].location.line == 17);
  BOOST_TEST(r.policy.ignored[0].reason.find("\"Group Policy\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_label_is_kept_as_an_unknown_condition) {
  std::string block = TcpBlock("R", "80");
  block.insert(block.find("Action:"), Label("RemoteComputers", "O:LSD:(A;;CC;;;S-1-5-21-1)"));
  WindowsPolicy p = RulesOk(block + "Ok.\n");
  const WindowsRule& rule = p.rules.at(0);
  BOOST_TEST_REQUIRE(rule.unknowns.size() == 2u);
  BOOST_TEST(rule.unknowns[0].description == "netsh \"RemoteComputers\" line: \"O:LSD:(A;;CC;;;S-1-5-21-1)\"");
  BOOST_TEST(rule.unknowns[0].location.line == 13);
  BOOST_TEST(LacksProgram(rule));
}

BOOST_AUTO_TEST_CASE(bad_port_is_refused_at_its_line_and_column) {
  const std::string text = TcpBlock("R", "80,99999") + "Ok.\n";
  BOOST_TEST(RuleErrors(text) == NetshDiag(10, 42, "not a port, a port range or a port keyword: \"99999\"",
                                           "LocalPort:                            80,99999"));
}

BOOST_AUTO_TEST_CASE(bad_words_are_refused_at_the_value) {
  std::string text = TcpBlock("R", "80") + "Ok.\n";
  text.replace(text.find("In\n"), 2, "Sideways");
  BOOST_TEST(RuleErrors(text) == NetshDiag(4, 39, "Direction is In or Out, not \"Sideways\"",
                                           "Direction:                            Sideways"));
}

BOOST_AUTO_TEST_CASE(truncated_dump_is_refused_at_its_last_line) {
  std::string block = TcpBlock("Cut", "80");
  block.erase(block.find("Edge traversal:"));
  BOOST_TEST(RuleErrors("\n" + TcpBlock("Whole", "22") + "\n" + block) ==
             NetshDiag(26, 1,
                       "the block of the rule \"Cut\" (line 16) ends without its Action line: the netsh output is "
                       "cut off or altered",
                       "RemotePort:                           Any"));
}

BOOST_AUTO_TEST_CASE(dump_without_ok_is_refused) {
  BOOST_TEST(RuleErrors(TcpBlock("R", "80")) ==
             NetshDiag(13, 1,
                       "the netsh dump ends without its closing \"Ok.\" line after the rule of line 1: the output is "
                       "cut off",
                       "Action:                               Allow"));
}

BOOST_AUTO_TEST_CASE(stray_text_is_refused) {
  BOOST_TEST(
      RuleErrors("C:\\> netsh advfirewall firewall show rule name=all\nsecond\n\n" + TcpBlock("R", "80") + "Ok.\n") ==
      NetshDiag(1, 1,
                "not part of a netsh show rule dump (a \"Rule Name:\" line with a line of 70 hyphens under "
                "it, \"Ok.\", or \"No rules match the specified criteria.\"); the lines up to the next empty "
                "line are not read",
                "C:\\> netsh advfirewall firewall show rule name=all"));
}

// German, composed from the §2.6 table (labels and values it gives).
BOOST_AUTO_TEST_CASE(german_dump_is_read) {
  const std::string text = "\r\n" +
                           Block({{"Regelname", "Remotedesktop (TCP eingehend)"},
                                  {"Beschreibung", "RDP"},
                                  {"Aktiviert", "Ja"},
                                  {"Richtung", "Eingehend"},
                                  {"Profile", "Domäne,Privat,Öffentlich"},
                                  {"Gruppierung", "Remotedesktop"},
                                  {"Lokale IP", "Beliebig"},
                                  {"Remote-IP", "10.0.0.0/8"},
                                  {"Protokoll", "TCP"},
                                  {"Lokaler Port", "3389"},
                                  {"Remoteport", "Beliebig"},
                                  {"Edgeausnahme", "Benutzer zurückstellen"},
                                  {"Programm", "System"},
                                  {"Dienst", "TermService"},
                                  {"Schnittstellentypen", "Beliebig"},
                                  {"Sicherheit", "Nicht erforderlich"},
                                  {"Regelquelle", "Lokale Einstellung"},
                                  {"Aktion", "Zulassen"}}) +
                           "OK.\r\n";
  WindowsPolicy p = RulesOk(text);
  const WindowsRule& r = p.rules.at(0);
  BOOST_TEST(r.name == "Remotedesktop (TCP eingehend)");
  BOOST_TEST(r.description == "RDP");
  BOOST_TEST(r.enabled);
  BOOST_TEST(r.profiles == kAllProfiles);
  BOOST_TEST((r.local_ports == Ports({{3389, 3389}})));
  BOOST_TEST(r.remote_ports.Any());
  BOOST_TEST((r.remote_addresses.ranges == std::vector<AddressList::Range>{V4("10.0.0.0", "10.255.255.255")}));
  BOOST_TEST((r.edge == EdgeTraversal::kDeferToUser));
  BOOST_TEST(r.program == "System");
  BOOST_TEST(r.service == "TermService");
  BOOST_TEST(r.security == "");
  BOOST_TEST((r.store == Store::kLocal));
  BOOST_TEST(r.unknowns.empty());
  BOOST_TEST((r.action == Action::kAllow));
}

// French, composed from §2.6; the port and edge labels are not in the table
// and are read by position (plain layout of §2.4). §2.6 has no French edge
// value, so the English one is used here.
BOOST_AUTO_TEST_CASE(french_dump_is_read_with_positional_labels) {
  const std::string text = "\n" +
                           Block({{"Nom de la règle ", "Partage SMB (entrée)"},
                                  {"Activé ", "Oui"},
                                  {"Sens ", "Entrée"},
                                  {"Profils ", "Domaine,Privé"},
                                  {"Groupement ", ""},
                                  {"IP locale ", "Tout"},
                                  {"IP distante ", "192.168.0.0/16"},
                                  {"Protocole ", "TCP"},
                                  {"Port local ", "445"},
                                  {"Port distant ", "Tout"},
                                  {"Traversée de bordure ", "No"},
                                  {"Action ", "Bloquer"}}) +
                           "Ok.\n";
  WindowsPolicy p = RulesOk(text);
  const WindowsRule& r = p.rules.at(0);
  BOOST_TEST(r.name == "Partage SMB (entrée)");
  BOOST_TEST(r.profiles == (kDomain | kPrivate));
  BOOST_TEST((r.local_ports == Ports({{445, 445}})));
  BOOST_TEST(r.remote_ports.Any());
  BOOST_TEST((r.edge == EdgeTraversal::kBlock));
  BOOST_TEST((r.action == Action::kBlock));
  BOOST_TEST(r.unknowns.size() == 1u);  // only the plain form's program
  BOOST_TEST(LacksProgram(r));
}

BOOST_AUTO_TEST_CASE(french_value_the_table_lacks_is_refused_naming_french) {
  const std::string text = Block({{"Nom de la règle ", "R"},
                                  {"Activé ", "Non"},
                                  {"Sens ", "Entrée"},
                                  {"Profils ", "Domaine"},
                                  {"Groupement ", ""},
                                  {"IP locale ", "Tout"},
                                  {"IP distante ", "Tout"},
                                  {"Protocole ", "Tout"},
                                  {"Traversée de bordure ", "No"},
                                  {"Action ", "Bloquer"}}) +
                           "Ok.\n";
  BOOST_TEST(RuleErrors(text) ==
             NetshDiag(3, 39,
                       "Activé is Yes or No, not \"Non\" (a French dump: the format document knows only part of "
                       "netsh's French words; the registry export and the PowerShell export are language-neutral)",
                       Source("Activé ", "Non")));
}

// Japanese, composed from §2.6: labels it does not give are read by
// position, profile names it does not give are left in English.
BOOST_AUTO_TEST_CASE(japanese_dump_is_read_with_positional_labels) {
  const std::string text = "\r\n" +
                           Block({{"規則名", "リモート デスクトップ"},
                                  {"有効", "はい"},
                                  {"方向", "入力"},
                                  {"プロファイル", "Domain,Private"},
                                  {"グループ", "リモート デスクトップ"},
                                  {"ローカル IP", "任意"},
                                  {"リモート IP", "任意"},
                                  {"プロトコル", "TCP"},
                                  {"ローカル ポート", "3389"},
                                  {"リモート ポート", "任意"},
                                  {"エッジ トラバーサル", "No"},
                                  {"操作", "許可"}}) +
                           "OK\r\n";
  WindowsPolicy p = RulesOk(text);
  const WindowsRule& r = p.rules.at(0);
  BOOST_TEST(r.name == "リモート デスクトップ");
  BOOST_TEST(r.group == "リモート デスクトップ");
  BOOST_TEST(r.enabled);
  BOOST_TEST(r.profiles == (kDomain | kPrivate));
  BOOST_TEST((r.local_ports == Ports({{3389, 3389}})));
  BOOST_TEST(r.remote_addresses.Any());
  BOOST_TEST((r.action == Action::kAllow));
  BOOST_TEST(r.unknowns.size() == 1u);
}

// Verbose Japanese with one unknown label where either Program or Service
// could stand: no guess, the line stays an unknown of the rule.
BOOST_AUTO_TEST_CASE(ambiguous_position_is_not_guessed) {
  const std::string text = Block({{"規則名", "R"},
                                  {"有効", "はい"},
                                  {"方向", "入力"},
                                  {"Profiles", "Domain"},
                                  {"Grouping", ""},
                                  {"LocalIP", "Any"},
                                  {"RemoteIP", "Any"},
                                  {"プロトコル", "Any"},
                                  {"Edge traversal", "No"},
                                  {"謎", "X"},
                                  {"インターフェイスの種類", "Any"},
                                  {"セキュリティ", "NotRequired"},
                                  {"Rule source", "Local Setting"},
                                  {"操作", "許可"}}) +
                           "OK\n";
  WindowsPolicy p = RulesOk(text);
  const WindowsRule& r = p.rules.at(0);
  BOOST_TEST_REQUIRE(r.unknowns.size() == 1u);
  BOOST_TEST(r.unknowns[0].description == "netsh \"謎\" line: \"X\"");
  BOOST_TEST(r.program == "");
}

BOOST_AUTO_TEST_CASE(chinese_dumps_are_refused_naming_the_language) {
  const std::string tail = kUnderline + "\n" + Label("已启用", "是") + "Ok.\n";
  const std::string advice =
      ": this reader reads English, German, French, Spanish and Japanese dumps only, since netsh translates labels "
      "and values; export the policy with `reg export "
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy fw.reg` or with the "
      "PowerShell script of parsers/windows/README.md, which are language-neutral";
  BOOST_TEST(RuleErrors("\n" + Label("規則名稱", "遠端桌面") + tail) ==
             NetshDiag(2, 1, "a netsh dump in Traditional Chinese" + advice, Source("規則名稱", "遠端桌面")));
  BOOST_TEST(RuleErrors(Label("规则名称", "远程桌面") + tail) ==
             NetshDiag(1, 1, "a netsh dump in Simplified Chinese" + advice, Source("规则名称", "远程桌面")));
  BOOST_TEST(
      RuleErrors(Label("Nome regola", "Desktop remoto") + tail) ==
      NetshDiag(1, 1,
                "a netsh dump in a language this reader does not know (its first label is \"Nome regola\")" + advice,
                "Nome regola:                          Desktop remoto"));
}

BOOST_AUTO_TEST_CASE(profile_settings_values_are_read_and_checked) {
  const std::string header = "Public Profile Settings: \n" + kUnderline + "\n";
  Read r = ReadWith(ReadNetshProfiles, "\n" + header +
                                           "State                                 ON\n"
                                           "Firewall Policy                       BlockInboundAlways,BlockOutbound\n"
                                           "LocalFirewallRules                    Disable\n"
                                           "SomethingNew                          1\n\nOk.\n");
  BOOST_TEST_REQUIRE(r.Rendered() == "");
  const ProfileSettings& pub = SettingsOf(r.policy, kPublic);
  BOOST_TEST((pub.block_all_inbound == true));
  BOOST_TEST((pub.allow_local_rules == false));
  BOOST_TEST(!SettingsOf(r.policy, kDomain).enabled.has_value());
  BOOST_TEST_REQUIRE(r.policy.ignored.size() == 1u);
  BOOST_TEST(r.policy.ignored[0].location.line == 7);

  Read nc = ReadWith(ReadNetshProfiles, header +
                                            "Firewall Policy                       NotConfigured,NotConfigured\n"
                                            "LocalFirewallRules                    NotConfigured\nOk.\n");
  BOOST_TEST_REQUIRE(nc.Rendered() == "");
  BOOST_TEST(!SettingsOf(nc.policy, kPublic).default_inbound_block.has_value());
  BOOST_TEST(!SettingsOf(nc.policy, kPublic).allow_local_rules.has_value());

  Read bad = ReadWith(ReadNetshProfiles, header + "State                                 MAYBE\nOk.\n");
  BOOST_TEST(bad.Rendered() ==
             NetshDiag(3, 39, "State is ON or OFF, not \"MAYBE\"", "State                                 MAYBE"));
}

BOOST_AUTO_TEST_CASE(a_rule_dump_is_not_a_profile_dump) {
  Read r = ReadWith(ReadNetshProfiles, TcpBlock("R", "80") + "Ok.\n");
  BOOST_TEST(r.Rendered() ==
             NetshDiag(1, 1,
                       "not part of netsh's profile settings (a \"Domain Profile Settings: \" block with its "
                       "underline, a setting or \"Ok.\")",
                       "Rule Name:                            R"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers::windows
