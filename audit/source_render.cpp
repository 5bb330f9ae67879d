#include "audit/source_render.h"

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

const RenderedSources& SourceRenderer::Render(const rules::AddressSet& set) {
  auto [base, minus] = set.SharingKey();
  auto key = std::make_tuple(static_cast<int>(set.family()), base, minus);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  RenderedSources r;
  rules::Family f = set.family();
  rules::Cidr whole{f, 0, 0};
  if (set.IsAll()) {
    r.cidrs = {rules::FormatCidr(whole)};
    r.summary = "any";
  } else {
    rules::AddressSet::Values values = set.Materialize();
    rules::AddressSet::Values complement = values.Complement(rules::MaxAddress(f));
    if (complement.intervals().size() < values.intervals().size()) {
      std::vector<std::string> except = ToStrings(rules::MinimalCidrCover(f, complement));
      r.cidrs = {rules::FormatCidr(whole)};
      if (except.size() <= kInlineExceptLimit) {
        r.summary = "any except " + JoinSummary(except, 3);
        r.except = std::move(except);
      } else {
        auto [pos, fresh] = named_index_.emplace(except, "S" + std::to_string(named_.size() + 1));
        r.except_set = pos->second;
        r.summary = "any except " + std::to_string(except.size()) + " blocks (set " + r.except_set + ")";
        if (fresh) named_.push_back({r.except_set, std::move(except)});
      }
    } else {
      r.cidrs = ToStrings(rules::MinimalCidrCover(f, values));
      r.summary = r.cidrs.empty() ? "none" : JoinSummary(r.cidrs, 3);
    }
  }
  return cache_.emplace(key, std::move(r)).first->second;
}

}  // namespace ghostport::audit
