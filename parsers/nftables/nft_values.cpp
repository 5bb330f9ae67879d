#include "parsers/nftables/nft_values.h"

#include <algorithm>
#include <cctype>

#include "parsers/netfilter_names.h"
#include "rules/address.h"
#include "rules/model.h"

namespace ghostport::parsers::nft {

using rules::Family;
using rules::u128;

namespace {

constexpr std::uint8_t kIcmpv6 = 58;

void Flatten(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == Expr::Kind::kSet || e.kind == Expr::Kind::kList) {
    for (const Expr& i : e.items) Flatten(i, out);
    return;
  }
  out.push_back(&e);
}

bool LooksLikeHostName(std::string_view s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s.front())) != 0 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; });
}

}  // namespace


std::vector<const Expr*> ValuesOf(const Expr& e) {
  std::vector<const Expr*> out;
  Flatten(e, out);
  return out;
}


std::optional<u128> Number(std::string_view s, u128 max) {
  if (auto n = ParseXtablesNumber(s, static_cast<std::uint64_t>(std::min<u128>(max, ~std::uint64_t{0})))) return *n;
  return std::nullopt;
}

std::optional<rules::Interval<u128>> PortScalar(std::string_view s, ValueError& err) {
  if (auto n = Number(s, 0xffff)) return rules::Interval<u128>{*n, *n};
  if (auto p = ServicePort(s)) return rules::Interval<u128>{*p, *p};
  err.message = "unknown port or service \"" + std::string(s) + "\"";
  return std::nullopt;
}

std::optional<rules::Interval<u128>> ProtocolScalar(std::string_view s, ValueError& err) {
  if (auto n = Number(s, 0xff)) return rules::Interval<u128>{*n, *n};
  if (auto p = ProtocolNumber(s)) return rules::Interval<u128>{*p, *p};
  if (s == "icmpv6" || s == "ipv6-icmp") return rules::Interval<u128>{kIcmpv6, kIcmpv6};
  if (s == "comp") return rules::Interval<u128>{108, 108};  // nft's name for IPComp
  err.message = "unknown protocol \"" + std::string(s) + "\"";
  return std::nullopt;
}

Scalar AddressScalar(Family f) {
  return [f](std::string_view s, ValueError& err) -> std::optional<rules::Interval<u128>> {
    if (auto a = rules::ParseAddress(f, s)) return rules::Interval<u128>{*a, *a};
    if (LooksLikeHostName(s)) {
      err.message = "host name \"" + std::string(s) + "\" (nft resolves it when it loads the ruleset)";
      err.unknown = true;
    } else {
      err.message = "bad " + std::string(rules::FamilyName(f)) + " address \"" + std::string(s) + "\"";
    }
    return std::nullopt;
  };
}

// A value, range ("a-b" or kRange) or, for addresses, a prefix.
std::optional<rules::Interval<u128>> IntervalOf(const Expr& e, const Scalar& scalar, std::optional<Family> family,
                                                ValueError& err) {
  if (e.kind == Expr::Kind::kPrefix && family && !e.items.empty()) {
    std::optional<rules::Cidr> c = rules::ParseCidr(*family, e.items[0].text + "/" + std::to_string(e.length));
    if (!c) {
      err.message = "bad prefix \"" + Render(e) + "\"";
      return std::nullopt;
    }
    return rules::Interval<u128>{c->First(), c->Last()};
  }
  if (e.kind == Expr::Kind::kRange && e.items.size() == 2) {
    auto lo = scalar(e.items[0].text, err);
    auto hi = lo ? scalar(e.items[1].text, err) : std::nullopt;
    if (!lo || !hi) return std::nullopt;
    if (lo->lo > hi->hi) {
      err.message = "range \"" + Render(e) + "\" runs backwards";
      return std::nullopt;
    }
    return rules::Interval<u128>{lo->lo, hi->hi};
  }
  if (e.kind != Expr::Kind::kValue) {
    err.message = "\"" + Render(e) + "\" is not a value here";
    return std::nullopt;
  }
  ValueError whole;
  if (auto v = scalar(e.text, whole)) return v;
  const std::size_t dash = e.text.find('-', 1);
  if (dash != std::string::npos && !e.quoted) {
    ValueError a, b;
    auto lo = scalar(std::string_view(e.text).substr(0, dash), a);
    auto hi = scalar(std::string_view(e.text).substr(dash + 1), b);
    if (lo && hi) {
      if (lo->lo > hi->hi) {
        err.message = "range \"" + e.text + "\" runs backwards";
        return std::nullopt;
      }
      return rules::Interval<u128>{lo->lo, hi->hi};
    }
  }
  err = whole;
  return std::nullopt;
}

std::optional<rules::IntervalSet<u128>> ValuesAsIntervals(const Expr& e, const Scalar& scalar,
                                                          std::optional<Family> family, ValueError& err) {
  std::vector<rules::Interval<u128>> iv;
  for (const Expr* v : ValuesOf(e)) {
    auto i = IntervalOf(*v, scalar, family, err);
    if (!i) return std::nullopt;
    iv.push_back(*i);
  }
  return rules::IntervalSet<u128>::FromIntervals(std::move(iv));
}

// `op` applied to a value set within [0, max].
rules::IntervalSet<u128> ByOp(const rules::IntervalSet<u128>& v, const std::string& op, u128 max) {
  const rules::IntervalSet<u128> all = rules::IntervalSet<u128>::Range(0, max);
  if (op == "!=") return all.Subtract(v);
  if (v.empty() || (op != "<" && op != ">" && op != "<=" && op != ">=")) return v;
  const u128 lo = v.intervals().front().lo, hi = v.intervals().back().hi;
  if (op == "<") return lo == 0 ? rules::IntervalSet<u128>() : rules::IntervalSet<u128>::Range(0, lo - 1);
  if (op == "<=") return rules::IntervalSet<u128>::Range(0, hi);
  if (op == ">") return hi == max ? rules::IntervalSet<u128>() : rules::IntervalSet<u128>::Range(hi + 1, max);
  return rules::IntervalSet<u128>::Range(lo, max);
}


bool InCommaList(std::string_view list, std::string_view w) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == w) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

std::vector<std::string> Words(const Expr& e) {
  std::vector<std::string> out;
  for (const Expr* v : ValuesOf(e)) {
    if (v->kind == Expr::Kind::kValue) out.push_back(v->text);
    if (v->kind == Expr::Kind::kBinop && v->op == "|" && v->items.size() == 2) {
      for (const Expr& i : v->items) {
        for (auto& w : Words(i)) out.push_back(w);
      }
    }
  }
  return out;
}

// A state's name, or nft -n's number: the kernel's bits (invalid 1,
// established 2, related 4, new 8, untracked 64), combined.
std::optional<std::uint8_t> CtStateOf(std::string_view s) {
  if (s == "untracked") return rules::kCtUntracked;
  if (auto bit = CtStateBit(s)) return bit;
  std::optional<u128> n = Number(s, 0xffffffffu);
  if (!n || (*n & ~u128{0x4f}) != 0) return std::nullopt;
  std::uint8_t bits = 0;
  if (*n & 1) bits |= rules::kCtInvalid;
  if (*n & 2) bits |= rules::kCtEstablished;
  if (*n & 4) bits |= rules::kCtRelated;
  if (*n & 8) bits |= rules::kCtNew;
  if (*n & 64) bits |= rules::kCtUntracked;
  return bits;
}


}  // namespace ghostport::parsers::nft
