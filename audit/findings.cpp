#include "audit/findings.h"

#include <algorithm>
#include <array>
#include <set>
#include <cstdio>
#include <map>
#include <tuple>

#include "audit/finding_present.h"
#include "audit/listen_checks.h"
#include "catalog/sensitive.h"
#include "catalog/source_kind.h"
#include "parsers/windows/windows_rule_text.h"
#include "rules/address.h"
#include "rules/compiled.h"
#include "rules/protocols.h"

namespace ghostport::audit {

using catalog::Lifecycle;
using catalog::Transport;
using rules::AddressSet;
using rules::ExposureEntry;
using rules::PortSet;

namespace {

constexpr std::array<const char*, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};
constexpr std::array<const char*, kFindingClassCount> kClassNames = {
    "dead",          "dormant",       "unassigned",    "reserved",    "unofficial-use",
    "malware-associated", "dynamic-range", "default-allow", "firewall-off", "unknown", "sensitive-service"};
constexpr std::array<const char*, 4> kScopeNames = {"any", "public", "private", "hosts"};

// Severity by class (rows, FindingClass order) and scope (any, public,
// private, hosts).
constexpr Severity I = Severity::kInfo, L = Severity::kLow, M = Severity::kMedium, H = Severity::kHigh,
                   C = Severity::kCritical;
constexpr Severity kSeverity[kFindingClassCount][4] = {
    {H, H, M, L},  // dead: a registration whose software is gone, open to the world
    {M, M, L, I},  // dormant
    {M, M, L, I},  // unassigned
    {M, M, L, I},  // reserved
    {M, M, L, I},  // unofficial-use
    {M, M, L, I},  // malware-associated: old lists, a note not a verdict
    {L, L, I, I},  // dynamic-range
    {C, C, H, M},  // default-allow
    {C, C, H, M},  // firewall-off
    {L, L, I, I},  // unknown: no evidence either way; reported, never ignored
    {H, H, L, I},  // sensitive-service: risky to expose to the Internet
};

// FNV-1a: stable across platforms and runs, unlike std::hash.
std::uint64_t Fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}



// Private, link-local, loopback and shared address space: what "public" is not.
AddressSet NonPublic(rules::Family f) {
  const char* const v4[] = {"10.0.0.0/8",     "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                            "169.254.0.0/16", "127.0.0.0/8",   "0.0.0.0/8"};
  const char* const v6[] = {"fc00::/7", "fe80::/10", "::1/128", "::/128"};
  AddressSet out = AddressSet::None(f);
  if (f == rules::Family::kIpv4) {
    for (const char* c : v4) out = out.Union(AddressSet::OfCidr(*rules::ParseCidr(f, c)));
  } else {
    for (const char* c : v6) out = out.Union(AddressSet::OfCidr(*rules::ParseCidr(f, c)));
  }
  return out;
}

// Every address that is not private, link-local, loopback or shared.
const AddressSet& PublicSpace(rules::Family f) {
  static const AddressSet kPublic[2] = {NonPublic(rules::Family::kIpv4).Complement(),
                                        NonPublic(rules::Family::kIpv6).Complement()};
  return kPublic[f == rules::Family::kIpv4 ? 0 : 1];
}

// The source ports from which a rule's entries open (nearly) every
// destination port: all of them for a rule that names none; for
// `-m multiport --ports 5060` only 5060.
PortSet WideSourcePorts(const std::vector<const ExposureEntry*>& entries) {
  std::set<std::uint32_t> cuts = {0, 65536};
  for (const ExposureEntry* e : entries) {
    for (const auto& iv : e->source_ports.intervals()) {
      cuts.insert(iv.lo);
      cuts.insert(iv.hi + 1U);
    }
  }
  std::vector<rules::Interval<std::uint16_t>> wide;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const auto lo = static_cast<std::uint16_t>(*it);
    const auto hi = static_cast<std::uint16_t>(*std::next(it) - 1);
    PortSet dports;
    for (const ExposureEntry* e : entries) {
      if (e->source_ports.Contains(lo)) dports = dports.Union(PortSet::Range(e->from, e->to));
    }
    if (dports.Size() >= kWideRulePorts) wide.push_back({lo, hi});
  }
  return PortSet::FromIntervals(std::move(wide));
}

std::vector<std::pair<std::uint16_t, std::uint16_t>> Ranges(const PortSet& set) {
  std::vector<std::pair<std::uint16_t, std::uint16_t>> out;
  for (const auto& iv : set.intervals()) out.emplace_back(iv.lo, iv.hi);
  return out;
}

// ---------------------------------------------------------------------------
// Examples and explanations

std::string ServiceNames(const catalog::PortFacts& facts) {
  std::string out;
  for (const auto& s : facts.services) out += (out.empty() ? "" : ", ") + std::string(s.record->Name());
  return out;
}

int RankInClass(FindingClass c, const catalog::PortFacts& facts);

std::string UsesText(const catalog::PortFacts& facts, std::size_t limit) {
  // The most specific first: a use of this port alone says more than a range.
  const std::vector<const catalog::UnofficialUse*> uses = SpecificUses(facts);
  std::string out;
  for (std::size_t i = 0; i < uses.size() && i < limit; ++i) {
    out += (i ? "; " : "") + catalog::CleanedSoftware(uses[i]->software);
  }
  if (uses.size() > limit) out += "; and " + std::to_string(uses.size() - limit) + " more";
  return out;
}

std::string MalwareText(const catalog::PortFacts& facts, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < facts.malware.size() && i < limit; ++i) {
    out += (i ? "; " : "") + std::string(facts.malware[i]->names);
  }
  if (facts.malware.size() > limit) out += "; and " + std::to_string(facts.malware.size() - limit) + " more";
  return out;
}

