#include "parsers/iptables/iptables_dual_stack.h"

#include <algorithm>
#include <tuple>

#include "parsers/bundle.h"
#include "parsers/iptables/iptables_lowering.h"

namespace ghostport::parsers {
namespace {

using rules::Family;

bool IsMark(const IptablesToken& t) {
  return !t.quoted && (t.text == "-4" || t.text == "-6" || t.text == "--ipv4" || t.text == "--ipv6");
}

const IptablesStatement* FirstMarked(const IptablesFile& file) {
  for (const IptablesTable& t : file.tables)
    for (const IptablesStatement& s : t.statements)
      if (s.kind == IptablesStatementKind::kCommand && std::any_of(s.tokens.begin(), s.tokens.end(), IsMark))
        return &s;
  return nullptr;
}

// The reason the lowering records for a line of the other family (see
// Lowering::OnCommand): modelled by the other reading, so not ignored.
bool IsOtherFamilyLine(const rules::IgnoredLine& line) {
  return line.reason == "an IPv4-only line (-4) in an ip6tables ruleset" ||
         line.reason == "an IPv6-only line (-6) in an iptables ruleset";
}

auto Key(const Diagnostic& d) {
  return std::tie(d.location.line, d.location.column, d.severity, d.message);
}

}  // namespace

bool HasFamilyMarks(const IptablesFile& file) { return FirstMarked(file) != nullptr; }

ParseResult LowerDualStack(const IptablesFile& file, const std::string& file_name, const IpsetDump* ipsets) {
  ParseResult result;
  std::vector<Diagnostic> v4_diagnostics, v6_diagnostics;
  result.ruleset = LowerIptables(file, file_name, Family::kIpv4, v4_diagnostics, ipsets);
  rules::Ruleset v6 = LowerIptables(file, file_name, Family::kIpv6, v6_diagnostics, ipsets);
  v6.inputs.clear();  // the same file
  MergeRuleset(result.ruleset, std::move(v6));
  std::erase_if(result.ruleset.ignored, IsOtherFamilyLine);
  result.diagnostics = std::move(v4_diagnostics);
  for (Diagnostic& d : v6_diagnostics) {
    const bool seen = std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                                  [&](const Diagnostic& e) { return Key(e) == Key(d); });
    if (!seen) result.diagnostics.push_back(std::move(d));
  }
  const IptablesStatement* marked = FirstMarked(file);
  Diagnostic note;
  note.severity = Severity::kNote;
  note.location = {file_name, marked->line, 1};
  note.message = "lines marked -4/-6: the file is read for both families, as iptables-restore and "
                 "ip6tables-restore each read it (unmarked lines are for both)";
  note.source_line = std::string(marked->source_line);
  result.diagnostics.push_back(std::move(note));
  return result;
}

}  // namespace ghostport::parsers
