#include "parsers/iptables/iptables_rule_parser.h"


namespace ghostport::parsers::iptables {

namespace {

constexpr std::size_t kMaxComment = 255;  // XT_MAX_COMMENT_LEN - 1

// Narrows a port field to `ports`.
void Narrow(PortSet& field, PortSet ports) {
  field = field.IsAll() ? std::move(ports) : field.Intersect(ports);
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

}  // namespace

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

void RuleParser::NoEffect(ModuleUse&, const OptionUse&) {}

void RuleParser::OnSourceType(ModuleUse& m, const OptionUse& use) {
  m.condition_spans.push_back({use.first, use.last()});  // quoted if the match is a condition
  if (std::optional<rules::AddrTypeMatch> test = ParseAddrTypes(use)) m.src_type = *test;
}

void RuleParser::OnDestinationType(ModuleUse& m, const OptionUse& use) {
  m.condition_spans.push_back({use.first, use.last()});  // quoted if the match is a condition
  if (std::optional<rules::AddrTypeMatch> test = ParseAddrTypes(use)) m.dst_type = *test;
}

void RuleParser::OnLimitIface(ModuleUse& m, const OptionUse& use) {
  m.condition_spans.push_back({use.first, use.last()});  // quoted if the match is a condition
  if (m.limit_iface) {
    return Error(use.option, "--limit-iface-in and --limit-iface-out cannot be used together");
  }
  m.limit_iface = use.option;
}

// An address type test lowers into the cube; limited to the packet's
// interface it is a condition, and netfilter allows it only on the hooks
// where that interface exists.
void RuleParser::FinishAddrtype(ModuleUse& m) {
  constexpr std::uint32_t kTypeOptions = 0b11;  // --src-type, --dst-type in kAddrtypeOptions
  if ((m.seen & kTypeOptions) == 0) return Error(m.name_token, "the addrtype match needs --src-type or --dst-type");
  if (m.limit_iface) {
    const bool in = Text(*m.limit_iface) == "--limit-iface-in";
    using rules::Hook;
    const std::uint8_t hooks =
        in ? IptablesHookBit(Hook::kPrerouting) | IptablesHookBit(Hook::kInput) | IptablesHookBit(Hook::kForward)
           : IptablesHookBit(Hook::kOutput) | IptablesHookBit(Hook::kForward) | IptablesHookBit(Hook::kPostrouting);
    command_->hook_limits.push_back({hooks, tokens_[*m.limit_iface], "the addrtype option " + Quote(*m.limit_iface)});
    m.has_condition = true;
    return;
  }
  if (m.src_type) AddAddrType(cube_.src_type, *m.src_type);
  if (m.dst_type) AddAddrType(cube_.dst_type, *m.dst_type);
}

}  // namespace ghostport::parsers::iptables
