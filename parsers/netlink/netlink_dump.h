// The dump layer of the live reader: one NETLINK_NETFILTER socket (libmnl),
// dump requests only, the kernel's answers kept as libnftnl objects.
//
// Read-only by construction: every message goes out through
// SendDumpRequest, which refuses anything but an nf_tables GET request with
// NLM_F_DUMP (CheckDumpRequest says why). Environment failures (no socket,
// no CAP_NET_ADMIN) are a DumpFailure naming the resource and the reason;
// nothing here throws.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

struct mnl_socket;
struct nlmsghdr;
struct nftnl_table;
struct nftnl_chain;
struct nftnl_rule;
struct nftnl_set;
struct nftnl_obj;
struct nftnl_flowtable;

namespace ghostport::parsers::netlink {

struct NftnlDeleter {
  void operator()(nftnl_table* t) const;
  void operator()(nftnl_chain* c) const;
  void operator()(nftnl_rule* r) const;
  void operator()(nftnl_set* s) const;
  void operator()(nftnl_obj* o) const;
  void operator()(nftnl_flowtable* f) const;
};
using TablePtr = std::unique_ptr<nftnl_table, NftnlDeleter>;
using ChainPtr = std::unique_ptr<nftnl_chain, NftnlDeleter>;
using RulePtr = std::unique_ptr<nftnl_rule, NftnlDeleter>;
using SetPtr = std::unique_ptr<nftnl_set, NftnlDeleter>;
using ObjectPtr = std::unique_ptr<nftnl_obj, NftnlDeleter>;
using FlowtablePtr = std::unique_ptr<nftnl_flowtable, NftnlDeleter>;

// Everything the kernel listed, in its order; every set carries its elements.
struct KernelRuleset {
  std::vector<TablePtr> tables;
  std::vector<ChainPtr> chains;
  std::vector<RulePtr> rules;
  std::vector<SetPtr> sets;
  std::vector<ObjectPtr> objects;  // named counters, quotas, limits, ct helpers, ...
  std::vector<FlowtablePtr> flowtables;
};

struct DumpFailure {
  std::string resource;  // "netlink socket", "nf_tables tables", "elements of set inet filter @x", ...
  std::string reason;    // "permission denied: reading the ruleset needs CAP_NET_ADMIN", ...
  int error_number = 0;  // errno
};

using DumpResult = std::variant<KernelRuleset, DumpFailure>;

// Why `nlh` may not be sent, or nullopt when it is an nf_tables dump request
// (NFT_MSG_GETTABLE, GETCHAIN, GETRULE, GETSET, GETSETELEM, GETOBJ or
// GETFLOWTABLE with NLM_F_REQUEST and NLM_F_DUMP; the type alone decides
// what nf_tables does: GETOBJ_RESET, which zeroes counters, is refused).
std::optional<std::string> CheckDumpRequest(const nlmsghdr* nlh);

// The one function that sends: refuses (returns the reason, sends nothing)
// what CheckDumpRequest refuses.
std::optional<std::string> SendDumpRequest(mnl_socket* socket, const nlmsghdr* nlh);

// Dumps every table, chain, rule, set, set element, stateful object and
// flowtable of every family, in the caller's network namespace.
DumpResult DumpRuleset();

}  // namespace ghostport::parsers::netlink
