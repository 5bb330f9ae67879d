#include "parsers/iptables/iptables_rule_parser.h"

#include <algorithm>
#include <cctype>

#include "parsers/netfilter_names.h"

namespace ghostport::parsers::iptables {

namespace {

constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1
constexpr std::size_t kMultiportMax = 15;      // XT_MULTI_PORTS; a range takes two

// The usual way an IPv4 address is written, "A.B.C.D" or "A.B.C.D/N", read
// quickly; nullopt for anything else, which rules::ParseCidr then reads (or
// rejects). What this accepts, ParseCidr reads the same: decimal fields
// without a leading zero, octets up to 255, a length up to 32.
std::optional<rules::Cidr> ParsePlainIpv4Cidr(std::string_view text) {
  std::size_t i = 0;
  // One field of 1 to `max_digits` digits, without a leading zero.
  auto field = [&](std::size_t max_digits, std::uint32_t& value) {
    const std::size_t start = i;
    value = 0;
    while (i < text.size() && i - start <= max_digits && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + static_cast<std::uint32_t>(text[i++] - '0');
    }
    const std::size_t digits = i - start;
    return digits > 0 && digits <= max_digits && (digits == 1 || text[start] != '0');
  };
  std::uint32_t address = 0;
  for (int k = 0; k < 4; ++k) {
    if (k > 0 && (i == text.size() || text[i++] != '.')) return std::nullopt;
    std::uint32_t octet = 0;
    if (!field(3, octet) || octet > 255) return std::nullopt;
    address = address << 8 | octet;
  }
  rules::Cidr cidr{Family::kIpv4, address, 32};
  if (i < text.size()) {
    std::uint32_t prefix = 0;
    if (text[i++] != '/' || !field(2, prefix) || prefix > 32 || i != text.size()) return std::nullopt;
    cidr.prefix = static_cast<int>(prefix);
  }
  cidr.address = cidr.First();
  return cidr;
}

// The prefix length of a contiguous netmask, or nullopt.
std::optional<int> MaskPrefix(Family family, rules::u128 mask) {
  const int bits = rules::AddressBits(family);
  int prefix = 0;
  while (prefix < bits && ((mask >> (bits - 1 - prefix)) & 1) != 0) ++prefix;
  rules::u128 expected = prefix == 0 ? 0 : (rules::MaxAddress(family) << (bits - prefix)) & rules::MaxAddress(family);
  if (mask != expected) return std::nullopt;
  return prefix;
}

// The addresses a non-contiguous netmask selects, as the kernel tests them
// ((packet & mask) == (address & mask)): blocks of 2^t addresses, t the
// mask's trailing zero bits, one for each setting of the k zero bits above
// them. nullopt when there are more than 2^kMaxFreeMaskBits blocks.
constexpr int kMaxFreeMaskBits = 12;
std::optional<AddressSet> NonContiguousMaskSet(Family family, rules::u128 address, rules::u128 mask) {
  const int bits = rules::AddressBits(family);
  int trailing = 0;
  while (trailing < bits && ((mask >> trailing) & 1) == 0) ++trailing;
  std::vector<int> free_bits;
  for (int b = trailing; b < bits; ++b)
    if (((mask >> b) & 1) == 0) free_bits.push_back(b);
  if (static_cast<int>(free_bits.size()) > kMaxFreeMaskBits) return std::nullopt;
  const rules::u128 base = address & mask;
  AddressSet out = AddressSet::None(family);
  for (std::uint32_t combo = 0; combo < (1u << free_bits.size()); ++combo) {
    rules::u128 block = base;
    for (std::size_t i = 0; i < free_bits.size(); ++i)
      if ((combo >> i) & 1) block |= rules::u128{1} << free_bits[i];
    out = out.Union(AddressSet::OfCidr(rules::Cidr{family, block, bits - trailing}));
  }
  return out;
}

bool HasLetter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

bool LooksLikeHostName(Family family, std::string_view s) {
  if (family == Family::kIpv6 && s.find(':') != std::string_view::npos) return false;
  return HasLetter(s);
}

}  // namespace

std::optional<std::uint16_t> RuleParser::ParsePort(std::string_view text, std::size_t token) {
  if (std::optional<std::uint64_t> n = ParseXtablesNumber(text, 65535)) return static_cast<std::uint16_t>(*n);
  if (std::optional<std::uint16_t> p = ServicePort(text)) return p;
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) != 0) {
    Error(token, "bad port \"" + std::string(text) + "\"");
  } else {
    Error(token, "unknown service name \"" + std::string(text) +
                     "\" (only a built-in table of common names is known; write the port number)");
  }
  return std::nullopt;
}

