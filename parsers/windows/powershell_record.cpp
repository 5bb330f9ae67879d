#include "parsers/windows/powershell_record.h"

#include <algorithm>
#include <cctype>
#include <span>

#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

const PsValue* PsRecord::Find(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (SameWord(field, name)) return &value;
  }
  return nullptr;
}

namespace {

// An enum as the cmdlets define it: PowerShell writes the name (Export-Csv,
// -EnumsAsStrings) or the number (ConvertTo-Json).
struct EnumName {
  std::string_view name;
  int number;
};

constexpr EnumName kEnabledEnum[] = {{"True", 1}, {"False", 2}};
constexpr EnumName kDirectionEnum[] = {{"Inbound", 1}, {"Outbound", 2}};
constexpr EnumName kActionEnum[] = {{"NotConfigured", 0}, {"Allow", 2}, {"AllowBypass", 3}, {"Block", 4}};
constexpr EnumName kEdgeEnum[] = {{"Block", 0}, {"Allow", 1}, {"DeferToUser", 2}, {"DeferToApp", 3}};
// 7-11: host-firewall (Hyper-V) stores, named only by third-party code.
constexpr EnumName kStoreEnum[] = {{"None", 0},      {"Local", 1}, {"GroupPolicy", 2}, {"Dynamic", 3},
                                   {"Generated", 4}, {"Hardcoded", 5}, {"MDM", 6},      {"", 7},
                                   {"", 8},          {"", 9},      {"", 10},           {"", 11}};
constexpr EnumName kGpoBooleanEnum[] = {{"False", 0}, {"True", 1}, {"NotConfigured", 2}};
constexpr EnumName kAuthenticationEnum[] = {{"NotRequired", 0}, {"Required", 1}, {"NoEncap", 2}};
constexpr EnumName kEncryptionEnum[] = {{"NotRequired", 0}, {"Required", 1}, {"Dynamic", 2}};

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The value's strings; numbers and booleans as PowerShell would print them.
std::vector<std::string> Strings(const PsValue& v) {
  if (const auto* s = std::get_if<std::vector<std::string>>(&v.value)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v.value)) return {std::to_string(*n)};
  if (const auto* b = std::get_if<bool>(&v.value)) return {*b ? "True" : "False"};
  return {};
}

std::string Describe(std::string_view field, const PsValue& v) {
  std::string out(field);
  out += " ";
  if (const auto* u = std::get_if<PsUnreadable>(&v.value)) return out + u->what;
  std::string joined;
  for (const std::string& s : Strings(v)) joined += (joined.empty() ? "" : ",") + s;
  return out + Quoted(joined);
}

// The items of a list field: array elements, each split at commas (the
// collection script's -join ',', and Profile's "Domain, Private").
std::vector<std::string> Items(const PsValue& v) {
  std::vector<std::string> out;
  for (const std::string& s : Strings(v)) {
    for (std::string_view item : SplitList(s, ',')) out.emplace_back(item);
  }
  return out;
}

std::string EnumChoices(std::span<const EnumName> names) {
  std::string out;
  for (const EnumName& e : names) {
    if (e.name.empty()) continue;
    out += (out.empty() ? "" : ", ") + std::string(e.name) + " (" + std::to_string(e.number) + ")";
  }
  return out;
}

ValueError EnumValue(const PsValue& v, std::span<const EnumName> names, int& out) {
  auto by_number = [&](std::int64_t n) {
    return std::find_if(names.begin(), names.end(), [&](const EnumName& e) { return e.number == n; });
  };
  auto by_name = [&](std::string_view s) {
    return std::find_if(names.begin(), names.end(), [&](const EnumName& e) { return !e.name.empty() && SameWord(e.name, s); });
  };
  auto found = names.end();
  if (const auto* n = std::get_if<std::int64_t>(&v.value)) {
    found = by_number(*n);
  } else if (const auto* b = std::get_if<bool>(&v.value)) {
    found = by_name(*b ? "True" : "False");
  } else if (const auto* s = std::get_if<std::vector<std::string>>(&v.value); s && s->size() == 1) {
    std::string_view text = TrimSpaces((*s)[0]);
    found = by_name(text);
    if (found == names.end() && !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) && text.size() < 6) {
      found = by_number(std::stoi(std::string(text)));
    }
  }
  if (found == names.end()) return "not one of " + EnumChoices(names);
  out = found->number;
  return {};
}

