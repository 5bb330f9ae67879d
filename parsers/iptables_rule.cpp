#include "parsers/iptables_rule.h"

#include <algorithm>
#include <cctype>
#include <span>
#include <string_view>
#include <utility>

#include "parsers/netfilter_names.h"

namespace ghostport::parsers {

namespace {

using rules::AddressSet;
using rules::Family;
using rules::PortSet;
using rules::VerdictKind;

constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1
constexpr std::size_t kMaxComment = 255;       // XT_MAX_COMMENT_LEN - 1
constexpr std::size_t kMultiportMax = 15;      // XT_MULTI_PORTS; a range takes two

// One use of an option in the argument list, by token index.
struct OptionUse {
  std::size_t first = 0;   // the "!" before the option, or the option itself
  std::size_t option = 0;  // the option token
  std::vector<std::size_t> values;
  bool negated = false;
  std::size_t last() const { return values.empty() ? option : values.back(); }
};

struct ModuleRow;

// One match in the rule: "-m NAME" and its options, or the match "-p"
// loads implicitly when an option needs it ("-p tcp --dport 22").
struct ModuleUse {
  std::string name;
  const ModuleRow* row = nullptr;  // nullptr: a match ghostport does not know
  std::size_t anchor = 0;          // the "-m" token, or the first option when implicit
  bool implicit = false;
  // Token spans quoted in the condition's description, and whether there is one.
  std::vector<std::pair<std::size_t, std::size_t>> condition_spans;
  bool has_condition = false;
  std::vector<std::string> seen;  // canonical option names given, to catch repeats
  bool has_port_option = false;   // multiport takes one of --sports/--dports/--ports
};

class RuleParser;
using CoreHandler = void (RuleParser::*)(const OptionUse&);
using ModuleHandler = void (RuleParser::*)(ModuleUse&, const OptionUse&);

struct CoreOption {
  const char* short_name;
  const char* long_name;
  const char* long_alias;  // or nullptr
  int arity;               // required values
  bool negatable;
  bool rule_option;        // only with -A / -I
  CoreHandler handler;
};

struct ModuleOption {
  const char* name;   // canonical
  const char* alias;  // or nullptr
  int arity;
  bool negatable;
  bool free_text;  // the value may start with '-'
  ModuleHandler handler;
};

struct ModuleRow {
  const char* name;
  std::span<const ModuleOption> options;
  // The -p a rule needs for this match (without "!"); empty when any.
  std::span<const std::uint8_t> protocols;
  // Every use of the match is a condition (the engine models none of it).
  bool condition_only;
  // Options not in `options` are part of a condition, not errors.
  bool unknown_options_are_conditions;
  const char* condition_reason;
};

struct TargetRow {
  const char* name;
  VerdictKind kind;
  bool takes_options;
  const char* reason;  // for kUnknown
};

struct ConditionReason {
  const char* module;
  const char* reason;
};

struct TargetUse {
  std::size_t option = 0;  // "-j" / "-g"
  std::size_t name = 0;
  bool is_goto = false;
  std::vector<std::pair<std::size_t, std::size_t>> option_spans;
};

struct ProtocolUse {
  std::uint8_t number = 0;
  bool negated = false;
  std::size_t token = 0;
};

enum class Context : std::uint8_t { kNone, kModule, kTarget };

class RuleParser {
 public:
  RuleParser(const IptablesStatement& statement, const IptablesRuleContext& context,
             std::vector<Diagnostic>& diagnostics)
      : statement_(statement),
        context_(context),
        diagnostics_(diagnostics),
        tokens_(statement.tokens),
        saddr_(AddressSet::All(context.family)),
        daddr_(AddressSet::All(context.family)) {}

  std::optional<IptablesCommand> Run();

  // Core option handlers (kCoreOptions).
  void OnAppend(const OptionUse& use);
  void OnInsert(const OptionUse& use);
  void OnNewChain(const OptionUse& use);
  void OnPolicy(const OptionUse& use);
  void OnFlush(const OptionUse& use);
  void OnDeleteChain(const OptionUse& use);
  void OnZero(const OptionUse& use);
  void OnUnsupportedCommand(const OptionUse& use);
  void OnTable(const OptionUse& use);
  void OnProtocol(const OptionUse& use);
  void OnSource(const OptionUse& use);
  void OnDestination(const OptionUse& use);
  void OnInInterface(const OptionUse& use);
  void OnOutInterface(const OptionUse& use);
  void OnFragment(const OptionUse& use);
  void OnMatch(const OptionUse& use);
  void OnJump(const OptionUse& use);
  void OnGoto(const OptionUse& use);
  void OnSetCounters(const OptionUse& use);
  void OnIpv4(const OptionUse& use);
  void OnIpv6(const OptionUse& use);

  // Match option handlers (kModules).
  void OnSourcePort(ModuleUse& m, const OptionUse& use);
  void OnDestinationPort(ModuleUse& m, const OptionUse& use);
  void OnSourcePorts(ModuleUse& m, const OptionUse& use);
  void OnDestinationPorts(ModuleUse& m, const OptionUse& use);
  void OnEitherPorts(ModuleUse& m, const OptionUse& use);
  void OnTcpFlags(ModuleUse& m, const OptionUse& use);
  void OnSyn(ModuleUse& m, const OptionUse& use);
  void OnState(ModuleUse& m, const OptionUse& use);
  void OnCtState(ModuleUse& m, const OptionUse& use);
  void OnComment(ModuleUse& m, const OptionUse& use);
  void OnSourceRange(ModuleUse& m, const OptionUse& use);
  void OnDestinationRange(ModuleUse& m, const OptionUse& use);
  void AsCondition(ModuleUse& m, const OptionUse& use);

 private:
  void ParseOne();
  void ParseCoreOption(const CoreOption& core, std::size_t first, bool negated);
  void ParseModuleOption(std::size_t first, bool negated);
  void ApplyModuleOption(ModuleUse& m, const ModuleOption& option, std::size_t first, bool negated);
  bool FindOwner(const std::string& name, ModuleUse*& owner, const ModuleOption*& option);
  void ConsumeUnknownOption(std::vector<std::pair<std::size_t, std::size_t>>& spans, std::size_t first);
  bool TakeValue(OptionUse& use, bool negatable, bool free_text);
  void SplitAttachedValue(std::size_t i);
  bool SetCommand(IptablesCommandKind kind, const OptionUse& use);
  void TakeOptionalChain();
  void OnlyFamily(Family family, const OptionUse& use);

  void Finish();
  void BuildRule();
  void CheckModuleProtocols();
  void BuildVerdict(rules::Rule& rule);
  void BuildCubes(rules::Rule& rule) const;
  void BuildConditions(rules::Rule& rule) const;

