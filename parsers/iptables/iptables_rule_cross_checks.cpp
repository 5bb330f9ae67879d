// What an extension's final check refuses across its options, beyond what
// the schemas (iptables_extension_options.h) say of each option alone:
// statistic's nth packet, the mobility header's type ranges, and the IPsec
// policy match's elements. The messages are iptables' own; each case was
// checked against iptables-restore 1.8.9 (tests/parsers, the upstream
// vectors' FAIL lines).
#include <array>
#include <string>

#include "parsers/iptables/iptables_rule_parser.h"
#include "parsers/netfilter_names.h"

namespace ghostport::parsers::iptables {

namespace {

// libip6t_mh's type names (and their short forms).
constexpr std::array<std::pair<std::string_view, std::uint8_t>, 16> kMhTypes = {{
    {"binding-refresh-request", 0}, {"brr", 0}, {"home-test-init", 1}, {"hoti", 1},
    {"careof-test-init", 2}, {"coti", 2}, {"home-test", 3}, {"hot", 3},
    {"careof-test", 4}, {"cot", 4}, {"binding-update", 5}, {"bu", 5},
    {"binding-acknowledgement", 6}, {"ba", 6}, {"binding-error", 7}, {"be", 7},
}};

std::optional<std::uint8_t> MhType(std::string_view text) {
  for (const auto& [name, number] : kMhTypes) {
    if (name == text) return number;
  }
  if (auto n = ParseXtablesNumber(text, 0xff)) return static_cast<std::uint8_t>(*n);
  return std::nullopt;
}

}  // namespace

std::vector<RuleParser::GivenOption> RuleParser::GivenOptions(std::span<const TokenSpan> spans) const {
  std::vector<GivenOption> out;
  for (const TokenSpan& span : spans) {
    GivenOption g;
    std::size_t at = span.first;
    if (IsBang(at)) {
      g.negated = true;
      ++at;
    }
    if (at > span.second) continue;
    g.option = at;
    std::size_t v = at + 1;
    if (v <= span.second && IsBang(v)) {
      g.negated = true;
      ++v;
    }
    if (v <= span.second) g.value = v;
    out.push_back(g);
  }
  return out;
}

void RuleParser::CheckStatistic(std::span<const GivenOption> given) {
  std::optional<std::uint64_t> every;
  const GivenOption* packet = nullptr;
  for (const GivenOption& g : given) {
    if (!g.value) continue;
    if (Text(g.option) == "--every") every = ParseXtablesNumber(Text(*g.value), 0xffffffffu);
    if (Text(g.option) == "--packet") packet = &g;
  }
  if (!every || packet == nullptr) return;
  const std::optional<std::uint64_t> p = ParseXtablesNumber(Text(*packet->value), 0xffffffffu);
  if (p && *p >= *every) Error(*packet->value, "the --packet p must be 0 <= p <= n-1");
}

void RuleParser::CheckMhType(std::span<const GivenOption> given) {
  for (const GivenOption& g : given) {
    if (Text(g.option) != "--mh-type" || !g.value) continue;
    const std::string_view text = Text(*g.value);
    const std::size_t colon = text.find(':');
    const std::string_view lo = text.substr(0, colon);
    const std::string_view hi = colon == std::string_view::npos ? lo : text.substr(colon + 1);
    const std::optional<std::uint8_t> a = lo.empty() ? std::optional<std::uint8_t>(0) : MhType(lo);
    const std::optional<std::uint8_t> b = hi.empty() ? std::optional<std::uint8_t>(0xff) : MhType(hi);
    if (!a || !b) {
      Error(*g.value, "Invalid MH type `" + std::string(!a ? lo : hi) + "'");
    } else if (*a > *b) {
      Error(*g.value, "Invalid MH type range (min > max)");
    }
  }
}

// libxt_policy: --next ends one element and starts the next (at most four);
// with --strict each element must say something; tunnel addresses need
// tunnel mode; --pol none takes neither --strict nor elements.
void RuleParser::CheckPolicy(std::span<const GivenOption> given, std::size_t name_token) {
  struct Element {
    bool any = false;
    bool tunnel_address = false;
    std::optional<std::size_t> address_token;
    bool tunnel_mode = false;  // --mode tunnel, or ! --mode transport
  };
  std::vector<Element> elements(1);
  bool strict = false, none = false;
  std::optional<std::size_t> dir;
  for (const GivenOption& g : given) {
    const std::string_view o = Text(g.option);
    Element& e = elements.back();
    if (o == "--dir") {
      if (dir) return Error(g.option, "policy: option \"--dir\" can only be used once");
      dir = g.option;
    } else if (o == "--strict") {
      strict = true;
    } else if (o == "--pol") {
      none = g.value && Text(*g.value) == "none";
    } else if (o == "--next") {
      if (elements.size() == 4) return Error(g.option, "policy match: maximum policy depth reached");
      elements.emplace_back();
    } else if (o == "--tunnel-src" || o == "--tunnel-dst") {
      e.any = true;
      e.tunnel_address = true;
      if (!e.address_token) e.address_token = g.option;
    } else if (o == "--mode") {
      e.any = true;
      const bool tunnel = g.value && Text(*g.value) == "tunnel";
      e.tunnel_mode = tunnel != g.negated;
    } else if (o == "--reqid" || o == "--spi" || o == "--proto") {
      e.any = true;
    }
  }
  if (none) {
    if (strict) return Error(name_token, "policy match: policy none but --strict given");
    if (elements.size() > 1) return Error(name_token, "policy match: policy none but policy given");
    return;
  }
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const Element& e = elements[i];
    if (strict && !e.any) {
      return Error(name_token, "policy match: empty policy element " + std::to_string(i) +
                                   ". --strict is in effect, but at least one of reqid, spi, tunnel-src, "
                                   "tunnel-dst, proto or mode is required");
    }
    if (e.tunnel_address && !e.tunnel_mode) {
      return Error(*e.address_token, "policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode");
    }
  }
}

void RuleParser::CheckCrossOptions() {
  for (const ModuleUse& m : modules_) {
    if (m.implicit) continue;
    const std::vector<GivenOption> given = GivenOptions(m.condition_spans);
    if (m.name == "statistic") CheckStatistic(given);
    if (m.name == "mh") CheckMhType(given);
    if (m.name == "policy") CheckPolicy(given, m.name_token);
  }
}

}  // namespace ghostport::parsers::iptables
