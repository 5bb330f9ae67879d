// One iptables-restore command line → what it means: the command (-A, -I,
// -N, -P, -F, -X, -Z), its chain and arguments, and for -A and -I the rule
// in model terms (cubes, unknown conditions, verdict).
//
// Arguments are read the way iptables' getopt loop reads them: core options
// (-p -s -d -i -o -f -m -j -g ...) from a table, and each "--option" offered
// to the match that owns it (the latest -m, then earlier ones, then the match
// -p loads implicitly). Matches and targets are tables too (see kModules and
// kTargets in the .cpp): a match the engine can model is lowered into cube
// fields; any other match becomes a rules::Condition quoting it as written.
// Chains are the lowering's business (iptables_lowering.h): this file only
// needs to know which names are chains of the table.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/iptables/iptables_reader.h"
#include "parsers/iptables/iptables_sets.h"
#include "rules/model.h"

namespace ghostport::parsers {

enum class IptablesCommandKind : std::uint8_t {
  kAppend,       // -A CHAIN rule
  kInsert,       // -I CHAIN [number] rule
  kNewChain,     // -N CHAIN
  kPolicy,       // -P CHAIN POLICY
  kFlush,        // -F [CHAIN]
  kDeleteChain,  // -X [CHAIN]
  kZero,         // -Z [CHAIN]
};

// What the rule parser needs to know about the table the line is in.
struct IptablesRuleContext {
  std::string file_name;
  rules::Family family = rules::Family::kIpv4;
  std::string table;                        // "filter"
  std::vector<std::string> builtin_chains;  // of this table
  // Declared anywhere in the table section (the lowering refuses a rule
  // naming one declared only on a later line).
  std::set<std::string, std::less<>> user_chains;
  // The ipsets the file names (global, like ipset's own): -m set matches
  // resolve against it. Null: -m set becomes an unknown condition.
  IptablesSets* sets = nullptr;
};

// A hook as a bit, for sets of hooks.
constexpr std::uint8_t IptablesHookBit(rules::Hook h) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(h));
}

// Where netfilter accepts part of a rule: the DNAT target only in chains of
// the PREROUTING and OUTPUT hooks, addrtype's --limit-iface-in only in
// PREROUTING, INPUT and FORWARD. iptables-restore refuses a rule in a base
// chain of another hook, and a jump that lets another hook reach a user
// chain holding it; the lowering checks both when the section ends.
// "PREROUTING and OUTPUT": the built-in chain names of the hooks in `hooks`.
std::string IptablesHookNames(std::uint8_t hooks);

struct IptablesHookLimit {
  std::uint8_t hooks = 0;  // IptablesHookBit of each hook allowed
  IptablesToken at;        // where the limit comes from: the target, the option
  std::string what;        // "the DNAT target", "--limit-iface-in"
};

struct IptablesCommand {
  IptablesCommandKind kind = IptablesCommandKind::kAppend;
  IptablesToken command;               // the "-A" token
  std::optional<IptablesToken> chain;  // always for -A -I -N -P; when given for -F -X -Z
  std::optional<IptablesToken> policy; // -P
  int rule_number = 0;                 // -I: 1-based position; 0 when not given
  std::optional<IptablesToken> rule_number_token;
  // -4 / -6: the line applies to that family only.
  std::optional<rules::Family> only_family;

  // For -A and -I. The rule's location, text and comment are filled in. For
  // a jump or goto to a user chain, verdict.target is still -1 and
  // target_chain names the chain (the lowering resolves it).
  rules::Rule rule;
  std::optional<IptablesToken> target_chain;
  // The rule's matches or target have errors (reported): the rule is kept as
  // an explicit unknown so the chain's rule positions still hold.
  bool rule_has_errors = false;
  std::vector<IptablesHookLimit> hook_limits;
};

// The explicit unknown a rule with errors becomes: it stays in its chain (so
// rule positions hold), matches everything under a condition and has an
// unknown verdict, both saying "the rule has errors".
rules::Rule IptablesRuleWithErrors(const IptablesStatement& statement, const std::string& file_name,
                                   rules::Family family);

// Reads one command statement (its tokens' views must stay valid while the
// result is used). Errors are appended to `diagnostics`; nullopt
// when the command itself could not be read (no command, no chain name ...).
std::optional<IptablesCommand> ParseIptablesCommand(const IptablesStatement& statement,
                                                    const IptablesRuleContext& context,
                                                    std::vector<Diagnostic>& diagnostics);

// Whether `name` is a target iptables knows (ACCEPT, LOG, DNAT ...): user
// chains may not take such names.
bool IsIptablesTargetName(std::string_view name);

}  // namespace ghostport::parsers
