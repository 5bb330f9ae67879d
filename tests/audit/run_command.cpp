#include "tests/audit/run_command.h"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace ghostport::testing {

std::string FilterTable(const std::string& body, const std::string& input_policy) {
  return "*filter\n:INPUT " + input_policy + " [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" + body + "COMMIT\n";
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("ghostport-test-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

CommandResult RunGhostport(const std::string& args, const std::string& input) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ghostport-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string in = (dir / "stdin").string(), out = (dir / "stdout").string(), err = (dir / "stderr").string();
  WriteFile(in, input);
  std::string cmd = std::string("cd '") + GHOSTPORT_SOURCE_DIR + "' && '" + GHOSTPORT_BINARY_DIR +
                    "/audit/ghostport' " + args + " < '" + in + "' > '" + out + "' 2> '" + err + "'";
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  fs::remove_all(dir);
  return r;
}

void CheckGolden(const std::string& golden_path, const std::string& actual) {
  std::string path = std::string(GHOSTPORT_SOURCE_DIR) + "/" + golden_path;
  const char* update = std::getenv("GHOSTPORT_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    WriteFile(path, actual);
    BOOST_TEST_MESSAGE("updated " << golden_path);
    return;
  }
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(path), "missing golden file " << golden_path
                                                          << " (GHOSTPORT_UPDATE_GOLDEN=1 writes it)");
  std::string expected = ReadFile(path);
  BOOST_TEST(actual == expected, "output differs from " << golden_path
                                  << " (GHOSTPORT_UPDATE_GOLDEN=1 rewrites it; review the diff)");
}

}  // namespace ghostport::testing