  std::optional<PortSet> ParsePortRange(std::size_t token);
  std::optional<std::uint16_t> ParsePort(std::string_view text, std::size_t token);
  std::optional<PortSet> ParsePortList(std::size_t token);
  std::optional<AddressSet> ParseAddresses(std::size_t token, bool negated);
  std::optional<AddressSet> ParseAddress(std::string_view text, std::size_t token);
  std::optional<rules::InterfaceMatch> ParseInterface(const OptionUse& use);
  std::optional<std::uint8_t> ParseTcpFlags(std::size_t token);
  void ParseStates(ModuleUse& m, const OptionUse& use, bool allow_nat_states);
  void ApplyPortOption(ModuleUse& m, const OptionUse& use, PortSet& field);
  void AddTcpFlags(const rules::TcpFlagsMatch& flags, const OptionUse& use);
  void ApplyRange(const OptionUse& use, AddressSet& field);

  bool IsBang(std::size_t i) const;
  bool StartsQuoted(const IptablesToken& t) const;
  bool LooksLikeOption(std::size_t i) const;
  bool HasPlainArgument(std::size_t i) const;
  bool IsUserChain(const std::string& name) const;
  bool IsBuiltinChain(const std::string& name) const;
  const std::string& Text(std::size_t token) const { return tokens_[token].text; }
  std::string Quote(std::size_t token) const { return "\"" + tokens_[token].text + "\""; }
  std::string Describe(std::vector<std::pair<std::size_t, std::size_t>> spans) const;
  rules::SourceLocation LocationOf(std::size_t token) const;

  void Error(std::size_t token, std::string message);
  void Warning(std::size_t token, std::string message);
  void Fatal(std::size_t token, std::string message);

  const IptablesStatement& statement_;
  const IptablesRuleContext& context_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<IptablesToken> tokens_;
  std::size_t pos_ = 0;
  bool fatal_ = false;
  bool has_errors_ = false;

  std::optional<IptablesCommand> command_;
  std::optional<std::size_t> first_rule_option_;
  std::optional<Family> only_family_;
  bool other_family_ = false;
  Context where_ = Context::kNone;
  std::size_t where_module_ = 0;

