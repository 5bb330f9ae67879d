// Packaging: the man page and the bash completion say what the binary's
// --help says (every subcommand, option and --format value, both ways), and
// the .deb that CPack makes from this build tree depends on the Debian
// runtime packages and runs.
#define BOOST_TEST_MODULE packaging
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string kSource = GHOSTPORT_SOURCE_DIR;
const std::string kBinary = GHOSTPORT_BINARY_DIR;
const std::string kGhostport = kBinary + "/audit/ghostport";

struct Run {
  int exit_code = -1;
  std::string out;
};

// Runs `command` with /bin/sh; standard output only (redirect inside
// `command` to keep standard error).
Run Shell(const std::string& command) {
  Run r;
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE_MESSAGE(pipe != nullptr, "cannot run: " << command);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.out.append(buffer, n);
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::set<std::string> SetOf(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& w : s) out += (out.empty() ? "" : " ") + w;
  return out;
}

bool HaveTool(const std::string& name) {
  return Shell("command -v " + Quote(name) + " >/dev/null 2>&1").exit_code == 0;
}

// ---- What the binary's --help says -----------------------------------------

// One command the binary has: its words after `ghostport` ("catalog stats"),
// its long options, and the values of options that list them (`{a,b}`).
struct Command {
  std::string path;
  std::vector<std::string> subcommands;  // empty for a leaf
  std::set<std::string> options;         // long options, --help included
  std::map<std::string, std::set<std::string>> choices;
  std::set<std::string> input_formats;   // from --input-format's help text
};

// CLI11 help: "Options:" and "Subcommands:" sections of indented lines.
Command ParseHelp(const std::string& path, const std::string& help) {
  Command c;
  c.path = path;
  static const std::regex option_line(R"(^\s+(?:-\w,)?(--[a-z][a-z-]*)(?:\s+\S*?:\{([^}]*)\})?)");
  static const std::regex subcommand_line(R"(^  ([a-z][a-z-]*)\s{2,}\S.*)");
  static const std::regex formats(R"(input format instead of detection: ([a-z, -]+?) \()");
  std::string section;
  for (const auto& line : Lines(help)) {
    if (!line.empty() && line[0] != ' ') {
      section = line;
      continue;
    }
    std::smatch m;
    if (section == "Options:" && std::regex_search(line, m, option_line)) {
      c.options.insert(m[1]);
      if (m[2].matched) {
        std::string values = m[2];
        std::replace(values.begin(), values.end(), ',', ' ');
        c.choices[m[1]] = SetOf(Words(values));
      }
      if (m[1] == "--input-format" && std::regex_search(line, m, formats)) {
        std::string list = m[1];
        std::replace(list.begin(), list.end(), ',', ' ');
        c.input_formats = SetOf(Words(list));
      }
    } else if (section == "Subcommands:" && std::regex_match(line, m, subcommand_line)) {
      c.subcommands.push_back(m[1]);
    }
  }
  return c;
}

// Every command, depth first: "" (the program), "ports", ..., "catalog",
// "catalog stats", "catalog lint".
std::vector<Command> Commands() {
  std::vector<Command> all;
  std::vector<std::string> todo = {""};
  while (!todo.empty()) {
    std::string path = todo.front();
    todo.erase(todo.begin());
    Run r = Shell(Quote(kGhostport) + " " + path + " --help 2>&1");
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "ghostport " << path << " --help: exit " << r.exit_code << "\n" << r.out);
    Command c = ParseHelp(path, r.out);
    for (const auto& sub : c.subcommands) todo.push_back(path.empty() ? sub : path + " " + sub);
    all.push_back(c);
  }
  BOOST_REQUIRE_MESSAGE(all.size() >= 6, "expected at least 5 subcommands in ghostport --help");
  return all;
}

std::vector<Command> Leaves(const std::vector<Command>& all) {
  std::vector<Command> leaves;
  for (const auto& c : all) {
    if (!c.path.empty() && c.subcommands.empty()) leaves.push_back(c);
  }
  return leaves;
}

std::string Version() {
  Run r = Shell(Quote(kGhostport) + " --version");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto words = Words(r.out);
  BOOST_REQUIRE_EQUAL(words.size(), 2U);
  return words[1];
}

