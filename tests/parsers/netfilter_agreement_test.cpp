// The kernel is the judge: what iptables-restore refuses and what ipset's
// nomatch elements leave in a set, compared with ghostport in a fresh
// network namespace. Needs root, unshare, iptables-restore and ipset; says
// SKIPPED otherwise (CI runs as root, so there it runs).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "parsers/ipset/ipset_lowering.h"
#include "tests/parsers/iptables_test_helpers.h"

namespace ghostport::parsers {
namespace {

using namespace testing;  // NOLINT: the suite's helpers
namespace fs = std::filesystem;

struct Shell {
  int exit_code = -1;
  std::string out;
};

// Runs `script` with sh in a new network namespace.
Shell InNamespace(const std::string& script) {
  const fs::path file = fs::temp_directory_path() / ("ghostport-ns-" + std::to_string(::getpid()) + ".sh");
  std::ofstream(file) << script;
  Shell r;
  FILE* p = ::popen(("unshare -n sh " + file.string() + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), p)) > 0) r.out.append(buffer.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove(file);
  return r;
}

// Why the suite cannot run here, or empty.
std::string Unavailable(const char* tool) {
  if (::geteuid() != 0) return "not root";
  if (InNamespace("true").exit_code != 0) return "unshare -n does not work here";
  if (InNamespace(std::string("command -v ") + tool + " >/dev/null").exit_code != 0) {
    return std::string(tool) + " is not installed";
  }
  return "";
}

std::string HereDocument(const std::string& text) { return "<<'GHOSTPORT_EOF'\n" + text + "GHOSTPORT_EOF\n"; }

BOOST_AUTO_TEST_SUITE(netfilter_agreement)

// Each ruleset: iptables-restore's verdict (accepted or refused) and
// ghostport's (no error or an error) agree.
BOOST_AUTO_TEST_CASE(iptables_restore_refuses_what_ghostport_reports) {
  const std::string why = Unavailable("iptables-restore");
  if (!why.empty()) {
    std::cout << "SKIPPED: " << why << "; iptables-restore was not asked\n";
    return;
  }
  struct Case {
    Family family;
    std::string text;
  };
  const std::vector<Case> cases = {
      {Family::kIpv4, "*nat\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A OUTPUT -p tcp -j REDIRECT --to-ports 3128\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A POSTROUTING -o eth0 -j MASQUERADE\n-A INPUT -j SNAT --to-source 1.1.1.1\nCOMMIT\n"},
      {Family::kIpv4, "*filter\n-A INPUT -p tcp -j DNAT --to-destination 10.0.0.2:80\nCOMMIT\n"},
      {Family::kIpv4, "*mangle\n:U - [0:0]\n-A U -j REDIRECT\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A POSTROUTING -p tcp -j DNAT --to-destination 10.0.0.2\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A INPUT -j MASQUERADE\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING -j SNAT --to-source 1.1.1.1\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n:U - [0:0]\n-A U -p tcp -j DNAT --to-destination 10.0.0.2\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n:U - [0:0]\n:V - [0:0]\n-A V -p tcp -j DNAT --to-destination 1.1.1.1:80\n-A U -j V\n"
                      "-A PREROUTING -j U\n-A OUTPUT -g U\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n:U - [0:0]\n:V - [0:0]\n-A V -p tcp -j DNAT --to-destination 1.1.1.1:80\n-A U -j V\n"
                      "-A POSTROUTING -j U\nCOMMIT\n"},
      {Family::kIpv4, "*raw\n-A PREROUTING -j NOTRACK\n-A OUTPUT -j CT --notrack\nCOMMIT\n"},
      {Family::kIpv4, "*mangle\n-A PREROUTING -j NOTRACK\nCOMMIT\n"},
      {Family::kIpv4, "*filter\n-A INPUT -j CT --notrack\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING -j DNAT --to-destination 10.0.0.2:80\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING -j DNAT --to-destination 10.0.0.2:80 -p tcp\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING ! -p tcp -j DNAT --to-destination 10.0.0.2:80\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING -p tcp -j DNAT --to-destination 1.1.1.1 --to-destination 2.2.2.2\n"
                      "COMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING -p tcp -j DNAT --to-destination 1.1.1.1:80 --random-fully\nCOMMIT\n"},
      {Family::kIpv4, "*nat\n-A PREROUTING -p tcp -j DNAT --to-destination 1.1.1.1:80 --dport 8080\nCOMMIT\n"},
      {Family::kIpv6, "*nat\n-A PREROUTING -p tcp -j DNAT --to-destination [2001:db8::1]:80\nCOMMIT\n"},
      {Family::kIpv6, "*nat\n-A PREROUTING -p tcp -j DNAT --to-destination 2001:db8::1:80\nCOMMIT\n"},
      {Family::kIpv6, "*nat\n-A PREROUTING -p icmpv6 -j DNAT --to-destination [::1]:80\nCOMMIT\n"},
      {Family::kIpv4, "*filter\n-A INPUT -m addrtype --src-type LOCAL --limit-iface-in\nCOMMIT\n"},
      {Family::kIpv4, "*filter\n-A INPUT -m addrtype --src-type LOCAL --limit-iface-out\nCOMMIT\n"},
      {Family::kIpv4, "*filter\n-A INPUT -m addrtype ! --dst-type LOCAL,BROADCAST\nCOMMIT\n"},
      {Family::kIpv6, "*filter\n-A INPUT -m addrtype --dst-type BROADCAST\nCOMMIT\n"},
      {Family::kIpv4, "*filter\n-A INPUT -m conntrack --ctstate NEW,DNAT\nCOMMIT\n"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      const char* restore = c.family == Family::kIpv4 ? "iptables-restore" : "ip6tables-restore";
      const Shell kernel = InNamespace(std::string(restore) + " " + HereDocument(c.text));
      const ParseResult r = ParseIptablesSave(c.text, kFile, c.family);
      BOOST_TEST((kernel.exit_code == 0) == !r.HasErrors(),
                 restore << " exit " << kernel.exit_code << ": " << kernel.out << "ghostport:\n" << Rendered(r));
    }
  }
}

// Random hash:net and hash:net,port sets with nested nomatch exceptions:
// `ipset test` and the carved elements agree on every address asked.
BOOST_AUTO_TEST_CASE(nomatch_carving_agrees_with_ipset_test) {
  const std::string why = Unavailable("ipset");
  if (!why.empty()) {
    std::cout << "SKIPPED: " << why << "; ipset test was not asked\n";
    return;
  }
  std::mt19937 random(20261203);
  const rules::u128 base = *rules::ParseIpv4("10.0.0.0");
  for (int round = 0; round < 12; ++round) {
    const bool with_port = round % 2 == 1;
    std::ostringstream dump;
    dump << "create s " << (with_port ? "hash:net,port" : "hash:net") << "\n";
    std::set<std::pair<rules::u128, int>> used;
    std::vector<rules::u128> probes;
    for (int k = 0; k < 8; ++k) {
      const int prefix = 20 + static_cast<int>(random() % 11);  // /20 to /30 inside 10.0.0.0/16
      const rules::u128 host = base + (random() % 65536);
      const rules::Cidr cidr{Family::kIpv4, host, prefix};
      if (!used.insert({cidr.First(), prefix}).second) continue;
      dump << "add s " << rules::FormatCidr({Family::kIpv4, cidr.First(), prefix}) << (with_port ? ",tcp:22" : "")
           << (random() % 2 == 0 ? " nomatch" : "") << "\n";
      for (rules::u128 a : {cidr.First(), cidr.Last(), cidr.First() - 1, cidr.Last() + 1, host}) probes.push_back(a);
    }
    const ParseResult r = ParseIpsetSave(dump.str(), "random.save");
    BOOST_TEST_REQUIRE(Rendered(r) == "", dump.str());
    const rules::NamedSet& set = r.ruleset.sets.at(0);
    std::string script = "ipset restore " + HereDocument(dump.str());
    for (rules::u128 a : probes) {
      const std::string element = rules::FormatAddress(Family::kIpv4, a) + (with_port ? ",tcp:22" : "");
      script += "if ipset test s " + element + " >/dev/null 2>&1; then echo 1; else echo 0; fi\n";
    }
    const Shell kernel = InNamespace(script);
    BOOST_TEST_REQUIRE(kernel.exit_code == 0, kernel.out);
    std::istringstream answers(kernel.out);
    for (rules::u128 a : probes) {
      int in_kernel = -1;
      answers >> in_kernel;
      bool in_model = false;
      for (const auto& e : set.elements) in_model = in_model || (e.key[0].range.lo <= a && a <= e.key[0].range.hi);
      BOOST_TEST(in_model == (in_kernel == 1),
                 rules::FormatAddress(Family::kIpv4, a) << " in the set:\n" << dump.str());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
