// `ghostport probe`: the verdict for single packets (the first packet of a
// new inbound connection), from the command line or a TSV batch file.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "audit/commands/ports_command.h"
#include "audit/inputs.h"

namespace ghostport::audit {

struct ProbeRequest {
  std::string proto;                 // tcp, udp, icmp, ... or a number
  std::optional<int> port;
  std::optional<int> sport;
  std::string from;                  // source address; empty: unknown
  std::vector<std::string> to;       // destination addresses (one per family at most)
  std::string iif;
  std::string family;                // ipv4 / ipv6 / "" (from the addresses)
  std::string batch_file;            // TSV: proto<TAB>port<TAB>source[<TAB>iif]
};

int RunProbe(const LoadedInputs& in, const ProbeRequest& req, OutputFormat format, std::ostream& out,
             std::ostream& err);

}  // namespace ghostport::audit
