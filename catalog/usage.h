// What is known to use ports, beside their registrations: unofficial uses
// (software that uses a port without or against its registration), malware
// associations, nmap's observed open frequencies and Debian's everyday
// services list. Compiled into the program as constant tables
// (catalog/generated/usage_data.inc, made by catalog/tools/gen_usage.py);
// nothing is parsed or allocated at run time.
//
// Every fact names its source, and every source says how old its list is and
// how much weight it carries: a trojan list compiled in 2018 from 1990s lists
// is a note, not a verdict.
#pragma once

#include "catalog/registry.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

// How much a list's word counts when judging what listens on a port.
enum class SourceWeight : std::uint8_t {
  kEvidence,    // vendor documentation: the product uses this port
  kIndication,  // a maintained community list: likely, not proven
  kNote,        // an old or unmaintained list: worth a look, never a verdict
};
std::string_view SourceWeightName(SourceWeight w);  // "evidence", "indication", "note"

// One list the usage tables were built from.
struct UsageSource {
  std::string_view id;        // short stable key, e.g. "wikipedia-ports-2026-02-17"
  std::string_view title;     // what it is, as SOURCES.md names it
  std::string_view location;  // URL or repository@commit path
  std::string_view as_of;     // date of the list's content, YYYY-MM-DD (or YYYY)
  SourceWeight weight;
  std::string_view weight_reason;  // one sentence: why this weight
};

// Software that uses ports unofficially.
struct UnofficialUse {
  std::uint16_t port_low;
  std::uint16_t port_high;  // == port_low for a single port
  Transport transport;
  std::string_view software;  // as the source words it (markup stripped); empty on
                              // the two Wikipedia rows that name none
  const UsageSource* source;
};

// Malware (trojans, backdoors, DDoS tools) reported on a port, or on a few
// ports (a Snort rule on 12345-12346: `port` to `port_high`).
struct MalwareAssociation {
  std::uint16_t port;  // the first port
  Transport transport;
  std::string_view names;  // as the source lists them, e.g. "NetBus, NetBus Pro"
  std::string_view note;   // the source's note (Snort sid, "commented out", ...), may be empty
  const UsageSource* source;
  // The part of the source the row comes from when the source is several
  // files (Snort: "rules/backdoor.rules"); empty otherwise.
  std::string_view source_detail;
  std::uint16_t port_high;  // == port for a single port
};

// A port nmap's scan data has seen open (nmap-services open frequency > 0).
struct Observation {
  std::uint16_t port;
  Transport transport;
  std::uint32_t frequency_ppm;  // open frequency in parts per million (0.000123 -> 123)
  std::string_view nmap_name;   // nmap's name for the port ("unknown" is common)
};

// A line of Debian's /etc/services (package netbase).
struct EverydayService {
  std::uint16_t port;
  Transport transport;
  std::string_view name;
  std::string_view aliases;  // space-separated, often empty ("mail" for smtp)
  std::string_view comment;  // the line's "# ..." text, often empty
};

struct UsageStats {
  std::size_t unofficial = 0;         // rows
  std::size_t unofficial_ports = 0;   // distinct (port, transport) covered
  std::size_t malware = 0;            // rows
  std::size_t malware_ports = 0;      // distinct (port, transport) covered
  std::size_t observations = 0;       // nmap entries with frequency > 0
  std::size_t everyday = 0;           // /etc/services entries
};

class Usage {
 public:
  // The compiled-in tables. Constant-initialised: costs nothing to get.
  static const Usage& Instance();

  std::span<const UsageSource> Sources() const;

  // Every row of each table, in input order (the order *At keeps).
  std::span<const UnofficialUse> UnofficialUses() const;
  std::span<const MalwareAssociation> MalwareAssociations() const;
  std::span<const EverydayService> EverydayServices() const;

  // Uses covering `port` on `t`, in source order (the order of the input
  // rows), ranges included.
  std::vector<const UnofficialUse*> UnofficialAt(std::uint16_t port, Transport t) const;
  // Uses overlapping [first, last] on `t`, sorted by (port_low, port_high,
  // source order); each listed once.
  std::vector<const UnofficialUse*> UnofficialIn(PortRange ports, Transport t) const;

  // Associations covering `port`, in source order (the order of the input
  // rows), ranges included.
  std::vector<const MalwareAssociation*> MalwareAt(std::uint16_t port, Transport t) const;
  // Associations overlapping [first, last], sorted by (port, port_high,
  // source order); each listed once.
  std::vector<const MalwareAssociation*> MalwareIn(PortRange ports, Transport t) const;

  // nmap's observation of the port, if nmap has seen it open at all.
  std::optional<Observation> Observed(std::uint16_t port, Transport t) const;
  // Debian's /etc/services names for the port (usually 0 or 1), in file order.
  std::vector<const EverydayService*> Everyday(std::uint16_t port, Transport t) const;

  // The nmap-services and netbase versions the tables came from, as sources.
  const UsageSource& NmapSource() const;
  const UsageSource& NetbaseSource() const;

  UsageStats Stats() const;

 private:
  constexpr Usage() = default;
};

}  // namespace ghostport::catalog
