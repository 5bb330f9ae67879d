// The PowerShell readers: the collection script's JSON and CSV (spec §4.3,
// §4.4, §4.6), Get-NetFirewallProfile (§4.5), other Get-NetFirewallRule
// exports as far as they carry the same fields, and the real exports of
// ../shared/corpus/real/windows-powershell. The example files and the
// corpus are read from ../shared at run time, never copied here.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "parsers/windows/powershell_csv.h"
#include "parsers/windows/powershell_json.h"
#include "parsers/windows/powershell_list.h"
#include "parsers/windows/windows_lowering.h"
#include "parsers/windows/windows_text.h"

namespace ghostport::parsers::windows {
std::ostream& boost_test_print_type(std::ostream& os, Action a) { return os << static_cast<int>(a); }
std::ostream& boost_test_print_type(std::ostream& os, Direction d) { return os << static_cast<int>(d); }
namespace {

namespace fs = std::filesystem;

constexpr const char* kFile = "rules.json";

fs::path SharedDir() { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared"; }
fs::path ExampleDir() { return SharedDir() / "formats" / "examples" / "windows"; }
fs::path CorpusDir() { return SharedDir() / "corpus" / "real" / "windows-powershell"; }

std::string Bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Rendered(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += Render(d);
  return out;
}

struct Read {
  WindowsPolicy policy;
  std::string diagnostics;  // rendered
};

Read ReadWith(WindowsReader reader, std::string_view text, const std::string& file = kFile) {
  Read r;
  std::vector<Diagnostic> diagnostics;
  reader(text, file, r.policy, diagnostics);
  r.diagnostics = Rendered(diagnostics);
  return r;
}

WindowsPolicy ReadOk(WindowsReader reader, std::string_view text) {
  Read r = ReadWith(reader, text);
  BOOST_TEST_REQUIRE(r.diagnostics == "");
  return r.policy;
}

// A decoded file of ../shared read by `reader`; nullopt (and a message)
// when ../shared is not beside the project.
std::optional<Read> ReadShared(WindowsReader reader, const fs::path& p) {
  if (!fs::exists(p)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << p << " does not exist (../shared is not beside the project)");
    return std::nullopt;
  }
  const std::string name = p.filename().string();
  DecodedText decoded = DecodeExport(Bytes(p), name);
  BOOST_TEST_REQUIRE(!decoded.error.has_value());
  return ReadWith(reader, decoded.utf8, name);
}

std::string Tri(const std::optional<bool>& b) { return b ? (*b ? "true" : "false") : "unset"; }

// A profile's settings, one line.
std::string Settings(const ProfileSettings& s) {
  return "enabled " + Tri(s.enabled) + " inbound-block " + Tri(s.default_inbound_block) + " block-all " +
         Tri(s.block_all_inbound) + " local-rules " + Tri(s.allow_local_rules);
}

std::string Ports(const PortList& p) {
  std::string out;
  for (const auto& r : p.ranges) {
    out += (out.empty() ? "" : ",") + std::to_string(r.lo);
    if (r.hi != r.lo) out += "-" + std::to_string(r.hi);
  }
  for (const Keyword& k : p.keywords) out += (out.empty() ? "" : ",") + k.name;
  return out.empty() ? "any" : out;
}

std::string Addresses(const AddressList& a) {
  std::string out;
  for (const auto& r : a.ranges) {
    out += (out.empty() ? "" : ",") + rules::FormatAddress(r.family, r.lo);
    if (r.hi != r.lo) out += "-" + rules::FormatAddress(r.family, r.hi);
  }
  for (const Keyword& k : a.keywords) {
    out += (out.empty() ? "" : ",") + k.name;
    if (k.family) out += *k.family == rules::Family::kIpv4 ? "(v4)" : "(v6)";
  }
  return out.empty() ? "any" : out;
}

// Every field of a rule but its location and text, one line, so that two
// readers' rules compare and a failure shows what differs.
std::string Dump(const WindowsRule& r) {
  std::ostringstream s;
  s << r.id << " | " << r.name << " | " << r.description << " | " << r.group << " | "
    << (r.enabled ? "enabled" : "disabled") << " " << (r.direction == Direction::kIn ? "in" : "out") << " "
    << (r.action == Action::kAllow ? "allow" : r.action == Action::kBlock ? "block" : "bypass") << " profiles "
    << int(r.profiles) << " proto " << (r.protocol ? std::to_string(*r.protocol) : "any") << " lport "
    << Ports(r.local_ports) << " rport " << Ports(r.remote_ports) << " icmp ";
  for (const IcmpTypeCode& t : r.icmp) s << int(t.type) << ":" << (t.code ? std::to_string(*t.code) : "*") << " ";
  s << "laddr " << Addresses(r.local_addresses) << " raddr " << Addresses(r.remote_addresses) << " program "
    << r.program << " service " << r.service << " package " << r.package << " edge " << int(r.edge) << " store "
    << int(r.store) << " security " << r.security << " unknowns";
  for (const auto& c : r.unknowns) s << " [" << c.description << "]";
  return s.str();
}

const WindowsRule& RuleById(const WindowsPolicy& p, std::string_view suffix) {
  for (const WindowsRule& r : p.rules) {
    if (r.id.ends_with(suffix)) return r;
  }
  BOOST_FAIL("no rule " << suffix);
  return p.rules.front();
}

// The nine rules of the format document's §10 table, by the end of their id
// {3F6D1A20-5B7C-4E21-9A11-0C1D2E3F4A0n}, dumped without it.
constexpr std::pair<const char*, const char*> kExampleRules[] = {
    {"A01}",
     "Contoso Web (HTTP/HTTPS) | Inbound HTTP and HTTPS for the Contoso intranet site | Contoso Suite | "
     "enabled in allow profiles 3 proto 6 lport 80,443 rport any icmp laddr any raddr any program System "
     "service  package  edge 0 store 1 security  unknowns"},
    {"A02}",
     "Contoso Media Streaming (UDP-In) |  | Contoso Suite | enabled in allow profiles 2 proto 17 lport "
     "5000-5020 rport any icmp laddr any raddr LocalSubnet program C:\\Program "
     "Files\\Contoso\\Media\\mediasrv.exe service  package  edge 0 store 1 security  unknowns"},
    {"A03}",
     "Contoso Agent (RPC-In) | Dynamic RPC for the Contoso management agent | Contoso Suite | enabled in "
     "allow profiles 1 proto 6 lport RPC rport any icmp laddr any raddr 10.20.0.0-10.20.255.255 program "
     "%SystemRoot%\\system32\\svchost.exe service ContosoAgent package  edge 0 store 1 security  unknowns"},
    {"A04}",
     "Legacy Telnet (TCP-In) |  |  | disabled in allow profiles 7 proto 6 lport 23 rport any icmp laddr "
     "any raddr any program  service  package  edge 0 store 1 security  unknowns"},
    {"A05}",
     "Block SMB from partner range | Deny SMB from the partner extranet range |  | enabled in block "
     "profiles 4 proto 6 lport 445 rport any icmp laddr any raddr 198.51.100.1-198.51.100.254 program "
     "System service  package  edge 0 store 1 security  unknowns"},
    {"A06}",
     "Contoso Updater (TCP-Out) |  | Contoso Suite | enabled out allow profiles 7 proto 6 lport any rport "
     "443 icmp laddr any raddr 192.0.2.10,192.0.2.11,2001:db8::10 program C:\\Program "
     "Files\\Contoso\\Updater\\updater.exe service  package  edge 0 store 1 security  unknowns"},
    {"A07}",
     "Contoso Sync (TCP 3393-In) | Sync listener on TCP 3393 | Contoso Suite | enabled in allow profiles "
     "7 proto 6 lport 3393 rport any icmp laddr any raddr any program  service  package  edge 1 store 1 "
     "security  unknowns"},
    {"A08}",
     "Allow ICMPv4 Echo Request |  |  | enabled in allow profiles 7 proto 1 lport any rport any icmp 8:* "
     "laddr any raddr any program System service  package  edge 0 store 1 security  unknowns"},
    {"A09}",
     "Management jump host (any protocol) |  |  | enabled in allow profiles 7 proto any lport any rport "
     "any icmp laddr any raddr 10.99.0.10 program  service  package  edge 0 store 1 security  unknowns"},
};

void CheckExampleRules(const WindowsPolicy& p) {
  BOOST_TEST_REQUIRE(p.rules.size() == 9u);
  for (const auto& [suffix, expected] : kExampleRules) {
    const std::string dump = Dump(RuleById(p, suffix));
    BOOST_TEST(dump.substr(dump.find(" | ") + 3) == expected);
  }
}

BOOST_AUTO_TEST_SUITE(windows_powershell)

BOOST_AUTO_TEST_CASE(example_json_rules_are_the_nine_of_the_format_table) {
  auto r = ReadShared(ReadPowershellJson, ExampleDir() / "powershell-rules.json");
  if (!r) return;
  BOOST_TEST(r->diagnostics == "");
  CheckExampleRules(r->policy);
  BOOST_TEST(!r->policy.has_profile_settings);
  // Each rule is located at its object's '{' (two-space PowerShell 7 layout).
  BOOST_TEST(r->policy.rules[0].location.line == 2);
  BOOST_TEST(r->policy.rules[0].location.column == 3);
  BOOST_TEST(r->policy.rules[1].location.line == 35);
  BOOST_TEST(r->policy.rules[1].text.starts_with("{\r\n    \"Name\": \"{3F6D1A20-5B7C-4E21-9A11-0C1D2E3F4A02}\""));
}

BOOST_AUTO_TEST_CASE(example_csv_rules_are_the_nine_of_the_format_table) {
  auto r = ReadShared(ReadPowershellCsv, ExampleDir() / "powershell-rules.csv");
  if (!r) return;
  BOOST_TEST(r->diagnostics == "");
  CheckExampleRules(r->policy);
  BOOST_TEST(r->policy.rules[0].location.line == 2);
  BOOST_TEST(r->policy.rules[8].location.line == 10);
  BOOST_TEST(r->policy.rules[8].text.starts_with("\"{3F6D1A20-5B7C-4E21-9A11-0C1D2E3F4A09}\",\"Management"));
}

BOOST_AUTO_TEST_CASE(example_profiles_are_domain_on_private_off_public_on) {
  auto r = ReadShared(ReadPowershellJson, ExampleDir() / "powershell-profiles.json");
  if (!r) return;
  BOOST_TEST(r->diagnostics == "");
  const WindowsPolicy& p = r->policy;
  BOOST_TEST(p.has_profile_settings);
  BOOST_TEST(p.rules.empty());
  BOOST_TEST(Settings(SettingsOf(p, kDomain)) == "enabled true inbound-block true block-all unset local-rules unset");
  BOOST_TEST(Settings(SettingsOf(p, kPrivate)) == "enabled false inbound-block true block-all unset local-rules unset");
  BOOST_TEST(Settings(SettingsOf(p, kPublic)) == "enabled true inbound-block true block-all unset local-rules unset");
  BOOST_TEST(SettingsOf(p, kPublic).location.line == 24);
}

BOOST_AUTO_TEST_CASE(numeric_and_string_enums_give_the_same_rule) {
  const std::string fields =
      R"("Name": "r1", "DisplayName": "Sync", "Protocol": "TCP", "LocalPort": "3393", "RemoteAddress": ["10.0.0.0/255.0.0.0", "LocalSubnet4"], "Program": "Any", "Service": "Any", "LocalAddress": null, "RemotePort": "", "IcmpType": "Any")";
  const WindowsPolicy numbers = ReadOk(
      ReadPowershellJson,
      "[{" + fields +
          R"(, "Enabled": 2, "Direction": 2, "Action": 3, "Profile": 5, "EdgeTraversalPolicy": 3, "PolicyStoreSourceType": 2}])");
  const WindowsPolicy names = ReadOk(
      ReadPowershellJson,
      "{" + fields +
          R"(, "Enabled": "False", "Direction": "Outbound", "Action": "AllowBypass", "Profile": "Domain, Public", "EdgeTraversalPolicy": "DeferToApp", "PolicyStoreSourceType": "GroupPolicy"})");
  BOOST_TEST_REQUIRE(numbers.rules.size() == 1u);
  BOOST_TEST_REQUIRE(names.rules.size() == 1u);
  BOOST_TEST(Dump(numbers.rules[0]) == Dump(names.rules[0]));
  BOOST_TEST(Dump(numbers.rules[0]) ==
             "r1 | Sync |  |  | disabled out bypass profiles 5 proto 6 lport 3393 rport any icmp laddr any raddr "
             "10.0.0.0-10.255.255.255,LocalSubnet(v4) program  service  package  edge 2 store 2 security  unknowns");
}

BOOST_AUTO_TEST_CASE(the_same_rule_through_json_and_csv_is_the_same_rule) {
  auto json = ReadShared(ReadPowershellJson, ExampleDir() / "powershell-rules.json");
  auto csv = ReadShared(ReadPowershellCsv, ExampleDir() / "powershell-rules.csv");
  if (!json || !csv) return;
  BOOST_TEST_REQUIRE(json->policy.rules.size() == csv->policy.rules.size());
  for (std::size_t i = 0; i < json->policy.rules.size(); ++i) {
    BOOST_TEST(Dump(json->policy.rules[i]) == Dump(csv->policy.rules[i]));
  }
}

BOOST_AUTO_TEST_CASE(a_bare_object_is_one_rule_located_at_its_brace) {
  const WindowsPolicy p = ReadOk(ReadPowershellJson, "\n  {\"Name\": \"x\", \"Enabled\": 1, \"Direction\": 1, "
                                                     "\"Action\": 4, \"Profile\": 0, \"Protocol\": 6, "
                                                     "\"LocalPort\": \"22\", \"RemotePort\": null, \"LocalAddress\": "
                                                     "\"Any\", \"RemoteAddress\": \"Any\", \"Program\": null, "
                                                     "\"Service\": null, \"CimClass\": {\"CimClassName\": \"x\"}}");
  BOOST_TEST_REQUIRE(p.rules.size() == 1u);
  BOOST_TEST(p.rules[0].location.line == 2);
  BOOST_TEST(p.rules[0].location.column == 3);
  BOOST_TEST(Dump(p.rules[0]) ==
             "x |  |  |  | enabled in block profiles 7 proto 6 lport 22 rport any icmp laddr any raddr any program  "
             "service  package  edge 0 store 0 security  unknowns");
}

BOOST_AUTO_TEST_CASE(enabled_2_is_disabled_and_1_enabled) {
  const std::string rest = R"(, "Direction": 1, "Action": 2, "Profile": 0, "Protocol": "Any", "LocalPort": "Any", "RemotePort": "Any", "LocalAddress": "Any", "RemoteAddress": "Any", "Program": "Any", "Service": "Any"})";
  BOOST_TEST(!ReadOk(ReadPowershellJson, R"({"Name": "a", "Enabled": 2)" + rest).rules.at(0).enabled);
  BOOST_TEST(ReadOk(ReadPowershellJson, R"({"Name": "a", "Enabled": 1)" + rest).rules.at(0).enabled);
  BOOST_TEST(ReadWith(ReadPowershellJson, R"({"Name": "a", "Enabled": 0)" + rest).diagnostics ==
             "rules.json:1:26: error: Enabled: not one of True (1), False (2)\n"
             "{\"Name\": \"a\", \"Enabled\": 0" + rest + "\n"
             "                         ^\n");
}

BOOST_AUTO_TEST_CASE(override_block_rules_makes_an_allow_a_bypass) {
  const std::string head = R"("Name","Enabled","Direction","Action","Profile","Protocol","LocalPort","RemotePort","LocalAddress","RemoteAddress","Program","Service","OverrideBlockRules")";
  const WindowsPolicy p = ReadOk(ReadPowershellCsv, head + "\r\n" +
                                                        R"("a","True","Inbound","Allow","Any","TCP","445","Any","Any","Any","Any","Any","True")"
                                                        "\r\n" +
                                                        R"("b","True","Inbound","Allow","Any","TCP","445","Any","Any","Any","Any","Any","False")"
                                                        "\r\n");
  BOOST_TEST_REQUIRE(p.rules.size() == 2u);
  BOOST_TEST(p.rules[0].action == Action::kBypass);
  BOOST_TEST(p.rules[1].action == Action::kAllow);
}

BOOST_AUTO_TEST_CASE(a_semicolon_csv_with_a_type_line_bare_empty_cells_and_a_line_break_in_a_field) {
  const std::string text =
      "#TYPE System.Management.Automation.PSCustomObject\n"
      "\"Name\";\"DisplayName\";\"Description\";\"Enabled\";\"Direction\";\"Action\";\"Profile\";\"Protocol\";"
      "\"LocalPort\";\"RemotePort\";\"IcmpType\";\"LocalAddress\";\"RemoteAddress\";\"Program\";\"Service\"\n"
      "\"a\";\"Say \"\"hi\"\"\";\"two\nlines\";\"True\";\"Inbound\";\"Allow\";\"Private, Public\";\"UDP\";"
      "\"53,5353\";;\"Any\";\"Any\";\"fe80::/64,10.0.0.1-10.0.0.9\";\"Any\";\"Dnscache\"\n"
      "\"b\";;;\"False\";\"Inbound\";\"Block\";\"Domain\";\"ICMPv6\";\"Any\";\"Any\";\"128,3:4\";\"Any\";\"Any\";"
      "\"Any\";\"Any\"\n";
  Read r = ReadWith(ReadPowershellCsv, text);
  BOOST_TEST(r.diagnostics == "");
  BOOST_TEST_REQUIRE(r.policy.rules.size() == 2u);
  BOOST_TEST(r.policy.ignored.size() == 1u);
  BOOST_TEST(Dump(r.policy.rules[0]) ==
             "a | Say \"hi\" | two\nlines |  | enabled in allow profiles 6 proto 17 lport 53,5353 rport any icmp "
             "laddr any raddr fe80::-fe80::ffff:ffff:ffff:ffff,10.0.0.1-10.0.0.9 program  service Dnscache "
             "package  edge 0 store 0 security  unknowns");
  BOOST_TEST(r.policy.rules[0].location.line == 3);
  BOOST_TEST(r.policy.rules[1].location.line == 5);
  BOOST_TEST(Dump(r.policy.rules[1]) ==
             "b |  |  |  | disabled in block profiles 1 proto 58 lport any rport any icmp 128:* 3:4 laddr any raddr "
             "any program  service  package  edge 0 store 0 security  unknowns");
}

BOOST_AUTO_TEST_CASE(a_utf16le_csv_with_a_bom_is_decoded_then_read) {
  const std::string utf8 =
      "\"Name\",\"Enabled\",\"Direction\",\"Action\",\"Profile\",\"Protocol\",\"LocalPort\",\"RemotePort\","
      "\"LocalAddress\",\"RemoteAddress\",\"Program\",\"Service\"\r\n"
      "\"Zugriff für Drucker\",\"True\",\"Inbound\",\"Allow\",\"Any\",\"TCP\",\"9100\",\"Any\",\"Any\",\"Any\","
      "\"Any\",\"Any\"\r\n";
  std::string utf16 = "\xff\xfe";
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c == 0xc3) {  // the one two-byte character: ü
      utf16 += static_cast<char>(0xc0 | (static_cast<unsigned char>(utf8[++i]) & 0x3f));
      utf16 += '\0';
    } else {
      utf16 += static_cast<char>(c);
      utf16 += '\0';
    }
  }
  DecodedText decoded = DecodeExport(utf16, "rules.csv");
  BOOST_TEST_REQUIRE(!decoded.error.has_value());
  const WindowsPolicy p = ReadOk(ReadPowershellCsv, decoded.utf8);
  BOOST_TEST_REQUIRE(p.rules.size() == 1u);
  BOOST_TEST(p.rules[0].id == "Zugriff f\xc3\xbcr Drucker");
  BOOST_TEST(Ports(p.rules[0].local_ports) == "9100");
}

