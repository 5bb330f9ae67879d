#include "tests/kernel/refusals.h"

#include <unistd.h>

#include <algorithm>

#include "tests/kernel/process.h"
#include "tests/kernel/ruleset_kind.h"

namespace ghostport::kernel_test {

namespace {

bool SaysRefused(const std::string& text) { return text.find("# kernel: refuses") != std::string::npos; }

// iptables-restore's message: its first line, and the next when the first
// ends without one ("iptables-restore v1.8.9 (nf_tables): ").
std::string Message(const std::string& err) {
  const std::vector<std::string> lines = SplitLines(err);
  if (lines.empty()) return "";
  std::string out = lines[0];
  if (lines.size() > 1 && !out.empty() && out.back() == ' ') out += lines[1];
  return out;
}

}  // namespace

std::vector<RefusalOutcome> CompareRefusals(const Tools& tools, const std::string& ghostport,
                                            const fs::path& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".rules") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const std::string netns = "gp-refusals-" + std::to_string(getpid());
  std::vector<RefusalOutcome> out;
  for (const fs::path& file : files) {
    const std::string text = ReadFile(file);
    RefusalOutcome o;
    o.name = file.filename().string();
    o.expected_refused = SaysRefused(text);
    const LoadStep load = LoadCommand(tools, file, FamiliesOf(file, text).front());
    std::vector<std::string> argv = {tools.ip, "netns", "exec", netns};
    argv.insert(argv.end(), load.argv.begin(), load.argv.end());
    Run({tools.ip, "netns", "add", netns});
    const RunResult kernel = Run(argv, load.input);
    Run({tools.ip, "netns", "delete", netns});
    o.kernel_refused = kernel.status != 0;
    o.kernel_message = Message(kernel.err);
    const RunResult ours = Run({ghostport, "ports", file.string()});
    o.ghostport_refused = ours.status == 2;
    out.push_back(o);
  }
  return out;
}

}  // namespace ghostport::kernel_test
