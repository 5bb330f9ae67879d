// Kernel agreement: ghostport's probe verdicts must match what the Linux
// kernel actually does with the same iptables ruleset.
//
// Two network namespaces joined by a veth pair: the server side (veth-s,
// 10.77.0.1/16, fd77::1/64) loads the ruleset with iptables-restore (or
// ip6tables-restore) and runs packet_server on every probed port; the client
// side (veth-c, several source addresses, no firewall) runs packet_client,
// which sends every probe at once and classifies it as accept, reject or
// drop. A second packet_client inside the server namespace sends the same
// probes over lo. The same probes then go through
//   ghostport probe RULESET --batch TSV --format json --to ADDR
// and every verdict is compared. A disagreement names the probe and the rule
// that decided it.
//
// Rulesets: the hand-written files in tests/kernel/rulesets/ and rulesets
// drawn from a seeded generator (seed printed; GHOSTPORT_KERNEL_SEED=N or
// =random overrides it, GHOSTPORT_KERNEL_RULESETS=N the count).
// GHOSTPORT_BIN overrides the ghostport binary under test.
//
// Needs root and iproute2/iptables; without them it says SKIPPED and passes,
// except under CI (CI=true) as root, where missing tools fail the test.

#define BOOST_TEST_MODULE kernel_agreement
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

#ifndef GHOSTPORT_PACKET_CLIENT
#error "GHOSTPORT_PACKET_CLIENT must name the packet_client binary"
#endif
#ifndef GHOSTPORT_PACKET_SERVER
#error "GHOSTPORT_PACKET_SERVER must name the packet_server binary"
#endif

constexpr const char* kServerVeth = "veth-s";
constexpr const char* kClientVeth = "veth-c";
constexpr const char* kServerMac = "02:77:00:00:00:01";
constexpr const char* kClientMac = "02:77:00:00:00:02";
constexpr const char* kServerV4 = "10.77.0.1";
constexpr const char* kServerV6 = "fd77::1";
constexpr const char* kNamespacePrefix = "gp-ka-";  // gp-ka-srv-PID, gp-ka-cli-PID

constexpr int kClientTimeoutMs = 1500;
constexpr int kReprobeTimeoutMs = 2500;
constexpr std::uint64_t kDefaultSeed = 20240611;
constexpr int kDefaultGeneratedRulesets = 30;
constexpr int kRulesPerGeneratedRuleset = 25;
constexpr std::size_t kMaxReportedDisagreements = 40;

// Client source addresses; the server reaches those outside its subnets
// through kServerRoutes.
struct ClientAddress {
  const char* address;
  int prefix;
};
constexpr std::array<ClientAddress, 6> kClientV4{{{"10.77.0.2", 16},
                                                  {"10.77.1.5", 16},
                                                  {"10.77.1.77", 16},
                                                  {"10.77.200.9", 16},
                                                  {"192.168.7.7", 24},
                                                  {"203.0.113.9", 24}}};
constexpr std::array<ClientAddress, 4> kClientV6{{{"fd77::2", 64},
                                                  {"fd77::5", 64},
                                                  {"fd77:0:0:1::9", 64},
                                                  {"2001:db8:7::7", 64}}};
// Server-side routes back to the client addresses outside the veth subnet.
constexpr std::array<const char*, 4> kServerRoutes{
    {"192.168.7.0/24", "203.0.113.0/24", "fd77:0:0:1::/64", "2001:db8:7::/64"}};

// Ports probed for every ruleset (the pool), plus the ports each ruleset names.
const std::vector<int> kPortPool = {22, 80, 443, 3306, 3393, 8080, 9000, 9001, 9002,
                                    9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010};
const std::vector<int> kExtraPorts = {25, 53, 5060};

// ---------------------------------------------------------------- processes

