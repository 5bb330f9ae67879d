#include "parsers/windows/netsh_rule_fields.h"

#include <utility>

#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

using F = NetshField;

constexpr std::pair<std::string_view, bool> kYesNo[] = {{"Yes", true}, {"No", false}};
constexpr std::pair<std::string_view, Direction> kDirections[] = {{"In", Direction::kIn}, {"Out", Direction::kOut}};
constexpr std::pair<std::string_view, Action> kActions[] = {
    {"Allow", Action::kAllow}, {"Block", Action::kBlock}, {"Bypass", Action::kBypass}};
constexpr std::pair<std::string_view, EdgeTraversal> kEdges[] = {
    {"No", EdgeTraversal::kBlock},
    {"Yes", EdgeTraversal::kAllow},
    {"Defer to application", EdgeTraversal::kDeferToApp},
    {"Defer to user", EdgeTraversal::kDeferToUser},
};

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

void Error(NetshRuleContext& c, const NetshLine& line, std::string_view at, std::string message) {
  if (&c.language != &EnglishNetsh()) {
    message += " (a " + std::string(c.language.name) + " dump: the format document knows only part of netsh's " +
               std::string(c.language.name) +
               " words; the registry export and the PowerShell export are language-neutral)";
  }
  c.diagnostics.push_back(NetshError(c.file, line, at, std::move(message)));
}

template <class T, size_t N>
void ReadWord(NetshRuleContext& c, const NetshEntry& e, const std::pair<std::string_view, T> (&table)[N], T& out) {
  if (auto v = NetshWord(table, NetshEnglish(c.language, e.value))) {
    out = *v;
  } else {
    Error(c, *e.line, e.value, std::string(e.label) + " is " + NetshWords(table) + ", not " + Quoted(e.value));
  }
}

// Each item of a comma list through `add` (a windows_values.h parser).
template <class Add>
void ReadItems(NetshRuleContext& c, const NetshEntry& e, Add add) {
  for (std::string_view item : SplitList(e.value, ',')) {
    if (ValueError error = add(item); !error.empty()) Error(c, *e.line, item, error);
  }
}

void ReadName(NetshRuleContext& c, const NetshEntry& e) { c.rule.name = std::string(e.value); }
void ReadDescription(NetshRuleContext& c, const NetshEntry& e) { c.rule.description = std::string(e.value); }
void ReadGrouping(NetshRuleContext& c, const NetshEntry& e) { c.rule.group = std::string(e.value); }
void ReadProgram(NetshRuleContext& c, const NetshEntry& e) { c.rule.program = std::string(e.value); }
void ReadService(NetshRuleContext& c, const NetshEntry& e) { c.rule.service = std::string(e.value); }
void ReadEnabled(NetshRuleContext& c, const NetshEntry& e) { ReadWord(c, e, kYesNo, c.rule.enabled); }
void ReadDirection(NetshRuleContext& c, const NetshEntry& e) { ReadWord(c, e, kDirections, c.rule.direction); }
void ReadAction(NetshRuleContext& c, const NetshEntry& e) { ReadWord(c, e, kActions, c.rule.action); }
void ReadEdge(NetshRuleContext& c, const NetshEntry& e) { ReadWord(c, e, kEdges, c.rule.edge); }

void ReadProfiles(NetshRuleContext& c, const NetshEntry& e) {
  if (IsAny(e.value)) {
    c.rule.profiles = kAllProfiles;
    return;
  }
  c.rule.profiles = 0;
  ReadItems(c, e, [&](std::string_view item) -> ValueError {
    std::uint8_t bit = ProfileBit(NetshEnglish(c.language, item));
    if (bit == 0) return "a profile is Domain, Private or Public, not " + Quoted(item);
    c.rule.profiles |= bit;
    return {};
  });
}

void ReadLocalIp(NetshRuleContext& c, const NetshEntry& e) {
  ReadItems(c, e, [&](std::string_view item) { return AddAddress(item, c.rule.local_addresses); });
}
void ReadRemoteIp(NetshRuleContext& c, const NetshEntry& e) {
  ReadItems(c, e, [&](std::string_view item) { return AddAddress(item, c.rule.remote_addresses); });
}
void ReadLocalPort(NetshRuleContext& c, const NetshEntry& e) {
  ReadItems(c, e, [&](std::string_view item) { return AddPort(item, KeywordKind::kLocalPort, c.rule.local_ports); });
}
void ReadRemotePort(NetshRuleContext& c, const NetshEntry& e) {
  ReadItems(c, e, [&](std::string_view item) { return AddPort(item, KeywordKind::kRemotePort, c.rule.remote_ports); });
}

