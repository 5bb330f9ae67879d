#include "tests/kernel/lab.h"

#include <fcntl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "tests/kernel/ruleset_kind.h"

namespace ghostport::kernel_test {

namespace {

using namespace std::chrono_literals;

constexpr const char* kNamespacePrefix = "gp-ka-";  // gp-ka-{cli,srv,bak}-PID-INDEX
constexpr std::array<const char*, 3> kRoles = {"cli-", "srv-", "bak-"};  // by Host
constexpr const char* kServerMac = "02:77:00:00:00:01";
constexpr const char* kClientMac = "02:77:00:00:00:02";
constexpr const char* kForwardMac = "02:77:00:00:00:03";
constexpr const char* kBackendMac = "02:77:00:00:00:04";

// /run/netns paths of every lab namespace, for the signal handler: an
// interrupted run (ctest timeout, Ctrl-C) still unmounts them, and they die
// with their last process, taking the veth pairs with them.
constexpr std::size_t kMaxMounts = 12;
constexpr std::size_t kMaxPath = 96;
char g_mounts[kMaxMounts][kMaxPath] = {};

void RememberMount(const std::string& path) {
  for (auto& slot : g_mounts) {
    if (slot[0] == '\0' && path.size() < kMaxPath) {
      std::memcpy(slot, path.c_str(), path.size() + 1);
      return;
    }
  }
}

void ForgetMount(const std::string& path) {
  for (auto& slot : g_mounts) {
    if (path == slot) slot[0] = '\0';
  }
}

void OnFatalSignal(int signal_number) {
  KillChildren();
  for (auto& slot : g_mounts) {
    if (slot[0] == '\0') continue;
    umount2(slot, MNT_DETACH);
    unlink(slot);
  }
  ::signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void InstallCleanupOnSignals() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction action {};
  action.sa_handler = OnFatalSignal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    sigaction(signal_number, &action, nullptr);
  }
}

// Runs `body` in a child process that has entered the namespace; returns
// the body's result (0 = success), or -1 when the child failed otherwise.
int InNamespace(const std::string& ns, const std::function<int()>& body) {
  const std::string ns_path = "/run/netns/" + ns;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int ns_fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0 || setns(ns_fd, CLONE_NEWNET) != 0) _exit(255);
    _exit(body());
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Writes a sysctl inside the current network namespace (no procps needed).
int WriteSysctlHere(const std::string& key, const std::string& value) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  const std::string text = value + "\n";
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return ok ? 0 : 1;
}

// Deletes every conntrack entry of the current network namespace over
// ctnetlink (what `conntrack -F` does), for both families.
int FlushConntrackHere() {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) return 1;
  std::uint32_t sequence = 0;
  for (const int family : {AF_INET, AF_INET6}) {
    struct {
      nlmsghdr header;
      nfgenmsg body;
    } request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    request.header.nlmsg_seq = ++sequence;
    request.body.nfgen_family = static_cast<std::uint8_t>(family);
    request.body.version = NFNETLINK_V0;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
      return 2;
    }
    alignas(nlmsghdr) char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < static_cast<ssize_t>(sizeof(nlmsghdr))) return 3;
    const auto* reply = reinterpret_cast<const nlmsghdr*>(buffer);
    if (reply->nlmsg_type != NLMSG_ERROR) return 4;
    const auto* error = reinterpret_cast<const nlmsgerr*>(NLMSG_DATA(reply));
    // ENOENT: nothing to flush (conntrack never ran in this namespace).
    if (error->error != 0 && error->error != -ENOENT) return 5;
  }
  close(fd);
  return 0;
}

void Check(const RunResult& result, const std::vector<std::string>& argv) {
  if (result.status != 0) {
    throw std::runtime_error("`" + Join(argv) + "` failed (status " +
                             std::to_string(result.status) + "): " + result.err);
  }
}

// True while the process runs (a zombie, killed and not yet reaped, does not).
bool ProcessRuns(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state != 'Z' && state != 'X';
}

// Removes namespaces left behind by a run that was killed (its PID is gone).
void RemoveStaleNamespaces(const Tools& tools) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/run/netns", error)) {
    const std::string name = entry.path().filename().string();
    for (const char* role : kRoles) {
      const std::string prefix = std::string(kNamespacePrefix) + role;
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string rest = name.substr(prefix.size());
      const std::string pid_text = rest.substr(0, rest.find('-'));
      if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
      if (pid != getpid() && !ProcessRuns(pid)) {
        Run({tools.ip, "netns", "del", name});
      }
    }
  }
}

}  // namespace

