// The kernel's side of a comparison: packet_server on the server and on the
// backend, packet_client on the client (over veth) and on the server itself
// (over lo), and what each probe came to.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/kernel/lab.h"
#include "tests/kernel/probes.h"

namespace ghostport::kernel_test {

// Where a probe was received: which host, and the destination it had there
// (after any NAT).
struct Landing {
  Host host = Host::kServer;
  std::string address;
  int port = 0;
};

// What the kernel did with one probe, as measured.
struct KernelOutcome {
  // packet_client's word: refused, timeout, connected:closed,
  // connected:reset, connected:silent (TCP); rejected, sent, blocked (UDP);
  // or error:...
  std::string client;
  std::optional<Landing> landing;  // the packet_server that reported the probe, if any
  std::string error;               // the measurement itself failed
};

// packet_server in one namespace, for the lifetime of the object.
class Listener {
 public:
  Listener(const Lab& lab, Host host, const std::vector<int>& ports, const fs::path& output);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The probes reported so far, by id.
  std::map<std::string, Landing> Received() const;
  void Stop();

 private:
  Host host_;
  fs::path output_;
  pid_t pid_ = -1;
};

// packet_server on the server and on the backend, on the same ports.
struct Listeners {
  Listeners(const Lab& lab, const std::vector<int>& ports, const fs::path& scratch);
  Listener server;
  Listener backend;
};

// Sends the probes through the kernel (remote ones from the client, local
// ones from the server over lo) and collects what the listeners received.
std::vector<KernelOutcome> Measure(const Lab& lab, const Listeners& listeners,
                                   const std::vector<Probe>& probes, int timeout_ms,
                                   const fs::path& scratch);

}  // namespace ghostport::kernel_test
