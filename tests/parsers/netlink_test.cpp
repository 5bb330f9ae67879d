// The live kernel reader's parts that need no kernel: the send guard, the
// payload and key tables, the register machine on rules built in memory with
// libnftnl, set elements rebuilt. (tests/kernel/live_reader_test.cpp reads
// real kernels' rulesets in network namespaces.)
#define BOOST_TEST_MODULE netlink
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>
#include <map>
#include <memory>

#include "parsers/netlink/netlink_dump.h"
#include "parsers/netlink/netlink_expressions.h"
#include "parsers/netlink/netlink_selectors.h"
#include "parsers/netlink/netlink_sets.h"
#include "parsers/nftables/nft_lowering.h"

namespace ghostport::parsers::netlink {
namespace {

// --- the send guard ----------------------------------------------------------

struct Message {
  std::vector<char> buf = std::vector<char>(4096);
  nlmsghdr* Build(int type, std::uint16_t flags) {
    return nftnl_nlmsg_build_hdr(buf.data(), static_cast<std::uint16_t>(type), NFPROTO_UNSPEC, flags, 1);
  }
};

BOOST_AUTO_TEST_SUITE(send_guard)

BOOST_AUTO_TEST_CASE(every_dump_request_is_allowed) {
  for (int type : {NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE, NFT_MSG_GETSET, NFT_MSG_GETSETELEM,
                   NFT_MSG_GETOBJ, NFT_MSG_GETFLOWTABLE}) {
    Message m;
    BOOST_TEST(!CheckDumpRequest(m.Build(type, NLM_F_DUMP)).has_value(), "type " << type);
  }
}

BOOST_AUTO_TEST_CASE(a_get_without_dump_is_refused) {
  Message m;
  BOOST_TEST(CheckDumpRequest(m.Build(NFT_MSG_GETRULE, 0)).value() == "a GET request without NLM_F_DUMP");
  BOOST_TEST(CheckDumpRequest(m.Build(NFT_MSG_GETTABLE, NLM_F_ROOT)).value() == "a GET request without NLM_F_DUMP");
}

BOOST_AUTO_TEST_CASE(a_request_that_changes_the_ruleset_is_refused_even_with_dump) {
  for (int type : {NFT_MSG_NEWTABLE, NFT_MSG_DELTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_DELCHAIN, NFT_MSG_NEWRULE,
                   NFT_MSG_DELRULE, NFT_MSG_NEWSET, NFT_MSG_DELSET, NFT_MSG_NEWSETELEM, NFT_MSG_DELSETELEM,
                   NFT_MSG_NEWOBJ, NFT_MSG_DELOBJ, NFT_MSG_GETOBJ_RESET, NFT_MSG_NEWFLOWTABLE,
                   NFT_MSG_DELFLOWTABLE, NFT_MSG_NEWGEN}) {
    Message m;
    const std::optional<std::string> refused = CheckDumpRequest(m.Build(type, NLM_F_DUMP | NLM_F_CREATE));
    BOOST_TEST(refused.value() == "message type " + std::to_string(type) + " is not a GET request");
  }
}

BOOST_AUTO_TEST_CASE(a_message_of_another_subsystem_is_refused) {
  Message m;
  nlmsghdr* nlh = m.Build(NFT_MSG_GETTABLE, NLM_F_DUMP);
  nlh->nlmsg_type = static_cast<std::uint16_t>((NFNL_SUBSYS_CTNETLINK << 8) | NFT_MSG_GETTABLE);
  BOOST_TEST(CheckDumpRequest(nlh).value() == "not an nf_tables message");
  BOOST_TEST(CheckDumpRequest(nullptr).value() == "no message");
}

BOOST_AUTO_TEST_CASE(the_sender_refuses_before_it_sends) {
  // No socket at all: a refused message must come back refused, never "no socket".
  Message m;
  BOOST_TEST(SendDumpRequest(nullptr, m.Build(NFT_MSG_NEWRULE, NLM_F_DUMP)).value() ==
             "message type " + std::to_string(NFT_MSG_NEWRULE) + " is not a GET request");
  BOOST_TEST(SendDumpRequest(nullptr, m.Build(NFT_MSG_GETRULE, NLM_F_DUMP)).value() == "no socket");
}

BOOST_AUTO_TEST_SUITE_END()

// --- tables --------------------------------------------------------------------

std::string Name(const Loaded& l) { return nft::Render(l.selector); }

BOOST_AUTO_TEST_SUITE(selectors)

BOOST_AUTO_TEST_CASE(payload_fields_by_base_offset_and_length) {
  const PayloadContext ip{"ip", std::nullopt}, ip6{"ip6", std::nullopt}, tcp{"ip", 6}, icmp{"ip", 1};
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, ip)) == "ip saddr");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 16, 4, ip)) == "ip daddr");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 9, 1, ip)) == "ip protocol");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 8, 16, ip6)) == "ip6 saddr");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 24, 16, ip6)) == "ip6 daddr");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 6, 1, ip6)) == "ip6 nexthdr");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, tcp)) == "tcp dport");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, tcp)) == "tcp sport");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1, tcp)) == "tcp flags");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, {"ip", 17})) == "udp dport");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, icmp)) == "icmp type");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_LL_HEADER, 12, 2, {})) == "ether type");
}

