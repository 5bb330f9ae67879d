#include "parsers/netfilter_names.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "rules/model.h"
#include "rules/protocols.h"

namespace ghostport::parsers {

namespace {

struct NumberName {
  const char* name;
  std::uint8_t number;
};

struct ServiceRow {
  const char* name;
  std::uint16_t port;
};

// The common names, checked first; then netbase's (below). Never this
// machine's /etc/services.
constexpr ServiceRow kServices[] = {
    {"ftp-data", 20},       {"ftp", 21},             {"ssh", 22},            {"telnet", 23},
    {"smtp", 25},           {"time", 37},            {"whois", 43},          {"tacacs", 49},
    {"domain", 53},         {"bootps", 67},          {"bootpc", 68},         {"tftp", 69},
    {"gopher", 70},         {"finger", 79},          {"http", 80},           {"www", 80},
    {"kerberos", 88},       {"pop3", 110},           {"sunrpc", 111},        {"auth", 113},
    {"nntp", 119},          {"ntp", 123},            {"epmap", 135},         {"netbios-ns", 137},
    {"netbios-dgm", 138},   {"netbios-ssn", 139},    {"imap", 143},          {"imap2", 143},
    {"snmp", 161},          {"snmp-trap", 162},      {"bgp", 179},           {"irc", 194},
    {"ldap", 389},          {"https", 443},          {"microsoft-ds", 445},  {"isakmp", 500},
    {"syslog", 514},        {"printer", 515},        {"submission", 587},    {"submissions", 465},
    {"ipp", 631},           {"ldaps", 636},          {"rsync", 873},         {"imaps", 993},
    {"pop3s", 995},         {"openvpn", 1194},       {"ms-sql-s", 1433},     {"l2tp", 1701},
    {"pptp", 1723},         {"radius", 1812},        {"radius-acct", 1813},  {"nfs", 2049},
    {"mysql", 3306},        {"ms-wbt-server", 3389}, {"ipsec-nat-t", 4500},  {"sip", 5060},
    {"sip-tls", 5061},      {"xmpp-client", 5222},   {"postgresql", 5432},   {"mdns", 5353},
    {"http-alt", 8080},     {"git", 9418},
};

struct BitsRow {
  const char* name;
  std::uint8_t bits;
};

constexpr std::uint8_t kTcpAllFlags = rules::kTcpFin | rules::kTcpSyn | rules::kTcpRst |
                                      rules::kTcpPsh | rules::kTcpAck | rules::kTcpUrg;

constexpr BitsRow kTcpFlags[] = {
    {"FIN", rules::kTcpFin}, {"SYN", rules::kTcpSyn}, {"RST", rules::kTcpRst},
    {"PSH", rules::kTcpPsh}, {"ACK", rules::kTcpAck}, {"URG", rules::kTcpUrg},
    {"ALL", kTcpAllFlags},   {"NONE", 0},
};

constexpr BitsRow kCtStates[] = {
    {"NEW", rules::kCtNew},
    {"ESTABLISHED", rules::kCtEstablished},
    {"RELATED", rules::kCtRelated},
    {"INVALID", rules::kCtInvalid},
    {"UNTRACKED", rules::kCtUntracked},
};

constexpr BitsRow kCtNatStates[] = {
    {"SNAT", rules::kCtNatSnat},
    {"DNAT", rules::kCtNatDnat},
};

struct AddrTypeRow {
  const char* name;
  std::uint16_t bit;
  bool ipv6;  // the kernel's addrtype match can test it for IPv6
};

// The routing table's address types (RTN_*), as addrtype names them.
constexpr AddrTypeRow kAddrTypes[] = {
    {"UNSPEC", rules::kAddrUnspec, true},         {"UNICAST", rules::kAddrUnicast, true},
    {"LOCAL", rules::kAddrLocal, true},           {"BROADCAST", rules::kAddrBroadcast, false},
    {"ANYCAST", rules::kAddrAnycast, true},       {"MULTICAST", rules::kAddrMulticast, true},
    {"BLACKHOLE", rules::kAddrBlackhole, false},  {"UNREACHABLE", rules::kAddrUnreachable, true},
    {"PROHIBIT", rules::kAddrProhibit, false},    {"THROW", rules::kAddrThrow, false},
    {"NAT", rules::kAddrNat, false},              {"XRESOLVE", rules::kAddrXresolve, false},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

template <typename Table>
std::optional<std::uint8_t> FindBits(const Table& table, std::string_view name) {
  for (const auto& row : table) {
    if (EqualsIgnoreCase(row.name, name)) return row.bits;
  }
  return std::nullopt;
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

}  // namespace

std::optional<std::uint8_t> ProtocolNumber(std::string_view name) {
  if (EqualsIgnoreCase("all", name)) return 0;  // iptables' word for any protocol
  // netbase's /etc/protocols name for 135 (ipv6-mh, mh), which ip6tables
  // reads through getprotobyname.
  if (EqualsIgnoreCase("mobility-header", name)) return 135;
  return rules::ProtocolNumber(name);
}

const char* ProtocolName(std::uint8_t number) {
  return number == 0 ? "all" : rules::CanonicalProtocolName(number);
}

bool ProtocolHasPorts(std::uint8_t number) { return rules::HasPorts(number); }

// Every name Debian's netbase /etc/services gives, as getservbyname(3)
// resolves it for iptables and nft on a Debian host (generated, sorted).
constexpr ServiceRow kNetbaseServices[] = {
#include "parsers/services_netbase.inc"
};

std::optional<std::uint16_t> ServicePort(std::string_view name) {
  for (const auto& row : kServices) {
    if (name == row.name) return row.port;
  }
  const auto* end = std::end(kNetbaseServices);
  const auto* it = std::lower_bound(std::begin(kNetbaseServices), end, name,
                                    [](const ServiceRow& row, std::string_view n) { return std::string_view(row.name) < n; });
  if (it != end && name == it->name) return it->port;
  return std::nullopt;
}

std::optional<std::uint8_t> TcpFlagBits(std::string_view name) { return FindBits(kTcpFlags, name); }

std::optional<std::uint8_t> CtStateBit(std::string_view name) { return FindBits(kCtStates, name); }

std::optional<std::uint8_t> CtNatBit(std::string_view name) { return FindBits(kCtNatStates, name); }

std::optional<std::uint16_t> AddrTypeBit(std::string_view name) {
  for (const auto& row : kAddrTypes) {
    if (EqualsIgnoreCase(row.name, name)) return row.bit;
  }
  return std::nullopt;
}

bool AddrTypeWorksForIpv6(std::uint16_t bit) {
  for (const auto& row : kAddrTypes) {
    if (row.bit == bit) return row.ipv6;
  }
  return false;
}

const char* AddrTypeName(std::uint16_t bit) {
  for (const auto& row : kAddrTypes) {
    if (row.bit == bit) return row.name;
  }
  return "?";
}

std::optional<std::uint64_t> ParseXtablesNumber(std::string_view text, std::uint64_t max) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit = DigitValue(c);
    if (digit >= base) return std::nullopt;
    const auto b = static_cast<std::uint64_t>(base), d = static_cast<std::uint64_t>(digit);
    if (d > max || value > (max - d) / b) return std::nullopt;  // value * b + d > max, without wrapping
    value = value * b + d;
  }
  return value;
}

}  // namespace ghostport::parsers
