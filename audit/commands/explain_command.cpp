#include "audit/commands/explain_command.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <ostream>
#include <set>
#include <tuple>

#include "audit/finding_present.h"
#include "audit/findings.h"
#include "audit/listen_checks.h"
#include "audit/reports/json_output.h"
#include "audit/text_escape.h"
#include "catalog/block_contact.h"
#include "catalog/source_kind.h"

namespace ghostport::audit {

using catalog::Lifecycle;
using catalog::PortFacts;
using catalog::PortRange;
using catalog::Registry;
using catalog::RegistryRecord;
using catalog::Transport;
using catalog::Usage;
using catalog::UsageSource;
using nlohmann::ordered_json;

namespace {

constexpr std::string_view kRegistryTitle = "IANA Service Name and Transport Protocol Port Number Registry";
constexpr std::string_view kRegistryUrl =
    "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml";

bool ParsePort(std::string_view text, std::uint16_t& out) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

bool HasServiceOn(std::uint16_t port, Transport t) {
  for (const RegistryRecord& r : Registry::Instance().Lookup(port, t)) {
    if (r.Kind() == catalog::RecordKind::kService) return true;
  }
  return false;
}

std::string PortsText(PortRange r) { return PortRangeText(r.first, r.last); }

std::string_view Name(Transport t) { return catalog::TransportName(t); }

// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------
// JSON

ordered_json PeopleJson(const catalog::PersonList& people) {
  ordered_json out = ordered_json::array();
  for (const catalog::Person& p : people) {
    out.push_back({{"id", p.Id()}, {"name", p.Name()}, {"org", p.Org()}, {"uri", p.Uri()}});
  }
  return out;
}

ordered_json RecordJson(const RegistryRecord& r) {
  return {{"kind", catalog::RecordKindName(r.Kind())},
          {"service", r.Name()},
          {"description", r.Description()},
          {"ports", {r.PortLow(), r.PortHigh()}},
          {"proto", r.TransportText()},
          {"assignees", PeopleJson(r.Assignees())},
          {"contacts", PeopleJson(r.Contacts())},
          {"registered", r.Registered()},
          {"modified", r.Modified()},
          {"reference", r.References()},
          {"notes", r.AssignmentNotes()},
          {"unauthorized_use", r.UnauthorizedUse()}};
}

ordered_json UsageSourceJson(const UsageSource& s, std::string_view kind) {
  return {{"kind", kind},
          {"id", s.id},
          {"title", s.title},
          {"location", s.location},
          {"as_of", s.as_of},
          {"weight", catalog::SourceWeightName(s.weight)},
          {"weight_reason", s.weight_reason}};
}

}  // namespace

ordered_json PortFactsJson(const PortFacts& facts, const std::vector<const PortAssignment*>& assignments,
                           const std::string& policy_file) {
  ordered_json j;
  j["port"] = facts.port;
  j["proto"] = Name(facts.transport);
  j["range"] = catalog::RangeClassName(facts.range);

  ordered_json org = ordered_json::array();
  for (const PortAssignment* a : assignments) {
    org.push_back({{"name", a->name},
                   {"owner", a->owner},
                   {"note", a->note},
                   {"ports", {a->ports.first, a->ports.last}},
                   {"file", policy_file},
                   {"line", a->line}});
  }
  j["organisation"] = std::move(org);

  const RegistryRecord* first = nullptr;
  for (const RegistryRecord& r : facts.records) {
    if (first == nullptr || (first->Kind() != catalog::RecordKind::kService &&
                             r.Kind() == catalog::RecordKind::kService)) {
      first = &r;
    }
  }
  ordered_json registry;
  registry["status"] = catalog::PortStatusName(facts.status);
  registry["service"] = first != nullptr && first->Kind() == catalog::RecordKind::kService ? first->Name() : "";
  registry["description"] = first != nullptr ? first->Description() : "";
  ordered_json records = ordered_json::array();
  for (const RegistryRecord& r : facts.records) records.push_back(RecordJson(r));
  registry["records"] = std::move(records);
  j["registry"] = std::move(registry);

  j["lifecycle"] = catalog::LifecycleName(facts.lifecycle);
  j["reasons"] = facts.reasons;

  ordered_json sources = ordered_json::array();
  sources.push_back({{"kind", "registry"},
                     {"title", kRegistryTitle},
                     {"location", kRegistryUrl},
                     {"as_of", Registry::Instance().Source().updated}});

  ordered_json services = ordered_json::array();
  for (const catalog::ServiceVerdict& s : facts.services) {
    ordered_json dead = ordered_json::array();
    for (const catalog::DeadRecord* d : s.dead) {
      ordered_json cites = ordered_json::array();
      for (const catalog::DeadSource& src : d->sources) {
        cites.push_back({{"title", src.title}, {"url", src.url}, {"seen", src.seen}});
        sources.push_back({{"kind", "curated"}, {"title", src.title}, {"location", src.url}, {"as_of", src.seen}});
      }
      dead.push_back({{"what", d->what},
                      {"evidence", d->evidence},
                      {"since", d->since},
                      {"confidence", d->confidence},
                      {"effective_confidence", catalog::EffectiveConfidence(*d)},
                      {"secondary_sources_only", catalog::RestsOnSecondarySources(*d)},
                      {"sources", std::move(cites)},
                      {"file", catalog::kDefaultKnowledgeFile},
                      {"line", d->line}});
    }
    services.push_back({{"service", s.record->Name()},
                        {"lifecycle", catalog::LifecycleName(s.lifecycle)},
                        {"reasons", s.reasons},
                        {"dead", std::move(dead)}});
  }
  j["services"] = std::move(services);

  std::set<const UsageSource*> cited;
  auto cite = [&](const UsageSource* s, std::string_view kind) {
    if (cited.insert(s).second) sources.push_back(UsageSourceJson(*s, kind));
  };
  ordered_json unofficial = ordered_json::array();
  for (const catalog::UnofficialUse* u : facts.unofficial) {
    unofficial.push_back(
        {{"software", u->software}, {"ports", {u->port_low, u->port_high}}, {"source", u->source->id}});
    cite(u->source, "unofficial");
  }
  j["unofficial_uses"] = std::move(unofficial);
  ordered_json malware = ordered_json::array();
  for (const catalog::MalwareAssociation* m : facts.malware) {
    malware.push_back({{"names", m->names}, {"note", m->note}, {"source", m->source->id}});
    cite(m->source, "malware");
  }
  j["malware"] = std::move(malware);
  if (facts.observed) {
    j["observed"] = {{"nmap_open_frequency", facts.observed->frequency_ppm / 1e6},
                     {"nmap_name", facts.observed->nmap_name},
                     {"source", Usage::Instance().NmapSource().id}};
    cite(&Usage::Instance().NmapSource(), "observed");
  } else {
    j["observed"] = nullptr;
  }
  ordered_json present = ordered_json::object();
  present["strongest"] = facts.present.strongest ? ordered_json(catalog::PresentWeightName(*facts.present.strongest))
                                                 : ordered_json(nullptr);
  ordered_json evidence = ordered_json::array();
  for (const catalog::PresentEvidence& e : facts.present.evidence) {
    ordered_json cites = ordered_json::array();
    for (const catalog::Citation& c : e.citations) {
      cites.push_back({{"title", c.title}, {"url", c.url}, {"seen", c.seen}});
      sources.push_back({{"kind", "curated"}, {"title", c.title}, {"location", c.url}, {"as_of", c.seen}});
    }
    evidence.push_back({{"software", e.software},
                        {"key", e.key},
                        {"registration", e.registration},
                        {"weight", catalog::PresentWeightName(e.weight)},
                        {"detail", e.detail},
                        {"source", e.source->id},
                        {"citations", std::move(cites)}});
    cite(e.source, "present");
  }
  present["evidence"] = std::move(evidence);
  ordered_json wide = ordered_json::array();
  for (const catalog::PresentUse* row : facts.present.range_wide_rows) {
    wide.push_back({{"software", row->software}, {"ports", {row->port_low, row->port_high}}, {"source", row->source->id}});
    cite(row->source, "present");
  }
  for (const catalog::UnofficialUse* u : facts.present.range_wide) {
    wide.push_back({{"software", u->software}, {"ports", {u->port_low, u->port_high}}, {"source", u->source->id}});
  }
  present["range_wide"] = std::move(wide);
  ordered_json unconfirmed = ordered_json::array();
  for (const catalog::PresentUse* row : facts.present.unconfirmed) {
    ordered_json checked = ordered_json::array();
    for (const catalog::Citation& c : row->citations) {
      checked.push_back({{"title", c.title}, {"url", c.url}, {"seen", c.seen}});
      sources.push_back({{"kind", "checked"}, {"title", c.title}, {"location", c.url}, {"as_of", c.seen}});
    }
    unconfirmed.push_back({{"software", row->software}, {"checked", row->unconfirmed}, {"sources", std::move(checked)},
                           {"source", row->source->id}});
    cite(row->source, "present");
  }
  present["unconfirmed"] = std::move(unconfirmed);
  present["nmap_floor"] = catalog::NmapFloorPpm(facts.transport) / 1e6;
  present["floor_sighting"] = facts.present.floor_sighting;
  j["present_use"] = std::move(present);
  // The reasons of an assigned port's verdicts cite nmap and Debian even when
  // they found nothing there, and the present-use lists when none names it.
  if (!facts.services.empty()) {
    cite(&Usage::Instance().NmapSource(), "observed");
    cite(&Usage::Instance().NetbaseSource(), "everyday");
  }
  for (const catalog::ServiceVerdict& s : facts.services) {
    for (const std::string& reason : s.reasons) {
      if (reason.find("no present-use source") == std::string::npos) continue;
      for (const UsageSource& src : catalog::PresentUses::Instance().Sources()) cite(&src, "present");
    }
  }
  ordered_json everyday = ordered_json::array();
  for (const catalog::EverydayService* e : facts.everyday) {
    everyday.push_back({{"name", e->name}, {"proto", Name(e->transport)}});
  }
  if (!facts.everyday.empty()) cite(&Usage::Instance().NetbaseSource(), "everyday");
  j["everyday"] = std::move(everyday);
  j["sources"] = std::move(sources);

  const CheckCommands checks = ChecksFor(facts.port, facts.transport);
  j["check"] = {{"linux", checks.linux}, {"windows", checks.windows}, {"note", checks.note}};
  return j;
}

namespace {

// ---------------------------------------------------------------------------
// Text

constexpr std::size_t kLabel = 18;  // width of the label column
constexpr std::size_t kWidth = 100;

// The registry's line breaks as text: a blank line (a paragraph) becomes
// " — ", a single break a space. Other control characters stay escaped.
std::string Unwrapped(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') {
      out += text[i];
      continue;
    }
    std::size_t breaks = 0;
    for (; i < text.size() && (text[i] == '\n' || text[i] == '\r'); ++i) breaks += text[i] == '\n';
    --i;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += breaks > 1 ? " — " : " ";
  }
  return out;
}

