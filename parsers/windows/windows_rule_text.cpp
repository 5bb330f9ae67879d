#include "parsers/windows/windows_rule_text.h"

#include "parsers/windows/windows_values.h"
#include "rules/interval_set.h"

namespace ghostport::parsers::windows {

namespace {

std::string ProtocolText(const std::optional<std::uint8_t>& p) {
  if (!p) return "any";
  switch (*p) {
    case 6: return "tcp";
    case 17: return "udp";
    case 1: return "icmpv4";
    case 58: return "icmpv6";
    default: return std::to_string(*p);
  }
}

std::string ProfilesText(std::uint8_t profiles) {
  if ((profiles & kAllProfiles) == kAllProfiles) return "any";
  std::string out;
  for (Profile p : kProfiles) {
    if ((profiles & p) != 0) out += (out.empty() ? "" : ",") + std::string(ProfileName(p));
  }
  return out;
}

std::string Quote(const std::string& s) {
  return s.find_first_of(" \t,=\"") == std::string::npos && !s.empty() ? s : "\"" + s + "\"";
}

std::string KeywordText(const Keyword& k) {
  if (!k.family) return k.name;
  return k.name + (*k.family == rules::Family::kIpv4 ? "4" : "6");
}

// A program path as Windows resolves it: the registry and PowerShell keep
// environment variables (%SystemRoot%\system32\svchost.exe), netsh shows
// them expanded; reports show the expanded form so every export reads the
// same (the default locations: a host with Windows elsewhere differs).
std::string ProgramPath(const std::string& path) {
  static constexpr std::pair<std::string_view, std::string_view> kVariables[] = {
      {"%SystemRoot%", "C:\\Windows"},
      {"%windir%", "C:\\Windows"},
      {"%ProgramFiles%", "C:\\Program Files"},
      {"%ProgramFiles(x86)%", "C:\\Program Files (x86)"},
      {"%SystemDrive%", "C:"},
  };
  for (const auto& [variable, value] : kVariables) {
    if (path.size() >= variable.size() && SameWord(std::string_view(path).substr(0, variable.size()), variable)) {
      return std::string(value) + path.substr(variable.size());
    }
  }
  return path;
}

}  // namespace

std::string FormatPorts(const PortList& ports) {
  if (ports.Any()) return "any";
  std::string out = ports.ranges.empty() ? "" : rules::FormatPortSet(rules::PortSet::FromIntervals(ports.ranges));
  for (const Keyword& k : ports.keywords) out += (out.empty() ? "" : ",") + KeywordText(k);
  return out;
}

std::string FormatAddresses(const AddressList& addresses) {
  if (addresses.Any()) return "any";
  std::string out;
  for (rules::Family f : {rules::Family::kIpv4, rules::Family::kIpv6}) {
    std::vector<rules::Interval<rules::u128>> ranges;
    for (const AddressList::Range& r : addresses.ranges) {
      if (r.family == f) ranges.push_back({r.lo, r.hi});
    }
    if (ranges.empty()) continue;
    const auto set = rules::IntervalSet<rules::u128>::FromIntervals(std::move(ranges));
    for (const auto& iv : set.intervals()) {
      std::vector<rules::Cidr> cidrs = rules::MinimalCidrCover(f, rules::IntervalSet<rules::u128>::Range(iv.lo, iv.hi));
      std::string item;
      if (cidrs.size() == 1) {
        item = rules::FormatCidr(cidrs[0]);
      } else {
        item = rules::FormatAddress(f, iv.lo) + "-" + rules::FormatAddress(f, iv.hi);
      }
      out += (out.empty() ? "" : ",") + item;
    }
  }
  for (const Keyword& k : addresses.keywords) out += (out.empty() ? "" : ",") + KeywordText(k);
  return out;
}

std::string ApplicationOf(const WindowsRule& r) {
  std::string out;
  if (!r.program.empty()) out += "program " + ProgramPath(r.program);
  if (!r.service.empty()) out += (out.empty() ? "" : ", ") + std::string("service ") + r.service;
  if (!r.package.empty()) out += (out.empty() ? "" : ", ") + std::string("app package ") + r.package;
  return out;
}

std::string CanonicalRuleText(const WindowsRule& r) {
  std::string s = "name=" + Quote(r.name);
  s += std::string(" dir=") + (r.direction == Direction::kIn ? "in" : "out");
  s += std::string(" action=") + (r.action == Action::kAllow ? "allow" : r.action == Action::kBlock ? "block" : "bypass");
  s += " protocol=" + ProtocolText(r.protocol);
  if (!r.local_ports.Any()) s += " localport=" + FormatPorts(r.local_ports);
  if (!r.remote_ports.Any()) s += " remoteport=" + FormatPorts(r.remote_ports);
  if (!r.icmp.empty()) {
    std::string t;
    for (const IcmpTypeCode& c : r.icmp) {
      t += (t.empty() ? "" : ",") + std::to_string(c.type) + ":" + (c.code ? std::to_string(*c.code) : "any");
    }
    s += " icmptype=" + t;
  }
  if (!r.local_addresses.Any()) s += " localip=" + FormatAddresses(r.local_addresses);
  s += " remoteip=" + FormatAddresses(r.remote_addresses);
  s += " profile=" + ProfilesText(r.profiles);
  if (!r.program.empty()) s += " program=" + Quote(ProgramPath(r.program));
  if (!r.service.empty()) s += " service=" + Quote(r.service);
  if (!r.package.empty()) s += " package=" + Quote(r.package);
  if (r.edge != EdgeTraversal::kBlock) {
    s += std::string(" edge=") + (r.edge == EdgeTraversal::kAllow ? "yes" : r.edge == EdgeTraversal::kDeferToApp
                                                                              ? "deferapp"
                                                                              : "deferuser");
  }
  if (!r.security.empty()) s += " security=" + Quote(r.security);
  if (!r.enabled) s += " enable=no";
  return s;
}

std::string DisplayNameInRuleText(std::string_view text) {
  if (text.substr(0, 5) != "name=") return {};
  text.remove_prefix(5);
  if (!text.empty() && text.front() == '"') {
    const size_t end = text.find("\" dir=");
    return end == std::string_view::npos ? std::string() : std::string(text.substr(1, end - 1));
  }
  return std::string(text.substr(0, text.find(' ')));
}

}  // namespace ghostport::parsers::windows
