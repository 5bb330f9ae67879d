#include "catalog/registry.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <string_view>

namespace ghostport::catalog {

namespace data {

// A maximal run of ports on one transport with the same covering records.
struct Segment {
  std::uint16_t first_port;
  std::uint16_t last_port;
  std::uint8_t status;
  std::uint8_t record_count;
  std::uint32_t first_record;
};

#include "catalog/generated/registry_data.inc"

static_assert(sizeof(RegistryRecord) == 32, "keep the record table compact");
static_assert(kSegmentBegin[4] == std::size(kSegments));

}  // namespace data

namespace {

std::string_view String(StringId id) {
  const std::uint32_t begin = data::kStringOffsets[id];
  return std::string_view(data::kStrings + begin, data::kStringOffsets[id + 1] - begin);
}

struct TransportInfo {
  Transport transport;
  std::string_view name;
};
constexpr std::array<TransportInfo, 4> kTransportInfo = {{
    {Transport::kTcp, "tcp"},
    {Transport::kUdp, "udp"},
    {Transport::kSctp, "sctp"},
    {Transport::kDccp, "dccp"},
}};

constexpr std::array<std::string_view, 4> kPortStatusNames = {"unassigned", "reserved", "assigned",
                                                              "dynamic"};
constexpr std::array<std::string_view, 3> kRangeClassNames = {"system", "user", "dynamic"};
constexpr std::array<std::string_view, 3> kRecordKindNames = {"service", "reserved", "unassigned"};

struct RangeClassRow {
  PortRange ports;
  RangeClass range_class;
};
constexpr std::array<RangeClassRow, 3> kRangeClasses = {{
    {kSystemPorts, RangeClass::kSystem},
    {kUserPorts, RangeClass::kUser},
    {kDynamicPorts, RangeClass::kDynamic},
}};

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Three-way case-insensitive (ASCII) comparison.
int CompareFolded(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = Lower(a[i]);
    const char y = Lower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

std::span<const data::Segment> SegmentsOf(Transport t) {
  const auto index = static_cast<std::size_t>(t);
  return std::span<const data::Segment>(data::kSegments + data::kSegmentBegin[index],
                                        data::kSegments + data::kSegmentBegin[index + 1]);
}

const data::Segment& SegmentAt(std::uint16_t port, Transport t) {
  const auto segments = SegmentsOf(t);
  // Segments tile 0-65535, so the last one starting at or before `port` holds it.
  const auto after = std::upper_bound(
      segments.begin(), segments.end(), port,
      [](std::uint16_t p, const data::Segment& s) { return p < s.first_port; });
  assert(after != segments.begin());
  return *std::prev(after);
}

std::span<const RegistryRecord> RecordsOf(const data::Segment& s) {
  return std::span<const RegistryRecord>(data::kRecords + s.first_record, s.record_count);
}

}  // namespace

RangeClass RangeClassOf(std::uint16_t port) {
  for (const auto& row : kRangeClasses) {
    if (port >= row.ports.first && port <= row.ports.last) return row.range_class;
  }
  assert(false && "the range classes cover every port");
  return RangeClass::kDynamic;
}

std::string_view TransportName(Transport t) { return kTransportInfo[static_cast<std::size_t>(t)].name; }

std::optional<Transport> ParseTransport(std::string_view text) {
  for (const auto& info : kTransportInfo) {
    if (CompareFolded(text, info.name) == 0) return info.transport;
  }
  return std::nullopt;
}

std::string_view PortStatusName(PortStatus s) { return kPortStatusNames[static_cast<std::size_t>(s)]; }
std::string_view RangeClassName(RangeClass r) { return kRangeClassNames[static_cast<std::size_t>(r)]; }
std::string_view RecordKindName(RecordKind k) { return kRecordKindNames[static_cast<std::size_t>(k)]; }

std::string_view Person::Id() const { return String(id_); }
std::string_view Person::Name() const { return String(name_); }
std::string_view Person::Org() const { return String(org_); }
std::string_view Person::Uri() const { return String(uri_); }
std::string_view Person::Updated() const { return String(updated_); }
std::string_view Person::DisplayName() const {
  if (name_ != 0) return Name();
  if (org_ != 0) return Org();
  return Id();
}

std::string_view RegistryRecord::Name() const { return String(name_); }
std::string_view RegistryRecord::Description() const { return String(description_); }
std::string_view RegistryRecord::AssignmentNotes() const { return String(note_); }
std::string_view RegistryRecord::UnauthorizedUse() const { return String(unauthorized_); }
std::string_view RegistryRecord::References() const { return String(references_); }
std::string_view RegistryRecord::Registered() const { return String(registered_); }
std::string_view RegistryRecord::Modified() const { return String(modified_); }
std::string_view RegistryRecord::ServiceCode() const { return String(service_code_); }

std::optional<Transport> RegistryRecord::OnlyTransport() const {
  if (transport_ == 0) return std::nullopt;
  return static_cast<Transport>(transport_ - 1);
}

std::string_view RegistryRecord::TransportText() const {
  return transport_ == 0 ? std::string_view() : kTransportInfo[transport_ - 1u].name;
}

bool RegistryRecord::AppliesTo(Transport t) const {
  return transport_ == 0 || transport_ == static_cast<std::uint8_t>(t) + 1u;
}

bool RegistryRecord::Covers(std::uint16_t port, Transport t) const {
  return HasPort() && AppliesTo(t) && port >= port_low_ && port <= port_high_;
}

PersonList RegistryRecord::Assignees() const {
  return PersonList(data::kPeople, std::span(data::kPersonRefs + people_first_, assignee_count_));
}

PersonList RegistryRecord::Contacts() const {
  return PersonList(data::kPeople,
                    std::span(data::kPersonRefs + people_first_ + assignee_count_, contact_count_));
}

const Registry& Registry::Instance() {
  static constinit const Registry kInstance;
  return kInstance;
}

std::span<const RegistryRecord> Registry::Records() const {
  return std::span<const RegistryRecord>(data::kRecords, data::kRecordCount);
}

std::span<const Person> Registry::People() const {
  return std::span<const Person>(data::kPeople, data::kPeopleCount);
}

std::span<const RegistryRecord> Registry::Lookup(std::uint16_t port, Transport t) const {
  return RecordsOf(SegmentAt(port, t));
}

RecordList Registry::ByName(std::string_view name) const {
  const std::span<const std::uint16_t> all(data::kByName);
  const auto [first, last] = std::equal_range(
      all.begin(), all.end(), name,
      [](const auto& a, const auto& b) {
        // Heterogeneous: one side is an index, the other the name sought.
        auto text = [](const auto& v) -> std::string_view {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string_view>) {
            return v;
          } else {
            return data::kRecords[v].Name();
          }
        };
        return CompareFolded(text(a), text(b)) < 0;
      });
  return RecordList(data::kRecords, all.subspan(static_cast<std::size_t>(first - all.begin()),
                                                static_cast<std::size_t>(last - first)));
}

PortStatus Registry::Status(std::uint16_t port, Transport t) const {
  return static_cast<PortStatus>(SegmentAt(port, t).status);
}

PortRun Registry::Run(std::uint16_t port, Transport t) const {
  const data::Segment& s = SegmentAt(port, t);
  return PortRun{{s.first_port, s.last_port}, static_cast<PortStatus>(s.status), RecordsOf(s)};
}

RegistryStats Registry::Stats() const {
  RegistryStats stats;
  stats.records = data::kRecordCount;
  stats.people = data::kPeopleCount;
  for (const RegistryRecord& r : Records()) {
    ++stats.by_transport[r.transport_ == 0 ? 4 : r.transport_ - 1u];
    constexpr std::size_t RegistryStats::*kByKind[] = {&RegistryStats::services, &RegistryStats::reserved,
                                                       &RegistryStats::unassigned};
    ++(stats.*kByKind[r.kind_]);
    if (r.IsRange()) ++stats.ranges;
    if (!r.HasPort()) ++stats.name_only;
  }
  std::string_view previous;
  for (std::uint16_t index : data::kByName) {
    const std::string_view name = data::kRecords[index].Name();
    if (stats.distinct_names == 0 || CompareFolded(name, previous) != 0) ++stats.distinct_names;
    previous = name;
  }
  for (Transport t : kAllTransports) {
    for (const data::Segment& s : SegmentsOf(t)) {
      stats.ports[static_cast<std::size_t>(t)][s.status] +=
          static_cast<std::size_t>(s.last_port - s.first_port) + 1;
    }
  }
  return stats;
}

RegistrySource Registry::Source() const {
  return RegistrySource{String(data::kSourceFile), String(data::kSourceUpdated),
                        String(data::kSourceSha256)};
}

}  // namespace ghostport::catalog
