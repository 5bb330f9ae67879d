// `ghostport explain PORT[/PROTO]...`: what the catalog knows about ports,
// as a reference page (text) or one JSON object per port and transport.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/commands/ports_command.h"
#include "audit/policy.h"
#include "catalog/lifecycle.h"

namespace ghostport::audit {

struct ExplainRequest {
  std::vector<std::string> specs;  // "22", "22/tcp", "3000-3500/tcp", "ssh", "ssh/udp"
  std::string policy_file;         // empty: none
  OutputFormat format = OutputFormat::kText;
};

// One thing to explain: a port range on one transport.
struct ExplainTarget {
  catalog::PortRange ports{0, 0};
  catalog::Transport transport = catalog::Transport::kTcp;
};

// Parses one argument. A port without a transport means tcp and udp (and
// sctp/dccp where the registry has a service on that port); a service name
// means every port and transport it is registered on. nullopt (with a
// message in `error`) for anything else.
std::optional<std::vector<ExplainTarget>> ParseExplainSpec(const std::string& spec, std::string& error);

// The JSON object for one port and transport (the contract in DESIGN.md):
// port, proto, range, organisation, registry, lifecycle, reasons, services,
// unofficial_uses, malware, observed, everyday, sources, check.
nlohmann::ordered_json PortFactsJson(const catalog::PortFacts& facts,
                                     const std::vector<const PortAssignment*>& assignments,
                                     const std::string& policy_file);

// Returns the exit code: 0, or 2 for a bad argument or policy file.
int RunExplain(const ExplainRequest& request, std::ostream& out, std::ostream& err);

}  // namespace ghostport::audit
