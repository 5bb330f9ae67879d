// One Windows policy, every export of it: the nine example rules of
// ../shared/formats/examples/windows (format document §10) give the same
// exposure (`ghostport ports --format json`) and the same findings
// (`ghostport audit --format json`) whichever export is read, once what
// only says where things were read from is taken out. The plain netsh dump
// differs, as it must (it does not name programs): that difference is
// checked too. And every real Windows export of ../shared/corpus/real is
// read. Skipped, and said so, when ../shared is not beside the project.
#define BOOST_TEST_MODULE windows_equivalence
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/audit/run_command.h"

namespace fs = std::filesystem;
using ghostport::testing::RunGhostport;
using nlohmann::json;

namespace {

fs::path SharedDir() { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared"; }
fs::path ExamplesDir() { return SharedDir() / "formats" / "examples" / "windows"; }

#define REQUIRE_SHARED(path)                                                                              \
  if (!fs::exists(path)) {                                                                                \
    BOOST_TEST_MESSAGE("SKIPPED: " << (path) << " does not exist (../shared is not beside the project)"); \
    return;                                                                                               \
  }

// One host's export in one format: the files read together.
struct InputSet {
  const char* name;
  std::vector<const char*> files;
  // Whether the export carries rule ids (§1: the registry and PowerShell
  // do, netsh does not). Findings' fingerprints rest on the rule id where
  // there is one, on the rule's name otherwise, so they agree only among
  // exports that carry ids.
  bool rule_ids;
};

// The exports of the example policy that must agree. The .wfw hive
// (`netsh advfirewall export`) joins this table once its reader lands.
const InputSet kInputSets[] = {
    {"registry .reg (UTF-16)", {"firewall-policy.reg"}, true},
    {"registry .reg (UTF-8)", {"firewall-policy.utf8.reg"}, true},
    {"netsh show rule verbose + show allprofiles", {"netsh-show-rule-verbose.txt", "netsh-show-allprofiles.txt"}, false},
    {"PowerShell JSON", {"powershell-rules.json", "powershell-profiles.json"}, true},
    {"PowerShell CSV + profiles JSON", {"powershell-rules.csv", "powershell-profiles.json"}, true},
};
const InputSet kPlainNetsh = {"netsh show rule (plain) + show allprofiles",
                              {"netsh-show-rule.txt", "netsh-show-allprofiles.txt"}, false};

std::string Arguments(const InputSet& set) {
  std::string out;
  for (const char* f : set.files) out += " '" + (ExamplesDir() / f).string() + "'";
  return out;
}

json Run(const std::string& command, const InputSet& set, std::set<int> exit_codes = {0}) {
  auto r = RunGhostport(command + " --format json" + Arguments(set));
  BOOST_TEST_REQUIRE(exit_codes.count(r.exit_code) == 1u, set.name << ": exit " << r.exit_code << ": " << r.err);
  return json::parse(r.out);
}

// Takes out what only says where something was read from: file, line and
// column everywhere, and the list of inputs (paths and formats).
void RemoveLocations(json& j) {
  if (j.is_object()) {
    for (const char* key : {"file", "line", "column"}) j.erase(key);
    for (auto& [key, value] : j.items()) RemoveLocations(value);
  } else if (j.is_array()) {
    for (json& e : j) RemoveLocations(e);
  }
}

// `ports`: the exposure. Ignored lines are kept for rules (their text is
// the canonical rule text, the same in every export); the profile
// settings each export writes in its own words (a registry value, a netsh
// setting line) are that export's own lines and are left out.
json Exposure(const InputSet& set) {
  json j = Run("ports", set);
  j.erase("inputs");
  RemoveLocations(j);
  json rules = json::array();
  for (const json& i : j["ignored"]) {
    if (i["text"].get<std::string>().starts_with("name=")) rules.push_back(i);
  }
  j["ignored"] = rules;
  return j;
}

// `audit`: the findings, as a set. Their order and their numbers (F1, F2,
// ...) follow their locations, so they go with them; so does the report's
// time. Without rule ids, the fingerprints go too.
json Findings(const InputSet& set, bool keep_fingerprints) {
  json j = Run("audit --fail-on never", set);
  j.erase("inputs");
  j["summary"].erase("generated");
  j["summary"].erase("today");
  RemoveLocations(j);
  std::vector<std::string> findings;
  for (json& f : j["findings"]) {
    f.erase("id");
    if (!keep_fingerprints) {
      f.erase("fingerprint");
      // The fix selects the rule by its id (-Name '{...}'); without ids it
      // selects by the display name (-DisplayName '...'): compare the rest.
      if (f.contains("remediation")) {
        static const std::regex kSelect("-(Name|DisplayName) '[^']*'");
        f["remediation"] = std::regex_replace(f["remediation"].get<std::string>(), kSelect, "<the rule>");
      }
    }
    findings.push_back(f.dump(1));
  }
  std::sort(findings.begin(), findings.end());
  j["findings"] = findings;
  return j;
}

// The first line where two renderings differ, for a readable failure.
std::string FirstDifference(const json& a, const json& b) {
  std::vector<std::string> la, lb;
  auto split = [](const std::string& s, std::vector<std::string>& out) {
    size_t at = 0;
    while (at < s.size()) {
      size_t end = s.find('\n', at);
      if (end == std::string::npos) end = s.size();
      out.push_back(s.substr(at, end - at));
      at = end + 1;
    }
  };
  split(a.dump(1), la);
  split(b.dump(1), lb);
  for (size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
    const std::string x = i < la.size() ? la[i] : "<end>", y = i < lb.size() ? lb[i] : "<end>";
    if (x != y) return "line " + std::to_string(i + 1) + ": " + x + " | " + y;
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_export_of_the_example_policy_gives_the_same_exposure) {
  REQUIRE_SHARED(ExamplesDir());
  const json expected = Exposure(kInputSets[0]);
  BOOST_TEST_REQUIRE(expected["exposures"].size() > 0u);
  for (const InputSet& set : kInputSets) {
    BOOST_TEST_CONTEXT(set.name) {
      const json got = Exposure(set);
      BOOST_TEST((got == expected), FirstDifference(expected, got));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_export_of_the_example_policy_gives_the_same_findings) {
  REQUIRE_SHARED(ExamplesDir());
  const json expected = Findings(kInputSets[0], true);
  BOOST_TEST_REQUIRE(expected["findings"].size() > 0u);
  const json expected_without_ids = Findings(kInputSets[0], false);
  for (const InputSet& set : kInputSets) {
    BOOST_TEST_CONTEXT(set.name) {
      const json got = Findings(set, set.rule_ids);
      const json& want = set.rule_ids ? expected : expected_without_ids;
      BOOST_TEST((got == want), FirstDifference(want, got));
    }
  }
}

// The plain dump does not say which program or service a rule is bound to:
// every opening rests on that unknown. What is open, and to whom, is what
// the verbose dump says; only how sure it is differs.
BOOST_AUTO_TEST_CASE(the_plain_netsh_dump_makes_every_rule_opening_conditional_on_its_program) {
  REQUIRE_SHARED(ExamplesDir());
  const json verbose = Run("ports", kInputSets[2]);
  const json plain = Run("ports", kPlainNetsh);
  // What is open: per family, profile and protocol, the ports opened.
  auto ports = [](const json& doc) {
    std::map<std::string, std::set<std::pair<int, int>>> out;
    for (const json& e : doc["exposures"]) {
      const std::string key = e["family"].get<std::string>() + " " + e["profile"].get<std::string>() + " " +
                              e["proto"].get<std::string>();
      out[key].insert({e["from"].get<int>(), e["to"].get<int>()});
    }
    // Merge adjacent intervals: the two dumps' entries are cut differently.
    std::map<std::string, std::vector<std::pair<int, int>>> merged;
    for (const auto& [key, intervals] : out) {
      for (const auto& [lo, hi] : intervals) {
        auto& m = merged[key];
        if (!m.empty() && lo <= m.back().second + 1) {
          m.back().second = std::max(m.back().second, hi);
        } else {
          m.push_back({lo, hi});
        }
      }
    }
    return merged;
  };
  BOOST_TEST((ports(plain) == ports(verbose)));
  size_t verbose_unconditional = 0;
  for (const json& e : verbose["exposures"]) verbose_unconditional += e["conditional"].get<bool>() ? 0 : 1;
  BOOST_TEST(verbose_unconditional > 0u);
  for (const json& e : plain["exposures"]) {
    if (e["opening"]["kind"] == "firewall-off") {  // the private profile: no rule decides
      BOOST_TEST(!e["conditional"].get<bool>());
      continue;
    }
    BOOST_TEST_CONTEXT(e.dump()) {
      BOOST_TEST(e["conditional"].get<bool>());
      const json& guards = e["guards"];
      BOOST_TEST(std::any_of(guards.begin(), guards.end(), [](const json& g) {
        return g["condition"].get<std::string>().find("the program and service the rule is bound to") !=
               std::string::npos;
      }));
    }
  }
  // The rule texts name no program: the dump does not give one.
  BOOST_TEST(plain.dump().find("program=") == std::string::npos);
  BOOST_TEST(verbose.dump().find("program=System") != std::string::npos);
  // The findings: the same classes and ports, the rules' conditional.
  auto classes = [](const json& doc, bool with_conditional) {
    std::multiset<std::string> out;
    for (const json& f : doc["findings"]) {
      out.insert(f["class"].get<std::string>() + " " + f["proto"].get<std::string>() + " " + f["ports"].dump() +
                 (with_conditional && f["conditional"].get<bool>() ? " conditional" : ""));
    }
    return out;
  };
  const json verbose_audit = Run("audit --fail-on never", kInputSets[2]);
  const json plain_audit = Run("audit --fail-on never", kPlainNetsh);
  BOOST_TEST((classes(plain_audit, false) == classes(verbose_audit, false)));
  BOOST_TEST((classes(plain_audit, true) != classes(verbose_audit, true)));
  for (const json& f : plain_audit["findings"]) {
    if (f["class"] != "firewall-off") BOOST_TEST(f["conditional"].get<bool>(), f["message"]);
  }
}

// Every real export: netsh dumps, PowerShell exports and the .reg files are
// read, exit 0. (The .wfw hives wait for their reader.)
BOOST_AUTO_TEST_CASE(every_real_windows_export_is_read) {
  const fs::path corpus = SharedDir() / "corpus" / "real";
  REQUIRE_SHARED(corpus);
  size_t read = 0;
  for (const char* kind : {"windows-netsh", "windows-powershell", "windows-registry"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(corpus / kind)) {
      if (std::string(kind) != "windows-registry" || e.path().extension() == ".reg") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    BOOST_TEST_REQUIRE(!files.empty(), kind);
    for (const fs::path& path : files) {
      BOOST_TEST_CONTEXT(path.filename().string()) {
        auto r = RunGhostport("ports --format json '" + path.string() + "'");
        BOOST_TEST(r.exit_code == 0, r.err);
        BOOST_TEST(r.err.find(": error: ") == std::string::npos, r.err);
        BOOST_TEST(json::parse(r.out)["exposures"].is_array());
        ++read;
      }
    }
  }
  BOOST_TEST_MESSAGE("Windows corpus: " << read << " files read");
}
