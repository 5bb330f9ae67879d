#include "audit/clock.h"

#include <cstdlib>

namespace ghostport::audit {

namespace {

std::string Format(std::time_t when, const char* format) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[32];
  std::strftime(text, sizeof text, format, &utc);
  return text;
}

}  // namespace

std::optional<std::time_t> SourceDateEpoch() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') return std::nullopt;
  return static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
}

std::string UtcTimestamp(std::time_t when) { return Format(when, "%Y-%m-%dT%H:%M:%SZ"); }

std::string NowUtc() { return UtcTimestamp(SourceDateEpoch().value_or(std::time(nullptr))); }

std::string Today() {
  if (const char* fixed = std::getenv("GHOSTPORT_TODAY"); fixed != nullptr && *fixed != '\0') return fixed;
  return Format(std::time(nullptr), "%Y-%m-%d");
}

}  // namespace ghostport::audit