ValueError OneString(const PsValue& v, std::string& out) {
  std::vector<std::string> s = Strings(v);
  if (s.size() > 1) return "one value expected, not a list";
  out = s.empty() ? std::string() : s[0];
  return {};
}

// Program, Service, Package: "Any" (and absence) is no restriction.
ValueError ScopeString(const PsValue& v, std::string& out) {
  ValueError e = OneString(v, out);
  if (IsAny(out)) out.clear();
  return e;
}

// ---- rule fields ----

using RuleReader = ValueError (*)(const PsValue&, WindowsRule&);

ValueError ReadId(const PsValue& v, WindowsRule& r) { return OneString(v, r.id); }
ValueError ReadName(const PsValue& v, WindowsRule& r) { return OneString(v, r.name); }
ValueError ReadDescription(const PsValue& v, WindowsRule& r) { return OneString(v, r.description); }
ValueError ReadGroup(const PsValue& v, WindowsRule& r) { return OneString(v, r.group); }

ValueError ReadEnabled(const PsValue& v, WindowsRule& r) {
  int n = 0;
  ValueError e = EnumValue(v, kEnabledEnum, n);
  r.enabled = n == 1;
  return e;
}

ValueError ReadDirection(const PsValue& v, WindowsRule& r) {
  int n = 0;
  ValueError e = EnumValue(v, kDirectionEnum, n);
  r.direction = n == 2 ? Direction::kOut : Direction::kIn;
  return e;
}

ValueError ReadAction(const PsValue& v, WindowsRule& r) {
  int n = 0;
  if (ValueError e = EnumValue(v, kActionEnum, n); !e.empty()) return e;
  if (n == 0) return "NotConfigured is no action a rule can take";
  r.action = n == 2 ? Action::kAllow : n == 3 ? Action::kBypass : Action::kBlock;
  return {};
}

// The security filter's OverrideBlockRules: an allow rule that overrides
// blocks is an authenticated-bypass rule.
ValueError ReadOverrideBlockRules(const PsValue& v, WindowsRule& r) {
  int n = 0;
  if (ValueError e = EnumValue(v, kEnabledEnum, n); !e.empty()) return e;
  if (n == 1 && r.action == Action::kAllow) r.action = Action::kBypass;
  return {};
}

ValueError ReadProfile(const PsValue& v, WindowsRule& r) {
  r.profiles = kAllProfiles;
  if (const auto* n = std::get_if<std::int64_t>(&v.value)) {
    if (*n < 0 || *n > kAllProfiles) return "not a profile set (0 any, or the sum of 1 Domain, 2 Private, 4 Public)";
    if (*n != 0) r.profiles = static_cast<std::uint8_t>(*n);
    return {};
  }
  std::uint8_t bits = 0;
  for (const std::string& item : Items(v)) {
    if (IsAny(item)) return {};
    std::uint8_t bit = ProfileBit(item);
    if (bit == 0) return "not a profile (Domain, Private, Public or Any): " + Quoted(item);
    bits |= bit;
  }
  if (bits != 0) r.profiles = bits;
  return {};
}

ValueError ReadEdge(const PsValue& v, WindowsRule& r) {
  static constexpr EdgeTraversal kByNumber[] = {EdgeTraversal::kBlock, EdgeTraversal::kAllow,
                                                EdgeTraversal::kDeferToUser, EdgeTraversal::kDeferToApp};
  int n = 0;
  ValueError e = EnumValue(v, kEdgeEnum, n);
  r.edge = kByNumber[n];
  return e;
}

ValueError ReadStore(const PsValue& v, WindowsRule& r) {
  int n = 0;
  ValueError e = EnumValue(v, kStoreEnum, n);
  r.store = n == 1 ? Store::kLocal : n == 2 ? Store::kGroupPolicy : n == 3 ? Store::kDynamic : Store::kUnknown;
  return e;
}

ValueError ReadProtocol(const PsValue& v, WindowsRule& r) {
  std::string text;
  if (ValueError e = OneString(v, text); !e.empty()) return e;
  return ParseProtocol(text, r.protocol);
}

