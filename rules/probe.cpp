#include "rules/probe.h"

#include <algorithm>
#include <deque>

#include "rules/pipeline.h"

namespace ghostport::rules {

namespace {

// One way the probed packet can go.
struct Outcome {
  VerdictKind verdict;
  Decision by;
  const Box* box;
};

// How open an outcome is, for choosing which to report when the probe's
// open fields let several happen: a connection, then a SYN that gets in,
// then a reject, then a drop.
int Openness(const Outcome& o) {
  if (o.verdict == VerdictKind::kAccept) {
    return o.box->handshake == Handshake::kComplete || o.box->handshake == Handshake::kNotApplicable ? 3 : 2;
  }
  return o.verdict == VerdictKind::kReject ? 1 : 0;
}

bool SameOutcome(const Outcome& a, const Outcome& b) {
  return a.verdict == b.verdict && a.by == b.by && a.box->handshake == b.box->handshake;
}

}  // namespace

ProbeResult Probe(const CompiledRuleset& compiled, const Packet& packet) {
  ProbeResult r;
  if (!compiled.errors.empty()) {
    r.errors = compiled.errors;
    return r;
  }
  std::vector<Family> covered = CoveredFamilies(*compiled.ruleset);
  r.family_covered = std::find(covered.begin(), covered.end(), packet.family) != covered.end();
  const InterfaceSpace& ifaces = *compiled.interfaces;
  Box b;
  b.fields = WholeSpace(packet.family, ifaces);
  b.fields.protocols = ProtocolSet::Single(packet.protocol);
  b.fields.dports = PortSet::Single(packet.dport);
  if (packet.sport) b.fields.sports = PortSet::Single(*packet.sport);
  if (packet.saddr) b.fields.saddr = AddressSet::OfRange(packet.family, *packet.saddr, *packet.saddr);
  if (packet.daddr) b.fields.daddr = AddressSet::OfRange(packet.family, *packet.daddr, *packet.daddr);
  AtomSet iif(ifaces.size());
  iif.Set(ifaces.AtomOf(packet.iif.empty() ? std::string_view("\x01") : packet.iif));
  b.fields.iif = iif;
  EngineNotes notes;
  WalkOptions options;
  options.keep_refused = true;
  options.trace = true;
  std::vector<Box> region{std::move(b)};
  WalkResult w = WalkConnection(compiled, std::move(region), options, notes);
  if (!notes.errors.empty()) {
    r.errors = std::move(notes.errors);
    return r;
  }
  std::vector<Outcome> outcomes;
  for (const Box& a : w.accepted) outcomes.push_back({VerdictKind::kAccept, Opening(a), &a});
  // A REJECT whose answer is lost is a drop to the client; where that turns
  // on a field the probe leaves open (the answer goes to the client's source
  // port), the parts differ and the answer is conditional on the rules that
  // let the answer out or stop it.
  std::deque<Box> answer_parts;
  std::vector<RuleRef> answer_rules;
  bool answer_conditional = false;
  for (const Refusal& f : w.refused) {
    if (f.verdict != VerdictKind::kReject) {
      outcomes.push_back({f.verdict, f.by, &f.box});
      continue;
    }
    RejectAnswer split = SplitByRejectAnswer(compiled, f, notes);
    for (RejectAnswerPart& p : split.parts) {
      answer_conditional = answer_conditional || p.conditional;
      answer_parts.push_back(std::move(p.box));
      outcomes.push_back({p.leaves ? VerdictKind::kReject : VerdictKind::kDrop, f.by, &answer_parts.back()});
    }
    // Named when the answer's fate splits or rests on an unknown (added once below).
    if (split.parts.size() > 1 || answer_conditional) {
      answer_rules.insert(answer_rules.end(), split.deciding.begin(), split.deciding.end());
    }
  }
  if (outcomes.empty()) return r;  // cannot happen: every packet goes somewhere
  const Outcome* chosen = &outcomes[0];
  for (const Outcome& o : outcomes) {
    if (Openness(o) > Openness(*chosen)) chosen = &o;
  }
  // A forwarded packet leaves through an interface the routes choose; where
  // no route given says which, it is taken to leave where the forward rules
  // let it (reported with the path): outcomes apart only by that interface
  // are no reason to doubt the answer. Any other difference is.
  bool all_same = true;
  for (const Outcome& o : outcomes) {
    if (chosen->box->forward && o.box->forward && SameButOutInterface(o.box->fields, chosen->box->fields)) continue;
    if (!SameOutcome(o, *chosen)) all_same = false;
  }
  const Box& box = *chosen->box;
  r.verdict = chosen->verdict;
  r.decided_by = chosen->by;
  r.handshake = box.handshake;
  r.handshake_blocked_by = box.handshake_blocked_by;
  r.connects = chosen->verdict == VerdictKind::kAccept &&
               (box.handshake == Handshake::kComplete || box.handshake == Handshake::kNotApplicable);
  r.forward = box.forward;
  r.translation = box.nat;
  r.trace = box.trace;
  r.conditional = !all_same || answer_conditional;
  for (const Outcome& o : outcomes) r.conditional = r.conditional || o.box->conditional;
  if (r.conditional) {
    auto add = [&](const RuleRef& rule) {
      if (std::find(r.conditions.begin(), r.conditions.end(), rule) == r.conditions.end()) r.conditions.push_back(rule);
    };
    for (const Outcome& o : outcomes) {
      for (const Guard& g : o.box->guards) add(g.rule);
    }
    for (const RuleRef& rule : answer_rules) add(rule);
  }
  return r;
}

}  // namespace ghostport::rules
