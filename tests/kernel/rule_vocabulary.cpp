#include "tests/kernel/rule_vocabulary.h"

#include "tests/kernel/probes.h"
#include "tests/kernel/process.h"

namespace ghostport::kernel_test {

std::string RuleVocabulary::Port() {
  std::vector<int> ports = PortPool();
  ports.insert(ports.end(), ExtraPorts().begin(), ExtraPorts().end());
  return std::to_string(Pick(ports));
}

std::string RuleVocabulary::Range(bool multiport) {
  int a = Pick(PortPool());
  int b = Chance(0.6) ? a + Uniform(0, 10) : Pick(PortPool());
  if (a > b) std::swap(a, b);
  if (a == b && multiport) return std::to_string(a);
  return std::to_string(a) + ":" + std::to_string(b);
}

std::string RuleVocabulary::Ports(const std::string& proto, const std::string& option) {
  switch (Uniform(0, 2)) {
    case 0: return "-m " + proto + " " + Negate(0.15) + "--" + option + " " + Port() + " ";
    case 1: return "-m " + proto + " " + Negate(0.15) + "--" + option + " " + Range(false) + " ";
    default: {
      std::vector<std::string> items;
      const int count = Uniform(2, 4);
      for (int i = 0; i < count; ++i) items.push_back(Chance(0.3) ? Range(true) : Port());
      return "-m multiport " + Negate(0.15) + "--" + option + "s " + Join(items, ",") + " ";
    }
  }
}

std::string RuleVocabulary::Source() {
  static const std::vector<std::string> v4 = {
      "10.77.0.2/32",   "10.77.1.5/32",   "10.77.1.77/32", "10.77.200.9/32",
      "192.168.7.7/32", "203.0.113.9/32", "10.77.0.1/32",  "10.77.1.0/24",
      "10.77.0.0/24",   "10.77.200.0/24", "10.77.0.0/16",  "192.168.7.0/24",
      "203.0.113.0/24", "10.0.0.0/8",     "192.168.0.0/16", "10.77.1.64/26"};
  static const std::vector<std::string> v6 = {
      "fd77::2/128", "fd77::5/128",     "fd77:0:0:1::9/128", "2001:db8:7::7/128",
      "fd77::1/128", "fd77::/64",       "fd77:0:0:1::/64",   "fd77::/48",
      "fd77::/16",   "2001:db8::/32",   "fd77::4/126",       "fd77::/127"};
  static const std::vector<std::string> v4_ranges = {
      "10.77.0.1-10.77.1.5",       "10.77.1.0-10.77.1.100",   "10.77.0.3-10.77.200.8",
      "192.168.7.1-203.0.113.255", "10.77.1.6-10.77.255.255", "10.77.0.2-10.77.0.2"};
  static const std::vector<std::string> v6_ranges = {
      "fd77::1-fd77::3", "fd77::3-fd77:0:0:1::ffff", "2001:db8:7::7-fd77::2", "fd77::5-fd77::5"};
  if (Chance(0.2)) {
    return "-m iprange " + Negate(0.2) + "--src-range " + Pick(ipv6_ ? v6_ranges : v4_ranges) +
           " ";
  }
  return Negate(0.2) + "-s " + Pick(ipv6_ ? v6 : v4) + " ";
}

std::string RuleVocabulary::Interface() {
  static const std::vector<std::string> choices = {"-i veth-s ", "! -i veth-s ", "-i lo ",
                                                   "! -i lo ",    "-i veth+ ",    "-i eth0 "};
  return Pick(choices);
}

std::string RuleVocabulary::State() {
  static const std::vector<std::string> choices = {
      "-m conntrack --ctstate NEW ",       "-m conntrack --ctstate ESTABLISHED ",
      "-m conntrack --ctstate INVALID ",   "-m conntrack ! --ctstate INVALID ",
      "-m state --state NEW,ESTABLISHED ", "-m conntrack --ctstate RELATED,ESTABLISHED "};
  return Pick(choices);
}

std::string RuleVocabulary::Reject(const std::string& proto) {
  std::vector<std::string> kinds =
      ipv6_ ? std::vector<std::string>{"icmp6-port-unreachable", "icmp6-adm-prohibited",
                                        "icmp6-addr-unreachable", "icmp6-no-route"}
            : std::vector<std::string>{"icmp-port-unreachable", "icmp-host-unreachable",
                                        "icmp-net-unreachable",  "icmp-host-prohibited",
                                        "icmp-admin-prohibited", "icmp-proto-unreachable"};
  if (proto == "tcp") kinds.insert(kinds.end(), 3, "tcp-reset");
  if (Chance(0.4)) kinds.assign(1, ipv6_ ? "icmp6-port-unreachable" : "icmp-port-unreachable");
  return "-j REJECT --reject-with " + Pick(kinds);
}

}  // namespace ghostport::kernel_test
