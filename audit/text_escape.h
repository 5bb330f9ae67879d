// Text reports print what rule comments and conditions contain; control
// characters (escape sequences that could repaint a terminal, stray carriage
// returns) are written as \xNN so a report never acts on the reader's screen.
#pragma once

#include <string>
#include <string_view>

namespace ghostport::audit {

std::string EscapeForTerminal(std::string_view s);

// Markdown (pull-request comments): nothing from the input becomes markup.
std::string EscapeForMarkdown(std::string_view s);

// XML text and attribute values (JUnit): specials as entities, characters
// XML 1.0 cannot carry replaced by U+FFFD.
std::string EscapeForXml(std::string_view s);

}  // namespace ghostport::audit