  std::optional<ProtocolUse> protocol_;
  bool implicit_loaded_ = false;
  AddressSet saddr_;
  AddressSet daddr_;
  bool saddr_given_ = false;
  bool daddr_given_ = false;
  std::vector<rules::InterfaceMatch> iif_;
  std::vector<rules::InterfaceMatch> oif_;
  bool fragment_given_ = false;
  bool later_fragments_only_ = false;
  PortSet sports_ = PortSet::All();
  PortSet dports_ = PortSet::All();
  // --ports: matches when the source or the destination port is in the set.
  struct EitherPorts {
    PortSet ports;
    bool negated = false;
  };
  std::vector<EitherPorts> either_ports_;
  std::uint8_t ct_states_ = rules::kCtAll;
  std::optional<rules::TcpFlagsMatch> tcp_flags_;
  bool never_matches_ = false;
  std::vector<rules::Condition> extra_conditions_;
  std::vector<std::string> comments_;
  std::vector<ModuleUse> modules_;
  std::optional<TargetUse> target_;
  bool target_takes_options_ = false;
};

// ---------------------------------------------------------------------------
// Tables.

constexpr CoreOption kCoreOptions[] = {
    {"-A", "--append", nullptr, 1, false, false, &RuleParser::OnAppend},
    {"-I", "--insert", nullptr, 1, false, false, &RuleParser::OnInsert},
    {"-N", "--new-chain", "--new", 1, false, false, &RuleParser::OnNewChain},
    {"-P", "--policy", nullptr, 2, false, false, &RuleParser::OnPolicy},
    {"-F", "--flush", nullptr, 0, false, false, &RuleParser::OnFlush},
    {"-X", "--delete-chain", nullptr, 0, false, false, &RuleParser::OnDeleteChain},
    {"-Z", "--zero", nullptr, 0, false, false, &RuleParser::OnZero},
    {"-D", "--delete", nullptr, 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-R", "--replace", nullptr, 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-E", "--rename-chain", nullptr, 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-C", "--check", nullptr, 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-L", "--list", nullptr, 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-S", "--list-rules", nullptr, 0, false, false, &RuleParser::OnUnsupportedCommand},
    {"-t", "--table", nullptr, 0, false, false, &RuleParser::OnTable},
    {"-p", "--protocol", nullptr, 1, true, true, &RuleParser::OnProtocol},
    {"-s", "--source", "--src", 1, true, true, &RuleParser::OnSource},
    {"-d", "--destination", "--dst", 1, true, true, &RuleParser::OnDestination},
    {"-i", "--in-interface", nullptr, 1, true, true, &RuleParser::OnInInterface},
    {"-o", "--out-interface", nullptr, 1, true, true, &RuleParser::OnOutInterface},
    {"-f", "--fragment", "--fragments", 0, true, true, &RuleParser::OnFragment},
    {"-m", "--match", nullptr, 1, false, true, &RuleParser::OnMatch},
    {"-j", "--jump", nullptr, 1, false, true, &RuleParser::OnJump},
    {"-g", "--goto", nullptr, 1, false, true, &RuleParser::OnGoto},
    {"-c", "--set-counters", nullptr, 1, false, false, &RuleParser::OnSetCounters},
    {"-4", "--ipv4", nullptr, 0, false, false, &RuleParser::OnIpv4},
    {"-6", "--ipv6", nullptr, 0, false, false, &RuleParser::OnIpv6},
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
    {"--tcp-flags", nullptr, 2, true, false, &RuleParser::OnTcpFlags},
    {"--syn", nullptr, 0, true, false, &RuleParser::OnSyn},
    {"--tcp-option", nullptr, 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kUdpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
};
constexpr ModuleOption kSctpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
    {"--chunk-types", nullptr, 2, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kDccpOptions[] = {
    {"--sport", "--source-port", 1, true, false, &RuleParser::OnSourcePort},
    {"--dport", "--destination-port", 1, true, false, &RuleParser::OnDestinationPort},
    {"--dccp-types", nullptr, 1, true, false, &RuleParser::AsCondition},
    {"--dccp-option", nullptr, 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kMultiportOptions[] = {
    {"--sports", "--source-ports", 1, true, false, &RuleParser::OnSourcePorts},
    {"--dports", "--destination-ports", 1, true, false, &RuleParser::OnDestinationPorts},
    {"--ports", nullptr, 1, true, false, &RuleParser::OnEitherPorts},
};
constexpr ModuleOption kStateOptions[] = {
    {"--state", nullptr, 1, true, false, &RuleParser::OnState},
};
constexpr ModuleOption kConntrackOptions[] = {
    {"--ctstate", nullptr, 1, true, false, &RuleParser::OnCtState},
};
constexpr ModuleOption kCommentOptions[] = {
    {"--comment", nullptr, 1, false, true, &RuleParser::OnComment},
};
constexpr ModuleOption kIprangeOptions[] = {
    {"--src-range", nullptr, 1, true, false, &RuleParser::OnSourceRange},
    {"--dst-range", nullptr, 1, true, false, &RuleParser::OnDestinationRange},
};
constexpr ModuleOption kIcmpOptions[] = {
    {"--icmp-type", nullptr, 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kIcmp6Options[] = {
    {"--icmpv6-type", nullptr, 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kEspOptions[] = {
    {"--espspi", nullptr, 1, true, false, &RuleParser::AsCondition},
};
constexpr ModuleOption kAhOptions[] = {
    {"--ahspi", nullptr, 1, true, false, &RuleParser::AsCondition},
    {"--ahlen", nullptr, 1, true, false, &RuleParser::AsCondition},
    {"--ahres", nullptr, 0, false, false, &RuleParser::AsCondition},
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
};

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
    {"set", "ipset contents not given"},
    {"mark", "packet marks are set elsewhere"},
    {"connmark", "connection marks are set elsewhere"},
    {"addrtype", "address types depend on the host's addresses, which are not given"},
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
};

constexpr const char* kNatReason = "destination NAT (port forwards) is not evaluated yet";
constexpr const char* kSnatReason = "source NAT is not evaluated yet";
constexpr const char* kQueueReason = "a userspace program decides the verdict of queued packets";

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
    {"SET", VerdictKind::kContinue, true, ""},
    {"CT", VerdictKind::kContinue, true, ""},
    {"NOTRACK", VerdictKind::kContinue, false, ""},
    {"TTL", VerdictKind::kContinue, true, ""},
    {"HL", VerdictKind::kContinue, true, ""},
    {"CHECKSUM", VerdictKind::kContinue, true, ""},
    {"SECMARK", VerdictKind::kContinue, true, ""},
    {"CONNSECMARK", VerdictKind::kContinue, true, ""},
    {"IDLETIMER", VerdictKind::kContinue, true, ""},
    {"LED", VerdictKind::kContinue, true, ""},
    {"RATEEST", VerdictKind::kContinue, true, ""},
    {"HMARK", VerdictKind::kContinue, true, ""},
    // Targets whose effect the engine cannot model.
    {"DNAT", VerdictKind::kUnknown, true, kNatReason},
    {"SNAT", VerdictKind::kUnknown, true, kSnatReason},
    {"MASQUERADE", VerdictKind::kUnknown, true, kSnatReason},
    {"NETMAP", VerdictKind::kUnknown, true, "address mapping (NAT) is not evaluated yet"},
    {"REDIRECT", VerdictKind::kUnknown, true, "redirects to the host itself are not evaluated yet"},
    {"DNPT", VerdictKind::kUnknown, true, "IPv6 prefix translation is not evaluated yet"},
    {"SNPT", VerdictKind::kUnknown, true, "IPv6 prefix translation is not evaluated yet"},
    {"NFQUEUE", VerdictKind::kUnknown, true, kQueueReason},
    {"QUEUE", VerdictKind::kUnknown, false, kQueueReason},
    {"TPROXY", VerdictKind::kUnknown, true, "transparent proxying is not modelled"},
    {"TEE", VerdictKind::kUnknown, true, "packet duplication (TEE) is not modelled"},
    {"SYNPROXY", VerdictKind::kUnknown, true, "the SYN proxy's verdict is not modelled"},
    {"CLUSTERIP", VerdictKind::kUnknown, true, "cluster IP balancing is not modelled"},
};

const CoreOption* FindCoreOption(std::string_view name) {
  for (const auto& row : kCoreOptions) {
    if (name == row.short_name || name == row.long_name || (row.long_alias && name == row.long_alias)) {
      return &row;
    }
  }
  return nullptr;
}

const ModuleRow* FindModule(std::string_view name) {
  for (const auto& row : kModules) {
    if (name == row.name) return &row;
  }
  return nullptr;
}

const ModuleOption* FindModuleOption(const ModuleRow* row, std::string_view name) {
  if (row == nullptr) return nullptr;
  for (const auto& option : row->options) {
    if (name == option.name || (option.alias && name == option.alias)) return &option;
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
    if (name == row.name) return &row;
  }
  return nullptr;
}

std::string ConditionReasonFor(const ModuleUse& m) {
  if (m.row != nullptr) return m.row->condition_reason;
  for (const auto& row : kConditionReasons) {
    if (m.name == row.module) return row.reason;
  }
  return "the " + m.name + " match is not modelled";
}

bool IsPortOptionName(std::string_view name) {
  return name == "--dport" || name == "--sport" || name == "--destination-port" || name == "--source-port";
}

std::vector<std::string_view> SplitList(std::string_view text, char separator) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(separator, start);
    items.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return items;
}

// The prefix length of a contiguous netmask, or nullopt.
std::optional<int> MaskPrefix(Family family, rules::u128 mask) {
  const int bits = rules::AddressBits(family);
  int prefix = 0;
  while (prefix < bits && ((mask >> (bits - 1 - prefix)) & 1) != 0) ++prefix;
  rules::u128 expected = prefix == 0 ? 0 : (rules::MaxAddress(family) << (bits - prefix)) & rules::MaxAddress(family);
  if (mask != expected) return std::nullopt;
  return prefix;
}

// conntrack's virtual states SNAT and DNAT, in any case.
bool IsNatState(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper == "SNAT" || upper == "DNAT";
}

bool HasLetter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

bool LooksLikeHostName(Family family, std::string_view s) {
  if (family == Family::kIpv6 && s.find(':') != std::string_view::npos) return false;
  return HasLetter(s);
}

std::string ProtocolList(std::span<const std::uint8_t> protocols) {
  std::string out;
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    if (i > 0) out += i + 1 == protocols.size() ? " or " : ", ";
    out += "\"-p ";
    out += ProtocolName(protocols[i]);
    out += "\"";
  }
  return out;
}

// ---------------------------------------------------------------------------
// The argument loop.

std::optional<IptablesCommand> RuleParser::Run() {
  while (pos_ < tokens_.size() && !fatal_) ParseOne();
  if (other_family_) {
    command_->only_family = only_family_;
    return command_;
  }
  if (!fatal_) Finish();
  if (!command_) return std::nullopt;
  const bool rule_command =
      command_->kind == IptablesCommandKind::kAppend || command_->kind == IptablesCommandKind::kInsert;
  if (has_errors_ && !rule_command) return std::nullopt;
  command_->only_family = only_family_;
  if (rule_command && has_errors_) {
    // Keep the rule as an explicit unknown: it never vanishes.
    rules::Rule& rule = command_->rule;
    rule = rules::Rule();
    rule.cubes = {rules::Cube::Any(context_.family)};
    rule.conditions.push_back({statement_.text, "the rule has errors", LocationOf(0)});
    rule.verdict.kind = VerdictKind::kUnknown;
    rule.verdict.reason = "the rule has errors";
    rule.location = {context_.file_name, statement_.line, 1};
    rule.text = statement_.text;
    command_->target_chain.reset();
    command_->rule_has_errors = true;
  }
  return command_;
}

void RuleParser::ParseOne() {
  const std::size_t first = pos_;
  bool negated = false;
  if (IsBang(pos_)) {
    negated = true;
    ++pos_;
    if (pos_ >= tokens_.size()) return Fatal(first, "\"!\" at the end of the line negates nothing");
    if (IsBang(pos_)) return Fatal(pos_, "multiple \"!\" flags are not allowed");
  }
  if (!LooksLikeOption(pos_)) return Fatal(pos_, "unexpected argument " + Quote(pos_));
  SplitAttachedValue(pos_);
  if (const CoreOption* core = FindCoreOption(tokens_[pos_].text)) {
    return ParseCoreOption(*core, first, negated);
  }
  if (tokens_[pos_].text.starts_with("--")) return ParseModuleOption(first, negated);
  Fatal(pos_, "unknown option " + Quote(pos_));
}

void RuleParser::ParseCoreOption(const CoreOption& core, std::size_t first, bool negated) {
  if (negated && !core.negatable) return Fatal(first, "\"!\" cannot negate " + Quote(pos_));
  OptionUse use{first, pos_, {}, negated};
  ++pos_;
  if (core.rule_option && !first_rule_option_) first_rule_option_ = use.option;
  for (int k = 0; k < core.arity; ++k) {
    if (!TakeValue(use, core.negatable, false)) return;
  }
  (this->*core.handler)(use);
}

void RuleParser::ParseModuleOption(std::size_t first, bool negated) {
  if (!first_rule_option_) first_rule_option_ = pos_;
  const std::string name = tokens_[pos_].text;
  if (where_ == Context::kTarget && target_takes_options_) {
    if (negated) return Fatal(first, "\"!\" cannot negate the target option " + Quote(pos_));
    return ConsumeUnknownOption(target_->option_spans, first);
  }
  ModuleUse* owner = nullptr;
  const ModuleOption* option = nullptr;
  if (FindOwner(name, owner, option)) return ApplyModuleOption(*owner, *option, first, negated);
  if (where_ == Context::kModule) {
    ModuleUse& m = modules_[where_module_];
    if (m.row == nullptr || m.row->unknown_options_are_conditions) {
      m.has_condition = true;
      return ConsumeUnknownOption(m.condition_spans, first);
    }
  }
  if (IsPortOptionName(name)) {
    return Fatal(pos_, Quote(pos_) +
                           " needs a protocol with ports before it (\"-p tcp\", \"-p udp\", \"-p sctp\" or \"-p dccp\")");
  }
  if (where_ == Context::kModule) {
    return Fatal(pos_, "unknown option " + Quote(pos_) + " for the " + modules_[where_module_].name + " match");
  }
  Fatal(pos_, "unknown option " + Quote(pos_));
}

bool RuleParser::FindOwner(const std::string& name, ModuleUse*& owner, const ModuleOption*& option) {
  if (where_ == Context::kModule) {
    ModuleUse& m = modules_[where_module_];
    if ((option = FindModuleOption(m.row, name))) {
      owner = &m;
      return true;
    }
  }
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
    if ((option = FindModuleOption(it->row, name))) {
      owner = &*it;
      return true;
    }
  }
  if (protocol_ && !implicit_loaded_) {
    const ModuleRow* row = ImplicitModule(protocol_->number);
    if ((option = FindModuleOption(row, name))) {
      implicit_loaded_ = true;
      ModuleUse m;
      m.name = row->name;
      m.row = row;
      m.anchor = pos_;
      m.implicit = true;
      modules_.push_back(std::move(m));
      owner = &modules_.back();
      return true;
    }
  }
  return false;
}

void RuleParser::ApplyModuleOption(ModuleUse& m, const ModuleOption& option, std::size_t first, bool negated) {
  OptionUse use{first, pos_, {}, negated};
  if (negated && !option.negatable) Error(first, "\"!\" cannot negate " + Quote(pos_));
  if (std::find(m.seen.begin(), m.seen.end(), option.name) != m.seen.end()) {
    Error(pos_, Quote(pos_) + " is given twice in one " + m.name + " match");
  }
  m.seen.push_back(option.name);
  ++pos_;
  for (int k = 0; k < option.arity; ++k) {
    if (!TakeValue(use, option.negatable, option.free_text)) return;
  }
  (this->*option.handler)(m, use);
}

// An option ghostport does not know, of a match or target that takes
// arbitrary options: the option and every value after it, up to the next
// option.
void RuleParser::ConsumeUnknownOption(std::vector<std::pair<std::size_t, std::size_t>>& spans,
                                      std::size_t first) {
  ++pos_;
  while (pos_ < tokens_.size()) {
    if (IsBang(pos_)) {
      if (pos_ + 1 < tokens_.size() && LooksLikeOption(pos_ + 1)) break;
    } else if (LooksLikeOption(pos_)) {
      break;
    }
    ++pos_;
  }
  spans.push_back({first, pos_ - 1});
}

bool RuleParser::TakeValue(OptionUse& use, bool negatable, bool free_text) {
  auto missing = [&] {
    Fatal(use.option, Quote(use.option) + " needs a value");
    return false;
  };
  if (pos_ >= tokens_.size()) return missing();
  if (negatable && IsBang(pos_)) {
    // The old intrapositioned negation: "-p ! tcp", "--dport ! 22".
    if (use.negated) {
      Fatal(pos_, "multiple \"!\" flags are not allowed");
      return false;
    }
    use.negated = true;
    ++pos_;
    if (pos_ >= tokens_.size()) return missing();
  }
  if (!free_text && LooksLikeOption(pos_)) return missing();
  use.values.push_back(pos_++);
  return true;
}

// "--dport=22" → "--dport" "22"; "-ptcp" → "-p" "tcp", as getopt reads them.
void RuleParser::SplitAttachedValue(std::size_t i) {
  IptablesToken& t = tokens_[i];
  std::size_t cut = std::string::npos;
  if (t.text.starts_with("--")) {
    cut = t.text.find('=');
    if (cut == std::string::npos) return;
  } else if (t.text.size() > 2) {
    const CoreOption* core = FindCoreOption(t.text.substr(0, 2));
    if (core == nullptr || core->arity == 0) return;
    cut = 2;
  } else {
    return;
  }
  IptablesToken value;
  value.text = t.text.substr(cut + (t.text[cut] == '=' ? 1 : 0));
  value.column = t.column + static_cast<int>(cut) + (t.text[cut] == '=' ? 1 : 0);
  value.end_column = t.end_column;
  value.quoted = t.quoted;
  t.text.resize(cut);
  t.end_column = t.column + static_cast<int>(cut);
  t.quoted = false;
  tokens_.insert(tokens_.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(value));
}

// ---------------------------------------------------------------------------
// Core options.

bool RuleParser::SetCommand(IptablesCommandKind kind, const OptionUse& use) {
  if (command_) {
    Fatal(use.option, Quote(use.option) + " cannot be combined with " + "\"" + command_->command.text +
                          "\" on one line");
    return false;
  }
  command_.emplace();
  command_->kind = kind;
  command_->command = tokens_[use.option];
  return true;
}

void RuleParser::TakeOptionalChain() {
  if (HasPlainArgument(pos_)) command_->chain = tokens_[pos_++];
}

void RuleParser::OnAppend(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kAppend, use)) return;
  command_->chain = tokens_[use.values[0]];
}

void RuleParser::OnInsert(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kInsert, use)) return;
  command_->chain = tokens_[use.values[0]];
  if (!HasPlainArgument(pos_)) return;
  const std::size_t number = pos_++;
  command_->rule_number_token = tokens_[number];
  std::optional<std::uint64_t> n = ParseXtablesNumber(tokens_[number].text, 0x7fffffff);
  if (!n || *n == 0) return Error(number, "bad rule number " + Quote(number));
  command_->rule_number = static_cast<int>(*n);
}

void RuleParser::OnNewChain(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kNewChain, use)) return;
  command_->chain = tokens_[use.values[0]];
}

