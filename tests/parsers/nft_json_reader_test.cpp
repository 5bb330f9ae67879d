// The nft JSON reader: `nft -j list ruleset` output and JSON commands → the
// nftables syntax tree. Expected JSON shapes were taken from nft 1.0.6
// (`nft -j list ruleset` in a network namespace) and libnftables-json(5).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "parsers/nftables/nft_json_reader.h"

namespace ghostport::parsers::nft {
std::ostream& boost_test_print_type(std::ostream& os, Expr::Kind kind) { return os << static_cast<int>(kind); }
}  // namespace ghostport::parsers::nft

namespace ghostport::rules {
std::ostream& boost_test_print_type(std::ostream& os, const SourceLocation& at) {
  return os << at.file << ":" << at.line << ":" << at.column;
}
}  // namespace ghostport::rules

namespace ghostport::parsers {
namespace {

std::string Show(const std::optional<std::string>& s) { return s ? *s : "(none)"; }
std::string Show(const std::optional<std::uint64_t>& n) { return n ? std::to_string(*n) : "(none)"; }

using nft::Expr;
using Kind = nft::Expr::Kind;

constexpr const char* kFile = "ruleset.json";

std::string Rendered(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += Render(d);
  return out;
}

nft::RulesetSyntax ReadOk(const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  nft::RulesetSyntax r = ReadNftJson(text, kFile, diagnostics);
  BOOST_TEST_REQUIRE(Rendered(diagnostics) == "");
  return r;
}

std::string ReadErrors(const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  ReadNftJson(text, kFile, diagnostics);
  return Rendered(diagnostics);
}

// A ruleset of one table `inet f` with one chain `c` whose rules are the
// JSON statement arrays given.
std::string OneChain(const std::vector<std::string>& rule_exprs) {
  std::string out =
      "{\"nftables\": [\n"
      "{\"table\": {\"family\": \"inet\", \"name\": \"f\", \"handle\": 1}},\n"
      "{\"chain\": {\"family\": \"inet\", \"table\": \"f\", \"name\": \"c\", \"handle\": 1}}";
  int handle = 2;
  for (const std::string& e : rule_exprs) {
    out += ",\n{\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"c\", \"handle\": " +
           std::to_string(handle++) + ", \"expr\": " + e + "}}";
  }
  return out + "\n]}\n";
}

// The rendered text of each rule of chain c of table inet f.
std::vector<std::string> RuleTexts(const std::vector<std::string>& rule_exprs) {
  nft::RulesetSyntax r = ReadOk(OneChain(rule_exprs));
  std::vector<std::string> out;
  for (const auto& rule : r.tables.at(0).chains.at(0).rules) out.push_back(rule.text);
  return out;
}

std::string RuleText(const std::string& rule_expr) { return RuleTexts({rule_expr}).at(0); }

nft::RuleSyntax OnlyRule(const nft::RulesetSyntax& r) {
  BOOST_TEST_REQUIRE(r.tables.size() == 1u);
  BOOST_TEST_REQUIRE(r.tables[0].chains.size() == 1u);
  BOOST_TEST_REQUIRE(r.tables[0].chains[0].rules.size() == 1u);
  return r.tables[0].chains[0].rules[0];
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The lines of an nft listing without their indentation.
std::set<std::string> TrimmedLines(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t begin = line.find_first_not_of(" \t");
    if (begin != std::string::npos) out.insert(line.substr(begin));
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(nft_json_reader)

BOOST_AUTO_TEST_CASE(every_conformance_dump_and_corpus_file_reads_without_error) {
  const std::filesystem::path conformance = "/work/shared/conformance/nftables/shell/testcases";
  const std::filesystem::path corpus = "/work/shared/corpus/real/nftables-json";
  if (!std::filesystem::is_directory(conformance) || !std::filesystem::is_directory(corpus)) {
    BOOST_TEST_MESSAGE(
        "SKIPPED: /work/shared/conformance/nftables or /work/shared/corpus/real/nftables-json is missing");
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(conformance)) {
    const std::filesystem::path& p = entry.path();
    if (entry.is_regular_file() && p.extension() == ".json-nft" && p.parent_path().filename() == "dumps") {
      files.push_back(p);
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int clean = 0, with_warnings = 0, with_errors = 0, rules = 0;
  int listed = 0, rendered_as_listed = 0;  // rules of dumps with a .nft listing beside them
  for (const auto& p : files) {
    std::vector<Diagnostic> diagnostics;
    const nft::RulesetSyntax r = ReadNftJson(ReadFile(p), p.string(), diagnostics);
    std::filesystem::path listing = p;
    listing.replace_extension(".nft");
    const std::set<std::string> listing_lines = TrimmedLines(ReadFile(listing));
    for (const auto& t : r.tables) {
      for (const auto& c : t.chains) {
        rules += static_cast<int>(c.rules.size());
        if (listing_lines.empty() || p.extension() != ".json-nft") continue;
        for (const auto& rule : c.rules) {
          ++listed;
          rendered_as_listed += listing_lines.count(rule.text) > 0 ? 1 : 0;
        }
      }
    }
    const bool error = std::any_of(diagnostics.begin(), diagnostics.end(),
                                   [](const Diagnostic& d) { return d.severity == Severity::kError; });
    BOOST_TEST(!error, p.string() << ":\n" << Rendered(diagnostics));
    if (error) {
      ++with_errors;
    } else if (!diagnostics.empty()) {
      ++with_warnings;
      BOOST_TEST_MESSAGE(Rendered(diagnostics));
    } else {
      ++clean;
    }
  }
  BOOST_TEST_MESSAGE("nft JSON files: " << files.size() << " read, " << clean << " clean, " << with_warnings
                                        << " with warnings, " << with_errors << " with errors; " << rules << " rules");
  BOOST_TEST_MESSAGE("rules rendered as the .nft listing beside their dump lists them: " << rendered_as_listed << " of "
                                                                                         << listed);
  BOOST_TEST(files.size() > 400u);
  // nft 1.0.6 renders all but number bases, element statements and newer listing forms alike.
  BOOST_TEST(rendered_as_listed * 100 >= listed * 90);
}

BOOST_AUTO_TEST_CASE(tables_chains_rules_sets_and_maps_are_read_with_handles) {
  nft::RulesetSyntax r = ReadOk(R"({"nftables": [
{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
{"table": {"family": "inet", "name": "f", "handle": 7}},
{"counter": {"family": "inet", "name": "c1", "table": "f", "handle": 5, "packets": 0, "bytes": 0}},
{"set": {"family": "inet", "name": "allowed", "table": "f", "type": ["ipv4_addr", "inet_service"], "handle": 6,
         "flags": ["interval"], "elem": [{"concat": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, 22]},
                                         {"concat": ["1.2.3.4", {"range": [80, 90]}]}]}},
{"map": {"family": "inet", "name": "m", "table": "f", "type": "inet_service", "handle": 8, "map": "verdict",
         "elem": [[22, {"accept": null}], [80, {"jump": {"target": "x"}}]]}},
{"set": {"family": "inet", "name": "t", "table": "f", "type": "ipv4_addr", "handle": 9, "size": 65535,
         "flags": ["timeout"], "timeout": 3600}},
{"flowtable": {"family": "inet", "name": "ft", "table": "f", "handle": 10, "hook": "ingress", "prio": 0, "dev": ["lo"]}},
{"chain": {"family": "inet", "table": "f", "name": "x", "handle": 1}},
{"chain": {"family": "inet", "table": "f", "name": "in", "handle": 2, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
{"rule": {"family": "inet", "table": "f", "chain": "in", "handle": 11, "expr": [{"accept": null}]}},
{"rule": {"family": "inet", "table": "f", "chain": "in", "handle": 12, "comment": "hi there", "expr": [{"drop": null}]}}
]})");
  BOOST_TEST_REQUIRE(r.tables.size() == 1u);
  const nft::TableSyntax& t = r.tables[0];
  BOOST_TEST(t.family == "inet");
  BOOST_TEST(t.name == "f");
  BOOST_TEST(Show(t.handle) == "7");
  BOOST_TEST_REQUIRE(t.chains.size() == 2u);
  BOOST_TEST(t.chains[0].name == "x");
  BOOST_TEST(Show(t.chains[0].handle) == "1");
  BOOST_TEST(!t.chains[0].hook.has_value());
  const nft::ChainSyntax& in = t.chains[1];
  BOOST_TEST_REQUIRE(in.rules.size() == 2u);
  BOOST_TEST(Show(in.rules[0].handle) == "11");
  BOOST_TEST(in.rules[0].text == "accept");
  BOOST_TEST(Show(in.rules[1].handle) == "12");
  BOOST_TEST(in.rules[1].comment == "hi there");
  BOOST_TEST(in.rules[1].text == "drop comment \"hi there\"");

  BOOST_TEST_REQUIRE(t.sets.size() == 3u);
  const nft::SetSyntax& allowed = t.sets[0];
  BOOST_TEST(allowed.name == "allowed");
  BOOST_TEST(!allowed.is_map);
  BOOST_TEST(Show(allowed.handle) == "6");
  BOOST_TEST(allowed.key_types == (std::vector<std::string>{"ipv4_addr", "inet_service"}),
             boost::test_tools::per_element());
  BOOST_TEST(allowed.flags == (std::vector<std::string>{"interval"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(allowed.elements.size() == 2u);
  BOOST_TEST(allowed.elements[0].kind == Kind::kConcat);
  BOOST_TEST(allowed.elements[0].items.at(0).kind == Kind::kPrefix);
  BOOST_TEST(nft::Render(allowed.elements[0]) == "10.0.0.0/8 . 22");
  BOOST_TEST(nft::Render(allowed.elements[1]) == "1.2.3.4 . 80-90");

  const nft::SetSyntax& m = t.sets[1];
  BOOST_TEST(m.is_map);
  BOOST_TEST(Show(m.handle) == "8");
  BOOST_TEST(m.key_types == (std::vector<std::string>{"inet_service"}), boost::test_tools::per_element());
  BOOST_TEST(m.value_type == "verdict");
  BOOST_TEST_REQUIRE(m.elements.size() == 2u);
  BOOST_TEST(m.elements[1].kind == Kind::kMapping);
  BOOST_TEST(m.elements[1].items.at(1).kind == Kind::kVerdict);
  BOOST_TEST(m.elements[1].items.at(1).text == "jump");
  BOOST_TEST(m.elements[1].items.at(1).target == "x");

  const nft::SetSyntax& timed = t.sets[2];
  BOOST_TEST(timed.timeout);
  BOOST_TEST(timed.elements.empty());

  BOOST_TEST_REQUIRE(t.objects.size() == 2u);
  BOOST_TEST(t.objects[0].kind == "counter");
  BOOST_TEST(t.objects[0].name == "c1");
  BOOST_TEST(t.objects[1].kind == "flowtable");
  BOOST_TEST(t.objects[1].name == "ft");
}

BOOST_AUTO_TEST_CASE(base_chain_attributes_are_kept_as_listed) {
  nft::RulesetSyntax r = ReadOk(R"({"nftables": [
{"table": {"family": "netdev", "name": "n", "handle": 2}},
{"chain": {"family": "netdev", "table": "n", "name": "ing", "handle": 1, "type": "filter", "hook": "ingress",
           "prio": -150, "policy": "accept", "dev": "eth0"}},
{"chain": {"family": "netdev", "table": "n", "name": "two", "handle": 2, "type": "filter", "hook": "ingress",
           "prio": "filter", "policy": "drop", "dev": ["eth0", "eth1"]}}
]})");
  const nft::ChainSyntax& ing = r.tables.at(0).chains.at(0);
  BOOST_TEST(Show(ing.type) == "filter");
  BOOST_TEST(Show(ing.hook) == "ingress");
  BOOST_TEST(Show(ing.priority) == "-150");
  BOOST_TEST(Show(ing.policy) == "accept");
  BOOST_TEST(Show(ing.device) == "eth0");
  BOOST_TEST(ing.policy_location.line == 3);
  const nft::ChainSyntax& two = r.tables.at(0).chains.at(1);
  BOOST_TEST(Show(two.priority) == "filter");
  BOOST_TEST(Show(two.policy) == "drop");
  BOOST_TEST(Show(two.device) == "eth0, eth1");
}

BOOST_AUTO_TEST_CASE(each_object_is_located_where_it_starts_in_the_text) {
  nft::RulesetSyntax r = ReadOk(
      "{\n"
      "  \"nftables\": [\n"
      "    {\"table\": {\"family\": \"ip\", \"name\": \"t\"}},\n"
      "    {\n"
      "      \"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\"}\n"
      "    }, {\"set\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"s\", \"type\": \"ipv4_addr\"}},\n"
      "       {\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"expr\": [\n"
      "         {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"tcp\"}}]}}\n"
      "  ]\n"
      "}\n");
  const nft::TableSyntax& t = r.tables.at(0);
  BOOST_TEST(t.location == (rules::SourceLocation{kFile, 3, 5}));
  BOOST_TEST(t.chains.at(0).location == (rules::SourceLocation{kFile, 4, 5}));
  BOOST_TEST(t.sets.at(0).location == (rules::SourceLocation{kFile, 6, 8}));
  const nft::RuleSyntax& rule = t.chains.at(0).rules.at(0);
  BOOST_TEST(rule.location == (rules::SourceLocation{kFile, 7, 8}));
  const auto& m = std::get<nft::Match>(rule.statements.at(0));
  BOOST_TEST(m.left.location == rule.location);
  BOOST_TEST(m.right.location == rule.location);
}

BOOST_AUTO_TEST_CASE(selectors_are_read_with_a_protocol_and_a_readable_field) {
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases = {
      {R"({"payload": {"protocol": "tcp", "field": "dport"}})", {"tcp", "dport"}},
      {R"({"payload": {"base": "nh", "offset": 16, "len": 16}})", {"payload", "@nh,16,16"}},
      {R"({"payload": {"tunnel": "vxlan", "protocol": "ip", "field": "saddr"}})", {"vxlan ip", "saddr"}},
      {R"({"meta": {"key": "iifname"}})", {"meta", "iifname"}},
      {R"({"ct": {"key": "state"}})", {"ct", "state"}},
      {R"({"ct": {"key": "saddr", "dir": "original"}})", {"ct", "original saddr"}},
      {R"({"ct": {"key": "ip saddr", "dir": "reply"}})", {"ct", "reply ip saddr"}},
      {R"({"fib": {"result": "type", "flags": ["daddr"]}})", {"fib", "daddr type"}},
      {R"({"fib": {"result": "oif", "flags": ["saddr", "iif"]}})", {"fib", "saddr . iif oif"}},
      {R"({"rt": {"key": "nexthop", "family": "ip"}})", {"rt", "ip nexthop"}},
      {R"({"socket": {"key": "transparent"}})", {"socket", "transparent"}},
      {R"({"socket": {"key": "cgroupv2", "level": 1}})", {"socket", "cgroupv2 level 1"}},
      {R"({"osf": {"key": "name", "ttl": "loose"}})", {"osf", "ttl loose name"}},
      {R"({"exthdr": {"name": "hbh", "field": "nexthdr"}})", {"hbh", "nexthdr"}},
      {R"({"exthdr": {"name": "frag"}})", {"exthdr", "frag"}},
      {R"({"tcp option": {"name": "maxseg", "field": "size"}})", {"tcp option", "maxseg size"}},
      {R"({"tcp option": {"name": "sack"}})", {"tcp option", "sack"}},
      {R"({"sctp chunk": {"name": "data", "field": "flags"}})", {"sctp chunk", "data flags"}},
      {R"({"numgen": {"mode": "inc", "mod": 2, "offset": 0}})", {"numgen", "inc mod 2"}},
      {R"({"jhash": {"mod": 2, "seed": 3735928559, "expr": {"payload": {"protocol": "ip", "field": "saddr"}}}})",
       {"jhash", "ip saddr mod 2 seed 0xdeadbeef"}},
      {R"({"symhash": {"mod": 2, "offset": 100}})", {"symhash", "mod 2 offset 100"}},
      {R"({"ipsec": {"key": "reqid", "dir": "in", "spnum": 0}})", {"ipsec", "in reqid"}},
  };
  for (const auto& [json, expected] : cases) {
    const nft::RuleSyntax rule =
        OnlyRule(ReadOk(OneChain({R"([{"match": {"op": "==", "left": )" + json + R"(, "right": 1}}])"})));
    const auto& m = std::get<nft::Match>(rule.statements.at(0));
    BOOST_TEST(m.left.kind == Kind::kSelector, json);
    BOOST_TEST(m.left.protocol == expected.first, json);
    BOOST_TEST(m.left.field == expected.second, json);
  }
}

BOOST_AUTO_TEST_CASE(values_and_composite_expressions_have_their_kinds) {
  const nft::RuleSyntax rule = OnlyRule(ReadOk(OneChain({R"([
    {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}},
    {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@blocked"}},
    {"match": {"op": "==", "left": {"tcp option": {"name": "sack"}}, "right": true}},
    {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, {"range": [80, 90]}]}}},
    {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}},
    {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}},
    {"match": {"op": "==", "left": {"&": [{"meta": {"key": "mark"}}, 255]}, "right": 16}},
    {"match": {"op": "!=", "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}, "right": "@allowed"}},
    {"mangle": {"key": {"meta": {"key": "mark"}}, "value": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": {"set": [["1.1.1.1", 2]]}}}}}
  ])"})));
  const auto match = [&](std::size_t i) -> const nft::Match& { return std::get<nft::Match>(rule.statements.at(i)); };
  BOOST_TEST(match(0).right.kind == Kind::kValue);
  BOOST_TEST(match(0).right.text == "22");
  BOOST_TEST(match(0).op == "==");
  BOOST_TEST(match(1).right.kind == Kind::kSetRef);
  BOOST_TEST(match(1).right.text == "blocked");
  BOOST_TEST(match(2).right.text == "exists");
  BOOST_TEST(match(3).right.kind == Kind::kSet);
  BOOST_TEST(match(3).right.items.at(1).kind == Kind::kRange);
  BOOST_TEST(match(4).right.kind == Kind::kPrefix);
  BOOST_TEST(match(4).right.items.at(0).text == "10.0.0.0");
  BOOST_TEST(match(4).right.length == 8);
  BOOST_TEST(match(5).op == "");
  BOOST_TEST(match(5).right.kind == Kind::kList);
  BOOST_TEST(match(5).right.items.size() == 2u);
  BOOST_TEST(match(6).left.kind == Kind::kBinop);
  BOOST_TEST(match(6).left.op == "&");
  BOOST_TEST(match(7).op == "!=");
  BOOST_TEST(match(7).left.kind == Kind::kConcat);
  const auto& mangle = std::get<nft::OtherStmt>(rule.statements.at(8));
  BOOST_TEST(mangle.keyword == "meta set");
  BOOST_TEST(rule.text ==
             "tcp dport 22 ip saddr @blocked tcp option sack exists tcp dport { 22, 80-90 } ip saddr 10.0.0.0/8 "
             "ct state established,related meta mark & 255 == 16 ip saddr . tcp dport != @allowed "
             "meta mark set ip saddr map { 1.1.1.1 : 2 }");
}

BOOST_AUTO_TEST_CASE(rules_render_as_nft_lists_them) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, 80]}}}, {"accept": null}])",
       "tcp dport { 22, 80 } accept"},
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"drop": null}])",
       "ip saddr 10.0.0.0/8 drop"},
      {R"([{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}])",
       "ct state established,related accept"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}])", "iifname \"eth0\""},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": {"set": ["eth0", "wg*"]}}}])",
       "oifname { \"eth0\", \"wg*\" }"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}])", "meta l4proto tcp"},
      {R"([{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[22, {"accept": null}], [80, {"jump": {"target": "x"}}]]}}}])",
       "tcp dport vmap { 22 : accept, 80 : jump x }"},
      {R"([{"vmap": {"key": {"meta": {"key": "iifname"}}, "data": {"set": [["lo", {"accept": null}]]}}}])",
       "iifname vmap { \"lo\" : accept }"},
      {R"([{"match": {"op": "==", "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}, "right": "@allowed"}}])",
       "ip saddr . tcp dport @allowed"},
      {R"([{"match": {"op": "==", "left": {"&": [{"payload": {"protocol": "tcp", "field": "flags"}}, ["syn", "ack"]]}, "right": "syn"}}])",
       "tcp flags syn / syn,ack"},
      {R"([{"match": {"op": "==", "left": {"&": [{"payload": {"protocol": "tcp", "field": "flags"}}, {"|": [{"|": ["fin", "syn"]}, "rst"]}]}, "right": "syn"}}])",
       "tcp flags & (fin | syn | rst) == syn"},
      {R"([{"mangle": {"key": {"ct": {"key": "mark"}}, "value": {"<<": [{"|": [{"meta": {"key": "mark"}}, 16]}, 8]}}}])",
       "ct mark set (meta mark | 16) << 8"},
      {R"([{"mangle": {"key": {"ct": {"key": "mark"}}, "value": {"|": [{"&": [{"ct": {"key": "mark"}}, 4294901760]}, {"&": [{"meta": {"key": "mark"}}, 65535]}]}}}])",
       "ct mark set ct mark & 4294901760 | meta mark & 65535"},
      {R"([{"match": {"op": "==", "left": {"fib": {"result": "oif", "flags": ["saddr", "iif"]}}, "right": false}}, {"drop": null}])",
       "fib saddr . iif oif missing drop"},
      {R"([{"match": {"op": "==", "left": {"payload": {"base": "nh", "offset": 16, "len": 16}}, "right": 4660}}])",
       "@nh,16,16 4660"},
  };
  for (const auto& [json, text] : cases) BOOST_TEST(RuleText(json) == text);
}

