// The options of extensions ghostport reads without modelling them, checked
// against their schemas (iptables_extension_options.h) as iptables' option
// parser and final checks do.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "parsers/iptables/iptables_extension_options.h"
#include "parsers/iptables/iptables_rule_parser.h"
#include "parsers/netfilter_names.h"

namespace ghostport::parsers::iptables {

// What the kernel's checkentry refuses when a rule is loaded (iptables-restore
// --test reads these; loading fails): an extension that needs "-p tcp" (or
// tcp or udp), or that only works on some hooks (and in one table).
// Verified by loading each into a network namespace (the upstream vectors'
// FAIL lines; tests/parsers/iptables_upstream_vectors_test.cpp).
struct KernelNeed {
  std::string_view name;
  bool target;
  std::string_view option;  // only when this option is given ("" = always)
  std::string_view value;   // ... with this value ("" = any)
  std::span<const std::uint8_t> protocols;  // one of them, without "!" (empty: any)
  std::uint8_t hooks;                       // IptablesHookBit of each hook allowed (0: any)
  const char* table;                        // the only table (nullptr: any)
};

namespace {

bool InList(std::string_view list, std::string_view item) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view head = list.substr(0, comma);
    if (head.size() == item.size() &&
        std::equal(head.begin(), head.end(), item.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

constexpr std::uint64_t k8Max = 0xff;

bool InRange(std::string_view text, const XtOption& o) {
  std::optional<std::uint64_t> n = ParseXtablesNumber(text, o.max);
  return n && *n >= o.min;
}

// N:M (an empty end is 0 or the maximum); without `strict` also N, and N
// <= M; with `strict` N < M.
bool ValidRange(std::string_view text, const XtOption& o, bool strict) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return !strict && InRange(text, o);
  const std::string_view lo = text.substr(0, colon), hi = text.substr(colon + 1);
  if ((!lo.empty() && !InRange(lo, o)) || (!hi.empty() && !InRange(hi, o))) return false;
  const std::uint64_t a = lo.empty() ? o.min : *ParseXtablesNumber(lo, o.max);
  const std::uint64_t b = hi.empty() ? o.max : *ParseXtablesNumber(hi, o.max);
  return strict ? a < b : a <= b;
}

bool ValidPort(std::string_view text) {
  return ParseXtablesNumber(text, 0xffff).has_value() || ServicePort(text).has_value();
}

bool ValidPortRange(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return ValidPort(text);
  const std::string_view lo = text.substr(0, colon), hi = text.substr(colon + 1);
  if ((!lo.empty() && !ValidPort(lo)) || (!hi.empty() && !ValidPort(hi))) return false;
  if (lo.empty() || hi.empty()) return true;
  auto port = [](std::string_view p) {
    const std::optional<std::uint64_t> n = ParseXtablesNumber(p, 0xffff);
    return n ? static_cast<std::uint16_t>(*n) : *ServicePort(p);
  };
  return port(lo) <= port(hi);
}

bool ValidMarkMask(std::string_view text, const XtOption& o) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return InRange(text, o);
  return InRange(text.substr(0, slash), o) && InRange(text.substr(slash + 1), o);
}

bool ValidChoice(std::string_view text, const XtOption& o) {
  if (InList(o.choices, text)) return true;
  return o.max > 0 && ValidMarkMask(text, o);
}

bool ValidProbability(std::string_view text) {
  double p = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  return ec == std::errc() && end == text.data() + text.size() && p >= 0 && p <= 1;
}

bool ValidMac(std::string_view text) {
  if (text.size() != 17) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool colon_place = i % 3 == 2;
    if (colon_place ? text[i] != ':' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

bool ValidValue(std::string_view text, const XtOption& o) {
  switch (o.value) {
    case XtValue::kNone: return true;
    case XtValue::kUint: return InRange(text, o);
    case XtValue::kUintRange: return ValidRange(text, o, false);
    case XtValue::kUintStrictRange: return ValidRange(text, o, true);
    case XtValue::kMarkMask: return ValidMarkMask(text, o);
    case XtValue::kString: return text.size() <= o.max;
    case XtValue::kChoice: return ValidChoice(text, o);
    case XtValue::kChoiceList: {
      bool ok = !text.empty();
      ForEachItem(text, ',', [&](std::string_view item) {
        ok = ok && ValidChoice(item, o);
        return ok;
      });
      return ok;
    }
    case XtValue::kProbability: return ValidProbability(text);
    case XtValue::kMac: return ValidMac(text);
    case XtValue::kProtocol: return InRange(text, o) || (!ParseXtablesNumber(text, k8Max) && ProtocolNumber(text).value_or(0) != 0);
    case XtValue::kPortRange: return ValidPortRange(text);
    case XtValue::kAny: return true;
  }
  return true;
}

std::string Expected(const XtOption& o) {
  switch (o.value) {
    case XtValue::kUint:
    case XtValue::kUintRange:
    case XtValue::kUintStrictRange:
    case XtValue::kMarkMask:
      return "out of range (" + std::to_string(o.min) + "-" + std::to_string(o.max) + ")";
    case XtValue::kString: return "longer than " + std::to_string(o.max) + " characters";
    case XtValue::kChoice:
    case XtValue::kChoiceList:
      return "not one of " + std::string(o.choices) +
             (o.max > 0 ? " nor a number (" + std::to_string(o.min) + "-" + std::to_string(o.max) + ")" : "");
    case XtValue::kProbability: return "not a probability between 0 and 1";
    case XtValue::kMac: return "not a MAC address";
    case XtValue::kProtocol: return "not a protocol (a name, or a number 1-255)";
    case XtValue::kPortRange: return "not a port or an ascending port range";
    default: return "not valid";
  }
}

constexpr std::uint8_t kTcpOnly[] = {6};
constexpr std::uint8_t kTcpOrUdp[] = {6, 17};
constexpr std::uint8_t kMobilityHeader[] = {135};
using rules::Hook;
constexpr std::uint8_t kOutgoing = IptablesHookBit(Hook::kOutput) | IptablesHookBit(Hook::kPostrouting);
constexpr std::uint8_t kIncoming =
    IptablesHookBit(Hook::kPrerouting) | IptablesHookBit(Hook::kInput) | IptablesHookBit(Hook::kForward);

constexpr KernelNeed kKernelNeeds[] = {
    {"tcpmss", false, "", "", kTcpOnly, 0, nullptr},
    {"osf", false, "", "", kTcpOnly, kIncoming, nullptr},
    {"ecn", false, "--ecn-tcp-cwr", "", kTcpOnly, 0, nullptr},
    {"ecn", false, "--ecn-tcp-ece", "", kTcpOnly, 0, nullptr},
    {"owner", false, "", "", {}, kOutgoing, nullptr},
    {"eui64", false, "", "", {}, kIncoming, nullptr},
    {"mh", false, "", "", kMobilityHeader, 0, nullptr},
    {"TCPMSS", true, "", "", kTcpOnly, 0, nullptr},
    {"TCPOPTSTRIP", true, "", "", kTcpOnly, 0, nullptr},
    {"SYNPROXY", true, "", "", kTcpOnly, IptablesHookBit(Hook::kInput) | IptablesHookBit(Hook::kForward), nullptr},
    {"REJECT", true, "--reject-with", "tcp-reset", kTcpOnly, 0, nullptr},
    {"TPROXY", true, "", "", kTcpOrUdp, IptablesHookBit(Hook::kPrerouting), "mangle"},
};

// "\"-p tcp\" or \"-p udp\"".
std::string ProtocolChoices(std::span<const std::uint8_t> protocols) {
  std::string out;
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    if (i > 0) out += " or ";
    out += "\"-p " + std::string(ProtocolName(protocols[i])) + "\"";
  }
  return out;
}

}  // namespace

// Whether one of `spans` gives `option` (with `value`, when not empty).
bool RuleParser::SpansGive(std::span<const TokenSpan> spans, std::string_view option, std::string_view value) const {
  for (const TokenSpan& span : spans) {
    const std::size_t at = IsBang(span.first) ? span.first + 1 : span.first;
    if (at > span.second || Text(at) != option) continue;
    if (value.empty() || (at + 1 <= span.second && Text(at + 1) == value)) return true;
  }
  return false;
}

void RuleParser::CheckKernelNeed(const KernelNeed& need, std::size_t token) {
  const std::string what = "the " + std::string(need.name) + (need.target ? " target" : " match");
  if (!need.protocols.empty()) {
    const bool right = protocol_ && !protocol_->negated &&
                       std::find(need.protocols.begin(), need.protocols.end(), protocol_->number) != need.protocols.end();
    if (!right) {
      Error(token, what + (need.option.empty() ? "" : " with " + std::string(need.option) +
                                                              (need.value.empty() ? "" : " " + std::string(need.value))) +
                           " needs " + ProtocolChoices(need.protocols) + ": the kernel refuses it when the rule is loaded");
    }
  }
  if (need.table != nullptr && context_.table != need.table) {
    return Error(token, what + " is only valid in the " + need.table + " table (the kernel refuses it in the " +
                                context_.table + " table)");
  }
  if (need.hooks != 0) command_->hook_limits.push_back({need.hooks, tokens_[token], what});
}

void RuleParser::CheckKernelNeeds() {
  for (const KernelNeed& need : kKernelNeeds) {
    if (need.target) {
      if (!target_ || target_->row == nullptr || target_->row->name != need.name) continue;
      if (!need.option.empty() && !SpansGive(target_->option_spans, need.option, need.value)) continue;
      CheckKernelNeed(need, target_->name);
      continue;
    }
    for (const ModuleUse& m : modules_) {
      if (m.implicit || m.name != need.name) continue;
      if (!need.option.empty() && !SpansGive(m.condition_spans, need.option, need.value)) continue;
      CheckKernelNeed(need, m.name_token);
    }
  }
}

void RuleParser::CheckXtOptions(const XtExtension& ext, std::size_t name_token, std::span<const TokenSpan> spans,
                                std::span<const std::string_view> read) {
  const std::string what = std::string(ext.name) + (ext.target ? " target" : " match");
  std::vector<std::pair<const XtOption*, std::size_t>> given;  // the option and its token
  std::vector<std::string_view> named(read.begin(), read.end());  // every option given
  for (const TokenSpan& span : spans) {
    std::size_t at = span.first;
    bool negated = false;
    if (IsBang(at)) {
      negated = true;
      ++at;
    }
    if (at > span.second) continue;
    const std::string_view name = Text(at);
    named.push_back(name);
    const auto it = std::find_if(ext.options.begin(), ext.options.end(),
                                 [&](const XtOption& o) { return o.name == name; });
    if (it == ext.options.end()) {
      if (ext.closed) Error(at, "unknown option " + Quote(at) + " for the " + what);
      continue;
    }
    const XtOption& o = *it;
    std::size_t v = at + 1;
    if (v <= span.second && IsBang(v)) {  // the old intrapositioned negation
      negated = true;
      ++v;
    }
    if (negated && !o.invertible) Error(at, what + ": option " + Quote(at) + " cannot be inverted");
    const std::size_t values = v <= span.second ? span.second - v + 1 : 0;
    if (o.value == XtValue::kNone) {
      if (values > 0) Error(v, "unexpected argument " + Quote(v) + ": " + Quote(at) + " takes no value");
    } else if (values == 0) {
      Error(at, "option " + Quote(at) + " of the " + what + " requires an argument");
    } else if (values > 1) {
      Error(v + 1, "unexpected argument " + Quote(v + 1) + " after " + Quote(at));
    } else if (!ValidValue(Text(v), o)) {
      Error(v, what + ": bad value " + Quote(v) + " for option " + Quote(at) + ", " + Expected(o));
    }
    given.emplace_back(&o, at);
  }
  auto find = [&](std::string_view option) {
    return std::find_if(given.begin(), given.end(), [&](const auto& g) { return g.first->name == option; });
  };
  for (const XtOption& o : ext.options) {
    if (o.mandatory && find(o.name) == given.end()) {
      Error(name_token, what + ": option \"" + std::string(o.name) + "\" must be specified");
    }
  }
  if (!ext.one_of.empty() &&
      std::none_of(named.begin(), named.end(), [&](std::string_view name) { return InList(ext.one_of, name); })) {
    Error(name_token, std::string(ext.one_of_message));
  }
  for (auto g = given.begin(); g != given.end(); ++g) {
    const XtOption& o = *g->first;
    for (auto h = given.begin(); h != g; ++h) {
      if (InList(o.excludes, h->first->name)) {
        Error(g->second, what + ": option " + Quote(g->second) + " cannot be used together with " + Quote(h->second));
      }
    }
    if (o.also.empty()) continue;
    ForEachItem(o.also, ',', [&](std::string_view needed) {
      const auto other = find(needed);
      const bool missing = other == given.end() || (o.also_earlier && other > g);
      if (missing) {
        Error(g->second, what + ": option " + Quote(g->second) + " needs \"" + std::string(needed) + "\"" +
                             (o.also_earlier ? " before it" : ""));
      }
      return true;
    });
  }
}

// A match ghostport reads itself (a ModuleRow) has its options read there;
// the schema adds the checks that reading leaves out, and the names of the
// options read count for its "one of" rule.
void RuleParser::CheckExtensionOptions() {
  CheckKernelNeeds();
  CheckCrossOptions();
  for (const ModuleUse& m : modules_) {
    const std::string_view name = m.row != nullptr ? m.row->name : m.name;
    const XtExtension* ext = FindXtExtension(name, false);
    if (ext == nullptr || (m.implicit && m.seen == 0 && m.condition_spans.empty())) continue;
    std::vector<std::string_view> read;
    if (m.row != nullptr) {
      for (std::size_t i = 0; i < m.row->options.size(); ++i)
        if ((m.seen >> i) & 1) read.push_back(m.row->options[i].name);
    }
    CheckXtOptions(*ext, m.implicit ? m.anchor : m.name_token, m.condition_spans, read);
  }
  if (target_ && target_->row != nullptr) {
    if (const XtExtension* ext = FindXtExtension(target_->row->name, true)) {
      CheckXtOptions(*ext, target_->name, target_->option_spans, {});
    }
  }
}

}  // namespace ghostport::parsers::iptables