struct RunResult {
  int status = -1;  // exit code, 128+signal, or -1 when it could not start
  std::string out;
  std::string err;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string Join(const std::vector<std::string>& words, const char* separator = " ") {
  std::string joined;
  for (const std::string& word : words) {
    if (!joined.empty()) joined += separator;
    joined += word;
  }
  return joined;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Starts argv[0] (an absolute path) with stdin/stdout/stderr redirected to
// files ("" = /dev/null). Returns -1 when it cannot start.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& in,
            const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.empty() ? "/dev/null" : in.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.empty() ? "/dev/null" : out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.empty() ? "/dev/null" : err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits for pid until the deadline, then kills it. Returns the exit status
// (128+signal when killed by a signal).
int WaitFor(pid_t pid, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  int status = 0;
  while (true) {
    const pid_t rc = waitpid(pid, &status, WNOHANG);
    if (rc == pid) break;
    if (rc < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Files for one command's output live in this directory.
fs::path g_scratch = fs::temp_directory_path();
int g_scratch_counter = 0;

RunResult Run(const std::vector<std::string>& argv, const std::string& in = "",
              Clock::duration limit = 60s) {
  const std::string base = (g_scratch / ("cmd" + std::to_string(++g_scratch_counter))).string();
  RunResult result;
  const pid_t pid = Spawn(argv, in, base + ".out", base + ".err");
  if (pid < 0) {
    result.err = "cannot start " + argv[0];
    return result;
  }
  result.status = WaitFor(pid, limit);
  result.out = ReadFile(base + ".out");
  result.err = ReadFile(base + ".err");
  fs::remove(base + ".out");
  fs::remove(base + ".err");
  return result;
}

std::optional<std::string> FindTool(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin:/bin";
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- environment

struct Tools {
  std::string ip;
  std::string iptables_restore;
  std::string ip6tables_restore;
};

bool InCi() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  const std::string value = ci;
  return !value.empty() && value != "false" && value != "0";
}

// True when the process may create and enter network namespaces
// (CAP_NET_ADMIN and CAP_SYS_ADMIN): root in an unprivileged container has
// neither.
bool HasNamespaceCapabilities() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
    constexpr unsigned long long kNetAdmin = 1ULL << 12;
    constexpr unsigned long long kSysAdmin = 1ULL << 21;
    return (caps & kNetAdmin) != 0 && (caps & kSysAdmin) != 0;
  }
  return false;
}

// Returns the tools, or nullopt after saying SKIPPED (or failing, in CI).
std::optional<Tools> RequireEnvironment() {
  std::vector<std::string> missing;
  Tools tools;
  const std::pair<const char*, std::string*> wanted[] = {
      {"ip", &tools.ip},
      {"iptables-restore", &tools.iptables_restore},
      {"ip6tables-restore", &tools.ip6tables_restore}};
  for (const auto& [name, slot] : wanted) {
    if (auto found = FindTool(name)) {
      *slot = *found;
    } else {
      missing.push_back(name);
    }
  }
  const bool root = geteuid() == 0;
  const bool capable = root && HasNamespaceCapabilities();
  if (capable && missing.empty()) return tools;
  std::string details;
  if (root && !capable) details += "; no CAP_NET_ADMIN/CAP_SYS_ADMIN";
  if (!missing.empty()) details += "; missing: " + Join(missing);
  const std::string reason =
      "kernel agreement needs root and iproute2/iptables (running as uid " +
      std::to_string(geteuid()) + details + ")";
  if (root && InCi()) {
    BOOST_FAIL("CI runs as root, so the kernel agreement test must run: " + reason);
  }
  std::cout << "SKIPPED: " << reason << std::endl;
  BOOST_TEST_MESSAGE("SKIPPED: " + reason);
  return std::nullopt;
}

std::string GhostportBinary() {
  if (const char* bin = std::getenv("GHOSTPORT_BIN"); bin != nullptr && *bin != '\0') return bin;
  return GHOSTPORT_BINARY_DIR "/audit/ghostport";
}

// A scratch directory for one test case; removed unless something failed.
class WorkDir {
 public:
  WorkDir() {
    std::string pattern = (fs::temp_directory_path() / "gp-kernel-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    g_scratch = path_;
  }
  ~WorkDir() {
    if (keep_) {
      std::cout << "kept work directory " << path_ << " (rulesets, probes, outputs)\n";
    } else {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const fs::path& path() const { return path_; }
  void Keep() { keep_ = true; }

 private:
  fs::path path_;
  bool keep_ = false;
};

// ---------------------------------------------------------------- the lab

void Check(const RunResult& result, const std::vector<std::string>& argv) {
  if (result.status != 0) {
    throw std::runtime_error("`" + Join(argv) + "` failed (status " +
                             std::to_string(result.status) + "): " + result.err);
  }
}

// Writes a sysctl inside a network namespace (no dependency on procps).
bool WriteSysctl(const std::string& ns, const std::string& key, const std::string& value) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  const std::string ns_path = "/run/netns/" + ns;
  const std::string text = value + "\n";
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int ns_fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0 || setns(ns_fd, CLONE_NEWNET) != 0) _exit(1);
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) _exit(1);
    const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    _exit(ok ? 0 : 1);
  }
  return WaitFor(pid, 10s) == 0;
}

// Removes namespaces left behind by a run that was killed (its PID is gone).
void RemoveStaleNamespaces(const Tools& tools) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/run/netns", error)) {
    const std::string name = entry.path().filename().string();
    for (const char* role : {"srv-", "cli-"}) {
      const std::string prefix = std::string(kNamespacePrefix) + role;
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string pid_text = name.substr(prefix.size());
      if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
      if (pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) {
        Run({tools.ip, "netns", "del", name});
      }
    }
  }
}

// The two namespaces and the veth pair; deleted again on destruction.
class Lab {
 public:
  explicit Lab(const Tools& tools)
      : tools_(tools),
        server_("gp-ka-srv-" + std::to_string(getpid())),
        client_("gp-ka-cli-" + std::to_string(getpid())) {
    RemoveStaleNamespaces(tools_);
    Delete();  // a leftover of this very PID
    try {
      Build();
    } catch (...) {
      Delete();
      throw;
    }
  }
  ~Lab() { Delete(); }
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& server() const { return server_; }
  const std::string& client() const { return client_; }
  const Tools& tools() const { return tools_; }

  // "ip netns exec NS argv..."
  std::vector<std::string> In(const std::string& ns, const std::vector<std::string>& argv) const {
    std::vector<std::string> full = {tools_.ip, "netns", "exec", ns};
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
  }

  // Flushes both families' filter tables to ACCEPT, then loads the ruleset
  // into the family it is for. Returns an error text, or "" on success.
  std::string Load(const fs::path& ruleset, bool ipv6, const fs::path& scratch) const {
    const fs::path empty = scratch / "flush.rules";
    WriteFile(empty,
              "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
              "COMMIT\n");
    for (const std::string& restore : {tools_.iptables_restore, tools_.ip6tables_restore}) {
      const RunResult flushed = Run(In(server_, {restore}), empty.string());
      if (flushed.status != 0) return restore + " (flush) failed: " + flushed.err;
    }
    const std::string& restore = ipv6 ? tools_.ip6tables_restore : tools_.iptables_restore;
    const RunResult loaded = Run(In(server_, {restore}), ruleset.string());
    if (loaded.status != 0) return fs::path(restore).filename().string() + " failed: " + loaded.err;
    return "";
  }