// The table under an ICMP protocol: a "Type    Code" header, then one
// "<type> <code>" line per entry; a type "Any" stands for every type.
void ReadIcmpTable(NetshRuleContext& c, const NetshEntry& e) {
  bool any_type = false;
  for (size_t i = 0; i < e.continuation.size(); ++i) {
    const NetshLine& line = *e.continuation[i];
    std::vector<std::string_view> words = SplitList(line.text, ' ');
    const bool numeric = !words.empty() && (IsAny(words[0]) || (words[0][0] >= '0' && words[0][0] <= '9'));
    if (i == 0 && !numeric) continue;  // the header
    if (words.size() != 2) {
      Error(c, line, TrimSpaces(line.text), "an ICMP table line is a type and a code (\"8       Any\")");
    } else if (IsAny(words[0])) {
      any_type = true;
    } else if (ValueError error = AddIcmp(std::string(words[0]) + ":" + std::string(words[1]), c.rule.icmp);
               !error.empty()) {
      Error(c, line, words[0], error);
    }
  }
  if (any_type) c.rule.icmp.clear();
}

void ReadProtocol(NetshRuleContext& c, const NetshEntry& e) {
  if (ValueError error = ParseProtocol(e.value, c.rule.protocol); !error.empty()) {
    return Error(c, *e.line, e.value, error);
  }
  if (e.continuation.empty()) return;
  if (c.rule.protocol != 1 && c.rule.protocol != 58) {
    return Error(c, *e.continuation.front(), TrimSpaces(e.continuation.front()->text),
                 "an ICMP type table under the protocol " + Quoted(e.value) + ", which is not ICMPv4 or ICMPv6");
  }
  ReadIcmpTable(c, e);
}

void ReadInterfaceTypes(NetshRuleContext& c, const NetshEntry& e) {
  if (IsAny(e.value)) return;
  for (std::string_view item : SplitList(e.value, ',')) c.rule.interface_types.emplace_back(item);
}

void ReadSecurity(NetshRuleContext& c, const NetshEntry& e) {
  std::string_view english = NetshEnglish(c.language, e.value);
  c.rule.security = SameWord(english, "NotRequired") ? std::string() : std::string(e.value);
}

// "Local Setting": the local store. Other wordings (Group Policy, dynamic
// rules) are not documented (§11 item 2): the store stays unknown, and the
// line says so.
void ReadRuleSource(NetshRuleContext& c, const NetshEntry& e) {
  if (SameWord(NetshEnglish(c.language, e.value), "Local Setting")) {
    c.rule.store = Store::kLocal;
    return;
  }
  c.rule.store = Store::kUnknown;
  c.policy.ignored.push_back(NetshIgnored(c.file, *e.line,
                                          "a rule source other than \"Local Setting\" (" + Quoted(e.value) +
                                              "): the wording of other stores is not documented, so the "
                                              "rule's store is taken as unknown"));
}

using FieldReader = void (*)(NetshRuleContext&, const NetshEntry&);

// Indexed by NetshField, in its order.
constexpr FieldReader kReaders[] = {
    ReadName,    ReadDescription, ReadEnabled,        ReadDirection, ReadProfiles,   ReadGrouping,
    ReadLocalIp, ReadRemoteIp,    ReadProtocol,       ReadLocalPort, ReadRemotePort, ReadEdge,
    ReadProgram, ReadService,     ReadInterfaceTypes, ReadSecurity,  ReadRuleSource, ReadAction,
};
static_assert(std::size(kReaders) == static_cast<size_t>(F::kAction) + 1);

}  // namespace

void ReadNetshField(NetshRuleContext& c, const NetshEntry& entry) {
  if (!entry.continuation.empty() && entry.field != F::kProtocol) {
    const NetshLine& line = *entry.continuation.front();
    return Error(
        c, line, TrimSpaces(line.text),
        "an indented line under " + Quoted(entry.label) + ": only Protocol has continuation lines (its ICMP table)");
  }
  kReaders[static_cast<size_t>(*entry.field)](c, entry);
}

void KeepUnknownNetshLabel(NetshRuleContext& c, const NetshEntry& entry) {
  c.rule.unknowns.push_back({"netsh " + Quoted(entry.label) + " line: " + Quoted(entry.value),
                             "a field this reader does not know (format document §2.4: further labels may exist "
                             "for remote computer or user authorisation); it may narrow the rule",
                             {c.file, entry.line->number, 1}});
}

}  // namespace ghostport::parsers::windows
