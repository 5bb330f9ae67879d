// IANA's old layout gave one contact for a block of consecutive
// registrations by the same registrant (3393 d2k-tapestry1 and 3394
// d2k-tapestry2: only 3394 carries Eric Lan, elan at d2k.com). For a service
// record without any person, the block contact is the first record after it,
// within kBlockReach ports on the same transport, whose name shares the same
// stem (letters before the trailing digits, 4+ of them) and that names a
// person; the walk stops at a record of another stem.
#pragma once

#include <cstdint>

#include "catalog/registry.h"

namespace ghostport::catalog {

inline constexpr int kBlockReach = 8;

// The record carrying `r`'s shared block contact, or nullptr (r names its
// own people, or no record of its block does).
const RegistryRecord* BlockContactOf(const RegistryRecord& r, Transport t);

}  // namespace ghostport::catalog
