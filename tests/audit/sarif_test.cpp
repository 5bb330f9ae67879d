// `audit --format sarif` against Microsoft's SARIF validator
// (@microsoft/sarif-multitool, installed by scripts/install-deps into
// .tools/sarif): zero errors and zero warnings on every example, on standard
// input and on an awkward file name. Without the validator the validation
// cases say SKIPPED — except in CI (CI set), where scripts/test installs it
// and its absence fails.
#define BOOST_TEST_MODULE sarif
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
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

const std::string kValidator =
    std::string(GHOSTPORT_SOURCE_DIR) + "/.tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool";

bool ValidatorPresent() {
  if (std::filesystem::exists(kValidator)) return true;
  const char* ci = std::getenv("CI");
  BOOST_REQUIRE_MESSAGE(ci == nullptr || *ci == '\0',
                        "CI is set but the SARIF validator is missing: " << kValidator << " (scripts/install-deps)");
  BOOST_TEST_MESSAGE("SKIPPED: the SARIF validator is not installed (" << kValidator
                                                                       << "); run scripts/install-deps");
  return false;
}

// Validates `sarif` (text); returns the validator's error and warning lines.
std::string Problems(const std::string& sarif) {
  const std::string path = TempPath("log.sarif");
  const std::string out = TempPath("validator.txt");
  WriteFile(path, sarif);
  const std::string cmd = "'" + kValidator + "' validate '" + path + "' > '" + out + "' 2>&1";
  const int status = std::system(cmd.c_str());
  std::istringstream lines(ghostport::testing::ReadFile(out));
  std::string problems;
  bool completed = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": error ") != std::string::npos || line.find(": warning ") != std::string::npos) {
      problems += line + "\n";
    }
    completed = completed || line.find("Analysis completed successfully") != std::string::npos;
  }
  if (!completed) problems += "validator did not complete (status " + std::to_string(status) + ")\n";
  std::filesystem::remove(path);
  std::filesystem::remove(out);
  return problems;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sarif)

BOOST_AUTO_TEST_CASE(examples_validate_with_no_error_and_no_warning) {
  if (!ValidatorPresent()) return;
  for (const char* args : {"examples/iptables/legacy-app.rules", "--policy examples/policy.toml examples/iptables/legacy-app.rules",
                           "examples/iptables/router.rules", "examples/iptables/web-host.rules examples/iptables/web-host6.rules",
                           "examples/iptables/web-host-change.rules", "examples/windows/file-server.reg"}) {
    BOOST_TEST_CONTEXT(args) {
      auto r = RunGhostport(std::string("audit --format sarif --fail-on never ") + args);
      BOOST_REQUIRE_EQUAL(r.exit_code, 0);
      {
        const std::string problems = Problems(r.out);  // validated once, not per use
        BOOST_TEST(problems.empty(), problems);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(stdin_odd_names_and_open_everything_validate) {
  if (!ValidatorPresent()) return;
  const std::string hostile =
      FilterTable("-A INPUT -p tcp --dport 3393 -m comment --comment \"<script>x</script> ]]> \x1b\" -j ACCEPT\n");
  auto piped = RunGhostport("audit --format sarif --fail-on never -", hostile);
  {
    const std::string problems = Problems(piped.out);  // validated once, not per use
    BOOST_TEST(problems.empty(), problems);
  }
  const std::string odd = TempPath("we ird#name.rules");
  WriteFile(odd, hostile);
  auto named = RunGhostport("audit --format sarif --fail-on never '" + odd + "'");
  {
    const std::string problems = Problems(named.out);  // validated once, not per use
    BOOST_TEST(problems.empty(), problems);
  }
  std::filesystem::remove(odd);
  auto open = RunGhostport("audit --format sarif --fail-on never -", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n");
  {
    const std::string problems = Problems(open.out);  // validated once, not per use
    BOOST_TEST(problems.empty(), problems);
  }
  auto off = RunGhostport("audit --format sarif --fail-on never -", "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n");
  {
    const std::string problems = Problems(off.out);  // validated once, not per use
    BOOST_TEST(problems.empty(), problems);
  }
}

// Always run: the structure code scanning relies on.
BOOST_AUTO_TEST_CASE(results_carry_regions_fingerprints_and_suppressions) {
  ::setenv("GHOSTPORT_TODAY", "2026-11-22", 1);
  auto r = RunGhostport("audit --format sarif --fail-on never --policy examples/policy.toml examples/iptables/legacy-app.rules");
  ::unsetenv("GHOSTPORT_TODAY");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  CheckGolden("tests/golden/audit/legacy-app-policy.sarif", r.out);
  const json doc = json::parse(r.out);
  BOOST_TEST(doc["version"] == "2.1.0");
  const json& run = doc["runs"][0];
  // One rule per class and severity used; each result's rule carries the
  // finding's own severity (code scanning shows the rule's).
  std::set<std::string> used;
  for (const auto& result : run["results"]) used.insert(result["ruleId"].get<std::string>());
  BOOST_TEST(run["tool"]["driver"]["rules"].size() == used.size());
  for (const auto& result : run["results"]) {
    const json& rule = run["tool"]["driver"]["rules"][result["ruleIndex"].get<int>()];
    const std::string severity = result["properties"]["severity"];
    BOOST_TEST(result["ruleId"].get<std::string>().ends_with("/" + severity));
    BOOST_TEST(rule["defaultConfiguration"]["level"] == result["level"]);
    BOOST_TEST(!rule.contains("helpUri"));  // no placeholder address
  }
  bool suppressed = false;
  for (const auto& result : run["results"]) {
    BOOST_TEST(result["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>() >= 1);
    BOOST_TEST(result["partialFingerprints"]["ghostport/v1"].get<std::string>().size() >= 16U);
    const std::string rule = result["ruleId"];
    BOOST_TEST(run["tool"]["driver"]["rules"][result["ruleIndex"].get<int>()]["id"] == rule);
    if (result.contains("suppressions")) {
      suppressed = true;
      BOOST_TEST(result["suppressions"][0]["kind"] == "external");
      BOOST_TEST(result["suppressions"][0]["justification"].get<std::string>().find("CHG-2290") != std::string::npos);
    }
  }
  BOOST_TEST(suppressed);  // the policy waives 3447/udp
}

BOOST_AUTO_TEST_SUITE_END()