 private:
  void Ip(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {tools_.ip};
    argv.insert(argv.end(), args.begin(), args.end());
    Check(Run(argv), argv);
  }

  void Sysctl(const std::string& ns, const std::string& key, const std::string& value,
              bool required) const {
    if (!WriteSysctl(ns, key, value) && required) {
      throw std::runtime_error("cannot set " + key + "=" + value + " in " + ns);
    }
  }

  void Build() {
    Ip({"netns", "add", server_});
    Ip({"netns", "add", client_});
    // Created directly inside the namespaces: no name clash on the host.
    Ip({"link", "add", kServerVeth, "netns", server_, "address", kServerMac, "type", "veth",
        "peer", "name", kClientVeth, "netns", client_, "address", kClientMac});
    for (const std::string& ns : {server_, client_}) {
      // No duplicate address detection, no reverse-path filtering.
      Sysctl(ns, "net.ipv6.conf.all.accept_dad", "0", false);
      Sysctl(ns, "net.ipv6.conf.default.accept_dad", "0", false);
      Sysctl(ns, "net.ipv4.conf.all.rp_filter", "0", true);
      Sysctl(ns, "net.ipv4.conf.default.rp_filter", "0", true);
      Ip({"-n", ns, "link", "set", "lo", "up"});
    }
    Sysctl(server_, std::string("net.ipv4.conf.") + kServerVeth + ".rp_filter", "0", true);
    Sysctl(client_, std::string("net.ipv4.conf.") + kClientVeth + ".rp_filter", "0", true);
    // REJECT answers hundreds of probes at once: no ICMP rate limits.
    Sysctl(server_, "net.ipv4.icmp_ratelimit", "0", true);
    Sysctl(server_, "net.ipv4.icmp_ratemask", "0", true);
    Sysctl(server_, "net.ipv4.icmp_msgs_per_sec", "1000000", false);  // per netns on newer kernels
    Sysctl(server_, "net.ipv4.icmp_msgs_burst", "1000000", false);
    Sysctl(server_, "net.ipv6.icmp.ratelimit", "0", true);
    Sysctl(server_, "net.ipv6.icmp.ratemask", "", false);

    Ip({"-n", server_, "addr", "add", std::string(kServerV4) + "/16", "dev", kServerVeth});
    Ip({"-n", server_, "addr", "add", std::string(kServerV6) + "/64", "dev", kServerVeth,
        "nodad"});
    for (const ClientAddress& a : kClientV4) {
      Ip({"-n", client_, "addr", "add",
          std::string(a.address) + "/" + std::to_string(a.prefix), "dev", kClientVeth});
    }
    for (const ClientAddress& a : kClientV6) {
      Ip({"-n", client_, "addr", "add",
          std::string(a.address) + "/" + std::to_string(a.prefix), "dev", kClientVeth,
          "nodad"});
    }
    Ip({"-n", server_, "link", "set", kServerVeth, "up"});
    Ip({"-n", client_, "link", "set", kClientVeth, "up"});
    for (const char* route : kServerRoutes) {
      Ip({"-n", server_, "route", "add", route, "dev", kServerVeth});
    }
    // Static neighbours: address resolution never depends on the ruleset
    // (ip6tables would otherwise filter neighbour discovery).
    for (const char* address : {kServerV4, kServerV6}) {
      Ip({"-n", client_, "neigh", "replace", address, "lladdr", kServerMac, "dev", kClientVeth,
          "nud", "permanent"});
    }
    std::vector<const char*> clients;
    for (const ClientAddress& a : kClientV4) clients.push_back(a.address);
    for (const ClientAddress& a : kClientV6) clients.push_back(a.address);
    for (const char* address : clients) {
      Ip({"-n", server_, "neigh", "replace", address, "lladdr", kClientMac, "dev", kServerVeth,
          "nud", "permanent"});
    }
  }

  void Delete() {
    for (const std::string& ns : {client_, server_}) {
      if (fs::exists("/run/netns/" + ns)) Run({tools_.ip, "netns", "del", ns});
    }
  }

  Tools tools_;
  std::string server_;
  std::string client_;
};

// ---------------------------------------------------------------- probes

struct Probe {
  std::string id;
  std::string proto;  // tcp | udp
  int port = 0;
  std::string source;
  std::string destination;
  std::string iif;  // veth-s, or lo for probes sent from the server itself
  bool local = false;
};

std::string Describe(const Probe& probe) {
  const bool v6 = probe.destination.find(':') != std::string::npos;
  const std::string destination =
      v6 ? "[" + probe.destination + "]" : probe.destination;
  return probe.proto + " " + probe.source + " -> " + destination + ":" +
         std::to_string(probe.port) + " iif " + probe.iif;
}

int g_probe_counter = 0;

// A probe id unique across the whole run.
std::string NextProbeId() {
  std::string id = "k";
  id += std::to_string(++g_probe_counter);
  return id;
}