template <KeywordKind kind, PortList WindowsRule::*field>
ValueError ReadPorts(const PsValue& v, WindowsRule& r) {
  for (const std::string& item : Items(v)) {
    if (ValueError e = AddPort(item, kind, r.*field); !e.empty()) return e;
  }
  return {};
}

template <AddressList WindowsRule::*field>
ValueError ReadAddresses(const PsValue& v, WindowsRule& r) {
  for (const std::string& item : Items(v)) {
    if (ValueError e = AddAddress(item, r.*field); !e.empty()) return e;
  }
  return {};
}

ValueError ReadIcmp(const PsValue& v, WindowsRule& r) {
  for (const std::string& item : Items(v)) {
    if (ValueError e = AddIcmp(item, r.icmp); !e.empty()) return e;
  }
  return {};
}

ValueError ReadProgram(const PsValue& v, WindowsRule& r) { return ScopeString(v, r.program); }
ValueError ReadService(const PsValue& v, WindowsRule& r) { return ScopeString(v, r.service); }
ValueError ReadPackage(const PsValue& v, WindowsRule& r) { return ScopeString(v, r.package); }

template <std::vector<std::string> WindowsRule::*field>
ValueError ReadNames(const PsValue& v, WindowsRule& r) {
  for (const std::string& item : Items(v)) {
    if (!IsAny(item)) (r.*field).emplace_back(item);
  }
  return {};
}

template <const auto& names, const char* label>
ValueError ReadSecurity(const PsValue& v, WindowsRule& r) {
  int n = 0;
  if (ValueError e = EnumValue(v, names, n); !e.empty()) return e;
  if (n == 0) return {};
  r.security += (r.security.empty() ? "" : ", ") + std::string(label) + "=" + std::string(names[n].name);
  return {};
}
constexpr char kAuthentication[] = "Authentication";
constexpr char kEncryption[] = "Encryption";

// Local users, remote users and machines (SDDL), dynamic targets: they
// narrow the rule in a way the engine does not model.
template <const char* field>
ValueError ReadUnmodelled(const PsValue& v, WindowsRule& r) {
  for (const std::string& item : Items(v)) {
    if (IsAny(item)) continue;
    r.unknowns.push_back({std::string(field) + " " + Quoted(item),
                          "the rule applies only to these users, machines or targets, which are not modelled",
                          v.location});
  }
  return {};
}
constexpr char kLocalUser[] = "LocalUser";
constexpr char kRemoteUser[] = "RemoteUser";
constexpr char kRemoteMachine[] = "RemoteMachine";
constexpr char kDynamicTarget[] = "DynamicTarget";

// What an export without the field means for the rule.
enum class IfMissing : std::uint8_t {
  kNothing,         // informational, or a filter the collection script does not export
  kNarrows,         // read as unrestricted; the rule may be narrower
  kNarrowsForIcmp,  // the same, for ICMP rules only
  kRequired,        // the rule cannot be read without it
};

struct RuleField {
  std::string_view name;
  std::string_view alias;  // read when `name` is absent
  RuleReader read;
  IfMissing if_missing;
};

