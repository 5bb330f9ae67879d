#include "audit/finding_present.h"

#include <algorithm>

#include "audit/findings.h"

namespace ghostport::audit {

std::vector<const catalog::UnofficialUse*> SpecificUses(const catalog::PortFacts& facts) {
  std::vector<const catalog::UnofficialUse*> uses;
  for (const catalog::UnofficialUse* u : facts.unofficial) {
    const auto& wide = facts.present.range_wide;
    if (std::find(wide.begin(), wide.end(), u) == wide.end()) uses.push_back(u);
  }
  std::stable_sort(uses.begin(), uses.end(), [](const auto* a, const auto* b) {
    return a->port_high - a->port_low < b->port_high - b->port_low;
  });
  std::vector<const catalog::UnofficialUse*> out;
  for (const catalog::UnofficialUse* u : uses) {
    const std::string text = catalog::CleanedSoftware(u->software);
    const bool repeats = std::any_of(out.begin(), out.end(), [&](const catalog::UnofficialUse* kept) {
      const std::string other = catalog::CleanedSoftware(kept->software);
      return text.compare(0, other.size(), other) == 0 || other.compare(0, text.size(), text) == 0;
    });
    if (!repeats) out.push_back(u);
  }
  return out;
}

std::string PresentNote(const catalog::PortFacts& facts) {
  const auto& present = facts.present;
  if (!present.strongest || *present.strongest == catalog::PresentWeight::kLow) return "";
  const bool high = *present.strongest == catalog::PresentWeight::kHigh;
  return std::string(high ? "port widely used by " : "port in use by ") + present.Names(*present.strongest, 2);
}

bool PresentUseLowers(FindingClass c) {
  switch (c) {
    case FindingClass::kDead:
    case FindingClass::kDormant:
    case FindingClass::kUnknown:
    case FindingClass::kUnassigned:
    case FindingClass::kReserved:
    case FindingClass::kUnofficialUse:
    case FindingClass::kDynamicRange: return true;
    default: return false;
  }
}

Severity PresentCap(Severity severity, bool all_high, bool all_used) {
  if (all_high) return Severity::kInfo;
  if (all_used) return std::min(severity, Severity::kLow);
  return severity;
}

std::string SensitiveText(const std::vector<const catalog::SensitiveService*>& entries) {
  std::string out;
  for (const catalog::SensitiveService* s : entries) {
    out += (out.empty() ? "" : " ") + std::string(s->service) + ": " + std::string(s->reason);
    for (const catalog::Citation& c : s->citations) {
      out += " (source: " + std::string(c.title) + " <" + std::string(c.url) + ">)";
    }
  }
  return out;
}

}  // namespace ghostport::audit
