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
//
// A packet without such an interface (no output interface on the input
// path) matches as iptables does: only a negated match or the bare wildcard
// "+" holds. nftables' `oifname` never holds without an interface, negated or
// not: its lowering sets `never_absent`.
struct InterfaceMatch {
  std::vector<InterfaceName> names;
  bool negated = false;
  bool never_absent = false;
  friend bool operator==(const InterfaceMatch&, const InterfaceMatch&) = default;
};

// Connection tracking states, as a bit set. kCtAll means no constraint.
// A packet that conntrack has not seen yet (in a chain before conntrack's
// hook, e.g. the raw table) matches as kCtInvalid, as in the kernel.
enum CtState : std::uint8_t {
  kCtNew = 1 << 0,
  kCtEstablished = 1 << 1,
  kCtRelated = 1 << 2,
  kCtInvalid = 1 << 3,
  kCtUntracked = 1 << 4,
  kCtAll = 0x1f,
};

// conntrack's virtual states (`--ctstate SNAT,DNAT`): the connection's
// destination or source was translated.
enum CtNat : std::uint8_t {
  kCtNatSnat = 1 << 0,
  kCtNatDnat = 1 << 1,
};

// Address types (`-m addrtype`, nft `fib daddr type`) as the routing table
// sees an address, as a bit set.
enum AddrType : std::uint16_t {
  kAddrUnspec = 1 << 0,
  kAddrUnicast = 1 << 1,
  kAddrLocal = 1 << 2,
  kAddrBroadcast = 1 << 3,
  kAddrAnycast = 1 << 4,
  kAddrMulticast = 1 << 5,
  kAddrBlackhole = 1 << 6,
  kAddrUnreachable = 1 << 7,
  kAddrProhibit = 1 << 8,
  kAddrThrow = 1 << 9,
  kAddrNat = 1 << 10,
  kAddrXresolve = 1 << 11,
};

// The address is (or, negated, is not) of one of `types`.
struct AddrTypeMatch {
  std::uint16_t types = 0;
  bool negated = false;
  friend bool operator==(const AddrTypeMatch&, const AddrTypeMatch&) = default;
};

// Which packet field a set's key component is matched against.
enum class SetField : std::uint8_t { kSaddr, kDaddr, kSport, kDport, kProtocol, kIif, kOif };

// `-m set --match-set NAME src,dst`, nft `ip saddr @NAME` or
// `ip saddr . tcp dport @NAME`: the packet's fields, read in this order, form
// a key that is (or, negated, is not) an element of the set.
struct SetMatch {
  int set = -1;  // index into Ruleset::sets
  std::vector<SetField> fields;
  bool negated = false;
  friend bool operator==(const SetMatch&, const SetMatch&) = default;
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
  std::uint8_t ct_nat = 0;  // also matches a connection with these translations (`--ctstate DNAT`)
  std::optional<AddrTypeMatch> src_type;
  std::optional<AddrTypeMatch> dst_type;
  std::vector<SetMatch> sets;  // all must hold
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
  // Destination NAT to `nat`: ends the chain as an accept would; the packet
  // goes on with its new destination (to this host or, routed, to another).
  kDnat,
  // DNAT to this host (iptables REDIRECT, nft redirect): `nat.ports` only.
  kRedirect,
  // Source NAT (SNAT, MASQUERADE): ends the chain as an accept would; the
  // source a forwarded packet leaves with does not change what is exposed.
  kSnat,
  // Exempts the packet from connection tracking (NOTRACK, CT --notrack, nft
  // notrack): it goes on as UNTRACKED.
  kNotrack,
};

// Where destination NAT sends a packet. Unset fields keep the packet's own
// value (a DNAT to an address only keeps the port). A range of ports keeps
// the original port when it lies inside it; otherwise netfilter picks one.
struct NatTarget {
  std::optional<AddressSet> addresses;
  std::optional<PortSet> ports;
  friend bool operator==(const NatTarget&, const NatTarget&) = default;
};

struct Verdict {
  VerdictKind kind = VerdictKind::kContinue;
  int target = -1;           // chain index in the same table for jump/goto
  std::string text;          // as written: "REJECT --reject-with tcp-reset", "LOG"
  std::string reason;        // for kUnknown: why it cannot be modelled
  NatTarget nat;             // for kDnat and kRedirect
};

