// The HTML report's picture of the port space: one band per transport over
// 0-65535 (system ports linear, user ports logarithmic, dynamic ports linear),
// every opening a segment coloured by how its ports are classified. Openings
// by a chain policy (default-allow) or a missing filter (firewall-off) are a
// layer underneath; rules that open ports explicitly are drawn over it. Runs
// too narrow to see are gathered per column into one stacked mark, so a rule
// opening 1024-65535 costs a few hundred shapes, not tens of thousands.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <ostream>
#include <set>

#include "audit/reports/report_html.h"
#include "catalog/lifecycle.h"
#include "catalog/usage.h"
#include "rules/compiled.h"

namespace ghostport::audit::html {

namespace {

using catalog::Transport;
using rules::ExposureEntry;

constexpr PortMarkStyle kStyles[kPortMarkCount] = {
    {"sensitive-service", "sensitive service", "#d81b60"},
    {"dead", "dead registration", "#b71c1c"},
    {"malware-associated", "malware-associated", "#6a1b9a"},
    {"unofficial-use", "unofficial use", "#ef6c00"},
    {"dormant", "dormant registration", "#f9a825"},
    {"unknown", "unknown registration", "#c0ca33"},
    {"reserved", "reserved", "#8d6e63"},
    {"unassigned", "unassigned", "#1e88e5"},
    {"dynamic-range", "dynamic range", "#00acc1"},
    {"default-allow", "default-allow / firewall-off", "#37474f"},
    {"justified", "alive or assigned (justified)", "#66bb6a"},
};

// Geometry, in viewBox units.
constexpr double kLeft = 70;          // room for the transport labels
constexpr double kWidth = 1200;       // 0-65535
constexpr double kSystemWidth = 240;  // 0-1023, linear
constexpr double kUserWidth = 720;    // 1024-49151, logarithmic; dynamic gets the rest, linear
constexpr double kTop = 30;           // the range labels above the bands
constexpr double kBandHeight = 40;
constexpr double kBandGap = 12;
constexpr double kMinMark = 3;        // narrower runs are gathered per column this wide
constexpr double kMinPart = 4;        // the least height of one class in a stacked column

// A port's left edge (p in 0-65536).
double X(std::uint32_t p) {
  if (p <= 1024) return kLeft + kSystemWidth * p / 1024.0;
  if (p <= 49152) return kLeft + kSystemWidth + kUserWidth * std::log(p / 1024.0) / std::log(48.0);
  return kLeft + kSystemWidth + kUserWidth + (kWidth - kSystemWidth - kUserWidth) * (p - 49152) / 16384.0;
}

std::string Num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

enum State : std::uint8_t { kQuiet, kWaived, kReported };  // no finding, only waived ones, a reported one

// Gives each port of [from, to] that has no owner yet to the caller; near
// linear over all calls (skip pointers with path halving).
class Filler {
 public:
  Filler() : next_(65537) { std::iota(next_.begin(), next_.end(), 0U); }
  template <typename F>
  void Fill(std::uint32_t from, std::uint32_t to, F take) {
    for (std::uint32_t p = Find(from); p <= to; p = Find(p)) {
      take(p);
      next_[p] = p + 1;
    }
  }