std::vector<Probe> MakeProbes(const std::vector<int>& ports, bool ipv6) {
  std::vector<std::string> sources;
  if (ipv6) {
    for (const ClientAddress& a : kClientV6) sources.push_back(a.address);
  } else {
    for (const ClientAddress& a : kClientV4) sources.push_back(a.address);
  }
  const std::string server = ipv6 ? kServerV6 : kServerV4;
  std::vector<Probe> probes;
  for (const char* proto : {"tcp", "udp"}) {
    for (const int port : ports) {
      for (const std::string& source : sources) {
        probes.push_back({NextProbeId(), proto, port, source, server,
                          kServerVeth, false});
      }
      probes.push_back({NextProbeId(), proto, port, server, server,
                        "lo", true});
    }
  }
  return probes;
}

// The ports a ruleset names in --dport/--dports, with the neighbours of
// every range bound, merged with the pool.
std::vector<int> PortsFor(const std::string& ruleset_text) {
  std::set<int> ports(kPortPool.begin(), kPortPool.end());
  ports.insert(kExtraPorts.begin(), kExtraPorts.end());
  auto add = [&ports](long port) {
    if (port >= 1 && port <= 65535) ports.insert(static_cast<int>(port));
  };
  std::istringstream words(ruleset_text);
  std::string previous;
  for (std::string word; words >> word; previous = word) {
    if (previous != "--dport" && previous != "--dports" && previous != "--destination-port" &&
        previous != "--destination-ports") {
      continue;
    }
    std::istringstream items(word);
    for (std::string item; std::getline(items, item, ',');) {
      const std::size_t colon = item.find(':');
      try {
        if (colon == std::string::npos) {
          add(std::stol(item));
          continue;
        }
        const long low = colon == 0 ? 0 : std::stol(item.substr(0, colon));
        const long high = colon + 1 == item.size() ? 65535 : std::stol(item.substr(colon + 1));
        for (const long port : {low - 1, low, (low + high) / 2, high, high + 1}) add(port);
      } catch (const std::exception&) {
        // not a number: iptables-restore will complain about it
      }
    }
  }
  return {ports.begin(), ports.end()};
}

// packet_server in the server namespace, for the lifetime of the object.
class Server {
 public:
  Server(const Lab& lab, const std::vector<int>& ports, const fs::path& output)
      : output_(output) {
    std::vector<std::string> argv = {GHOSTPORT_PACKET_SERVER};
    for (const int port : ports) argv.push_back(std::to_string(port));
    const fs::path errors = output.string() + ".err";
    pid_ = Spawn(lab.In(lab.server(), argv), "", output.string(), errors.string());
    if (pid_ < 0) throw std::runtime_error("cannot start packet_server");
    const auto deadline = Clock::now() + 10s;
    while (ReadFile(output_).rfind("ready\n", 0) != 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("packet_server exited: " + ReadFile(errors));
      }
      if (Clock::now() > deadline) throw std::runtime_error("packet_server never got ready");
      std::this_thread::sleep_for(10ms);
    }
  }
  ~Server() { Stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The probe ids the server has printed so far.
  std::set<std::string> Received() const {
    std::set<std::string> ids;
    for (const std::string& line : SplitLines(ReadFile(output_))) {
      if (line != "ready") ids.insert(line);
    }
    return ids;
  }

  void Stop() {
    if (pid_ < 0) return;
    kill(pid_, SIGTERM);
    WaitFor(pid_, 5s);
    pid_ = -1;
  }

 private:
  fs::path output_;
  pid_t pid_ = -1;
};

// Sends the probes through the kernel; returns one verdict per probe:
// accept, drop, reject, or "error: ..." when the measurement itself failed.
std::vector<std::string> KernelVerdicts(const Lab& lab, const Server& server,
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
  const pid_t remote = Spawn(lab.In(lab.client(), client), remote_in.string(),
                             (scratch / "client-remote.out").string(),
                             (scratch / "client-remote.err").string());
  const pid_t local = Spawn(lab.In(lab.server(), client), local_in.string(),
                            (scratch / "client-local.out").string(),
                            (scratch / "client-local.err").string());
  const int remote_status = remote < 0 ? -1 : WaitFor(remote, 120s);
  const int local_status = local < 0 ? -1 : WaitFor(local, 120s);
  std::map<std::string, std::string> client_result;
  for (const char* side : {"remote", "local"}) {
    const std::string out = ReadFile(scratch / ("client-" + std::string(side) + ".out"));
    for (const std::string& line : SplitLines(out)) {
      const std::size_t tab = line.find('\t');
      if (tab != std::string::npos) client_result[line.substr(0, tab)] = line.substr(tab + 1);
    }
  }
  std::this_thread::sleep_for(50ms);  // let the server print the last datagrams
  const std::set<std::string> received = server.Received();

  std::vector<std::string> verdicts;
  for (const Probe& p : probes) {
    const auto found = client_result.find(p.id);
    if (found == client_result.end()) {
      const int status = p.local ? local_status : remote_status;
      const std::string err =
          ReadFile(scratch / (p.local ? "client-local.err" : "client-remote.err"));
      verdicts.push_back("error: packet_client gave no result (status " +
                         std::to_string(status) + ") " + err);
      continue;
    }
    const std::string& result = found->second;
    if (p.proto == "tcp" || result.rfind("error", 0) == 0) {
      verdicts.push_back(result);
    } else if (received.count(p.id) != 0) {
      verdicts.push_back(result == "reject" ? "error: datagram both received and rejected"
                                            : "accept");
    } else {
      verdicts.push_back(result == "reject" ? "reject" : "drop");
    }
  }
  return verdicts;
}

