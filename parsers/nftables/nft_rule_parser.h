// One rule's tokens as statements: matches (`tcp dport { 22, 80 }`),
// verdicts, verdict maps, NAT and everything else (counter, log, limit,
// meta set, ...). The grammar is nft's: a selector names its protocol and
// field (a table of the selectors nft knows, with how many words each
// takes), then an optional operator and a value; a statement keyword
// starts anything else. A keyword the table does not know keeps the rest of
// the rule as one OtherStmt ("unknown") with a warning: the lowering makes
// it an explicit unknown, never a silent drop.
#pragma once

#include <string>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_lexer.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers::nft {

struct RuleTokens {
  const std::vector<Token>* tokens = nullptr;
  std::size_t begin = 0;  // first token of the rule
  std::size_t end = 0;    // one past the last
};

// `jump { ... }` / `goto { ... }`: an anonymous chain, its rules between
// the braces at tokens [begin, end) (begin is the "{"); the caller makes the
// chain and sets the target of statement `statement`.
struct InlineChain {
  std::size_t statement = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The statements of the rule; `comment` receives its `comment "..."`.
// Errors (what nft refuses to parse) go to `diagnostics`, with
// `source_line` left for the caller to fill.
std::vector<Statement> ParseRuleStatements(const RuleTokens& rule, std::string& comment,
                                           std::vector<Diagnostic>& diagnostics,
                                           std::vector<InlineChain>* inline_chains = nullptr);

// A value expression starting at tokens[pos] (a word, string, set, list,
// concatenation), as set elements and map values are written; `pos` moves
// past it. For the reader's `elements = { ... }`.
Expr ParseValueAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end,
                  std::vector<Diagnostic>& diagnostics);

// The elements of a `{ ... }` starting at tokens[pos] (which is "{"); `pos`
// moves past the closing brace.
std::vector<Expr> ParseElementsAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end,
                                  std::vector<Diagnostic>& diagnostics);

// A selector expression (`ip saddr`, `meta l4proto`, `ip saddr . tcp
// dport`) starting at tokens[pos]; for `typeof`. nullopt when the word there
// starts no selector.
std::optional<Expr> ParseSelectorAt(const std::vector<Token>& tokens, std::size_t& pos, std::size_t end);

}  // namespace ghostport::parsers::nft
