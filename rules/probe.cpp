#include "rules/probe.h"

#include <algorithm>

#include "rules/chain_walk.h"

namespace ghostport::rules {

namespace {

enum class Outcome { kFallThrough, kAccept, kDrop, kReject };

class Walker {
 public:
  Walker(const CompiledRuleset& c, const PacketPoint& p, ProbeResult& r) : c_(c), p_(p), r_(r) {}

  // Walks the base chains in order; fills the result.
  void Run() {
    if (c_.base_chains.empty()) {
      r_.verdict = VerdictKind::kAccept;
      r_.decided_by = RuleRef{};
      return;
    }
    for (const RuleRef& base : c_.base_chains) {
      live_accept_if_.clear();
      RuleRef decided = base;
      Outcome o = RunChain(base.table, base.chain, decided);
      if (o == Outcome::kFallThrough) {
        const Chain& chain = c_.ChainAt(base);
        decided = base;
        o = chain.policy == VerdictKind::kAccept ? Outcome::kAccept : Outcome::kDrop;
        r_.trace.push_back({base, o == Outcome::kAccept ? "policy accept" : "policy drop"});
      }
      if (o != Outcome::kAccept && !live_accept_if_.empty()) {
        // Open only if the unknown condition of an earlier accept held.
        r_.conditional = true;
        decided = live_accept_if_.front();
        o = Outcome::kAccept;
      }
      r_.decided_by = decided;
      if (o == Outcome::kDrop || o == Outcome::kReject) {
        r_.verdict = o == Outcome::kDrop ? VerdictKind::kDrop : VerdictKind::kReject;
        return;
      }
    }
    r_.verdict = VerdictKind::kAccept;
  }

 private:
  // Does the rule match the packet? `unknown` is set when the answer rests on
  // something the engine or the probe does not know.
  bool Matches(const CompiledRule& cr, bool& unknown) const {
    unknown = false;
    bool uncertain = false;
    for (const auto& cube : cr.cubes) {
      PointMatch m = Contains(cube, p_);
      if (m == PointMatch::kYes) {
        unknown = cr.conditional;
        return true;
      }
      if (m == PointMatch::kUnknownField) uncertain = true;
    }
    if (uncertain) {
      unknown = true;
      return true;
    }
    return false;
  }

  Outcome RunChain(int t, int c, RuleRef& decided) {
    if (static_cast<int>(stack_.size()) >= kMaxJumpDepth) {
      const Chain& chain = c_.ruleset->tables[t].chains[c];
      r_.errors.push_back({chain.location, "jumps nest deeper than " + std::to_string(kMaxJumpDepth) +
                                               " chains at chain " + chain.name, ""});
      return Outcome::kFallThrough;
    }
    stack_.emplace_back(t, c);
    const Chain& chain = c_.ruleset->tables[t].chains[c];
    const CompiledChain& cc = c_.tables[t].chains[c];
    Outcome result = Outcome::kFallThrough;
    for (int i : RuleOrder(chain)) {
      bool unknown = false;
      if (!Matches(cc.rules[i], unknown)) continue;
      RuleRef ref{t, c, i};
      VerdictKind kind = chain.rules[i].verdict.kind;
      if (kind == VerdictKind::kUnknown || (unknown && kind == VerdictKind::kAccept)) {
        r_.trace.push_back({ref, "may accept (unknown condition)"});
        r_.conditions.push_back(ref);
        live_accept_if_.push_back(ref);
        continue;
      }
      if (unknown && (kind == VerdictKind::kDrop || kind == VerdictKind::kReject)) {
        r_.trace.push_back({ref, "drop assumed not to match (unknown condition)"});
        continue;
      }
      if (unknown && kind == VerdictKind::kContinue) continue;
      if (unknown) {
        // A conditional jump, goto or return: taken, and the answer depends on it.
        r_.trace.push_back({ref, "condition assumed to hold"});
        r_.conditional = true;
        r_.conditions.push_back(ref);
      }
      if (kind == VerdictKind::kContinue) {
        r_.trace.push_back({ref, "continue"});
        continue;
      }
      if (kind == VerdictKind::kAccept || kind == VerdictKind::kDrop || kind == VerdictKind::kReject) {
        r_.trace.push_back({ref, kind == VerdictKind::kAccept ? "accept"
                                 : kind == VerdictKind::kDrop ? "drop" : "reject"});
        decided = ref;
        result = kind == VerdictKind::kAccept ? Outcome::kAccept
                 : kind == VerdictKind::kDrop ? Outcome::kDrop : Outcome::kReject;
        break;
      }
      if (kind == VerdictKind::kReturn) {
        r_.trace.push_back({ref, "return"});
        break;
      }
      int target = chain.rules[i].verdict.target;
      if (std::find(stack_.begin(), stack_.end(), std::make_pair(t, target)) != stack_.end()) {
        const Rule& rule = chain.rules[i];
        r_.errors.push_back({rule.location,
                             "this jump to chain " + c_.ruleset->tables[t].chains[target].name + " makes a loop",
                             rule.text});
        break;
      }
      r_.trace.push_back({ref, kind == VerdictKind::kJump ? "jump" : "goto"});
      Outcome o = RunChain(t, target, decided);
      if (o != Outcome::kFallThrough || kind == VerdictKind::kGoto) {
        result = o;
        break;
      }
    }
    stack_.pop_back();
    return result;
  }

  const CompiledRuleset& c_;
  const PacketPoint& p_;
  ProbeResult& r_;
  std::vector<std::pair<int, int>> stack_;
  std::vector<RuleRef> live_accept_if_;
};

}  // namespace

ProbeResult Probe(const CompiledRuleset& compiled, const Packet& packet) {
  ProbeResult r;
  if (!compiled.errors.empty()) {
    r.errors = compiled.errors;
    return r;
  }
  std::vector<Family> covered = CoveredFamilies(*compiled.ruleset);
  r.family_covered = std::find(covered.begin(), covered.end(), packet.family) != covered.end();
  PacketPoint p;
  p.protocol = packet.protocol;
  p.sport = packet.sport;
  p.dport = packet.dport;
  p.saddr = packet.saddr;
  p.daddr = packet.daddr;
  p.iif_atom = compiled.interfaces->AtomOf(packet.iif.empty() ? std::string_view("\x01") : packet.iif);
  Walker w(compiled, p, r);
  w.Run();
  return r;
}

}  // namespace ghostport::rules
