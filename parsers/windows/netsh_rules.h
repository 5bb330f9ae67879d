// The reader of `netsh advfirewall firewall show rule name=all [verbose]`
// output (format document §2): one WindowsRule per "Rule Name:" block.
// English, and German, French, Spanish and Japanese as far as §2.6 knows
// them; a dump in another language is refused by name. `show allprofiles`
// output appended to the dump (`>> out.txt`) is read too, by the profiles
// reader (netsh_profiles.h). See README.md for the limits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A WindowsReader (windows_lowering.h).
void ReadNetshRules(std::string_view text, const std::string& file, WindowsPolicy& policy,
                    std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
