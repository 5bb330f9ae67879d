// PowerShell's list view saved to a file: `Get-NetFirewallRule | Format-List
// DisplayName, Direction, ...` (or Select-Object with more than four
// properties) redirected with Out-File or `>`. Not a format the cmdlets
// meant for machines, but what admins hand over: records separated by blank
// lines, one `Name : value` line per property, values longer than the
// console wrapped onto indented lines. Values are what Export-Csv would
// write (enum names, lists as "Domain, Private" or "{80, 443}").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A WindowsReader (windows_lowering.h): `text` is decoded UTF-8.
void ReadPowershellList(std::string_view text, const std::string& file, WindowsPolicy& policy,
                        std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
