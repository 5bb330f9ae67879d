// What nft refuses in a rule it can parse, refused here too with the
// offending token's location: field values and widths, symbol names,
// string lengths, statement options, family and object references.
#include <boost/test/unit_test.hpp>

#include "tests/parsers/nft_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers

// A table of `family` with one input chain holding `rule` (on line 4).
std::string InTable(const std::string& family, const std::string& rule) {
  return "table " + family + " t {\n  chain c {\n    type filter hook input priority 0;\n    " + rule + "\n  }\n}\n";
}

std::string ErrorAt(int column, const std::string& message, const std::string& rule) {
  return NftDiag(4, column, message, "    " + rule);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nft_refusals)

BOOST_AUTO_TEST_CASE(field_values_outside_the_fields_width_are_refused) {
  const std::string vlan = "vlan id 4094 vlan dei 2";
  BOOST_TEST(NftErrors(InTable("bridge", vlan)) == ErrorAt(27, "\"2\" is not a value of vlan dei (0-1; nft refuses it)", vlan));
  const std::string set = "vlan id { 1, 4096 }";
  BOOST_TEST(NftErrors(InTable("netdev", set)) == ErrorAt(18, "\"4096\" is not a value of vlan id (0-4095; nft refuses it)", set));
  const std::string srh = "srh tag { 0, 4-127, 0x10000 }";
  BOOST_TEST(NftErrors(InTable("ip6", srh)) == ErrorAt(25, "\"0x10000\" is not a value of srh tag (0-65535; nft refuses it)", srh));
  const std::string socket = "socket wildcard 2";
  BOOST_TEST(NftErrors(InTable("inet", socket)) == ErrorAt(21, "\"2\" is not a value of socket wildcard (0-1; nft refuses it)", socket));
  const std::string raw = "@ll,0,0 2";
  BOOST_TEST(NftErrors(InTable("netdev", raw)) == ErrorAt(13, "\"2\" does not fit @ll,0,0 (nft refuses it)", raw));
  // What fits is read.
  NftOk(InTable("bridge", "vlan id 4095 vlan dei 1 vlan pcp 7"));
  NftOk(InTable("ip6", "srh tag { 0, 4-127, 0xffff }"));
}

BOOST_AUTO_TEST_CASE(set_statement_values_and_mask_constants_must_fit_the_field) {
  const std::string ecn = "ip6 ecn set 4";
  BOOST_TEST(NftErrors(InTable("ip6", ecn)) == ErrorAt(17, "\"4\" is not a value of ip6 ecn (0-3; nft refuses it)", ecn));
  const std::string label = "ip6 flowlabel set 1048576";
  BOOST_TEST(NftErrors(InTable("ip6", label)) ==
             ErrorAt(23, "\"1048576\" is not a value of ip6 flowlabel (0-1048575; nft refuses it)", label));
  const std::string mask = "ip dscp set ip dscp & 0x4f";
  BOOST_TEST(NftErrors(InTable("ip", mask)) == ErrorAt(27, "\"0x4f\" is not a value of ip dscp (0-63; nft refuses it)", mask));
  const std::string bits = "ip version set ip version | 0x1f";
  BOOST_TEST(NftErrors(InTable("ip", bits)) == ErrorAt(33, "\"0x1f\" is not a value of ip version (0-15; nft refuses it)", bits));
  NftOk(InTable("ip6", "ip6 flowlabel set 0xfffff ip6 ecn set 3"));
  NftOk(InTable("ip", "ip dscp set ip dscp & 0x3f"));
}

BOOST_AUTO_TEST_CASE(conntrack_symbols_and_strings_are_checked) {
  const std::string status = "ct status expected,xxx";
  BOOST_TEST(NftErrors(InTable("ip", status)) == ErrorAt(24, "\"xxx\" is not a value of ct status (nft refuses it)", status));
  const std::string event = "ct event set new or related or foobar";
  BOOST_TEST(NftErrors(InTable("ip", event)) == ErrorAt(36, "\"foobar\" is not a value of ct event (nft refuses it)", event));
  const std::string mark = "ct mark original";
  BOOST_TEST(NftErrors(InTable("ip", mark)) == ErrorAt(13, "\"original\" is not a value of ct mark (nft refuses it)", mark));
  const std::string helper = "ct helper \"12345678901234567\"";
  BOOST_TEST(NftErrors(InTable("ip", helper)) ==
             ErrorAt(15, "\"12345678901234567\" is longer than ct helper takes (16 bytes; nft refuses it)", helper));
  const std::string empty = "ct helper \"\"";
  BOOST_TEST(NftErrors(InTable("ip", empty)) == ErrorAt(15, "ct helper cannot be empty (nft refuses it)", empty));
  const std::string osf = "osf ttl skip version \"morethan:sixteenbytes\"";
  BOOST_TEST(NftErrors(InTable("inet", osf)) ==
             ErrorAt(26, "\"morethan:sixteenbytes\" is longer than osf ttl skip version takes (16 bytes; nft refuses it)", osf));
  NftOk(InTable("ip", "ct status expected,seen-reply,dnat ct event set new,destroy ct helper \"ftp\""));
}

