#include "parsers/nftables/nft_json_positions.h"

namespace ghostport::parsers::nft {

namespace {

// The offset just past the string starting at `i` (text[i] == '"').
std::size_t SkipString(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::vector<std::size_t> NftablesElementOffsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  int depth = 0;                // containers open
  bool in_nftables = false;     // inside the array of the depth-1 member "nftables"
  bool expect_element = false;  // at depth 2 of that array, after '[' or ','
  std::string depth1_key;       // the last member name read at depth 1
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsSpace(c)) continue;
    if (expect_element && c != ']') {
      offsets.push_back(i);
      expect_element = false;
    }
    if (c == '"') {
      const std::size_t end = SkipString(text, i);
      if (depth == 1) depth1_key = std::string(text.substr(i + 1, end - i - 2));
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (depth == 2 && c == '[' && depth1_key == "nftables") {
        in_nftables = true;
        expect_element = true;
      }
    } else if (c == '}' || c == ']') {
      if (depth == 2) in_nftables = false;
      --depth;
    } else if (c == ',' && depth == 2 && in_nftables) {
      expect_element = true;
    }
  }
  return offsets;
}

std::optional<std::size_t> FirstOffsetNestedDeeperThan(std::string_view text, int limit) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = SkipString(text, i) - 1;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

std::vector<rules::SourceLocation> LocationsOfOffsets(std::string_view text, const std::vector<std::size_t>& offsets,
                                                      const std::string& file_name) {
  std::vector<rules::SourceLocation> out;
  out.reserve(offsets.size());
  int line = 1;
  std::size_t line_start = 0;
  std::size_t i = 0;
  for (const std::size_t offset : offsets) {
    for (; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    out.push_back(rules::SourceLocation{file_name, line, static_cast<int>(offset - line_start) + 1});
  }
  return out;
}

rules::SourceLocation LocationOfOffset(std::string_view text, std::size_t offset, const std::string& file_name) {
  return LocationsOfOffsets(text, {offset}, file_name).front();
}

}  // namespace ghostport::parsers::nft