void RuleParser::OnPolicy(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kPolicy, use)) return;
  command_->chain = tokens_[use.values[0]];
  command_->policy = tokens_[use.values[1]];
}

void RuleParser::OnFlush(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kFlush, use)) return;
  TakeOptionalChain();
}

void RuleParser::OnDeleteChain(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kDeleteChain, use)) return;
  TakeOptionalChain();
}

void RuleParser::OnZero(const OptionUse& use) {
  if (!SetCommand(IptablesCommandKind::kZero, use)) return;
  TakeOptionalChain();
  if (command_->chain && HasPlainArgument(pos_)) ++pos_;  // a rule number: counters only
}

void RuleParser::OnUnsupportedCommand(const OptionUse& use) {
  Fatal(use.option, "the " + Quote(use.option) +
                        " command is not supported in a saved ruleset (ghostport reads -A, -I, -N, -P, -F, -X "
                        "and -Z)");
}

void RuleParser::OnTable(const OptionUse& use) {
  Fatal(use.option, Quote(use.option) + " cannot be used in iptables-restore input: the table comes from the "
                                        "\"*table\" line");
}

void RuleParser::OnProtocol(const OptionUse& use) {
  const std::size_t v = use.values[0];
  if (protocol_) return Error(use.option, "multiple \"-p\" options are not allowed");
  std::optional<std::uint64_t> number = ParseXtablesNumber(Text(v), 255);
  if (!number) {
    std::optional<std::uint8_t> named = ProtocolNumber(Text(v));
    if (!named) return Error(v, "unknown protocol " + Quote(v));
    number = *named;
  }
  if (*number == 0 && use.negated) return Error(use.first, "\"! -p all\" never matches");
  protocol_ = ProtocolUse{static_cast<std::uint8_t>(*number), use.negated, use.option};
}