// ---- The man page ------------------------------------------------------------

// Roff source with escapes that matter here undone: \- is -, font changes
// and unbreakable spaces go.
std::string ManText() {
  std::string text = ReadFile(kSource + "/doc/ghostport.1");
  text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
  text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
  text = std::regex_replace(text, std::regex(R"(\\ |\\~)"), " ");
  return text;
}

std::string Section(const std::string& man, const std::string& name) {
  size_t start = man.find("\n.SH " + name + "\n");
  BOOST_REQUIRE_MESSAGE(start != std::string::npos, "the man page has no " << name << " section");
  size_t end = man.find("\n.SH ", start + 1);
  return man.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// A macro line without its macro: `.RB [ --format text | json ]` -> `[ --format text | json ]`.
std::string Unmacro(const std::string& line) {
  if (line.empty() || line[0] != '.') return line;
  size_t space = line.find(' ');
  return space == std::string::npos ? "" : line.substr(space + 1);
}

// SYNOPSIS: one `.SY ghostport` ... `.YS` block per form; keyed by the
// command its first line names ("catalog stats").
std::multimap<std::string, std::string> SynopsisForms(const std::string& man) {
  std::multimap<std::string, std::string> forms;
  std::vector<std::string> lines = Lines(Section(man, "SYNOPSIS"));
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != ".SY ghostport" || i + 1 >= lines.size()) continue;
    std::string command = Unmacro(lines[i + 1]), body;
    for (size_t j = i + 2; j < lines.size() && lines[j] != ".YS"; ++j) body += Unmacro(lines[j]) + "\n";
    forms.emplace(command, body);
  }
  return forms;
}

std::set<std::string> LongOptionsIn(const std::string& text) {
  std::set<std::string> out;
  static const std::regex option(R"(--[a-z][a-z-]*)");
  for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it) out.insert(it->str());
  return out;
}

// ---- The bash completion ---------------------------------------------------

