// The reader of `netsh advfirewall show allprofiles` (and currentprofile,
// domainprofile, privateprofile, publicprofile; format document §3): each
// "<Profile> Profile Settings: " block sets that profile's State, Firewall
// Policy and LocalFirewallRules; the other settings and the Logging
// sub-section are kept as ignored lines with the reason. English only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/netsh_lines.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

void ReadNetshProfiles(std::string_view text, const std::string& file, WindowsPolicy& policy,
                       std::vector<Diagnostic>& diagnostics);

// The profile a block's first line heads ("Domain Profile Settings: "); 0
// when it is no profile header.
std::uint8_t NetshProfileHeader(std::string_view line);

// Reads the profile blocks from `lines[at]` (a profile header) up to and
// including netsh's "Ok." line, or to the end; returns the index after the
// last line read. For the rules reader, which reads `show rule` output and
// `show allprofiles` output appended to it as one input.
size_t ReadNetshProfileSection(const std::vector<NetshLine>& lines, size_t at, const std::string& file,
                               WindowsPolicy& policy, std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
