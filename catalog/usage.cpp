#include "catalog/usage.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

namespace data {

// A maximal run of ports on one transport covered by the same unofficial
// uses: kUnofficialCover[first_cover .. first_cover + cover_count).
struct CoverRun {
  std::uint16_t first_port;
  std::uint16_t last_port;
  std::uint16_t first_cover;
  std::uint16_t cover_count;
};

// One nmap-services entry with an open frequency above 0.
struct ObservationRow {
  std::uint16_t port;
  std::uint16_t name;  // index into kNmapNamesOffsets
  std::uint32_t frequency_ppm;
};

#include "catalog/generated/usage_data.inc"

static_assert(kUnofficialByStartBegin[4] == std::size(kUnofficial));
static_assert(kUnofficialRunBegin[4] == std::size(kUnofficialRuns));
static_assert(kMalwareByPortBegin[4] == std::size(kMalware));
static_assert(kObservationBegin[4] == std::size(kObservations));
static_assert(kEverydayByPortBegin[4] == std::size(kEveryday));
static_assert(kNmapSource < std::size(kSources) && kNetbaseSource < std::size(kSources));

}  // namespace data

namespace {

constexpr std::array<std::string_view, 3> kSourceWeightNames = {"evidence", "indication", "note"};

// The slice [begin[t], begin[t + 1]) of a per-transport table.
template <typename T, std::size_t N>
std::span<const T> Slice(const T (&table)[N], const std::uint32_t (&begin)[5], Transport t) {
  const auto index = static_cast<std::size_t>(t);
  return std::span<const T>(table + begin[index], table + begin[index + 1]);
}

std::string_view NmapName(std::uint16_t id) {
  const std::uint32_t first = data::kNmapNamesOffsets[id];
  return std::string_view(data::kNmapNames + first, data::kNmapNamesOffsets[id + 1] - first);
}

// Rows of a (port_low, port_high, row)-sorted index whose ranges overlap
// [first, last]: the candidates start at most `widest` ports before `first`.
// Returned in index order.
template <typename Row, typename Low, typename High>
std::vector<const Row*> Overlapping(std::span<const std::uint16_t> index, const Row* rows,
                                    std::uint16_t widest, PortRange ports, Low low, High high) {
  assert(ports.first <= ports.last);
  const auto from = static_cast<std::uint16_t>(ports.first > widest ? ports.first - widest : 0);
  auto it = std::partition_point(index.begin(), index.end(),
                                 [&](std::uint16_t i) { return low(rows[i]) < from; });
  std::vector<const Row*> found;
  for (; it != index.end() && low(rows[*it]) <= ports.last; ++it) {
    if (high(rows[*it]) >= ports.first) found.push_back(&rows[*it]);
  }
  return found;
}

// Ports of `t` covered by at least one row of a (low, high)-sorted index.
template <typename Row, typename Low, typename High>
std::size_t CoveredPorts(std::span<const std::uint16_t> index, const Row* rows, Low low,
                         High high) {
  std::size_t covered = 0;
  long next = 0;  // first port not yet counted
  for (std::uint16_t i : index) {
    const long from = std::max<long>(low(rows[i]), next);
    const long to = high(rows[i]);
    if (to >= from) {
      covered += static_cast<std::size_t>(to - from + 1);
      next = to + 1;
    }
  }
  return covered;
}

constexpr auto UseLow = [](const UnofficialUse& u) { return u.port_low; };
constexpr auto UseHigh = [](const UnofficialUse& u) { return u.port_high; };
constexpr auto MalwareLow = [](const MalwareAssociation& m) { return m.port; };
constexpr auto MalwareHigh = [](const MalwareAssociation& m) { return m.port_high; };

}  // namespace

std::string_view SourceWeightName(SourceWeight w) {
  return kSourceWeightNames[static_cast<std::size_t>(w)];
}

const Usage& Usage::Instance() {
  static constinit const Usage kInstance;
  return kInstance;
}