BOOST_AUTO_TEST_CASE(verdict_statements_keep_kind_target_and_text) {
  const nft::RuleSyntax rule = OnlyRule(ReadOk(OneChain({R"([
    {"jump": {"target": "x"}}, {"goto": {"target": "y"}}, {"accept": null}, {"drop": null}, {"return": null},
    {"continue": null}, {"reject": {"type": "tcp reset"}}, {"reject": {"type": "icmpx", "expr": "admin-prohibited"}},
    {"reject": null}, {"queue": {"num": 1, "flags": ["bypass"]}}, {"reject": {"type": "icmpx", "expr": "port-unreachable"}},
    {"reject": {"type": "icmp", "expr": "port-unreachable"}}
  ])"})));
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"jump", "x", "jump x"},
      {"goto", "y", "goto y"},
      {"accept", "", "accept"},
      {"drop", "", "drop"},
      {"return", "", "return"},
      {"continue", "", "continue"},
      {"reject", "", "reject with tcp reset"},
      {"reject", "", "reject with icmpx admin-prohibited"},
      {"reject", "", "reject"},
      {"queue", "", "queue flags bypass to 1"},
      {"reject", "", "reject"},  // the default of an inet table
      {"reject", "", "reject with icmp port-unreachable"},
  };
  BOOST_TEST_REQUIRE(rule.statements.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& v = std::get<nft::VerdictStmt>(rule.statements[i]);
    BOOST_TEST(v.kind == std::get<0>(expected[i]));
    BOOST_TEST(v.target == std::get<1>(expected[i]));
    BOOST_TEST(v.text == std::get<2>(expected[i]));
  }
}

