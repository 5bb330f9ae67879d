// The ipsets one iptables ruleset names (-m set, -j SET), as its lowering
// collects them into Ruleset::sets. A name the ipset dump given beside the
// ruleset holds is copied from it; without a dump, a name becomes a set
// whose contents are unknown (contents_known = false, key empty), so the
// engine treats its matches as unknown and can name the set.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/ipset/ipset_dump.h"
#include "rules/model.h"

namespace ghostport::parsers {

class IptablesSets {
 public:
  // `dump` may be null (no dump given); both must outlive this.
  IptablesSets(const IpsetDump* dump, std::vector<rules::NamedSet>& sets) : dump_(dump), sets_(sets) {}

  bool HasDump() const { return dump_ != nullptr; }
  // The set in the dump; nullptr without a dump or when the dump lacks it.
  const Ipset* Find(std::string_view name) const { return dump_ != nullptr ? dump_->Find(name) : nullptr; }
  // The set's index in the ruleset's sets, added when first named (`at`:
  // where, for a set the dump does not describe). Not for a list:set.
  int Use(std::string_view name, const rules::SourceLocation& at);
  // The packet path adds to or deletes from the set (-j SET --add-set): it
  // is dynamic, and named like a matched set (added when first named).
  void MarkDynamic(std::string_view name, const rules::SourceLocation& at);

 private:
  const IpsetDump* dump_;
  std::vector<rules::NamedSet>& sets_;
  std::map<std::string, int, std::less<>> index_;
};

}  // namespace ghostport::parsers
