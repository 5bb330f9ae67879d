#include "parsers/iptables/iptables_rule.h"

#include <algorithm>
#include <cctype>

#include "parsers/iptables/iptables_rule_parser.h"

namespace ghostport::parsers::iptables {

namespace {

bool IsPortOptionName(std::string_view name) {
  return name == "--dport" || name == "--sport" || name == "--destination-port" || name == "--source-port";
}

}  // namespace

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
    command_->rule = IptablesRuleWithErrors(statement_, context_.file_name, context_.family);
    command_->target_chain.reset();
    command_->hook_limits.clear();
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
    const TargetRow* row = target_->row;
    const TargetOption* option = row != nullptr ? FindTargetOption(*row, name) : nullptr;
    if (option != nullptr || row == nullptr || !row->only_listed_options) {
      if (negated) return Fatal(first, "\"!\" cannot negate the target option " + Quote(pos_));
      if (option != nullptr) return ApplyTargetOption(*option, first);
      return ConsumeUnknownOption(target_->option_spans, first);
    }
    // Not the target's: iptables offers it to the matches next.
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
  if (where_ == Context::kTarget && target_ && target_->row != nullptr && target_takes_options_) {
    return Fatal(pos_, "unknown option " + Quote(pos_) + " for the " + std::string(target_->row->name) + " target");
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

void RuleParser::ApplyTargetOption(const TargetOption& option, std::size_t first) {
  OptionUse use{first, pos_, {}, false};
  const std::uint32_t bit = std::uint32_t{1} << (&option - target_->row->options.data());
  if ((target_->seen & bit) != 0) {
    Error(pos_, Quote(pos_) + " can only be given once for the " + std::string(target_->row->name) + " target");
  }
  target_->seen |= bit;
  ++pos_;
  for (int k = 0; k < option.arity; ++k) {
    if (!TakeValue(use, false, false)) return;
  }
  target_->option_spans.push_back({use.first, use.last()});
  (this->*option.handler)(use);
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

}  // namespace ghostport::parsers::iptables

namespace ghostport::parsers {

std::optional<IptablesCommand> ParseIptablesCommand(const IptablesStatement& statement,
                                                    const IptablesRuleContext& context,
                                                    std::vector<Diagnostic>& diagnostics) {
  std::optional<IptablesCommand> command;
  iptables::RuleParser(statement, context, diagnostics, command).Run();
  return command;
}

bool IsIptablesTargetName(std::string_view name) { return iptables::FindTarget(name) != nullptr; }

rules::Rule IptablesRuleWithErrors(const IptablesStatement& statement, const std::string& file_name,
                                   rules::Family family) {
  // The condition's column: the statement's first token, as LocationOf(0).
  const int column = statement.tokens.empty() ? 1 : statement.tokens[0].column;
  rules::Rule rule;
  rule.cubes = {rules::Cube::Any(family)};
  rule.conditions.push_back({std::string(statement.text), "the rule has errors", {file_name, statement.line, column}});
  rule.verdict.kind = rules::VerdictKind::kUnknown;
  rule.verdict.reason = "the rule has errors";
  rule.location = {file_name, statement.line, 1};
  rule.text = statement.text;
  return rule;
}

}  // namespace ghostport::parsers