void RuleParser::OnSource(const OptionUse& use) {
  if (saddr_given_) return Error(use.option, "multiple \"-s\" options are not allowed");
  saddr_given_ = true;
  if (std::optional<AddressSet> set = ParseAddresses(use.values[0], use.negated)) {
    saddr_ = saddr_.Intersect(use.negated ? set->Complement() : *set);
  }
}

void RuleParser::OnDestination(const OptionUse& use) {
  if (daddr_given_) return Error(use.option, "multiple \"-d\" options are not allowed");
  daddr_given_ = true;
  if (std::optional<AddressSet> set = ParseAddresses(use.values[0], use.negated)) {
    daddr_ = daddr_.Intersect(use.negated ? set->Complement() : *set);
  }
}

void RuleParser::OnInInterface(const OptionUse& use) {
  if (!iif_.empty()) return Error(use.option, "multiple \"-i\" options are not allowed");
  if (std::optional<rules::InterfaceMatch> m = ParseInterface(use)) iif_.push_back(std::move(*m));
}

void RuleParser::OnOutInterface(const OptionUse& use) {
  if (!oif_.empty()) return Error(use.option, "multiple \"-o\" options are not allowed");
  if (std::optional<rules::InterfaceMatch> m = ParseInterface(use)) oif_.push_back(std::move(*m));
}

void RuleParser::OnFragment(const OptionUse& use) {
  if (context_.family == Family::kIpv6) {
    return Error(use.option, "\"-f\" is not an ip6tables option (ip6tables matches fragments with -m frag)");
  }
  if (fragment_given_) return Error(use.option, "multiple \"-f\" options are not allowed");
  fragment_given_ = true;
  // "! -f" (first fragments and unfragmented packets) is no constraint on
  // the packets the engine asks about.
  later_fragments_only_ = !use.negated;
}

void RuleParser::OnMatch(const OptionUse& use) {
  const std::size_t v = use.values[0];
  ModuleUse m;
  m.name = Text(v);
  m.row = FindModule(m.name);
  m.anchor = use.option;
  m.condition_spans.push_back({use.option, v});
  m.has_condition = m.row == nullptr || m.row->condition_only;
  modules_.push_back(std::move(m));
  where_ = Context::kModule;
  where_module_ = modules_.size() - 1;
}

void RuleParser::OnJump(const OptionUse& use) {
  if (target_) return Fatal(use.option, "multiple targets (\"-j\" or \"-g\") are not allowed");
  target_ = TargetUse{use.option, use.values[0], false, {}};
  where_ = Context::kTarget;
  const std::string& name = tokens_[use.values[0]].text;
  const TargetRow* row = FindTarget(name);
  target_takes_options_ = row ? row->takes_options : !IsUserChain(name) && !IsBuiltinChain(name);
}

void RuleParser::OnGoto(const OptionUse& use) {
  if (target_) return Fatal(use.option, "multiple targets (\"-j\" or \"-g\") are not allowed");
  target_ = TargetUse{use.option, use.values[0], true, {}};
  where_ = Context::kTarget;
  target_takes_options_ = false;
}

void RuleParser::OnSetCounters(const OptionUse& use) {
  // "-c PACKETS BYTES" or "-c PACKETS,BYTES": counters only.
  if (Text(use.values[0]).find(',') == std::string::npos && HasPlainArgument(pos_)) ++pos_;
}

void RuleParser::OnIpv4(const OptionUse& use) { OnlyFamily(Family::kIpv4, use); }

void RuleParser::OnIpv6(const OptionUse& use) { OnlyFamily(Family::kIpv6, use); }

// "-4" in ip6tables input (or "-6" in iptables input): like iptables, read
// no further; the lowering records the line as ignored.
void RuleParser::OnlyFamily(Family family, const OptionUse& use) {
  only_family_ = family;
  if (family == context_.family) return;
  other_family_ = true;
  if (!command_) {
    command_.emplace();
    command_->command = tokens_[use.option];
  }
  pos_ = tokens_.size();
}

// ---------------------------------------------------------------------------
// Match options.

void RuleParser::ApplyPortOption(ModuleUse&, const OptionUse& use, PortSet& field) {
  if (std::optional<PortSet> ports = ParsePortRange(use.values[0])) {
    field = field.Intersect(use.negated ? ports->Complement() : *ports);
  }
}

void RuleParser::OnSourcePort(ModuleUse& m, const OptionUse& use) { ApplyPortOption(m, use, sports_); }

