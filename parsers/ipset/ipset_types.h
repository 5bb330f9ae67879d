// ipset's set types (ipset 7.17): what an element of each is made of, which
// families it serves and which create options it takes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "parsers/ipset/ipset_dump.h"

namespace ghostport::parsers {

// One comma-separated part of an element.
enum class IpsetPart : std::uint8_t {
  kIp,       // an address; IPv4 also IP/CIDR and IP-IP (every address in them)
  kPlainIp,  // an address only (hash:ip,port,ip's second address)
  kNet,      // IP[/CIDR] (a host without one), IPv4 also IP-IP: a net that nomatch may carve
  kPort,     // [PROTO:]PORT[-PORT], tcp when no protocol; icmp:TYPE/CODE or a name
  kBarePort, // bitmap:port: PORT[-PORT] (a "tcp:" prefix is read and dropped)
  kIface,    // [physdev:]NAME
  kMac,      // not modelled
  kMark,     // not modelled
  kSetName,  // list:set: a member set
};

enum class IpsetFamilies : std::uint8_t {
  kEither,    // hash types: "family inet" (the default) or "family inet6"
  kIpv4Only,  // bitmap:ip, bitmap:ip,mac
  kNone,      // bitmap:port, hash:mac, list:set: no family option, both families
};

struct IpsetTypeRow {
  std::string_view name;
  std::span<const IpsetPart> parts;
  IpsetFamilies families;
  bool nomatch;        // elements may be "nomatch" (types with a net)
  bool needs_range;    // bitmap types: "range" is mandatory
  bool takes_netmask;  // hash:ip, bitmap:ip
  bool takes_bitmask;  // hash:ip
  bool takes_markmask; // hash:ip,mark
  bool hash;           // hashsize, maxelem, bucketsize, initval, forceadd
  bool is_list;        // list:set: "size"
};

// nullptr when ipset has no such type.
const IpsetTypeRow* FindIpsetType(std::string_view name);

// The dimension an element part stands for.
IpsetDimension DimensionOf(IpsetPart part);

}  // namespace ghostport::parsers
