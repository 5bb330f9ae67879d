// `ghostport diff` on two versions of one ruleset, `ghostport drift` between
// two inputs of one ruleset, and `audit --baseline`.
#define BOOST_TEST_MODULE diff
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "tests/audit/run_command.h"

using ghostport::testing::CheckGolden;
using ghostport::testing::FilterTable;
using ghostport::testing::RunGhostport;
using ghostport::testing::TempPath;
using ghostport::testing::WriteFile;
using nlohmann::json;

namespace {

const std::string kBefore = "examples/iptables/web-host.rules";
const std::string kAfter = "examples/iptables/web-host-change.rules";

}  // namespace

BOOST_AUTO_TEST_SUITE(diff)

BOOST_AUTO_TEST_CASE(a_change_window_opens_and_closes_exactly_what_changed) {
  auto r = RunGhostport("diff --format json " + kBefore + " " + kAfter);
  BOOST_TEST(r.exit_code == 1, r.err);  // introduces a high finding (3393, dead, from anywhere)
  const json doc = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(doc["opened"].size(), 3U);
  BOOST_TEST(doc["opened"][0]["proto"] == "tcp");
  BOOST_TEST(doc["opened"][0]["from"] == 22);
  BOOST_TEST(doc["opened"][0]["sources"] == json::parse(R"(["203.0.113.0/25"])"));  // only the new office
  BOOST_TEST(doc["opened"][1]["from"] == 3393);
  BOOST_TEST(doc["opened"][2]["proto"] == "udp");
  BOOST_TEST(doc["opened"][2]["from"] == 50000);
  BOOST_TEST(doc["opened"][2]["to"] == 50100);
  BOOST_REQUIRE_EQUAL(doc["closed"].size(), 1U);
  BOOST_TEST(doc["closed"][0]["from"] == 80);
  BOOST_TEST(doc["closed"][0]["to"] == 80);
  BOOST_REQUIRE_EQUAL(doc["introduced"].size(), 2U);
  BOOST_TEST(doc["introduced"][0]["class"] == "dead");
  BOOST_TEST(doc["introduced"][1]["class"] == "dynamic-range");
  BOOST_TEST(doc["resolved"].empty());
  BOOST_TEST(doc["summary"]["failed"] == true);
}

BOOST_AUTO_TEST_CASE(reversed_the_change_resolves_what_it_introduced) {
  auto r = RunGhostport("diff --format json " + kAfter + " " + kBefore);
  BOOST_TEST(r.exit_code == 0, r.err);  // nothing introduced
  const json doc = json::parse(r.out);
  BOOST_TEST(doc["opened"].size() == 1U);
  BOOST_TEST(doc["closed"].size() == 3U);
  BOOST_TEST(doc["introduced"].empty());
  BOOST_TEST(doc["resolved"].size() == 2U);
}

