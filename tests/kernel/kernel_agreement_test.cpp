// Kernel agreement: ghostport's probe answers must match what the Linux
// kernel actually does with the same iptables (or nftables) ruleset, over
// the whole netfilter path a new inbound connection meets.
//
// Three network namespaces (lab.h): a client with several source addresses,
// the server that loads the ruleset (every table: raw, mangle, nat, filter,
// security, with iptables-restore or ip6tables-restore; nft -f for nft
// text) and forwards, and a
// backend behind it for DNAT. packet_server listens on every probed port on
// the server and on the backend; packet_client sends every probe at once
// from the client (over veth) and from the server itself (over lo). What the
// kernel did is read from both ends (judgement.h): a TCP probe connects only
// when a listener accepted it, not when the client's connect() returned;
// the listener that got it says whether it went to the server (path input)
// or through FORWARD to the backend (path forward), and at which address and
// port it landed after NAT. The same probes go through
//   ghostport probe RULESET --batch TSV --format json --to ADDR
// and each answer (verdict, connects, handshake, path, translated) is held
// against the kernel. A disagreement names the probe, what the kernel did,
// every ghostport field and the rule that decided; each group ends with a
// tally and the disagreements by kind. Probes whose answer is conditional
// are listed and not counted.
//
// Groups: the harness's own check (no ghostport), hand-written filter-only
// rulesets (tests/kernel/rulesets/*.rules), hand-written whole-path rulesets
// (tests/kernel/rulesets/path/*.rules), hand-written nftables rulesets
// (tests/kernel/rulesets/nft/*.nft, loaded with nft -f; SKIPPED while
// ghostport has no nftables front end, GHOSTPORT_KERNEL_FORCE_NFT=1 runs
// them anyway), seeded filter-only rulesets and seeded whole-path rulesets.
// What differs by file kind (how it is loaded, which families it is probed
// over) is one table, ruleset_kind.h. The seed is printed; GHOSTPORT_KERNEL_SEED=N
// (or =random) overrides it, GHOSTPORT_KERNEL_RULESETS=N the number of
// filter-only rulesets, GHOSTPORT_KERNEL_PATH_RULESETS=N the number of
// whole-path ones; GHOSTPORT_KERNEL_LABS=N (1-4, default 4) how many labs a
// group runs on side by side. GHOSTPORT_BIN overrides the ghostport binary
// under test.
// Some 150,000 probes (about 10 minutes on two cores), on one line:
//   GHOSTPORT_KERNEL_SEED=random GHOSTPORT_KERNEL_RULESETS=200
//   GHOSTPORT_KERNEL_PATH_RULESETS=200 build/tests/kernel/kernel_agreement_test
//   --run_test=generated_filter_rulesets_agree_with_the_kernel,generated_path_rulesets_agree_with_the_kernel
//
// Needs root and iproute2/iptables; without them it says SKIPPED and passes,
// except under CI (CI=true) as root, where missing tools fail the test.

#define BOOST_TEST_MODULE kernel_agreement
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/kernel/comparison.h"
#include "tests/kernel/filter_generator.h"
#include "tests/kernel/ghostport_answer.h"
#include "tests/kernel/judgement.h"
#include "tests/kernel/lab.h"
#include "tests/kernel/measurement.h"
#include "tests/kernel/path_generator.h"
#include "tests/kernel/probes.h"
#include "tests/kernel/refusals.h"
#include "tests/kernel/ruleset_kind.h"
#include "tests/kernel/test_environment.h"

