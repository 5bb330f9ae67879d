// `ghostport audit`: findings per rule and class from the catalog, severity
// by scope, the policy's assignments, severity overrides and waivers.
#define BOOST_TEST_MODULE audit
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "tests/audit/run_command.h"

using ghostport::testing::FilterTable;
using ghostport::testing::RunGhostport;
using ghostport::testing::TempPath;
using ghostport::testing::WriteFile;
using nlohmann::json;

namespace {

// Audits `rules` (iptables-save text) with optional policy text; JSON.
json Audit(const std::string& rules, const std::string& policy = "", int* exit_code = nullptr) {
  std::string args = "audit --format json --fail-on never -";
  if (!policy.empty()) {
    WriteFile(TempPath("policy.toml"), policy);
    args += " --policy '" + TempPath("policy.toml") + "'";
  }
  auto r = RunGhostport(args, rules);
  if (exit_code != nullptr) *exit_code = r.exit_code;
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json::parse(r.out);
}

const json* Find(const json& doc, const std::string& klass, int line) {
  for (const auto& f : doc["findings"]) {
    if (f["class"] == klass && f["location"]["line"] == line) return &f;
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(findings)

// Whole reports on the examples, reviewed as golden files. The dates are
// pinned (SOURCE_DATE_EPOCH for the report time and input mtimes,
// GHOSTPORT_TODAY for waiver expiry) so the files are reproducible.
BOOST_AUTO_TEST_CASE(examples_match_their_golden_reports) {
  ::setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
  ::setenv("GHOSTPORT_TODAY", "2026-11-22", 1);
  const std::pair<const char*, const char*> reports[] = {
      {"audit --fail-on never examples/iptables/legacy-app.rules", "legacy-app.txt"},
      {"audit --fail-on never --policy examples/policy.toml examples/iptables/legacy-app.rules",
       "legacy-app-policy.txt"},
      {"audit --fail-on never --format json --policy examples/policy.toml examples/iptables/legacy-app.rules",
       "legacy-app-policy.json"},
      {"audit --fail-on never examples/iptables/router.rules", "router.txt"},
      {"audit --fail-on never --format markdown --policy examples/policy.toml examples/iptables/legacy-app.rules",
       "legacy-app-policy.md"},
      {"audit --format junit --policy examples/policy.toml examples/iptables/legacy-app.rules",
       "legacy-app-policy.junit.xml"},
      {"audit --fail-on never --format json examples/iptables/web-host.rules examples/iptables/web-host6.rules",
       "web-host-both-families.json"},
      {"audit --fail-on never examples/iptables/k8s-node.rules", "k8s-node.txt"},
      {"audit --fail-on never examples/iptables/oracle-host.rules", "oracle-host.txt"},
      {"audit --fail-on never examples/iptables/elasticsearch-host.rules", "elasticsearch-host.txt"},
      {"audit --fail-on never --format json examples/iptables/elasticsearch-host.rules", "elasticsearch-host.json"},
      {"audit --fail-on never examples/nftables/web-host.nft", "nft-web-host.txt"},
      // A Windows host (registry export), in every format: per-profile findings.
      {"audit --fail-on never examples/windows/file-server.reg", "windows-file-server.txt"},
      {"audit --fail-on never --format json examples/windows/file-server.reg", "windows-file-server.json"},
      {"audit --fail-on never --format markdown examples/windows/file-server.reg", "windows-file-server.md"},
      {"audit --fail-on never --format junit examples/windows/file-server.reg", "windows-file-server.junit.xml"},
      {"audit --fail-on never --format sarif examples/windows/file-server.reg", "windows-file-server.sarif"},
      {"audit --fail-on never --format html examples/windows/file-server.reg", "windows-file-server.html"},
  };
  for (const auto& [args, golden] : reports) {
    BOOST_TEST_CONTEXT(args) {
      auto r = RunGhostport(args);
      BOOST_TEST(r.exit_code == 0, r.err);
      ghostport::testing::CheckGolden(std::string("tests/golden/audit/") + golden, r.out);
    }
  }
  ::unsetenv("SOURCE_DATE_EPOCH");
  ::unsetenv("GHOSTPORT_TODAY");
}

BOOST_AUTO_TEST_CASE(legacy_app_findings_by_rule_and_class) {
  auto r = RunGhostport("audit --format json --fail-on never examples/iptables/legacy-app.rules");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const json doc = json::parse(r.out);
  const json* tapestry = Find(doc, "dead", 12);
  BOOST_REQUIRE(tapestry != nullptr);
  BOOST_TEST((*tapestry)["severity"] == "high");
  BOOST_TEST((*tapestry)["scope"] == "any");
  BOOST_TEST((*tapestry)["ports"] == json::parse("[[3393,3393]]"));
  BOOST_TEST((*tapestry)["catalog"]["service"] == "d2k-tapestry1");
  BOOST_TEST((*tapestry)["catalog"]["status"] == "dead");
  BOOST_TEST((*tapestry)["explanation"].get<std::string>().find("D2K") != std::string::npos);
  BOOST_TEST(!(*tapestry)["remediation"].get<std::string>().empty());
  const json* directnet = Find(doc, "dead", 14);
  BOOST_REQUIRE(directnet != nullptr);
  BOOST_TEST((*directnet)["proto"] == "udp");
  // The 3000-3500 range from 10.20.0.0/16: one finding per class, private scope.
  for (const char* klass : {"dead", "dormant", "unassigned", "reserved", "unofficial-use", "malware-associated"}) {
    const json* f = Find(doc, klass, 13);
    BOOST_REQUIRE_MESSAGE(f != nullptr, klass);
    BOOST_TEST((*f)["scope"] == "private");
    BOOST_TEST((*f)["port_count"].get<int>() >= 1);
    BOOST_TEST((*f)["examples"].size() <= 5U);
  }
  BOOST_TEST((*Find(doc, "dead", 13))["severity"] == "medium");
  BOOST_TEST((*Find(doc, "dormant", 13))["severity"] == "low");
  // ssh (alive), 8080 (alive), 5432 (alive, conditional), loopback: nothing.
  for (int line : {9, 10, 11, 16, 17}) {
    for (const auto& f : doc["findings"]) BOOST_TEST(f["location"]["line"] != line);
  }
}

BOOST_AUTO_TEST_CASE(a_wide_range_is_one_finding_per_class_with_counts) {
  const json doc = Audit(FilterTable("-A INPUT -p tcp --dport 1024:65535 -j ACCEPT\n"));
  int dynamic = 0;
  for (const auto& f : doc["findings"]) {
    BOOST_TEST(f["location"]["line"] == 5);
    if (f["class"] == "dynamic-range") {
      ++dynamic;
      BOOST_TEST(f["port_count"] == 16384);
      BOOST_TEST(f["severity"] == "low");
    }
    if (f["class"] == "unassigned") BOOST_TEST(f["port_count"].get<int>() > 30000);
  }
  BOOST_TEST(dynamic == 1);
  std::set<std::string> classes;
  for (const auto& f : doc["findings"]) BOOST_TEST(classes.insert(f["class"].get<std::string>()).second);
}

BOOST_AUTO_TEST_CASE(scope_sets_severity) {
  const json any = Audit(FilterTable("-A INPUT -p tcp --dport 3393 -j ACCEPT\n"));
  const json pub = Audit(FilterTable("-A INPUT -s 198.51.0.0/16 -p tcp --dport 3393 -j ACCEPT\n"));
  const json priv = Audit(FilterTable("-A INPUT -s 192.168.0.0/16 -p tcp --dport 3393 -j ACCEPT\n"));
  const json host = Audit(FilterTable("-A INPUT -s 203.0.113.7 -p tcp --dport 3393 -j ACCEPT\n"));
  const json lo = Audit(FilterTable("-A INPUT -i lo -p tcp --dport 3393 -j ACCEPT\n"));
  BOOST_TEST(any["findings"][0]["severity"] == "high");
  BOOST_TEST(pub["findings"][0]["scope"] == "public");
  BOOST_TEST(pub["findings"][0]["severity"] == "high");
  BOOST_TEST(priv["findings"][0]["scope"] == "private");
  BOOST_TEST(priv["findings"][0]["severity"] == "medium");
  BOOST_TEST(host["findings"][0]["scope"] == "hosts");
  BOOST_TEST(host["findings"][0]["severity"] == "low");
  BOOST_TEST(lo["findings"].empty());
}

BOOST_AUTO_TEST_CASE(open_everything_is_critical) {
  const json doc = Audit(FilterTable("-A INPUT -p tcp --dport 22 -j ACCEPT\n", "ACCEPT"));
  const json* f = Find(doc, "default-allow", 2);
  BOOST_REQUIRE_MESSAGE(f != nullptr, doc["findings"].dump());
  BOOST_TEST((*f)["severity"] == "critical");
  BOOST_TEST((*f)["covers"]["dead"].get<int>() > 50);
  BOOST_TEST((*f)["proto"].get<std::string>().find("tcp") != std::string::npos);
  int default_allow = 0;
  for (const auto& x : doc["findings"]) default_allow += x["class"] == "default-allow";
  BOOST_TEST(default_allow == 1);  // one finding for the policy, not one per protocol
  // A rule accepting every port from a network is one finding, not one per
  // class and protocol.
  const json wide = Audit(FilterTable("-A INPUT -s 203.0.113.0/24 -j ACCEPT\n-A INPUT -s 198.51.100.7 -j ACCEPT\n"));
  BOOST_REQUIRE_EQUAL(wide["findings"].size(), 2U);
  BOOST_TEST(wide["findings"][0]["class"] == "default-allow");
  BOOST_TEST(wide["findings"][0]["scope"] == "public");
  BOOST_TEST(wide["findings"][0]["severity"] == "critical");
  BOOST_TEST(wide["findings"][0]["message"].get<std::string>().rfind("accepts every port", 0) == 0);
  BOOST_TEST(wide["findings"][1]["scope"] == "hosts");
  BOOST_TEST(wide["findings"][1]["severity"] == "medium");
  const json off = Audit("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n");
  bool firewall_off = false;
  for (const auto& x : off["findings"]) firewall_off = firewall_off || (x["class"] == "firewall-off" && x["severity"] == "critical");
  BOOST_TEST(firewall_off, off.dump());
}

BOOST_AUTO_TEST_CASE(multiport_ports_opens_every_port_to_a_chosen_source_port) {
  // --ports matches the source or the destination port: a client that sends
  // from 5060 reaches every port. Said as such, with the fix to --dports.
  const json doc = Audit(FilterTable("-A INPUT -p udp -m multiport --ports 5060:5061 -j ACCEPT\n"));
  const json* f = Find(doc, "default-allow", 5);
  BOOST_REQUIRE_MESSAGE(f != nullptr, doc["findings"].dump());
  const std::string message = (*f)["message"];
  BOOST_TEST(message.find("whose source port is 5060-5061") != std::string::npos, message);
  BOOST_TEST((*f)["explanation"].get<std::string>().find("-m multiport --ports matches either") != std::string::npos);
  BOOST_TEST((*f)["remediation"].get<std::string>().find("--dports") != std::string::npos);
  // A rule that names no source port says nothing of them.
  const json plain = Audit(FilterTable("-A INPUT -s 203.0.113.0/24 -j ACCEPT\n"));
  BOOST_REQUIRE(!plain["findings"].empty());
  BOOST_TEST(plain["findings"][0]["message"].get<std::string>().find("source port") == std::string::npos);
  // --sports alone: the same hole, without the multiport wording.
  const json sports = Audit(FilterTable("-A INPUT -p tcp --sport 53 -j ACCEPT\n"));
  const json* s = Find(sports, "default-allow", 5);
  BOOST_REQUIRE_MESSAGE(s != nullptr, sports["findings"].dump());
  BOOST_TEST((*s)["message"].get<std::string>().find("whose source port is 53") != std::string::npos);
  BOOST_TEST((*s)["explanation"].get<std::string>().find("multiport") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_nft_ruleset_listed_as_text_and_as_json_gives_the_same_findings) {
  // nft -a list ruleset and nft -j list ruleset of the same loaded ruleset:
  // the rule identity is the handle, so even the fingerprints agree.
  auto run = [](const std::string& file) {
    auto r = RunGhostport("audit --fail-on never --format json " + file);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::vector<std::string> out;
    const json doc = json::parse(r.out);
    for (const auto& f : doc["findings"]) {
      out.push_back(f["class"].get<std::string>() + " " + f["severity"].get<std::string>() + " " + f["ports"].dump() +
                    " " + f["fingerprint"].get<std::string>());
    }
    return out;
  };
  const auto listed = run("examples/nftables/web-host.listed.nft");
  BOOST_TEST(!listed.empty());
  BOOST_TEST(listed == run("examples/nftables/web-host.json"), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(inputs_carry_their_sha256) {
  // Digests from sha256sum; the second input spans several 64-byte blocks.
  const std::string small = "*filter\n:INPUT DROP [0:0]\nCOMMIT\n";
  BOOST_TEST(Audit(small)["inputs"][0]["sha256"] ==
             "b90239d6f3b85e9b70c0c1719403c4fee6bf9e16f26c1a8f0b646f8f73080bb2");
  const std::string padded = small + "#" + std::string(998 - small.size(), 'x') + "\n";
  BOOST_REQUIRE_EQUAL(padded.size(), 1000U);
  const json doc = Audit(padded);
  BOOST_TEST(doc["inputs"][0]["sha256"] == "2fd88e249380a876876cdd57ffaf4ad1c74e9d997130846539a8ed805da469c3");
}

BOOST_AUTO_TEST_CASE(output_file_and_unavailable_formats) {
  const std::string path = TempPath("report.json");
  auto r = RunGhostport("audit --format json --fail-on never -o '" + path + "' examples/iptables/legacy-app.rules");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(json::parse(ghostport::testing::ReadFile(path))["findings"].size() > 3U);
  std::filesystem::remove(path);
  auto bad = RunGhostport("audit -o /nonexistent/dir/report.json examples/iptables/legacy-app.rules");
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("cannot write") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(policy)

const char* const kTapestry = "-A INPUT -p tcp --dport 3393 -j ACCEPT\n";

BOOST_AUTO_TEST_CASE(assigned_ports_are_justified) {
  const json doc = Audit(FilterTable(kTapestry), "[[assignments]]\nport = 3393\ntransport = \"tcp\"\nname = \"feed\"\nowner = \"ops\"\n");
  BOOST_TEST(doc["findings"].empty(), doc["findings"].dump());
}

BOOST_AUTO_TEST_CASE(severity_overrides_by_class_and_scope) {
  BOOST_TEST(Audit(FilterTable(kTapestry), "[severity]\ndead = \"critical\"\n")["findings"][0]["severity"] == "critical");
  const std::string scoped = "[severity]\ndead = \"low\"\n[severity.dormant]\nany = \"info\"\n";
  BOOST_TEST(Audit(FilterTable(kTapestry), scoped)["findings"][0]["severity"] == "low");
  const std::string other_scope = "[severity.dead]\nprivate = \"info\"\n";
  BOOST_TEST(Audit(FilterTable(kTapestry), other_scope)["findings"][0]["severity"] == "high");
}

BOOST_AUTO_TEST_CASE(waivers_hide_until_they_expire) {
  const json plain = Audit(FilterTable(kTapestry));
  const std::string fingerprint = plain["findings"][0]["fingerprint"];
  const std::string future = "[[waivers]]\nfingerprint = \"" + fingerprint +
                             "\"\nreason = \"feed retires in Q1\"\nowner = \"finance IT\"\nticket = \"CHG-1123\"\n"
                             "expires = 2099-12-31\n";
  WriteFile(TempPath("waiver.toml"), future);
  auto live = RunGhostport("audit --format json --policy '" + TempPath("waiver.toml") + "' -", FilterTable(kTapestry));
  BOOST_TEST(live.exit_code == 0, live.out);  // waived: does not fail at high
  const json w = json::parse(live.out);
  BOOST_TEST(w["findings"][0]["waived"] == true);
  BOOST_TEST(w["findings"][0]["waiver"]["status"] == "active");
  BOOST_TEST(w["waivers"][0]["status"] == "active");
  BOOST_TEST(w["summary"]["waived"] == 1);

  const std::string past = "[[waivers]]\nclass = \"dead\"\nport = 3393\nreason = \"old\"\nowner = \"finance IT\"\n"
                           "ticket = \"CHG-1\"\nexpires = 2001-01-01\n";
  WriteFile(TempPath("waiver.toml"), past);
  auto expired = RunGhostport("audit --policy '" + TempPath("waiver.toml") + "' -", FilterTable(kTapestry));
  BOOST_TEST(expired.exit_code == 1, expired.out);  // the finding is back and fails
  BOOST_TEST(expired.out.find("waiver EXPIRED on 2001-01-01") != std::string::npos, expired.out);
  BOOST_TEST(expired.out.find("[waiver-expired]") != std::string::npos, expired.out);

  const std::string unused = "[[waivers]]\nclass = \"dormant\"\nport = 9\nreason = \"r\"\nowner = \"o\"\n"
                             "ticket = \"T\"\nexpires = 2099-01-01\n";
  WriteFile(TempPath("waiver.toml"), unused);
  auto stale = RunGhostport("audit --policy '" + TempPath("waiver.toml") + "' -", FilterTable(kTapestry));
  BOOST_TEST(stale.out.find("[waiver-unused]") != std::string::npos, stale.out);
  std::filesystem::remove(TempPath("waiver.toml"));
}

BOOST_AUTO_TEST_CASE(a_one_port_waiver_never_hides_a_range) {
  const std::string rules = FilterTable("-A INPUT -p tcp --dport 3380:3400 -j ACCEPT\n-A INPUT -p udp --dport 3393 -j ACCEPT\n");
  const std::string waiver = "[[waivers]]\nclass = \"dead\"\nport = 3393\ntransport = \"udp\"\nreason = \"r\"\n"
                             "owner = \"o\"\nticket = \"T\"\nexpires = 2099-01-01\n";
  const json doc = Audit(rules, waiver);
  const json* range = Find(doc, "dead", 5);  // 3393 and 3394 on tcp: not within the waiver
  const json* single = Find(doc, "dead", 6);
  BOOST_REQUIRE(range != nullptr);
  BOOST_REQUIRE(single != nullptr);
  BOOST_TEST((*range)["waived"] == false);
  BOOST_TEST((*single)["waived"] == true);
}

// What a rule comment says stays text in every format.
// A CI dashboard tracks a JUnit test by its name: an unrelated rule
// inserted above the findings' rules moves their lines, never their names.
BOOST_AUTO_TEST_CASE(junit_test_names_survive_an_unrelated_edit) {
  const std::string before = ghostport::testing::ReadFile(std::string(GHOSTPORT_SOURCE_DIR) + "/examples/iptables/legacy-app.rules");
  std::string after = before;
  const std::size_t at = after.find("-A INPUT");
  BOOST_TEST_REQUIRE(at != std::string::npos);
  after.insert(at, "-A INPUT -p tcp -s 192.0.2.7 --dport 22 -j ACCEPT\n");
  auto names = [](const std::string& xml) {
    std::set<std::string> out;
    for (std::size_t p = xml.find("<testcase "); p != std::string::npos; p = xml.find("<testcase ", p + 1)) {
      const std::size_t n = xml.find(" name=\"", p) + 7;
      out.insert(xml.substr(n, xml.find('"', n) - n));
    }
    return out;
  };
  auto a = RunGhostport("audit --format junit --fail-on never -", before);
  auto b = RunGhostport("audit --format junit --fail-on never -", after);
  BOOST_TEST_REQUIRE(a.exit_code == 0, a.err);
  BOOST_TEST_REQUIRE(b.exit_code == 0, b.err);
  const std::set<std::string> was = names(a.out), now = names(b.out);
  BOOST_TEST(was.size() > 3u);
  for (const std::string& n : was) BOOST_TEST(now.count(n) == 1u, n << " is gone after the edit");
  // The location moved with the rules: attributes, not the name.
  BOOST_TEST(a.out != b.out);
}

// `-i eth1 -j ACCEPT` opens everything, but only on eth1: the finding says so.
BOOST_AUTO_TEST_CASE(a_rule_that_accepts_everything_on_one_interface_names_it) {
  auto r = RunGhostport("audit --format json --fail-on never -",
                        "*filter\n:INPUT DROP [0:0]\n-A INPUT -i eth1 -j ACCEPT\nCOMMIT\n");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json doc = json::parse(r.out);
  BOOST_TEST_REQUIRE(doc["findings"].size() == 1u);
  const std::string message = doc["findings"][0]["message"];
  BOOST_TEST(message.find("accepts every port") == 0, message);
  BOOST_TEST(message.find("from any source on eth1") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(hostile_comments_stay_inert_in_markdown_and_junit) {
  const std::string rules =
      FilterTable("-A INPUT -p tcp --dport 3393 -m comment --comment \"<script>x</script> ]]> | `a` *b* [c](d) \x1b\" -j ACCEPT\n");
  auto md = RunGhostport("audit --format markdown --fail-on never -", rules);
  BOOST_TEST(md.out.find("<script>") == std::string::npos, md.out);
  BOOST_TEST(md.out.find("&lt;script&gt;") != std::string::npos, md.out);
  BOOST_TEST(md.out.find("\\| \\`a\\` \\*b\\* \\[c\\]\\(d\\)") != std::string::npos, md.out);
  BOOST_TEST(md.out.find('\x1b') == std::string::npos);
  auto junit = RunGhostport("audit --format junit -", rules);
  BOOST_TEST(junit.exit_code == 1);  // the dead port, open to anyone: high
  BOOST_TEST(junit.out.find("<script>") == std::string::npos, junit.out);
  BOOST_TEST(junit.out.find("]]>") == std::string::npos, junit.out);
  BOOST_TEST(junit.out.find("&lt;script&gt;x&lt;/script&gt; ]]&gt;") != std::string::npos, junit.out);
  BOOST_TEST(junit.out.find('\x1b') == std::string::npos);
  BOOST_TEST(junit.out.find("<failure type=\"high\"") != std::string::npos, junit.out);
  auto none = RunGhostport("audit --format junit examples/iptables/web-host.rules");
  BOOST_TEST(none.out.find("<testcase classname=\"ghostport\" name=\"no findings\"/>") != std::string::npos, none.out);
}

// Colour only on a terminal, and never with NO_COLOR: run under script(1),
// which gives the command a pseudo-terminal.
BOOST_AUTO_TEST_CASE(colour_only_on_a_terminal_and_never_with_no_color) {
  if (std::system("command -v script > /dev/null 2>&1") != 0) {
    BOOST_TEST_MESSAGE("SKIPPED: script(1) is not installed (package bsdutils)");
    return;
  }
  const std::string out = TempPath("tty.txt");
  const std::string run = std::string("cd '") + GHOSTPORT_SOURCE_DIR + "' && ";
  const std::string cmd = "'" + std::string(GHOSTPORT_BINARY_DIR) +
                          "/audit/ghostport' audit --fail-on never examples/iptables/legacy-app.rules";
  BOOST_REQUIRE(std::system((run + "env -u NO_COLOR script -qec \"" + cmd + "\" /dev/null > '" + out + "'").c_str()) == 0);
  BOOST_TEST(ghostport::testing::ReadFile(out).find("\033[1;31mhigh\033[0m") != std::string::npos);
  BOOST_REQUIRE(std::system((run + "NO_COLOR=1 script -qec \"" + cmd + "\" /dev/null > '" + out + "'").c_str()) == 0);
  BOOST_TEST(ghostport::testing::ReadFile(out).find('\033') == std::string::npos);
  BOOST_TEST(RunGhostport("audit --fail-on never examples/iptables/legacy-app.rules").out.find('\033') == std::string::npos);
  std::filesystem::remove(out);
}

BOOST_AUTO_TEST_CASE(text_escapes_rule_comments) {
  auto r = RunGhostport("audit -", FilterTable("-A INPUT -p tcp --dport 3393 -m comment --comment \"\x1b[2Jgotcha\" -j ACCEPT\n"));
  BOOST_TEST(r.out.find('\x1b') == std::string::npos);
  BOOST_TEST(r.out.find("\\x1b") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