std::span<const UsageSource> Usage::Sources() const { return data::kSources; }
std::span<const UnofficialUse> Usage::UnofficialUses() const { return data::kUnofficial; }
std::span<const MalwareAssociation> Usage::MalwareAssociations() const { return data::kMalware; }
std::span<const EverydayService> Usage::EverydayServices() const { return data::kEveryday; }
const UsageSource& Usage::NmapSource() const { return data::kSources[data::kNmapSource]; }
const UsageSource& Usage::NetbaseSource() const { return data::kSources[data::kNetbaseSource]; }

std::vector<const UnofficialUse*> Usage::UnofficialAt(std::uint16_t port, Transport t) const {
  const auto runs = Slice(data::kUnofficialRuns, data::kUnofficialRunBegin, t);
  // The last run starting at or before `port`; it covers `port` or nothing does.
  auto it = std::partition_point(runs.begin(), runs.end(),
                                 [&](const data::CoverRun& r) { return r.first_port <= port; });
  std::vector<const UnofficialUse*> found;
  if (it == runs.begin() || std::prev(it)->last_port < port) return found;
  const data::CoverRun& run = *std::prev(it);
  found.reserve(run.cover_count);
  for (std::size_t i = 0; i < run.cover_count; ++i) {
    found.push_back(&data::kUnofficial[data::kUnofficialCover[run.first_cover + i]]);
  }
  return found;
}

std::vector<const UnofficialUse*> Usage::UnofficialIn(PortRange ports, Transport t) const {
  return Overlapping(Slice(data::kUnofficialByStart, data::kUnofficialByStartBegin, t),
                     data::kUnofficial, data::kUnofficialWidest[static_cast<std::size_t>(t)],
                     ports, UseLow, UseHigh);
}

std::vector<const MalwareAssociation*> Usage::MalwareAt(std::uint16_t port, Transport t) const {
  std::vector<const MalwareAssociation*> found = MalwareIn(PortRange{port, port}, t);
  // The table is in input order, so address order is source order.
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<const MalwareAssociation*> Usage::MalwareIn(PortRange ports, Transport t) const {
  return Overlapping(Slice(data::kMalwareByPort, data::kMalwareByPortBegin, t), data::kMalware,
                     data::kMalwareWidest[static_cast<std::size_t>(t)], ports, MalwareLow,
                     MalwareHigh);
}

std::optional<Observation> Usage::Observed(std::uint16_t port, Transport t) const {
  const auto rows = Slice(data::kObservations, data::kObservationBegin, t);
  auto it = std::partition_point(rows.begin(), rows.end(),
                                 [&](const data::ObservationRow& r) { return r.port < port; });
  if (it == rows.end() || it->port != port) return std::nullopt;
  return Observation{it->port, t, it->frequency_ppm, NmapName(it->name)};
}

std::vector<const EverydayService*> Usage::Everyday(std::uint16_t port, Transport t) const {
  const auto index = Slice(data::kEverydayByPort, data::kEverydayByPortBegin, t);
  auto it = std::partition_point(index.begin(), index.end(), [&](std::uint16_t i) {
    return data::kEveryday[i].port < port;
  });
  std::vector<const EverydayService*> found;
  for (; it != index.end() && data::kEveryday[*it].port == port; ++it) {
    found.push_back(&data::kEveryday[*it]);
  }
  return found;
}

UsageStats Usage::Stats() const {
  UsageStats stats;
  stats.unofficial = std::size(data::kUnofficial);
  stats.malware = std::size(data::kMalware);
  stats.observations = std::size(data::kObservations);
  stats.everyday = std::size(data::kEveryday);
  for (Transport t : kAllTransports) {
    for (const data::CoverRun& run : Slice(data::kUnofficialRuns, data::kUnofficialRunBegin, t)) {
      stats.unofficial_ports += static_cast<std::size_t>(run.last_port - run.first_port + 1);
    }
    stats.malware_ports += CoveredPorts(Slice(data::kMalwareByPort, data::kMalwareByPortBegin, t),
                                        data::kMalware, MalwareLow, MalwareHigh);
  }
  return stats;
}

}  // namespace ghostport::catalog
