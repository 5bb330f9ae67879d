// Delinearisation: a kernel rule's expressions (payload, meta, cmp, lookup,
// immediate, ...) back into nftables statements. A table of handlers, one
// per expression name, each acting on a small register machine: registers
// hold what was loaded (a payload field, a meta or ct key, a fib result,
// with any bitwise mask), immediate data, or a map lookup's result; a
// comparison, range or set lookup on a register is a Match, an immediate
// verdict a VerdictStmt, nat/masq/redir a NatStmt from the registers they
// name, and the statements that do not compare (counter, log, limit, ...) an
// OtherStmt with nft's keyword. An expression without a handler becomes an
// OtherStmt "unknown" naming it: nothing is dropped.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/nftables/nft_syntax.h"

struct nftnl_rule;
struct nftnl_set;

namespace ghostport::parsers::netlink {

struct RuleContext {
  std::string family;  // the table's: ip, ip6, inet, arp, bridge, netdev
  // The table's set of this name (named or anonymous), or nullptr.
  std::function<nftnl_set*(const std::string&)> find_set;
};

std::vector<nft::Statement> DelinearizeRule(nftnl_rule* rule, const RuleContext& ctx);

// The expression names the table has handlers for (the README lists them).
std::vector<std::string_view> HandledExpressions();

}  // namespace ghostport::parsers::netlink
