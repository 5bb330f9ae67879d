// The live kernel reader against the text front end: each ruleset is loaded
// with `nft -f` into a fresh network namespace, read back over netlink by
// ReadLiveNft in that namespace (a child process joins it), and both models
// must give the same exposure (location-free ExposureLines). Needs root;
// without it every case says "SKIPPED: needs root" and passes.
#define BOOST_TEST_MODULE live_reader
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>

#include "parsers/netlink/netlink_live.h"
#include "parsers/nftables/nft_lowering.h"
#include "parsers/nftables/nft_reader.h"
#include "tests/parsers/nft_exposure_lines.h"

namespace ghostport::parsers {
namespace {

namespace fs = std::filesystem;

bool Root() { return ::geteuid() == 0; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// What the live reader makes of FILE loaded into a namespace: the exposure
// lines, "error: ..." when it cannot read, or nullopt when nft refuses FILE.
struct LiveRead {
  bool loaded = false;
  std::vector<std::string> lines;
  std::string failure;
  int warnings = 0;
};

// What `run` writes, run in a child process (the reader joins a namespace
// for the calling thread; the test process stays where it is); false in
// `ok` when the child did not exit cleanly.
std::string InChild(const std::function<std::string()>& run, bool& ok) {
  int fds[2];
  ok = false;
  if (::pipe(fds) != 0) return "";
  const pid_t child = ::fork();
  if (child < 0) return "";
  if (child == 0) {
    ::close(fds[0]);
    const std::string text = run();
    std::size_t at = 0;
    while (at < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + at, text.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return text;
}

// A fresh namespace with FILE loaded (false when nft refuses it; the
// namespace is then gone again).
std::string NewNamespace() {
  static int counter = 0;
  return "gplive" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

bool Load(const std::string& ns, const fs::path& file) {
  Shell("ip netns del " + ns);
  if (Shell("ip netns add " + ns) != 0) return false;
  if (Shell("ip netns exec " + ns + " nft -f '" + file.string() + "'") != 0) {
    Shell("ip netns del " + ns);
    return false;
  }
  return true;
}

LiveRead ReadBack(const fs::path& file) {
  const std::string ns = NewNamespace();
  LiveRead out;
  if (!Load(ns, file)) return out;
  out.loaded = true;
  bool ok = false;
  const std::string text = InChild([&ns] {
    std::string text;
    LiveReadResult r = ReadLiveNft({ns});
    if (const auto* f = std::get_if<netlink::DumpFailure>(&r)) {
      text = "F" + f->resource + ": " + f->reason + "\n";
    } else {
      const ParseResult& p = std::get<ParseResult>(r);
      for (const Diagnostic& d : p.diagnostics) text += (d.severity == Severity::kError ? "E" : "W") + Render(d);
      for (const std::string& l : testing::ExposureLines(p.ruleset)) text += "L" + l + "\n";
    }
    return text;
  }, ok);
  Shell("ip netns del " + ns);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] == 'L') out.lines.push_back(line.substr(1));
    if (line[0] == 'F') out.failure = line.substr(1);
    if (line[0] == 'E') out.failure += line.substr(1) + " ";
    if (line[0] == 'W') ++out.warnings;
  }
  if (!ok) out.failure += "reader process failed";
  return out;
}

// The lines only one side has (sorted inputs), a few of each.
std::string Difference(const std::vector<std::string>& text, const std::vector<std::string>& live) {
  std::vector<std::string> only_text, only_live;
  std::set_difference(text.begin(), text.end(), live.begin(), live.end(), std::back_inserter(only_text));
  std::set_difference(live.begin(), live.end(), text.begin(), text.end(), std::back_inserter(only_live));
  std::string out;
  auto add = [&out](const char* side, const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size() && i < 3; ++i) {
      out += std::string("\n      only ") + side + ": " + (lines[i].size() > 300 ? lines[i].substr(0, 300) + "..." : lines[i]);
    }
    if (lines.size() > 3) out += "\n      (" + std::to_string(lines.size() - 3) + " more only " + side + ")";
  };
  add("text", only_text);
  add("live", only_live);
  return out;
}

struct Comparison {
  int files = 0, refused_by_nft = 0, agree = 0, empty = 0;
  std::vector<std::string> differ;
};

Comparison Compare(const std::vector<fs::path>& files, const fs::path& base) {
  Comparison c;
  for (const fs::path& f : files) {
    ++c.files;
    const ParseResult text = ParseNftText(ReadFile(f), f.string());
    const LiveRead live = ReadBack(f);
    const std::string name = fs::relative(f, base).string();
    if (!live.loaded) {
      ++c.refused_by_nft;
      continue;
    }
    if (!live.failure.empty()) {
      c.differ.push_back(name + ": the live reader failed: " + live.failure);
      continue;
    }
    if (text.HasErrors()) {
      c.differ.push_back(name + ": the text front end refuses it");
      continue;
    }
    const std::vector<std::string> lines = testing::ExposureLines(text.ruleset);
    if (lines == live.lines) {
      ++c.agree;
      if (lines.empty()) ++c.empty;
      continue;
    }
    c.differ.push_back(name + ":" + Difference(lines, live.lines));
  }
  return c;
}

std::string Summary(const std::string& what, const Comparison& c) {
  std::ostringstream out;
  out << what << ": " << c.files << " files, " << c.refused_by_nft << " refused by this kernel's nft, " << c.agree
      << " with the same exposure (" << c.empty << " of them empty), " << c.differ.size() << " differing\n";
  for (const std::string& d : c.differ) out << "  " << d << "\n";
  return out.str();
}

std::vector<fs::path> Files(const fs::path& dir, bool dumps_only) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".nft") continue;
    if (dumps_only && e.path().parent_path().filename() != "dumps") continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The elements of every named set, and of every anonymous set a rule
// matches (by chain and the rule's position), rendered and sorted: what a
// syntax tree holds as values, which the exposure does not show for
// unmodelled keys (marks, uids).
std::vector<std::string> SetLines(const nft::RulesetSyntax& syntax) {
  std::vector<std::string> out;
  auto elements = [](const std::vector<nft::Expr>& items) {
    std::vector<std::string> rendered;
    for (const nft::Expr& e : items) rendered.push_back(nft::Render(e));
    std::sort(rendered.begin(), rendered.end());
    std::string line;
    for (const std::string& r : rendered) line += (line.empty() ? "" : ", ") + r;
    return line;
  };
  for (const nft::TableSyntax& t : syntax.tables) {
    const std::string table = t.family + " " + t.name;
    for (const nft::SetSyntax& set : t.sets) out.push_back(table + " @" + set.name + ": " + elements(set.elements));
    for (const nft::ChainSyntax& c : t.chains) {
      for (std::size_t i = 0; i < c.rules.size(); ++i) {
        for (const nft::Statement& st : c.rules[i].statements) {
          const auto* m = std::get_if<nft::Match>(&st);
          if (m == nullptr || m->right.kind != nft::Expr::Kind::kSet) continue;
          // ICMP types read back as numbers (README, Limits), nft lists names.
          if (m->left.field == "type" && (m->left.protocol == "icmp" || m->left.protocol == "icmpv6")) continue;
          out.push_back(table + " " + c.name + " rule " + std::to_string(i + 1) + " " + nft::Render(m->left) + ": " +
                        elements(m->right.items));
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Output(const std::string& command) {
  const std::string path = (fs::temp_directory_path() / ("gplive-out-" + std::to_string(::getpid()))).string();
  std::system((command + " > '" + path + "' 2>/dev/null").c_str());
  std::string out = ReadFile(path);
  fs::remove(path);
  return out;
}

BOOST_AUTO_TEST_SUITE(live_reader)

// Set elements as nft itself lists them (`nft list ruleset`, read by the
// text front end) and as the live reader reads them: host-order keys of
// interval sets, which the kernel holds in network order, included.
BOOST_AUTO_TEST_CASE(set_elements_read_back_as_nft_lists_them) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const fs::path dir = fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "live";
  int compared = 0;
  for (const fs::path& f : Files(dir, false)) {
    const std::string ns = NewNamespace();
    BOOST_REQUIRE(Load(ns, f));
    const std::string listing = Output("ip netns exec " + ns + " nft list ruleset");
    bool ok = false;
    const std::string live = InChild([&ns] {
      auto r = ReadLiveNftSyntax({ns});
      if (const auto* failure = std::get_if<netlink::DumpFailure>(&r)) return "failed: " + failure->reason + "\n";
      std::string text;
      for (const std::string& l : SetLines(std::get<nft::RulesetSyntax>(r))) text += l + "\n";
      return text;
    }, ok);
    Shell("ip netns del " + ns);
    BOOST_TEST(ok);
    std::vector<Diagnostic> diagnostics;
    std::string expected;
    for (const std::string& l : SetLines(ReadNftText(listing, "listing", {}, diagnostics))) expected += l + "\n";
    BOOST_TEST(diagnostics.empty(), f.filename());
    BOOST_TEST(live == expected, f.filename() << ":\nlive:\n" << live << "nft list ruleset:\n" << expected);
    ++compared;
  }
  BOOST_TEST(compared > 0);
}

// The model's record of each stateful object (kind and name, as read but
// not modelled), sorted.
std::vector<std::string> ObjectLines(const rules::Ruleset& rs) {
  std::vector<std::string> out;
  const std::string object = ": a stateful object or flowtable;";
  for (const rules::IgnoredLine& i : rs.ignored) {
    if (i.reason.find(object) != std::string::npos) out.push_back(i.reason);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Named objects (NFT_MSG_GETOBJ) and flowtables are recorded in the live
// model as the text front end records them in the file's.
BOOST_AUTO_TEST_CASE(objects_read_back_as_the_text_front_end_records_them) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const fs::path dir = fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "live";
  int objects = 0;
  for (const fs::path& f : Files(dir, false)) {
    const std::string ns = NewNamespace();
    BOOST_REQUIRE(Load(ns, f));
    bool ok = false;
    const std::string live = InChild([&ns] {
      LiveReadResult r = ReadLiveNft({ns});
      if (const auto* failure = std::get_if<netlink::DumpFailure>(&r)) return "failed: " + failure->reason + "\n";
      std::string text;
      for (const std::string& l : ObjectLines(std::get<ParseResult>(r).ruleset)) text += l + "\n";
      return text;
    }, ok);
    Shell("ip netns del " + ns);
    BOOST_TEST(ok);
    std::string expected;
    const std::vector<std::string> lines = ObjectLines(ParseNftText(ReadFile(f), f.string()).ruleset);
    for (const std::string& l : lines) expected += l + "\n";
    objects += static_cast<int>(lines.size());
    BOOST_TEST(live == expected, f.filename() << ":\nlive:\n" << live << "text:\n" << expected);
  }
  BOOST_TEST(objects > 0);
}

// A live rule's location is `live:FAMILY TABLE/CHAIN#HANDLE` at the line of
// `nft -a list chain FAMILY TABLE CHAIN` that lists it.
BOOST_AUTO_TEST_CASE(live_rule_lines_are_the_lines_of_nft_list_chain) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const fs::path base = fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets";
  int rules = 0;
  for (const fs::path& dir : {base / "live", base / "nft"}) {
    for (const fs::path& f : Files(dir, false)) {
      const std::string ns = NewNamespace();
      BOOST_REQUIRE(Load(ns, f));
      bool ok = false;
      // One line per rule: FAMILY TABLE CHAIN HANDLE LINE.
      const std::string located = InChild([&ns] {
        auto r = ReadLiveNftSyntax({ns});
        std::string text;
        if (std::get_if<netlink::DumpFailure>(&r) != nullptr) return text;
        for (const nft::TableSyntax& t : std::get<nft::RulesetSyntax>(r).tables) {
          for (const nft::ChainSyntax& c : t.chains) {
            for (const nft::RuleSyntax& rule : c.rules) {
              text += t.family + " " + t.name + " " + c.name + " " + std::to_string(rule.handle.value_or(0)) + " " +
                      std::to_string(rule.location.line) + "\n";
            }
          }
        }
        return text;
      }, ok);
      BOOST_TEST(ok);
      std::istringstream in(located);
      std::map<std::string, std::vector<std::string>> listings;
      for (std::string family, table, chain, handle, line; in >> family >> table >> chain >> handle >> line;) {
        const std::string key = family + " " + table + " " + chain;
        if (!listings.count(key)) {
          std::istringstream listing(Output("ip netns exec " + ns + " nft -a list chain " + key));
          for (std::string l; std::getline(listing, l);) listings[key].push_back(l);
        }
        const std::vector<std::string>& lines = listings[key];
        const int n = std::stoi(line);
        const std::string suffix = "# handle " + handle;
        BOOST_TEST_REQUIRE(n >= 1);
        BOOST_TEST_REQUIRE(static_cast<std::size_t>(n) <= lines.size(), f.filename() << " " << key << " line " << n);
        const std::string& listed = lines[static_cast<std::size_t>(n) - 1];
        BOOST_TEST(listed.size() >= suffix.size(), f.filename() << " " << key << ": " << listed);
        BOOST_TEST(listed.compare(listed.size() - std::min(listed.size(), suffix.size()), suffix.size(), suffix) == 0,
                   f.filename() << " " << key << " line " << n << " is \"" << listed << "\", not the rule of handle "
                                << handle);
        ++rules;
      }
      Shell("ip netns del " + ns);
    }
  }
  BOOST_TEST(rules > 0);
}

BOOST_AUTO_TEST_CASE(kernel_agreement_rulesets_read_back_with_the_same_exposure) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const fs::path dir = fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "nft";
  const Comparison c = Compare(Files(dir, false), dir);
  BOOST_TEST_MESSAGE(Summary("tests/kernel/rulesets/nft", c));
  BOOST_TEST(c.files > 0);
  BOOST_TEST(c.refused_by_nft == 0);
  BOOST_TEST(c.differ.empty(), Summary("tests/kernel/rulesets/nft", c));
}

// Rulesets written for the live reader (rulesets/live/): one rule per kind
// of kernel expression it reads back, NAT from maps.
BOOST_AUTO_TEST_CASE(live_reader_rulesets_read_back_with_the_same_exposure) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const fs::path dir = fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "live";
  const Comparison c = Compare(Files(dir, false), dir);
  BOOST_TEST_MESSAGE(Summary("tests/kernel/rulesets/live", c));
  BOOST_TEST(c.files > 0);
  BOOST_TEST(c.refused_by_nft == 0);
  BOOST_TEST(c.empty == 0);
  BOOST_TEST(c.differ.empty(), Summary("tests/kernel/rulesets/live", c));
}

// The upstream shell tests' dumps that load on this kernel. Differences are
// listed with their first differing line; the floor holds what was measured.
constexpr int kShellDumpsAgreeing = 373;

BOOST_AUTO_TEST_CASE(upstream_shell_dumps_read_back_with_the_same_exposure) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const fs::path dir = fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "conformance" / "nftables" / "shell" / "testcases";
  if (!fs::exists(dir)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << dir << " does not exist (../shared is not beside the project)");
    return;
  }
  const Comparison c = Compare(Files(dir, true), dir);
  BOOST_TEST_MESSAGE(Summary("shell test dumps", c));
  BOOST_TEST(c.agree >= kShellDumpsAgreeing);
}

// `ghostport drift FILE --live` in a namespace running FILE: no drift; a
// hot fix added to the running ruleset and never written back: drift, exit 1.
BOOST_AUTO_TEST_CASE(drift_between_a_config_and_the_kernel_running_it) {
  if (!Root()) {
    BOOST_TEST_MESSAGE("SKIPPED: needs root");
    return;
  }
  const std::string ns = "gpdrift" + std::to_string(::getpid());
  const std::string config = std::string(GHOSTPORT_SOURCE_DIR) + "/examples/nftables/web-host.nft";
  const std::string bin = std::string(GHOSTPORT_BINARY_DIR) + "/audit/ghostport";
  Shell("ip netns del " + ns);
  BOOST_REQUIRE(Shell("ip netns add " + ns) == 0);
  BOOST_REQUIRE(Shell("ip netns exec " + ns + " nft -f '" + config + "'") == 0);
  const std::string drift = "ip netns exec " + ns + " '" + bin + "' drift --format json --fail-on medium '" + config + "' --live";
  auto run = [&](const std::string& command, std::string& out) {
    const std::string path = (fs::temp_directory_path() / ("gpdrift-" + std::to_string(::getpid()))).string();
    const int status = std::system((command + " > '" + path + "' 2>/dev/null").c_str());
    out = ReadFile(path);
    fs::remove(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  std::string out;
  BOOST_TEST(run(drift, out) == 0, out);
  BOOST_TEST(out.find("\"opened\": []") != std::string::npos, out);
  BOOST_TEST(out.find("\"closed\": []") != std::string::npos, out);
  BOOST_REQUIRE(Shell("ip netns exec " + ns + " nft add rule inet filter input tcp dport 3394 accept") == 0);
  BOOST_TEST(run(drift, out) == 1, out);
  BOOST_TEST(out.find("\"from\": 3394") != std::string::npos, out);
  Shell("ip netns del " + ns);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
