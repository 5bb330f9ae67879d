// Lookups over the tables compiled into the program at build time.
#include <algorithm>

#include "catalog/knowledge.h"

namespace ghostport::catalog {

std::vector<const DeadRecord*> BuiltInDeadAt(std::uint16_t port, Transport t) {
  const std::span<const DeadRecord> all = BuiltInDead();
  auto at = std::lower_bound(all.begin(), all.end(), port,
                             [](const DeadRecord& r, std::uint16_t p) { return r.port < p; });
  std::vector<const DeadRecord*> out;
  for (; at != all.end() && at->port == port; ++at) {
    if (at->Covers(t)) out.push_back(&*at);
  }
  return out;
}

}  // namespace ghostport::catalog
