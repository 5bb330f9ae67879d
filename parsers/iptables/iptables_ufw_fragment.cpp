#include "parsers/iptables/iptables_ufw_fragment.h"

#include <algorithm>

#include "parsers/iptables/iptables_lowering.h"

namespace ghostport::parsers {
namespace {

using rules::Family;

// ufw 0.36's stock before.rules and before6.rules, as iptables-save prints
// them, with ufw's default policies (DEFAULT_INPUT_POLICY="DROP",
// DEFAULT_FORWARD_POLICY="DROP", DEFAULT_OUTPUT_POLICY="ACCEPT"). PREFIX is
// "ufw" or "ufw6". Only the built-in chains' rules are taken from it: the
// fragment's own chains stay as the file has them. after.rules only sends
// broadcast and NetBIOS/DHCP packets to the (drop) policy after the user
// rules, which changes nothing under a DROP policy, and ufw-not-local drops
// packets to addresses not of this host, which never reach INPUT: both are
// left out.
constexpr const char* kBeforeRulesHeader =
    "*filter\n"
    ":INPUT DROP [0:0]\n"
    ":FORWARD DROP [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n"
    ":PREFIX-user-input - [0:0]\n"
    ":PREFIX-user-forward - [0:0]\n"
    ":PREFIX-user-output - [0:0]\n";

constexpr const char* kBeforeRulesV4 =
    "-A INPUT -i lo -j ACCEPT\n"
    "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "-A INPUT -m conntrack --ctstate INVALID -j DROP\n"
    "-A INPUT -p icmp -m icmp --icmp-type 3 -j ACCEPT\n"
    "-A INPUT -p icmp -m icmp --icmp-type 11 -j ACCEPT\n"
    "-A INPUT -p icmp -m icmp --icmp-type 12 -j ACCEPT\n"
    "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n"
    "-A INPUT -p udp -m udp --sport 67 --dport 68 -j ACCEPT\n"
    "-A INPUT -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT\n"
    "-A INPUT -d 239.255.255.250/32 -p udp -m udp --dport 1900 -j ACCEPT\n"
    "-A INPUT -j PREFIX-user-input\n"
    "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "-A FORWARD -p icmp -m icmp --icmp-type 3 -j ACCEPT\n"
    "-A FORWARD -p icmp -m icmp --icmp-type 11 -j ACCEPT\n"
    "-A FORWARD -p icmp -m icmp --icmp-type 12 -j ACCEPT\n"
    "-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT\n"
    "-A FORWARD -j PREFIX-user-forward\n"
    "-A OUTPUT -o lo -j ACCEPT\n"
    "-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "-A OUTPUT -j PREFIX-user-output\n"
    "COMMIT\n";

constexpr const char* kBeforeRulesV6 =
    "-A INPUT -i lo -j ACCEPT\n"
    "-A INPUT -m rt --rt-type 0 -j DROP\n"
    "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "-A INPUT -m conntrack --ctstate INVALID -j DROP\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 2 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 3 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 4 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 133 -m hl --hl-eq 255 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 134 -m hl --hl-eq 255 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -m hl --hl-eq 255 -j ACCEPT\n"
    "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n"
    "-A INPUT -s fe80::/10 -d fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT\n"
    "-A INPUT -d ff02::fb/128 -p udp -m udp --dport 5353 -j ACCEPT\n"
    "-A INPUT -d ff02::f/128 -p udp -m udp --dport 1900 -j ACCEPT\n"
    "-A INPUT -j PREFIX-user-input\n"
    "-A FORWARD -m rt --rt-type 0 -j DROP\n"
    "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 1 -j ACCEPT\n"
    "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 2 -j ACCEPT\n"
    "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 3 -j ACCEPT\n"
    "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 4 -j ACCEPT\n"
    "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n"
    "-A FORWARD -j PREFIX-user-forward\n"
    "-A OUTPUT -o lo -j ACCEPT\n"
    "-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "-A OUTPUT -j PREFIX-user-output\n"
    "COMMIT\n";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

bool JumpsTo(const rules::Table& t, int chain) {
  for (const rules::Chain& c : t.chains)
    for (const rules::Rule& r : c.rules)
      if ((r.verdict.kind == rules::VerdictKind::kJump || r.verdict.kind == rules::VerdictKind::kGoto) &&
          r.verdict.target == chain)
        return true;
  return false;
}

// The fragment's filter table and the prefix of its chains, or nullptr.
rules::Table* FindFragment(rules::Ruleset& rs, std::string& prefix) {
  for (rules::Table& t : rs.tables) {
    if (t.name != "filter") continue;
    for (const char* p : {"ufw", "ufw6"}) {
      const int user_input = t.FindChain(std::string(p) + "-user-input");
      if (user_input < 0 || JumpsTo(t, user_input)) continue;
      const bool builtins_empty = std::all_of(t.chains.begin(), t.chains.end(), [](const rules::Chain& c) {
        return !c.IsBase() || c.rules.empty();
      });
      if (!builtins_empty) continue;
      prefix = p;
      return &t;
    }
  }
  return nullptr;
}

}  // namespace

bool WireUfwFragment(rules::Ruleset& ruleset, std::string_view text, const std::string& file_name,
                     std::vector<Diagnostic>& diagnostics) {
  std::string prefix;
  rules::Table* fragment = FindFragment(ruleset, prefix);
  if (fragment == nullptr) return false;
  const Family family = fragment->family == rules::TableFamily::kIp6 ? Family::kIpv6 : Family::kIpv4;
  const std::string before_name = family == Family::kIpv6 ? "before6.rules" : "before.rules";
  const std::string before =
      Replace(std::string(kBeforeRulesHeader) + (family == Family::kIpv6 ? kBeforeRulesV6 : kBeforeRulesV4), "PREFIX",
              prefix);
  const ParseResult wiring = ParseIptablesSave(before, "ufw " + before_name, family);
  // The stock text is ghostport's own: it always reads.
  if (wiring.HasErrors() || wiring.ruleset.tables.size() != 1) return false;
  const rules::Table& stock = wiring.ruleset.tables[0];
  const rules::Chain& user_input = fragment->chains[static_cast<std::size_t>(fragment->FindChain(prefix + "-user-input"))];
  for (const rules::Chain& from : stock.chains) {
    if (!from.IsBase()) continue;
    const int index = fragment->FindChain(from.name);
    if (index < 0) continue;
    rules::Chain& into = fragment->chains[static_cast<std::size_t>(index)];
    into.policy = from.policy;
    for (rules::Rule rule : from.rules) {
      if (rule.verdict.target >= 0) {
        const std::string& target = stock.chains[static_cast<std::size_t>(rule.verdict.target)].name;
        rule.verdict.target = fragment->FindChain(target);
        // The fragment may lack ufw-user-forward or -output: such a jump
        // would do nothing there, so it is left out.
        if (rule.verdict.target < 0) continue;
      }
      rule.text = "ufw " + before_name + ": " + rule.text;
      rule.location = user_input.location;
      for (rules::Condition& c : rule.conditions) c.location = user_input.location;
      into.rules.push_back(std::move(rule));
    }
  }
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.location = user_input.location;
  d.location.file = file_name;
  d.source_line = LineAt(text, d.location.line);
  d.message = "a ufw " + std::string(family == Family::kIpv6 ? "user6.rules" : "user.rules") +
              " fragment: nothing here jumps to " + prefix +
              "-user-input, so it is wired as ufw's stock " + before_name +
              " does (loopback, established, ICMP, DHCP, mDNS and UPnP, then " + prefix +
              "-user-input), with ufw's default policies (incoming DROP, routed DROP, outgoing ACCEPT); give the "
              "host's iptables-save output for what is actually loaded";
  diagnostics.push_back(std::move(d));
  return true;
}

}  // namespace ghostport::parsers
