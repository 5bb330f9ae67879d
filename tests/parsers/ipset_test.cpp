// The ipset front end: `ipset save` dumps into rules::NamedSets. Expected
// element forms and errors were checked against ipset 7.17 (ipset restore
// and ipset save in a network namespace).
#include <boost/test/unit_test.hpp>

#include "parsers/ipset/ipset_elements.h"
#include "parsers/ipset/ipset_lowering.h"

namespace ghostport::parsers {
namespace {

using rules::Family;
using rules::SetKeyType;
using rules::u128;

constexpr const char* kDump = "ipset.save";

std::string Rendered(const ParseResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += Render(d);
  return out;
}

ParseResult DumpOk(const std::string& text) {
  ParseResult r = ParseIpsetSave(text, kDump);
  BOOST_TEST_REQUIRE(Rendered(r) == "");
  return r;
}

std::string DumpErrors(const std::string& text) { return Rendered(ParseIpsetSave(text, kDump)); }

std::string Diag(int line, int column, const std::string& message, const std::string& source,
                 const std::string& severity = "error") {
  return std::string(kDump) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + severity + ": " +
         message + "\n" + source + "\n" + std::string(static_cast<std::size_t>(column - 1), ' ') + "^\n";
}

const rules::NamedSet& SetNamed(const ParseResult& r, const std::string& name) {
  int i = r.ruleset.FindSet("", name);
  BOOST_TEST_REQUIRE(i >= 0);
  return r.ruleset.sets[static_cast<std::size_t>(i)];
}

u128 V4(const std::string& a) { return *rules::ParseIpv4(a); }
u128 V6(const std::string& a) { return *rules::ParseIpv6(a); }

// The values of component `k` over every element: a union of ranges.
rules::IntervalSet<u128> ComponentUnion(const rules::NamedSet& set, std::size_t k) {
  std::vector<rules::Interval<u128>> ranges;
  for (const auto& e : set.elements) ranges.push_back(e.key.at(k).range);
  return rules::IntervalSet<u128>::FromIntervals(std::move(ranges));
}

// One element's ranges, component by component, as [lo, hi] pairs.
using Ranges = std::vector<std::pair<u128, u128>>;
std::vector<Ranges> Elements(const rules::NamedSet& set) {
  std::vector<Ranges> out;
  for (const auto& e : set.elements) {
    Ranges r;
    for (const auto& c : e.key) r.emplace_back(c.range.lo, c.range.hi);
    out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

BOOST_AUTO_TEST_SUITE(ipset_dumps)

BOOST_AUTO_TEST_CASE(hash_ip_holds_addresses_prefixes_and_ranges) {
  ParseResult r = DumpOk(
      "create blocklist hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xe519a4e1\n"
      "add blocklist 10.0.0.1\n"
      "add blocklist 10.0.1.0/30\n"
      "add blocklist 10.0.2.1-10.0.2.9\n");
  BOOST_TEST(r.ruleset.tables.empty());
  BOOST_TEST(r.ruleset.inputs == (std::vector<std::string>{kDump}), boost::test_tools::per_element());
  const rules::NamedSet& s = SetNamed(r, "blocklist");
  BOOST_TEST(s.table == "");
  BOOST_TEST(s.contents_known);
  BOOST_TEST(!s.dynamic);
  BOOST_TEST((s.key == std::vector<SetKeyType>{SetKeyType::kIpv4}));
  BOOST_TEST((s.location == rules::SourceLocation{kDump, 1, 1}));
  BOOST_TEST((Elements(s) == std::vector<Ranges>{{{V4("10.0.0.1"), V4("10.0.0.1")}},
                                                  {{V4("10.0.1.0"), V4("10.0.1.3")}},
                                                  {{V4("10.0.2.1"), V4("10.0.2.9")}}}));
  BOOST_TEST(r.ruleset.ignored.empty());
}

BOOST_AUTO_TEST_CASE(a_timeout_in_create_makes_the_set_dynamic) {
  ParseResult r = DumpOk(
      "create seen hash:ip family inet6 hashsize 1024 maxelem 65536 timeout 300 bucketsize 12 initval 0x7ad1b307\n"
      "add seen 2001:db8::1 timeout 99\n"
      "create fixed hash:ip family inet6\n");
  const rules::NamedSet& seen = SetNamed(r, "seen");
  BOOST_TEST(seen.dynamic);
  BOOST_TEST((seen.key == std::vector<SetKeyType>{SetKeyType::kIpv6}));
  BOOST_TEST((Elements(seen) == std::vector<Ranges>{{{V6("2001:db8::1"), V6("2001:db8::1")}}}));
  BOOST_TEST(!SetNamed(r, "fixed").dynamic);
  BOOST_TEST(DumpOk("create t hash:ip timeout 0\n").ruleset.sets.at(0).dynamic);
}

BOOST_AUTO_TEST_CASE(hash_ip_port_elements_carry_the_protocol_with_the_port) {
  ParseResult r = DumpOk(
      "create web hash:ip,port family inet hashsize 1024 maxelem 65536 counters comment\n"
      "add web 10.0.0.1,tcp:80 packets 0 bytes 0 comment \"web server\"\n"
      "add web 10.0.0.1,udp:53 packets 0 bytes 0\n"
      "add web 10.0.0.2,443\n"
      "add web 10.0.0.3,tcp:8000-8010\n"
      "add web 10.0.0.4,icmp:echo-request\n"
      "add web 10.0.0.5,icmp:3/1\n"
      "add web 10.0.0.6,gre:0\n"
      "add web 10.0.0.7,SCTP:9\n"
      "add web 10.0.0.8,udp:domain\n"
      "add web 10.0.0.9,icmp:ping\n");
  const rules::NamedSet& s = SetNamed(r, "web");
  BOOST_TEST((s.key == std::vector<SetKeyType>{SetKeyType::kIpv4, SetKeyType::kProtocol, SetKeyType::kPort}));
  auto element = [&](const std::string& a, u128 proto, u128 lo, u128 hi) {
    return Ranges{{V4(a), V4(a)}, {proto, proto}, {lo, hi}};
  };
  std::vector<Ranges> expected = {
      element("10.0.0.1", 6, 80, 80),     element("10.0.0.1", 17, 53, 53), element("10.0.0.2", 6, 443, 443),
      element("10.0.0.3", 6, 8000, 8010), element("10.0.0.4", 1, 0x0800, 0x0800),
      element("10.0.0.5", 1, 0x0301, 0x0301), element("10.0.0.6", 47, 0, 0), element("10.0.0.7", 132, 9, 9),
      element("10.0.0.8", 17, 53, 53),    element("10.0.0.9", 1, 0x0800, 0x0800),
  };
  std::sort(expected.begin(), expected.end());
  BOOST_TEST((Elements(s) == expected));
}

BOOST_AUTO_TEST_CASE(icmp_names_are_ipsets_names_and_their_unambiguous_prefixes) {
  BOOST_TEST(*IpsetIcmpTypeCode(1, "echo-request") == 0x0800);
  BOOST_TEST(*IpsetIcmpTypeCode(1, "PONG") == 0x0000);
  BOOST_TEST(*IpsetIcmpTypeCode(1, "host-unr") == 0x0301);
  BOOST_TEST(!IpsetIcmpTypeCode(1, "echo").has_value());  // echo-reply or echo-request
  BOOST_TEST(*IpsetIcmpTypeCode(58, "echo-request") == 0x8000);
  BOOST_TEST(*IpsetIcmpTypeCode(58, "neigbour-solicitation") == 0x8700);  // ipset's own spelling, too
  BOOST_TEST(!IpsetIcmpTypeCode(1, "frobnicate").has_value());
}

BOOST_AUTO_TEST_CASE(nomatch_elements_carve_holes_in_a_hash_net) {
  ParseResult r = DumpOk(
      "create nets hash:net family inet hashsize 1024 maxelem 65536\n"
      "add nets 10.0.0.0/8\n"
      "add nets 10.1.0.0/16 nomatch\n"
      "add nets 10.1.2.0/24\n"
      "add nets 192.168.0.0/29\n"
      "add nets 192.168.0.4 nomatch\n");
  const rules::NamedSet& s = SetNamed(r, "nets");
  const auto members = ComponentUnion(s, 0);
  const auto expected = rules::IntervalSet<u128>::FromIntervals({
      {V4("10.0.0.0"), V4("10.0.255.255")},
      {V4("10.1.2.0"), V4("10.1.2.255")},
      {V4("10.2.0.0"), V4("10.255.255.255")},
      {V4("192.168.0.0"), V4("192.168.0.3")},
      {V4("192.168.0.5"), V4("192.168.0.7")},
  });
  BOOST_TEST((members == expected));
  // The pieces do not overlap: each address is in one element at most.
  u128 total = 0;
  for (const auto& e : s.elements) total += e.key[0].range.hi - e.key[0].range.lo + 1;
  BOOST_TEST((total == members.Size()));
}

BOOST_AUTO_TEST_CASE(a_less_specific_nomatch_does_not_override_a_more_specific_member) {
  ParseResult r = DumpOk(
      "create nets hash:net\n"
      "add nets 10.1.2.0/24\n"
      "add nets 10.0.0.0/8 nomatch\n");
  BOOST_TEST((ComponentUnion(SetNamed(r, "nets"), 0) ==
              rules::IntervalSet<u128>::Range(V4("10.1.2.0"), V4("10.1.2.255"))));
}

BOOST_AUTO_TEST_CASE(a_range_in_a_net_set_with_nomatch_is_read_as_the_prefixes_covering_it) {
  ParseResult r = DumpOk(
      "create nets hash:net\n"
      "add nets 192.168.0.0-192.168.0.10\n"
      "add nets 192.168.0.8/30 nomatch\n"
      "add nets 192.168.0.9 nomatch\n");
  // 0.0/29, 0.8/31 and 0.10/32: the /30 exception is less specific than
  // 0.8/31 and 0.10, so only 0.9 is carved out.
  BOOST_TEST((ComponentUnion(SetNamed(r, "nets"), 0) ==
              rules::IntervalSet<u128>::Range(V4("192.168.0.0"), V4("192.168.0.8"))
                  .Union(rules::IntervalSet<u128>::Single(V4("192.168.0.10")))));
}

BOOST_AUTO_TEST_CASE(nomatch_in_hash_net_port_carves_only_its_own_port) {
  ParseResult r = DumpOk(
      "create np hash:net,port family inet\n"
      "add np 10.0.0.0/28,tcp:22 nomatch\n"
      "add np 10.0.0.0/24,tcp:22\n"
      "add np 10.0.0.0/24,tcp:80\n");
  const rules::NamedSet& s = SetNamed(r, "np");
  std::vector<Ranges> expected = {
      {{V4("10.0.0.16"), V4("10.0.0.255")}, {6, 6}, {22, 22}},
      {{V4("10.0.0.0"), V4("10.0.0.255")}, {6, 6}, {80, 80}},
  };
  std::sort(expected.begin(), expected.end());
  BOOST_TEST((Elements(s) == expected));
}

BOOST_AUTO_TEST_CASE(hash_net_iface_names_interfaces_and_wildcards) {
  ParseResult r = DumpOk(
      "create ni hash:net,iface family inet\n"
      "add ni 10.0.0.0/8,eth0\n"
      "add ni 192.168.0.0/16,wg wildcard\n");
  const rules::NamedSet& s = SetNamed(r, "ni");
  BOOST_TEST((s.key == std::vector<SetKeyType>{SetKeyType::kIpv4, SetKeyType::kInterface}));
  BOOST_TEST_REQUIRE(s.elements.size() == 2u);
  BOOST_TEST((s.elements[0].key[1].name == rules::InterfaceName{"eth0", false}));
  BOOST_TEST((s.elements[1].key[1].name == rules::InterfaceName{"wg", true}));
}

BOOST_AUTO_TEST_CASE(bridge_ports_make_the_contents_unknown) {
  const std::string add = "add ni 10.0.0.0/8,physdev:eth1";
  ParseResult r = ParseIpsetSave("create ni hash:net,iface\n" + add + "\n", kDump);
  BOOST_TEST(Rendered(r) == Diag(2, 8,
                                 "the contents of set \"ni\" are unknown from here on: bridge ports (\"physdev:\") "
                                 "are not modelled",
                                 add, "warning"));
  BOOST_TEST(!r.ruleset.sets.at(0).contents_known);
  BOOST_TEST(r.ruleset.sets.at(0).key.empty());
}

BOOST_AUTO_TEST_CASE(bitmap_sets_hold_ports_and_masked_addresses) {
  ParseResult r = DumpOk(
      "create bp bitmap:port range 0-1024\n"
      "add bp 22\n"
      "add bp 80-82\n"
      "add bp tcp:443\n"
      "create bip bitmap:ip range 10.0.0.0-10.0.0.255 netmask 28\n"
      "add bip 10.0.0.17\n");
  const rules::NamedSet& bp = SetNamed(r, "bp");
  BOOST_TEST((bp.key == std::vector<SetKeyType>{SetKeyType::kPort}));
  BOOST_TEST((Elements(bp) == std::vector<Ranges>{{{22, 22}}, {{80, 82}}, {{443, 443}}}));
  BOOST_TEST((Elements(SetNamed(r, "bip")) == std::vector<Ranges>{{{V4("10.0.0.16"), V4("10.0.0.31")}}}));
}

BOOST_AUTO_TEST_CASE(hash_ip_with_a_netmask_stands_for_whole_prefixes) {
  ParseResult r = DumpOk("create m hash:ip family inet6 netmask 64\nadd m 2001:db8::\n");
  BOOST_TEST((Elements(SetNamed(r, "m")) ==
              std::vector<Ranges>{{{V6("2001:db8::"), V6("2001:db8::ffff:ffff:ffff:ffff")}}}));
}

BOOST_AUTO_TEST_CASE(three_part_types) {
  ParseResult r = DumpOk(
      "create ipi hash:ip,port,ip\n"
      "add ipi 10.0.0.1,udp:53,10.0.0.2\n"
      "create ipn hash:ip,port,net\n"
      "add ipn 10.0.0.1,tcp:25,192.168.0.0/24\n"
      "add ipn 10.0.0.1,tcp:25,192.168.0.128/25 nomatch\n");
  BOOST_TEST((SetNamed(r, "ipi").key == std::vector<SetKeyType>{SetKeyType::kIpv4, SetKeyType::kProtocol,
                                                                  SetKeyType::kPort, SetKeyType::kIpv4}));
  BOOST_TEST((Elements(SetNamed(r, "ipn")) ==
              std::vector<Ranges>{{{V4("10.0.0.1"), V4("10.0.0.1")}, {6, 6}, {25, 25},
                                   {V4("192.168.0.0"), V4("192.168.0.127")}}}));
}

BOOST_AUTO_TEST_CASE(a_list_set_keeps_its_members_in_order_and_is_not_a_named_set) {
  IpsetDump dump;
  std::vector<Diagnostic> diagnostics;
  std::vector<rules::IgnoredLine> ignored;
  ReadIpsetDump(
      "create a hash:ip\n"
      "create b hash:net\n"
      "create c hash:ip\n"
      "create ls list:set size 8\n"
      "add ls a\n"
      "add ls c\n"
      "add ls b before c\n",
      kDump, dump, diagnostics, ignored);
  BOOST_TEST(diagnostics.empty());
  const Ipset* ls = dump.Find("ls");
  BOOST_TEST_REQUIRE(ls != nullptr);
  BOOST_TEST(ls->IsList());
  BOOST_TEST(ls->members == (std::vector<std::string>{"a", "b", "c"}), boost::test_tools::per_element());
  BOOST_TEST(!ls->family.has_value());
  BOOST_TEST(IpsetNamedSets(dump).size() == 3u);
  BOOST_TEST_REQUIRE(ignored.size() == 4u);
  BOOST_TEST(ignored[0].reason == "list:set ls: a -m set match on it is lowered into matches on its members");
}

BOOST_AUTO_TEST_CASE(types_whose_contents_are_not_modelled_are_sets_of_unknown_contents) {
  ParseResult r = DumpOk(
      "create macs hash:ip,mac\n"
      "add macs 10.0.0.1,00:11:22:33:44:55\n"
      "create marks hash:ip,mark markmask 0xff\n");
  BOOST_TEST(!SetNamed(r, "macs").contents_known);
  BOOST_TEST(SetNamed(r, "macs").elements.empty());
  BOOST_TEST(!SetNamed(r, "marks").contents_known);
  BOOST_TEST_REQUIRE(r.ruleset.ignored.size() == 1u);
  BOOST_TEST(r.ruleset.ignored[0].reason ==
             "an element of macs, whose contents are not modelled: MAC addresses are not modelled");
}

BOOST_AUTO_TEST_CASE(comments_blank_lines_crlf_commit_and_exist_flags_are_read) {
  ParseResult r = DumpOk("# ipset save\r\n\r\ncreate a hash:ip -exist\r\n  add a 10.0.0.1  \r\n-exist add a 10.0.0.2\nCOMMIT\n");
  BOOST_TEST(SetNamed(r, "a").elements.size() == 2u);
}

BOOST_AUTO_TEST_CASE(what_ipset_save_printed_reads_back_without_a_diagnostic) {
  DumpOk(
      "create a hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xe519a4e1\n"
      "add a 10.0.1.0\n"
      "create ipp hash:ip,port family inet hashsize 1024 maxelem 65536 counters comment bucketsize 12 initval 0x383bde74\n"
      "add ipp 10.0.0.1,icmp:echo-request packets 0 bytes 0\n"
      "add ipp 10.0.0.5,gre:0 packets 0 bytes 0\n"
      "add ipp 10.0.0.1,tcp:80 packets 0 bytes 0 comment \"web server\"\n"
      "create p hash:ip,port family inet hashsize 1024 maxelem 65536 timeout 60 counters comment skbinfo\n"
      "add p 10.0.0.15,tcp:22 timeout 59 packets 5 bytes 10 skbmark 0x1 skbprio 1:2 skbqueue 3\n"
      "create v6 hash:ip,port family inet6 hashsize 1024 maxelem 65536 bucketsize 12 initval 0x64e33c62\n"
      "add v6 ::1,ipv6-icmp:1/9\n"
      "add v6 ::1,ipv6-icmp:echo-request\n"
      "create net hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x30112809\n"
      "add net 10.1.0.0/16 nomatch\n"
      "create netport hash:net,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x5e2300ce\n"
      "add netport 10.0.0.0/28,tcp:22 nomatch\n"
      "create netiface hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xa93c68ad\n"
      "add netiface 10.0.0.0/8,eth0\n"
      "create bp bitmap:port range 0-1024\n"
      "add bp 22\n"
      "create bip bitmap:ip range 10.0.0.0-10.0.0.255\n"
      "add bip 10.0.0.5\n"
      "create bipmac bitmap:ip,mac range 10.0.0.0-10.0.0.255\n"
      "create ls list:set size 8\n"
      "add ls a\n"
      "add ls net\n");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ipset_dump_errors)

BOOST_AUTO_TEST_CASE(create_errors) {
  BOOST_TEST(DumpErrors("create a hash:foo\n") == Diag(1, 10, "unknown set type \"hash:foo\"", "create a hash:foo"));
  BOOST_TEST(DumpErrors("create a hash:ip\ncreate a hash:net\n") ==
             Diag(2, 8, "set \"a\" is already created (ipset.save:1)", "create a hash:net"));
  BOOST_TEST(DumpErrors("create a hash:ip foo 1\n") ==
             Diag(1, 18, "unknown option \"foo\" for a hash:ip set", "create a hash:ip foo 1"));
  BOOST_TEST(DumpErrors("create a bitmap:port\n") ==
             Diag(1, 10, "a bitmap:port set needs \"range\"", "create a bitmap:port"));
  BOOST_TEST(DumpErrors("create a bitmap:port range 0-100 family inet\n") ==
             Diag(1, 34, "a bitmap:port set takes no \"family\" option", "create a bitmap:port range 0-100 family inet"));
  BOOST_TEST(DumpErrors("create a hash:ip family inet6 netmask 129\n") ==
             Diag(1, 39, "bad number \"129\" (0 to 128)", "create a hash:ip family inet6 netmask 129"));
  BOOST_TEST(DumpErrors("create a hash:ip timeout 99999999999\n") ==
             Diag(1, 26, "bad number \"99999999999\" (0 to 2147483)", "create a hash:ip timeout 99999999999"));
  BOOST_TEST(DumpErrors("create a bitmap:ip range 10.0.0.0/8\n") ==
             Diag(1, 26, "range \"10.0.0.0/8\" holds more than 65536 elements, the most a bitmap set takes",
                  "create a bitmap:ip range 10.0.0.0/8"));
  BOOST_TEST(DumpErrors("create\n") == Diag(1, 1, "\"create\" needs a set name and a type", "create"));
  BOOST_TEST(DumpErrors("destroy a\n") ==
             Diag(1, 1, "unknown command \"destroy\" (an ipset dump has create and add lines)", "destroy a"));
}

BOOST_AUTO_TEST_CASE(add_errors) {
  BOOST_TEST(DumpErrors("add b 10.0.0.1\n") == Diag(1, 5, "set \"b\" is not created before this line", "add b 10.0.0.1"));
  const std::string create = "create p hash:ip,port\n";
  BOOST_TEST(DumpErrors(create + "add p 10.0.0.8\n") ==
             Diag(2, 7, "a hash:ip,port element has 2 parts separated by \",\"; \"10.0.0.8\" has 1", "add p 10.0.0.8"));
  BOOST_TEST(DumpErrors(create + "add p 10.0.0.8,dccp:9\n") ==
             Diag(2, 7, "protocol \"dccp\" takes only the pseudo port 0", "add p 10.0.0.8,dccp:9"));
  BOOST_TEST(DumpErrors(create + "add p 10.0.0.8,ipv6-icmp:0\n") ==
             Diag(2, 7, "ICMPv6 elements need a set of family inet6", "add p 10.0.0.8,ipv6-icmp:0"));
  BOOST_TEST(DumpErrors(create + "add p 10.0.0.8,tcp:http-x\n") ==
             Diag(2, 7, "bad port \"x\"", "add p 10.0.0.8,tcp:http-x"));
  BOOST_TEST(DumpErrors("create a hash:ip\nadd a 10.0.0.1 nomatch\n") ==
             Diag(2, 16, "a hash:ip set has no nomatch elements (only types with a net do)",
                  "add a 10.0.0.1 nomatch"));
  BOOST_TEST(DumpErrors("create a hash:net\nadd a 10.0.0.0/8 timeout 5\n") ==
             Diag(2, 18, "\"timeout\" needs a set created with \"timeout\"", "add a 10.0.0.0/8 timeout 5"));
  BOOST_TEST(DumpErrors("create a hash:net\nadd a 10.0.0.0/0\n") ==
             Diag(2, 7, "bad net \"10.0.0.0/0\" (IP/1 to IP/32)", "add a 10.0.0.0/0"));
  BOOST_TEST(DumpErrors("create a hash:ip family inet6\nadd a 2001:db8::/126\n") ==
             Diag(2, 7, "a plain address is needed here, not \"2001:db8::/126\"", "add a 2001:db8::/126"));
  BOOST_TEST(DumpErrors("create a hash:ip family inet6\nadd a 10.0.0.1\n") ==
             Diag(2, 7, "bad IPv6 address \"10.0.0.1\"", "add a 10.0.0.1"));
  BOOST_TEST(DumpErrors("create b bitmap:port range 1-1000\nadd b 1001\n") ==
             Diag(2, 7, "\"1001\" is outside the set's range", "add b 1001"));
  BOOST_TEST(DumpErrors("create n hash:net,iface\nadd n 10.0.0.0/8,abcdefghijklmnop\n") ==
             Diag(2, 7, "bad interface name \"abcdefghijklmnop\" (1 to 15 characters)",
                  "add n 10.0.0.0/8,abcdefghijklmnop"));
  BOOST_TEST(DumpErrors("create a hash:ip comment\nadd a 10.0.0.1 comment \"unterminated\n") ==
             Diag(2, 24, "unterminated quote", "add a 10.0.0.1 comment \"unterminated"));
  BOOST_TEST(DumpErrors("create ls list:set\nadd ls nope\n") ==
             Diag(2, 8, "set \"nope\" is not created before this line", "add ls nope"));
  BOOST_TEST(DumpErrors("create ls list:set\ncreate l2 list:set\nadd ls l2\n") ==
             Diag(3, 8, "a list:set cannot hold another list:set (\"l2\")", "add ls l2"));
}

BOOST_AUTO_TEST_CASE(a_host_name_makes_the_contents_unknown_never_resolved) {
  const std::string add = "add a host.example";
  ParseResult r = ParseIpsetSave("create a hash:net\n" + add + "\n", kDump);
  BOOST_TEST(Rendered(r) ==
             Diag(2, 7,
                  "the contents of set \"a\" are unknown from here on: the host name \"host.example\" is resolved when "
                  "the set is loaded; ghostport never looks names up",
                  add, "warning"));
  BOOST_TEST(!r.ruleset.sets.at(0).contents_known);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
