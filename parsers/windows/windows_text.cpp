#include "parsers/windows/windows_text.h"

#include <cstdio>

#include <cstdint>

namespace ghostport::parsers::windows {

namespace {

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Line and column (1-based) of byte `at` of already decoded text.
void Locate(std::string_view text, size_t at, int& line, int& col) {
  line = 1;
  col = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) {
      ++col;
    }
  }
}

DecodedText Fail(std::string decoded_so_far, const std::string& file, std::string message) {
  DecodedText r;
  int line = 0, col = 0;
  Locate(decoded_so_far, decoded_so_far.size(), line, col);
  Diagnostic d;
  d.location = {file, line, col};
  d.message = std::move(message);
  size_t start = decoded_so_far.rfind('\n');
  d.source_line = decoded_so_far.substr(start == std::string::npos ? 0 : start + 1);
  r.error = std::move(d);
  return r;
}

DecodedText FromUtf16(std::string_view b, bool little, const std::string& file) {
  DecodedText r;
  if (b.size() % 2 != 0) {
    return Fail(r.utf8, file, "the UTF-16 text ends in the middle of a character (the export is truncated)");
  }
  auto unit = [&](size_t i) -> std::uint16_t {
    auto lo = static_cast<unsigned char>(b[i]), hi = static_cast<unsigned char>(b[i + 1]);
    return little ? static_cast<std::uint16_t>(lo | (hi << 8)) : static_cast<std::uint16_t>(hi | (lo << 8));
  };
  r.utf8.reserve(b.size() / 2);
  for (size_t i = 0; i < b.size(); i += 2) {
    std::uint32_t u = unit(i);
    if (u >= 0xd800 && u < 0xdc00) {
      if (i + 3 >= b.size() || unit(i + 2) < 0xdc00 || unit(i + 2) >= 0xe000) {
        return Fail(r.utf8, file, "invalid UTF-16: a high surrogate without its low surrogate");
      }
      u = 0x10000 + ((u - 0xd800) << 10) + (unit(i + 2) - 0xdc00);
      i += 2;
    } else if (u >= 0xdc00 && u < 0xe000) {
      return Fail(r.utf8, file, "invalid UTF-16: a low surrogate without its high surrogate");
    }
    AppendUtf8(r.utf8, u);
  }
  return r;
}

// Length of the valid UTF-8 sequence at `i`, 0 when invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xc2) return 0;  // overlong
  return n;
}

}  // namespace

DecodedText DecodeExport(std::string_view bytes, const std::string& file_name) {
  if (bytes.size() >= 2 && bytes[0] == '\xff' && bytes[1] == '\xfe') return FromUtf16(bytes.substr(2), true, file_name);
  if (bytes.size() >= 2 && bytes[0] == '\xfe' && bytes[1] == '\xff') return FromUtf16(bytes.substr(2), false, file_name);
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xef\xbb\xbf") bytes.remove_prefix(3);
  // UTF-16LE without a byte-order mark (regedit refuses it; some tools
  // write it): ASCII text with every other byte NUL.
  if (bytes.size() >= 4 && bytes[0] != '\0' && bytes[1] == '\0' && bytes[3] == '\0') {
    return FromUtf16(bytes, true, file_name);
  }
  DecodedText r;
  for (size_t i = 0; i < bytes.size();) {
    size_t n = Utf8Length(bytes, i);
    if (n == 0) {
      r.utf8.assign(bytes.substr(0, i));
      return Fail(std::move(r.utf8), file_name,
                  "the export is neither UTF-8 nor UTF-16 with a byte-order mark (byte 0x" +
                      std::string(1, "0123456789abcdef"[static_cast<unsigned char>(bytes[i]) >> 4]) +
                      std::string(1, "0123456789abcdef"[static_cast<unsigned char>(bytes[i]) & 15]) +
                      " here); save it as UTF-8 or UTF-16");
    }
    i += n;
  }
  r.utf8.assign(bytes);
  return r;
}

std::uint32_t Le32At(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

std::string HexLine(std::string_view bytes, std::size_t at) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char offset[16];
  std::snprintf(offset, sizeof offset, "0x%04zx:", at);
  std::string out = offset;
  for (std::size_t i = at; i < bytes.size() && i < at + 16; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    out += {' ', kDigits[c >> 4], kDigits[c & 15]};
  }
  return out;
}

std::optional<std::string> Utf16LeToUtf8(std::string_view bytes) {
  DecodedText d = FromUtf16(bytes, true, "");
  if (d.error) return std::nullopt;
  return std::move(d.utf8);
}

std::optional<std::string> RegistryString(std::string_view data) {
  std::optional<std::string> text = Utf16LeToUtf8(data);
  if (!text) return std::nullopt;
  while (!text->empty() && text->back() == '\0') text->pop_back();
  return text;
}

}  // namespace ghostport::parsers::windows
