// The engine's working region: disjoint boxes, indexed by the hull of their
// destination ports so that a rule on port 22 looks only at boxes that can
// hold port 22. Most boxes in a large ruleset are narrow (one opening's
// remainder); the few wide ones are scanned every time.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "rules/compiled.h"
#include "rules/region.h"

namespace ghostport::rules {

class BoxList {
 public:
  // Boxes whose port hull spans at most this many ports are indexed.
  static constexpr std::uint32_t kNarrow = 1024;

  BoxList() = default;
  explicit BoxList(std::vector<Box> boxes);

  void Add(Box b);
  void Add(std::vector<Box>&& boxes);
  bool empty() const { return wide_.empty() && narrow_.empty(); }
  std::size_t size() const { return wide_.size() + narrow_.size(); }

  // Removes and returns every box that meets one of the cubes.
  std::vector<Box> TakeIntersecting(const std::vector<CompiledCube>& cubes);
  std::vector<Box> TakeAll();

 private:
  std::vector<Box> wide_;
  std::multimap<std::uint16_t, Box> narrow_;  // keyed by the lowest port
};

}  // namespace ghostport::rules
