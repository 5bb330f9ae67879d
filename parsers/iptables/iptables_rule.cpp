#include "parsers/iptables/iptables_rule.h"

#include <algorithm>
#include <array>
#include <cassert>
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

// The value tokens of one option use, by index: no option takes more than
// two (-P CHAIN POLICY, --tcp-flags MASK COMP).
class OptionValues {
 public:
  static constexpr std::size_t kMax = 2;
  void push_back(std::size_t token) {
    assert(size_ < kMax);
    tokens_[size_++] = token;
  }
  std::size_t operator[](std::size_t i) const {
    assert(i < size_);
    return tokens_[i];
  }
  bool empty() const { return size_ == 0; }
  std::size_t back() const { return (*this)[size_ - 1]; }

 private:
  std::array<std::size_t, kMax> tokens_{};
  std::size_t size_ = 0;
};

// One use of an option in the argument list, by token index.
struct OptionUse {
  std::size_t first = 0;   // the "!" before the option, or the option itself
  std::size_t option = 0;  // the option token
  OptionValues values;
  bool negated = false;
  std::size_t last() const { return values.empty() ? option : values.back(); }
};

// First and last token of a piece of the line.
using TokenSpan = std::pair<std::size_t, std::size_t>;

struct ModuleRow;

// One match in the rule: "-m NAME" and its options, or the match "-p"
// loads implicitly when an option needs it ("-p tcp --dport 22").
struct ModuleUse {
  std::string_view name;
  const ModuleRow* row = nullptr;  // nullptr: a match ghostport does not know
  std::size_t anchor = 0;          // the "-m" token, or the first option when implicit
  std::size_t name_token = 0;      // the token after "-m"; unused when implicit
  bool implicit = false;
  // Token spans quoted in the condition's description besides "-m NAME",
  // and whether there is a condition.
  std::vector<TokenSpan> condition_spans;
  bool has_condition = false;
  std::uint32_t seen = 0;        // options given (bit i: row->options[i]), to catch repeats
  bool has_port_option = false;  // multiport takes one of --sports/--dports/--ports
};

class RuleParser;
using CoreHandler = void (RuleParser::*)(const OptionUse&);
using ModuleHandler = void (RuleParser::*)(ModuleUse&, const OptionUse&);

struct CoreOption {
  std::string_view short_name;
  std::string_view long_name;
  std::string_view long_alias;  // or empty
  int arity;               // required values
  bool negatable;
  bool rule_option;        // only with -A / -I
  CoreHandler handler;
};

struct ModuleOption {
  std::string_view name;   // canonical
  std::string_view alias;  // or empty
  int arity;
  bool negatable;
  bool free_text;  // the value may start with '-'
  ModuleHandler handler;
};

struct ModuleRow {
  std::string_view name;
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
  std::string_view name;
  VerdictKind kind;
  bool takes_options;
  const char* reason;  // for kUnknown
};

struct ConditionReason {
  std::string_view module;
  const char* reason;
};

struct TargetUse {
  std::size_t option = 0;  // "-j" / "-g"
  std::size_t name = 0;
  bool is_goto = false;
  const TargetRow* row = nullptr;  // nullptr: not a target iptables knows (a chain, or unknown)
  std::vector<TokenSpan> option_spans;
};

struct ProtocolUse {
  std::uint8_t number = 0;
  bool negated = false;
  std::size_t token = 0;
};

enum class Context : std::uint8_t { kNone, kModule, kTarget };

class RuleParser {
 public:
  // The command read goes to `command` (nullopt when it could not be read).
  RuleParser(const IptablesStatement& statement, const IptablesRuleContext& context,
             std::vector<Diagnostic>& diagnostics, std::optional<IptablesCommand>& command)
      : statement_(statement),
        context_(context),
        diagnostics_(diagnostics),
        tokens_(statement.tokens),
        family_name_(context.family == Family::kIpv4 ? "IPv4" : "IPv6"),
        command_(command),
        cube_(rules::Cube::Any(context.family)) {}

