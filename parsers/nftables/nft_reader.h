// nftables configuration text (what `nft -f` reads: /etc/nftables.conf,
// `nft list ruleset` output) → the syntax tree, with every command applied
// in order as nft applies them: block syntax (`table inet f { chain c {
// ... } }`) and commands (`add/create/insert/replace/delete/destroy/flush`
// of tables, chains, rules, sets, maps, elements; `flush ruleset`),
// `define NAME = value` / `$NAME` (nested; `redefine`, `undefine`),
// `include "file"` (relative to the including file, then the search paths;
// globs; cycles and more than 16 levels refused). `list`, `monitor` and the
// like change nothing: recorded as ignored. What nft would refuse is an
// error with its location.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/nftables/nft_syntax.h"

namespace ghostport::parsers {

struct NftReadOptions {
  std::vector<std::string> include_paths;  // nft -I
};

// Diagnostics carry their source lines (from included files too).
nft::RulesetSyntax ReadNftText(std::string_view text, const std::string& file_name, const NftReadOptions& options,
                               std::vector<Diagnostic>& diagnostics);

}  // namespace ghostport::parsers
