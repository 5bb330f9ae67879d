// How to check what listens on a port, per platform and transport: the
// commands `explain` prints, and what Windows findings tell the reader to
// run. One definition for both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/registry.h"

namespace ghostport::audit {

struct CheckCommands {
  std::vector<std::string> linux;
  std::vector<std::string> windows;
  std::string note;
};

CheckCommands ChecksFor(std::uint16_t port, catalog::Transport t);

}  // namespace ghostport::audit
