#include "parsers/windows/windows_rule_string.h"

#include <algorithm>

#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

using rules::Family;

struct Token {
  std::string_view name;
  std::string_view value;
  size_t value_offset;
};

// How a token acts on the rule; an error message, or empty.
using Handler = std::string (*)(const Token& t, WindowsRule& r);

std::string Bool(const Token& t, bool& out) {
  if (SameWord(t.value, "TRUE")) {
    out = true;
  } else if (SameWord(t.value, "FALSE")) {
    out = false;
  } else {
    return std::string(t.name) + " must be TRUE or FALSE, not \"" + std::string(t.value) + "\"";
  }
  return {};
}

void Unknown(const Token& t, WindowsRule& r, std::string reason) {
  r.unknowns.push_back({std::string(t.name) + "=" + std::string(t.value), std::move(reason), {}});
}

std::string OnAction(const Token& t, WindowsRule& r) {
  if (SameWord(t.value, "Allow")) {
    r.action = Action::kAllow;
  } else if (SameWord(t.value, "Block")) {
    r.action = Action::kBlock;
  } else if (SameWord(t.value, "ByPass")) {
    r.action = Action::kBypass;
  } else {
    return "Action must be Allow, Block or ByPass, not \"" + std::string(t.value) + "\"";
  }
  return {};
}

std::string OnActive(const Token& t, WindowsRule& r) { return Bool(t, r.enabled); }

std::string OnDir(const Token& t, WindowsRule& r) {
  if (SameWord(t.value, "In")) {
    r.direction = Direction::kIn;
  } else if (SameWord(t.value, "Out")) {
    r.direction = Direction::kOut;
  } else {
    return "Dir must be In or Out, not \"" + std::string(t.value) + "\"";
  }
  return {};
}

std::string OnProtocol(const Token& t, WindowsRule& r) { return ParseProtocol(t.value, r.protocol); }
std::string OnLocalPort(const Token& t, WindowsRule& r) { return AddPort(t.value, KeywordKind::kLocalPort, r.local_ports); }
std::string OnRemotePort(const Token& t, WindowsRule& r) {
  return AddPort(t.value, KeywordKind::kRemotePort, r.remote_ports);
}
std::string OnIcmp(const Token& t, WindowsRule& r) { return AddIcmp(t.value, r.icmp); }
std::string OnLa4(const Token& t, WindowsRule& r) { return AddAddress(t.value, r.local_addresses, Family::kIpv4); }
std::string OnLa6(const Token& t, WindowsRule& r) { return AddAddress(t.value, r.local_addresses, Family::kIpv6); }
std::string OnRa4(const Token& t, WindowsRule& r) { return AddAddress(t.value, r.remote_addresses, Family::kIpv4); }
std::string OnRa6(const Token& t, WindowsRule& r) { return AddAddress(t.value, r.remote_addresses, Family::kIpv6); }
std::string OnApp(const Token& t, WindowsRule& r) {
  r.program = std::string(t.value);
  return {};
}
std::string OnSvc(const Token& t, WindowsRule& r) {
  r.service = std::string(t.value);
  return {};
}
std::string OnPackage(const Token& t, WindowsRule& r) {
  r.package = std::string(t.value);
  return {};
}
std::string OnName(const Token& t, WindowsRule& r) {
  r.name = std::string(t.value);
  return {};
}
std::string OnDesc(const Token& t, WindowsRule& r) {
  r.description = std::string(t.value);
  return {};
}
std::string OnGroup(const Token& t, WindowsRule& r) {
  r.group = std::string(t.value);
  return {};
}
std::string OnInterface(const Token& t, WindowsRule& r) {
  r.interfaces.emplace_back(t.value);
  return {};
}
std::string OnInterfaceType(const Token& t, WindowsRule& r) {
  r.interface_types.emplace_back(t.value);
  return {};
}
std::string OnEdge(const Token& t, WindowsRule& r) {
  bool edge = false;
  std::string e = Bool(t, edge);
  if (e.empty() && edge && r.edge == EdgeTraversal::kBlock) r.edge = EdgeTraversal::kAllow;
  return e;
}
std::string OnDefer(const Token& t, WindowsRule& r) {
  if (SameWord(t.value, "App")) {
    r.edge = EdgeTraversal::kDeferToApp;
  } else if (SameWord(t.value, "User")) {
    r.edge = EdgeTraversal::kDeferToUser;
  } else {
    return "Defer must be App or User, not \"" + std::string(t.value) + "\"";
  }
  return {};
}
std::string OnSecurity(const Token& t, WindowsRule& r) {
  r.security += (r.security.empty() ? "" : ",") + std::string(t.value);
  return {};
}
std::string OnAuthorised(const Token& t, WindowsRule& r) {
  Unknown(t, r, "only the machines or users this security descriptor authorises are let through");
  return {};
}
std::string OnOwner(const Token& t, WindowsRule& r) {
  Unknown(t, r, "a per-user rule: it applies to this user's application only");
  return {};
}
std::string OnTrustTuple(const Token& t, WindowsRule& r) {
  Unknown(t, r, "a trust-tuple keyword: the ports and peers are decided on the host");
  return {};
}
std::string OnPlatform(const Token& t, WindowsRule& r) {
  Unknown(t, r, "the rule applies only on the Windows versions it names");
  return {};
}
std::string OnNetworkNames(const Token& t, WindowsRule& r) {
  Unknown(t, r, "the rule applies only on the networks it names");
  return {};
}
// Tokens that change nothing an inbound connection's acceptance depends on.
std::string OnIrrelevant(const Token&, WindowsRule&) { return {}; }

