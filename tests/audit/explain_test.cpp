// `ghostport explain`, `ghostport catalog stats|lint` and the policy file's
// port assignments, end to end through the binary.
#define BOOST_TEST_MODULE explain
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/audit/run_command.h"

using ghostport::testing::CheckGolden;
using ghostport::testing::RunGhostport;
using ghostport::testing::TempPath;
using ghostport::testing::WriteFile;
using nlohmann::json;

namespace {

// One JSON object per line.
std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

json ExplainOne(const std::string& spec) {
  auto r = RunGhostport("explain --format json " + spec);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto lines = JsonLines(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1U);
  return lines.front();
}

bool AnyUseMentions(const json& j, const std::string& software) {
  for (const auto& u : j["unofficial_uses"]) {
    if (u["software"].get<std::string>().find(software) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explain)

BOOST_AUTO_TEST_CASE(seed_ports_are_dead_with_their_registered_names) {
  const std::pair<const char*, const char*> seeds[] = {
      {"3393", "d2k-tapestry1"}, {"3394", "d2k-tapestry2"}, {"3447", "directnet"}, {"3088", "xdtp"}};
  for (const auto& [port, service] : seeds) {
    for (const char* proto : {"tcp", "udp"}) {
      BOOST_TEST_CONTEXT(port << "/" << proto) {
        const json j = ExplainOne(std::string(port) + "/" + proto);
        BOOST_TEST(j["lifecycle"] == "dead");
        BOOST_TEST(j["registry"]["service"] == service);
        BOOST_TEST(j["registry"]["status"] == "assigned");
        BOOST_REQUIRE(!j["services"].empty());
        BOOST_REQUIRE(!j["services"][0]["dead"].empty());
        BOOST_TEST(!j["services"][0]["dead"][0]["sources"].empty());
      }
    }
  }
}

// The fifth seed: no source could be found that says what DTP/DIA was or
// that it died, so it is not curated as dead. The derivation still finds it:
// registered, no reference, not in Debian's list, never seen open.
BOOST_AUTO_TEST_CASE(dtp_dia_is_dormant_by_derivation_with_its_reasons) {
  for (const char* proto : {"tcp", "udp"}) {
    BOOST_TEST_CONTEXT(proto) {
      const json j = ExplainOne(std::string("3489/") + proto);
      BOOST_TEST(j["registry"]["service"] == "dtp-dia");
      BOOST_TEST(j["lifecycle"] == "dormant");
      const std::string reasons = j["reasons"].dump();
      BOOST_TEST(reasons.find("no RFC") != std::string::npos, reasons);
      BOOST_TEST(reasons.find("never saw it open") != std::string::npos, reasons);
      BOOST_TEST(reasons.find("2002-05") != std::string::npos, reasons);
    }
  }
}

BOOST_AUTO_TEST_CASE(everyday_services_are_never_dead_or_dormant) {
  for (int port : {22, 443, 3306, 3389, 5432, 6379, 8080, 27017}) {
    auto r = RunGhostport("explain --format json " + std::to_string(port));
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    for (const json& j : JsonLines(r.out)) {
      BOOST_TEST_CONTEXT(j["port"] << "/" << j["proto"]) {
        BOOST_TEST(j["lifecycle"] != "dead");
        BOOST_TEST(j["lifecycle"] != "dormant");
      }
    }
  }
}

// Ports whose registration is gone or has no sign of life while a
// well-known product uses them: both facts are told. 9200's WAP registration
// is curated dead; for hbci (3000) and esmagent (5601) no end could be
// sourced (German banks still document HBCI on 3000; Symantec ESM has no
// end-of-life notice), so they are dormant by derivation, not dead.
BOOST_AUTO_TEST_CASE(squatted_registrations_carry_both_facts) {
  const std::tuple<const char*, const char*, const char*, const char*> squatted[] = {
      {"9200/tcp", "wap-wsp", "dead", "Elasticsearch"},
      {"3000/tcp", "hbci", "dormant", "Grafana"},
      {"5601/tcp", "esmagent", "dormant", "Kibana"}};
  for (const auto& [spec, service, lifecycle, product] : squatted) {
    BOOST_TEST_CONTEXT(spec) {
      const json j = ExplainOne(spec);
      BOOST_TEST(j["lifecycle"] == lifecycle);
      bool registered = false;
      for (const auto& s : j["services"]) {
        registered = registered || (s["service"] == service && s["lifecycle"] == lifecycle && !s["reasons"].empty());
      }
      BOOST_TEST(registered, j["services"].dump());
      BOOST_TEST(AnyUseMentions(j, product), j["unofficial_uses"].dump());
      auto text = RunGhostport(std::string("explain ") + spec);
      BOOST_TEST(text.out.find(service) != std::string::npos, text.out);
      BOOST_TEST(text.out.find(std::string("  lifecycle       ") + lifecycle) != std::string::npos, text.out);
      BOOST_TEST(text.out.find(product) != std::string::npos, text.out);
    }
  }
  // The dead one carries its curated evidence in the text.
  BOOST_TEST(RunGhostport("explain 9200/tcp").out.find("dead, curated with") != std::string::npos);
}

// A list naming the registered service itself (firewalld's mongodb on
// MongoDB's own 27017) is evidence of use, credited to that service.
BOOST_AUTO_TEST_CASE(a_list_naming_the_registered_service_is_evidence_of_use) {
  const json j = ExplainOne("27017/tcp");
  BOOST_TEST(j["lifecycle"] == "alive");
  BOOST_TEST(j["reasons"].dump().find("as mongodb") != std::string::npos, j["reasons"].dump());
  BOOST_TEST(j["present_use"]["strongest"] == "high");
}

BOOST_AUTO_TEST_CASE(json_objects_have_the_contract_fields) {
  auto r = RunGhostport("explain --format json 22 3393/udp 49152/tcp 1023/tcp");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const auto lines = JsonLines(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 6U);  // 22 tcp, udp, sctp; 3393/udp; 49152/tcp; 1023/tcp
  for (const json& j : lines) {
    for (const char* key : {"port", "proto", "registry", "lifecycle", "unofficial_uses", "sources"}) {
      BOOST_TEST(j.contains(key), "missing " << key << " in " << j.dump());
    }
    for (const char* key : {"status", "service", "description"}) BOOST_TEST(j["registry"].contains(key));
    BOOST_TEST(!j["sources"].empty());
    BOOST_TEST(!j["check"]["linux"].empty());
    BOOST_TEST(!j["check"]["windows"].empty());
  }
  BOOST_TEST(lines[2]["proto"] == "sctp");
  BOOST_TEST(lines[4]["lifecycle"] == "unassigned");
  BOOST_TEST(lines[4]["range"] == "dynamic");
  BOOST_TEST(lines[5]["lifecycle"] == "reserved");
}

// The registrant's contact domain (IANA writes "mailto:elan&d2k.com"), and
// for IANA's old block layout the contact the block shares: 3393 names
// nobody, 3394 of the same block names Eric Lan.
BOOST_AUTO_TEST_CASE(text_names_contact_domains_and_block_contacts) {
  const auto r = RunGhostport("explain 3394/tcp 3393/tcp 1521/tcp");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(r.out.find("Eric Lan <d2k.com>") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("Maxine Yuen <hq.ncube.com>") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("contact (IANA's old block layout, shared with d2k-tapestry2 on 3394)") != std::string::npos,
             r.out);
}

BOOST_AUTO_TEST_CASE(text_reads_like_a_reference_page) {
  auto r = RunGhostport("explain 3393/tcp");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  for (const char* needle : {"3393/tcp — d2k-tapestry1", "lifecycle", "registry", "D2K Tapestry Client to Server",
                             "listening now", "security", "ss -tlpn 'sport = :3393'", "lsof -nP -iTCP:3393",
                             "netstat -ano -p tcp | findstr /R /C:\":3393 \"", "Get-NetTCPConnection -LocalPort 3393",
                             "Get-Process -Id"}) {
    BOOST_TEST(r.out.find(needle) != std::string::npos, "missing '" << needle << "' in\n" << r.out);
  }
  // The pattern is anchored: a bare ":3393" also matches ":33930".
  BOOST_TEST(r.out.find("findstr :3393\n") == std::string::npos, r.out);
  BOOST_TEST(r.out.find("run as root (sudo) on Linux, from an Administrator prompt on Windows") != std::string::npos,
             r.out);
  auto udp = RunGhostport("explain 3393/udp");
  BOOST_TEST(udp.out.find("Get-NetUDPEndpoint -LocalPort 3393") != std::string::npos, udp.out);
}

// Whole pages, reviewed as golden files (GHOSTPORT_UPDATE_GOLDEN=1 rewrites
// them after a catalog change; review the diff).
BOOST_AUTO_TEST_CASE(pages_match_their_golden_files) {
  const std::pair<const char*, const char*> pages[] = {
      {"explain --policy examples/policy.toml 3393", "tests/golden/explain/3393.txt"},
      {"explain --format json 3393/tcp", "tests/golden/explain/3393-tcp.json"},
      {"explain 12345/tcp 5601/tcp", "tests/golden/explain/12345-5601-tcp.txt"},
      {"explain 3380-3400/udp", "tests/golden/explain/3380-3400-udp.txt"},
  };
  for (const auto& [args, golden] : pages) {
    BOOST_TEST_CONTEXT(args) {
      auto r = RunGhostport(args);
      BOOST_TEST(r.exit_code == 0, r.err);
      CheckGolden(golden, r.out);
    }
  }
}

BOOST_AUTO_TEST_CASE(malware_lists_say_how_old_and_how_much_they_weigh) {
  auto r = RunGhostport("explain 12345/tcp");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(r.out.find("NetBus") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("note") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("2018") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(a_range_is_summarised_by_lifecycle_with_notable_entries) {
  auto r = RunGhostport("explain 3000-3500/tcp");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(r.out.find("3000-3500/tcp: 501 ports") == 0, r.out);
  for (const char* needle : {"alive ", "dead ", "dormant ", "unknown ", "3393 d2k-tapestry1", "3088 xdtp",
                             "Grafana", "3331 Oracle", "in use today", "3306 mysql", "3389 ms-wbt-server"}) {
    BOOST_TEST(r.out.find(needle) != std::string::npos, "missing '" << needle << "' in\n" << r.out);
  }
  // The dynamic range says so.
  auto dynamic = RunGhostport("explain 51000-52000/tcp");
  BOOST_TEST(dynamic.out.find("dynamic/ephemeral range 49152-65535") != std::string::npos, dynamic.out);
  // The counts add up to the range.
  auto json_lines = JsonLines(RunGhostport("explain --format json 3000-3500/tcp").out);
  BOOST_TEST(json_lines.size() == 501U);
}

BOOST_AUTO_TEST_CASE(service_names_are_accepted) {
  auto r = RunGhostport("explain --format json ssh/tcp d2k-tapestry1");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto lines = JsonLines(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 3U);
  BOOST_TEST(lines[0]["port"] == 22);
  BOOST_TEST(lines[1]["port"] == 3393);
  BOOST_TEST(lines[2]["proto"] == "udp");
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
  for (const char* bad : {"70000", "22/icmp", "no-such-service-xyz", "90-80", "", "22/"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto r = RunGhostport(std::string("explain '") + bad + "'");
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(r.out.empty());
      BOOST_TEST(r.err.find("error:") != std::string::npos, r.err);
    }
  }
  BOOST_TEST(RunGhostport("explain").exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(policy)

BOOST_AUTO_TEST_CASE(assignments_come_first) {
  auto r = RunGhostport("explain --policy examples/policy.toml 3000/tcp");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto ours = r.out.find("your policy");
  BOOST_REQUIRE(ours != std::string::npos);
  BOOST_TEST(ours < r.out.find("lifecycle"));
  BOOST_TEST(r.out.find("grafana — owner observability team") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("examples/policy.toml:17") != std::string::npos, r.out);

  const json j = JsonLines(RunGhostport("explain --format json --policy examples/policy.toml 9250/tcp").out).at(0);
  BOOST_REQUIRE_EQUAL(j["organisation"].size(), 1U);
  BOOST_TEST(j["organisation"][0]["name"] == "elasticsearch (logging cluster)");
  BOOST_TEST(j["organisation"][0]["line"] == 24);
  BOOST_TEST(JsonLines(RunGhostport("explain --format json --policy examples/policy.toml 9250/udp").out)
                 .at(0)["organisation"]
                 .empty());
}

BOOST_AUTO_TEST_CASE(bad_policy_is_located_and_exit_2) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"[[assignments]]\nport = 80\ntransport = \"tcp\"\nname = \"web\"\nowner = \"ops\"\ncolour = 1\n",
       "p.toml:6:1: error: unknown key 'colour' in [[assignments]]"},
      {"[[assignments]]\nport = 70000\ntransport = \"tcp\"\nname = \"web\"\nowner = \"ops\"\n",
       "p.toml:2:8: error: 'port' 70000 is out of range 0-65535"},
      {"[[assignments]]\nport = \"90-80\"\ntransport = \"tcp\"\nname = \"web\"\nowner = \"ops\"\n",
       "p.toml:2:8: error: 'port' \"90-80\" is not a port or a range"},
      {"[[assignments]]\nport = 80\ntransport = \"icmp\"\nname = \"web\"\nowner = \"ops\"\n",
       "p.toml:3:13: error: unknown transport 'icmp'"},
      {"[[assignments]]\nport = 80\ntransport = \"tcp\"\nname = \"web\"\n",
       "p.toml:1:1: error: [[assignments]] is missing 'owner'"},
      {"[[assignments]]\nport = \"80-90\"\ntransport = \"tcp\"\nname = \"web\"\nowner = \"ops\"\n"
       "[[assignments]]\nport = 85\ntransport = [\"udp\", \"tcp\"]\nname = \"other\"\nowner = \"ops\"\n",
       "p.toml:6:1: error: ports 85/tcp are already assigned at line 1 ('web')"},
      {"[waiver]\n", "p.toml:1:2: error: unknown key 'waiver' (expected [[assignments]], [severity] or [[waivers]])"},
      {"[severity]\ndead = \"fatal\"\n", "p.toml:2:8: error: 'dead' is \"fatal\" (expected info, low"},
      {"[severity.dead]\neverywhere = \"high\"\n", "p.toml:2:1: error: unknown scope 'everywhere'"},
      {"[severity]\ndeadish = \"high\"\n", "p.toml:2:1: error: unknown finding class 'deadish'"},
      {"[[waivers]]\nreason = \"r\"\nowner = \"o\"\nticket = \"T-1\"\nexpires = 2027-01-01\n",
       "p.toml:1:1: error: [[waivers]] needs a 'fingerprint', or a 'class' and a 'port'"},
      {"[[waivers]]\nfingerprint = \"abc\"\nreason = \"r\"\nowner = \"o\"\nticket = \"T-1\"\nexpires = \"soon\"\n",
       "p.toml:6:11: error: 'expires' must be a date (expires = 2027-03-31), not a string"},
      {"[[waivers]]\nfingerprint = \"abc\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n",
       "p.toml:1:1: error: [[waivers]] is missing 'ticket'"},
      {"[[assignments]\n", "p.toml:1:"},
  };
  const std::string path = TempPath("p.toml");
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      WriteFile(path, c.text);
      auto r = RunGhostport("explain --policy '" + path + "' 80/tcp");
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(r.out.empty(), r.out);
      const std::string located = path.substr(0, path.size() - 6) + std::string(c.error);
      BOOST_TEST(r.err.find(located) != std::string::npos, "expected '" << located << "' in\n" << r.err);
      BOOST_TEST(r.err.find("^") != std::string::npos, r.err);  // source line and caret
    }
  }
  std::filesystem::remove(path);
  auto missing = RunGhostport("explain --policy /nonexistent/policy.toml 80");
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(missing.err.find("/nonexistent/policy.toml: error: cannot read") != std::string::npos, missing.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(catalog)

BOOST_AUTO_TEST_CASE(stats_count_every_port_once) {
  auto r = RunGhostport("catalog stats --format json");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  BOOST_TEST(j["registry"]["records"] == 14533);
  BOOST_TEST(j["registry"]["people"] == 5615);
  BOOST_TEST(j["knowledge"]["dead_entries"].get<int>() >= 150);
  BOOST_TEST(j["knowledge"]["with_sources"] == j["knowledge"]["dead_entries"]);
  for (const char* proto : {"tcp", "udp", "sctp", "dccp"}) {
    long total = 0;
    for (const auto& [range, counts] : j["lifecycle"][proto].items()) {
      for (const auto& [lifecycle, n] : counts.items()) total += n.get<long>();
    }
    BOOST_TEST(total == 65536, proto);
    BOOST_TEST(j["lifecycle"][proto]["dynamic"]["unassigned"] == 16384);
  }
  BOOST_TEST(j["lifecycle"]["tcp"]["user"]["dead"].get<int>() > 0);
  BOOST_TEST(j["lifecycle"]["tcp"]["user"]["dormant"].get<int>() > 0);
  auto text = RunGhostport("catalog stats");
  BOOST_TEST(text.exit_code == 0);
  BOOST_TEST(text.out.find("14533 records, 5615 people") != std::string::npos, text.out);
}

BOOST_AUTO_TEST_CASE(lint_is_clean_on_the_built_in_knowledge) {
  auto r = RunGhostport("catalog lint");
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.out.find("clean") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(lint_reports_contradictions_and_load_errors) {
  const std::string path = TempPath("dead.toml");
  WriteFile(path,
            "[[dead]]\nport = 3393\ntransports = [\"tcp\"]\nservice = \"not-d2k\"\nwhat = \"x\"\n"
            "evidence = \"\"\nconfidence = \"low\"\nsources = []\n");
  auto r = RunGhostport("catalog lint --knowledge '" + path + "'");
  BOOST_TEST(r.exit_code == 1, r.out << r.err);
  for (const char* check : {"[knowledge-evidence]", "[knowledge-source]", "[knowledge-registry]",
                            "[knowledge-confidence]"}) {
    BOOST_TEST(r.out.find(check) != std::string::npos, r.out);
  }
  WriteFile(path, "[[dead]]\nport = \"x\"\n");
  auto bad = RunGhostport("catalog lint --knowledge '" + path + "'");
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find(path + ":2:8: error: 'port' must be an integer") != std::string::npos, bad.err);
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_SUITE_END()
