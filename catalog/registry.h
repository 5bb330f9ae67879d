// The IANA Service Name and Transport Protocol Port Number Registry, as a
// read-only table compiled into the program (catalog/generated/
// registry_data.inc, made by catalog/tools/gen_registry.py). Nothing is
// parsed or allocated at run time: records, people and the per-port index are
// constant-initialised arrays, and every string is a view into one char table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

namespace ghostport::catalog {

enum class Transport : std::uint8_t { kTcp, kUdp, kSctp, kDccp };
inline constexpr Transport kAllTransports[] = {Transport::kTcp, Transport::kUdp, Transport::kSctp,
                                               Transport::kDccp};

// What the registry says about one (port, transport).
enum class PortStatus : std::uint8_t {
  kUnassigned,  // an Unassigned record, a withdrawn one, or no record at all
  kReserved,    // a Reserved (or RFC 1700 "any private ...") record
  kAssigned,    // at least one service name holds it
  kDynamic,     // 49152-65535: never assigned (RFC 6335), no records
};

// RFC 6335 section 6 port ranges.
enum class RangeClass : std::uint8_t { kSystem, kUser, kDynamic };

// What one record is: a service registration, or a Reserved/Unassigned entry.
enum class RecordKind : std::uint8_t { kService, kReserved, kUnassigned };

struct PortRange {
  std::uint16_t first;
  std::uint16_t last;
};
inline constexpr PortRange kSystemPorts{0, 1023};
inline constexpr PortRange kUserPorts{1024, 49151};
inline constexpr PortRange kDynamicPorts{49152, 65535};

RangeClass RangeClassOf(std::uint16_t port);
std::string_view TransportName(Transport t);                   // "tcp", "udp", "sctp", "dccp"
std::optional<Transport> ParseTransport(std::string_view text);  // case-insensitive
std::string_view PortStatusName(PortStatus s);                 // "assigned", ...
std::string_view RangeClassName(RangeClass r);                 // "system", "user", "dynamic"
std::string_view RecordKindName(RecordKind k);                 // "service", "reserved", "unassigned"

// Index of a string in the generated table; 0 is the empty string.
using StringId = std::uint16_t;

// A read-only list of table entries picked by 16-bit indices (people of a
// record, records of a name). Iterates as `const T&`.
template <typename T>
class IndexedList {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    Iterator() = default;
    Iterator(const T* base, const std::uint16_t* at) : base_(base), at_(at) {}
    const T& operator*() const { return base_[*at_]; }
    const T* operator->() const { return &base_[*at_]; }
    Iterator& operator++() { ++at_; return *this; }
    Iterator operator++(int) { Iterator old = *this; ++at_; return old; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.at_ == b.at_; }

   private:
    const T* base_ = nullptr;
    const std::uint16_t* at_ = nullptr;
  };

  constexpr IndexedList() = default;
  constexpr IndexedList(const T* base, std::span<const std::uint16_t> indices)
      : base_(base), indices_(indices) {}
  std::size_t size() const { return indices_.size(); }
  bool empty() const { return indices_.empty(); }
  const T& operator[](std::size_t i) const { return base_[indices_[i]]; }
  const T& front() const { return (*this)[0]; }
  Iterator begin() const { return Iterator(base_, indices_.data()); }
  Iterator end() const { return Iterator(base_, indices_.data() + indices_.size()); }

 private:
  const T* base_ = nullptr;
  std::span<const std::uint16_t> indices_;
};

// One entry of the registry's <people> list. Strings are views into the
// program's constant table (valid for the program's lifetime).
struct Person {
  StringId id_;       // raw IANA person id, e.g. "Eric_Lan"
  StringId name_;     // "Eric Lan" (may be empty for organisations)
  StringId org_;      // organisation, often empty
  StringId uri_;      // "mailto:elan&d2k.com" as IANA writes it (& for @)
  StringId updated_;  // date the person entry was last updated, often empty

  std::string_view Id() const;
  std::string_view Name() const;
  std::string_view Org() const;
  std::string_view Uri() const;
  std::string_view Updated() const;
  // Name, else organisation, else the raw id.
  std::string_view DisplayName() const;
};
using PersonList = IndexedList<Person>;

