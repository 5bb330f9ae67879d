// One ruleset through the kernel and through ghostport, probe by probe, and
// the tally of a group of rulesets.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "tests/kernel/lab.h"

namespace ghostport::kernel_test {

struct Ruleset {
  std::string name;
  fs::path path;
  std::string text;
  bool ipv6 = false;
  bool twin = false;  // the file is probed over both families: its outcomes file names this one
};

struct GroupTally {
  std::string group;
  Clock::time_point start = Clock::now();
  int rulesets = 0;
  int failed_rulesets = 0;
  int probes = 0;
  int conditional = 0;  // listed, not counted
  int counted = 0;
  int verdict_agree = 0;
  int agree = 0;
  int unstable = 0;       // kernel observations that changed on re-probe
  int v1_answers = 0;     // judged with the engine v1 defaults
  int known = 0;          // disagreements listed in known_disagreements.tsv
  std::map<std::string, int> kinds;  // disagreements by kind

  // Adds another tally's counts (not its group, start or rulesets' names).
  void Add(const GroupTally& other);
};

// Probes one ruleset through the kernel and through ghostport, writes a
// summary line and every disagreement (and every conditional probe) to
// `out`, and adds to the tally. `scratch` is the lab's own directory. A
// ruleset ghostport cannot answer for is still measured, so its outcomes
// file says what the kernel did. Returns "" when every counted probe
// agrees, else why not.
std::string CompareRuleset(const Lab& lab, const Ruleset& ruleset, const fs::path& scratch,
                           bool print_ruleset_on_failure, GroupTally& tally, std::ostream& out);

// "group NAME: ..." and the disagreements by kind.
void PrintTally(const GroupTally& tally);

}  // namespace ghostport::kernel_test
