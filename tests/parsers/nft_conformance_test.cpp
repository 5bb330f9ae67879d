// nftables' own test vectors (../shared/conformance/nftables): every rule
// line of the py tests (`RULE;ok` and `RULE;fail`), placed in a table of
// each family its file names with the file's chains, sets and objects, read
// and lowered; and every ruleset dump of the shell tests read. Prints the
// figures and every line still missed with its reason; fails when fewer are
// read, or fewer fail lines refused, than the figures below (they only go
// up).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "rules/address.h"
#include "tests/parsers/nft_exposure_lines.h"
#include "tests/parsers/nft_test_helpers.h"

namespace ghostport::parsers {
namespace {

namespace fs = std::filesystem;
using namespace testing;  // NOLINT: the suite's helpers

fs::path ConformanceDir() { return fs::path(GHOSTPORT_SOURCE_DIR) / ".." / "shared" / "conformance" / "nftables"; }

// Measured on the upstream set in the shared folder (nftables 1.1.x tests).
constexpr int kOkRulesRead = 1803;
constexpr int kFailRefused = 183;
constexpr int kDumpsRead = 364;

std::string Trim(std::string s) {
  const std::size_t a = s.find_first_not_of(" \t\r");
  const std::size_t b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// "RULE;ok", "RULE;ok;NORMALISED", "RULE;fail": the rule and whether nft takes it.
bool SplitVerdict(const std::string& line, std::string& rule, bool& ok) {
  const std::size_t fail = line.rfind(";fail");
  if (fail != std::string::npos && fail + 5 == line.size()) {
    rule = line.substr(0, fail);
    ok = false;
    return true;
  }
  std::size_t at = line.find(";ok;");
  if (at == std::string::npos && line.size() >= 3 && line.compare(line.size() - 3, 3, ";ok") == 0) at = line.size() - 3;
  if (at == std::string::npos) return false;
  rule = line.substr(0, at);
  ok = true;
  return true;
}

struct TableSpec {
  std::string family, name;
  std::vector<std::string> chains;
};

// A py test file's declarations, as nft configuration text.
struct PyFile {
  std::map<std::string, std::string> chains;  // name -> "type filter hook input priority 0"
  std::vector<TableSpec> tables;
  std::vector<std::pair<std::string, std::string>> sets;  // name, declaration body
  std::map<std::string, std::string> elements;
  std::vector<std::string> objects;

  std::string Table(const TableSpec& t, const std::string& rule) const {
    std::string s = "table " + t.family + " " + t.name + " {\n";
    for (const auto& [name, body] : sets) {
      const bool map = body.find(" : ") != std::string::npos;
      s += std::string(map ? "  map " : "  set ") + name + " { " + body + ";";
      auto e = elements.find(name);
      if (e != elements.end()) s += " elements = { " + e->second + " };";
      s += " }\n";
    }
    for (const std::string& o : objects) s += "  " + o + "\n";
    for (const std::string& c : t.chains) {
      auto spec = chains.find(c);
      s += "  chain " + c + " {\n    " + (spec != chains.end() ? spec->second : "") + "\n    " + rule + "\n  }\n";
    }
    return s + "}\n";
  }
};

// "type ipv4_addr timeout 60s flags interval" -> "type ipv4_addr; timeout 60s; flags interval"
std::string SetBody(const std::string& spec) {
  static const char* kKeywords[] = {"flags", "timeout", "size", "policy", "gc-interval", "counter", "auto-merge", "comment"};
  std::istringstream in(spec);
  std::string word, out;
  while (in >> word) {
    bool keyword = false;
    for (const char* k : kKeywords) keyword = keyword || word == k;
    if (keyword && !out.empty()) out += ";";
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

// "%cnt1 type counter" -> "counter cnt1 { }"; "%lim0 type limit rate 1/second" -> "limit lim0 { rate 1/second }"
std::string ObjectDecl(const std::string& name, const std::string& spec) {
  std::istringstream in(spec);
  std::string type, kind;
  in >> type >> kind;
  if (kind == "ct") {
    std::string sub;
    in >> sub;
    kind += " " + sub;
  }
  std::string rest;
  std::getline(in, rest);
  rest = Trim(rest);
  if (!rest.empty() && rest.front() == '{') return kind + " " + name + " " + rest;
  return kind + " " + name + " { " + rest + " }";
}

struct Figures {
  int ok_lines = 0, ok_read = 0, ok_not_evaluated = 0;
  int fail_lines = 0, fail_refused = 0;
  std::vector<std::string> missed, accepted;
};

std::string FirstError(const ParseResult& r) {
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::kError) return d.message;
  }
  return "";
}

void RunPyFile(const fs::path& file, Figures& fig) {
  std::ifstream in(file);
  PyFile py;
  std::string raw;
  int line_no = 0;
  const std::string shown = file.parent_path().filename().string() + "/" + file.filename().string();
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == ':') {
      std::vector<std::string> p = Split(line.substr(1), ';');
      if (p.size() >= 2) py.chains[p[0]] = p[1] + ";";
      continue;
    }
    if (line.front() == '*') {
      std::vector<std::string> p = Split(line.substr(1), ';');
      if (p.size() >= 3) {
        if (py.tables.empty() || !py.tables.back().chains.empty()) {
          // a new section of table specs
        }
        py.tables.push_back({p[0], p[1], Split(p[2], ',')});
      }
      continue;
    }
    std::string body;
    bool ok = false;
    if (!SplitVerdict(line, body, ok)) continue;
    if (line.front() == '!') {
      const std::size_t sp = body.find(' ');
      if (ok && sp != std::string::npos) py.sets.emplace_back(body.substr(1, sp - 1), SetBody(body.substr(sp + 1)));
      continue;
    }
    if (line.front() == '?') {
      const std::size_t sp = body.find(' ');
      if (ok && sp != std::string::npos) {
        std::string& e = py.elements[body.substr(1, sp - 1)];
        e += (e.empty() ? "" : ", ") + body.substr(sp + 1);
      }
      continue;
    }
    if (line.front() == '%') {
      const std::size_t sp = body.find(' ');
      if (ok && sp != std::string::npos) py.objects.push_back(ObjectDecl(body.substr(1, sp - 1), body.substr(sp + 1)));
      continue;
    }
    // A rule: in each table the file names (nft must take it in all).
    bool read = true, refused = false, evaluated = false;
    std::string reason;
    for (const TableSpec& t : py.tables) {
      const ParseResult r = ParseNftText(py.Table(t, body), shown);
      const std::string error = FirstError(r);
      if (!error.empty()) {
        refused = true;
        if (read) reason = t.family + ": " + error;
        read = false;
      }
      if (t.family == "ip" || t.family == "ip6" || t.family == "inet") evaluated = true;
    }
    if (ok) {
      ++fig.ok_lines;
      if (read) {
        ++fig.ok_read;
        if (!evaluated) ++fig.ok_not_evaluated;
      } else {
        fig.missed.push_back(shown + ":" + std::to_string(line_no) + ": " + body + "\n    because " + reason);
      }
    } else {
      ++fig.fail_lines;
      if (refused) {
        ++fig.fail_refused;
      } else {
        fig.accepted.push_back(shown + ":" + std::to_string(line_no) + ": " + body);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE(nft_conformance)

BOOST_AUTO_TEST_CASE(upstream_py_test_rules_are_read_and_lowered) {
  const fs::path dir = ConformanceDir() / "py";
  if (!fs::exists(dir)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << dir << " does not exist (../shared is not beside the project)");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".t") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  Figures fig;
  for (const fs::path& f : files) RunPyFile(f, fig);
  std::ostringstream out;
  out << "upstream nftables py tests: " << files.size() << " files\n"
      << "  ok lines:   " << fig.ok_lines << ": " << fig.ok_read << " read and lowered ("
      << fig.ok_not_evaluated << " of them in arp/bridge/netdev tables only, read and stated as not evaluated), "
      << fig.missed.size() << " missed\n"
      << "  fail lines: " << fig.fail_lines << ": " << fig.fail_refused << " refused with FILE:LINE:COL, "
      << fig.accepted.size() << " accepted\n";
  out << "ok lines missed, each with its reason (" << fig.missed.size() << "):\n";
  for (const std::string& m : fig.missed) out << "  " << m << "\n";
  out << "fail lines accepted (" << fig.accepted.size() << "):\n";
  for (const std::string& a : fig.accepted) out << "  " << a << "\n";
  BOOST_TEST_MESSAGE(out.str());
  BOOST_TEST(fig.ok_read >= kOkRulesRead, "ok lines read: " << fig.ok_read << " of " << fig.ok_lines);
  BOOST_TEST(fig.fail_refused >= kFailRefused, "fail lines refused: " << fig.fail_refused << " of " << fig.fail_lines);
}

BOOST_AUTO_TEST_CASE(upstream_ruleset_dumps_are_read) {
  const fs::path dir = ConformanceDir() / "shell" / "testcases";
  if (!fs::exists(dir)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << dir << " does not exist (../shared is not beside the project)");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".nft" && e.path().parent_path().filename() == "dumps") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  int read = 0, empty = 0;
  std::vector<std::string> missed;
  for (const fs::path& f : files) {
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
      ++empty;
      continue;
    }
    const ParseResult r = ParseNftText(text, f.string());
    const std::string error = FirstError(r);
    if (error.empty()) {
      ++read;
    } else {
      missed.push_back(fs::relative(f, dir).string() + ": " + error);
    }
  }
  std::ostringstream out;
  out << "upstream nftables shell dumps: " << files.size() << " .nft files: " << read << " read, " << empty
      << " empty (an empty ruleset), " << missed.size() << " missed\n";
  for (const std::string& m : missed) out << "  " << m << "\n";
  BOOST_TEST_MESSAGE(out.str());
  BOOST_TEST(read >= kDumpsRead);
  BOOST_TEST(missed.empty());
}

// What an exposure holds, location-free: the same ruleset read from text
// and from JSON must give the same lines.
constexpr int kPairsAgreeing = 350;

BOOST_AUTO_TEST_CASE(text_and_json_dumps_of_one_ruleset_expose_the_same) {
  const fs::path dir = ConformanceDir() / "shell" / "testcases";
  if (!fs::exists(dir)) {
    BOOST_TEST_MESSAGE("SKIPPED: " << dir << " does not exist (../shared is not beside the project)");
    return;
  }
  std::vector<fs::path> pairs;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".nft" && e.path().parent_path().filename() == "dumps") {
      fs::path json = e.path();
      json.replace_extension(".json-nft");
      if (fs::exists(json)) pairs.push_back(e.path());
    }
  }
  std::sort(pairs.begin(), pairs.end());
  int agree = 0, empty = 0;
  std::vector<std::string> differ;
  auto read = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (const fs::path& n : pairs) {
    const std::string text = read(n);
    if (std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
      ++empty;
      continue;
    }
    fs::path j = n;
    j.replace_extension(".json-nft");
    const ParseResult a = ParseNftText(text, n.string());
    const ParseResult b = ParseNftJson(read(j), j.string());
    const std::string ea = FirstError(a), eb = FirstError(b);
    if (!ea.empty() || !eb.empty()) {
      differ.push_back(fs::relative(n, dir).string() + ": " + (ea.empty() ? "json: " + eb : "text: " + ea));
      continue;
    }
    const std::vector<std::string> la = ExposureLines(a.ruleset), lb = ExposureLines(b.ruleset);
    if (la == lb) {
      ++agree;
      continue;
    }
    std::string first;
    for (std::size_t i = 0; i < std::max(la.size(), lb.size()) && first.empty(); ++i) {
      const std::string x = i < la.size() ? la[i] : "(none)", y = i < lb.size() ? lb[i] : "(none)";
      if (x != y) first = "text " + x + " | json " + y;
    }
    differ.push_back(fs::relative(n, dir).string() + ": " + first);
  }
  std::ostringstream out;
  out << "text/JSON dump pairs: " << pairs.size() << ": " << agree << " with the same exposure, " << empty
      << " empty, " << differ.size() << " differing\n";
  for (const std::string& d : differ) out << "  " << d << "\n";
  BOOST_TEST_MESSAGE(out.str());
  BOOST_TEST(agree >= kPairsAgreeing);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