// ---------------------------------------------------------------- ghostport

struct Decision {
  std::string verdict;
  std::string file;
  long line = 0;
};

// Runs ghostport probe over the probes. Returns the decisions, or an error.
std::variant<std::vector<Decision>, std::string> GhostportVerdicts(
    const fs::path& ruleset, const std::vector<Probe>& probes, bool ipv6,
    const fs::path& scratch) {
  std::string tsv;
  for (const Probe& p : probes) {
    tsv += p.proto + "\t" + std::to_string(p.port) + "\t" + p.source + "\t" + p.iif + "\n";
  }
  const fs::path batch = scratch / "ghostport-batch.tsv";
  WriteFile(batch, tsv);
  const std::vector<std::string> argv = {GhostportBinary(), "probe",    ruleset.string(),
                                         "--batch",         batch.string(), "--format",
                                         "json",            "--to",   ipv6 ? kServerV6 : kServerV4};
  const RunResult result = Run(argv, "", 120s);
  if (result.status != 0) {
    return "`" + Join(argv) + "` exited with status " + std::to_string(result.status) + ":\n" +
           result.err.substr(0, 4000);
  }
  std::vector<Decision> decisions;
  for (const std::string& line : SplitLines(result.out)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const nlohmann::json object = nlohmann::json::parse(line);
      Decision decision;
      decision.verdict = object.value("verdict", std::string("<no verdict>"));
      if (object.contains("file") && object["file"].is_string()) {
        decision.file = object["file"].get<std::string>();
      }
      if (object.contains("line") && object["line"].is_number_integer()) {
        decision.line = object["line"].get<long>();
      }
      decisions.push_back(decision);
    } catch (const std::exception& error) {
      return "ghostport printed a line that is not a JSON object (" + std::string(error.what()) +
             "): " + line;
    }
  }
  if (decisions.size() != probes.size()) {
    return "ghostport answered " + std::to_string(decisions.size()) + " of " +
           std::to_string(probes.size()) + " probes";
  }
  return decisions;
}

// "file:line: text of that line" for the rule that decided.
std::string DecidingRule(const Decision& decision) {
  if (decision.file.empty()) return "(no file given)";
  std::string where = decision.file + ":" + std::to_string(decision.line);
  if (decision.line <= 0) return where;
  std::ifstream in(decision.file);
  std::string text;
  for (long n = 0; n < decision.line && std::getline(in, text); ++n) {
  }
  return in ? where + ": " + text : where;
}

// ---------------------------------------------------------------- comparison

struct Ruleset {
  std::string name;
  fs::path path;
  std::string text;
  bool ipv6 = false;
};

bool IsIpv6Ruleset(const std::string& text) {
  for (const std::string& line : SplitLines(text)) {
    if (line.rfind("#", 0) == 0 && line.find("ip6tables-save") != std::string::npos) return true;
  }
  return false;
}

std::string Numbered(const std::string& text) {
  std::ostringstream out;
  int n = 0;
  for (const std::string& line : SplitLines(text)) {
    out << "  " << ++n << "\t" << line << "\n";
  }
  return out.str();
}

struct Tally {
  int rulesets = 0;
  int probes = 0;
  int agree = 0;
  int failed_rulesets = 0;
};

// Probes one ruleset through the kernel and through ghostport. Returns true
// when every verdict agrees.
bool CompareRuleset(const Lab& lab, const Ruleset& ruleset, const fs::path& scratch,
                    bool print_ruleset_on_failure, Tally& tally) {
  ++tally.rulesets;
  const std::string family = ruleset.ipv6 ? "ipv6" : "ipv4";
  auto fail = [&](const std::string& why) {
    ++tally.failed_rulesets;
    std::cout << "ruleset " << ruleset.name << " (" << family << "): FAILED: " << why << "\n";
    if (print_ruleset_on_failure) std::cout << Numbered(ruleset.text);
    BOOST_ERROR("ruleset " + ruleset.name + ": " + why);
    return false;
  };

  const std::vector<int> ports = PortsFor(ruleset.text);
  const std::vector<Probe> probes = MakeProbes(ports, ruleset.ipv6);
  const auto answer = GhostportVerdicts(ruleset.path, probes, ruleset.ipv6, scratch);
  if (const auto* error = std::get_if<std::string>(&answer)) return fail(*error);
  const auto& decisions = std::get<std::vector<Decision>>(answer);

  if (const std::string error = lab.Load(ruleset.path, ruleset.ipv6, scratch); !error.empty()) {
    return fail("the kernel refused the ruleset: " + error);
  }
  Server server(lab, ports, scratch / "server.out");
  std::vector<std::string> kernel =
      KernelVerdicts(lab, server, probes, kClientTimeoutMs, scratch);

  // Probe every disagreement once more, few at a time, so a lost ICMP error
  // or a slow machine cannot pass for an engine bug.
  std::vector<std::size_t> differing;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (kernel[i] != decisions[i].verdict) differing.push_back(i);
  }
  int unstable = 0;
  if (!differing.empty()) {
    std::vector<Probe> again;
    for (const std::size_t i : differing) {
      Probe copy = probes[i];
      copy.id = NextProbeId();
      again.push_back(copy);
    }
    const std::vector<std::string> second =
        KernelVerdicts(lab, server, again, kReprobeTimeoutMs, scratch);
    for (std::size_t j = 0; j < differing.size(); ++j) {
      if (second[j] != kernel[differing[j]]) {
        ++unstable;
        std::cout << "  note: kernel verdict for " << Describe(probes[differing[j]])
                  << " changed on re-probe: " << kernel[differing[j]] << " -> " << second[j]
                  << "\n";
        kernel[differing[j]] = second[j];
      }
    }
  }
  server.Stop();

  std::map<std::string, int> counts;
  std::vector<std::string> report;
  int agree = 0;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    ++counts[kernel[i].rfind("error", 0) == 0 ? "error" : kernel[i]];
    if (kernel[i] == decisions[i].verdict) {
      ++agree;
      continue;
    }
    report.push_back("  DISAGREE " + Describe(probes[i]) + ": kernel " + kernel[i] +
                     ", ghostport " + decisions[i].verdict + " (decided by " +
                     DecidingRule(decisions[i]) + ")");
  }
  tally.probes += static_cast<int>(probes.size());
  tally.agree += agree;
  std::ostringstream summary;
  summary << "ruleset " << ruleset.name << " (" << family << "): " << probes.size()
          << " probes, " << agree << " agree [kernel:";
  for (const auto& [verdict, count] : counts) summary << " " << count << " " << verdict;
  summary << "]";
  if (unstable > 0) summary << " (" << unstable << " kernel verdicts changed on re-probe)";
  std::cout << summary.str() << std::endl;
  if (report.empty()) return true;
  for (std::size_t i = 0; i < report.size() && i < kMaxReportedDisagreements; ++i) {
    std::cout << report[i] << "\n";
  }
  if (report.size() > kMaxReportedDisagreements) {
    std::cout << "  ... and " << report.size() - kMaxReportedDisagreements << " more\n";
  }
  return fail(std::to_string(report.size()) + " of " + std::to_string(probes.size()) +
              " verdicts disagree with the kernel");
}

