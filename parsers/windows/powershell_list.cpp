#include "parsers/windows/powershell_list.h"

#include "parsers/windows/powershell_record.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

// The console's rendering of a list, "{80, 443}", as the items.
std::string WithoutBraces(std::string_view value) {
  if (value.size() >= 2 && value.front() == '{' && value.back() == '}') value = value.substr(1, value.size() - 2);
  return std::string(value);
}

void Finish(PsRecord& record, std::string_view text, WindowsPolicy& policy, std::vector<Diagnostic>& diagnostics,
            MissingFields& missing) {
  if (record.fields.empty()) return;
  for (auto& [name, value] : record.fields) {
    auto* strings = std::get_if<std::vector<std::string>>(&value.value);
    if (strings == nullptr) continue;
    (*strings)[0] = WithoutBraces((*strings)[0]);
    if ((*strings)[0].empty()) value.value = std::monostate();
  }
  AddPsRecord(record, text, policy, diagnostics, missing);
  record = PsRecord();
}

}  // namespace

void ReadPowershellList(std::string_view text, const std::string& file, WindowsPolicy& policy,
                        std::vector<Diagnostic>& diagnostics) {
  MissingFields missing;
  rules::SourceLocation first;
  PsRecord record;
  int line_number = 0;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = TrimSpaces(text.substr(begin, end - begin));
    const bool indented = begin < end && (text[begin] == ' ' || text[begin] == '\t');
    begin = end + 1;
    ++line_number;
    if (line.empty()) {
      Finish(record, text, policy, diagnostics, missing);
      continue;
    }
    const rules::SourceLocation at{file, line_number, 1};
    if (indented && !record.fields.empty()) {  // a value wrapped at the console's width
      auto& value = record.fields.back().second.value;
      if (auto* strings = std::get_if<std::vector<std::string>>(&value)) (*strings)[0] += line;
      record.text += "\n" + std::string(line);
      continue;
    }
    const std::size_t colon = line.find(" : ") != std::string_view::npos ? line.find(" : ") : line.find(" :");
    if (colon == std::string_view::npos || colon == 0) {
      diagnostics.push_back({Severity::kError, at, "not a \"Name : value\" line of PowerShell's list view",
                             LineAt(text, line_number)});
      continue;
    }
    if (record.fields.empty()) {
      record.location = at;
      if (first.file.empty()) first = at;
    }
    PsValue value;
    value.location = {file, line_number, static_cast<int>(colon + 4)};
    const std::string_view v = TrimSpaces(line.substr(std::min(line.size(), colon + 3)));
    if (!v.empty()) value.value = std::vector<std::string>{std::string(v)};
    record.fields.emplace_back(std::string(TrimSpaces(line.substr(0, colon))), std::move(value));
    record.text += (record.text.empty() ? "" : "\n") + std::string(line);
  }
  Finish(record, text, policy, diagnostics, missing);
  if (!first.file.empty()) WarnMissingFields(missing, first, text, diagnostics);
}

}  // namespace ghostport::parsers::windows
