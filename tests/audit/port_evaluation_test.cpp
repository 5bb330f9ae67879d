// The catalog judged against labelled ports (port_evaluation.tsv): dead or
// dormant recall on the dead labels, false flags on the alive labels, printed
// and held to the thresholds of issue 9. Then the ports issue 9 lists give no
// high or medium finding when opened from private ranges, and the examples
// of a Kubernetes node, an Oracle host and an Elasticsearch host fail
// --fail-on high only on what is truly wrong there.
#define BOOST_TEST_MODULE port_evaluation
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/audit/run_command.h"

using ghostport::testing::FilterTable;
using ghostport::testing::ReadFile;
using ghostport::testing::RunGhostport;
using nlohmann::json;

namespace {

struct Labelled {
  int port = 0;
  std::string transport;
  std::string label;  // alive, dead
  std::string era;    // pre-2008, post-2008, unregistered
  std::string source;
  int line = 0;
};

std::vector<Labelled> ReadLabels() {
  std::vector<Labelled> rows;
  std::istringstream in(ReadFile(std::string(GHOSTPORT_SOURCE_DIR) + "/tests/audit/port_evaluation.tsv"));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, '\t');) cells.push_back(cell);
    BOOST_REQUIRE_MESSAGE(cells.size() == 6, "port_evaluation.tsv:" << number << ": expected 6 columns");
    BOOST_REQUIRE_MESSAGE(cells[2] == "alive" || cells[2] == "dead", "port_evaluation.tsv:" << number);
    BOOST_REQUIRE_MESSAGE(cells[5].rfind("http", 0) == 0, "port_evaluation.tsv:" << number << ": no source URL");
    rows.push_back({std::stoi(cells[0]), cells[1], cells[2], cells[3], cells[5], number});
  }
  return rows;
}

// The registration classes whose medium-or-worse finding on an alive port is
// a false alarm (sensitive-service and malware notes are other questions).
const std::set<std::string> kRegistrationClasses = {"dead", "dormant", "unknown", "unassigned", "reserved"};

bool MediumOrWorse(const std::string& severity) {
  return severity == "medium" || severity == "high" || severity == "critical";
}

// One rule per row opening (port, transport) from `source`; the audit's
// findings by rule line.
std::map<int, std::vector<json>> AuditEach(const std::vector<std::pair<int, std::string>>& ports,
                                           const std::string& source) {
  std::string body;
  for (const auto& [port, t] : ports) {
    body += "-A INPUT " + (source.empty() ? std::string() : "-s " + source + " ") + "-p " + t + " -m " + t +
            " --dport " + std::to_string(port) + " -j ACCEPT\n";
  }
  const auto r = RunGhostport("audit --format json --fail-on never -", FilterTable(body));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::map<int, std::vector<json>> by_line;
  const json doc = json::parse(r.out);
  for (const json& f : doc["findings"]) by_line[f["location"]["line"].get<int>()].push_back(f);
  return by_line;
}

// FilterTable puts rules after four header lines.
constexpr int kFirstRuleLine = 5;

}  // namespace

