#include "parsers/nftables/nft_lowering.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "parsers/nftables/nft_field_values.h"
#include "parsers/nftables/nft_json_reader.h"
#include "parsers/nftables/nft_lexer.h"
#include "parsers/nftables/nft_rule_parser.h"
#include "parsers/nftables/nft_matches.h"
#include "rules/address.h"

namespace ghostport::parsers {

namespace {

using nft::ChainSyntax;
using nft::Expr;
using nft::RuleSyntax;
using nft::SetSyntax;
using nft::Statement;
using nft::TableSyntax;
using rules::Family;
using rules::VerdictKind;

struct FamilyRow {
  std::string_view name;
  rules::TableFamily family;
  bool evaluated;
};

constexpr FamilyRow kFamilies[] = {
    {"ip", rules::TableFamily::kIp, true},       {"ip6", rules::TableFamily::kIp6, true},
    {"inet", rules::TableFamily::kInet, true},   {"arp", rules::TableFamily::kArp, false},
    {"bridge", rules::TableFamily::kBridge, false}, {"netdev", rules::TableFamily::kNetdev, false},
};

struct PriorityRow {
  std::string_view name;
  int value;
};

// nft's named priorities for the ip, ip6 and inet families.
constexpr PriorityRow kPriorities[] = {{"raw", -300}, {"mangle", -150}, {"dstnat", -100},
                                       {"filter", 0},  {"security", 50}, {"srcnat", 100}};

struct HookRow {
  std::string_view name;
  rules::Hook hook;
};

constexpr HookRow kHooks[] = {{"prerouting", rules::Hook::kPrerouting}, {"input", rules::Hook::kInput},
                              {"forward", rules::Hook::kForward},       {"output", rules::Hook::kOutput},
                              {"postrouting", rules::Hook::kPostrouting}, {"ingress", rules::Hook::kIngress}};

struct VerdictRow {
  std::string_view name;
  VerdictKind kind;
};

constexpr VerdictRow kVerdicts[] = {{"accept", VerdictKind::kAccept}, {"drop", VerdictKind::kDrop},
                                    {"reject", VerdictKind::kReject}, {"return", VerdictKind::kReturn},
                                    {"continue", VerdictKind::kContinue}, {"jump", VerdictKind::kJump},
                                    {"goto", VerdictKind::kGoto}};

// Statements that do not decide a packet's fate: the rule goes on.
constexpr std::string_view kPassThrough[] = {"counter", "log", "meta set", "ct set", "payload set", "set add",
                                             "set update", "set delete", "dup", "flow", "notrack"};
// meta keys of a bridge port: the kernel has them in bridge tables only.
constexpr std::string_view kBridgeMetaKeys[] = {"ibrname", "obrname", "ibrpvid", "ibrvproto", "ibriport", "obriport"};
// Statements that may not hold: explicit unknowns.
constexpr std::string_view kMayNotHold[] = {"limit", "quota", "ct count", "meter"};

template <class Row, std::size_t N>
const Row* Find(const Row (&rows)[N], std::string_view name) {
  for (const Row& r : rows) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

template <std::size_t N>
bool In(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

// `quota name ip saddr map @q`: the selector that picks the object. The
// lookup holds only for packets that selector reads (IPv4 here), as nft's
// own dependency says; both readers render the statement this way.
std::optional<nft::Expr> ObjectMapKey(const std::string& text) {
  if (text.find(" name ") == std::string::npos || text.find(" map ") == std::string::npos) return std::nullopt;
  std::vector<Diagnostic> ignored;
  std::vector<nft::Token> tokens = nft::Lex(text, "", ignored);
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i].Is("name")) continue;
    std::size_t pos = i + 1;
    std::optional<nft::Expr> key = nft::ParseSelectorAt(tokens, pos, tokens.size() - 1);
    if (key && pos < tokens.size() && tokens[pos].Is("map")) return key;
  }
  return std::nullopt;
}

// A set statement whose elements carry a limit, a quota or a connection
// count (a meter): the statement, and so the rule, may not hold.
bool StatesPerElement(const std::string& text) {
  std::istringstream in(text);
  std::string w, prev;
  while (in >> w) {
    if (w == "limit" || w == "quota" || (prev == "ct" && w == "count")) return true;
    prev = w;
  }
  return false;
}

// The bridge family's.
constexpr PriorityRow kBridgePriorities[] = {{"dstnat", -300}, {"filter", -200}, {"out", 100}, {"srcnat", 300}};

std::optional<int> ParsePriority(const std::string& text, bool bridge) {
  std::istringstream in(text);
  std::string first;
  in >> first;
  int base = 0;
  if (const PriorityRow* r = bridge ? Find(kBridgePriorities, first) : Find(kPriorities, first)) {
    base = r->value;
  } else {
    try {
      std::size_t used = 0;
      base = std::stoi(first, &used);
      if (used != first.size()) return std::nullopt;
    } catch (...) {
      return std::nullopt;
    }
  }
  std::string sign, amount;
  if (!(in >> sign)) return base;
  if (!(in >> amount) || (sign != "+" && sign != "-")) return std::nullopt;
  try {
    const int n = std::stoi(amount);
    return sign == "+" ? base + n : base - n;
  } catch (...) {
    return std::nullopt;
  }
}

class TableLowering : public nft::MatchContext {
 public:
  TableLowering(const TableSyntax& syntax, rules::Ruleset& ruleset, std::vector<Diagnostic>& diagnostics)
      : syntax_(syntax), rs_(ruleset), diagnostics_(diagnostics) {
    if (syntax.family == "ip" || syntax.family == "inet") families_.push_back(Family::kIpv4);
    if (syntax.family == "ip6" || syntax.family == "inet") families_.push_back(Family::kIpv6);
    for (const ChainSyntax& c : syntax.chains) {
      for (const RuleSyntax& r : c.rules) {
        for (const Statement& s : r.statements) {
          if (const auto* o = std::get_if<nft::OtherStmt>(&s)) {
            if (!o->set_name.empty()) updated_sets_.insert(o->set_name);
          }
        }
      }
    }
  }