BOOST_AUTO_TEST_CASE(an_unjoined_array_in_a_csv_is_refused_with_its_place) {
  const std::string text =
      "\"Name\",\"Enabled\",\"Direction\",\"Action\",\"Protocol\",\"LocalPort\"\r\n"
      "\"a\",\"True\",\"Inbound\",\"Allow\",\"TCP\",\"System.String[]\"\r\n";
  Read r = ReadWith(ReadPowershellCsv, text, "rules.csv");
  BOOST_TEST(r.diagnostics ==
             "rules.csv:2:36: error: LocalPort: \"System.String[]\" is the name of an array type, not its values: "
             "the collector did not expand the array (join it with -join ',' before Export-Csv, give ConvertTo-Json "
             "-Depth 3; see examples/windows/collect-firewall.ps1)\n"
             "\"a\",\"True\",\"Inbound\",\"Allow\",\"TCP\",\"System.String[]\"\n"
             "                                   ^\n"
             "rules.csv:1:1: warning: the export's rules have no Profile, RemotePort, LocalAddress, RemoteAddress, "
             "Program, Service: each is read as enabled, inbound and not restricted by what is missing, and marked "
             "as possibly narrower (Get-NetFirewallRule alone carries no filters; "
             "examples/windows/collect-firewall.ps1 exports them)\n"
             "\"Name\",\"Enabled\",\"Direction\",\"Action\",\"Protocol\",\"LocalPort\"\n"
             "^\n");
  // The rule is kept, the unread field an unknown of it.
  BOOST_TEST_REQUIRE(r.policy.rules.size() == 1u);
  BOOST_TEST(r.policy.rules[0].unknowns.at(0).description == "LocalPort \"System.String[]\"");
}

