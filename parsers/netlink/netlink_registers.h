// The register machine the delinearisation (netlink_expressions.cpp) runs a
// kernel rule's expressions on: what each register holds, and what a
// comparison, lookup or statement on it becomes. Registers are 4-byte words
// (NFT_REG_1..4 name words 0, 4, 8, 12; NFT_REG32_00..15 words 0-15); a
// value longer than a word also marks the words after it as its own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parsers/netlink/netlink_expressions.h"
#include "parsers/netlink/netlink_selectors.h"
#include "parsers/netlink/netlink_values.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::netlink {

// What a register holds.
struct Register {
  std::optional<Loaded> loaded;  // a load, possibly masked
  std::optional<Bytes> mask;     // bitwise: (loaded & mask) ^ xor
  std::optional<Bytes> xor_bits;
  std::optional<Bytes> data;     // immediate data
  std::optional<nft::Expr> value;  // a map lookup's result (`ip daddr map @ports`)
  bool continued = false;        // the later words of a multi-register value
};

// The first word of a register (NFT_REG_*, NFT_REG32_*), and how many words
// `length` bytes take.
int WordOf(std::uint32_t reg);
int Words(std::uint32_t length);

// `data` compared with what `l` loaded, as its kind reads (in host order
// again after a `byteorder hton`).
nft::Expr ReadAs(const Loaded& l, const Bytes& data);

// left OP right (`&`, `^`, `<<`, `>>`).
nft::Expr Binop(std::string op, nft::Expr left, nft::Expr right);

class Machine {
 public:
  explicit Machine(const RuleContext& ctx);

  // A load into `reg`; any register contents into `reg`, over `length` bytes.
  void Load(std::uint32_t reg, Loaded l);
  void Set(std::uint32_t reg, Register r, std::uint32_t length);
  const Register* Get(std::uint32_t reg) const;
  // The selectors loaded from `reg` on, to cover `length` bytes (a
  // concatenation: one per field); empty when a word holds no load.
  std::vector<Loaded> Key(std::uint32_t reg, std::uint32_t length) const;

  // Statements: an explicit unknown; any OtherStmt.
  void Unknown(const std::string& what);
  void Other(std::string keyword, std::string text, std::string set = "");
  // A comparison of a register with `data` (op "==", "!=", "<", ...) as a
  // Match; an `==` also establishes protocols for later payload loads.
  void Compare(const Register& r, const std::string& op, const Bytes& data);
  // A named set by reference; an anonymous one as its elements, read as the
  // key reads.
  nft::Expr SetExpr(const std::string& name, const std::vector<Loaded>& key);
  static nft::Expr KeyExpr(const std::vector<Loaded>& key);

  std::vector<nft::Statement> statements;
  PayloadContext payload_;
  const RuleContext& ctx_;

 private:
  void Depend(const Loaded& l, const Bytes& data);

  std::map<int, Register> regs_;
};

}  // namespace ghostport::parsers::netlink