namespace {

using namespace ghostport::kernel_test;

constexpr std::uint64_t kDefaultSeed = 20240611;
constexpr int kDefaultFilterRulesets = 30;
constexpr int kDefaultPathRulesets = 15;
constexpr int kRulesPerFilterRuleset = 25;
constexpr int kHarnessTimeoutMs = 1500;
// Labs (namespace triples) a group runs on side by side; GHOSTPORT_KERNEL_LABS
// overrides it. The signal handler's table holds four.
constexpr int kDefaultLabs = 4;
constexpr int kMaxLabs = 4;
// Decorrelates the whole-path generator's draws from the filter generator's.
constexpr std::uint64_t kPathSeedSalt = 0x9e3779b97f4a7c15ULL;

// ---------------------------------------------------------------- knobs

std::uint64_t SeedFromEnvironment() {
  const char* text = std::getenv("GHOSTPORT_KERNEL_SEED");
  if (text == nullptr || *text == '\0') return kDefaultSeed;
  if (std::string(text) == "random") return std::random_device{}();
  return std::strtoull(text, nullptr, 10);
}

int CountFromEnvironment(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::max(0, std::atoi(text));
}

// ---------------------------------------------------------------- groups

struct RulesetResult {
  std::atomic<bool> done{false};
  std::string text;   // what CompareRuleset wrote
  std::string error;  // "" when it agreed
  GroupTally tally;
};

// Compares every ruleset of a group, on several labs side by side (the
// work is mostly waiting for timeouts), prints each ruleset's report in
// order as it comes, and ends with the group's tally.
void CompareGroup(const Tools& tools, WorkDir& work, const std::string& group,
                  const std::vector<Ruleset>& rulesets, bool print_ruleset_on_failure) {
  const int lab_count = std::clamp(CountFromEnvironment("GHOSTPORT_KERNEL_LABS", kDefaultLabs), 1,
                                   kMaxLabs);
  std::vector<std::unique_ptr<Lab>> labs;
  for (int i = 0; i < lab_count; ++i) labs.push_back(std::make_unique<Lab>(tools, i));
  std::vector<RulesetResult> results(rulesets.size());
  std::atomic<std::size_t> next{0};
  auto work_on = [&](std::size_t lab) {
    const fs::path scratch = work.path() / ("lab" + std::to_string(lab));
    fs::create_directories(scratch);
    for (std::size_t i = next++; i < rulesets.size(); i = next++) {
      std::ostringstream out;
      try {
        results[i].error = CompareRuleset(*labs[lab], rulesets[i], scratch,
                                          print_ruleset_on_failure, results[i].tally, out);
      } catch (const std::exception& error) {
        ++results[i].tally.failed_rulesets;
        results[i].error = "ruleset " + rulesets[i].name + ": " + error.what();
        out << "ruleset " << rulesets[i].name << ": FAILED: " << error.what() << "\n";
      }
      results[i].text = out.str();
      results[i].done = true;
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t lab = 0; lab < labs.size(); ++lab) threads.emplace_back(work_on, lab);
  GroupTally tally;
  tally.group = group;
  for (RulesetResult& result : results) {
    while (!result.done) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::cout << result.text << std::flush;
    tally.Add(result.tally);
    if (!result.error.empty()) {
      work.Keep();
      BOOST_ERROR(result.error);
    }
  }
  for (std::thread& thread : threads) thread.join();
  PrintTally(tally);
  BOOST_TEST(tally.failed_rulesets == 0,
             tally.failed_rulesets << " rulesets of group " << tally.group
                                   << " disagree with the kernel");
}

// Every ruleset file of `kind` in `directory`, in name order, once per
// family it is probed over (ruleset_kind.h).
std::vector<Ruleset> HandWritten(const fs::path& directory, RulesetKind kind) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && KindOf(entry.path()) == kind) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Ruleset> rulesets;
  for (const fs::path& file : files) {
    Ruleset ruleset;
    ruleset.name = file.filename().string();
    ruleset.path = file;
    ruleset.text = ReadFile(file);
    const std::vector<bool> families = FamiliesOf(file, ruleset.text);
    for (const bool ipv6 : families) {
      ruleset.ipv6 = ipv6;
      ruleset.twin = families.size() > 1;
      rulesets.push_back(ruleset);
    }
  }
  return rulesets;
}

// `ready` (when given) decides, once the environment is there, whether the
// group runs: false means it said why not.
void RunHandWritten(const std::string& group, const fs::path& directory, RulesetKind kind,
                    const std::function<bool(const Tools&, const fs::path&)>& ready = {}) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  if (!RequireGhostport()) return;
  WorkDir work;
  if (ready && !ready(*tools, work.path())) return;
  const std::vector<Ruleset> rulesets = HandWritten(directory, kind);
  BOOST_TEST_REQUIRE(!rulesets.empty(), "no " << KindName(kind) << " rulesets in " << directory);
  CompareGroup(*tools, work, group, rulesets, false);
}

