// Windows Firewall's semantics through the one lowering (windows_lowering.h),
// the exposure engine and probes, per profile: block beats allow, the
// authenticated bypass beats block, the default inbound action, a profile
// with its firewall off, disabled and outbound rules, local merging,
// BlockInboundAlways, program scope, keywords, ICMP and the address
// families, the stateful filter. Policies are built in code (the readers
// have their own suites); each case states what Windows does.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "parsers/windows/windows_lowering.h"
#include "parsers/windows/windows_values.h"
#include "rules/address.h"
#include "rules/exposure.h"
#include "rules/exposure_entries.h"
#include "rules/probe.h"
#include "rules/protocols.h"
#include "tests/parsers/probe_test_helpers.h"

namespace ghostport::parsers::windows {
namespace {

using rules::Family;
using rules::Guard;

constexpr const char* kFile = "policy.reg";
constexpr std::uint8_t kTcp = 6, kUdp = 17, kIcmp4 = 1, kIcmp6 = 58;
const std::vector<std::string> kProfileNames = {"domain", "private", "public"};

// ------------------------------------------------------------ building

WindowsRule InRule(const std::string& id, Action action, std::optional<std::uint8_t> protocol,
                   std::vector<rules::Interval<std::uint16_t>> ports = {}) {
  WindowsRule r;
  r.id = id;
  r.name = id;
  r.enabled = true;
  r.action = action;
  r.protocol = protocol;
  r.local_ports.ranges = std::move(ports);
  return r;
}
WindowsRule Allow(const std::string& id, std::uint8_t protocol, std::uint16_t port) {
  return InRule(id, Action::kAllow, protocol, {{port, port}});
}
WindowsRule Block(const std::string& id, std::uint8_t protocol, std::uint16_t port) {
  return InRule(id, Action::kBlock, protocol, {{port, port}});
}

// Remote addresses as an export writes them ("198.51.100.0/24,LocalSubnet"),
// through the readers' one value parser.
WindowsRule From(WindowsRule r, const std::string& list, std::optional<Family> only = std::nullopt) {
  for (std::string_view item : SplitList(list, ',')) BOOST_TEST_REQUIRE(AddAddress(item, r.remote_addresses, only) == "");
  return r;
}
WindowsRule LocalPorts(WindowsRule r, const std::string& list) {
  r.local_ports = {};
  for (std::string_view item : SplitList(list, ',')) {
    BOOST_TEST_REQUIRE(AddPort(item, KeywordKind::kLocalPort, r.local_ports) == "");
  }
  return r;
}

// Every profile on with inbound blocked, stated by the export (no
// assumption); each rule on a line of its own, in the order given.
WindowsPolicy PolicyOf(std::vector<WindowsRule> rule_list) {
  WindowsPolicy p;
  p.has_profile_settings = true;
  p.first_line = {kFile, 1, 1};
  int line = 100;
  for (Profile profile : kProfiles) {
    ProfileSettings& s = SettingsOf(p, profile);
    s.enabled = true;
    s.default_inbound_block = true;
    s.block_all_inbound = false;
    s.location = {kFile, line++, 1};
  }
  for (size_t i = 0; i < rule_list.size(); ++i) rule_list[i].location = {kFile, static_cast<int>(i) + 2, 1};
  p.rules = std::move(rule_list);
  return p;
}

// ------------------------------------------------------------ looking

std::string Addresses(const rules::AddressSet& set) {
  if (set.IsAll()) return "any";
  auto join = [](const std::vector<rules::Cidr>& cidrs) {
    std::string out;
    for (const rules::Cidr& c : cidrs) out += (out.empty() ? "" : ",") + rules::FormatCidr(c);
    return out;
  };
  std::vector<rules::Cidr> in = set.ToCidrs(), out = set.Complement().ToCidrs();
  return out.size() < in.size() ? "any except " + join(out) : join(in);
}

// "tcp", or for protocols without ports the protocols' names: "icmp".
std::string Protocols(const rules::ExposureEntry& e) {
  if (!e.other_protocols) return rules::ProtocolName(e.protocol);
  std::string out;
  for (const auto& iv : e.protocols.intervals()) {
    out += (out.empty() ? "" : ",") + rules::ProtocolName(static_cast<std::uint8_t>(iv.lo));
    if (iv.hi != iv.lo) out += "-" + rules::ProtocolName(static_cast<std::uint8_t>(iv.hi));
  }
  return out;
}

std::string Conditions(const rules::Rule& rule) {
  std::string out;
  for (const rules::Condition& c : rule.conditions) out += (out.empty() ? "" : "; ") + c.description;
  return out;
}

// The lowered policy, what it exposes and what probes find, per profile.
struct Lowered {
  rules::Ruleset ruleset;
  explicit Lowered(const WindowsPolicy& policy) : ruleset(LowerWindowsPolicy(policy)) {}

