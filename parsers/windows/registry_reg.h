// .reg files (regedit, `reg export`; hivexregedit's typed forms too):
// "Windows Registry Editor Version 5.00" or "REGEDIT4", [KEY] headers,
// "name"="string" (\\ and \" escaped), dword:, hex(N): with continued lines,
// str(N):"..." (hivex). Values go to RegistryPolicy (windows_registry.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

void ReadRegFile(std::string_view text, const std::string& file, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
