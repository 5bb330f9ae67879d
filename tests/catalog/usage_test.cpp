#include "catalog/usage.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace ghostport::catalog {

// Boost.Test prints compared values; found by ADL, local to this file.
static std::ostream& operator<<(std::ostream& out, SourceWeight w) {
  return out << SourceWeightName(w);
}

namespace {

// ---------------------------------------------------------------------------
// The source lists, read here independently of the generator.

const std::string kSharedSources = GHOSTPORT_SOURCE_DIR "/../shared/catalog-sources";
const std::string kUnofficialTsv = kSharedSources + "/unofficial-uses.tsv";
const std::string kTrojanTsv = kSharedSources + "/trojan-ports.tsv";
const std::string kNmapServices = "/usr/share/nmap/nmap-services";

std::vector<std::string> Split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, separator)) fields.push_back(field);
  if (!line.empty() && line.back() == separator) fields.emplace_back();
  return fields;
}

// Data rows (header dropped), each split on tabs.
std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) rows.push_back(Split(line, '\t'));
  return rows;
}

const std::vector<std::vector<std::string>>& UnofficialRows() {
  static const auto rows = ReadTsv(kUnofficialTsv);
  return rows;
}

const std::vector<std::vector<std::string>>& TrojanRows() {
  static const auto rows = ReadTsv(kTrojanTsv);
  return rows;
}

bool SharedAvailable() {
  return std::filesystem::exists(kUnofficialTsv) && std::filesystem::exists(kTrojanTsv);
}

boost::test_tools::assertion_result NeedsShared(boost::unit_test::test_unit_id) {
  if (SharedAvailable()) return true;
  boost::test_tools::assertion_result result(false);
  result.message() << "SKIPPED: " << kUnofficialTsv << " or " << kTrojanTsv
                   << " not found (no shared/ checkout); only the compiled-in invariants are checked";
  BOOST_TEST_MESSAGE("SKIPPED: usage source lists in " << kSharedSources << " not found");
  return result;
}

// The source a TSV row belongs to, by how its source column begins (restated
// from shared/catalog-sources/SOURCES.md, not taken from the generator).
struct SourcePrefix {
  std::string_view prefix;
  std::string_view id;
};
constexpr SourcePrefix kSourcePrefixes[] = {
    {"Wikipedia \"List of TCP and UDP port numbers\" rev 1338759312 (2026-02-17)",
     "wikipedia-ports-2026-02-17"},
    {"Oracle Key Manager 3 docs", "oracle-okm3-kma-ports"},
    {"OpenVAS NASL trojan_horses.nasl rev 12057 (2018-10-24)", "openvas-trojan-horses-2018-10-24"},
    {"Snort rules (VRT/community, 2005-2018 era)", "snort-rules-2005-2018"},
    {"nmap-services (Nmap 7.93", "nmap-services-7.93-trojans"},
};

std::string_view ExpectedSourceId(std::string_view column) {
  for (const auto& [prefix, id] : kSourcePrefixes) {
    if (column.substr(0, prefix.size()) == prefix) return id;
  }
  return "(unknown source)";
}

std::string PortText(std::uint16_t low, std::uint16_t high) {
  return low == high ? std::to_string(low) : std::to_string(low) + "-" + std::to_string(high);
}

// ---------------------------------------------------------------------------

const Usage& U() { return Usage::Instance(); }

bool Contains(std::string_view text, std::string_view word) {
  return text.find(word) != std::string_view::npos;
}

// Transports the lookups are checked on exhaustively.
constexpr Transport kTransports[] = {Transport::kTcp, Transport::kUdp, Transport::kSctp,
                                     Transport::kDccp};

// Per port of `t`, the rows of `rows` covering it, in row order: a brute-force
// restatement of the *At lookups over the compiled rows.
template <typename Row, typename Low, typename High>
std::vector<std::vector<const Row*>> CoverByPort(std::span<const Row> rows, Transport t, Low low,
                                                 High high) {
  std::vector<std::vector<const Row*>> cover(65536);
  for (const Row& row : rows) {
    if (row.transport != t) continue;
    for (std::uint32_t p = low(row); p <= high(row); ++p) cover[p].push_back(&row);
  }
  return cover;
}

