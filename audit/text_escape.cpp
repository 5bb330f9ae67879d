#include "audit/text_escape.h"

#include <cstdint>
#include <cstdio>
#include <utility>

namespace ghostport::audit {

namespace {

// The code point of the valid UTF-8 sequence at `s[i]` and its length;
// length 0 for an invalid byte.
std::pair<std::uint32_t, std::size_t> Decode(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return {0, 0};
  std::uint32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3f);
  }
  // Overlong forms, surrogates and values past Unicode are invalid too.
  const std::uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff) return {0, 0};
  return {cp, n};
}

// Characters that change how text around them is shown without being
// seen: C1 controls and the Unicode bidirectional controls ("Trojan
// Source", CVE-2021-42574).
bool Invisible(std::uint32_t cp) {
  return (cp >= 0x80 && cp < 0xa0) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

// Walks `s`, calling `plain(byte)` for ASCII, `text(sequence)` for a
// visible non-ASCII character, `hidden(cp)` for an invisible one and
// `invalid(byte)` for a byte of no valid UTF-8 sequence.
template <typename Plain, typename Text, typename Hidden, typename Invalid>
void Walk(std::string_view s, Plain plain, Text text, Hidden hidden, Invalid invalid) {
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = Decode(s, i);
    if (n == 0) {
      invalid(static_cast<unsigned char>(s[i]));
      ++i;
    } else if (n == 1) {
      plain(static_cast<char>(cp));
      ++i;
    } else if (Invisible(cp)) {
      hidden(cp);
      i += n;
    } else {
      text(s.substr(i, n));
      i += n;
    }
  }
}

std::string CodePoint(std::uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string EscapeForTerminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [&](unsigned c) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
  };
  Walk(
      s,
      [&](char c) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
          hex(byte);
        } else if (c == '\\') {
          out += "\\\\";
        } else {
          out += c;
        }
      },
      [&](std::string_view seq) { out += seq; },
      [&](std::uint32_t cp) { out += "\\u{" + CodePoint(cp).substr(2) + "}"; },
      [&](unsigned char byte) { hex(byte); });
  return out;
}

// Markdown: nothing from the input may become markup. ASCII punctuation
// that Markdown or a table reads is backslash-escaped; HTML's specials become
// entities; control characters become spaces.
std::string EscapeForMarkdown(std::string_view s) {
  std::string out;
  Walk(
      s,
      [&](char c) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
          out += ' ';
        } else if (c == '<') {
          out += "&lt;";
        } else if (c == '>') {
          out += "&gt;";
        } else if (c == '&') {
          out += "&amp;";
        } else if (std::string_view("\\`*_{}[]()#+!|~").find(c) != std::string_view::npos) {
          out += '\\';
          out += c;
        } else {
          out += c;
        }
      },
      [&](std::string_view seq) { out += seq; },
      [&](std::uint32_t cp) { out += "&lt;" + CodePoint(cp) + "&gt;"; },
      [&](unsigned char) { out += kReplacement; });
  return out;
}

// Markup text (XML, HTML): the specials as entities, invisible characters
// as <U+202E>, invalid UTF-8 as U+FFFD (a document stays well-formed); the
// two differ in the apostrophe's entity and in what a C0 control becomes.
namespace {

enum class Markup { kXml, kHtml };

std::string EscapeForMarkup(std::string_view s, Markup markup) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  Walk(
      s,
      [&](char c) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '&': out += "&amp;"; break;
          case '"': out += "&quot;"; break;
          case '\'': out += markup == Markup::kXml ? "&apos;" : "&#39;"; break;
          default:
            if ((byte >= 0x20 && byte != 0x7f) || c == '\t' || c == '\n' || (markup == Markup::kXml && c == '\r')) {
              out += c;
            } else if (markup == Markup::kXml) {
              out += kReplacement;  // characters XML 1.0 cannot carry
            } else {
              char buf[5];
              std::snprintf(buf, sizeof buf, "\\x%02x", byte);
              out += buf;
            }
        }
      },
      [&](std::string_view seq) { out += seq; },
      [&](std::uint32_t cp) { out += "&lt;" + CodePoint(cp) + "&gt;"; },
      [&](unsigned char) { out += kReplacement; });
  return out;
}

}  // namespace

std::string EscapeForXml(std::string_view s) { return EscapeForMarkup(s, Markup::kXml); }

std::string EscapeForHtml(std::string_view s) { return EscapeForMarkup(s, Markup::kHtml); }

std::string EscapeInvisibleInJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  Walk(
      json, [&](char c) { out += c; }, [&](std::string_view seq) { out += seq; },
      [&](std::uint32_t cp) {
        char buf[12];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
        out += buf;
      },
      // dump(..., replace) leaves none; keep the document valid if one came.
      [&](unsigned char) { out += kReplacement; });
  return out;
}

std::size_t DisplayWidth(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

}  // namespace ghostport::audit
