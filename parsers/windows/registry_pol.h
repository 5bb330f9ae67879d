// registry.pol, the Group Policy Registry extension's file ([MS-GPREG]
// 2.2.1; format document §8): "PReg", version 1, then records
// [key;value;type;size;data] in UTF-16LE (type and size little-endian
// DWORDs, data `size` raw bytes). Each value goes to RegistryPolicy
// (windows_registry.h) with its key as written: the firewall's are under
// Software\Policies\Microsoft\WindowsFirewall, the Group Policy store.
//
// The file has no lines: record N (1 for the first) is located at line N,
// column 1, its source line "<key>\<value> = <data>". Records that delete
// (**del.<name>, **delvals. and the other ** instructions) and records that
// only create a key are ignored with the reason. A truncated or malformed
// record is refused at its record, the message naming the byte offset.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A WindowsReader of the file's bytes (ReaderInput::kBytes).
void ReadRegistryPol(std::string_view bytes, const std::string& file, WindowsPolicy& policy,
                     std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