// Writes `text` under a label, wrapped at kWidth; continuation lines indented.
void Field(std::ostream& out, std::string_view label, std::string_view text) {
  std::string line = "  " + std::string(label);
  line.resize(std::max(line.size() + 1, kLabel), ' ');
  const std::string indent(kLabel, ' ');
  std::size_t column = line.size();
  bool first_word = true;
  std::size_t at = 0;
  const std::string safe = EscapeForTerminal(Unwrapped(text));
  std::string_view s = safe;
  while (at < s.size()) {
    const std::size_t space = s.find(' ', at);
    const std::size_t end = space == std::string_view::npos ? s.size() : space;
    const std::string_view word = s.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (!first_word && column + 1 + word.size() > kWidth) {
      out << line << "\n";
      line = indent;
      column = line.size();
      first_word = true;
    }
    if (!first_word) {
      line += ' ';
      ++column;
    }
    line += word;
    column += word.size();
    first_word = false;
  }
  out << line << "\n";
}

// The domain of a person's address ("mailto:jo@example.com" -> "example.com"), or "".
std::string ContactDomain(std::string_view uri) {
  // IANA writes "mailto:elan&d2k.com" for elan@d2k.com.
  std::size_t at = uri.rfind('@');
  if (at == std::string_view::npos && uri.rfind("mailto:", 0) == 0) at = uri.rfind('&');
  if (at == std::string_view::npos) return {};
  std::string_view domain = uri.substr(at + 1);
  domain = domain.substr(0, domain.find_first_of("?>& "));
  return std::string(domain);
}