// `draw(ipv6)` gives one ruleset's text.
void RunGenerated(const std::string& group, const char* count_variable, int default_count,
                  int ipv6_every, const std::function<std::string(bool)>& draw,
                  std::uint64_t seed) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  if (!RequireGhostport()) return;
  WorkDir work;
  const int count = CountFromEnvironment(count_variable, default_count);
  std::cout << "group " << group << ": generator seed " << seed << " (GHOSTPORT_KERNEL_SEED="
            << seed << " reproduces it), " << count << " rulesets (" << count_variable << ")"
            << std::endl;
  std::vector<Ruleset> rulesets;
  for (int i = 0; i < count; ++i) {
    Ruleset ruleset;
    ruleset.ipv6 = i % ipv6_every == ipv6_every - 1;
    ruleset.name = group + "-" + std::to_string(i + 1) + ".rules";
    ruleset.path = work.path() / ruleset.name;
    ruleset.text = draw(ruleset.ipv6);
    WriteFile(ruleset.path, ruleset.text);
    rulesets.push_back(ruleset);
  }
  CompareGroup(*tools, work, group, rulesets, true);
}

// ---------------------------------------------------------------- the harness

using Expectation = std::function<Observation(const Probe&)>;

Observation DeliveredAt(const std::string& path, const std::string& address, int port) {
  return {Reach::kDelivered, path, address, port};
}

Observation Plain(Reach reach) { return {reach, "", "", 0}; }

// Loads `text` (iptables-save text, or nft text for `nft`), sends the
// probes (packet_server listening on their ports and on `extra_ports`), and
// counts the probes whose observation is not the expected one, printing
// each.
int CheckHarness(const Lab& lab, const fs::path& scratch, const std::string& name,
                 const std::string& text, bool ipv6, const std::vector<int>& ports,
                 const std::vector<int>& extra_ports, const Expectation& expect,
                 RulesetKind kind = RulesetKind::kIptables) {
  const fs::path file = scratch / (kind == RulesetKind::kNftables ? "harness.nft" : "harness.rules");
  WriteFile(file, text);
  const std::string error = lab.Load(file, ipv6, scratch);
  if (!error.empty()) throw std::runtime_error("harness ruleset " + name + " refused: " + error);
  const std::vector<Probe> probes = MakeProbes(ports, ipv6);
  std::set<int> listening(ports.begin(), ports.end());
  listening.insert(extra_ports.begin(), extra_ports.end());
  Listeners listeners(lab, {listening.begin(), listening.end()}, scratch);
  const std::vector<KernelOutcome> outcomes =
      Measure(lab, listeners, probes, kHarnessTimeoutMs, scratch);
  int failures = 0;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const Observation want = expect(probes[i]);
    const auto seen = Observe(probes[i], outcomes[i]);
    const auto* kernel = std::get_if<Observation>(&seen);
    if (kernel != nullptr && SameObservation(*kernel, want)) continue;
    ++failures;
    std::cout << "  harness: " << Describe(probes[i]) << ": expected " << Describe(want)
              << ", measured "
              << (kernel != nullptr ? Describe(*kernel) : std::get<std::string>(seen))
              << " [client " << outcomes[i].client << "]\n";
  }
  std::cout << "harness " << (ipv6 ? "ipv6 " : "ipv4 ") << name << ": "
            << probes.size() - static_cast<std::size_t>(failures) << "/" << probes.size()
            << " probes measured as expected" << std::endl;
  return failures;
}

// Every address of the lab's IPv4 text, for its IPv6 twin.
std::string ForIpv6(std::string text) {
  const std::pair<const char*, const char*> swaps[] = {
      {"10.77.9.2:9009", "[fd77:9::2]:9009"}, {"10.77.9.2", "fd77:9::2"}};
  for (const auto& [from, to] : swaps) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, std::strlen(from), to);
      at += std::strlen(to);
    }
  }
  return text;
}

