#include "parsers/windows/registry_reg.h"

#include <charconv>

#include "parsers/windows/windows_registry.h"
#include "parsers/windows/windows_text.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

// One logical line: a value line with its continuations joined.
struct Line {
  std::string text;
  int number = 0;
  std::string source;  // the first physical line, for diagnostics
};

std::vector<Line> LogicalLines(std::string_view text) {
  std::vector<Line> out;
  int number = 0;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    ++number;
    if (continuing) {
      out.back().text += TrimSpaces(raw);
    } else {
      out.push_back(Line{std::string(raw), number, std::string(raw)});
    }
    std::string& t = out.back().text;
    continuing = !t.empty() && t.back() == '\\' && t.find('=') != std::string::npos &&
                 t.find("=\"") == std::string::npos && t.find(":\"") == std::string::npos;
    if (continuing) t.pop_back();
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

Diagnostic Error(const std::string& file, const Line& l, int column, std::string message) {
  Diagnostic d;
  d.location = {file, l.number, column};
  d.message = std::move(message);
  d.source_line = l.source;
  return d;
}

// A quoted string starting at `at` (the opening quote): its unescaped
// bytes, each byte's column, and where it ends (after the closing quote).
struct Quoted {
  std::string text;
  std::vector<int> columns;
  size_t end = 0;
  bool ok = false;
};

Quoted ReadQuoted(std::string_view s, size_t at, bool escapes) {
  Quoted q;
  for (size_t i = at + 1; i < s.size(); ++i) {
    if (escapes && s[i] == '\\' && i + 1 < s.size()) {
      ++i;
    } else if (s[i] == '"') {
      q.end = i + 1;
      q.ok = true;
      return q;
    }
    q.text += s[i];
    q.columns.push_back(static_cast<int>(i) + 1);
  }
  return q;
}

// A .reg file's hex data: comma-separated bytes.
std::optional<std::string> HexBytes(std::string_view hex) {
  std::string bytes;
  for (std::string_view b : SplitList(hex, ',')) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), v, 16);
    if (ec != std::errc() || p != b.data() + b.size() || v > 255) return std::nullopt;
    bytes += static_cast<char>(v);
  }
  return bytes;
}

}  // namespace

