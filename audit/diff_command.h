// `ghostport diff BEFORE AFTER`: what a change opens and closes (exposure:
// ports × sources, audit/exposure_diff.h) and the findings it introduces and
// resolves (by fingerprint: a finding whose rule, class or ports changed is
// resolved in its old form and introduced in its new one). Exit 1 when the
// change introduces a finding at or above --fail-on.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "audit/findings.h"

namespace ghostport::audit {

enum class DiffFormat { kText, kJson, kMarkdown };

struct DiffOptions {
  std::string before;
  std::string after;
  std::string input_format;  // empty: detect
  std::string policy_file;   // empty: none
  std::string output_file;   // empty: standard output
  DiffFormat format = DiffFormat::kText;
  std::optional<Severity> fail_on = Severity::kHigh;
  bool colour = false;
};

int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