BOOST_AUTO_TEST_CASE(ports_without_a_transport_dependency_are_th) {
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, {})) == "th dport");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, {"ip6", 47})) == "th sport");
}

BOOST_AUTO_TEST_CASE(a_short_address_load_is_the_address_and_a_field_the_table_lacks_is_raw) {
  const Loaded l = PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 12, 2, {"ip", std::nullopt});
  BOOST_TEST(Name(l) == "ip saddr");
  BOOST_TEST(l.length == 2u);
  BOOST_TEST(l.full_length == 4u);
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, {})) == "@nh,96,32");
  BOOST_TEST(Name(PayloadSelector(NFT_PAYLOAD_TRANSPORT_HEADER, 4, 4, {})) == "@th,32,32");
}

BOOST_AUTO_TEST_CASE(meta_ct_and_fib_keys) {
  BOOST_TEST(Name(MetaSelector(NFT_META_L4PROTO, 1)) == "meta l4proto");
  BOOST_TEST(Name(MetaSelector(NFT_META_IIFNAME, 16)) == "iifname");
  BOOST_TEST(Name(MetaSelector(NFT_META_MARK, 4)) == "meta mark");
  BOOST_TEST(Name(CtSelector(NFT_CT_STATE, std::nullopt, 4, {})) == "ct state");
  BOOST_TEST(Name(CtSelector(NFT_CT_SRC, 0, 4, {"ip", std::nullopt})) == "ct original ip saddr");
  BOOST_TEST(Name(FibSelector(NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE, 4)) == "fib daddr type");
  BOOST_TEST(Name(FibSelector(NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF, NFT_FIB_RESULT_OIF, 4)) == "fib saddr . iif oif");
}

BOOST_AUTO_TEST_SUITE_END()

// --- the register machine ----------------------------------------------------------

struct RuleDeleter {
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
};
struct SetDeleter {
  void operator()(nftnl_set* s) const { nftnl_set_free(s); }
};

// A rule built expression by expression, as nft would send it.
class RuleBuilder {
 public:
  RuleBuilder() : rule_(nftnl_rule_alloc()) {}