constexpr auto UseLow = [](const UnofficialUse& u) { return u.port_low; };
constexpr auto UseHigh = [](const UnofficialUse& u) { return u.port_high; };
constexpr auto MalwareLow = [](const MalwareAssociation& m) { return m.port; };
constexpr auto MalwareHigh = [](const MalwareAssociation& m) { return m.port_high; };

// Brute-force UnofficialIn: overlapping rows sorted by (low, high, row).
std::vector<const UnofficialUse*> ExpectedUnofficialIn(PortRange ports, Transport t) {
  std::vector<const UnofficialUse*> found;
  for (const UnofficialUse& u : U().UnofficialUses()) {
    if (u.transport == t && u.port_low <= ports.last && u.port_high >= ports.first) {
      found.push_back(&u);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const UnofficialUse* a, const UnofficialUse* b) {
    return std::tie(a->port_low, a->port_high) < std::tie(b->port_low, b->port_high);
  });
  return found;
}

std::vector<const MalwareAssociation*> ExpectedMalwareIn(PortRange ports, Transport t) {
  std::vector<const MalwareAssociation*> found;
  for (const MalwareAssociation& m : U().MalwareAssociations()) {
    if (m.transport == t && m.port <= ports.last && m.port_high >= ports.first) found.push_back(&m);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const MalwareAssociation* a, const MalwareAssociation* b) {
                     return std::tie(a->port, a->port_high) < std::tie(b->port, b->port_high);
                   });
  return found;
}

bool IsDate(std::string_view s) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (s.size() < from + n) return false;
    return std::all_of(s.begin() + from, s.begin() + from + n,
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (s.size() == 4) return digits(0, 4);
  return s.size() == 10 && digits(0, 4) && s[4] == '-' && digits(5, 2) && s[7] == '-' &&
         digits(8, 2);
}

