// Reading the command line's inputs: files or "-", format detection or
// --input-format, front-end dispatch, and merging several files that
// describe one host into one ruleset.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "parsers/input_format.h"
#include "rules/model.h"

namespace ghostport::audit {

struct InputInfo {
  std::string path;  // as given; "-" is shown as "<stdin>"
  parsers::InputFormat format = parsers::InputFormat::kIptables;
  std::size_t lines = 0;
  std::string sha256;    // of the bytes read (only when asked for: reports that name their inputs)
  std::string modified;  // file modification time, UTC ISO 8601; empty for stdin
};

struct LoadedInputs {
  rules::Ruleset ruleset;
  std::vector<InputInfo> inputs;
};

// The whole text of a file, or of standard input for "-". On failure prints
// `path: error: ...` to `err` and returns nullopt.
std::optional<std::string> ReadText(const std::string& path, std::ostream& err);

// Reads and merges every input. On any error, prints the diagnostics to `err`
// and returns nullopt: the caller exits 2 and prints no report.
std::optional<LoadedInputs> LoadInputs(const std::vector<std::string>& paths,
                                       const std::string& format_override, std::ostream& err,
                                       bool digest = false);

// `--profile NAME`: keeps only the tables of that Windows profile (domain,
// private, public; case-insensitive). False, with the reason on `err`,
// when the input has no Windows profiles or not that one.
bool SelectProfile(LoadedInputs& in, const std::string& profile, std::ostream& err);

// The running kernel's nftables ruleset (parsers/netlink), as one input
// named "<live>". On a failure to read it (no CAP_NET_ADMIN, no nf_tables)
// or errors in it, prints them to `err` and returns nullopt (exit 2).
std::optional<LoadedInputs> LoadLiveInput(std::ostream& err);

}  // namespace ghostport::audit