  std::string Decider(const rules::Decision& d) const {
    if (const rules::RuleRef* r = rules::DecidingRule(d)) return "rule " + rules::RuleAt(ruleset, *r).id;
    return rules::DecisionKind(d);
  }

  // One line per exposure entry of the profile and family: "tcp 445-445
  // from any except 198.51.100.0/24 connects by rule allow-smb", then the
  // opening rule's program, then each guard ("if ...", "unless ... (rule
  // id)").
  std::vector<std::string> Openings(const std::string& profile, Family family = Family::kIpv4) const {
    const rules::Exposure ex = rules::ComputeExposure(ruleset);
    BOOST_TEST_REQUIRE(ex.errors.empty());
    std::vector<std::string> out;
    for (const rules::ExposureEntry& e : rules::ListEntries(ex)) {
      if (e.profile != profile || e.family != family) continue;
      std::string line = Protocols(e) + " " + std::to_string(e.from) + "-" + std::to_string(e.to) + " from " +
                         Addresses(e.sources) +
                         (rules::Connects(e) ? " connects" : " no-connection") + " by " + Decider(e.opening);
      if (const rules::RuleRef* r = rules::DecidingRule(e.opening)) {
        const std::string& app = rules::RuleAt(ruleset, *r).application;
        if (!app.empty()) line += " [" + app + "]";
      }
      for (const Guard& g : e.guards) {
        const rules::Rule& rule = rules::RuleAt(ruleset, g.rule);
        line += g.kind == Guard::kAcceptIf ? " if " + Conditions(rule) : " unless " + Conditions(rule) + " (" + rule.id + ")";
      }
      BOOST_TEST(e.conditional == !e.guards.empty(), line);
      out.push_back(std::move(line));
    }
    return out;
  }

  std::vector<std::string> Approximations(const std::string& profile) const {
    const rules::InterfaceSpace ifaces = rules::InterfaceSpace::FromRuleset(ruleset);
    std::vector<std::string> out;
    for (const rules::Approximation& a : rules::Compile(ruleset, Family::kIpv4, ifaces, profile).approximations) {
      out.push_back(a.what);
    }
    return out;
  }

  rules::ProbeResult Probe(const std::string& profile, std::uint8_t protocol, std::uint16_t port, const std::string& from,
                           Family family = Family::kIpv4) const {
    return testing::ProbeRuleset(ruleset, protocol, port, from, "", family, profile);
  }
  bool Connects(const std::string& profile, std::uint8_t protocol, std::uint16_t port, const std::string& from,
                Family family = Family::kIpv4) const {
    return Probe(profile, protocol, port, from, family).connects;
  }
  std::string DecidedBy(const std::string& profile, std::uint8_t protocol, std::uint16_t port,
                        const std::string& from) const {
    return Decider(Probe(profile, protocol, port, from).decided_by);
  }

