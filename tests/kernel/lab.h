// The lab: three network namespaces joined by two veth pairs.
//
//   client  veth-c ------ veth-s  server  veth-b ------ veth-k  backend
//   10.77.0.2/16 ...      10.77.0.1/16    10.77.9.1/24          10.77.9.2/24
//   fd77::2/64 ...        fd77::1/64      fd77:9::1/64          fd77:9::2/64
//
// The server loads the ruleset under test and forwards (ip_forward and IPv6
// forwarding on) to the backend, whose default route points back at the
// server; the client has several source addresses and no firewall, nor has
// the backend. Neighbours are static, so address resolution never depends on
// the ruleset. Only the lab's own addresses are ever used.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "tests/kernel/process.h"

namespace ghostport::kernel_test {

enum class Host { kClient, kServer, kBackend };

constexpr const char* kServerVeth = "veth-s";   // server, towards the client
constexpr const char* kClientVeth = "veth-c";   // client, towards the server
constexpr const char* kForwardVeth = "veth-b";  // server, towards the backend
constexpr const char* kBackendVeth = "veth-k";  // backend, towards the server
constexpr const char* kServerV4 = "10.77.0.1";
constexpr const char* kServerV6 = "fd77::1";
constexpr const char* kForwardV4 = "10.77.9.1";
constexpr const char* kForwardV6 = "fd77:9::1";
constexpr const char* kBackendV4 = "10.77.9.2";
constexpr const char* kBackendV6 = "fd77:9::2";

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

// The server's routing table, the subnets of its own addresses included:
// ghostport is told it (`--route PREFIX=DEV`), so that a forwarded packet
// leaves through the interface the kernel sends it out of.
struct ServerRoute {
  const char* prefix;
  const char* dev;
  bool connected;  // comes with the server's address on `dev`
};
constexpr std::array<ServerRoute, 8> kServerRoutes{{{"10.77.0.0/16", kServerVeth, true},
                                                    {"fd77::/64", kServerVeth, true},
                                                    {"10.77.9.0/24", kForwardVeth, true},
                                                    {"fd77:9::/64", kForwardVeth, true},
                                                    // back to the client addresses outside the veth subnet
                                                    {"192.168.7.0/24", kServerVeth, false},
                                                    {"203.0.113.0/24", kServerVeth, false},
                                                    {"fd77:0:0:1::/64", kServerVeth, false},
                                                    {"2001:db8:7::/64", kServerVeth, false}}};

struct Tools {
  std::string ip;
  std::string iptables_restore;
  std::string ip6tables_restore;
  std::string nft;  // optional: "" when absent
};

class Lab {
 public:
  // Removes namespaces left by killed runs, then builds the lab (its
  // namespaces are gp-ka-{cli,srv,bak}-PID-INDEX, so several labs can run
  // side by side). Throws on failure, after removing whatever it had built.
  explicit Lab(const Tools& tools, int index = 0);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& Namespace(Host host) const;
  const Tools& tools() const { return tools_; }

  // "ip netns exec NS argv..."
  std::vector<std::string> In(Host host, const std::vector<std::string>& argv) const;

  // Empties the server of every kind of ruleset (every iptables table of
  // both families, every nftables table), loads the ruleset as its kind says
  // (ruleset_kind.h: iptables-restore or ip6tables-restore, as `ipv6` says,
  // for *.rules; nft -f for *.nft), then flushes the server's connection
  // tracking table, so no connection of an earlier ruleset (with its NAT
  // binding) is still there. Returns an error text, or "" on success.
  std::string Load(const fs::path& ruleset, bool ipv6, const fs::path& scratch) const;

 private:
  void Build();
  void Delete() const;
  void Ip(const std::vector<std::string>& args) const;
  void Sysctl(Host host, const std::string& key, const std::string& value, bool required) const;

  Tools tools_;
  std::array<std::string, 3> names_;  // by Host
};

}  // namespace ghostport::kernel_test