BOOST_AUTO_TEST_CASE(conntrack_keys_and_their_directions_are_checked) {
  const std::string both = "ct both bytes gt 1";
  BOOST_TEST(NftErrors(InTable("ip", both)) == ErrorAt(8, "\"both\" is not a conntrack key (nft refuses it)", both));
  const std::string mark = "ct original mark 42";
  BOOST_TEST(NftErrors(InTable("ip", mark)) ==
             ErrorAt(8, "ct mark has no direction: \"original\" before it (nft refuses it)", mark));
  const std::string ip = "ct ip saddr 1.2.3.4";
  BOOST_TEST(NftErrors(InTable("ip", ip)) ==
             ErrorAt(8, "ct ip saddr needs a direction: ct original ip saddr or ct reply ip saddr (nft refuses it)", ip));
  NftOk(InTable("ip", "ct original ip saddr 1.2.3.4 ct zone 1 ct reply zone 2 ct protocol 6 ct original proto-dst 22"));
}

BOOST_AUTO_TEST_CASE(tcp_options_and_their_fields_are_checked) {
  const std::string name = "tcp option foo bar";
  BOOST_TEST(NftErrors(InTable("inet", name)) == ErrorAt(16, "\"foo\" is not a tcp option (nft refuses it)", name));
  const std::string field = "tcp option eol left 1";
  BOOST_TEST(NftErrors(InTable("inet", field)) == ErrorAt(20, "tcp option eol has no field \"left\" (nft refuses it)", field));
  const std::string bare = "tcp option sack window 1";
  BOOST_TEST(NftErrors(InTable("inet", bare)) ==
             ErrorAt(21, "tcp option sack without a field is matched with exists or missing, not \"window\" (nft refuses it)", bare));
  const std::string kind = "reset tcp option 256";
  BOOST_TEST(NftErrors(InTable("inet", kind)) == ErrorAt(22, "tcp option kind \"256\" is not 0-255 (nft refuses it)", kind));
  NftOk(InTable("inet", "tcp option sack0 left 1 tcp option 255 missing tcp option maxseg size 1460"));
}

BOOST_AUTO_TEST_CASE(ipsec_osf_and_fib_keywords_are_checked) {
  const std::string dir = "ipsec i reqid 1";
  BOOST_TEST(NftErrors(InTable("inet", dir)) == ErrorAt(11, "ipsec takes in or out, not \"i\" (nft refuses it)", dir));
  const std::string spnum = "ipsec in spnum 256 reqid 1";
  BOOST_TEST(NftErrors(InTable("inet", spnum)) == ErrorAt(20, "ipsec spnum \"256\" is not 0-255 (nft refuses it)", spnum));
  const std::string ttl = "osf ttl nottl name \"Linux\"";
  BOOST_TEST(NftErrors(InTable("inet", ttl)) == ErrorAt(13, "osf ttl takes loose or skip, not \"nottl\" (nft refuses it)", ttl));
  const std::string both = "fib saddr . daddr oif lo";
  BOOST_TEST(NftErrors(InTable("ip", both)) ==
             ErrorAt(17, "fib: saddr and daddr cannot be used together (nft refuses it)", both));
  const std::string iface = "fib iif . oif . daddr oif lo";
  BOOST_TEST(NftErrors(InTable("ip", iface)) == ErrorAt(15, "fib: iif and oif cannot be used together (nft refuses it)", iface));
  const std::string none = "fib mark oif lo";
  BOOST_TEST(NftErrors(InTable("ip", none)) == ErrorAt(5, "fib needs saddr or daddr (nft refuses it)", none));
  NftOk(InTable("ip", "ipsec in spnum 255 reqid 1 osf ttl skip name \"Linux\" fib daddr . iif type local"));
}