// Forwarding and handshakes, one port each: DNAT to the backend keeping the
// port (9000) and changing it (9001 -> 9009), DNAT with FORWARD dropping it
// (9002), the SYN-ACK dropped in OUTPUT (9003) and rejected there (9010),
// the client's ACK dropped (9004), rejected with a reset (9005) and with an
// ICMP error (9007) after a NEW accept, REDIRECT 9006 -> 9008.
constexpr const char* kPathHarness =
    "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    ":POSTROUTING ACCEPT [0:0]\n"
    "-A PREROUTING -p tcp -m tcp --dport 9000 -j DNAT --to-destination 10.77.9.2\n"
    "-A PREROUTING -p udp -m udp --dport 9000 -j DNAT --to-destination 10.77.9.2\n"
    "-A PREROUTING -p tcp -m tcp --dport 9001 -j DNAT --to-destination 10.77.9.2:9009\n"
    "-A PREROUTING -p udp -m udp --dport 9001 -j DNAT --to-destination 10.77.9.2:9009\n"
    "-A PREROUTING -p tcp -m tcp --dport 9002 -j DNAT --to-destination 10.77.9.2\n"
    "-A PREROUTING -p udp -m udp --dport 9002 -j DNAT --to-destination 10.77.9.2\n"
    "-A PREROUTING -p tcp -m tcp --dport 9006 -j REDIRECT --to-ports 9008\n"
    "-A PREROUTING -p udp -m udp --dport 9006 -j REDIRECT --to-ports 9008\n"
    "COMMIT\n"
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    "-A INPUT -p tcp -m tcp --dport 9004 -m conntrack --ctstate NEW -j ACCEPT\n"
    "-A INPUT -p tcp -m tcp --dport 9004 -j DROP\n"
    "-A INPUT -p tcp -m tcp --dport 9005 -m conntrack --ctstate NEW -j ACCEPT\n"
    "-A INPUT -p tcp -m tcp --dport 9005 -j REJECT --reject-with tcp-reset\n"
    "-A INPUT -p tcp -m tcp --dport 9007 -m conntrack --ctstate NEW -j ACCEPT\n"
    "-A INPUT -p tcp -m tcp --dport 9007 -j REJECT\n"
    "-A FORWARD -p tcp -m tcp --dport 9002 -j DROP\n"
    "-A FORWARD -p udp -m udp --dport 9002 -j DROP\n"
    "-A OUTPUT -p tcp -m tcp --sport 9003 -j DROP\n"
    "-A OUTPUT -p tcp -m tcp --sport 9010 -j REJECT --reject-with tcp-reset\n"
    "COMMIT\n";

Observation PathHarnessExpectation(const Probe& p, bool ipv6) {
  const std::string backend = ipv6 ? kBackendV6 : kBackendV4;
  const bool tcp = p.proto == "tcp";
  const Observation at_server = DeliveredAt("input", p.destination, p.port);
  // nat PREROUTING never sees what the server sends itself over lo: the
  // connection was tracked (and NATed, or not) in OUTPUT.
  if (p.local && (p.port == 9000 || p.port == 9001 || p.port == 9002 || p.port == 9006)) {
    return at_server;
  }
  switch (p.port) {
    case 9000: return DeliveredAt("forward", backend, 9000);
    case 9001: return DeliveredAt("forward", backend, 9009);
    case 9002: return Plain(Reach::kSilent);
    case 9003: return tcp ? Plain(Reach::kSilent) : at_server;
    case 9004: return tcp ? Plain(Reach::kAckDropped) : at_server;
    case 9005:
    case 9007: return tcp ? Plain(Reach::kAckRejected) : at_server;
    case 9010: return tcp ? Plain(Reach::kSilent) : at_server;
    case 9006: return DeliveredAt("input", "", 9008);  // REDIRECT: the interface's address
    default: return at_server;
  }
}

// nft text, loaded with nft -f, measured in both families from an inet
// table: accept, reject and drop by port. Loading it replaces the iptables
// ruleset before it (an all-drop) completely, and an iptables ruleset
// loaded after it replaces it completely (every kind's flush runs before
// every ruleset). It needs no nft front end in ghostport.
constexpr const char* kNftHarness =
    "table inet harness {\n"
    "  chain input {\n"
    "    type filter hook input priority filter; policy accept;\n"
    "    ct state established,related accept\n"
    "    tcp dport 9005 reject with tcp reset\n"
    "    udp dport 9005 reject\n"
    "    meta l4proto { tcp, udp } th dport 9009 drop\n"
    "  }\n"
    "}\n";