// In this order: OverrideBlockRules after Action, IcmpType after Protocol.
constexpr RuleField kRuleFields[] = {
    {"Name", "InstanceID", ReadId, IfMissing::kNothing},
    {"DisplayName", "ElementName", ReadName, IfMissing::kNothing},
    {"Description", "", ReadDescription, IfMissing::kNothing},
    {"Group", "DisplayGroup", ReadGroup, IfMissing::kNothing},
    {"Enabled", "", ReadEnabled, IfMissing::kNarrows},
    {"Direction", "", ReadDirection, IfMissing::kNarrows},
    {"Action", "", ReadAction, IfMissing::kRequired},
    {"OverrideBlockRules", "", ReadOverrideBlockRules, IfMissing::kNothing},
    {"Profile", "Profiles", ReadProfile, IfMissing::kNarrows},
    {"EdgeTraversalPolicy", "", ReadEdge, IfMissing::kNothing},
    {"PolicyStoreSourceType", "", ReadStore, IfMissing::kNothing},
    {"Protocol", "", ReadProtocol, IfMissing::kNarrows},
    {"LocalPort", "", ReadPorts<KeywordKind::kLocalPort, &WindowsRule::local_ports>, IfMissing::kNarrows},
    {"RemotePort", "", ReadPorts<KeywordKind::kRemotePort, &WindowsRule::remote_ports>, IfMissing::kNarrows},
    {"IcmpType", "", ReadIcmp, IfMissing::kNarrowsForIcmp},
    {"LocalAddress", "", ReadAddresses<&WindowsRule::local_addresses>, IfMissing::kNarrows},
    {"RemoteAddress", "", ReadAddresses<&WindowsRule::remote_addresses>, IfMissing::kNarrows},
    {"Program", "", ReadProgram, IfMissing::kNarrows},
    {"Service", "", ReadService, IfMissing::kNarrows},
    {"Package", "", ReadPackage, IfMissing::kNothing},
    {"InterfaceType", "", ReadNames<&WindowsRule::interface_types>, IfMissing::kNothing},
    {"InterfaceAlias", "", ReadNames<&WindowsRule::interfaces>, IfMissing::kNothing},
    {"Authentication", "", ReadSecurity<kAuthenticationEnum, kAuthentication>, IfMissing::kNothing},
    {"Encryption", "", ReadSecurity<kEncryptionEnum, kEncryption>, IfMissing::kNothing},
    {"LocalUser", "", ReadUnmodelled<kLocalUser>, IfMissing::kNothing},
    {"RemoteUser", "", ReadUnmodelled<kRemoteUser>, IfMissing::kNothing},
    {"RemoteMachine", "", ReadUnmodelled<kRemoteMachine>, IfMissing::kNothing},
    {"DynamicTarget", "", ReadUnmodelled<kDynamicTarget>, IfMissing::kNothing},
};

// ---- profile fields (Get-NetFirewallProfile) ----

using ProfileReader = ValueError (*)(const PsValue&, ProfileSettings&);

// GpoBoolean: NotConfigured leaves the setting to Windows' default.
ValueError GpoBoolean(const PsValue& v, std::optional<bool>& out, bool when_true) {
  int n = 0;
  if (ValueError e = EnumValue(v, kGpoBooleanEnum, n); !e.empty()) return e;
  if (n != 2) out = (n == 1) == when_true;
  return {};
}

ValueError ReadProfileEnabled(const PsValue& v, ProfileSettings& s) { return GpoBoolean(v, s.enabled, true); }
ValueError ReadAllowInboundRules(const PsValue& v, ProfileSettings& s) {
  return GpoBoolean(v, s.block_all_inbound, false);
}
ValueError ReadAllowLocalRules(const PsValue& v, ProfileSettings& s) { return GpoBoolean(v, s.allow_local_rules, true); }

ValueError ReadDefaultInbound(const PsValue& v, ProfileSettings& s) {
  int n = 0;
  if (ValueError e = EnumValue(v, kActionEnum, n); !e.empty()) return e;
  if (n == 3) return "AllowBypass is no default action";
  if (n != 0) s.default_inbound_block = n == 4;
  return {};
}

struct ProfileField {
  std::string_view name;
  ProfileReader read;
};

constexpr ProfileField kProfileFields[] = {
    {"Enabled", ReadProfileEnabled},
    {"DefaultInboundAction", ReadDefaultInbound},
    {"AllowInboundRules", ReadAllowInboundRules},
    {"AllowLocalFirewallRules", ReadAllowLocalRules},
};

// ---- building ----

void Error(const rules::SourceLocation& at, std::string message, std::string_view text,
           std::vector<Diagnostic>& diagnostics) {
  diagnostics.push_back({Severity::kError, at, std::move(message), LineAt(text, at.line)});
}

// "System.String[]" and the like: the collector wrote an array's type name
// (Export-Csv of an unjoined array, ConvertTo-Json below the array's depth).
ValueError TypeNameInsteadOfValues(const PsValue& v) {
  for (const std::string& s : Strings(v)) {
    std::string_view t = TrimSpaces(s);
    if (t.starts_with("System.") && t.ends_with("[]")) {
      return Quoted(t) +
             " is the name of an array type, not its values: the collector did not expand the array (join it with "
             "-join ',' before Export-Csv, give ConvertTo-Json -Depth 3; see examples/windows/collect-firewall.ps1)";
    }
  }
  if (const auto* u = std::get_if<PsUnreadable>(&v.value)) return u->what + " where a string, a number or a list of strings was expected";
  return {};
}