  RuleBuilder& Payload(std::uint32_t base, std::uint32_t offset, std::uint32_t len, std::uint32_t reg = NFT_REG_1) {
    nftnl_expr* e = nftnl_expr_alloc("payload");
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
    return Add(e);
  }
  RuleBuilder& Meta(std::uint32_t key, std::uint32_t reg = NFT_REG_1) {
    nftnl_expr* e = nftnl_expr_alloc("meta");
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, reg);
    return Add(e);
  }
  RuleBuilder& Ct(std::uint32_t key) {
    nftnl_expr* e = nftnl_expr_alloc("ct");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
    return Add(e);
  }
  RuleBuilder& Cmp(std::uint32_t op, const void* data, std::uint32_t len) {
    nftnl_expr* e = nftnl_expr_alloc("cmp");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
    nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
    return Add(e);
  }
  RuleBuilder& CmpU8(std::uint32_t op, std::uint8_t v) { return Cmp(op, &v, 1); }
  RuleBuilder& CmpBe16(std::uint32_t op, std::uint16_t v) {
    const std::uint16_t be = htons(v);
    return Cmp(op, &be, 2);
  }
  RuleBuilder& CmpU32(std::uint32_t op, std::uint32_t v) { return Cmp(op, &v, 4); }
  RuleBuilder& Bitwise(const void* mask, const void* xor_bits, std::uint32_t len) {
    nftnl_expr* e = nftnl_expr_alloc("bitwise");
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor_bits, len);
    return Add(e);
  }
  RuleBuilder& Range(std::uint16_t from, std::uint16_t to) {
    const std::uint16_t f = htons(from), t = htons(to);
    nftnl_expr* e = nftnl_expr_alloc("range");
    nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
    nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, &f, 2);
    nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, &t, 2);
    return Add(e);
  }
  RuleBuilder& Lookup(const char* set, std::optional<std::uint32_t> dreg = std::nullopt, bool inverted = false) {
    nftnl_expr* e = nftnl_expr_alloc("lookup");
    nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
    nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
    if (dreg) nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, *dreg);
    if (inverted) nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
    return Add(e);
  }
  RuleBuilder& Verdict(int verdict, const char* chain = nullptr) {
    nftnl_expr* e = nftnl_expr_alloc("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, static_cast<std::uint32_t>(verdict));
    if (chain != nullptr) nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
    return Add(e);
  }
  RuleBuilder& Data(std::uint32_t reg, const void* data, std::uint32_t len) {
    nftnl_expr* e = nftnl_expr_alloc("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
    nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
    return Add(e);
  }
  RuleBuilder& Hton(std::uint32_t size) {
    nftnl_expr* e = nftnl_expr_alloc("byteorder");
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, size);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, size);
    return Add(e);
  }
  RuleBuilder& Named(const char* name) { return Add(nftnl_expr_alloc(name)); }
  RuleBuilder& Add(nftnl_expr* e) {
    BOOST_TEST_REQUIRE(e != nullptr);
    nftnl_rule_add_expr(rule_.get(), e);
    return *this;
  }

  // The statements as nft renders them, one per line.
  std::string Text(const std::string& family = "inet") {
    RuleContext ctx;
    ctx.family = family;
    ctx.find_set = [this](const std::string& name) -> nftnl_set* {
      auto it = sets.find(name);
      return it == sets.end() ? nullptr : it->second.get();
    };
    std::string out;
    for (const nft::Statement& s : DelinearizeRule(rule_.get(), ctx)) out += nft::Render(s) + "\n";
    return out;
  }

  std::map<std::string, std::unique_ptr<nftnl_set, SetDeleter>> sets;

 private:
  std::unique_ptr<nftnl_rule, RuleDeleter> rule_;
};

// A set of 2-byte (port) keys; `ends` marks interval end elements.
std::unique_ptr<nftnl_set, SetDeleter> PortSet(const char* name, std::uint32_t flags,
                                               const std::vector<std::pair<std::uint16_t, bool>>& keys) {
  std::unique_ptr<nftnl_set, SetDeleter> s(nftnl_set_alloc());
  nftnl_set_set_str(s.get(), NFTNL_SET_NAME, name);
  nftnl_set_set_u32(s.get(), NFTNL_SET_FLAGS, flags);
  nftnl_set_set_u32(s.get(), NFTNL_SET_KEY_TYPE, 13);  // inet_service
  nftnl_set_set_u32(s.get(), NFTNL_SET_KEY_LEN, 2);
  for (const auto& [port, end] : keys) {
    nftnl_set_elem* e = nftnl_set_elem_alloc();
    const std::uint16_t be = htons(port);
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &be, 2);
    if (end) nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
    nftnl_set_elem_add(s.get(), e);
  }
  return s;
}

BOOST_AUTO_TEST_SUITE(register_machine)

BOOST_AUTO_TEST_CASE(a_transport_dependency_then_a_port_is_tcp_dport) {
  RuleBuilder r;
  r.Meta(NFT_META_L4PROTO).CmpU8(NFT_CMP_EQ, 6).Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2).CmpBe16(NFT_CMP_EQ, 22)
      .Verdict(NF_ACCEPT);
  BOOST_TEST(r.Text() == "meta l4proto 6\ntcp dport 22\naccept\n");
}