std::optional<PortSet> RuleParser::ParsePortRange(std::size_t token) {
  const std::string_view text = tokens_[token].text;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    std::optional<std::uint16_t> port = ParsePort(text, token);
    if (!port) return std::nullopt;
    return PortSet::Single(*port);
  }
  const std::string_view lo_text = text.substr(0, colon);
  const std::string_view hi_text = text.substr(colon + 1);
  std::optional<std::uint16_t> lo = lo_text.empty() ? std::optional<std::uint16_t>(0) : ParsePort(lo_text, token);
  std::optional<std::uint16_t> hi =
      hi_text.empty() ? std::optional<std::uint16_t>(65535) : ParsePort(hi_text, token);
  if (!lo || !hi) return std::nullopt;
  if (*lo > *hi) {
    Error(token, "bad port range " + Quote(token) + ": the first port is above the last");
    return std::nullopt;
  }
  return PortSet::Range(*lo, *hi);
}

std::optional<PortSet> RuleParser::ParsePortList(std::size_t token) {
  std::vector<rules::Interval<std::uint16_t>> ranges;
  std::size_t slots = 0;
  bool ok = true;
  ForEachItem(Text(token), ',', [&](std::string_view item) {
    const std::size_t colon = item.find(':');
    slots += colon == std::string_view::npos ? 1 : 2;
    if (colon == std::string_view::npos) {
      std::optional<std::uint16_t> port = ParsePort(item, token);
      if (port) ranges.push_back({*port, *port});
      ok = ok && port.has_value();
      return true;
    }
    std::optional<std::uint16_t> lo = ParsePort(item.substr(0, colon), token);
    std::optional<std::uint16_t> hi = lo ? ParsePort(item.substr(colon + 1), token) : std::nullopt;
    if (!lo || !hi) {
      ok = false;
    } else if (*lo >= *hi) {
      Error(token, "bad port range \"" + std::string(item) + "\": multiport needs the first port below the last");
      ok = false;
    } else {
      ranges.push_back({*lo, *hi});
    }
    return true;
  });
  if (ok && slots > kMultiportMax) {
    Error(token, "too many ports in " + Quote(token) + " (multiport takes 15, a range counting as two)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return PortSet::FromIntervals(std::move(ranges));
}

std::optional<AddressSet> RuleParser::ParseAddresses(std::size_t token, bool negated) {
  const std::string_view text = Text(token);
  if (text.find(',') == std::string_view::npos) return ParseAddress(text, token);  // the usual case
  if (negated) {
    Error(token, "\"!\" cannot be used with several addresses");
    return std::nullopt;
  }
  AddressSet all = AddressSet::None(context_.family);
  bool ok = true;
  ForEachItem(text, ',', [&](std::string_view item) {
    std::optional<AddressSet> one = ParseAddress(item, token);
    if (one) all = all.Union(*one);
    ok = ok && one.has_value();
    return true;
  });
  if (!ok) return std::nullopt;
  return all;
}

std::optional<AddressSet> RuleParser::ParseAddress(std::string_view text, std::size_t token) {
  const Family family = context_.family;
  const std::size_t slash = text.find('/');
  if (family == Family::kIpv4) {
    if (std::optional<rules::Cidr> cidr = ParsePlainIpv4Cidr(text)) return AddressSet::OfCidr(*cidr);
  }
  const char mask_separator = family == Family::kIpv4 ? '.' : ':';
  if (slash == std::string_view::npos || text.find(mask_separator, slash + 1) == std::string_view::npos) {
    // An address or ADDRESS/LENGTH: ParseCidr reads it as the steps below would.
    if (std::optional<rules::Cidr> cidr = rules::ParseCidr(family, text)) return AddressSet::OfCidr(*cidr);
  }
  const std::string family_name = family_name_;
  const std::string_view address = text.substr(0, slash);
  if (!rules::ParseAddress(family, address)) {
    if (LooksLikeHostName(family, address)) {
      host_name_seen_ = true;  // the caller keeps the option as an unknown condition
    } else {
      Error(token, "bad " + family_name + " address \"" + std::string(text) + "\"");
    }
    return std::nullopt;
  }
  std::string cidr_text(text);
  if (slash != std::string_view::npos) {
    const std::string_view mask = text.substr(slash + 1);
    const bool long_mask = mask.find(family == Family::kIpv4 ? '.' : ':') != std::string_view::npos;
    if (long_mask) {
      std::optional<rules::u128> mask_value = rules::ParseAddress(family, mask);
      std::optional<int> prefix = mask_value ? MaskPrefix(family, *mask_value) : std::nullopt;
      if (mask_value && !prefix) {
        std::optional<AddressSet> set = NonContiguousMaskSet(family, *rules::ParseAddress(family, address), *mask_value);
        if (!set) {
          non_contiguous_mask_seen_ = true;  // the caller keeps the option as an unknown condition
          Warning(token, "non-contiguous mask in \"" + std::string(text) + "\" selects more than " +
                             std::to_string(1 << kMaxFreeMaskBits) + " address blocks; read as an explicit unknown");
        }
        return set;
      }
      if (prefix) cidr_text = std::string(address) + "/" + std::to_string(*prefix);
    }
  }
  std::optional<rules::Cidr> cidr = rules::ParseCidr(family, cidr_text);
  if (!cidr) {
    Error(token, "bad " + family_name + " address \"" + std::string(text) + "\"");
    return std::nullopt;
  }
  return AddressSet::OfCidr(*cidr);
}

std::optional<rules::InterfaceMatch> RuleParser::ParseInterface(const OptionUse& use) {
  const std::size_t v = use.values[0];
  const std::string_view text = tokens_[v].text;
  if (text.empty()) {
    Error(v, "empty interface name");
    return std::nullopt;
  }
  if (text.size() > kMaxInterfaceName) {
    Error(v, "interface name " + Quote(v) + " is longer than 15 characters");
    return std::nullopt;
  }
  rules::InterfaceMatch m;
  m.negated = use.negated;
  if (text.back() == '+') {
    m.names.push_back({std::string(text.substr(0, text.size() - 1)), true});
  } else {
    m.names.push_back({std::string(text), false});
  }
  return m;
}

std::optional<std::uint8_t> RuleParser::ParseTcpFlags(std::size_t token) {
  std::uint8_t bits = 0;
  bool ok = true;
  ForEachItem(Text(token), ',', [&](std::string_view name) {
    std::optional<std::uint8_t> flag = TcpFlagBits(name);
    if (!flag) {
      Error(token, "unknown TCP flag \"" + std::string(name) + "\"");
      ok = false;
      return false;
    }
    bits |= *flag;
    return true;
  });
  if (!ok) return std::nullopt;
  return bits;
}

void RuleParser::ParseStates(ModuleUse& m, const OptionUse& use, bool allow_nat_states) {
  const std::size_t v = use.values[0];
  CtStateTest test;
  bool ok = true;
  ForEachItem(Text(v), ',', [&](std::string_view name) {
    if (std::optional<std::uint8_t> bit = CtStateBit(name)) {
      test.states |= *bit;
    } else if (std::optional<std::uint8_t> nat = allow_nat_states ? CtNatBit(name) : std::nullopt) {
      test.nat |= *nat;
    } else {
      Error(v, "unknown conntrack state \"" + std::string(name) + "\"");
      ok = false;
    }
    return ok;
  });
  if (!ok) return;
  test.negated = use.negated;
  test.module = static_cast<std::size_t>(&m - modules_.data());
  test.span = {use.first, use.last()};
  ct_tests_.push_back(test);
}

// --src-type / --dst-type TYPE[,TYPE...]: the address is one of the types.
std::optional<rules::AddrTypeMatch> RuleParser::ParseAddrTypes(const OptionUse& use) {
  const std::size_t v = use.values[0];
  if (use.negated && use.first == use.option) {
    // "--src-type ! LOCAL": iptables reads "!" as the type.
    Error(use.option + 1, "\"!\" goes before " + Quote(use.option) + " (iptables reads it here as a type)");
    return std::nullopt;
  }
  rules::AddrTypeMatch test;
  test.negated = use.negated;
  bool ok = true;
  ForEachItem(Text(v), ',', [&](std::string_view name) {
    std::optional<std::uint16_t> bit = AddrTypeBit(name);
    if (!bit) {
      Error(v, "unknown address type \"" + std::string(name) + "\"");
      ok = false;
    } else if (context_.family == Family::kIpv6 && !AddrTypeWorksForIpv6(*bit)) {
      Error(v, "the address type " + std::string(AddrTypeName(*bit)) +
                   " cannot be tested in ip6tables (the kernel refuses it)");
      ok = false;
    } else {
      test.types |= *bit;
    }
    return ok;
  });
  if (!ok) return std::nullopt;
  return test;
}

// Two tests of one address: the address is of a type both allow.
void RuleParser::AddAddrType(std::optional<rules::AddrTypeMatch>& field, const rules::AddrTypeMatch& test) {
  constexpr std::uint16_t kAllTypes = 0x0fff;
  auto allowed = [](const rules::AddrTypeMatch& t) {
    return t.negated ? static_cast<std::uint16_t>(kAllTypes & ~t.types) : t.types;
  };
  if (!field) {
    field = test;
  } else if (field->negated && test.negated) {
    field->types |= test.types;
  } else {
    field = rules::AddrTypeMatch{static_cast<std::uint16_t>(allowed(*field) & allowed(test)), false};
    if (field->types == 0) never_matches_ = true;
  }
}

// src,dst,...: one direction per dimension of the set, at most six. As
// iptables reads them, only the first three letters count ("srcx" is src).
std::optional<std::vector<bool>> RuleParser::ParseSetDirections(std::size_t token) {
  constexpr std::size_t kMaxDimensions = 6;  // IPSET_DIM_MAX
  std::vector<bool> src;
  bool ok = true;
  ForEachItem(Text(token), ',', [&](std::string_view item) {
    if (src.size() == kMaxDimensions) {
      Error(token, "more than 6 directions in " + Quote(token));
      ok = false;
    } else if (item.substr(0, 3) == "src" || item.substr(0, 3) == "dst") {
      src.push_back(item.substr(0, 3) == "src");
    } else {
      Error(token, "bad direction \"" + std::string(item) + "\" in " + Quote(token) + ": each is \"src\" or \"dst\"");
      ok = false;
    }
    return ok;
  });
  if (!ok) return std::nullopt;
  return src;
}

}  // namespace ghostport::parsers::iptables
