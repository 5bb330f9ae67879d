// Targets read option by option (kTargets): NAT (DNAT, REDIRECT, SNAT,
// MASQUERADE) and CT --notrack. Their values are read as iptables 1.8.9
// reads them: --to-destination [ADDR[-ADDR]][:PORT[-PORT[/BASE]]], IPv6
// addresses in brackets when a port follows; --to-ports PORT[-PORT].

#include <algorithm>

#include "parsers/iptables/iptables_rule_parser.h"
#include "parsers/netfilter_names.h"

namespace ghostport::parsers::iptables {

namespace {

// The protocols iptables lets a NAT target map ports for (libxt_NAT's
// "Need TCP, UDP, SCTP or DCCP with port specification"; IPv4 also maps
// ICMP ids). A "!" before -p is not looked at, as in iptables.
constexpr std::uint8_t kNatPortProtocols4[] = {6, 17, 132, 33, 1};
constexpr std::uint8_t kNatPortProtocols6[] = {6, 17, 132, 33};

// The addresses lo..hi; a range that runs backwards wraps around, as
// netfilter's choice of address does (lo + a hash modulo hi - lo + 1).
AddressSet AddressRange(Family family, rules::u128 lo, rules::u128 hi) {
  if (lo <= hi) return AddressSet::OfRange(family, lo, hi);
  return AddressSet::OfRange(family, lo, rules::MaxAddress(family)).Union(AddressSet::OfRange(family, 0, hi));
}

}  // namespace

void RuleParser::OnToDestination(const OptionUse& use) {
  nat_to_given_ = true;
  if (std::optional<NatSpec> spec = ParseNatTo(use.values[0])) {
    CheckNatPortProtocol(*spec);
    nat_ = std::move(*spec);
  }
}

void RuleParser::OnToSource(const OptionUse& use) { OnToDestination(use); }

void RuleParser::OnToPorts(const OptionUse& use) {
  const std::size_t v = use.values[0];
  const std::string_view text = Text(v);
  if (text.find(':') != std::string_view::npos) {
    return Error(v, "bad port range " + Quote(v) + ": --to-ports takes PORT-PORT, with a dash");
  }
  const bool redirect = target_->row->kind == VerdictKind::kRedirect;
  bool shifted = false;
  std::optional<PortSet> ports = ParseNatPorts(text, v, !redirect, shifted);
  if (!ports) return;
  NatSpec spec;
  spec.ports = std::move(*ports);
  spec.token = v;
  spec.shifted = shifted;
  CheckNatPortProtocol(spec);
  nat_ = std::move(spec);
}

void RuleParser::OnNatRandom(const OptionUse&) { nat_random_ = true; }

void RuleParser::OnTargetFlag(const OptionUse&) {}

void RuleParser::OnNotrack(const OptionUse&) { notrack_ = true; }

void RuleParser::FinishDnat(rules::Verdict& verdict) {
  if (!nat_) {
    if (!nat_to_given_) Error(target_->name, "the DNAT target needs --to-destination");
    return;
  }
  verdict.nat.addresses = nat_->addresses;
  verdict.nat.ports = nat_->ports;
  if (nat_->shifted) {
    verdict.kind = VerdictKind::kUnknown;
    verdict.reason = "a shifted port mapping (PORT-PORT/BASE) is not modelled";
  } else if (nat_random_ && nat_->ports && nat_->ports->Min() != nat_->ports->Max()) {
    verdict.kind = VerdictKind::kUnknown;
    verdict.reason = "a port picked at random within a range (--random) is not modelled";
  }
}

void RuleParser::FinishRedirect(rules::Verdict& verdict) {
  if (!nat_) return;  // keeps the port
  verdict.nat.ports = nat_->ports;
  if (nat_random_ && nat_->ports->Min() != nat_->ports->Max()) {
    verdict.kind = VerdictKind::kUnknown;
    verdict.reason = "a port picked at random within a range (--random) is not modelled";
  }
}

// Source NAT does not change what is exposed: the verdict keeps no target.
void RuleParser::FinishSnat(rules::Verdict&) {
  if (!nat_to_given_) Error(target_->name, "the SNAT target needs --to-source");
}

void RuleParser::FinishMasquerade(rules::Verdict&) {}

void RuleParser::FinishCt(rules::Verdict& verdict) {
  if (notrack_) verdict.kind = VerdictKind::kNotrack;
}

// netfilter refuses a target outside its table at once, and outside its
// hooks when the section ends (the lowering checks hook_limits).
void RuleParser::CheckTargetPlace(const TargetRow& row, std::size_t name_token) {
  if (row.table == nullptr && row.hooks == 0) return;  // most targets: anywhere
  const std::string what = "the " + std::string(row.name) + " target";
  if (row.table != nullptr && context_.table != row.table) {
    return Error(name_token, what + " is only valid in the " + row.table +
                                 " table (iptables-restore refuses it in the " + context_.table + " table)");
  }
  if (row.hooks != 0) command_->hook_limits.push_back({row.hooks, tokens_[name_token], what});
}

void RuleParser::CheckNatPortProtocol(const NatSpec& spec) {
  if (!spec.ports) return;
  const std::span<const std::uint8_t> allowed =
      context_.family == Family::kIpv4 ? std::span<const std::uint8_t>(kNatPortProtocols4)
                                       : std::span<const std::uint8_t>(kNatPortProtocols6);
  if (protocol_ && std::find(allowed.begin(), allowed.end(), protocol_->number) != allowed.end()) return;
  Error(spec.token, "a port in " + Quote(spec.token) +
                        " needs \"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p dccp\" before the target");
}

// --to-destination / --to-source: [ADDR[-ADDR]][:PORTS]. IPv6 writes the
// addresses in brackets when ports follow ("[::1]:80"); without brackets a
// text with one colon is ADDR:PORTS and one with several is an address.
std::optional<NatSpec> RuleParser::ParseNatTo(std::size_t token) {
  const std::string_view text = Text(token);
  std::string_view addresses = text;
  std::optional<std::string_view> ports;
  if (context_.family == Family::kIpv6 && text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      Error(token, "bad IPv6 NAT target " + Quote(token) + ": \"[\" without \"]\"");
      return std::nullopt;
    }
    addresses = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (rest.starts_with(':')) {
      ports = rest.substr(1);
    } else if (!rest.empty()) {
      Warning(token, "\"" + std::string(rest) + "\" after \"]\" is ignored, as iptables ignores it (a port follows \":\")");
    }
  } else {
    const std::size_t colon = text.find(':');
    const bool one_colon = colon != std::string_view::npos &&
                           (context_.family == Family::kIpv4 || text.find(':', colon + 1) == std::string_view::npos);
    if (one_colon) {
      addresses = text.substr(0, colon);
      ports = text.substr(colon + 1);
    }
  }
  NatSpec spec;
  spec.token = token;
  if (!addresses.empty() || !ports) {
    std::optional<AddressSet> set = ParseNatAddresses(addresses, token);
    if (!set) return std::nullopt;
    spec.addresses = std::move(*set);
  }
  if (ports) {
    std::optional<PortSet> set = ParseNatPorts(*ports, token, true, spec.shifted);
    if (!set) return std::nullopt;
    spec.ports = std::move(*set);
  }
  return spec;
}

