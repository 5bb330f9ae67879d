// Reports print what rule comments and conditions contain. Whatever could
// act on the reader's screen or hide text is made visible, in every
// format: C0 controls (escape sequences that repaint a terminal, stray
// carriage returns), C1 controls, the Unicode bidirectional controls
// ("Trojan Source": U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C), and
// bytes that are no valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace ghostport::audit {

// Terminal text: C0 controls and invalid bytes as \xNN, invisible
// characters as \u{202E}, backslashes doubled.
std::string EscapeForTerminal(std::string_view s);

// Markdown (pull-request comments): nothing from the input becomes markup;
// invisible characters read <U+202E>, invalid bytes U+FFFD.
std::string EscapeForMarkdown(std::string_view s);

// XML text and attribute values (JUnit): specials as entities, characters
// XML 1.0 cannot carry and invalid UTF-8 replaced by U+FFFD (the document
// stays well-formed), invisible characters as <U+202E>.
std::string EscapeForXml(std::string_view s);

// HTML text and attribute values: specials as entities, C0 controls as
// \xNN, invisible characters as <U+202E>, invalid UTF-8 as U+FFFD.
std::string EscapeForHtml(std::string_view s);

// A JSON document as nlohmann's dump wrote it (invalid UTF-8 already
// replaced): the invisible characters, which can only stand inside its
// strings, become \uXXXX escapes, so a reader of the raw JSON sees them.
std::string EscapeInvisibleInJson(std::string_view json);

// Columns `s` takes on a terminal: one per character (code point) of
// UTF-8 text, not per byte ("…" is one column).
std::size_t DisplayWidth(std::string_view s);

}  // namespace ghostport::audit