BOOST_AUTO_TEST_CASE(tunnel_inner_headers_and_negated_masks_are_checked) {
  const std::string set = "udp dport 4789 vxlan ip saddr set 1.2.3.4";
  BOOST_TEST(NftErrors(InTable("inet", set)) ==
             ErrorAt(35, "a header inside a tunnel cannot be set: \"vxlan ip saddr set\" (nft refuses it)", set));
  const std::string ether = "gre ether saddr 62:87:4d:d6:19:05";
  BOOST_TEST(NftErrors(InTable("inet", ether)) ==
             ErrorAt(9, "gre carries IP packets, not link-layer frames: no ether header inside it (nft refuses it)", ether));
  const std::string negated = "tcp flags & (fin | syn) ! syn";
  BOOST_TEST(NftErrors(InTable("inet", negated)) ==
             ErrorAt(29, "\"!\" cannot negate a masked value: write != (nft refuses it)", negated));
  NftOk(InTable("inet", "udp dport 4789 vxlan ip saddr 1.2.3.4 gretap ether saddr 62:87:4d:d6:19:05"));
}

BOOST_AUTO_TEST_CASE(log_options_of_syslog_and_nflog_do_not_mix) {
  const std::string group = "log level alert group 2 prefix \"x\"";
  BOOST_TEST(NftErrors(InTable("ip", group)) ==
             ErrorAt(21, "log level and group cannot be used together: syslog or nflog (group), not both (nft refuses it)", group));
  const std::string flags = "log flags all snaplen 2";
  BOOST_TEST(NftErrors(InTable("ip", flags)) ==
             ErrorAt(19, "log flags and snaplen cannot be used together: syslog or nflog (group), not both (nft refuses it)", flags));
  const std::string audit = "log level audit prefix \"foo\"";
  BOOST_TEST(NftErrors(InTable("ip", audit)) == ErrorAt(21, "log level audit takes no other option (nft refuses it)", audit));
  NftOk(InTable("ip", "log prefix \"a\" group 2 snaplen 33 queue-threshold 2"));
  NftOk(InTable("ip", "log level debug flags ip options flags skuid"));
}

BOOST_AUTO_TEST_CASE(limit_rates_and_bursts_are_of_one_kind) {
  const std::string bytes = "limit rate 1023/second burst 10 bytes";
  BOOST_TEST(NftErrors(InTable("ip", bytes)) == ErrorAt(37, "a burst of bytes for a rate of packets (nft refuses it)", bytes));
  const std::string packets = "limit rate 512 kbytes/second burst 5 packets";
  BOOST_TEST(NftErrors(InTable("ip", packets)) ==
             ErrorAt(42, "a burst of packets for a rate of kbytes (nft refuses it)", packets));
  const std::string unit = "limit rate 1 gbytes / second";
  BOOST_TEST(NftErrors(InTable("ip", unit)) ==
             ErrorAt(18, "limit rate is N/TIME or N UNIT/TIME (UNIT bytes, kbytes, mbytes; TIME second, minute, hour, day, "
                         "week), not \"1gbytes/second\" (nft refuses it)", unit));
  NftOk(InTable("ip", "limit rate over 1025bytes / second burst 512bytes"));
  NftOk(InTable("ip", "limit rate 400/minute burst 5 packets"));
}

BOOST_AUTO_TEST_CASE(queue_targets_and_last_times_are_checked) {
  const std::string offset = "queue to symhash mod 2 offset 65536";
  BOOST_TEST(NftErrors(InTable("ip", offset)) == ErrorAt(35, "queue numbers 65536-65537 run past 65535 (nft refuses it)", offset));
  const std::string fanout = "queue flags fanout to symhash mod 65536";
  BOOST_TEST(NftErrors(InTable("ip", fanout)) ==
             ErrorAt(17, "queue fanout spreads packets over a range of queues: it needs num N-M (nft refuses it)", fanout));
  const std::string map = "queue to oif";
  BOOST_TEST(NftErrors(InTable("ip", map)) ==
             ErrorAt(14, "queue to oif needs a map giving the queue number (nft refuses it)", map));
  const std::string last = "last used foo";
  BOOST_TEST(NftErrors(InTable("ip", last)) ==
             ErrorAt(15, "last used takes never or a time (300s, 1h30m), not \"foo\" (nft refuses it)", last));
  NftOk(InTable("ip", "queue flags bypass,fanout to 1-65535"));
  NftOk(InTable("ip", "queue flags bypass to oifname map { \"eth0\" : 0, \"ppp0\" : 2 }"));
  NftOk(InTable("ip", "last used 300s"));
}