 private:
  std::uint32_t Find(std::uint32_t p) {
    while (next_[p] != p) {
      next_[p] = next_[next_[p]];
      p = next_[p];
    }
    return p;
  }
  std::vector<std::uint32_t> next_;
};

struct Layer {
  std::vector<std::int32_t> owner = std::vector<std::int32_t>(65536, -1);  // entry index; -1 closed
  std::vector<std::uint8_t> state = std::vector<std::uint8_t>(65536, kQuiet);
};

struct TransportMap {
  Transport transport = Transport::kTcp;
  std::string profile;  // Windows: one band per profile and transport
  Layer specific;  // rules that name what they open
  Layer open_all;  // chain policies, missing filters
  std::vector<std::uint8_t> mark = std::vector<std::uint8_t>(65536, 0);  // of specific ports
  std::size_t open = 0;                                                   // ports open in either layer
  std::size_t by_mark[kPortMarkCount] = {};
  std::size_t waived = 0;
};

// One run of ports that look the same: same layer, owner, mark and state.
struct Run {
  std::uint32_t from = 0, to = 0;
  std::int32_t owner = -1;
  PortMark mark = PortMark::kJustified;
  std::uint8_t state = kQuiet;
};

// What the picture draws for one run or a column of narrow runs.
struct Shape {
  double x = 0, w = 0;
  std::vector<Run> runs;
};

class Picture {
 public:
  Picture(const AuditReport& report, PortMarks& marks) : report_(report), marks_(marks) {
    const auto& entries = *report.entries;
    for (std::size_t i = 0; i < report.findings.findings.size(); ++i) {
      for (const ExposureEntry* e : report.findings.findings[i].entries) by_entry_[e].push_back(i);
    }
    // One set of bands per scope: a Windows input's profiles each have theirs.
    std::vector<std::string> profiles = rules::Profiles(report.inputs->ruleset);
    if (profiles.empty()) profiles.emplace_back();
    for (const std::string& profile : profiles) {
    for (Transport t : catalog::kAllTransports) {
      TransportMap map;
      map.transport = t;
      map.profile = profile;
      Filler specific, open_all;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const ExposureEntry& e = entries[i];
        if (e.other_protocols || TransportOfProtocol(e.protocol) != t || e.profile != profile) continue;
        if (report.exposure->interfaces.IsLoopbackOnly(e.interfaces)) continue;
        const bool all = rules::OpensAll(e);
        Layer& layer = all ? map.open_all : map.specific;
        (all ? open_all : specific).Fill(e.from, e.to, [&](std::uint32_t p) { layer.owner[p] = static_cast<std::int32_t>(i); });
      }
      Judge(map);
      for (std::uint32_t p = 0; p < 65536; ++p) {
        const bool mine = map.specific.owner[p] >= 0;
        if (!mine && map.open_all.owner[p] < 0) continue;
        ++map.open;
        if (mine) {
          const PortMark m = marks_.At(static_cast<std::uint16_t>(p), t);
          map.mark[p] = static_cast<std::uint8_t>(m);
          ++map.by_mark[static_cast<int>(m)];
        } else {
          ++map.by_mark[static_cast<int>(PortMark::kOpenAll)];
        }
        const std::uint8_t state = mine ? map.specific.state[p] : map.open_all.state[p];
        if (state == kWaived) ++map.waived;
      }
      // tcp and udp always have a band; sctp and dccp when something opens them.
      if (map.open > 0 || t == Transport::kTcp || t == Transport::kUdp) maps_.push_back(std::move(map));
    }
    }
  }

  void Write(std::ostream& out) const;

 private:
  // Each port's state from the findings that cover it: reported when any
  // unwaived finding does, waived when only waived ones do.
  void Judge(TransportMap& map) const {
    std::vector<std::int32_t> diff[2][2];  // [open-all layer][waived]
    for (auto& layer : diff) {
      for (auto& d : layer) d.assign(65537, 0);
    }
    for (const Finding& f : report_.findings.findings) {
      const int layer = f.klass == FindingClass::kDefaultAllow || f.klass == FindingClass::kFirewallOff;
      for (const ExposureEntry* e : f.entries) {
        if (e->other_protocols || TransportOfProtocol(e->protocol) != map.transport || e->profile != map.profile) {
          continue;
        }
        auto& d = diff[layer][f.Waived()];
        auto at = std::lower_bound(f.ports.begin(), f.ports.end(), e->from,
                                   [](const auto& range, std::uint16_t port) { return range.second < port; });
        for (; at != f.ports.end() && at->first <= e->to; ++at) {
          const std::uint32_t from = std::max(at->first, e->from), to = std::min(at->second, e->to);
          ++d[from];
          --d[to + 1];
        }
      }
    }
    Layer* layers[2] = {&map.specific, &map.open_all};
    for (int layer = 0; layer < 2; ++layer) {
      std::int32_t waived = 0, reported = 0;
      for (std::uint32_t p = 0; p < 65536; ++p) {
        waived += diff[layer][1][p];
        reported += diff[layer][0][p];
        layers[layer]->state[p] = reported > 0 ? kReported : waived > 0 ? kWaived : kQuiet;
      }
    }
  }

