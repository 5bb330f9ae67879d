#include "parsers/windows/windows_keywords.h"

#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

using rules::Interval;

const std::vector<KeywordInfo>& Table() {
  static const std::vector<KeywordInfo> kTable = {
      {"RPC", KeywordKind::kLocalPort, {}, "the dynamic ports the RPC endpoint mapper hands to the rule's service (49152-65535 unless the host's dynamic range was changed: netsh int ipv4 show dynamicport tcp)",
       Interval<std::uint16_t>{49152, 65535}},
      {"RPCEPMap", KeywordKind::kLocalPort, {"RPC-EPMap"}, "the RPC endpoint mapper (TCP 135)",
       Interval<std::uint16_t>{135, 135}, true},
      {"IPHTTPSIn", KeywordKind::kLocalPort, {"IPHTTPS", "IPTLSIn"}, "IP-HTTPS tunnelling (TCP 443)",
       Interval<std::uint16_t>{443, 443}, true},
      {"Teredo", KeywordKind::kLocalPort, {}, "the UDP port the Teredo tunnel adapter uses (chosen on the host)", {}},
      {"PlayToDiscovery", KeywordKind::kLocalPort, {"Ply2Disc"}, "Play To device discovery (ports chosen on the host)",
       {}},
      {"DHCP", KeywordKind::kLocalPort, {}, "the DHCP client port the host uses", {}},
      {"mDNS", KeywordKind::kLocalPort, {}, "multicast DNS (UDP 5353)", Interval<std::uint16_t>{5353, 5353}, true},
      {"TcpCDPSvc", KeywordKind::kLocalPort, {}, "the Connected Devices Platform service's TCP ports (chosen on the host)",
       {}},
      {"IPHTTPSOut", KeywordKind::kRemotePort, {"IPHTTPS", "IPTLSOut"}, "IP-HTTPS tunnelling (TCP 443)",
       Interval<std::uint16_t>{443, 443}, true},
      {"CortanaOut", KeywordKind::kRemotePort, {}, "Cortana's remote ports (chosen on the host)", {}},
      {"LocalSubnet", KeywordKind::kRemoteAddress, {}, "the subnets of this host's interfaces", {}},
      {"DNS", KeywordKind::kRemoteAddress, {}, "the DNS servers this host is configured with", {}},
      {"DHCP", KeywordKind::kRemoteAddress, {}, "the DHCP servers this host is configured with", {}},
      {"WINS", KeywordKind::kRemoteAddress, {}, "the WINS servers this host is configured with", {}},
      {"DefaultGateway", KeywordKind::kRemoteAddress, {}, "this host's default gateways", {}},
      {"Intranet", KeywordKind::kRemoteAddress, {"IntrAnet"}, "the addresses Windows counts as the intranet", {}},
      {"Internet", KeywordKind::kRemoteAddress, {"IntErnet"}, "the addresses Windows counts as the internet", {}},
      {"IntranetRemoteAccess", KeywordKind::kRemoteAddress, {"RmtIntrAnet"},
       "the intranet addresses of remote-access clients", {}},
      {"PlayToDevice", KeywordKind::kRemoteAddress, {"Ply2Renders"}, "Play To devices found on the network", {}},
      {"CaptivePortal", KeywordKind::kRemoteAddress, {}, "a captive portal's addresses", {}},
  };
  return kTable;
}

const KeywordInfo* Match(KeywordKind kind, std::string_view text) {
  for (const KeywordInfo& k : Table()) {
    if (k.kind != kind) continue;
    if (SameWord(k.name, text)) return &k;
    for (std::string_view s : k.spellings) {
      if (SameWord(s, text)) return &k;
    }
  }
  return nullptr;
}

}  // namespace

const KeywordInfo* FindKeyword(KeywordKind kind, std::string_view text, char* family_suffix) {
  if (family_suffix != nullptr) *family_suffix = 0;
  if (const KeywordInfo* k = Match(kind, text)) return k;
  if (kind == KeywordKind::kRemoteAddress && text.size() > 1 && (text.back() == '4' || text.back() == '6')) {
    if (const KeywordInfo* k = Match(kind, text.substr(0, text.size() - 1))) {
      if (family_suffix != nullptr) *family_suffix = text.back();
      return k;
    }
  }
  return nullptr;
}

const KeywordInfo* KeywordByName(KeywordKind kind, std::string_view name) {
  for (const KeywordInfo& k : Table()) {
    if (k.kind == kind && k.name == name) return &k;
  }
  return nullptr;
}

}  // namespace ghostport::parsers::windows
