// Walking many boxes as few, for a handshake's SYN-ACK and ACK.
//
// Those walks start from every box the first packet's walk accepted, and the
// boxes differ mostly in which rule accepted them, which the later walks do
// not depend on. Walked one by one, n accepting rules times n boxes is n²
// pieces: a host whose SYN-ACK comes back in over lo through 2,000 accept
// rules would need millions. So boxes alike in everything but their header
// fields (protocol, ports, addresses; not the interfaces) and the first
// walk's decisions are joined into as few cubes as an exact union allows,
// those are walked once, the result's pieces are joined again by outcome, and
// every piece is cut back to each box it came from.
//
// Exact because a walk decides each packet by its own header and its box's
// state, and a cut keeps both: a piece's header fields are a part of its
// cube's (a walk narrows them but never rewrites them, apart from the
// interfaces, which are the same for every box of a group), so a box's share
// of a piece is the box's header met with the piece's. A box with a
// translation is walked on its own: the ACK's walk gives it the connection's
// new destination, and its pieces could not be cut back by header. So is a
// box that carries a trace (probes).
#pragma once

#include <vector>

#include "rules/pipeline.h"

namespace ghostport::rules {

// Walk(compiled, boxes, kind, options, notes), with each result piece holding
// the accepted_by of the box it came from. Which rule of this walk accepted
// a piece is not kept (pieces accepted by different rules are joined): the
// pieces' `walk` is empty. Refusals keep their verdict and decision.
WalkResult WalkMerged(const CompiledRuleset& compiled, std::vector<Box> boxes, PacketKind kind,
                      const WalkOptions& options, EngineNotes& notes);

// Fewer cubes covering exactly the same packets: cubes equal in every field
// but one header field become one, until no two are. Cubes whose interfaces
// differ stay apart. Address sets held as lazy differences are told apart by
// identity, not value (a join missed, never a wrong one).
std::vector<FieldCube> JoinCubes(std::vector<FieldCube> cubes);

}  // namespace ghostport::rules
