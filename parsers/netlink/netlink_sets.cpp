#include "parsers/netlink/netlink_sets.h"

#include "parsers/netlink/netlink_objects.h"

#include <algorithm>
#include <memory>

#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>

namespace ghostport::parsers::netlink {

namespace {

struct SetFlagRow {
  std::uint32_t bit;
  std::string_view name;
};

// The flags nft lists (`flags interval`); anonymous, map, object and concat
// are not listed as flags (they are the set's kind and key).
constexpr SetFlagRow kSetFlags[] = {
    {NFT_SET_CONSTANT, "constant"}, {NFT_SET_INTERVAL, "interval"}, {NFT_SET_TIMEOUT, "timeout"},
    {NFT_SET_EVAL, "dynamic"},
};

// One element as the kernel has it.
struct RawElement {
  Bytes key;
  std::optional<Bytes> key_end;  // concatenated intervals: the last key, inclusive
  std::uint32_t flags = 0;
  std::optional<nft::Expr> value;  // maps
};

Bytes BytesOf(nftnl_set_elem* e, std::uint16_t attr) {
  std::uint32_t len = 0;
  const auto* p = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, attr, &len));
  return p == nullptr ? Bytes() : Bytes(p, p + len);
}

std::vector<Component> ComponentsOf(std::uint32_t type, std::uint32_t length) {
  const std::vector<std::uint32_t> ids = ConcatComponents(type);
  std::vector<Component> out;
  for (std::uint32_t id : ids) {
    const DataType* t = DataTypeOf(id);
    Component c{t != nullptr ? t->kind : ValueKind::kRaw, t != nullptr ? t->length : 0};
    out.push_back(c);
  }
  if (out.size() <= 1) return {Component{out.empty() ? ValueKind::kRaw : out[0].kind, length}};
  return out;
}

std::string TypeName(std::uint32_t type) {
  std::string out;
  for (std::uint32_t id : ConcatComponents(type)) {
    const DataType* t = DataTypeOf(id);
    out += (out.empty() ? "" : " . ") + (t != nullptr ? std::string(t->name) : "type" + std::to_string(id));
  }
  return out;
}

// `bytes - 1`, big-endian (an interval's exclusive end marker → its last key).
Bytes Decrement(Bytes b) {
  for (std::size_t i = b.size(); i-- > 0;) {
    if (b[i]-- != 0) break;
  }
  return b;
}

// Keys in byte order (big-endian keys compare as numbers). A loop, not
// vector's operator<: GCC 12 warns falsely on its memcmp at -O3.
bool KeyLess(const Bytes& a, const Bytes& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return a.size() < b.size();
}

nft::Expr ComponentExpr(const Component& c, const Bytes& lo, const Bytes& hi) {
  if (c.network_order && IsHostOrderKind(c.kind)) return IntervalExpr(c.kind, ToHostOrder(lo), ToHostOrder(hi));
  return IntervalExpr(c.kind, lo, hi);
}

// The bounds' bytes are as the kernel compares them (big-endian for an
// interval set, whatever the kinds read): the range is read component by
// component, each in its own order.
nft::Expr ComponentsExpr(const std::vector<Component>& key, const Bytes& lo, const Bytes& hi) {
  if (key.size() == 1) return ComponentExpr(key[0], lo, hi);
  const std::vector<Bytes> los = SplitConcat(lo, key), his = SplitConcat(hi, key);
  nft::Expr concat;
  concat.kind = nft::Expr::Kind::kConcat;
  for (std::size_t i = 0; i < key.size(); ++i) concat.items.push_back(ComponentExpr(key[i], los[i], his[i]));
  return concat;
}

nft::Expr WithValue(nft::Expr key, const std::optional<nft::Expr>& value) {
  if (!value) return key;
  nft::Expr m;
  m.kind = nft::Expr::Kind::kMapping;
  m.items.push_back(std::move(key));
  m.items.push_back(*value);
  return m;
}

}  // namespace

std::vector<Bytes> SplitConcat(const Bytes& data, const std::vector<Component>& parts) {
  std::vector<Bytes> out;
  std::size_t at = 0;
  for (const Component& c : parts) {
    const std::size_t len = c.length == 0 ? data.size() - std::min(at, data.size()) : c.length;
    const std::size_t from = std::min(at, data.size()), to = std::min(at + len, data.size());
    out.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(from), data.begin() + static_cast<std::ptrdiff_t>(to));
    at += (len + 3) / 4 * 4;
  }
  return out;
}

std::vector<Component> KeyComponents(nftnl_set* set) {
  std::vector<Component> key =
      ComponentsOf(nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE), nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN));
  // nft stores an interval set's host-order keys (marks, uids, ct zones) in
  // network order, so that the kernel's byte comparison orders them as
  // numbers; its rules convert the register with `byteorder hton` first.
  if ((nftnl_set_get_u32(set, NFTNL_SET_FLAGS) & NFT_SET_INTERVAL) != 0) {
    for (Component& c : key) c.network_order = true;
  }
  return key;
}

std::vector<Component> DataComponents(nftnl_set* set) {
  return ComponentsOf(nftnl_set_get_u32(set, NFTNL_SET_DATA_TYPE), nftnl_set_get_u32(set, NFTNL_SET_DATA_LEN));
}