bool RequireGhostport() {
  const std::string binary = GhostportBinary();
  if (access(binary.c_str(), X_OK) == 0) return true;
  BOOST_ERROR("ghostport binary not found at " + binary +
              ": build the `ghostport` target (the kernel comparison cannot run without it)");
  return false;
}

// ---------------------------------------------------------------- generator

// Draws realistic iptables-save rulesets: a conntrack accept first, then
// rules over protocols, destination ports (single, range, multiport, negated),
// sources (hosts, subnets, iprange, negated), interfaces and conntrack states,
// with ACCEPT/DROP/REJECT/RETURN, jumps and gotos into user chains (only
// forward, so no loops). Never --sport or -d.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::string Ruleset(bool ipv6, int rule_count) {
    ipv6_ = ipv6;
    const int user_chains = Uniform(0, 3);
    chains_ = {"INPUT"};
    const char* names[] = {"ADMIN_IN", "SERVICES", "BLOCKLIST"};
    for (int i = 0; i < user_chains; ++i) chains_.push_back(names[i]);

    std::vector<std::vector<std::string>> rules(chains_.size());
    rules[0].push_back("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
    for (int n = 1; n < rule_count; ++n) {
      const std::size_t chain =
          user_chains == 0 || Chance(0.5) ? 0 : static_cast<std::size_t>(Uniform(1, user_chains));
      rules[chain].push_back(Rule(chain));
    }
    std::ostringstream out;
    out << "# Generated by " << (ipv6 ? "ip6tables-save" : "iptables-save")
        << " v1.8.9 on Tue Jun 11 09:00:00 2024\n*filter\n";
    out << ":INPUT " << (Chance(0.5) ? "ACCEPT" : "DROP") << " [0:0]\n";
    out << ":FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n";
    for (std::size_t i = 1; i < chains_.size(); ++i) out << ":" << chains_[i] << " - [0:0]\n";
    for (const auto& chain_rules : rules) {
      for (const std::string& rule : chain_rules) out << rule << "\n";
    }
    out << "COMMIT\n# Completed on Tue Jun 11 09:00:00 2024\n";
    return out.str();
  }

 private:
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Uniform(0, static_cast<int>(items.size()) - 1))];
  }
  std::string Negate(double p) { return Chance(p) ? "! " : ""; }

  std::string Port() {
    std::vector<int> ports = kPortPool;
    ports.insert(ports.end(), kExtraPorts.begin(), kExtraPorts.end());
    return std::to_string(Pick(ports));
  }
  // Mostly narrow ranges starting at a pool port (9000:9004), sometimes one
  // spanning several pool ports (443:3393). --dport takes 8080:8080,
  // multiport refuses it (only a:b with a < b).
  std::string Range(bool multiport) {
    int a = Pick(kPortPool);
    int b = Chance(0.6) ? a + Uniform(0, 10) : Pick(kPortPool);
    if (a > b) std::swap(a, b);
    if (a == b && multiport) return std::to_string(a);
    return std::to_string(a) + ":" + std::to_string(b);
  }

  std::string Ports(const std::string& proto) {
    switch (Uniform(0, 2)) {
      case 0: return "-m " + proto + " " + Negate(0.15) + "--dport " + Port() + " ";
      case 1: return "-m " + proto + " " + Negate(0.15) + "--dport " + Range(false) + " ";
      default: {
        std::vector<std::string> items;
        const int count = Uniform(2, 4);
        for (int i = 0; i < count; ++i) items.push_back(Chance(0.3) ? Range(true) : Port());
        return "-m multiport " + Negate(0.15) + "--dports " + Join(items, ",") + " ";
      }
    }
  }

  std::string Source() {
    static const std::vector<std::string> v4 = {
        "10.77.0.2/32",   "10.77.1.5/32",    "10.77.1.77/32",  "10.77.200.9/32",
        "192.168.7.7/32", "203.0.113.9/32",  "10.77.0.1/32",   "10.77.1.0/24",
        "10.77.0.0/24",   "10.77.200.0/24",  "10.77.0.0/16",   "192.168.7.0/24",
        "203.0.113.0/24", "10.0.0.0/8",      "192.168.0.0/16", "10.77.1.64/26"};
    static const std::vector<std::string> v6 = {
        "fd77::2/128",       "fd77::5/128",        "fd77:0:0:1::9/128", "2001:db8:7::7/128",
        "fd77::1/128",       "fd77::/64",          "fd77:0:0:1::/64",   "fd77::/48",
        "fd77::/16",         "2001:db8::/32",      "fd77::4/126",       "fd77::/127"};
    static const std::vector<std::string> v4_ranges = {
        "10.77.0.1-10.77.1.5", "10.77.1.0-10.77.1.100", "10.77.0.3-10.77.200.8",
        "192.168.7.1-203.0.113.255", "10.77.1.6-10.77.255.255", "10.77.0.2-10.77.0.2"};
    static const std::vector<std::string> v6_ranges = {
        "fd77::1-fd77::3", "fd77::3-fd77:0:0:1::ffff", "2001:db8:7::7-fd77::2",
        "fd77::5-fd77::5"};
    if (Chance(0.2)) {
      return "-m iprange " + Negate(0.2) + "--src-range " + Pick(ipv6_ ? v6_ranges : v4_ranges) +
             " ";
    }
    return Negate(0.2) + "-s " + Pick(ipv6_ ? v6 : v4) + " ";
  }

  std::string Interface() {
    static const std::vector<std::string> choices = {"-i veth-s ", "! -i veth-s ", "-i lo ",
                                                     "! -i lo ",    "-i veth+ ",    "-i eth0 "};
    return Pick(choices);
  }

  std::string State() {
    static const std::vector<std::string> choices = {
        "-m conntrack --ctstate NEW ", "-m conntrack --ctstate ESTABLISHED ",
        "-m conntrack --ctstate INVALID ", "-m conntrack ! --ctstate INVALID ",
        "-m state --state NEW,ESTABLISHED ", "-m conntrack --ctstate RELATED,ESTABLISHED "};
    return Pick(choices);
  }

  std::string Reject(const std::string& proto) {
    std::vector<std::string> kinds =
        ipv6_ ? std::vector<std::string>{"icmp6-port-unreachable", "icmp6-adm-prohibited",
                                          "icmp6-addr-unreachable", "icmp6-no-route"}
              : std::vector<std::string>{"icmp-port-unreachable", "icmp-host-unreachable",
                                          "icmp-net-unreachable", "icmp-host-prohibited",
                                          "icmp-admin-prohibited", "icmp-proto-unreachable"};
    if (proto == "tcp") kinds.insert(kinds.end(), 3, "tcp-reset");
    if (Chance(0.4)) kinds.assign(1, ipv6_ ? "icmp6-port-unreachable" : "icmp-port-unreachable");
    return "-j REJECT --reject-with " + Pick(kinds);
  }

  std::string Target(std::size_t chain, const std::string& proto) {
    std::vector<std::size_t> later;
    for (std::size_t i = chain + 1; i < chains_.size(); ++i) later.push_back(i);
    const int roll = Uniform(0, 99);
    if (roll < 30) return "-j ACCEPT";
    if (roll < 50) return "-j DROP";
    if (roll < 65) return Reject(proto);
    if (roll < 75) return "-j RETURN";
    if (roll < 95 && !later.empty()) {
      return (roll < 90 ? "-j " : "-g ") + chains_[Pick(later)];
    }
    if (roll < 95) return "-j ACCEPT";
    return "";  // no target: counts packets, decides nothing
  }

  std::string Rule(std::size_t chain) {
    std::string matches;
    if (Chance(0.5)) matches += Source();
    if (Chance(0.1)) matches += Interface();
    const int roll = Uniform(0, 9);
    const std::string proto = roll < 4 ? "tcp" : roll < 7 ? "udp" : "";
    if (!proto.empty()) {
      matches += "-p " + proto + " ";
      if (Chance(0.8)) matches += Ports(proto);
    }
    if (Chance(0.12)) matches += State();
    const std::string target = Target(chain, proto);
    // An unconditional verdict hides every rule after it: keep those rare.
    const bool decides = target == "-j ACCEPT" || target == "-j DROP" ||
                         target == "-j RETURN" || target.rfind("-j REJECT", 0) == 0;
    if (matches.empty() && decides && Chance(0.9)) matches = Source();
    std::string rule = "-A " + chains_[chain] + " " + matches + target;
    while (!rule.empty() && rule.back() == ' ') rule.pop_back();
    return rule;
  }

  std::mt19937_64 rng_;
  bool ipv6_ = false;
  std::vector<std::string> chains_;
};

