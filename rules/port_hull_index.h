// Items found by destination port: the ones whose port hull (lowest to
// highest port) meets a query's ports. Items spanning more than kNarrow
// ports are always returned; the others are kept sorted by lowest port, so a
// query reads only those starting at most kNarrow below it. The engine's
// searches over thousands of one-port rules use it (merged walks cutting a
// piece back to its members, joined openings cut by the plain ones).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rules/interval_set.h"

namespace ghostport::rules {

class PortHullIndex {
 public:
  // The next item's ports (items are numbered in the order added); an item
  // without ports meets nothing.
  void Add(const PortSet& ports) {
    const std::size_t index = count_++;
    const auto& iv = ports.intervals();
    if (iv.empty()) return;
    if (iv.back().hi - iv.front().lo > kNarrow) {
      wide_.push_back(index);
    } else {
      narrow_.push_back({iv.front().lo, iv.back().hi, index});
    }
  }
  // Call once, after the last Add.
  void Build() {
    std::sort(narrow_.begin(), narrow_.end(),
              [](const Narrow& a, const Narrow& b) { return a.lo != b.lo ? a.lo < b.lo : a.index < b.index; });
  }
  // The items whose hulls meet one of `ports`'s intervals, in the order added.
  std::vector<std::size_t> Meeting(const PortSet& ports) const {
    std::vector<std::size_t> out = wide_;
    for (const auto& iv : ports.intervals()) {
      const std::uint16_t from = iv.lo > kNarrow ? static_cast<std::uint16_t>(iv.lo - kNarrow) : 0;
      auto it = std::lower_bound(narrow_.begin(), narrow_.end(), from,
                                 [](const Narrow& n, std::uint16_t lo) { return n.lo < lo; });
      for (; it != narrow_.end() && it->lo <= iv.hi; ++it) {
        if (it->hi >= iv.lo) out.push_back(it->index);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  static constexpr std::uint16_t kNarrow = 1024;
  struct Narrow {
    std::uint16_t lo;
    std::uint16_t hi;
    std::size_t index;
  };
  std::size_t count_ = 0;
  std::vector<std::size_t> wide_;
  std::vector<Narrow> narrow_;  // by lowest port
};

}  // namespace ghostport::rules