  void Run();

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
  void ApplyAddressOption(const OptionUse& use, AddressSet& field);
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
  bool FindOwner(std::string_view name, ModuleUse*& owner, const ModuleOption*& option);
  void ConsumeUnknownOption(std::vector<TokenSpan>& spans, std::size_t first);
  bool TakeValue(OptionUse& use, bool negatable, bool free_text);
  void SplitAttachedValue(std::size_t i);
  bool SetCommand(IptablesCommandKind kind, const OptionUse& use);
  void TakeOptionalChain();
  void OnlyFamily(Family family, const OptionUse& use);

  void Finish();
  void BuildRule();
  void CheckModuleProtocols();
  void BuildVerdict(rules::Rule& rule);
  void BuildCubes(rules::Rule& rule);
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
  bool IsUserChain(std::string_view name) const;
  bool IsBuiltinChain(std::string_view name) const;
  std::string_view Text(std::size_t token) const { return tokens_[token].text; }
  std::string Quote(std::size_t token) const { return "\"" + std::string(tokens_[token].text) + "\""; }
  std::string Describe(std::span<const TokenSpan> spans) const;
  // The source text from token `first` to token `last`, as written.
  std::string_view SourceText(std::size_t first, std::size_t last) const;
  std::vector<IptablesToken>& OwnTokens();
  rules::SourceLocation LocationOf(std::size_t token) const;

  void Error(std::size_t token, std::string message);
  void Warning(std::size_t token, std::string message);
  void Fatal(std::size_t token, std::string message);

  const IptablesStatement& statement_;
  const IptablesRuleContext& context_;
  std::vector<Diagnostic>& diagnostics_;
  // The statement's tokens; a copy once an attached value is split off.
  std::span<const IptablesToken> tokens_;
  std::vector<IptablesToken> own_tokens_;
  bool owns_tokens_ = false;
  const char* family_name_;  // "IPv4" / "IPv6", for messages
  std::size_t pos_ = 0;
  bool fatal_ = false;
  bool has_errors_ = false;

  std::optional<IptablesCommand>& command_;
  std::optional<std::size_t> first_rule_option_;
  std::optional<Family> only_family_;
  bool other_family_ = false;
  Context where_ = Context::kNone;
  std::size_t where_module_ = 0;

  std::optional<ProtocolUse> protocol_;
  bool implicit_loaded_ = false;
  // The rule's addresses, interfaces and ports, as they are read; the rest
  // of its cube is filled in at the end.
  rules::Cube cube_;
  bool saddr_given_ = false;
  bool daddr_given_ = false;
  bool host_name_seen_ = false;  // set by ParseAddress: a name, not an address
  bool fragment_given_ = false;
  bool later_fragments_only_ = false;
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
  std::vector<std::string_view> comments_;
  std::vector<ModuleUse> modules_;
  std::optional<TargetUse> target_;
  bool target_takes_options_ = false;
};

// ---------------------------------------------------------------------------
// Tables.

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

// a == b, with cheap tests first: names in a table mostly differ in length
// or in their last letter.
inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || (!a.empty() && a.back() != b.back())) return false;
  return a == b;
}

// kCoreOptions by the letter of the short name: "-p" → the -p row.
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

std::string ConditionReasonFor(const ModuleUse& m) {
  if (m.row != nullptr) return m.row->condition_reason;
  for (const auto& row : kConditionReasons) {
    if (m.name == row.module) return row.reason;
  }
  return "the " + std::string(m.name) + " match is not modelled";
}

bool IsPortOptionName(std::string_view name) {
  return name == "--dport" || name == "--sport" || name == "--destination-port" || name == "--source-port";
}