std::string PeopleText(const catalog::PersonList& people) {
  std::string out;
  for (const catalog::Person& p : people) {
    if (!out.empty()) out += "; ";
    out += p.DisplayName();
    if (!p.Org().empty() && p.Org() != p.DisplayName()) out += " (" + std::string(p.Org()) + ")";
    const std::string domain = ContactDomain(p.Uri());
    if (!domain.empty()) out += " <" + domain + ">";
  }
  return out;
}

std::string_view PresentLevelText(catalog::PresentWeight w) {
  switch (w) {
    case catalog::PresentWeight::kHigh: return "widely used (high-weight evidence)";
    case catalog::PresentWeight::kMedium: return "in use (medium-weight evidence)";
    case catalog::PresentWeight::kLow: return "possibly in use (low-weight evidence only)";
  }
  return "";
}

std::string SourceNote(const UsageSource& s) {
  return std::string(s.title) + ", as of " + std::string(s.as_of) + " — " +
         std::string(catalog::SourceWeightName(s.weight)) + ": " + std::string(s.weight_reason);
}

// Who listens there today: the strongest evidence first, each with its
// weight and source; range-wide rows listed apart, as no evidence.
void WritePresentText(std::ostream& out, const catalog::PresentState& present) {
  if (!present.strongest) {
    Field(out, "present use", std::string("no evidence that anything listens there today") +
                                  (present.floor_sighting ? " (nmap's only sighting is at its floor value)" : ""));
  } else {
    Field(out, "present use", std::string(PresentLevelText(*present.strongest)) + ": " +
                                  present.Names(*present.strongest, 4));
  }
  for (const catalog::PresentEvidence& e : present.evidence) {
    std::string line = "- " + (e.software.empty() ? std::string("open, unnamed") : e.software) +
                       (e.detail.empty() ? "" : " (" + e.detail + ")") + " — " + std::string(e.source->title) +
                       ", as of " + std::string(e.source->as_of) + "; " +
                       std::string(catalog::PresentWeightName(e.weight)) + " weight";
    Field(out, "", line);
    for (const catalog::Citation& c : e.citations) {
      Field(out, "", "  source: " + std::string(c.title) + " <" + std::string(c.url) + "> (seen " +
                         std::string(c.seen) + ")");
    }
  }
  for (const catalog::PresentUse* row : present.unconfirmed) {
    Field(out, "", "unconfirmed: " + std::string(row->software) + " — " + std::string(row->unconfirmed));
    for (const catalog::Citation& c : row->citations) {
      Field(out, "", "  checked: " + std::string(c.title) + " <" + std::string(c.url) + "> (seen " +
                         std::string(c.seen) + ")");
    }
  }
  for (const catalog::PresentUse* row : present.range_wide_rows) {
    Field(out, "", "range-wide, not evidence for one port: " + std::string(row->software) + " (ports " +
                       PortsText({row->port_low, row->port_high}) + ", " + std::string(row->source->title) + ")");
  }
}

