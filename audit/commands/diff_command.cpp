#include "audit/commands/diff_command.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <map>
#include <set>

#include "audit/clock.h"
#include "audit/commands/exposure_diff.h"
#include "audit/engine_errors.h"
#include "audit/inputs.h"
#include "audit/policy.h"
#include "audit/reports/finding_json.h"
#include "audit/reports/finding_text.h"
#include "audit/reports/json_output.h"
#include "audit/reports/report.h"
#include "audit/reports/report_file.h"
#include "audit/source_render.h"
#include "audit/text_escape.h"
#include "rules/exposure_entries.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

// One side of the change, loaded and judged.
struct Side {
  LoadedInputs inputs;
  rules::Exposure exposure;
  std::vector<rules::ExposureEntry> entries;
  FindingsReport findings;
};

std::optional<Side> Load(const std::string& path, bool live, const DiffOptions& options, const Policy* policy,
                         std::ostream& err) {
  std::optional<LoadedInputs> loaded =
      live ? LoadLiveInput(err) : LoadInputs({path}, options.input_format, err, /*digest=*/true);
  if (!loaded) return std::nullopt;
  Side side{std::move(*loaded), {}, {}, {}};
  side.exposure = rules::ComputeExposure(side.inputs.ruleset);
  if (ReportEngineErrors(side.exposure.errors, err, "no diff")) return std::nullopt;
  side.entries = rules::ListEntries(side.exposure);
  side.findings = ComputeFindings(side.inputs.ruleset, side.exposure, side.entries, policy, Today());
  return side;
}

// What identifies a finding across the two sides: its fingerprint for a
// change; for drift what it says, since the sides name rules differently.
std::string Identity(const Finding& f, DiffMode mode) {
  if (mode == DiffMode::kChange) return f.fingerprint;
  std::string id = std::string(FindingClassName(f.klass)) + "|" + f.proto + "|" + std::to_string(static_cast<int>(f.scope)) + "|";
  for (const auto& [a, b] : f.ports) id += std::to_string(a) + "-" + std::to_string(b) + ",";
  return id;
}

// Findings of `a` that `b` does not have.
std::vector<const Finding*> Missing(const FindingsReport& a, const FindingsReport& b, DiffMode mode) {
  std::set<std::string> in_b;
  for (const Finding& f : b.findings) in_b.insert(Identity(f, mode));
  std::vector<const Finding*> out;
  for (const Finding& f : a.findings) {
    if (!in_b.count(Identity(f, mode))) out.push_back(&f);
  }
  return out;
}

// A finding the change brought whose rule was there before with fewer
// ports of that class: the rule was widened. Its note says which ports
// are new; a "widening" that adds no port of the class is no new finding
// at all (the rule's other classes changed), and the earlier finding is
// not resolved either: both leave the lists.
using Notes = std::map<const Finding*, std::string>;

rules::PortSet PortsOf(const Finding& f) {
  rules::PortSet out;
  for (const auto& [a, b] : f.ports) out = out.Union(rules::PortSet::Range(a, b));
  return out;
}

Notes Widenings(std::vector<const Finding*>& introduced, std::vector<const Finding*>& resolved) {
  Notes notes;
  std::vector<const Finding*> kept_introduced;
  std::set<const Finding*> continued;
  for (const Finding* f : introduced) {
    const Finding* before = nullptr;
    for (const Finding* g : resolved) {
      if (continued.count(g) != 0 || g->klass != f->klass || g->proto != f->proto || g->scope != f->scope ||
          g->chain != f->chain || g->profile != f->profile) {
        continue;
      }
      if (PortsOf(*g).Subtract(PortsOf(*f)).empty()) {
        before = g;
        break;
      }
    }
    if (before == nullptr) {
      kept_introduced.push_back(f);
      continue;
    }
    continued.insert(before);
    const rules::PortSet added = PortsOf(*f).Subtract(PortsOf(*before));
    if (added.empty()) continue;
    notes[f] = "the rule was widened: " + std::to_string(before->port_count) + " of these " +
               std::to_string(f->port_count) + " ports were open before the change; new: " +
               rules::FormatPortSet(added);
    kept_introduced.push_back(f);
  }
  introduced = std::move(kept_introduced);
  std::erase_if(resolved, [&](const Finding* g) { return continued.count(g) != 0; });
  return notes;
}