std::uint64_t SeedFromEnvironment() {
  const char* text = std::getenv("GHOSTPORT_KERNEL_SEED");
  if (text == nullptr || *text == '\0') return kDefaultSeed;
  if (std::string(text) == "random") return std::random_device{}();
  return std::strtoull(text, nullptr, 10);
}

int GeneratedCountFromEnvironment() {
  const char* text = std::getenv("GHOSTPORT_KERNEL_RULESETS");
  if (text == nullptr || *text == '\0') return kDefaultGeneratedRulesets;
  return std::max(1, std::atoi(text));
}

void PrintTally(const Tally& tally) {
  std::ostringstream out;
  out << "total: " << tally.rulesets << " rulesets, " << tally.probes << " probes, "
      << tally.agree << " agree, " << tally.failed_rulesets << " rulesets failed";
  std::cout << out.str() << std::endl;
  BOOST_TEST(tally.failed_rulesets == 0, tally.failed_rulesets << " rulesets disagree with the kernel");
}

// Runs the probes for one ruleset through the kernel only and returns the
// verdicts (used to check the harness itself).
std::vector<std::string> KernelOnly(const Lab& lab, const std::string& text, bool ipv6,
                                    const std::vector<Probe>& probes, const fs::path& scratch) {
  const fs::path file = scratch / "baseline.rules";
  WriteFile(file, text);
  const std::string error = lab.Load(file, ipv6, scratch);
  if (!error.empty()) throw std::runtime_error("baseline ruleset refused: " + error);
  std::set<int> ports;
  for (const Probe& p : probes) ports.insert(p.port);
  Server server(lab, {ports.begin(), ports.end()}, scratch / "server.out");
  return KernelVerdicts(lab, server, probes, kClientTimeoutMs, scratch);
}

}  // namespace