void WritePortText(std::ostream& out, const PortFacts& facts, const std::vector<const PortAssignment*>& assignments,
                   const std::string& policy_file) {
  const std::string p = std::to_string(facts.port) + "/" + std::string(Name(facts.transport));
  std::string title = p;
  std::vector<std::string> names;
  for (const RegistryRecord& r : facts.records) {
    if (r.Kind() == catalog::RecordKind::kService) names.push_back(std::string(r.Name()));
  }
  if (!names.empty()) {
    title += " —";
    for (std::size_t i = 0; i < names.size(); ++i) title += (i ? ", " : " ") + names[i];
  }
  out << EscapeForTerminal(title) << "\n";

  for (const PortAssignment* a : assignments) {
    Field(out, "your policy", a->name + " — owner " + a->owner + " (" + policy_file + ":" +
                                  std::to_string(a->line) + ")" + (a->note.empty() ? "" : ". " + a->note));
  }

  std::string lifecycle(catalog::LifecycleName(facts.lifecycle));
  Field(out, "lifecycle", lifecycle);
  for (const catalog::ServiceVerdict& s : facts.services) {
    const std::string who = facts.services.size() > 1 ? std::string(s.record->Name()) + ": " : "";
    if (s.lifecycle == Lifecycle::kDead) {
      for (const catalog::DeadRecord* d : s.dead) {
        const bool secondary = catalog::RestsOnSecondarySources(*d);
        Field(out, "", who + "dead, curated with " + std::string(catalog::EffectiveConfidence(*d)) + " confidence" +
                           (secondary ? " (curated " + std::string(d->confidence) +
                                            "; rests only on encyclopedia, mirror or port-reference sources)"
                                      : "") +
                           (d->since.empty() ? "" : ", since " + std::string(d->since)));
        Field(out, "", "What it was: " + std::string(d->what) + ".");
        Field(out, "", std::string(d->evidence));
        for (const catalog::DeadSource& src : d->sources) {
          Field(out, "", "source: " + std::string(src.title) + " <" + std::string(src.url) + "> (seen " +
                             std::string(src.seen) + ")");
        }
      }
    } else {
      Field(out, "", who + std::string(catalog::LifecycleName(s.lifecycle)) + ":");
      for (const std::string& reason : s.reasons) Field(out, "", "- " + reason);
    }
  }
  if (facts.services.empty()) {
    for (const std::string& reason : facts.reasons) Field(out, "", reason);
  }

  WritePresentText(out, facts.present);

  std::string range = std::string(catalog::RangeClassName(facts.range)) + " port";
  switch (facts.range) {
    case catalog::RangeClass::kSystem: range += " (0-1023)"; break;
    case catalog::RangeClass::kUser: range += " (1024-49151)"; break;
    case catalog::RangeClass::kDynamic: range += " (49152-65535)"; break;
  }
  Field(out, "registry", std::string(catalog::PortStatusName(facts.status)) + ", " + range + "; IANA registry of " +
                             std::string(Registry::Instance().Source().updated));
  for (const RegistryRecord& r : facts.records) {
    if (r.Kind() != catalog::RecordKind::kService) {
      Field(out, "", std::string(r.Description()) + (r.IsRange() ? " (" + PortsText({r.PortLow(), r.PortHigh()}) + ")"
                                                                 : ""));
      continue;
    }
    Field(out, "", std::string(r.Name()) + ": " + std::string(r.Description()) +
                       (r.IsRange() ? " (ports " + PortsText({r.PortLow(), r.PortHigh()}) + ")" : ""));
    const std::string assignee = PeopleText(r.Assignees());
    const std::string contact = PeopleText(r.Contacts());
    if (!assignee.empty()) Field(out, "", "assignee: " + assignee + (r.AssigneeFromContact() ? " (the contact)" : ""));
    if (!contact.empty() && contact != assignee) Field(out, "", "contact: " + contact);
    if (const RegistryRecord* block = catalog::BlockContactOf(r, facts.transport)) {
      const std::string shared = PeopleText(block->Contacts().empty() ? block->Assignees() : block->Contacts());
      Field(out, "", "contact (IANA's old block layout, shared with " + std::string(block->Name()) + " on " +
                         PortsText({block->PortLow(), block->PortHigh()}) + "): " + shared);
    }
    Field(out, "", "registered: " + std::string(r.Registered().empty() ? "no date" : r.Registered()) +
                       "; modified: " + std::string(r.Modified().empty() ? "never" : r.Modified()) +
                       "; reference: " + std::string(r.References().empty() ? "none" : r.References()));
    if (!r.AssignmentNotes().empty()) Field(out, "", "notes: " + std::string(r.AssignmentNotes()));
    if (!r.UnauthorizedUse().empty()) Field(out, "", "unauthorized use reported: " + std::string(r.UnauthorizedUse()));
  }

  if (facts.unofficial.empty()) {
    Field(out, "listening now", "no unofficial use known");
  } else {
    std::vector<const UsageSource*> seen;
    for (const catalog::UnofficialUse* u : facts.unofficial) {
      const bool range_use = u->port_low != u->port_high;
      Field(out, seen.empty() ? "listening now" : "",
            std::string(u->software) + (range_use ? " (ports " + PortsText({u->port_low, u->port_high}) + ")" : ""));
      if (std::find(seen.begin(), seen.end(), u->source) == seen.end()) seen.push_back(u->source);
    }
    for (const UsageSource* s : seen) Field(out, "", "per " + SourceNote(*s));
  }

  if (facts.malware.empty()) {
    Field(out, "security", "no malware associated with it in the lists this catalog holds");
  } else {
    std::map<const UsageSource*, std::vector<std::string>> by_source;
    std::vector<const UsageSource*> order;
    for (const catalog::MalwareAssociation* m : facts.malware) {
      if (!by_source.count(m->source)) order.push_back(m->source);
      by_source[m->source].push_back(std::string(m->names) + (m->note.empty() ? "" : " (" + std::string(m->note) + ")"));
    }
    bool first = true;
    for (const UsageSource* s : order) {
      std::string names;
      for (const std::string& n : by_source[s]) names += (names.empty() ? "" : "; ") + n;
      Field(out, first ? "security" : "", names);
      Field(out, "", "per " + SourceNote(*s));
      first = false;
    }
  }

  if (facts.observed) {
    char frequency[32];
    std::snprintf(frequency, sizeof frequency, "%.6f", facts.observed->frequency_ppm / 1e6);
    Field(out, "observed", "nmap's scan data sees " + p + " open with frequency " + frequency + " (as " +
                               std::string(facts.observed->nmap_name) + ")");
  } else {
    Field(out, "observed", "nmap's scan data never saw " + p + " open");
  }

  const CheckCommands checks = ChecksFor(facts.port, facts.transport);
  for (std::size_t i = 0; i < checks.linux.size(); ++i) Field(out, i == 0 ? "check (Linux)" : "", checks.linux[i]);
  for (std::size_t i = 0; i < checks.windows.size(); ++i) Field(out, i == 0 ? "check (Windows)" : "", checks.windows[i]);
  Field(out, "", "(" + checks.note + ")");
}