// ADDR or ADDR-ADDR, plain addresses (no prefix, no host name).
std::optional<AddressSet> RuleParser::ParseNatAddresses(std::string_view text, std::size_t token) {
  const Family family = context_.family;
  const std::size_t dash = text.find('-');
  const std::string_view first = text.substr(0, dash);
  const std::string_view last = dash == std::string_view::npos ? first : text.substr(dash + 1);
  std::optional<rules::u128> lo = rules::ParseAddress(family, first);
  std::optional<rules::u128> hi = rules::ParseAddress(family, last);
  if (!lo || !hi) {
    const std::string what = "bad " + std::string(family_name_) + " address \"" + std::string(text) + "\"";
    if (text.find('/') != std::string_view::npos) {
      Error(token, what + ": a NAT target takes addresses or a range ADDR-ADDR, not a prefix");
    } else {
      Error(token, what);
    }
    return std::nullopt;
  }
  if (*lo > *hi) {
    Warning(token, "address range \"" + std::string(text) +
                       "\" runs backwards: netfilter picks from the first address up, wrapping around to the last");
  }
  return AddressRange(family, *lo, *hi);
}

// PORT, PORT-PORT or (when `allow_base`) PORT-PORT/BASE. A service name is
// read whole ("ftp-data"), as the low port, or as the base; the high port is
// a number.
std::optional<PortSet> RuleParser::ParseNatPorts(std::string_view text, std::size_t token, bool allow_base,
                                                 bool& shifted) {
  if (std::optional<std::uint16_t> p = ServicePort(text)) return PortSet::Single(*p);
  const std::size_t slash = text.find('/');
  const std::string_view range = text.substr(0, slash);
  const std::size_t dash = range.find('-');
  auto bad = [&](std::string_view what) {
    Error(token, "bad port \"" + std::string(what) + "\" in " + Quote(token));
    return std::nullopt;
  };
  std::optional<std::uint16_t> lo;
  std::optional<std::uint16_t> hi;
  if (dash == std::string_view::npos) {
    lo = ParsePort(range, token);
    if (!lo) return std::nullopt;
    hi = lo;
  } else {
    std::optional<std::uint64_t> a = ParseXtablesNumber(range.substr(0, dash), 65535);
    if (!a) return bad(range);
    std::optional<std::uint64_t> b = ParseXtablesNumber(range.substr(dash + 1), 65535);
    if (!b) return bad(range.substr(dash + 1));
    lo = static_cast<std::uint16_t>(*a);
    hi = static_cast<std::uint16_t>(*b);
    if (*lo > *hi) {
      Error(token, "bad port range \"" + std::string(range) + "\" in " + Quote(token) +
                       ": the first port is above the last");
      return std::nullopt;
    }
  }
  if (slash != std::string_view::npos) {
    if (!allow_base) {
      Error(token, "the " + std::string(target_->row->name) + " target takes no shifted port range (\"/BASE\")");
      return std::nullopt;
    }
    if (dash == std::string_view::npos) {
      Error(token, "a base port (\"/BASE\") in " + Quote(token) + " needs a port range before it");
      return std::nullopt;
    }
    const std::string_view base_text = text.substr(slash + 1);
    std::optional<std::uint16_t> base = ParsePort(base_text, token);
    if (!base) return std::nullopt;
    if (*base == 0) return bad(base_text);
    // BASE equal to the low port maps every port of the range to itself,
    // like a plain range; any other base shifts them.
    shifted = *base != *lo;
  }
  return PortSet::Range(*lo, *hi);
}

}  // namespace ghostport::parsers::iptables

namespace ghostport::parsers {

namespace {

const char* HookChainName(rules::Hook h) {
  switch (h) {
    case rules::Hook::kPrerouting: return "PREROUTING";
    case rules::Hook::kInput: return "INPUT";
    case rules::Hook::kForward: return "FORWARD";
    case rules::Hook::kOutput: return "OUTPUT";
    case rules::Hook::kPostrouting: return "POSTROUTING";
    case rules::Hook::kIngress: return "INGRESS";
  }
  return "?";
}

}  // namespace

std::string IptablesHookNames(std::uint8_t hooks) {
  std::vector<const char*> names;
  for (rules::Hook h : {rules::Hook::kPrerouting, rules::Hook::kInput, rules::Hook::kForward, rules::Hook::kOutput,
                        rules::Hook::kPostrouting}) {
    if ((hooks & IptablesHookBit(h)) != 0) names.push_back(HookChainName(h));
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace ghostport::parsers
