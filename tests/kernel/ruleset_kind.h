// The kinds of ruleset file the kernel agreement test reads, and everything
// the harness does differently for each: how the kernel loads one (into the
// server's namespace), how the server is emptied of every kind before the
// next ruleset, which families a file is probed over, and what ghostport is
// told about its format. One table (ruleset_kind.cpp), by file name:
//
//   *.rules  iptables-save / ip6tables-save text: iptables-restore (or
//            ip6tables-restore) FILE on stdin; IPv6 when its header comment
//            names ip6tables-save, else IPv4; ghostport detects the format
//   *.nft    nft config text: nft -f FILE; IPv6 when the name ends in
//            _ipv6.nft, or as a `# family: ipv4 ipv6` line says (ipv4,
//            ipv6 or both, for an inet table), else IPv4; ghostport is
//            given --input-format nft
//
// Every kind's flush runs before every ruleset: iptables-nft and nft share
// the kernel's nf_tables, so a table one of them made is emptied by the other.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/kernel/lab.h"

namespace ghostport::kernel_test {

enum class RulesetKind { kIptables, kNftables };

// The kind a file's name says (its extension); nullopt for any other file.
std::optional<RulesetKind> KindOf(const fs::path& ruleset);

// The kind a ruleset file is read as: KindOf, and iptables text for a name
// of no kind.
RulesetKind KindOrIptables(const fs::path& ruleset);

// One command of the server's: argv, and the file fed on stdin ("" = none).
struct LoadStep {
  std::vector<std::string> argv;
  std::string input;
};

// What loads `ruleset` (of its kind) into a namespace: prefix each argv with
// `ip netns exec NS`. `ipv6` picks ip6tables-restore for iptables text.
LoadStep LoadCommand(const Tools& tools, const fs::path& ruleset, bool ipv6);

// What empties a namespace of every kind of ruleset, in order; `scratch`
// holds the empty iptables tables the flush restores.
std::vector<LoadStep> FlushCommands(const Tools& tools, const fs::path& scratch);

// The tools a kind needs that may be absent (nft for *.nft): their names,
// "" when every one is there.
std::string MissingTools(const Tools& tools, RulesetKind kind);

// The families a ruleset is probed over, IPv4 (false) first: one or two.
std::vector<bool> FamiliesOf(const fs::path& ruleset, const std::string& text);

// The arguments that tell `ghostport probe` the file's format ({} when
// ghostport detects it).
std::vector<std::string> GhostportFormatArguments(RulesetKind kind);

// "iptables", "nft"
const char* KindName(RulesetKind kind);

}  // namespace ghostport::kernel_test
