#include "parsers/bundle.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "parsers/ipset/ipset_dump.h"
#include "parsers/ipset/ipset_lowering.h"
#include "parsers/iptables/iptables_lowering.h"

namespace ghostport::parsers {

void MergeRuleset(rules::Ruleset& into, rules::Ruleset&& from) {
  std::vector<int> renumber(from.sets.size(), -1);
  for (std::size_t i = 0; i < from.sets.size(); ++i) {
    rules::NamedSet& set = from.sets[i];
    int at = into.FindSet(set.table, set.name);
    if (at < 0) {
      at = static_cast<int>(into.sets.size());
      into.sets.push_back(std::move(set));
    } else if (set.dynamic) {
      into.sets[static_cast<std::size_t>(at)].dynamic = true;
    }
    renumber[i] = at;
  }
  for (rules::Table& table : from.tables) {
    for (rules::Chain& chain : table.chains) {
      for (rules::Rule& rule : chain.rules) {
        for (rules::Cube& cube : rule.cubes) {
          for (rules::SetMatch& match : cube.sets) match.set = renumber[static_cast<std::size_t>(match.set)];
        }
      }
    }
    into.tables.push_back(std::move(table));
  }
  for (std::string& name : from.inputs) into.inputs.push_back(std::move(name));
  for (rules::IgnoredLine& line : from.ignored) into.ignored.push_back(std::move(line));
}

namespace {

std::vector<rules::Family> Families(const rules::Ruleset& rs) {
  std::vector<rules::Family> out;
  for (rules::Family f : {rules::Family::kIpv4, rules::Family::kIpv6}) {
    for (const rules::Table& t : rs.tables) {
      if (rules::TableCovers(t.family, f)) {
        out.push_back(f);
        break;
      }
    }
  }
  return out;
}

Diagnostic AtFirstLine(const BundleInput& input, std::string message) {
  Diagnostic d;
  d.location = {input.file_name, 1, 1};
  d.message = std::move(message);
  d.source_line = LineAt(input.text, 1);
  return d;
}

}  // namespace

namespace {

// A host's Windows exports: one policy, whatever formats carry it; they
// cannot be bundled with netfilter rulesets.
ParseResult ParseWindowsBundle(std::span<const BundleInput> inputs) {
  std::vector<windows::WindowsInput> exports;
  ParseResult out;
  for (const BundleInput& in : inputs) {
    windows::WindowsFormatReader reader = WindowsReaderFor(in.format);
    if (!reader) {
      ParseResult one = ParseInput(in.text, in.file_name, in.format);
      if (one.HasErrors()) return one;
      out.diagnostics.push_back(AtFirstLine(
          in, std::string("a ") + InputFormatName(in.format) +
                  " input beside Windows Firewall exports: one host has one firewall; audit the hosts apart"));
      return out;
    }
    exports.push_back({in.text, in.file_name, reader});
  }
  return windows::ReadWindowsExports(exports);
}

}  // namespace

ParseResult ParseBundle(std::span<const BundleInput> inputs) {
  if (std::any_of(inputs.begin(), inputs.end(), [](const BundleInput& in) { return IsWindowsFormat(in.format); })) {
    return ParseWindowsBundle(inputs);
  }
  // The dumps first: their sets are what the rulesets name.
  IpsetDump dump;
  std::vector<std::vector<Diagnostic>> diagnostics(inputs.size());
  std::vector<std::vector<rules::IgnoredLine>> dump_ignored(inputs.size());
  bool any_dump = false;
  bool any_ruleset = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].format != InputFormat::kIpset) {
      any_ruleset = true;
      continue;
    }
    any_dump = true;
    ReadIpsetDump(inputs[i].text, inputs[i].file_name, dump, diagnostics[i], dump_ignored[i]);
  }
  ParseResult result;
  result.ruleset.sets = IpsetNamedSets(dump);
  std::vector<std::vector<rules::Family>> iptables_families(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const BundleInput& input = inputs[i];
    if (input.format == InputFormat::kIpset) {
      result.ruleset.inputs.push_back(input.file_name);
      for (rules::IgnoredLine& line : dump_ignored[i]) result.ruleset.ignored.push_back(std::move(line));
      if (!any_ruleset) {
        Diagnostic d;
        d.location = {input.file_name, 1, 1};
        d.message = "an ipset dump describes sets, not what a firewall accepts: give it beside the ruleset whose "
                    "-m set matches name them";
        d.source_line = LineAt(input.text, 1);
        diagnostics[i].insert(diagnostics[i].begin(), std::move(d));
      }
      continue;
    }
    ParseResult r = input.format == InputFormat::kIptables
                        ? ParseIptablesSave(input.text, input.file_name, IptablesOptions{std::nullopt, any_dump ? &dump : nullptr})
                        : ParseInput(input.text, input.file_name, input.format);
    for (Diagnostic& d : r.diagnostics) diagnostics[i].push_back(std::move(d));
    // Each input must say something: one without a table is never read as
    // "nothing is open".
    if (!r.HasErrors() && r.ruleset.tables.empty()) {
      diagnostics[i].push_back(AtFirstLine(
          input, "no firewall table in this input: an empty export means the rules could not be read "
                 "(iptables-save and nft list ruleset need root) or there are none; ghostport never reads an empty input as "
                 "\"nothing is open\""));
    }
    // Two iptables rulesets for one family cannot both be the host's.
    if (input.format == InputFormat::kIptables) {
      for (rules::Family f : Families(r.ruleset)) {
        for (std::size_t j = 0; j < i; ++j) {
          if (inputs[j].format != InputFormat::kIptables) continue;
          const auto& before = iptables_families[j];
          if (std::find(before.begin(), before.end(), f) == before.end()) continue;
          diagnostics[i].push_back(AtFirstLine(
              input, std::string("a second iptables ruleset for ") + rules::FamilyName(f) + " (the first is " +
                         inputs[j].file_name + "): one host has one ruleset per family; give iptables-save and "
                         "ip6tables-save output together, and audit other hosts apart"));
          break;
        }
      }
      iptables_families[i] = Families(r.ruleset);
    }
    MergeRuleset(result.ruleset, std::move(r.ruleset));
  }
  for (std::vector<Diagnostic>& ds : diagnostics) {
    for (Diagnostic& d : ds) result.diagnostics.push_back(std::move(d));
  }
  return result;
}

}  // namespace ghostport::parsers
