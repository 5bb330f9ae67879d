#include "rules/protocols.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace ghostport::rules {

namespace {

struct NumberName {
  const char* name;
  std::uint8_t number;
};

// iptables' and nftables' protocol names plus the usual /etc/protocols
// entries, so that whatever name a firewall tool printed reads back. The
// first row for a number is its canonical name.
constexpr NumberName kProtocols[] = {
    {"icmp", 1},         {"igmp", 2},           {"ggp", 3},           {"ipencap", 4},
    {"st", 5},           {"tcp", 6},            {"egp", 8},           {"igp", 9},
    {"pup", 12},         {"udp", 17},           {"hmp", 20},          {"xns-idp", 22},
    {"rdp", 27},         {"iso-tp4", 29},       {"dccp", 33},         {"xtp", 36},
    {"ddp", 37},         {"idpr-cmtp", 38},     {"ipv6", 41},         {"ipv6-route", 43},
    {"ipv6-frag", 44},   {"idrp", 45},          {"rsvp", 46},         {"gre", 47},
    {"esp", 50},         {"ah", 51},            {"skip", 57},         {"icmpv6", 58},
    {"ipv6-icmp", 58},   {"ipv6-nonxt", 59},    {"ipv6-opts", 60},    {"rspf", 73},
    {"vmtp", 81},        {"eigrp", 88},         {"ospf", 89},         {"ax.25", 93},
    {"ipip", 94},        {"etherip", 97},       {"encap", 98},        {"pim", 103},
    {"ipcomp", 108},     {"vrrp", 112},         {"l2tp", 115},        {"isis", 124},
    {"sctp", 132},       {"ipv6-mh", 135},      {"mh", 135},          {"udplite", 136},
    {"mpls-in-ip", 137},
};

constexpr std::uint8_t kPortProtocols[] = {6, 17, 33, 132, 136};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::uint8_t> ProtocolNumber(std::string_view name) {
  for (const auto& row : kProtocols) {
    if (EqualsIgnoreCase(row.name, name)) return row.number;
  }
  return std::nullopt;
}

const char* CanonicalProtocolName(std::uint8_t number) {
  for (const auto& row : kProtocols) {
    if (row.number == number) return row.name;
  }
  return nullptr;
}

std::string ProtocolName(std::uint8_t number) {
  const char* name = CanonicalProtocolName(number);
  return name ? name : std::to_string(number);
}

std::span<const std::uint8_t> PortProtocols() { return kPortProtocols; }

ProtocolSet PortProtocolSet() {
  std::vector<Interval<std::uint8_t>> iv;
  for (std::uint8_t p : kPortProtocols) iv.push_back({p, p});
  return ProtocolSet::FromIntervals(std::move(iv));
}

bool HasPorts(std::uint8_t number) {
  return std::find(std::begin(kPortProtocols), std::end(kPortProtocols), number) != std::end(kPortProtocols);
}

}  // namespace ghostport::rules
