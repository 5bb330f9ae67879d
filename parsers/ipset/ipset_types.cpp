#include "parsers/ipset/ipset_types.h"

namespace ghostport::parsers {

namespace {

using P = IpsetPart;
constexpr P kIpParts[] = {P::kIp};
constexpr P kNetParts[] = {P::kNet};
constexpr P kIpPortParts[] = {P::kIp, P::kPort};
constexpr P kNetPortParts[] = {P::kNet, P::kPort};
constexpr P kIpPortIpParts[] = {P::kIp, P::kPort, P::kPlainIp};
constexpr P kIpPortNetParts[] = {P::kIp, P::kPort, P::kNet};
constexpr P kNetPortNetParts[] = {P::kNet, P::kPort, P::kNet};
constexpr P kNetNetParts[] = {P::kNet, P::kNet};
constexpr P kNetIfaceParts[] = {P::kNet, P::kIface};
constexpr P kIpMarkParts[] = {P::kIp, P::kMark};
constexpr P kMacParts[] = {P::kMac};
constexpr P kIpMacParts[] = {P::kIp, P::kMac};
constexpr P kBarePortParts[] = {P::kBarePort};
constexpr P kSetParts[] = {P::kSetName};

using F = IpsetFamilies;

// {name, parts, families, nomatch, needs_range, netmask, bitmask, markmask, hash, list}
constexpr IpsetTypeRow kTypes[] = {
    {"hash:ip", kIpParts, F::kEither, false, false, true, true, false, true, false},
    {"hash:net", kNetParts, F::kEither, true, false, false, false, false, true, false},
    {"hash:ip,port", kIpPortParts, F::kEither, false, false, false, false, false, true, false},
    {"hash:net,port", kNetPortParts, F::kEither, true, false, false, false, false, true, false},
    {"hash:ip,port,ip", kIpPortIpParts, F::kEither, false, false, false, false, false, true, false},
    {"hash:ip,port,net", kIpPortNetParts, F::kEither, true, false, false, false, false, true, false},
    {"hash:net,port,net", kNetPortNetParts, F::kEither, true, false, false, false, false, true, false},
    {"hash:net,net", kNetNetParts, F::kEither, true, false, false, false, false, true, false},
    {"hash:net,iface", kNetIfaceParts, F::kEither, true, false, false, false, false, true, false},
    {"hash:ip,mark", kIpMarkParts, F::kEither, false, false, false, false, true, true, false},
    {"hash:mac", kMacParts, F::kNone, false, false, false, false, false, true, false},
    {"hash:ip,mac", kIpMacParts, F::kEither, false, false, false, false, false, true, false},
    {"bitmap:ip", kIpParts, F::kIpv4Only, false, true, true, false, false, false, false},
    {"bitmap:ip,mac", kIpMacParts, F::kIpv4Only, false, true, false, false, false, false, false},
    {"bitmap:port", kBarePortParts, F::kNone, false, true, false, false, false, false, false},
    {"list:set", kSetParts, F::kNone, false, false, false, false, false, false, true},
};

}  // namespace

const IpsetTypeRow* FindIpsetType(std::string_view name) {
  for (const auto& row : kTypes) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

IpsetDimension DimensionOf(IpsetPart part) {
  switch (part) {
    case P::kIp:
    case P::kPlainIp:
    case P::kNet: return IpsetDimension::kAddress;
    case P::kPort: return IpsetDimension::kPort;
    case P::kBarePort: return IpsetDimension::kBarePort;
    case P::kIface: return IpsetDimension::kInterface;
    case P::kMac: return IpsetDimension::kMac;
    case P::kMark: return IpsetDimension::kMark;
    case P::kSetName: return IpsetDimension::kSet;
  }
  return IpsetDimension::kMark;
}

}  // namespace ghostport::parsers
