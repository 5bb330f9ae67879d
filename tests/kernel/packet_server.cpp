// packet_server PORT... — the receiving end of the kernel agreement test.
//
// Binds a TCP listener (backlog 1024) and a UDP socket on every given port,
// for IPv4 and IPv6 (separate sockets, IPV6_V6ONLY), and prints one line per
// probe that reaches it:
//   id<TAB>proto<TAB>local_address<TAB>local_port
// where id is
//   - every UDP datagram's payload (a probe id; a trailing newline is removed);
//   - for every accepted TCP connection, the first line it sends (at most 64
//     bytes; the probe id); the connection is closed once the line is read;
// and local_address/local_port say where the probe landed: the destination
// after any NAT (the datagram's destination address from IP_PKTINFO, the
// accepted socket's local name), so a DNAT or REDIRECT shows.
// Prints "ready" once every socket is bound. Runs until SIGTERM or SIGINT,
// then reads whatever is still queued, prints it and exits 0.
// Exit 2 on a bad argument or a socket that cannot be bound.

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kListenBacklog = 1024;
constexpr std::size_t kMaxTcpId = 64;
constexpr int kUdpReceiveBuffer = 4 << 20;

enum class SocketKind { kTcpListener, kTcpConnection, kUdp };

struct Endpoint {
  int fd = -1;
  SocketKind kind = SocketKind::kUdp;
  std::string pending;  // TCP connections: bytes read so far
  std::string landing;  // TCP connections: "tcp<TAB>address<TAB>port"
};

volatile std::sig_atomic_t g_stop = 0;

void OnStopSignal(int) { g_stop = 1; }

// "proto<TAB>address<TAB>port" for a local socket address.
std::string Landing(const char* proto, const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  return std::string(proto) + "\t" + text + "\t" + std::to_string(port);
}

void PrintId(std::string_view payload, const std::string& landing) {
  while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r')) {
    payload.remove_suffix(1);
  }
  if (payload.empty()) return;
  std::fwrite(payload.data(), 1, payload.size(), stdout);
  std::fputc('\t', stdout);
  std::fputs(landing.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "packet_server: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(2);
}

void RaiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Returns -1 when the address family is not available (IPv6 disabled).
int BindSocket(int family, int type, int port) {
  const int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (family == AF_INET6 && errno == EAFNOSUPPORT) return -1;
    Die("socket");
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (type == SOCK_DGRAM) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kUdpReceiveBuffer, sizeof kUdpReceiveBuffer);
    // Every datagram's destination address, for the landing.
    if (family == AF_INET) {
      setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    } else {
      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    }
  }
  int rc = 0;
  if (family == AF_INET) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    rc = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  } else {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(static_cast<uint16_t>(port));
    address.sin6_addr = in6addr_any;
    rc = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  const char* proto = type == SOCK_STREAM ? "tcp" : "udp";
  const char* fam = family == AF_INET ? "ipv4" : "ipv6";
  if (rc != 0) {
    Die(std::string("bind ") + proto + "/" + fam + " port " + std::to_string(port));
  }
  if (type == SOCK_STREAM && listen(fd, kListenBacklog) != 0) {
    Die("listen port " + std::to_string(port));
  }
  return fd;
}

void AcceptAll(int listener, std::vector<Endpoint>& endpoints) {
  while (true) {
    const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a connection reset before accept
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
    endpoints.push_back({fd, SocketKind::kTcpConnection, {}, Landing("tcp", local)});
  }
}

void ReceiveAll(int udp) {
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(udp, reinterpret_cast<sockaddr*>(&bound), &length);
  while (true) {
    char buffer[2048];
    alignas(cmsghdr) char control[256];
    iovec iov{buffer, sizeof buffer};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(udp, &message, MSG_DONTWAIT);
    if (n < 0) return;
    sockaddr_storage destination = bound;  // the port; the address from pktinfo
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        reinterpret_cast<sockaddr_in&>(destination).sin_addr = info.ipi_addr;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        reinterpret_cast<sockaddr_in6&>(destination).sin6_addr = info.ipi6_addr;
      }
    }
    PrintId(std::string_view(buffer, static_cast<std::size_t>(n)), Landing("udp", destination));
  }
}