// The words each mode uses.
struct Words {
  const char* command;
  const char* opened;    // text headings
  const char* closed;
  const char* introduced;
  const char* resolved;
};

const Words& WordsFor(DiffMode mode) {
  static const Words kChange{"diff", "opens", "closes", "findings introduced", "findings resolved"};
  static const Words kDrift{"drift", "open only in the second", "open only in the first",
                            "findings only in the second", "findings only in the first"};
  return mode == DiffMode::kChange ? kChange : kDrift;
}

// " (public profile)" for a Windows change; nothing for netfilter.
std::string ProfileText(const ExposureChange& c) {
  return c.profile.empty() ? std::string() : " (" + c.profile + " profile)";
}

std::string PortsText(const ExposureChange& c) {
  if (c.proto.rfind("other", 0) == 0) return c.proto;
  return c.proto + " " + PortRangeText(c.from, c.to);
}

// Interfaces worth naming: not "any" and not just "anything but loopback".
bool NamedInterfaces(const std::string& interfaces) { return interfaces != "any" && interfaces != "!lo"; }

struct Tally {
  std::size_t by_severity[5] = {};
  bool failed = false;
};

Tally Count(const std::vector<const Finding*>& findings, const std::optional<Severity>& fail_on) {
  Tally t;
  for (const Finding* f : findings) {
    if (!f->Waived()) ++t.by_severity[static_cast<int>(f->severity)];
    t.failed = t.failed || FailsRun(*f, fail_on);
  }
  return t;
}

std::string TallyText(const Tally& t) {
  const std::string text = SeverityTallyText(t.by_severity);
  return text.empty() ? "" : " (" + text + ")";
}

void WriteText(const DiffOptions& o, const ExposureDiff& diff, const std::vector<const Finding*>& introduced,
               const std::vector<const Finding*>& resolved, const Notes& notes, const Tally& tally,
               const std::string& policy_file, std::ostream& out) {
  SourceRenderer sources;
  const Words& w = WordsFor(o.mode);
  out << "ghostport " << w.command << " " << EscapeForTerminal(o.before) << " -> "
      << EscapeForTerminal(o.after_live ? std::string("the running kernel (--live)") : o.after) << "\n";
  out << w.opened << " (" << diff.opened.size() << "):\n";
  for (const ExposureChange& c : diff.opened) {
    out << "  + " << rules::FamilyName(c.family) << ProfileText(c) << " " << PortsText(c) << " from "
        << sources.Render(c.sources).summary << (NamedInterfaces(c.interfaces) ? " on " + EscapeForTerminal(c.interfaces) : "")
        << "\n";
  }
  out << w.closed << " (" << diff.closed.size() << "):\n";
  for (const ExposureChange& c : diff.closed) {
    out << "  - " << rules::FamilyName(c.family) << ProfileText(c) << " " << PortsText(c) << " from "
        << sources.Render(c.sources).summary << (NamedInterfaces(c.interfaces) ? " on " + EscapeForTerminal(c.interfaces) : "")
        << "\n";
  }
  out << w.introduced << " (" << introduced.size() << "):\n";
  for (const Finding* f : introduced) {
    WriteFindingText(*f, policy_file, o.colour, out);
    if (const auto note = notes.find(f); note != notes.end()) out << "  note: " << note->second << "\n";
  }
  out << w.resolved << " (" << resolved.size() << "):\n";
  for (const Finding* f : resolved) WriteFindingText(*f, policy_file, o.colour, out);
  out << diff.opened.size() << (o.mode == DiffMode::kDrift ? " opening(s) only in the second, " : " opening(s) added, ")
      << diff.closed.size() << (o.mode == DiffMode::kDrift ? " only in the first; " : " removed; ") << introduced.size()
      << (o.mode == DiffMode::kDrift ? " finding(s) only in the second" : " finding(s) introduced") << TallyText(tally)
      << ", " << resolved.size() << (o.mode == DiffMode::kDrift ? " only in the first" : " resolved") << "; fail-on "
      << (o.fail_on ? SeverityName(*o.fail_on) : "never") << (tally.failed ? ": FAILED" : ": passed") << "\n";
}

