#include "parsers/ipset/ipset_elements.h"

#include <algorithm>
#include <cctype>

#include "parsers/netfilter_names.h"

namespace ghostport::parsers {

namespace {

using rules::Family;
using rules::u128;
using Component = rules::SetElement::Component;

constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

struct IcmpName {
  const char* protocol;  // "icmp" or "icmpv6"
  const char* name;
  int type;
  int code;
};

constexpr IcmpName kIcmpNames[] = {
#include "parsers/ipset/ipset_icmp_names.inc"
};

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool IsPortProtocol(std::uint8_t p) { return p == 6 || p == 17 || p == 136 || p == 132; }

bool HasLetter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

class ElementParser {
 public:
  ElementParser(const IpsetElementRules& rules, bool wildcard, const std::function<void(std::string)>& error)
      : rules_(rules), wildcard_(wildcard), error_(error) {}

  IpsetElementResult Parse(std::string_view text);

 private:
  bool Part(IpsetPart part, std::string_view text, IpsetRawElement& out);
  std::optional<Component> Ip(std::string_view text, bool plain_only);
  std::optional<Component> Net(std::string_view text, int& prefix);
  bool Port(std::string_view text, IpsetRawElement& out);
  std::optional<Component> BarePort(std::string_view text);
  std::optional<Component> Iface(std::string_view text);
  std::optional<rules::Interval<u128>> PortRange(std::string_view text);
  std::optional<u128> Address(std::string_view text);
  bool InRange(const Component& c, std::string_view text);
  bool Fail(std::string message) {
    error_(std::move(message));
    return false;
  }
  const char* FamilyName() const { return rules_.family == Family::kIpv4 ? "IPv4" : "IPv6"; }

  const IpsetElementRules& rules_;
  bool wildcard_;
  const std::function<void(std::string)>& error_;
  std::string unmodelled_;
};

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

IpsetElementResult ElementParser::Parse(std::string_view text) {
  const std::span<const IpsetPart> parts = rules_.type->parts;
  std::vector<std::string_view> items;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  IpsetElementResult result;
  if (items.size() != parts.size()) {
    Fail("a " + std::string(rules_.type->name) + " element has " + std::to_string(parts.size()) +
         (parts.size() == 1 ? " part" : " parts separated by \",\"") + "; " + Quoted(text) + " has " +
         std::to_string(items.size()));
    return result;
  }
  IpsetRawElement element;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!Part(parts[i], items[i], element)) return result;
  }
  result.element = std::move(element);
  result.unmodelled = unmodelled_;
  return result;
}

bool ElementParser::Part(IpsetPart part, std::string_view text, IpsetRawElement& out) {
  std::optional<Component> c;
  switch (part) {
    case IpsetPart::kIp: c = Ip(text, false); break;
    case IpsetPart::kPlainIp: c = Ip(text, true); break;
    case IpsetPart::kNet: {
      int prefix = 0;
      c = Net(text, prefix);
      out.prefixes.push_back(prefix);
      break;
    }
    case IpsetPart::kPort: return Port(text, out);
    case IpsetPart::kBarePort: c = BarePort(text); break;
    case IpsetPart::kIface: c = Iface(text); break;
    case IpsetPart::kMac:
    case IpsetPart::kMark:
    case IpsetPart::kSetName: return Fail("this element part is not read");  // the caller never asks
  }
  if (!c) return false;
  out.element.key.push_back(std::move(*c));
  return true;
}

// A plain address, or nullopt after reporting it. A host name makes the
// set's contents unknown (ipset resolves it when the set is loaded).
std::optional<u128> ElementParser::Address(std::string_view text) {
  if (std::optional<u128> a = rules::ParseAddress(rules_.family, text)) return a;
  const bool name = HasLetter(text) && (rules_.family == Family::kIpv4 || text.find(':') == std::string_view::npos);
  if (name && text.find('/') == std::string_view::npos) {
    unmodelled_ = "the host name " + Quoted(text) + " is resolved when the set is loaded; ghostport never looks names up";
    return u128{0};
  }
  Fail("bad " + std::string(FamilyName()) + " address " + Quoted(text));
  return std::nullopt;
}

bool ElementParser::InRange(const Component& c, std::string_view text) {
  if (!rules_.range || (c.range.lo >= rules_.range->lo && c.range.hi <= rules_.range->hi)) return true;
  return Fail(Quoted(text) + " is outside the set's range");
}