// Rank: lower is worse (shown first). A port in use today (medium or high
// present-use evidence) comes after the ports nothing is known to use.
int Rank(FindingClass c, const catalog::PortFacts& facts) {
  const bool used = PresentUseLowers(c) && !PresentNote(facts).empty();
  return RankInClass(c, facts) + (used ? 1 << 20 : 0);
}

int RankInClass(FindingClass c, const catalog::PortFacts& facts) {
  switch (c) {
    case FindingClass::kDead:
      for (const auto& s : facts.services) {
        for (const auto* d : s.dead) {
          if (catalog::EffectiveConfidence(*d) == "high") return 0;
        }
      }
      return 1;
    case FindingClass::kUnofficialUse: return -static_cast<int>(SpecificUses(facts).size());
    case FindingClass::kMalwareAssociated: return -static_cast<int>(facts.malware.size());
    default: return 0;
  }
}

PortExample Example(FindingClass c, const catalog::PortFacts& facts) {
  PortExample e;
  e.port = facts.port;
  e.transport = facts.transport;
  e.service = ServiceNames(facts);
  switch (c) {
    case FindingClass::kDead:
      for (const auto& s : facts.services) {
        for (const auto* d : s.dead) {
          e.detail = std::string(d->what) + "; dead (" + std::string(catalog::EffectiveConfidence(*d)) + " confidence" +
                     (d->since.empty() ? "" : ", since " + std::string(d->since)) + ")";
          return e;
        }
      }
      break;
    case FindingClass::kDormant: {
      std::string registered;
      for (const auto& s : facts.services) {
        registered = std::string(s.record->Description()) + "; registered " +
                     std::string(s.record->Registered().empty() ? "without a date" : s.record->Registered()) +
                     ", no RFC, never seen in use";
        break;
      }
      e.detail = registered;
      break;
    }
    case FindingClass::kUnknown:
      for (const auto& s : facts.services) {
        if (s.lifecycle != Lifecycle::kUnknown) continue;
        e.detail = std::string(s.record->Description()) + "; registered " + std::string(s.record->Registered()) +
                   ", after nmap's scan data: no evidence either way";
        break;
      }
      break;
    case FindingClass::kSensitiveService:
      for (const catalog::SensitiveService* s : catalog::SensitiveAt(facts.port, facts.transport)) {
        e.detail = std::string(s->service) + ": risky to expose";
        break;
      }
      break;
    case FindingClass::kUnassigned: e.detail = "never assigned by IANA"; break;
    case FindingClass::kReserved: e.detail = "reserved by IANA"; break;
    case FindingClass::kUnofficialUse: e.detail = "likely listening: " + UsesText(facts, 3); break;
    case FindingClass::kMalwareAssociated: e.detail = "named in malware lists: " + MalwareText(facts, 3); break;
    case FindingClass::kDynamicRange: e.detail = "dynamic (ephemeral) range"; break;
    default: break;
  }
  // The second judgement beside the first: "registration dead; port widely
  // used by Oracle Database".
  const std::string present = PresentNote(facts);
  if (PresentUseLowers(c) && !present.empty()) e.detail += "; " + present;
  return e;
}

std::string ExplainClass(FindingClass c, const catalog::PortFacts& facts, std::size_t count);

// The class's explanation, and for a dead or dormant registration what is
// likely listening there instead (a dead registration can be a busy port:
// 9200 Elasticsearch, 1521 Oracle).
std::string Explain(FindingClass c, const catalog::PortFacts& facts, std::size_t count) {
  std::string text = ExplainClass(c, facts, count);
  const std::string present = PresentNote(facts);
  if (PresentUseLowers(c) && !present.empty()) {
    std::string sources;
    for (const catalog::PresentEvidence& e : facts.present.evidence) {
      if (e.weight != *facts.present.strongest) continue;
      const std::string title(e.source->title);
      if (sources.find(title) == std::string::npos) sources += (sources.empty() ? "" : "; ") + title;
    }
    text += " Present use, judged apart from the registration: " + present + " (" + sources +
            "). If that is what listens here, this is a note, not an alarm; record it in the policy's "
            "[[assignments]] to say so.";
  } else if ((c == FindingClass::kDead || c == FindingClass::kDormant || c == FindingClass::kUnknown) &&
             !SpecificUses(facts).empty()) {
    const catalog::UsageSource* source = SpecificUses(facts).front()->source;
    text += " Likely listening there now: " + UsesText(facts, 3) + " (" + std::string(source->title) + ", as of " +
            std::string(source->as_of) + "); if that is yours, record it in the policy's [[assignments]].";
  }
  return text;
}

