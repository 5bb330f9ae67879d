// `--route PREFIX=INTERFACE`: the host's routes, given on the command line
// beside the ruleset, so that the engine knows through which interface a
// forwarded packet leaves (a FORWARD rule with `-o` decides by it). Without
// them a forwarded packet may leave through any interface.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "rules/model.h"

namespace ghostport::audit {

// "172.17.0.0/16=docker0", "fd00::/64=br0", "0.0.0.0/0=eth0" (a host
// address is a /32 or /128). On a malformed one prints
// `error: --route VALUE: ...` to `err` and returns nullopt.
std::optional<std::vector<rules::Route>> ParseRoutes(const std::vector<std::string>& specs, std::ostream& err);

}  // namespace ghostport::audit
