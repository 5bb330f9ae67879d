#include "catalog/present_state.h"

#include "catalog/fold.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>

namespace ghostport::catalog {

namespace {

std::string Frequency(std::uint32_t ppm) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", ppm / 1e6);
  return buffer;
}

std::uint32_t ComputeFloor(Transport t) {
  std::map<std::uint32_t, std::size_t> shared;
  const Usage& usage = Usage::Instance();
  for (std::uint32_t p = 0; p <= 65535; ++p) {
    if (const auto o = usage.Observed(static_cast<std::uint16_t>(p), t)) ++shared[o->frequency_ppm];
  }
  // The most common value: the quantum of a single hit in nmap's sample.
  std::uint32_t floor = 0;
  std::size_t most = 0;
  for (const auto& [ppm, n] : shared) {
    if (n > most) floor = ppm, most = n;
  }
  return floor;
}

PresentWeight NmapWeight(std::uint32_t ppm) {
  return ppm >= kNmapHighPpm ? PresentWeight::kHigh : ppm >= kNmapMediumPpm ? PresentWeight::kMedium : PresentWeight::kLow;
}

PresentWeight UnofficialWeight(const UnofficialUse& use) {
  return use.source->weight == SourceWeight::kEvidence ? PresentWeight::kHigh : PresentWeight::kLow;
}

std::string RangeText(std::uint16_t low, std::uint16_t high) {
  return low == high ? std::string() : "ports " + std::to_string(low) + "-" + std::to_string(high);
}

// The span a use's software covers on its transport over all its rows: the
// Wikipedia parse splits one range into many rows around other entries
// (League of Legends 5000-5500/udp is 138 rows), and the whole range is what
// says whether the use is about one port.
int SoftwareSpan(const UnofficialUse& use) {
  static const auto kSpans = [] {
    std::map<std::pair<std::string_view, Transport>, std::pair<int, int>> spans;
    for (const UnofficialUse& u : Usage::Instance().UnofficialUses()) {
      auto [at, inserted] = spans.try_emplace({u.software, u.transport}, u.port_low, u.port_high);
      if (!inserted) at->second = {std::min<int>(at->second.first, u.port_low), std::max<int>(at->second.second, u.port_high)};
    }
    return spans;
  }();
  const auto& [low, high] = kSpans.at({use.software, use.transport});
  return high - low;
}

}  // namespace

std::string CleanedSoftware(std::string_view text) {
  std::string out;
  // Wiki external links: "[https://kopia.io/ Kopia]" -> "Kopia".
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[' && (text.substr(i + 1, 7) == "http://" || text.substr(i + 1, 8) == "https://")) {
      const std::size_t space = text.find(' ', i);
      const std::size_t close = text.find(']', i);
      if (space != std::string_view::npos && close != std::string_view::npos && space < close) {
        out += text.substr(space + 1, close - space - 1);
        i = close;
        continue;
      }
    }
    out += text[i];
  }
  for (;;) {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.empty() || (out.back() != '}' && out.back() != ']')) break;
    const char open = out.back() == '}' ? '{' : '[';
    if (out.find(open) != std::string::npos) break;  // balanced: the text's own
    out.pop_back();
  }
  return out;
}

bool NamesRegisteredService(std::string_view name, std::string_view service) {
  const std::string a = Folded(name);
  const std::string b = Folded(service);
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  const std::string& shorter = a.size() < b.size() ? a : b;
  const std::string& longer = a.size() < b.size() ? b : a;
  return shorter.size() >= 5 && longer.compare(0, shorter.size(), shorter) == 0;
}

std::uint32_t NmapFloorPpm(Transport t) {
  static const std::array<std::uint32_t, 4> kFloors = {ComputeFloor(Transport::kTcp), ComputeFloor(Transport::kUdp),
                                                       ComputeFloor(Transport::kSctp), ComputeFloor(Transport::kDccp)};
  return kFloors[static_cast<int>(t)];
}

std::string PresentState::Names(PresentWeight at_least, std::size_t limit) const {
  std::vector<std::string> seen;
  std::string out;
  std::size_t more = 0;
  for (const PresentEvidence& e : evidence) {
    if (Stronger(at_least, e.weight) || e.software.empty()) continue;
    const std::string folded = Folded(e.software);
    if (std::find(seen.begin(), seen.end(), folded) != seen.end()) continue;
    seen.push_back(folded);
    if (seen.size() > limit) {
      ++more;
      continue;
    }
    out += (out.empty() ? "" : ", ") + e.software;
  }
  if (more > 0) out += " and " + std::to_string(more) + " more";
  return out;
}

PresentState PresentStateAt(std::uint16_t port, Transport t) {
  PresentState state;
  for (const PresentUse* row : PresentUses::Instance().At(port, t)) {
    if (!row->unconfirmed.empty()) {
      state.unconfirmed.push_back(row);
      continue;
    }
    if (row->port_high - row->port_low >= kRangeWideSpan) {
      state.range_wide_rows.push_back(row);
      continue;
    }
    // A range says the software may use any port in it, not this one: a step lighter.
    const PresentWeight weight = row->port_low == row->port_high || row->weight == PresentWeight::kLow
                                     ? row->weight
                                     : static_cast<PresentWeight>(static_cast<int>(row->weight) + 1);
    state.evidence.push_back({std::string(row->software), std::string(row->key), std::string(row->registration),
                              weight, row->source, row->citations, RangeText(row->port_low, row->port_high),
                              weight != PresentWeight::kLow});
  }
  const Usage& usage = Usage::Instance();
  if (const auto seen = usage.Observed(port, t)) {
    if (seen->frequency_ppm <= NmapFloorPpm(t)) {
      state.floor_sighting = true;
    } else {
      const bool named = seen->nmap_name != "unknown";
      state.evidence.push_back({named ? std::string(seen->nmap_name) : std::string(),
                                named ? std::string(seen->nmap_name) : std::string(), std::string(),
                                NmapWeight(seen->frequency_ppm), &usage.NmapSource(), {},
                                "open frequency " + Frequency(seen->frequency_ppm)});
    }
  }
  for (const EverydayService* e : usage.Everyday(port, t)) {
    state.evidence.push_back({std::string(e->name), std::string(e->name), std::string(), PresentWeight::kMedium,
                              &usage.NetbaseSource(), {}, std::string(e->comment)});
  }
  for (const UnofficialUse* use : usage.UnofficialAt(port, t)) {
    if (SoftwareSpan(*use) >= kRangeWideSpan) {
      state.range_wide.push_back(use);
      continue;
    }
    state.evidence.push_back({CleanedSoftware(use->software), std::string(use->software), std::string(),
                              UnofficialWeight(*use), use->source, {}, RangeText(use->port_low, use->port_high)});
  }
  std::stable_sort(state.evidence.begin(), state.evidence.end(),
                   [](const PresentEvidence& a, const PresentEvidence& b) { return Stronger(a.weight, b.weight); });
  for (const PresentEvidence& e : state.evidence) {
    if (!state.strongest || Stronger(e.weight, *state.strongest)) state.strongest = e.weight;
  }
  return state;
}

}  // namespace ghostport::catalog
