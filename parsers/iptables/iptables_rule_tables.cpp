#include "parsers/iptables/iptables_rule_parser.h"

#include <algorithm>
#include <iterator>


namespace ghostport::parsers::iptables {

constexpr CoreOption kCoreOptions[] = {
    {"-A", "--append", "", 1, false, false, &RuleParser::OnAppend},
    {"-I", "--insert", "", 1, false, false, &RuleParser::OnInsert},
    {"-N", "--new-chain", "--new", 1, false, false, &RuleParser::OnNewChain},
    {"-P", "--policy", "", 2, false, false, &RuleParser::OnPolicy},
    {"-F", "--flush", "", 0, false, false, &RuleParser::OnFlush},
    {"-X", "--delete-chain", "", 0, false, false, &RuleParser::OnDeleteChain},
    {"-Z", "--zero", "", 0, false, false, &RuleParser::OnZero},
    {"-D", "--delete", "", 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-R", "--replace", "", 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-E", "--rename-chain", "", 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-C", "--check", "", 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-L", "--list", "", 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-S", "--list-rules", "", 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-t", "--table", "", 0, false, false, &RuleParser::OnTable},
    {"-p", "--protocol", "", 1, true, true, &RuleParser::OnProtocol},
    {"-s", "--source", "--src", 1, true, true, &RuleParser::OnSource},
    {"-d", "--destination", "--dst", 1, true, true, &RuleParser::OnDestination},
    {"-i", "--in-interface", "", 1, true, true, &RuleParser::OnInInterface},
    {"-o", "--out-interface", "", 1, true, true, &RuleParser::OnOutInterface},
    {"-f", "--fragment", "--fragments", 0, true, true, &RuleParser::OnFragment},
    {"-m", "--match", "", 1, false, true, &RuleParser::OnMatch},
    {"-j", "--jump", "", 1, false, true, &RuleParser::OnJump},
    {"-g", "--goto", "", 1, false, true, &RuleParser::OnGoto},
    {"-c", "--set-counters", "", 1, false, false, &RuleParser::OnSetCounters},
    {"-4", "--ipv4", "", 0, false, false, &RuleParser::OnIpv4},
    {"-6", "--ipv6", "", 0, false, false, &RuleParser::OnIpv6},
};

constexpr std::uint8_t kTcp[] = {6};
constexpr std::uint8_t kUdp[] = {17};
constexpr std::uint8_t kSctp[] = {132};
constexpr std::uint8_t kDccp[] = {33};
constexpr std::uint8_t kIcmp[] = {1};
constexpr std::uint8_t kIcmp6[] = {58};
constexpr std::uint8_t kEsp[] = {50};
constexpr std::uint8_t kAh[] = {51};
constexpr std::uint8_t kPortProtocols[] = {6, 17, 136, 132, 33};

constexpr ModuleOption kTcpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
    {"--tcp-flags", "", 2, true, false, &RuleParser::OnTcpFlags},
    {"--syn", "", 0, true, false, &RuleParser::OnSyn},
    {"--tcp-option", "", 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kUdpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
};
constexpr ModuleOption kSctpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
    {"--chunk-types", "", 2, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kDccpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
    {"--dccp-types", "", 1, true, false, &RuleParser::AsCondition},
    {"--dccp-option", "", 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kMultiportOptions[] = {
    {"--sports", "--source-ports", 1, true, false, &RuleParser::OnSourcePorts},
    {"--dports", "--destination-ports", 1, true, false, &RuleParser::OnDestinationPorts},
    {"--ports", "", 1, true, false, &RuleParser::OnEitherPorts},
};
constexpr ModuleOption kStateOptions[] = {
    {"--state", "", 1, true, false, &RuleParser::OnState},
};
constexpr ModuleOption kConntrackOptions[] = {
    {"--ctstate", "", 1, true, false, &RuleParser::OnCtState},
};
constexpr ModuleOption kCommentOptions[] = {
    {"--comment", "", 1, false, true, &RuleParser::OnComment},
};
constexpr ModuleOption kIprangeOptions[] = {
    {"--src-range", "", 1, true, false, &RuleParser::OnSourceRange},
    {"--dst-range", "", 1, true, false, &RuleParser::OnDestinationRange},
};
constexpr ModuleOption kIcmpOptions[] = {
    {"--icmp-type", "", 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kIcmp6Options[] = {
    {"--icmpv6-type", "", 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kEspOptions[] = {
    {"--espspi", "", 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kAhOptions[] = {
    {"--ahspi", "", 1, true, false, &RuleParser::AsCondition},
    {"--ahlen", "", 1, true, false, &RuleParser::AsCondition},
    {"--ahres", "", 0, false, false, &RuleParser::AsCondition},
};

constexpr ModuleOption kAddrtypeOptions[] = {
    // --src-type and --dst-type first: FinishAddrtype looks for them by bit.
    {"--src-type", "", 1, true, false, &RuleParser::OnSourceType},
    {"--dst-type", "", 1, true, false, &RuleParser::OnDestinationType},
    {"--limit-iface-in", "", 0, false, false, &RuleParser::OnLimitIface},
    {"--limit-iface-out", "", 0, false, false, &RuleParser::OnLimitIface},
};
constexpr ModuleOption kSetOptions[] = {
    // --match-set and --set first: FinishSet looks for them by bit.
    {"--match-set", "", 2, true, false, &RuleParser::OnMatchSet},
    {"--set", "", 2, true, false, &RuleParser::OnDeprecatedSet},
    {"--return-nomatch", "", 0, false, false, &RuleParser::OnReturnNomatch},
    {"--update-counters", "", 0, true, false, &RuleParser::NoEffect},
    {"--update-subcounters", "", 0, true, false, &RuleParser::NoEffect},
    {"--packets-eq", "", 1, true, false, &RuleParser::AsCondition},
    {"--packets-lt", "", 1, false, false, &RuleParser::AsCondition},
    {"--packets-gt", "", 1, false, false, &RuleParser::AsCondition},
    {"--bytes-eq", "", 1, true, false, &RuleParser::AsCondition},
    {"--bytes-lt", "", 1, false, false, &RuleParser::AsCondition},
    {"--bytes-gt", "", 1, false, false, &RuleParser::AsCondition},
};

constexpr const char* kIcmpReason = "ICMP types are not modelled";

// The matches ghostport reads option by option. Any other -m NAME is a
// condition as a whole, with the reason from kConditionReasons.
constexpr ModuleRow kModules[] = {
    {"tcp", kTcpOptions, kTcp, false, false, "TCP options are not modelled"},
    {"udp", kUdpOptions, kUdp, false, false, ""},
    {"sctp", kSctpOptions, kSctp, false, true, "SCTP chunk types are not modelled"},
    {"dccp", kDccpOptions, kDccp, false, true, "DCCP packet types and options are not modelled"},
    {"multiport", kMultiportOptions, kPortProtocols, false, false, ""},
    {"state", kStateOptions, {}, false, false, ""},
    {"conntrack", kConntrackOptions, {}, false, true,
     "conntrack details other than the state (NAT, status, original addresses, expiry) are not modelled"},
    {"comment", kCommentOptions, {}, false, false, ""},
    {"iprange", kIprangeOptions, {}, false, false, ""},
    {"icmp", kIcmpOptions, kIcmp, false, false, kIcmpReason},
    {"icmp6", kIcmp6Options, kIcmp6, false, false, kIcmpReason},
    {"esp", kEspOptions, kEsp, false, true, "IPsec SPIs are not modelled"},
    {"ah", kAhOptions, kAh, false, true, "IPsec SPIs are not modelled"},
    {"addrtype", kAddrtypeOptions, {}, false, false,
     "address types limited to the packet's interface (--limit-iface-in, --limit-iface-out) are not modelled",
     &RuleParser::FinishAddrtype},
    {"set", kSetOptions, {}, false, false, "set element counters are runtime state and are not modelled",
     &RuleParser::FinishSet},
};

// Every option's values fit in OptionValues, and every match's options in
// ModuleUse::seen.
constexpr bool TablesFit() {
  for (const auto& row : kCoreOptions) {
    if (row.arity < 0 || static_cast<std::size_t>(row.arity) > OptionValues::kMax) return false;
  }
  for (const auto& module : kModules) {
    if (module.options.size() > 32) return false;
    for (const auto& option : module.options) {
      if (option.arity < 0 || static_cast<std::size_t>(option.arity) > OptionValues::kMax) return false;
    }
  }
  return true;
}
static_assert(TablesFit(), "an option table outgrew OptionValues or ModuleUse::seen");

// The match "-p NAME" loads when an option needs it.
struct ImplicitRow {
  std::uint8_t protocol;
  const char* module;
};
constexpr ImplicitRow kImplicitModules[] = {
    {6, "tcp"}, {17, "udp"}, {132, "sctp"}, {33, "dccp"}, {1, "icmp"}, {58, "icmp6"}, {50, "esp"}, {51, "ah"},
};

constexpr ConditionReason kConditionReasons[] = {
    {"limit", "rate limits are not modelled"},
    {"hashlimit", "rate limits are not modelled"},
    {"connlimit", "connection counts are runtime state and are not modelled"},
    {"recent", "recently-seen address lists are runtime state and are not modelled"},
    {"mark", "packet marks are set elsewhere"},
    {"connmark", "connection marks are set elsewhere"},
    {"string", "payload string matches are not modelled"},
    {"u32", "payload (u32) matches are not modelled"},
    {"bpf", "BPF programs are not modelled"},
    {"time", "time windows are not modelled"},
    {"owner", "socket owners are not modelled"},
    {"physdev", "bridge ports are not modelled"},
    {"pkttype", "link-layer packet types are not modelled"},
    {"length", "packet lengths are not modelled"},
    {"mac", "MAC addresses are not modelled"},
    {"policy", "IPsec policies are not modelled"},
    {"ttl", "TTL values are not modelled"},
    {"hl", "hop limits are not modelled"},
    {"dscp", "DSCP values are not modelled"},
    {"tos", "TOS values are not modelled"},
    {"ecn", "ECN bits are not modelled"},
    {"helper", "conntrack helpers are not modelled"},
    {"quota", "quotas are runtime state and are not modelled"},
    {"statistic", "statistical sampling is not modelled"},
    {"nfacct", "accounting objects are not modelled"},
    {"socket", "socket lookups are not modelled"},
    {"rpfilter", "reverse-path checks depend on routes, which are not given"},
    {"cgroup", "control groups are not modelled"},
    {"cpu", "CPU numbers are not modelled"},
    {"devgroup", "device groups are not modelled"},
    {"realm", "routing realms are not modelled"},
    {"geoip", "address geolocation is not modelled"},
    {"frag", "IPv6 fragment headers are not modelled"},
    {"hbh", "IPv6 extension headers are not modelled"},
    {"dst", "IPv6 extension headers are not modelled"},
    {"rt", "IPv6 routing headers are not modelled"},
    {"ipv6header", "IPv6 extension headers are not modelled"},
    {"mh", "mobility headers are not modelled"},
    {"eui64", "EUI-64 addresses are not modelled"},
    {"tcpmss", "TCP MSS values are not modelled"},
    {"ipvs", "IPVS properties are not modelled"},
    {"cluster", "cluster hashing is not modelled"},
    {"osf", "passive OS fingerprints are not modelled"},
    {"rateest", "rate estimators are not modelled"},
    {"condition", "condition flags are runtime state and are not modelled"},
    {"connbytes", "connection byte and packet counts are runtime state and are not modelled"},
    {"connlabel", "connection labels are set elsewhere"},
    {"ipcomp", "IPComp parameters are not modelled"},
    {"srh", "IPv6 segment routing headers are not modelled"},
    {"l2tp", "L2TP headers are not modelled"},
};

constexpr const char* kQueueReason = "a userspace program decides the verdict of queued packets";
constexpr const char* kPrefixReason = "prefix mapping is not modelled";

constexpr TargetOption kDnatOptions[] = {
    {"--to-destination", 1, &RuleParser::OnToDestination},
    {"--random", 0, &RuleParser::OnNatRandom},
    {"--persistent", 0, &RuleParser::OnTargetFlag},
};
constexpr TargetOption kSnatOptions[] = {
    {"--to-source", 1, &RuleParser::OnToSource},
    {"--random", 0, &RuleParser::OnTargetFlag},
    {"--random-fully", 0, &RuleParser::OnTargetFlag},
    {"--persistent", 0, &RuleParser::OnTargetFlag},
};
constexpr TargetOption kMasqueradeOptions[] = {
    {"--to-ports", 1, &RuleParser::OnToPorts},
    {"--random", 0, &RuleParser::OnTargetFlag},
    {"--random-fully", 0, &RuleParser::OnTargetFlag},
};
constexpr TargetOption kRedirectOptions[] = {
    {"--to-ports", 1, &RuleParser::OnToPorts},
    {"--random", 0, &RuleParser::OnNatRandom},
};
// CT's other options (--helper, --zone, --ctevents, --timeout, ...) are
// taken as written: they do not change what the ruleset accepts.
// SET's other options (--map-set, --timeout, --exist, ...) do not change
// what is in a set.
constexpr TargetOption kSetTargetOptions[] = {
    {"--add-set", 2, &RuleParser::OnSetTargetChange},
    {"--del-set", 2, &RuleParser::OnSetTargetChange},
};
constexpr TargetOption kCtOptions[] = {
    {"--notrack", 0, &RuleParser::OnNotrack},
};

using rules::Hook;
constexpr std::uint8_t kDstNatHooks = IptablesHookBit(Hook::kPrerouting) | IptablesHookBit(Hook::kOutput);
constexpr std::uint8_t kSrcNatHooks = IptablesHookBit(Hook::kInput) | IptablesHookBit(Hook::kPostrouting);

constexpr TargetRow kTargets[] = {
    {"ACCEPT", VerdictKind::kAccept, false, ""},
    {"DROP", VerdictKind::kDrop, false, ""},
    {"RETURN", VerdictKind::kReturn, false, ""},
    {"REJECT", VerdictKind::kReject, true, ""},
    // Targets that do their work and let the packet continue.
    {"LOG", VerdictKind::kContinue, true, ""},
    {"NFLOG", VerdictKind::kContinue, true, ""},
    {"ULOG", VerdictKind::kContinue, true, ""},
    {"AUDIT", VerdictKind::kContinue, true, ""},
    {"TRACE", VerdictKind::kContinue, false, ""},
    {"MARK", VerdictKind::kContinue, true, ""},
    {"CONNMARK", VerdictKind::kContinue, true, ""},
    {"CLASSIFY", VerdictKind::kContinue, true, ""},
    {"DSCP", VerdictKind::kContinue, true, ""},
    {"TOS", VerdictKind::kContinue, true, ""},
    {"ECN", VerdictKind::kContinue, true, ""},
    {"TCPMSS", VerdictKind::kContinue, true, ""},
    {"TCPOPTSTRIP", VerdictKind::kContinue, true, ""},
    {"SET", VerdictKind::kContinue, true, "", kSetTargetOptions},
    {"TTL", VerdictKind::kContinue, true, ""},
    {"HL", VerdictKind::kContinue, true, ""},
    {"CHECKSUM", VerdictKind::kContinue, true, ""},
    {"SECMARK", VerdictKind::kContinue, true, ""},
    {"CONNSECMARK", VerdictKind::kContinue, true, ""},
    {"IDLETIMER", VerdictKind::kContinue, true, ""},
    {"LED", VerdictKind::kContinue, true, ""},
    {"RATEEST", VerdictKind::kContinue, true, ""},
    {"HMARK", VerdictKind::kContinue, true, ""},
    // Connection tracking exemption (raw table only): CT --notrack is
    // kNotrack, CT without it kContinue.
    {"NOTRACK", VerdictKind::kNotrack, false, "", {}, false, nullptr, "raw", 0},
    {"CT", VerdictKind::kContinue, true, "", kCtOptions, false, &RuleParser::FinishCt, "raw", 0},
    // NAT (nat table only, each in the hooks netfilter allows it in).
    {"DNAT", VerdictKind::kDnat, true, "", kDnatOptions, true, &RuleParser::FinishDnat, "nat", kDstNatHooks},
    {"REDIRECT", VerdictKind::kRedirect, true, "", kRedirectOptions, true, &RuleParser::FinishRedirect, "nat",
     kDstNatHooks},
    {"SNAT", VerdictKind::kSnat, true, "", kSnatOptions, true, &RuleParser::FinishSnat, "nat", kSrcNatHooks},
    {"MASQUERADE", VerdictKind::kSnat, true, "", kMasqueradeOptions, true, &RuleParser::FinishMasquerade, "nat",
     IptablesHookBit(Hook::kPostrouting)},
    {"NETMAP", VerdictKind::kUnknown, true, kPrefixReason, {}, false, nullptr, "nat", 0},
    // Targets whose effect the engine cannot model.
    {"DNPT", VerdictKind::kUnknown, true, kPrefixReason},
    {"SNPT", VerdictKind::kUnknown, true, kPrefixReason},
    {"NFQUEUE", VerdictKind::kUnknown, true, kQueueReason},
    {"QUEUE", VerdictKind::kUnknown, false, kQueueReason},
    {"TPROXY", VerdictKind::kUnknown, true, "transparent proxying is not modelled"},
    {"TEE", VerdictKind::kUnknown, true, "packet duplication (TEE) is not modelled"},
    {"SYNPROXY", VerdictKind::kUnknown, true, "the SYN proxy's verdict is not modelled"},
    {"CLUSTERIP", VerdictKind::kUnknown, true, "cluster IP balancing is not modelled"},
};

// Every target's options fit in TargetUse::seen.
constexpr bool TargetsFit() {
  for (const auto& row : kTargets) {
    if (row.options.size() > 32) return false;
    for (const auto& option : row.options) {
      if (option.arity < 0 || static_cast<std::size_t>(option.arity) > OptionValues::kMax) return false;
    }
  }
  return true;
}
static_assert(TargetsFit(), "a target's option table outgrew OptionValues or TargetUse::seen");

constexpr std::array<const CoreOption*, 128> kCoreOptionsByLetter = [] {
  std::array<const CoreOption*, 128> by_letter{};
  for (const auto& row : kCoreOptions) by_letter[static_cast<unsigned char>(row.short_name[1])] = &row;
  return by_letter;
}();

const CoreOption* FindCoreOption(std::string_view name) {
  if (name.size() < 2 || name[0] != '-') return nullptr;
  if (name.size() == 2) {
    const auto letter = static_cast<unsigned char>(name[1]);
    return letter < kCoreOptionsByLetter.size() ? kCoreOptionsByLetter[letter] : nullptr;
  }
  for (const auto& row : kCoreOptions) {
    if (SameName(name, row.long_name) || (!row.long_alias.empty() && SameName(name, row.long_alias))) return &row;
  }
  return nullptr;
}

const ModuleRow* FindModule(std::string_view name) {
  // libxtables loads icmp6 for these names too.
  if (name == "icmpv6" || name == "ipv6-icmp") name = "icmp6";
  for (const auto& row : kModules) {
    if (SameName(name, row.name)) return &row;
  }
  return nullptr;
}

const ModuleOption* FindModuleOption(const ModuleRow* row, std::string_view name) {
  if (row == nullptr) return nullptr;
  for (const auto& option : row->options) {
    if (SameName(name, option.name) || (!option.alias.empty() && SameName(name, option.alias))) return &option;
  }
  return nullptr;
}

const ModuleRow* ImplicitModule(std::uint8_t protocol) {
  for (const auto& row : kImplicitModules) {
    if (row.protocol == protocol) return FindModule(row.module);
  }
  return nullptr;
}

const TargetRow* FindTarget(std::string_view name) {
  for (const auto& row : kTargets) {
    if (SameName(name, row.name)) return &row;
  }
  return nullptr;
}

const TargetOption* FindTargetOption(const TargetRow& row, std::string_view name) {
  for (const auto& option : row.options) {
    if (SameName(name, option.name)) return &option;
  }
  return nullptr;
}

// Extensions only one of iptables and ip6tables has.
constexpr std::string_view kIpv6OnlyMatches[] = {"eui64", "frag", "hbh", "dst", "rt", "ipv6header", "mh", "srh", "hl"};
constexpr std::string_view kIpv4OnlyMatches[] = {"ttl", "realm"};

bool IsKnownMatch(std::string_view name, Family family) {
  const std::span<const std::string_view> other =
      family == Family::kIpv4 ? std::span<const std::string_view>(kIpv6OnlyMatches) : kIpv4OnlyMatches;
  if (std::find(other.begin(), other.end(), name) != other.end()) return false;
  if (FindModule(name) != nullptr) return true;
  return std::any_of(std::begin(kConditionReasons), std::end(kConditionReasons),
                     [&](const ConditionReason& row) { return name == row.module; });
}

std::string ConditionReasonFor(const ModuleUse& m) {
  if (m.row != nullptr) return m.row->condition_reason;
  for (const auto& row : kConditionReasons) {
    if (m.name == row.module) return row.reason;
  }
  return "the " + std::string(m.name) + " match is not modelled";
}

}  // namespace ghostport::parsers::iptables