struct Rule {
  std::vector<Cube> cubes;  // disjunction; empty means it never matches
  std::vector<Condition> conditions;  // conjunction of unknowns
  Verdict verdict;
  SourceLocation location;
  std::string text;     // the original source text of the rule
  std::string comment;  // user comment, unescaped
  // A stable identity where the input has one besides its line (an nft
  // handle, a Windows rule id): fingerprints use it so they survive edits.
  std::string id;
  // For kBlockBeatsAllow chains: higher ranks are considered first (Windows:
  // authenticated-bypass allow 2, block 1, allow 0). Unused by first-match.
  int rank = 0;
  // Windows: the program, service or app package the rule is scoped to
  // ("program C:\\Windows\\system32\\svchost.exe, service RpcSs"); empty
  // for any. It is part of what the rule opens, not an unknown: the port
  // is open for that program only.
  std::string application;
};

enum class Hook : std::uint8_t { kPrerouting, kInput, kForward, kOutput, kPostrouting, kIngress };
const char* HookName(Hook h);

enum class ChainSemantics : std::uint8_t {
  kFirstMatch,       // netfilter
  kBlockBeatsAllow,  // Windows Firewall profile: any matching block wins, then any allow
};

// What a base chain is for. nat chains see only the first packet of a
// connection that conntrack tracks (never an untracked or later packet).
enum class ChainType : std::uint8_t { kFilter, kNat, kRoute };

struct Chain {
  std::string name;
  std::optional<Hook> hook;  // set for base chains
  int priority = 0;
  ChainType type = ChainType::kFilter;
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
  // For Windows: the profile (domain, private, public) this table stands
  // for; its exposure is a scope of its own. Empty for netfilter.
  std::string profile;
  // Windows: the profile's firewall is off; its base chains accept every
  // packet (FirewallOffDecision).
  bool firewall_off = false;
  // What the front end assumed for the table where its input says nothing
  // (Windows' default inbound action when an export has no profile
  // settings): reported as approximations with every exposure.
  std::vector<std::string> assumptions;
  int FindChain(const std::string& name) const;  // -1 when absent
};

// An input line that was not modelled, and why (a comment, a table the
// engine does not need, a counter line).
struct IgnoredLine {
  SourceLocation location;
  std::string text;
  std::string reason;
};

// A key component's type, for sets.
enum class SetKeyType : std::uint8_t { kIpv4, kIpv6, kPort, kProtocol, kInterface };

// One element: a value range per key component (an interface component
// holds its name in `name`, its range unused).
struct SetElement {
  struct Component {
    Interval<u128> range{0, 0};
    std::optional<InterfaceName> name;
    friend bool operator==(const Component&, const Component&) = default;
  };
  std::vector<Component> key;
  friend bool operator==(const SetElement&, const SetElement&) = default;
};

// A named set (an ipset, an nft set): typed keys, possibly concatenated.
struct NamedSet {
  std::string name;
  std::string table;  // the nft table it belongs to; empty for ipsets (global)
  std::vector<SetKeyType> key;
  std::vector<SetElement> elements;
  // False when a rule names the set but its contents were not given (an
  // ipset with no `ipset save` dump beside the ruleset): matches are unknown.
  bool contents_known = true;
  // The packet path adds or expires elements (timeouts, SET targets, nft
  // dynset): the contents are a snapshot and matches are conditional.
  bool dynamic = false;
  SourceLocation location;
};

struct Ruleset;

// What the engine cannot know about a rule: its own conditions, and each set
// it matches whose contents were not given or change as packets pass.
std::vector<Condition> UnknownsOf(const Ruleset& ruleset, const Rule& rule);

// A route of the host (`--route`), given beside the ruleset: a forwarded
// packet to an address in `destination` leaves through `interface`, the
// longest prefix first. A forwarded packet no route covers may leave through
// any interface.
struct Route {
  Cidr destination;
  std::string interface;
  friend bool operator==(const Route&, const Route&) = default;
};

struct Ruleset {
  std::vector<std::string> inputs;  // file names it was read from
  std::vector<Table> tables;
  std::vector<NamedSet> sets;
  std::vector<Route> routes;
  std::vector<IgnoredLine> ignored;
  int FindSet(const std::string& table, const std::string& name) const;  // -1 when absent
};

}  // namespace ghostport::rules
