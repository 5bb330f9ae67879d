// The nftables syntax tree: what the text reader (nft_reader.h) and the JSON
// reader (nft_json_reader.h) both build, and the lowering (nft_lowering.h)
// turns into the model. It is nftables-shaped — tables of chains, sets and
// maps; rules as statements over expressions — and holds the ruleset as it
// stands once every command of the input has been applied (`flush ruleset`,
// `add`, `insert`, `delete`, ...), so the lowering never sees commands.
//
// Values stay as written ("ssh", "0x16", "10.0.0.0/8" is a prefix of
// "10.0.0.0" and 8): what a value means depends on what it is compared with,
// which the lowering knows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rules/model.h"

namespace ghostport::parsers::nft {

// An expression: a selector (what a packet carries: `tcp dport`, `meta
// iifname`, `ct state`, `fib daddr type`), a value, or a composite of them.
struct Expr {
  enum class Kind : std::uint8_t {
    kSelector,  // `protocol` and `field`: "tcp" "dport", "meta" "iifname", "ct" "state",
                // "ct" "original saddr", "fib" "daddr type", "fib" "saddr . iif oif",
                // "rt" "type", "socket" "transparent", "payload" "@nh,16,16", ...
    kValue,     // `text`, as written (quoted strings without their quotes: `quoted`)
    kRange,     // items[0]-items[1]
    kPrefix,    // items[0]/`length`
    kSet,       // { items... } (an anonymous set; elements may be kMapping)
    kSetRef,    // @`text`
    kConcat,    // items[0] . items[1] ...
    kBinop,     // items[0] `op` items[1]; op is one of & | ^ << >>
    kMapping,   // items[0] : items[1] (an element of a map or a verdict map)
    kMapLookup, // items[0] map items[1] (`tcp dport map { 80 : 10.0.0.1 }`; items[1] a kSet or kSetRef)
    kVerdict,   // a verdict as a map value: `text` is "accept", "drop", "jump", "goto", ...; `target` for jump/goto
    kList,      // a, b, c without braces (`ct state established,related`)
  };
  Kind kind = Kind::kValue;
  std::string protocol;  // kSelector
  std::string field;     // kSelector
  std::string text;      // kValue, kSetRef, kVerdict
  std::string target;    // kVerdict jump/goto
  std::string op;        // kBinop
  int length = -1;       // kPrefix
  bool quoted = false;   // kValue
  std::vector<Expr> items;
  rules::SourceLocation location;
};

// left op right; op is "==", "!=", "<", ">", "<=", ">=" or "" (implicit: ==,
// or for a set on the right, membership; for a flag list, any flag set).
struct Match {
  Expr left;
  std::string op;
  Expr right;
};

// accept, drop, reject, return, continue, jump, goto, queue.
struct VerdictStmt {
  std::string kind;
  std::string target;  // jump/goto
  std::string text;    // as written, e.g. "reject with tcp reset"
};

// key vmap { k : verdict, ... } or key vmap @name.
struct VmapStmt {
  Expr key;
  Expr map;  // kSet of kMapping (value kVerdict), or kSetRef
};

// dnat, snat, masquerade, redirect.
struct NatStmt {
  std::string kind;
  std::string family;          // "ip", "ip6", or "" (the table's)
  std::optional<Expr> address; // dnat/snat: a value, range, prefix, or kMapLookup (whose value may be addr . port)
  std::optional<Expr> port;    // ":8080" or redirect/masquerade "to :8080-8090"
  std::string text;            // as written
};

// Any other statement: counter, log, limit, quota, meter, notrack, meta/ct
// set, set add/update, dup, fwd, tproxy, synproxy, flow add, ... The
// lowering decides what each does to the packet's fate from `keyword`.
struct OtherStmt {
  std::string keyword;   // "counter", "log", "limit", "notrack", "meta set", "ct set", "set add", ...
  std::string set_name;  // "set add" / "set update" / "meter": the set it changes
  std::string text;      // as written
  // `counter name "c1"`, `quota name "q1"`, `limit name "l1"`: the named
  // object used (its name as a value, located); none when a map chooses it.
  std::optional<Expr> object = {};
};

using Statement = std::variant<Match, VerdictStmt, VmapStmt, NatStmt, OtherStmt>;

struct RuleSyntax {
  std::vector<Statement> statements;
  std::string text;     // the rule as written (text) or rendered (JSON)
  std::string comment;  // `comment "..."`, unescaped
  std::optional<std::uint64_t> handle;
  rules::SourceLocation location;
};

struct ChainSyntax {
  std::string name;
  // Base chains: `type filter hook input priority 0; policy drop;`.
  std::optional<std::string> type;
  std::optional<std::string> hook;
  std::optional<std::string> priority;  // as written: "0", "-150", "filter", "filter + 10", "dstnat - 5"
  std::optional<std::string> policy;
  std::optional<std::string> device;    // ingress/egress: `device eth0`
  std::vector<RuleSyntax> rules;
  std::optional<std::uint64_t> handle;
  rules::SourceLocation location;
  rules::SourceLocation policy_location;
};

// A named set or map.
struct SetSyntax {
  std::string name;
  bool is_map = false;
  // `type ipv4_addr . inet_service` as its components; for maps the key's.
  std::vector<std::string> key_types;
  // `typeof ip saddr . tcp dport`: the key as selectors (key_types empty).
  std::vector<Expr> key_typeof;
  std::string value_type;  // maps: "verdict", "ipv4_addr", "ipv4_addr . inet_service", ...
  std::vector<std::string> flags;  // interval, timeout, dynamic, constant
  bool timeout = false;            // `timeout 1h` given (elements expire)
  std::vector<Expr> elements;      // values, ranges, prefixes, concats; kMapping for maps
  rules::SourceLocation location;
  std::optional<std::uint64_t> handle;  // as listed (JSON "handle"; text `# handle 4` with -a)
};

// Flowtables and stateful objects (counter, quota, limit, ct helper, ct
// timeout, ct expectation, synproxy, secmark): read, and recorded as read.
struct ObjectSyntax {
  std::string kind;  // "flowtable", "counter", "quota", "limit", "ct helper", ...
  std::string name;
  rules::SourceLocation location;
};

struct TableSyntax {
  std::string family;  // ip, ip6, inet, arp, bridge, netdev
  std::string name;
  std::vector<ChainSyntax> chains;
  std::vector<SetSyntax> sets;
  std::vector<ObjectSyntax> objects;
  std::optional<std::uint64_t> handle;
  rules::SourceLocation location;
  std::vector<std::string> flags;  // `flags dormant`: the table is switched off
};

struct RulesetSyntax {
  std::vector<TableSyntax> tables;
  std::vector<rules::IgnoredLine> ignored;  // read but not modelled, with the reason
};

// nft's rendering of an expression and a statement, for the text of a rule
// read from JSON and for descriptions of what the engine cannot model.
std::string Render(const Expr& e);
std::string Render(const Statement& s);

}  // namespace ghostport::parsers::nft