BOOST_AUTO_TEST_CASE(labelled_ports_recall_and_false_flags) {
  const std::vector<Labelled> rows = ReadLabels();
  BOOST_TEST(rows.size() >= 150U);
  std::string specs;
  std::vector<std::pair<int, std::string>> ports;
  for (const Labelled& r : rows) {
    specs += " " + std::to_string(r.port) + "/" + r.transport;
    ports.emplace_back(r.port, r.transport);
  }
  const auto explained = RunGhostport("explain --format json" + specs);
  BOOST_REQUIRE_EQUAL(explained.exit_code, 0);
  std::vector<json> facts;
  std::istringstream lines(explained.out);
  for (std::string line; std::getline(lines, line);) facts.push_back(json::parse(line));
  BOOST_REQUIRE_EQUAL(facts.size(), rows.size());
  const auto findings = AuditEach(ports, "");

  std::map<std::string, int> dead_total, dead_hit, alive_total, alive_flagged;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Labelled& r = rows[i];
    const json& f = facts[i];
    BOOST_TEST_CONTEXT("port_evaluation.tsv:" << r.line << " " << r.port << "/" << r.transport) {
      // The era column is checked, not trusted.
      std::string era = "unregistered";
      if (f["registry"]["status"] == "assigned") {
        std::string latest;
        for (const json& rec : f["registry"]["records"]) {
          if (rec["kind"] == "service") latest = std::max(latest, rec["registered"].get<std::string>());
        }
        era = latest >= "2008" ? "post-2008" : "pre-2008";
      }
      BOOST_TEST(era == r.era);
      const std::string lifecycle = f["lifecycle"];
      if (r.label == "dead") {
        ++dead_total[r.era];
        const bool hit = lifecycle == "dead" || lifecycle == "dormant";
        dead_hit[r.era] += hit;
        if (!hit) BOOST_TEST_MESSAGE("missed dead: " << r.port << "/" << r.transport << " is " << lifecycle);
      } else {
        ++alive_total[r.era];
        bool flagged = false;
        for (const json& finding : findings.count(kFirstRuleLine + static_cast<int>(i))
                                       ? findings.at(kFirstRuleLine + static_cast<int>(i))
                                       : std::vector<json>()) {
          flagged = flagged || (kRegistrationClasses.count(finding["class"]) && MediumOrWorse(finding["severity"]));
        }
        alive_flagged[r.era] += flagged;
        if (flagged) BOOST_TEST_MESSAGE("false flag: " << r.port << "/" << r.transport << " (" << lifecycle << ")");
      }
    }
  }
  int dead_n = 0, dead_ok = 0, alive_n = 0, alive_bad = 0;
  for (const auto& [era, n] : dead_total) dead_n += n, dead_ok += dead_hit[era];
  for (const auto& [era, n] : alive_total) alive_n += n, alive_bad += alive_flagged[era];
  const double recall = 100.0 * dead_ok / dead_n;
  const double false_flags = 100.0 * alive_bad / alive_n;
  char text[256];
  std::snprintf(text, sizeof text,
                "evaluation: %zu rows; dead or dormant recall %.1f%% (%d/%d); alive false flags %.1f%% (%d/%d)",
                rows.size(), recall, dead_ok, dead_n, false_flags, alive_bad, alive_n);
  BOOST_TEST_MESSAGE(text);
  std::printf("%s\n", text);
  for (const auto& [era, n] : dead_total) std::printf("  dead %s: %d/%d recalled\n", era.c_str(), dead_hit[era], n);
  for (const auto& [era, n] : alive_total) std::printf("  alive %s: %d/%d flagged\n", era.c_str(), alive_flagged[era], n);
  BOOST_TEST(dead_total["post-2008"] >= 1);
  BOOST_TEST(alive_total["post-2008"] >= 1);
  BOOST_TEST(recall >= 95.0);
  BOOST_TEST(false_flags <= 2.0);
}

// The busy ports issue 9 lists (its false alarms), opened from a private
// range: nothing high or medium. (Its truly dead alias ports 1416, 1651,
// 3014, 3396 and 5145 are meant to be flagged, and are in the labels.)
BOOST_AUTO_TEST_CASE(issue_ports_from_private_ranges_raise_no_high_or_medium) {
  const std::vector<std::pair<int, std::string>> ports = {
      {1521, "tcp"},  {9200, "tcp"},  {6443, "tcp"},  {9092, "tcp"},  {9090, "tcp"},  {3000, "tcp"},
      {8000, "tcp"},  {8443, "tcp"},  {2379, "tcp"},  {2380, "tcp"},  {5984, "tcp"},  {7687, "tcp"},
      {1935, "tcp"},  {4317, "tcp"},  {33060, "tcp"}, {26257, "tcp"}, {32400, "tcp"}, {4420, "tcp"},
      {5355, "udp"},  {2222, "udp"},  {10250, "tcp"}, {5000, "tcp"},  {51820, "udp"}, {25565, "tcp"},
      {4318, "tcp"},  {2375, "tcp"}};
  const auto findings = AuditEach(ports, "10.0.0.0/8");
  for (const auto& [line, list] : findings) {
    for (const json& f : list) {
      BOOST_TEST(!MediumOrWorse(f["severity"]), "port " << ports[line - kFirstRuleLine].first << ": " << f["class"]
                                                        << " " << f["severity"]);
    }
  }
}

