#include "audit/reports/report.h"

#include <array>

namespace ghostport::audit {

namespace {

constexpr std::array<const char*, 6> kFormatNames = {"text", "json", "sarif", "junit", "markdown", "html"};

}  // namespace

std::optional<ReportFormat> ReportFormatFromName(const std::string& name) {
  for (std::size_t i = 0; i < kFormatNames.size(); ++i) {
    if (name == kFormatNames[i]) return static_cast<ReportFormat>(i);
  }
  return std::nullopt;
}

const char* ReportFormatName(ReportFormat f) { return kFormatNames[static_cast<int>(f)]; }

bool FailsRun(const Finding& f, const std::optional<Severity>& fail_on) {
  return fail_on && !f.Waived() && f.severity >= *fail_on;
}

rules::AddressSet FindingSources(const Finding& f) {
  rules::AddressSet all = rules::AddressSet::None(f.entries.front()->family);
  for (const rules::ExposureEntry* e : f.entries) {
    if (e->family == all.family()) all = all.Union(e->sources);
  }
  return all;
}

}  // namespace ghostport::audit