  std::vector<Run> Runs(const TransportMap& map, bool open_all) const {
    const Layer& layer = open_all ? map.open_all : map.specific;
    std::vector<Run> runs;
    for (std::uint32_t p = 0; p < 65536; ++p) {
      if (layer.owner[p] < 0) continue;
      const PortMark mark = open_all ? PortMark::kOpenAll : static_cast<PortMark>(map.mark[p]);
      if (!runs.empty() && runs.back().to + 1 == p && runs.back().owner == layer.owner[p] &&
          runs.back().mark == mark && runs.back().state == layer.state[p]) {
        runs.back().to = p;
      } else {
        runs.push_back({p, p, layer.owner[p], mark, layer.state[p]});
      }
    }
    return runs;
  }

  // Wide runs are their own shape; narrow ones are gathered per column.
  static std::vector<Shape> Shapes(const std::vector<Run>& runs) {
    std::vector<Shape> shapes;
    Shape column;
    long column_index = -1;
    auto flush = [&] {
      if (column.runs.empty()) return;
      column.x = X(column.runs.front().from);
      column.w = std::max(kMinMark, X(column.runs.back().to + 1) - column.x);
      shapes.push_back(std::move(column));
      column = Shape{};
    };
    for (const Run& r : runs) {
      const double x0 = X(r.from), x1 = X(r.to + 1);
      if (x1 - x0 >= kMinMark) {
        flush();
        shapes.push_back({x0, x1 - x0, {r}});
        continue;
      }
      const long index = static_cast<long>((x0 - kLeft) / kMinMark);
      if (index != column_index) flush();
      column_index = index;
      column.runs.push_back(r);
    }
    flush();
    return shapes;
  }

  std::string Title(const TransportMap& map, const Shape& s) const;
  void WriteShape(const TransportMap& map, const Shape& s, double y, std::ostream& out) const;
  std::string Description() const;

