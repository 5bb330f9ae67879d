// Input formats: names, detection from content, and dispatch to the front
// end that reads each. Detection looks at the first meaningful lines only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_lowering.h"

namespace ghostport::parsers {

enum class InputFormat {
  kIptables, kNft, kNftJson, kNetsh, kPowershellJson, kPowershellCsv, kPowershellList, kReg, kWfw, kRegistryPol,
  kIpset,  // `ipset save` text: sets for another input's -m set matches
};

// The names DESIGN.md's --input-format takes: "iptables", "nft", ...
std::optional<InputFormat> InputFormatFromName(std::string_view name);
const char* InputFormatName(InputFormat f);
std::vector<std::string> InputFormatNames();

// nullopt when the content matches no known format.
std::optional<InputFormat> DetectFormat(std::string_view text);

// Whether the format is a Windows Firewall export (several of one host's
// are read into one policy: parsers/windows/windows_lowering.h).
bool IsWindowsFormat(InputFormat f);
// The reader of a Windows export, text or binary (.wfw, registry.pol);
// empty for other formats.
windows::WindowsFormatReader WindowsReaderFor(InputFormat f);

// Reads one input in the given format. A format whose front end does not
// exist yet yields an error diagnostic saying so, never an empty ruleset.
ParseResult ParseInput(std::string_view text, const std::string& file_name, InputFormat format);

}  // namespace ghostport::parsers