  // The ignored-line reasons for the rule on `line`.
  std::vector<std::string> IgnoredReasons(int line) const {
    std::vector<std::string> out;
    for (const rules::IgnoredLine& i : ruleset.ignored) {
      if (i.location.line == line) out.push_back(i.reason);
    }
    return out;
  }
  // Whether any profile's chain holds a rule with this id.
  bool Lowers(const std::string& id) const {
    for (const rules::Table& t : ruleset.tables) {
      for (const rules::Rule& r : t.chains.at(0).rules) {
        if (r.id == id) return true;
      }
    }
    return false;
  }
};

const std::string kStateful = "rule stateful";
const std::string kPolicy = "policy";

// ------------------------------------------------------------ block beats allow

BOOST_AUTO_TEST_SUITE(windows_semantics)

BOOST_AUTO_TEST_CASE(block_beats_allow_whatever_their_order) {
  const WindowsRule allow = Allow("allow-smb", kTcp, 445);
  const WindowsRule block = From(Block("block-partner", kTcp, 445), "198.51.100.0/24");
  for (const auto& rule_list : {std::vector<WindowsRule>{allow, block}, std::vector<WindowsRule>{block, allow}}) {
    const Lowered l(PolicyOf(rule_list));
    for (const std::string& profile : kProfileNames) {
      BOOST_TEST_CONTEXT(profile << ", " << rule_list[0].id << " first") {
        BOOST_TEST(l.Connects(profile, kTcp, 445, "203.0.113.5"));
        BOOST_TEST(l.DecidedBy(profile, kTcp, 445, "203.0.113.5") == "rule allow-smb");
        BOOST_TEST(!l.Connects(profile, kTcp, 445, "198.51.100.7"));
        BOOST_TEST(l.DecidedBy(profile, kTcp, 445, "198.51.100.7") == "rule block-partner");
        BOOST_TEST(l.Openings(profile) ==
                       std::vector<std::string>{"tcp 445-445 from any except 198.51.100.0/24 connects by rule allow-smb"},
                   boost::test_tools::per_element());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_rule_of_other_profiles_does_nothing_in_this_one) {
  WindowsRule rdp = Allow("rdp", kTcp, 3389);
  rdp.profiles = kDomain | kPrivate;
  const Lowered l(PolicyOf({rdp}));
  BOOST_TEST(l.Connects("domain", kTcp, 3389, "203.0.113.5"));
  BOOST_TEST(l.Connects("private", kTcp, 3389, "203.0.113.5"));
  BOOST_TEST(!l.Connects("public", kTcp, 3389, "203.0.113.5"));
  BOOST_TEST(l.Openings("public").empty());
}

BOOST_AUTO_TEST_CASE(authenticated_bypass_beats_block_and_is_conditional_on_authentication) {
  const WindowsRule block = Block("block-smb", kTcp, 445);
  const WindowsRule bypass = InRule("bypass-smb", Action::kBypass, kTcp, {{445, 445}});
  for (const auto& rule_list : {std::vector<WindowsRule>{block, bypass}, std::vector<WindowsRule>{bypass, block}}) {
    const Lowered l(PolicyOf(rule_list));
    for (const std::string& profile : kProfileNames) {
      BOOST_TEST_CONTEXT(profile << ", " << rule_list[0].id << " first") {
        const rules::ProbeResult r = l.Probe(profile, kTcp, 445, "203.0.113.5");
        BOOST_TEST(r.connects);
        BOOST_TEST(r.conditional);
        BOOST_TEST(l.Decider(r.decided_by) == "rule bypass-smb");
        BOOST_TEST(l.Openings(profile) == std::vector<std::string>{"tcp 445-445 from any connects by rule bypass-smb "
                                                                   "if authenticated bypass"},
                   boost::test_tools::per_element());
      }
    }
  }
  // Without the bypass, the block holds.
  const Lowered blocked(PolicyOf({block}));
  BOOST_TEST(!blocked.Connects("public", kTcp, 445, "203.0.113.5"));
  BOOST_TEST(blocked.Openings("public").empty());
}

// ------------------------------------------------------------ profile settings

BOOST_AUTO_TEST_CASE(default_allow_profile_opens_everything_no_rule_blocks) {
  WindowsPolicy p = PolicyOf({Block("block-smb", kTcp, 445)});
  SettingsOf(p, kPublic).default_inbound_block = false;
  const Lowered l(p);
  BOOST_TEST(l.Connects("public", kTcp, 22, "203.0.113.5"));
  BOOST_TEST(l.DecidedBy("public", kTcp, 22, "203.0.113.5") == kPolicy);
  BOOST_TEST(l.Connects("public", kUdp, 53, "203.0.113.5"));
  BOOST_TEST(!l.Connects("public", kTcp, 445, "203.0.113.5"));
  BOOST_TEST(l.DecidedBy("public", kTcp, 445, "203.0.113.5") == "rule block-smb");
  const std::vector<std::string> open = l.Openings("public");
  BOOST_TEST(std::count(open.begin(), open.end(), "tcp 0-444 from any connects by policy") == 1);
  BOOST_TEST(std::count(open.begin(), open.end(), "tcp 446-65535 from any connects by policy") == 1);
  // The other profiles block by default.
  BOOST_TEST(!l.Connects("domain", kTcp, 22, "203.0.113.5"));
  BOOST_TEST(l.Openings("domain").empty());
  BOOST_TEST(l.Approximations("public").empty());
}

BOOST_AUTO_TEST_CASE(unknown_default_inbound_action_is_block_stated_as_an_approximation) {
  WindowsPolicy p = PolicyOf({Allow("ssh", kTcp, 22)});
  SettingsOf(p, kPrivate).default_inbound_block.reset();
  const Lowered l(p);
  BOOST_TEST(!l.Connects("private", kTcp, 80, "203.0.113.5"));
  BOOST_TEST(l.DecidedBy("private", kTcp, 80, "203.0.113.5") == kPolicy);
  BOOST_TEST(l.Connects("private", kTcp, 22, "203.0.113.5"));
  BOOST_TEST(l.Approximations("private") ==
                 std::vector<std::string>{"the input does not give the private profile's default inbound action: "
                                          "taken as block, Windows' default"},
             boost::test_tools::per_element());
  BOOST_TEST(l.Approximations("public").empty());
  // A rule-only export: every profile's settings assumed, each said.
  WindowsPolicy rules_only = PolicyOf({Allow("ssh", kTcp, 22)});
  rules_only.has_profile_settings = false;
  for (ProfileSettings& s : rules_only.profiles) s = {};
  const Lowered r(rules_only);
  BOOST_TEST(!r.Connects("domain", kTcp, 80, "203.0.113.5"));
  BOOST_TEST(r.Approximations("domain").size() == 2u);  // the firewall's state and the default action
}

BOOST_AUTO_TEST_CASE(firewall_off_in_one_profile_accepts_everything_there_only) {
  WindowsPolicy p = PolicyOf({Block("block-smb", kTcp, 445)});
  SettingsOf(p, kPrivate).enabled = false;
  const Lowered l(p);
  for (auto [protocol, port] : {std::pair{kTcp, 445}, std::pair{kTcp, 22}, std::pair{kUdp, 53}}) {
    BOOST_TEST_CONTEXT(int(protocol) << "/" << port) {
      const rules::ProbeResult off = l.Probe("private", protocol, static_cast<std::uint16_t>(port), "203.0.113.5");
      BOOST_TEST(off.connects);
      BOOST_TEST(std::holds_alternative<rules::FirewallOffDecision>(off.decided_by));
      BOOST_TEST(!off.conditional);
      BOOST_TEST(!l.Connects("domain", protocol, static_cast<std::uint16_t>(port), "203.0.113.5"));
      BOOST_TEST(!l.Connects("public", protocol, static_cast<std::uint16_t>(port), "203.0.113.5"));
    }
  }
  const std::vector<std::string> open = l.Openings("private");
  BOOST_TEST(std::count(open.begin(), open.end(), "tcp 0-65535 from any connects by firewall-off") == 1);
  BOOST_TEST(std::all_of(open.begin(), open.end(),
                         [](const std::string& s) { return s.ends_with("from any connects by firewall-off"); }));
  BOOST_TEST(l.Openings("domain").empty());
  BOOST_TEST(l.Openings("public").empty());
}

// ------------------------------------------------------------ rules that do nothing

BOOST_AUTO_TEST_CASE(disabled_rule_does_nothing_and_is_an_ignored_line_with_the_reason) {
  WindowsRule telnet = Allow("telnet", kTcp, 23);
  telnet.enabled = false;
  const Lowered l(PolicyOf({telnet}));
  for (const std::string& profile : kProfileNames) {
    BOOST_TEST(!l.Connects(profile, kTcp, 23, "203.0.113.5"), profile);
    BOOST_TEST(l.Openings(profile).empty(), profile);
  }
  BOOST_TEST(!l.Lowers("telnet"));
  BOOST_TEST(l.IgnoredReasons(2) == std::vector<std::string>{"disabled rule: Windows does not apply it"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(outbound_rule_does_nothing_inbound) {
  WindowsRule updater = InRule("updater", Action::kAllow, kTcp);
  updater.direction = Direction::kOut;
  const Lowered l(PolicyOf({updater}));
  for (const std::string& profile : kProfileNames) {
    BOOST_TEST(!l.Connects(profile, kTcp, 443, "203.0.113.5"), profile);
    BOOST_TEST(l.Openings(profile).empty(), profile);
  }
  BOOST_TEST(!l.Lowers("updater"));
  const std::vector<std::string> reasons = l.IgnoredReasons(2);
  BOOST_TEST_REQUIRE(reasons.size() == 1u);
  BOOST_TEST(reasons[0].starts_with("outbound rule: "));
}

BOOST_AUTO_TEST_CASE(local_merge_off_drops_local_rules_keeps_group_policy_and_doubts_unknown_stores) {
  WindowsRule local = Allow("local-web", kTcp, 80);
  local.store = Store::kLocal;
  WindowsRule gpo = Allow("gpo-web", kTcp, 81);
  gpo.store = Store::kGroupPolicy;
  WindowsRule unknown = Allow("unknown-web", kTcp, 82);  // netsh's plain dump: the store is not said
  WindowsPolicy p = PolicyOf({local, gpo, unknown});
  SettingsOf(p, kPublic).allow_local_rules = false;
  const Lowered l(p);
  BOOST_TEST(l.Openings("public") ==
                 (std::vector<std::string>{"tcp 81-81 from any connects by rule gpo-web",
                                           "tcp 82-82 from any connects by rule unknown-web if from Group Policy"}),
             boost::test_tools::per_element());
  BOOST_TEST(!l.Connects("public", kTcp, 80, "203.0.113.5"));
  BOOST_TEST(l.IgnoredReasons(2) ==
                 std::vector<std::string>{"local rule: the public profile does not merge local rules with Group "
                                          "Policy (AllowLocalPolicyMerge off)"},
             boost::test_tools::per_element());
  // Where merging is not turned off, every store counts, unconditionally.
  BOOST_TEST(l.Openings("domain") == (std::vector<std::string>{"tcp 80-80 from any connects by rule local-web",
                                                               "tcp 81-81 from any connects by rule gpo-web",
                                                               "tcp 82-82 from any connects by rule unknown-web"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(block_inbound_always_leaves_allow_rules_nothing_to_do) {
  WindowsPolicy p = PolicyOf({Allow("web", kTcp, 80)});
  SettingsOf(p, kPublic).block_all_inbound = true;
  const Lowered l(p);
  BOOST_TEST(!l.Connects("public", kTcp, 80, "203.0.113.5"));
  BOOST_TEST(l.Openings("public").empty());
  BOOST_TEST(l.Connects("domain", kTcp, 80, "203.0.113.5"));
  BOOST_TEST(l.Connects("private", kTcp, 80, "203.0.113.5"));
  const std::vector<std::string> reasons = l.IgnoredReasons(2);
  BOOST_TEST_REQUIRE(reasons.size() == 1u);
  BOOST_TEST(reasons[0].find("the public profile blocks all inbound connections (BlockInboundAlways)") == 0);
}

// ------------------------------------------------------------ program scope

BOOST_AUTO_TEST_CASE(program_scoped_allow_opens_for_that_program_unconditionally) {
  WindowsRule web = Allow("web", kTcp, 8080);
  web.program = "%ProgramFiles%\\Contoso\\web.exe";
  WindowsRule agent = Allow("agent", kTcp, 8081);
  agent.program = "%SystemRoot%\\system32\\svchost.exe";
  agent.service = "ContosoAgent";
  const Lowered l(PolicyOf({web, agent}));
  BOOST_TEST(l.Openings("public") ==
                 (std::vector<std::string>{
                     "tcp 8080-8080 from any connects by rule web [program C:\\Program Files\\Contoso\\web.exe]",
                     "tcp 8081-8081 from any connects by rule agent [program C:\\Windows\\system32\\svchost.exe, "
                     "service ContosoAgent]"}),
             boost::test_tools::per_element());
  const rules::ProbeResult r = l.Probe("public", kTcp, 8080, "203.0.113.5");
  BOOST_TEST(r.connects);
  BOOST_TEST(!r.conditional);
}

BOOST_AUTO_TEST_CASE(program_scoped_block_is_conditional_never_a_silent_block_of_everything) {
  WindowsRule block = Block("block-app", kTcp, 8080);
  block.program = "C:\\Apps\\bad.exe";
  const Lowered l(PolicyOf({Allow("web", kTcp, 8080), block}));
  BOOST_TEST(l.Openings("public") ==
                 std::vector<std::string>{"tcp 8080-8080 from any connects by rule web unless blocks only program "
                                          "C:\\Apps\\bad.exe (block-app)"},
             boost::test_tools::per_element());
  const rules::ProbeResult r = l.Probe("public", kTcp, 8080, "203.0.113.5");
  BOOST_TEST(r.connects);
  BOOST_TEST(r.conditional);
  // The block does not turn into a block of every program's traffic.
  const Lowered any_program(PolicyOf({Allow("web", kTcp, 8080), Block("block-all", kTcp, 8080)}));
  BOOST_TEST(!any_program.Connects("public", kTcp, 8080, "203.0.113.5"));
}

// ------------------------------------------------------------ keywords

BOOST_AUTO_TEST_CASE(address_keywords_are_conditional_openings_naming_the_keyword) {
  for (const std::string keyword : {"LocalSubnet", "DNS", "Internet", "DefaultGateway"}) {
    BOOST_TEST_CONTEXT(keyword) {
      const Lowered l(PolicyOf({From(Allow("rdp", kTcp, 3389), keyword)}));
      BOOST_TEST(l.Openings("public") ==
                     std::vector<std::string>{"tcp 3389-3389 from any connects by rule rdp if remoteip=" + keyword},
                 boost::test_tools::per_element());
      BOOST_TEST(l.Probe("public", kTcp, 3389, "203.0.113.5").conditional);
    }
  }
  // The registry's spelling reads as the same keyword.
  const Lowered spelled(PolicyOf({From(Allow("rdp", kTcp, 3389), "IntErnet")}));
  BOOST_TEST(spelled.Openings("public") ==
                 std::vector<std::string>{"tcp 3389-3389 from any connects by rule rdp if remoteip=Internet"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rpc_epmap_opens_exactly_tcp_135_and_rpc_is_conditional_on_the_dynamic_range) {
  const Lowered epmap(PolicyOf({LocalPorts(InRule("epmap", Action::kAllow, kTcp), "RPC-EPMap")}));
  BOOST_TEST(epmap.Openings("public") == std::vector<std::string>{"tcp 135-135 from any connects by rule epmap"},
             boost::test_tools::per_element());
  BOOST_TEST(!epmap.Probe("public", kTcp, 135, "203.0.113.5").conditional);
  BOOST_TEST(!epmap.Connects("public", kTcp, 136, "203.0.113.5"));

  const Lowered rpc(PolicyOf({LocalPorts(InRule("rpc", Action::kAllow, kTcp), "RPC")}));
  BOOST_TEST(rpc.Openings("public") ==
                 std::vector<std::string>{"tcp 49152-65535 from any connects by rule rpc if localport=RPC"},
             boost::test_tools::per_element());
  BOOST_TEST(!rpc.Connects("public", kTcp, 135, "203.0.113.5"));
  BOOST_TEST(!rpc.Connects("public", kTcp, 49151, "203.0.113.5"));
}

BOOST_AUTO_TEST_CASE(a_literal_address_beside_a_keyword_is_unconditional_the_keyword_part_conditional) {
  const Lowered l(PolicyOf({From(Allow("ssh", kTcp, 22), "192.0.2.0/24,LocalSubnet")}));
  BOOST_TEST(l.Openings("public") ==
                 (std::vector<std::string>{"tcp 22-22 from 192.0.2.0/24 connects by rule ssh",
                                           "tcp 22-22 from any except 192.0.2.0/24 connects by rule ssh if "
                                           "remoteip=LocalSubnet"}),
             boost::test_tools::per_element());
  BOOST_TEST(!l.Probe("public", kTcp, 22, "192.0.2.9").conditional);
  const rules::ProbeResult elsewhere = l.Probe("public", kTcp, 22, "203.0.113.5");
  BOOST_TEST(elsewhere.connects);
  BOOST_TEST(elsewhere.conditional);
}

// ------------------------------------------------------------ ICMP and families

BOOST_AUTO_TEST_CASE(icmp_types_are_conditions) {
  WindowsRule echo = InRule("echo", Action::kAllow, kIcmp4);
  echo.icmp = {{8, std::nullopt}, {0, 0}};
  const Lowered l(PolicyOf({echo}));
  BOOST_TEST(l.Openings("public") == std::vector<std::string>{"icmp 0-65535 from any connects by rule echo if icmp "
                                                              "types 8,0:0"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ipv4_only_addresses_open_nothing_on_ipv6) {
  const Lowered l(PolicyOf({From(Allow("ssh", kTcp, 22), "10.0.0.0/8")}));
  BOOST_TEST(l.Connects("public", kTcp, 22, "10.1.2.3"));
  BOOST_TEST(!l.Connects("public", kTcp, 22, "2001:db8::1", Family::kIpv6));
  BOOST_TEST(l.Openings("public", Family::kIpv6).empty());
  // A keyword restricted to one family (RA4=LocalSubnet) likewise.
  const Lowered keyword(PolicyOf({From(Allow("ssh", kTcp, 22), "LocalSubnet", Family::kIpv4)}));
  BOOST_TEST(keyword.Openings("public").size() == 1u);
  BOOST_TEST(keyword.Openings("public", Family::kIpv6).empty());
}

BOOST_AUTO_TEST_CASE(protocol_1_only_on_ipv4_and_58_only_on_ipv6) {
  const Lowered v4(PolicyOf({InRule("icmp4", Action::kAllow, kIcmp4)}));
  BOOST_TEST(v4.Connects("public", kIcmp4, 0, "203.0.113.5"));
  BOOST_TEST(!v4.Connects("public", kIcmp4, 0, "2001:db8::1", Family::kIpv6));
  BOOST_TEST(v4.Openings("public", Family::kIpv6).empty());
  const Lowered v6(PolicyOf({InRule("icmp6", Action::kAllow, kIcmp6)}));
  BOOST_TEST(v6.Connects("public", kIcmp6, 0, "2001:db8::1", Family::kIpv6));
  BOOST_TEST(!v6.Connects("public", kIcmp6, 0, "203.0.113.5"));
  BOOST_TEST(v6.Openings("public").empty());
}

// ------------------------------------------------------------ the stateful filter

BOOST_AUTO_TEST_CASE(tcp_allow_completes_its_handshake_with_inbound_blocked_by_default) {
  const Lowered l(PolicyOf({Allow("ssh", kTcp, 22)}));
  for (const std::string& profile : kProfileNames) {
    const rules::ProbeResult r = l.Probe(profile, kTcp, 22, "203.0.113.5");
    BOOST_TEST((r.verdict == rules::VerdictKind::kAccept), profile);
    BOOST_TEST(rules::HandshakeName(r.handshake) == rules::HandshakeName(rules::Handshake::kComplete), profile);
    BOOST_TEST(r.connects, profile);
  }
  BOOST_TEST(l.Openings("public") == std::vector<std::string>{"tcp 22-22 from any connects by rule ssh"},
             boost::test_tools::per_element());
  BOOST_TEST(l.ruleset.tables.at(0).chains.at(0).rules.at(0).id == "stateful");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers::windows
