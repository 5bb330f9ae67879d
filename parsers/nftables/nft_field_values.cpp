#include "parsers/nftables/nft_field_values.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <string_view>
#include <vector>

#include "parsers/nftables/nft_values.h"

// The rows give only the fields that differ from the defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ghostport::parsers::nft {

namespace {

// A field and what it takes. A symbol list, numbers up to `max`, or a
// string of at most `max_length` bytes (`non_empty`: not ""). `use`: where
// the row applies (nullopt: matched and set alike).
struct FieldRow {
  std::string_view protocol;
  std::string_view field;   // ct fields without their direction: "zone" is also "original zone"
  std::string_view names;   // comma-separated symbols (empty: none)
  std::uint64_t max = 0;    // numbers up to this (0: no numbers)
  std::size_t max_length = 0;  // strings (0: not a string field)
  bool non_empty = false;
  std::optional<FieldUse> use;
};

constexpr std::uint64_t kU32 = 0xffffffffull, kU64 = 0xffffffffffffffffull;

// nft 1.0.6's symbol tables (src/ct.c, src/meta.c) and header field widths
// (src/proto.c, src/exthdr.c, src/socket.c).
constexpr FieldRow kFields[] = {
    {"ct", "direction", "original,reply", 1},
    {"ct", "zone", "", 0xffff},
    {"ct", "label", "", 127},
    {"ct", "mark", "", kU32},
    {"ct", "bytes", "", kU64},
    {"ct", "packets", "", kU64},
    {"ct", "avgpkt", "", kU64},
    {"ct", "status", "expected,seen-reply,assured,confirmed,snat,dnat,dying", kU32},
    {"ct", "event", "new,related,destroy,reply,assured,protoinfo,helper,mark,seqadj,secmark,label", kU32},
    {"ct", "helper", "", 0, 16, true, FieldUse::kMatch},
    {"meta", "pkttype", "host,unicast,broadcast,multicast,other", 7},
    {"meta", "day", "Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday", 6},
    {"vlan", "id", "", 4095},
    {"vlan", "dei", "", 1},
    {"vlan", "cfi", "", 1},
    {"vlan", "pcp", "", 7},
    {"ip", "hdrlength", "", 15},
    {"ip", "version", "", 15},
    {"ip", "ttl", "", 255},
    {"ip6", "hoplimit", "", 255},
    {"ip6", "version", "", 15},
    {"ip6", "flowlabel", "", 0xfffff},
    {"srh", "last-entry", "", 255},
    {"srh", "flags", "", 255},
    {"srh", "tag", "", 0xffff},
    {"socket", "transparent", "", 1},
    {"socket", "wildcard", "", 1},
    {"osf", "name", "", 0, 16},
    {"osf", "version", "", 0, 16},
};

// Fields with symbol names nft has more of than the model knows (DSCP and
// ECN names): only their numbers are checked.
struct NumberRow {
  std::string_view protocol;
  std::string_view field;
  std::uint64_t max;
};
constexpr NumberRow kNamedNumbers[] = {
    {"ip", "dscp", 63}, {"ip", "ecn", 3}, {"ip6", "dscp", 63}, {"ip6", "ecn", 3},
};

// The field as the table names it: ct fields without `original`/`reply`,
// osf fields without `ttl loose|skip`.
std::string_view KeyOf(const Expr& selector) {
  std::string_view f = selector.field;
  if (selector.protocol == "ct") {
    for (std::string_view dir : {"original ", "reply "}) {
      if (f.starts_with(dir)) f.remove_prefix(dir.size());
    }
  }
  if (selector.protocol == "osf" && f.starts_with("ttl ")) {
    const std::size_t space = f.find(' ', 4);
    f = space == std::string_view::npos ? std::string_view() : f.substr(space + 1);
  }
  return f;
}

// The scalars of a value: sets, lists and flag combinations (`a | b`)
// flattened, a range's two ends; "a-b" written as one word split too.
void Scalars(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == Expr::Kind::kBinop && e.op == "|") {
    for (const Expr& i : e.items) Scalars(i, out);
    return;
  }
  if (e.kind == Expr::Kind::kRange) {
    for (const Expr& i : e.items) out.push_back(&i);
    return;
  }
  for (const Expr* v : ValuesOf(e)) {
    if (v != &e) {
      Scalars(*v, out);
    } else if (v->kind == Expr::Kind::kValue) {
      out.push_back(v);
    }
  }
}

