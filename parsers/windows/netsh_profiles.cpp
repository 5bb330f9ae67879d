#include "parsers/windows/netsh_profiles.h"

#include <optional>
#include <utility>

#include "parsers/windows/netsh_languages.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

struct Setting {
  const NetshLine* line;
  std::string_view name;
  std::string_view value;
};

struct Section {
  const std::string& file;
  WindowsPolicy& policy;
  std::vector<Diagnostic>& diagnostics;
  ProfileSettings* profile = nullptr;

  void Error(const NetshLine& line, std::string_view at, std::string message) {
    diagnostics.push_back(NetshError(file, line, at, std::move(message)));
  }
  void Ignore(const NetshLine& line, std::string reason) {
    policy.ignored.push_back(NetshIgnored(file, line, std::move(reason)));
  }
};

// "Name<2+ spaces>Value"; the value is empty when the line has no such run.
Setting SplitSetting(const NetshLine& line) {
  std::string_view text = line.text;
  size_t gap = text.find("  ");
  if (gap == std::string_view::npos) return {&line, TrimSpaces(text), {}};
  return {&line, TrimSpaces(text.substr(0, gap)), TrimSpaces(text.substr(gap))};
}

void ReadState(Section& s, const Setting& set) {
  static constexpr std::pair<std::string_view, bool> kStates[] = {{"ON", true}, {"OFF", false}};
  if (auto on = NetshWord(kStates, set.value)) {
    s.profile->enabled = *on;
  } else {
    s.Error(*set.line, set.value, "State is ON or OFF, not \"" + std::string(set.value) + "\"");
  }
}

// "<inbound>,<outbound>". The outbound part is checked, not kept: the
// lowering models inbound traffic only.
void ReadFirewallPolicy(Section& s, const Setting& set) {
  struct Inbound {
    std::optional<bool> block, block_all;
  };
  static const std::pair<std::string_view, Inbound> kInbound[] = {
      {"BlockInbound", {true, false}},
      {"BlockInboundAlways", {true, true}},
      {"AllowInbound", {false, false}},
      {"NotConfigured", {std::nullopt, std::nullopt}},
  };
  static constexpr std::pair<std::string_view, bool> kOutbound[] = {
      {"AllowOutbound", true}, {"BlockOutbound", true}, {"NotConfigured", true}};
  std::vector<std::string_view> parts = SplitList(set.value, ',');
  std::optional<Inbound> in = parts.size() == 2 ? NetshWord(kInbound, parts[0]) : std::nullopt;
  if (!in) {
    s.Error(*set.line, set.value,
            "Firewall Policy is <BlockInbound|BlockInboundAlways|AllowInbound|NotConfigured>,<outbound>, not \"" +
                std::string(set.value) + "\"");
    return;
  }
  if (!NetshWord(kOutbound, parts[1])) {
    s.Error(*set.line, parts[1],
            "the outbound part of Firewall Policy is AllowOutbound, BlockOutbound or NotConfigured, not \"" +
                std::string(parts[1]) + "\"");
    return;
  }
  s.profile->default_inbound_block = in->block;
  s.profile->block_all_inbound = in->block_all;
}

void ReadLocalFirewallRules(Section& s, const Setting& set) {
  static const std::pair<std::string_view, std::optional<bool>> kValues[] = {
      {"Enable", true}, {"Disable", false}, {"N/A (GPO-store only)", std::nullopt}, {"NotConfigured", std::nullopt}};
  if (auto merge = NetshWord(kValues, set.value)) {
    s.profile->allow_local_rules = *merge;
  } else {
    s.Error(*set.line, set.value,
            "LocalFirewallRules is Enable, Disable, NotConfigured or \"N/A (GPO-store only)\", not \"" +
                std::string(set.value) + "\"");
  }
}

using SettingReader = void (*)(Section&, const Setting&);