BOOST_AUTO_TEST_CASE(malformed_json_is_refused_with_line_and_column) {
  Read r = ReadWith(ReadPowershellJson, "[\n  {\n    \"Name\": \"a\",\n    \"Enabled\": 1,,\n  }\n]\n");
  BOOST_TEST(r.diagnostics ==
             "rules.json:4:18: error: invalid JSON: syntax error while parsing object key - unexpected ','; "
             "expected string literal\n"
             "    \"Enabled\": 1,,\n"
             "                 ^\n");
  BOOST_TEST(r.policy.rules.empty());
}

BOOST_AUTO_TEST_CASE(a_bad_value_is_located_at_the_value_in_its_array) {
  Read r = ReadWith(ReadPowershellJson,
                    "[\n  {\"Name\": \"a\"},\n  {\"Name\": \"b\", \"Action\": 2, \"Enabled\": 1, \"Direction\": 1, "
                    "\"Profile\": 0, \"Protocol\": 6,\n   \"LocalPort\": [\"80\", \"99999\"]}\n]");
  BOOST_TEST(r.diagnostics.starts_with("rules.json:2:3: error: the rule has no Action field\n"));
  BOOST_TEST(r.diagnostics.find("rules.json:4:17: error: LocalPort: not a port, a port range or a port keyword: "
                                "\"99999\"\n") != std::string::npos);
  BOOST_TEST(r.policy.rules.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_rule_export_without_filters_warns_and_marks_its_rules) {
  Read r = ReadWith(ReadPowershellCsv, "\"Name\",\"Action\",\"Direction\"\n\"CoreNet-DHCP-In\",\"Allow\",\"Inbound\"\n");
  BOOST_TEST(r.diagnostics.starts_with("rules.json:1:1: warning: the export's rules have no Enabled, Profile, "
                                       "Protocol, LocalPort, RemotePort, LocalAddress, RemoteAddress, Program, "
                                       "Service: "));
  BOOST_TEST_REQUIRE(r.policy.rules.size() == 1u);
  BOOST_TEST(r.policy.rules[0].enabled);
  BOOST_TEST(Dump(r.policy.rules[0]).ends_with(
      "unknowns [no Enabled, Profile, Protocol, LocalPort, RemotePort, LocalAddress, RemoteAddress, Program, "
      "Service in the export]"));
}

BOOST_AUTO_TEST_CASE(a_profile_csv_gives_the_profiles) {
  const WindowsPolicy p =
      ReadOk(ReadPowershellCsv,
             "\"Name\",\"Enabled\",\"DefaultInboundAction\",\"DefaultOutboundAction\",\"AllowInboundRules\","
             "\"AllowLocalFirewallRules\"\r\n"
             "\"Domain\",\"True\",\"Block\",\"Allow\",\"NotConfigured\",\"False\"\r\n"
             "\"Private\",\"NotConfigured\",\"NotConfigured\",\"Allow\",\"True\",\"NotConfigured\"\r\n"
             "\"Public\",\"True\",\"Allow\",\"Allow\",\"False\",\"True\"\r\n");
  BOOST_TEST(p.has_profile_settings);
  BOOST_TEST(Settings(SettingsOf(p, kDomain)) == "enabled true inbound-block true block-all unset local-rules false");
  BOOST_TEST(Settings(SettingsOf(p, kPrivate)) == "enabled unset inbound-block unset block-all false local-rules unset");
  BOOST_TEST(Settings(SettingsOf(p, kPublic)) == "enabled true inbound-block false block-all true local-rules true");
  BOOST_TEST(SettingsOf(p, kPublic).location.line == 4);
}

// The reader a file's content calls for: JSON, PowerShell's list view
// ("Name : value" lines), else CSV.
WindowsReader ReaderFor(const fs::path& p) {
  if (p.extension() == ".json") return ReadPowershellJson;
  const std::string text = DecodeExport(Bytes(p), "").utf8;
  const std::size_t first = text.find_first_not_of("\r\n");
  const std::string line = first == std::string::npos ? "" : text.substr(first, text.find('\n', first) - first);
  return !line.starts_with("\"") && line.find(" : ") != std::string::npos ? ReadPowershellList : ReadPowershellCsv;
}

BOOST_AUTO_TEST_CASE(the_list_view_is_read_with_wrapped_values_and_braced_lists) {
  Read r = ReadWith(ReadPowershellList,
                    "\r\n\r\nDisplayName : @{Microsoft.Windows.Apprep.ChxApp_1000.22621.1.0_neutral?ms-resource://Microsoft.\r\n"
                    "              Windows.Apprep.ChxApp/Resources/DisplayName}\r\n"
                    "Direction   : Inbound\r\nAction      : Allow\r\nEnabled     : False\r\n"
                    "Profile     : Domain, Private\r\n\r\n"
                    "DisplayName : b\r\nDirection   : Outbound\r\nAction      : Block\r\nEnabled     : True\r\n"
                    "Profile     : Any\r\nLocalPort   : {80, 443}\r\n");
  BOOST_TEST_REQUIRE(r.policy.rules.size() == 2u);
  BOOST_TEST(r.policy.rules[0].name ==
             "@{Microsoft.Windows.Apprep.ChxApp_1000.22621.1.0_neutral?ms-resource://Microsoft.Windows.Apprep.ChxApp/"
             "Resources/DisplayName}");
  BOOST_TEST(r.policy.rules[0].location.line == 3);
  BOOST_TEST(!r.policy.rules[0].enabled);
  BOOST_TEST(int(r.policy.rules[0].profiles) == 3);
  BOOST_TEST(r.policy.rules[1].location.line == 10);
  BOOST_TEST(Ports(r.policy.rules[1].local_ports) == "80,443");
  BOOST_TEST(r.policy.rules[1].direction == Direction::kOut);
  BOOST_TEST(r.diagnostics.starts_with("rules.json:3:1: warning: the export's rules have no Protocol, LocalPort, "));
}

// Every real export: read without an error by the reader its content calls
// for, or refused with a located message saying what it is.
BOOST_AUTO_TEST_CASE(every_real_export_is_read) {
  if (!fs::exists(CorpusDir())) {
    BOOST_TEST_MESSAGE("SKIPPED: " << CorpusDir() << " does not exist (../shared is not beside the project)");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(CorpusDir())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int read = 0;
  for (const fs::path& p : files) {
    auto r = ReadShared(ReaderFor(p), p);
    BOOST_TEST_REQUIRE(r.has_value());
    const bool ok = r->diagnostics.find(": error: ") == std::string::npos && !r->policy.rules.empty();
    read += ok ? 1 : 0;
    const bool warned = r->diagnostics.find(": warning: ") != std::string::npos;
    BOOST_TEST_MESSAGE(p.filename().string() << ": " << r->policy.rules.size() << " rules"
                                             << (warned ? ", a warning" : "")
                                             << (ok ? "" : ", refused: " + r->diagnostics.substr(0, 200)));
  }
  BOOST_TEST_MESSAGE("real PowerShell exports read: " << read << " of " << files.size());
  BOOST_TEST(files.size() == 3u);
  BOOST_TEST(read == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers::windows
