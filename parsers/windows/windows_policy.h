// The Windows Firewall policy every Windows export is a view of: rules (the
// FW_RULE fields an auditor needs, MS-FASP 2.2.37) and the three profiles'
// settings. Each reader (netsh, PowerShell JSON and CSV, registry rule
// strings from .reg, .wfw and registry.pol) fills a WindowsPolicy; one
// lowering (windows_lowering.h) turns it into the engine's model. Values are
// parsed here, once, by the helpers of windows_values.h, whatever spelling
// a format uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/address.h"
#include "rules/interval_set.h"
#include "rules/model.h"

namespace ghostport::parsers::windows {

// Profiles as MS-FASP's FW_PROFILE_TYPE bits.
enum Profile : std::uint8_t { kDomain = 1, kPrivate = 2, kPublic = 4, kAllProfiles = 7 };
const char* ProfileName(Profile p);  // "domain", "private", "public"
constexpr Profile kProfiles[] = {kDomain, kPrivate, kPublic};

enum class Direction : std::uint8_t { kIn, kOut };
// kBypass: an authenticated-bypass allow (Action=ByPass, OverrideBlockRules).
enum class Action : std::uint8_t { kAllow, kBlock, kBypass };

// A keyword Windows resolves on the host (RPC, LocalSubnet, DNS, ...): kept
// as written, explained by windows_keywords.h, never silently a number.
struct Keyword {
  std::string name;  // canonical spelling (windows_keywords.h)
  std::optional<rules::Family> family;  // restricted to one family (RA4 only, "LocalSubnet4")
  friend bool operator==(const Keyword&, const Keyword&) = default;
};

// Ports: empty `ranges` and `keywords` means any port.
struct PortList {
  std::vector<rules::Interval<std::uint16_t>> ranges;
  std::vector<Keyword> keywords;
  bool Any() const { return ranges.empty() && keywords.empty(); }
  friend bool operator==(const PortList&, const PortList&) = default;
};

// Addresses: empty means any address of either family.
struct AddressList {
  struct Range {
    rules::Family family = rules::Family::kIpv4;
    rules::u128 lo = 0, hi = 0;
    friend bool operator==(const Range&, const Range&) = default;
  };
  std::vector<Range> ranges;
  std::vector<Keyword> keywords;
  bool Any() const { return ranges.empty() && keywords.empty(); }
  friend bool operator==(const AddressList&, const AddressList&) = default;
};

// An ICMP type with a code, or any code.
struct IcmpTypeCode {
  std::uint8_t type = 0;
  std::optional<std::uint8_t> code;
  friend bool operator==(const IcmpTypeCode&, const IcmpTypeCode&) = default;
};

// Edge traversal (inbound): whether traffic through NAT traversal (Teredo)
// from the internet is allowed.
enum class EdgeTraversal : std::uint8_t { kBlock, kAllow, kDeferToApp, kDeferToUser };

// Where a rule comes from; Group Policy rules survive when local merging is
// off, local ones do not.
enum class Store : std::uint8_t { kUnknown, kLocal, kGroupPolicy, kDynamic };

struct WindowsRule {
  std::string id;    // rule id (registry value name, PowerShell Name); netsh has none
  std::string name;  // display name (may be an unresolved "@FirewallAPI.dll,-28502")
  std::string description;
  std::string group;
  bool enabled = false;
  Direction direction = Direction::kIn;
  Action action = Action::kAllow;
  std::uint8_t profiles = kAllProfiles;
  std::optional<std::uint8_t> protocol;  // unset: any protocol
  PortList local_ports;
  PortList remote_ports;
  std::vector<IcmpTypeCode> icmp;  // empty: any type
  AddressList local_addresses;
  AddressList remote_addresses;
  std::string program;  // empty: any program; "System" for kernel-mode traffic
  std::string service;  // empty: any service; "*": any service (not none)
  std::string package;  // AppContainer SID
  std::vector<std::string> interface_types;  // empty: any
  std::vector<std::string> interfaces;       // empty: any
  EdgeTraversal edge = EdgeTraversal::kBlock;
  std::string security;  // empty: not required; otherwise the IPsec requirement as written
  Store store = Store::kUnknown;
  // Tokens or fields the reader could not model: each narrows the rule in a
  // way the engine cannot follow (a rule is never widened by one), kept as
  // an explicit unknown of the rule.
  std::vector<rules::Condition> unknowns;
  rules::SourceLocation location;
  std::string text;  // the rule as the input wrote it, for reports
};

// One profile's settings. Unset: the export does not say (or says
// NotConfigured): Windows' built-in default applies — the firewall on,
// inbound blocked — and the lowering says it assumed so.
struct ProfileSettings {
  std::optional<bool> enabled;
  std::optional<bool> default_inbound_block;
  std::optional<bool> block_all_inbound;       // DoNotAllowExceptions / BlockInboundAlways
  std::optional<bool> allow_local_rules;       // AllowLocalPolicyMerge (Group Policy)
  rules::SourceLocation location;              // where the export states them
};

struct WindowsPolicy {
  std::vector<WindowsRule> rules;
  // Indexed by the profile's bit position: domain, private, public.
  ProfileSettings profiles[3];
  // Inputs that carry no profile settings (a rule-only export): the lowering
  // assumes Windows' defaults and says so.
  bool has_profile_settings = false;
  std::vector<rules::IgnoredLine> ignored;
  rules::SourceLocation first_line;  // for findings about the whole policy
};

ProfileSettings& SettingsOf(WindowsPolicy& policy, Profile p);
const ProfileSettings& SettingsOf(const WindowsPolicy& policy, Profile p);

}  // namespace ghostport::parsers::windows