// The settings the audit needs; the others are ignored with their reason.
constexpr std::pair<std::string_view, SettingReader> kReaders[] = {
    {"State", ReadState},
    {"Firewall Policy", ReadFirewallPolicy},
    {"LocalFirewallRules", ReadLocalFirewallRules},
};
constexpr std::pair<std::string_view, const char*> kIgnored[] = {
    {"LocalConSecRules", "connection security (IPsec) rules are not audited"},
    {"InboundUserNotification", "a notification setting: it does not change what is let through"},
    {"RemoteManagement", "remote management of the firewall does not change what is let through"},
    {"UnicastResponseToMulticast",
     "unicast replies to the host's own multicast queries are not modelled (they answer outbound traffic)"},
};
constexpr const char* kNotProfiles =
    "not part of netsh's profile settings (a \"Domain Profile Settings: \" block with its underline, a setting or "
    "\"Ok.\")";
constexpr const char* kLoggingReason = "a logging setting: it does not change what is let through";

void ReadSetting(Section& s, const Setting& set, bool logging) {
  if (logging) return s.Ignore(*set.line, kLoggingReason);
  if (set.value.empty()) {
    return s.Error(*set.line, set.name, "a profile setting line is a name, two or more spaces and a value");
  }
  if (auto reader = NetshWord(kReaders, set.name)) return (*reader)(s, set);
  if (auto reason = NetshWord(kIgnored, set.name)) return s.Ignore(*set.line, *reason);
  s.Ignore(*set.line, "a profile setting this reader does not know; it is not taken into account");
}

// One "<Profile> Profile Settings: " block; returns the index after it.
size_t ReadBlock(Section& s, const std::vector<NetshLine>& lines, size_t at) {
  ProfileSettings& settings = SettingsOf(s.policy, static_cast<Profile>(NetshProfileHeader(lines[at].text)));
  settings.location = {s.file, lines[at].number, 1};
  s.profile = &settings;
  s.policy.has_profile_settings = true;
  bool logging = false;
  size_t i = at + 2;
  for (; i < lines.size(); ++i) {
    const NetshLine& line = lines[i];
    if (IsNetshOkLine(line.text) || StartsNetshBlock(lines, i)) break;
    if (TrimSpaces(line.text).empty()) continue;
    if (TrimSpaces(line.text) == "Logging:") {
      logging = true;
      s.Ignore(line, kLoggingReason);
      continue;
    }
    ReadSetting(s, SplitSetting(line), logging);
  }
  return i;
}

}  // namespace

std::uint8_t NetshProfileHeader(std::string_view line) {
  static constexpr std::string_view kSuffix = " Profile Settings:";
  line = TrimSpaces(line);
  if (line.size() <= kSuffix.size() || line.substr(line.size() - kSuffix.size()) != kSuffix) return 0;
  return ProfileBit(line.substr(0, line.size() - kSuffix.size()));
}

size_t ReadNetshProfileSection(const std::vector<NetshLine>& lines, size_t at, const std::string& file,
                               WindowsPolicy& policy, std::vector<Diagnostic>& diagnostics) {
  Section s{file, policy, diagnostics};
  size_t i = at;
  while (i < lines.size()) {
    if (IsNetshOkLine(lines[i].text)) return i + 1;
    if (StartsNetshBlock(lines, i)) {
      if (NetshProfileHeader(lines[i].text) == 0) return i;  // another block kind: the caller's
      i = ReadBlock(s, lines, i);
      continue;
    }
    if (!TrimSpaces(lines[i].text).empty()) s.Error(lines[i], {}, kNotProfiles);
    ++i;
  }
  return i;
}

void ReadNetshProfiles(std::string_view text, const std::string& file, WindowsPolicy& policy,
                       std::vector<Diagnostic>& diagnostics) {
  const std::vector<NetshLine> lines = SplitNetshLines(text);
  if (policy.first_line.file.empty()) policy.first_line = {file, 1, 1};
  size_t i = 0;
  while (i < lines.size()) {
    if (StartsNetshBlock(lines, i) && NetshProfileHeader(lines[i].text) != 0) {
      i = ReadNetshProfileSection(lines, i, file, policy, diagnostics);
      continue;
    }
    if (!TrimSpaces(lines[i].text).empty() && !IsNetshOkLine(lines[i].text)) {
      // One error for the whole paragraph (a `show rule` block, say), not one per line.
      diagnostics.push_back(NetshError(file, lines[i], {}, kNotProfiles));
      while (i < lines.size() && !TrimSpaces(lines[i].text).empty()) ++i;
    }
    ++i;
  }
}

}  // namespace ghostport::parsers::windows
