// Export-Csv of the PowerShell NetSecurity cmdlets (spec §4.3): the
// collection script's rules (Get-NetFirewallRule joined with its filters,
// arrays joined with ','), other Get-NetFirewallRule CSV as far as it has
// the same columns, and Get-NetFirewallProfile's profiles (a header with
// DefaultInboundAction). An optional "#TYPE ..." line, a header row, fields
// quoted with doubled quotes (or bare, empty ones too), line breaks inside
// quoted fields; ',' or ';' as the delimiter, whichever the header uses.
// Enums are names (numbers are accepted too).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A WindowsReader (windows_lowering.h): `text` is decoded UTF-8.
void ReadPowershellCsv(std::string_view text, const std::string& file, WindowsPolicy& policy,
                       std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
