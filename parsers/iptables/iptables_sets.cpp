#include "parsers/iptables/iptables_sets.h"

namespace ghostport::parsers {

int IptablesSets::Use(std::string_view name, const rules::SourceLocation& at) {
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  rules::NamedSet set;
  if (const Ipset* known = Find(name)) {
    set = known->set;
  } else {
    set.name = name;
    set.contents_known = false;
    set.location = at;
  }
  const int index = static_cast<int>(sets_.size());
  sets_.push_back(std::move(set));
  index_.emplace(std::string(name), index);
  return index;
}

void IptablesSets::MarkDynamic(std::string_view name, const rules::SourceLocation& at) {
  sets_[static_cast<std::size_t>(Use(name, at))].dynamic = true;
}

}  // namespace ghostport::parsers