bool ReadRegValues(std::string_view text, const std::string& file, const RegValueSink& sink,
                   std::vector<rules::IgnoredLine>& ignored, std::vector<Diagnostic>& diagnostics) {
  std::vector<Line> lines = LogicalLines(text);
  if (lines.empty() || (TrimSpaces(lines[0].text) != "Windows Registry Editor Version 5.00" &&
                        TrimSpaces(lines[0].text) != "REGEDIT4")) {
    diagnostics.push_back(Error(file, lines.empty() ? Line{} : lines[0], 1,
                                "a .reg file starts with \"Windows Registry Editor Version 5.00\" or \"REGEDIT4\""));
    return false;
  }
  std::string key;
  bool in_key = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const Line& l = lines[i];
    std::string_view s = TrimSpaces(l.text);
    if (s.empty() || s.front() == ';') continue;
    if (s.front() == '[') {
      if (s.back() != ']') {
        diagnostics.push_back(Error(file, l, 1, "a key header ends with ]"));
        return false;
      }
      if (s.size() > 1 && s[1] == '-') {
        // An import script clears a key before it sets it anew: what it
        // sets afterwards is the policy it installs.
        ignored.push_back(rules::IgnoredLine{
            rules::SourceLocation{file, l.number, 1}, l.source,
            "deletes the key when imported; the values this file sets are read as the policy"});
        in_key = false;
        continue;
      }
      key = std::string(s.substr(1, s.size() - 2));
      in_key = true;
      continue;
    }
    if (!in_key) {
      diagnostics.push_back(Error(file, l, 1, "a value before any [KEY] header"));
      return false;
    }
    RegistryValue v;
    v.location = {file, l.number, 1};
    v.source_line = l.source;
    size_t eq = 0;
    if (s.front() == '@') {
      v.name = "";
      eq = 1;
    } else if (s.front() == '"') {
      Quoted name = ReadQuoted(l.text, l.text.find('"'), true);
      if (!name.ok) {
        diagnostics.push_back(Error(file, l, 1, "the value name's closing quote is missing"));
        return false;
      }
      v.name = name.text;
      eq = name.end;
    } else {
      diagnostics.push_back(Error(file, l, 1, "a value line is \"name\"=data or @=data"));
      return false;
    }
    std::string_view rest = std::string_view(l.text).substr(eq);
    size_t data_at = eq;
    while (!rest.empty() && rest.front() == ' ') {
      rest.remove_prefix(1);
      ++data_at;
    }
    if (rest.empty() || rest.front() != '=') {
      diagnostics.push_back(Error(file, l, static_cast<int>(data_at) + 1, "= expected after the value name"));
      return false;
    }
    rest.remove_prefix(1);
    ++data_at;
    const int data_col = static_cast<int>(data_at) + 1;
    if (rest == "-") {
      ignored.push_back(rules::IgnoredLine{v.location, l.source, "deletes the value when imported"});
      continue;
    }
    if (!rest.empty() && rest.front() == '"') {
      Quoted q = ReadQuoted(l.text, data_at, true);
      if (!q.ok) {
        diagnostics.push_back(Error(file, l, data_col, "the string's closing quote is missing (a truncated export?)"));
        return false;
      }
      v.text = std::move(q.text);
      v.columns = std::move(q.columns);
    } else if (rest.substr(0, 6) == "dword:") {
      unsigned long d = 0;
      std::string_view hex = rest.substr(6);
      auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), d, 16);
      if (ec != std::errc() || p != hex.data() + hex.size() || hex.size() != 8) {
        diagnostics.push_back(Error(file, l, data_col + 6, "dword: takes 8 hexadecimal digits"));
        return false;
      }
      v.dword = static_cast<std::uint32_t>(d);
    } else if (rest.substr(0, 7) == "str(1):" || rest.substr(0, 7) == "str(2):") {
      Quoted q = ReadQuoted(l.text, data_at + 7, false);
      if (!q.ok) {
        diagnostics.push_back(Error(file, l, data_col, "the string's closing quote is missing (a truncated export?)"));
        return false;
      }
      v.text = std::move(q.text);
      v.columns = std::move(q.columns);
    } else if (rest.substr(0, 4) == "hex(" || rest.substr(0, 4) == "hex:") {
      size_t colon = rest.find(':');
      std::string_view type = rest.substr(0, colon);
      auto bytes = HexBytes(rest.substr(colon + 1));
      if (!bytes) {
        diagnostics.push_back(Error(file, l, data_col, "hex data is comma-separated bytes (00-ff)"));
        return false;
      }
      if (type == "hex(1)" || type == "hex(2)") {
        v.text = RegistryString(*bytes);
        if (!v.text) {
          diagnostics.push_back(Error(file, l, data_col, "the string value is not valid UTF-16"));
          return false;
        }
      } else if (type == "hex(4)" && bytes->size() == 4) {
        v.dword = Le32At(*bytes, 0);
      }
    } else {
      diagnostics.push_back(Error(file, l, data_col, "unknown value data; expected \"string\", dword:, hex: or hex(N):"));
      return false;
    }
    sink(key, v);
  }
  return true;
}

void ReadRegFile(std::string_view text, const std::string& file, WindowsPolicy& policy,
                 std::vector<Diagnostic>& diagnostics) {
  RegistryPolicy registry(policy, diagnostics);
  auto add = [&registry](std::string_view key, const RegistryValue& value) { registry.Add(key, value); };
  if (ReadRegValues(text, file, add, policy.ignored, diagnostics)) registry.Finish();
}

}  // namespace ghostport::parsers::windows
