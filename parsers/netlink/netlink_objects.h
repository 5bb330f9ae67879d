// Stateful objects (named counters, quotas, limits, ct helpers, ...) and
// flowtables as the kernel lists them, as the text front end records them:
// nft::ObjectSyntax (kind and name) in their table, and a line read but not
// modelled, since they do not decide which packets get in.
#pragma once

#include <cstdint>
#include <string>

#include "parsers/nftables/nft_syntax.h"
#include "rules/model.h"

struct nftnl_obj;
struct nftnl_flowtable;

namespace ghostport::parsers::netlink {

// nft's name of an object type (NFT_OBJECT_*): "counter", "quota", "ct
// helper", ...; "object N" for a type it does not know.
std::string ObjectKind(std::uint32_t type);

nft::ObjectSyntax ObjectOf(nftnl_obj* o);
nft::ObjectSyntax FlowtableOf(nftnl_flowtable* f);

// What the text front end records for an object it reads past.
rules::IgnoredLine IgnoredObject(const nft::ObjectSyntax& o);

}  // namespace ghostport::parsers::netlink
