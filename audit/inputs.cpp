#include "audit/inputs.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "audit/clock.h"
#include "audit/sha256.h"
#include "parsers/diagnostic.h"
#include "rules/compiled.h"

#include <sys/stat.h>

#include <ctime>

namespace ghostport::audit {

std::optional<std::string> ReadText(const std::string& path, std::ostream& err) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    err << path << ": error: is a directory, not a file\n";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << path << ": error: cannot read: " << std::strerror(errno) << "\n";
    return std::nullopt;
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

namespace {

// The file's modification time, clamped to SOURCE_DATE_EPOCH when that is set
// (the reproducible-builds convention), so reports can be reproduced.
std::string ModifiedTime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  const std::optional<std::time_t> epoch = SourceDateEpoch();
  return UtcTimestamp(epoch ? std::min<std::time_t>(st.st_mtime, *epoch) : st.st_mtime);
}

std::optional<std::string> ReadAll(const std::string& path, std::ostream& err) {
  std::error_code ec;
  if (path != "-" && std::filesystem::is_directory(path, ec)) {
    err << path << ": error: a directory describes a fleet of hosts; fleets are not supported yet — "
        << "give the host's files instead\n";
    return std::nullopt;
  }
  return ReadText(path, err);
}

// Several inputs describe one host: each must say something (an input
// without a single table is never read as "nothing is open"), and two
// iptables-save files cannot both be the host's ruleset for one family.
bool CheckBundle(const std::string& name, parsers::InputFormat format, const rules::Ruleset& ruleset,
                 const LoadedInputs& so_far, std::ostream& err) {
  if (ruleset.tables.empty()) {
    err << name << ":1:1: error: no firewall table in this input: an empty export means the rules could not be "
        << "read (iptables-save needs root) or there are none; ghostport never reads an empty input as "
        << "\"nothing is open\"\n";
    return false;
  }
  if (format != parsers::InputFormat::kIptables) return true;
  for (rules::Family f : rules::CoveredFamilies(ruleset)) {
    for (std::size_t i = 0; i < so_far.inputs.size(); ++i) {
      if (so_far.inputs[i].format != parsers::InputFormat::kIptables) continue;
      const std::vector<rules::Family> before = so_far.families[i];
      if (std::find(before.begin(), before.end(), f) == before.end()) continue;
      err << name << ":1:1: error: a second iptables ruleset for " << rules::FamilyName(f) << " (the first is "
          << so_far.inputs[i].path << "): one host has one ruleset per family; give iptables-save and "
          << "ip6tables-save output together, and audit other hosts apart\n";
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<LoadedInputs> LoadInputs(const std::vector<std::string>& paths,
                                       const std::string& format_override, std::ostream& err, bool digest) {
  std::optional<parsers::InputFormat> forced;
  if (!format_override.empty()) {
    forced = parsers::InputFormatFromName(format_override);
    if (!forced) {
      err << "error: unknown --input-format '" << format_override << "'\n";
      return std::nullopt;
    }
  }
  LoadedInputs out;
  bool failed = false;
  for (const auto& path : paths) {
    std::optional<std::string> text = ReadAll(path, err);
    if (!text) {
      failed = true;
      continue;
    }
    std::string name = path == "-" ? "<stdin>" : path;
    if (std::all_of(text->begin(), text->end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
      err << name << ":1:1: error: the input is empty: an empty export means the rules could not be read "
          << "(iptables-save needs root) or there are none; ghostport never reads an empty input as "
          << "\"nothing is open\"\n";
      failed = true;
      continue;
    }
    std::optional<parsers::InputFormat> format = forced ? forced : parsers::DetectFormat(*text);
    if (!format) {
      err << name << ":1:1: error: cannot tell what kind of ruleset this is; "
          << "name it with --input-format\n";
      failed = true;
      continue;
    }
    parsers::ParseResult r = parsers::ParseInput(*text, name, *format);
    for (const auto& d : r.diagnostics) err << parsers::Render(d);
    if (r.HasErrors()) {
      failed = true;
      continue;
    }
    if (!CheckBundle(name, *format, r.ruleset, out, err)) {
      failed = true;
      continue;
    }
    out.inputs.push_back({name, *format, static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n')),
                          digest ? Sha256Hex(*text) : std::string(), path == "-" ? "" : ModifiedTime(path)});
    out.families.push_back(rules::CoveredFamilies(r.ruleset));
    out.ruleset.inputs.push_back(name);
    // Sets are indexed per input: shift this input's set references.
    const int set_base = static_cast<int>(out.ruleset.sets.size());
    for (auto& set : r.ruleset.sets) out.ruleset.sets.push_back(std::move(set));
    for (auto& t : r.ruleset.tables) {
      if (set_base > 0) {
        for (auto& c : t.chains) {
          for (auto& rule : c.rules) {
            for (auto& cube : rule.cubes) {
              for (auto& m : cube.sets) m.set += set_base;
            }
          }
        }
      }
      out.ruleset.tables.push_back(std::move(t));
    }
    for (auto& i : r.ruleset.ignored) out.ruleset.ignored.push_back(std::move(i));
  }
  if (failed) {
    err << "ghostport: no report: the input has errors\n";
    return std::nullopt;
  }
  return out;
}

}  // namespace ghostport::audit
