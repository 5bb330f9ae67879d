// Renders address sets for reports. A set is written as CIDR blocks, or as
// "everything except" blocks when that is shorter (a block list); a long
// except-list is written once as a named set that entries refer to, so a
// 48,000-address block list costs its size once, not once per opening.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "rules/address_set.h"

namespace ghostport::audit {

struct RenderedSources {
  std::vector<std::string> cidrs;   // the set, or the family's whole space for the except form
  std::vector<std::string> except;  // inline except-blocks (short lists)
  std::string except_set;           // id of a named except-set (long lists); with `except`
                                    // too, both are excluded
  std::string summary;              // for text reports: "any", "10.0.0.0/8", "any except ..."
};

struct NamedSet {
  std::string id;
  std::vector<std::string> cidrs;
};

class SourceRenderer {
 public:
  static constexpr std::size_t kInlineExceptLimit = 16;

  const RenderedSources& Render(const rules::AddressSet& set);
  // Named sets in order of first use.
  const std::vector<NamedSet>& named_sets() const { return named_; }

 private:
  RenderedSources RenderLazy(const rules::AddressSet& set);
  RenderedSources RenderValues(rules::Family f, const rules::AddressSet::Values& values);
  RenderedSources RenderExcept(rules::Family f, const rules::AddressSet::Values& excluded);

  std::map<std::tuple<int, const void*, const void*>, RenderedSources> cache_;  // family + sharing
  std::vector<NamedSet> named_;
  std::map<std::vector<std::string>, std::string> named_index_;  // contents → id
  std::map<const void*, rules::AddressSet::Values> base_values_;   // bases of lazy sets
};

std::string JoinSummary(const std::vector<std::string>& items, std::size_t show);

// JSON reports: a rendered set under `key` (CIDR list), plus `except_key` and
// `except_set_key` when it has exceptions; and every named set, by id.
void PutAddressJson(nlohmann::ordered_json& j, const RenderedSources& r, const char* key, const char* except_key,
                    const char* except_set_key);
nlohmann::ordered_json NamedSetsJson(const SourceRenderer& renderer);

}  // namespace ghostport::audit