std::vector<nft::Expr> ElementsOf(nftnl_set* set, const std::vector<Component>& key) {
  const std::uint32_t flags = nftnl_set_get_u32(set, NFTNL_SET_FLAGS);
  const bool is_map = (flags & NFT_SET_MAP) != 0;
  const bool verdicts = is_map && nftnl_set_get_u32(set, NFTNL_SET_DATA_TYPE) == NFT_DATA_VERDICT;
  const std::vector<Component> data = is_map && !verdicts ? DataComponents(set) : std::vector<Component>{};
  struct Walk {
    bool is_map, verdicts;
    const std::vector<Component>* data;
    std::vector<RawElement> raw;
  } walk{is_map, verdicts, &data, {}};
  nftnl_set_elem_foreach(set, [](nftnl_set_elem* e, void* p) -> int {
    Walk& w = *static_cast<Walk*>(p);
    RawElement r;
    r.key = BytesOf(e, NFTNL_SET_ELEM_KEY);
    if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_KEY_END)) r.key_end = BytesOf(e, NFTNL_SET_ELEM_KEY_END);
    if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS)) r.flags = nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS);
    if (w.verdicts && nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT)) {
      const char* chain = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN) ? nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN) : "";
      r.value = VerdictExpr(static_cast<int>(nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT)), chain);
    } else if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_OBJREF)) {
      r.value = Value(nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_OBJREF), true);  // an object map's `: "c1"`
    } else if (w.is_map && nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_DATA)) {
      const Bytes d = BytesOf(e, NFTNL_SET_ELEM_DATA);
      r.value = ComponentsExpr(*w.data, d, d);
    }
    w.raw.push_back(std::move(r));
    return 0;
  }, &walk);
  const std::vector<RawElement>& raw = walk.raw;
  std::vector<nft::Expr> out;
  std::vector<nft::Expr> catchall;
  const bool interval_markers = (flags & NFT_SET_INTERVAL) != 0 && key.size() == 1;
  if (!interval_markers) {
    for (const RawElement& r : raw) {
      if ((r.flags & NFT_SET_ELEM_CATCHALL) != 0) {
        catchall.push_back(WithValue(Value("*"), r.value));
        continue;
      }
      out.push_back(WithValue(ComponentsExpr(key, r.key, r.key_end.value_or(r.key)), r.value));
    }
  } else {
    // Start markers and (exclusive) end markers, in key order: [start, end).
    std::vector<const RawElement*> sorted;
    for (const RawElement& r : raw) {
      if ((r.flags & NFT_SET_ELEM_CATCHALL) != 0) {
        catchall.push_back(WithValue(Value("*"), r.value));
      } else {
        sorted.push_back(&r);
      }
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const RawElement* a, const RawElement* b) {
      if (a->key != b->key) return KeyLess(a->key, b->key);
      // At one key an end marker comes first: it closes the range before.
      return (a->flags & NFT_SET_ELEM_INTERVAL_END) > (b->flags & NFT_SET_ELEM_INTERVAL_END);
    });
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      const RawElement& start = *sorted[i];
      if ((start.flags & NFT_SET_ELEM_INTERVAL_END) != 0) continue;
      // A range ends before its end marker, or — when the next range starts
      // right after it (80 and 81 of `{ 80, 81 }`: nft stores no end marker
      // between adjacent ranges) — before the next start; the last range
      // without a marker runs to the end of the key space.
      Bytes last(start.key.size(), 0xff);
      if (i + 1 < sorted.size()) {
        last = Decrement(sorted[i + 1]->key);
        if ((sorted[i + 1]->flags & NFT_SET_ELEM_INTERVAL_END) != 0) ++i;
      }
      out.push_back(WithValue(ComponentsExpr(key, start.key, last), start.value));
    }
  }
  for (nft::Expr& c : catchall) out.push_back(std::move(c));
  return out;
}

nft::SetSyntax SetSyntaxOf(nftnl_set* set) {
  nft::SetSyntax out;
  out.name = nftnl_set_get_str(set, NFTNL_SET_NAME);
  const std::uint32_t flags = nftnl_set_get_u32(set, NFTNL_SET_FLAGS);
  out.is_map = (flags & (NFT_SET_MAP | NFT_SET_OBJECT)) != 0;
  for (std::uint32_t id : ConcatComponents(nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE))) {
    const DataType* t = DataTypeOf(id);
    out.key_types.push_back(t != nullptr ? std::string(t->name) : "type" + std::to_string(id));
  }
  if ((flags & NFT_SET_OBJECT) != 0) {
    out.value_type = ObjectKind(nftnl_set_get_u32(set, NFTNL_SET_OBJ_TYPE));  // `type ipv4_addr : counter`
  } else if (out.is_map) {
    const std::uint32_t data = nftnl_set_get_u32(set, NFTNL_SET_DATA_TYPE);
    out.value_type = data == NFT_DATA_VERDICT ? "verdict" : TypeName(data);
  }
  for (const SetFlagRow& f : kSetFlags) {
    if ((flags & f.bit) != 0) out.flags.emplace_back(f.name);
  }
  out.timeout = (flags & NFT_SET_TIMEOUT) != 0 ||
                (nftnl_set_is_set(set, NFTNL_SET_TIMEOUT) && nftnl_set_get_u64(set, NFTNL_SET_TIMEOUT) != 0);
  out.elements = ElementsOf(set, KeyComponents(set));
  if (nftnl_set_is_set(set, NFTNL_SET_HANDLE)) out.handle = nftnl_set_get_u64(set, NFTNL_SET_HANDLE);
  return out;
}

}  // namespace ghostport::parsers::netlink