std::optional<Component> ElementParser::Ip(std::string_view text, bool plain_only) {
  Component c;
  const std::size_t dash = text.find('-');
  const std::size_t slash = text.find('/');
  if (dash != std::string_view::npos || slash != std::string_view::npos) {
    if (plain_only || rules_.family == Family::kIpv6) {
      Fail("a plain address is needed here, not " + Quoted(text));
      return std::nullopt;
    }
    if (dash != std::string_view::npos) {
      std::optional<u128> lo = rules::ParseAddress(rules_.family, text.substr(0, dash));
      std::optional<u128> hi = rules::ParseAddress(rules_.family, text.substr(dash + 1));
      if (!lo || !hi) {
        Fail("bad address range " + Quoted(text));
        return std::nullopt;
      }
      if (*lo > *hi) {
        Fail("address range " + Quoted(text) + " runs backwards");
        return std::nullopt;
      }
      c.range = {*lo, *hi};
    } else {
      std::optional<rules::Cidr> cidr = rules::ParseCidr(rules_.family, text);
      if (!cidr || cidr->prefix == 0 || text.find('.', slash) != std::string_view::npos) {
        Fail("bad address prefix " + Quoted(text) + " (IP/1 to IP/32)");
        return std::nullopt;
      }
      c.range = {cidr->First(), cidr->Last()};
    }
  } else {
    std::optional<u128> a = Address(text);
    if (!a) return std::nullopt;
    c.range = {*a, *a};
  }
  if (rules_.netmask) {
    const rules::Cidr lo{rules_.family, c.range.lo, *rules_.netmask};
    const rules::Cidr hi{rules_.family, c.range.hi, *rules_.netmask};
    c.range = {lo.First(), hi.Last()};
  }
  if (!InRange(c, text)) return std::nullopt;
  return c;
}

std::optional<Component> ElementParser::Net(std::string_view text, int& prefix) {
  const int bits = rules::AddressBits(rules_.family);
  Component c;
  const std::size_t dash = text.find('-');
  if (dash != std::string_view::npos) {
    if (rules_.family == Family::kIpv6) {
      Fail("an IPv6 net is IP/CIDR, not a range: " + Quoted(text));
      return std::nullopt;
    }
    std::optional<u128> lo = rules::ParseAddress(rules_.family, text.substr(0, dash));
    std::optional<u128> hi = rules::ParseAddress(rules_.family, text.substr(dash + 1));
    if (!lo || !hi || *lo > *hi) {
      Fail("bad address range " + Quoted(text));
      return std::nullopt;
    }
    c.range = {*lo, *hi};
    prefix = -1;
    return c;
  }
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    std::optional<u128> a = Address(text);
    if (!a) return std::nullopt;
    c.range = {*a, *a};
    prefix = bits;
    return c;
  }
  std::optional<rules::Cidr> cidr = rules::ParseCidr(rules_.family, text);
  const bool netmask_form = text.find(rules_.family == Family::kIpv4 ? '.' : ':', slash) != std::string_view::npos;
  if (!cidr || cidr->prefix == 0 || netmask_form) {
    Fail("bad net " + Quoted(text) + " (IP/1 to IP/" + std::to_string(bits) + ")");
    return std::nullopt;
  }
  c.range = {cidr->First(), cidr->Last()};
  prefix = cidr->prefix;
  return c;
}

std::optional<rules::Interval<u128>> ElementParser::PortRange(std::string_view text) {
  auto one = [&](std::string_view t) -> std::optional<std::uint16_t> {
    if (std::optional<std::uint64_t> n = ParseXtablesNumber(t, 65535)) return static_cast<std::uint16_t>(*n);
    if (std::optional<std::uint16_t> p = ServicePort(t)) return p;
    Fail("bad port " + Quoted(t));
    return std::nullopt;
  };
  if (std::optional<std::uint16_t> p = ServicePort(text)) return rules::Interval<u128>{*p, *p};
  const std::size_t dash = text.find('-');
  std::optional<std::uint16_t> lo = one(text.substr(0, dash));
  if (!lo) return std::nullopt;
  std::optional<std::uint16_t> hi = dash == std::string_view::npos ? lo : one(text.substr(dash + 1));
  if (!hi) return std::nullopt;
  if (*lo > *hi) {
    Fail("port range " + Quoted(text) + " runs backwards");
    return std::nullopt;
  }
  return rules::Interval<u128>{*lo, *hi};
}