// Calls `f` on each `separator`-separated item of `text` (an empty text is
// one empty item) until it returns false.
template <typename F>
void ForEachItem(std::string_view text, char separator, F f) {
  while (true) {
    const std::size_t at = text.find(separator);
    if (!f(text.substr(0, at)) || at == std::string_view::npos) return;
    text.remove_prefix(at + 1);
  }
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

// The usual way an IPv4 address is written, "A.B.C.D" or "A.B.C.D/N", read
// quickly; nullopt for anything else, which rules::ParseCidr then reads (or
// rejects). What this accepts, ParseCidr reads the same: decimal fields
// without a leading zero, octets up to 255, a length up to 32.
std::optional<rules::Cidr> ParsePlainIpv4Cidr(std::string_view text) {
  std::size_t i = 0;
  // One field of 1 to `max_digits` digits, without a leading zero.
  auto field = [&](std::size_t max_digits, std::uint32_t& value) {
    const std::size_t start = i;
    value = 0;
    while (i < text.size() && i - start <= max_digits && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + static_cast<std::uint32_t>(text[i++] - '0');
    }
    const std::size_t digits = i - start;
    return digits > 0 && digits <= max_digits && (digits == 1 || text[start] != '0');
  };
  std::uint32_t address = 0;
  for (int k = 0; k < 4; ++k) {
    if (k > 0 && (i == text.size() || text[i++] != '.')) return std::nullopt;
    std::uint32_t octet = 0;
    if (!field(3, octet) || octet > 255) return std::nullopt;
    address = address << 8 | octet;
  }
  rules::Cidr cidr{Family::kIpv4, address, 32};
  if (i < text.size()) {
    std::uint32_t prefix = 0;
    if (text[i++] != '/' || !field(2, prefix) || prefix > 32 || i != text.size()) return std::nullopt;
    cidr.prefix = static_cast<int>(prefix);
  }
  cidr.address = cidr.First();
  return cidr;
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

void RuleParser::Run() {
  while (pos_ < tokens_.size() && !fatal_) ParseOne();
  if (other_family_) {
    command_->only_family = only_family_;
    return;
  }
  if (!fatal_) Finish();
  if (!command_) return;
  const bool rule_command =
      command_->kind == IptablesCommandKind::kAppend || command_->kind == IptablesCommandKind::kInsert;
  if (has_errors_ && !rule_command) {
    command_.reset();
    return;
  }
  command_->only_family = only_family_;
  if (rule_command && has_errors_) {
    // Keep the rule as an explicit unknown: it never vanishes.
    rules::Rule& rule = command_->rule;
    rule = rules::Rule();
    rule.cubes = {rules::Cube::Any(context_.family)};
    rule.conditions.push_back({std::string(statement_.text), "the rule has errors", LocationOf(0)});
    rule.verdict.kind = VerdictKind::kUnknown;
    rule.verdict.reason = "the rule has errors";
    rule.location = {context_.file_name, statement_.line, 1};
    rule.text = statement_.text;
    command_->target_chain.reset();
    command_->rule_has_errors = true;
  }
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
  const std::string_view name = tokens_[pos_].text;
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
    return Fatal(pos_,
                 "unknown option " + Quote(pos_) + " for the " + std::string(modules_[where_module_].name) + " match");
  }
  Fatal(pos_, "unknown option " + Quote(pos_));
}

bool RuleParser::FindOwner(std::string_view name, ModuleUse*& owner, const ModuleOption*& option) {
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
  const std::uint32_t bit = std::uint32_t{1} << (&option - m.row->options.data());
  if ((m.seen & bit) != 0) Error(pos_, Quote(pos_) + " is given twice in one " + std::string(m.name) + " match");
  m.seen |= bit;
  ++pos_;
  for (int k = 0; k < option.arity; ++k) {
    if (!TakeValue(use, option.negatable, option.free_text)) return;
  }
  (this->*option.handler)(m, use);
}

// An option ghostport does not know, of a match or target that takes
// arbitrary options: the option and every value after it, up to the next
// option.
void RuleParser::ConsumeUnknownOption(std::vector<TokenSpan>& spans, std::size_t first) {
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
  const IptablesToken& t = tokens_[i];
  std::size_t cut = std::string_view::npos;
  if (t.text.starts_with("--")) {
    cut = t.text.find('=');
    if (cut == std::string_view::npos) return;
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
  IptablesToken option = t;
  option.text = t.text.substr(0, cut);
  option.end_column = t.column + static_cast<int>(cut);
  option.quoted = false;
  std::vector<IptablesToken>& tokens = OwnTokens();
  tokens[i] = option;
  tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1, value);
  tokens_ = tokens;
}

std::vector<IptablesToken>& RuleParser::OwnTokens() {
  if (!owns_tokens_) {
    own_tokens_.assign(tokens_.begin(), tokens_.end());
    tokens_ = own_tokens_;
    owns_tokens_ = true;
  }
  return own_tokens_;
}

// ---------------------------------------------------------------------------
// Core options.

bool RuleParser::SetCommand(IptablesCommandKind kind, const OptionUse& use) {
  if (command_) {
    Fatal(use.option, Quote(use.option) + " cannot be combined with " + "\"" + std::string(command_->command.text) +
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
  ApplyAddressOption(use, cube_.saddr);
}

void RuleParser::OnDestination(const OptionUse& use) {
  if (daddr_given_) return Error(use.option, "multiple \"-d\" options are not allowed");
  daddr_given_ = true;
  ApplyAddressOption(use, cube_.daddr);
}

// -s/-d: an address list narrows the field. A host name is resolved by
// iptables when the rules are loaded, to addresses ghostport cannot know (it
// never looks names up): the option becomes an explicit unknown condition.
void RuleParser::ApplyAddressOption(const OptionUse& use, AddressSet& field) {
  host_name_seen_ = false;
  if (std::optional<AddressSet> set = ParseAddresses(use.values[0], use.negated)) {
    field = field.Intersect(use.negated ? set->Complement() : *set);
    return;
  }
  if (!host_name_seen_) return;  // an error was reported
  const TokenSpan span{use.first, use.last()};
  extra_conditions_.push_back({Describe(std::span<const TokenSpan>(&span, 1)),
                               "a host name is resolved when the rules are loaded; ghostport never looks names up",
                               LocationOf(use.first)});
}

void RuleParser::OnInInterface(const OptionUse& use) {
  if (!cube_.iif.empty()) return Error(use.option, "multiple \"-i\" options are not allowed");
  if (std::optional<rules::InterfaceMatch> m = ParseInterface(use)) cube_.iif.push_back(std::move(*m));
}

void RuleParser::OnOutInterface(const OptionUse& use) {
  if (!cube_.oif.empty()) return Error(use.option, "multiple \"-o\" options are not allowed");
  if (std::optional<rules::InterfaceMatch> m = ParseInterface(use)) cube_.oif.push_back(std::move(*m));
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
  m.name_token = v;
  m.has_condition = m.row == nullptr || m.row->condition_only;
  modules_.push_back(std::move(m));
  where_ = Context::kModule;
  where_module_ = modules_.size() - 1;
}

void RuleParser::OnJump(const OptionUse& use) {
  if (target_) return Fatal(use.option, "multiple targets (\"-j\" or \"-g\") are not allowed");
  const std::string_view name = tokens_[use.values[0]].text;
  const TargetRow* row = FindTarget(name);
  target_ = TargetUse{use.option, use.values[0], false, row, {}};
  where_ = Context::kTarget;
  target_takes_options_ = row ? row->takes_options : !IsUserChain(name) && !IsBuiltinChain(name);
}

void RuleParser::OnGoto(const OptionUse& use) {
  if (target_) return Fatal(use.option, "multiple targets (\"-j\" or \"-g\") are not allowed");
  target_ = TargetUse{use.option, use.values[0], true, FindTarget(Text(use.values[0])), {}};
  where_ = Context::kTarget;
  target_takes_options_ = false;
}

void RuleParser::OnSetCounters(const OptionUse& use) {
  // "-c PACKETS BYTES" or "-c PACKETS,BYTES": counters only.
  if (Text(use.values[0]).find(',') == std::string_view::npos && HasPlainArgument(pos_)) ++pos_;
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

// Narrows a port field to `ports`.
void Narrow(PortSet& field, PortSet ports) {
  field = field.IsAll() ? std::move(ports) : field.Intersect(ports);
}

void RuleParser::ApplyPortOption(ModuleUse&, const OptionUse& use, PortSet& field) {
  if (std::optional<PortSet> ports = ParsePortRange(use.values[0])) {
    Narrow(field, use.negated ? ports->Complement() : std::move(*ports));
  }
}

void RuleParser::OnSourcePort(ModuleUse& m, const OptionUse& use) { ApplyPortOption(m, use, cube_.sports); }

void RuleParser::OnDestinationPort(ModuleUse& m, const OptionUse& use) { ApplyPortOption(m, use, cube_.dports); }

void RuleParser::OnSourcePorts(ModuleUse& m, const OptionUse& use) {
  if (m.has_port_option) return Error(use.option, "a multiport match takes only one of --sports, --dports and --ports");
  m.has_port_option = true;
  if (std::optional<PortSet> ports = ParsePortList(use.values[0])) {
    Narrow(cube_.sports, use.negated ? ports->Complement() : std::move(*ports));
  }
}

void RuleParser::OnDestinationPorts(ModuleUse& m, const OptionUse& use) {
  if (m.has_port_option) return Error(use.option, "a multiport match takes only one of --sports, --dports and --ports");
  m.has_port_option = true;
  if (std::optional<PortSet> ports = ParsePortList(use.values[0])) {
    Narrow(cube_.dports, use.negated ? ports->Complement() : std::move(*ports));
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

void RuleParser::OnSourceRange(ModuleUse&, const OptionUse& use) { ApplyRange(use, cube_.saddr); }

void RuleParser::OnDestinationRange(ModuleUse&, const OptionUse& use) { ApplyRange(use, cube_.daddr); }

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
  const TokenSpan span{use.first, use.last()};
  extra_conditions_.push_back({Describe(std::span<const TokenSpan>(&span, 1)),
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
  const std::string_view text = tokens_[token].text;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    std::optional<std::uint16_t> port = ParsePort(text, token);
    if (!port) return std::nullopt;
    return PortSet::Single(*port);
  }
  const std::string_view lo_text = text.substr(0, colon);
  const std::string_view hi_text = text.substr(colon + 1);
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
  ForEachItem(Text(token), ',', [&](std::string_view item) {
    const std::size_t colon = item.find(':');
    slots += colon == std::string_view::npos ? 1 : 2;
    if (colon == std::string_view::npos) {
      std::optional<std::uint16_t> port = ParsePort(item, token);
      if (port) ranges.push_back({*port, *port});
      ok = ok && port.has_value();
      return true;
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
    return true;
  });
  if (ok && slots > kMultiportMax) {
    Error(token, "too many ports in " + Quote(token) + " (multiport takes 15, a range counting as two)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return PortSet::FromIntervals(std::move(ranges));
}

std::optional<AddressSet> RuleParser::ParseAddresses(std::size_t token, bool negated) {
  const std::string_view text = Text(token);
  if (text.find(',') == std::string_view::npos) return ParseAddress(text, token);  // the usual case
  if (negated) {
    Error(token, "\"!\" cannot be used with several addresses");
    return std::nullopt;
  }
  AddressSet all = AddressSet::None(context_.family);
  bool ok = true;
  ForEachItem(text, ',', [&](std::string_view item) {
    std::optional<AddressSet> one = ParseAddress(item, token);
    if (one) all = all.Union(*one);
    ok = ok && one.has_value();
    return true;
  });
  if (!ok) return std::nullopt;
  return all;
}

std::optional<AddressSet> RuleParser::ParseAddress(std::string_view text, std::size_t token) {
  const Family family = context_.family;
  const std::size_t slash = text.find('/');
  if (family == Family::kIpv4) {
    if (std::optional<rules::Cidr> cidr = ParsePlainIpv4Cidr(text)) return AddressSet::OfCidr(*cidr);
  }
  const char mask_separator = family == Family::kIpv4 ? '.' : ':';
  if (slash == std::string_view::npos || text.find(mask_separator, slash + 1) == std::string_view::npos) {
    // An address or ADDRESS/LENGTH: ParseCidr reads it as the steps below would.
    if (std::optional<rules::Cidr> cidr = rules::ParseCidr(family, text)) return AddressSet::OfCidr(*cidr);
  }
  const std::string family_name = family_name_;
  const std::string_view address = text.substr(0, slash);
  if (!rules::ParseAddress(family, address)) {
    if (LooksLikeHostName(family, address)) {
      host_name_seen_ = true;  // the caller keeps the option as an unknown condition
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
  const std::string_view text = tokens_[v].text;
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
    m.names.push_back({std::string(text.substr(0, text.size() - 1)), true});
  } else {
    m.names.push_back({std::string(text), false});
  }
  return m;
}

std::optional<std::uint8_t> RuleParser::ParseTcpFlags(std::size_t token) {
  std::uint8_t bits = 0;
  bool ok = true;
  ForEachItem(Text(token), ',', [&](std::string_view name) {
    std::optional<std::uint8_t> flag = TcpFlagBits(name);
    if (!flag) {
      Error(token, "unknown TCP flag \"" + std::string(name) + "\"");
      ok = false;
      return false;
    }
    bits |= *flag;
    return true;
  });
  if (!ok) return std::nullopt;
  return bits;
}

void RuleParser::ParseStates(ModuleUse& m, const OptionUse& use, bool allow_nat_states) {
  const std::size_t v = use.values[0];
  std::uint8_t bits = 0;
  bool nat_state = false;
  bool ok = true;
  ForEachItem(Text(v), ',', [&](std::string_view name) {
    if (std::optional<std::uint8_t> bit = CtStateBit(name)) {
      bits |= *bit;
    } else if (allow_nat_states && IsNatState(name)) {
      nat_state = true;
    } else {
      Error(v, "unknown conntrack state \"" + std::string(name) + "\"");
      ok = false;
    }
    return ok;
  });
  if (!ok) return;
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
      Error(*first_rule_option_,
            Quote(*first_rule_option_) + " cannot be used with \"" + std::string(command_->command.text) + "\"");
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
  for (std::string_view c : comments_) {
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
      Error(at, "the " + std::string(m.name) + " match needs " + ProtocolList(wanted));
    } else if (protocol_->negated) {
      Error(at, "the " + std::string(m.name) + " match needs " + ProtocolList(wanted) + " without \"!\"");
    }
  }
}

void RuleParser::BuildVerdict(rules::Rule& rule) {
  rules::Verdict& verdict = rule.verdict;
  if (!target_) return;  // no target: the rule only counts (kContinue)
  const std::size_t name_token = target_->name;
  const std::string_view name = tokens_[name_token].text;
  // The name, then its options (which follow it on the line).
  const std::vector<TokenSpan>& options = target_->option_spans;
  std::array<TokenSpan, 8> local;
  if (options.size() < local.size()) {
    local[0] = {name_token, name_token};
    std::copy(options.begin(), options.end(), local.begin() + 1);
    verdict.text = Describe(std::span<const TokenSpan>(local.data(), options.size() + 1));
  } else {
    std::vector<TokenSpan> spans = {{name_token, name_token}};
    spans.insert(spans.end(), options.begin(), options.end());
    verdict.text = Describe(spans);
  }
  auto undefined = [&] {
    return "undefined chain " + Quote(name_token) + " (not built into the " + context_.table +
           " table and not declared with \":" + std::string(name) + "\" or \"-N " + std::string(name) + "\")";
  };
  const TargetRow* row = target_->row;
  if (target_->is_goto) {
    if (IsUserChain(name)) {
      verdict.kind = VerdictKind::kGoto;
      command_->target_chain = tokens_[name_token];
    } else if (IsBuiltinChain(name)) {
      Error(name_token, "cannot go to the built-in chain " + Quote(name_token));
    } else if (row != nullptr) {
      Error(name_token, "\"-g\" needs a user-defined chain; " + Quote(name_token) + " is a target");
    } else {
      Error(name_token, undefined());
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
    Error(name_token, undefined());
  }
}

// Moves the parsed cube into the rule: the parser is done with it.
void RuleParser::BuildCubes(rules::Rule& rule) {
  if (never_matches_) return;
  if (protocol_ && protocol_->number != 0) {
    rules::ProtocolSet p = rules::ProtocolSet::Single(protocol_->number);
    cube_.protocols = protocol_->negated ? p.Complement() : std::move(p);
  }
  cube_.ct_states = ct_states_;
  cube_.tcp_flags = tcp_flags_;
  cube_.later_fragments_only = later_fragments_only_;
  auto is_empty = [](const rules::Cube& c) {
    return c.protocols.empty() || c.sports.empty() || c.dports.empty() || c.saddr.empty() || c.daddr.empty() ||
           c.ct_states == 0;
  };
  if (either_ports_.empty()) {  // the usual case: one cube
    if (!is_empty(cube_)) rule.cubes.push_back(std::move(cube_));
    return;
  }
  std::vector<rules::Cube> cubes;
  cubes.push_back(std::move(cube_));
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
    if (!is_empty(c)) rule.cubes.push_back(std::move(c));
  }
}

void RuleParser::BuildConditions(rules::Rule& rule) const {
  for (const ModuleUse& m : modules_) {
    if (!m.has_condition) continue;
    if (m.implicit && m.condition_spans.empty()) continue;
    std::vector<TokenSpan> spans;
    spans.reserve(m.condition_spans.size() + 1);
    if (!m.implicit) spans.push_back({m.anchor, m.name_token});  // "-m NAME"
    spans.insert(spans.end(), m.condition_spans.begin(), m.condition_spans.end());
    rules::Condition c;
    c.location = LocationOf(m.implicit ? spans.front().first : m.anchor);
    c.description = Describe(spans);
    c.reason = ConditionReasonFor(m);
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
  const std::string_view text = tokens_[i].text;
  return text.empty() || (text[0] != '-' && text[0] != '!');
}

bool RuleParser::IsUserChain(std::string_view name) const {
  return context_.user_chains.find(name) != context_.user_chains.end();
}

bool RuleParser::IsBuiltinChain(std::string_view name) const {
  return std::find(context_.builtin_chains.begin(), context_.builtin_chains.end(), name) !=
         context_.builtin_chains.end();
}

// The tokens of `spans` as written in the source line: adjacent spans are
// one piece of text, pieces are joined by one space.
std::string RuleParser::Describe(std::span<const TokenSpan> spans) const {
  if (!std::is_sorted(spans.begin(), spans.end())) {
    std::vector<TokenSpan> sorted(spans.begin(), spans.end());
    std::sort(sorted.begin(), sorted.end());
    return Describe(sorted);
  }
  std::string out;
  for (std::size_t i = 0; i < spans.size();) {
    const std::size_t first = spans[i].first;
    std::size_t last = spans[i].second;
    for (++i; i < spans.size() && spans[i].first <= last + 1; ++i) last = std::max(last, spans[i].second);
    if (!out.empty()) out += ' ';
    out += SourceText(first, last);
  }
  return out;
}

std::string_view RuleParser::SourceText(std::size_t first, std::size_t last) const {
  const std::size_t from = static_cast<std::size_t>(tokens_[first].column - 1);
  const std::size_t to = static_cast<std::size_t>(tokens_[last].end_column - 1);
  return statement_.source_line.substr(from, to - from);
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
  d.source_line = std::string(statement_.source_line);
  diagnostics_.push_back(std::move(d));
}

void RuleParser::Warning(std::size_t token, std::string message) {
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.location = LocationOf(token);
  d.message = std::move(message);
  d.source_line = std::string(statement_.source_line);
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
  std::optional<IptablesCommand> command;
  RuleParser(statement, context, diagnostics, command).Run();
  return command;
}

bool IsIptablesTargetName(std::string_view name) { return FindTarget(name) != nullptr; }

}  // namespace ghostport::parsers
