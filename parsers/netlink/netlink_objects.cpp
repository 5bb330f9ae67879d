#include "parsers/netlink/netlink_objects.h"

#include <string_view>

#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <linux/netfilter/nf_tables.h>

namespace ghostport::parsers::netlink {

namespace {

struct KindRow {
  std::uint32_t type;
  std::string_view kind;  // as nft writes the object: `ct helper ftp { ... }`
};

constexpr KindRow kKinds[] = {
    {NFT_OBJECT_COUNTER, "counter"},     {NFT_OBJECT_QUOTA, "quota"},
    {NFT_OBJECT_CT_HELPER, "ct helper"}, {NFT_OBJECT_LIMIT, "limit"},
    {NFT_OBJECT_CONNLIMIT, "ct count"},  {NFT_OBJECT_TUNNEL, "tunnel"},
    {NFT_OBJECT_CT_TIMEOUT, "ct timeout"}, {NFT_OBJECT_SECMARK, "secmark"},
    {NFT_OBJECT_CT_EXPECT, "ct expectation"}, {NFT_OBJECT_SYNPROXY, "synproxy"},
};

std::string Str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

}  // namespace

std::string ObjectKind(std::uint32_t type) {
  for (const KindRow& k : kKinds) {
    if (k.type == type) return std::string(k.kind);
  }
  return "object " + std::to_string(type);
}

nft::ObjectSyntax ObjectOf(nftnl_obj* o) {
  nft::ObjectSyntax out;
  out.kind = ObjectKind(nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE));
  out.name = Str(nftnl_obj_get_str(o, NFTNL_OBJ_NAME));
  return out;
}

nft::ObjectSyntax FlowtableOf(nftnl_flowtable* f) {
  nft::ObjectSyntax out;
  out.kind = "flowtable";
  out.name = Str(nftnl_flowtable_get_str(f, NFTNL_FLOWTABLE_NAME));
  return out;
}

rules::IgnoredLine IgnoredObject(const nft::ObjectSyntax& o) {
  rules::IgnoredLine line;
  line.location = o.location;
  line.text = o.kind + " " + o.name;
  line.reason = o.kind + " " + o.name + ": a stateful object or flowtable; it does not decide which packets get in";
  return line;
}

}  // namespace ghostport::parsers::netlink
