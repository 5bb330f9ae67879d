// The upstream iptables test vectors (extensions/*.t, from iptables'
// source tree), read into cases: each rule line with the table, the chains
// and the verdict iptables-test.py gives it. The format, as iptables-test.py
// reads it: "*TABLE" sets the table (filter until one is named),
// ":CHAIN[,CHAIN...]" the chains the following lines are tried in,
// "RULE;OUTPUT;OK|FAIL[;LEGACY|NFT[;...]]" a rule ("OUTPUT" is what
// iptables -S prints back, "=" the rule itself), "%COMMAND" and "@COMMAND"
// external commands (nfct and nfacct objects the following lines name),
// "#..." comments.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rules/model.h"

namespace ghostport::parsers::testing {

struct UpstreamVector {
  std::string file;  // e.g. "libxt_tcp.t"
  int line = 0;      // 1-based, in `file`
  std::string table;
  std::vector<std::string> chains;
  std::string rule;
  bool ok = false;   // iptables accepts it
  std::string mode;  // "" (both backends), "LEGACY" or "NFT": the only backend the verdict is for
};

struct UpstreamVectorFile {
  std::string name;
  rules::Family family = rules::Family::kIpv4;  // libip6t_*: IPv6, else IPv4 (as iptables-test.py runs them)
  std::vector<UpstreamVector> vectors;
  int external_commands = 0;  // "%..." and "@..." lines
  std::vector<std::string> malformed;  // lines that are none of the above
};

// Whether iptables-test.py runs the file with iptables or ip6tables:
// iptables.t and libxt_*, libipt_*, libip6t_* are; libarpt_* and libebt_*
// (arptables, ebtables) are not.
bool IsIptablesVectorFile(const std::string& name);

UpstreamVectorFile ReadUpstreamVectors(const std::filesystem::path& path);

}  // namespace ghostport::parsers::testing