ordered_json ChangesJson(const std::vector<ExposureChange>& changes, SourceRenderer& sources) {
  ordered_json list = ordered_json::array();
  for (const ExposureChange& c : changes) {
    ordered_json j;
    j["family"] = rules::FamilyName(c.family);
    if (!c.profile.empty()) j["profile"] = c.profile;
    j["proto"] = c.proto;
    j["from"] = c.from;
    j["to"] = c.to;
    PutAddressJson(j, sources.Render(c.sources), "sources", "except_sources", "except_set");
    j["interfaces"] = c.interface_list;
    list.push_back(std::move(j));
  }
  return list;
}

ordered_json InputsJson(const Side& side) {
  ordered_json inputs = ordered_json::array();
  for (const auto& i : side.inputs.inputs) {
    inputs.push_back({{"path", i.path}, {"format", parsers::InputFormatName(i.format)}, {"sha256", i.sha256}});
  }
  return inputs;
}

void WriteJson(const DiffOptions& o, const Side& before, const Side& after, const ExposureDiff& diff,
               const std::vector<const Finding*>& introduced, const std::vector<const Finding*>& resolved,
               const Notes& notes, const Tally& tally, const std::string& policy_file, std::ostream& out) {
  SourceRenderer sources;
  ordered_json doc;
  doc["tool"] = {{"name", "ghostport"}, {"version", GHOSTPORT_VERSION}};
  doc["command"] = WordsFor(o.mode).command;
  doc["before"] = InputsJson(before);
  doc["after"] = InputsJson(after);
  doc["opened"] = ChangesJson(diff.opened, sources);
  doc["closed"] = ChangesJson(diff.closed, sources);
  ordered_json in = ordered_json::array();
  for (const Finding* f : introduced) {
    ordered_json j = FindingJson(*f, sources, policy_file);
    if (const auto note = notes.find(f); note != notes.end()) j["widened"] = note->second;
    in.push_back(std::move(j));
  }
  ordered_json res = ordered_json::array();
  for (const Finding* f : resolved) res.push_back(FindingJson(*f, sources, policy_file));
  doc["introduced"] = std::move(in);
  doc["resolved"] = std::move(res);
  doc["address_sets"] = NamedSetsJson(sources);
  ordered_json by_severity;
  for (int s = 4; s >= 0; --s) by_severity[SeverityName(static_cast<Severity>(s))] = tally.by_severity[s];
  doc["summary"] = {{"opened", diff.opened.size()},
                    {"closed", diff.closed.size()},
                    {"introduced", introduced.size()},
                    {"introduced_by_severity", std::move(by_severity)},
                    {"resolved", resolved.size()},
                    {"fail_on", o.fail_on ? SeverityName(*o.fail_on) : "never"},
                    {"failed", tally.failed}};
  out << JsonText(doc, 2) << "\n";
}