// Returns true when the connection is finished (id printed, or closed).
bool ReadConnection(Endpoint& connection) {
  char buffer[kMaxTcpId];
  while (connection.pending.size() < kMaxTcpId) {
    const ssize_t n = recv(connection.fd, buffer, kMaxTcpId - connection.pending.size(),
                           MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    if (n <= 0) break;  // EOF or error: print what arrived
    connection.pending.append(buffer, static_cast<std::size_t>(n));
    if (connection.pending.find('\n') != std::string::npos) break;
  }
  const std::size_t newline = connection.pending.find('\n');
  PrintId(std::string_view(connection.pending).substr(0, newline), connection.landing);
  return true;
}

// One pass over every socket: accept, read, print. Returns nothing; closes
// finished connections.
void Service(std::vector<Endpoint>& endpoints, const std::vector<pollfd>* ready) {
  const std::size_t count = endpoints.size();  // new connections are served next pass
  std::vector<bool> done(count, false);
  for (std::size_t i = 0; i < count; ++i) {
    if (ready && (*ready)[i].revents == 0) continue;
    switch (endpoints[i].kind) {
      case SocketKind::kTcpListener: AcceptAll(endpoints[i].fd, endpoints); break;
      case SocketKind::kUdp: ReceiveAll(endpoints[i].fd); break;
      case SocketKind::kTcpConnection: done[i] = ReadConnection(endpoints[i]); break;
    }
  }
  std::vector<Endpoint> kept;
  kept.reserve(endpoints.size());
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    if (i < count && done[i]) {
      close(endpoints[i].fd);
    } else {
      kept.push_back(std::move(endpoints[i]));
    }
  }
  endpoints.swap(kept);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: packet_server PORT...\n");
    return 2;
  }
  std::set<int> ports;
  for (int i = 1; i < argc; ++i) {
    char* end = nullptr;
    const long port = std::strtol(argv[i], &end, 10);
    if (*argv[i] == '\0' || *end != '\0' || port < 1 || port > 65535) {
      std::fprintf(stderr, "packet_server: bad port '%s'\n", argv[i]);
      return 2;
    }
    ports.insert(static_cast<int>(port));
  }
  RaiseFdLimit();
  std::signal(SIGPIPE, SIG_IGN);
  // Ends with the test that started it, even one killed outright.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return 2;
  struct sigaction stop{};
  stop.sa_handler = OnStopSignal;  // no SA_RESTART: poll returns EINTR
  sigemptyset(&stop.sa_mask);
  sigaction(SIGTERM, &stop, nullptr);
  sigaction(SIGINT, &stop, nullptr);

  std::vector<Endpoint> endpoints;
  for (const int port : ports) {
    for (const int family : {AF_INET, AF_INET6}) {
      const int tcp = BindSocket(family, SOCK_STREAM, port);
      if (tcp >= 0) endpoints.push_back({tcp, SocketKind::kTcpListener, {}, {}});
      const int udp = BindSocket(family, SOCK_DGRAM, port);
      if (udp >= 0) endpoints.push_back({udp, SocketKind::kUdp, {}, {}});
    }
  }
  std::fputs("ready\n", stdout);
  std::fflush(stdout);

  std::vector<pollfd> polled;
  while (!g_stop) {
    polled.clear();
    for (const Endpoint& endpoint : endpoints) polled.push_back({endpoint.fd, POLLIN, 0});
    const int rc = poll(polled.data(), polled.size(), -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      Die("poll");
    }
    Service(endpoints, &polled);
  }
  // Stopped: whatever is queued still counts as received.
  Service(endpoints, nullptr);
  Service(endpoints, nullptr);
  for (const Endpoint& endpoint : endpoints) close(endpoint.fd);
  return 0;
}
