// packet_client [--timeout-ms N] [--max-sockets N] — the sending end of the
// kernel agreement test.
//
// Reads probe lines from stdin:
//   id<TAB>proto<TAB>dst_addr<TAB>dst_port<TAB>src_addr        (proto: tcp|udp)
// and sends them all concurrently (non-blocking sockets and poll, at most
// --max-sockets open at once), each socket bound to src_addr (port 0) first.
//   tcp: refused (RST or ICMP) or unreachable/prohibited -> refused; no
//        answer in time -> timeout; connected -> send "id\n", then watch the
//        connection for a while longer:
//          the server closes it (it accepted, read the id)  -> connected:closed
//          a reset or an ICMP error                         -> connected:reset
//          nothing                                          -> connected:silent
//        (a reset that answers the client's ACK before poll saw the
//        connection counts as connected:reset too).
//        The client's side of a handshake can complete although the server
//        never accepts (the client's ACK dropped or rejected after the
//        SYN-ACK got out): only the server's output says it accepted.
//   udp: connected socket, send "id\n", wait for an ICMP error until the
//        timeout: error -> rejected; otherwise -> sent (the server's output
//        decides between delivered and lost); the send refused with EPERM
//        (this host's own OUTPUT path dropped it: probes over lo) -> blocked.
// Prints "id<TAB>result" per probe in input order; anything unexpected is
// "error:<reason>". Exit 0, or 2 on a bad argument or input line (before
// anything is sent).

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kDefaultTimeoutMs = 1500;
constexpr int kDefaultMaxSockets = 512;
// Probes are started in bursts with a short pause between them, so the
// server's ICMP error sockets never run out of send buffer (which would turn
// a reject into a drop).
constexpr int kBurst = 32;
constexpr int kBurstPauseMs = 2;

enum class Proto { kTcp, kUdp };

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
};

struct Probe {
  std::string id;
  Proto proto = Proto::kTcp;
  SocketAddress destination;
  SocketAddress source;
  bool connected = false;  // TCP: the client's side of the handshake completed
  std::string result;      // empty while undecided
};

struct Active {
  std::size_t probe = 0;
  int fd = -1;
  Clock::time_point deadline;
};

std::optional<SocketAddress> ParseAddress(const std::string& text, int port) {
  SocketAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    address.length = sizeof(sockaddr_in);
    return address;
  }
  address = SocketAddress{};
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

std::optional<int> ParseInt(const std::string& text, int low, int high) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || value < low || value > high) return std::nullopt;
  return static_cast<int>(value);
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

// Parses one input line; on error returns the reason.
std::optional<std::string> ParseProbe(const std::string& line, Probe& probe) {
  const std::vector<std::string> fields = SplitTabs(line);
  if (fields.size() != 5) return "expected 5 tab-separated fields";
  probe.id = fields[0];
  if (probe.id.empty() || probe.id.find_first_of(" \n\r") != std::string::npos) {
    return "bad id";
  }
  if (fields[1] == "tcp") {
    probe.proto = Proto::kTcp;
  } else if (fields[1] == "udp") {
    probe.proto = Proto::kUdp;
  } else {
    return "proto must be tcp or udp";
  }
  const std::optional<int> port = ParseInt(fields[3], 1, 65535);
  if (!port) return "bad port";
  const auto destination = ParseAddress(fields[2], *port);
  const auto source = ParseAddress(fields[4], 0);
  if (!destination) return "bad destination address";
  if (!source) return "bad source address";
  if (destination->family() != source->family()) return "address families differ";
  probe.destination = *destination;
  probe.source = *source;
  return std::nullopt;
}

bool IsRejection(int error) {
  switch (error) {
    case ECONNREFUSED:  // TCP RST, ICMP port unreachable
    case EHOSTUNREACH:  // ICMP host unreachable / prohibited
    case ENETUNREACH:   // ICMP net unreachable
    case EACCES:        // ICMPv6 administratively prohibited
    case ENOPROTOOPT:   // ICMP protocol unreachable
      return true;
    default:
      return false;
  }
}

std::string ErrorResult(const char* step, int error) {
  return std::string("error:") + step + ":" + std::strerror(error);
}

std::string Classify(const char* step, int error, const char* rejection) {
  return IsRejection(error) ? rejection : ErrorResult(step, error);
}

