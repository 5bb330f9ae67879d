#include "parsers/iptables/iptables_rule_parser.h"

#include <algorithm>

#include "parsers/netfilter_names.h"

namespace ghostport::parsers::iptables {

namespace {

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

}  // namespace

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
  CheckInterfaceDirections();
  CheckExtensionOptions();
  FinishModules();
  ResolveStates();
  ResolveSets();
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

// A packet has no output interface yet in PREROUTING and INPUT, and no
// input interface in OUTPUT and POSTROUTING: iptables refuses -o and -i
// there by the chain's name, in every table ("Can't use -o with INPUT").
// A user chain may use both, wherever it is reached from.
void RuleParser::CheckInterfaceDirections() {
  const std::string_view chain = command_->chain->text;
  const bool incoming = chain == "PREROUTING" || chain == "INPUT";
  const bool outgoing = chain == "OUTPUT" || chain == "POSTROUTING";
  if (incoming && oif_option_) {
    Error(*oif_option_, "\"-o\" cannot be used in " + std::string(chain) +
                            ": an incoming packet has no output interface yet (iptables refuses it: \"Can't use "
                            "-o with " + std::string(chain) + "\")");
  }
  if (outgoing && iif_option_) {
    Error(*iif_option_, "\"-i\" cannot be used in " + std::string(chain) +
                            ": an outgoing packet has no input interface (iptables refuses it: \"Can't use -i "
                            "with " + std::string(chain) + "\")");
  }
}

void RuleParser::FinishModules() {
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    if (modules_[i].row != nullptr && modules_[i].row->finish != nullptr) (this->*modules_[i].row->finish)(modules_[i]);
  }
}

// State tests hold together. A test naming a virtual state ("NEW,DNAT": the
// state is NEW or the connection was DNATed) lowers into ct_states and
// ct_nat when it is the rule's only state test and not negated; otherwise
// it cannot be one cube's test and stays a condition.
void RuleParser::ResolveStates() {
  for (const CtStateTest& t : ct_tests_) {
    if (t.nat == 0) {
      ct_states_ &= t.negated ? static_cast<std::uint8_t>(rules::kCtAll & ~t.states) : t.states;
    } else if (ct_tests_.size() == 1 && !t.negated) {
      ct_states_ = t.states;
      ct_nat_ = t.nat;
    } else {
      ModuleUse& m = modules_[t.module];
      m.has_condition = true;
      m.condition_spans.push_back(t.span);
    }
  }
}

void RuleParser::CheckModuleProtocols() {
  for (const ModuleUse& m : modules_) {
    if (m.row == nullptr || m.row->protocols.empty()) continue;
    // ip6tables' ah is an extension header match (libip6t_ah): the AH header
    // may follow others, so it needs no "-p ah".
    if (context_.family == Family::kIpv6 && m.row->name == "ah") continue;
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
    CheckTargetPlace(*row, name_token);
    if (row->finish != nullptr) (this->*row->finish)(verdict);
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
  cube_.ct_nat = ct_nat_;
  cube_.tcp_flags = tcp_flags_;
  cube_.later_fragments_only = later_fragments_only_;
  cube_.sets = std::move(set_matches_);
  auto is_empty = [](const rules::Cube& c) {
    return c.protocols.empty() || c.sports.empty() || c.dports.empty() || c.saddr.empty() || c.daddr.empty() ||
           (c.ct_states == 0 && c.ct_nat == 0);
  };
  if (either_ports_.empty() && set_choices_.empty()) {  // the usual case: one cube
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
  // A list:set: one cube per member it may match through.
  for (const std::vector<rules::SetMatch>& choice : set_choices_) {
    std::vector<rules::Cube> next;
    for (const rules::Cube& c : cubes) {
      for (const rules::SetMatch& member : choice) {
        rules::Cube with = c;
        with.sets.push_back(member);
        next.push_back(std::move(with));
      }
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

}  // namespace ghostport::parsers::iptables
