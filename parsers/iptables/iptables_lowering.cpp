#include "parsers/iptables/iptables_lowering.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "parsers/iptables/iptables_dual_stack.h"
#include "parsers/iptables/iptables_rule.h"
#include "parsers/iptables/iptables_ufw_fragment.h"

namespace ghostport::parsers {

namespace {

using rules::Family;
using rules::Hook;
using rules::VerdictKind;

constexpr std::size_t kMaxChainName = 28;  // XT_EXTENSION_MAXNAMELEN - 1

constexpr const char* kTableNames[] = {"filter", "nat", "mangle", "raw", "security"};

struct BuiltinChainRow {
  const char* table;
  const char* chain;
  Hook hook;
  int priority;
  rules::ChainType type;
};

// netfilter's hook priorities: raw -300, mangle -150, dstnat -100,
// filter 0, security 50, srcnat 100. The nat table's chains see only a
// connection's first packet; mangle OUTPUT reroutes a packet whose marks or
// addresses it changed (iptable_mangle's route hook); the rest filter.
constexpr BuiltinChainRow kBuiltinChains[] = {
    {"filter", "INPUT", Hook::kInput, 0, rules::ChainType::kFilter},
    {"filter", "FORWARD", Hook::kForward, 0, rules::ChainType::kFilter},
    {"filter", "OUTPUT", Hook::kOutput, 0, rules::ChainType::kFilter},
    {"nat", "PREROUTING", Hook::kPrerouting, -100, rules::ChainType::kNat},
    {"nat", "INPUT", Hook::kInput, 100, rules::ChainType::kNat},
    {"nat", "OUTPUT", Hook::kOutput, -100, rules::ChainType::kNat},
    {"nat", "POSTROUTING", Hook::kPostrouting, 100, rules::ChainType::kNat},
    {"mangle", "PREROUTING", Hook::kPrerouting, -150, rules::ChainType::kFilter},
    {"mangle", "INPUT", Hook::kInput, -150, rules::ChainType::kFilter},
    {"mangle", "FORWARD", Hook::kForward, -150, rules::ChainType::kFilter},
    {"mangle", "OUTPUT", Hook::kOutput, -150, rules::ChainType::kRoute},
    {"mangle", "POSTROUTING", Hook::kPostrouting, -150, rules::ChainType::kFilter},
    {"raw", "PREROUTING", Hook::kPrerouting, -300, rules::ChainType::kFilter},
    {"raw", "OUTPUT", Hook::kOutput, -300, rules::ChainType::kFilter},
    {"security", "INPUT", Hook::kInput, 50, rules::ChainType::kFilter},
    {"security", "FORWARD", Hook::kForward, 50, rules::ChainType::kFilter},
    {"security", "OUTPUT", Hook::kOutput, 50, rules::ChainType::kFilter},
};

struct PolicyRow {
  const char* name;
  VerdictKind kind;
};

constexpr PolicyRow kPolicies[] = {
    {"ACCEPT", VerdictKind::kAccept},
    {"DROP", VerdictKind::kDrop},
};

bool IsTableName(std::string_view name) {
  return std::find(std::begin(kTableNames), std::end(kTableNames), name) != std::end(kTableNames);
}

std::optional<VerdictKind> FindPolicy(std::string_view name) {
  for (const auto& row : kPolicies) {
    if (name == row.name) return row.kind;
  }
  return std::nullopt;
}

// a == b, with cheap tests first: names mostly differ in length or in their
// last letter.
inline bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || (!a.empty() && a.back() != b.back())) return false;
  return a == b;
}