// Writes `items` joined by "; " under a label, wrapping between items (an
// item longer than a line is wrapped by words).
void FieldItems(std::ostream& out, std::string_view label, const std::vector<std::string>& items,
                std::string_view tail) {
  std::vector<std::string> lines;
  std::string line;
  const std::size_t room = kWidth - kLabel;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = items[i] + (i + 1 < items.size() ? ";" : std::string(tail));
    if (!line.empty() && line.size() + 1 + item.size() > room) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + item;
  }
  if (!line.empty()) lines.push_back(line);
  for (std::size_t i = 0; i < lines.size(); ++i) Field(out, i == 0 ? label : "", lines[i]);
}

// The first `limit` of `items`, then "and N more".
std::vector<std::string> Limited(const std::vector<std::string>& items, std::size_t limit) {
  std::vector<std::string> out(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(std::min(limit, items.size())));
  if (items.size() > limit) out.push_back("and " + std::to_string(items.size() - limit) + " more");
  return out;
}

// A range: counts by lifecycle, the notable alive ports, the dead, dormant
// and unknown ones, and what uses them — counted the way audit counts
// (unofficial uses about single ports; range-wide rows listed apart).
void WriteRangeText(std::ostream& out, const ExplainTarget& target, const Policy* policy) {
  const std::string t(Name(target.transport));
  const std::size_t total = static_cast<std::size_t>(target.ports.last) - target.ports.first + 1;
  std::map<Lifecycle, std::vector<std::string>> by_lifecycle;
  std::vector<std::pair<int, std::string>> notable;  // (present weight, "3306 mysql (MySQL)")
  std::vector<std::string> unofficial;
  std::vector<std::string> malware;
  std::vector<std::string> organisation;
  std::size_t unofficial_ports = 0;
  std::size_t malware_ports = 0;
  std::size_t dynamic = 0;
  for (std::uint32_t port = target.ports.first; port <= target.ports.last; ++port) {
    const PortFacts facts = catalog::Describe(static_cast<std::uint16_t>(port), target.transport);
    dynamic += facts.range == catalog::RangeClass::kDynamic;
    std::string label = std::to_string(port);
    for (const catalog::ServiceVerdict& s : facts.services) {
      if (s.lifecycle == facts.lifecycle) {
        label += " " + std::string(s.record->Name());
        break;
      }
    }
    by_lifecycle[facts.lifecycle].push_back(label);
    if (facts.present.strongest && *facts.present.strongest != catalog::PresentWeight::kLow) {
      // Ranked by weight, then by how many sources of that weight agree.
      const catalog::PresentWeight w = *facts.present.strongest;
      int agreeing = 0;
      for (const catalog::PresentEvidence& e : facts.present.evidence) agreeing += e.weight == w;
      const std::string who = facts.present.Names(w, 2);
      notable.emplace_back(static_cast<int>(w) * 1000 - agreeing, label + (who.empty() ? "" : " (" + who + ")"));
    }
    const std::vector<const catalog::UnofficialUse*> uses = SpecificUses(facts);
    if (!uses.empty()) {
      ++unofficial_ports;
      std::string what;
      for (const catalog::UnofficialUse* u : uses) {
        if (u->port_low != u->port_high) continue;  // ranges are listed once, below
        what += (what.empty() ? "" : ", ") + catalog::CleanedSoftware(u->software);
      }
      if (!what.empty()) unofficial.push_back(std::to_string(port) + " " + what);
    }
    if (!facts.malware.empty()) {
      ++malware_ports;
      malware.push_back(std::to_string(port) + " " + std::string(facts.malware.front()->names));
    }
    if (policy != nullptr) {
      for (const PortAssignment* a : policy->AssignmentsAt(static_cast<std::uint16_t>(port), target.transport)) {
        organisation.push_back(std::to_string(port) + " " + a->name + " (" + a->owner + ")");
      }
    }
  }
  out << PortsText(target.ports) << "/" << t << ": " << total << (total == 1 ? " port" : " ports") << "\n";
  if (!organisation.empty()) FieldItems(out, "your policy", Limited(organisation, 20), "");
  std::string counts;
  for (Lifecycle l : catalog::kAllLifecycles) {
    counts += (counts.empty() ? "" : " · ") + std::string(catalog::LifecycleName(l)) + " " +
              std::to_string(by_lifecycle[l].size());
  }
  Field(out, "lifecycle", counts);
  if (dynamic > 0) {
    Field(out, "dynamic", std::to_string(dynamic) + (dynamic == 1 ? " port" : " ports") +
                              " in the dynamic/ephemeral range 49152-65535 (RFC 6335): IANA never assigns them, "
                              "systems hand them out as the local ports of outgoing connections");
  }
  std::stable_sort(notable.begin(), notable.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> busy;
  for (const auto& [weight, text] : notable) busy.push_back(text);
  auto list = [&](std::string_view label, const std::vector<std::string>& items, std::size_t limit,
                  std::string_view suffix) {
    if (!items.empty()) FieldItems(out, label, Limited(items, limit), suffix);
  };
  list("in use today", busy, 15, " (present-use evidence of high, then medium weight)");
  list("dead", by_lifecycle[Lifecycle::kDead], 40, "");
  list("dormant", by_lifecycle[Lifecycle::kDormant], 15, "");
  list("unknown", by_lifecycle[Lifecycle::kUnknown], 15, " (registered after nmap's 2008 data; no evidence either way)");
  list("listening now", unofficial, 20,
       " (unofficial uses on " + std::to_string(unofficial_ports) + " ports; community lists: likely, not proven)");
  // Uses listed for ranges: each software once, with the ports its rows cover here.
  std::vector<std::pair<std::string, std::vector<std::string>>> ranges;
  for (const catalog::UnofficialUse* u : Usage::Instance().UnofficialIn(target.ports, target.transport)) {
    if (u->port_low == u->port_high) continue;
    const std::string software = catalog::CleanedSoftware(u->software);
    auto at = std::find_if(ranges.begin(), ranges.end(), [&](const auto& r) { return r.first == software; });
    if (at == ranges.end()) at = ranges.insert(ranges.end(), {software, {}});
    at->second.push_back(PortsText({u->port_low, u->port_high}));
  }
  for (const auto& [software, spans] : ranges) {
    std::string where;
    for (std::size_t i = 0; i < spans.size() && i < 3; ++i) where += (i ? ", " : "") + spans[i];
    if (spans.size() > 3) where += " and " + std::to_string(spans.size() - 3) + " more rows";
    Field(out, "", "for ranges: " + software + " (" + where + ")");
  }
  list("security", malware, 15,
       " (malware lists on " + std::to_string(malware_ports) + " ports; old lists: notes, not verdicts)");
  out << "  For one port: ghostport explain PORT/" << t << "\n";
}

void WriteTargetText(std::ostream& out, const ExplainTarget& target, const Policy* policy) {
  if (target.ports.first != target.ports.last) {
    WriteRangeText(out, target, policy);
    return;
  }
  const PortFacts facts = catalog::Describe(target.ports.first, target.transport);
  std::vector<const PortAssignment*> assignments;
  if (policy != nullptr) assignments = policy->AssignmentsAt(target.ports.first, target.transport);
  WritePortText(out, facts, assignments, policy != nullptr ? policy->file : "");
}

}  // namespace