BOOST_AUTO_TEST_CASE(an_ip_table_names_its_network_header_and_its_protocol_dependency) {
  RuleBuilder r;
  const std::uint8_t addr[4] = {192, 168, 1, 7};
  r.Payload(NFT_PAYLOAD_NETWORK_HEADER, 9, 1).CmpU8(NFT_CMP_EQ, 17)
      .Payload(NFT_PAYLOAD_NETWORK_HEADER, 16, 4).Cmp(NFT_CMP_NEQ, addr, 4)
      .Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2).Range(1000, 2000).Verdict(NF_DROP);
  BOOST_TEST(r.Text("ip") == "ip protocol 17\nip daddr != 192.168.1.7\nudp dport 1000-2000\ndrop\n");
}

BOOST_AUTO_TEST_CASE(a_short_address_load_and_a_mask_are_prefixes) {
  RuleBuilder r;
  const std::uint8_t ten = 10, net[4] = {172, 16, 0, 0}, mask[4] = {255, 240, 0, 0}, zero[4] = {};
  r.Meta(NFT_META_NFPROTO).CmpU8(NFT_CMP_EQ, NFPROTO_IPV4)
      .Payload(NFT_PAYLOAD_NETWORK_HEADER, 12, 1).Cmp(NFT_CMP_EQ, &ten, 1)
      .Payload(NFT_PAYLOAD_NETWORK_HEADER, 16, 4).Bitwise(mask, zero, 4).Cmp(NFT_CMP_EQ, net, 4);
  BOOST_TEST(r.Text() == "meta nfproto ipv4\nip saddr 10.0.0.0/8\nip daddr 172.16.0.0/12\n");
}

BOOST_AUTO_TEST_CASE(ct_state_bits_are_names) {
  RuleBuilder r;
  const std::uint32_t mask = 2 | 4, zero = 0;
  r.Ct(NFT_CT_STATE).Bitwise(&mask, &zero, 4).CmpU32(NFT_CMP_NEQ, 0).Verdict(NF_ACCEPT);
  BOOST_TEST(r.Text() == "ct state established,related\naccept\n");
  RuleBuilder n;
  const std::uint32_t invalid = 1;
  n.Ct(NFT_CT_STATE).Bitwise(&invalid, &zero, 4).CmpU32(NFT_CMP_EQ, 0).Verdict(NF_DROP);
  BOOST_TEST(n.Text() == "ct state != invalid\ndrop\n");
}

BOOST_AUTO_TEST_CASE(tcp_flags_with_a_mask) {
  RuleBuilder r;
  const std::uint8_t mask = 0x02 | 0x10, zero = 0, syn = 0x02;
  r.Meta(NFT_META_L4PROTO).CmpU8(NFT_CMP_EQ, 6).Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1)
      .Bitwise(&mask, &zero, 1).Cmp(NFT_CMP_EQ, &syn, 1);
  BOOST_TEST(r.Text() == "meta l4proto 6\ntcp flags syn / syn,ack\n");
}

BOOST_AUTO_TEST_CASE(interface_names_are_quoted_and_a_short_one_is_a_wildcard) {
  RuleBuilder r;
  char name[16] = "eth0";
  r.Meta(NFT_META_IIFNAME).Cmp(NFT_CMP_EQ, name, 16).Meta(NFT_META_OIFNAME).Cmp(NFT_CMP_NEQ, "wg", 2);
  BOOST_TEST(r.Text() == "iifname \"eth0\"\noifname != \"wg*\"\n");
}

BOOST_AUTO_TEST_CASE(jumps_name_their_chain) {
  RuleBuilder r;
  r.Verdict(NFT_JUMP, "web");
  BOOST_TEST(r.Text() == "jump web\n");
  RuleBuilder g;
  g.Verdict(NFT_GOTO, "ssh").Verdict(NFT_RETURN);
  BOOST_TEST(g.Text() == "goto ssh\nreturn\n");
}

