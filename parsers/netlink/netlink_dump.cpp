#include "parsers/netlink/netlink_dump.h"

#include <cerrno>
#include <cstring>
#include <functional>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <unistd.h>

namespace ghostport::parsers::netlink {

void NftnlDeleter::operator()(nftnl_table* t) const { nftnl_table_free(t); }
void NftnlDeleter::operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
void NftnlDeleter::operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
void NftnlDeleter::operator()(nftnl_set* s) const { nftnl_set_free(s); }
void NftnlDeleter::operator()(nftnl_obj* o) const { nftnl_obj_free(o); }
void NftnlDeleter::operator()(nftnl_flowtable* f) const { nftnl_flowtable_free(f); }

namespace {

constexpr int kDumpTypes[] = {NFT_MSG_GETTABLE,   NFT_MSG_GETCHAIN, NFT_MSG_GETRULE,     NFT_MSG_GETSET,
                              NFT_MSG_GETSETELEM, NFT_MSG_GETOBJ,   NFT_MSG_GETFLOWTABLE};

// A dump's answers can be large; the kernel fills up to a page or more per
// message (several per datagram).
constexpr std::size_t kBufferSize = 1 << 17;

std::string ReasonOf(int error_number) {
  if (error_number == EPERM || error_number == EACCES) {
    return "permission denied: reading the nftables ruleset needs CAP_NET_ADMIN (run as root)";
  }
  if (error_number == EPROTONOSUPPORT || error_number == ENOENT) {
    return std::string("nf_tables is not available in this kernel (") + std::strerror(error_number) + ")";
  }
  return std::strerror(error_number);
}

class Dumper {
 public:
  ~Dumper() {
    if (socket_ != nullptr) mnl_socket_close(socket_);
  }

  std::optional<DumpFailure> Open() {
    socket_ = mnl_socket_open(NETLINK_NETFILTER);
    if (socket_ == nullptr) return Failure("netlink socket (NETLINK_NETFILTER)", errno);
    if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) return Failure("netlink socket (bind)", errno);
    portid_ = mnl_socket_get_portid(socket_);
    return std::nullopt;
  }

  // Sends one dump request built by `build` (into a header from
  // nftnl_nlmsg_build_hdr) and hands every answer to `parse`.
  std::optional<DumpFailure> Dump(const std::string& resource, int type, std::uint16_t family,
                                  const std::function<void(nlmsghdr*)>& build,
                                  const std::function<void(const nlmsghdr*)>& parse) {
    std::vector<char> buf(kBufferSize);
    const std::uint32_t seq = ++seq_;
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf.data(), static_cast<std::uint16_t>(type), family, NLM_F_DUMP, seq);
    if (build) build(nlh);
    errno = 0;
    if (std::optional<std::string> refused = SendDumpRequest(socket_, nlh)) {
      return DumpFailure{resource, *refused, errno};  // errno 0: refused, not sent
    }
    parse_ = &parse;
    for (;;) {
      const ssize_t n = mnl_socket_recvfrom(socket_, buf.data(), buf.size());
      if (n < 0) return Failure(resource, errno);
      const int r = mnl_cb_run(buf.data(), static_cast<std::size_t>(n), seq, portid_, &Dumper::OnMessage, this);
      if (r < 0) return Failure(resource, errno);
      if (r == MNL_CB_STOP) break;
    }
    return std::nullopt;
  }

 private:
  static int OnMessage(const nlmsghdr* nlh, void* data) {
    auto* self = static_cast<Dumper*>(data);
    (*self->parse_)(nlh);
    return MNL_CB_OK;
  }

  static DumpFailure Failure(const std::string& resource, int error_number) {
    return DumpFailure{resource, ReasonOf(error_number), error_number};
  }

  mnl_socket* socket_ = nullptr;
  unsigned int portid_ = 0;
  std::uint32_t seq_ = static_cast<std::uint32_t>(::getpid()) << 8;
  const std::function<void(const nlmsghdr*)>* parse_ = nullptr;
};

template <class Ptr, class Alloc, class Parse>
std::function<void(const nlmsghdr*)> Collector(std::vector<Ptr>& out, Alloc alloc, Parse parse) {
  return [&out, alloc, parse](const nlmsghdr* nlh) {
    Ptr p(alloc());
    if (p && parse(nlh, p.get()) >= 0) out.push_back(std::move(p));
  };
}

