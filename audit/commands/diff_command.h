// `ghostport diff BEFORE AFTER`: what a change opens and closes (exposure:
// ports × sources, audit/exposure_diff.h) and the findings it introduces and
// resolves (by fingerprint: a finding whose rule, class or ports changed is
// resolved in its old form and introduced in its new one). Exit 1 when the
// change introduces a finding at or above --fail-on.
//
// `ghostport drift A B`: the same comparison between two inputs meant to be
// one ruleset — a config file and what the kernel runs, in any two formats
// (nft text and `nft -j` JSON, iptables-save and nft): what is open only in
// B and only in A. Findings are matched by what they say (class, protocol,
// ports, scope), not by fingerprint: the two inputs name their rules
// differently (lines, handles). Exit 1 when B has a finding at or above
// --fail-on that A does not. `drift FILE --live`: B is what the kernel runs
// now (read over netlink, read-only).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "audit/findings.h"

namespace ghostport::audit {

enum class DiffFormat { kText, kJson, kMarkdown };
enum class DiffMode { kChange, kDrift };

struct DiffOptions {
  std::string before;
  std::string after;
  std::string input_format;  // empty: detect
  std::string policy_file;   // empty: none
  std::string output_file;   // empty: standard output
  DiffFormat format = DiffFormat::kText;
  DiffMode mode = DiffMode::kChange;
  bool after_live = false;  // drift FILE --live: B is the running kernel's ruleset
  std::optional<Severity> fail_on = Severity::kHigh;
  bool colour = false;
};

int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