std::optional<std::vector<ExplainTarget>> ParseExplainSpec(const std::string& spec, std::string& error) {
  std::string_view what = spec;
  std::optional<Transport> transport;
  if (const std::size_t slash = what.rfind('/'); slash != std::string_view::npos) {
    transport = catalog::ParseTransport(what.substr(slash + 1));
    if (!transport) {
      error = "'" + spec + "': unknown transport '" + std::string(what.substr(slash + 1)) +
              "' (expected tcp, udp, sctp or dccp)";
      return std::nullopt;
    }
    what = what.substr(0, slash);
  }
  std::vector<ExplainTarget> targets;
  std::uint16_t low = 0;
  std::uint16_t high = 0;
  const std::size_t dash = what.find('-');
  const bool numeric = !what.empty() && std::isdigit(static_cast<unsigned char>(what.front()));
  if (numeric) {
    const bool ok = dash == std::string_view::npos
                        ? ParsePort(what, low) && (high = low, true)
                        : ParsePort(what.substr(0, dash), low) && ParsePort(what.substr(dash + 1), high);
    if (!ok || low > high) {
      error = "'" + spec + "' is not a port (0-65535) or a range low-high";
      return std::nullopt;
    }
    if (transport) {
      targets.push_back({{low, high}, *transport});
    } else {
      for (Transport t : catalog::kAllTransports) {
        const bool always = t == Transport::kTcp || t == Transport::kUdp;
        if (always || (low == high && HasServiceOn(low, t))) targets.push_back({{low, high}, t});
      }
    }
    return targets;
  }
  std::set<std::tuple<std::uint16_t, std::uint16_t, Transport>> seen;
  for (const RegistryRecord& r : Registry::Instance().ByName(what)) {
    if (!r.HasPort()) continue;
    for (Transport t : catalog::kAllTransports) {
      if ((transport && t != *transport) || !r.AppliesTo(t)) continue;
      if (seen.insert({r.PortLow(), r.PortHigh(), t}).second) targets.push_back({{r.PortLow(), r.PortHigh()}, t});
    }
  }
  if (targets.empty()) {
    error = "'" + spec + "' is not a port, a range low-high, or a service name registered on a port" +
            (transport ? " for " + std::string(Name(*transport)) : "");
    return std::nullopt;
  }
  std::sort(targets.begin(), targets.end(), [](const ExplainTarget& a, const ExplainTarget& b) {
    return std::tie(a.ports.first, a.ports.last, a.transport) < std::tie(b.ports.first, b.ports.last, b.transport);
  });
  return targets;
}