std::string SetResource(nftnl_set* s) {
  return std::string("elements of set ") + nftnl_set_get_str(s, NFTNL_SET_TABLE) + " @" +
         nftnl_set_get_str(s, NFTNL_SET_NAME);
}

}  // namespace

std::optional<std::string> CheckDumpRequest(const nlmsghdr* nlh) {
  if (nlh == nullptr) return "no message";
  if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES) return "not an nf_tables message";
  const int type = nlh->nlmsg_type & 0xff;
  bool get = false;
  for (int t : kDumpTypes) get = get || t == type;
  if (!get) return "message type " + std::to_string(type) + " is not a GET request";
  if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP) return "a GET request without NLM_F_DUMP";
  // The message type alone says what nf_tables does (NLM_F_REPLACE and
  // NLM_F_EXCL share their bits with NLM_F_DUMP's ROOT and MATCH).
  if ((nlh->nlmsg_flags & NLM_F_REQUEST) == 0) return "not a request";
  return std::nullopt;
}

std::optional<std::string> SendDumpRequest(mnl_socket* socket, const nlmsghdr* nlh) {
  if (std::optional<std::string> refused = CheckDumpRequest(nlh)) return refused;
  if (socket == nullptr) return "no socket";
  if (mnl_socket_sendto(socket, nlh, nlh->nlmsg_len) < 0) return std::string("send failed: ") + std::strerror(errno);
  return std::nullopt;
}

DumpResult DumpRuleset() {
  Dumper d;
  if (auto f = d.Open()) return *f;
  KernelRuleset out;
  if (auto f = d.Dump("nf_tables tables", NFT_MSG_GETTABLE, NFPROTO_UNSPEC, {},
                      Collector(out.tables, nftnl_table_alloc, nftnl_table_nlmsg_parse))) {
    return *f;
  }
  if (auto f = d.Dump("nf_tables chains", NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, {},
                      Collector(out.chains, nftnl_chain_alloc, nftnl_chain_nlmsg_parse))) {
    return *f;
  }
  if (auto f = d.Dump("nf_tables rules", NFT_MSG_GETRULE, NFPROTO_UNSPEC, {},
                      Collector(out.rules, nftnl_rule_alloc, nftnl_rule_nlmsg_parse))) {
    return *f;
  }
  if (auto f = d.Dump("nf_tables sets", NFT_MSG_GETSET, NFPROTO_UNSPEC, {},
                      Collector(out.sets, nftnl_set_alloc, nftnl_set_nlmsg_parse))) {
    return *f;
  }
  if (auto f = d.Dump("nf_tables objects", NFT_MSG_GETOBJ, NFPROTO_UNSPEC, {},
                      Collector(out.objects, nftnl_obj_alloc, nftnl_obj_nlmsg_parse))) {
    return *f;
  }
  if (auto f = d.Dump("nf_tables flowtables", NFT_MSG_GETFLOWTABLE, NFPROTO_UNSPEC, {},
                      Collector(out.flowtables, nftnl_flowtable_alloc, nftnl_flowtable_nlmsg_parse))) {
    return *f;
  }
  for (SetPtr& s : out.sets) {
    nftnl_set* set = s.get();
    const auto family = static_cast<std::uint16_t>(nftnl_set_get_u32(set, NFTNL_SET_FAMILY));
    auto build = [set](nlmsghdr* nlh) {
      std::unique_ptr<nftnl_set, NftnlDeleter> query(nftnl_set_alloc());
      nftnl_set_set_str(query.get(), NFTNL_SET_TABLE, nftnl_set_get_str(set, NFTNL_SET_TABLE));
      nftnl_set_set_str(query.get(), NFTNL_SET_NAME, nftnl_set_get_str(set, NFTNL_SET_NAME));
      nftnl_set_elems_nlmsg_build_payload(nlh, query.get());
    };
    auto parse = [set](const nlmsghdr* nlh) { nftnl_set_elems_nlmsg_parse(nlh, set); };
    if (auto f = d.Dump(SetResource(set), NFT_MSG_GETSETELEM, family, build, parse)) return *f;
  }
  return out;
}

}  // namespace ghostport::parsers::netlink
