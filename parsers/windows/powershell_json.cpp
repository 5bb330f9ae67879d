#include "parsers/windows/powershell_json.h"

#include <nlohmann/json.hpp>

#include "parsers/nftables/nft_json_positions.h"
#include "parsers/windows/powershell_record.h"

namespace ghostport::parsers::windows {

namespace {

using Json = nlohmann::ordered_json;

// Where one element of the top level (the array's elements, or the bare
// object) is written: nlohmann::json keeps no positions, so a small scan of
// the text finds them, and for an object the offset of each member's value.
struct ElementSpan {
  std::size_t begin = 0, end = 0;
  std::vector<std::pair<std::string, std::size_t>> members;  // name as written, offset of its value
};

class ElementScanner {
 public:
  explicit ElementScanner(std::string_view text) : text_(text) {}

  // Assumes text nlohmann::json parsed.
  std::vector<ElementSpan> Scan() {
    const std::size_t first = text_.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    element_depth_ = text_[first] == '[' ? 1 : 0;
    expect_element_ = element_depth_ == 0;
    for (std::size_t i = first; i < text_.size(); ++i) Step(i);
    return std::move(elements_);
  }

 private:
  void Step(std::size_t i) {
    const char c = text_[i];
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (string_is_key_) {
          elements_.back().members.emplace_back(std::string(text_.substr(string_start_ + 1, i - string_start_ - 1)),
                                                text_.size());
          after_key_ = true;
        }
      }
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return;
    if (expect_element_ && !(c == ']' && depth_ == element_depth_)) {
      elements_.push_back({i, text_.size(), {}});
      element_is_object_ = c == '{';
      expect_element_ = false;
    }
    if (value_pending_) {
      elements_.back().members.back().second = i;
      value_pending_ = false;
    }
    const bool in_element_object = element_is_object_ && depth_ == element_depth_ + 1;
    switch (c) {
      case '"':
        in_string_ = true;
        string_start_ = i;
        string_is_key_ = expect_key_;
        expect_key_ = false;
        break;
      case ':':
        value_pending_ = after_key_;
        after_key_ = false;
        break;
      case '{':
      case '[':
        ++depth_;
        if (depth_ == element_depth_ + 1) expect_key_ = element_is_object_;
        if (depth_ == element_depth_ && element_depth_ == 1) expect_element_ = true;
        break;
      case '}':
      case ']':
        if (depth_ == element_depth_ + 1 && !elements_.empty()) elements_.back().end = i + 1;
        --depth_;
        break;
      case ',':
        if (in_element_object) expect_key_ = true;
        if (depth_ == element_depth_ && element_depth_ == 1) expect_element_ = true;
        break;
      default:
        break;
    }
  }

  std::string_view text_;
  std::vector<ElementSpan> elements_;
  int depth_ = 0;
  int element_depth_ = 0;  // 1 inside the top-level array, 0 for a bare value
  bool in_string_ = false, escaped_ = false, string_is_key_ = false;
  std::size_t string_start_ = 0;
  bool expect_element_ = false, element_is_object_ = false;
  bool expect_key_ = false, after_key_ = false, value_pending_ = false;
};

PsValue Convert(const Json& j) {
  PsValue v;
  if (j.is_boolean()) {
    v.value = j.get<bool>();
  } else if (j.is_number_integer()) {
    v.value = j.get<std::int64_t>();
  } else if (j.is_number_float()) {
    v.value = PsUnreadable{"a fraction (" + j.dump() + ")"};
  } else if (j.is_string()) {
    if (!j.get_ref<const std::string&>().empty()) v.value = std::vector<std::string>{j.get<std::string>()};
  } else if (j.is_array()) {
    std::vector<std::string> strings;
    for (const Json& e : j) {
      if (e.is_string()) {
        strings.push_back(e.get<std::string>());
      } else if (e.is_number_integer()) {
        strings.push_back(e.dump());
      } else if (!e.is_null()) {
        v.value = PsUnreadable{"an array holding " + std::string(e.type_name()) + "s"};
        return v;
      }
    }
    if (!strings.empty()) v.value = std::move(strings);
  } else if (j.is_object()) {
    v.value = PsUnreadable{"a JSON object"};
  }
  return v;
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error while parsing value - ..." without its prefix and position.
std::string WithoutPosition(const std::string& what) {
  const std::size_t at = what.find(": ", what.find("column "));
  return at == std::string::npos ? what : what.substr(at + 2);
}

}  // namespace

void ReadPowershellJson(std::string_view text, const std::string& file, WindowsPolicy& policy,
                        std::vector<Diagnostic>& diagnostics) {
  Json document;
  try {
    document = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    const std::size_t offset = e.byte > 0 ? std::min<std::size_t>(e.byte - 1, text.size()) : 0;
    const rules::SourceLocation at = nft::LocationOfOffset(text, offset, file);
    diagnostics.push_back({Severity::kError, at, "invalid JSON: " + WithoutPosition(e.what()), LineAt(text, at.line)});
    return;
  }
  const std::vector<ElementSpan> spans = ElementScanner(text).Scan();
  // Every offset the records need, ascending as the scan found them.
  std::vector<std::size_t> offsets;
  for (const ElementSpan& s : spans) {
    offsets.push_back(s.begin);
    for (const auto& member : s.members) offsets.push_back(std::min(member.second, text.size()));
  }
  const std::vector<rules::SourceLocation> locations = nft::LocationsOfOffsets(text, offsets, file);
  const std::size_t count = document.is_array() ? document.size() : 1;
  MissingFields missing;
  std::size_t next_location = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const Json& element = document.is_array() ? document[k] : document;
    const ElementSpan* span = k < spans.size() ? &spans[k] : nullptr;
    PsRecord record;
    record.location = span != nullptr ? locations[next_location++] : rules::SourceLocation{file, 1, 1};
    if (!element.is_object()) {
      diagnostics.push_back({Severity::kError, record.location,
                             std::string("expected an object (a rule or a profile), not ") + element.type_name(),
                             LineAt(text, record.location.line)});
      next_location += span != nullptr ? span->members.size() : 0;
      continue;
    }
    if (span != nullptr) record.text = std::string(text.substr(span->begin, span->end - span->begin));
    std::size_t member = 0;
    for (const auto& [name, value] : element.items()) {
      PsValue v = Convert(value);
      v.location = record.location;
      // The scan lists the members in the order written, as ordered_json
      // keeps them; a name written with escapes is not found and keeps the
      // object's location.
      for (std::size_t m = member; span != nullptr && m < span->members.size(); ++m) {
        if (span->members[m].first != name) continue;
        v.location = locations[next_location + m];
        member = m + 1;
        break;
      }
      record.fields.emplace_back(name, std::move(v));
    }
    next_location += span != nullptr ? span->members.size() : 0;
    AddPsRecord(record, text, policy, diagnostics, missing);
  }
  if (!spans.empty() && !locations.empty()) WarnMissingFields(missing, locations[0], text, diagnostics);
}

}  // namespace ghostport::parsers::windows