  const AuditReport& report_;
  PortMarks& marks_;
  std::map<const ExposureEntry*, std::vector<std::size_t>> by_entry_;
  std::vector<TransportMap> maps_;
};

std::string MarkWords(PortMark m, std::uint8_t state) {
  std::string words = StyleOf(m).label;
  if (state == kWaived) words += ", waived";
  if (state == kQuiet && m != PortMark::kJustified) words += ", not reported (in the baseline)";
  return words;
}

std::string Picture::Title(const TransportMap& map, const Shape& s) const {
  const std::string transport(catalog::TransportName(map.transport));
  std::size_t count = 0;
  std::string ports;
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    const Run& r = s.runs[i];
    count += r.to - r.from + 1;
    if (i < 8) ports += (i ? ", " : "") + PortRangeText(r.from, r.to);
  }
  if (s.runs.size() > 8) ports += ", ...";
  std::string text = transport + " " + ports + " (" + Plural(count, "port", "ports") + "): ";
  // Counts per class and state, worst first.
  std::map<std::pair<int, int>, std::size_t> parts;
  for (const Run& r : s.runs) parts[{static_cast<int>(r.mark), r.state}] += r.to - r.from + 1;
  std::string classes;
  for (const auto& [key, n] : parts) {
    const std::string words = MarkWords(static_cast<PortMark>(key.first), static_cast<std::uint8_t>(key.second));
    classes += (classes.empty() ? "" : "; ") + (parts.size() == 1 ? words : std::to_string(n) + " " + words);
  }
  text += classes;
  // One port: what the catalog and the policy call it.
  if (count == 1) {
    const auto port = static_cast<std::uint16_t>(s.runs.front().from);
    std::string services;
    for (const auto& record : catalog::Registry::Instance().Lookup(port, map.transport)) {
      if (record.Kind() != catalog::RecordKind::kService) continue;
      services += (services.empty() ? "" : ", ") + std::string(record.Name());
    }
    if (!services.empty()) text += "\nregistered: " + services;
    if (report_.policy != nullptr) {
      for (const PortAssignment* a : report_.policy->AssignmentsAt(port, map.transport)) {
        text += "\nassigned by the policy: " + a->name + " (" + a->owner + ")";
      }
    }
  }
  // The rules that open it and the findings that cover it.
  std::vector<std::string> rules, findings;
  const rules::Ruleset& rs = report_.inputs->ruleset;
  for (const Run& r : s.runs) {
    const ExposureEntry& e = (*report_.entries)[static_cast<std::size_t>(r.owner)];
    const rules::Decision& ref = e.opening;
    const rules::SourceLocation& loc = rules::LocationOf(rs, ref);
    std::string where = loc.file.empty() ? rules::Describe(rs, ref) : loc.file + ":" + std::to_string(loc.line);
    if (std::holds_alternative<rules::PolicyDecision>(ref)) where = rules::Describe(rs, ref) + " (" + where + ")";
    if (e.conditional) where += " (conditional)";
    if (std::find(rules.begin(), rules.end(), where) == rules.end()) rules.push_back(where);
    const auto found = by_entry_.find(&e);
    if (found == by_entry_.end()) continue;
    for (std::size_t i : found->second) {
      const Finding& f = report_.findings.findings[i];
      const bool covers = std::any_of(f.ports.begin(), f.ports.end(),
                                      [&](const auto& range) { return range.first <= r.to && range.second >= r.from; });
      const std::string label = f.id + " " + FindingClassName(f.klass) + " (" + SeverityName(f.severity) +
                                (f.Waived() ? ", waived" : "") + ")";
      if (covers && std::find(findings.begin(), findings.end(), label) == findings.end()) findings.push_back(label);
    }
  }
  auto join = [](const std::vector<std::string>& items, std::size_t show) {
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < show; ++i) s += (i ? ", " : "") + items[i];
    if (items.size() > show) s += ", and " + std::to_string(items.size() - show) + " more";
    return s;
  };
  text += "\nopened by " + join(rules, 4);
  if (!findings.empty()) text += "\nfindings: " + join(findings, 6);
  return text;
}

void Picture::WriteShape(const TransportMap& map, const Shape& s, double y, std::ostream& out) const {
  std::map<std::pair<int, int>, std::size_t> parts;  // (mark, state) → ports, worst first
  std::size_t total = 0;  // ports
  for (const Run& r : s.runs) {
    parts[{static_cast<int>(r.mark), r.state}] += r.to - r.from + 1;
    total += r.to - r.from + 1;
  }
  out << "<g class=\"mark\"><title>" << Escape(Title(map, s)) << "</title>";
  // Stacked by share of the ports, each class at least kMinPart high so a
  // single dead port among hundreds of others still shows.
  const double min_part = std::min(kMinPart, kBandHeight / static_cast<double>(parts.size()));
  const double share = kBandHeight - min_part * static_cast<double>(parts.size());
  double top = y;
  std::size_t index = 0;
  for (const auto& [key, n] : parts) {
    ++index;
    const double bottom = index == parts.size() ? y + kBandHeight
                                                : top + min_part + share * static_cast<double>(n) / static_cast<double>(total);
    const PortMarkStyle& style = StyleOf(static_cast<PortMark>(key.first));
    const std::string geometry = "x=\"" + Num(s.x) + "\" y=\"" + Num(top) + "\" width=\"" + Num(s.w) +
                                 "\" height=\"" + Num(bottom - top) + "\"";
    out << "<rect class=\"seg seg-" << style.id << "\" " << geometry << " fill=\"" << style.colour << "\"/>";
    if (key.second == kWaived) out << "<rect class=\"waived\" " << geometry << " fill=\"url(#gp-waived)\"/>";
    top = bottom;
  }
  out << "</g>\n";
}

