// The inside of the iptables rule parser (iptables_rule.h): the parser
// class and the rows of its tables, shared by the files that implement it.
// Not part of the front end's interface.
//
//   iptables_rule.cpp               the argument loop: getopt's reading of one
//                                   command line, option ownership, tokens,
//                                   diagnostics; the entry points
//   iptables_rule_tables.cpp        option, match and target tables, lookups
//   iptables_rule_core_options.cpp  -A -I -N ... and -p -s -d -i -o -f -m -j -g
//   iptables_rule_matches.cpp       match options (--dport, --ctstate, ...)
//   iptables_rule_values.cpp        value parsers: ports, addresses,
//                                   interfaces, TCP flags, states
//   iptables_rule_targets.cpp       NAT and conntrack targets, NAT values,
//                                   where netfilter accepts a target
//   iptables_rule_sets.cpp          -m set and the SET target
//   iptables_rule_building.cpp      the end of the line: checks, state
//                                   tests, verdict, cubes and conditions
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/iptables/iptables_rule.h"
#include "rules/small_vector.h"

namespace ghostport::parsers::iptables {

using rules::AddressSet;
using rules::Family;
using rules::PortSet;
using rules::VerdictKind;

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
struct XtExtension;  // iptables_extension_options.h
struct KernelNeed;   // iptables_rule_extension_checks.cpp

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
  // addrtype: the tests read, and --limit-iface-in/-out (whose token is
  // kept), which make the whole match a condition (its options are in
  // condition_spans all along).
  std::optional<rules::AddrTypeMatch> src_type;
  std::optional<rules::AddrTypeMatch> dst_type;
  std::optional<std::size_t> limit_iface;
  std::optional<TokenSpan> return_nomatch;  // set: --return-nomatch
};

class RuleParser;
using CoreHandler = void (RuleParser::*)(const OptionUse&);
using ModuleHandler = void (RuleParser::*)(ModuleUse&, const OptionUse&);
// Checks a match's options at the end of the line.
using ModuleFinisher = void (RuleParser::*)(ModuleUse&);

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
  ModuleFinisher finish = nullptr;
};

struct TargetOption {
  std::string_view name;
  int arity;
  CoreHandler handler;
};

// Checks a target's options at the end of the line and completes its verdict.
using TargetFinisher = void (RuleParser::*)(rules::Verdict&);

struct TargetRow {
  std::string_view name;
  VerdictKind kind;
  bool takes_options;
  const char* reason;  // for kUnknown
  // Options read one by one; with `only_listed_options` any other option is
  // not the target's (it may belong to a match), otherwise it is taken as
  // written into the verdict's text.
  std::span<const TargetOption> options = {};
  bool only_listed_options = false;
  TargetFinisher finish = nullptr;
  // Where netfilter accepts the target: the only table (nullptr: any) and
  // the hooks (bits IptablesHookBit(h); 0: any) of the chains that may use it.
  const char* table = nullptr;
  std::uint8_t hooks = 0;
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
  std::uint32_t seen = 0;  // options given (bit i: row->options[i]), to catch repeats
};

// One conntrack state test (--state, --ctstate), resolved at the end of the
// line: virtual states (SNAT, DNAT) lower into the cube only in a rule's
// one and only positive state test.
struct CtStateTest {
  std::uint8_t states = 0;
  std::uint8_t nat = 0;  // CtNat bits
  bool negated = false;
  std::size_t module = 0;  // index in RuleParser::modules_
  TokenSpan span;
};

// One --match-set, resolved at the end of the line against the ipsets.
struct SetUse {
  std::size_t name = 0;   // the set's name token
  std::vector<bool> src;  // the directions: true "src", false "dst"
  bool negated = false;
  std::size_t module = 0;  // index in RuleParser::modules_
  TokenSpan span;
};

// What a NAT target's --to-destination, --to-source or --to-ports says.
struct NatSpec {
  std::optional<AddressSet> addresses;
  std::optional<PortSet> ports;
  std::size_t token = 0;  // the value
  // PORT-PORT/BASE with BASE above PORT: ports are shifted by an offset.
  bool shifted = false;
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
  void NoEffect(ModuleUse& m, const OptionUse& use);
  void OnSourceType(ModuleUse& m, const OptionUse& use);
  void OnDestinationType(ModuleUse& m, const OptionUse& use);
  void OnLimitIface(ModuleUse& m, const OptionUse& use);
  void FinishAddrtype(ModuleUse& m);
  void OnMatchSet(ModuleUse& m, const OptionUse& use);
  void OnDeprecatedSet(ModuleUse& m, const OptionUse& use);
  void OnReturnNomatch(ModuleUse& m, const OptionUse& use);
  void FinishSet(ModuleUse& m);

  // Target option handlers and finishers (kTargets; iptables_rule_targets.cpp).
  void OnToDestination(const OptionUse& use);
  void OnToSource(const OptionUse& use);
  void OnToPorts(const OptionUse& use);
  void OnNatRandom(const OptionUse& use);
  void OnTargetFlag(const OptionUse& use);
  void OnNotrack(const OptionUse& use);
  void OnSetTargetChange(const OptionUse& use);
  void FinishDnat(rules::Verdict& verdict);
  void FinishSnat(rules::Verdict& verdict);
  void FinishMasquerade(rules::Verdict& verdict);
  void FinishRedirect(rules::Verdict& verdict);
  void FinishCt(rules::Verdict& verdict);