void SendId(int fd, const Probe& probe) {
  const std::string payload = probe.id + "\n";
  (void)send(fd, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

// Opens the socket and starts the probe. Returns the fd, or -1 once the
// probe's result is already known.
int Start(Probe& probe) {
  const int family = probe.destination.family();
  const int type = probe.proto == Proto::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  const int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    probe.result = ErrorResult("socket", errno);
    return -1;
  }
  const int one = 1;
  if (probe.proto == Proto::kTcp) {
    // Pick the source port at connect time: it only needs to be unique per
    // 4-tuple, so thousands of probes never exhaust a source address.
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  }
  // Queue every ICMP error on the socket's error queue. For UDP this reports
  // the "soft" ones too (host unreachable). For TCP it keeps the ICMP error
  // that answers a SYN while connect() still holds the socket lock: over a
  // veth pair the answer comes back synchronously, inside connect(), and the
  // kernel would otherwise drop it (TcpExtLockDroppedIcmps) and wait for the
  // SYN retransmission.
  if (family == AF_INET) {
    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  } else {
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&probe.source.storage),
           probe.source.length) != 0) {
    probe.result = ErrorResult("bind", errno);
    close(fd);
    return -1;
  }
  const int rc = connect(fd, reinterpret_cast<const sockaddr*>(&probe.destination.storage),
                         probe.destination.length);
  if (probe.proto == Proto::kTcp) {
    if (rc == 0) {
      SendId(fd, probe);
      probe.connected = true;
      return fd;
    }
    if (errno != EINPROGRESS) {
      probe.result = Classify("connect", errno, "refused");
      close(fd);
      return -1;
    }
    return fd;
  }
  if (rc != 0) {
    probe.result = ErrorResult("connect", errno);
    close(fd);
    return -1;
  }
  const std::string payload = probe.id + "\n";
  if (send(fd, payload.data(), payload.size(), MSG_DONTWAIT) < 0) {
    probe.result = errno == EPERM ? "blocked" : Classify("send", errno, "rejected");
    close(fd);
    return -1;
  }
  return fd;
}

// The errno of the last ICMP error on the socket's error queue, if any.
std::optional<int> ReadIcmpError(int fd) {
  std::optional<int> found;
  while (true) {
    char data[256];
    alignas(cmsghdr) char control[512];
    iovec iov{data, sizeof data};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return found;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
      const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
      if (!v4 && !v6) continue;
      sock_extended_err error{};
      std::memcpy(&error, CMSG_DATA(c), sizeof error);
      if (error.ee_origin == SO_EE_ORIGIN_ICMP || error.ee_origin == SO_EE_ORIGIN_ICMP6) {
        found = static_cast<int>(error.ee_errno);
      }
    }
  }
}

// True when a TCP socket whose connect reports `error` had completed the
// handshake first: the answer to the client's ACK came back so fast (over a
// veth pair, in the same softirq) that poll never saw it connected. A RST
// resets only a synchronised connection with ECONNRESET (in SYN-SENT it is
// ECONNREFUSED); an ICMP error leaves an established connection established.
bool ConnectedBeforeError(int fd, int error) {
  if (error == ECONNRESET) return true;
  tcp_info info{};
  socklen_t length = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return false;
  return info.tcpi_state == TCP_ESTABLISHED;
}

// A connected TCP probe: the server's close, a reset or an error decides it.
bool OnConnectedEvent(Probe& probe, int fd, short revents) {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error == 0 && (revents & POLLERR) != 0) error = ReadIcmpError(fd).value_or(ECONNRESET);
  if (error != 0) {
    probe.result = "connected:reset";
    return true;
  }
  char buffer[512];
  while (true) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) {
      probe.result = "connected:closed";
      return true;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
      probe.result = "connected:reset";
      return true;
    }
  }
}

// Handles a poll event. Returns true once the probe is decided; a TCP probe
// that just connected is not decided yet (its deadline may move).
bool OnEvent(Probe& probe, int fd, short revents) {
  if (probe.connected) return OnConnectedEvent(probe, fd, revents);
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error == 0 && (revents & POLLERR) != 0) error = ReadIcmpError(fd).value_or(0);
  if (error != 0) {
    if (probe.proto == Proto::kTcp && ConnectedBeforeError(fd, error)) {
      probe.result = "connected:reset";
    } else {
      probe.result = probe.proto == Proto::kTcp ? Classify("connect", error, "refused")
                                                : Classify("recv", error, "rejected");
    }
    return true;
  }
  if (probe.proto == Proto::kTcp) {
    if ((revents & POLLOUT) != 0) {
      SendId(fd, probe);
      probe.connected = true;
      return false;
    }
    if ((revents & (POLLHUP | POLLNVAL)) != 0) {
      probe.result = "error:connect:hangup without an error";
      return true;
    }
    return false;
  }
  char buffer[512];
  while (recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) {
  }  // a reply is not an error; keep waiting for one
  return false;
}

