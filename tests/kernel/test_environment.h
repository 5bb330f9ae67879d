// The kernel agreement test's environment: whether it may run here (root,
// namespace capabilities, the tools; under CI it must), whether ghostport is
// built and reads nft text, and each test case's scratch directory.
#pragma once

#include <optional>
#include <string>

#include "tests/kernel/lab.h"

namespace ghostport::kernel_test {

// True under CI (CI set to anything but "", "false", "0").
bool InCi();

// Returns the tools, or nullopt after saying SKIPPED (or failing, in CI).
std::optional<Tools> RequireEnvironment();

// True when the ghostport binary under test is there; else a test error.
bool RequireGhostport();

// The nft group runs when ghostport reads nft text and nft is there (in CI
// it must be): until its nftables front end lands, `ghostport probe
// --input-format nft` on a trivial ruleset says the front end "is not
// available", and the group says SKIPPED, unless GHOSTPORT_KERNEL_FORCE_NFT=1
// (to see the kernel's side of the group alone). Returns false after saying
// why the group does not run; the check's file goes into `scratch`.
bool NftGroupReady(const Tools& tools, const fs::path& scratch);

// A scratch directory for one test case (Run keeps its commands' output
// there); removed unless something failed.
class WorkDir {
 public:
  WorkDir();
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const fs::path& path() const { return path_; }
  void Keep() { keep_ = true; }

 private:
  fs::path path_;
  bool keep_ = false;
};

}  // namespace ghostport::kernel_test
