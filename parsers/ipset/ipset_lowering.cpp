#include "parsers/ipset/ipset_lowering.h"

#include <algorithm>
#include <map>
#include <optional>

#include "parsers/ipset/ipset_elements.h"
#include "parsers/ipset/ipset_nomatch.h"
#include "parsers/ipset/ipset_reader.h"
#include "parsers/ipset/ipset_types.h"
#include "parsers/netfilter_names.h"

namespace ghostport::parsers {

namespace {

using rules::Family;
using rules::u128;

constexpr std::size_t kMaxSetName = 31;  // IPSET_MAXNAMELEN - 1
constexpr std::uint64_t kMaxTimeout = 2147483;

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A set being read from this dump: what its create line said, and its
// elements before nomatch ones are carved out.
struct SetState {
  std::size_t index = 0;  // in IpsetDump::sets
  const IpsetTypeRow* type = nullptr;
  IpsetElementRules element_rules;
  bool timeout = false, counters = false, comment = false, skbinfo = false;
  std::string unmodelled;  // why the contents are not modelled; empty when they are
  std::vector<IpsetRawElement> elements;
  bool has_nomatch = false;
};

class IpsetLowering;
using LineHandler = void (IpsetLowering::*)(const IpsetLine&);

struct CommandRow {
  std::string_view name;
  LineHandler handler;
};

// One option of a create or add line: its word count after the name.
struct OptionRow {
  std::string_view name;
  int arity;
};

constexpr OptionRow kAddOptions[] = {
    {"timeout", 1}, {"packets", 1}, {"bytes", 1},  {"comment", 1},  {"skbmark", 1},  {"skbprio", 1},
    {"skbqueue", 1}, {"nomatch", 0}, {"wildcard", 0}, {"before", 1}, {"after", 1},
};

class IpsetLowering {
 public:
  IpsetLowering(const std::string& file_name, IpsetDump& dump, std::vector<Diagnostic>& diagnostics,
                std::vector<rules::IgnoredLine>& ignored)
      : file_name_(file_name), dump_(dump), diagnostics_(diagnostics), ignored_(ignored) {}

  void Lower(const IpsetText& text);

  void OnCreate(const IpsetLine& line);
  void OnAdd(const IpsetLine& line);
  void OnCommit(const IpsetLine& line);

 private:
  bool CreateOption(const IpsetLine& line, const std::vector<std::size_t>& words, std::size_t& k, SetState& state);
  void AddMember(const IpsetLine& line, Ipset& set, std::optional<std::size_t> before,
                 std::optional<std::size_t> after);
  void Finish(SetState& state);
  std::optional<std::uint64_t> Number(const IpsetLine& line, std::size_t word, std::uint64_t max);
  void Ignore(const IpsetLine& line, std::string reason);
  void Error(const IpsetLine& line, std::size_t word, std::string message, Severity severity = Severity::kError);

