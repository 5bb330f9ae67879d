// SHA-256 (FIPS 180-4) of a byte string, as 64 lower-case hex digits: the
// inputs' identity in compliance reports. Small enough to own rather than
// link a crypto library for one digest of a few files.
#pragma once

#include <string>
#include <string_view>

namespace ghostport::audit {

std::string Sha256Hex(std::string_view data);

}  // namespace ghostport::audit
