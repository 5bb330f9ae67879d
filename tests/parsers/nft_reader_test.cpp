// The nftables text reader: blocks and commands applied as nft applies
// them, variables, includes, handles, and what nft refuses.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "parsers/nftables/nft_reader.h"
#include "tests/parsers/nft_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers

nft::RulesetSyntax ReadOk(const std::string& text, const std::string& file = kNftFile) {
  std::vector<Diagnostic> d;
  nft::RulesetSyntax s = ReadNftText(text, file, {}, d);
  std::string rendered;
  for (const auto& x : d) rendered += Render(x);
  BOOST_TEST_REQUIRE(rendered == "");
  return s;
}

std::filesystem::path TempDir(const std::string& name) {
  std::filesystem::path p = std::filesystem::temp_directory_path() / ("ghostport-nft-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

void Write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

BOOST_AUTO_TEST_SUITE(nft_reader)

BOOST_AUTO_TEST_CASE(block_syntax_reads_tables_chains_and_rules_with_their_places) {
  const std::string text =
      "#!/usr/sbin/nft -f\n"
      "flush ruleset\n"
      "table inet filter { # handle 4\n"
      "  chain input { # handle 1\n"
      "    type filter hook input priority filter + 10; policy drop;\n"
      "    iifname \"lo\" accept comment \"loopback\" # handle 7\n"
      "    tcp dport { 22, 80,\n"
      "                443 } accept\n"
      "  }\n"
      "  chain web { }\n"
      "}\n"
      "table ip nat { chain pre { type nat hook prerouting priority -100; } }\n";
  nft::RulesetSyntax s = ReadOk(text);
  BOOST_REQUIRE_EQUAL(s.tables.size(), 2u);
  const nft::TableSyntax& t = s.tables[0];
  BOOST_TEST(t.family == "inet");
  BOOST_TEST(t.name == "filter");
  BOOST_TEST((t.handle == std::optional<std::uint64_t>(4)));
  BOOST_REQUIRE_EQUAL(t.chains.size(), 2u);
  const nft::ChainSyntax& in = t.chains[0];
  BOOST_TEST(*in.type == "filter");
  BOOST_TEST(*in.hook == "input");
  BOOST_TEST(*in.priority == "filter + 10");
  BOOST_TEST(*in.policy == "drop");
  BOOST_TEST((in.handle == std::optional<std::uint64_t>(1)));
  BOOST_REQUIRE_EQUAL(in.rules.size(), 2u);
  BOOST_TEST(in.rules[0].text == "iifname \"lo\" accept comment \"loopback\"");
  BOOST_TEST(in.rules[0].comment == "loopback");
  BOOST_TEST((in.rules[0].handle == std::optional<std::uint64_t>(7)));
  BOOST_TEST(in.rules[0].location.line == 6);
  BOOST_TEST(in.rules[0].location.column == 5);
  BOOST_TEST(in.rules[1].text == "tcp dport { 22, 80, 443 } accept");  // a set over two lines is one rule
  BOOST_TEST(in.rules[1].statements.size() == 2u);
  BOOST_TEST(s.tables[1].family == "ip");
  BOOST_TEST(*s.tables[1].chains[0].priority == "-100");
}

BOOST_AUTO_TEST_CASE(commands_apply_in_order) {
  const std::string text =
      "add table ip f\n"
      "add chain ip f input { type filter hook input priority 0; policy accept; }\n"
      "add rule ip f input tcp dport 22 accept\n"
      "add rule ip f input tcp dport 23 drop\n"
      "insert rule ip f input tcp dport 21 drop\n"
      "add rule ip f input index 0 tcp dport 25 drop\n"
      "add table ip gone\n"
      "delete table ip gone\n"
      "add set ip f s { type ipv4_addr; elements = { 10.0.0.1 } }\n"
      "add element ip f s { 10.0.0.2, 10.0.0.3 }\n"
      "delete element ip f s { 10.0.0.1 }\n"
      "list ruleset\n";
  nft::RulesetSyntax s = ReadOk(text);
  BOOST_REQUIRE_EQUAL(s.tables.size(), 1u);
  const auto& rules = s.tables[0].chains[0].rules;
  BOOST_REQUIRE_EQUAL(rules.size(), 4u);
  BOOST_TEST(rules[0].text == "tcp dport 21 drop");
  BOOST_TEST(rules[1].text == "tcp dport 25 drop");
  BOOST_TEST(rules[2].text == "tcp dport 22 accept");
  BOOST_TEST(rules[3].text == "tcp dport 23 drop");
  BOOST_TEST(s.tables[0].sets[0].elements.size() == 2u);
  BOOST_REQUIRE_EQUAL(s.ignored.size(), 1u);  // list: a query
  BOOST_TEST(s.ignored[0].location.line == 12);
  // flush ruleset forgets what came before it.
  nft::RulesetSyntax flushed = ReadOk("table ip a { }\nflush ruleset\ntable ip b { }\n");
  BOOST_REQUIRE_EQUAL(flushed.tables.size(), 1u);
  BOOST_TEST(flushed.tables[0].name == "b");
}

BOOST_AUTO_TEST_CASE(handles_place_replace_and_delete_rules) {
  const std::string text =
      "table ip f {\n  chain c {\n    tcp dport 1 accept # handle 5\n    tcp dport 2 accept # handle 6\n  }\n}\n"
      "add rule ip f c handle 5 tcp dport 3 accept\n"
      "replace rule ip f c handle 6 tcp dport 4 drop\n"
      "delete rule ip f c handle 5\n";
  nft::RulesetSyntax s = ReadOk(text);
  const auto& rules = s.tables[0].chains[0].rules;
  BOOST_REQUIRE_EQUAL(rules.size(), 2u);
  BOOST_TEST(rules[0].text == "tcp dport 3 accept");
  BOOST_TEST(rules[1].text == "tcp dport 4 drop");
  BOOST_TEST((rules[1].handle == std::optional<std::uint64_t>(6)));
}

BOOST_AUTO_TEST_CASE(variables_substitute_values_and_sets_nested) {
  const std::string text =
      "define web = { 80, 443 }\n"
      "define all = { 22, $web }\n"
      "define lan = \"eth1\"\n"
      "table inet t { chain c { iifname $lan tcp dport $all accept } }\n";
  nft::RulesetSyntax s = ReadOk(text);
  const nft::RuleSyntax& r = s.tables[0].chains[0].rules[0];
  BOOST_REQUIRE_EQUAL(r.statements.size(), 3u);
  const auto& iif = std::get<nft::Match>(r.statements[0]);
  BOOST_TEST(iif.right.text == "eth1");
  BOOST_TEST(iif.right.quoted);
  BOOST_TEST(nft::Render(std::get<nft::Match>(r.statements[1]).right) == "{ 22, { 80, 443 } }");
  BOOST_TEST(NftErrors("table ip t { chain c { tcp dport $nope accept } }\n") ==
             NftDiag(1, 34, "undefined variable \"$nope\"", "table ip t { chain c { tcp dport $nope accept } }"));
}

BOOST_AUTO_TEST_CASE(includes_are_read_relative_with_globs_and_cycles_refused) {
  const std::filesystem::path dir = TempDir("include");
  std::filesystem::create_directories(dir / "conf.d");
  Write(dir / "conf.d" / "10-ssh.nft", "add rule inet t input tcp dport 22 accept\n");
  Write(dir / "conf.d" / "20-web.nft", "add rule inet t input tcp dport 80 accept\n");
  Write(dir / "main.nft",
        "table inet t { chain input { type filter hook input priority 0; policy drop; } }\n"
        "include \"conf.d/*.nft\"\n");
  std::ifstream in(dir / "main.nft");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nft::RulesetSyntax s = ReadOk(text, (dir / "main.nft").string());
  const auto& rules = s.tables[0].chains[0].rules;
  BOOST_REQUIRE_EQUAL(rules.size(), 2u);
  BOOST_TEST(rules[0].text == "tcp dport 22 accept");
  BOOST_TEST(rules[0].location.file == (dir / "conf.d" / "10-ssh.nft").string());  // the rule's own file
  BOOST_TEST(rules[1].text == "tcp dport 80 accept");

  Write(dir / "a.nft", "include \"b.nft\"\n");
  Write(dir / "b.nft", "include \"a.nft\"\n");
  const std::string a = (dir / "a.nft").string();
  ParseResult cycle = ParseNftText("include \"b.nft\"\n", a);
  BOOST_TEST(Rendered(cycle).find("include cycle") != std::string::npos, Rendered(cycle));
  ParseResult missing = ParseNftText("include \"nope.nft\"\n", a);
  BOOST_TEST(Rendered(missing).find("included file \"nope.nft\" not found") != std::string::npos);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(anonymous_chains_become_chains_of_their_own) {
  nft::RulesetSyntax s = ReadOk("table inet t {\n  chain c {\n    tcp dport 22 jump {\n      ip saddr 10.0.0.0/8 accept\n      drop\n    }\n  }\n}\n");
  BOOST_REQUIRE_EQUAL(s.tables[0].chains.size(), 2u);
  const auto& anon = s.tables[0].chains[1];
  BOOST_TEST(anon.rules.size() == 2u);
  const auto& jump = std::get<nft::VerdictStmt>(s.tables[0].chains[0].rules[0].statements[1]);
  BOOST_TEST(jump.target == anon.name);
}

BOOST_AUTO_TEST_CASE(what_nft_refuses_is_an_error_with_its_place) {
  BOOST_TEST(NftErrors("add rule ip nope c accept\n") ==
             NftDiag(1, 5, "no such table: ip nope", "add rule ip nope c accept"));
  BOOST_TEST(NftErrors("table ip t { chain c { accept }\n") ==
             NftDiag(1, 32, "table t has no closing \"}\"", "table ip t { chain c { accept }"));
  BOOST_TEST(NftErrors("table ip t { chain c { meta iifname \"eth0 accept } }\n")
                 .find("t.nft:1:37: error: unterminated string") == 0);
  BOOST_TEST(NftErrors("frobnicate ruleset\n").find("t.nft:1:1: error: unexpected \"frobnicate\"") == 0);
}

// One helper reads every command's `[family] TABLE NAME...`: a missing name
// is one error, not followed by a lookup of the table it left unnamed.
BOOST_AUTO_TEST_CASE(a_command_missing_a_name_is_one_error) {
  for (const char* command : {"delete chain", "flush table", "add chain ip", "replace rule ip t"}) {
    const std::string line = command;
    BOOST_TEST(NftErrors("table ip t { chain c { } }\n" + line + "\n") ==
                   NftDiag(2, static_cast<int>(line.size()) + 1, "a name is missing here", line),
               command);
  }
  const std::string tables = "table ip t { chain c { } }\n";
  BOOST_TEST(NftErrors(tables + "flush chain ip nope c\n") ==
             NftDiag(2, 7, "no such table: ip nope", "flush chain ip nope c"));
  BOOST_TEST(NftErrors(tables + "destroy chain ip nope c\ndestroy table ip nope\n") == "");
  BOOST_TEST(NftErrors(tables + "delete set ip nope s\n") == NftDiag(2, 8, "no such table: ip nope", "delete set ip nope s"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