std::string Picture::Description() const {
  std::string text;
  for (const TransportMap& map : maps_) {
    text += std::string(catalog::TransportName(map.transport)) + ": " + Plural(map.open, "port", "ports") + " open";
    std::string counts;
    for (int m = 0; m < kPortMarkCount; ++m) {
      if (map.by_mark[m] == 0) continue;
      counts += (counts.empty() ? "" : ", ") + std::to_string(map.by_mark[m]) + " " + kStyles[m].label;
    }
    if (map.waived > 0) counts += (counts.empty() ? "" : ", ") + std::to_string(map.waived) + " waived";
    text += (counts.empty() ? "" : " (" + counts + ")") + ". ";
  }
  return text +
         "Scale: system ports 0-1023 and dynamic ports 49152-65535 linear, user ports 1024-49151 logarithmic. "
         "Loopback-only openings and protocols without ports are not drawn.";
}

void Picture::Write(std::ostream& out) const {
  const double bands_bottom = kTop + static_cast<double>(maps_.size()) * (kBandHeight + kBandGap) - kBandGap;
  const double axis_bottom = bands_bottom + 26;
  const int legend_rows = (kPortMarkCount + 1 + 2) / 3;
  const double height = axis_bottom + 14 + legend_rows * 22.0;
  const double width = kLeft + kWidth + 20;
  const std::string label = "Open ports across the port space 0-65535, by transport and classification";
  out << "<svg class=\"portspace\" viewBox=\"0 0 " << Num(width) << " "
      << Num(height) << "\" role=\"img\" aria-label=\"" << Escape(label)
      << "\" aria-describedby=\"portspace-desc\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n";
  out << "<title>" << Escape(label) << "</title>\n";
  out << "<desc id=\"portspace-desc\">" << Escape(Description()) << "</desc>\n";
  out << "<defs><pattern id=\"gp-waived\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#ffffff\" fill-opacity=\"0.75\"/>"
         "</pattern></defs>\n";
  // The three ranges, labelled, with their borders.
  const struct {
    std::uint32_t from, to;
    const char* text;
  } ranges[] = {{0, 1024, "system 0-1023"},
                {1024, 49152, "user 1024-49151 (logarithmic)"},
                {49152, 65536, "dynamic 49152-65535"}};
  for (const auto& r : ranges) {
    out << "<text class=\"range-label\" x=\"" << Num((X(r.from) + X(r.to)) / 2) << "\" y=\"" << Num(kTop - 10)
        << "\" text-anchor=\"middle\" fill=\"#37474f\">" << r.text << "</text>\n";
  }
  for (std::size_t i = 0; i < maps_.size(); ++i) {
    const TransportMap& map = maps_[i];
    const double y = kTop + static_cast<double>(i) * (kBandHeight + kBandGap);
    out << "<text class=\"band-label\" x=\"" << Num(kLeft - 10) << "\" y=\"" << Num(y + 18)
        << "\" text-anchor=\"end\" font-weight=\"bold\">" << catalog::TransportName(map.transport) << "</text>";
    out << "<text x=\"" << Num(kLeft - 10) << "\" y=\"" << Num(y + 32)
        << "\" text-anchor=\"end\" font-size=\"10\" fill=\"#546e7a\">"
        << (map.profile.empty() ? std::string() : map.profile + ": ") << map.open << " open</text>\n";
    out << "<rect class=\"band\" x=\"" << Num(kLeft) << "\" y=\"" << Num(y) << "\" width=\"" << Num(kWidth)
        << "\" height=\"" << Num(kBandHeight) << "\" fill=\"#eceff1\" stroke=\"#cfd8dc\"/>\n";
    for (const bool open_all : {true, false}) {
      for (const Shape& s : Shapes(Runs(map, open_all))) WriteShape(map, s, y, out);
    }
  }
  for (const std::uint32_t border : {1024U, 49152U}) {
    out << "<line x1=\"" << Num(X(border)) << "\" y1=\"" << Num(kTop - 6) << "\" x2=\"" << Num(X(border))
        << "\" y2=\"" << Num(bands_bottom + 4) << "\" stroke=\"#263238\" stroke-dasharray=\"3 2\"/>\n";
  }
  for (const std::uint32_t tick : {0U, 256U, 512U, 768U, 1024U, 2048U, 4096U, 8192U, 16384U, 32768U, 49152U,
                                   57344U, 65535U}) {
    const double x = X(tick == 65535 ? 65536 : tick);
    out << "<line x1=\"" << Num(x) << "\" y1=\"" << Num(bands_bottom) << "\" x2=\"" << Num(x) << "\" y2=\""
        << Num(bands_bottom + 6) << "\" stroke=\"#546e7a\"/><text x=\"" << Num(x) << "\" y=\""
        << Num(bands_bottom + 18) << "\" text-anchor=\"middle\" font-size=\"10\" fill=\"#546e7a\">" << tick
        << "</text>\n";
  }
  // The legend: every class with its open ports (all transports), and waived.
  std::size_t by_mark[kPortMarkCount] = {}, waived = 0;
  for (const TransportMap& map : maps_) {
    for (int m = 0; m < kPortMarkCount; ++m) by_mark[m] += map.by_mark[m];
    waived += map.waived;
  }
  out << "<g class=\"legend\">\n";
  for (int i = 0; i <= kPortMarkCount; ++i) {
    const double x = kLeft + (i % 3) * 400.0, y = axis_bottom + 14 + (i / 3) * 22.0;
    const bool hatch = i == kPortMarkCount;
    const std::string text = hatch ? "waived (hatched): " + Plural(waived, "port", "ports")
                                   : std::string(kStyles[i].label) + ": " + Plural(by_mark[i], "port", "ports");
    out << "<rect class=\"legend-swatch\" x=\"" << Num(x) << "\" y=\"" << Num(y - 11) << "\" width=\"14\" height=\"14\" "
        << "fill=\"" << (hatch ? "#b71c1c" : kStyles[i].colour) << "\" stroke=\"#90a4ae\"/>";
    if (hatch) {
      out << "<rect x=\"" << Num(x) << "\" y=\"" << Num(y - 11) << "\" width=\"14\" height=\"14\" "
          << "fill=\"url(#gp-waived)\"/>";
    }
    out << "<text x=\"" << Num(x + 20) << "\" y=\"" << Num(y) << "\">" << Escape(text) << "</text>\n";
  }
  out << "</g>\n</svg>\n";
}

}  // namespace

