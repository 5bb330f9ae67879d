// Every real-world file in ../shared/corpus/real/iptables, nftables and
// nftables-json is read: exit 0 or 1, or — for a file that is truly
// malformed — exit 2 with a precise location. For each file the test prints
// what was modelled, what was ignored (with the reason) and what became an
// explicit unknown.
#define BOOST_TEST_MODULE corpus
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>

#include "parsers/input_format.h"
#include "tests/audit/run_command.h"

namespace fs = std::filesystem;
using ghostport::testing::ReadFile;
using ghostport::testing::RunGhostport;

namespace {

// Files iptables-restore itself refuses, and where ghostport must point.
const std::map<std::string, std::string> kMalformedIptables = {
    // "-P DROP" without a chain; iptables-restore: "-P requires a chain and a policy", line 2.
    {"dairinin__sshguard-ipset__iptables.rules", ":2:1: error: "},
    // Comment lines cut off by whatever scraped them ("... -j $"); loading it
    // (iptables-restore without --test) fails: "Chain '$' does not exist".
    {"c-eee-devops__oracle-cloud-iptables__rules.v4", ":25:237: error: undefined chain \"$\""},
};

// nftables files incomplete where they come from; nft refuses them too.
const std::map<std::string, std::string> kMalformedNft = {
    // The set is loaded by a script at run time: "Could not process rule: No such file or directory".
    {"Jimmy-Z__potato-routing__etc_nftables.conf", ":62:12: error: no set named \"china\""},
    // Lines cut off by whatever scraped them (comment "Local DN>).
    {"ottorei__rex-fw__nftables.conf", ":156:175: error: unterminated string"},
    // Includes files its repository does not hold.
    {"pcollinson__nftfw__etc_nftfw_nftfw_init.nft", ":175:9: error: included file \"incoming.nft\" not found"},
};

fs::path CorpusDir(const std::string& kind) { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "corpus" / "real" / kind; }

struct Tally {
  size_t rules = 0, chains = 0, tables = 0, ignored = 0, conditions = 0, unknown_targets = 0;
  std::map<std::string, size_t> reasons;
};

Tally Count(const ghostport::rules::Ruleset& rs) {
  Tally t;
  t.tables = rs.tables.size();
  for (const auto& table : rs.tables) {
    t.chains += table.chains.size();
    for (const auto& chain : table.chains) {
      for (const auto& rule : chain.rules) {
        ++t.rules;
        t.conditions += rule.conditions.size();
        for (const auto& c : rule.conditions) ++t.reasons["unknown: " + c.reason];
        if (rule.verdict.kind == ghostport::rules::VerdictKind::kUnknown) {
          ++t.unknown_targets;
          ++t.reasons["unknown target: " + rule.verdict.reason];
        }
      }
    }
  }
  t.ignored = rs.ignored.size();
  for (const auto& i : rs.ignored) ++t.reasons["ignored: " + i.reason];
  return t;
}


// Every file of one corpus folder: read (exit 0 or 1) or, for the ones
// listed, refused with exit 2 and the located error.
void RunCorpus(const std::string& kind, ghostport::parsers::InputFormat format,
               const std::map<std::string, std::string>& malformed) {
  const fs::path dir = CorpusDir(kind);
  if (!fs::exists(dir)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << dir << " does not exist (../shared is not beside the project)");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  BOOST_REQUIRE(!files.empty());
  size_t read = 0, refused = 0;
  for (const auto& path : files) {
    std::string name = path.filename().string();
    BOOST_TEST_CONTEXT(name) {
      auto r = RunGhostport("ports --format json '" + path.string() + "'");
      auto bad = malformed.find(name);
      if (bad != malformed.end()) {
        BOOST_TEST(r.exit_code == 2);
        BOOST_TEST(r.out.empty());
        size_t at = r.err.find(path.string() + bad->second);
        BOOST_TEST(at != std::string::npos, r.err);
        std::cout << name << ": refused as malformed: " << r.err.substr(at, r.err.find('\n', at) - at) << "\n";
        ++refused;
        continue;
      }
      BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), "exit " << r.exit_code << ": " << r.err);
      auto parsed = ghostport::parsers::ParseInput(ReadFile(path.string()), path.string(), format);
      Tally t = Count(parsed.ruleset);
      std::cout << name << ": " << t.tables << " tables, " << t.chains << " chains, " << t.rules
                << " rules modelled; " << t.conditions << " unknown matches, " << t.unknown_targets
                << " unknown targets; " << t.ignored << " lines ignored\n";
      for (const auto& [reason, n] : t.reasons) std::cout << "    " << n << " × " << reason << "\n";
      for (const auto& d : parsed.diagnostics) std::cout << "    " << ghostport::parsers::Render(d);
      ++read;
    }
  }
  std::cout << "corpus " << kind << ": " << read << " files read, " << refused << " refused as malformed, of "
            << files.size() << "\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_real_iptables_file_is_read_or_precisely_refused) {
  RunCorpus("iptables", ghostport::parsers::InputFormat::kIptables, kMalformedIptables);
}

BOOST_AUTO_TEST_CASE(every_real_nftables_file_is_read_or_precisely_refused) {
  RunCorpus("nftables", ghostport::parsers::InputFormat::kNft, kMalformedNft);
}

BOOST_AUTO_TEST_CASE(every_real_nftables_json_file_is_read) {
  RunCorpus("nftables-json", ghostport::parsers::InputFormat::kNftJson, {});
}
