#include "catalog/present_use.h"

#include <algorithm>
#include <iterator>

namespace ghostport::catalog {

namespace data {
#include "catalog/generated/present_use_data.inc"
}  // namespace data

std::string_view PresentWeightName(PresentWeight w) {
  switch (w) {
    case PresentWeight::kHigh: return "high";
    case PresentWeight::kMedium: return "medium";
    case PresentWeight::kLow: return "low";
  }
  return "low";
}

const PresentUses& PresentUses::Instance() {
  static constexpr PresentUses kInstance;
  return kInstance;
}

std::span<const UsageSource> PresentUses::Sources() const { return data::kPresentSources; }

std::span<const PresentUse> PresentUses::All() const { return data::kPresentUses; }

std::vector<const PresentUse*> PresentUses::At(std::uint16_t port, Transport t) const {
  // Rows are sorted by (transport, port_low): from the first row of `t` that
  // starts at or before `port`, look back as far as the widest row reaches.
  const auto& rows = data::kPresentUses;
  const auto key = [](const PresentUse& u) { return std::make_pair(static_cast<int>(u.transport), u.port_low); };
  const auto end = std::upper_bound(std::begin(rows), std::end(rows), std::make_pair(static_cast<int>(t), port),
                                    [&](const auto& v, const PresentUse& u) { return v < key(u); });
  const int widest = data::kPresentWidest[static_cast<int>(t)];
  auto begin = end;
  while (begin != std::begin(rows) && std::prev(begin)->transport == t &&
         std::prev(begin)->port_low + widest >= port) {
    --begin;
  }
  std::vector<const PresentUse*> out;
  for (auto it = begin; it != end; ++it) {
    if (it->port_high >= port) out.push_back(&*it);
  }
  return out;
}

}  // namespace ghostport::catalog