BOOST_AUTO_TEST_CASE(conntrack_and_route_addresses_are_of_the_rules_family) {
  const std::string inet = "rt nexthop 192.168.0.1";
  BOOST_TEST(NftErrors(InTable("inet", inet)) ==
             ErrorAt(5, "cannot tell the address family of rt nexthop in an inet rule: match meta nfproto first or write it "
                        "with ip or ip6 (nft refuses it)", inet));
  const std::string wrong = "ct reply ip daddr dead::beef";
  BOOST_TEST(NftErrors(InTable("ip", wrong)) == ErrorAt(23, "bad ipv4 address \"dead::beef\"", wrong));
  const std::string table = "rt nexthop fd00::1";
  BOOST_TEST(NftErrors(InTable("ip", table)) == ErrorAt(16, "bad ipv4 address \"fd00::1\"", table));
  const std::string conflict = "meta nfproto ipv6 ct original ip saddr 1.2.3.4";
  BOOST_TEST(NftErrors(InTable("inet", conflict)) ==
             ErrorAt(23, "conflicting protocols: ct original ip saddr cannot hold after what the rule matched before it (nft "
                         "refuses it)", conflict));
  const std::string concat = "ct original saddr . meta mark { 1.1.1.1 . 0x00000014 }";
  BOOST_TEST(NftErrors(InTable("ip", concat)) ==
             ErrorAt(5, "ct original saddr in a concatenation needs its family: write it with ip or ip6 (nft refuses it)", concat));
  NftOk(InTable("inet", "meta nfproto ipv4 ct original saddr 1.2.3.4"));
  NftOk(InTable("ip", "ct original saddr 1.2.3.4 rt nexthop 192.168.0.1 ct original ip saddr . meta mark { 1.1.1.1 . 0x14 }"));
}

BOOST_AUTO_TEST_CASE(named_objects_must_be_in_the_table) {
  const std::string text = "table ip t {\n  counter c1 {\n  }\n  chain c {\n    counter name \"c1\"\n    counter name \"c9\"\n  }\n}\n";
  BOOST_TEST(NftErrors(text) == NftDiag(6, 18, "no counter named \"c9\" in table ip t (nft refuses it)", "    counter name \"c9\""));
  const std::string quota = "quota name \"q1\"";
  BOOST_TEST(NftErrors(InTable("ip", quota)) == ErrorAt(16, "no quota named \"q1\" in table ip t (nft refuses it)", quota));
  // The JSON front end keeps the name for the same check.
  const std::string json =
      "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"t\"}},\n"
      "{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\"}},\n"
      "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"expr\": [{\"limit\": \"l9\"}]}}]}";
  BOOST_TEST(Rendered(ParseNftJson(json, "t.json")).find("t.json:3:1: error: no limit named \"l9\" in table ip t") == 0);
  NftOk("table ip t {\n  quota q1 { 25 mbytes }\n  chain c {\n    quota name \"q1\" counter name ip saddr map { 1.1.1.1 : \"c2\" }\n  }\n}\n");
}

BOOST_AUTO_TEST_CASE(bridge_port_keys_are_refused_outside_bridge_tables) {
  const std::string key = "meta ibrname \"br0\"";
  BOOST_TEST(NftErrors(InTable("inet", key)) ==
             ErrorAt(5, "meta ibrname is a bridge port's: only bridge tables have it (nft refuses it)", key));
  NftOk(InTable("bridge", key));
}

BOOST_AUTO_TEST_CASE(overlapping_map_keys_are_refused_and_overlapping_set_elements_read) {
  const std::string vmap = "ip saddr vmap { 10.0.1.0-10.0.1.255 : accept, 10.0.1.1-10.0.2.255 : drop }";
  BOOST_TEST(NftErrors(InTable("ip", vmap)) ==
             ErrorAt(51, "map keys \"10.0.1.0-10.0.1.255\" and \"10.0.1.1-10.0.2.255\" overlap (nft refuses conflicting "
                         "intervals)", vmap));
  const std::string ports = "tcp dport vmap { 10-20 : accept, 15 : drop }";
  BOOST_TEST(NftErrors(InTable("inet", ports)) ==
             ErrorAt(38, "map keys \"10-20\" and \"15\" overlap (nft refuses conflicting intervals)", ports));
  NftOk(InTable("inet", "tcp dport { 10-20, 15-30 } accept"));
  NftOk(InTable("inet", "tcp dport vmap { 10-20 : accept, 21 : drop, * : continue }"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::parsers