  const std::string& file_name_;
  IpsetDump& dump_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<rules::IgnoredLine>& ignored_;
  std::map<std::string, SetState, std::less<>> sets_;  // the sets this dump creates
  std::size_t netmask_word_ = 0;                        // the create line's netmask value
};

constexpr CommandRow kCommands[] = {
    {"create", &IpsetLowering::OnCreate},
    {"add", &IpsetLowering::OnAdd},
    {"COMMIT", &IpsetLowering::OnCommit},
};

void IpsetLowering::Lower(const IpsetText& text) {
  dump_.inputs.push_back(file_name_);
  for (const IpsetLine& written : text.lines) {
    // "-exist" and "-!" may stand anywhere on a line: they only quiet
    // ipset's "already exists" errors.
    IpsetLine line = written;
    std::erase_if(line.words, [](const IpsetWord& w) { return w.text == "-exist" || w.text == "-!"; });
    if (line.words.empty()) continue;
    const std::string_view command = line.words[0].text;
    const CommandRow* row = nullptr;
    for (const auto& r : kCommands) {
      if (r.name == command) row = &r;
    }
    if (row == nullptr) {
      Error(line, 0, "unknown command " + Quoted(command) + " (an ipset dump has create and add lines)");
      continue;
    }
    (this->*row->handler)(line);
  }
  for (auto& [name, state] : sets_) Finish(state);
}

void IpsetLowering::OnCommit(const IpsetLine&) {}

void IpsetLowering::OnCreate(const IpsetLine& line) {
  std::vector<std::size_t> words;  // after the command
  for (std::size_t i = 1; i < line.words.size(); ++i) words.push_back(i);
  if (words.size() < 2) return Error(line, 0, "\"create\" needs a set name and a type");
  const IpsetWord& name = line.words[words[0]];
  const IpsetWord& type_word = line.words[words[1]];
  if (name.text.size() > kMaxSetName) {
    return Error(line, words[0], "set name " + Quoted(name.text) + " is longer than 31 characters");
  }
  if (const Ipset* existing = dump_.Find(name.text)) {
    const rules::SourceLocation& at = existing->set.location;
    return Error(line, words[0],
                 "set " + Quoted(name.text) + " is already created (" + at.file + ":" + std::to_string(at.line) + ")");
  }
  const IpsetTypeRow* type = FindIpsetType(type_word.text);
  if (type == nullptr) return Error(line, words[1], "unknown set type " + Quoted(type_word.text));
  Ipset set;
  set.set.name = name.text;
  set.set.location = {file_name_, line.line, 1};
  set.type = type->name;
  for (IpsetPart part : type->parts) set.dimensions.push_back(DimensionOf(part));
  set.supports_nomatch = type->nomatch;
  SetState state;
  state.type = type;
  state.element_rules.type = type;
  state.element_rules.family = Family::kIpv4;
  const std::vector<std::size_t> options(words.begin() + 2, words.end());
  for (std::size_t k = 0; k < options.size(); ++k) {
    if (!CreateOption(line, options, k, state)) return;
  }
  const int bits = rules::AddressBits(state.element_rules.family);
  if (state.element_rules.netmask && *state.element_rules.netmask > bits) {
    return Error(line, netmask_word_, "netmask " + std::to_string(*state.element_rules.netmask) +
                                          " is out of the range 1-" + std::to_string(bits));
  }
  if (type->needs_range && !state.element_rules.range) {
    return Error(line, words[1], "a " + std::string(type->name) + " set needs \"range\"");
  }
  switch (type->families) {
    case IpsetFamilies::kEither: set.family = state.element_rules.family; break;
    case IpsetFamilies::kIpv4Only: set.family = Family::kIpv4; break;
    case IpsetFamilies::kNone: set.family = std::nullopt; break;
  }
  for (IpsetPart part : type->parts) {
    switch (part) {
      case IpsetPart::kIp:
      case IpsetPart::kPlainIp:
      case IpsetPart::kNet:
        set.set.key.push_back(state.element_rules.family == Family::kIpv4 ? rules::SetKeyType::kIpv4
                                                                           : rules::SetKeyType::kIpv6);
        break;
      case IpsetPart::kPort:
        set.set.key.push_back(rules::SetKeyType::kProtocol);
        set.set.key.push_back(rules::SetKeyType::kPort);
        break;
      case IpsetPart::kBarePort: set.set.key.push_back(rules::SetKeyType::kPort); break;
      case IpsetPart::kIface: set.set.key.push_back(rules::SetKeyType::kInterface); break;
      case IpsetPart::kMac:
        state.unmodelled = "MAC addresses are not modelled";
        break;
      case IpsetPart::kMark:
        state.unmodelled = "packet marks are not modelled";
        break;
      case IpsetPart::kSetName: break;
    }
  }
  set.set.dynamic = state.timeout;
  state.index = dump_.sets.size();
  if (type->is_list) {
    Ignore(line, "list:set " + std::string(name.text) +
                     ": a -m set match on it is lowered into matches on its members");
  }
  dump_.sets.push_back(std::move(set));
  sets_.emplace(std::string(name.text), std::move(state));
}

// Reads option `words[k]` of a create line (and its value), moving `k` to
// its last word. False after an error.
bool IpsetLowering::CreateOption(const IpsetLine& line, const std::vector<std::size_t>& words, std::size_t& k,
                                 SetState& state) {
  const std::size_t w = words[k];
  const std::string_view option = line.words[w].text;
  const IpsetTypeRow& type = *state.type;
  auto value = [&]() -> std::optional<std::size_t> {
    if (k + 1 >= words.size()) {
      Error(line, w, Quoted(option) + " needs a value");
      return std::nullopt;
    }
    return words[++k];
  };
  auto refuse = [&] {
    Error(line, w, "a " + std::string(type.name) + " set takes no " + Quoted(option) + " option");
    return false;
  };
  const Family family = state.element_rules.family;
  if (option == "family") {
    if (type.families != IpsetFamilies::kEither) return refuse();
    std::optional<std::size_t> v = value();
    if (!v) return false;
    const std::string_view f = line.words[*v].text;
    if (f == "inet" || f == "ipv4") {
      state.element_rules.family = Family::kIpv4;
    } else if (f == "inet6" || f == "ipv6") {
      state.element_rules.family = Family::kIpv6;
    } else {
      Error(line, *v, "unknown family " + Quoted(f) + " (inet or inet6)");
      return false;
    }
    return true;
  }
  if (option == "timeout") {
    std::optional<std::size_t> v = value();
    if (!v || !Number(line, *v, kMaxTimeout)) return false;
    state.timeout = true;
    return true;
  }
  if (option == "counters" || option == "comment" || option == "skbinfo") {
    (option == "counters" ? state.counters : option == "comment" ? state.comment : state.skbinfo) = true;
    return true;
  }
  if (option == "forceadd") return type.hash ? true : refuse();
  if (option == "hashsize" || option == "maxelem" || option == "bucketsize" || option == "initval") {
    if (!type.hash) return refuse();
    std::optional<std::size_t> v = value();
    return v && Number(line, *v, 0xffffffff);
  }
  if (option == "size") {
    if (!type.is_list) return refuse();
    std::optional<std::size_t> v = value();
    return v && Number(line, *v, 0xffffffff);
  }
  if (option == "markmask") {
    if (!type.takes_markmask) return refuse();
    std::optional<std::size_t> v = value();
    return v && Number(line, *v, 0xffffffff);
  }
  if (option == "netmask") {
    if (!type.takes_netmask) return refuse();
    std::optional<std::size_t> v = value();
    if (!v) return false;
    // Checked against the family once every option is read.
    std::optional<std::uint64_t> n = Number(line, *v, 128);
    if (!n) return false;
    if (*n == 0) {
      Error(line, *v, "netmask 0 is out of the range 1-" + std::to_string(rules::AddressBits(family)));
      return false;
    }
    netmask_word_ = *v;
    state.element_rules.netmask = static_cast<int>(*n);
    return true;
  }
  if (option == "bitmask") {
    if (!type.takes_bitmask) return refuse();
    std::optional<std::size_t> v = value();
    if (!v) return false;
    std::optional<u128> mask = rules::ParseAddress(family, line.words[*v].text);
    if (!mask) {
      Error(line, *v, "bad bitmask " + Quoted(line.words[*v].text));
      return false;
    }
    const int bits = rules::AddressBits(family);
    int prefix = 0;
    while (prefix < bits && ((*mask >> (bits - 1 - prefix)) & 1) != 0) ++prefix;
    const rules::Cidr as_prefix{family, rules::MaxAddress(family), prefix};
    if (prefix == 0 || as_prefix.First() != *mask) {
      state.unmodelled = "a bitmask that is not a prefix is not modelled";
    } else {
      state.element_rules.netmask = prefix;
    }
    return true;
  }
  if (option == "range") {
    if (!type.needs_range) return refuse();
    std::optional<std::size_t> v = value();
    if (!v) return false;
    const std::string_view r = line.words[*v].text;
    std::optional<rules::Interval<u128>> range;
    if (type.parts.front() == IpsetPart::kBarePort) {
      const std::size_t dash = r.find('-');
      std::optional<std::uint64_t> lo = ParseXtablesNumber(r.substr(0, dash), 65535);
      std::optional<std::uint64_t> hi =
          dash == std::string_view::npos ? std::nullopt : ParseXtablesNumber(r.substr(dash + 1), 65535);
      if (lo && hi && *lo <= *hi) range = rules::Interval<u128>{*lo, *hi};
    } else if (r.find('-') != std::string_view::npos) {
      const std::size_t dash = r.find('-');
      std::optional<u128> lo = rules::ParseIpv4(r.substr(0, dash));
      std::optional<u128> hi = rules::ParseIpv4(r.substr(dash + 1));
      if (lo && hi && *lo <= *hi) range = rules::Interval<u128>{*lo, *hi};
    } else if (std::optional<rules::Cidr> cidr = rules::ParseCidr(Family::kIpv4, r)) {
      range = rules::Interval<u128>{cidr->First(), cidr->Last()};
    }
    if (!range) {
      Error(line, *v, "bad range " + Quoted(r));
      return false;
    }
    if (range->hi - range->lo >= 65536) {
      Error(line, *v, "range " + Quoted(r) + " holds more than 65536 elements, the most a bitmap set takes");
      return false;
    }
    state.element_rules.range = range;
    return true;
  }
  Error(line, w, "unknown option " + Quoted(option) + " for a " + std::string(type.name) + " set");
  return false;
}

void IpsetLowering::OnAdd(const IpsetLine& line) {
  std::vector<std::size_t> words;  // after the command
  for (std::size_t i = 1; i < line.words.size(); ++i) words.push_back(i);
  if (words.size() < 2) return Error(line, 0, "\"add\" needs a set name and an element");
  const std::string_view name = line.words[words[0]].text;
  auto it = sets_.find(name);
  if (it == sets_.end()) {
    if (const Ipset* other = dump_.Find(name)) {
      return Error(line, words[0],
                   "set " + Quoted(name) + " is created in another dump (" + other->set.location.file +
                       "); each dump adds only to the sets it creates");
    }
    return Error(line, words[0], "set " + Quoted(name) + " is not created before this line");
  }
  SetState& state = it->second;
  Ipset& set = dump_.sets[state.index];
  const IpsetTypeRow& type = *state.type;
  // The options after the element.
  bool nomatch = false, wildcard = false;
  std::optional<std::size_t> before, after;
  for (std::size_t k = 2; k < words.size(); ++k) {
    const std::size_t w = words[k];
    const std::string_view option = line.words[w].text;
    const OptionRow* row = nullptr;
    for (const auto& r : kAddOptions) {
      if (r.name == option) row = &r;
    }
    if (row == nullptr) return Error(line, w, "unknown option " + Quoted(option) + " for an element");
    if (k + static_cast<std::size_t>(row->arity) >= words.size()) {
      return Error(line, w, Quoted(option) + " needs a value");
    }
    const std::size_t v = row->arity > 0 ? words[k + 1] : w;
    auto needs = [&](bool created_with, const char* create_option) {
      if (created_with) return true;
      Error(line, w, Quoted(option) + " needs a set created with \"" + create_option + "\"");
      return false;
    };
    bool ok = true;
    if (option == "timeout") {
      ok = needs(state.timeout, "timeout") && Number(line, v, kMaxTimeout).has_value();
    } else if (option == "packets" || option == "bytes") {
      ok = needs(state.counters, "counters") && Number(line, v, ~std::uint64_t{0}).has_value();
    } else if (option == "comment") {
      ok = needs(state.comment, "comment");
    } else if (option.starts_with("skb")) {
      ok = needs(state.skbinfo, "skbinfo");
    } else if (option == "nomatch") {
      if (!type.nomatch) {
        ok = false;
        Error(line, w, "a " + std::string(type.name) + " set has no nomatch elements (only types with a net do)");
      }
      nomatch = true;
    } else if (option == "wildcard") {
      if (type.parts.back() != IpsetPart::kIface) {
        ok = false;
        Error(line, w, "\"wildcard\" is only for hash:net,iface elements");
      }
      wildcard = true;
    } else if (option == "before" || option == "after") {
      if (!type.is_list) {
        ok = false;
        Error(line, w, Quoted(option) + " is only for list:set elements");
      }
      (option == "before" ? before : after) = v;
    }
    if (!ok) return;
    k += static_cast<std::size_t>(row->arity);
  }
  if (type.is_list) return AddMember(line, set, before, after);
  if (!state.unmodelled.empty()) {
    return Ignore(line, "an element of " + set.set.name + ", whose contents are not modelled: " + state.unmodelled);
  }
  const std::size_t element_word = words[1];
  IpsetElementResult parsed =
      ParseIpsetElement(line.words[element_word].text, state.element_rules, wildcard,
                        [&](std::string message) { Error(line, element_word, std::move(message)); });
  if (!parsed.element) return;
  if (!parsed.unmodelled.empty()) {
    state.unmodelled = parsed.unmodelled;
    Error(line, element_word,
          "the contents of set " + Quoted(set.set.name) + " are unknown from here on: " + parsed.unmodelled,
          Severity::kWarning);
    return;
  }
  parsed.element->nomatch = nomatch;
  state.has_nomatch = state.has_nomatch || nomatch;
  state.elements.push_back(std::move(*parsed.element));
}

void IpsetLowering::AddMember(const IpsetLine& line, Ipset& set, std::optional<std::size_t> before,
                              std::optional<std::size_t> after) {
  const std::size_t w = 2;  // "add NAME MEMBER"
  const std::string_view member = line.words[w].text;
  const Ipset* target = dump_.Find(member);
  if (target == nullptr) return Error(line, w, "set " + Quoted(member) + " is not created before this line");
  if (target->IsList()) return Error(line, w, "a list:set cannot hold another list:set (" + Quoted(member) + ")");
  if (std::find(set.members.begin(), set.members.end(), member) != set.members.end()) {
    return Error(line, w, "set " + Quoted(member) + " is already in " + Quoted(set.set.name));
  }
  auto position = set.members.end();
  if (before || after) {
    const std::string_view ref = line.words[before ? *before : *after].text;
    auto at = std::find(set.members.begin(), set.members.end(), ref);
    if (at == set.members.end()) {
      return Error(line, before ? *before : *after, "set " + Quoted(ref) + " is not in " + Quoted(set.set.name));
    }
    position = before ? at : at + 1;
  }
  set.members.insert(position, std::string(member));
  Ignore(line, "list:set " + set.set.name + ": a -m set match on it is lowered into matches on its members");
}

// The set's elements, nomatch ones carved out; or, when its contents are
// not modelled, none and contents_known = false.
void IpsetLowering::Finish(SetState& state) {
  Ipset& set = dump_.sets[state.index];
  if (set.IsList()) return;
  if (!state.unmodelled.empty()) {
    set.set.contents_known = false;
    set.set.key.clear();
    set.set.elements.clear();
    return;
  }
  if (!state.has_nomatch) {
    set.set.elements.reserve(state.elements.size());
    for (IpsetRawElement& e : state.elements) set.set.elements.push_back(std::move(e.element));
    return;
  }
  std::vector<std::size_t> nets;
  std::size_t component = 0;
  for (IpsetPart part : state.type->parts) {
    if (part == IpsetPart::kNet) nets.push_back(component);
    component += part == IpsetPart::kPort ? 2 : 1;
  }
  set.set.elements = CarveNomatch(state.elements, state.element_rules.family, nets);
}

std::optional<std::uint64_t> IpsetLowering::Number(const IpsetLine& line, std::size_t word, std::uint64_t max) {
  std::optional<std::uint64_t> n = ParseXtablesNumber(line.words[word].text, max);
  if (!n) Error(line, word, "bad number " + Quoted(line.words[word].text) + " (0 to " + std::to_string(max) + ")");
  return n;
}

void IpsetLowering::Ignore(const IpsetLine& line, std::string reason) {
  rules::IgnoredLine& ignored = ignored_.emplace_back();
  ignored.location.file = file_name_;
  ignored.location.line = line.line;
  ignored.location.column = 1;
  ignored.text = line.text;
  ignored.reason = std::move(reason);
}

void IpsetLowering::Error(const IpsetLine& line, std::size_t word, std::string message, Severity severity) {
  Diagnostic d;
  d.severity = severity;
  d.location = {file_name_, line.line, line.words[word].column};
  d.message = std::move(message);
  d.source_line = std::string(line.source_line);
  diagnostics_.push_back(std::move(d));
}

}  // namespace

void ReadIpsetDump(std::string_view text, const std::string& file_name, IpsetDump& dump,
                   std::vector<Diagnostic>& diagnostics, std::vector<rules::IgnoredLine>& ignored) {
  std::vector<Diagnostic> found;
  const IpsetText lines = ReadIpset(text, file_name, found);
  IpsetLowering(file_name, dump, found, ignored).Lower(lines);
  std::stable_sort(found.begin(), found.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.location.line != b.location.line) return a.location.line < b.location.line;
    return a.location.column < b.location.column;
  });
  diagnostics.insert(diagnostics.end(), found.begin(), found.end());
}

std::vector<rules::NamedSet> IpsetNamedSets(const IpsetDump& dump) {
  std::vector<rules::NamedSet> sets;
  for (const Ipset& s : dump.sets) {
    if (!s.IsList()) sets.push_back(s.set);
  }
  return sets;
}

ParseResult ParseIpsetSave(std::string_view text, const std::string& file_name) {
  ParseResult result;
  IpsetDump dump;
  ReadIpsetDump(text, file_name, dump, result.diagnostics, result.ruleset.ignored);
  result.ruleset.inputs.push_back(file_name);
  result.ruleset.sets = IpsetNamedSets(dump);
  return result;
}

}  // namespace ghostport::parsers
