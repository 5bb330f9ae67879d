#include "parsers/windows/windows_registry.h"

#include <cstdio>

#include "parsers/windows/windows_rule_string.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

// The key's components, split at backslashes.
std::vector<std::string_view> Components(std::string_view key) {
  std::vector<std::string_view> out;
  for (std::string_view c : SplitList(key, '\\')) out.push_back(c);
  return out;
}

bool Has(const std::vector<std::string_view>& parts, std::string_view name) {
  for (std::string_view p : parts) {
    if (SameWord(p, name)) return true;
  }
  return false;
}

enum class KeyKind { kRules, kProfile, kPolicyRoot, kOther };

}  // namespace

RegistryValue NumberedValue(const std::string& file, int ordinal, std::string_view shown_key, std::string name,
                            CarrierData data) {
  RegistryValue v;
  v.location = {file, ordinal, 1};
  v.source_line = std::string(shown_key) + "\\" + (name.empty() ? "@" : name) + " = ";
  if (data.text) {
    for (std::size_t i = 0; i < data.text->size(); ++i) v.columns.push_back(static_cast<int>(v.source_line.size() + i) + 1);
    v.source_line += *data.text;
  } else if (data.dword) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(*data.dword));
    v.source_line += std::string("dword:") + hex;
  } else {
    v.source_line += data.other;
  }
  v.name = std::move(name);
  v.text = std::move(data.text);
  v.dword = data.dword;
  return v;
}

void RegistryPolicy::Ignore(const RegistryValue& value, std::string reason) {
  policy_.ignored.push_back(rules::IgnoredLine{value.location, value.source_line, std::move(reason)});
}

void RegistryPolicy::Add(std::string_view key, const RegistryValue& value) {
  std::vector<std::string_view> parts = Components(key);
  const std::string_view last = parts.empty() ? std::string_view() : parts.back();
  const bool group_policy = Has(parts, "Policies") && Has(parts, "WindowsFirewall");
  if (Has(parts, "Defaults")) return Ignore(value, "factory defaults, not the policy in force");
  if (Has(parts, "RestrictedServices")) {
    return Ignore(value, "service-hardening store: restrictions Windows adds for its own services");
  }
  StoreSettings& store = group_policy ? group_policy_ : local_;
  if (SameWord(last, "FirewallRules")) return AddRule(group_policy ? Store::kGroupPolicy : Store::kLocal, value);
  for (std::string_view p : {"DomainProfile", "PrivateProfile", "PublicProfile", "StandardProfile"}) {
    if (SameWord(last, p)) return AddProfileValue(store, p, value);
  }
  if (SameWord(last, "Logging")) return Ignore(value, "logging settings do not decide what is accepted");
  if (SameWord(last, "ConSecRules")) {
    return Ignore(value, "connection security (IPsec) rule: it secures traffic, it does not accept or block it");
  }
  if (SameWord(last, "FirewallPolicy") || SameWord(last, "WindowsFirewall") || parts.empty()) {
    return Ignore(value, "global firewall setting that does not decide inbound exposure");
  }
  Ignore(value, "not part of the firewall rules or profile settings");
}

void RegistryPolicy::Error(const RegistryValue& value, rules::SourceLocation where, std::string message) {
  Diagnostic d;
  d.location = std::move(where);
  d.message = std::move(message);
  d.source_line = value.source_line;
  diagnostics_.push_back(std::move(d));
}

void RegistryPolicy::AddRule(Store store, const RegistryValue& value) {
  if (!value.text) {
    return Error(value, value.location, "the firewall rule \"" + value.name + "\" is not a string value");
  }
  WindowsRule r;
  r.id = value.name;
  r.store = store;
  r.location = value.location;
  if (auto e = ParseRuleString(*value.text, r)) {
    rules::SourceLocation at = value.location;
    if (e->offset < value.columns.size()) at.column = value.columns[e->offset];
    return Error(value, std::move(at), e->message + " (rule \"" + value.name + "\")");
  }
  for (rules::Condition& c : r.unknowns) c.location = r.location;
  policy_.rules.push_back(std::move(r));
}

void RegistryPolicy::AddProfileValue(StoreSettings& s, std::string_view profile_key, const RegistryValue& value) {
  ProfileSettings* p = SameWord(profile_key, "DomainProfile")    ? &s.domain
                       : SameWord(profile_key, "PrivateProfile") ? &s.private_
                       : SameWord(profile_key, "PublicProfile")  ? &s.public_
                                                                 : &s.standard;
  s.any = true;
  if (p == &s.private_) s.has_private = true;
  if (p == &s.public_) s.has_public = true;
  if (p == &s.standard) s.has_standard = true;
  if (p->location.line == 0) p->location = value.location;
  std::optional<bool>* field = nullptr;
  if (SameWord(value.name, "EnableFirewall")) {
    field = &p->enabled;
  } else if (SameWord(value.name, "DefaultInboundAction")) {
    field = &p->default_inbound_block;
  } else if (SameWord(value.name, "DoNotAllowExceptions")) {
    field = &p->block_all_inbound;
  } else if (SameWord(value.name, "AllowLocalPolicyMerge")) {
    field = &p->allow_local_rules;
  } else {
    return Ignore(value, "a profile setting that does not decide what is accepted inbound");
  }
  if (!value.dword || *value.dword > 1) {
    return Error(value, value.location,
                 "the profile setting " + value.name + " must be dword:00000000 or dword:00000001");
  }
  *field = *value.dword == 1;
}

void RegistryPolicy::Finish() {
  auto merge = [](ProfileSettings& into, const ProfileSettings& from) {
    if (from.enabled) into.enabled = from.enabled;
    if (from.default_inbound_block) into.default_inbound_block = from.default_inbound_block;
    if (from.block_all_inbound) into.block_all_inbound = from.block_all_inbound;
    if (from.allow_local_rules) into.allow_local_rules = from.allow_local_rules;
    if (from.location.line > 0 && into.location.line == 0) into.location = from.location;
  };
  // The local store: StandardProfile is the private profile.
  ProfileSettings domain = local_.domain, priv = local_.standard, pub = local_.public_;
  merge(priv, local_.private_);
  // Group Policy wins where it sets a value; its StandardProfile stands for
  // private and public when neither has a key of its own.
  merge(domain, group_policy_.domain);
  if (!group_policy_.has_private && !group_policy_.has_public && group_policy_.has_standard) {
    merge(priv, group_policy_.standard);
    merge(pub, group_policy_.standard);
  } else {
    merge(priv, group_policy_.private_);
    merge(pub, group_policy_.public_);
  }
  SettingsOf(policy_, kDomain) = domain;
  SettingsOf(policy_, kPrivate) = priv;
  SettingsOf(policy_, kPublic) = pub;
  policy_.has_profile_settings = local_.any || group_policy_.any;
}

}  // namespace ghostport::parsers::windows
