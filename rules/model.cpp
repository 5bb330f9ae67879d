#include "rules/model.h"

#include <algorithm>

namespace ghostport::rules {

Cube Cube::Any(Family f) {
  Cube c;
  c.family = f;
  c.saddr = AddressSet::All(f);
  c.daddr = AddressSet::All(f);
  return c;
}

const char* HookName(Hook h) {
  switch (h) {
    case Hook::kPrerouting: return "prerouting";
    case Hook::kInput: return "input";
    case Hook::kForward: return "forward";
    case Hook::kOutput: return "output";
    case Hook::kPostrouting: return "postrouting";
    case Hook::kIngress: return "ingress";
  }
  return "?";
}

const char* TableFamilyName(TableFamily f) {
  switch (f) {
    case TableFamily::kIp: return "ip";
    case TableFamily::kIp6: return "ip6";
    case TableFamily::kInet: return "inet";
    case TableFamily::kArp: return "arp";
    case TableFamily::kBridge: return "bridge";
    case TableFamily::kNetdev: return "netdev";
    case TableFamily::kWindows: return "windows";
  }
  return "?";
}

bool TableCovers(TableFamily t, Family f) {
  switch (t) {
    case TableFamily::kIp: return f == Family::kIpv4;
    case TableFamily::kIp6: return f == Family::kIpv6;
    case TableFamily::kInet:
    case TableFamily::kWindows: return true;
    default: return false;
  }
}

int Table::FindChain(const std::string& name) const {
  for (size_t i = 0; i < chains.size(); ++i) {
    if (chains[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<Condition> UnknownsOf(const Ruleset& ruleset, const Rule& rule) {
  std::vector<Condition> out = rule.conditions;
  for (const Cube& c : rule.cubes) {
    for (const SetMatch& m : c.sets) {
      if (m.set < 0 || m.set >= static_cast<int>(ruleset.sets.size())) continue;
      const NamedSet& set = ruleset.sets[m.set];
      if (set.contents_known && !set.dynamic) continue;
      Condition cond{std::string(m.negated ? "not in set " : "in set ") + set.name,
                     set.contents_known ? "the set changes as packets pass: its contents are a snapshot"
                                        : "the set's contents were not given (an ipset save dump beside the ruleset gives them)",
                     rule.location};
      bool seen = std::any_of(out.begin(), out.end(), [&](const Condition& o) { return o.description == cond.description; });
      if (!seen) out.push_back(std::move(cond));
    }
  }
  return out;
}

int Ruleset::FindSet(const std::string& table, const std::string& name) const {
  for (size_t i = 0; i < sets.size(); ++i) {
    if (sets[i].table == table && sets[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace ghostport::rules