  rules::Table Run() {
    rules::Table t;
    t.name = syntax_.name;
    t.location = syntax_.location;
    const FamilyRow* family = Find(kFamilies, syntax_.family);
    t.family = family ? family->family : rules::TableFamily::kIp;
    if (family && !family->evaluated) {
      t.evaluated = false;
      t.not_evaluated_reason = "the " + syntax_.family + " family filters " +
                               (syntax_.family == "arp" ? std::string("ARP") : std::string("link-layer frames")) +
                               ", not the IP packets port exposure is made of: not evaluated";
    }
    if (std::find(syntax_.flags.begin(), syntax_.flags.end(), "dormant") != syntax_.flags.end()) {
      t.evaluated = false;
      t.not_evaluated_reason = "flags dormant: the table is switched off and sees no packet";
    }
    for (const ChainSyntax& c : syntax_.chains) t.chains.push_back(Chain(c));
    if (t.evaluated) {
      for (std::size_t c = 0; c < syntax_.chains.size(); ++c) {
        for (const RuleSyntax& r : syntax_.chains[c].rules) {
          if (!Refused(r, true)) Rule(r, t.chains[c]);
        }
      }
      ResolveJumps(t);
    } else {
      for (const ChainSyntax& c : syntax_.chains) {
        for (const RuleSyntax& r : c.rules) {
          Refused(r, false);
          Ignore(r.location, r.text, t.not_evaluated_reason);
        }
      }
    }
    return t;
  }

  std::optional<int> NamedSet(const std::string& name, const std::vector<rules::SetField>& fields,
                              const std::vector<rules::SetKeyType>& expected, const rules::SourceLocation& at,
                              std::string& reason) override {
    const SetSyntax* set = FindSet(name);
    if (set == nullptr) {
      Error(at, "no set named \"" + name + "\" in table " + syntax_.family + " " + syntax_.name);
      return std::nullopt;
    }
    std::vector<rules::SetKeyType> key;
    if (!KeyOf(*set, key, reason)) return -1;
    if (key.size() != fields.size()) {
      Error(at, "set " + name + " has a key of " + std::to_string(key.size()) + " parts; the match reads " +
                    std::to_string(fields.size()));
      return std::nullopt;
    }
    if (key != expected) {
      Error(at, "set " + name + " does not hold what the match reads (" + KeyText(key) + ", not " +
                    KeyText(expected) + "): nft refuses it");
      return std::nullopt;
    }
    auto it = set_index_.find(name);
    if (it != set_index_.end()) return it->second;
    rules::NamedSet ns;
    ns.name = name;
    ns.table = syntax_.name;
    ns.key = key;
    ns.location = set->location;
    ns.dynamic = set->timeout || updated_sets_.count(name) > 0 ||
                 std::find(set->flags.begin(), set->flags.end(), "dynamic") != set->flags.end() ||
                 std::find(set->flags.begin(), set->flags.end(), "timeout") != set->flags.end();
    for (const Expr& e : set->elements) {
      const Expr& k = e.kind == Expr::Kind::kMapping && !e.items.empty() ? e.items[0] : e;
      std::string error;
      std::optional<rules::SetElement> element = nft::SetElementOf(k, key, error);
      if (!element) {
        Error(k.location, error);
        continue;
      }
      ns.elements.push_back(std::move(*element));
    }
    rs_.sets.push_back(std::move(ns));
    const int index = static_cast<int>(rs_.sets.size()) - 1;
    set_index_[name] = index;
    return index;
  }

  int AnonymousSet(const std::vector<rules::SetKeyType>& key, std::vector<rules::SetElement> elements,
                   const rules::SourceLocation& at) override {
    rules::NamedSet ns;
    ns.name = "anonymous set at line " + std::to_string(at.line);
    ns.table = syntax_.name;
    ns.key = key;
    ns.elements = std::move(elements);
    ns.location = at;
    rs_.sets.push_back(std::move(ns));
    return static_cast<int>(rs_.sets.size()) - 1;
  }

  void Error(const rules::SourceLocation& at, std::string message) override {
    Diagnostic d;
    d.location = at;
    d.message = std::move(message);
    diagnostics_.push_back(std::move(d));
  }

 private:
  void Warn(const rules::SourceLocation& at, std::string message) {
    Diagnostic d;
    d.severity = Severity::kWarning;
    d.location = at;
    d.message = std::move(message);
    diagnostics_.push_back(std::move(d));
  }

  void Ignore(const rules::SourceLocation& at, const std::string& text, const std::string& reason) {
    rs_.ignored.push_back({at, text, reason});
  }

  const SetSyntax* FindSet(const std::string& name) const {
    for (const SetSyntax& s : syntax_.sets) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  static std::string KeyText(const std::vector<rules::SetKeyType>& key) {
    static constexpr const char* kNames[] = {"ipv4_addr", "ipv6_addr", "inet_service", "inet_proto", "ifname"};
    std::string out;
    for (rules::SetKeyType t : key) out += (out.empty() ? "" : " . ") + std::string(kNames[static_cast<int>(t)]);
    return out;
  }

  bool KeyOf(const SetSyntax& set, std::vector<rules::SetKeyType>& key, std::string& reason) const {
    if (!set.key_typeof.empty()) {
      for (const Expr& e : set.key_typeof) {
        std::optional<rules::SetKeyType> t = nft::SetKeyTypeOf(e);
        if (!t) {
          reason = "set " + set.name + " is keyed by " + nft::Render(e) + ", which is not modelled";
          return false;
        }
        key.push_back(*t);
      }
      return true;
    }
    for (const std::string& type : set.key_types) {
      std::optional<rules::SetKeyType> t = nft::SetKeyTypeOf(type);
      if (!t) {
        reason = "set " + set.name + " holds " + type + " values, which are not modelled";
        return false;
      }
      key.push_back(*t);
    }
    if (key.empty()) reason = "set " + set.name + " has no type";
    return !key.empty();
  }

  rules::Chain Chain(const ChainSyntax& c) {
    rules::Chain out;
    out.name = c.name;
    out.location = c.location;
    if (!c.hook) return out;
    const HookRow* hook = Find(kHooks, *c.hook);
    if (hook == nullptr) {
      Ignore(c.location, "chain " + c.name + " (hook " + *c.hook + ")",
             "the " + *c.hook + " hook is not on the path of packets to or through this host: not evaluated");
      return out;
    }
    out.hook = hook->hook;
    if (hook->hook == rules::Hook::kIngress) {
      Ignore(c.location, "chain " + c.name + " (hook ingress)",
             "ingress chains run before prerouting and are not evaluated: a drop there is not seen");
    }
    const std::string type = c.type.value_or("filter");
    out.type = type == "nat" ? rules::ChainType::kNat : type == "route" ? rules::ChainType::kRoute : rules::ChainType::kFilter;
    if (type != "filter" && type != "nat" && type != "route") Error(c.location, "unknown chain type \"" + type + "\"");
    if (c.priority) {
      if (std::optional<int> p = ParsePriority(*c.priority, syntax_.family == "bridge")) {
        out.priority = *p;
      } else {
        Error(c.location, "bad chain priority \"" + *c.priority + "\"");
      }
    }
    out.policy = VerdictKind::kAccept;
    if (c.policy) {
      if (*c.policy == "drop") {
        out.policy = VerdictKind::kDrop;
      } else if (*c.policy != "accept") {
        Error(c.policy_location.line > 0 ? c.policy_location : c.location, "policy must be accept or drop, not \"" + *c.policy + "\"");
      }
    }
    return out;
  }

  // What nft refuses in a rule of any table, evaluated or not: a named
  // object the table does not have (`counter name "c9"`: the kernel finds
  // none), a selector of another family's tables (`meta ibrname` outside a
  // bridge table); and in a table that is not evaluated the matches' values
  // (`vlan id 4096` in a bridge table), which the matches check where they
  // are evaluated.
  bool Refused(const RuleSyntax& r, bool evaluated) {
    for (const Statement& s : r.statements) {
      if (const auto* o = std::get_if<nft::OtherStmt>(&s); o != nullptr && o->object && !HasObject(o->keyword, o->object->text)) {
        Error(o->object->location, "no " + o->keyword + " named \"" + o->object->text + "\" in table " + syntax_.family +
                                       " " + syntax_.name + " (nft refuses it)");
        return true;
      }
      const auto* m = std::get_if<nft::Match>(&s);
      if (m == nullptr) continue;
      const Expr& selector = m->left.kind == Expr::Kind::kBinop && !m->left.items.empty() ? m->left.items[0] : m->left;
      if (selector.kind == Expr::Kind::kSelector && selector.protocol == "meta" && In(kBridgeMetaKeys, selector.field) &&
          syntax_.family != "bridge") {
        Error(selector.location, nft::Render(selector) + " is a bridge port's: only bridge tables have it (nft refuses it)");
        return true;
      }
      if (evaluated) continue;
      if (std::optional<nft::FieldValueError> bad = nft::CheckFieldValue(selector, m->right, nft::FieldUse::kMatch)) {
        Error(bad->at, bad->message);
        return true;
      }
    }
    return false;
  }

  bool HasObject(const std::string& kind, const std::string& name) const {
    return std::any_of(syntax_.objects.begin(), syntax_.objects.end(),
                       [&](const nft::ObjectSyntax& o) { return o.kind == kind && o.name == name; });
  }

  // One rule of the syntax, as one model rule or several.
  void Rule(const RuleSyntax& r, rules::Chain& chain) {
    current_rule_ = &r;
    nft::RuleState state;
    for (Family f : families_) state.cubes.push_back(rules::Cube::Any(f));
    auto emit = [&](rules::Verdict verdict, const nft::RuleState& st) {
      rules::Rule out;
      out.cubes = st.cubes;
      out.conditions = st.conditions;
      out.verdict = std::move(verdict);
      out.location = r.location;
      out.text = r.text;
      out.comment = r.comment;
      if (r.handle) out.id = "handle " + std::to_string(*r.handle);
      chain.rules.push_back(std::move(out));
    };
    // ended: nothing after this statement reaches the packet; terminal: nft
    // refuses a statement after it (a verdict, NAT).
    bool ended = false, terminal = false;
    for (std::size_t i = 0; i < r.statements.size(); ++i) {
      const Statement& s = r.statements[i];
      if (terminal) {
        Error(r.location, "statement after terminal statement has no effect: \"" + nft::Render(s) + "\" (nft refuses it)");
        break;
      }
      if (ended) break;
      if (const auto* m = std::get_if<nft::Match>(&s)) {
        nft::ApplyMatch(m->left, m->op, m->right, state, *this);
      } else if (const auto* v = std::get_if<nft::VerdictStmt>(&s)) {
        if (v->kind == "reject" && !RejectDependency(*v, state, r)) return;
        emit(VerdictOf(*v, r), state);
        ended = terminal = v->kind != "continue";
      } else if (const auto* v = std::get_if<nft::VmapStmt>(&s)) {
        // The rule goes on only for the keys that map to continue.
        state = Vmap(*v, state, emit);
        ended = state.cubes.empty();
      } else if (const auto* n = std::get_if<nft::NatStmt>(&s)) {
        Nat(*n, state, emit);
        ended = terminal = true;
      } else {
        const auto& o = std::get<nft::OtherStmt>(s);
        if (o.keyword == "notrack") {
          rules::Verdict v;
          v.kind = VerdictKind::kNotrack;
          v.text = "notrack";
          emit(v, state);
        } else if (o.keyword.starts_with("set ") && StatesPerElement(o.text)) {
          // add @meter { ip saddr limit rate 10/second }: fails when over the limit
          state.conditions.push_back({o.text, "a limit or quota per set element is not modelled: the rule may not hold", r.location});
        } else if (std::optional<nft::Expr> key = ObjectMapKey(o.text);
                   key && (In(kPassThrough, o.keyword) || In(kMayNotHold, o.keyword))) {
          nft::RestrictToSelectors(*key, state);
          if (In(kMayNotHold, o.keyword)) {
            state.conditions.push_back({o.text, o.keyword + " statements are not modelled: the rule may not hold", r.location});
          }
        } else if (In(kPassThrough, o.keyword) || o.keyword.starts_with("flow")) {
          // counted, logged, marked, offloaded: the packet's fate is not decided here
        } else if (In(kMayNotHold, o.keyword)) {
          state.conditions.push_back({o.text, o.keyword + " statements are not modelled: the rule may not hold", r.location});
        } else if (o.keyword == "tproxy" && !OnlyPortProtocols(state)) {
          Error(r.location, "tproxy needs the rule to match tcp or udp first (nft refuses it)");
          return;
        } else if (o.keyword == "tproxy") {
          // The packet goes to a transparent proxy's socket when the rule
          // then accepts it: where it lands is not modelled.
          state.conditions.push_back({o.text, "tproxy: the packet goes to a transparent proxy's socket", r.location});
        } else if (o.keyword == "xt" && o.text.find("match") != std::string::npos) {
          state.conditions.push_back({o.text, "an iptables extension nft cannot show", r.location});
        } else {
          rules::Verdict v;
          v.kind = VerdictKind::kUnknown;
          v.text = o.text;
          v.reason = o.keyword == "unknown" ? "a statement ghostport does not read" : o.keyword + " is not modelled";
          emit(v, state);
          ended = true;
        }
      }
    }
    if (!ended) {
      rules::Verdict v;
      v.kind = VerdictKind::kContinue;
      v.text = "(no verdict)";
      emit(v, state);
    }
  }

  // What a reject's kind implies, as nft adds it to the rule: `with icmp`
  // holds for IPv4 only (meta nfproto ipv4), `with icmpv6` for IPv6 only,
  // `with tcp reset` for tcp only (meta l4proto tcp). A rule that then
  // matches nothing contradicts itself: nft refuses it.
  bool RejectDependency(const nft::VerdictStmt& v, nft::RuleState& state, const RuleSyntax& r) {
    std::istringstream in(v.text);
    std::vector<std::string> w;
    for (std::string x; in >> x;) w.push_back(x);
    const bool with = w.size() >= 3 && w[1] == "with";
    const std::string kind = with ? w[2] : "";
    const bool had = !state.cubes.empty();
    // The codes each kind takes (a number is any code).
    const std::string code = w.size() >= 4 ? (w[3] == "type" && w.size() >= 5 ? w[4] : w[3]) : "";
    static const std::map<std::string, std::vector<std::string>> kCodes = {
        {"icmp", {"host-unreachable", "net-unreachable", "prot-unreachable", "port-unreachable", "net-prohibited",
                  "host-prohibited", "admin-prohibited"}},
        {"icmpv6", {"no-route", "admin-prohibited", "addr-unreachable", "port-unreachable", "policy-fail", "reject-route"}},
        {"icmpx", {"host-unreachable", "no-route", "admin-prohibited", "port-unreachable"}},
    };
    auto codes = kCodes.find(kind);
    if (codes != kCodes.end() && !code.empty() && !std::isdigit(static_cast<unsigned char>(code[0])) &&
        std::find(codes->second.begin(), codes->second.end(), code) == codes->second.end()) {
      Error(r.location, "\"" + code + "\" is not a " + kind + " reject code (nft refuses it)");
      return false;
    }
    if (kind == "icmp" || kind == "icmpv6") {
      const Family f = kind == "icmp" ? Family::kIpv4 : Family::kIpv6;
      std::erase_if(state.cubes, [&](const rules::Cube& c) { return c.family != f; });
    } else if (kind == "tcp") {
      for (rules::Cube& c : state.cubes) c.protocols = c.protocols.Intersect(rules::ProtocolSet::Single(6));
      std::erase_if(state.cubes, [](const rules::Cube& c) { return c.protocols.empty(); });
    }
    if (had && state.cubes.empty()) {
      Error(r.location, "\"" + v.text + "\" cannot hold for what the rule matches (nft refuses it)");
      return false;
    }
    return true;
  }

  rules::Verdict VerdictOf(const nft::VerdictStmt& v, const RuleSyntax& r) {
    rules::Verdict out;
    out.text = v.text.empty() ? v.kind : v.text;
    if (const VerdictRow* row = Find(kVerdicts, v.kind)) {
      out.kind = row->kind;
      if (row->kind == VerdictKind::kJump || row->kind == VerdictKind::kGoto) {
        jumps_.push_back({v.target, r.location});
        out.reason = v.target;  // resolved in ResolveJumps
      }
      return out;
    }
    out.kind = VerdictKind::kUnknown;
    out.reason = v.kind == "queue" ? "queue: a userspace program decides" : v.kind + " is not modelled";
    return out;
  }

  rules::Verdict VerdictOf(const Expr& v, const RuleSyntax& r) {
    nft::VerdictStmt s;
    s.kind = v.text;
    s.target = v.target;
    s.text = nft::Render(v);
    return VerdictOf(s, r);
  }

  const std::vector<Expr>* MapElements(const Expr& map, bool verdicts) {
    if (map.kind == Expr::Kind::kSet) return &map.items;
    if (map.kind == Expr::Kind::kSetRef) {
      const SetSyntax* set = FindSet(map.text);
      if (set == nullptr || !set->is_map) {
        Error(map.location, "no map named \"" + map.text + "\" in table " + syntax_.family + " " + syntax_.name);
        return nullptr;
      }
      if (verdicts && set->value_type != "verdict") {
        Error(map.location, "map " + map.text + " holds " + set->value_type + " values, not verdicts");
        return nullptr;
      }
      return &set->elements;
    }
    Error(map.location, "expected a map");
    return nullptr;
  }

  // One rule per element; what is left is the state of the keys that map to
  // continue (the rule's later statements apply to those only).
  template <class Emit>
  nft::RuleState Vmap(const nft::VmapStmt& v, const nft::RuleState& state, Emit&& emit) {
    nft::RuleState rest;
    rest.conditions = state.conditions;
    const std::vector<Expr>* elements = MapElements(v.map, true);
    if (elements == nullptr) return rest;
    const RuleSyntax* rule = current_rule_;
    ForEachElement(v.key, *elements, state, true, [&](const Expr& verdict, nft::RuleState& one) {
      if (verdict.text == "continue") {
        for (auto& c : one.cubes) rest.cubes.push_back(std::move(c));
        return;
      }
      emit(VerdictOf(verdict, rule ? *rule : RuleSyntax{}), one);
    });
    return rest;
  }

  // Each element of a map in lookup order, with the rule's state narrowed to
  // the element's key, and its value; an element that is not KEY : VALUE (a
  // verdict where `verdicts`) is an error.
  template <class Each>
  void ForEachElement(const Expr& key, const std::vector<Expr>& elements, const nft::RuleState& state, bool verdicts,
                      Each&& each) {
    if (!DisjointKeys(key, elements)) return;
    for (const Expr* e : CatchAllLast(elements)) {
      if (e->kind != Expr::Kind::kMapping || e->items.size() != 2 ||
          (verdicts && e->items[1].kind != Expr::Kind::kVerdict)) {
        Error(e->location, std::string(verdicts ? "a verdict map element is KEY : VERDICT" : "a map element is KEY : VALUE") +
                               ", not \"" + nft::Render(*e) + "\"");
        continue;
      }
      nft::RuleState one = state;
      ApplyElementKey(key, e->items[0], one);
      each(e->items[1], one);
    }
  }

  // A map's keys (of one selector the model reads) may not overlap: a key
  // would map to two values (nft: "conflicting intervals specified"). Sets
  // are merged instead, maps are not.
  bool DisjointKeys(const Expr& key, const std::vector<Expr>& elements) {
    const std::optional<rules::SetKeyType> type = nft::SetKeyTypeOf(key);
    if (!type || *type == rules::SetKeyType::kInterface) return true;
    std::vector<std::pair<rules::Interval<rules::u128>, const Expr*>> keys;
    for (const Expr& e : elements) {
      if (e.kind != Expr::Kind::kMapping || e.items.empty() || IsCatchAll(e.items[0])) continue;
      std::string error;
      std::optional<rules::SetElement> k = nft::SetElementOf(e.items[0], {*type}, error);
      if (k && k->key.size() == 1) keys.emplace_back(k->key[0].range, &e.items[0]);
    }
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first.lo < b.first.lo; });
    for (std::size_t i = 1; i < keys.size(); ++i) {
      if (keys[i].first.lo <= keys[i - 1].first.hi) {
        auto at = [](const Expr* e) { return std::pair(e->location.line, e->location.column); };
        const Expr* later = at(keys[i].second) > at(keys[i - 1].second) ? keys[i].second : keys[i - 1].second;
        const Expr* other = later == keys[i].second ? keys[i - 1].second : keys[i].second;
        Error(later->location, "map keys \"" + nft::Render(*other) + "\" and \"" + nft::Render(*later) +
                                   "\" overlap (nft refuses conflicting intervals)");
        return false;
      }
    }
    return true;
  }

