#include "parsers/iptables/iptables_rule_parser.h"

#include <algorithm>

#include "parsers/netfilter_names.h"

namespace ghostport::parsers::iptables {

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
  // ip6tables loads "-p icmp" (protocol 1), which IPv6 packets do not carry:
  // almost always meant as ICMPv6. The other way round likewise.
  if (context_.family == Family::kIpv6 && *number == 1) {
    Warning(v, "\"-p icmp\" in an ip6tables ruleset is IPv4's ICMP (protocol 1), which IPv6 packets do not carry; "
               "ICMPv6 is \"-p ipv6-icmp\" (or icmpv6): read as written");
  } else if (context_.family == Family::kIpv4 && *number == 58) {
    Warning(v, "ICMPv6 (protocol 58) in an iptables ruleset: IPv4 packets do not carry it; read as written");
  }
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
  non_contiguous_mask_seen_ = false;
  if (std::optional<AddressSet> set = ParseAddresses(use.values[0], use.negated)) {
    field = field.Intersect(use.negated ? set->Complement() : *set);
    return;
  }
  if (!host_name_seen_ && !non_contiguous_mask_seen_) return;  // an error was reported
  const TokenSpan span{use.first, use.last()};
  extra_conditions_.push_back({Describe(std::span<const TokenSpan>(&span, 1)),
                               host_name_seen_
                                   ? "a host name is resolved when the rules are loaded; ghostport never looks names up"
                                   : "a non-contiguous netmask with more than 4096 address blocks is not modelled",
                               LocationOf(use.first)});
}

void RuleParser::OnInInterface(const OptionUse& use) {
  if (!cube_.iif.empty()) return Error(use.option, "multiple \"-i\" options are not allowed");
  iif_option_ = use.option;
  if (std::optional<rules::InterfaceMatch> m = ParseInterface(use)) cube_.iif.push_back(std::move(*m));
}

void RuleParser::OnOutInterface(const OptionUse& use) {
  if (!cube_.oif.empty()) return Error(use.option, "multiple \"-o\" options are not allowed");
  oif_option_ = use.option;
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
  if (!IsKnownMatch(m.name, context_.family)) {
    // iptables-restore refuses a module it cannot load ("Couldn't load
    // match"), but the ruleset may come from a host with more extensions.
    const char* tool = context_.family == Family::kIpv4 ? "iptables" : "ip6tables";
    Warning(v, "unknown match module " + Quote(v) + ": " + tool + " has no such extension and would refuse to "
                   "load it; read as an explicit unknown (it may come from a host with more extensions)");
  }
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

// "-c PACKETS,BYTES" or "-c PACKETS BYTES": counters only, but both must be
// there and decimal, as iptables checks them ("-c requires packet and byte
// counter", "-c packet counter not numeric").
void RuleParser::OnSetCounters(const OptionUse& use) {
  const std::size_t v = use.values[0];
  const std::string_view text = Text(v);
  const std::size_t comma = text.find(',');
  std::string_view packets = text.substr(0, comma), bytes;
  std::size_t bytes_token = v;
  if (comma != std::string_view::npos) {
    bytes = text.substr(comma + 1);
  } else if (HasPlainArgument(pos_)) {
    bytes_token = pos_++;
    bytes = Text(bytes_token);
  } else {
    return Error(use.option, "\"-c\" requires packet and byte counters (-c PACKETS,BYTES)");
  }
  auto decimal = [](std::string_view n) {
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!decimal(packets)) return Error(v, "\"-c\" packet counter " + Quote(v) + " is not a number");
  if (!decimal(bytes)) return Error(bytes_token, "\"-c\" byte counter " + Quote(bytes_token) + " is not a number");
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

}  // namespace ghostport::parsers::iptables