void OnTimeout(Probe& probe) {
  if (probe.proto == Proto::kUdp) {
    probe.result = "sent";
  } else {
    probe.result = probe.connected ? "connected:silent" : "timeout";
  }
}

void Run(std::vector<Probe>& probes, int timeout_ms, int max_sockets) {
  std::vector<Active> active;
  std::vector<pollfd> polled;
  std::size_t next = 0;
  const auto timeout = std::chrono::milliseconds(timeout_ms);
  while (next < probes.size() || !active.empty()) {
    int started = 0;
    while (next < probes.size() && static_cast<int>(active.size()) < max_sockets &&
           started < kBurst) {
      const int fd = Start(probes[next]);
      if (fd >= 0) active.push_back({next, fd, Clock::now() + timeout});
      ++next;
      ++started;
    }
    if (active.empty()) continue;
    polled.clear();
    auto earliest = active.front().deadline;
    for (const Active& a : active) {
      const Probe& probe = probes[a.probe];
      const short events = probe.proto == Proto::kUdp ? POLLIN
                           : probe.connected           ? POLLIN | POLLRDHUP
                                                       : POLLOUT;
      polled.push_back({a.fd, events, 0});
      earliest = std::min(earliest, a.deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        earliest - Clock::now());
    int wait_ms = static_cast<int>(std::max<long long>(0, wait.count() + 1));
    if (next < probes.size() && static_cast<int>(active.size()) < max_sockets) {
      wait_ms = std::min(wait_ms, kBurstPauseMs);
    }
    if (poll(polled.data(), polled.size(), wait_ms) < 0 && errno != EINTR) {
      std::perror("packet_client: poll");
      std::exit(2);
    }
    const auto now = Clock::now();
    std::vector<Active> kept;
    for (std::size_t i = 0; i < active.size(); ++i) {
      Probe& probe = probes[active[i].probe];
      bool decided = false;
      const bool was_connected = probe.connected;
      if (polled[i].revents != 0) decided = OnEvent(probe, active[i].fd, polled[i].revents);
      if (!was_connected && probe.connected) {
        // Watch a new connection for at least half the timeout: a reset of
        // the client's ACK comes at once, the server's close soon after.
        active[i].deadline = std::max(active[i].deadline, now + timeout / 2);
      }
      if (!decided && now >= active[i].deadline) {
        OnTimeout(probe);
        decided = true;
      }
      if (decided) {
        close(active[i].fd);
      } else {
        kept.push_back(active[i]);
      }
    }
    active.swap(kept);
  }
}

void RaiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: packet_client [--timeout-ms N] [--max-sockets N] < probes\n"
               "  probe line: id<TAB>tcp|udp<TAB>dst_addr<TAB>dst_port<TAB>src_addr\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int timeout_ms = kDefaultTimeoutMs;
  int max_sockets = kDefaultMaxSockets;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--timeout-ms" || arg == "--max-sockets") && i + 1 < argc) {
      const std::optional<int> value = ParseInt(argv[++i], 1, 600000);
      if (!value) Usage();
      (arg == "--timeout-ms" ? timeout_ms : max_sockets) = *value;
    } else {
      Usage();
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  RaiseFdLimit();
  // Ends with the test that started it, even one killed outright.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return 2;

  std::vector<Probe> probes;
  std::string line;
  int line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    Probe probe;
    if (const auto error = ParseProbe(line, probe)) {
      std::fprintf(stderr, "packet_client: <stdin>:%d: error: %s\n", line_number,
                   error->c_str());
      return 2;
    }
    probes.push_back(std::move(probe));
  }
  Run(probes, timeout_ms, max_sockets);
  std::ostringstream out;
  for (const Probe& probe : probes) out << probe.id << '\t' << probe.result << '\n';
  std::cout << out.str() << std::flush;
  return 0;
}