const PortMarkStyle& StyleOf(PortMark m) { return kStyles[static_cast<int>(m)]; }


PortMark PortMarks::At(std::uint16_t port, Transport t) {
  // The worst class the port has: a sensitive service, dead, then malware,
  // unofficial use, then what the registry says; no class at all is
  // justified (assigned or alive, and not sensitive).
  const std::uint16_t mask = classes_.At(port, t);
  const std::pair<FindingClass, PortMark> order[] = {
      {FindingClass::kSensitiveService, PortMark::kSensitive},
      {FindingClass::kDead, PortMark::kDead},
      {FindingClass::kMalwareAssociated, PortMark::kMalware},
      {FindingClass::kUnofficialUse, PortMark::kUnofficial},
      {FindingClass::kDormant, PortMark::kDormant},
      {FindingClass::kUnknown, PortMark::kUnknown},
      {FindingClass::kReserved, PortMark::kReserved},
      {FindingClass::kUnassigned, PortMark::kUnassigned},
      {FindingClass::kDynamicRange, PortMark::kDynamic},
  };
  for (const auto& [c, mark] : order) {
    if (mask & ClassBit(c)) return mark;
  }
  return PortMark::kJustified;
}

void WritePortSpaceSvg(const AuditReport& report, PortMarks& marks, std::ostream& out) {
  Picture(report, marks).Write(out);
}

}  // namespace ghostport::audit::html