std::string ExplainClass(FindingClass c, const catalog::PortFacts& facts, std::size_t count) {
  const std::string port = std::to_string(facts.port) + "/" + std::string(catalog::TransportName(facts.transport));
  const std::string who = ServiceNames(facts);
  switch (c) {
    case FindingClass::kDead:
      for (const auto& s : facts.services) {
        for (const auto* d : s.dead) {
          return port + " is registered to " + std::string(s.record->Name()) + " (" + std::string(d->what) +
                 "), which is dead: " + std::string(d->evidence) + " Source: " +
                 (d->sources.empty() ? std::string("none") : std::string(d->sources.front().url)) + ".";
        }
      }
      return port + " is registered to a dead service.";
    case FindingClass::kDormant: {
      std::string reasons;
      for (const std::string& r : facts.reasons) {
        if (r.rfind("the port is in use today", 0) == 0) continue;  // said below, with its sources
        reasons += (reasons.empty() ? "" : "; ") + r;
      }
      return port + " is registered to " + who + " but shows no sign of use: " + reasons + ".";
    }
    case FindingClass::kUnassigned:
      return "IANA never assigned " + std::to_string(count) + (count == 1 ? " of these ports" : " of these ports") +
             ": whatever listens there is unregistered software" +
             (facts.unofficial.empty() ? "." : " (on " + port + ", likely: " + UsesText(facts, 3) + ").");
    case FindingClass::kReserved:
      return "IANA reserves " + port + ": no service is meant to listen there.";
    case FindingClass::kUnknown: {
      std::string reasons;
      for (const auto& s : facts.services) {
        if (s.lifecycle != Lifecycle::kUnknown) continue;
        for (const std::string& r : s.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
      }
      return port + " is registered to " + who + ", but nothing says whether it is in use: " + reasons +
             ". Unknown is not ignored: check what listens.";
    }
    case FindingClass::kSensitiveService:
      return port + " is a service that is risky to expose. " +
             SensitiveText(catalog::SensitiveAt(facts.port, facts.transport));
    case FindingClass::kUnofficialUse: {
      const catalog::UsageSource* source = SpecificUses(facts).front()->source;
      return "Something other than the registration is known to use " + port + ": " + UsesText(facts, 5) + " (" +
             std::string(source->title) + ", as of " + std::string(source->as_of) + ": " +
             std::string(catalog::SourceWeightName(source->weight)) + ").";
    }
    case FindingClass::kMalwareAssociated: {
      const catalog::UsageSource* source = facts.malware.front()->source;
      return port + " is named in malware lists: " + MalwareText(facts, 5) + " (" + std::string(source->title) +
             ", as of " + std::string(source->as_of) + ": a note, not a verdict — check what listens).";
    }
    case FindingClass::kDynamicRange:
      return "49152-65535 is the dynamic range: systems hand these ports out as ephemeral ports, so opening them "
             "inbound exposes whatever happens to bind there.";
    default: return "";
  }
}

std::string Remediation(FindingClass c, bool range_rule, Scope scope) {
  std::string narrow = range_rule ? " Narrow the range to the ports actually in use." : "";
  std::string restrict = scope == Scope::kAny || scope == Scope::kPublic
                             ? " Restrict the sources to the hosts that need it."
                             : "";
  switch (c) {
    case FindingClass::kDead:
    case FindingClass::kDormant:
    case FindingClass::kReserved:
    case FindingClass::kUnassigned:
    case FindingClass::kUnknown:
      return "Remove the rule if nothing needs the port." + narrow + restrict +
             " If a service of yours uses it, record it in the policy's [[assignments]], or waive the finding "
             "with a reason, owner, ticket and expiry.";
    case FindingClass::kSensitiveService:
      return "Open it only to the networks that need it (a management network, a VPN, the cluster's nodes), "
             "never to any source; if it must face the Internet, put authentication and TLS in front of it." +
             narrow;
    case FindingClass::kUnofficialUse:
      return "Find what listens (ghostport explain PORT shows how), then record it in the policy's "
             "[[assignments]] or remove the rule." + narrow + restrict;
    case FindingClass::kMalwareAssociated:
      return "Check that nothing unexpected listens (ghostport explain PORT shows how); remove the rule unless a "
             "documented service needs the port." + narrow + restrict;
    case FindingClass::kDynamicRange:
      return "Do not open ephemeral ports inbound: replies are allowed by conntrack (ESTABLISHED,RELATED). "
             "Remove the rule or narrow it to the fixed ports a service uses." + restrict;
    case FindingClass::kDefaultAllow:
      return "Set the chain's policy to DROP and accept only what is needed.";
    case FindingClass::kFirewallOff:
      return "Load a ruleset with a filtering INPUT chain (policy DROP, accepting only what is needed).";
  }
  return "";
}

// ---------------------------------------------------------------------------
// Grouping

struct GroupKey {
  rules::Decision rule;
  FindingClass klass;
  std::uint8_t protocol;
  bool other_protocols;
  friend auto operator<=>(const GroupKey&, const GroupKey&) = default;
};

struct Group {
  std::vector<const ExposureEntry*> entries;
  PortSet ports;   // of the class
  PortSet opened;  // all the rule opens (same protocol)
  Scope scope = Scope::kHosts;
  bool conditional = false;
  std::map<FindingClass, std::size_t> covered;
  std::vector<std::string> protocols;  // open-everything groups span protocols
};

Scope Wider(Scope a, Scope b) { return static_cast<int>(a) < static_cast<int>(b) ? a : b; }

Severity Resolve(FindingClass c, Scope s, const Policy* policy) {
  Severity severity = kSeverity[static_cast<int>(c)][static_cast<int>(s)];
  if (policy == nullptr) return severity;
  int best = -1;  // 0: class-wide, 1: class and scope
  for (const SeverityOverride& o : policy->severity) {
    if (o.klass != FindingClassName(c)) continue;
    const int specificity = o.scope.empty() ? 0 : (o.scope == ScopeName(s) ? 1 : -1);
    if (specificity < 0 || specificity < best) continue;
    best = specificity;
    severity = *SeverityFromName(o.severity);
  }
  return severity;
}

// Whether the policy sets the severity of `c` (at `s` or for every scope).
bool Overridden(FindingClass c, Scope s, const Policy* policy) {
  if (policy == nullptr) return false;
  return std::any_of(policy->severity.begin(), policy->severity.end(), [&](const SeverityOverride& o) {
    return o.klass == FindingClassName(c) && (o.scope.empty() || o.scope == ScopeName(s));
  });
}

std::string ChainName(const rules::Ruleset& rs, const rules::Decision& d) {
  std::optional<rules::ChainRef> c;
  if (const rules::RuleRef* r = rules::DecidingRule(d)) c = rules::ChainRef{r->table, r->chain};
  if (const auto* p = std::get_if<rules::PolicyDecision>(&d)) c = p->chain;
  if (const auto* f = std::get_if<rules::FirewallOffDecision>(&d)) return rs.tables[f->table].name;
  if (!c) return "";
  return rs.tables[c->table].name + "/" + rs.tables[c->table].chains[c->chain].name;
}

// The table a decision belongs to; null for netfilter's implicit accept.
const rules::Table* TableOf(const rules::Ruleset& rs, const rules::Decision& d) {
  if (const rules::RuleRef* r = rules::DecidingRule(d)) return &rs.tables[r->table];
  if (const auto* p = std::get_if<rules::PolicyDecision>(&d)) return &rs.tables[p->chain.table];
  if (const auto* f = std::get_if<rules::FirewallOffDecision>(&d)) return &rs.tables[f->table];
  return nullptr;
}

std::string Capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// What a Windows reader is told to do about a finding: the same advice in
// Windows' own terms, and how to check what listens there.
std::string WindowsRemediation(const Finding& f, const rules::Ruleset& rs, const rules::Decision& d,
                               catalog::Transport transport, bool wide_rule, const std::string& generic) {
  const std::string profile = Capitalised(f.profile);
  if (f.klass == FindingClass::kFirewallOff) {
    return "Turn the firewall on in the " + f.profile + " profile: Set-NetFirewallProfile -Profile " + profile +
           " -Enabled True (or netsh advfirewall set " + f.profile + "profile state on).";
  }
  if (f.klass == FindingClass::kDefaultAllow && !wide_rule) {
    return "Make the " + f.profile + " profile block inbound connections no rule allows: Set-NetFirewallProfile "
           "-Profile " + profile + " -DefaultInboundAction Block.";
  }
  const rules::RuleRef* r = rules::DecidingRule(d);
  const std::string id = r ? rules::RuleAt(rs, *r).id : std::string();
  // By id where the export has one (netsh shows none; display names need
  // not be unique, so -DisplayName may select several rules).
  const std::string select = !id.empty() ? "-Name '" + id + "'"
                                         : "-DisplayName '" + parsers::windows::DisplayNameInRuleText(f.rule_text) + "'";
  if (f.klass == FindingClass::kDefaultAllow) {
    return "Allow only the ports these sources need (Set-NetFirewallRule " + select +
           " -Protocol TCP -LocalPort <ports>), or document why they need everything with a waiver.";
  }
  std::string out = generic;
  if (f.klass == FindingClass::kDynamicRange) {
    out = "Do not open ephemeral ports inbound: Windows Firewall lets replies to this host's own connections "
          "in by itself. Remove the rule or narrow it to the fixed ports a service uses.";
  }
  if (!f.examples.empty()) {
    const CheckCommands checks = ChecksFor(f.examples.front().port, transport);
    out += " Check what listens on " + std::to_string(f.examples.front().port) + ":";
    for (const std::string& c : checks.windows) out += " " + c + ";";
    out += " the rule's ports: Get-NetFirewallRule " + select + " | Get-NetFirewallPortFilter.";
  }
  return out;
}

bool IsFirewallOff(const rules::Decision& d) {
  return std::holds_alternative<rules::NoBaseChainDecision>(d) || std::holds_alternative<rules::FirewallOffDecision>(d);
}

}  // namespace