// One <record> of the registry. A plain aggregate of small integers (the
// generated table initialises it); read it through the accessors.
struct RegistryRecord {
  StringId name_;          // service name, empty for Unassigned/Reserved entries
  StringId description_;
  StringId note_;          // assignment notes (and footnotes the record cites)
  StringId unauthorized_;  // "Unauthorized Use Reported"
  StringId references_;    // "[RFC4251]", "[RFC6335][draft-...]", as IANA's CSV writes them
  StringId registered_;    // registration date, YYYY-MM or YYYY-MM-DD, or empty
  StringId modified_;      // modification date, same forms, or empty
  StringId service_code_;  // DCCP service code, rarely set
  std::uint32_t people_first_;
  std::uint16_t source_index_;  // position among the input file's records
  std::uint16_t port_low_;
  std::uint16_t port_high_;
  std::uint8_t transport_;  // 0: none given (applies to all), else Transport + 1
  std::uint8_t kind_;
  std::uint8_t assignee_count_;
  std::uint8_t contact_count_;
  std::uint8_t flags_;

  static constexpr std::uint8_t kHasPort = 1;
  static constexpr std::uint8_t kAssigneeFromContact = 2;

  std::string_view Name() const;
  std::string_view Description() const;
  std::string_view AssignmentNotes() const;
  std::string_view UnauthorizedUse() const;
  std::string_view References() const;
  std::string_view Registered() const;
  std::string_view Modified() const;
  std::string_view ServiceCode() const;

  RecordKind Kind() const { return static_cast<RecordKind>(kind_); }
  // False for service-name-only (DNS-SD) records.
  bool HasPort() const { return (flags_ & kHasPort) != 0; }
  std::uint16_t PortLow() const { return port_low_; }
  std::uint16_t PortHigh() const { return port_high_; }
  bool IsRange() const { return HasPort() && port_low_ != port_high_; }
  // The record's transport; nullopt when the record names none (it then
  // applies to every transport, as Unassigned ranges do).
  std::optional<Transport> OnlyTransport() const;
  std::string_view TransportText() const;  // "tcp", ..., or "" when none
  bool AppliesTo(Transport t) const;
  bool Covers(std::uint16_t port, Transport t) const;

  // Resolved through the registry's <people>. When the XML names no
  // <assignee>, the contact stands in as assignee (as IANA's CSV does) and
  // AssigneeFromContact() says so.
  PersonList Assignees() const;
  PersonList Contacts() const;
  bool AssigneeFromContact() const { return (flags_ & kAssigneeFromContact) != 0; }
  std::uint32_t SourceIndex() const { return source_index_; }
};
using RecordList = IndexedList<RegistryRecord>;

// A maximal run of ports with the same records and status on one transport.
struct PortRun {
  PortRange ports;
  PortStatus status;
  std::span<const RegistryRecord> records;
};

struct RegistrySource {
  std::string_view file;     // input the table was generated from
  std::string_view updated;  // the registry's <updated> date
  std::string_view sha256;   // of the input file
};

struct RegistryStats {
  std::size_t records = 0;
  std::size_t people = 0;
  std::size_t by_transport[5] = {};  // tcp, udp, sctp, dccp, none
  std::size_t services = 0;          // records of kind kService
  std::size_t reserved = 0;
  std::size_t unassigned = 0;
  std::size_t ranges = 0;            // records covering more than one port
  std::size_t name_only = 0;         // records without a port
  std::size_t distinct_names = 0;    // case-insensitive
  // Ports per transport (index Transport) and status (index PortStatus).
  std::size_t ports[4][4] = {};
};

class Registry {
 public:
  // The compiled-in registry. Constant-initialised: costs nothing to get.
  static const Registry& Instance();

  // Every record, ordered by (first port, last port, transport, file order),
  // service-name-only records last.
  std::span<const RegistryRecord> Records() const;
  std::span<const Person> People() const;

  // All records covering `port` on `t` (records naming `t` and records
  // naming no transport): several service names, ranges, or nothing.
  std::span<const RegistryRecord> Lookup(std::uint16_t port, Transport t) const;
  // Records with this service name, case-insensitive (RFC 6335 section 5.1).
  RecordList ByName(std::string_view name) const;
  PortStatus Status(std::uint16_t port, Transport t) const;
  // The run of ports around `port` sharing its records and status; walk a
  // whole transport with Run(0), Run(last + 1), ...
  PortRun Run(std::uint16_t port, Transport t) const;

  RegistryStats Stats() const;
  RegistrySource Source() const;

 private:
  constexpr Registry() = default;
};

}  // namespace ghostport::catalog
