#include "parsers/netlink/netlink_live.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "parsers/netlink/netlink_rules.h"
#include "parsers/nftables/nft_lowering.h"

namespace ghostport::parsers {

namespace {

std::optional<netlink::DumpFailure> JoinNamespace(const std::string& name) {
  const std::string path = "/var/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return netlink::DumpFailure{"network namespace " + path, std::strerror(errno), errno};
  const int r = ::setns(fd, CLONE_NEWNET);
  const int e = errno;
  ::close(fd);
  if (r != 0) return netlink::DumpFailure{"network namespace " + path, std::strerror(e), e};
  return std::nullopt;
}

}  // namespace

std::variant<nft::RulesetSyntax, netlink::DumpFailure> ReadLiveNftSyntax(const LiveOptions& options) {
  if (!options.network_namespace.empty()) {
    if (auto f = JoinNamespace(options.network_namespace)) return *f;
  }
  netlink::DumpResult dump = netlink::DumpRuleset();
  if (auto* f = std::get_if<netlink::DumpFailure>(&dump)) return *f;
  return netlink::SyntaxOf(std::get<netlink::KernelRuleset>(dump));
}

LiveReadResult ReadLiveNft(const LiveOptions& options) {
  auto syntax = ReadLiveNftSyntax(options);
  if (auto* f = std::get_if<netlink::DumpFailure>(&syntax)) return *f;
  ParseResult out;
  out.ruleset = LowerNft(std::get<nft::RulesetSyntax>(syntax), kLiveFileName, out.diagnostics);
  return out;
}

}  // namespace ghostport::parsers
