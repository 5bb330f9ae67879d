// ufw's own rule files, /etc/ufw/user.rules and user6.rules, are fragments:
// they declare ufw's chains (ufw-user-input, ufw6-user-input, ...) and fill
// the user ones, but nothing in them jumps there: ufw loads them between
// before.rules and after.rules, which wire the built-in chains to them, and
// sets the built-in policies from /etc/default/ufw. Read alone, such a file
// would say "INPUT accepts everything". WireUfwFragment recognises one (a
// filter table declaring ufw-user-input or ufw6-user-input that nothing
// jumps to, with empty built-in chains) and wires it as ufw's stock
// before.rules (before6.rules) does, with ufw's default policies (incoming
// DROP, routed DROP, outgoing ACCEPT); a warning at the chain's declaration
// says so. The wired rules point at that declaration and say where they
// come from ("ufw before.rules: -A INPUT -i lo -j ACCEPT").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "rules/model.h"

namespace ghostport::parsers {

// True when `ruleset` was a ufw fragment and is now wired.
bool WireUfwFragment(rules::Ruleset& ruleset, std::string_view text, const std::string& file_name,
                     std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers
