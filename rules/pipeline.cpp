#include "rules/pipeline.h"

#include <algorithm>
#include <map>

#include "rules/address_type.h"
#include "rules/box_list.h"
#include "rules/chain_walk.h"
#include "rules/merged_walk.h"

namespace ghostport::rules {

void EngineNotes::Note(const SourceLocation& where, std::string what) {
  if (noted_.insert({where.file, where.line, what}).second) {
    approximations.push_back(Approximation{where, std::move(what)});
  }
}

namespace {

constexpr std::uint8_t kProtoTcp = 6;

// Marks where a base chain starts in a box's guards: accept-if guards
// before it belong to an earlier chain and no longer decide anything.
constexpr Guard kChainBoundary{Guard::kAcceptIf, RuleRef{-2, -2, -2}};

constexpr std::uint8_t kNatDst = 1;
constexpr std::uint8_t kNatSrc = 2;

// Which translation a nat hook decides: the destination on the way in
// (prerouting, output), the source on the way out (input, postrouting).
std::uint8_t NatManip(Hook h) { return h == Hook::kPrerouting || h == Hook::kOutput ? kNatDst : kNatSrc; }

std::uint8_t TcpFlagsOf(PacketKind kind) {
  switch (kind) {
    case PacketKind::kRejectResponse: return kTcpRst | kTcpAck;
    case PacketKind::kFirst: return kTcpSyn;
    case PacketKind::kReply: return kTcpSyn | kTcpAck;
    case PacketKind::kAck: return kTcpAck;
    case PacketKind::kRetry: return kTcpSyn;
  }
  return 0;
}

// Loopback addresses: a DNAT there keeps the packet on this host.
bool IsLoopbackTarget(const AddressSet& a) {
  static const AddressSet kV4 = AddressSet::OfCidr(*ParseCidr(Family::kIpv4, "127.0.0.0/8"));
  static const AddressSet kV6 = AddressSet::OfCidr(*ParseCidr(Family::kIpv6, "::1/128"));
  const AddressSet& lo = a.family() == Family::kIpv4 ? kV4 : kV6;
  return a.Subtract(lo).empty();
}

std::string ConditionText(const Ruleset& ruleset, const Rule& rule) {
  std::string s;
  for (const auto& cond : UnknownsOf(ruleset, rule)) {
    if (!s.empty()) s += "; ";
    s += cond.description + " (" + cond.reason + ")";
  }
  return s;
}

class Walker {
 public:
  Walker(const CompiledRuleset& c, PacketKind kind, const WalkOptions& options, EngineNotes& notes,
         WalkResult& out)
      : c_(c), kind_(kind), options_(options), notes_(notes), out_(out) {}

  void Run(std::vector<Box> region) {
    present_ct_ = kCtInvalid | kCtUntracked;
    for (auto& b : region) {
      b.walk.clear();
      present_ct_ |= b.ct;
    }
    if (kind_ == PacketKind::kReply || kind_ == PacketKind::kRejectResponse) {
      std::vector<Box> local, forwarded, to_this_host;
      for (auto& b : region) {
        if (!b.forward || kind_ != PacketKind::kReply) {
          local.push_back(std::move(b));
        } else {
          (b.sent_locally ? to_this_host : forwarded).push_back(std::move(b));
        }
      }
      // Sent by this host: output and postrouting, and over lo back in.
      FinishOrLoopBack(RunHook(Hook::kPostrouting, RunHook(Hook::kOutput, std::move(local))));
      Finish(RunHook(Hook::kPostrouting,
                     RunHook(Hook::kForward, RunHook(Hook::kPrerouting, std::move(forwarded)))));
      // The reply to a connection this host made to another (a DNAT in
      // output) comes in to this host's socket.
      for (auto& b : to_this_host) b.fields.oif = c_.interfaces->NoInterface();
      Finish(RunHook(Hook::kInput, RunHook(Hook::kPrerouting, std::move(to_this_host))));
      return;
    }
    // A connection over lo is sent by this host first: output and
    // postrouting (where conntrack and nat see it), then it comes back in.
    std::vector<Box> remote, looped;
    const AtomSet lo = c_.interfaces->Loopback();
    for (auto& b : region) {
      if (!b.fields.iif.Intersects(lo)) {
        remote.push_back(std::move(b));
        continue;
      }
      AtomSet other = b.fields.iif.Subtract(lo);
      if (!other.empty()) {
        Box rest = b;
        rest.fields.iif = std::move(other);
        remote.push_back(std::move(rest));
      }
      b.fields.iif = c_.interfaces->NoInterface();
      b.fields.oif = lo;
      b.sent_locally = true;
      looped.push_back(std::move(b));
    }
    std::vector<Box> sent = RunHook(Hook::kPostrouting, RunHook(Hook::kOutput, std::move(looped)));
    for (auto& b : sent) {
      if (b.forward) {
        Finish1(std::move(b));  // DNAT in output sent it to another host: it leaves
        continue;
      }
      b.fields.iif = lo;
      b.fields.oif = c_.interfaces->NoInterface();
      remote.push_back(std::move(b));
    }
    std::vector<Box> routed = RunHook(Hook::kPrerouting, std::move(remote));
    std::vector<Box> local, forwarded;
    for (auto& b : routed) {
      if (b.forward) {
        RouteOut(std::move(b), forwarded);
      } else {
        local.push_back(std::move(b));
      }
    }
    Finish(RunHook(Hook::kInput, std::move(local)));
    Finish(RunHook(Hook::kPostrouting, RunHook(Hook::kForward, std::move(forwarded))));
  }

