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
#include "audit/text_escape.h"
#include "parsers/bundle.h"
#include "parsers/diagnostic.h"
#include "parsers/netlink/netlink_live.h"
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
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    err << "error: standard input (-) can be read once: give it as one INPUT only\n";
    return std::nullopt;
  }
  LoadedInputs out;
  bool failed = false;
  std::vector<std::string> texts;
  std::vector<parsers::BundleInput> bundle;
  for (const auto& path : paths) {
    std::optional<std::string> text = ReadAll(path, err);
    if (!text) {
      failed = true;
      continue;
    }
    std::string name = path == "-" ? "<stdin>" : path;
    if (std::all_of(text->begin(), text->end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
      err << name << ":1:1: error: the input is empty: an empty export means the rules could not be read "
          << "(iptables-save and nft list ruleset need root) or there are none; ghostport never reads an empty input as "
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
    out.inputs.push_back({name, *format, static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n')),
                          digest ? Sha256Hex(*text) : std::string(), path == "-" ? "" : ModifiedTime(path)});
    texts.push_back(std::move(*text));
    bundle.push_back({{}, name, *format});
  }
  // The inputs describe one host: one ruleset (ipset dumps resolve the
  // rulesets' -m set matches; see parsers/bundle.h).
  for (std::size_t i = 0; i < bundle.size(); ++i) bundle[i].text = texts[i];
  parsers::ParseResult r = parsers::ParseBundle(bundle);
  for (const auto& d : r.diagnostics) err << parsers::Render(d, EscapeForTerminal);
  failed = failed || r.HasErrors();
  out.ruleset = std::move(r.ruleset);
  if (failed) {
    err << "ghostport: no report: the input has errors\n";
    return std::nullopt;
  }
  return out;
}

std::optional<LoadedInputs> LoadLiveInput(std::ostream& err) {
  parsers::LiveReadResult read = parsers::ReadLiveNft({});
  if (const auto* f = std::get_if<parsers::netlink::DumpFailure>(&read)) {
    err << parsers::kLiveFileName << ": error: cannot read the running kernel's ruleset: " << f->resource << ": "
        << f->reason << "\n";
    return std::nullopt;
  }
  parsers::ParseResult& r = std::get<parsers::ParseResult>(read);
  for (const auto& d : r.diagnostics) err << parsers::Render(d, EscapeForTerminal);
  if (r.HasErrors()) {
    err << "ghostport: no report: the input has errors\n";
    return std::nullopt;
  }
  if (r.ruleset.tables.empty()) {
    // Nothing in nf_tables: nothing filters, or the rules live in
    // iptables-legacy, which this reader cannot see. Never "nothing is open".
    err << parsers::kLiveFileName
        << ": error: the running kernel holds no nftables table: either nothing filters (every port is open) or "
           "the rules are iptables-legacy's, which nf_tables does not show (read them with iptables-save); "
           "ghostport never reads this as \"nothing is open\"\n";
    return std::nullopt;
  }
  LoadedInputs out;
  out.ruleset = std::move(r.ruleset);
  out.ruleset.inputs = {parsers::kLiveFileName};
  out.inputs.push_back({parsers::kLiveFileName, parsers::InputFormat::kNft, 0, "", ""});
  return out;
}

bool SelectProfile(LoadedInputs& in, const std::string& profile, std::ostream& err) {
  std::string wanted;
  for (char c : profile) wanted += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::vector<std::string> profiles = rules::Profiles(in.ruleset);
  if (profiles.empty()) {
    err << "error: --profile selects a Windows Firewall profile; this input has none (it is not a Windows export)\n";
    return false;
  }
  if (std::find(profiles.begin(), profiles.end(), wanted) == profiles.end()) {
    std::string names;
    for (const std::string& p : profiles) names += (names.empty() ? "" : ", ") + p;
    err << "error: --profile " << profile << ": the input's profiles are " << names << "\n";
    return false;
  }
  std::vector<rules::Table> kept;
  for (rules::Table& t : in.ruleset.tables) {
    if (t.profile == wanted) kept.push_back(std::move(t));
  }
  in.ruleset.tables = std::move(kept);
  return true;
}

}  // namespace ghostport::audit
