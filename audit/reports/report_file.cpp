#include "audit/reports/report_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>

namespace ghostport::audit {

void RemoveStaleReport(const std::string& path) {
  if (path.empty() || path == "-") return;
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

bool WriteReportFile(const std::string& path, const std::function<void(std::ostream&)>& write, std::ostream& err) {
  // Beside FILE, so the rename stays on one file system.
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  bool ok = false;
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (file) {
      write(file);
      file.flush();
      ok = static_cast<bool>(file);
    }
  }
  const int saved = errno;
  if (ok && std::rename(temporary.c_str(), path.c_str()) == 0) return true;
  err << path << ": error: cannot write: " << std::strerror(ok ? errno : saved) << "\n";
  std::error_code ignored;
  std::filesystem::remove(temporary, ignored);
  RemoveStaleReport(path);
  return false;
}

}  // namespace ghostport::audit
