// The text encodings Windows exports come in: UTF-16LE or UTF-16BE with a
// byte-order mark (regedit, Windows PowerShell's Out-File), UTF-8 with or
// without one (PowerShell 7, netsh on current Windows), and ASCII. One
// decoder for every text reader; anything else is refused with the place
// where decoding failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/diagnostic.h"

namespace ghostport::parsers::windows {

struct DecodedText {
  std::string utf8;  // the text as UTF-8, without a byte-order mark
  std::optional<Diagnostic> error;
};

DecodedText DecodeExport(std::string_view bytes, const std::string& file_name);

// UTF-16LE bytes without a byte-order mark (a binary export's strings) as
// UTF-8; nullopt when they are not valid UTF-16.
std::optional<std::string> Utf16LeToUtf8(std::string_view bytes);

// A REG_SZ or REG_EXPAND_SZ value's data (UTF-16LE, NUL-terminated), as a
// .reg file's hex(1)/hex(2) or a registry.pol record holds it: UTF-8
// without the terminating NULs; nullopt when it is not UTF-16 (an odd
// length included).
std::optional<std::string> RegistryString(std::string_view data);

// A little-endian DWORD of a binary export; the 4 bytes at `at` must exist.
std::uint32_t Le32At(std::string_view bytes, std::size_t at);

// The source line of an error in a binary export, which has no lines: up to
// 16 bytes from `at` in hex, "0x00b2: 5b 00 53 00 ...".
std::string HexLine(std::string_view bytes, std::size_t at);

}  // namespace ghostport::parsers::windows