const char* SeverityName(Severity s) { return kSeverityNames[static_cast<int>(s)]; }

std::string SeverityTallyText(const std::size_t (&by_severity)[5]) {
  std::string text;
  for (int s = 4; s >= 0; --s) {
    if (by_severity[s] == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(by_severity[s]) + " " + SeverityName(static_cast<Severity>(s));
  }
  return text;
}

std::string PortRangeText(std::uint32_t from, std::uint32_t to) {
  return from == to ? std::to_string(from) : std::to_string(from) + "-" + std::to_string(to);
}

std::string PortRangesText(const std::vector<std::pair<std::uint16_t, std::uint16_t>>& ranges,
                           std::string_view separator, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < ranges.size() && i < limit; ++i) {
    if (i > 0) out += separator;
    out += PortRangeText(ranges[i].first, ranges[i].second);
  }
  if (ranges.size() > limit) out += std::string(separator) + "...";
  return out;
}

std::optional<Transport> TransportOfProtocol(std::uint8_t protocol) {
  switch (protocol) {
    case 6: return Transport::kTcp;
    case 17: return Transport::kUdp;
    case 33: return Transport::kDccp;
    case 132: return Transport::kSctp;
    default: return std::nullopt;
  }
}

std::optional<Severity> SeverityFromName(const std::string& name) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (name == kSeverityNames[i]) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

const char* FindingClassName(FindingClass c) { return kClassNames[static_cast<int>(c)]; }

const char* FindingClassSummary(FindingClass c) {
  switch (c) {
    case FindingClass::kDead: return "The rule opens a port whose registered service is dead (curated, with sources).";
    case FindingClass::kDormant: return "The rule opens a port whose registration shows no sign of use.";
    case FindingClass::kUnassigned: return "The rule opens a port IANA never assigned.";
    case FindingClass::kReserved: return "The rule opens a port IANA reserves.";
    case FindingClass::kUnofficialUse: return "The rule opens a port other software is known to use unofficially.";
    case FindingClass::kMalwareAssociated: return "The rule opens a port named in malware lists.";
    case FindingClass::kDynamicRange: return "The rule opens ports in the dynamic (ephemeral) range 49152-65535.";
    case FindingClass::kDefaultAllow: return "A chain policy ACCEPT opens every port not dropped earlier.";
    case FindingClass::kFirewallOff: return "No base chain filters the path: everything is open.";
    case FindingClass::kUnknown:
      return "The rule opens a port registered after nmap's scan data, with no evidence of use either way.";
    case FindingClass::kSensitiveService:
      return "The rule exposes a service that is risky to expose (the catalog's sensitive list, a sourced reason each).";
  }
  return "";
}

