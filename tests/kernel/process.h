// Processes and files for the kernel agreement test: start a program with
// its standard streams on files, wait for it with a deadline, run it to the
// end. Every child started here is remembered until it is waited for, so an
// interrupted run can still end them (KillChildren).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ghostport::kernel_test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct RunResult {
  int status = -1;  // exit code, 128+signal, or -1 when it could not start
  std::string out;
  std::string err;
};

std::string ReadFile(const fs::path& path);
void WriteFile(const fs::path& path, const std::string& text);
std::string Join(const std::vector<std::string>& words, const char* separator = " ");
std::vector<std::string> SplitLines(const std::string& text);
std::vector<std::string> SplitTabs(const std::string& line);

// Starts argv[0] (an absolute path) with stdin/stdout/stderr redirected to
// files ("" = /dev/null). Returns -1 when it cannot start.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& in,
            const std::string& out, const std::string& err);

// Waits for pid until the deadline, then kills it. Returns the exit status
// (128+signal when killed by a signal), -1 when it cannot be waited for.
int WaitFor(pid_t pid, Clock::duration limit);

// Sends SIGKILL to every child not yet waited for. Async-signal-safe.
void KillChildren();

// Where Run keeps its commands' output files.
void SetScratchDirectory(const fs::path& directory);

// Runs argv to the end (killed after `limit`), stdin from the file `in`.
RunResult Run(const std::vector<std::string>& argv, const std::string& in = "",
              Clock::duration limit = std::chrono::seconds(60));

// The absolute path of a program on PATH or in the sbin/bin directories.
std::optional<std::string> FindTool(const std::string& name);

}  // namespace ghostport::kernel_test
