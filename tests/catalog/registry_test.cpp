#include "catalog/registry.h"

#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ghostport::catalog {

// Boost.Test prints compared values; these find the enums by ADL.
std::ostream& operator<<(std::ostream& out, Transport t) { return out << TransportName(t); }
std::ostream& operator<<(std::ostream& out, PortStatus s) { return out << PortStatusName(s); }
std::ostream& operator<<(std::ostream& out, RangeClass r) { return out << RangeClassName(r); }
std::ostream& operator<<(std::ostream& out, RecordKind k) { return out << RecordKindName(k); }

namespace {

// ---------------------------------------------------------------------------
// A small reader for IANA's XML, independent of the generator: just enough
// string scanning to hold the compiled table against the source file.

const std::string kSourceXml =
    GHOSTPORT_SOURCE_DIR "/../shared/catalog-sources/iana/service-names-port-numbers.xml";

struct XmlRecord {
  std::string name, protocol, number, description, date, updated, unauthorized;
  bool has_note = false;
  std::vector<std::string> assignees, contacts;
  std::size_t references = 0;
};

struct XmlPerson {
  std::string id, name, org;
};

struct XmlRegistry {
  std::string updated;
  std::vector<XmlRecord> records;
  std::vector<XmlPerson> people;
};

std::string Decode(std::string_view s) {
  static const std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (s.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}

// Tags removed, entities decoded, whitespace runs collapsed, trimmed.
std::string PlainText(std::string_view s) {
  std::string no_tags;
  bool in_tag = false;
  for (char c : s) {
    if (c == '<') in_tag = true;
    if (!in_tag) no_tags += c;
    if (c == '>') { in_tag = false; no_tags += ' '; }
  }
  std::string out;
  for (char c : Decode(no_tags)) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Whitespace runs collapsed to one space, trimmed (for the catalog's side).
std::string Collapse(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Inner text of the first <tag>...</tag> in `element` (raw), if present.
std::optional<std::string_view> Child(std::string_view element, std::string_view tag) {
  const std::string open = "<" + std::string(tag);
  for (std::size_t at = element.find(open); at != std::string_view::npos;
       at = element.find(open, at + 1)) {
    const char next = element[at + open.size()];
    if (next != '>' && next != ' ' && next != '/') continue;
    const std::size_t gt = element.find('>', at);
    if (element[gt - 1] == '/') return std::string_view();
    const std::size_t close = element.find("</" + std::string(tag) + ">", gt);
    return element.substr(gt + 1, close - gt - 1);
  }
  return std::nullopt;
}

std::string Attribute(std::string_view start_tag, std::string_view name) {
  const std::string key = " " + std::string(name) + "=\"";
  const std::size_t at = start_tag.find(key);
  if (at == std::string_view::npos) return "";
  const std::size_t begin = at + key.size();
  return Decode(start_tag.substr(begin, start_tag.find('"', begin) - begin));
}

// Every <tag ...> start tag in `s`.
std::vector<std::string_view> StartTags(std::string_view s, std::string_view tag) {
  std::vector<std::string_view> tags;
  const std::string open = "<" + std::string(tag) + " ";
  for (std::size_t at = s.find(open); at != std::string_view::npos; at = s.find(open, at + 1)) {
    tags.push_back(s.substr(at, s.find('>', at) - at + 1));
  }
  return tags;
}

std::string RemoveElement(std::string_view s, std::string_view tag) {
  std::string out(s);
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  for (std::size_t at = out.find(open); at != std::string::npos; at = out.find(open, at)) {
    const char next = out[at + open.size()];
    if (next != '>' && next != ' ') { ++at; continue; }
    const std::size_t end = out.find(close, at);
    out.erase(at, end + close.size() - at);
  }
  return out;
}

XmlRegistry ReadXml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  XmlRegistry registry;
  registry.updated = std::string(Child(text, "updated").value_or(""));
  for (std::size_t at = text.find("<record"); at != std::string::npos;
       at = text.find("<record", at + 1)) {
    const std::size_t end = text.find("</record>", at);
    const std::string_view element(text.data() + at, end - at);
    const std::string_view start = element.substr(0, element.find('>') + 1);
    XmlRecord r;
    r.name = PlainText(Child(element, "name").value_or(""));
    r.protocol = PlainText(Child(element, "protocol").value_or(""));
    r.number = PlainText(Child(element, "number").value_or(""));
    r.description = PlainText(Child(element, "description").value_or(""));
    r.unauthorized = PlainText(Child(element, "unauthorized").value_or(""));
    // Notes: a non-empty <note>, and footnotes a record cites (xref type="note").
    const auto note = Child(element, "note");
    r.has_note = (note && note->find_first_not_of(" \t\r\n") != std::string_view::npos) ||
                 element.find("<xref type=\"note\"") != std::string_view::npos;
    r.date = Attribute(start, "date");
    r.updated = Attribute(start, "updated");
    if (auto assignee = Child(element, "assignee")) {
      for (auto tag : StartTags(*assignee, "xref")) r.assignees.push_back(Attribute(tag, "data"));
    }
    // Direct xrefs: the record without its <assignee>, <note> and <description>.
    std::string direct = RemoveElement(element, "assignee");
    direct = RemoveElement(direct, "note");
    direct = RemoveElement(direct, "description");
    for (auto tag : StartTags(direct, "xref")) {
      if (Attribute(tag, "type") == "person") {
        r.contacts.push_back(Attribute(tag, "data"));
      } else {
        ++r.references;
      }
    }
    registry.records.push_back(std::move(r));
  }
  for (std::size_t at = text.find("<person "); at != std::string::npos;
       at = text.find("<person ", at + 1)) {
    const std::size_t end = text.find("</person>", at);
    const std::string_view element(text.data() + at, end - at);
    XmlPerson p;
    p.id = Attribute(element.substr(0, element.find('>') + 1), "id");
    p.name = PlainText(Child(element, "name").value_or(""));
    p.org = PlainText(Child(element, "org").value_or(""));
    registry.people.push_back(std::move(p));
  }
  return registry;
}

bool SourceAvailable() { return std::filesystem::exists(kSourceXml); }

const XmlRegistry& Source() {
  static const XmlRegistry registry = ReadXml(kSourceXml);
  return registry;
}

boost::test_tools::assertion_result NeedsSource(boost::unit_test::test_unit_id) {
  if (SourceAvailable()) return true;
  boost::test_tools::assertion_result result(false);
  result.message() << "SKIPPED: " << kSourceXml << " not found (no shared/ checkout)";
  BOOST_TEST_MESSAGE("SKIPPED: source registry " << kSourceXml << " not found");
  return result;
}

const Registry& R() { return Registry::Instance(); }

std::vector<std::string> Ids(const PersonList& people) {
  std::vector<std::string> ids;
  for (const Person& p : people) ids.emplace_back(p.Id());
  return ids;
}

const RegistryRecord* Named(std::uint16_t port, Transport t, std::string_view name) {
  for (const RegistryRecord& r : R().Lookup(port, t)) {
    if (r.Name() == name) return &r;
  }
  return nullptr;
}

// The status rule the catalog documents, restated independently.
PortStatus ExpectedStatus(std::uint16_t port, const std::vector<const XmlRecord*>& covering) {
  if (covering.empty()) return port >= 49152 ? PortStatus::kDynamic : PortStatus::kUnassigned;
  PortStatus best = PortStatus::kUnassigned;
  for (const XmlRecord* r : covering) {
    std::string lowered = r->description;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!r->name.empty()) return PortStatus::kAssigned;
    if (lowered.rfind("reserved", 0) == 0 || lowered.rfind("any private", 0) == 0) {
      best = PortStatus::kReserved;
    }
  }
  return best;
}

}  // namespace

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(registry_against_iana_source)

BOOST_AUTO_TEST_CASE(counts_match_the_source_notes, *boost::unit_test::precondition(NeedsSource)) {
  const RegistryStats s = R().Stats();
  BOOST_TEST(s.records == 14533u);
  BOOST_TEST(s.people == 5615u);
  BOOST_TEST(s.by_transport[0] == 6606u);  // tcp
  BOOST_TEST(s.by_transport[1] == 6356u);  // udp
  BOOST_TEST(s.by_transport[2] == 93u);    // sctp
  BOOST_TEST(s.by_transport[3] == 11u);    // dccp
  BOOST_TEST(s.by_transport[4] == 1467u);  // none
  std::size_t unassigned = 0, unassigned_ranges = 0, dated = 0, modified = 0;
  for (const RegistryRecord& r : R().Records()) {
    if (r.Description() == "Unassigned") {
      ++unassigned;
      if (r.IsRange()) ++unassigned_ranges;
    }
    if (!r.Registered().empty()) ++dated;
    if (!r.Modified().empty()) ++modified;
  }
  BOOST_TEST(unassigned == 883u);
  // 754 Unassigned entries are written as ranges; 6 of them are "N-N" (one port).
  std::size_t written_as_range = 0;
  for (const XmlRecord& x : Source().records) {
    if (x.description == "Unassigned" && x.number.find('-') != std::string::npos) ++written_as_range;
  }
  BOOST_TEST(written_as_range == 754u);
  BOOST_TEST(unassigned_ranges == 748u);
  BOOST_TEST(dated == 4725u);
  BOOST_TEST(modified == 602u);
  BOOST_TEST(Source().records.size() == s.records);
  BOOST_TEST(Source().people.size() == s.people);
  BOOST_TEST(R().Source().updated == Source().updated);
  BOOST_TEST(R().Source().updated == "2026-08-17");
  BOOST_TEST(R().Source().sha256 == "4bbf00ef4dd194ea3098d090b42a832c0f8aef704699956a4a7e24576a49631b");
}

BOOST_AUTO_TEST_CASE(every_source_record_is_present_with_its_fields,
                     *boost::unit_test::precondition(NeedsSource)) {
  const auto& xml = Source().records;
  std::vector<const RegistryRecord*> by_source(xml.size(), nullptr);
  for (const RegistryRecord& r : R().Records()) {
    BOOST_TEST_REQUIRE(r.SourceIndex() < xml.size());
    BOOST_TEST(by_source[r.SourceIndex()] == nullptr);
    by_source[r.SourceIndex()] = &r;
  }
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    const XmlRecord& x = xml[i];
    const RegistryRecord* r = by_source[i];
    BOOST_TEST_REQUIRE(r != nullptr);
    const std::string context = "record " + std::to_string(i) + " " + x.name + " " + x.number;
    BOOST_TEST_CONTEXT(context) {
      const std::size_t before = boost::unit_test::results_collector.results(
          boost::unit_test::framework::current_test_case().p_id).p_assertions_failed;
      BOOST_TEST(r->Name() == x.name);
      BOOST_TEST(r->TransportText() == x.protocol);
      if (x.number.empty()) {
        BOOST_TEST(!r->HasPort());
      } else {
        // IANA writes a few single ports as "N-N"; both forms mean the same.
        const std::string low = std::to_string(r->PortLow());
        const std::string high = std::to_string(r->PortHigh());
        BOOST_TEST((x.number == low + "-" + high || (!r->IsRange() && x.number == low)));
      }
      // The one description with an inline reference is compared up to it.
      const std::string description = Collapse(r->Description());
      BOOST_TEST(description.substr(0, x.description.size()) == x.description);
      BOOST_TEST(r->Registered() == x.date);
      BOOST_TEST(r->Modified() == x.updated);
      BOOST_TEST(Collapse(r->UnauthorizedUse()) == x.unauthorized);
      BOOST_TEST(!r->AssignmentNotes().empty() == x.has_note);
      BOOST_TEST(static_cast<std::size_t>(std::count(r->References().begin(), r->References().end(),
                                                     '[')) >= x.references);
      BOOST_TEST((r->References().empty()) == (x.references == 0));
      BOOST_TEST(Ids(r->Contacts()) == x.contacts, boost::test_tools::per_element());
      const auto expected_assignees = x.assignees.empty() ? x.contacts : x.assignees;
      BOOST_TEST(Ids(r->Assignees()) == expected_assignees, boost::test_tools::per_element());
      BOOST_TEST(r->AssigneeFromContact() == (x.assignees.empty() && !x.contacts.empty()));
      const std::size_t after = boost::unit_test::results_collector.results(
          boost::unit_test::framework::current_test_case().p_id).p_assertions_failed;
      if (after != before && ++mismatches > 20) BOOST_FAIL("too many mismatching records");
    }
  }
}

BOOST_AUTO_TEST_CASE(every_person_is_resolved, *boost::unit_test::precondition(NeedsSource)) {
  const auto& xml = Source().people;
  const auto people = R().People();
  BOOST_TEST_REQUIRE(people.size() == xml.size());
  for (std::size_t i = 0; i < xml.size(); ++i) {
    BOOST_TEST_CONTEXT("person " << xml[i].id) {
      BOOST_TEST(people[i].Id() == xml[i].id);
      BOOST_TEST(people[i].Name() == xml[i].name);
      BOOST_TEST(people[i].Org() == xml[i].org);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_port_has_the_status_and_records_the_source_gives,
                     *boost::unit_test::precondition(NeedsSource)) {
  const auto& xml = Source().records;
  for (Transport t : {Transport::kTcp, Transport::kUdp}) {
    std::vector<std::vector<const XmlRecord*>> covering(65536);
    std::vector<std::vector<std::size_t>> covering_index(65536);
    for (std::size_t i = 0; i < xml.size(); ++i) {
      const XmlRecord& x = xml[i];
      if (x.number.empty() || !(x.protocol.empty() || x.protocol == TransportName(t))) continue;
      const std::size_t dash = x.number.find('-');
      const unsigned low = std::stoul(x.number.substr(0, dash));
      const unsigned high = dash == std::string::npos ? low : std::stoul(x.number.substr(dash + 1));
      for (unsigned p = low; p <= high; ++p) {
        covering[p].push_back(&x);
        covering_index[p].push_back(i);
      }
    }
    std::size_t bad = 0;
    for (unsigned p = 0; p <= 65535 && bad < 10; ++p) {
      const auto port = static_cast<std::uint16_t>(p);
      const PortStatus expected = ExpectedStatus(port, covering[p]);
      std::vector<std::size_t> got;
      for (const RegistryRecord& r : R().Lookup(port, t)) {
        got.push_back(r.SourceIndex());
        if (!r.Covers(port, t)) ++bad;
      }
      std::sort(got.begin(), got.end());
      if (R().Status(port, t) != expected || got != covering_index[p]) {
        ++bad;
        BOOST_ERROR("port " << p << "/" << TransportName(t) << ": status "
                            << PortStatusName(R().Status(port, t)) << " expected "
                            << PortStatusName(expected) << ", " << got.size() << " records, expected "
                            << covering_index[p].size());
      }
    }
    BOOST_TEST(bad == 0u);
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(registry_facts)

BOOST_AUTO_TEST_CASE(runs_tile_every_transport_without_gaps) {
  for (Transport t : kAllTransports) {
    std::uint32_t next = 0;
    while (next <= 65535) {
      const PortRun run = R().Run(static_cast<std::uint16_t>(next), t);
      BOOST_TEST_REQUIRE(run.ports.first == next);
      BOOST_TEST_REQUIRE(run.ports.last >= run.ports.first);
      for (const RegistryRecord& r : run.records) {
        BOOST_TEST(r.Covers(run.ports.first, t));
        BOOST_TEST(r.Covers(run.ports.last, t));
      }
      next = run.ports.last + 1u;
    }
    BOOST_TEST(next == 65536u);
  }
}

BOOST_AUTO_TEST_CASE(dynamic_range_is_explicit_and_empty) {
  for (Transport t : kAllTransports) {
    const PortRun run = R().Run(49152, t);
    BOOST_TEST(run.ports.first == 49152);
    BOOST_TEST(run.ports.last == 65535);
    BOOST_TEST(run.status == PortStatus::kDynamic);
    BOOST_TEST(run.records.empty());
    BOOST_TEST(R().Status(65535, t) == PortStatus::kDynamic);
    BOOST_TEST(R().Stats().ports[static_cast<int>(t)][static_cast<int>(PortStatus::kDynamic)] == 16384u);
  }
  BOOST_TEST(R().Status(49151, Transport::kTcp) != PortStatus::kDynamic);
}

BOOST_AUTO_TEST_CASE(range_classes_follow_rfc_6335) {
  BOOST_TEST(RangeClassOf(0) == RangeClass::kSystem);
  BOOST_TEST(RangeClassOf(1023) == RangeClass::kSystem);
  BOOST_TEST(RangeClassOf(1024) == RangeClass::kUser);
  BOOST_TEST(RangeClassOf(49151) == RangeClass::kUser);
  BOOST_TEST(RangeClassOf(49152) == RangeClass::kDynamic);
  BOOST_TEST(RangeClassOf(65535) == RangeClass::kDynamic);
  BOOST_TEST(RangeClassName(RangeClassOf(80)) == "system");
}

BOOST_AUTO_TEST_CASE(well_known_services_are_where_everyone_expects) {
  struct Fact {
    std::uint16_t port;
    Transport transport;
    std::string_view name;
  };
  const Fact kFacts[] = {
      {22, Transport::kTcp, "ssh"},           {443, Transport::kTcp, "https"},
      {443, Transport::kUdp, "https"},        {3389, Transport::kTcp, "ms-wbt-server"},
      {3389, Transport::kUdp, "ms-wbt-server"}, {5432, Transport::kTcp, "postgresql"},
      {6379, Transport::kTcp, "redis"},       {27017, Transport::kTcp, "mongodb"},
      {80, Transport::kTcp, "http"},          {53, Transport::kUdp, "domain"},
  };
  for (const Fact& f : kFacts) {
    BOOST_TEST_CONTEXT(f.port << "/" << TransportName(f.transport) << " " << f.name) {
      BOOST_TEST(Named(f.port, f.transport, f.name) != nullptr);
      BOOST_TEST(R().Status(f.port, f.transport) == PortStatus::kAssigned);
    }
  }
  const RegistryRecord* ssh = Named(22, Transport::kTcp, "ssh");
  BOOST_TEST_REQUIRE(ssh != nullptr);
  BOOST_TEST(ssh->Description() == "The Secure Shell (SSH) Protocol");
  BOOST_TEST(ssh->References() == "[RFC4251]");
  BOOST_TEST(ssh->Kind() == RecordKind::kService);
}

BOOST_AUTO_TEST_CASE(several_names_on_one_port_are_all_returned) {
  std::set<std::string_view> names;
  for (const RegistryRecord& r : R().Lookup(80, Transport::kTcp)) names.insert(r.Name());
  BOOST_TEST((names == std::set<std::string_view>{"http", "www", "www-http"}));
}

BOOST_AUTO_TEST_CASE(dormant_registrations_resolve_their_people) {
  struct Known {
    std::uint16_t port;
    std::string_view name;
    std::string_view person_id;
    std::string_view person;
    std::string_view registered;
  };
  const Known kKnown[] = {
      {3394, "d2k-tapestry2", "Eric_Lan", "Eric Lan", ""},
      {3447, "directnet", "Gregory_Richards", "Gregory Richards", "2002-04"},
      {3088, "xdtp", "Michael_Shearson", "Michael Shearson", ""},
      {3489, "dtp-dia", "Alexei_V_Soloviev", "Alexei V. Soloviev", "2002-05"},
  };
  for (const Known& k : kKnown) {
    for (Transport t : {Transport::kTcp, Transport::kUdp}) {
      BOOST_TEST_CONTEXT(k.port << "/" << TransportName(t)) {
        const RegistryRecord* r = Named(k.port, t, k.name);
        BOOST_TEST_REQUIRE(r != nullptr);
        BOOST_TEST_REQUIRE(r->Contacts().size() == 1u);
        BOOST_TEST(r->Contacts().front().Id() == k.person_id);
        BOOST_TEST(r->Contacts().front().Name() == k.person);
        BOOST_TEST_REQUIRE(r->Assignees().size() == 1u);
        BOOST_TEST(r->Assignees().front().DisplayName() == k.person);
        BOOST_TEST(r->Registered() == k.registered);
        BOOST_TEST(r->Modified().empty());
        BOOST_TEST(r->References().empty());
        BOOST_TEST(r->UnauthorizedUse().empty());
      }
    }
  }
  const RegistryRecord* d2k1 = Named(3393, Transport::kTcp, "d2k-tapestry1");
  BOOST_TEST_REQUIRE(d2k1 != nullptr);
  BOOST_TEST(d2k1->Contacts().empty());
  BOOST_TEST(d2k1->Assignees().empty());
}

BOOST_AUTO_TEST_CASE(explicit_assignee_and_contact_stay_distinct) {
  const RegistryRecord* https = Named(443, Transport::kTcp, "https");
  BOOST_TEST_REQUIRE(https != nullptr);
  BOOST_TEST(Ids(https->Assignees()) == std::vector<std::string>{"IESG"}, boost::test_tools::per_element());
  BOOST_TEST(Ids(https->Contacts()) == std::vector<std::string>{"IETF_Chair"}, boost::test_tools::per_element());
  BOOST_TEST(!https->AssigneeFromContact());
  BOOST_TEST(https->Modified() == "2021-10-01");
}

BOOST_AUTO_TEST_CASE(by_name_is_case_insensitive_and_finds_every_transport) {
  const RecordList ssh = R().ByName("SSH");
  std::set<std::string_view> transports;
  bool name_only = false;
  for (const RegistryRecord& r : ssh) {
    BOOST_TEST(r.Name() == "ssh");
    if (r.HasPort()) {
      BOOST_TEST(r.PortLow() == 22);
      transports.insert(r.TransportText());
    } else {
      name_only = true;
    }
  }
  BOOST_TEST((transports == std::set<std::string_view>{"tcp", "udp", "sctp"}));
  BOOST_TEST(name_only);  // the DNS-SD service-name-only entry
  BOOST_TEST(R().ByName("no-such-service-name").empty());
  BOOST_TEST(R().ByName("").empty());
}

BOOST_AUTO_TEST_CASE(unassigned_reserved_and_withdrawn_ports) {
  BOOST_TEST(R().Status(0, Transport::kTcp) == PortStatus::kReserved);
  BOOST_TEST(R().Status(4, Transport::kTcp) == PortStatus::kUnassigned);
  BOOST_TEST(R().Status(2, Transport::kUdp) == PortStatus::kReserved);  // de-assigned compressnet
  BOOST_TEST(!R().Lookup(2, Transport::kUdp).front().AssignmentNotes().empty());
  BOOST_TEST(R().Status(24, Transport::kTcp) == PortStatus::kReserved);  // any private mail system
  // 716 is registered for udp only (pana): tcp has no record and is unassigned.
  BOOST_TEST(R().Lookup(716, Transport::kTcp).empty());
  BOOST_TEST(R().Status(716, Transport::kTcp) == PortStatus::kUnassigned);
  BOOST_TEST(R().Status(716, Transport::kUdp) == PortStatus::kAssigned);
  // Port 100 is unassigned but has a reported unauthorized use.
  const auto hundred = R().Lookup(100, Transport::kTcp);
  BOOST_TEST_REQUIRE(hundred.size() == 1u);
  BOOST_TEST(hundred.front().Kind() == RecordKind::kUnassigned);
  BOOST_TEST(!hundred.front().OnlyTransport().has_value());
  BOOST_TEST(!hundred.front().UnauthorizedUse().empty());
}

BOOST_AUTO_TEST_CASE(range_records_cover_each_port_they_span) {
  const auto records = R().Lookup(4250, Transport::kTcp);  // vrml-multi-use 4200-4299
  BOOST_TEST_REQUIRE(records.size() == 1u);
  BOOST_TEST(records.front().Name() == "vrml-multi-use");
  BOOST_TEST(records.front().IsRange());
  BOOST_TEST(records.front().PortLow() == 4200);
  BOOST_TEST(records.front().PortHigh() == 4299);
  BOOST_TEST(&R().Lookup(4200, Transport::kUdp).front() == &R().Lookup(4299, Transport::kSctp).front());
}

BOOST_AUTO_TEST_CASE(names_of_enums_are_tables) {
  BOOST_TEST(TransportName(Transport::kDccp) == "dccp");
  BOOST_TEST_REQUIRE(ParseTransport("UDP").has_value());
  BOOST_TEST(*ParseTransport("UDP") == Transport::kUdp);
  BOOST_TEST(!ParseTransport("icmp").has_value());
  BOOST_TEST(PortStatusName(PortStatus::kDynamic) == "dynamic");
  BOOST_TEST(RecordKindName(RecordKind::kReserved) == "reserved");
}

BOOST_AUTO_TEST_CASE(stats_add_up) {
  const RegistryStats s = R().Stats();
  BOOST_TEST(s.services + s.reserved + s.unassigned == s.records);
  std::size_t by_transport = 0;
  for (std::size_t n : s.by_transport) by_transport += n;
  BOOST_TEST(by_transport == s.records);
  for (const auto& row : s.ports) {
    std::size_t ports = 0;
    for (std::size_t n : row) ports += n;
    BOOST_TEST(ports == 65536u);
  }
  BOOST_TEST(s.distinct_names > 7000u);
  BOOST_TEST(s.name_only > 1000u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace ghostport::catalog
