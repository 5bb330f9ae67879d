#include "tests/kernel/measurement.h"

#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>
#include <thread>

#ifndef GHOSTPORT_PACKET_CLIENT
#error "GHOSTPORT_PACKET_CLIENT must name the packet_client binary"
#endif
#ifndef GHOSTPORT_PACKET_SERVER
#error "GHOSTPORT_PACKET_SERVER must name the packet_server binary"
#endif

namespace ghostport::kernel_test {

namespace {

using namespace std::chrono_literals;

constexpr auto kClientLimit = 120s;
// After the clients are done: time for the listeners to print the last
// datagrams.
constexpr auto kSettle = 50ms;

}  // namespace

Listener::Listener(const Lab& lab, Host host, const std::vector<int>& ports,
                   const fs::path& output)
    : host_(host), output_(output) {
  std::vector<std::string> argv = {GHOSTPORT_PACKET_SERVER};
  for (const int port : ports) argv.push_back(std::to_string(port));
  const fs::path errors = output.string() + ".err";
  pid_ = Spawn(lab.In(host, argv), "", output.string(), errors.string());
  if (pid_ < 0) throw std::runtime_error("cannot start packet_server");
  const auto deadline = Clock::now() + 10s;
  while (ReadFile(output_).rfind("ready\n", 0) != 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("packet_server exited: " + ReadFile(errors));
    }
    if (Clock::now() > deadline) {
      Stop();
      throw std::runtime_error("packet_server never got ready");
    }
    std::this_thread::sleep_for(10ms);
  }
}

Listener::~Listener() { Stop(); }

std::map<std::string, Landing> Listener::Received() const {
  std::map<std::string, Landing> received;
  for (const std::string& line : SplitLines(ReadFile(output_))) {
    const std::vector<std::string> fields = SplitTabs(line);
    if (fields.size() != 4) continue;  // "ready", or a line still being written
    try {
      received[fields[0]] = {host_, fields[2], std::stoi(fields[3])};
    } catch (const std::exception&) {
    }
  }
  return received;
}

void Listener::Stop() {
  if (pid_ < 0) return;
  kill(pid_, SIGTERM);
  WaitFor(pid_, 5s);
  pid_ = -1;
}

Listeners::Listeners(const Lab& lab, const std::vector<int>& ports, const fs::path& scratch)
    : server(lab, Host::kServer, ports, scratch / "server.out"),
      backend(lab, Host::kBackend, ports, scratch / "backend.out") {}

std::vector<KernelOutcome> Measure(const Lab& lab, const Listeners& listeners,
                                   const std::vector<Probe>& probes, int timeout_ms,
                                   const fs::path& scratch) {
  std::string remote_text;
  std::string local_text;
  for (const Probe& p : probes) {
    (p.local ? local_text : remote_text) += p.id + "\t" + p.proto + "\t" + p.destination + "\t" +
                                            std::to_string(p.port) + "\t" + p.source + "\n";
  }
  const fs::path remote_in = scratch / "client-remote.tsv";
  const fs::path local_in = scratch / "client-local.tsv";
  WriteFile(remote_in, remote_text);
  WriteFile(local_in, local_text);
  const std::vector<std::string> client = {GHOSTPORT_PACKET_CLIENT, "--timeout-ms",
                                           std::to_string(timeout_ms)};
  const pid_t remote = Spawn(lab.In(Host::kClient, client), remote_in.string(),
                             (scratch / "client-remote.out").string(),
                             (scratch / "client-remote.err").string());
  const pid_t local = Spawn(lab.In(Host::kServer, client), local_in.string(),
                            (scratch / "client-local.out").string(),
                            (scratch / "client-local.err").string());
  const int remote_status = remote < 0 ? -1 : WaitFor(remote, kClientLimit);
  const int local_status = local < 0 ? -1 : WaitFor(local, kClientLimit);
  std::map<std::string, std::string> client_result;
  for (const char* side : {"remote", "local"}) {
    const std::string out = ReadFile(scratch / ("client-" + std::string(side) + ".out"));
    for (const std::string& line : SplitLines(out)) {
      const std::size_t tab = line.find('\t');
      if (tab != std::string::npos) client_result[line.substr(0, tab)] = line.substr(tab + 1);
    }
  }
  std::this_thread::sleep_for(kSettle);
  const std::map<std::string, Landing> on_server = listeners.server.Received();
  const std::map<std::string, Landing> on_backend = listeners.backend.Received();

  std::vector<KernelOutcome> outcomes;
  for (const Probe& p : probes) {
    KernelOutcome outcome;
    const auto found = client_result.find(p.id);
    if (found == client_result.end()) {
      const int status = p.local ? local_status : remote_status;
      const std::string err =
          ReadFile(scratch / (p.local ? "client-local.err" : "client-remote.err"));
      outcome.error = "packet_client gave no result (status " + std::to_string(status) + ") " + err;
    } else {
      outcome.client = found->second;
    }
    const auto server = on_server.find(p.id);
    const auto backend = on_backend.find(p.id);
    if (server != on_server.end() && backend != on_backend.end()) {
      outcome.error = "both the server and the backend received it";
    } else if (server != on_server.end()) {
      outcome.landing = server->second;
    } else if (backend != on_backend.end()) {
      outcome.landing = backend->second;
    }
    outcomes.push_back(outcome);
  }
  return outcomes;
}

}  // namespace ghostport::kernel_test
