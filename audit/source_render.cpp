#include "audit/source_render.h"

#include <algorithm>
#include <iterator>

namespace ghostport::audit {

namespace {

std::vector<std::string> ToStrings(const std::vector<rules::Cidr>& cidrs) {
  std::vector<std::string> out;
  out.reserve(cidrs.size());
  for (const auto& c : cidrs) out.push_back(rules::FormatCidr(c));
  return out;
}

}  // namespace

std::string JoinSummary(const std::vector<std::string>& items, std::size_t show) {
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < show; ++i) {
    if (i) s += ", ";
    s += items[i];
  }
  if (items.size() > show) s += ", … (" + std::to_string(items.size()) + " blocks)";
  return s;
}

void PutAddressJson(nlohmann::ordered_json& j, const RenderedSources& r, const char* key, const char* except_key,
                    const char* except_set_key) {
  j[key] = r.cidrs;
  if (!r.except.empty()) j[except_key] = r.except;
  if (!r.except_set.empty()) j[except_set_key] = r.except_set;
}

nlohmann::ordered_json NamedSetsJson(const SourceRenderer& renderer) {
  nlohmann::ordered_json sets = nlohmann::ordered_json::object();
  for (const auto& s : renderer.named_sets()) sets[s.id] = s.cidrs;
  return sets;
}

const RenderedSources& SourceRenderer::Render(const rules::AddressSet& set) {
  auto [base, minus] = set.SharingKey();
  auto key = std::make_tuple(static_cast<int>(set.family()), base, minus);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  RenderedSources r = set.IsLazy() ? RenderLazy(set) : RenderValues(set.family(), set.Materialize());
  return cache_.emplace(key, std::move(r)).first->second;
}

// A lazy set is a shared base minus a few blocks: when the base renders as
// "any except ...", this one is the same plus the few blocks, with no copy of
// the base.
RenderedSources SourceRenderer::RenderLazy(const rules::AddressSet& set) {
  rules::AddressSet base_set = set.LazyBase();
  RenderedSources base = Render(base_set);
  if (base.except_set.empty()) return RenderValues(set.family(), set.Materialize());
  // Excluded: what the base excludes, plus `minus`. Around each piece of
  // minus, write it together with the base's exclusions it touches: fewer
  // blocks ("10.3.0.0/16", not the /16 with the block-listed addresses cut
  // out), and the named set covers the rest.
  auto [b, m] = base_set.SharingKey();
  auto cached = base_values_.find(b);
  if (cached == base_values_.end()) cached = base_values_.emplace(b, base_set.Materialize()).first;
  const auto& bv = cached->second.intervals();
  std::vector<rules::Interval<rules::u128>> grown;
  const rules::AddressSet::Values minus_values = set.LazyMinus().Materialize();
  for (const auto& iv : minus_values.intervals()) {
    rules::Interval<rules::u128> g = iv;
    // The base interval holding iv (minus lies inside the base).
    auto it = std::upper_bound(bv.begin(), bv.end(), iv.lo,
                               [](rules::u128 v, const rules::Interval<rules::u128>& x) { return v < x.lo; });
    --it;
    if (it->lo == iv.lo && it != bv.begin()) g.lo = std::prev(it)->hi + 1;  // the excluded gap before
    if (it->hi == iv.hi && std::next(it) != bv.end()) g.hi = std::next(it)->lo - 1;  // and after
    grown.push_back(g);
  }
  rules::AddressSet extra_set =
      rules::AddressSet::Of(set.family(), rules::AddressSet::Values::FromIntervals(std::move(grown)));
  std::vector<std::string> extra = ToStrings(extra_set.ToCidrs());
  if (extra.size() > kInlineExceptLimit) return RenderValues(set.family(), set.Materialize());
  RenderedSources r = base;
  r.except = std::move(extra);
  r.summary = "any except set " + base.except_set + " and " + JoinSummary(r.except, 3);
  return r;
}

RenderedSources SourceRenderer::RenderValues(rules::Family f, const rules::AddressSet::Values& values) {
  RenderedSources r;
  rules::Cidr whole{f, 0, 0};
  if (values.IsAll(rules::MaxAddress(f))) {
    r.cidrs = {rules::FormatCidr(whole)};
    r.summary = "any";
    return r;
  }
  // Whichever takes fewer blocks to write: "any except 255.255.255.255" is
  // one interval either way, but 1 block against 32.
  rules::AddressSet::Values complement = values.Complement(rules::MaxAddress(f));
  const std::size_t ci = complement.intervals().size(), vi = values.intervals().size();
  if (ci < vi) return RenderExcept(f, complement);
  std::vector<rules::Cidr> blocks = rules::MinimalCidrCover(f, values);
  if (ci == vi && rules::MinimalCidrCover(f, complement).size() < blocks.size()) return RenderExcept(f, complement);
  r.cidrs = ToStrings(blocks);
  r.summary = r.cidrs.empty() ? "none" : JoinSummary(r.cidrs, 3);
  return r;
}

RenderedSources SourceRenderer::RenderExcept(rules::Family f, const rules::AddressSet::Values& excluded) {
  RenderedSources r;
  r.cidrs = {rules::FormatCidr(rules::Cidr{f, 0, 0})};
  std::vector<std::string> except = ToStrings(rules::MinimalCidrCover(f, excluded));
  if (except.size() <= kInlineExceptLimit) {
    r.summary = "any except " + JoinSummary(except, 3);
    r.except = std::move(except);
    return r;
  }
  auto [pos, fresh] = named_index_.emplace(except, "S" + std::to_string(named_.size() + 1));
  r.except_set = pos->second;
  r.summary = "any except set " + r.except_set + " (" + std::to_string(except.size()) + " blocks)";
  if (fresh) named_.push_back({r.except_set, std::move(except)});
  return r;
}

}  // namespace ghostport::audit