Lab::Lab(const Tools& tools, int index) : tools_(tools) {
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    names_[i] = std::string(kNamespacePrefix) + kRoles[i] + std::to_string(getpid()) + "-" +
                std::to_string(index);
  }
  InstallCleanupOnSignals();
  RemoveStaleNamespaces(tools_);
  Delete();  // a leftover of this very PID
  try {
    Build();
  } catch (...) {
    Delete();
    throw;
  }
}

Lab::~Lab() { Delete(); }

const std::string& Lab::Namespace(Host host) const {
  return names_[static_cast<std::size_t>(host)];
}

std::vector<std::string> Lab::In(Host host, const std::vector<std::string>& argv) const {
  std::vector<std::string> full = {tools_.ip, "netns", "exec", Namespace(host)};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

std::string Lab::Load(const fs::path& ruleset, bool ipv6, const fs::path& scratch) const {
  auto run = [this](const LoadStep& step, const std::string& what) -> std::string {
    const RunResult result = Run(In(Host::kServer, step.argv), step.input);
    if (result.status == 0) return "";
    return fs::path(step.argv.front()).filename().string() + what + " failed: " + result.err;
  };
  for (const LoadStep& step : FlushCommands(tools_, scratch)) {
    if (std::string error = run(step, " (flush)"); !error.empty()) return error;
  }
  const std::optional<RulesetKind> kind = KindOf(ruleset);
  if (kind) {
    if (const std::string missing = MissingTools(tools_, *kind); !missing.empty()) {
      return ruleset.filename().string() + " needs " + missing + ", which is not installed";
    }
  }
  if (std::string error = run(LoadCommand(tools_, ruleset, ipv6), ""); !error.empty()) {
    return error;
  }
  if (const int rc = InNamespace(Namespace(Host::kServer), FlushConntrackHere); rc != 0) {
    return "cannot flush the server's conntrack table over ctnetlink (step " +
           std::to_string(rc) + ")";
  }
  return "";
}

void Lab::Ip(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {tools_.ip};
  argv.insert(argv.end(), args.begin(), args.end());
  Check(Run(argv), argv);
}

void Lab::Sysctl(Host host, const std::string& key, const std::string& value,
                 bool required) const {
  const int rc = InNamespace(Namespace(host), [&] { return WriteSysctlHere(key, value); });
  if (rc != 0 && required) {
    throw std::runtime_error("cannot set " + key + "=" + value + " in " + Namespace(host));
  }
}

void Lab::Build() {
  const std::string& server = Namespace(Host::kServer);
  const std::string& client = Namespace(Host::kClient);
  const std::string& backend = Namespace(Host::kBackend);
  for (const std::string& ns : names_) {
    Ip({"netns", "add", ns});
    RememberMount("/run/netns/" + ns);
  }
  // Created directly inside the namespaces: no name clash on the host.
  Ip({"link", "add", kServerVeth, "netns", server, "address", kServerMac, "type", "veth",
      "peer", "name", kClientVeth, "netns", client, "address", kClientMac});
  Ip({"link", "add", kForwardVeth, "netns", server, "address", kForwardMac, "type", "veth",
      "peer", "name", kBackendVeth, "netns", backend, "address", kBackendMac});
  for (const Host host : {Host::kClient, Host::kServer, Host::kBackend}) {
    // No duplicate address detection, no reverse-path filtering.
    Sysctl(host, "net.ipv6.conf.all.accept_dad", "0", false);
    Sysctl(host, "net.ipv6.conf.default.accept_dad", "0", false);
    Sysctl(host, "net.ipv4.conf.all.rp_filter", "0", true);
    Sysctl(host, "net.ipv4.conf.default.rp_filter", "0", true);
    Ip({"-n", Namespace(host), "link", "set", "lo", "up"});
  }
  Sysctl(Host::kServer, std::string("net.ipv4.conf.") + kServerVeth + ".rp_filter", "0", true);
  Sysctl(Host::kServer, std::string("net.ipv4.conf.") + kForwardVeth + ".rp_filter", "0", true);
  Sysctl(Host::kClient, std::string("net.ipv4.conf.") + kClientVeth + ".rp_filter", "0", true);
  Sysctl(Host::kBackend, std::string("net.ipv4.conf.") + kBackendVeth + ".rp_filter", "0", true);
  // The server routes between the client and the backend.
  Sysctl(Host::kServer, "net.ipv4.ip_forward", "1", true);
  Sysctl(Host::kServer, "net.ipv6.conf.all.forwarding", "1", true);
  // REJECT answers hundreds of probes at once: no ICMP rate limits.
  Sysctl(Host::kServer, "net.ipv4.icmp_ratelimit", "0", true);
  Sysctl(Host::kServer, "net.ipv4.icmp_ratemask", "0", true);
  Sysctl(Host::kServer, "net.ipv4.icmp_msgs_per_sec", "1000000", false);  // per netns on newer kernels
  Sysctl(Host::kServer, "net.ipv4.icmp_msgs_burst", "1000000", false);
  Sysctl(Host::kServer, "net.ipv6.icmp.ratelimit", "0", true);
  Sysctl(Host::kServer, "net.ipv6.icmp.ratemask", "", false);

  Ip({"-n", server, "addr", "add", std::string(kServerV4) + "/16", "dev", kServerVeth});
  Ip({"-n", server, "addr", "add", std::string(kServerV6) + "/64", "dev", kServerVeth, "nodad"});
  Ip({"-n", server, "addr", "add", std::string(kForwardV4) + "/24", "dev", kForwardVeth});
  Ip({"-n", server, "addr", "add", std::string(kForwardV6) + "/64", "dev", kForwardVeth,
      "nodad"});
  Ip({"-n", backend, "addr", "add", std::string(kBackendV4) + "/24", "dev", kBackendVeth});
  Ip({"-n", backend, "addr", "add", std::string(kBackendV6) + "/64", "dev", kBackendVeth,
      "nodad"});
  for (const ClientAddress& a : kClientV4) {
    Ip({"-n", client, "addr", "add", std::string(a.address) + "/" + std::to_string(a.prefix),
        "dev", kClientVeth});
  }
  for (const ClientAddress& a : kClientV6) {
    Ip({"-n", client, "addr", "add", std::string(a.address) + "/" + std::to_string(a.prefix),
        "dev", kClientVeth, "nodad"});
  }
  Ip({"-n", server, "link", "set", kServerVeth, "up"});
  Ip({"-n", server, "link", "set", kForwardVeth, "up"});
  Ip({"-n", client, "link", "set", kClientVeth, "up"});
  Ip({"-n", backend, "link", "set", kBackendVeth, "up"});
  for (const ServerRoute& route : kServerRoutes) {
    if (!route.connected) Ip({"-n", server, "route", "add", route.prefix, "dev", route.dev});
  }
  Ip({"-n", backend, "route", "add", "default", "via", kForwardV4, "dev", kBackendVeth});
  Ip({"-n", backend, "-6", "route", "add", "default", "via", kForwardV6, "dev", kBackendVeth});
  // Static neighbours: address resolution never depends on the ruleset
  // (ip6tables would otherwise filter neighbour discovery).
  for (const char* address : {kServerV4, kServerV6}) {
    Ip({"-n", client, "neigh", "replace", address, "lladdr", kServerMac, "dev", kClientVeth,
        "nud", "permanent"});
  }
  std::vector<const char*> clients;
  for (const ClientAddress& a : kClientV4) clients.push_back(a.address);
  for (const ClientAddress& a : kClientV6) clients.push_back(a.address);
  for (const char* address : clients) {
    Ip({"-n", server, "neigh", "replace", address, "lladdr", kClientMac, "dev", kServerVeth,
        "nud", "permanent"});
  }
  for (const char* address : {kBackendV4, kBackendV6}) {
    Ip({"-n", server, "neigh", "replace", address, "lladdr", kBackendMac, "dev", kForwardVeth,
        "nud", "permanent"});
  }
  for (const char* address : {kForwardV4, kForwardV6}) {
    Ip({"-n", backend, "neigh", "replace", address, "lladdr", kForwardMac, "dev", kBackendVeth,
        "nud", "permanent"});
  }
}

void Lab::Delete() const {
  for (const std::string& ns : names_) {
    const std::string mount = "/run/netns/" + ns;
    if (fs::exists(mount)) Run({tools_.ip, "netns", "del", ns});
    ForgetMount(mount);
  }
}

}  // namespace ghostport::kernel_test