BOOST_AUTO_TEST_CASE(vmap_statement_keeps_key_and_map) {
  const nft::RuleSyntax rule = OnlyRule(
      ReadOk(OneChain({R"([{"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@m"}}])"})));
  const auto& v = std::get<nft::VmapStmt>(rule.statements.at(0));
  BOOST_TEST(v.key.protocol == "tcp");
  BOOST_TEST(v.map.kind == Kind::kSetRef);
  BOOST_TEST(v.map.text == "m");
  BOOST_TEST(rule.text == "tcp dport vmap @m");
}

BOOST_AUTO_TEST_CASE(nat_statements_keep_family_address_port_and_text) {
  const nft::RuleSyntax rule = OnlyRule(ReadOk(OneChain({R"([
    {"dnat": {"family": "ip", "addr": "10.0.0.1", "port": 8080}},
    {"dnat": {"family": "ip6", "addr": "::1", "port": 80}},
    {"snat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": "@nm"}}}},
    {"dnat": {"family": "ip", "addr": {"range": ["10.0.0.1", "10.0.0.5"]}, "port": {"range": [80, 90]}}},
    {"masquerade": {"flags": ["random", "persistent"]}},
    {"masquerade": {"port": {"range": [1024, 2048]}}},
    {"redirect": {"port": 8080}},
    {"snat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": {"set": [[{"prefix": {"addr": "10.0.0.0", "len": 8}}, {"prefix": {"addr": "192.168.0.0", "len": 16}}]]}}}, "flags": "netmap", "type_flags": "prefix"}}
  ])"})));
  const std::vector<std::string> texts = {
      "dnat ip to 10.0.0.1:8080",
      "dnat ip6 to [::1]:80",
      "snat ip to ip saddr map @nm",
      "dnat ip to 10.0.0.1-10.0.0.5:80-90",
      "masquerade random,persistent",
      "masquerade to :1024-2048",
      "redirect to :8080",
      "snat ip prefix to ip saddr map { 10.0.0.0/8 : 192.168.0.0/16 }",
  };
  BOOST_TEST_REQUIRE(rule.statements.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i)
    BOOST_TEST(std::get<nft::NatStmt>(rule.statements[i]).text == texts[i]);
  const auto& dnat = std::get<nft::NatStmt>(rule.statements[0]);
  BOOST_TEST(dnat.kind == "dnat");
  BOOST_TEST(dnat.family == "ip");
  BOOST_TEST_REQUIRE(dnat.address.has_value());
  BOOST_TEST(dnat.address->text == "10.0.0.1");
  BOOST_TEST_REQUIRE(dnat.port.has_value());
  BOOST_TEST(dnat.port->text == "8080");
  const auto& snat = std::get<nft::NatStmt>(rule.statements[2]);
  BOOST_TEST(snat.address->kind == Kind::kMapLookup);
  const auto& masquerade = std::get<nft::NatStmt>(rule.statements[4]);
  BOOST_TEST(masquerade.kind == "masquerade");
  BOOST_TEST(masquerade.family == "");
  BOOST_TEST(!masquerade.address.has_value());
}

