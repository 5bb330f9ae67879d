#include "rules/interval_set.h"

namespace ghostport::rules {

std::string FormatPortSet(const PortSet& s) {
  if (s.empty()) return "none";
  std::string out;
  for (const auto& i : s.intervals()) {
    if (!out.empty()) out += ',';
    out += std::to_string(i.lo);
    if (i.hi != i.lo) out += "-" + std::to_string(i.hi);
  }
  return out;
}

}  // namespace ghostport::rules