int RunExplain(const ExplainRequest& request, std::ostream& out, std::ostream& err) {
  std::vector<ExplainTarget> targets;
  for (const std::string& spec : request.specs) {
    std::string error;
    const auto parsed = ParseExplainSpec(spec, error);
    if (!parsed) {
      err << "error: " << error << "\n";
      return 2;
    }
    targets.insert(targets.end(), parsed->begin(), parsed->end());
  }
  std::optional<Policy> policy;
  if (!request.policy_file.empty()) {
    policy = ReadPolicy(request.policy_file, err);
    if (!policy) return 2;
  }
  const Policy* p = policy ? &*policy : nullptr;
  if (request.format == OutputFormat::kJson) {
    for (const ExplainTarget& target : targets) {
      for (std::uint32_t port = target.ports.first; port <= target.ports.last; ++port) {
        const auto port16 = static_cast<std::uint16_t>(port);
        std::vector<const PortAssignment*> assignments;
        if (p != nullptr) assignments = p->AssignmentsAt(port16, target.transport);
        out << JsonText(PortFactsJson(catalog::Describe(port16, target.transport), assignments, p ? p->file : ""), -1)
            << "\n";
      }
    }
    return 0;
  }
  bool first = true;
  for (const ExplainTarget& target : targets) {
    if (!first) out << "\n";
    first = false;
    WriteTargetText(out, target, p);
  }
  return 0;
}

}  // namespace ghostport::audit
