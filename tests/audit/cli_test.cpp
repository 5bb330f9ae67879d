// The command line end to end: golden outputs on examples/, exit codes,
// diagnostics, standard input, probe batches.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "tests/audit/run_command.h"

using ghostport::testing::CheckGolden;
using ghostport::testing::ReadFile;
using ghostport::testing::RunGhostport;

namespace {

struct Example {
  const char* golden;
  const char* inputs;
};
const Example kExamples[] = {
    {"web-host", "examples/iptables/web-host.rules"},
    {"web-host-both-families", "examples/iptables/web-host.rules examples/iptables/web-host6.rules"},
    {"router", "examples/iptables/router.rules"},
    {"legacy-app", "examples/iptables/legacy-app.rules"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ports)

BOOST_AUTO_TEST_CASE(examples_match_their_golden_text_and_json) {
  for (const auto& [name, input] : kExamples) {
    BOOST_TEST_CONTEXT(name) {
      auto text = RunGhostport(std::string("ports ") + input);
      BOOST_TEST(text.exit_code == 0, text.err);
      CheckGolden(std::string("tests/golden/iptables/") + name + ".ports.txt", text.out);
      auto json = RunGhostport(std::string("ports --format json ") + input);
      BOOST_TEST(json.exit_code == 0, json.err);
      CheckGolden(std::string("tests/golden/iptables/") + name + ".ports.json", json.out);
    }
  }
}

BOOST_AUTO_TEST_CASE(json_has_the_contract_fields) {
  auto r = RunGhostport("ports --format json examples/iptables/web-host.rules");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto doc = nlohmann::json::parse(r.out);
  BOOST_REQUIRE(doc["exposures"].is_array());
  BOOST_REQUIRE(!doc["exposures"].empty());
  for (const auto& e : doc["exposures"]) {
    for (const char* key : {"family", "proto", "from", "to", "sources", "interfaces", "conditional", "rules"}) {
      BOOST_TEST(e.contains(key), "missing " << key);
    }
    BOOST_TEST(e["rules"][0].contains("file"));
    BOOST_TEST(e["rules"][0].contains("line"));
  }
}

BOOST_AUTO_TEST_CASE(malformed_input_is_located_exit_2_and_no_report) {
  auto r = RunGhostport("ports examples/iptables/broken.rules");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty(), "a report was printed: " << r.out);
  BOOST_TEST(r.err.find("examples/iptables/broken.rules:12:") == 0, r.err);
  BOOST_TEST(r.err.find("error:") != std::string::npos);
  BOOST_TEST(r.err.find("-A INPUT -p tcp -m tcp --dport 80800 -j ACCEPT\n") != std::string::npos, r.err);
  BOOST_TEST(r.err.find('^') != std::string::npos);
}

BOOST_AUTO_TEST_CASE(jump_loop_is_an_error_with_no_report) {
  std::string loop =
      "*filter\n:INPUT DROP [0:0]\n:a - [0:0]\n:b - [0:0]\n-A INPUT -j a\n-A a -p tcp -j b\n-A b -j a\nCOMMIT\n";
  auto ports = RunGhostport("ports -", loop);
  BOOST_TEST(ports.exit_code == 2);
  BOOST_TEST(ports.out.empty());
  BOOST_TEST(ports.err.find("<stdin>:7:1: error: this jump to chain a makes a loop\n-A b -j a\n^\n") == 0, ports.err);
  auto probe = RunGhostport("probe - --proto tcp --port 22 --from 192.0.2.1", loop);
  BOOST_TEST(probe.exit_code == 2);
  BOOST_TEST(probe.out.empty());
}

BOOST_AUTO_TEST_CASE(standard_input_is_read_with_a_dash) {
  auto r = RunGhostport("ports -", ReadFile(std::string(GHOSTPORT_SOURCE_DIR) + "/examples/iptables/web-host.rules"));
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("<stdin>") != std::string::npos);
  BOOST_TEST(r.out.find("tcp") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreadable_file_and_unknown_format_exit_2) {
  BOOST_TEST(RunGhostport("ports /nonexistent/rules").exit_code == 2);
  BOOST_TEST(RunGhostport("ports -", "hello world\n").exit_code == 2);
  auto r = RunGhostport("ports --input-format nft examples/iptables/web-host.rules");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("not available") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_and_help_exits_0) {
  BOOST_TEST(RunGhostport("").exit_code == 2);
  BOOST_TEST(RunGhostport("ports").exit_code == 2);
  BOOST_TEST(RunGhostport("ports --format yaml examples/iptables/web-host.rules").exit_code == 2);
  BOOST_TEST(RunGhostport("frobnicate").exit_code == 2);
  auto help = RunGhostport("--help");
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.find("ports") != std::string::npos);
  auto version = RunGhostport("--version");
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(version.out.find("ghostport") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(probe)

BOOST_AUTO_TEST_CASE(single_packet_names_the_deciding_rule) {
  auto r = RunGhostport("probe examples/iptables/web-host.rules --proto tcp --port 22 --from 198.51.100.9 --format json");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j["verdict"] == "accept");
  BOOST_TEST(j["line"] == 11);
  auto d = RunGhostport("probe examples/iptables/web-host.rules --proto tcp --port 22 --from 203.0.113.1 --format json");
  auto dj = nlohmann::json::parse(d.out);
  BOOST_TEST(dj["verdict"] == "drop");
  BOOST_TEST(dj["line"] == 5);  // the INPUT policy line
}

BOOST_AUTO_TEST_CASE(batch_answers_in_order_one_json_per_line) {
  std::string batch = "tcp\t443\t203.0.113.1\ntcp\t22\t203.0.113.1\nudp\t53\t198.51.100.1\ttun0\n";
  auto r = RunGhostport("probe examples/iptables/web-host.rules --batch - --format json", batch);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<std::string> verdicts;
  while (std::getline(lines, line)) verdicts.push_back(nlohmann::json::parse(line)["verdict"]);
  BOOST_TEST(verdicts == (std::vector<std::string>{"accept", "drop", "drop"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_batch_line_is_located_and_nothing_is_answered) {
  auto r = RunGhostport("probe examples/iptables/web-host.rules --batch - --format json",
                        "tcp\t22\t1.2.3.4\ntcp\t99999\t1.2.3.4\n");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.find("<stdin>:2:5: error: bad port '99999'\ntcp\t99999\t1.2.3.4\n    ^\n") == 0, r.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(exit_code_follows_fail_on) {
  auto dflt = RunGhostport("audit examples/iptables/legacy-app.rules");
  BOOST_TEST(dflt.exit_code == 1, dflt.err);  // 3393 and 3447 are dead and open to anyone: high
  auto critical = RunGhostport("audit --fail-on critical examples/iptables/legacy-app.rules");
  BOOST_TEST(critical.exit_code == 0);
  auto info = RunGhostport("audit --fail-on info examples/iptables/web-host.rules");
  BOOST_TEST(info.exit_code == 0, info.out);  // ssh and https: alive, nothing to report
  auto never = RunGhostport("audit --fail-on never examples/iptables/legacy-app.rules");
  BOOST_TEST(never.exit_code == 0);
  BOOST_TEST(RunGhostport("audit examples/iptables/broken.rules").exit_code == 2);
}

BOOST_AUTO_TEST_CASE(json_findings_have_contract_fields_and_stable_fingerprints) {
  auto r = RunGhostport("audit --format json examples/iptables/legacy-app.rules");
  auto doc = nlohmann::json::parse(r.out);
  for (const char* key : {"tool", "inputs", "findings", "summary"}) BOOST_TEST(doc.contains(key));
  BOOST_REQUIRE(!doc["findings"].empty());
  for (const auto& f : doc["findings"]) {
    for (const char* key : {"id", "class", "severity", "proto", "ports", "sources", "location", "fingerprint",
                            "waived", "catalog"}) {
      BOOST_TEST(f.contains(key), "missing " << key);
    }
  }
  // A comment line added at the top shifts every line; fingerprints stay.
  std::string shifted = "# an unrelated edit\n" + ReadFile(std::string(GHOSTPORT_SOURCE_DIR) + "/examples/iptables/legacy-app.rules");
  auto s = RunGhostport("audit --format json -", shifted);
  auto sdoc = nlohmann::json::parse(s.out);
  BOOST_REQUIRE_EQUAL(sdoc["findings"].size(), doc["findings"].size());
  for (size_t i = 0; i < doc["findings"].size(); ++i) {
    BOOST_TEST(sdoc["findings"][i]["fingerprint"] == doc["findings"][i]["fingerprint"]);
    BOOST_TEST(sdoc["findings"][i]["location"]["line"] == doc["findings"][i]["location"]["line"].get<int>() + 1);
  }
}

BOOST_AUTO_TEST_SUITE_END()
