// The kernel's own refusals: each ruleset in tests/kernel/rulesets/refusals
// says in a "# kernel: refuses" or "# kernel: loads" comment what loading it
// does; it is loaded with iptables-restore (ip6tables-restore for an
// ip6tables-save file), not --test, into a fresh network namespace, and read
// by `ghostport ports`. The kernel must do what the file says, and ghostport
// must refuse it (exit 2) exactly when the kernel does.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/kernel/lab.h"

namespace ghostport::kernel_test {

struct RefusalOutcome {
  std::string name;
  bool expected_refused = false;
  bool kernel_refused = false;
  bool ghostport_refused = false;
  std::string kernel_message;  // iptables-restore's first line of stderr
  bool Agrees() const { return kernel_refused == expected_refused && ghostport_refused == expected_refused; }
};

// One outcome per *.rules file of `directory`, in name order; `scratch`
// holds the commands' output.
std::vector<RefusalOutcome> CompareRefusals(const Tools& tools, const std::string& ghostport,
                                            const std::filesystem::path& directory);

}  // namespace ghostport::kernel_test