BOOST_AUTO_TEST_CASE(a_lookup_in_an_anonymous_set_is_its_elements_and_a_named_one_a_reference) {
  RuleBuilder r;
  r.sets["__set0"] = PortSet("__set0", NFT_SET_ANONYMOUS | NFT_SET_CONSTANT, {{22, false}, {80, false}});
  r.sets["web"] = PortSet("web", 0, {{443, false}});
  r.Meta(NFT_META_L4PROTO).CmpU8(NFT_CMP_EQ, 6).Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2).Lookup("__set0")
      .Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2).Lookup("web", std::nullopt, true);
  BOOST_TEST(r.Text() == "meta l4proto 6\ntcp dport { 22, 80 }\ntcp sport != @web\n");
}

BOOST_AUTO_TEST_CASE(interval_elements_are_rebuilt_from_their_end_markers) {
  RuleBuilder r;
  r.sets["__set1"] = PortSet("__set1", NFT_SET_ANONYMOUS | NFT_SET_INTERVAL,
                             {{0, true}, {2001, true}, {1000, false}, {22, false}, {23, true}, {65000, false}});
  r.Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2).Lookup("__set1");
  BOOST_TEST(r.Text() == "th dport { 22, 1000-2000, 65000-65535 }\n");
}

// A set of 4-byte mark keys as nft stores an interval set of them: big-endian.
std::unique_ptr<nftnl_set, SetDeleter> MarkIntervals(const char* name, std::uint32_t flags,
                                                     const std::vector<std::pair<std::uint32_t, bool>>& keys) {
  std::unique_ptr<nftnl_set, SetDeleter> s(nftnl_set_alloc());
  nftnl_set_set_str(s.get(), NFTNL_SET_NAME, name);
  nftnl_set_set_u32(s.get(), NFTNL_SET_FLAGS, flags | NFT_SET_INTERVAL);
  nftnl_set_set_u32(s.get(), NFTNL_SET_KEY_TYPE, 19);  // mark
  nftnl_set_set_u32(s.get(), NFTNL_SET_KEY_LEN, 4);
  for (const auto& [mark, end] : keys) {
    nftnl_set_elem* e = nftnl_set_elem_alloc();
    const std::uint32_t be = htonl(mark);
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &be, 4);
    if (end) nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
    nftnl_set_elem_add(s.get(), e);
  }
  return s;
}

// What the Debian 12 kernel holds for `meta mark { 1-10, 0x100-0x200 }` and
// `meta mark > 0x10` (nft --debug=netlink): the register converted with
// byteorder hton, the set's keys and the cmp's data big-endian.
BOOST_AUTO_TEST_CASE(host_order_keys_after_byteorder_read_as_loaded) {
  RuleBuilder r;
  r.sets["__set0"] = MarkIntervals("__set0", NFT_SET_ANONYMOUS,
                                   {{0x201, true}, {0x100, false}, {11, true}, {1, false}, {0, true}});
  r.Meta(NFT_META_MARK).Hton(4).Lookup("__set0");
  BOOST_TEST(r.Text() == "meta mark { 0x00000001-0x0000000a, 0x00000100-0x00000200 }\n");
  RuleBuilder c;
  const std::uint32_t be = htonl(0x10);
  c.Meta(NFT_META_MARK).Hton(4).Cmp(NFT_CMP_GT, &be, 4);
  BOOST_TEST(c.Text() == "meta mark > 0x00000010\n");
  RuleBuilder h;  // without byteorder: host order, as nft leaves an `==`
  h.Meta(NFT_META_MARK).CmpU32(NFT_CMP_EQ, 0x10);
  BOOST_TEST(h.Text() == "meta mark 0x00000010\n");
}

BOOST_AUTO_TEST_CASE(a_named_interval_set_of_host_order_keys_reads_its_big_endian_keys) {
  auto set = MarkIntervals("marks", 0, {{0x02000001, true}, {0x01000000, false}, {301, true}, {256, false},
                                        {11, true}, {1, false}, {0, true}});
  const nft::SetSyntax syntax = SetSyntaxOf(set.get());
  std::string out;
  for (const nft::Expr& e : syntax.elements) out += nft::Render(e) + ";";
  BOOST_TEST(out == "0x00000001-0x0000000a;0x00000100-0x0000012c;0x01000000-0x02000000;");
}