int CheckNftHarness(const Tools& tools, const Lab& lab, const fs::path& scratch) {
  if (const std::string missing = MissingTools(tools, RulesetKind::kNftables); !missing.empty()) {
    if (InCi()) BOOST_FAIL("CI runs as root, so the nft harness must run: it needs " + missing);
    std::cout << "SKIPPED: the nft harness needs " << missing << std::endl;
    return 0;
  }
  int failures = 0;
  for (const bool ipv6 : {false, true}) {
    failures += CheckHarness(
        lab, scratch, "nft-accept-reject-drop", kNftHarness, ipv6, {22, 9005, 9009}, {},
        [](const Probe& p) {
          if (p.port == 9005) return Plain(Reach::kRejected);
          if (p.port == 9009) return Plain(Reach::kSilent);
          return DeliveredAt("input", p.destination, p.port);
        },
        RulesetKind::kNftables);
  }
  const char* accept_all = "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n";
  failures += CheckHarness(lab, scratch, "iptables-after-nft", accept_all, false, {9005, 9009}, {},
                           [](const Probe& p) {
                             return DeliveredAt("input", p.destination, p.port);
                           });
  return failures;
}

}  // namespace

// The file kinds (no kernel needed): by name, the families each is probed
// over, what ghostport is told.
BOOST_AUTO_TEST_CASE(ruleset_kinds_and_families_follow_the_file) {
  BOOST_TEST((KindOf("a.rules") == RulesetKind::kIptables));
  BOOST_TEST((KindOf("a.nft") == RulesetKind::kNftables));
  BOOST_TEST(!KindOf("README.md").has_value());
  BOOST_TEST((KindOrIptables("harness") == RulesetKind::kIptables));
  using Families = std::vector<bool>;
  BOOST_TEST((FamiliesOf("a.rules", "# Generated by iptables-save v1.8.9\n") == Families{false}));
  BOOST_TEST((FamiliesOf("a.rules", "# Generated by ip6tables-save v1.8.9\n") == Families{true}));
  BOOST_TEST((FamiliesOf("a.nft", "table inet f {\n}\n") == Families{false}));
  BOOST_TEST((FamiliesOf("a_ipv6.nft", "table ip6 f {\n}\n") == Families{true}));
  BOOST_TEST((FamiliesOf("a.nft", "# x\n# family: ipv6\ntable inet f {\n}\n") == Families{true}));
  BOOST_TEST((FamiliesOf("a.nft", "# family: ipv6, ipv4\n") == Families{false, true}));
  BOOST_TEST((FamiliesOf("a.nft", "  # family: ipv6\n") == Families{false}));  // a header line only
  BOOST_TEST(GhostportFormatArguments(RulesetKind::kIptables).empty());
  BOOST_TEST((GhostportFormatArguments(RulesetKind::kNftables) ==
              std::vector<std::string>{"--input-format", "nft"}));
}