 private:
  void Finish1(Box b) {
    std::erase(b.guards, kChainBoundary);  // markers only
    for (const Guard& g : b.guards) {
      if (g.kind != Guard::kAcceptIf) b.conditional = true;
    }
    out_.accepted.push_back(std::move(b));
  }

  void Finish(std::vector<Box> boxes) {
    for (auto& b : boxes) Finish1(std::move(b));
  }

  // What this host sent out over lo comes back in through prerouting and
  // input before it is delivered; the rest has left.
  void FinishOrLoopBack(std::vector<Box> sent) {
    const AtomSet lo = c_.interfaces->Loopback();
    std::vector<Box> back;
    for (auto& b : sent) {
      if (!b.fields.oif.Intersects(lo)) {
        Finish1(std::move(b));
        continue;
      }
      AtomSet other = b.fields.oif.Subtract(lo);
      if (!other.empty()) {
        Box rest = b;
        rest.fields.oif = std::move(other);
        Finish1(std::move(rest));
      }
      b.fields.oif = c_.interfaces->NoInterface();
      b.fields.iif = lo;
      back.push_back(std::move(b));
    }
    if (back.empty()) return;
    const std::size_t refused_before = out_.refused.size();
    std::vector<Box> in = RunHook(Hook::kPrerouting, std::move(back));
    std::vector<Box> delivered = RunHook(Hook::kInput, std::move(in));
    // Give the caller the packet as it was sent, whatever became of it.
    auto as_sent = [&](Box& b) {
      b.fields.iif = c_.interfaces->NoInterface();
      b.fields.oif = lo;
    };
    for (std::size_t i = refused_before; i < out_.refused.size(); ++i) as_sent(out_.refused[i].box);
    for (auto& b : delivered) {
      as_sent(b);
      Finish1(std::move(b));
    }
  }

  // A forwarded packet leaves through the interface of the longest route
  // that holds its destination; where no route is given, through any.
  void RouteOut(Box b, std::vector<Box>& out) {
    for (const CompiledRoute& r : c_.routes) {
      if (!b.fields.daddr.Intersects(r.destination)) continue;
      Box routed = b;
      routed.fields.daddr = b.fields.daddr.Intersect(r.destination);
      routed.fields.oif = r.out_interface;
      out.push_back(std::move(routed));
      b.fields.daddr = b.fields.daddr.Subtract(r.destination);
      if (b.fields.daddr.empty()) return;
    }
    b.fields.oif = c_.interfaces->AllInterfaces();
    out.push_back(std::move(b));
  }

  void Trace(Box& b, Decision at, std::string event) {
    if (options_.trace) b.trace.push_back(TraceStep{std::move(at), std::move(event)});
  }

  // ---------------------------------------------------------------- hooks

  std::vector<Box> RunHook(Hook hook, std::vector<Box> region) {
    if (region.empty()) return region;
    hook_ = hook;
    bool any_chain = false;
    bool has_nat = false;
    for (const Stage& stage : c_.StagesOf(hook)) {
      if (region.empty()) break;
      switch (stage.kind) {
        case Stage::kConntrack:
          for (auto& b : region) AssignConntrack(b);
          break;
        case Stage::kNatPoint:
          if (kind_ == PacketKind::kAck || kind_ == PacketKind::kRetry) {
            for (auto& b : region) {
              if ((b.nat_done & kNatDst) == 0) Retranslate(b);
              b.nat_done |= kNatDst;
            }
          }
          break;
        case Stage::kChain: {
          const Chain& chain = ChainAt(*c_.ruleset, stage.chain);
          // nat chains translate; they are no filter.
          any_chain = any_chain || chain.type != ChainType::kNat;
          if (chain.type == ChainType::kNat) {
            // nat chains see only the first packet of a tracked connection,
            // once per kind of translation (over lo: in output, not again in
            // prerouting).
            has_nat = true;
            std::vector<Box> run, skip;
            for (auto& b : region) {
              bool first = kind_ == PacketKind::kFirst && b.ct == kCtNew && (b.nat_done & NatManip(hook)) == 0;
              (first ? run : skip).push_back(std::move(b));
            }
            region = RunBaseChain(stage.chain, std::move(run));
            Append(region, std::move(skip));
          } else {
            region = RunBaseChain(stage.chain, std::move(region));
          }
          break;
        }
      }
    }
    // NAT's own hooks bind a new connection wherever some nat chain of the
    // family exists (checked on the kernel with an nft nat table that has
    // a prerouting chain only: this host's own connection over lo is bound
    // in output and not redirected in prerouting).
    if ((has_nat || (c_.nat_anywhere && hook != Hook::kForward)) && kind_ == PacketKind::kFirst) {
      for (auto& b : region) {
        if (b.ct == kCtNew) b.nat_done |= NatManip(hook);
      }
    }
    if (!any_chain && (hook == Hook::kInput || hook == Hook::kForward)) {
      // No filter on the host's (or the forward) path: netfilter accepts.
      for (auto& b : region) {
        b.walk.push_back(HookDecision{hook, NoBaseChainDecision{hook}});
        Trace(b, NoBaseChainDecision{hook}, "no base chain: accept");
      }
    }
    return region;
  }

  // conntrack's verdict on a packet that reaches its hook untouched by
  // NOTRACK: a first packet is NEW; the reply and the ACK of a tracked
  // connection are ESTABLISHED. Of an untracked connection, conntrack sees
  // the SYN-ACK as invalid and picks the ACK up as a NEW connection.
  void AssignConntrack(Box& b) {
    // A REJECT's answer has its state from the start (SplitByRejectAnswer).
    if (b.ct != kCtInvalid || kind_ == PacketKind::kRejectResponse) return;
    if (kind_ == PacketKind::kFirst) {
      b.ct = kCtNew;
    } else if (kind_ == PacketKind::kAck && b.reply_unseen) {
      // In SYN_SENT an ACK from the client is out of the TCP state machine.
      b.ct = kCtInvalid;
      b.reply_unseen = false;
    } else if (b.untracked_flow) {
      b.ct = kind_ == PacketKind::kReply ? kCtInvalid : kCtNew;
    } else {
      b.ct = kCtEstablished;
    }
    present_ct_ |= b.ct;
  }

  // The ACK of a translated connection gets the connection's translation
  // where the nat hook sits.
  void Retranslate(Box& b) {
    if (!b.nat) return;
    const Verdict& v = RuleAt(*c_.ruleset, b.nat->rule).verdict;
    Translate(b, v, b.nat->rule);
  }

  void Translate(Box& b, const Verdict& v, const RuleRef& ref) {
    Translation t;
    t.kind = v.kind;
    t.rule = ref;
    t.original_daddr = b.fields.daddr;
    if (v.kind == VerdictKind::kRedirect) {
      b.dst_local = true;
      b.forward = false;
    } else if (v.nat.addresses) {
      t.to_address = v.nat.addresses;
      b.fields.daddr = *v.nat.addresses;
      // This host's addresses are not in the ruleset: a DNAT stays on the
      // host when it goes to loopback or to the very address the packet was
      // sent to (known for a probe given --to), and is routed on otherwise.
      b.dst_local = IsLoopbackTarget(*v.nat.addresses) ||
                    (t.original_daddr.Materialize().Size() == 1 && v.nat.addresses->Subtract(t.original_daddr).empty());
      b.forward = !b.dst_local;
    }
    if (v.nat.ports && !(b.fields.dports.Intersect(*v.nat.ports) == b.fields.dports)) {
      t.original_dports = b.fields.dports;
      t.to_ports = v.nat.ports;
      b.fields.dports = *v.nat.ports;
      if (v.nat.ports->Size() > 1) {
        notes_.Note(RuleAt(*c_.ruleset, ref).location,
                    "the translated port is one of a range (netfilter picks it); any of them is assumed");
      }
    }
    b.nat = std::move(t);
  }

  // ---------------------------------------------------------------- chains

  std::vector<Box> RunBaseChain(const ChainRef& base, std::vector<Box> region) {
    if (region.empty()) return region;
    if (c_.ruleset->tables[base.table].firewall_off) {
      // A Windows profile with its firewall off accepts whatever comes.
      const FirewallOffDecision off{base.table};
      for (auto& b : region) {
        b.walk.push_back(HookDecision{hook_, off});
        Trace(b, off, "the firewall is off: accept");
      }
      return region;
    }
    for (auto& b : region) b.guards.push_back(kChainBoundary);
    std::vector<Box> accepted;
    std::vector<Box> fall = RunChain(base.table, base.chain, std::move(region), accepted);
    const Chain& chain = ChainAt(*c_.ruleset, base);
    PolicyDecision policy{base};
    for (auto& b : fall) {
      if (chain.policy == VerdictKind::kAccept) {
        // A nat chain's policy ACCEPT translates nothing and filters nothing.
        if (chain.type != ChainType::kNat) b.walk.push_back(HookDecision{hook_, policy});
        Trace(b, policy, "policy accept");
        accepted.push_back(std::move(b));
      } else {
        Trace(b, policy, "policy drop");
        Refuse(std::move(b), VerdictKind::kDrop, policy, accepted);
      }
    }
    return accepted;
  }

  // A box reaches a drop or reject: it still gets through if an earlier
  // accept of this base chain had an unknown condition that may have held.
  void Refuse(Box b, VerdictKind verdict, const Decision& by, std::vector<Box>& accepted) {
    for (auto it = b.guards.rbegin(); it != b.guards.rend(); ++it) {
      if (*it == kChainBoundary) break;
      if (it->kind == Guard::kAcceptIf) {
        b.conditional = true;
        b.walk.push_back(HookDecision{hook_, RuleDecision{it->rule}});
        accepted.push_back(std::move(b));
        return;
      }
    }
    if (options_.keep_refused) {
      std::erase(b.guards, kChainBoundary);
      for (const Guard& g : b.guards) {
        if (g.kind != Guard::kAcceptIf) b.conditional = true;
      }
      out_.refused.push_back(Refusal{std::move(b), verdict, by});
    }
  }

  // Could a cube's state matches hold for some box of this walk at all?
  bool MayHold(const MetaMatch& m) const {
    if (m.ct_states == kCtAll && m.ct_nat == 0) return true;
    return (m.ct_states & present_ct_) != 0 || m.ct_nat != 0;
  }

  // What the packet's source and destination are, where the walk knows it;
  // unset: the interface on that side tells (loopback: this host's own).
  struct Endpoints {
    std::optional<AddrClass> src;
    std::optional<AddrClass> dst;
  };
  Endpoints EndpointsOf(const Box& b) const {
    if (kind_ == PacketKind::kReply || kind_ == PacketKind::kRejectResponse) {
      // From the far end of a forward (or of a connection this host made
      // to another): another host's address, to the client, which is this
      // host when it sent the connection.
      if (b.forward) return {AddrClass::kRemote, b.sent_locally ? AddrClass::kLocal : AddrClass::kRemote};
      // Sent by this host; back in over lo it is to this host.
      const bool back_in = hook_ == Hook::kPrerouting || hook_ == Hook::kInput;
      return {AddrClass::kLocal, back_in ? std::optional<AddrClass>(AddrClass::kLocal) : std::nullopt};
    }
    std::optional<AddrClass> src;
    if (b.sent_locally) src = AddrClass::kLocal;
    return {src, b.dst_local ? AddrClass::kLocal : AddrClass::kRemote};
  }

  // The cube as it applies to box `b`: nullopt when its state matches do not
  // hold for b; address types narrow the interfaces they depend on.
  std::optional<FieldCube> Effective(const CompiledCube& cube, const Box& b) const {
    const MetaMatch& m = cube.meta;
    bool state = (m.ct_states & b.ct) != 0;
    bool dnat = (m.ct_nat & kCtNatDnat) != 0 && b.nat && b.ct != kCtInvalid && b.ct != kCtUntracked;
    if (!state && !dnat) return std::nullopt;
    if (m.tcp_flags) {
      // Only TCP packets carry flags; the cube is TCP-only where it has them.
      std::uint8_t flags = TcpFlagsOf(kind_);
      if (((flags & m.tcp_flags->mask) == m.tcp_flags->comp) == m.tcp_flags->negated) return std::nullopt;
    }
    if (!m.src_type && !m.dst_type) return cube.fields;
    FieldCube f = cube.fields;
    const AtomSet lo = c_.interfaces->Loopback();
    const AtomSet other = c_.interfaces->All().Subtract(lo);
    // The class of an address: fixed by the walk, or told by an interface
    // (`side`): this host's own over loopback, another host's elsewhere.
    auto narrow = [&](const AddrTypeMatch& match, std::optional<AddrClass> fixed, AtomSet& side) {
      if (fixed) return AddrTypeHolds(c_.family, match, *fixed);
      AtomSet keep(c_.interfaces->size());
      if (AddrTypeHolds(c_.family, match, AddrClass::kLocal)) keep = keep.Union(lo);
      if (AddrTypeHolds(c_.family, match, AddrClass::kRemote)) keep = keep.Union(other);
      side = side.Intersect(keep);
      return !side.empty();
    };
    const Endpoints e = EndpointsOf(b);
    if (m.src_type && !narrow(*m.src_type, e.src, f.iif)) return std::nullopt;
    if (m.dst_type && !narrow(*m.dst_type, e.dst, f.oif)) return std::nullopt;
    return f;
  }

  // Splits `region` by the cubes: the matching parts go to `matched`, the
  // rest stays in `region`. Only boxes near the cubes' ports are looked at.
  void Split(BoxList& region, const std::vector<CompiledCube>& cubes, std::vector<Box>& matched) {
    std::vector<Box> untouched;
    for (auto& box : region.TakeIntersecting(cubes)) {
      std::vector<FieldCube> pieces;
      pieces.push_back(std::move(box.fields));
      bool cut = false;
      for (const auto& cube : cubes) {
        std::optional<FieldCube> eff;
        const FieldCube* use = &cube.fields;
        if (!cube.meta.Trivial()) {
          eff = Effective(cube, box);
          if (!eff) continue;
          use = &*eff;
        }
        std::vector<FieldCube> next;
        for (auto& p : pieces) {
          auto m = Intersect(p, *use);
          if (!m) {
            next.push_back(std::move(p));
            continue;
          }
          cut = true;
          Box piece = box;
          piece.fields = std::move(*m);
          matched.push_back(std::move(piece));
          SubtractInto(std::move(p), *use, next);
        }
        pieces = std::move(next);
      }
      if (!cut) {
        box.fields = std::move(pieces[0]);
        untouched.push_back(std::move(box));
        continue;
      }
      for (auto& p : pieces) {
        Box rest = box;
        rest.fields = std::move(p);
        region.Add(std::move(rest));
      }
    }
    region.Add(std::move(untouched));
  }

  static void AddGuard(std::vector<Box>& boxes, Guard::Kind kind, const RuleRef& r) {
    for (auto& b : boxes) b.guards.push_back(Guard{kind, r});
  }

  static void Append(std::vector<Box>& to, std::vector<Box>&& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }

  const std::vector<Step>& StepsOf(int t, int c) {
    auto key = std::make_pair(t, c);
    auto it = steps_.find(key);
    if (it == steps_.end()) {
      const Chain& chain = c_.ruleset->tables[t].chains[c];
      const CompiledChain& cc = c_.tables[t].chains[c];
      std::vector<Step> steps;
      if (options_.keep_refused) {
        // Probes name the very rule that decided: no folding.
        for (int i : RuleOrder(chain)) steps.push_back(Step{i, {}, false});
      } else {
        steps = BuildSteps(chain, cc);
      }
      it = steps_.emplace(key, std::move(steps)).first;
    }
    return it->second;
  }

  static const char* VerdictEvent(VerdictKind k) {
    switch (k) {
      case VerdictKind::kAccept: return "accept";
      case VerdictKind::kDrop: return "drop";
      case VerdictKind::kReject: return "reject";
      case VerdictKind::kReturn: return "return";
      case VerdictKind::kJump: return "jump";
      case VerdictKind::kGoto: return "goto";
      case VerdictKind::kDnat: return "dnat";
      case VerdictKind::kRedirect: return "redirect";
      case VerdictKind::kSnat: return "snat (accept)";
      case VerdictKind::kNotrack: return "notrack";
      default: return "continue";
    }
  }

  // Walks `input` through chain (t, c). Accepted boxes go to `accepted`;
  // what returns to the caller is returned.
  std::vector<Box> RunChain(int t, int c, std::vector<Box> input, std::vector<Box>& accepted) {
    std::vector<Box> fall;
    const Chain& chain = c_.ruleset->tables[t].chains[c];
    if (static_cast<int>(stack_.size()) >= kMaxJumpDepth) {
      notes_.errors.push_back({chain.location, "jumps nest deeper than " + std::to_string(kMaxJumpDepth) +
                                                   " chains at chain " + chain.name, ""});
      return fall;
    }
    stack_.emplace_back(t, c);
    const CompiledChain& cc = c_.tables[t].chains[c];
    BoxList region(std::move(input));
    for (const Step& step : StepsOf(t, c)) {
      if (region.empty()) break;
      const CompiledRule& cr = cc.rules[step.rule];
      const std::vector<CompiledCube>& cubes = step.folded ? step.merged : cr.cubes;
      if (cubes.empty()) continue;
      if (!std::any_of(cubes.begin(), cubes.end(), [&](const CompiledCube& k) { return MayHold(k.meta); })) {
        continue;
      }
      std::vector<Box> matched;
      Split(region, cubes, matched);
      if (matched.empty()) continue;
      RuleRef ref{t, c, step.rule};
      RuleDecision at{ref};
      const Rule& rule = chain.rules[step.rule];
      VerdictKind kind = rule.verdict.kind;
      if (kind == VerdictKind::kUnknown) {
        notes_.Note(rule.location, "target " + rule.verdict.text + " is not modelled (" + rule.verdict.reason +
                                       "); treated as a possible accept");
        for (auto& b : matched) Trace(b, at, "may accept (target not modelled)");
        AddGuard(matched, Guard::kAcceptIf, ref);
        region.Add(std::move(matched));
        continue;
      }
      if (cr.conditional) {
        switch (kind) {
          case VerdictKind::kAccept:
          case VerdictKind::kSnat:
            for (auto& b : matched) Trace(b, at, "may accept (unknown condition)");
            AddGuard(matched, Guard::kAcceptIf, ref);
            region.Add(std::move(matched));
            continue;
          case VerdictKind::kDrop:
          case VerdictKind::kReject:
            notes_.Note(rule.location, "drop assumed not to match: " + ConditionText(*c_.ruleset, rule));
            for (auto& b : matched) Trace(b, at, "drop assumed not to match (unknown condition)");
            AddGuard(matched, Guard::kUnlessDrop, ref);
            region.Add(std::move(matched));
            continue;
          case VerdictKind::kContinue:
            region.Add(std::move(matched));
            continue;
          default: {
            // A jump, goto, return, NAT or notrack that may or may not
            // happen: both ways are followed, each conditional.
            notes_.Note(rule.location, "both outcomes followed for: " + ConditionText(*c_.ruleset, rule));
            std::vector<Box> skipped = matched;
            for (auto& b : skipped) Trace(b, at, "condition assumed false");
            AddGuard(skipped, Guard::kSkippedJump, ref);
            for (auto& b : matched) Trace(b, at, "condition assumed to hold");
            AddGuard(matched, Guard::kJumpIf, ref);
            if (kind == VerdictKind::kJump && !OnStack(t, rule.verdict.target)) {
              // What comes back the same either way did not depend on the
              // condition: the two ways join again (bounded forks).
              std::vector<Box> back = RunChain(t, rule.verdict.target, std::move(matched), accepted);
              region.Add(JoinForks(std::move(back), std::move(skipped), ref));
              continue;
            }
            region.Add(std::move(skipped));
            break;  // then as unconditional, below
          }
        }
      }
      switch (kind) {
        case VerdictKind::kAccept:
        case VerdictKind::kSnat:
          for (auto& b : matched) {
            Trace(b, at, VerdictEvent(kind));
            b.walk.push_back(HookDecision{hook_, at});
            accepted.push_back(std::move(b));
          }
          break;
        case VerdictKind::kDnat:
        case VerdictKind::kRedirect:
          for (auto& b : matched) {
            Trace(b, at, VerdictEvent(kind));
            Translate(b, rule.verdict, ref);
            b.walk.push_back(HookDecision{hook_, at});
            accepted.push_back(std::move(b));
          }
          break;
        case VerdictKind::kDrop:
        case VerdictKind::kReject:
          for (auto& b : matched) {
            Trace(b, at, VerdictEvent(kind));
            Refuse(std::move(b), kind, at, accepted);
          }
          break;
        case VerdictKind::kNotrack:
          for (auto& b : matched) {
            Trace(b, at, "notrack");
            if (b.ct == kCtInvalid) {  // before conntrack: exempt from it
              b.ct = kCtUntracked;
              if (kind_ == PacketKind::kFirst) b.untracked_flow = true;
              if (kind_ == PacketKind::kReply && !b.untracked_flow) {
                b.reply_unseen = true;
                b.handshake_blocked_by = at;
              }
            }
          }
          present_ct_ |= kCtUntracked;
          region.Add(std::move(matched));
          break;
        case VerdictKind::kContinue:
          for (auto& b : matched) Trace(b, at, "continue");
          region.Add(std::move(matched));
          break;
        case VerdictKind::kReturn:
          for (auto& b : matched) Trace(b, at, "return");
          Append(fall, std::move(matched));
          break;
        case VerdictKind::kJump:
        case VerdictKind::kGoto:
          if (OnStack(t, rule.verdict.target)) {
            const Chain& target = c_.ruleset->tables[t].chains[rule.verdict.target];
            notes_.errors.push_back({rule.location, "this jump to chain " + target.name + " makes a loop", rule.text});
            break;
          }
          for (auto& b : matched) Trace(b, at, VerdictEvent(kind));
          if (kind == VerdictKind::kJump) {
            region.Add(RunChain(t, rule.verdict.target, std::move(matched), accepted));
          } else {
            Append(fall, RunChain(t, rule.verdict.target, std::move(matched), accepted));
          }
          break;
        case VerdictKind::kUnknown:
          break;  // handled above
      }
    }
    Append(fall, region.TakeAll());
    stack_.pop_back();
    return fall;
  }

