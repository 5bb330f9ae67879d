#include "parsers/windows/powershell_csv.h"

#include <optional>

#include "parsers/windows/powershell_record.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

struct CsvField {
  std::string value;
  bool quoted = false;
  rules::SourceLocation location;
};

struct CsvRecord {
  std::vector<CsvField> fields;
  rules::SourceLocation location;
  std::string text;  // as written, without the final line break
};

// Splits the text into records, keeping line and column as it goes.
class CsvLexer {
 public:
  CsvLexer(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  void SetDelimiter(char d) { delimiter_ = d; }
  std::string_view Rest() const { return text_.substr(pos_); }
  void SkipBlankLines() {
    while (!AtEnd() && (text_[pos_] == '\r' || text_[pos_] == '\n')) Advance();
  }

  // The rest of the current line, consumed ("#TYPE ..." lines).
  std::string_view TakeLine() {
    const std::size_t begin = pos_;
    while (!AtEnd() && text_[pos_] != '\n') ++pos_;
    std::string_view line = TrimSpaces(text_.substr(begin, pos_ - begin));
    if (!AtEnd()) Advance();
    return line;
  }

  rules::SourceLocation Here() const { return {file_, line_, static_cast<int>(pos_ - line_start_) + 1}; }

  // The next record; nullopt at the end or after an unterminated quote.
  std::optional<CsvRecord> Next() {
    if (AtEnd()) return std::nullopt;
    CsvRecord record;
    record.location = Here();
    const std::size_t begin = pos_;
    while (true) {
      CsvField field;
      field.location = Here();
      if (!ReadField(field)) return std::nullopt;
      record.fields.push_back(std::move(field));
      if (AtEnd() || text_[pos_] == '\n' || text_[pos_] == '\r') break;
      Advance();  // the delimiter
    }
    std::size_t end = pos_;
    if (!AtEnd() && text_[pos_] == '\r') Advance();
    if (!AtEnd() && text_[pos_] == '\n') Advance();
    record.text = std::string(text_.substr(begin, end - begin));
    return record;
  }

 private:
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  bool EndOfField() const {
    return AtEnd() || text_[pos_] == delimiter_ || text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
  }

  bool ReadField(CsvField& field) {
    if (AtEnd() || text_[pos_] != '"') {
      const std::size_t begin = pos_;
      while (!EndOfField()) Advance();
      field.value = std::string(TrimSpaces(text_.substr(begin, pos_ - begin)));
      return true;
    }
    field.quoted = true;
    Advance();
    while (true) {
      if (AtEnd()) {
        Error(field.location, "the quoted field is never closed (a '\"' is missing)");
        return false;
      }
      if (text_[pos_] == '"') {
        Advance();
        if (AtEnd() || text_[pos_] != '"') break;
      }
      field.value += text_[pos_];
      Advance();
    }
    if (!EndOfField()) {
      Error(Here(), "text after a quoted field's closing quote (a '\"' inside a field must be doubled)");
      while (!EndOfField()) Advance();
    }
    return true;
  }

  void Error(const rules::SourceLocation& at, std::string message) {
    diagnostics_.push_back({Severity::kError, at, std::move(message), LineAt(text_, at.line)});
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  char delimiter_ = ',';
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
};

// ',' or ';' (Export-Csv -UseCulture in many locales): whichever separates
// more of the header's names, outside quotes.
char DetectDelimiter(std::string_view text) {
  int commas = 0, semicolons = 0;
  bool quoted = false;
  for (const char c : text.substr(0, text.find('\n'))) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == ',') ++commas;
    if (!quoted && c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

PsValue ValueOf(const CsvField& field) {
  PsValue v;
  v.location = field.location;
  if (!field.value.empty()) v.value = std::vector<std::string>{field.value};
  return v;
}

}  // namespace

void ReadPowershellCsv(std::string_view text, const std::string& file, WindowsPolicy& policy,
                       std::vector<Diagnostic>& diagnostics) {
  CsvLexer lexer(text, file, diagnostics);
  // Windows PowerShell's type line, unless -NoTypeInformation was given.
  if (text.starts_with("#TYPE")) {
    const rules::SourceLocation at = lexer.Here();
    policy.ignored.push_back({at, std::string(lexer.TakeLine()), "the type line Export-Csv writes"});
  }
  lexer.SkipBlankLines();
  const rules::SourceLocation header_at = lexer.Here();
  lexer.SetDelimiter(DetectDelimiter(lexer.Rest()));
  std::optional<CsvRecord> header = lexer.Next();
  if (!header || (header->fields.size() == 1 && header->fields[0].value.empty())) {
    diagnostics.push_back({Severity::kError, header_at, "no header row: the CSV names no columns",
                           LineAt(text, header_at.line)});
    return;
  }
  if (!header->fields[0].quoted && header->text.find(" : ") != std::string::npos) {
    diagnostics.push_back({Severity::kError, header_at,
                           "this is PowerShell's list view (Format-List), not Export-Csv output; collect with "
                           "examples/windows/collect-firewall.ps1",
                           LineAt(text, header_at.line)});
    return;
  }
  MissingFields missing;
  while (std::optional<CsvRecord> record = lexer.Next()) {
    if (record->fields.size() == 1 && record->fields[0].value.empty() && !record->fields[0].quoted) continue;
    if (record->fields.size() != header->fields.size()) {
      diagnostics.push_back({Severity::kError, record->location,
                             "the record has " + std::to_string(record->fields.size()) + " fields, the header " +
                                 std::to_string(header->fields.size()),
                             LineAt(text, record->location.line)});
    }
    PsRecord ps;
    ps.location = record->location;
    ps.text = std::move(record->text);
    for (std::size_t i = 0; i < record->fields.size() && i < header->fields.size(); ++i) {
      ps.fields.emplace_back(header->fields[i].value, ValueOf(record->fields[i]));
    }
    AddPsRecord(ps, text, policy, diagnostics, missing);
  }
  WarnMissingFields(missing, header->location, text, diagnostics);
}

}  // namespace ghostport::parsers::windows
