// The registry carriers end to end: a .wfw hive and a registry.pol built by
// the test from the example policy's .reg (tests/parsers/
// windows_registry_files.h) give `ghostport ports` the exposure of the .reg
// itself; a file that is not a hive and a truncated hive are refused with
// exit status 2 and no report. The example is read from ../shared (skipped,
// and said so, when it is not beside the project).
#define BOOST_TEST_MODULE windows_registry_cli
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "parsers/windows/windows_text.h"
#include "tests/audit/run_command.h"
#include "tests/parsers/windows_registry_files.h"

namespace {

namespace fs = std::filesystem;
namespace files = ghostport::parsers::windows::testing;
using ghostport::testing::ReadFile;
using ghostport::testing::RunGhostport;
using ghostport::testing::TempPath;
using ghostport::testing::WriteFile;

const fs::path kExample = fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "formats" / "examples" / "windows" /
                          "firewall-policy.reg";

// `value` without its locations (file, line, column), which differ between
// carriers by design.
nlohmann::json WithoutLocations(nlohmann::json value) {
  if (value.is_object()) {
    for (const char* key : {"file", "line", "column"}) value.erase(key);
    for (auto& [key, member] : value.items()) member = WithoutLocations(member);
  } else if (value.is_array()) {
    for (auto& element : value) element = WithoutLocations(element);
  }
  return value;
}

// The exposures `ghostport ports --format json` reports for `path`.
nlohmann::json Exposures(const std::string& path) {
  auto r = RunGhostport("ports --format json '" + path + "'");
  BOOST_TEST_REQUIRE(r.exit_code == 0, path << ": " << r.err);
  return WithoutLocations(nlohmann::json::parse(r.out).at("exposures"));
}

// The findings `ghostport audit --format json` reports for `path`, without
// locations and their numbers (F1, ... follow the locations), as a sorted set.
std::vector<std::string> Findings(const std::string& path) {
  auto r = RunGhostport("audit --fail-on never --format json '" + path + "'");
  BOOST_TEST_REQUIRE(r.exit_code == 0, path << ": " << r.err);
  std::vector<std::string> out;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (nlohmann::json f : report.at("findings")) {
    f.erase("id");
    out.push_back(WithoutLocations(f).dump());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::vector<files::TestValue>> ExampleValues() {
  if (!fs::exists(kExample)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << kExample << " does not exist (../shared is not beside the project)");
    return std::nullopt;
  }
  auto text = ghostport::parsers::windows::DecodeExport(ReadFile(kExample.string()), "firewall-policy.reg");
  BOOST_TEST_REQUIRE(!text.error.has_value());
  return files::RegValues(text.utf8);
}

BOOST_AUTO_TEST_CASE(the_wfw_and_the_registry_pol_expose_what_the_reg_exposes) {
  auto values = ExampleValues();
  if (!values) return;
  const std::string wfw_path = TempPath("firewall.wfw"), pol_path = TempPath("registry.pol");
  WriteFile(wfw_path, files::BuildHive(files::AsHive(*values)));
  WriteFile(pol_path, files::BuildRegistryPol(files::AsGroupPolicy(*values)));
  const nlohmann::json reg = Exposures(kExample.string());
  BOOST_TEST(!reg.empty());
  BOOST_TEST(Exposures(wfw_path) == reg);
  BOOST_TEST(Exposures(pol_path) == reg);
  // The same findings too, fingerprints included (the rule ids carry over);
  // the .pol is the Group Policy store, the .reg and .wfw the local one,
  // which no finding depends on here.
  const std::vector<std::string> reg_findings = Findings(kExample.string());
  BOOST_TEST(!reg_findings.empty());
  BOOST_TEST((Findings(wfw_path) == reg_findings));
  BOOST_TEST((Findings(pol_path) == reg_findings));
  // Detected from their magic numbers, named in the report's inputs.
  auto r = RunGhostport("ports --format json '" + wfw_path + "' ");
  BOOST_TEST(nlohmann::json::parse(r.out).at("inputs").at(0).at("format") == "wfw");
  r = RunGhostport("ports --format json '" + pol_path + "' ");
  BOOST_TEST(nlohmann::json::parse(r.out).at("inputs").at(0).at("format") == "registry-pol");
  fs::remove(wfw_path);
  fs::remove(pol_path);
}

BOOST_AUTO_TEST_CASE(a_non_hive_and_a_truncated_hive_exit_2_without_a_report) {
  const std::string hive = files::BuildHive({{"FirewallRules", "{a}", "v2.30|Action=Allow|Dir=In|LPort=80|", {}}});
  const std::string cut = TempPath("cut.wfw");
  WriteFile(cut, hive.substr(0, 0x2000));
  auto r = RunGhostport("ports '" + cut + "'");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.find(cut + ":1:1: error: truncated registry hive") == 0, r.err);
  fs::remove(cut);
  auto text = RunGhostport("ports --input-format wfw -", "hello\n");
  BOOST_TEST(text.exit_code == 2);
  BOOST_TEST(text.out.empty());
  BOOST_TEST(text.err.find("<stdin>:1:1: error: not a registry hive") == 0, text.err);
}

}  // namespace