const char* ScopeName(Scope s) { return kScopeNames[static_cast<int>(s)]; }

Scope ScopeOf(const AddressSet& sources) {
  if (sources.IsAll()) return Scope::kAny;
  const AddressSet& public_space = PublicSpace(sources.family());
  if (public_space.Subtract(sources).empty()) return Scope::kAny;
  if (const AddressSet::Values* values = sources.EagerValues()) {
    const auto& ivs = values->intervals();
    const bool hosts = !ivs.empty() && ivs.size() <= 16 &&
                       std::all_of(ivs.begin(), ivs.end(), [](const auto& iv) { return iv.lo == iv.hi; });
    if (hosts) return Scope::kHosts;
  }
  return sources.Intersects(public_space) ? Scope::kPublic : Scope::kPrivate;
}

Severity DefaultSeverity(FindingClass c, Scope s) { return kSeverity[static_cast<int>(c)][static_cast<int>(s)]; }

std::uint16_t PortClassifier::At(std::uint16_t port, Transport t) {
  auto& table = cache_[static_cast<int>(t)];
  if (table.empty()) table.assign(65536, kUnknown);
  std::uint16_t& slot = table[port];
  if (slot == kUnknown) slot = Compute(port, t);
  return slot;
}

std::uint16_t PortClassifier::Compute(std::uint16_t port, Transport t) const {
  // A service risky to expose stays so whoever owns it.
  const std::uint16_t sensitive = catalog::SensitiveAt(port, t).empty() ? 0 : ClassBit(FindingClass::kSensitiveService);
  if (policy_ != nullptr && !policy_->AssignmentsAt(port, t).empty()) return sensitive;
  const catalog::PortFacts facts = catalog::Describe(port, t);
  std::uint16_t mask = sensitive;
  switch (facts.status) {
    case catalog::PortStatus::kDynamic: mask |= ClassBit(FindingClass::kDynamicRange); break;
    case catalog::PortStatus::kUnassigned: mask |= ClassBit(FindingClass::kUnassigned); break;
    case catalog::PortStatus::kReserved: mask |= ClassBit(FindingClass::kReserved); break;
    case catalog::PortStatus::kAssigned:
      switch (facts.lifecycle) {
        case Lifecycle::kAlive: return sensitive;
        case Lifecycle::kDead: mask |= ClassBit(FindingClass::kDead); break;
        case Lifecycle::kUnknown: mask |= ClassBit(FindingClass::kUnknown); break;
        default: mask |= ClassBit(FindingClass::kDormant); break;
      }
      break;
  }
  if (!SpecificUses(facts).empty()) mask |= ClassBit(FindingClass::kUnofficialUse);
  if (!facts.malware.empty()) mask |= ClassBit(FindingClass::kMalwareAssociated);
  if (facts.present.strongest == catalog::PresentWeight::kHigh) mask |= kUsedHigh;
  if (facts.present.strongest == catalog::PresentWeight::kMedium) mask |= kUsedMedium;
  return mask;
}

