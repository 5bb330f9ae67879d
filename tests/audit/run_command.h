// Runs the ghostport binary for end-to-end tests: stdout, stderr, exit code.
#pragma once

#include <string>

namespace ghostport::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `ghostport ARGS` (ARGS already shell-quoted) from the source tree root,
// with `input` on standard input.
CommandResult RunGhostport(const std::string& args, const std::string& input = "");

std::string ReadFile(const std::string& path);
// An iptables-save filter table: INPUT with `input_policy`, FORWARD DROP,
// OUTPUT ACCEPT, then `body` (rule lines, each ending in "\n") and COMMIT.
std::string FilterTable(const std::string& body, const std::string& input_policy = "DROP");

// A path in the system's temporary directory, unique to this test process.
std::string TempPath(const std::string& name);
void WriteFile(const std::string& path, const std::string& text);

// Compares `actual` with the golden file; with GHOSTPORT_UPDATE_GOLDEN=1 in
// the environment, rewrites the golden file instead (review the diff).
void CheckGolden(const std::string& golden_path, const std::string& actual);

}  // namespace ghostport::testing