// Runs `read` on the value; a refusal is a located error.
template <typename Reader, typename Target>
bool ReadField(std::string_view field, const PsValue& v, Reader read, Target& target, std::string_view text,
               std::vector<Diagnostic>& diagnostics) {
  ValueError e = TypeNameInsteadOfValues(v);
  if (e.empty() && !std::holds_alternative<std::monostate>(v.value)) e = read(v, target);
  if (e.empty()) return true;
  Error(v.location, std::string(field) + ": " + e, text, diagnostics);
  return false;
}

void AddProfile(const PsRecord& record, std::string_view text, WindowsPolicy& policy,
                std::vector<Diagnostic>& diagnostics) {
  const PsValue* name = record.Find("Name");
  std::string profile;
  if (name != nullptr) (void)OneString(*name, profile);
  const auto bit = static_cast<Profile>(ProfileBit(profile));
  if (bit == 0) {
    Error(name != nullptr ? name->location : record.location,
          "a profile's Name must be Domain, Private or Public, not " + Quoted(profile), text, diagnostics);
    return;
  }
  ProfileSettings& settings = SettingsOf(policy, bit);
  settings = {};
  settings.location = record.location;
  for (const ProfileField& f : kProfileFields) {
    if (const PsValue* v = record.Find(f.name)) ReadField(f.name, *v, f.read, settings, text, diagnostics);
  }
  policy.has_profile_settings = true;
}

void AddRule(const PsRecord& record, std::string_view text, WindowsPolicy& policy,
             std::vector<Diagnostic>& diagnostics, MissingFields& missing) {
  WindowsRule rule;
  rule.enabled = true;  // unless the export says otherwise (Enabled missing narrows)
  rule.location = record.location;
  rule.text = record.text;
  std::vector<std::string_view> absent;
  for (const RuleField& f : kRuleFields) {
    const PsValue* v = record.Find(f.name);
    if (v == nullptr && !f.alias.empty()) v = record.Find(f.alias);
    if (v != nullptr) {
      if (!ReadField(f.name, *v, f.read, rule, text, diagnostics)) {
        rule.unknowns.push_back({Describe(f.name, *v), "the value could not be read", v->location});
      }
      continue;
    }
    const bool icmp = rule.protocol == 1 || rule.protocol == 58;
    if (f.if_missing == IfMissing::kNarrows || (f.if_missing == IfMissing::kNarrowsForIcmp && icmp)) {
      absent.push_back(f.name);
    } else if (f.if_missing == IfMissing::kRequired) {
      Error(record.location, "the rule has no " + std::string(f.name) + " field", text, diagnostics);
      rule.unknowns.push_back({"no " + std::string(f.name), "the export does not say", record.location});
    }
  }
  if (!absent.empty()) {
    std::string names;
    for (std::string_view n : absent) {
      names += (names.empty() ? "" : ", ") + std::string(n);
      if (std::find(missing.begin(), missing.end(), n) == missing.end()) missing.push_back(n);
    }
    rule.unknowns.push_back(
        {"no " + names + " in the export",
         "read as enabled, inbound and unrestricted by them; the rule may apply to less than that", record.location});
  }
  policy.rules.push_back(std::move(rule));
}

}  // namespace

void AddPsRecord(const PsRecord& record, std::string_view text, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics, MissingFields& missing) {
  if (policy.first_line.file.empty()) policy.first_line = {record.location.file, 1, 1};
  if (record.Find("DefaultInboundAction") != nullptr) {
    AddProfile(record, text, policy, diagnostics);
  } else {
    AddRule(record, text, policy, diagnostics, missing);
  }
}

void WarnMissingFields(const MissingFields& missing, const rules::SourceLocation& at, std::string_view text,
                       std::vector<Diagnostic>& diagnostics) {
  if (missing.empty()) return;
  std::string names;
  for (std::string_view n : missing) names += (names.empty() ? "" : ", ") + std::string(n);
  diagnostics.push_back(
      {Severity::kWarning, at,
       "the export's rules have no " + names +
           ": each is read as enabled, inbound and not restricted by what is missing, and marked as possibly "
           "narrower (Get-NetFirewallRule alone carries no filters; examples/windows/collect-firewall.ps1 "
           "exports them)",
       LineAt(text, at.line)});
}

}  // namespace ghostport::parsers::windows