void RuleParser::OnDestinationPort(ModuleUse& m, const OptionUse& use) { ApplyPortOption(m, use, dports_); }

void RuleParser::OnSourcePorts(ModuleUse& m, const OptionUse& use) {
  if (m.has_port_option) return Error(use.option, "a multiport match takes only one of --sports, --dports and --ports");
  m.has_port_option = true;
  if (std::optional<PortSet> ports = ParsePortList(use.values[0])) {
    sports_ = sports_.Intersect(use.negated ? ports->Complement() : *ports);
  }
}

void RuleParser::OnDestinationPorts(ModuleUse& m, const OptionUse& use) {
  if (m.has_port_option) return Error(use.option, "a multiport match takes only one of --sports, --dports and --ports");
  m.has_port_option = true;
  if (std::optional<PortSet> ports = ParsePortList(use.values[0])) {
    dports_ = dports_.Intersect(use.negated ? ports->Complement() : *ports);
  }
}

void RuleParser::OnEitherPorts(ModuleUse& m, const OptionUse& use) {
  if (m.has_port_option) return Error(use.option, "a multiport match takes only one of --sports, --dports and --ports");
  m.has_port_option = true;
  if (std::optional<PortSet> ports = ParsePortList(use.values[0])) {
    either_ports_.push_back({*ports, use.negated});
  }
}

void RuleParser::OnTcpFlags(ModuleUse&, const OptionUse& use) {
  std::optional<std::uint8_t> mask = ParseTcpFlags(use.values[0]);
  std::optional<std::uint8_t> comp = ParseTcpFlags(use.values[1]);
  if (mask && comp) AddTcpFlags({*mask, *comp, use.negated}, use);
}

void RuleParser::OnSyn(ModuleUse&, const OptionUse& use) {
  constexpr std::uint8_t kSynMask = rules::kTcpSyn | rules::kTcpRst | rules::kTcpAck | rules::kTcpFin;
  AddTcpFlags({kSynMask, rules::kTcpSyn, use.negated}, use);
}

void RuleParser::OnState(ModuleUse& m, const OptionUse& use) { ParseStates(m, use, false); }

void RuleParser::OnCtState(ModuleUse& m, const OptionUse& use) { ParseStates(m, use, true); }

void RuleParser::OnComment(ModuleUse&, const OptionUse& use) {
  const std::size_t v = use.values[0];
  if (Text(v).size() > kMaxComment) return Error(v, "comment is longer than 255 characters");
  comments_.push_back(Text(v));
}

void RuleParser::OnSourceRange(ModuleUse&, const OptionUse& use) { ApplyRange(use, saddr_); }

void RuleParser::OnDestinationRange(ModuleUse&, const OptionUse& use) { ApplyRange(use, daddr_); }

void RuleParser::AsCondition(ModuleUse& m, const OptionUse& use) {
  m.has_condition = true;
  m.condition_spans.push_back({use.first, use.last()});
}

void RuleParser::AddTcpFlags(const rules::TcpFlagsMatch& flags, const OptionUse& use) {
  if (!tcp_flags_) {
    tcp_flags_ = flags;
    return;
  }
  if (!flags.negated && !tcp_flags_->negated) {
    // Both must hold: one test over both masks, unless they disagree.
    const std::uint8_t overlap = flags.mask & tcp_flags_->mask;
    if ((flags.comp & overlap) != (tcp_flags_->comp & overlap)) {
      never_matches_ = true;
      return;
    }
    tcp_flags_->comp = static_cast<std::uint8_t>((tcp_flags_->comp & tcp_flags_->mask) | (flags.comp & flags.mask));
    tcp_flags_->mask |= flags.mask;
    return;
  }
  extra_conditions_.push_back({Describe({{use.first, use.last()}}),
                               "a second TCP flags test with negation is not modelled", LocationOf(use.first)});
}

void RuleParser::ApplyRange(const OptionUse& use, AddressSet& field) {
  const std::size_t v = use.values[0];
  std::vector<std::string_view> ends = SplitList(Text(v), '-');
  if (ends.size() > 2) return Error(v, "bad address range " + Quote(v));
  std::optional<rules::u128> lo = rules::ParseAddress(context_.family, ends.front());
  std::optional<rules::u128> hi = rules::ParseAddress(context_.family, ends.back());
  if (!lo || !hi) return Error(v, "bad address range " + Quote(v));
  if (*lo > *hi) Warning(v, "address range " + Quote(v) + " runs backwards and matches nothing");
  AddressSet range = AddressSet::OfRange(context_.family, *lo, *hi);
  if (*lo > *hi) range = AddressSet::None(context_.family);
  field = field.Intersect(use.negated ? range.Complement() : range);
}

// ---------------------------------------------------------------------------
// Values.

std::optional<std::uint16_t> RuleParser::ParsePort(std::string_view text, std::size_t token) {
  if (std::optional<std::uint64_t> n = ParseXtablesNumber(text, 65535)) return static_cast<std::uint16_t>(*n);
  if (std::optional<std::uint16_t> p = ServicePort(text)) return p;
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) != 0) {
    Error(token, "bad port \"" + std::string(text) + "\"");
  } else {
    Error(token, "unknown service name \"" + std::string(text) +
                     "\" (only a built-in table of common names is known; write the port number)");
  }
  return std::nullopt;
}

std::optional<PortSet> RuleParser::ParsePortRange(std::size_t token) {
  const std::string& text = tokens_[token].text;
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    std::optional<std::uint16_t> port = ParsePort(text, token);
    if (!port) return std::nullopt;
    return PortSet::Single(*port);
  }
  const std::string_view lo_text = std::string_view(text).substr(0, colon);
  const std::string_view hi_text = std::string_view(text).substr(colon + 1);
  std::optional<std::uint16_t> lo = lo_text.empty() ? std::optional<std::uint16_t>(0) : ParsePort(lo_text, token);
  std::optional<std::uint16_t> hi =
      hi_text.empty() ? std::optional<std::uint16_t>(65535) : ParsePort(hi_text, token);
  if (!lo || !hi) return std::nullopt;
  if (*lo > *hi) {
    Error(token, "bad port range " + Quote(token) + ": the first port is above the last");
    return std::nullopt;
  }
  return PortSet::Range(*lo, *hi);
}

