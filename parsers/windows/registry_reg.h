// .reg files (regedit, `reg export`; hivexregedit's typed forms too):
// "Windows Registry Editor Version 5.00" or "REGEDIT4", [KEY] headers,
// "name"="string" (\\ and \" escaped), dword:, hex(N): with continued lines,
// str(N):"..." (hivex). Values go to RegistryPolicy (windows_registry.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"
#include "parsers/windows/windows_registry.h"

namespace ghostport::parsers::windows {

// The values of a .reg file, in file order, each with its key as written;
// lines that delete (import scripts) go to `ignored` with the reason. False
// when the file cannot be read to its end (a located error is added).
using RegValueSink = std::function<void(std::string_view key, const RegistryValue& value)>;
bool ReadRegValues(std::string_view text, const std::string& file, const RegValueSink& sink,
                   std::vector<rules::IgnoredLine>& ignored, std::vector<Diagnostic>& diagnostics);

// The values through RegistryPolicy: a WindowsReader of decoded text.
void ReadRegFile(std::string_view text, const std::string& file, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