// The measurement itself: with a ruleset that accepts, rejects or drops
// everything, every probe from every client address (and over lo) must come
// out that way, for both families and both protocols.
BOOST_AUTO_TEST_CASE(harness_measures_accept_reject_and_drop) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  WorkDir work;
  const Lab lab(*tools);
  const std::vector<int> ports = {22, 9000};
  const char* header = "*filter\n:INPUT ACCEPT [0:0]\n"
                       "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n";
  const std::pair<const char*, std::string> cases[] = {
      {"accept", ""},
      {"reject", "-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n-A INPUT -j REJECT\n"},
      {"drop", "-A INPUT -j DROP\n"}};
  int failures = 0;
  for (const bool ipv6 : {false, true}) {
    const std::vector<Probe> probes = MakeProbes(ports, ipv6);
    for (const auto& [expected, rules] : cases) {
      const std::vector<std::string> verdicts =
          KernelOnly(lab, std::string(header) + rules + "COMMIT\n", ipv6, probes, work.path());
      int matching = 0;
      for (std::size_t i = 0; i < probes.size(); ++i) {
        if (verdicts[i] == expected) {
          ++matching;
        } else {
          ++failures;
          std::cout << "  harness: " << Describe(probes[i]) << ": expected " << expected
                    << ", measured " << verdicts[i] << "\n";
        }
      }
      std::cout << "harness " << (ipv6 ? "ipv6" : "ipv4") << " all-" << expected << ": "
                << matching << "/" << probes.size() << " probes measured " << expected << "\n";
    }
  }
  if (failures > 0) work.Keep();
  BOOST_TEST(failures == 0, "the namespace harness mismeasured " << failures << " probes");
}

BOOST_AUTO_TEST_CASE(hand_written_rulesets_agree_with_the_kernel) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  if (!RequireGhostport()) return;
  WorkDir work;
  const Lab lab(*tools);
  const fs::path directory = fs::path(GHOSTPORT_SOURCE_DIR) / "tests" / "kernel" / "rulesets";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".rules") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  BOOST_TEST_REQUIRE(!files.empty(), "no *.rules in " << directory);
  Tally tally;
  for (const fs::path& file : files) {
    Ruleset ruleset;
    ruleset.name = file.filename().string();
    ruleset.path = file;
    ruleset.text = ReadFile(file);
    ruleset.ipv6 = IsIpv6Ruleset(ruleset.text);
    if (!CompareRuleset(lab, ruleset, work.path(), false, tally)) work.Keep();
  }
  PrintTally(tally);
}

BOOST_AUTO_TEST_CASE(generated_rulesets_agree_with_the_kernel) {
  const auto tools = RequireEnvironment();
  if (!tools) return;
  if (!RequireGhostport()) return;
  WorkDir work;
  const Lab lab(*tools);
  const std::uint64_t seed = SeedFromEnvironment();
  const int count = GeneratedCountFromEnvironment();
  std::cout << "generator seed " << seed << " (GHOSTPORT_KERNEL_SEED=" << seed
            << " reproduces it), " << count << " rulesets of " << kRulesPerGeneratedRuleset
            << " rules" << std::endl;
  Generator generator(seed);
  Tally tally;
  for (int i = 0; i < count; ++i) {
    Ruleset ruleset;
    ruleset.ipv6 = i % 5 == 4;  // every fifth one for ip6tables
    ruleset.name = "generated-" + std::to_string(i + 1) + ".rules";
    ruleset.path = work.path() / ruleset.name;
    ruleset.text = generator.Ruleset(ruleset.ipv6, kRulesPerGeneratedRuleset);
    WriteFile(ruleset.path, ruleset.text);
    if (!CompareRuleset(lab, ruleset, work.path(), true, tally)) work.Keep();
  }
  PrintTally(tally);
}