  // Parts of `back` (returned from a conditional jump) and of `skipped`
  // (the same packets had the jump not been taken) that are alike in all but
  // the fork's own guard: the condition did not matter for them, and they
  // continue as one, without either guard.
  static std::vector<Box> JoinForks(std::vector<Box> back, std::vector<Box> skipped, const RuleRef& ref) {
    const Guard took{Guard::kJumpIf, ref};
    const Guard not_taken{Guard::kSkippedJump, ref};
    auto without = [](std::vector<Guard> guards, const Guard& g) {
      std::erase(guards, g);
      return guards;
    };
    auto alike = [&](const Box& r, const Box& s) {
      return r.ct == s.ct && r.forward == s.forward && r.dst_local == s.dst_local &&
             r.untracked_flow == s.untracked_flow && r.reply_unseen == s.reply_unseen && r.conditional == s.conditional && r.handshake == s.handshake &&
             r.nat == s.nat && r.walk == s.walk && r.accepted_by == s.accepted_by && r.origin == s.origin &&
             without(r.guards, took) == without(s.guards, not_taken);
    };
    BoxList returned(std::move(back));
    std::vector<Box> out;
    for (Box& s : skipped) {
      std::vector<CompiledCube> probe{CompiledCube{s.fields, MetaMatch{}}};
      std::vector<Box> keep;
      std::vector<FieldCube> rest{s.fields};
      for (Box& r : returned.TakeIntersecting(probe)) {
        if (!alike(r, s)) {
          keep.push_back(std::move(r));
          continue;
        }
        auto common = Intersect(r.fields, s.fields);
        Box joined = s;
        joined.fields = std::move(*common);
        std::erase(joined.guards, not_taken);
        std::vector<FieldCube> r_rest;
        SubtractInto(r.fields, joined.fields, r_rest);
        for (auto& f : r_rest) {
          Box piece = r;
          piece.fields = std::move(f);
          keep.push_back(std::move(piece));
        }
        std::vector<FieldCube> s_rest;
        for (auto& f : rest) SubtractInto(std::move(f), joined.fields, s_rest);
        rest = std::move(s_rest);
        out.push_back(std::move(joined));
      }
      returned.Add(std::move(keep));
      for (auto& f : rest) {
        Box piece = s;
        piece.fields = std::move(f);
        out.push_back(std::move(piece));
      }
    }
    Append(out, returned.TakeAll());
    return out;
  }

