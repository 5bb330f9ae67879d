// Dates in reports, reproducible on request: SOURCE_DATE_EPOCH (the
// reproducible-builds convention) stands for "now" and clamps file times;
// GHOSTPORT_TODAY fixes the day waivers are judged on.
#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace ghostport::audit {

// SOURCE_DATE_EPOCH, when set and not empty.
std::optional<std::time_t> SourceDateEpoch();

// `when` in UTC as ISO 8601, "2026-11-22T10:40:00Z".
std::string UtcTimestamp(std::time_t when);

// Now, or SOURCE_DATE_EPOCH when set.
std::string NowUtc();

// Today's date, YYYY-MM-DD (UTC); GHOSTPORT_TODAY overrides it.
std::string Today();

}  // namespace ghostport::audit
