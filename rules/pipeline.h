// The one evaluator: the transition function that carries a region of
// packets along netfilter's path, base chain after base chain, and says what
// becomes of each part. The exposure engine runs it over the whole packet
// space; a probe runs it over one packet. Nothing else walks chains.
//
// A walk follows one kind of packet of a connection:
//   kFirst  the first packet (TCP SYN, first datagram): prerouting (raw,
//           conntrack assigns NEW, mangle, nat: DNAT/REDIRECT), then input,
//           or, for a packet DNAT sent to another host, forward and
//           postrouting.
//   kReply  the SYN-ACK, in the reply's own coordinates (see Mirror): output
//           and postrouting for a connection to this host; prerouting,
//           forward and postrouting for a forwarded one. ESTABLISHED.
//   kAck    the client's ACK: the first packet's path as ESTABLISHED; nat
//           chains are not run, the connection's translation is applied.
//
// Semantics (netfilter): first match within a chain; jump returns, goto does
// not; RETURN and the end of a user chain go back to the caller; a base
// chain's policy applies at its end; base chains on a hook run in priority
// order, accept ends only the chain, drop and reject are final. nat chains see
// only tracked first packets. Windows profiles (kBlockBeatsAllow): ranks
// first, then every block before any allow. Unknown conditions: an accept
// behind one makes a conditional opening; a drop behind one is assumed not to
// match, which makes what gets through conditional; a conditional jump,
// goto, return, NAT or notrack is followed both ways.
#pragma once

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "rules/compiled.h"
#include "rules/region.h"

namespace ghostport::rules {

//   kRejectResponse  the RST or ICMP error a REJECT sends back: output and
//           postrouting, RELATED to a tracked connection, INVALID when what
//           was rejected was untracked or invalid (conntrack finds no
//           connection for it); when these drop it the client sees silence.
//
// Connections over lo are sent by this host: every packet of them passes
// output and postrouting (conntrack and nat act there), then prerouting and
// input on lo (nat chains do not run again).
// kRetry: the client's SYN sent again after its SYN-ACK was lost once
// conntrack had seen it (ESTABLISHED, the connection's translation).
enum class PacketKind : std::uint8_t { kFirst, kReply, kAck, kRejectResponse, kRetry };

// A part of a region that was dropped or rejected, and by what.
struct Refusal {
  Box box;
  VerdictKind verdict = VerdictKind::kDrop;  // kDrop or kReject
  Decision by;
};

struct WalkResult {
  std::vector<Box> accepted;
  std::vector<Refusal> refused;  // only when asked for
};

// What a computation noted: approximations (once each) and errors.
struct EngineNotes {
  std::vector<Approximation> approximations;
  std::vector<EngineError> errors;
  void Note(const SourceLocation& where, std::string what);

 private:
  std::set<std::tuple<std::string, int, std::string>> noted_;
};

struct WalkOptions {
  bool keep_refused = false;  // probes want to know what refused a packet
  bool trace = false;         // probes: record each step in Box::trace
};

// Walks `region` along the path of `kind` (see above). The boxes' `walk`
// holds this walk's decisions afterwards.
WalkResult Walk(const CompiledRuleset& compiled, std::vector<Box> region, PacketKind kind,
                const WalkOptions& options, EngineNotes& notes);

// What the client hears of a REJECT: the RST or ICMP error it sends leaves
// through output and postrouting — and, for a connection over lo, comes back
// in through prerouting and input — where rules may drop it, and then the
// REJECT is silence to the client, as a DROP is. Whether it gets through can
// depend on the refused packets' own fields (the answer's destination port is
// the client's source port), so the refused box is split: each part is one
// whose answer leaves or one whose answer is lost, in the refused box's own
// coordinates (the parts partition it). A part is `conditional` when its
// answer's fate rests on an unknown condition. `deciding` names the rules
// that let answers out or stop them, for probes to explain a split.
struct RejectAnswerPart {
  Box box;
  bool leaves = true;
  bool conditional = false;
};
struct RejectAnswer {
  std::vector<RejectAnswerPart> parts;
  std::vector<RuleRef> deciding;
};
RejectAnswer SplitByRejectAnswer(const CompiledRuleset& compiled, const Refusal& refused, EngineNotes& notes);

// The whole connection: the first packet's walk, then for TCP the SYN-ACK's
// and the ACK's, setting each accepted box's handshake. Refused first
// packets are returned only with keep_refused.
WalkResult WalkConnection(const CompiledRuleset& compiled, std::vector<Box> region, const WalkOptions& options,
                          EngineNotes& notes);

}  // namespace ghostport::rules