void WriteMarkdown(const DiffOptions& o, const ExposureDiff& diff, const std::vector<const Finding*>& introduced,
                   const std::vector<const Finding*>& resolved, const Notes& notes, const Tally& tally,
                   std::ostream& out) {
  SourceRenderer sources;
  const bool drift = o.mode == DiffMode::kDrift;
  out << "### ghostport " << WordsFor(o.mode).command << ": " << (tally.failed ? "❌ " : "✅ ") << diff.opened.size()
      << (drift ? " opening(s) only in the second, " : " opening(s) added, ") << diff.closed.size()
      << (drift ? " only in the first; " : " removed; ") << introduced.size()
      << (drift ? " finding(s) only in the second" : " finding(s) introduced") << TallyText(tally) << ", "
      << resolved.size() << (drift ? " only in the first\n\n" : " resolved\n\n");
  out << EscapeForMarkdown(o.before) << " → " << EscapeForMarkdown(o.after) << ", fail-on "
      << (o.fail_on ? SeverityName(*o.fail_on) : "never") << "\n\n";
  auto changes = [&](const char* title, const char* sign, const std::vector<ExposureChange>& list) {
    if (list.empty()) return;
    out << "#### " << title << "\n\n| | family | ports | from | interfaces |\n|---|---|---|---|---|\n";
    for (const ExposureChange& c : list) {
      out << "| " << sign << " | " << rules::FamilyName(c.family) << ProfileText(c) << " | " << EscapeForMarkdown(PortsText(c)) << " | "
          << EscapeForMarkdown(sources.Render(c.sources).summary) << " | "
          << (NamedInterfaces(c.interfaces) ? EscapeForMarkdown(c.interfaces) : "any") << " |\n";
    }
    out << "\n";
  };
  changes(drift ? "Open only in the second" : "Opened", "+", diff.opened);
  changes(drift ? "Open only in the first" : "Closed", "−", diff.closed);
  auto findings = [&](const char* title, const std::vector<const Finding*>& list) {
    if (list.empty()) return;
    out << "#### " << title << "\n\n| severity | class | location | message |\n|---|---|---|---|\n";
    for (const Finding* f : list) {
      out << "| " << SeverityName(f->severity) << (f->Waived() ? " (waived)" : "") << " | "
          << FindingClassName(f->klass) << " | " << EscapeForMarkdown(f->location.file) << ":" << f->location.line
          << " | " << EscapeForMarkdown(f->message);
      if (const auto note = notes.find(f); note != notes.end()) out << " — " << EscapeForMarkdown(note->second);
      out << " |\n";
    }
    out << "\n";
  };
  findings(drift ? "Findings only in the second" : "Findings introduced", introduced);
  findings(drift ? "Findings only in the first" : "Findings resolved", resolved);
}

}  // namespace

int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<Policy> policy;
  if (!options.policy_file.empty()) {
    policy = ReadPolicy(options.policy_file, err);
    if (!policy) return 2;
  }
  const Policy* p = policy ? &*policy : nullptr;
  std::optional<Side> before = Load(options.before, false, options, p, err);
  std::optional<Side> after = Load(options.after, options.after_live, options, p, err);
  if (!before || !after) return 2;

  const ExposureDiff diff = DiffExposures(before->exposure, before->entries, after->exposure, after->entries);
  std::vector<const Finding*> introduced = Missing(after->findings, before->findings, options.mode);
  std::vector<const Finding*> resolved = Missing(before->findings, after->findings, options.mode);
  const Notes notes = options.mode == DiffMode::kChange ? Widenings(introduced, resolved) : Notes{};
  const Tally tally = Count(introduced, options.fail_on);
  const std::string policy_file = policy ? policy->file : "";

  auto write = [&](std::ostream& sink) {
    switch (options.format) {
      case DiffFormat::kText: WriteText(options, diff, introduced, resolved, notes, tally, policy_file, sink); break;
      case DiffFormat::kJson:
        WriteJson(options, *before, *after, diff, introduced, resolved, notes, tally, policy_file, sink);
        break;
      case DiffFormat::kMarkdown: WriteMarkdown(options, diff, introduced, resolved, notes, tally, sink); break;
    }
  };
  if (!options.output_file.empty() && options.output_file != "-") {
    if (!WriteReportFile(options.output_file, write, err)) return 2;
  } else {
    write(out);
    if (!out) {
      err << "error: cannot write the report: " << std::strerror(errno) << "\n";
      return 2;
    }
  }
  return tally.failed ? 1 : 0;
}

}  // namespace ghostport::audit
