#include "audit/listen_checks.h"

#include <string_view>

namespace ghostport::audit {

namespace {

constexpr std::string_view kPrivilegeNote =
    "run as root (sudo) on Linux, from an Administrator prompt on Windows: otherwise the process names of "
    "other users' listeners are hidden";

}  // namespace

CheckCommands ChecksFor(std::uint16_t port, catalog::Transport t) {
  const std::string p = std::to_string(port);
  CheckCommands c;
  switch (t) {
    case catalog::Transport::kTcp:
      c.linux = {"ss -tlpn 'sport = :" + p + "'", "lsof -nP -iTCP:" + p + " -sTCP:LISTEN"};
      c.windows = {"netstat -ano -p tcp | findstr /R /C:\":" + p + " \"", "Get-NetTCPConnection -LocalPort " + p + " -State Listen",
                   "Get-Process -Id <OwningProcess from the line above>"};
      break;
    case catalog::Transport::kUdp:
      c.linux = {"ss -ulpn 'sport = :" + p + "'", "lsof -nP -iUDP:" + p};
      c.windows = {"netstat -ano -p udp | findstr /R /C:\":" + p + " \"", "Get-NetUDPEndpoint -LocalPort " + p,
                   "Get-Process -Id <OwningProcess from the line above>"};
      break;
    case catalog::Transport::kSctp:
      c.linux = {"ss -Slpn 'sport = :" + p + "'", "awk '$6 == " + p + "' /proc/net/sctp/eps"};
      c.windows = {"(Windows has no in-box SCTP stack; check third-party drivers)"};
      break;
    case catalog::Transport::kDccp:
      c.linux = {"ss -dlpn 'sport = :" + p + "'"};
      c.windows = {"(Windows has no DCCP stack)"};
      break;
  }
  c.note = std::string(kPrivilegeNote);
  return c;
}

}  // namespace ghostport::audit