BOOST_AUTO_TEST_CASE(a_lookup_into_the_verdict_register_is_a_verdict_map) {
  RuleBuilder r;
  std::unique_ptr<nftnl_set, SetDeleter> m(nftnl_set_alloc());
  nftnl_set_set_str(m.get(), NFTNL_SET_NAME, "__map0");
  nftnl_set_set_u32(m.get(), NFTNL_SET_FLAGS, NFT_SET_ANONYMOUS | NFT_SET_MAP);
  nftnl_set_set_u32(m.get(), NFTNL_SET_KEY_TYPE, 13);
  nftnl_set_set_u32(m.get(), NFTNL_SET_KEY_LEN, 2);
  nftnl_set_set_u32(m.get(), NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
  nftnl_set_elem* e = nftnl_set_elem_alloc();
  const std::uint16_t port = htons(80);
  nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &port, 2);
  nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, static_cast<std::uint32_t>(NFT_JUMP));
  nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, "web");
  nftnl_set_elem_add(m.get(), e);
  r.sets["__map0"] = std::move(m);
  r.Meta(NFT_META_L4PROTO).CmpU8(NFT_CMP_EQ, 6).Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2)
      .Lookup("__map0", NFT_REG_VERDICT);
  BOOST_TEST(r.Text() == "meta l4proto 6\ntcp dport vmap { 80 : jump web }\n");
}

BOOST_AUTO_TEST_CASE(nat_reads_its_address_and_port_from_the_immediates_before) {
  RuleBuilder r;
  const std::uint8_t addr[4] = {10, 0, 0, 5};
  const std::uint16_t port = htons(8080);
  r.Data(NFT_REG_1, addr, 4).Data(NFT_REG_2, &port, 2);
  nftnl_expr* nat = nftnl_expr_alloc("nat");
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
  r.Add(nat);
  BOOST_TEST(r.Text("ip") == "dnat to 10.0.0.5:8080\n");
  BOOST_TEST(r.Text("inet") == "dnat ip to 10.0.0.5:8080\n");
}

BOOST_AUTO_TEST_CASE(a_merged_load_of_adjacent_fields_is_one_match_per_field) {
  // nft loads `udp sport 68 udp dport 67` as 4 bytes from the transport header.
  RuleBuilder r;
  const std::uint8_t ports[4] = {0, 68, 0, 67};
  r.Meta(NFT_META_L4PROTO).CmpU8(NFT_CMP_EQ, 17).Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4).Cmp(NFT_CMP_EQ, ports, 4);
  BOOST_TEST(r.Text() == "meta l4proto 17\nudp sport 68\nudp dport 67\n");
}

BOOST_AUTO_TEST_CASE(an_interface_wildcard_in_an_interval_set_is_its_prefix) {
  Bytes lo(16, 0), hi(16, 0xff);
  for (std::size_t i = 0; i < 3; ++i) lo[i] = hi[i] = static_cast<std::uint8_t>("eth"[i]);
  BOOST_TEST(nft::Render(IntervalExpr(ValueKind::kIfname, lo, hi)) == "\"eth*\"");
}

BOOST_AUTO_TEST_CASE(statements_that_do_not_compare_keep_nft_keywords) {
  RuleBuilder r;
  r.Named("counter").Named("notrack");
  nftnl_expr* log = nftnl_expr_alloc("log");
  nftnl_expr_set_str(log, NFTNL_EXPR_LOG_PREFIX, "in: ");
  r.Add(log);
  BOOST_TEST(r.Text() == "counter packets 0 bytes 0\nnotrack\nlog prefix \"in: \"\n");
}

BOOST_AUTO_TEST_CASE(a_compare_on_an_empty_register_is_an_explicit_unknown) {
  RuleBuilder r;
  r.CmpU8(NFT_CMP_EQ, 6).Verdict(NF_ACCEPT);
  BOOST_TEST(r.Text() == "cmp on a register nothing was loaded into\naccept\n");
}

BOOST_AUTO_TEST_CASE(every_expression_the_kernel_knows_has_a_handler) {
  const std::vector<std::string_view> handled = HandledExpressions();
  for (const char* name : {"payload", "meta", "cmp", "bitwise", "range", "lookup", "immediate", "ct", "counter", "log",
                           "limit", "quota", "nat", "masq", "redir", "dynset", "reject", "queue", "notrack", "fib",
                           "rt", "socket", "exthdr", "objref"}) {
    BOOST_TEST((std::find(handled.begin(), handled.end(), name) != handled.end()), name);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers::netlink
