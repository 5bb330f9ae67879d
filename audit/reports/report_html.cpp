// `audit --format html`: one self-contained HTML5 compliance report. Inline
// CSS, no scripts, nothing fetched (a Content-Security-Policy that forbids
// every fetch says so to the browser too). Sections: summary, the picture of
// the port space, every opening with its catalog identity and justification,
// findings, waivers, the policy, inputs, approximations, address sets. Every
// string from an input, the policy or the command line is escaped.
#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <set>

#include "audit/reports/report.h"
#include "audit/reports/report_html.h"
#include "audit/source_render.h"
#include "audit/text_escape.h"
#include "catalog/lifecycle.h"
#include "rules/compiled.h"
#include "rules/protocols.h"

namespace ghostport::audit {

namespace html {

std::string Escape(std::string_view s) { return EscapeForHtml(s); }

// A rule's text that wraps between its tokens, never inside `--dport` or
// `ACCEPT`; a token too long for a line (a long comment) may still break.
std::string RuleCode(std::string_view text) {
  std::string out = "<code class=\"rule\">";
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view token = text.substr(at, end - at);
    if (at > 0) out += ' ';
    if (!token.empty() && token.size() <= 40) {
      out += "<span class=\"tok\">" + Escape(token) + "</span>";
    } else {
      out += Escape(token);
    }
    at = end + 1;
  }
  return out + "</code>";
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace html

namespace {

using catalog::Lifecycle;
using catalog::Transport;
using html::Escape;
using html::RuleCode;
using html::Plural;
using rules::ExposureEntry;

constexpr const char* kStyle = R"css(
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --panel: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header.top { background: #102a43; color: #f0f4f8; padding: 18px 28px 12px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
header.top p { margin: 0; color: #bcccdc; }
nav { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #9fb3c8; text-decoration: none; }
nav a:hover { color: #fff; text-decoration: underline; }
main { padding: 8px 28px 40px; max-width: 1500px; }
section { margin-top: 26px; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 0 0 6px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: var(--panel); border: 1px solid var(--line); border-radius: 3px; padding: 0 3px; white-space: pre-wrap; word-break: break-all; }
code.rule { word-break: normal; overflow-wrap: anywhere; }
code.rule .tok { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
ul.plain { margin: 0; padding-left: 18px; }
.verdict { display: inline-block; padding: 8px 16px; border-radius: 6px; font-weight: 700; font-size: 16px; margin-bottom: 10px; }
.verdict.passed { background: #e3f9e5; color: #05400a; border: 1px solid #57ae5b; }
.verdict.failed { background: #ffe3e3; color: #610404; border: 1px solid #e12d39; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 96px; background: #fff; }
.card b { display: block; font-size: 22px; }
.badge, .sev, .lc { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.sev-critical { background: #4a1772; color: #fff; }
.sev-high { background: #b71c1c; color: #fff; }
.sev-medium { background: #ef6c00; color: #fff; }
.sev-low { background: #0277bd; color: #fff; }
.sev-info { background: #cfd8dc; color: #263238; }
.st-unexplained { background: #ffe3e3; color: #8a041a; border-color: #e12d39; }
.st-waived { background: #fff3c4; color: #5c3c00; border-color: #f0b429; }
.st-assigned, .st-alive { background: #e3f9e5; color: #05400a; border-color: #57ae5b; }
.st-loopback { background: var(--panel); color: var(--muted); border-color: var(--line); }
.st-noports { background: var(--panel); color: var(--muted); border-color: var(--line); }
.w-active { background: #e3f9e5; color: #05400a; }
.w-expired { background: #ffe3e3; color: #8a041a; }
.w-unused { background: var(--panel); color: var(--muted); border-color: var(--line); }
.lc-alive { background: #e3f9e5; color: #05400a; }
.lc-dead { background: #ffe3e3; color: #8a041a; }
.lc-dormant { background: #fff3c4; color: #5c3c00; }
.lc-unassigned { background: #dceefb; color: #0b3c5d; }
.lc-reserved { background: #efebe9; color: #4e342e; }
.cond { background: #e8eaf6; color: #283593; }
figure { margin: 0; }
svg.portspace { width: 100%; height: auto; max-width: 1400px; display: block; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
svg.portspace .mark:hover rect.seg { stroke: #000; stroke-width: 1; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
article.finding { border: 1px solid var(--line); border-left: 6px solid #cfd8dc; border-radius: 6px; padding: 10px 14px; margin: 0 0 12px; }
article.finding.f-critical { border-left-color: #4a1772; }
article.finding.f-high { border-left-color: #b71c1c; }
article.finding.f-medium { border-left-color: #ef6c00; }
article.finding.f-low { border-left-color: #0277bd; }
article.finding.f-info { border-left-color: #90a4ae; }
article.finding.is-waived { opacity: 0.85; background: repeating-linear-gradient(135deg, #fff, #fff 12px, #fffbea 12px, #fffbea 24px); }
article.finding .sev { color: #fff; }
article.finding.f-info .sev { color: #263238; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 8px 0 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
details summary { cursor: pointer; color: #334e68; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; color: var(--muted); }
a { color: #0b69a3; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
@media print { header.top { background: #fff; color: #000; } nav { display: none; } article.finding { break-inside: avoid; } }
)css";

std::string WithThousands(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Ports per lifecycle over any range of one transport, in constant time.
class LifecycleCounts {
 public:
  std::array<std::size_t, 5> In(std::uint16_t from, std::uint16_t to, Transport t) {
    auto& prefix = prefix_[static_cast<int>(t)];
    if (prefix.empty()) {
      prefix.assign(65537, {});
      for (std::uint32_t p = 0; p < 65536; ++p) {
        prefix[p + 1] = prefix[p];
        ++prefix[p + 1][static_cast<int>(catalog::LifecycleOf(static_cast<std::uint16_t>(p), t))];
      }
    }
    std::array<std::size_t, 5> out{};
    for (int l = 0; l < 5; ++l) out[l] = prefix[to + 1u][l] - prefix[from][l];
    return out;
  }

 private:
  std::vector<std::array<std::uint32_t, 5>> prefix_[4];
};

// What justifies an opening, called what it is: a finding's waiver, the
// policy's assignment, an alive registration, loopback alone reaching it.
// Only a justification someone gave or the catalog supports is green.
enum class Status { kUnexplained, kWaived, kAssigned, kAlive, kLoopback, kNoPorts };
constexpr const char* kStatusText[] = {"unexplained",         "waived",         "assigned by policy",
                                       "registered and alive", "loopback only", "no ports"};
constexpr const char* kStatusClass[] = {"st-unexplained", "st-waived", "st-assigned",
                                        "st-alive",       "st-loopback", "st-noports"};

// One row of the openings table: an entry, or entries that differ only in
// protocol and each cover every port (an `-i lo -j ACCEPT`, a policy ACCEPT).
struct Row {
  std::vector<const ExposureEntry*> entries;
  std::string proto;
  std::string ports;
  Status status = Status::kUnexplained;  // the justification
  std::vector<std::string> details;  // of the justification, HTML
};

class HtmlWriter {
 public:
  HtmlWriter(const AuditReport& report, std::ostream& out)
      : r_(report), out_(out), rs_(report.inputs->ruleset), marks_(report.policy) {
    for (std::size_t i = 0; i < r_.findings.findings.size(); ++i) {
      for (const ExposureEntry* e : r_.findings.findings[i].entries) {
        auto& list = by_entry_[e];
        if (list.empty() || list.back() != i) list.push_back(i);
      }
    }
  }

  void Write() {
    BuildRows();
    Head();
    out_ << "<main>\n";
    Summary();
    Picture();
    Openings();
    Findings();
    Waivers();
    PolicySection();
    Inputs();
    Approximations();
    AddressSets();
    out_ << "<footer>Generated by ghostport " << Escape(GHOSTPORT_VERSION) << " on " << Escape(r_.generated)
         << ". A self-contained report: no scripts, nothing fetched.</footer>\n";
    out_ << "</main>\n</body>\n</html>\n";
  }

 private:
  // ---------------------------------------------------------------------
  // Small pieces

  std::string Where(const rules::Decision& ref) const {
    const rules::SourceLocation& loc = rules::LocationOf(rs_, ref);
    return loc.file.empty() ? "(no file)" : loc.file + ":" + std::to_string(loc.line);
  }

  static std::string Link(const Finding& f) {
    return "<a href=\"#" + Escape(f.id) + "\">" + Escape(f.id) + "</a>";
  }

  static std::string SeverityBadge(Severity s) {
    return std::string("<span class=\"sev sev-") + SeverityName(s) + "\">" + SeverityName(s) + "</span>";
  }

  static std::string LifecycleBadge(Lifecycle l) {
    const std::string name(catalog::LifecycleName(l));
    return "<span class=\"lc lc-" + name + "\">" + name + "</span>";
  }

  // A rendered source set: CIDRs (the first few, the rest folded), then
  // exceptions inline or as a link to a named set.
  std::string Sources(const rules::AddressSet& set, bool with_scope) {
    const RenderedSources& r = sources_.Render(set);
    std::string out;
    auto list = [](const std::vector<std::string>& items) {
      constexpr std::size_t kShow = 8;
      std::string s;
      for (std::size_t i = 0; i < items.size() && i < kShow; ++i) s += (i ? ", " : "") + Escape(items[i]);
      if (items.size() > kShow) {
        std::string rest;
        for (std::size_t i = kShow; i < items.size(); ++i) rest += (i > kShow ? ", " : "") + Escape(items[i]);
        s += " <details><summary>and " + WithThousands(items.size() - kShow) + " more</summary>" + rest +
             "</details>";
      }
      return s;
    };
    if (r.except.empty() && r.except_set.empty()) {
      out = r.cidrs.empty() ? "none" : list(r.cidrs);
    } else {
      out = "any except ";
      if (!r.except_set.empty()) {
        out += "set <a href=\"#set-" + Escape(r.except_set) + "\">" + Escape(r.except_set) + "</a>";
        if (!r.except.empty()) out += " and ";
      }
      out += list(r.except);
    }
    if (with_scope) out += " <span class=\"muted small\">(" + std::string(ScopeName(ScopeOf(set))) + ")</span>";
    return out;
  }

  std::string Interfaces(const ExposureEntry& e) const {
    std::string out;
    for (const std::string& name : r_.exposure->interfaces.Describe(e.interfaces)) {
      out += (out.empty() ? "" : ", ") + Escape(name);
    }
    return out;
  }

  // The condition text of a rule a guard names.
  std::string Condition(const rules::RuleRef& ref) const {
    const rules::Rule& rule = rules::RuleAt(rs_, ref);
    std::string s;
    for (const auto& c : rules::UnknownsOf(rs_, rule)) s += (s.empty() ? "" : "; ") + c.description;
    return s.empty() ? rule.verdict.text : s;
  }

  std::vector<const PortAssignment*> AssignmentsIn(std::uint16_t from, std::uint16_t to, Transport t) const {
    std::vector<const PortAssignment*> out;
    if (r_.policy == nullptr) return out;
    for (const PortAssignment& a : r_.policy->assignments) {
      if (a.ports.first > to || a.ports.last < from) continue;
      if (std::find(a.transports.begin(), a.transports.end(), t) != a.transports.end()) out.push_back(&a);
    }
    return out;
  }

  static std::string AssignmentText(const PortAssignment& a) {
    return Escape(PortRangeText(a.ports.first, a.ports.last)) + " <strong>" + Escape(a.name) + "</strong> — " +
           Escape(a.owner);
  }

  // ---------------------------------------------------------------------
  // Openings: rows, catalog identity, justification

  void BuildRows() {
    std::map<std::string, std::size_t> merged;  // all-port rows by what they share
    for (const ExposureEntry& e : *r_.entries) {
      const bool all_ports = e.other_protocols || (e.from == 0 && e.to == 65535);
      std::string label = e.other_protocols ? "" : rules::ProtocolName(e.protocol);
      if (e.other_protocols) {
        for (const auto& iv : e.protocols.intervals()) {
          for (unsigned p = iv.lo; p <= iv.hi; ++p) {
            label += (label.empty() ? "" : ",") + rules::ProtocolName(static_cast<std::uint8_t>(p));
          }
        }
        if (label.size() > 40) label = "other (" + std::to_string(static_cast<unsigned>(e.protocols.Size())) + " protocols)";
      }
      if (all_ports) {
        std::string key = std::string(rules::FamilyName(e.family)) + "|" + sources_.Render(e.sources).summary + "|" +
                          Interfaces(e) + "|" + (e.conditional ? "c" : "u") + "|" +
                          rules::FormatPortSet(e.source_ports) + "|" + sources_.Render(e.destinations).summary;
        for (const auto& ref : rules::Deciders(e)) key += "|" + rules::DecisionKey(ref);
        key += std::string(rules::Connects(e) ? "" : "|no-connection") + (e.translation ? "|nat" : "");
        for (const auto& g : e.guards) key += "|g" + std::to_string(g.kind) + "." + std::to_string(g.rule.rule);
        const auto [at, fresh] = merged.emplace(key, rows_.size());
        if (!fresh) {
          Row& row = rows_[at->second];
          row.entries.push_back(&e);
          row.proto += "," + label;
          continue;
        }
      }
      Row row;
      row.entries.push_back(&e);
      row.proto = label;
      row.ports = all_ports ? "all" : PortRangeText(e.from, e.to);
      rows_.push_back(std::move(row));
    }
    for (Row& row : rows_) {
      Justification j = Justify(row);
      row.status = j.status;
      row.details = std::move(j.details);
      if (row.entries.size() < 2) continue;
      rules::ProtocolSet protocols;
      for (const ExposureEntry* e : row.entries) {
        protocols = protocols.Union(e->other_protocols ? e->protocols : rules::ProtocolSet::Single(e->protocol));
      }
      if (protocols.IsAll()) row.proto = "all";
    }
  }

  std::string Identity(const Row& row) {
    const ExposureEntry& e = *row.entries.front();
    if (row.entries.size() > 1 || e.other_protocols) {
      return e.other_protocols && row.entries.size() == 1 ? "<span class=\"muted\">protocols without ports</span>"
                                                          : "<span class=\"muted\">every port of every protocol</span>";
    }
    const std::optional<Transport> t = TransportOfProtocol(e.protocol);
    if (!t) return "<span class=\"muted\">not in the port catalog</span>";
    std::string out;
    for (const PortAssignment* a : AssignmentsIn(e.from, e.to, *t)) {
      out += "<div>your policy: " + AssignmentText(*a) + "</div>";
    }
    if (e.from == e.to) {
      const catalog::PortFacts facts = catalog::Describe(e.from, *t);
      for (const catalog::ServiceVerdict& s : facts.services) {
        out += "<div><code>" + Escape(s.record->Name()) + "</code> " + LifecycleBadge(s.lifecycle);
        if (!s.record->Description().empty()) {
          out += " <span class=\"muted small\">" + Escape(s.record->Description()) + "</span>";
        }
        out += "</div>";
      }
      if (facts.services.empty()) {
        out += "<div>" + LifecycleBadge(facts.lifecycle) +
               (facts.status == catalog::PortStatus::kDynamic ? " <span class=\"muted small\">dynamic range</span>" : "") +
               "</div>";
      }
      if (facts.lifecycle != Lifecycle::kAlive && !facts.unofficial.empty()) {
        std::string uses;
        for (std::size_t i = 0; i < facts.unofficial.size() && i < 3; ++i) {
          uses += (i ? "; " : "") + Escape(facts.unofficial[i]->software);
        }
        if (facts.unofficial.size() > 3) uses += "; and " + std::to_string(facts.unofficial.size() - 3) + " more";
        out += "<div class=\"small\">likely listening: " + uses + "</div>";
      }
      if (facts.lifecycle != Lifecycle::kAlive && !facts.malware.empty()) {
        out += "<div class=\"small\">named in malware lists (" + Plural(facts.malware.size(), "entry", "entries") +
               ")</div>";
      }
      return out;
    }
    const std::array<std::size_t, 5> counts = lifecycles_.In(e.from, e.to, *t);
    std::string parts;
    for (int l = 0; l < 5; ++l) {
      if (counts[l] == 0) continue;
      parts += (parts.empty() ? "" : " · ") + WithThousands(counts[l]) + " " + LifecycleBadge(static_cast<Lifecycle>(l));
    }
    out += "<div>" + WithThousands(static_cast<std::size_t>(e.to - e.from) + 1) + " ports: " + parts + "</div>";
    if (e.to >= catalog::kDynamicPorts.first) {
      const std::size_t dynamic = e.to - std::max<std::uint16_t>(e.from, catalog::kDynamicPorts.first) + 1;
      out += "<div class=\"small muted\">" + WithThousands(dynamic) + " in the dynamic range</div>";
    }
    return out;
  }

  struct Justification {
    Status status = Status::kUnexplained;
    std::vector<std::string> details;  // HTML
  };

  Justification Justify(const Row& row) {
    Justification j;
    const ExposureEntry& first = *row.entries.front();
    if (r_.exposure->interfaces.IsLoopbackOnly(first.interfaces)) {
      j.status = Status::kLoopback;
      j.details.push_back("reachable from this host alone");
      return j;
    }
    std::vector<std::size_t> covering;
    for (const ExposureEntry* e : row.entries) {
      const auto found = by_entry_.find(e);
      if (found == by_entry_.end()) continue;
      for (std::size_t i : found->second) {
        if (std::find(covering.begin(), covering.end(), i) == covering.end()) covering.push_back(i);
      }
    }
    std::sort(covering.begin(), covering.end());
    // The organisation's own ports in the opening, whatever else it holds.
    std::vector<std::string> assigned;
    for (const ExposureEntry* e : row.entries) {
      const std::optional<Transport> t = e->other_protocols ? std::nullopt : TransportOfProtocol(e->protocol);
      if (!t || rules::OpensAll(*e)) continue;
      for (const PortAssignment* a : AssignmentsIn(e->from, e->to, *t)) {
        assigned.push_back("assigned: " + AssignmentText(*a));
      }
    }
    bool unwaived = false;
    for (std::size_t i : covering) unwaived = unwaived || !r_.findings.findings[i].Waived();
    if (!covering.empty()) {
      j.status = unwaived ? Status::kUnexplained : Status::kWaived;
      for (std::size_t i : covering) {
        const Finding& f = r_.findings.findings[i];
        std::string d = Link(f) + " " + FindingClassName(f.klass) + " " + SeverityBadge(f.severity);
        if (f.waiver) {
          const Waiver& w = *f.waiver->waiver;
          d += f.waiver->expired ? " waiver <strong>expired</strong> on " + Escape(w.expires)
                                 : " waived until " + Escape(w.expires) + " by " + Escape(w.owner) + " (" +
                                       Escape(w.ticket) + ")";
        }
        j.details.push_back(std::move(d));
      }
      j.details.insert(j.details.end(), assigned.begin(), assigned.end());
      return j;
    }
    // No finding: justified by the catalog or the policy, left out by the
    // baseline, or no ports at all.
    bool any_ports = false, unjustified = false;
    std::size_t alive = 0;
    std::string services;
    for (const ExposureEntry* e : row.entries) {
      const std::optional<Transport> t = e->other_protocols ? std::nullopt : TransportOfProtocol(e->protocol);
      if (!t) continue;
      any_ports = true;
      for (std::uint32_t p = e->from; p <= e->to; ++p) {
        const auto port = static_cast<std::uint16_t>(p);
        if (marks_.At(port, *t) != html::PortMark::kJustified) {
          unjustified = true;
        } else if (r_.policy == nullptr || r_.policy->AssignmentsAt(port, *t).empty()) {
          ++alive;
          if (e->from == e->to) {
            for (const auto& record : catalog::Registry::Instance().Lookup(port, *t)) {
              if (record.Kind() != catalog::RecordKind::kService) continue;
              services += (services.empty() ? "" : ", ") + Escape(record.Name());
            }
          }
        }
      }
    }
    if (!any_ports) {
      j.status = Status::kNoPorts;
      j.details.push_back("a protocol without ports: the catalog does not classify it");
      return j;
    }
    if (unjustified) {
      j.status = Status::kUnexplained;
      j.details.push_back(r_.baseline_file.empty()
                              ? std::string("not reported")
                              : "not reported: its findings are in the baseline <code>" + Escape(r_.baseline_file) +
                                    "</code>");
      j.details.insert(j.details.end(), assigned.begin(), assigned.end());
      return j;
    }
    // Every port is justified: by the policy's assignments, or (the rest)
    // by an alive registration.
    j.status = alive > 0 ? Status::kAlive : Status::kAssigned;
    j.details = assigned;
    if (alive > 0) {
      j.details.push_back(services.empty() ? Plural(alive, "port", "ports") + " with an alive registration"
                                           : "alive registration: <code>" + services + "</code>");
    }
    return j;
  }

  // ---------------------------------------------------------------------
  // Sections

  void Head() {
    std::string inputs;
    for (const InputInfo& i : r_.inputs->inputs) inputs += (inputs.empty() ? "" : ", ") + i.path;
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         << "<meta name=\"generator\" content=\"ghostport " << Escape(GHOSTPORT_VERSION) << "\">\n"
         << "<title>ghostport audit: " << Escape(inputs) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
         << "<header class=\"top\">\n<h1>Firewall compliance report</h1>\n<p>" << Escape(inputs)
         << " · generated " << Escape(r_.generated) << " by ghostport " << Escape(GHOSTPORT_VERSION) << "</p>\n"
         << "<nav><a href=\"#summary\">Summary</a><a href=\"#portspace\">Port space</a>"
         << "<a href=\"#openings\">Open ports</a><a href=\"#findings\">Findings</a><a href=\"#waivers\">Waivers</a>"
         << "<a href=\"#policy\">Policy</a><a href=\"#inputs\">Inputs</a>"
         << "<a href=\"#approximations\">Approximations</a></nav>\n</header>\n";
  }

  void Summary() {
    const std::string fail_on = r_.fail_on ? SeverityName(*r_.fail_on) : "never";
    std::size_t failing = 0;
    for (const Finding& f : r_.findings.findings) failing += FailsRun(f, r_.fail_on);
    out_ << "<section id=\"summary\">\n<h2>Summary</h2>\n";
    if (r_.failed) {
      out_ << "<div class=\"verdict failed\">FAILED: " << Plural(failing, "finding", "findings")
           << " at or above " << fail_on << " (--fail-on " << fail_on << ")</div>\n";
    } else if (r_.fail_on) {
      out_ << "<div class=\"verdict passed\">PASSED: no unwaived finding at or above " << fail_on << " (--fail-on "
           << fail_on << ")</div>\n";
    } else {
      out_ << "<div class=\"verdict passed\">PASSED: --fail-on never (no finding fails the run)</div>\n";
    }
    out_ << "<div class=\"cards\">";
    for (int s = 4; s >= 0; --s) {
      const Severity severity = static_cast<Severity>(s);
      out_ << "<div class=\"card\"><b>" << r_.by_severity[s] << "</b>" << SeverityBadge(severity) << "</div>";
    }
    out_ << "<div class=\"card\"><b>" << r_.waived << "</b>waived</div>";
    if (!r_.baseline_file.empty()) out_ << "<div class=\"card\"><b>" << r_.baselined << "</b>in the baseline</div>";
    out_ << "<div class=\"card\"><b>" << r_.exposure->approximations.size() << "</b>approximations</div></div>\n";

    constexpr int kStatusCount = static_cast<int>(std::size(kStatusText));
    std::size_t by_status[kStatusCount] = {};
    for (const Row& row : rows_) ++by_status[static_cast<int>(row.status)];
    out_ << "<table class=\"facts\">\n"
         << "<tr><th>Findings</th><td>" << r_.findings.findings.size() << " (" << r_.waived << " waived"
         << (r_.baseline_file.empty() ? "" : ", " + std::to_string(r_.baselined) + " more already in the baseline")
         << ")</td></tr>\n<tr><th>Openings</th><td>" << rows_.size() << ": ";
    bool first_status = true;
    for (int s = 0; s < kStatusCount; ++s) {
      // The first two always show; the others when some opening has them.
      if (s > 1 && by_status[s] == 0) continue;
      out_ << (first_status ? "" : ", ") << by_status[s] << " <span class=\"badge " << kStatusClass[s] << "\">" << kStatusText[s]
           << "</span>";
      first_status = false;
    }
    out_ << "</td></tr>\n<tr><th>Fail on</th><td>" << fail_on << "</td></tr>\n"
         << "<tr><th>Waivers judged on</th><td>" << Escape(r_.findings.today) << "</td></tr>\n"
         << "<tr><th>Policy</th><td>"
         << (r_.policy == nullptr ? std::string("none") : "<code>" + Escape(r_.policy_file) + "</code>") << "</td></tr>\n";
    if (!r_.baseline_file.empty()) {
      out_ << "<tr><th>Baseline</th><td><code>" << Escape(r_.baseline_file) << "</code></td></tr>\n";
    }
    out_ << "<tr><th>Approximations</th><td>" << r_.exposure->approximations.size()
         << " (<a href=\"#approximations\">what the engine could not model</a>)</td></tr>\n"
         << "<tr><th>Generated</th><td>" << Escape(r_.generated) << "</td></tr>\n</table>\n</section>\n";
  }

  void Picture() {
    out_ << "<section id=\"portspace\">\n<h2>Port space</h2>\n<figure>\n";
    html::WritePortSpaceSvg(r_, marks_, out_);
    out_ << "<figcaption>Every port 0-65535 on each transport; a segment is an opening, coloured by how its ports "
            "are classified (the worst class when a port has several). Hover a segment for its ports, rules and "
            "findings. Openings by a chain policy or a missing filter lie underneath the rules that name their ports. "
            "Loopback-only openings and protocols without ports are listed below but not drawn.</figcaption>\n"
            "</figure>\n</section>\n";
  }

  void Openings() {
    out_ << "<section id=\"openings\">\n<h2>Open ports</h2>\n"
         << "<p class=\"muted\">Every opening the ruleset makes. Justification: <span class=\"badge st-waived\">waived</span> "
            "a waiver covers its findings; <span class=\"badge st-assigned\">assigned by policy</span> the policy "
            "file assigns every port; <span class=\"badge st-alive\">registered and alive</span> the catalog knows "
            "the registration in use (and the policy assigns the rest); <span class=\"badge st-loopback\">loopback "
            "only</span> only this host reaches it; <span class=\"badge st-unexplained\">unexplained</span> "
            "anything else.</p>\n"
         << "<table class=\"openings\">\n<thead><tr><th>Family</th><th>Proto</th><th class=\"num\">Ports</th>"
         << "<th>Catalog</th><th>Sources</th><th>Interfaces</th><th>Rule</th><th>Justification</th></tr></thead>\n<tbody>\n";
    for (const Row& row : rows_) {
      const ExposureEntry& e = *row.entries.front();
      out_ << "<tr class=\"" << kStatusClass[static_cast<int>(row.status)] << "\"><td>" << rules::FamilyName(e.family)
           << "</td><td>" << Escape(row.proto) << "</td><td class=\"num mono\">" << Escape(row.ports) << "</td><td>"
           << Identity(row) << "</td><td>" << Sources(e.sources, false);
      if (!e.source_ports.IsAll()) {
        out_ << "<div class=\"small\">source ports " << Escape(rules::FormatPortSet(e.source_ports)) << "</div>";
      }
      if (!e.destinations.IsAll()) out_ << "<div class=\"small\">to " << Sources(e.destinations, false) << "</div>";
      out_ << "</td><td>" << Interfaces(e) << "</td><td>";
      const std::vector<rules::Decision> deciders = rules::Deciders(e);
      for (std::size_t i = 0; i < deciders.size(); ++i) {
        const rules::Decision& ref = deciders[i];
        out_ << (i ? "<div class=\"small muted\">then</div>" : "") << "<div class=\"mono small\">" << Escape(Where(ref))
             << "</div>" << RuleCode(rules::Describe(rs_, ref));
      }
      if (e.conditional) out_ << " <span class=\"badge cond\">conditional</span>";
      for (const rules::Guard& g : e.guards) {
        static constexpr const char* kGuardWords[] = {"accepted if", "unless dropped by", "jumped if",
                                                      "did not jump at"};
        out_ << "<div class=\"small\">" << kGuardWords[g.kind] << " " << Escape(Where(rules::RuleDecision{g.rule})) << ": "
             << Escape(Condition(g.rule)) << "</div>";
      }
      out_ << "</td><td><span class=\"badge " << kStatusClass[static_cast<int>(row.status)] << "\">"
           << kStatusText[static_cast<int>(row.status)] << "</span>";
      for (const std::string& d : row.details) out_ << "<div class=\"small\">" << d << "</div>";
      out_ << "</td></tr>\n";
    }
    if (rows_.empty()) out_ << "<tr><td colspan=\"8\">The ruleset opens nothing.</td></tr>\n";
    out_ << "</tbody>\n</table>\n</section>\n";
  }

  static std::string PortList(const std::vector<std::pair<std::uint16_t, std::uint16_t>>& ranges) {
    constexpr std::size_t kShow = 40;
    std::string shown, rest;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      std::string& s = i < kShow ? shown : rest;
      s += (s.empty() ? "" : ", ") + PortRangeText(ranges[i].first, ranges[i].second);
    }
    if (rest.empty()) return shown;
    return shown + " <details><summary>and " + WithThousands(ranges.size() - kShow) + " more ranges</summary>" +
           rest + "</details>";
  }

  void WaiverText(const Waiver& w) {
    out_ << "reason: " << Escape(w.reason) << "<br>owner: " << Escape(w.owner) << " · ticket: " << Escape(w.ticket)
         << " · expires " << Escape(w.expires) << " · <span class=\"mono\">" << Escape(r_.policy_file) << ":" << w.line
         << "</span>";
  }

  void Findings() {
    out_ << "<section id=\"findings\">\n<h2>Findings</h2>\n";
    if (r_.findings.findings.empty()) out_ << "<p>No findings.</p>\n";
    for (const Finding& f : r_.findings.findings) {
      const char* severity = SeverityName(f.severity);
      out_ << "<article class=\"finding f-" << severity << (f.Waived() ? " is-waived" : "") << "\" id=\""
           << Escape(f.id) << "\">\n<h3>" << SeverityBadge(f.severity) << " <span class=\"id\">" << Escape(f.id)
           << "</span> " << FindingClassName(f.klass);
      if (f.waiver) {
        out_ << (f.waiver->expired ? " <span class=\"badge w-expired\">waiver expired</span>"
                                   : " <span class=\"badge w-active\">waived</span>");
      }
      if (f.conditional) out_ << " <span class=\"badge cond\">conditional</span>";
      out_ << "</h3>\n<div>" << Escape(f.message) << "</div>\n<dl class=\"facts\">\n";
      out_ << "<dt>Location</dt><dd class=\"mono\">"
           << Escape(f.location.file.empty() ? "(no file)" : f.location.file + ":" + std::to_string(f.location.line))
           << (f.chain.empty() ? "" : " · chain " + Escape(f.chain)) << "</dd>\n";
      out_ << "<dt>Rule</dt><dd>" << RuleCode(f.rule_text) << "</dd>\n";
      out_ << "<dt>Ports</dt><dd>" << Escape(f.proto) << " " << PortList(f.ports) << " <span class=\"muted\">("
           << WithThousands(f.port_count) << " " << (f.port_count == 1 ? "port" : "ports") << ")</span></dd>\n";
      out_ << "<dt>Sources</dt><dd>" << Sources(FindingSources(f), false) << " <span class=\"muted small\">(scope "
           << ScopeName(f.scope) << ")</span></dd>\n";
      if (!f.depends_on.empty()) {
        out_ << "<dt>Depends on</dt><dd>";
        for (const std::string& d : f.depends_on) out_ << "<code>" << Escape(d) << "</code> ";
        out_ << "</dd>\n";
      }
      if (!f.explanation.empty()) out_ << "<dt>Why</dt><dd>" << Escape(f.explanation) << "</dd>\n";
      out_ << "<dt>Fix</dt><dd>" << Escape(f.remediation) << "</dd>\n";
      if (!f.examples.empty()) {
        out_ << "<dt>Examples</dt><dd><table class=\"examples\"><tr><th class=\"num\">Port</th><th>Service</th>"
                "<th>Catalog</th><th>Detail</th></tr>";
        for (const PortExample& x : f.examples) {
          out_ << "<tr><td class=\"num mono\">" << x.port << "/" << catalog::TransportName(x.transport) << "</td><td>"
               << (x.service.empty() ? "" : "<code>" + Escape(x.service) + "</code>") << "</td><td>"
               << LifecycleBadge(catalog::LifecycleOf(x.port, x.transport)) << "</td><td>" << Escape(x.detail)
               << "</td></tr>";
        }
        out_ << "</table></dd>\n";
      }
      if (!f.covered.empty()) {
        out_ << "<dt>Covers</dt><dd>";
        for (std::size_t i = 0; i < f.covered.size(); ++i) {
          out_ << (i ? ", " : "") << WithThousands(f.covered[i].second) << " " << FindingClassName(f.covered[i].first);
        }
        out_ << "</dd>\n";
      }
      out_ << "<dt>Waiver</dt><dd>";
      if (!f.waiver) {
        out_ << "none";
      } else {
        out_ << (f.waiver->expired ? "<strong>expired</strong>: the finding counts again<br>" : "active<br>");
        WaiverText(*f.waiver->waiver);
      }
      out_ << "</dd>\n<dt>Fingerprint</dt><dd><code>" << Escape(f.fingerprint) << "</code></dd>\n</dl>\n</article>\n";
    }
    out_ << "</section>\n";
  }

  void Waivers() {
    out_ << "<section id=\"waivers\">\n<h2>Waivers</h2>\n";
    if (r_.findings.waivers.empty()) {
      out_ << "<p>" << (r_.policy == nullptr ? "No policy file, so no waivers." : "The policy has no waivers.")
           << "</p>\n</section>\n";
      return;
    }
    out_ << "<p class=\"muted\">Judged on " << Escape(r_.findings.today)
         << ". A waiver holds through its expiry date; an expired waiver stops hiding its findings.</p>\n"
         << "<table class=\"waivers\">\n<thead><tr><th>Where</th><th>Matches</th><th>Reason</th><th>Owner</th>"
         << "<th>Ticket</th><th>Expires</th><th>Status</th><th>Findings</th></tr></thead>\n<tbody>\n";
    for (const WaiverReport& wr : r_.findings.waivers) {
      const Waiver& w = *wr.waiver;
      out_ << "<tr><td class=\"mono\">" << Escape(r_.policy_file) << ":" << w.line << "</td><td>";
      if (!w.fingerprint.empty()) {
        out_ << "fingerprint <code>" << Escape(w.fingerprint) << "</code>";
      } else {
        out_ << "class " << Escape(w.klass);
        if (w.ports) out_ << ", port " << PortRangeText(w.ports->first, w.ports->last);
        if (!w.transports.empty()) {
          out_ << ", transport";
          for (const std::string& t : w.transports) out_ << " " << Escape(t);
        }
      }
      out_ << "</td><td>" << Escape(w.reason) << "</td><td>" << Escape(w.owner) << "</td><td class=\"nowrap\">" << Escape(w.ticket)
           << "</td><td class=\"mono nowrap\">" << Escape(w.expires) << "</td><td><span class=\"badge w-" << Escape(wr.status)
           << "\">" << Escape(wr.status) << "</span></td><td>";
      for (std::size_t i = 0; i < wr.findings.size(); ++i) {
        out_ << (i ? ", " : "") << "<a href=\"#" << Escape(wr.findings[i]) << "\">" << Escape(wr.findings[i]) << "</a>";
      }
      if (wr.findings.empty()) out_ << "<span class=\"muted\">none</span>";
      out_ << "</td></tr>\n";
    }
    out_ << "</tbody>\n</table>\n</section>\n";
  }

  void PolicySection() {
    out_ << "<section id=\"policy\">\n<h2>Policy</h2>\n";
    if (r_.policy == nullptr) {
      out_ << "<p>No policy file (<code>--policy</code>): every opening is judged by the catalog alone.</p>\n"
              "</section>\n";
      return;
    }
    const Policy& p = *r_.policy;
    out_ << "<p><code>" << Escape(r_.policy_file) << "</code>: the organisation's own port assignments justify "
         << "the ports they name.</p>\n<h3>Assignments</h3>\n";
    if (p.assignments.empty()) {
      out_ << "<p class=\"muted\">none</p>\n";
    } else {
      out_ << "<table class=\"assignments\">\n<thead><tr><th class=\"num\">Ports</th><th>Transport</th><th>Name</th>"
           << "<th>Owner</th><th>Note</th><th>Line</th></tr></thead>\n<tbody>\n";
      for (const PortAssignment& a : p.assignments) {
        std::string transports;
        for (Transport t : a.transports) transports += (transports.empty() ? "" : ", ") + std::string(catalog::TransportName(t));
        out_ << "<tr><td class=\"num mono\">" << PortRangeText(a.ports.first, a.ports.last) << "</td><td>" << transports
             << "</td><td>" << Escape(a.name) << "</td><td>" << Escape(a.owner) << "</td><td>" << Escape(a.note)
             << "</td><td class=\"mono\">" << a.line << "</td></tr>\n";
      }
      out_ << "</tbody>\n</table>\n";
    }
    if (!p.severity.empty()) {
      out_ << "<h3>Severity overrides</h3>\n<table class=\"overrides\">\n<thead><tr><th>Class</th><th>Scope</th>"
           << "<th>Severity</th><th>Line</th></tr></thead>\n<tbody>\n";
      for (const SeverityOverride& o : p.severity) {
        out_ << "<tr><td>" << Escape(o.klass) << "</td><td>" << (o.scope.empty() ? "every scope" : Escape(o.scope))
             << "</td><td>" << Escape(o.severity) << "</td><td class=\"mono\">" << o.line << "</td></tr>\n";
      }
      out_ << "</tbody>\n</table>\n";
    }
    out_ << "</section>\n";
  }

  void Inputs() {
    out_ << "<section id=\"inputs\">\n<h2>Inputs</h2>\n<table class=\"inputs\">\n<thead><tr><th>Path</th>"
         << "<th>Format</th><th class=\"num\">Lines</th><th>SHA-256</th><th>Modified</th></tr></thead>\n<tbody>\n";
    for (const InputInfo& i : r_.inputs->inputs) {
      out_ << "<tr><td><code>" << Escape(i.path) << "</code></td><td>" << Escape(parsers::InputFormatName(i.format))
           << "</td><td class=\"num\">" << i.lines << "</td><td class=\"mono small\">" << Escape(i.sha256)
           << "</td><td class=\"mono\">" << (i.modified.empty() ? "-" : Escape(i.modified)) << "</td></tr>\n";
    }
    out_ << "</tbody>\n</table>\n</section>\n";
  }

  void Approximations() {
    out_ << "<section id=\"approximations\">\n<h2>Approximations</h2>\n";
    const auto& approximations = r_.exposure->approximations;
    if (approximations.empty()) {
      out_ << "<p>None: the engine modelled every rule exactly.</p>\n";
    } else {
      out_ << "<p class=\"muted\">What the engine could not model, and what it assumed instead.</p>\n<ul>\n";
      for (const rules::Approximation& a : approximations) {
        out_ << "<li><span class=\"mono\">" << Escape(a.location.file) << ":" << a.location.line << "</span>: "
             << Escape(a.what) << "</li>\n";
      }
      out_ << "</ul>\n";
    }
    if (!rs_.ignored.empty()) {
      out_ << "<h3>Ignored input lines</h3>\n<ul>\n";
      for (const rules::IgnoredLine& i : rs_.ignored) {
        out_ << "<li><span class=\"mono\">" << Escape(i.location.file) << ":" << i.location.line << "</span>: <code>"
             << Escape(i.text) << "</code> — " << Escape(i.reason) << "</li>\n";
      }
      out_ << "</ul>\n";
    }
    out_ << "</section>\n";
  }

  void AddressSets() {
    if (sources_.named_sets().empty()) return;
    out_ << "<section id=\"address-sets\">\n<h2>Address sets</h2>\n";
    for (const NamedSet& s : sources_.named_sets()) {
      out_ << "<details id=\"set-" << Escape(s.id) << "\"><summary>" << Escape(s.id) << ": "
           << WithThousands(s.cidrs.size()) << " blocks</summary><p class=\"mono small\">";
      for (std::size_t i = 0; i < s.cidrs.size(); ++i) out_ << (i ? ", " : "") << Escape(s.cidrs[i]);
      out_ << "</p></details>\n";
    }
    out_ << "</section>\n";
  }

  const AuditReport& r_;
  std::ostream& out_;
  const rules::Ruleset& rs_;
  html::PortMarks marks_;
  LifecycleCounts lifecycles_;
  SourceRenderer sources_;
  std::map<const ExposureEntry*, std::vector<std::size_t>> by_entry_;  // findings covering each entry
  std::vector<Row> rows_;
};

}  // namespace

void WriteHtmlReport(const AuditReport& report, std::ostream& out) { HtmlWriter(report, out).Write(); }

}  // namespace ghostport::audit
