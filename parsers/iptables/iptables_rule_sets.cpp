// ipsets in a rule: `-m set [!] --match-set NAME DIR[,DIR...]` lowered into
// Cube::sets, and the SET target, which makes the sets it changes dynamic.
// A name resolves against the ipset dump given beside the ruleset, as
// iptables-restore resolves it against the kernel's sets: a name the dump
// lacks, or a set of the other family, is refused. Without a dump the set's
// contents are unknown (IptablesSets).

#include "parsers/iptables/iptables_rule_parser.h"

namespace ghostport::parsers::iptables {

namespace {

constexpr std::size_t kMaxSetName = 31;  // IPSET_MAXNAMELEN - 1

const char* FamilyWord(Family f) { return f == Family::kIpv4 ? "IPv4" : "IPv6"; }

// The fields of a match on a set whose type is not known: one address per
// direction. The engine treats a match on a set with unknown contents as
// unknown whatever its fields; these keep the directions.
std::vector<rules::SetField> DirectionFields(const std::vector<bool>& src) {
  std::vector<rules::SetField> fields;
  for (bool s : src) fields.push_back(s ? rules::SetField::kSaddr : rules::SetField::kDaddr);
  return fields;
}

}  // namespace

void RuleParser::OnMatchSet(ModuleUse& m, const OptionUse& use) {
  const std::size_t name = use.values[0];
  if (use.negated && use.first == use.option) {
    // "--match-set ! NAME": iptables reads "!" as the set's name.
    return Error(use.option + 1, "\"!\" goes before " + Quote(use.option) + " (iptables reads it here as the set's name)");
  }
  if (Text(name).size() > kMaxSetName) return Error(name, "set name " + Quote(name) + " is longer than 31 characters");
  std::optional<std::vector<bool>> src = ParseSetDirections(use.values[1]);
  if (!src) return;
  set_uses_.push_back({name, std::move(*src), use.negated, static_cast<std::size_t>(&m - modules_.data()),
                       {use.first, use.last()}});
}

void RuleParser::OnDeprecatedSet(ModuleUse& m, const OptionUse& use) {
  Warning(use.option, "\"--set\" is deprecated; iptables reads it as \"--match-set\"");
  OnMatchSet(m, use);
}

void RuleParser::OnReturnNomatch(ModuleUse& m, const OptionUse& use) { m.return_nomatch = TokenSpan{use.first, use.last()}; }

void RuleParser::FinishSet(ModuleUse& m) {
  constexpr std::uint32_t kMatchSetOptions = 0b11;  // --match-set, --set in kSetOptions
  if ((m.seen & kMatchSetOptions) == 0) Error(m.name_token, "the set match needs --match-set NAME src|dst[,...]");
}

// -j SET --add-set / --del-set NAME FLAGS: the packet path changes the set.
void RuleParser::OnSetTargetChange(const OptionUse& use) {
  const Ipset* set = nullptr;
  if (!CheckSetName(use.values[0], set)) return;
  if (context_.sets == nullptr) return;
  if (set != nullptr && set->IsList()) {  // it adds to (deletes from) its members
    for (const std::string& member : set->members) context_.sets->MarkDynamic(member, LocationOf(use.values[0]));
    return;
  }
  context_.sets->MarkDynamic(Text(use.values[0]), LocationOf(use.values[0]));
}

// With a dump: the set exists and serves this family. False when not (an
// error is reported). `set` is null without a dump.
bool RuleParser::CheckSetName(std::size_t token, const Ipset*& set) {
  set = nullptr;
  if (context_.sets == nullptr || !context_.sets->HasDump()) return true;
  set = context_.sets->Find(Text(token));
  if (set == nullptr) {
    Error(token, "set " + Quote(token) +
                     " is not in the ipset dump (iptables-restore refuses a rule naming a set that does not exist)");
    return false;
  }
  if (set->family && *set->family != context_.family) {
    const rules::SourceLocation& at = set->set.location;
    Error(token, "set " + Quote(token) + " is an " + FamilyWord(*set->family) + " set (" + set->type + ", " +
                     at.file + ":" + std::to_string(at.line) + "); iptables-restore refuses it in an " +
                     FamilyWord(context_.family) + " ruleset");
    return false;
  }
  return true;
}

void RuleParser::ResolveSets() {
  for (const SetUse& use : set_uses_) ResolveSet(use);
}

void RuleParser::ResolveSet(const SetUse& use) {
  const ModuleUse& m = modules_[use.module];
  const std::string_view name = Text(use.name);
  IptablesSets* sets = context_.sets;
  auto as_condition = [&](const char* reason) {
    std::vector<TokenSpan> spans = {{m.anchor, m.name_token}, use.span};
    if (m.return_nomatch) spans.push_back(*m.return_nomatch);
    extra_conditions_.push_back({Describe(spans), reason, LocationOf(m.anchor)});
  };
  if (sets == nullptr) return as_condition("ipset contents not given");
  const Ipset* set = nullptr;
  if (!CheckSetName(use.name, set)) return;
  // --return-nomatch inverts the outcome for a set whose type has nomatch
  // elements (a hit on one matches, a plain hit does not); other types
  // ignore it.
  if (m.return_nomatch && (set == nullptr || set->supports_nomatch || set->IsList())) {
    return as_condition("--return-nomatch (matching a set's nomatch elements) is not modelled");
  }
  const rules::SourceLocation at = LocationOf(use.name);
  auto match_on = [&](const Ipset& s) {
    const int index = sets->Use(s.set.name, at);
    std::vector<rules::SetField> fields = s.set.contents_known ? IpsetMatchFields(s, use.src) : DirectionFields(use.src);
    return rules::SetMatch{index, std::move(fields), use.negated};
  };
  if (set == nullptr) {  // no dump: the contents are unknown
    set_matches_.push_back({sets->Use(name, at), DirectionFields(use.src), use.negated});
    return;
  }
  if (set->IsList()) {
    // A list:set matches when one of its members does; a member of the
    // other family, or with more dimensions than directions, never does.
    std::vector<rules::SetMatch> members;
    for (const std::string& member_name : set->members) {
      const Ipset* member = sets->Find(member_name);
      if (member == nullptr || (member->family && *member->family != context_.family) ||
          use.src.size() < member->dimensions.size()) {
        continue;
      }
      members.push_back(match_on(*member));
    }
    if (use.negated) {
      set_matches_.insert(set_matches_.end(), members.begin(), members.end());  // none of them
    } else if (members.empty()) {
      never_matches_ = true;
    } else if (members.size() == 1) {
      set_matches_.push_back(std::move(members.front()));
    } else {
      set_choices_.push_back(std::move(members));
    }
    return;
  }
  if (use.src.size() < set->dimensions.size()) {
    Warning(use.name, "set " + Quote(use.name) + " (" + set->type + ") has " + std::to_string(set->dimensions.size()) +
                          " dimensions but the match gives " + std::to_string(use.src.size()) +
                          (use.src.size() == 1 ? " direction" : " directions") + ": the kernel never matches it" +
                          (use.negated ? ", so the negated match always holds" : ""));
    if (!use.negated) never_matches_ = true;
    return;
  }
  set_matches_.push_back(match_on(*set));
}

}  // namespace ghostport::parsers::iptables
