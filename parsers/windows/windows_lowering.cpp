#include "parsers/windows/windows_lowering.h"

#include <algorithm>

#include "parsers/windows/windows_keywords.h"
#include "parsers/windows/windows_rule_text.h"
#include "parsers/windows/windows_text.h"

namespace ghostport::parsers::windows {

namespace {

using rules::Condition;
using rules::Family;
using rules::VerdictKind;

// One way a Windows rule can match: its exact values, or one keyword of a
// field standing for a set the host decides (a conditional match).
struct Variant {
  std::optional<Keyword> remote_keyword;
  std::optional<Keyword> local_keyword;  // an address keyword in the local addresses
  std::optional<Keyword> port_keyword;   // a local-port keyword Windows does not fix
};

bool FamilyFits(const std::optional<Family>& only, Family f) { return !only || *only == f; }

// The addresses of `list` for family `f` in `variant`: nullopt when the
// variant has none of that family.
std::optional<rules::AddressSet> AddressesFor(const AddressList& list, const std::optional<Keyword>& keyword,
                                              Family f) {
  if (keyword) {
    if (!FamilyFits(keyword->family, f)) return std::nullopt;
    return rules::AddressSet::All(f);
  }
  if (list.Any()) return rules::AddressSet::All(f);
  std::vector<rules::Interval<rules::u128>> ranges;
  for (const AddressList::Range& r : list.ranges) {
    if (r.family == f) ranges.push_back({r.lo, r.hi});
  }
  if (ranges.empty()) return std::nullopt;
  return rules::AddressSet::Of(f, rules::AddressSet::Values::FromIntervals(std::move(ranges)));
}

// The exact local ports: numbers, and keywords whose ports Windows fixes.
std::optional<rules::PortSet> ExactPorts(const PortList& list, KeywordKind kind) {
  if (list.Any()) return rules::PortSet::All();
  std::vector<rules::Interval<std::uint16_t>> ranges = list.ranges;
  for (const Keyword& k : list.keywords) {
    const KeywordInfo* info = KeywordByName(kind, k.name);
    if (info != nullptr && info->fixed && info->ports) ranges.push_back(*info->ports);
  }
  if (ranges.empty()) return std::nullopt;
  return rules::PortSet::FromIntervals(std::move(ranges));
}

std::string KeywordMeaning(KeywordKind kind, const Keyword& k) {
  const KeywordInfo* info = KeywordByName(kind, k.name);
  return info != nullptr ? std::string(info->meaning) : "a keyword Windows resolves on the host";
}

std::vector<Variant> VariantsOf(const WindowsRule& r) {
  std::vector<std::optional<Keyword>> remote{std::nullopt}, local{std::nullopt}, ports{std::nullopt};
  // The exact part exists only when the field has values besides keywords.
  if (!r.remote_addresses.Any() && r.remote_addresses.ranges.empty()) remote.clear();
  if (!r.local_addresses.Any() && r.local_addresses.ranges.empty()) local.clear();
  if (!ExactPorts(r.local_ports, KeywordKind::kLocalPort)) ports.clear();
  for (const Keyword& k : r.remote_addresses.keywords) remote.emplace_back(k);
  for (const Keyword& k : r.local_addresses.keywords) local.emplace_back(k);
  for (const Keyword& k : r.local_ports.keywords) {
    const KeywordInfo* info = KeywordByName(KeywordKind::kLocalPort, k.name);
    if (info == nullptr || !info->fixed) ports.emplace_back(k);
  }
  std::vector<Variant> out;
  for (const auto& a : remote) {
    for (const auto& l : local) {
      for (const auto& p : ports) out.push_back(Variant{a, l, p});
    }
  }
  return out;
}

// The conditions every variant of the rule carries: what narrows it in a
// way the engine cannot follow.
std::vector<Condition> CommonConditions(const WindowsRule& r, const ProfileSettings& s) {
  std::vector<Condition> out = r.unknowns;
  auto add = [&](std::string description, std::string reason) {
    out.push_back(Condition{std::move(description), std::move(reason), r.location});
  };
  if (!r.icmp.empty()) {
    std::string types;
    for (const IcmpTypeCode& t : r.icmp) {
      if (!types.empty()) types += ",";
      types += std::to_string(t.type) + (t.code ? ":" + std::to_string(*t.code) : std::string());
    }
    add("icmp types " + types, "ICMP types are not modelled");
  }
  if (r.action == Action::kBlock && (!r.program.empty() || !r.service.empty() || !r.package.empty())) {
    add("blocks only " + ApplicationOf(r), "a block for one program leaves other programs' traffic to later rules");
  }
  if (r.action == Action::kBypass) {
    add("authenticated bypass", "only IPsec-authenticated peers the rule authorises are let through");
  } else if (r.action == Action::kAllow && !r.security.empty()) {
    add("security=" + r.security, "the connection must be IPsec-protected as the rule requires");
  }
  if (!r.interface_types.empty() || !r.interfaces.empty()) {
    std::string which;
    for (const std::string& i : r.interface_types) which += (which.empty() ? "" : ",") + i;
    for (const std::string& i : r.interfaces) which += (which.empty() ? "" : ",") + i;
    add("interfaces " + which, "interface types and interfaces are not modelled");
  }
  if (s.allow_local_rules == false && r.store == Store::kUnknown) {
    add("from Group Policy", "local rules are not merged in this profile, and the export does not say where the "
                             "rule comes from");
  }
  return out;
}

void LowerRule(const WindowsRule& r, const ProfileSettings& s, std::vector<rules::Rule>& out) {
  const std::vector<Condition> common = CommonConditions(r, s);
  const std::string text = CanonicalRuleText(r);
  for (const Variant& v : VariantsOf(r)) {
    rules::Rule rule;
    // The rule id where the export has one; netsh has none (its display
    // names are not unique), and fingerprints then rest on the rule's text.
    rule.id = r.id;
    rule.text = text;
    rule.comment = r.description;
    rule.location = r.location;
    rule.application = ApplicationOf(r);
    rule.rank = r.action == Action::kBypass ? 2 : r.action == Action::kBlock ? 1 : 0;
    rule.verdict.kind = r.action == Action::kBlock ? VerdictKind::kDrop : VerdictKind::kAccept;
    rule.verdict.text = r.action == Action::kBlock ? "block" : r.action == Action::kBypass ? "bypass" : "allow";
    rule.conditions = common;
    if (v.remote_keyword) {
      rule.conditions.push_back({"remoteip=" + v.remote_keyword->name,
                                 KeywordMeaning(KeywordKind::kRemoteAddress, *v.remote_keyword), r.location});
    }
    if (v.local_keyword) {
      rule.conditions.push_back({"localip=" + v.local_keyword->name,
                                 KeywordMeaning(KeywordKind::kRemoteAddress, *v.local_keyword), r.location});
    }
    rules::PortSet dports = rules::PortSet::All();
    if (v.port_keyword) {
      const KeywordInfo* info = KeywordByName(KeywordKind::kLocalPort, v.port_keyword->name);
      if (info != nullptr && info->ports) dports = rules::PortSet::Range(info->ports->lo, info->ports->hi);
      rule.conditions.push_back({"localport=" + v.port_keyword->name,
                                 KeywordMeaning(KeywordKind::kLocalPort, *v.port_keyword), r.location});
    } else if (auto exact = ExactPorts(r.local_ports, KeywordKind::kLocalPort)) {
      dports = *exact;
    }
    // A remote-port keyword Windows does not fix leaves the remote port open.
    rules::PortSet sports = ExactPorts(r.remote_ports, KeywordKind::kRemotePort).value_or(rules::PortSet::All());
    for (const Keyword& k : r.remote_ports.keywords) {
      const KeywordInfo* info = KeywordByName(KeywordKind::kRemotePort, k.name);
      if (info == nullptr || !info->fixed) {
        sports = rules::PortSet::All();
        rule.conditions.push_back({"remoteport=" + k.name, KeywordMeaning(KeywordKind::kRemotePort, k), r.location});
      }
    }
    for (Family f : {Family::kIpv4, Family::kIpv6}) {
      if (r.protocol && ((*r.protocol == 1 && f != Family::kIpv4) || (*r.protocol == 58 && f != Family::kIpv6))) {
        continue;
      }
      auto saddr = AddressesFor(r.remote_addresses, v.remote_keyword, f);
      auto daddr = AddressesFor(r.local_addresses, v.local_keyword, f);
      if (!saddr || !daddr) continue;
      rules::Cube c = rules::Cube::Any(f);
      if (r.protocol) c.protocols = rules::ProtocolSet::Single(*r.protocol);
      c.saddr = std::move(*saddr);
      c.daddr = std::move(*daddr);
      c.dports = dports;
      c.sports = sports;
      rule.cubes.push_back(std::move(c));
    }
    out.push_back(std::move(rule));
  }
}

// Windows Firewall is stateful: packets of a connection it accepted (and
// the ICMP errors about them) pass before any rule is looked at. Ranked
// above every rule.
rules::Rule StatefulRule(const rules::SourceLocation& where) {
  rules::Rule r;
  for (Family f : {Family::kIpv4, Family::kIpv6}) {
    rules::Cube c = rules::Cube::Any(f);
    c.ct_states = rules::kCtEstablished | rules::kCtRelated;
    r.cubes.push_back(std::move(c));
  }
  r.verdict.kind = VerdictKind::kAccept;
  r.verdict.text = "allow";
  r.rank = 3;
  r.location = where;
  r.id = "stateful";
  r.text = "packets of connections already accepted (Windows Firewall is stateful)";
  return r;
}

rules::IgnoredLine Ignored(const WindowsRule& r, std::string reason) {
  return rules::IgnoredLine{r.location, CanonicalRuleText(r), std::move(reason)};
}

}  // namespace

rules::Ruleset LowerWindowsPolicy(const WindowsPolicy& policy) {
  rules::Ruleset rs;
  rs.ignored = policy.ignored;
  for (const WindowsRule& r : policy.rules) {
    if (!r.enabled) {
      rs.ignored.push_back(Ignored(r, "disabled rule: Windows does not apply it"));
    } else if (r.direction == Direction::kOut) {
      rs.ignored.push_back(Ignored(r, "outbound rule: it decides what this host sends; replies to inbound "
                                      "connections it accepts are let out by the stateful filter"));
    }
  }
  for (Profile p : kProfiles) {
    const ProfileSettings& s = SettingsOf(policy, p);
    const std::string name = ProfileName(p);
    rules::Table t;
    t.name = name;
    t.family = rules::TableFamily::kWindows;
    t.profile = name;
    t.location = s.location.line > 0 ? s.location : policy.first_line;
    t.firewall_off = s.enabled == false;
    if (!s.enabled) {
      t.assumptions.push_back("the input does not say whether the firewall is on in the " + name +
                              " profile: taken as on, Windows' default");
    }
    if (!s.default_inbound_block) {
      t.assumptions.push_back("the input does not give the " + name +
                              " profile's default inbound action: taken as block, Windows' default");
    }
    rules::Chain c;
    c.name = "inbound";
    c.hook = rules::Hook::kInput;
    c.type = rules::ChainType::kFilter;
    c.semantics = rules::ChainSemantics::kBlockBeatsAllow;
    c.policy = s.default_inbound_block.value_or(true) ? VerdictKind::kDrop : VerdictKind::kAccept;
    c.location = t.location;
    c.rules.push_back(StatefulRule(t.location));
    for (const WindowsRule& r : policy.rules) {
      if (!r.enabled || r.direction != Direction::kIn || (r.profiles & p) == 0) continue;
      if (s.block_all_inbound == true && r.action != Action::kBlock) {
        rs.ignored.push_back(Ignored(r, "the " + name + " profile blocks all inbound connections (BlockInboundAlways): "
                                                        "allow rules do nothing there"));
        continue;
      }
      if (s.allow_local_rules == false && r.store == Store::kLocal) {
        rs.ignored.push_back(Ignored(r, "local rule: the " + name + " profile does not merge local rules with "
                                                                     "Group Policy (AllowLocalPolicyMerge off)"));
        continue;
      }
      LowerRule(r, s, c.rules);
    }
    t.chains.push_back(std::move(c));
    rs.tables.push_back(std::move(t));
  }
  return rs;
}

ParseResult ReadWindowsExports(std::span<const WindowsInput> inputs) {
  ParseResult out;
  WindowsPolicy policy;
  std::string first_text;
  for (const WindowsInput& in : inputs) {
    std::string decoded;
    if (in.reader.input == ReaderInput::kDecodedText) {
      DecodedText text = DecodeExport(in.bytes, in.file);
      if (text.error) {
        out.diagnostics.push_back(std::move(*text.error));
        continue;
      }
      decoded = std::move(text.utf8);
    }
    const std::string_view input = in.reader.input == ReaderInput::kDecodedText ? std::string_view(decoded) : in.bytes;
    if (policy.first_line.file.empty()) {
      policy.first_line = {in.file, 1, 1};
      // A binary export has no first line: its first bytes are shown.
      first_text = in.reader.input == ReaderInput::kDecodedText ? LineAt(input, 1) : HexLine(input, 0);
    }
    in.reader.read(input, in.file, policy, out.diagnostics);
    out.ruleset.inputs.push_back(in.file);
  }
  if (out.HasErrors()) return out;
  // An export that holds nothing is never read as "nothing is open".
  if (policy.rules.empty() && !policy.has_profile_settings) {
    Diagnostic d;
    d.location = policy.first_line;
    d.message = "no firewall rules or profile settings found: nothing to audit";
    d.source_line = first_text;
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  std::vector<std::string> files = std::move(out.ruleset.inputs);
  out.ruleset = LowerWindowsPolicy(policy);
  out.ruleset.inputs = std::move(files);
  return out;
}

ParseResult ReadWindowsExport(std::string_view bytes, const std::string& file, WindowsFormatReader reader) {
  const WindowsInput in{bytes, file, reader};
  return ReadWindowsExports(std::span<const WindowsInput>(&in, 1));
}

}  // namespace ghostport::parsers::windows
