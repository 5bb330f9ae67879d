// The port's present use, judged apart from its registration: every piece of
// evidence that something listens on (port, transport) today, each credited
// to the service it names on the transport it is about, with its weight and
// source. Gathered from the present-use rows (present_use.h), nmap's scan
// data, Debian's services list and the unofficial-use lists (usage.h).
//
//   - nmap: a sighting counts only above the transport's floor — its most
//     common open frequency and everything below it, the quantum of a single
//     hit in nmap's sample rather than a measurement (nmap 7.93: tcp 0.000076
//     shared by 1,969 ports, udp 0.000654 by 3,540). Weight by frequency: high from
//     1% (kNmapHighPpm), medium from 0.1%, low above the floor. It is
//     credited to nmap's name for the port; "unknown" names nobody.
//   - Debian's /etc/services: medium, on the transport it lists.
//   - Unofficial uses: vendor evidence high, community lists low; a use
//     whose rows together span kRangeWideSpan ports or more (one software
//     on one transport: the Wikipedia parse splits League of Legends'
//     5000-5500/udp into 138 rows) says nothing about one port and is kept
//     apart (range_wide), never evidence.
//   - present-use rows: their own weight, a step lighter for a row covering
//     several ports (DDS's 7400-7653: any of them, not this one); the same
//     range-wide rule.
#pragma once

#include "catalog/present_use.h"
#include "catalog/registry.h"
#include "catalog/usage.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

inline constexpr int kRangeWideSpan = 256;
inline constexpr std::uint32_t kNmapHighPpm = 10000;
inline constexpr std::uint32_t kNmapMediumPpm = 1000;

// One piece of evidence that something listens on the port today.
struct PresentEvidence {
  std::string software;   // who listens, as the source names it
  std::string key;        // the source's short name, for matching registrations
  std::string registration;  // the IANA service it is said to be, when a curated row says so
  PresentWeight weight = PresentWeight::kLow;
  const UsageSource* source = nullptr;
  std::span<const Citation> citations;  // primary sources behind a curated row
  std::string detail;     // "open frequency 0.006938", "ports 30000-32767", ...
  // Whether naming a registered service here is evidence that the service is
  // in use: true for observations, Debian, use lists and present-use rows of
  // medium or high weight; false for a dissector's or a probe's expectation.
  bool credits_registration = true;
};

struct PresentState {
  std::vector<PresentEvidence> evidence;          // strongest first, then source order
  std::vector<const UnofficialUse*> range_wide;   // wide rows covering the port: listed, never evidence
  std::vector<const PresentUse*> range_wide_rows;
  std::vector<const PresentUse*> unconfirmed;     // checked, not confirmed: shown, never evidence
  std::optional<PresentWeight> strongest;         // none when there is no evidence
  bool floor_sighting = false;                    // nmap saw it only at the floor value

  // "Oracle Database (Oracle Net listener)" and the like: the distinct
  // software names of the evidence at `at_least` weight or stronger, at most `limit`.
  std::string Names(PresentWeight at_least, std::size_t limit) const;
};

PresentState PresentStateAt(std::uint16_t port, Transport t);

// nmap's floor on `t`, in ppm (see above); 0 when nmap has no data there.
std::uint32_t NmapFloorPpm(Transport t);

// Whether a source's name for a service (`name`, e.g. "etcd-client",
// "llmnr-udp", nmap's "novell-lu6.2") names the registered service `service`:
// the same letters and digits, or one the other's start when the shorter has
// five or more ("llmnr" / "llmnr-udp").
bool NamesRegisteredService(std::string_view name, std::string_view service);

// A use list's software text without the markup its scrape left behind: an
// unbalanced closing brace or bracket and the spaces before it ("Mumble }"),
// wiki external links ("[https://kopia.io/ Kopia]" -> "Kopia").
std::string CleanedSoftware(std::string_view text);

// Stronger first: kHigh < kMedium < kLow as values.
inline bool Stronger(PresentWeight a, PresentWeight b) { return static_cast<int>(a) < static_cast<int>(b); }

}  // namespace ghostport::catalog