const UsageSource* SourceById(std::string_view id) {
  for (const UsageSource& s : U().Sources()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(usage_against_source_lists)

BOOST_AUTO_TEST_CASE(unofficial_rows_match_the_tsv_row_for_row,
                     *boost::unit_test::precondition(NeedsShared)) {
  const auto& rows = UnofficialRows();
  const auto uses = U().UnofficialUses();
  BOOST_TEST(rows.size() == 1502u);
  BOOST_TEST_REQUIRE(uses.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST_CONTEXT("unofficial-uses.tsv line " << i + 2) {
      const auto& row = rows[i];
      BOOST_TEST_REQUIRE(row.size() == 4u);
      BOOST_TEST(PortText(uses[i].port_low, uses[i].port_high) == row[0]);
      BOOST_TEST(TransportName(uses[i].transport) == row[1]);
      BOOST_TEST(uses[i].software == row[2]);
      BOOST_TEST(uses[i].source->id == ExpectedSourceId(row[3]));
    }
  }
}

BOOST_AUTO_TEST_CASE(malware_rows_match_the_tsv_row_for_row,
                     *boost::unit_test::precondition(NeedsShared)) {
  const auto& rows = TrojanRows();
  const auto malware = U().MalwareAssociations();
  BOOST_TEST(rows.size() == 1594u);
  BOOST_TEST_REQUIRE(malware.size() == rows.size());
  std::map<std::string_view, std::size_t> per_source;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST_CONTEXT("trojan-ports.tsv line " << i + 2) {
      const auto& row = rows[i];
      BOOST_TEST_REQUIRE(row.size() == 5u);
      const MalwareAssociation& m = malware[i];
      BOOST_TEST(PortText(m.port, m.port_high) == row[0]);
      BOOST_TEST(TransportName(m.transport) == row[1]);
      BOOST_TEST(m.names == row[2]);
      BOOST_TEST(m.note == row[4]);
      BOOST_TEST(m.source->id == ExpectedSourceId(row[3]));
      // Snort rows name their rules file after the source; other sources none.
      const std::size_t rules = row[3].find(" rules/");
      if (m.source->id == "snort-rules-2005-2018") {
        BOOST_TEST_REQUIRE(rules != std::string::npos);
        BOOST_TEST(m.source_detail == row[3].substr(rules + 1));
      } else {
        BOOST_TEST(m.source_detail.empty());
      }
      ++per_source[m.source->id];
    }
  }
  BOOST_TEST(per_source["openvas-trojan-horses-2018-10-24"] == 1036u);
  BOOST_TEST(per_source["snort-rules-2005-2018"] == 542u);
  BOOST_TEST(per_source["nmap-services-7.93-trojans"] == 16u);
}

BOOST_AUTO_TEST_CASE(coverage_counts_match_the_tsv, *boost::unit_test::precondition(NeedsShared)) {
  std::set<std::pair<std::string, long>> unofficial, malware;
  for (const auto& lists : {std::make_pair(&UnofficialRows(), &unofficial),
                            std::make_pair(&TrojanRows(), &malware)}) {
    for (const auto& row : *lists.first) {
      const auto dash = row[0].find('-');
      const long low = std::stol(row[0].substr(0, dash));
      const long high = dash == std::string::npos ? low : std::stol(row[0].substr(dash + 1));
      for (long p = low; p <= high; ++p) lists.second->insert({row[1], p});
    }
  }
  BOOST_TEST(U().Stats().unofficial_ports == unofficial.size());
  BOOST_TEST(U().Stats().malware_ports == malware.size());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(usage_nmap_services)

// Held against nmap-services when the installed file is the one compiled in
// (its $Id line names the same revision and date).
BOOST_AUTO_TEST_CASE(observations_match_the_installed_nmap_services) {
  std::ifstream in(kNmapServices);
  if (!in) {
    BOOST_TEST_MESSAGE("SKIPPED: " << kNmapServices << " not installed (Debian nmap-common)");
    return;
  }
  std::string line, id_line;
  std::vector<std::vector<std::string>> entries;
  while (std::getline(in, line)) {
    if (line.rfind("# $Id: ", 0) == 0) id_line = line;
    if (!line.empty() && line[0] != '#') entries.push_back(Split(line, '\t'));
  }
  // "$Id: nmap-services 38442 2022-08-31 ..." vs the source's "$Id 38442 2022-08-31".
  const std::string_view title = U().NmapSource().title;
  const std::size_t at = title.find("$Id ");
  BOOST_TEST_REQUIRE(at != std::string_view::npos);
  const std::string revision(title.substr(at + 4, title.find(')', at) - at - 4));
  if (id_line.find("nmap-services " + revision + " ") == std::string::npos) {
    BOOST_TEST_MESSAGE("SKIPPED: installed " << kNmapServices << " (" << id_line
                                             << ") is not the compiled-in " << revision);
    return;
  }
  std::size_t open = 0;
  for (const auto& entry : entries) {
    BOOST_TEST_CONTEXT(entry[0] << " " << entry[1]) {
      const auto slash = entry[1].find('/');
      const auto port = static_cast<std::uint16_t>(std::stoul(entry[1].substr(0, slash)));
      const auto transport = ParseTransport(entry[1].substr(slash + 1));
      BOOST_TEST_REQUIRE(transport.has_value());
      const double frequency = std::stod(entry[2]);
      const auto observed = U().Observed(port, *transport);
      if (frequency > 0) {
        ++open;
        BOOST_TEST_REQUIRE(observed.has_value());
        BOOST_TEST(observed->frequency_ppm == static_cast<std::uint32_t>(frequency * 1e6 + 0.5));
        BOOST_TEST(observed->nmap_name == entry[0]);
      } else {
        BOOST_TEST(!observed.has_value());
      }
    }
  }
  BOOST_TEST(entries.size() == 27440u);
  BOOST_TEST(open == U().Stats().observations);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Compiled-in invariants and known facts: no input files needed.

BOOST_AUTO_TEST_SUITE(usage_tables)

BOOST_AUTO_TEST_CASE(counts_are_todays_tables) {
  const UsageStats s = U().Stats();
  BOOST_TEST(s.unofficial == 1502u);
  BOOST_TEST(s.unofficial_ports == 29649u);
  BOOST_TEST(s.malware == 1594u);
  BOOST_TEST(s.malware_ports == 1125u);
  BOOST_TEST(s.observations == 19874u);
  BOOST_TEST(s.everyday == 314u);
  BOOST_TEST(U().UnofficialUses().size() == s.unofficial);
  BOOST_TEST(U().MalwareAssociations().size() == s.malware);
  BOOST_TEST(U().EverydayServices().size() == s.everyday);
}

BOOST_AUTO_TEST_CASE(every_source_says_what_it_is_how_old_and_how_much_it_weighs) {
  const auto sources = U().Sources();
  BOOST_TEST(sources.size() == 7u);
  std::set<std::string_view> ids;
  for (const UsageSource& s : sources) {
    BOOST_TEST_CONTEXT(s.id) {
      BOOST_TEST(!s.id.empty());
      BOOST_TEST(!s.title.empty());
      BOOST_TEST(!s.location.empty());
      BOOST_TEST(IsDate(s.as_of));
      BOOST_TEST(!s.weight_reason.empty());
      BOOST_TEST(ids.insert(s.id).second);
    }
  }
  const struct {
    std::string_view id;
    SourceWeight weight;
    std::string_view as_of;
  } kExpected[] = {
      {"wikipedia-ports-2026-02-17", SourceWeight::kIndication, "2026-02-17"},
      {"oracle-okm3-kma-ports", SourceWeight::kEvidence, "2026-11-22"},
      {"openvas-trojan-horses-2018-10-24", SourceWeight::kNote, "2018-10-24"},
      {"snort-rules-2005-2018", SourceWeight::kNote, "2018"},
      {"nmap-services-7.93-trojans", SourceWeight::kNote, "2022-08-31"},
      {"nmap-services-7.93", SourceWeight::kIndication, "2022-08-31"},
      {"debian-netbase-6.4", SourceWeight::kIndication, "2022-10-18"},
  };
  for (const auto& expected : kExpected) {
    BOOST_TEST_CONTEXT(expected.id) {
      const UsageSource* s = SourceById(expected.id);
      BOOST_TEST_REQUIRE(s != nullptr);
      BOOST_TEST(s->weight == expected.weight);
      BOOST_TEST(s->as_of == expected.as_of);
      if (s->weight == SourceWeight::kNote) BOOST_TEST(Contains(s->weight_reason, "not a verdict"));
    }
  }
  BOOST_TEST(U().NmapSource().id == "nmap-services-7.93");
  BOOST_TEST(U().NetbaseSource().id == "debian-netbase-6.4");
  BOOST_TEST(SourceWeightName(SourceWeight::kEvidence) == "evidence");
  BOOST_TEST(SourceWeightName(SourceWeight::kIndication) == "indication");
  BOOST_TEST(SourceWeightName(SourceWeight::kNote) == "note");
}

BOOST_AUTO_TEST_CASE(every_row_points_at_a_listed_source_of_its_kind) {
  const auto sources = U().Sources();
  auto listed = [&](const UsageSource* s) {
    return s >= sources.data() && s < sources.data() + sources.size();
  };
  for (const UnofficialUse& u : U().UnofficialUses()) {
    BOOST_TEST_REQUIRE(listed(u.source));
    BOOST_TEST(u.source->weight != SourceWeight::kNote);
    BOOST_TEST(u.port_low <= u.port_high);
  }
  for (const MalwareAssociation& m : U().MalwareAssociations()) {
    BOOST_TEST_REQUIRE(listed(m.source));
    BOOST_TEST(m.source->weight == SourceWeight::kNote);
    BOOST_TEST(!m.names.empty());
    BOOST_TEST(m.port <= m.port_high);
  }
}

BOOST_AUTO_TEST_CASE(unofficial_at_agrees_with_a_scan_of_every_row_on_every_port) {
  for (Transport t : kTransports) {
    const auto cover = CoverByPort(U().UnofficialUses(), t, UseLow, UseHigh);
    std::size_t mismatches = 0;
    for (std::uint32_t p = 0; p <= 65535; ++p) {
      if (U().UnofficialAt(static_cast<std::uint16_t>(p), t) != cover[p]) ++mismatches;
    }
    BOOST_TEST(mismatches == 0u, TransportName(t) << ": " << mismatches << " ports differ");
  }
}

BOOST_AUTO_TEST_CASE(malware_at_agrees_with_a_scan_of_every_row_on_every_port) {
  for (Transport t : kTransports) {
    const auto cover = CoverByPort(U().MalwareAssociations(), t, MalwareLow, MalwareHigh);
    std::size_t mismatches = 0;
    for (std::uint32_t p = 0; p <= 65535; ++p) {
      if (U().MalwareAt(static_cast<std::uint16_t>(p), t) != cover[p]) ++mismatches;
    }
    BOOST_TEST(mismatches == 0u, TransportName(t) << ": " << mismatches << " ports differ");
  }
}

BOOST_AUTO_TEST_CASE(range_queries_agree_with_a_scan_of_every_row) {
  std::size_t queries = 0;
  for (Transport t : {Transport::kTcp, Transport::kUdp}) {
    for (std::uint32_t width : {0u, 7u, 300u, 6000u, 65535u}) {
      for (std::uint32_t first = 0; first <= 65535; first += 331) {
        const PortRange range{static_cast<std::uint16_t>(first),
                              static_cast<std::uint16_t>(std::min(65535u, first + width))};
        BOOST_TEST_CONTEXT(TransportName(t) << " " << range.first << "-" << range.last) {
          BOOST_TEST((U().UnofficialIn(range, t) == ExpectedUnofficialIn(range, t)));
          BOOST_TEST((U().MalwareIn(range, t) == ExpectedMalwareIn(range, t)));
        }
        ++queries;
      }
    }
  }
  BOOST_TEST(queries > 1000u);
}

BOOST_AUTO_TEST_CASE(unofficial_in_3000_3500_is_sorted_and_without_duplicates) {
  const auto uses = U().UnofficialIn(PortRange{3000, 3500}, Transport::kTcp);
  BOOST_TEST_REQUIRE(uses.size() > 20u);
  for (std::size_t i = 0; i < uses.size(); ++i) {
    BOOST_TEST(TransportName(uses[i]->transport) == "tcp");
    BOOST_TEST((uses[i]->port_low <= 3500 && uses[i]->port_high >= 3000));
    if (i == 0) continue;
    const auto before = std::make_tuple(uses[i - 1]->port_low, uses[i - 1]->port_high, uses[i - 1]);
    const auto after = std::make_tuple(uses[i]->port_low, uses[i]->port_high, uses[i]);
    BOOST_TEST((before < after), "position " << i << " is out of order or repeated");
  }
  // Every use covering a port of the window is listed, and nothing else.
  std::set<const UnofficialUse*> covering;
  for (std::uint32_t p = 3000; p <= 3500; ++p) {
    for (const UnofficialUse* u : U().UnofficialAt(static_cast<std::uint16_t>(p), Transport::kTcp)) {
      covering.insert(u);
    }
  }
  BOOST_TEST((std::set<const UnofficialUse*>(uses.begin(), uses.end()) == covering));
}

BOOST_AUTO_TEST_CASE(well_known_unofficial_uses_are_listed) {
  auto lists = [](std::uint16_t port, Transport t, std::string_view software) {
    for (const UnofficialUse* u : U().UnofficialAt(port, t)) {
      if (Contains(u->software, software)) return true;
    }
    return false;
  };
  BOOST_TEST(lists(9200, Transport::kTcp, "Elasticsearch"));
  BOOST_TEST(lists(3000, Transport::kTcp, "Grafana"));
  BOOST_TEST(lists(5601, Transport::kTcp, "Kibana"));
  BOOST_TEST(!lists(5601, Transport::kUdp, "Kibana"));
  BOOST_TEST(U().UnofficialAt(3000, Transport::kTcp).size() >= 7u);
}

BOOST_AUTO_TEST_CASE(oracle_key_manager_3331_3336_carries_vendor_evidence) {
  for (std::uint16_t port = 3331; port <= 3336; ++port) {
    BOOST_TEST_CONTEXT(port << "/tcp") {
      std::size_t okm = 0;
      for (const UnofficialUse* u : U().UnofficialAt(port, Transport::kTcp)) {
        if (!Contains(u->software, "Oracle Key Manager")) continue;
        ++okm;
        BOOST_TEST(u->source->weight == SourceWeight::kEvidence);
        BOOST_TEST(u->source->id == "oracle-okm3-kma-ports");
        BOOST_TEST(Contains(u->source->location, "docs.oracle.com"));
      }
      BOOST_TEST(okm == 1u);
    }
  }
  for (const UnofficialUse* u : U().UnofficialAt(3332, Transport::kUdp)) {
    BOOST_TEST(!Contains(u->software, "Oracle Key Manager"));
  }
  // The Wikipedia uses of 3333/tcp are still there, in source order before OKM.
  const auto at3333 = U().UnofficialAt(3333, Transport::kTcp);
  BOOST_TEST_REQUIRE(at3333.size() == 5u);
  BOOST_TEST(at3333.front()->software == "CruiseControl.rb");
  BOOST_TEST(Contains(at3333.back()->software, "Oracle Key Manager"));
}

BOOST_AUTO_TEST_CASE(a_range_use_covers_the_ports_inside_it) {
  // League of Legends 5000-5500/udp, split by Wikipedia around other entries.
  for (std::uint16_t port : {5000, 5100, 5101, 5130, 5500}) {
    BOOST_TEST_CONTEXT(port << "/udp") {
      const auto uses = U().UnofficialAt(port, Transport::kUdp);
      const bool lol = std::any_of(uses.begin(), uses.end(), [&](const UnofficialUse* u) {
        return Contains(u->software, "League of Legends") && u->port_low <= port &&
               port <= u->port_high;
      });
      BOOST_TEST(lol);
    }
  }
  const auto at5130 = U().UnofficialAt(5130, Transport::kUdp);
  BOOST_TEST_REQUIRE(at5130.size() == 1u);
  BOOST_TEST(at5130[0]->port_low == 5122);
  BOOST_TEST(at5130[0]->port_high == 5149);
  const auto at5501 = U().UnofficialAt(5501, Transport::kUdp);
  BOOST_TEST(std::none_of(at5501.begin(), at5501.end(), [](const UnofficialUse* u) {
    return Contains(u->software, "League of Legends");
  }));
  // The range shows up in a window that only overlaps its middle.
  const auto in = U().UnofficialIn(PortRange{5125, 5126}, Transport::kUdp);
  BOOST_TEST_REQUIRE(in.size() == 1u);
  BOOST_TEST(in[0] == at5130[0]);
}

BOOST_AUTO_TEST_CASE(malware_notes_are_listed_with_note_weight) {
  bool netbus = false;
  for (const MalwareAssociation* m : U().MalwareAt(12345, Transport::kTcp)) {
    BOOST_TEST(m->source->weight == SourceWeight::kNote);
    if (Contains(m->names, "NetBus")) netbus = true;
  }
  BOOST_TEST(netbus);
  bool back_orifice = false;
  for (const MalwareAssociation* m : U().MalwareAt(31337, Transport::kUdp)) {
    BOOST_TEST(m->source->weight == SourceWeight::kNote);
    if (Contains(m->names, "Back Orifice") || Contains(m->names, "BackOrifice")) back_orifice = true;
  }
  BOOST_TEST(back_orifice);
  // Snort's netbus rule on 12345-12346 covers 12346 too.
  const auto at12346 = U().MalwareAt(12346, Transport::kTcp);
  BOOST_TEST(std::any_of(at12346.begin(), at12346.end(), [](const MalwareAssociation* m) {
    return m->port == 12345 && m->port_high == 12346 && m->source_detail == "rules/backdoor.rules";
  }));
  // Malware lists are tcp/udp only; nothing on 22/sctp.
  BOOST_TEST(U().MalwareAt(22, Transport::kSctp).empty());
}

BOOST_AUTO_TEST_CASE(nmap_observations_have_frequencies_and_frequency_zero_is_absent) {
  const auto ssh = U().Observed(22, Transport::kTcp);
  BOOST_TEST_REQUIRE(ssh.has_value());
  BOOST_TEST(ssh->frequency_ppm == 182286u);  // 0.182286
  BOOST_TEST(ssh->nmap_name == "ssh");
  BOOST_TEST(ssh->port == 22);
  BOOST_TEST(TransportName(ssh->transport) == "tcp");
  BOOST_TEST(!U().Observed(3393, Transport::kTcp).has_value());
  BOOST_TEST(!U().Observed(3489, Transport::kTcp).has_value());
  BOOST_TEST(U().Observed(31337, Transport::kUdp).has_value());
  BOOST_TEST(U().Observed(31337, Transport::kUdp)->frequency_ppm == 11469u);

  std::size_t observed = 0;
  for (Transport t : kTransports) {
    for (std::uint32_t p = 0; p <= 65535; ++p) {
      const auto o = U().Observed(static_cast<std::uint16_t>(p), t);
      if (!o) continue;
      ++observed;
      BOOST_TEST_REQUIRE(o->port == p);
      BOOST_TEST_REQUIRE(TransportName(o->transport) == TransportName(t));
      BOOST_TEST_REQUIRE(o->frequency_ppm > 0u);
      BOOST_TEST_REQUIRE(o->frequency_ppm <= 1000000u);
      BOOST_TEST_REQUIRE(!o->nmap_name.empty());
    }
  }
  BOOST_TEST(observed == U().Stats().observations);
}

BOOST_AUTO_TEST_CASE(everyday_services_name_the_common_ports) {
  const auto ssh = U().Everyday(22, Transport::kTcp);
  BOOST_TEST_REQUIRE(ssh.size() == 1u);
  BOOST_TEST(ssh[0]->name == "ssh");
  BOOST_TEST(ssh[0]->comment == "SSH Remote Login Protocol");
  const auto smtp = U().Everyday(25, Transport::kTcp);
  BOOST_TEST_REQUIRE(smtp.size() == 1u);
  BOOST_TEST(smtp[0]->aliases == "mail");
  BOOST_TEST(U().Everyday(22, Transport::kUdp).empty());
  BOOST_TEST(U().Everyday(5672, Transport::kSctp).size() == 1u);  // amqp
  // Every entry is found by its own lookup, exactly once.
  std::size_t found = 0;
  for (Transport t : kTransports) {
    for (std::uint32_t p = 0; p <= 65535; ++p) {
      for (const EverydayService* e : U().Everyday(static_cast<std::uint16_t>(p), t)) {
        BOOST_TEST_REQUIRE(e->port == p);
        BOOST_TEST_REQUIRE(TransportName(e->transport) == TransportName(t));
        ++found;
      }
    }
  }
  BOOST_TEST(found == U().EverydayServices().size());
  // No AppleTalk (ddp) entries leak in as another transport: rtmp is 1/ddp.
  for (const EverydayService& e : U().EverydayServices()) BOOST_TEST(e.name != "rtmp");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::catalog
