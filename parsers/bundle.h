// Several inputs that describe one host, read as one ruleset: iptables-save
// beside ip6tables-save, a ruleset beside the `ipset save` dump its -m set
// matches name.
//
// The ipset dumps are read first, whatever their place on the command line:
// their sets are what each ruleset's `-m set` names resolve against while
// that ruleset is lowered (so a name the dump lacks, or a set of the other
// family, is reported at the rule, as iptables-restore reports it). Then
// every other input is read in the order given, and the results are merged:
// tables and ignored lines appended, sets one per name (the dumps' first,
// in dump order, then sets of unknown contents the rulesets named), every
// SetMatch renumbered to the merged Ruleset::sets.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "parsers/diagnostic.h"
#include "parsers/input_format.h"

namespace ghostport::parsers {

struct BundleInput {
  std::string_view text;  // must outlive the call
  std::string file_name;
  InputFormat format = InputFormat::kIptables;
};

// Diagnostics come out per input, in the order given, each input's in file
// order. An ipset dump with no ruleset beside it is an error: it describes
// sets, not what a firewall accepts.
ParseResult ParseBundle(std::span<const BundleInput> inputs);

// Appends `from` to `into`: tables, ignored lines and input names; sets one
// per (table, name) — a set `into` already has keeps its index, and is
// dynamic when either is — with every SetMatch of `from` renumbered.
void MergeRuleset(rules::Ruleset& into, rules::Ruleset&& from);

}  // namespace ghostport::parsers