  bool OnStack(int t, int c) const {
    return std::find(stack_.begin(), stack_.end(), std::make_pair(t, c)) != stack_.end();
  }

  const CompiledRuleset& c_;
  PacketKind kind_;
  const WalkOptions& options_;
  EngineNotes& notes_;
  WalkResult& out_;
  Hook hook_ = Hook::kPrerouting;
  std::uint8_t present_ct_ = 0;
  std::map<std::pair<int, int>, std::vector<Step>> steps_;
  std::vector<std::pair<int, int>> stack_;
};

// Whether a connection's translation rewrote the port or the address the
// client sent to (a REDIRECT that keeps the port goes to the address the
// packet came in on, taken here as the one the client called).
bool ChangesWhatTheClientSees(const Box& b) {
  if (!b.nat) return false;
  if (b.nat->original_dports) return true;
  return b.nat->to_address && !(*b.nat->to_address == b.nat->original_daddr);
}

// The ACK's starting point: the box as the client sent it, before any
// translation, not yet seen by conntrack.
Box AsSent(Box b, const InterfaceSpace& ifaces) {
  if (b.nat) {
    b.fields.daddr = b.nat->original_daddr;
    if (b.nat->original_dports) b.fields.dports = *b.nat->original_dports;
  }
  b.fields.oif = ifaces.NoInterface();
  // This host's own connection (over lo, or sent on by a DNAT in output):
  // its ACK is sent by this host too, and takes the output path again.
  if (b.sent_locally) b.fields.iif = ifaces.Loopback();
  b.ct = kCtInvalid;
  b.dst_local = true;
  b.forward = false;
  b.nat_done = 0;
  return b;
}

}  // namespace

RejectAnswer SplitByRejectAnswer(const CompiledRuleset& compiled, const Refusal& r, EngineNotes& notes) {
  RejectAnswer out;
  const RuleRef* ref = DecidingRule(r.by);
  if (ref == nullptr) {
    out.parts.push_back({r.box, true, false});
    return out;
  }
  const std::string& text = RuleAt(*compiled.ruleset, *ref).verdict.text;
  const bool reset = text.find("tcp-reset") != std::string::npos || text.find("tcp reset") != std::string::npos;
  Box answer = r.box;
  answer.fields = Mirror(answer.fields);
  if (answer.forward) {
    // Sent by this host from the forward path: it leaves on the way it came.
    answer.fields.iif = compiled.interfaces->NoInterface();
  }
  answer.forward = false;
  answer.fields.protocols = ProtocolSet::Single(reset ? 6 : compiled.family == Family::kIpv4 ? 1 : 58);
  // Related to the rejected packet's connection; conntrack knows none for an
  // untracked or invalid one, and the answer is INVALID then.
  answer.ct = (r.box.ct & (kCtUntracked | kCtInvalid)) != 0 ? kCtInvalid : kCtRelated;
  answer.untracked_flow = false;
  answer.guards.clear();
  WalkOptions options;
  options.keep_refused = true;
  WalkResult w = Walk(compiled, {std::move(answer)}, PacketKind::kRejectResponse, options, notes);
  auto note = [&](const Decision& d) {
    const RuleRef* by = DecidingRule(d);
    if (by != nullptr && std::find(out.deciding.begin(), out.deciding.end(), *by) == out.deciding.end()) {
      out.deciding.push_back(*by);
    }
  };
  // Back in the refused box's coordinates: the walk only narrows addresses,
  // ports and interfaces; the protocol and, for a forwarded packet, the
  // output interface are the answer's own and stay the refused box's.
  auto back = [&](const Box& a) {
    FieldCube f = Mirror(a.fields);
    f.protocols = r.box.fields.protocols;
    if (r.box.forward) f.oif = r.box.fields.oif;
    return f;
  };
  std::vector<FieldCube> rest{r.box.fields};
  for (const Box& a : w.accepted) {
    for (const HookDecision& h : a.walk) note(h.decision);
    const FieldCube f = back(a);
    std::vector<FieldCube> still;
    for (FieldCube& piece : rest) {
      if (std::optional<FieldCube> hit = Intersect(piece, f)) {
        Box part = r.box;
        part.fields = std::move(*hit);
        out.parts.push_back({std::move(part), true, a.conditional || !a.guards.empty()});
        SubtractInto(std::move(piece), f, still);
      } else {
        still.push_back(std::move(piece));
      }
    }
    rest = std::move(still);
  }
  for (const Refusal& lost : w.refused) note(lost.by);
  for (FieldCube& piece : rest) {
    Box part = r.box;
    part.fields = std::move(piece);
    out.parts.push_back({std::move(part), false, false});
  }
  return out;
}

namespace {

// A refusal's packets, each with whether the client hears of it: a REJECT's
// split where its answer is lost (SplitByRejectAnswer), a DROP's never.
std::vector<std::pair<Box, bool>> SplitRefusal(const CompiledRuleset& compiled, Refusal r, EngineNotes& notes) {
  std::vector<std::pair<Box, bool>> out;
  if (r.verdict != VerdictKind::kReject) {
    out.emplace_back(std::move(r.box), false);
    return out;
  }
  for (RejectAnswerPart& p : SplitByRejectAnswer(compiled, r, notes).parts) out.emplace_back(std::move(p.box), p.leaves);
  return out;
}

Handshake Blocked(VerdictKind verdict, bool reply) {
  if (reply) return verdict == VerdictKind::kReject ? Handshake::kReplyRejected : Handshake::kReplyDropped;
  return verdict == VerdictKind::kReject ? Handshake::kAckRejected : Handshake::kAckDropped;
}

}  // namespace

WalkResult Walk(const CompiledRuleset& compiled, std::vector<Box> region, PacketKind kind,
                const WalkOptions& options, EngineNotes& notes) {
  WalkResult out;
  Walker w(compiled, kind, options, notes, out);
  w.Run(std::move(region));
  return out;
}

WalkResult WalkConnection(const CompiledRuleset& compiled, std::vector<Box> region, const WalkOptions& options,
                          EngineNotes& notes) {
  WalkResult first = Walk(compiled, std::move(region), PacketKind::kFirst, options, notes);
  WalkResult out;
  out.refused = std::move(first.refused);
  // The SYN's way is the opening's; split off the TCP part for the handshake.
  std::vector<Box> tcp;
  const ProtocolSet kTcp = ProtocolSet::Single(kProtoTcp);
  for (auto& b : first.accepted) {
    b.accepted_by = std::move(b.walk);
    b.walk.clear();
    if (!b.fields.protocols.Contains(kProtoTcp)) {
      out.accepted.push_back(std::move(b));
      continue;
    }
    if (!(b.fields.protocols == kTcp)) {
      Box rest = b;
      rest.fields.protocols = rest.fields.protocols.Subtract(kTcp);
      out.accepted.push_back(std::move(rest));
      b.fields.protocols = kTcp;
    }
    tcp.push_back(std::move(b));
  }
  if (tcp.empty()) return out;
  // The SYN-ACK, in its own coordinates.
  for (auto& b : tcp) {
    b.fields = Mirror(b.fields);
    b.ct = kCtInvalid;
  }
  WalkOptions reply_options = options;
  reply_options.keep_refused = true;
  WalkResult reply = WalkMerged(compiled, std::move(tcp), PacketKind::kReply, reply_options, notes);
  std::vector<Box> acks;
  for (auto& b : reply.accepted) {
    b.fields = Mirror(b.fields);
    if (b.reply_unseen && ChangesWhatTheClientSees(b)) {
      // Exempted from conntrack, the SYN-ACK is not translated back: it
      // comes from another port or address than the client called, which
      // the client does not take for an answer.
      b.walk.clear();
      b.ct = kCtNew;
      b.reply_unseen = false;
      b.handshake = Handshake::kReplyDropped;
      out.accepted.push_back(std::move(b));
      continue;
    }
    b.handshake_blocked_by.reset();
    acks.push_back(AsSent(std::move(b), *compiled.interfaces));
  }
  std::vector<Box> retries;
  for (auto& r : reply.refused) {
    Box b = std::move(r.box);
    // Lost after conntrack saw it (a filter OUTPUT drop), the SYN-ACK marked
    // the connection's reply seen: the client's retried SYN is ESTABLISHED.
    const bool seen = b.ct == kCtEstablished;
    b.fields = Mirror(b.fields);
    b.walk.clear();
    b.ct = kCtNew;
    b.handshake = Blocked(r.verdict, true);
    b.handshake_blocked_by = r.by;
    if (seen) {
      retries.push_back(AsSent(std::move(b), *compiled.interfaces));
    } else {
      out.accepted.push_back(std::move(b));
    }
  }
  if (!retries.empty()) {
    // A rule that rejects the retried SYN answers the client, which is then
    // refused instead of timing out; otherwise it is lost as the first was.
    WalkResult retry = WalkMerged(compiled, std::move(retries), PacketKind::kRetry, reply_options, notes);
    for (auto& b : retry.accepted) {
      b.walk.clear();
      b.ct = kCtNew;
      out.accepted.push_back(std::move(b));
    }
    for (auto& r : retry.refused) {
      for (auto& [b, answered] : SplitRefusal(compiled, std::move(r), notes)) {
        b.walk.clear();
        b.ct = kCtNew;
        if (answered) b.handshake = Handshake::kRetryRejected;
        out.accepted.push_back(std::move(b));
      }
    }
  }
  WalkResult ack = WalkMerged(compiled, std::move(acks), PacketKind::kAck, reply_options, notes);
  for (auto& b : ack.accepted) {
    b.walk.clear();
    b.ct = kCtNew;
    b.handshake = Handshake::kComplete;
    out.accepted.push_back(std::move(b));
  }
  for (auto& r : ack.refused) {
    const Decision by = r.by;
    for (auto& [b, answered] : SplitRefusal(compiled, std::move(r), notes)) {
      b.walk.clear();
      b.ct = kCtNew;
      b.handshake = Blocked(answered ? VerdictKind::kReject : VerdictKind::kDrop, false);
      b.handshake_blocked_by = by;
      out.accepted.push_back(std::move(b));
    }
  }
  return out;
}

}  // namespace ghostport::rules