BOOST_AUTO_TEST_CASE(other_statements_keep_keyword_set_name_and_text) {
  const nft::RuleSyntax rule = OnlyRule(ReadOk(OneChain({R"([
    {"counter": {"packets": 0, "bytes": 0}},
    {"counter": "c1"},
    {"log": {"prefix": "x: ", "level": "info", "flags": "all"}},
    {"limit": {"rate": 10, "burst": 5, "per": "second"}},
    {"limit": {"rate": 10, "burst": 20, "per": "minute"}},
    {"limit": {"rate": 1, "burst": 0, "per": "second", "inv": true, "rate_unit": "mbytes", "burst_unit": "bytes"}},
    {"quota": {"val": 10, "val_unit": "mbytes", "inv": true}},
    {"quota": {"map": {"key": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": "@q"}}},
    {"notrack": null},
    {"mangle": {"key": {"meta": {"key": "mark"}}, "value": 1}},
    {"mangle": {"key": {"ct": {"key": "mark"}}, "value": {"meta": {"key": "mark"}}}},
    {"mangle": {"key": {"payload": {"protocol": "ip", "field": "dscp"}}, "value": "cs1"}},
    {"set": {"op": "add", "elem": {"elem": {"val": {"payload": {"protocol": "ip", "field": "saddr"}}, "timeout": 90}}, "set": "@t"}},
    {"set": {"op": "update", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "set": "@t", "stmt": [{"limit": {"rate": 10, "per": "second"}}]}},
    {"map": {"op": "add", "elem": {"payload": {"protocol": "ip", "field": "saddr"}}, "data": 1, "map": "@dm"}},
    {"meter": {"name": "flood", "size": 128, "key": {"payload": {"protocol": "ip", "field": "saddr"}}, "stmt": {"limit": {"rate": 10, "per": "second"}}}},
    {"dup": {"addr": "10.0.0.1", "dev": "eth0"}},
    {"fwd": {"dev": "eth1"}},
    {"tproxy": {"family": "ip", "addr": "1.2.3.4", "port": 80}},
    {"synproxy": {"mss": 1460, "wscale": 7, "flags": ["timestamp", "sack-perm"]}},
    {"flow": {"op": "add", "flowtable": "@ft"}},
    {"ct helper": "ftp-standard"},
    {"xt": {"type": "match", "name": "conntrack"}}
  ])"})));
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"counter", "", "counter packets 0 bytes 0"},
      {"counter", "", "counter name \"c1\""},
      {"log", "", "log prefix \"x: \" level info flags all"},
      {"limit", "", "limit rate 10/second burst 5 packets"},
      {"limit", "", "limit rate 10/minute burst 20 packets"},
      {"limit", "", "limit rate over 1 mbytes/second"},
      {"quota", "", "quota over 10 mbytes"},
      {"quota", "", "quota name ip saddr map @q"},
      {"notrack", "", "notrack"},
      {"meta set", "", "meta mark set 1"},
      {"ct set", "", "ct mark set meta mark"},
      {"payload set", "", "ip dscp set cs1"},
      {"set add", "t", "add @t { ip saddr timeout 1m30s }"},
      {"set update", "t", "update @t { ip saddr limit rate 10/second }"},
      {"map add", "dm", "add @dm { ip saddr : 1 }"},
      {"meter", "flood", "meter flood size 128 { ip saddr limit rate 10/second }"},
      {"dup", "", "dup to 10.0.0.1 device \"eth0\""},
      {"fwd", "", "fwd to \"eth1\""},
      {"tproxy", "", "tproxy ip to 1.2.3.4:80"},
      {"synproxy", "", "synproxy mss 1460 wscale 7 timestamp sack-perm"},
      {"flow add", "ft", "flow add @ft"},
      {"ct set", "", "ct helper set \"ftp-standard\""},
      {"xt", "", "xt match conntrack"},
  };
  BOOST_TEST_REQUIRE(rule.statements.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& o = std::get<nft::OtherStmt>(rule.statements[i]);
    BOOST_TEST(o.keyword == std::get<0>(expected[i]));
    BOOST_TEST(o.set_name == std::get<1>(expected[i]));
    BOOST_TEST(o.text == std::get<2>(expected[i]));
  }
}

// iptables-nft 1.8.9 rules listed by nft 1.0.6: JSON shows its matches and
// targets as xt statements (the text listing translates some of them).
BOOST_AUTO_TEST_CASE(iptables_nft_extensions_are_kept_as_xt_statements) {
  const std::vector<std::string> texts = RuleTexts({
      R"([{"xt": {"type": "match", "name": "comment"}}, {"xt": {"type": "match", "name": "conntrack"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}])",
      R"([{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}])",
  });
  BOOST_TEST(texts == (std::vector<std::string>{"xt match comment xt match conntrack counter packets 0 bytes 0 accept",
                                                "tcp dport 80 counter packets 0 bytes 0 xt target DNAT"}),
             boost::test_tools::per_element());
  const nft::RuleSyntax rule = OnlyRule(ReadOk(OneChain({R"([{"xt": {"type": "target", "name": "DNAT"}}])"})));
  const auto& xt = std::get<nft::OtherStmt>(rule.statements.at(0));
  BOOST_TEST(xt.keyword == "xt");
}

BOOST_AUTO_TEST_CASE(set_elements_of_every_form_are_read) {
  nft::RulesetSyntax r = ReadOk(R"({"nftables": [
{"table": {"family": "inet", "name": "f"}},
{"set": {"family": "inet", "table": "f", "name": "s", "type": "ipv4_addr", "flags": ["interval", "timeout"],
         "elem": ["10.0.0.1", {"range": ["10.0.1.1", "10.0.1.9"]}, {"prefix": {"addr": "10.0.2.0", "len": 24}},
                  {"elem": {"val": "10.0.3.1", "timeout": 60, "comment": "c"}}]}},
{"set": {"family": "inet", "table": "f", "name": "ifs", "type": "ifname", "elem": "eth0"}},
{"set": {"family": "inet", "table": "f", "name": "tof", "type": {"typeof": {"concat": [{"meta": {"key": "iifname"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}},
         "elem": [{"concat": ["eth0", 22]}]}},
{"map": {"family": "inet", "table": "f", "name": "nm", "type": "ipv4_addr", "map": "ipv4_addr . inet_service",
         "elem": [["1.1.1.1", {"concat": ["10.0.0.1", 80]}], [{"elem": {"val": "1.1.1.2", "timeout": 10}}, {"concat": ["10.0.0.2", 81]}]]}},
{"map": {"family": "inet", "table": "f", "name": "tm", "type": {"typeof": {"payload": {"protocol": "ip", "field": "saddr"}}},
         "map": {"typeof": {"meta": {"key": "mark"}}}}},
{"set": {"family": "inet", "table": "f", "name": "fl", "type": "tcp_flag", "elem": [["syn", "ack"], {"|": ["fin", "ack"]}]}}
]})");
  const auto& sets = r.tables.at(0).sets;
  BOOST_TEST_REQUIRE(sets.size() == 6u);
  BOOST_TEST(sets[5].elements.at(0).kind == Kind::kList);
  BOOST_TEST(nft::Render(sets[5].elements.at(0)) == "syn,ack");
  BOOST_TEST(nft::Render(sets[5].elements.at(1)) == "fin | ack");
  std::vector<std::string> rendered;
  for (const Expr& e : sets[0].elements) rendered.push_back(nft::Render(e));
  BOOST_TEST(rendered == (std::vector<std::string>{"10.0.0.1", "10.0.1.1-10.0.1.9", "10.0.2.0/24", "10.0.3.1"}),
             boost::test_tools::per_element());
  BOOST_TEST(sets[0].flags == (std::vector<std::string>{"interval", "timeout"}), boost::test_tools::per_element());
  BOOST_TEST(nft::Render(sets[1].elements.at(0)) == "\"eth0\"");
  BOOST_TEST(sets[2].key_types.empty());
  BOOST_TEST_REQUIRE(sets[2].key_typeof.size() == 2u);
  BOOST_TEST(sets[2].key_typeof[0].field == "iifname");
  BOOST_TEST(sets[2].key_typeof[1].protocol == "tcp");
  BOOST_TEST(nft::Render(sets[2].elements.at(0)) == "\"eth0\" . 22");
  BOOST_TEST(sets[3].value_type == "ipv4_addr . inet_service");
  BOOST_TEST(nft::Render(sets[3].elements.at(0)) == "1.1.1.1 : 10.0.0.1 . 80");
  BOOST_TEST(nft::Render(sets[3].elements.at(1)) == "1.1.1.2 : 10.0.0.2 . 81");
  BOOST_TEST(sets[4].key_typeof.at(0).field == "saddr");
  BOOST_TEST(sets[4].value_type == "meta mark");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nft_json_commands)

constexpr const char* kPrelude =
    R"({"add": {"table": {"family": "inet", "name": "f"}}},
{"add": {"chain": {"family": "inet", "table": "f", "name": "c"}}},)";

std::vector<std::string> ChainTexts(const std::string& commands) {
  nft::RulesetSyntax r = ReadOk(std::string("{\"nftables\": [") + kPrelude + commands + "]}");
  std::vector<std::string> out;
  for (const auto& rule : r.tables.at(0).chains.at(0).rules) out.push_back(rule.text);
  return out;
}

std::string AddRule(const std::string& verb, const std::string& verdict, const std::string& position = "") {
  return R"({")" + verb + R"(": {"rule": {"family": "inet", "table": "f", "chain": "c")" + position +
         R"(, "expr": [{")" + verdict + R"(": null}]}}})";
}

BOOST_AUTO_TEST_CASE(add_appends_and_insert_prepends) {
  BOOST_TEST(ChainTexts(AddRule("add", "accept") + "," + AddRule("add", "drop") + "," + AddRule("insert", "return")) ==
                 (std::vector<std::string>{"return", "accept", "drop"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(add_and_insert_with_an_index_place_after_and_before_it) {
  const std::string three = AddRule("add", "accept") + "," + AddRule("add", "drop") + "," + AddRule("add", "return");
  BOOST_TEST(ChainTexts(three + "," + AddRule("add", "continue", R"(, "index": 0)")) ==
                 (std::vector<std::string>{"accept", "continue", "drop", "return"}),
             boost::test_tools::per_element());
  BOOST_TEST(ChainTexts(three + "," + AddRule("insert", "continue", R"(, "index": 2)")) ==
                 (std::vector<std::string>{"accept", "drop", "continue", "return"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(handles_place_replace_and_delete_listed_rules) {
  const std::string listed =
      R"({"rule": {"family": "inet", "table": "f", "chain": "c", "handle": 4, "expr": [{"accept": null}]}},
{"rule": {"family": "inet", "table": "f", "chain": "c", "handle": 5, "expr": [{"drop": null}]}},)";
  BOOST_TEST(ChainTexts(listed + AddRule("add", "continue", R"(, "handle": 4)")) ==
                 (std::vector<std::string>{"accept", "continue", "drop"}),
             boost::test_tools::per_element());
  BOOST_TEST(ChainTexts(listed + AddRule("insert", "continue", R"(, "handle": 5)")) ==
                 (std::vector<std::string>{"accept", "continue", "drop"}),
             boost::test_tools::per_element());
  BOOST_TEST(ChainTexts(listed + AddRule("replace", "return", R"(, "handle": 4)")) ==
                 (std::vector<std::string>{"return", "drop"}),
             boost::test_tools::per_element());
  BOOST_TEST(
      ChainTexts(listed + R"({"delete": {"rule": {"family": "inet", "table": "f", "chain": "c", "handle": 5}}})") ==
          (std::vector<std::string>{"accept"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(flush_ruleset_removes_what_came_before) {
  nft::RulesetSyntax r = ReadOk(R"({"nftables": [
{"table": {"family": "ip", "name": "old"}},
{"flush": {"ruleset": null}},
{"add": {"table": {"family": "inet", "name": "mytable"}}},
{"add": {"chain": {"family": "inet", "table": "mytable", "name": "mychain", "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}}},
{"add": {"rule": {"family": "inet", "table": "mytable", "chain": "mychain",
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"accept": null}]}}}
]})");
  BOOST_TEST_REQUIRE(r.tables.size() == 1u);
  BOOST_TEST(r.tables[0].name == "mytable");
  const nft::ChainSyntax& c = r.tables[0].chains.at(0);
  BOOST_TEST(Show(c.policy) == "drop");
  BOOST_TEST_REQUIRE(c.rules.size() == 1u);
  BOOST_TEST(c.rules[0].text == "tcp dport 22 accept");
  BOOST_TEST(!c.rules[0].handle.has_value());
}

BOOST_AUTO_TEST_CASE(flush_and_delete_of_tables_chains_and_elements) {
  nft::RulesetSyntax r = ReadOk(std::string("{\"nftables\": [") + kPrelude + AddRule("add", "accept") + R"(,
{"add": {"chain": {"family": "inet", "table": "f", "name": "gone"}}},
{"add": {"set": {"family": "inet", "table": "f", "name": "s", "type": "ipv4_addr", "elem": ["1.1.1.1"]}}},
{"add": {"element": {"family": "inet", "table": "f", "name": "s", "elem": ["2.2.2.2", "3.3.3.3"]}}},
{"delete": {"element": {"family": "inet", "table": "f", "name": "s", "elem": "2.2.2.2"}}},
{"delete": {"chain": {"family": "inet", "table": "f", "name": "gone"}}},
{"flush": {"table": {"family": "inet", "name": "f"}}},
{"add": {"table": {"family": "ip", "name": "t2"}}},
{"delete": {"table": {"family": "ip", "name": "t2"}}},
{"rename": {"chain": {"family": "inet", "table": "f", "name": "c", "newname": "d"}}}
]})");
  BOOST_TEST_REQUIRE(r.tables.size() == 1u);
  const nft::TableSyntax& t = r.tables[0];
  BOOST_TEST_REQUIRE(t.chains.size() == 1u);
  BOOST_TEST(t.chains[0].name == "d");
  BOOST_TEST(t.chains[0].rules.empty());
  std::vector<std::string> elements;
  for (const Expr& e : t.sets.at(0).elements) elements.push_back(nft::Render(e));
  BOOST_TEST(elements == (std::vector<std::string>{"1.1.1.1", "3.3.3.3"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(commands_on_what_does_not_exist_are_errors_at_the_command) {
  const std::string text = std::string("{\"nftables\": [") + kPrelude + "\n" +
                           R"({"delete": {"rule": {"family": "inet", "table": "f", "chain": "c", "handle": 9}}},)" +
                           "\n" + R"({"create": {"table": {"family": "inet", "name": "f"}}},)" + "\n" +
                           R"({"add": {"chain": {"family": "ip", "table": "nope", "name": "c"}}}]})";
  BOOST_TEST(ReadErrors(text) ==
             "ruleset.json:3:1: error: no rule with handle 9 in chain c of table inet f\n"
             "{\"delete\": {\"rule\": {\"family\": \"inet\", \"table\": \"f\", \"chain\": \"c\", \"handle\": 9}}},\n"
             "^\n"
             "ruleset.json:4:1: error: table inet f exists\n"
             "{\"create\": {\"table\": {\"family\": \"inet\", \"name\": \"f\"}}},\n"
             "^\n"
             "ruleset.json:5:1: error: no table ip nope\n"
             "{\"add\": {\"chain\": {\"family\": \"ip\", \"table\": \"nope\", \"name\": \"c\"}}}]}\n"
             "^\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nft_json_diagnostics)

BOOST_AUTO_TEST_CASE(a_json_syntax_error_is_one_error_at_its_line_and_column) {
  const std::string text =
      "{\"nftables\": [\n"
      "  {\"table\": {\"family\": \"ip\", \"name\": \"t\",}}\n"
      "]}\n";
  BOOST_TEST(ReadErrors(text) ==
             "ruleset.json:2:42: error: invalid JSON: syntax error while parsing object key - unexpected '}'; "
             "expected string literal\n"
             "  {\"table\": {\"family\": \"ip\", \"name\": \"t\",}}\n"
             "                                         ^\n");
}

BOOST_AUTO_TEST_CASE(json_nested_too_deeply_is_one_error_where_it_gets_too_deep) {
  const std::string text = "{\"nftables\": [\n" + std::string(300, '[') + std::string(300, ']') + "]}\n";
  std::vector<Diagnostic> diagnostics;
  ReadNftJson(text, kFile, diagnostics);
  BOOST_TEST_REQUIRE(diagnostics.size() == 1u);
  BOOST_TEST(diagnostics[0].message == "JSON nested deeper than 256 levels");
  BOOST_TEST(diagnostics[0].location == (rules::SourceLocation{kFile, 2, 255}));
}

BOOST_AUTO_TEST_CASE(a_document_without_an_nftables_array_is_an_error) {
  BOOST_TEST(ReadErrors("{\"tables\": []}\n") ==
             "ruleset.json:1:1: error: expected an object with an \"nftables\" array\n"
             "{\"tables\": []}\n"
             "^\n");
}

BOOST_AUTO_TEST_CASE(an_object_that_is_no_json_object_is_an_error_and_not_applied) {
  std::vector<Diagnostic> diagnostics;
  nft::RulesetSyntax r = ReadNftJson("{\"nftables\": [{\"table\": 5}]}", kFile, diagnostics);
  BOOST_TEST(Rendered(diagnostics) ==
             "ruleset.json:1:15: error: \"table\" expects an object\n"
             "{\"nftables\": [{\"table\": 5}]}\n"
             "              ^\n");
  BOOST_TEST(r.tables.empty());
  BOOST_TEST(r.ignored.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_object_without_the_members_nft_requires_is_an_error) {
  BOOST_TEST(ReadErrors("{\"nftables\": [{\"add\": {\"table\": {\"name\": \"t\"}}},\n"
                        "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"expr\": []}}]}") ==
             "ruleset.json:1:15: error: \"table\" lacks \"family\"\n"
             "{\"nftables\": [{\"add\": {\"table\": {\"name\": \"t\"}}},\n"
             "              ^\n"
             "ruleset.json:2:1: error: \"rule\" lacks \"chain\"\n"
             "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"expr\": []}}]}\n"
             "^\n");
}

BOOST_AUTO_TEST_CASE(a_table_is_deleted_by_its_handle) {
  nft::RulesetSyntax r = ReadOk(R"({"nftables": [
{"table": {"family": "ip", "name": "a", "handle": 3}},
{"table": {"family": "ip", "name": "b", "handle": 4}},
{"delete": {"table": {"family": "ip", "handle": 4}}}
]})");
  BOOST_TEST_REQUIRE(r.tables.size() == 1u);
  BOOST_TEST(r.tables[0].name == "a");
}

BOOST_AUTO_TEST_CASE(an_unknown_object_is_kept_as_ignored_with_a_warning) {
  std::vector<Diagnostic> diagnostics;
  nft::RulesetSyntax r = ReadNftJson(
      "{\"nftables\": [\n"
      "{\"table\": {\"family\": \"ip\", \"name\": \"t\"}},\n"
      "{\"gizmo\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"g\"}}\n"
      "]}\n",
      kFile, diagnostics);
  BOOST_TEST(Rendered(diagnostics) ==
             "ruleset.json:3:1: warning: unknown object \"gizmo\" kept as ignored\n"
             "{\"gizmo\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"g\"}}\n"
             "^\n");
  BOOST_TEST_REQUIRE(r.ignored.size() == 1u);
  BOOST_TEST(r.ignored[0].location == (rules::SourceLocation{kFile, 3, 1}));
  BOOST_TEST(r.ignored[0].text == R"({"gizmo":{"family":"ip","name":"g","table":"t"}})");
  BOOST_TEST(r.tables.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_unknown_expression_or_statement_is_kept_with_a_warning) {
  std::vector<Diagnostic> diagnostics;
  nft::RulesetSyntax r = ReadNftJson(
      OneChain(
          {R"([{"match": {"op": "==", "left": {"frobnicate": {"key": "x"}}, "right": 1}}, {"teleport": {"to": "mars"}}, {"accept": null}])"}),
      kFile, diagnostics);
  const std::string line = LineAt(
      OneChain(
          {R"([{"match": {"op": "==", "left": {"frobnicate": {"key": "x"}}, "right": 1}}, {"teleport": {"to": "mars"}}, {"accept": null}])"}),
      4);
  BOOST_TEST(Rendered(diagnostics) == "ruleset.json:4:1: warning: unknown expression \"frobnicate\" kept as is\n" +
                                          line +
                                          "\n^\n"
                                          "ruleset.json:4:1: warning: unknown statement \"teleport\" kept as is\n" +
                                          line + "\n^\n");
  const nft::RuleSyntax rule = OnlyRule(r);
  const auto& m = std::get<nft::Match>(rule.statements.at(0));
  BOOST_TEST(m.left.kind == Kind::kSelector);
  BOOST_TEST(m.left.protocol == "frobnicate");
  BOOST_TEST(m.left.field == R"({"key":"x"})");
  const auto& o = std::get<nft::OtherStmt>(rule.statements.at(1));
  BOOST_TEST(o.keyword == "teleport");
  BOOST_TEST(o.text == R"(teleport {"to":"mars"})");
  BOOST_TEST(rule.text == R"(frobnicate {"key":"x"} 1 teleport {"to":"mars"} accept)");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
