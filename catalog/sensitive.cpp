#include "catalog/sensitive.h"

namespace ghostport::catalog {

namespace data {
#include "catalog/generated/sensitive_data.inc"
}  // namespace data

std::span<const SensitiveService> SensitiveServices() { return data::kSensitive; }

std::vector<const SensitiveService*> SensitiveAt(std::uint16_t port, Transport t) {
  std::vector<const SensitiveService*> out;
  for (const SensitiveService& s : data::kSensitive) {
    if (s.transport == t && s.port_low <= port && port <= s.port_high) out.push_back(&s);
  }
  return out;
}

}  // namespace ghostport::catalog
