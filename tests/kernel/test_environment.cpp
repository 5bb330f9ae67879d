#include "tests/kernel/test_environment.h"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "tests/kernel/ghostport_answer.h"
#include "tests/kernel/ruleset_kind.h"

namespace ghostport::kernel_test {

namespace {

// True when the process may create and enter network namespaces
// (CAP_NET_ADMIN and CAP_SYS_ADMIN): root in an unprivileged container has
// neither.
bool HasNamespaceCapabilities() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
    constexpr unsigned long long kNetAdmin = 1ULL << 12;
    constexpr unsigned long long kSysAdmin = 1ULL << 21;
    return (caps & kNetAdmin) != 0 && (caps & kSysAdmin) != 0;
  }
  return false;
}

// `ghostport probe --input-format nft` on this says whether ghostport reads
// nft text.
constexpr const char* kTrivialNft =
    "table inet t {\n  chain input {\n    type filter hook input priority filter; policy accept;\n"
    "  }\n}\n";

}  // namespace

bool InCi() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  const std::string value = ci;
  return !value.empty() && value != "false" && value != "0";
}

// Returns the tools, or nullopt after saying SKIPPED (or failing, in CI).
std::optional<Tools> RequireEnvironment() {
  std::vector<std::string> missing;
  Tools tools;
  const std::pair<const char*, std::string*> wanted[] = {
      {"ip", &tools.ip},
      {"iptables-restore", &tools.iptables_restore},
      {"ip6tables-restore", &tools.ip6tables_restore}};
  for (const auto& [name, slot] : wanted) {
    if (auto found = FindTool(name)) {
      *slot = *found;
    } else {
      missing.push_back(name);
    }
  }
  tools.nft = FindTool("nft").value_or("");
  const bool root = geteuid() == 0;
  const bool capable = root && HasNamespaceCapabilities();
  if (capable && missing.empty()) return tools;
  std::string details;
  if (root && !capable) details += "; no CAP_NET_ADMIN/CAP_SYS_ADMIN";
  if (!missing.empty()) details += "; missing: " + Join(missing);
  const std::string reason =
      "kernel agreement needs root and iproute2/iptables (running as uid " +
      std::to_string(geteuid()) + details + ")";
  if (root && InCi()) {
    BOOST_FAIL("CI runs as root, so the kernel agreement test must run: " + reason);
  }
  std::cout << "SKIPPED: " << reason << std::endl;
  BOOST_TEST_MESSAGE("SKIPPED: " + reason);
  return std::nullopt;
}

bool RequireGhostport() {
  const std::string binary = GhostportBinary();
  if (access(binary.c_str(), X_OK) == 0) return true;
  BOOST_ERROR("ghostport binary not found at " + binary +
              ": build the `ghostport` target (the kernel comparison cannot run without it)");
  return false;
}

bool NftGroupReady(const Tools& tools, const fs::path& scratch) {
  const fs::path trivial = scratch / "front-end-check.nft";
  WriteFile(trivial, kTrivialNft);
  const RunResult probed = Run({GhostportBinary(), "probe", trivial.string(), "--input-format",
                                "nft", "--port", "22", "--to", kServerV4});
  if (probed.err.find("front end is not available") != std::string::npos) {
    const char* force = std::getenv("GHOSTPORT_KERNEL_FORCE_NFT");
    if (force == nullptr || std::string(force) != "1") {
      std::cout << "SKIPPED: ghostport has no nftables front end yet" << std::endl;
      BOOST_TEST_MESSAGE("SKIPPED: ghostport has no nftables front end yet");
      return false;
    }
    std::cout << "GHOSTPORT_KERNEL_FORCE_NFT=1: running the nft group although ghostport has no "
                 "nftables front end yet (every ruleset fails; the kernel's side is measured)"
              << std::endl;
  }
  if (const std::string missing = MissingTools(tools, RulesetKind::kNftables); !missing.empty()) {
    const std::string reason = "the nft group needs " + missing + " (the nftables package)";
    if (InCi()) BOOST_FAIL("CI runs as root, so the nft group must run: " + reason);
    std::cout << "SKIPPED: " << reason << std::endl;
    BOOST_TEST_MESSAGE("SKIPPED: " + reason);
    return false;
  }
  return true;
}

WorkDir::WorkDir() {
  std::string pattern = (fs::temp_directory_path() / "gp-kernel-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  SetScratchDirectory(path_);
}

WorkDir::~WorkDir() {
  if (keep_) {
    std::cout << "kept work directory " << path_ << " (rulesets, probes, outputs)\n";
  } else {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
}

}  // namespace ghostport::kernel_test