struct TokenRow {
  std::string_view name;
  Handler handler;
};

constexpr TokenRow kTokens[] = {
    {"Action", OnAction},         {"Active", OnActive},
    {"Dir", OnDir},
    {"Protocol", OnProtocol},     {"LPort", OnLocalPort},
    {"LPort2_10", OnLocalPort},   {"LPort2_20", OnLocalPort},
    {"RPort", OnRemotePort},      {"RPort2_10", OnRemotePort},
    {"ICMP4", OnIcmp},            {"ICMP6", OnIcmp},
    {"LA4", OnLa4},               {"LA6", OnLa6},
    {"RA4", OnRa4},               {"RA6", OnRa6},
    {"RA42", OnRa4},              {"RA62", OnRa6},
    {"App", OnApp},               {"Svc", OnSvc},
    {"AppPkgId", OnPackage},      {"Name", OnName},
    {"Desc", OnDesc},             {"EmbedCtxt", OnGroup},
    {"IF", OnInterface},          {"IFType", OnInterfaceType},
    {"Edge", OnEdge},             {"Defer", OnDefer},
    {"Security", OnSecurity},     {"Security2_9", OnSecurity},
    {"Security2", OnSecurity},    {"RMauth", OnAuthorised},
    {"RUAuth", OnAuthorised},     {"LUAuth", OnAuthorised},
    {"LUAuth2_24", OnAuthorised}, {"LUOwn", OnOwner},
    {"TTK", OnTrustTuple},        {"TTK2_22", OnTrustTuple},
    {"TTK2_27", OnTrustTuple},    {"TTK2_28", OnTrustTuple},
    {"Platform", OnPlatform},     {"NNm", OnNetworkNames},
    // Outbound bypass, UDP port mapping, profile crossing, the version to
    // skip at, the realm: nothing an inbound connection's fate depends on.
    {"AuthByPassOut", OnIrrelevant}, {"LSM", OnIrrelevant},
    {"LOM", OnIrrelevant},           {"PCross", OnIrrelevant},
    {"Platform2", OnIrrelevant},     {"SkipVer", OnIrrelevant},
    {"SecurityRealmId", OnIrrelevant},
};

const TokenRow* FindToken(std::string_view name) {
  for (const TokenRow& t : kTokens) {
    if (SameWord(t.name, name)) return &t;
  }
  return nullptr;
}

bool IsVersion(std::string_view v) {
  if (v.size() < 4 || (v[0] != 'v' && v[0] != 'V')) return false;
  size_t dot = v.find('.');
  if (dot == std::string_view::npos || dot == 1 || dot + 1 == v.size()) return false;
  for (size_t i = 1; i < v.size(); ++i) {
    if (i != dot && (v[i] < '0' || v[i] > '9')) return false;
  }
  return dot - 1 <= 3 && v.size() - dot - 1 <= 3;
}

}  // namespace

std::optional<RuleStringError> ParseRuleString(std::string_view text, WindowsRule& out) {
  size_t bar = text.find('|');
  if (!IsVersion(text.substr(0, bar))) {
    return RuleStringError{"a firewall rule string starts with its schema version (v2.30|...), not \"" +
                               std::string(text.substr(0, std::min<size_t>(bar, 20))) + "\"",
                           0};
  }
  out.enabled = false;  // no Active token: disabled
  std::uint8_t profiles = 0;
  size_t pos = bar == std::string_view::npos ? text.size() : bar + 1;
  while (pos < text.size()) {
    size_t end = text.find('|', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view field = text.substr(pos, end - pos);
    if (!field.empty()) {
      size_t eq = field.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        return RuleStringError{"a rule string field is TOKEN=VALUE, not \"" + std::string(field) + "\"", pos};
      }
      Token t{field.substr(0, eq), field.substr(eq + 1), pos + eq + 1};
      if (SameWord(t.name, "Profile")) {
        // Repeated: the profiles accumulate; none at all means every profile.
        std::uint8_t bit = ProfileBit(t.value);
        if (bit == 0) {
          return RuleStringError{"Profile must be Domain, Private or Public, not \"" + std::string(t.value) + "\"",
                                 t.value_offset};
        }
        profiles |= bit;
      } else if (const TokenRow* row = FindToken(t.name)) {
        std::string e = row->handler(t, out);
        if (!e.empty()) return RuleStringError{std::move(e), t.value_offset};
      } else {
        Unknown(t, out, "a token this version of ghostport does not know; it can only narrow the rule");
      }
    }
    pos = end + 1;
  }
  if (profiles != 0) out.profiles = profiles;
  const bool has_ports = !out.local_ports.Any() || !out.remote_ports.Any();
  if (has_ports && (!out.protocol || (*out.protocol != 6 && *out.protocol != 17))) {
    return RuleStringError{"ports are only valid with Protocol=6 (TCP) or 17 (UDP)", 0};
  }
  if (!out.icmp.empty() && (!out.protocol || (*out.protocol != 1 && *out.protocol != 58))) {
    return RuleStringError{"ICMP types are only valid with Protocol=1 (ICMPv4) or 58 (ICMPv6)", 0};
  }
  return std::nullopt;
}

}  // namespace ghostport::parsers::windows