  static bool IsCatchAll(const Expr& key) { return key.kind == Expr::Kind::kValue && !key.quoted && key.text == "*"; }

  // A map's elements with its catch-all (`* : drop`) last: a lookup finds
  // it only when no other element holds the key.
  static std::vector<const Expr*> CatchAllLast(const std::vector<Expr>& elements) {
    std::vector<const Expr*> out, last;
    for (const Expr& e : elements) {
      const bool catch_all = e.kind == Expr::Kind::kMapping && !e.items.empty() && IsCatchAll(e.items[0]);
      (catch_all ? last : out).push_back(&e);
    }
    out.insert(out.end(), last.begin(), last.end());
    return out;
  }

  void ApplyElementKey(const Expr& key, const Expr& element_key, nft::RuleState& state) {
    if (IsCatchAll(element_key)) {  // every key the elements before it do not hold, of the key's kind
      nft::RestrictToSelectors(key, state);
      return;
    }
    if (element_key.kind == Expr::Kind::kSet) {  // a nested set of keys
      nft::ApplyMatch(key, "==", element_key, state, *this);
      return;
    }
    nft::ApplyKey(key, element_key, state, *this);
  }

  // dnat/snat to an address in an inet table: the family is the one the
  // rule's matches leave (`ip saddr X snat to A`), or the one written (`dnat
  // ip to A`); nft refuses a rule that leaves both, or an address of the
  // other family.
  bool NatFamily(const nft::NatStmt& n, const nft::RuleState& state, const RuleSyntax& r) {
    if (syntax_.family != "inet" || !n.family.empty() || !n.address || state.cubes.empty()) return true;
    const Family f = state.cubes.front().family;
    if (std::any_of(state.cubes.begin(), state.cubes.end(), [&](const rules::Cube& c) { return c.family != f; })) {
      Error(r.location, n.kind + " in an inet table needs its family: " + n.kind + " ip to ... or " + n.kind +
                            " ip6 to ... (nft refuses it)");
      return false;
    }
    if (n.address->kind == Expr::Kind::kMapLookup || n.address->kind == Expr::Kind::kSelector) return true;
    std::string error;
    if (!nft::NatAddresses(*n.address, f, error)) {
      Error(n.address->location, "\"" + nft::Render(*n.address) + "\" is no " + rules::FamilyName(f) +
                                     " address, and the rule matches " + rules::FamilyName(f) + " packets only");
      return false;
    }
    return true;
  }

  template <class Emit>
  void Nat(const nft::NatStmt& n, nft::RuleState state, Emit&& emit) {
    if (current_rule_ != nullptr && !NatFamily(n, state, *current_rule_)) return;
    rules::Verdict v;
    v.text = n.text;
    if (n.kind == "snat" || n.kind == "masquerade") {
      // The address must be of the family written, or of the table's.
      if (n.address && n.address->kind != Expr::Kind::kMapLookup && n.address->kind != Expr::Kind::kSelector) {
        const std::string family = !n.family.empty() ? n.family : syntax_.family;
        if (family == "ip" || family == "ip6") {
          std::string error;
          if (!nft::NatAddresses(*n.address, family == "ip" ? Family::kIpv4 : Family::kIpv6, error)) {
            Error(n.address->location, "\"" + nft::Render(*n.address) + "\" is no " +
                                           (family == "ip" ? "IPv4" : "IPv6") + " address (nft refuses it)");
            return;
          }
        }
      }
      v.kind = VerdictKind::kSnat;
      emit(v, state);
      return;
    }
    if (n.family == "ip" || n.family == "ip6") {
      const Family f = n.family == "ip" ? Family::kIpv4 : Family::kIpv6;
      std::erase_if(state.cubes, [&](const rules::Cube& c) { return c.family != f; });
    }
    v.kind = n.kind == "redirect" ? VerdictKind::kRedirect : VerdictKind::kDnat;
    if (n.address && n.address->kind == Expr::Kind::kMapLookup && n.address->items.size() == 2) {
      const std::vector<Expr>* elements = MapElements(n.address->items[1], false);
      if (elements == nullptr) return;
      ForEachElement(n.address->items[0], *elements, state, false, [&](const Expr& value, nft::RuleState& one) {
        // The value: an address, or address . port.
        std::optional<Expr> address = value, port = n.port;
        if (value.kind == Expr::Kind::kConcat && value.items.size() == 2) {
          address = value.items[0];
          port = value.items[1];
        }
        EmitNat(v, address, port, one, emit);
      });
      return;
    }
    if (n.port && n.port->kind == Expr::Kind::kMapLookup && n.port->items.size() == 2) {
      // redirect to :tcp dport map { 83 : 8083 }
      const std::vector<Expr>* elements = MapElements(n.port->items[1], false);
      if (elements == nullptr) return;
      ForEachElement(n.port->items[0], *elements, state, false, [&](const Expr& value, nft::RuleState& one) {
        EmitNat(v, n.address, value, one, emit);
      });
      return;
    }
    EmitNat(v, n.address, n.port, state, emit);
  }

  // Whether every cube holds protocols with ports only (a port translation
  // needs one).
  static bool OnlyPortProtocols(const nft::RuleState& state) {
    static const rules::ProtocolSet kPortful = rules::ProtocolSet::FromIntervals(
        {{6, 6}, {17, 17}, {33, 33}, {132, 132}, {136, 136}});
    return std::all_of(state.cubes.begin(), state.cubes.end(), [](const rules::Cube& c) {
      // `meta l4proto @protos`: the set names the protocols (nft checks its type)
      const bool by_set = std::any_of(c.sets.begin(), c.sets.end(), [](const rules::SetMatch& m) {
        return !m.negated && std::find(m.fields.begin(), m.fields.end(), rules::SetField::kProtocol) != m.fields.end();
      });
      return by_set || c.protocols.Subtract(kPortful).empty();
    });
  }

  // One translation, per family of the rule's cubes (an address is of one).
  template <class Emit>
  void EmitNat(rules::Verdict v, const std::optional<Expr>& address, const std::optional<Expr>& port,
               const nft::RuleState& state, Emit&& emit) {
    if ((address && address->kind == Expr::Kind::kSelector) || (port && port->kind == Expr::Kind::kSelector)) {
      v.kind = VerdictKind::kUnknown;
      v.reason = "a translation to a computed address or port (" + nft::Render(address ? *address : *port) +
                 ") is not modelled";
      return emit(v, state);
    }
    std::string error;
    if (port && !OnlyPortProtocols(state)) {
      Error(current_rule_ != nullptr ? current_rule_->location : port->location,
            "\"" + v.text + "\" translates a port, so the rule must match a transport protocol first (meta l4proto tcp, tcp dport ...): nft refuses it");
      return;
    }
    if (port) {
      std::optional<rules::PortSet> ports = nft::NatPorts(*port, error);
      if (!ports) return Error(port->location, error);
      v.nat.ports = *ports;
    }
    if (!address) return emit(v, state);
    for (Family f : families_) {
      nft::RuleState one;
      one.conditions = state.conditions;
      for (const rules::Cube& c : state.cubes) {
        if (c.family == f) one.cubes.push_back(c);
      }
      if (one.cubes.empty()) continue;
      std::string family_error;
      std::optional<rules::AddressSet> a = nft::NatAddresses(*address, f, family_error);
      if (!a) {
        if (families_.size() == 1 || state.cubes.size() == one.cubes.size()) Error(address->location, family_error);
        continue;  // an inet rule: the address is of the other family
      }
      rules::Verdict vf = v;
      vf.nat.addresses = *a;
      emit(vf, one);
    }
  }

  void ResolveJumps(rules::Table& t) {
    for (rules::Chain& c : t.chains) {
      for (rules::Rule& r : c.rules) {
        if (r.verdict.kind != VerdictKind::kJump && r.verdict.kind != VerdictKind::kGoto) continue;
        const std::string target = r.verdict.reason;
        r.verdict.reason.clear();
        r.verdict.target = t.FindChain(target);
        if (r.verdict.target < 0) {
          Error(r.location, "jump to chain \"" + target + "\", which table " + syntax_.family + " " + syntax_.name +
                                " does not have");
        } else if (t.chains[static_cast<std::size_t>(r.verdict.target)].IsBase()) {
          Error(r.location, "jump to base chain \"" + target + "\" (nft refuses it)");
        }
      }
    }
  }

  const TableSyntax& syntax_;
  rules::Ruleset& rs_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<Family> families_;
  std::set<std::string> updated_sets_;
  std::map<std::string, int> set_index_;
  std::vector<std::pair<std::string, rules::SourceLocation>> jumps_;
  const RuleSyntax* current_rule_ = nullptr;
};

std::string SourceLine(const rules::SourceLocation& at, std::string_view text, const std::string& file_name) {
  if (at.file == file_name) return LineAt(text, at.line);
  std::ifstream in(at.file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return LineAt(ss.str(), at.line);
}

}  // namespace

