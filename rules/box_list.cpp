#include "rules/box_list.h"

#include <iterator>

namespace ghostport::rules {

BoxList::BoxList(std::vector<Box> boxes) { Add(std::move(boxes)); }

void BoxList::Add(Box b) {
  const PortSet& p = b.fields.dports;
  if (static_cast<std::uint32_t>(p.Max() - p.Min()) < kNarrow) {
    std::uint16_t key = p.Min();
    narrow_.emplace(key, std::move(b));
  } else {
    wide_.push_back(std::move(b));
  }
}

void BoxList::Add(std::vector<Box>&& boxes) {
  for (auto& b : boxes) Add(std::move(b));
  boxes.clear();
}

namespace {

bool MeetsAny(const FieldCube& box, const std::vector<CompiledCube>& cubes) {
  for (const auto& c : cubes) {
    if (Intersects(box, c.fields)) return true;
  }
  return false;
}

}  // namespace

std::vector<Box> BoxList::TakeIntersecting(const std::vector<CompiledCube>& cubes) {
  std::vector<Box> out;
  for (size_t i = 0; i < wide_.size();) {
    if (MeetsAny(wide_[i].fields, cubes)) {
      out.push_back(std::move(wide_[i]));
      wide_[i] = std::move(wide_.back());
      wide_.pop_back();
    } else {
      ++i;
    }
  }
  // Narrow boxes: look only near each port interval the cubes name.
  for (const auto& cube : cubes) {
    for (const auto& iv : cube.fields.dports.intervals()) {
      std::uint16_t from = iv.lo >= kNarrow ? static_cast<std::uint16_t>(iv.lo - kNarrow + 1) : 0;
      for (auto it = narrow_.lower_bound(from); it != narrow_.end() && it->first <= iv.hi;) {
        if (it->second.fields.dports.Max() >= iv.lo && MeetsAny(it->second.fields, cubes)) {
          out.push_back(std::move(it->second));
          it = narrow_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  return out;
}

std::vector<Box> BoxList::TakeAll() {
  std::vector<Box> out = std::move(wide_);
  wide_.clear();
  for (auto& [key, b] : narrow_) out.push_back(std::move(b));
  narrow_.clear();
  return out;
}

}  // namespace ghostport::rules
