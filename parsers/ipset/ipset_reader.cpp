#include "parsers/ipset/ipset_reader.h"

namespace ghostport::parsers {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

IpsetText ReadIpset(std::string_view text, const std::string& file_name, std::vector<Diagnostic>& diagnostics) {
  IpsetText out;
  if (text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);  // a UTF-8 byte order mark
  std::size_t pos = 0;
  int number = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view source = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++number;
    if (!source.empty() && source.back() == '\r') source.remove_suffix(1);
    std::size_t first = 0;
    while (first < source.size() && IsSpace(source[first])) ++first;
    std::size_t last = source.size();
    while (last > first && IsSpace(source[last - 1])) --last;
    if (first == last || source[first] == '#') continue;
    IpsetLine line;
    line.line = number;
    line.source_line = source;
    line.text = source.substr(first, last - first);
    std::size_t i = first;
    bool bad = false;
    while (i < last && !bad) {
      const std::size_t start = i;
      std::string word;
      bool quoted = false;
      bool in_quote = false;
      std::size_t quote_at = 0;
      while (i < last && (in_quote || !IsSpace(source[i]))) {
        if (source[i] == '"') {
          quoted = true;
          in_quote = !in_quote;
          quote_at = i;
        } else {
          word += source[i];
        }
        ++i;
      }
      if (in_quote) {
        Diagnostic d;
        d.location = {file_name, number, static_cast<int>(quote_at) + 1};
        d.message = "unterminated quote";
        d.source_line = std::string(source);
        diagnostics.push_back(std::move(d));
        bad = true;
        break;
      }
      IpsetWord w;
      w.column = static_cast<int>(start) + 1;
      w.end_column = static_cast<int>(i) + 1;
      if (quoted) {
        out.rewritten.push_back(std::move(word));
        w.text = out.rewritten.back();
      } else {
        w.text = source.substr(start, i - start);
      }
      line.words.push_back(w);
      while (i < last && IsSpace(source[i])) ++i;
    }
    if (!bad) out.lines.push_back(std::move(line));
  }
  return out;
}

}  // namespace ghostport::parsers