FindingsReport ComputeFindings(const rules::Ruleset& rs, const rules::Exposure& exposure,
                               const std::vector<ExposureEntry>& entries, const Policy* policy,
                               const std::string& today) {
  PortClassifier classes(policy);
  std::map<GroupKey, Group> groups;
  // Entries often share one large base set (everything except a long block
  // list), each minus a few addresses: judge the base once, the rest cheaply.
  struct BaseFacts {
    bool covers_public = false;
    rules::u128 public_size = 0;  // addresses of the base that are public
  };
  std::map<const void*, BaseFacts> bases;
  std::map<std::pair<const void*, const void*>, Scope> judged;  // by shared storage
  auto judge = [&](const AddressSet& set) {
    if (!set.IsLazy()) return ScopeOf(set);
    const AddressSet base = set.LazyBase();
    const AddressSet minus = set.LazyMinus();
    const auto [at, inserted] = bases.try_emplace(base.SharingKey().first);
    if (inserted) {
      const AddressSet& public_space = PublicSpace(set.family());
      at->second.covers_public = public_space.Subtract(base).empty();
      at->second.public_size = base.Intersect(public_space).Materialize().Size();
    }
    const AddressSet& public_space = PublicSpace(set.family());
    if (at->second.covers_public && !minus.Intersects(public_space)) return Scope::kAny;
    if (at->second.public_size > minus.Materialize().Size()) return Scope::kPublic;
    return ScopeOf(set);
  };
  auto scope_of = [&](const AddressSet& set) {
    const auto [at, inserted] = judged.try_emplace(set.SharingKey(), Scope::kAny);
    if (inserted) at->second = judge(set);
    return at->second;
  };
  // A rule that accepts (nearly) every port of a protocol, such as
  // `-s 203.0.113.0/24 -j ACCEPT`, opens everything to its sources: it is one
  // default-allow finding counting what it covers, like a policy ACCEPT, not
  // one finding per class and protocol.
  std::map<std::pair<rules::Decision, std::uint8_t>, PortSet> opened_by_rule;
  for (const ExposureEntry& e : entries) {
    if (e.other_protocols || !rules::Connects(e)) continue;
    PortSet& set = opened_by_rule[{e.opening, e.protocol}];
    set = set.Union(PortSet::Range(e.from, e.to));
  }
  std::set<rules::Decision> wide_rules;
  for (const auto& [key, set] : opened_by_rule) {
    if (set.Size() >= kWideRulePorts) wide_rules.insert(key.first);
  }
  // Prefix sums of each class over the ports, per transport (built on first
  // use), so counting what a wide opening covers costs nothing per port.
  std::vector<std::array<std::uint32_t, kFindingClassCount>> prefix[4];
  auto covered = [&](Transport t, std::uint16_t from, std::uint16_t to) {
    auto& table = prefix[static_cast<int>(t)];
    if (table.empty()) {
      table.assign(65537, {});
      for (std::uint32_t p = 0; p < 65536; ++p) {
        const std::uint16_t mask = classes.At(static_cast<std::uint16_t>(p), t);
        table[p + 1] = table[p];
        for (int k = 0; k < kFindingClassCount; ++k) table[p + 1][k] += (mask >> k) & 1U;
      }
    }
    std::array<std::uint32_t, kFindingClassCount> n{};
    for (int k = 0; k < kFindingClassCount; ++k) n[k] = table[to + 1U][k] - table[from][k];
    return n;
  };

  for (const ExposureEntry& e : entries) {
    // A port whose handshake cannot complete reaches no service: `ports`
    // lists it, findings judge what connections can reach.
    if (!rules::Connects(e) || exposure.interfaces.IsLoopbackOnly(e.interfaces)) continue;
    const rules::Decision& ref = e.opening;
    const Scope scope = scope_of(e.sources);
    const std::optional<Transport> maybe_transport = e.other_protocols ? std::nullopt : TransportOfProtocol(e.protocol);
    const bool has_ports = maybe_transport.has_value();
    const Transport transport = maybe_transport.value_or(Transport::kTcp);
    const bool open_everything = rules::IsBlanket(ref) || wide_rules.count(ref) > 0;
    auto add = [&](FindingClass c, const PortSet& ports) {
      // A policy that opens everything is one finding, whatever the protocol.
      Group& g = open_everything ? groups[{ref, c, 0, false}] : groups[{ref, c, e.protocol, e.other_protocols}];
      const std::string proto = e.other_protocols ? "other" : rules::ProtocolName(e.protocol);
      if (std::find(g.protocols.begin(), g.protocols.end(), proto) == g.protocols.end()) g.protocols.push_back(proto);
      g.entries.push_back(&e);
      g.ports = g.ports.Union(ports);
      g.opened = g.opened.Union(PortSet::Range(e.from, e.to));
      g.scope = g.entries.size() == 1 ? scope : Wider(g.scope, scope);
      g.conditional = g.conditional || e.conditional;
      return &g;
    };
    if (open_everything) {
      const FindingClass c = IsFirewallOff(ref) ? FindingClass::kFirewallOff : FindingClass::kDefaultAllow;
      Group* g = add(c, PortSet::Range(e.from, e.to));
      if (has_ports) {
        const auto n = covered(transport, e.from, e.to);
        for (int k = 0; k < kFindingClassCount; ++k) {
          if (n[k] > 0) g->covered[static_cast<FindingClass>(k)] += n[k];
        }
      }
      continue;
    }
    if (!has_ports) continue;  // no ports: no port classes
    std::vector<rules::Interval<std::uint16_t>> per_class[kFindingClassCount];
    for (std::uint32_t p = e.from; p <= e.to; ++p) {
      const auto port = static_cast<std::uint16_t>(p);
      const std::uint16_t mask = classes.At(port, transport);
      for (int k = 0; k < kFindingClassCount; ++k) {
        if (!(mask & (1U << k))) continue;
        auto& list = per_class[k];
        if (!list.empty() && list.back().hi + 1 == port) {
          list.back().hi = port;
        } else {
          list.push_back({port, port});
        }
      }
    }
    for (int k = 0; k < kFindingClassCount; ++k) {
      if (!per_class[k].empty()) add(static_cast<FindingClass>(k), PortSet::FromIntervals(std::move(per_class[k])));
    }
  }

  FindingsReport report;
  report.today = today;
  for (auto& [key, g] : groups) {
    Finding f;
    f.klass = key.klass;
    f.rule = key.rule;
    f.scope = g.scope;
    f.severity = Resolve(f.klass, f.scope, policy);
    bool in_use = false;  // every port of the finding is in use today
    if (PresentUseLowers(f.klass) && !Overridden(f.klass, f.scope, policy)) {
      const std::optional<Transport> t = key.other_protocols ? std::nullopt : TransportOfProtocol(key.protocol);
      bool all_high = t.has_value() && !g.ports.empty();
      bool all_used = all_high;
      for (const auto& iv : g.ports.intervals()) {
        for (std::uint32_t p = iv.lo; p <= iv.hi && all_used; ++p) {
          const std::uint16_t mask = classes.At(static_cast<std::uint16_t>(p), *t);
          all_high = all_high && (mask & kUsedHigh);
          all_used = all_used && (mask & (kUsedHigh | kUsedMedium));
        }
      }
      f.severity = PresentCap(f.severity, all_high, all_used);
      in_use = all_used;
    }
    // A rule that accepts every port for one program (a Windows
    // application rule, often written by the firewall's own prompt) opens
    // what that program listens on, not the host: a step below a rule that
    // opens everything, unless a policy sets the severity.
    const rules::RuleRef* scoped_rule = rules::DecidingRule(key.rule);
    const bool program_scoped = scoped_rule != nullptr && !rules::RuleAt(rs, *scoped_rule).application.empty();
    if (program_scoped && f.klass == FindingClass::kDefaultAllow && !Overridden(f.klass, f.scope, policy) &&
        f.severity > Severity::kMedium) {
      f.severity = f.severity == Severity::kCritical ? Severity::kHigh : Severity::kMedium;
    }
    f.entries = g.entries;
    f.location = rules::LocationOf(rs, key.rule);
    // No chain to point at (no filter at all): the input itself is to blame.
    if (f.location.file.empty() && !rs.inputs.empty()) f.location = {rs.inputs.front(), 1, 1};
    f.rule_text = rules::Describe(rs, key.rule);
    f.chain = ChainName(rs, key.rule);
    const rules::Table* table = TableOf(rs, key.rule);
    const bool windows = table != nullptr && table->family == rules::TableFamily::kWindows;
    if (table != nullptr) f.profile = table->profile;
    f.proto.clear();
    for (const std::string& p : g.protocols) f.proto += (f.proto.empty() ? "" : ",") + p;
    f.ports = Ranges(g.ports);
    f.port_count = static_cast<std::size_t>(g.ports.Size());
    f.opened = Ranges(g.opened);
    f.conditional = g.conditional;
    for (const ExposureEntry* e : g.entries) {
      for (const rules::Guard& guard : e->guards) {
        const std::string text = rules::Describe(rs, rules::RuleDecision{guard.rule});
        if (std::find(f.depends_on.begin(), f.depends_on.end(), text) == f.depends_on.end()) {
          f.depends_on.push_back(text);
        }
      }
    }
    for (const auto& [c, n] : g.covered) f.covered.emplace_back(c, n);

    const std::optional<Transport> transport =
        key.other_protocols ? std::optional<Transport>() : TransportOfProtocol(key.protocol);
    const Transport port_transport = transport.value_or(Transport::kTcp);
    const std::string scope_text = f.scope == Scope::kAny       ? "any source"
                                   : f.scope == Scope::kPublic  ? "public addresses"
                                   : f.scope == Scope::kPrivate ? "private addresses"
                                                                : "single hosts";
    bool by_source_port = false;
    if (f.klass == FindingClass::kDefaultAllow || f.klass == FindingClass::kFirewallOff) {
      std::string counts;
      for (const auto& [c, n] : f.covered) {
        counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + FindingClassName(c);
      }
      const bool by_rule = f.klass == FindingClass::kDefaultAllow && !rules::IsBlanket(key.rule);
      // Every port, but only from some source ports: a client picks its
      // source port, so that is every port to whoever picks one of them.
      const PortSet source_ports = by_rule ? WideSourcePorts(g.entries) : PortSet::All();
      by_source_port = !source_ports.empty() && !source_ports.IsAll();
      // On which interfaces the rule accepts everything, unless on all.
      std::string on;
      if (by_rule) {
        rules::AtomSet interfaces(exposure.interfaces.size());
        for (const ExposureEntry* e : g.entries) interfaces = interfaces.Union(e->interfaces);
        const std::vector<std::string> names = exposure.interfaces.Describe(interfaces);
        if (!(names.size() == 1 && names[0] == "any")) {
          for (std::size_t i = 0; i < names.size(); ++i) on += (i == 0 ? " on " : ", ") + names[i];
        }
      }
      f.message = by_rule ? "accepts every port (" + f.proto + ") from " + scope_text + on
                  : windows ? std::string(f.klass == FindingClass::kFirewallOff ? "the firewall is off: it"
                                                                                : "the default inbound action allow") +
                                  " opens every port no rule blocks (" + f.proto + ") to " + scope_text
                          : std::string(f.klass == FindingClass::kFirewallOff ? "no filtering chain"
                                                                              : "the chain policy ACCEPT") +
                                " opens every port not dropped earlier (" + f.proto + ") to " + scope_text;
      if (by_source_port) f.message += " whose source port is " + rules::FormatPortSet(source_ports);
      if (!counts.empty()) f.message += "; among the port/transport pairs " + counts;
      f.explanation = by_rule && program_scoped
                          ? "The rule lets one program accept connections on every port it listens on, from its "
                            "sources: which ports are open is the program's choice, now and after every update."
                      : by_rule ? "The rule accepts every port from its sources, not only the services they need: "
                                "whatever listens on this host, now or later, is open to them."
                      : windows && f.klass == FindingClass::kFirewallOff
                          ? "The profile's firewall is switched off: Windows accepts every connection while the "
                            "host is on a network of this profile."
                      : windows ? "The profile lets in every connection no rule blocks."
                                : FindingClassSummary(f.klass);
      if (by_source_port) {
        f.explanation = "The rule matches source port " + rules::FormatPortSet(source_ports) +
                        (f.rule_text.find("--ports") != std::string::npos
                             ? " as well as the destination port (-m multiport --ports matches either)"
                             : "") +
                        ": a client chooses its own source port, so any client that sends from " +
                        rules::FormatPortSet(source_ports) +
                        " reaches every port of this host, whatever listens there now or later.";
      }
    } else if (transport) {
      // Examples: rank candidates (bounded), worst first.
      // Ranked classes look at every port (dead and malware are few) or a
      // bounded sample; the others name their lowest ports.
      const std::size_t limit = f.klass == FindingClass::kDead || f.klass == FindingClass::kMalwareAssociated ? 4000
                                : f.klass == FindingClass::kUnofficialUse                                   ? 300
                                                                                                            : 5;
      std::vector<std::pair<int, catalog::PortFacts>> candidates;
      std::size_t seen = 0;
      for (const auto& [a, b] : f.ports) {
        for (std::uint32_t p = a; p <= b && seen < limit; ++p, ++seen) {
          catalog::PortFacts facts = catalog::Describe(static_cast<std::uint16_t>(p), port_transport);
          candidates.emplace_back(Rank(f.klass, facts), std::move(facts));
        }
      }
      std::stable_sort(candidates.begin(), candidates.end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      for (std::size_t i = 0; i < candidates.size() && i < 5; ++i) {
        f.examples.push_back(Example(f.klass, candidates[i].second));
      }
      if (!candidates.empty()) f.explanation = Explain(f.klass, candidates.front().second, f.port_count);
      std::string named;
      for (std::size_t i = 0; i < f.examples.size() && i < 3; ++i) {
        const PortExample& x = f.examples[i];
        std::string label = x.service;
        if (f.klass == FindingClass::kSensitiveService) {
          label = x.detail.substr(0, x.detail.find(':'));  // the service, not the registration
        } else if (f.klass == FindingClass::kUnofficialUse || f.klass == FindingClass::kMalwareAssociated) {
          // The software, not the registration: what likely listens.
          label = x.detail.substr(x.detail.find(": ") + 2);
          label = label.substr(0, label.find(';'));
          if (label.size() > 40) label = label.substr(0, 37) + "...";
        }
        named += (i ? ", " : "") + std::to_string(x.port) + (label.empty() ? "" : " " + label);
      }
      f.message = "opens " + std::to_string(f.port_count) + " " + FindingClassName(f.klass) + " " + f.proto +
                  (f.port_count == 1 ? " port" : " ports") + " to " + scope_text + ": " + named +
                  (f.port_count > 3 ? ", ..." : "");
      // "registration dead; port widely used by Oracle Database": a note, not an alarm.
      if (in_use && !candidates.empty()) {
        const bool registration = f.klass == FindingClass::kDead || f.klass == FindingClass::kDormant ||
                                  f.klass == FindingClass::kUnknown || f.klass == FindingClass::kReserved;
        f.message += std::string(" (") +
                     (registration ? "registration " + std::string(FindingClassName(f.klass)) + "; " : "") +
                     (f.port_count == 1 ? PresentNote(candidates.front().second) : "every port in use today") + ")";
      }
    }
    const bool range_rule = f.opened.size() > 1 || (!f.opened.empty() && f.opened.front().first != f.opened.front().second);
    f.remediation = by_source_port && f.rule_text.find("--ports") != std::string::npos
                        ? "Match the destination port only (-m multiport --dports, not --ports), unless this "
                          "rule is meant to let any client that sends from these source ports in."
                    : f.klass == FindingClass::kDefaultAllow && !rules::IsBlanket(key.rule)
                        ? "Accept only the ports these sources need (add -p and --dport to the rule), or document "
                          "why they need everything with a waiver."
                        : Remediation(f.klass, range_rule, f.scope);
    if (windows) {
      f.remediation = WindowsRemediation(f, rs, key.rule, port_transport,
                                         f.klass == FindingClass::kDefaultAllow && !rules::IsBlanket(key.rule),
                                         Remediation(f.klass, range_rule, f.scope));
    }
    // A Windows rule scoped to a program opens the port for that program only.
    if (const rules::RuleRef* r = rules::DecidingRule(key.rule); r != nullptr && !rules::RuleAt(rs, *r).application.empty()) {
      f.message += " for " + rules::RuleAt(rs, *r).application;
    }
    if (!f.profile.empty()) f.message += " (" + f.profile + " profile)";
    f.fingerprint = [&] {
      // The rule's own identity where the input has one (an nft handle, a
      // Windows rule id), its text otherwise: never its line.
      const rules::RuleRef* r = rules::DecidingRule(key.rule);
      const std::string& id = r ? rules::RuleAt(rs, *r).id : std::string();
      std::string identity = std::string(FindingClassName(f.klass)) + "|" + f.proto + "|" + f.chain + "|" +
                             (id.empty() ? f.rule_text : "id:" + id) + "|" + PortRangesText(f.opened, ",");
      char buf[17];
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(Fnv1a(identity)));
      return std::string(buf);
    }();
    report.findings.push_back(std::move(f));
  }

  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.file, a.location.line, a.klass, a.proto) <
           std::tie(b.location.file, b.location.line, b.klass, b.proto);
  });
  // Identical rules give identical fingerprints: number the repeats.
  std::map<std::string, int> repeats;
  for (Finding& f : report.findings) {
    const int n = ++repeats[f.fingerprint];
    if (n > 1) f.fingerprint += "-" + std::to_string(n);
  }
  for (std::size_t i = 0; i < report.findings.size(); ++i) report.findings[i].id = "F" + std::to_string(i + 1);

  if (policy != nullptr) {
    for (const Waiver& w : policy->waivers) {
      WaiverReport wr{&w, "unused", {}};
      const bool expired = w.expires < today;
      for (Finding& f : report.findings) {
        bool match = !w.fingerprint.empty() && w.fingerprint == f.fingerprint;
        if (!match && !w.klass.empty() && w.ports && w.klass == FindingClassName(f.klass) && !f.ports.empty()) {
          // Every port of the finding within the waiver's: a waiver for one
          // port never hides a range that also holds others.
          match = std::all_of(f.ports.begin(), f.ports.end(), [&](const auto& r) {
            return r.first >= w.ports->first && r.second <= w.ports->last;
          });
          if (match && !w.transports.empty()) {
            match = std::find(w.transports.begin(), w.transports.end(), f.proto) != w.transports.end();
          }
        }
        if (!match || f.waiver) continue;
        f.waiver = WaiverState{&w, expired};
        wr.findings.push_back(f.id);
      }
      if (!wr.findings.empty()) wr.status = expired ? "expired" : "active";
      report.waivers.push_back(std::move(wr));
    }
  }
  return report;
}

}  // namespace ghostport::audit