rules::Ruleset LowerNft(const nft::RulesetSyntax& syntax, const std::string& file_name,
                        std::vector<Diagnostic>& diagnostics) {
  rules::Ruleset rs;
  rs.inputs.push_back(file_name);
  for (const TableSyntax& t : syntax.tables) rs.tables.push_back(TableLowering(t, rs, diagnostics).Run());
  for (const rules::IgnoredLine& line : syntax.ignored) rs.ignored.push_back(line);
  return rs;
}

namespace {

ParseResult Finish(ParseResult r, std::string_view text, const std::string& file_name) {
  for (Diagnostic& d : r.diagnostics) {
    if (d.source_line.empty() && d.location.line > 0) d.source_line = SourceLine(d.location, text, file_name);
  }
  std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });
  return r;
}

}  // namespace

ParseResult ParseNftText(std::string_view text, const std::string& file_name, const NftReadOptions& options) {
  ParseResult r;
  nft::RulesetSyntax syntax = ReadNftText(text, file_name, options, r.diagnostics);
  r.ruleset = LowerNft(syntax, file_name, r.diagnostics);
  return Finish(std::move(r), text, file_name);
}

ParseResult ParseNftJson(std::string_view text, const std::string& file_name) {
  ParseResult r;
  nft::RulesetSyntax syntax = ReadNftJson(text, file_name, r.diagnostics);
  r.ruleset = LowerNft(syntax, file_name, r.diagnostics);
  return Finish(std::move(r), text, file_name);
}

}  // namespace ghostport::parsers