BOOST_AUTO_TEST_CASE(same_file_twice_is_no_change) {
  auto r = RunGhostport("diff " + kAfter + " " + kAfter);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("0 opening(s) added, 0 removed; 0 finding(s) introduced") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(fail_on_and_formats) {
  BOOST_TEST(RunGhostport("diff --fail-on critical " + kBefore + " " + kAfter).exit_code == 0);
  BOOST_TEST(RunGhostport("diff --fail-on low " + kBefore + " " + kAfter).exit_code == 1);
  BOOST_TEST(RunGhostport("diff --fail-on never " + kBefore + " " + kAfter).exit_code == 0);
  auto text = RunGhostport("diff " + kBefore + " " + kAfter);
  CheckGolden("tests/golden/diff/web-host-change.txt", text.out);
  auto md = RunGhostport("diff --format markdown " + kBefore + " " + kAfter);
  CheckGolden("tests/golden/diff/web-host-change.md", md.out);
  BOOST_TEST(RunGhostport("diff --format sarif " + kBefore + " " + kAfter).exit_code == 2);
  BOOST_TEST(RunGhostport("diff " + kBefore).exit_code == 2);
  auto broken = RunGhostport("diff " + kBefore + " examples/iptables/broken.rules");
  BOOST_TEST(broken.exit_code == 2);
  BOOST_TEST(broken.out.empty());
  BOOST_TEST(broken.err.find("broken.rules:") != std::string::npos, broken.err);
}

// Dropping `-i wlan0` from one rule opens its ports on the other
// interfaces, and changes nothing about the unchanged rules' ports: the
// difference in its smallest form, interface by interface (it once read as
// opens and closes of every udp port nearby, regrouped by interface lists).
BOOST_AUTO_TEST_CASE(dropping_an_interface_opens_only_that_rule_elsewhere) {
  const std::string a = TempPath("a.rules");
  const std::string b = TempPath("b.rules");
  const std::string rest = "-A INPUT -i eth0 -p udp --dport 69 -j ACCEPT\n-A INPUT -p udp --dport 111 -j ACCEPT\n"
                           "-A INPUT -p udp --dport 2049 -j ACCEPT\n-A INPUT -i eth0 -p udp --dport 5353 -j ACCEPT\n"
                           "-A INPUT -p udp --dport 10333 -j ACCEPT\n";
  WriteFile(a, FilterTable("-A INPUT -i wlan0 -p udp -m multiport --dports 53,67 -j ACCEPT\n" + rest));
  WriteFile(b, FilterTable("-A INPUT -p udp -m multiport --dports 53,67 -j ACCEPT\n" + rest));
  auto r = RunGhostport("diff --format json --fail-on never '" + a + "' '" + b + "'");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json doc = json::parse(r.out);
  BOOST_TEST(doc["closed"].empty(), doc["closed"].dump());
  BOOST_REQUIRE_EQUAL(doc["opened"].size(), 2U);
  for (const json& c : doc["opened"]) {
    BOOST_TEST((c["from"] == 53 || c["from"] == 67));
    BOOST_TEST(c["interfaces"] == json::parse(R"(["!wlan0"])"));
  }
  auto text = RunGhostport("diff --fail-on never '" + a + "' '" + b + "'");
  BOOST_TEST(text.out.find("  + ipv4 udp 53 from any on !wlan0\n") != std::string::npos, text.out);
  BOOST_TEST(text.out.find("closes (0):") != std::string::npos, text.out);
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

// The two changes a reviewer once tripped over, as golden text reports:
// dropping `-i wlan0` from one rule, and widening 8000:8200 to 8000:8300.
BOOST_AUTO_TEST_CASE(interface_and_widening_changes_match_their_golden_diffs) {
  ::setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
  ::setenv("GHOSTPORT_TODAY", "2026-11-22", 1);
  for (const char* name : {"wlan0", "widen"}) {
    BOOST_TEST_CONTEXT(name) {
      const std::string dir = "tests/audit/diff_cases/";
      auto r = RunGhostport("diff --fail-on never " + dir + name + "-before.rules " + dir + name + "-after.rules");
      BOOST_TEST(r.exit_code == 0, r.err);
      CheckGolden(std::string("tests/golden/diff/") + name + ".txt", r.out);
    }
  }
  ::unsetenv("SOURCE_DATE_EPOCH");
  ::unsetenv("GHOSTPORT_TODAY");
}

BOOST_AUTO_TEST_CASE(widening_a_range_opens_only_the_new_ports) {
  const std::string a = TempPath("a.rules");
  const std::string b = TempPath("b.rules");
  WriteFile(a, FilterTable("-A INPUT -s 10.0.0.0/8 -p tcp --dport 3000:3100 -j ACCEPT\n"));
  WriteFile(b, FilterTable("-A INPUT -s 10.0.0.0/8 -p tcp --dport 3000:3200 -j ACCEPT\n"
                     "-A INPUT -s 192.168.1.0/24 -p tcp --dport 3050 -j ACCEPT\n"));
  auto r = RunGhostport("diff --format json --fail-on never '" + a + "' '" + b + "'");
  const json doc = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(doc["opened"].size(), 2U);
  BOOST_TEST(doc["opened"][0]["from"] == 3050);
  BOOST_TEST(doc["opened"][0]["sources"] == json::parse(R"(["192.168.1.0/24"])"));
  BOOST_TEST(doc["opened"][1]["from"] == 3101);
  BOOST_TEST(doc["opened"][1]["to"] == 3200);
  BOOST_TEST(doc["closed"].empty());
  // The widened rule's findings are what the change adds: each says the
  // rule was widened and which of its ports are new; the narrower ones
  // before are not "resolved" (they go on, widened).
  BOOST_TEST(!doc["introduced"].empty());
  std::size_t widened = 0;
  for (const json& f : doc["introduced"]) {
    if (f["rule"].get<std::string>().find("3000:3200") == std::string::npos) continue;  // the new 3050 rule
    if (!f.contains("widened")) {
      // A class the rule did not open before: every port of it is new.
      for (const json& range : f["ports"]) BOOST_TEST(range[0].get<int>() > 3100, f.dump());
      continue;
    }
    ++widened;
    BOOST_TEST(f["widened"].get<std::string>().find("the rule was widened:") == 0, f.dump());
    BOOST_TEST(f["widened"].get<std::string>().find("new: 31") != std::string::npos, f.dump());
  }
  BOOST_TEST(widened >= 4u);
  BOOST_TEST(doc["resolved"].empty(), doc["resolved"].dump());
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(baseline)

BOOST_AUTO_TEST_CASE(only_findings_missing_from_the_baseline_are_reported) {
  const std::string base = TempPath("baseline.json");
  auto made = RunGhostport("audit --format json --fail-on never -o '" + base + "' examples/iptables/legacy-app.rules");
  BOOST_REQUIRE_EQUAL(made.exit_code, 0);
  auto same = RunGhostport("audit --format json --baseline '" + base + "' examples/iptables/legacy-app.rules");
  BOOST_TEST(same.exit_code == 0, same.out);  // every finding is known: nothing fails
  const json doc = json::parse(same.out);
  BOOST_TEST(doc["findings"].empty());
  BOOST_TEST(doc["summary"]["baselined"].get<int>() >= 8);
  // A new dead opening is reported; the known ones are not.
  std::string changed = ghostport::testing::ReadFile(std::string(GHOSTPORT_SOURCE_DIR) + "/examples/iptables/legacy-app.rules");
  changed.insert(changed.find("-A INPUT -j REJECT"), "-A INPUT -p tcp --dport 3394 -j ACCEPT\n");
  auto fresh = RunGhostport("audit --format json --baseline '" + base + "' -", changed);
  BOOST_TEST(fresh.exit_code == 1);
  const json f = json::parse(fresh.out);
  BOOST_REQUIRE_EQUAL(f["findings"].size(), 1U);
  BOOST_TEST(f["findings"][0]["ports"] == json::parse("[[3394,3394]]"));
  WriteFile(base, "not json");
  auto bad = RunGhostport("audit --baseline '" + base + "' examples/iptables/legacy-app.rules");
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("not a ghostport audit JSON report") != std::string::npos, bad.err);
  std::filesystem::remove(base);
}

BOOST_AUTO_TEST_CASE(drift_between_formats_of_one_ruleset_is_none) {
  // The config as kept in git and the JSON nft lists once it is loaded.
  auto r = RunGhostport("drift --format json examples/nftables/web-host.nft examples/nftables/web-host.json");
  BOOST_TEST(r.exit_code == 0, r.err);
  const json doc = json::parse(r.out);
  BOOST_TEST(doc["command"] == "drift");
  BOOST_TEST(doc["opened"].empty());
  BOOST_TEST(doc["closed"].empty());
  BOOST_TEST(doc["introduced"].empty());
  BOOST_TEST(doc["resolved"].empty());
}

BOOST_AUTO_TEST_CASE(a_hot_fix_never_written_back_is_drift) {
  // What runs opens 3394 where the config opens 3393, and keeps SSH open to all.
  std::string running = ghostport::testing::ReadFile(std::string(GHOSTPORT_SOURCE_DIR) + "/examples/nftables/web-host.listed.nft");
  running.replace(running.find("tcp dport 3393"), 14, "tcp dport 3394");
  running.replace(running.find("ip saddr @admins tcp dport 22"), 29, "tcp dport 22");
  const std::string path = TempPath("running.nft");
  WriteFile(path, running);
  auto r = RunGhostport("drift --format json --fail-on medium examples/nftables/web-host.nft '" + path + "'");
  BOOST_TEST(r.exit_code == 1, r.err);
  const json doc = json::parse(r.out);
  std::set<std::string> opened, closed;
  for (const auto& c : doc["opened"]) opened.insert(c["proto"].get<std::string>() + " " + std::to_string(c["from"].get<int>()));
  for (const auto& c : doc["closed"]) closed.insert(c["proto"].get<std::string>() + " " + std::to_string(c["from"].get<int>()));
  BOOST_TEST(opened.count("tcp 3394") == 1u);
  BOOST_TEST(opened.count("tcp 22") == 1u);
  BOOST_TEST(closed.count("tcp 3393") == 1u);
  BOOST_TEST(!doc["introduced"].empty());
  // Text says which side holds what.
  auto text = RunGhostport("drift examples/nftables/web-host.nft '" + path + "'");
  BOOST_TEST(text.out.find("open only in the second") != std::string::npos, text.out);
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(a_change_that_breaks_the_handshake_closes_the_port) {
  // OUTPUT DROP added: the SYN still gets in, no connection can be made.
  const std::string before = TempPath("hs-before.rules"), after = TempPath("hs-after.rules");
  WriteFile(before, FilterTable("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                                "-A INPUT -p tcp --dport 22 -j ACCEPT\n"));
  WriteFile(after, "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n"
                   "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                   "-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
  auto r = RunGhostport("diff --format json '" + before + "' '" + after + "'");
  BOOST_TEST(r.exit_code == 0, r.err);
  const json doc = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(doc["closed"].size(), 1u);
  BOOST_TEST(doc["closed"][0]["from"] == 22);
  BOOST_TEST(doc["opened"].empty());
  std::filesystem::remove(before);
  std::filesystem::remove(after);
}

BOOST_AUTO_TEST_SUITE_END()
