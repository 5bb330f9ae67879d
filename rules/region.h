// Packet regions for the engine. A FieldCube is a product of per-field sets
// over the fields rules cut (protocol, ports, addresses, input and output
// interface); a Box is a FieldCube of packets that are alike in everything
// else the path depends on (conntrack state, translation, path), with what
// has happened to them so far. A region is a list of disjoint boxes.
//
// Matches that depend on a packet's state rather than its header (conntrack
// state, TCP flags, address types) are a MetaMatch: the same for every packet
// of a box, so they take or leave a box whole (address types may narrow the
// interfaces, see pipeline.cpp).
#pragma once

#include <optional>
#include <vector>

#include "rules/decision.h"
#include "rules/interface_space.h"
#include "rules/model.h"

namespace ghostport::rules {

struct FieldCube {
  ProtocolSet protocols;
  PortSet sports;
  PortSet dports;
  AddressSet saddr;
  AddressSet daddr;
  AtomSet iif;
  AtomSet oif;
};

// The same packets but for where they leave: boxes a route alone tells apart.
bool SameButOutInterface(const FieldCube& a, const FieldCube& b);

struct MetaMatch {
  std::uint8_t ct_states = kCtAll;
  std::uint8_t ct_nat = 0;
  std::optional<TcpFlagsMatch> tcp_flags;
  std::optional<AddrTypeMatch> src_type;
  std::optional<AddrTypeMatch> dst_type;
  bool Trivial() const {
    return ct_states == kCtAll && ct_nat == 0 && !tcp_flags && !src_type && !dst_type;
  }
};

// Why a box is only possibly in the state the engine gives it.
struct Guard {
  enum Kind : std::uint8_t {
    kAcceptIf,     // an accept whose unknown condition may hold accepted it
    kUnlessDrop,   // a drop whose unknown condition was assumed not to hold
    kJumpIf,       // took a jump whose unknown condition was assumed to hold
    kSkippedJump,  // skipped a jump whose unknown condition was assumed not to hold
  };
  Kind kind;
  RuleRef rule;
  friend bool operator==(const Guard&, const Guard&) = default;
  friend auto operator<=>(const Guard&, const Guard&) = default;
};

// Destination NAT applied to a box: the original destination, kept for
// reports (exposure is keyed by the port the client connects to), and what
// it became (the box's fields hold the new destination).
struct Translation {
  VerdictKind kind = VerdictKind::kDnat;  // kDnat or kRedirect
  RuleRef rule;
  AddressSet original_daddr;
  std::optional<PortSet> original_dports;  // set when the port was rewritten
  std::optional<AddressSet> to_address;    // unset: the host itself (redirect) or unchanged
  std::optional<PortSet> to_ports;         // unset: the port is kept
  friend bool operator==(const Translation&, const Translation&) = default;
};

// How a TCP connection's handshake ends once its SYN got in.
enum class Handshake : std::uint8_t {
  kNotApplicable,  // not TCP, or the SYN did not get in
  kComplete,
  kReplyDropped,   // the SYN-ACK is dropped on its way out
  kReplyRejected,
  kAckDropped,     // the client's ACK (ESTABLISHED) is dropped
  kAckRejected,
  // The SYN-ACK is lost after conntrack saw it, and the client's retried
  // SYN (ESTABLISHED now) is rejected: the client is refused.
  kRetryRejected,
};
const char* HandshakeName(Handshake h);

// A base chain's decision on a packet's way, with the hook it sits on.
struct HookDecision {
  Hook hook = Hook::kInput;
  Decision decision;
  friend bool operator==(const HookDecision&, const HookDecision&) = default;
  friend auto operator<=>(const HookDecision&, const HookDecision&) = default;
};

// For probes: what happened to the packet, step by step.
struct TraceStep {
  Decision at;
  std::string event;  // "jump", "return", "accept", "condition assumed false", ...
};

struct Box {
  FieldCube fields;
  std::uint8_t ct = kCtInvalid;  // conntrack state as chains see it now (one bit)
  bool forward = false;          // routed on to another host after DNAT
  bool dst_local = true;         // the destination is one of this host's addresses
  bool untracked_flow = false;   // its first packet was exempted from conntrack
  // The SYN-ACK of a tracked connection was exempted from conntrack
  // (NOTRACK): conntrack never saw it, so the client's ACK is INVALID, and a
  // translated connection's reply leaves untranslated.
  bool reply_unseen = false;
  bool sent_locally = false;     // a connection this host makes (over lo, or DNATed away in output)
  std::uint8_t nat_done = 0;     // nat chains already decided (1 destination, 2 source)
  std::optional<Translation> nat;
  std::vector<Guard> guards;
  // The first packet's way: every base chain's decision that let it through.
  std::vector<HookDecision> accepted_by;
  // The current walk's decisions (the reply's or the ACK's, for handshakes).
  std::vector<HookDecision> walk;
  bool conditional = false;
  Handshake handshake = Handshake::kNotApplicable;
  std::optional<Decision> handshake_blocked_by;  // for a handshake that cannot complete
  std::vector<TraceStep> trace;                   // filled for probes only
  // Which box of a merged walk a piece belongs to (merged_walk.h); 0 otherwise.
  std::uint32_t origin = 0;
};

// The decision that opened a box: its destination NAT rule for a port
// forward or redirect, otherwise the last decision on the input (or forward)
// hook — the host's filter — or, failing both, the last decision at all.
Decision Opening(const Box& b);

// Every packet of a family arriving on some interface: no output interface
// yet (the input path); oif is the "none" atom.
FieldCube WholeSpace(Family f, const InterfaceSpace& ifaces);

bool Intersects(const FieldCube& a, const FieldCube& b);
// a ∩ b; nullopt when empty.
std::optional<FieldCube> Intersect(const FieldCube& a, const FieldCube& b);
// a − b as disjoint cubes (appended to out). Fields whose difference is empty
// add nothing; the big address sets are shared, not copied.
void SubtractInto(FieldCube a, const FieldCube& b, std::vector<FieldCube>& out);
bool IsEmpty(const FieldCube& c);

// The reply's view of a box: source and destination swapped, and the reply
// leaves through the interface the request came in on (symmetric routing).
// Applying it twice gives the box back.
FieldCube Mirror(const FieldCube& c);

}  // namespace ghostport::rules
