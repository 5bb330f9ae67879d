// ghostport's side of a comparison: `ghostport probe RULESET --batch TSV
// --format json --to ADDR` (and `--input-format nft` for a *.nft file,
// ruleset_kind.h) over the same probes, one JSON object per probe.
//
// Fields read (the engine v2 contract): verdict (the first packet),
// connects, handshake (TCP, when the first packet is accepted), path,
// translated {kind, address, port} (only when NAT rewrote the destination),
// conditional, and file/line of the deciding rule. An engine v1 answer has
// only verdict, file, line and conditional: a run whose answers carry no
// `connects` at all is read as v1 (handshake complete, path input, no
// translation); once one answer carries it, every answer must carry the
// fields that apply to it.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tests/kernel/probes.h"
#include "tests/kernel/process.h"

namespace ghostport::kernel_test {

struct Translation {
  std::string kind;                    // dnat | redirect
  std::optional<std::string> address;  // null: unchanged (dnat) or not said (redirect)
  std::optional<int> port;             // null: unchanged
};

struct Answer {
  std::string verdict;  // accept | drop | reject
  std::optional<bool> connects;
  std::optional<std::string> handshake;  // complete | reply-dropped | reply-rejected | ack-dropped | ack-rejected | retry-rejected
  std::optional<std::string> path;       // input | forward
  std::optional<Translation> translated;
  bool conditional = false;
  std::string file;
  long line = 0;
  std::string decided_by;
  std::string incomplete;  // v2 answers: the fields that should be there and are not
};

struct Answers {
  std::vector<Answer> answers;  // one per probe, in order
  bool v2 = false;              // some answer carries `connects`
};

std::string GhostportBinary();

// Runs ghostport over the probes. Returns the answers, or an error text.
std::variant<Answers, std::string> AskGhostport(const fs::path& ruleset,
                                                const std::vector<Probe>& probes, bool ipv6,
                                                const fs::path& scratch);

// "verdict=accept connects=true handshake=complete path=input translated=dnat 10.77.9.2:80"
std::string Describe(const Answer& answer);

// "file:line: text of that line" for the rule that decided.
std::string DecidingRule(const Answer& answer);

}  // namespace ghostport::kernel_test