// "-N", "--new-chain" or "--new".
bool IsNewChainOption(std::string_view t) {
  if (t.size() == 2) return t[0] == '-' && t[1] == 'N';
  return (t.size() == 11 && t == "--new-chain") || (t.size() == 5 && t == "--new");
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

// Where a chain's rule comes from, and the user chain it jumps or goes to:
// jumps are resolved when the table section ends.
struct RuleOrigin {
  std::optional<IptablesToken> target_chain;
  const IptablesStatement* statement = nullptr;
  std::vector<IptablesHookLimit> hook_limits;
};

struct ChainState {
  rules::Chain chain;               // without its rules until the section ends
  std::vector<rules::Rule> rules;   // the chain's rules so far
  std::vector<RuleOrigin> origins;  // one per rule
  bool builtin = false;
  bool declared = false;  // by ":NAME" or -N; built-in chains always are
  bool deleted = false;
  int deleted_line = 0;
};

class Lowering;
using CommandHandler = void (Lowering::*)(const IptablesStatement&, IptablesCommand&);

struct CommandRow {
  IptablesCommandKind kind;
  CommandHandler handler;
};

class Lowering {
 public:
  Lowering(const std::string& file_name, Family family, std::vector<Diagnostic>& diagnostics,
           const IpsetDump* ipsets)
      : file_name_(file_name), family_(family), diagnostics_(diagnostics), sets_(ipsets, ruleset_.sets) {}

  rules::Ruleset Lower(const IptablesFile& file);

  void OnAppend(const IptablesStatement& s, IptablesCommand& c);
  void OnInsert(const IptablesStatement& s, IptablesCommand& c);
  void OnNewChain(const IptablesStatement& s, IptablesCommand& c);
  void OnPolicy(const IptablesStatement& s, IptablesCommand& c);
  void OnFlush(const IptablesStatement& s, IptablesCommand& c);
  void OnDeleteChain(const IptablesStatement& s, IptablesCommand& c);
  void OnZero(const IptablesStatement& s, IptablesCommand& c);

 private:
  void LowerTable(const IptablesTable& t);
  void StartTable(const IptablesTable& t);
  void OnChainHeader(const IptablesStatement& s);
  void OnCommand(const IptablesStatement& s);
  rules::Table FinishTable(const IptablesTable& t);
  void ReplaceEarlierSection(const IptablesTable& earlier, const IptablesTable& later);
  void CheckHookLimits(const std::map<std::string, int, std::less<>>& index);

  ChainState* FindChain(std::string_view name);
  ChainState* ChainForRules(const IptablesToken& name, const IptablesStatement& s);
  ChainState& CreateUserChain(std::string_view name);
  void AddRule(ChainState& chain, std::size_t position, const IptablesStatement& s, IptablesCommand& c);
  void CheckDeclaredBefore(const ChainState& chain, const IptablesStatement& s, IptablesCommand& c);
  void Declare(ChainState& chain, const IptablesStatement& s);
  void CheckChainName(const IptablesToken& name, const IptablesStatement& s);
  void DeleteChain(ChainState& chain, const IptablesStatement& s, const IptablesToken& at);
  void FlushChain(ChainState& chain, const IptablesStatement& s);
  std::string UndefinedChain(std::string_view name) const;

  void Ignore(const IptablesStatement& s, std::string reason);
  void Ignore(int line, std::string_view text, std::string reason);
  void Error(const IptablesStatement& s, int column, std::string message);
  void Warning(const IptablesStatement& s, int column, std::string message);

  const std::string& file_name_;
  Family family_;
  std::vector<Diagnostic>& diagnostics_;
  rules::Ruleset ruleset_;
  IptablesSets sets_;  // fills ruleset_.sets
  // Lowered sections by table name; a later section of the same table
  // replaces an earlier one, as iptables-restore flushes it.
  std::vector<std::optional<rules::Table>> tables_;
  std::map<std::string, std::pair<std::size_t, const IptablesTable*>, std::less<>> sections_;

  // The section being lowered.
  IptablesRuleContext context_;
  std::vector<ChainState> chains_;
  // How many "-A CHAIN" lines name each chain: room to reserve.
  std::map<std::string_view, std::size_t> appends_;
};

constexpr CommandRow kCommands[] = {
    {IptablesCommandKind::kAppend, &Lowering::OnAppend},
    {IptablesCommandKind::kInsert, &Lowering::OnInsert},
    {IptablesCommandKind::kNewChain, &Lowering::OnNewChain},
    {IptablesCommandKind::kPolicy, &Lowering::OnPolicy},
    {IptablesCommandKind::kFlush, &Lowering::OnFlush},
    {IptablesCommandKind::kDeleteChain, &Lowering::OnDeleteChain},
    {IptablesCommandKind::kZero, &Lowering::OnZero},
};

rules::Ruleset Lowering::Lower(const IptablesFile& file) {
  ruleset_.inputs.push_back(file_name_);
  for (const IptablesTable& t : file.tables) LowerTable(t);
  for (auto& t : tables_) {
    if (t) ruleset_.tables.push_back(std::move(*t));
  }
  std::stable_sort(ruleset_.ignored.begin(), ruleset_.ignored.end(),
                   [](const rules::IgnoredLine& a, const rules::IgnoredLine& b) {
                     return a.location.line < b.location.line;
                   });
  return std::move(ruleset_);
}

void Lowering::LowerTable(const IptablesTable& t) {
  if (!IsTableName(t.name.text)) {
    Diagnostic d;
    d.location = {file_name_, t.line, t.name.column};
    d.message = "unknown table " + Quoted(t.name.text) + " (iptables has filter, nat, mangle, raw and security)";
    d.source_line = std::string(t.source_line);
    diagnostics_.push_back(std::move(d));
    return;
  }
  StartTable(t);
  for (const IptablesStatement& s : t.statements) {
    if (s.kind == IptablesStatementKind::kChainHeader) {
      OnChainHeader(s);
    } else {
      OnCommand(s);
    }
  }
  rules::Table table = FinishTable(t);
  auto earlier = sections_.find(t.name.text);
  if (earlier != sections_.end()) {
    ReplaceEarlierSection(*earlier->second.second, t);
    tables_[earlier->second.first].reset();
  }
  sections_.insert_or_assign(std::string(t.name.text), std::make_pair(tables_.size(), &t));
  tables_.push_back(std::move(table));
}

// Sets up the section's built-in chains and the names of every user chain
// it declares, wherever in the section (a rule may name a chain whose ":NAME"
// line comes later).
void Lowering::StartTable(const IptablesTable& t) {
  context_ = IptablesRuleContext();
  context_.file_name = file_name_;
  context_.family = family_;
  context_.table = std::string(t.name.text);
  context_.sets = &sets_;
  chains_.clear();
  appends_.clear();
  for (const auto& row : kBuiltinChains) {
    if (t.name.text != row.table) continue;
    ChainState c;
    c.chain.name = row.chain;
    c.chain.hook = row.hook;
    c.chain.priority = row.priority;
    c.chain.type = row.type;
    c.chain.policy = VerdictKind::kAccept;  // the kernel's default
    c.chain.location = {file_name_, t.line, 1};
    c.builtin = true;
    c.declared = true;
    chains_.push_back(std::move(c));
    context_.builtin_chains.push_back(row.chain);
  }
  auto is_builtin = [&](std::string_view name) {
    return std::find(context_.builtin_chains.begin(), context_.builtin_chains.end(), name) !=
           context_.builtin_chains.end();
  };
  std::size_t* last_count = nullptr;  // lines for one chain tend to come together
  std::string_view last_chain;
  for (const IptablesStatement& s : t.statements) {
    if (s.kind == IptablesStatementKind::kChainHeader) {
      if (!is_builtin(s.tokens[0].text)) context_.user_chains.emplace(s.tokens[0].text);
      continue;
    }
    if (s.tokens.size() > 1 && SameName(s.tokens[0].text, "-A")) {
      if (last_count == nullptr || s.tokens[1].text != last_chain) {
        last_chain = s.tokens[1].text;
        last_count = &appends_[last_chain];
      }
      ++*last_count;
    }
    for (std::size_t i = 0; i + 1 < s.tokens.size(); ++i) {
      const IptablesToken& tok = s.tokens[i];
      if (tok.quoted || !IsNewChainOption(tok.text)) continue;
      if (!is_builtin(s.tokens[i + 1].text)) context_.user_chains.emplace(s.tokens[i + 1].text);
    }
  }
}

void Lowering::OnChainHeader(const IptablesStatement& s) {
  const IptablesToken& name = s.tokens[0];
  const IptablesToken& policy = s.tokens[1];
  ChainState* existing = FindChain(name.text);
  if (existing != nullptr && existing->builtin) {
    std::optional<VerdictKind> kind = FindPolicy(policy.text);
    if (kind) {
      existing->chain.policy = *kind;
    } else if (policy.text == "-") {
      existing->chain.policy = VerdictKind::kAccept;
      Warning(s, policy.column,
              "policy \"-\" leaves the built-in chain " + Quoted(name.text) +
                  "'s running policy unchanged; assuming ACCEPT, the kernel's default");
    } else {
      Error(s, policy.column,
            "bad policy " + Quoted(policy.text) + " for the built-in chain " + Quoted(name.text) +
                " (ACCEPT or DROP)");
    }
    existing->chain.location = {file_name_, s.line, 1};
    return;
  }
  CheckChainName(name, s);
  if (policy.text != "-") {
    Error(s, policy.column,
          Quoted(name.text) + " is not a built-in chain of the " + context_.table +
              " table, so it has no policy (write \"-\")");
  }
  if (existing != nullptr && existing->declared) {
    Error(s, name.column, "chain " + Quoted(name.text) + " is already declared");
    return;
  }
  Declare(existing != nullptr ? *existing : CreateUserChain(name.text), s);
}

void Lowering::OnCommand(const IptablesStatement& s) {
  std::optional<IptablesCommand> command = ParseIptablesCommand(s, context_, diagnostics_);
  if (!command) return;
  if (command->only_family && *command->only_family != family_) {
    Ignore(s, family_ == Family::kIpv6 ? "an IPv4-only line (-4) in an ip6tables ruleset"
                                       : "an IPv6-only line (-6) in an iptables ruleset");
    return;
  }
  for (const auto& row : kCommands) {
    if (row.kind == command->kind) return (this->*row.handler)(s, *command);
  }
}

void Lowering::OnAppend(const IptablesStatement& s, IptablesCommand& c) {
  ChainState* chain = ChainForRules(*c.chain, s);
  if (chain == nullptr) return;
  AddRule(*chain, chain->rules.size(), s, c);
}

void Lowering::OnInsert(const IptablesStatement& s, IptablesCommand& c) {
  ChainState* chain = ChainForRules(*c.chain, s);
  if (chain == nullptr) return;
  const std::size_t position = c.rule_number > 0 ? static_cast<std::size_t>(c.rule_number) : 1;
  if (position > chain->rules.size() + 1) {
    Error(s, c.rule_number_token->column,
          "cannot insert at rule " + std::to_string(position) + ": chain " + Quoted(chain->chain.name) + " has " +
              std::to_string(chain->rules.size()) + " rules");
    return;
  }
  AddRule(*chain, position - 1, s, c);
}

void Lowering::OnNewChain(const IptablesStatement& s, IptablesCommand& c) {
  const IptablesToken& name = *c.chain;
  ChainState* existing = FindChain(name.text);
  if (existing != nullptr && existing->builtin) {
    Error(s, name.column, "chain " + Quoted(name.text) + " already exists (it is built in)");
    return;
  }
  CheckChainName(name, s);
  if (existing != nullptr && existing->declared) {
    Error(s, name.column, "chain " + Quoted(name.text) + " is already declared");
    return;
  }
  Declare(existing != nullptr ? *existing : CreateUserChain(name.text), s);
}

void Lowering::OnPolicy(const IptablesStatement& s, IptablesCommand& c) {
  const IptablesToken& name = *c.chain;
  const IptablesToken& policy = *c.policy;
  ChainState* chain = FindChain(name.text);
  if (chain == nullptr && context_.user_chains.find(name.text) == context_.user_chains.end()) {
    Error(s, name.column, UndefinedChain(name.text));
    return;
  }
  if (chain == nullptr || !chain->builtin) {
    Error(s, name.column, "\"-P\" needs a built-in chain; " + Quoted(name.text) + " is user-defined");
    return;
  }
  std::optional<VerdictKind> kind = FindPolicy(policy.text);
  if (!kind) {
    Error(s, policy.column, "bad policy " + Quoted(policy.text) + " (ACCEPT or DROP)");
    return;
  }
  chain->chain.policy = *kind;
}

void Lowering::OnFlush(const IptablesStatement& s, IptablesCommand& c) {
  if (c.chain) {
    ChainState* chain = ChainForRules(*c.chain, s);
    if (chain == nullptr) return;
    FlushChain(*chain, s);
    Ignore(s, "flushes chain " + Quoted(chain->chain.name) + " (applied while reading)");
    return;
  }
  for (ChainState& chain : chains_) {
    if (!chain.deleted) FlushChain(chain, s);
  }
  Ignore(s, "flushes every chain of the table (applied while reading)");
}

void Lowering::OnDeleteChain(const IptablesStatement& s, IptablesCommand& c) {
  if (c.chain) {
    const IptablesToken& name = *c.chain;
    ChainState* chain = FindChain(name.text);
    if (chain == nullptr) {
      Error(s, name.column, UndefinedChain(name.text));
    } else if (chain->builtin) {
      Error(s, name.column, "cannot delete the built-in chain " + Quoted(name.text));
    } else {
      DeleteChain(*chain, s, name);
    }
    Ignore(s, "deletes chain " + Quoted(name.text) + " (applied while reading)");
    return;
  }
  for (ChainState& chain : chains_) {
    if (!chain.builtin && !chain.deleted) DeleteChain(chain, s, c.command);
  }
  Ignore(s, "deletes every user-defined chain of the table (applied while reading)");
}

void Lowering::OnZero(const IptablesStatement& s, IptablesCommand&) {
  Ignore(s, "resets counters, which do not affect what the ruleset accepts");
}

rules::Table Lowering::FinishTable(const IptablesTable& t) {
  rules::Table table;
  table.name = t.name.text;
  table.family = family_ == Family::kIpv4 ? rules::TableFamily::kIp : rules::TableFamily::kIp6;
  table.location = {file_name_, t.line, 1};
  std::map<std::string, int, std::less<>> index;
  for (const ChainState& c : chains_) {
    if (c.deleted) continue;
    index[c.chain.name] = static_cast<int>(table.chains.size());
    table.chains.push_back(c.chain);
  }
  for (ChainState& c : chains_) {
    if (c.deleted) continue;
    for (std::size_t i = 0; i < c.rules.size(); ++i) {
      rules::Rule& rule = c.rules[i];
      const RuleOrigin& origin = c.origins[i];
      if (origin.target_chain) {
        const IptablesToken& target = *origin.target_chain;
        auto it = index.find(target.text);
        if (it != index.end()) {
          rule.verdict.target = it->second;
        } else {
          ChainState* gone = FindChain(target.text);
          Error(*origin.statement, target.column,
                gone == nullptr ? UndefinedChain(target.text)
                                : "chain " + Quoted(target.text) + " was deleted by -X on line " +
                                      std::to_string(gone->deleted_line));
          rule.verdict.kind = VerdictKind::kUnknown;
          rule.verdict.reason = "the target chain does not exist";
        }
      }
    }
  }
  CheckHookLimits(index);
  for (ChainState& c : chains_) {
    if (c.deleted) continue;
    table.chains[static_cast<std::size_t>(index[c.chain.name])].rules = std::move(c.rules);
  }
  return table;
}

// A rule whose target or match netfilter allows only on some hooks (DNAT:
// PREROUTING and OUTPUT) is refused in a base chain of another hook, and so
// is a jump that lets another hook reach a user chain holding it: the nft
// backend of iptables-restore reports the jump's line (the legacy one the
// COMMIT). Both become explicit unknowns.
void Lowering::CheckHookLimits(const std::map<std::string, int, std::less<>>& index) {
  std::vector<ChainState*> by_index(index.size(), nullptr);
  for (ChainState& c : chains_) {
    if (!c.deleted) by_index[static_cast<std::size_t>(index.find(c.chain.name)->second)] = &c;
  }
  // The rule of a base chain through which a hook first reaches each chain.
  struct Via {
    ChainState* chain = nullptr;
    std::size_t rule = 0;
  };
  constexpr std::size_t kHooks = 6;
  std::vector<std::array<std::optional<Via>, kHooks>> reached(by_index.size());
  auto jump_target = [](const rules::Rule& r) {
    const bool jumps = r.verdict.kind == VerdictKind::kJump || r.verdict.kind == VerdictKind::kGoto;
    return jumps ? r.verdict.target : -1;
  };
  for (ChainState* base : by_index) {
    if (!base->builtin || !base->chain.hook) continue;
    const auto h = static_cast<std::size_t>(*base->chain.hook);
    for (std::size_t i = 0; i < base->rules.size(); ++i) {
      std::vector<int> stack = {jump_target(base->rules[i])};
      while (!stack.empty()) {
        const int t = stack.back();
        stack.pop_back();
        if (t < 0 || reached[static_cast<std::size_t>(t)][h]) continue;
        reached[static_cast<std::size_t>(t)][h] = Via{base, i};
        for (const rules::Rule& r : by_index[static_cast<std::size_t>(t)]->rules) stack.push_back(jump_target(r));
      }
    }
  }
  std::vector<std::pair<ChainState*, std::size_t>> refused;  // rules to make explicit unknowns
  for (std::size_t ci = 0; ci < by_index.size(); ++ci) {
    ChainState& c = *by_index[ci];
    for (std::size_t i = 0; i < c.origins.size(); ++i) {
      for (const IptablesHookLimit& limit : c.origins[i].hook_limits) {
        const std::string allowed = IptablesHookNames(limit.hooks);
        if (c.builtin && c.chain.hook) {
          if ((limit.hooks & IptablesHookBit(*c.chain.hook)) != 0) continue;
          Error(*c.origins[i].statement, limit.at.column,
                limit.what + " is only valid in " + allowed + " (or a user chain reached only from there); " +
                    "iptables-restore refuses it in " + c.chain.name);
          refused.emplace_back(&c, i);
          continue;
        }
        for (std::size_t h = 0; h < kHooks; ++h) {
          const std::optional<Via>& via = reached[ci][h];
          if (!via || (limit.hooks & IptablesHookBit(static_cast<Hook>(h))) != 0) continue;
          const RuleOrigin& jump = via->chain->origins[via->rule];
          if (std::find(refused.begin(), refused.end(), std::make_pair(via->chain, via->rule)) != refused.end()) {
            continue;  // one error per jump
          }
          Error(*jump.statement, jump.target_chain->column,
                "chain " + Quoted(c.chain.name) + " is reached from " + via->chain->chain.name +
                    " here, but " + limit.what + " on line " + std::to_string(c.origins[i].statement->line) +
                    " is only valid in " + allowed + "; iptables-restore refuses this jump");
          refused.emplace_back(via->chain, via->rule);
        }
      }
    }
  }
  for (const auto& [chain, i] : refused) {
    chain->rules[i] = IptablesRuleWithErrors(*chain->origins[i].statement, file_name_, family_);
  }
}

void Lowering::ReplaceEarlierSection(const IptablesTable& earlier, const IptablesTable& later) {
  const int last = earlier.commit_line > 0 ? earlier.commit_line : earlier.line;
  std::erase_if(ruleset_.ignored, [&](const rules::IgnoredLine& i) {
    return i.location.line >= earlier.line && i.location.line <= last;
  });
  const std::string table(later.name.text);
  const std::string reason = "replaced by the \"*" + table + "\" section on line " + std::to_string(later.line) +
                             " (iptables-restore flushes a table at each \"*" + table + "\")";
  Ignore(earlier.line, earlier.source_line, reason);
  for (const IptablesStatement& s : earlier.statements) Ignore(s.line, s.text, reason);
}

ChainState* Lowering::FindChain(std::string_view name) {
  for (ChainState& c : chains_) {
    if (SameName(c.chain.name, name)) return &c;
  }
  return nullptr;
}

// The chain -A, -I or -F names: it exists, or is declared later in the
// section (and is created now).
ChainState* Lowering::ChainForRules(const IptablesToken& name, const IptablesStatement& s) {
  ChainState* chain = FindChain(name.text);
  if (chain != nullptr && chain->deleted) {
    Error(s, name.column,
          "chain " + Quoted(name.text) + " was deleted by -X on line " + std::to_string(chain->deleted_line));
    return nullptr;
  }
  if (chain != nullptr) return chain;
  if (context_.user_chains.find(name.text) != context_.user_chains.end()) return &CreateUserChain(name.text);
  Error(s, name.column, UndefinedChain(name.text));
  return nullptr;
}

ChainState& Lowering::CreateUserChain(std::string_view name) {
  ChainState c;
  c.chain.name = name;
  c.chain.policy = VerdictKind::kReturn;
  chains_.push_back(std::move(c));
  return chains_.back();
}

// iptables-restore applies a section line by line: a rule may only name
// chains declared on earlier lines (both backends refuse a later one when
// loading: "Chain 'X' does not exist", "Couldn't load target `X'";
// iptables-save always writes the declarations first).
void Lowering::CheckDeclaredBefore(const ChainState& chain, const IptablesStatement& s, IptablesCommand& c) {
  auto later = [&](std::string_view name) {
    return "chain " + Quoted(name) +
           " is declared only on a later line; iptables-restore refuses a rule naming a chain not yet declared";
  };
  if (!chain.declared && !chain.deleted) Error(s, c.chain->column, later(chain.chain.name));
  if (!c.target_chain) return;
  const ChainState* target = FindChain(c.target_chain->text);
  if (target != nullptr && !target->declared && !target->deleted) {
    Error(s, c.target_chain->column, later(c.target_chain->text));
  } else if (target == nullptr) {
    Error(s, c.target_chain->column, later(c.target_chain->text));
    c.rule.verdict.kind = VerdictKind::kUnknown;
    c.rule.verdict.reason = "the target chain is declared only later";
    c.target_chain.reset();
  }
}

void Lowering::AddRule(ChainState& chain, std::size_t position, const IptablesStatement& s, IptablesCommand& c) {
  CheckDeclaredBefore(chain, s, c);
  if (chain.rules.capacity() == 0) {
    auto it = appends_.find(chain.chain.name);
    const std::size_t expected = it == appends_.end() ? 1 : it->second;
    chain.rules.reserve(expected);
    chain.origins.reserve(expected);
  }
  const auto at = static_cast<std::ptrdiff_t>(position);
  chain.rules.insert(chain.rules.begin() + at, std::move(c.rule));
  chain.origins.insert(chain.origins.begin() + at, RuleOrigin{c.target_chain, &s, std::move(c.hook_limits)});
}

void Lowering::Declare(ChainState& chain, const IptablesStatement& s) {
  chain.declared = true;
  chain.deleted = false;
  chain.chain.location = {file_name_, s.line, 1};
}

void Lowering::CheckChainName(const IptablesToken& name, const IptablesStatement& s) {
  if (name.text.size() > kMaxChainName) {
    Error(s, name.column, "chain name " + Quoted(name.text) + " is longer than 28 characters");
  } else if (name.text.empty() || name.text[0] == '-' || name.text[0] == '!') {
    Error(s, name.column, "chain name " + Quoted(name.text) + " cannot start with '-' or '!'");
  } else if (IsIptablesTargetName(name.text)) {
    Error(s, name.column, "chain name " + Quoted(name.text) + " is the name of a target");
  }
}

void Lowering::DeleteChain(ChainState& chain, const IptablesStatement& s, const IptablesToken& at) {
  if (!chain.rules.empty()) {
    Error(s, at.column,
          "cannot delete chain " + Quoted(chain.chain.name) + ": it has " + std::to_string(chain.rules.size()) +
              (chain.rules.size() == 1 ? " rule" : " rules"));
    return;
  }
  for (const ChainState& other : chains_) {
    for (const RuleOrigin& r : other.origins) {
      if (r.target_chain && r.target_chain->text == chain.chain.name) {
        Error(s, at.column,
              "cannot delete chain " + Quoted(chain.chain.name) + ": the rule on line " +
                  std::to_string(r.statement->line) + " jumps to it");
        return;
      }
    }
  }
  chain.deleted = true;
  chain.declared = false;
  chain.deleted_line = s.line;
}

void Lowering::FlushChain(ChainState& chain, const IptablesStatement& s) {
  for (const RuleOrigin& r : chain.origins) {
    Ignore(r.statement->line, r.statement->text, "removed by -F on line " + std::to_string(s.line));
  }
  chain.rules.clear();
  chain.origins.clear();
}

std::string Lowering::UndefinedChain(std::string_view name) const {
  const std::string chain(name);
  return "undefined chain " + Quoted(name) + " (not built into the " + context_.table +
         " table and not declared with \":" + chain + "\" or \"-N " + chain + "\")";
}

void Lowering::Ignore(const IptablesStatement& s, std::string reason) { Ignore(s.line, s.text, std::move(reason)); }

void Lowering::Ignore(int line, std::string_view text, std::string reason) {
  // Filled in member by member: GCC 12 warns (-Wmaybe-uninitialized) about
  // the temporary a braced initializer would make here.
  rules::IgnoredLine& ignored = ruleset_.ignored.emplace_back();
  ignored.location.file = file_name_;
  ignored.location.line = line;
  ignored.location.column = 1;
  ignored.text = text;
  ignored.reason = std::move(reason);
}

void Lowering::Error(const IptablesStatement& s, int column, std::string message) {
  Diagnostic d;
  d.location = {file_name_, s.line, column};
  d.message = std::move(message);
  d.source_line = std::string(s.source_line);
  diagnostics_.push_back(std::move(d));
}

void Lowering::Warning(const IptablesStatement& s, int column, std::string message) {
  Error(s, column, std::move(message));
  diagnostics_.back().severity = Severity::kWarning;
}

// Evidence of a family in one dump.
struct FamilyEvidence {
  bool ipv4 = false;
  bool ipv6 = false;
  void Add(Family f) { (f == Family::kIpv4 ? ipv4 : ipv6) = true; }
};

void AddressEvidence(std::string_view value, FamilyEvidence& e) {
  std::size_t end = 0;  // the first address ends at ',', '/' or '-'
  while (end < value.size() && value[end] != ',' && value[end] != '/' && value[end] != '-') ++end;
  const std::string_view first = value.substr(0, end);
  if (first.find(':') != std::string_view::npos) {
    e.Add(Family::kIpv6);
  } else if (!e.ipv4 && rules::ParseIpv4(first)) {
    e.Add(Family::kIpv4);
  }
}

enum class EvidenceOption : std::uint8_t { kAddress, kProtocol, kMatch, kRejectWith };

struct EvidenceRow {
  std::string_view option;
  EvidenceOption kind;
};

// The long options whose value is evidence; the short ones are -s -d -p -m.
constexpr EvidenceRow kEvidenceOptions[] = {
    {"--source", EvidenceOption::kAddress},       {"--destination", EvidenceOption::kAddress},
    {"--src", EvidenceOption::kAddress},          {"--dst", EvidenceOption::kAddress},
    {"--src-range", EvidenceOption::kAddress},    {"--dst-range", EvidenceOption::kAddress},
    {"--protocol", EvidenceOption::kProtocol},    {"--match", EvidenceOption::kMatch},
    {"--reject-with", EvidenceOption::kRejectWith},
};

std::optional<EvidenceOption> FindEvidenceOption(std::string_view option) {
  if (option.size() < 2 || option[0] != '-') return std::nullopt;
  if (option.size() == 2) {
    switch (option[1]) {
      case 's':
      case 'd': return EvidenceOption::kAddress;
      case 'p': return EvidenceOption::kProtocol;
      case 'm': return EvidenceOption::kMatch;
      default: return std::nullopt;
    }
  }
  for (const auto& row : kEvidenceOptions) {
    if (SameName(option, row.option)) return row.kind;
  }
  return std::nullopt;
}

void TokenEvidence(std::string_view option, std::string_view value, FamilyEvidence& e) {
  const std::optional<EvidenceOption> kind = FindEvidenceOption(option);
  if (!kind) return;
  switch (*kind) {
    case EvidenceOption::kAddress:
      AddressEvidence(value, e);
      break;
    case EvidenceOption::kProtocol:
      if (value == "icmpv6" || value == "ipv6-icmp" || value == "58") e.Add(Family::kIpv6);
      if (value == "icmp" || value == "1") e.Add(Family::kIpv4);
      break;
    case EvidenceOption::kMatch:
      if (value == "icmp6") e.Add(Family::kIpv6);
      if (value == "icmp") e.Add(Family::kIpv4);
      break;
    case EvidenceOption::kRejectWith:
      if (value.starts_with("icmp6-")) e.Add(Family::kIpv6);
      if (value.starts_with("icmp-")) e.Add(Family::kIpv4);
      break;
  }
}

// A line marked -4 or -6 belongs to a file shared by both families: it
// says nothing about which one the file is read as.
bool IsFamilyMarked(const IptablesStatement& s) {
  return std::any_of(s.tokens.begin(), s.tokens.end(), [](const IptablesToken& t) {
    if (t.quoted) return false;
    if (t.text.size() == 2) return t.text[0] == '-' && (t.text[1] == '4' || t.text[1] == '6');  // -4, -6
    return t.text.size() == 6 && (t.text == "--ipv4" || t.text == "--ipv6");
  });
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.location.line != b.location.line) return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
}

}  // namespace

