// Who listens on a port today, judged apart from its registration: rows
// generated from kept lists (firewalld's service definitions, Wireshark's
// default dissector ports, nmap's service probes, ufw's application
// profiles) and a small curated list with a vendor source per entry
// (knowledge/alive.toml). Compiled into the program by
// catalog/tools/gen_present_use.py (generated/present_use_data.inc);
// nothing is parsed at run time.
//
// Each row is credited to the service it names, on the transport it names,
// and carries a weight: what that source's word is worth as evidence that
// the port is in use today.
#pragma once

#include "catalog/registry.h"
#include "catalog/usage.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

// How strongly a row says the port is in use today.
enum class PresentWeight : std::uint8_t {
  kHigh,    // firewalld ships it; the vendor documents it (curated)
  kMedium,  // Debian names it (ufw, /etc/services); nmap often finds it open
  kLow,     // a dissector or a scanner's probe expects it; an encyclopedia lists it
};
std::string_view PresentWeightName(PresentWeight w);  // "high", "medium", "low"

// A primary source behind a curated row.
struct Citation {
  std::string_view title;
  std::string_view url;
  std::string_view seen;  // YYYY-MM-DD
};

struct PresentUse {
  std::uint16_t port_low;
  std::uint16_t port_high;  // == port_low for one port
  Transport transport;
  std::string_view key;           // the source's short name: "elasticsearch", "tns"
  std::string_view software;      // what it is, as the source words it
  std::string_view registration;  // the IANA service this use is, when curated so; often empty
  PresentWeight weight;
  const UsageSource* source;
  std::span<const Citation> citations;  // curated rows: the vendor pages
  // Non-empty for a claim that was checked and could not be confirmed
  // (knowledge/unconfirmed.toml): what was checked. Such a row is never evidence.
  std::string_view unconfirmed;
};

class PresentUses {
 public:
  static const PresentUses& Instance();
  std::span<const UsageSource> Sources() const;
  std::span<const PresentUse> All() const;
  // Rows covering `port` on `t`, in (port_low, port_high, source, key) order.
  std::vector<const PresentUse*> At(std::uint16_t port, Transport t) const;

 private:
  constexpr PresentUses() = default;
};

}  // namespace ghostport::catalog