std::optional<PortSet> RuleParser::ParsePortList(std::size_t token) {
  std::vector<rules::Interval<std::uint16_t>> ranges;
  std::size_t slots = 0;
  bool ok = true;
  for (std::string_view item : SplitList(Text(token), ',')) {
    const std::size_t colon = item.find(':');
    slots += colon == std::string_view::npos ? 1 : 2;
    if (colon == std::string_view::npos) {
      std::optional<std::uint16_t> port = ParsePort(item, token);
      if (port) ranges.push_back({*port, *port});
      ok = ok && port.has_value();
      continue;
    }
    std::optional<std::uint16_t> lo = ParsePort(item.substr(0, colon), token);
    std::optional<std::uint16_t> hi = lo ? ParsePort(item.substr(colon + 1), token) : std::nullopt;
    if (!lo || !hi) {
      ok = false;
    } else if (*lo >= *hi) {
      Error(token, "bad port range \"" + std::string(item) + "\": multiport needs the first port below the last");
      ok = false;
    } else {
      ranges.push_back({*lo, *hi});
    }
  }
  if (ok && slots > kMultiportMax) {
    Error(token, "too many ports in " + Quote(token) + " (multiport takes 15, a range counting as two)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return PortSet::FromIntervals(std::move(ranges));
}

std::optional<AddressSet> RuleParser::ParseAddresses(std::size_t token, bool negated) {
  std::vector<std::string_view> items = SplitList(Text(token), ',');
  if (negated && items.size() > 1) {
    Error(token, "\"!\" cannot be used with several addresses");
    return std::nullopt;
  }
  AddressSet all = AddressSet::None(context_.family);
  bool ok = true;
  for (std::string_view item : items) {
    std::optional<AddressSet> one = ParseAddress(item, token);
    if (one) all = all.Union(*one);
    ok = ok && one.has_value();
  }
  if (!ok) return std::nullopt;
  return all;
}

std::optional<AddressSet> RuleParser::ParseAddress(std::string_view text, std::size_t token) {
  const Family family = context_.family;
  const std::string family_name = family == Family::kIpv4 ? "IPv4" : "IPv6";
  const std::size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  if (!rules::ParseAddress(family, address)) {
    if (LooksLikeHostName(family, address)) {
      Error(token, "host name \"" + std::string(address) +
                       "\" is not resolved (ghostport never looks names up); write an address");
    } else {
      Error(token, "bad " + family_name + " address \"" + std::string(text) + "\"");
    }
    return std::nullopt;
  }
  std::string cidr_text(text);
  if (slash != std::string_view::npos) {
    const std::string_view mask = text.substr(slash + 1);
    const bool long_mask = mask.find(family == Family::kIpv4 ? '.' : ':') != std::string_view::npos;
    if (long_mask) {
      std::optional<rules::u128> mask_value = rules::ParseAddress(family, mask);
      std::optional<int> prefix = mask_value ? MaskPrefix(family, *mask_value) : std::nullopt;
      if (mask_value && !prefix) {
        Error(token, "non-contiguous mask in \"" + std::string(text) + "\" cannot be modelled");
        return std::nullopt;
      }
      if (prefix) cidr_text = std::string(address) + "/" + std::to_string(*prefix);
    }
  }
  std::optional<rules::Cidr> cidr = rules::ParseCidr(family, cidr_text);
  if (!cidr) {
    Error(token, "bad " + family_name + " address \"" + std::string(text) + "\"");
    return std::nullopt;
  }
  return AddressSet::OfCidr(*cidr);
}

std::optional<rules::InterfaceMatch> RuleParser::ParseInterface(const OptionUse& use) {
  const std::size_t v = use.values[0];
  const std::string& text = tokens_[v].text;
  if (text.empty()) {
    Error(v, "empty interface name");
    return std::nullopt;
  }
  if (text.size() > kMaxInterfaceName) {
    Error(v, "interface name " + Quote(v) + " is longer than 15 characters");
    return std::nullopt;
  }
  rules::InterfaceMatch m;
  m.negated = use.negated;
  if (text.back() == '+') {
    m.names.push_back({text.substr(0, text.size() - 1), true});
  } else {
    m.names.push_back({text, false});
  }
  return m;
}

std::optional<std::uint8_t> RuleParser::ParseTcpFlags(std::size_t token) {
  std::uint8_t bits = 0;
  for (std::string_view name : SplitList(Text(token), ',')) {
    std::optional<std::uint8_t> flag = TcpFlagBits(name);
    if (!flag) {
      Error(token, "unknown TCP flag \"" + std::string(name) + "\"");
      return std::nullopt;
    }
    bits |= *flag;
  }
  return bits;
}

void RuleParser::ParseStates(ModuleUse& m, const OptionUse& use, bool allow_nat_states) {
  const std::size_t v = use.values[0];
  std::uint8_t bits = 0;
  bool nat_state = false;
  for (std::string_view name : SplitList(Text(v), ',')) {
    if (std::optional<std::uint8_t> bit = CtStateBit(name)) {
      bits |= *bit;
    } else if (allow_nat_states && IsNatState(name)) {
      nat_state = true;
    } else {
      return Error(v, "unknown conntrack state \"" + std::string(name) + "\"");
    }
  }
  if (nat_state) {
    // "NEW or DNAT" cannot be split into a state set and a condition: the
    // whole test is a condition.
    m.has_condition = true;
    m.condition_spans.push_back({use.first, use.last()});
    return;
  }
  ct_states_ &= use.negated ? static_cast<std::uint8_t>(rules::kCtAll & ~bits) : bits;
}

// ---------------------------------------------------------------------------
// The end of the line: checks and the rule.

void RuleParser::Finish() {
  if (!command_) return Error(0, "no command: a rule line starts with -A CHAIN (or -I, -N, -P, -F, -X, -Z)");
  const bool rule_command =
      command_->kind == IptablesCommandKind::kAppend || command_->kind == IptablesCommandKind::kInsert;
  if (!rule_command) {
    if (first_rule_option_) {
      Error(*first_rule_option_, Quote(*first_rule_option_) + " cannot be used with \"" + command_->command.text + "\"");
    }
    return;
  }
  BuildRule();
}

void RuleParser::BuildRule() {
  CheckModuleProtocols();
  rules::Rule& rule = command_->rule;
  BuildVerdict(rule);
  BuildCubes(rule);
  BuildConditions(rule);
  for (const std::string& c : comments_) {
    if (!rule.comment.empty()) rule.comment += "; ";
    rule.comment += c;
  }
  rule.location = {context_.file_name, statement_.line, 1};
  rule.text = statement_.text;
}

void RuleParser::CheckModuleProtocols() {
  for (const ModuleUse& m : modules_) {
    if (m.row == nullptr || m.row->protocols.empty()) continue;
    const std::span<const std::uint8_t> wanted = m.row->protocols;
    const bool right = protocol_ && std::find(wanted.begin(), wanted.end(), protocol_->number) != wanted.end();
    const std::size_t at = m.implicit ? m.anchor : m.anchor + 1;
    if (!right) {
      Error(at, "the " + m.name + " match needs " + ProtocolList(wanted));
    } else if (protocol_->negated) {
      Error(at, "the " + m.name + " match needs " + ProtocolList(wanted) + " without \"!\"");
    }
  }
}

void RuleParser::BuildVerdict(rules::Rule& rule) {
  rules::Verdict& verdict = rule.verdict;
  if (!target_) return;  // no target: the rule only counts (kContinue)
  const std::size_t name_token = target_->name;
  const std::string& name = tokens_[name_token].text;
  std::vector<std::pair<std::size_t, std::size_t>> spans = target_->option_spans;
  spans.push_back({name_token, name_token});
  verdict.text = Describe(spans);
  const std::string undefined = "undefined chain " + Quote(name_token) + " (not built into the " + context_.table +
                                " table and not declared with \":" + name + "\" or \"-N " + name + "\")";
  const TargetRow* row = FindTarget(name);
  if (target_->is_goto) {
    if (IsUserChain(name)) {
      verdict.kind = VerdictKind::kGoto;
      command_->target_chain = tokens_[name_token];
    } else if (IsBuiltinChain(name)) {
      Error(name_token, "cannot go to the built-in chain " + Quote(name_token));
    } else if (row != nullptr) {
      Error(name_token, "\"-g\" needs a user-defined chain; " + Quote(name_token) + " is a target");
    } else {
      Error(name_token, undefined);
    }
    return;
  }
  if (row != nullptr) {
    verdict.kind = row->kind;
    verdict.reason = row->reason;
  } else if (IsUserChain(name)) {
    verdict.kind = VerdictKind::kJump;
    command_->target_chain = tokens_[name_token];
  } else if (IsBuiltinChain(name)) {
    Error(name_token, "cannot jump to the built-in chain " + Quote(name_token));
  } else if (!target_->option_spans.empty()) {
    verdict.kind = VerdictKind::kUnknown;
    verdict.reason = "the target " + Quote(name_token) + " is not known to ghostport";
  } else {
    Error(name_token, undefined);
  }
}

void RuleParser::BuildCubes(rules::Rule& rule) const {
  if (never_matches_) return;
  rules::Cube cube = rules::Cube::Any(context_.family);
  if (protocol_ && protocol_->number != 0) {
    rules::ProtocolSet p = rules::ProtocolSet::Single(protocol_->number);
    cube.protocols = protocol_->negated ? p.Complement() : p;
  }
  cube.saddr = saddr_;
  cube.daddr = daddr_;
  cube.iif = iif_;
  cube.oif = oif_;
  cube.sports = sports_;
  cube.dports = dports_;
  cube.ct_states = ct_states_;
  cube.tcp_flags = tcp_flags_;
  cube.later_fragments_only = later_fragments_only_;
  std::vector<rules::Cube> cubes = {cube};
  for (const EitherPorts& either : either_ports_) {
    std::vector<rules::Cube> next;
    for (const rules::Cube& c : cubes) {
      if (either.negated) {
        // Neither port is in the list.
        rules::Cube both = c;
        both.sports = both.sports.Intersect(either.ports.Complement());
        both.dports = both.dports.Intersect(either.ports.Complement());
        next.push_back(std::move(both));
        continue;
      }
      rules::Cube by_source = c;
      by_source.sports = by_source.sports.Intersect(either.ports);
      rules::Cube by_destination = c;
      by_destination.dports = by_destination.dports.Intersect(either.ports);
      next.push_back(std::move(by_source));
      next.push_back(std::move(by_destination));
    }
    cubes = std::move(next);
  }
  for (rules::Cube& c : cubes) {
    const bool empty = c.protocols.empty() || c.sports.empty() || c.dports.empty() || c.saddr.empty() ||
                       c.daddr.empty() || c.ct_states == 0;
    if (!empty) rule.cubes.push_back(std::move(c));
  }
}

void RuleParser::BuildConditions(rules::Rule& rule) const {
  for (const ModuleUse& m : modules_) {
    if (!m.has_condition) continue;
    std::vector<std::pair<std::size_t, std::size_t>> spans = m.condition_spans;
    if (m.implicit && spans.empty()) continue;
    rules::Condition c;
    c.description = Describe(spans);
    c.reason = ConditionReasonFor(m);
    c.location = LocationOf(m.implicit ? spans.front().first : m.anchor);
    rule.conditions.push_back(std::move(c));
  }
  for (const rules::Condition& c : extra_conditions_) rule.conditions.push_back(c);
}

// ---------------------------------------------------------------------------
// Helpers.

bool RuleParser::IsBang(std::size_t i) const {
  return i < tokens_.size() && tokens_[i].text == "!" && !tokens_[i].quoted;
}

bool RuleParser::StartsQuoted(const IptablesToken& t) const {
  const std::size_t at = static_cast<std::size_t>(t.column - 1);
  return at < statement_.source_line.size() && statement_.source_line[at] == '"';
}

bool RuleParser::LooksLikeOption(std::size_t i) const {
  if (i >= tokens_.size()) return false;
  const IptablesToken& t = tokens_[i];
  if (StartsQuoted(t) || t.text.size() < 2 || t.text[0] != '-') return false;
  return t.text[1] == '-' || std::isalpha(static_cast<unsigned char>(t.text[1])) != 0 || t.text == "-4" ||
         t.text == "-6";
}

// A following argument that is not an option: iptables' xs_has_arg.
bool RuleParser::HasPlainArgument(std::size_t i) const {
  if (i >= tokens_.size()) return false;
  const std::string& text = tokens_[i].text;
  return text.empty() || (text[0] != '-' && text[0] != '!');
}

bool RuleParser::IsUserChain(const std::string& name) const { return context_.user_chains.count(name) != 0; }

bool RuleParser::IsBuiltinChain(const std::string& name) const {
  return std::find(context_.builtin_chains.begin(), context_.builtin_chains.end(), name) !=
         context_.builtin_chains.end();
}

// The tokens of `spans` as written in the source line: adjacent spans are
// one piece of text, pieces are joined by one space.
std::string RuleParser::Describe(std::vector<std::pair<std::size_t, std::size_t>> spans) const {
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  std::string out;
  for (const auto& [a, b] : merged) {
    if (!out.empty()) out += ' ';
    const std::size_t from = static_cast<std::size_t>(tokens_[a].column - 1);
    const std::size_t to = static_cast<std::size_t>(tokens_[b].end_column - 1);
    out += statement_.source_line.substr(from, to - from);
  }
  return out;
}

rules::SourceLocation RuleParser::LocationOf(std::size_t token) const {
  const int column = token < tokens_.size() ? tokens_[token].column : 1;
  return {context_.file_name, statement_.line, column};
}

void RuleParser::Error(std::size_t token, std::string message) {
  has_errors_ = true;
  Diagnostic d;
  d.location = LocationOf(token);
  d.message = std::move(message);
  d.source_line = statement_.source_line;
  diagnostics_.push_back(std::move(d));
}

void RuleParser::Warning(std::size_t token, std::string message) {
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.location = LocationOf(token);
  d.message = std::move(message);
  d.source_line = statement_.source_line;
  diagnostics_.push_back(std::move(d));
}

void RuleParser::Fatal(std::size_t token, std::string message) {
  Error(token, std::move(message));
  fatal_ = true;
}

}  // namespace

std::optional<IptablesCommand> ParseIptablesCommand(const IptablesStatement& statement,
                                                    const IptablesRuleContext& context,
                                                    std::vector<Diagnostic>& diagnostics) {
  return RuleParser(statement, context, diagnostics).Run();
}

bool IsIptablesTargetName(const std::string& name) { return FindTarget(name) != nullptr; }

}  // namespace ghostport::parsers
