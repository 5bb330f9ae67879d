// The JSON of the PowerShell NetSecurity cmdlets (spec §4.4, §4.5): the
// collection script's rules (Get-NetFirewallRule joined with its filters,
// ConvertTo-Json -Depth 3), other Get-NetFirewallRule JSON as far as it
// carries the same members, and Get-NetFirewallProfile's profiles. The top
// level is one object or an array of them; an object with
// DefaultInboundAction is a profile, any other a rule. Enums may be numbers
// or names, filter fields a string or an array of strings; members the
// reader does not use (CimClass, CimInstanceProperties, ...) are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A WindowsReader (windows_lowering.h): `text` is decoded UTF-8.
void ReadPowershellJson(std::string_view text, const std::string& file, WindowsPolicy& policy,
                        std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