std::vector<std::string> WordsOf(const Expr& v) {
  if (v.quoted) return {v.text};
  const std::size_t dash = v.text.find('-', 1);
  if (dash == std::string::npos || std::isdigit(static_cast<unsigned char>(v.text[0])) == 0) return {v.text};
  return {v.text.substr(0, dash), v.text.substr(dash + 1)};
}

std::string Bad(const Expr& selector, const Expr& v) {
  return "\"" + Render(v) + "\" is not a value of " + Render(selector) + " (nft refuses it)";
}

std::optional<FieldValueError> CheckRow(const FieldRow& row, const Expr& selector, const Expr& v) {
  if (row.max_length > 0) {
    if (row.non_empty && v.text.empty()) return FieldValueError{v.location, Render(selector) + " cannot be empty (nft refuses it)"};
    if (v.text.size() > row.max_length) {
      return FieldValueError{v.location, "\"" + v.text + "\" is longer than " + Render(selector) + " takes (" +
                                             std::to_string(row.max_length) + " bytes; nft refuses it)"};
    }
    return std::nullopt;
  }
  for (const std::string& w : WordsOf(v)) {
    if (InCommaList(row.names, w)) continue;
    auto n = row.max > 0 ? Number(w, kU64) : std::nullopt;
    if (n && *n <= row.max) continue;
    if (n) {
      return FieldValueError{v.location, "\"" + Render(v) + "\" is not a value of " + Render(selector) + " (0-" +
                                             std::to_string(row.max) + "; nft refuses it)"};
    }
    return FieldValueError{v.location, Bad(selector, v)};
  }
  return std::nullopt;
}

// A raw field (`@nh,16,16`, `tcp option @255,8,8`): its values fit its bits.
std::optional<std::uint64_t> RawFieldMax(const Expr& selector) {
  const std::size_t at = selector.field.find('@');
  if (at == std::string::npos) return std::nullopt;
  const std::size_t comma = selector.field.rfind(',');
  if (comma == std::string::npos || comma < at) return std::nullopt;
  auto bits = Number(selector.field.substr(comma + 1), 128);
  if (!bits || *bits >= 64) return std::nullopt;
  return (std::uint64_t{1} << static_cast<int>(*bits)) - 1;
}

}  // namespace

std::optional<FieldValueError> CheckFieldValue(const Expr& selector, const Expr& value, FieldUse use) {
  if (selector.kind != Expr::Kind::kSelector) return std::nullopt;
  std::vector<const Expr*> scalars;
  Scalars(value, scalars);
  if (std::optional<std::uint64_t> max = RawFieldMax(selector)) {
    for (const Expr* v : scalars) {
      auto n = Number(v->text, kU64);
      if (n && *n > *max) return FieldValueError{v->location, "\"" + v->text + "\" does not fit " + Render(selector) + " (nft refuses it)"};
    }
  }
  const std::string_view key = KeyOf(selector);
  for (const NumberRow& row : kNamedNumbers) {
    if (row.protocol != selector.protocol || row.field != key) continue;
    for (const Expr* v : scalars) {
      auto n = Number(v->text, kU64);
      if (n && *n > row.max) {
        return FieldValueError{v->location, "\"" + v->text + "\" is not a value of " + Render(selector) + " (0-" +
                                                std::to_string(row.max) + "; nft refuses it)"};
      }
    }
  }
  for (const FieldRow& row : kFields) {
    if (row.protocol != selector.protocol || row.field != key || (row.use && *row.use != use)) continue;
    for (const Expr* v : scalars) {
      if (std::optional<FieldValueError> e = CheckRow(row, selector, *v)) return e;
    }
  }
  return std::nullopt;
}

}  // namespace ghostport::parsers::nft
