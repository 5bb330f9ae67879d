// Text reports print what rule comments and conditions contain; control
// characters (escape sequences that could repaint a terminal, stray carriage
// returns) are written as \xNN so a report never acts on the reader's screen.
#pragma once

#include <string>
#include <string_view>

namespace ghostport::audit {

std::string EscapeForTerminal(std::string_view s);

}  // namespace ghostport::audit
