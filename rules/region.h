// Packet regions for the engine: a Box is a product of per-field sets over
// the fields that decide an inbound connection on the input path (protocol,
// ports, addresses, input interface); a region is a list of disjoint boxes.
// Rules are compiled for one address family and one path into FieldCubes:
// what a rule's cube means for the first packet of a new connection (TCP SYN
// or first datagram, conntrack state NEW, no output interface).
#pragma once

#include <vector>

#include "rules/interface_space.h"
#include "rules/model.h"

namespace ghostport::rules {

// Identifies a rule, or with rule == -1 a chain's policy, or with table == -1
// netfilter's implicit accept when no base chain exists on the path.
struct RuleRef {
  int table = -1;
  int chain = -1;
  int rule = -1;
  friend bool operator==(const RuleRef&, const RuleRef&) = default;
  friend auto operator<=>(const RuleRef&, const RuleRef&) = default;
};

struct FieldCube {
  ProtocolSet protocols;
  PortSet sports;
  PortSet dports;
  AddressSet saddr;
  AddressSet daddr;
  AtomSet iif;
};

// Why a box is only possibly in the state the engine gives it.
struct Guard {
  enum Kind : std::uint8_t {
    kAcceptIf,    // an accept whose unknown condition may hold accepted it
    kUnlessDrop,  // a drop whose unknown condition was assumed not to hold
    kJumpIf,      // took a jump whose unknown condition was assumed to hold
    kSkippedJump, // skipped a jump whose unknown condition was assumed not to hold
  };
  Kind kind;
  RuleRef rule;
  friend bool operator==(const Guard&, const Guard&) = default;
  friend auto operator<=>(const Guard&, const Guard&) = default;
};

struct Box {
  FieldCube fields;
  std::vector<Guard> guards;
  std::vector<RuleRef> accepted_by;  // one per base chain that let it through
  bool conditional = false;
};

// The whole packet space of a family.
FieldCube WholeSpace(Family f, const InterfaceSpace& ifaces);

// Compiles a model cube for the input path; empty when it cannot match the
// first packet of a new inbound connection.
std::optional<FieldCube> CompileForInput(const Cube& c, Family f, const InterfaceSpace& ifaces);

bool Intersects(const FieldCube& a, const FieldCube& b);
// a ∩ b; nullopt when empty.
std::optional<FieldCube> Intersect(const FieldCube& a, const FieldCube& b);
// a − b as disjoint cubes (appended to out). Fields whose difference is empty
// add nothing; the big address sets are shared, not copied.
void SubtractInto(FieldCube a, const FieldCube& b, std::vector<FieldCube>& out);

// A single packet, for probes.
struct PacketPoint {
  std::uint8_t protocol = 6;
  std::optional<std::uint16_t> sport;
  std::uint16_t dport = 0;
  std::optional<u128> saddr;  // unknown: rules on it become conditions
  std::optional<u128> daddr;
  size_t iif_atom = 0;
};

enum class PointMatch { kNo, kYes, kUnknownField };
// kUnknownField: the packet leaves a field the cube constrains unspecified.
PointMatch Contains(const FieldCube& c, const PacketPoint& p);

}  // namespace ghostport::rules