// The examples fail --fail-on high only on what is truly wrong: the kubelet
// API and the Elasticsearch HTTP API opened to any source; the Oracle host
// passes.
BOOST_AUTO_TEST_CASE(example_hosts_fail_only_where_something_is_wrong) {
  const std::map<std::string, std::set<std::string>> expected = {
      {"k8s-node", {"sensitive-service 10250"}},
      {"oracle-host", {}},
      {"elasticsearch-host", {"sensitive-service 9200"}},
  };
  for (const auto& [name, failing] : expected) {
    const auto r = RunGhostport("audit --format json --fail-on high examples/iptables/" + name + ".rules");
    BOOST_TEST(r.exit_code == (failing.empty() ? 0 : 1), name);
    std::set<std::string> high;
    const json doc = json::parse(r.out);
    for (const json& f : doc["findings"]) {
      if (f["severity"] == "high" || f["severity"] == "critical") {
        high.insert(f["class"].get<std::string>() + " " + std::to_string(f["ports"][0][0].get<int>()));
      }
    }
    std::string got;
    for (const std::string& h : high) got += "[" + h + "]";
    BOOST_TEST((high == failing), name << ": high findings " << got);
  }
}

// The user-visible mistakes issue 9 lists stay fixed: each software named
// once (25565 Minecraft), no scrape leftovers ("Mumble }"), no range-wide
// artefact on 51820/tcp, no League of Legends on LLMNR, newlines as text,
// and audit and explain counting 51000:52000's unofficial uses alike.
BOOST_AUTO_TEST_CASE(issue_text_mistakes_stay_fixed) {
  const auto findings = AuditEach({{25565, "tcp"}, {5355, "udp"}, {51820, "tcp"}, {51000, "tcp"}}, "");
  std::string messages;
  for (const auto& [line, list] : findings) {
    for (const json& f : list) messages += f["message"].get<std::string>() + "\n" + f["explanation"].get<std::string>() + "\n";
  }
  BOOST_TEST(messages.find("multiplayer server; Minecraft") == std::string::npos, messages);
  BOOST_TEST(messages.find("League of Legends") == std::string::npos, messages);
  BOOST_TEST(messages.find("Certificate Management over CMS") == std::string::npos, messages);
  const auto range = RunGhostport("explain 64000-65000/udp 1416/tcp");
  BOOST_TEST(range.out.find("Mumble }") == std::string::npos, range.out);
  BOOST_TEST(range.out.find("64738 Mumble") != std::string::npos, range.out);
  BOOST_TEST(range.out.find("\\x0a") == std::string::npos, range.out);
  // 51000:52000: the same count in audit and explain.
  std::string body = "-A INPUT -p tcp -m tcp --dport 51000:52000 -j ACCEPT\n";
  const auto audited = RunGhostport("audit --format json --fail-on never -", FilterTable(body));
  const json doc = json::parse(audited.out);
  std::size_t audit_count = 0;
  for (const json& f : doc["findings"]) {
    if (f["class"] == "unofficial-use") {
      for (const json& r : f["ports"]) audit_count += r[1].get<std::size_t>() - r[0].get<std::size_t>() + 1;
    }
  }
  const auto explained = RunGhostport("explain 51000-52000/tcp");
  BOOST_TEST(explained.out.find("unofficial uses on " + std::to_string(audit_count) + " ports") != std::string::npos,
             "audit counts " << audit_count << "\n" << explained.out);
  BOOST_TEST(audit_count == 2U);
}