bool ElementParser::Port(std::string_view text, IpsetRawElement& out) {
  const std::size_t colon = text.find(':');
  std::uint8_t protocol = 6;  // "PORT" alone is tcp
  std::string_view value = text;
  if (colon != std::string_view::npos) {
    const std::string_view name = text.substr(0, colon);
    value = text.substr(colon + 1);
    std::optional<std::uint64_t> number = ParseXtablesNumber(name, 255);
    std::optional<std::uint8_t> named = number ? std::nullopt : ProtocolNumber(name);
    if (!number && !named) return Fail("unknown protocol " + Quoted(name));
    protocol = number ? static_cast<std::uint8_t>(*number) : *named;
    if (protocol == 0) return Fail("protocol " + Quoted(name) + " cannot be matched: write a protocol");
  }
  rules::Interval<u128> port{0, 0};
  if (IsPortProtocol(protocol)) {
    std::optional<rules::Interval<u128>> range = PortRange(value);
    if (!range) return false;
    port = *range;
  } else if (protocol == 1 || protocol == 58) {
    const bool v4 = protocol == 1;
    if (v4 != (rules_.family == Family::kIpv4)) {
      return Fail(std::string(v4 ? "ICMP" : "ICMPv6") + " elements need a set of family " + (v4 ? "inet" : "inet6"));
    }
    const std::size_t slash = value.find('/');
    std::optional<std::uint16_t> code;
    if (slash != std::string_view::npos) {
      std::optional<std::uint64_t> t = ParseXtablesNumber(value.substr(0, slash), 255);
      std::optional<std::uint64_t> c = ParseXtablesNumber(value.substr(slash + 1), 255);
      if (t && c) code = static_cast<std::uint16_t>(*t << 8 | *c);
    } else {
      code = IpsetIcmpTypeCode(protocol, value);
    }
    if (!code) return Fail("bad " + std::string(v4 ? "ICMP" : "ICMPv6") + " type " + Quoted(value) + " (TYPE/CODE or a name)");
    port = {*code, *code};
  } else if (ParseXtablesNumber(value, 65535) != std::optional<std::uint64_t>(0)) {
    return Fail("protocol " + Quoted(text.substr(0, colon)) + " takes only the pseudo port 0");
  }
  Component p;
  p.range = {protocol, protocol};
  out.element.key.push_back(p);
  Component c;
  c.range = port;
  out.element.key.push_back(c);
  return true;
}

std::optional<Component> ElementParser::BarePort(std::string_view text) {
  const std::size_t colon = text.find(':');
  const std::string_view value = colon == std::string_view::npos ? text : text.substr(colon + 1);
  std::optional<rules::Interval<u128>> range = PortRange(value);
  if (!range) return std::nullopt;
  Component c;
  c.range = *range;
  if (!InRange(c, text)) return std::nullopt;
  return c;
}

std::optional<Component> ElementParser::Iface(std::string_view text) {
  std::string_view name = text;
  if (name.starts_with("physdev:")) {
    name.remove_prefix(8);
    unmodelled_ = "bridge ports (\"physdev:\") are not modelled";
  }
  if (name.empty() || name.size() > kMaxInterfaceName) {
    Fail("bad interface name " + Quoted(name) + " (1 to 15 characters)");
    return std::nullopt;
  }
  Component c;
  c.name = rules::InterfaceName{std::string(name), wildcard_};
  return c;
}

}  // namespace

IpsetElementResult ParseIpsetElement(std::string_view text, const IpsetElementRules& rules, bool wildcard,
                                     const std::function<void(std::string)>& error) {
  return ElementParser(rules, wildcard, error).Parse(text);
}

// ipset reads a name case-insensitively and takes the first of its names
// that starts with it; the table here is not in ipset's order, so a prefix
// is read only when every name it starts has one type and code.
std::optional<std::uint16_t> IpsetIcmpTypeCode(std::uint8_t protocol, std::string_view name) {
  if (name.empty()) return std::nullopt;
  const std::string_view proto = protocol == 1 ? "icmp" : "icmpv6";
  for (const IcmpName& row : kIcmpNames) {
    if (row.protocol == proto && std::string_view(row.name).size() == name.size() &&
        StartsWithIgnoreCase(row.name, name)) {
      return static_cast<std::uint16_t>(row.type << 8 | row.code);
    }
  }
  std::optional<std::uint16_t> found;
  for (const IcmpName& row : kIcmpNames) {
    if (row.protocol != proto || !StartsWithIgnoreCase(row.name, name)) continue;
    const auto code = static_cast<std::uint16_t>(row.type << 8 | row.code);
    if (found && *found != code) return std::nullopt;  // an ambiguous prefix
    found = code;
  }
  return found;
}

}  // namespace ghostport::parsers