rules::Ruleset LowerIptables(const IptablesFile& file, const std::string& file_name, Family family,
                             std::vector<Diagnostic>& diagnostics, const IpsetDump* ipsets) {
  return Lowering(file_name, family, diagnostics, ipsets).Lower(file);
}

ParseResult ParseIptablesSave(std::string_view text, const std::string& file_name, const IptablesOptions& options) {
  ParseResult result;
  IptablesFile file = ReadIptables(text, file_name, result.diagnostics);
  if (!options.family && HasFamilyMarks(file)) {
    ParseResult both = LowerDualStack(file, file_name, options.ipsets);
    result.ruleset = std::move(both.ruleset);
    for (Diagnostic& d : both.diagnostics) result.diagnostics.push_back(std::move(d));
  } else {
    const Family family = options.family ? *options.family : GuessIptablesFamily(file).value_or(Family::kIpv4);
    result.ruleset = LowerIptables(file, file_name, family, result.diagnostics, options.ipsets);
  }
  if (!result.HasErrors()) WireUfwFragment(result.ruleset, text, file_name, result.diagnostics);
  SortDiagnostics(result.diagnostics);
  return result;
}

ParseResult ParseIptablesSave(std::string_view text, const std::string& file_name, Family family) {
  return ParseIptablesSave(text, file_name, IptablesOptions{family, nullptr});
}

