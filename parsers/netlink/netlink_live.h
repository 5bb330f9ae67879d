// The live kernel reader: the running kernel's nftables ruleset, read over
// netlink (read-only dumps, netlink_dump.h), turned back into the syntax
// tree (netlink_rules.h) and lowered by the nftables front end's LowerNft.
#pragma once

#include <string>
#include <variant>

#include "parsers/diagnostic.h"
#include "parsers/netlink/netlink_dump.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers {

struct LiveOptions {
  // A named network namespace (/var/run/netns/NAME) to read instead of the
  // caller's; the calling thread joins it. Empty: the caller's.
  std::string network_namespace;
};

// The file name of the live ruleset's diagnostics and inputs.
inline constexpr const char* kLiveFileName = "<live>";

// The lowered ruleset, or the environment failure that kept it from being read.
using LiveReadResult = std::variant<ParseResult, netlink::DumpFailure>;

LiveReadResult ReadLiveNft(const LiveOptions& options);

// The syntax tree the kernel's objects give, before the lowering (for
// comparing what was read with nft's own listing).
std::variant<nft::RulesetSyntax, netlink::DumpFailure> ReadLiveNftSyntax(const LiveOptions& options);

}  // namespace ghostport::parsers
