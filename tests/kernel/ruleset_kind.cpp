#include "tests/kernel/ruleset_kind.h"

#include <algorithm>
#include <sstream>

namespace ghostport::kernel_test {

namespace {

// Empty tables for every iptables table, so a ruleset never inherits the
// previous one's nat, mangle or raw rules.
constexpr const char* kEmptyTables =
    "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
    "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n"
    "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    ":POSTROUTING ACCEPT [0:0]\nCOMMIT\n"
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
    "*security\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

LoadStep LoadIptables(const Tools& tools, const fs::path& ruleset, bool ipv6) {
  return {{ipv6 ? tools.ip6tables_restore : tools.iptables_restore}, ruleset.string()};
}

std::vector<LoadStep> FlushIptables(const Tools& tools, const fs::path& scratch) {
  const fs::path empty = scratch / "flush.rules";
  WriteFile(empty, kEmptyTables);
  return {{{tools.iptables_restore}, empty.string()}, {{tools.ip6tables_restore}, empty.string()}};
}

// True when the ruleset is an ip6tables-save dump (its header comment says so).
std::vector<bool> IptablesFamilies(const fs::path&, const std::string& text) {
  for (const std::string& line : SplitLines(text)) {
    if (line.rfind("#", 0) == 0 && line.find("ip6tables-save") != std::string::npos) return {true};
  }
  return {false};
}

LoadStep LoadNft(const Tools& tools, const fs::path& ruleset, bool) {
  return {{tools.nft, "-f", ruleset.string()}, ""};
}

// iptables-nft leaves its emptied tables (and their hooks) behind; this
// deletes them along with every nft table.
std::vector<LoadStep> FlushNft(const Tools& tools, const fs::path&) {
  if (tools.nft.empty()) return {};
  return {{{tools.nft, "flush", "ruleset"}, ""}};
}

// `_ipv6.nft`, or a `# family: ipv4 ipv6` line (either or both), else IPv4.
std::vector<bool> NftFamilies(const fs::path& ruleset, const std::string& text) {
  const std::string name = ruleset.filename().string();
  const std::string ipv6_suffix = "_ipv6.nft";
  if (name.size() > ipv6_suffix.size() &&
      name.compare(name.size() - ipv6_suffix.size(), ipv6_suffix.size(), ipv6_suffix) == 0) {
    return {true};
  }
  const std::string header = "# family:";
  for (const std::string& line : SplitLines(text)) {
    if (line.rfind(header, 0) != 0) continue;
    std::istringstream words(line.substr(header.size()));
    std::vector<bool> families;
    for (std::string word; words >> word;) {
      word.erase(std::remove(word.begin(), word.end(), ','), word.end());
      if (word == "ipv4") families.push_back(false);
      if (word == "ipv6") families.push_back(true);
    }
    std::sort(families.begin(), families.end());
    families.erase(std::unique(families.begin(), families.end()), families.end());
    if (!families.empty()) return families;
  }
  return {false};
}

struct KindRow {
  RulesetKind kind;
  const char* name;
  const char* extension;
  const char* ghostport_format;  // --input-format, or nullptr: ghostport detects it
  const char* tool_name;         // a tool the lab may lack (Tools has "" for it), or nullptr
  std::string Tools::*tool;
  LoadStep (*load)(const Tools&, const fs::path&, bool ipv6);
  std::vector<LoadStep> (*flush)(const Tools&, const fs::path& scratch);
  std::vector<bool> (*families)(const fs::path&, const std::string& text);
};

// In flush order: iptables first, so that `nft flush ruleset` deletes the
// tables iptables-nft leaves behind.
constexpr KindRow kKinds[] = {
    {RulesetKind::kIptables, "iptables", ".rules", nullptr, nullptr, nullptr, LoadIptables,
     FlushIptables, IptablesFamilies},
    {RulesetKind::kNftables, "nft", ".nft", "nft", "nft", &Tools::nft, LoadNft, FlushNft,
     NftFamilies},
};

const KindRow& RowOf(RulesetKind kind) {
  for (const KindRow& row : kKinds) {
    if (row.kind == kind) return row;
  }
  return kKinds[0];  // every kind has a row
}

}  // namespace

std::optional<RulesetKind> KindOf(const fs::path& ruleset) {
  for (const KindRow& row : kKinds) {
    if (ruleset.extension() == row.extension) return row.kind;
  }
  return std::nullopt;
}

RulesetKind KindOrIptables(const fs::path& ruleset) {
  return KindOf(ruleset).value_or(RulesetKind::kIptables);
}

LoadStep LoadCommand(const Tools& tools, const fs::path& ruleset, bool ipv6) {
  return RowOf(KindOrIptables(ruleset)).load(tools, ruleset, ipv6);
}

std::vector<LoadStep> FlushCommands(const Tools& tools, const fs::path& scratch) {
  std::vector<LoadStep> steps;
  for (const KindRow& row : kKinds) {
    for (LoadStep& step : row.flush(tools, scratch)) steps.push_back(std::move(step));
  }
  return steps;
}

std::string MissingTools(const Tools& tools, RulesetKind kind) {
  const KindRow& row = RowOf(kind);
  if (row.tool == nullptr || !(tools.*row.tool).empty()) return "";
  return row.tool_name;
}

std::vector<bool> FamiliesOf(const fs::path& ruleset, const std::string& text) {
  return RowOf(KindOrIptables(ruleset)).families(ruleset, text);
}

std::vector<std::string> GhostportFormatArguments(RulesetKind kind) {
  const char* format = RowOf(kind).ghostport_format;
  if (format == nullptr) return {};
  return {"--input-format", format};
}

const char* KindName(RulesetKind kind) { return RowOf(kind).name; }

}  // namespace ghostport::kernel_test