 private:
  void ParseOne();
  void ParseCoreOption(const CoreOption& core, std::size_t first, bool negated);
  void ParseModuleOption(std::size_t first, bool negated);
  void ApplyModuleOption(ModuleUse& m, const ModuleOption& option, std::size_t first, bool negated);
  void ApplyTargetOption(const TargetOption& option, std::size_t first);
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
  void CheckInterfaceDirections();
  // iptables_rule_extension_checks.cpp
  void CheckExtensionOptions();
  void CheckKernelNeeds();
  void CheckKernelNeed(const KernelNeed& need, std::size_t token);
  bool SpansGive(std::span<const TokenSpan> spans, std::string_view option, std::string_view value) const;
  void CheckXtOptions(const XtExtension& ext, std::size_t name_token, std::span<const TokenSpan> spans,
                      std::span<const std::string_view> read);
  // iptables_rule_cross_checks.cpp
  struct GivenOption {
    std::size_t option = 0;
    std::optional<std::size_t> value;
    bool negated = false;
  };
  std::vector<GivenOption> GivenOptions(std::span<const TokenSpan> spans) const;
  void CheckCrossOptions();
  void CheckStatistic(std::span<const GivenOption> given);
  void CheckMhType(std::span<const GivenOption> given);
  void CheckPolicy(std::span<const GivenOption> given, std::size_t name_token);
  void FinishModules();
  void ResolveStates();
  void ResolveSets();
  void ResolveSet(const SetUse& use);
  bool CheckSetName(std::size_t token, const Ipset*& set);
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
  std::optional<rules::AddrTypeMatch> ParseAddrTypes(const OptionUse& use);
  void AddAddrType(std::optional<rules::AddrTypeMatch>& field, const rules::AddrTypeMatch& test);
  std::optional<std::vector<bool>> ParseSetDirections(std::size_t token);
  void ApplyPortOption(ModuleUse& m, const OptionUse& use, PortSet& field);
  void AddTcpFlags(const rules::TcpFlagsMatch& flags, const OptionUse& use);
  void ApplyRange(const OptionUse& use, AddressSet& field);
  std::optional<NatSpec> ParseNatTo(std::size_t token);
  std::optional<PortSet> ParseNatPorts(std::string_view text, std::size_t token, bool allow_base, bool& shifted);
  std::optional<AddressSet> ParseNatAddresses(std::string_view text, std::size_t token);
  void CheckNatPortProtocol(const NatSpec& spec);
  void CheckTargetPlace(const TargetRow& row, std::size_t name_token);

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
  // The -i and -o options, for the hooks that have no such interface.
  std::optional<std::size_t> iif_option_;
  std::optional<std::size_t> oif_option_;
  bool daddr_given_ = false;
  bool host_name_seen_ = false;  // set by ParseAddress: a name, not an address
  bool non_contiguous_mask_seen_ = false;  // set by ParseAddress: a mask too scattered to expand
  bool fragment_given_ = false;
  bool later_fragments_only_ = false;
  // --ports: matches when the source or the destination port is in the set.
  struct EitherPorts {
    PortSet ports;
    bool negated = false;
  };
  std::vector<EitherPorts> either_ports_;
  std::uint8_t ct_states_ = rules::kCtAll;
  std::uint8_t ct_nat_ = 0;
  boost::container::small_vector<CtStateTest, 2> ct_tests_;  // most rules have one or none
  std::vector<SetUse> set_uses_;
  std::vector<rules::SetMatch> set_matches_;  // each holds in every cube
  // A positive match on a list:set holds when one of its members matches:
  // each entry is such a choice, multiplying the cubes.
  std::vector<std::vector<rules::SetMatch>> set_choices_;
  std::optional<rules::TcpFlagsMatch> tcp_flags_;
  bool never_matches_ = false;
  std::vector<rules::Condition> extra_conditions_;
  std::vector<std::string_view> comments_;
  boost::container::small_vector<ModuleUse, 4> modules_;  // most rules have a few
  std::optional<TargetUse> target_;
  bool target_takes_options_ = false;
  std::optional<NatSpec> nat_;  // --to-destination, --to-source, --to-ports
  bool nat_to_given_ = false;   // even when its value had errors
  bool nat_random_ = false;     // --random
  bool notrack_ = false;        // CT --notrack
};

// Lookups in the tables (iptables_rule_tables.cpp); nullptr when absent.
const CoreOption* FindCoreOption(std::string_view name);
const ModuleRow* FindModule(std::string_view name);
const ModuleOption* FindModuleOption(const ModuleRow* row, std::string_view name);
// The match "-p NUMBER" loads implicitly when an option needs it.
const ModuleRow* ImplicitModule(std::uint8_t protocol);
const TargetRow* FindTarget(std::string_view name);
const TargetOption* FindTargetOption(const TargetRow& row, std::string_view name);
// Why a match that became a condition cannot be modelled.
std::string ConditionReasonFor(const ModuleUse& m);
// A match iptables (kIpv4) or ip6tables (kIpv6) or xtables-addons has
// (modelled or a condition); any other name is a module that family's tool
// does not know (ip6tables has no ttl, iptables no eui64).
bool IsKnownMatch(std::string_view name, Family family);

// a == b, with cheap tests first: names in a table mostly differ in length
// or in their last letter.
inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || (!a.empty() && a.back() != b.back())) return false;
  return a == b;
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

}  // namespace ghostport::parsers::iptables
