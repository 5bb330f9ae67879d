// One object of a PowerShell export (a Get-NetFirewallRule row joined with
// its filters, or a Get-NetFirewallProfile row) as the JSON and the CSV
// reader both hand it over: member names with their values and where each
// value is written. One builder turns it into a WindowsRule or, when it has
// DefaultInboundAction, into a profile's settings; every value goes through
// windows_values.h, enums are accepted as numbers or as names, per field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

// A value no field can hold (a JSON object, a nested array, a fraction):
// `what` says which, for the error message.
struct PsUnreadable {
  std::string what;
};

struct PsValue {
  // Absent (JSON null, an empty string, an empty CSV cell); a JSON boolean;
  // a JSON integer; the strings of a JSON string, array or CSV cell.
  std::variant<std::monostate, bool, std::int64_t, std::vector<std::string>, PsUnreadable> value;
  rules::SourceLocation location;
};

struct PsRecord {
  std::vector<std::pair<std::string, PsValue>> fields;  // in input order
  rules::SourceLocation location;                       // where the object (the CSV record) starts
  std::string text;                                     // as written, for reports
  // The member named `name` (case-insensitive), null when the export has none.
  const PsValue* Find(std::string_view name) const;
};

// Fields whose absence from an export narrows what the reader can say of a
// rule (`missing` of AddPsRecord), gathered over a file for one warning.
using MissingFields = std::vector<std::string_view>;

// Adds the rule or the profile settings `record` describes to `policy`;
// each value that cannot be read is a located error (`text` is the whole
// input, for the source line) and an unknown condition of the rule. The
// rule fields the record lacks are added to `missing`.
void AddPsRecord(const PsRecord& record, std::string_view text, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics, MissingFields& missing);

// One warning for a file whose rules lack fields: what the reader assumed.
void WarnMissingFields(const MissingFields& missing, const rules::SourceLocation& at, std::string_view text,
                       std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers::windows