// PortsFor on nft text (no kernel needed): each way a ruleset names a port
// is probed, with the neighbours of range bounds; numbers that are no
// ports (priorities, addresses, comments, marks) are not.
BOOST_AUTO_TEST_CASE(ports_named_by_nft_rulesets_are_probed) {
  const std::string text =
      "# tcp dport 4444 in a comment\n"
      "define ssh_alt = 2222\n"
      "define backend = 10.77.9.2\n"
      "table inet f {\n"
      "  set web { type inet_service; flags interval; elements = { 7000, 7100-7110 } }\n"
      "  set pairs {\n    type ipv4_addr . inet_service\n    elements = { 10.77.1.5 . 2200 }\n  }\n"
      "  set marks { type mark; elements = { 4000 } }\n"
      "  map verdicts { type inet_service : verdict; elements = { 5353 : accept } }\n"
      "  chain c {\n    type filter hook input priority filter + 10; policy drop;\n"
      "    tcp dport 21 accept\n    tcp dport { 31, 40-50 } accept\n"
      "    udp dport != 61 drop\n    tcp sport 71 accept ; th dport < 1024 accept\n"
      "    tcp dport vmap { 23 : drop, 81:accept }\n    tcp dport $ssh_alt meta mark 4001 accept\n"
      "    ip saddr . tcp dport { 10.77.1.5 . 91 } accept comment \"dport 4445\"\n"
      "    tcp dport . ip saddr { 92 . 10.77.1.5 } accept\n"
      "    ip6 saddr . tcp dport { 2001:db8:7::7 . 93 } accept\n  }\n"
      "  chain n {\n    type nat hook prerouting priority -150;\n"
      "    tcp dport 8081 redirect to :8181\n    tcp dport 8082 dnat ip to $backend:8282\n"
      "    tcp dport 8083 dnat ip to 10.77.9.2:8383-8385\n"
      "    tcp dport 8084 dnat ip6 to [fd77:9::2]:8484\n"
      "    meta l4proto tcp dnat ip to tcp dport map { 8085 : 10.77.9.2 . 8585 }\n  }\n"
      "}\n"
      "add element inet f web { 7200 }\n";
  const std::vector<int> ports = PortsFor(text, RulesetKind::kNftables);
  const std::set<int> found(ports.begin(), ports.end());
  for (const int port : {21, 31, 39, 40, 45, 50, 51, 61, 71, 1023, 1024, 1025, 23, 81, 2222, 91,
                         92, 7000, 7099, 7100, 7105, 7110, 7111, 7200, 2200, 5353, 8081, 8181,
                         8082, 8282, 8083, 8383, 8384, 8385, 8484, 8085, 8585, 93}) {
    BOOST_TEST(found.count(port) == 1, "port " << port << " is probed");
  }
  for (const int port : {4444, 4445, 4000, 4001, 150, 10, 77, 9, 2, 2001}) {
    BOOST_TEST(found.count(port) == 0, "port " << port << " is not probed");
  }
}

// The measurement itself: with a ruleset that accepts, rejects or drops
// everything, every probe from every client address (and over lo) must come
// out that way, for both families and both protocols; and the same with nft
// text (CheckNftHarness).
BOOST_AUTO_TEST_CASE(harness_measures_accept_reject_and_drop) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  WorkDir work;
  const Lab lab(*tools);
  const char* header = "*filter\n:INPUT ACCEPT [0:0]\n"
                       "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n";
  const std::pair<const char*, std::string> cases[] = {
      {"all-accept", ""},
      {"all-reject", "-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n-A INPUT -j REJECT\n"},
      {"all-drop", "-A INPUT -j DROP\n"}};
  int failures = 0;
  for (const bool ipv6 : {false, true}) {
    for (const auto& [name, rules] : cases) {
      const std::string case_name = name;
      const Expectation expect = [&case_name](const Probe& p) {
        if (case_name == "all-reject") return Plain(Reach::kRejected);
        if (case_name == "all-drop") return Plain(Reach::kSilent);
        return DeliveredAt("input", p.destination, p.port);
      };
      failures += CheckHarness(lab, work.path(), name, std::string(header) + rules + "COMMIT\n",
                               ipv6, {22, 9000}, {}, expect);
    }
  }
  // After the iptables all-drop: nft text, and iptables again after it.
  failures += CheckNftHarness(*tools, lab, work.path());
  if (failures > 0) work.Keep();
  BOOST_TEST(failures == 0, "the namespace harness mismeasured " << failures << " probes");
}

