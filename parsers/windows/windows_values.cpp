#include "parsers/windows/windows_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ghostport::parsers::windows {

using rules::Family;

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool SameWord(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string_view> SplitList(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = text.find(sep);
    std::string_view item = TrimSpaces(text.substr(0, at));
    if (!item.empty()) out.push_back(item);
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return out;
}

bool IsAny(std::string_view text) {
  text = TrimSpaces(text);
  return SameWord(text, "any") || text == "*" || SameWord(text, "beliebig") || SameWord(text, "tout") ||
         text == "\xe4\xbb\xbb\xe6\x84\x8f";  // 任意
}

namespace {

std::optional<unsigned> Number(std::string_view s, unsigned max) {
  unsigned v = 0;
  if (s.empty() || s.size() > 5) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

ValueError AddPort(std::string_view item, KeywordKind kind, PortList& out) {
  item = TrimSpaces(item);
  if (IsAny(item)) return {};
  if (const KeywordInfo* k = FindKeyword(kind, item)) {
    Keyword kw{std::string(k->name), std::nullopt};
    if (std::find(out.keywords.begin(), out.keywords.end(), kw) == out.keywords.end()) out.keywords.push_back(kw);
    return {};
  }
  size_t dash = item.find('-');
  auto lo = Number(item.substr(0, dash), 65535);
  auto hi = dash == std::string_view::npos ? lo : Number(item.substr(dash + 1), 65535);
  if (!lo || !hi) return "not a port, a port range or a port keyword: " + Quoted(item);
  if (*hi < *lo) return "the port range " + Quoted(item) + " ends before it starts";
  out.ranges.push_back({static_cast<std::uint16_t>(*lo), static_cast<std::uint16_t>(*hi)});
  return {};
}

ValueError AddAddress(std::string_view item, AddressList& out, std::optional<Family> only) {
  item = TrimSpaces(item);
  if (IsAny(item)) return {};
  char suffix = 0;
  if (const KeywordInfo* k = FindKeyword(KeywordKind::kRemoteAddress, item, &suffix)) {
    Keyword kw{std::string(k->name), only};
    if (suffix == '4') kw.family = Family::kIpv4;
    if (suffix == '6') kw.family = Family::kIpv6;
    if (std::find(out.keywords.begin(), out.keywords.end(), kw) == out.keywords.end()) out.keywords.push_back(kw);
    return {};
  }
  const Family f = item.find(':') != std::string_view::npos ? Family::kIpv6 : Family::kIpv4;
  if (only && *only != f) {
    return "the address " + Quoted(item) + " is not " + (*only == Family::kIpv4 ? "IPv4" : "IPv6") +
           ", as its field requires";
  }
  AddressList::Range r{f, 0, 0};
  if (size_t dash = item.find('-'); dash != std::string_view::npos) {
    auto lo = rules::ParseAddress(f, TrimSpaces(item.substr(0, dash)));
    auto hi = rules::ParseAddress(f, TrimSpaces(item.substr(dash + 1)));
    if (!lo || !hi) return "not an address range: " + Quoted(item);
    if (*hi < *lo) return "the address range " + Quoted(item) + " ends before it starts";
    r.lo = *lo;
    r.hi = *hi;
  } else {
    auto c = rules::ParseCidr(f, item);
    if (!c) {
      return "not an address, a subnet (prefix or contiguous mask), a range or an address keyword: " + Quoted(item);
    }
    r.lo = c->First();
    r.hi = c->Last();
  }
  out.ranges.push_back(r);
  return {};
}

ValueError ParseProtocol(std::string_view text, std::optional<std::uint8_t>& out) {
  text = TrimSpaces(text);
  out.reset();
  if (text.empty() || IsAny(text) || text == "256") return {};
  static constexpr std::pair<std::string_view, std::uint8_t> kNames[] = {
      {"TCP", 6}, {"UDP", 17}, {"ICMPv4", 1}, {"ICMP", 1}, {"ICMPv6", 58}, {"GRE", 47}, {"IGMP", 2},
  };
  for (const auto& [name, number] : kNames) {
    if (SameWord(text, name)) {
      out = number;
      return {};
    }
  }
  auto n = Number(text, 255);
  if (!n) return "not a protocol (a name such as TCP, a number 0-255, or Any): " + Quoted(text);
  out = static_cast<std::uint8_t>(*n);
  return {};
}

ValueError AddIcmp(std::string_view item, std::vector<IcmpTypeCode>& out) {
  item = TrimSpaces(item);
  if (IsAny(item)) return {};
  size_t colon = item.find(':');
  auto type = Number(item.substr(0, colon), 255);
  if (!type) return "not an ICMP type (0-255, optionally with :code): " + Quoted(item);
  IcmpTypeCode tc{static_cast<std::uint8_t>(*type), std::nullopt};
  if (colon != std::string_view::npos) {
    std::string_view code = item.substr(colon + 1);
    if (!IsAny(code)) {
      auto c = Number(code, 255);
      if (!c) return "not an ICMP code (0-255 or *): " + Quoted(code);
      tc.code = static_cast<std::uint8_t>(*c);
    }
  }
  out.push_back(tc);
  return {};
}

std::uint8_t ProfileBit(std::string_view name) {
  name = TrimSpaces(name);
  if (SameWord(name, "Domain")) return kDomain;
  if (SameWord(name, "Private") || SameWord(name, "Standard")) return kPrivate;
  if (SameWord(name, "Public")) return kPublic;
  return 0;
}

const char* ProfileName(Profile p) {
  switch (p) {
    case kDomain: return "domain";
    case kPrivate: return "private";
    case kPublic: return "public";
    default: return "all";
  }
}

ProfileSettings& SettingsOf(WindowsPolicy& policy, Profile p) {
  return policy.profiles[p == kDomain ? 0 : p == kPrivate ? 1 : 2];
}
const ProfileSettings& SettingsOf(const WindowsPolicy& policy, Profile p) {
  return policy.profiles[p == kDomain ? 0 : p == kPrivate ? 1 : 2];
}

}  // namespace ghostport::parsers::windows
