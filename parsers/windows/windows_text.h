// The text encodings Windows exports come in: UTF-16LE or UTF-16BE with a
// byte-order mark (regedit, Windows PowerShell's Out-File), UTF-8 with or
// without one (PowerShell 7, netsh on current Windows), and ASCII. One
// decoder for every text reader; anything else is refused with the place
// where decoding failed.
#pragma once

#include <string>
#include <string_view>

#include "parsers/diagnostic.h"

namespace ghostport::parsers::windows {

struct DecodedText {
  std::string utf8;  // the text as UTF-8, without a byte-order mark
  std::optional<Diagnostic> error;
};

DecodedText DecodeExport(std::string_view bytes, const std::string& file_name);

}  // namespace ghostport::parsers::windows
