// The vendor-neutral model every front end lowers into. Plain values, built
// once by a lowering and then read-only; cross references are indices.
//
// A ruleset holds tables; a table holds chains; a chain holds rules. A rule
// matches a packet when the packet lies in one of its cubes (a disjunction of
// products of per-field sets) and every one of its unknown conditions holds.
// netfilter chains are first-match; Windows profiles are "block beats allow"
// (see ChainSemantics).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/address_set.h"
#include "rules/interval_set.h"

namespace ghostport::rules {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when not from a file line
  int column = 0;  // 1-based; 0 when unknown
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// Interface names: exact ("eth0"), or a prefix ("eth" with prefix=true, written
// "eth+" by iptables and "eth*" by nftables).
struct InterfaceName {
  std::string name;
  bool prefix = false;
  friend bool operator==(const InterfaceName&, const InterfaceName&) = default;
};

// The packet's interface is (or, negated, is not) one of `names`.
struct InterfaceMatch {
  std::vector<InterfaceName> names;
  bool negated = false;
  friend bool operator==(const InterfaceMatch&, const InterfaceMatch&) = default;
};

// Connection tracking states, as a bit set. kCtAll means no constraint.
enum CtState : std::uint8_t {
  kCtNew = 1 << 0,
  kCtEstablished = 1 << 1,
  kCtRelated = 1 << 2,
  kCtInvalid = 1 << 3,
  kCtUntracked = 1 << 4,
  kCtAll = 0x1f,
};

// TCP flags as in `--tcp-flags MASK COMP`: matches when (flags & mask) == comp,
// inverted when negated.
struct TcpFlagsMatch {
  std::uint8_t mask = 0;
  std::uint8_t comp = 0;
  bool negated = false;
  friend bool operator==(const TcpFlagsMatch&, const TcpFlagsMatch&) = default;
};
enum TcpFlag : std::uint8_t {
  kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08,
  kTcpAck = 0x10, kTcpUrg = 0x20, kTcpEce = 0x40, kTcpCwr = 0x80,
};

// A product of per-field sets: a packet is in the cube when every field is in
// its set. Sets left at their default impose no constraint.
struct Cube {
  Family family = Family::kIpv4;
  ProtocolSet protocols = ProtocolSet::All();
  PortSet sports = PortSet::All();
  PortSet dports = PortSet::All();
  AddressSet saddr;  // the lowering sets these to All(family) when unconstrained
  AddressSet daddr;
  std::vector<InterfaceMatch> iif;  // all must hold
  std::vector<InterfaceMatch> oif;
  std::uint8_t ct_states = kCtAll;
  std::optional<TcpFlagsMatch> tcp_flags;
  // Matches only non-first fragments (iptables -f).
  bool later_fragments_only = false;

  static Cube Any(Family f);
};

// Something the engine cannot model: an unknown match module, a rate limit,
// a mark set elsewhere. An accept behind one is a conditional opening; a drop
// behind one is assumed not to match.
struct Condition {
  std::string description;  // e.g. "-m recent --rcheck --seconds 60"
  std::string reason;       // e.g. "rate and history matches are not modelled"
  SourceLocation location;
};

enum class VerdictKind : std::uint8_t {
  kAccept,
  kDrop,
  kReject,
  kReturn,
  kJump,      // to `target`, returns here
  kGoto,      // to `target`, does not return
  kContinue,  // a non-terminating target (LOG, NFLOG, counters, comments)
  kUnknown,   // a target the engine cannot model; treated as "may accept"
};

struct Verdict {
  VerdictKind kind = VerdictKind::kContinue;
  int target = -1;           // chain index in the same table for jump/goto
  std::string text;          // as written: "REJECT --reject-with tcp-reset", "LOG"
  std::string reason;        // for kUnknown: why it cannot be modelled
};

struct Rule {
  std::vector<Cube> cubes;  // disjunction; empty means it never matches
  std::vector<Condition> conditions;  // conjunction of unknowns
  Verdict verdict;
  SourceLocation location;
  std::string text;     // the original source text of the rule
  std::string comment;  // user comment, unescaped
};

enum class Hook : std::uint8_t { kPrerouting, kInput, kForward, kOutput, kPostrouting, kIngress };
const char* HookName(Hook h);

enum class ChainSemantics : std::uint8_t {
  kFirstMatch,       // netfilter
  kBlockBeatsAllow,  // Windows Firewall profile: any matching block wins, then any allow
};

struct Chain {
  std::string name;
  std::optional<Hook> hook;  // set for base chains
  int priority = 0;
  // The base chain's policy (accept or drop); for user chains, kReturn.
  VerdictKind policy = VerdictKind::kReturn;
  ChainSemantics semantics = ChainSemantics::kFirstMatch;
  std::vector<Rule> rules;
  SourceLocation location;
  bool IsBase() const { return hook.has_value(); }
};

enum class TableFamily : std::uint8_t { kIp, kIp6, kInet, kArp, kBridge, kNetdev, kWindows };
const char* TableFamilyName(TableFamily f);
bool TableCovers(TableFamily t, Family f);

struct Table {
  std::string name;
  TableFamily family = TableFamily::kIp;
  std::vector<Chain> chains;
  SourceLocation location;
  // False when the table is kept but its effect is not evaluated yet; the
  // reason is reported with every exposure computation.
  bool evaluated = true;
  std::string not_evaluated_reason;
  int FindChain(const std::string& name) const;  // -1 when absent
};

// An input line that was not modelled, and why (a comment, a table the
// engine does not need, a counter line).
struct IgnoredLine {
  SourceLocation location;
  std::string text;
  std::string reason;
};

struct Ruleset {
  std::vector<std::string> inputs;  // file names it was read from
  std::vector<Table> tables;
  std::vector<IgnoredLine> ignored;
};

}  // namespace ghostport::rules