// The forward path and the handshake, measured: DNAT to the backend
// connects there (at the translated port), FORWARD DROP stops it, a dropped
// SYN-ACK looks like a dropped SYN, a dropped or rejected ACK leaves the
// client connected and the listener without a connection, REDIRECT lands on
// the target port.
BOOST_AUTO_TEST_CASE(harness_measures_forwarding_and_handshakes) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  WorkDir work;
  const Lab lab(*tools);
  int failures = 0;
  for (const bool ipv6 : {false, true}) {
    const std::string text = ipv6 ? ForIpv6(kPathHarness) : kPathHarness;
    failures += CheckHarness(lab, work.path(), "forwarding-and-handshakes", text, ipv6,
                             {9000, 9001, 9002, 9003, 9004, 9005, 9006, 9007, 9010}, {9008, 9009},
                             [ipv6](const Probe& p) { return PathHarnessExpectation(p, ipv6); });
    // All-accept DNAT of every port to the backend: everything connects
    // there; with FORWARD DROP nothing does.
    for (const char* forward : {"ACCEPT", "DROP"}) {
      const std::string backend = ipv6 ? kBackendV6 : kBackendV4;
      const std::string dnat = std::string("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n") +
                               ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n" +
                               "-A PREROUTING -i veth-s -j DNAT --to-destination " + backend +
                               "\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD " + forward +
                               " [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
      const bool accept = std::string(forward) == "ACCEPT";
      failures += CheckHarness(
          lab, work.path(), std::string("dnat-all-forward-") + (accept ? "accept" : "drop"), dnat,
          ipv6, {22, 9000}, {}, [&](const Probe& p) {
            if (p.local) return DeliveredAt("input", p.destination, p.port);
            return accept ? DeliveredAt("forward", backend, p.port) : Plain(Reach::kSilent);
          });
    }
  }
  if (failures > 0) work.Keep();
  BOOST_TEST(failures == 0, "the namespace harness mismeasured " << failures << " probes");
}

BOOST_AUTO_TEST_CASE(hand_written_filter_rulesets_agree_with_the_kernel) {
  RunHandWritten("hand-written-filter",
                 fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets",
                 RulesetKind::kIptables);
}

BOOST_AUTO_TEST_CASE(hand_written_path_rulesets_agree_with_the_kernel) {
  RunHandWritten("hand-written-path",
                 fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "path",
                 RulesetKind::kIptables);
}

// nftables rulesets (nft config text, loaded with nft -f): every hook and
// priority, sets, maps, verdict maps, NAT. Until ghostport reads nft text
// the group says SKIPPED; GHOSTPORT_KERNEL_FORCE_NFT=1 runs it anyway (each
// ruleset then fails, its outcomes file holding what the kernel did).
BOOST_AUTO_TEST_CASE(hand_written_nft_rulesets_agree_with_the_kernel) {
  RunHandWritten("hand-written-nft",
                 fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "nft",
                 RulesetKind::kNftables, NftGroupReady);
}

// What iptables-restore refuses when loading (not --test): -o in INPUT and
// PREROUTING, -i in OUTPUT and POSTROUTING, jumps to chains not (yet)
// declared, NAT targets in the wrong table or reached from the wrong hook.
BOOST_AUTO_TEST_CASE(refusals_agree_with_the_kernel) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  if (!RequireGhostport()) return;
  WorkDir work;
  const auto outcomes = CompareRefusals(
      *tools, GhostportBinary(), fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets" / "refusals");
  BOOST_TEST_REQUIRE(!outcomes.empty());
  int agree = 0;
  for (const RefusalOutcome& o : outcomes) {
    std::cout << "  " << (o.Agrees() ? "agree" : "DISAGREE") << " " << o.name << ": expected "
              << (o.expected_refused ? "refused" : "loaded") << ", kernel "
              << (o.kernel_refused ? "refused (" + o.kernel_message + ")" : "loaded") << ", ghostport "
              << (o.ghostport_refused ? "refused" : "read it") << "\n";
    agree += o.Agrees() ? 1 : 0;
    BOOST_TEST(o.Agrees(), o.name);
  }
  std::cout << "group refusals: " << agree << " of " << outcomes.size() << " rulesets agree with the kernel\n";
}

BOOST_AUTO_TEST_CASE(generated_filter_rulesets_agree_with_the_kernel) {
  const std::uint64_t seed = SeedFromEnvironment();
  FilterGenerator generator(seed);
  RunGenerated("generated-filter", "GHOSTPORT_KERNEL_RULESETS", kDefaultFilterRulesets, 5,
               [&](bool ipv6) { return generator.Ruleset(ipv6, kRulesPerFilterRuleset); }, seed);
}

BOOST_AUTO_TEST_CASE(generated_path_rulesets_agree_with_the_kernel) {
  const std::uint64_t seed = SeedFromEnvironment();
  PathGenerator generator(seed ^ kPathSeedSalt);
  RunGenerated("generated-path", "GHOSTPORT_KERNEL_PATH_RULESETS", kDefaultPathRulesets, 4,
               [&](bool ipv6) { return generator.Ruleset(ipv6); }, seed);
}