// Runs the completion function for each line of `queries` (the words after
// `ghostport`, the last one being completed; "''" for an empty word) in
// `dir`; returns one line of candidates per query. Fails when sourcing or
// completing writes anything to standard error.
std::vector<std::set<std::string>> Complete(const std::vector<std::string>& queries, const std::string& dir) {
  std::string script = "set -u\nsource " + Quote(kSource + "/completions/ghostport.bash") + " || exit 9\n" +
                       "cd " + Quote(dir) + " || exit 9\n" +
                       "complete -p ghostport >/dev/null || exit 8\n"
                       "ask() { COMP_WORDS=(ghostport \"$@\"); COMP_CWORD=$#; COMPREPLY=(); _ghostport; "
                       "echo \"${COMPREPLY[*]}\"; }\n";
  for (const auto& q : queries) script += "ask " + q + "\n";
  fs::path file = fs::path(dir) / "complete.bash", err = fs::path(dir) / "complete.err";
  std::ofstream(file) << script;
  Run r = Shell("bash --norc --noprofile " + Quote(file.string()) + " 2>" + Quote(err.string()));
  std::string errors = ReadFile(err.string());
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "bash exit " << r.exit_code << " running the completion: " << errors);
  BOOST_TEST(errors.empty(), "the completion wrote to standard error: " << errors);
  std::vector<std::set<std::string>> answers;
  for (const auto& line : Lines(r.out)) answers.push_back(SetOf(Words(line)));
  BOOST_REQUIRE_EQUAL(answers.size(), queries.size());
  return answers;
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("ghostport-packaging-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(man_page)

BOOST_AUTO_TEST_CASE(synopsis_has_every_subcommand_with_exactly_its_options_and_formats) {
  const std::string man = ManText();
  const auto forms = SynopsisForms(man);
  for (const auto& c : Leaves(Commands())) {
    BOOST_TEST_CONTEXT("ghostport " << c.path) {
      auto [begin, end] = forms.equal_range(c.path);
      BOOST_TEST_REQUIRE((begin != end), "no `.SY ghostport` form in SYNOPSIS for " << c.path);
      std::set<std::string> documented;
      std::string bodies;
      for (auto it = begin; it != end; ++it) {
        bodies += it->second;
        for (const auto& o : LongOptionsIn(it->second)) documented.insert(o);
      }
      std::set<std::string> expected = c.options;
      expected.erase("--help");
      BOOST_TEST(Join(documented) == Join(expected), "SYNOPSIS options for " << c.path << ": [" << Join(documented)
                                                         << "], --help lists [" << Join(expected) << "]");
      if (c.choices.count("--format")) {
        std::smatch m;
        BOOST_TEST_REQUIRE(std::regex_search(bodies, m, std::regex(R"(--format ([a-z]+(?: \| [a-z]+)*))")));
        std::string values = m[1];
        values = std::regex_replace(values, std::regex(R"( \| )"), " ");
        BOOST_TEST(Join(SetOf(Words(values))) == Join(c.choices.at("--format")));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(commands_section_has_an_entry_per_subcommand) {
  const std::string commands = Section(ManText(), "COMMANDS");
  for (const auto& c : Leaves(Commands())) {
    BOOST_TEST_CONTEXT("ghostport " << c.path) {
      const std::regex heading("\n\\.TP\n\\.BI? \"?" + c.path + "[ \"\n]");
      BOOST_TEST(std::regex_search(commands, heading), "COMMANDS has no `.TP` entry starting with " << c.path);
      // Every option of the command is described somewhere in COMMANDS or INPUT.
      for (const auto& o : c.options) {
        if (o == "--help") continue;
        BOOST_TEST(commands.find(o) != std::string::npos, o << " is not described in COMMANDS");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(program_options_exit_status_and_version) {
  const std::string man = ManText();
  const auto all = Commands();
  const std::string options = Section(man, "OPTIONS");
  for (const auto& o : all.front().options) BOOST_TEST(options.find(o) != std::string::npos, o << " not in OPTIONS");
  const std::string status = Section(man, "EXIT STATUS");
  for (const char* code : {"\n.B 0\n", "\n.B 1\n", "\n.B 2\n"}) BOOST_TEST(status.find(code) != std::string::npos);
  std::smatch m;
  BOOST_TEST_REQUIRE(std::regex_search(man, m, std::regex(R"re(\n\.TH GHOSTPORT 1 \S+ "ghostport ([^"]+)")re")));
  BOOST_TEST(m[1].str() == Version(), ".TH names ghostport " << m[1] << ", the binary is " << Version());
  for (const char* section : {"NAME", "DESCRIPTION", "POLICY FILE", "ENVIRONMENT", "FILES", "EXAMPLES",
                              "NOT AVAILABLE YET"}) {
    BOOST_TEST(man.find(std::string("\n.SH ") + section + "\n") != std::string::npos, "no " << section << " section");
  }
  BOOST_TEST(Section(man, "ENVIRONMENT").find("NO_COLOR") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(renders_without_warnings) {
  if (!HaveTool("man")) {
    BOOST_TEST_MESSAGE("SKIPPED rendering the man page: man (man-db) is missing");
    return;
  }
  Run r = Shell("MANWIDTH=80 man --warnings -l " + Quote(kSource + "/doc/ghostport.1") + " 2>&1 >/dev/null");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.empty(), "man --warnings -l doc/ghostport.1 says:\n" << r.out);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bash_completion)

BOOST_AUTO_TEST_CASE(completes_what_help_lists) {
  if (!HaveTool("bash")) BOOST_FAIL("bash is missing");
  const auto all = Commands();
  TempDir dir("completion");
  std::ofstream(dir.path / "rules.v4") << "*filter\nCOMMIT\n";

  // What to ask and what --help says the answer must be.
  std::vector<std::string> queries;
  std::vector<std::set<std::string>> expected;
  std::vector<std::string> what;
  auto ask = [&](const std::string& words, std::set<std::string> answer, const std::string& label) {
    queries.push_back(words);
    expected.push_back(std::move(answer));
    what.push_back(label);
  };
  for (const auto& c : all) {
    if (!c.subcommands.empty()) {
      std::set<std::string> answer = SetOf(c.subcommands);
      for (const auto& o : c.options) answer.insert(o);
      ask(c.path + " ''", answer, "subcommands of `ghostport " + c.path + "`");
      continue;
    }
    ask(c.path + " --", c.options, "options of `ghostport " + c.path + "`");
    for (const auto& [option, values] : c.choices) {
      ask(c.path + " " + option + " ''", values, "values of `ghostport " + c.path + " " + option + "`");
    }
    if (!c.input_formats.empty()) {
      ask(c.path + " --input-format ''", c.input_formats, "values of `ghostport " + c.path + " --input-format`");
    }
  }
  ask("audit ru", {"rules.v4"}, "file completion for audit's INPUT");
  ask("ports --format = j", {"json"}, "--format=VALUE (bash splits at '=')");

  const auto answers = Complete(queries, dir.path.string());
  for (size_t i = 0; i < queries.size(); ++i) {
    BOOST_TEST(Join(answers[i]) == Join(expected[i]), what[i] << ": completion offers [" << Join(answers[i])
                                                             << "], --help says [" << Join(expected[i]) << "]");
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(debian_package)

BOOST_AUTO_TEST_CASE(cpack_deb_depends_on_the_runtime_packages_and_runs) {
  for (const char* tool : {"cpack", "dpkg-deb", "dpkg-shlibdeps", "dpkg", "file"}) {
    if (!HaveTool(tool)) {
      BOOST_TEST_MESSAGE("SKIPPED the .deb check: " << tool << " is missing (scripts/install-deps installs it)");
      return;
    }
  }
  TempDir out("deb");
  // scripts/package --no-build runs cpack --config BUILD/CPackConfig.cmake -B OUT.
  Run pack = Shell(Quote(kSource + "/scripts/package") + " --no-build --build-dir " + Quote(kBinary) +
                   " --output " + Quote(out.path.string()) + " 2>&1");
  BOOST_REQUIRE_MESSAGE(pack.exit_code == 0, "scripts/package: exit " << pack.exit_code << "\n" << pack.out);
  const auto lines = Lines(pack.out);
  BOOST_REQUIRE(!lines.empty());
  const std::string deb = lines.back();
  const std::string arch = Words(Shell("dpkg --print-architecture").out).at(0);
  BOOST_TEST(fs::path(deb).filename().string() == "ghostport_" + Version() + "_" + arch + ".deb");
  BOOST_REQUIRE_MESSAGE(fs::exists(deb), "no package at " << deb << "\n" << pack.out);

  const std::string depends = Shell("dpkg-deb --field " + Quote(deb) + " Depends").out;
  BOOST_TEST_MESSAGE("Depends: " << depends);
  std::set<std::string> depended;  // package names, without versions or alternatives
  std::istringstream entries(depends);
  for (std::string entry; std::getline(entries, entry, ',');) {
    auto words = Words(entry);
    if (!words.empty()) depended.insert(words.front());
  }
  for (const char* package : {"libtomlplusplus3", "libstdc++6", "libc6"}) {
    BOOST_TEST(depended.count(package) == 1U, "Depends lacks " << package << ": " << depends);
  }
  const std::string control = Shell("dpkg-deb --info " + Quote(deb)).out;
  for (const char* field : {"Package: ghostport", "Maintainer: ", "Section: ", "Description: "}) {
    BOOST_TEST(control.find(field) != std::string::npos, "control lacks " << field);
  }

  const std::string contents = Shell("dpkg-deb --contents " + Quote(deb)).out;
  for (const char* file : {"./usr/bin/ghostport", "./usr/share/man/man1/ghostport.1",
                           "./usr/share/bash-completion/completions/ghostport", "./usr/share/doc/ghostport/copyright",
                           "./usr/share/doc/ghostport/README.md", "./usr/share/doc/ghostport/changelog",
                           "./usr/share/doc/ghostport/examples/policy.toml",
                           "./usr/share/doc/ghostport/examples/ci/github-actions.yml",
                           "./usr/share/doc/ghostport/examples/ci/.pre-commit-hooks.yaml"}) {
    BOOST_TEST(contents.find(std::string(" ") + file) != std::string::npos, "the package lacks " << file);
  }

  const fs::path root = out.path / "root";
  BOOST_REQUIRE_EQUAL(Shell("dpkg -x " + Quote(deb) + " " + Quote(root.string())).exit_code, 0);
  Run version = Shell(Quote((root / "usr/bin/ghostport").string()) + " --version");
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(version.out == "ghostport " + Version() + "\n");
}

BOOST_AUTO_TEST_SUITE_END()