ParseResult ParseIptablesSave(std::string_view text, const std::string& file_name) {
  return ParseIptablesSave(text, file_name, IptablesOptions{});
}

std::optional<Family> GuessIptablesFamily(std::string_view text) {
  std::vector<Diagnostic> ignored;
  return GuessIptablesFamily(ReadIptables(text, "", ignored));
}

std::optional<Family> GuessIptablesFamily(const IptablesFile& file) {
  FamilyEvidence header;
  for (const IptablesComment& c : file.comments) {
    if (!c.text.starts_with("# Generated by")) continue;
    if (c.text.find("ip6tables") != std::string_view::npos) {
      header.Add(Family::kIpv6);
    } else if (c.text.find("iptables") != std::string_view::npos) {
      header.Add(Family::kIpv4);
    }
  }
  // ufw's user6.rules declares ufw6-* chains.
  for (const IptablesTable& t : file.tables) {
    for (const IptablesStatement& s : t.statements) {
      if (s.kind == IptablesStatementKind::kChainHeader && s.tokens[0].text.starts_with("ufw6-")) {
        header.Add(Family::kIpv6);
        break;
      }
    }
  }
  if (header.ipv4 != header.ipv6) return header.ipv6 ? Family::kIpv6 : Family::kIpv4;
  FamilyEvidence body;
  for (const IptablesTable& t : file.tables) {
    for (const IptablesStatement& s : t.statements) {
      if (s.kind != IptablesStatementKind::kCommand || IsFamilyMarked(s)) continue;
      for (std::size_t i = 0; i + 1 < s.tokens.size(); ++i) TokenEvidence(s.tokens[i].text, s.tokens[i + 1].text, body);
      if (body.ipv4 && body.ipv6) return std::nullopt;  // nothing later can change that
    }
  }
  return body.ipv6 ? Family::kIpv6 : Family::kIpv4;
}

}  // namespace ghostport::parsers
