#include "parsers/netlink/netlink_rules.h"

#include <map>

#include <libnftnl/chain.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter/nf_tables.h>

#include "parsers/netlink/netlink_expressions.h"
#include "parsers/netlink/netlink_objects.h"
#include "parsers/netlink/netlink_sets.h"

namespace ghostport::parsers::netlink {

namespace {

struct FamilyRow {
  std::uint32_t family;
  std::string_view name;
};

constexpr FamilyRow kFamilies[] = {{NFPROTO_INET, "inet"},     {NFPROTO_IPV4, "ip"},       {NFPROTO_ARP, "arp"},
                                   {NFPROTO_NETDEV, "netdev"}, {NFPROTO_BRIDGE, "bridge"}, {NFPROTO_IPV6, "ip6"}};

struct HookRow {
  std::string_view family;  // "" : ip, ip6, inet and bridge (one numbering)
  std::uint32_t number;
  std::string_view name;
};

constexpr HookRow kHooks[] = {
    {"", NF_INET_PRE_ROUTING, "prerouting"}, {"", NF_INET_LOCAL_IN, "input"},
    {"", NF_INET_FORWARD, "forward"},        {"", NF_INET_LOCAL_OUT, "output"},
    {"", NF_INET_POST_ROUTING, "postrouting"}, {"", NF_INET_INGRESS, "ingress"},
    {"netdev", NF_NETDEV_INGRESS, "ingress"}, {"netdev", NF_NETDEV_EGRESS, "egress"},
    {"arp", NF_ARP_IN, "input"},             {"arp", NF_ARP_OUT, "output"},
    {"arp", NF_ARP_FORWARD, "forward"},
};

std::string HookName(const std::string& family, std::uint32_t number) {
  const std::string_view own = family == "netdev" || family == "arp" ? std::string_view(family) : std::string_view();
  for (const HookRow& h : kHooks) {
    if (h.family == own && h.number == number) return std::string(h.name);
  }
  return "hook" + std::to_string(number);
}

// `live:WHERE` at `line`: the line of nft's listing of that one object
// (`nft -a list chain inet filter input`, `nft list set ...`, `nft list
// table ...`) where it is, so that FILE:LINE reports point somewhere real.
rules::SourceLocation Live(const std::string& where, int line) { return {"live:" + where, line, 0}; }

// `nft list chain` prints the table's line, the chain's, its comment and
// its base-chain line, then one line per rule.
constexpr int kTableLine = 1;
constexpr int kChainLine = 2;

std::string Str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

int OnRuleUdata(const nftnl_udata* attr, void* data) {
  if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT) {
    const auto* p = static_cast<const char*>(nftnl_udata_get(attr));
    std::string comment(p, nftnl_udata_len(attr));
    while (!comment.empty() && comment.back() == '\0') comment.pop_back();
    *static_cast<std::string*>(data) = comment;
  }
  return 0;
}

std::string CommentOf(nftnl_rule* r) {
  if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) return "";
  std::uint32_t len = 0;
  const void* data = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
  std::string comment;
  if (data != nullptr) nftnl_udata_parse(data, len, OnRuleUdata, &comment);
  return comment;
}

int OnChainUdata(const nftnl_udata* attr, void* data) {
  if (nftnl_udata_type(attr) == NFTNL_UDATA_CHAIN_COMMENT) *static_cast<bool*>(data) = true;
  return 0;
}

bool HasComment(nftnl_chain* c) {
  if (!nftnl_chain_is_set(c, NFTNL_CHAIN_USERDATA)) return false;
  std::uint32_t len = 0;
  const void* data = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
  bool found = false;
  if (data != nullptr) nftnl_udata_parse(data, len, OnChainUdata, &found);
  return found;
}

// The line of `nft list chain` before the chain's first rule.
int LastHeaderLine(nftnl_chain* c) {
  return kChainLine + (HasComment(c) ? 1 : 0) + (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) ? 1 : 0);
}

// An nft-style escaped string for a rule's text.
std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

nft::ChainSyntax ChainOf(nftnl_chain* c, const std::string& family, const std::string& where) {
  nft::ChainSyntax out;
  out.name = Str(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
  out.location = Live(where + "/" + out.name, kChainLine);
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_HANDLE)) out.handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
  if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) return out;
  out.hook = HookName(family, nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM));
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE)) out.type = Str(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_PRIO)) {
    out.priority = std::to_string(static_cast<std::int32_t>(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO)));
  }
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY)) {
    out.policy = nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ? "drop" : "accept";
    out.policy_location = out.location;
    out.policy_location.line = LastHeaderLine(c);  // `type filter hook input priority 0; policy drop;`
  }
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV)) {
    out.device = Str(nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
  } else if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEVICES)) {
    std::string devices;
    for (const char* const* d = nftnl_chain_get_array(c, NFTNL_CHAIN_DEVICES); d != nullptr && *d != nullptr; ++d) {
      devices += (devices.empty() ? "" : ", ") + std::string(*d);
    }
    out.device = devices;
  }
  return out;
}

void Locate(nft::Expr& e, const rules::SourceLocation& at) {
  e.location = at;
  for (nft::Expr& i : e.items) Locate(i, at);
}

// Every expression of a rule carries the rule's location.
struct Locator {
  const rules::SourceLocation& at;
  void operator()(nft::Match& m) const {
    Locate(m.left, at);
    Locate(m.right, at);
  }
  void operator()(nft::VmapStmt& v) const {
    Locate(v.key, at);
    Locate(v.map, at);
  }
  void operator()(nft::NatStmt& n) const {
    if (n.address) Locate(*n.address, at);
    if (n.port) Locate(*n.port, at);
  }
  void operator()(nft::VerdictStmt&) const {}
  void operator()(nft::OtherStmt&) const {}
};

nft::RuleSyntax RuleOf(nftnl_rule* r, const RuleContext& ctx, const std::string& where, int line) {
  nft::RuleSyntax out;
  out.statements = DelinearizeRule(r, ctx);
  if (nftnl_rule_is_set(r, NFTNL_RULE_HANDLE)) out.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
  out.comment = CommentOf(r);
  for (const nft::Statement& s : out.statements) out.text += (out.text.empty() ? "" : " ") + nft::Render(s);
  if (!out.comment.empty()) out.text += (out.text.empty() ? "" : " ") + std::string("comment ") + Quoted(out.comment);
  out.location = Live(where + (out.handle ? "#" + std::to_string(*out.handle) : std::string()), line);
  for (nft::Statement& st : out.statements) std::visit(Locator{out.location}, st);
  return out;
}

}  // namespace

std::string FamilyName(std::uint32_t family) {
  for (const FamilyRow& f : kFamilies) {
    if (f.family == family) return std::string(f.name);
  }
  return "family" + std::to_string(family);
}

nft::RulesetSyntax SyntaxOf(const KernelRuleset& kernel) {
  nft::RulesetSyntax out;
  // (family, table) → index in out.tables; (family, table, set) → the set.
  std::map<std::pair<std::string, std::string>, std::size_t> tables;
  std::map<std::tuple<std::string, std::string, std::string>, nftnl_set*> sets;
  for (const TablePtr& t : kernel.tables) {
    nft::TableSyntax table;
    table.family = FamilyName(nftnl_table_get_u32(t.get(), NFTNL_TABLE_FAMILY));
    table.name = Str(nftnl_table_get_str(t.get(), NFTNL_TABLE_NAME));
    table.location = Live(table.family + " " + table.name, kTableLine);
    if (nftnl_table_is_set(t.get(), NFTNL_TABLE_HANDLE)) table.handle = nftnl_table_get_u64(t.get(), NFTNL_TABLE_HANDLE);
    if (nftnl_table_is_set(t.get(), NFTNL_TABLE_FLAGS) &&
        (nftnl_table_get_u32(t.get(), NFTNL_TABLE_FLAGS) & NFT_TABLE_F_DORMANT) != 0) {
      table.flags.push_back("dormant");
    }
    tables[{table.family, table.name}] = out.tables.size();
    out.tables.push_back(std::move(table));
  }
  for (const SetPtr& s : kernel.sets) {
    const std::string family = FamilyName(nftnl_set_get_u32(s.get(), NFTNL_SET_FAMILY));
    const std::string table = Str(nftnl_set_get_str(s.get(), NFTNL_SET_TABLE));
    const std::string name = Str(nftnl_set_get_str(s.get(), NFTNL_SET_NAME));
    sets[{family, table, name}] = s.get();
    auto it = tables.find({family, table});
    if (it == tables.end() || (nftnl_set_get_u32(s.get(), NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS) != 0) continue;
    nft::SetSyntax set = SetSyntaxOf(s.get());
    set.location = Live(family + " " + table + "/@" + name, kChainLine);  // `nft list set`: the set's line
    for (nft::Expr& e : set.elements) e.location = set.location;
    out.tables[it->second].sets.push_back(std::move(set));
  }
  // Objects and flowtables: `nft list counter inet filter c1` lists one at line 2.
  auto add_object = [&](const std::string& family, const std::string& table, nft::ObjectSyntax o) {
    auto it = tables.find({family, table});
    if (it == tables.end()) return;
    o.location = Live(family + " " + table + "/" + o.kind + " " + o.name, kChainLine);
    out.ignored.push_back(IgnoredObject(o));
    out.tables[it->second].objects.push_back(std::move(o));
  };
  for (const ObjectPtr& o : kernel.objects) {
    add_object(FamilyName(nftnl_obj_get_u32(o.get(), NFTNL_OBJ_FAMILY)), Str(nftnl_obj_get_str(o.get(), NFTNL_OBJ_TABLE)),
               ObjectOf(o.get()));
  }
  for (const FlowtablePtr& f : kernel.flowtables) {
    add_object(FamilyName(nftnl_flowtable_get_u32(f.get(), NFTNL_FLOWTABLE_FAMILY)),
               Str(nftnl_flowtable_get_str(f.get(), NFTNL_FLOWTABLE_TABLE)), FlowtableOf(f.get()));
  }
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> chains;
  std::map<std::tuple<std::string, std::string, std::string>, int> last_header_line;
  for (const ChainPtr& c : kernel.chains) {
    const std::string family = FamilyName(nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_FAMILY));
    const std::string table = Str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TABLE));
    auto it = tables.find({family, table});
    if (it == tables.end()) continue;
    nft::ChainSyntax chain = ChainOf(c.get(), family, family + " " + table);
    chains[{family, table, chain.name}] = out.tables[it->second].chains.size();
    last_header_line[{family, table, chain.name}] = LastHeaderLine(c.get());
    out.tables[it->second].chains.push_back(std::move(chain));
  }
  for (const RulePtr& r : kernel.rules) {
    const std::string family = FamilyName(nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY));
    const std::string table = Str(nftnl_rule_get_str(r.get(), NFTNL_RULE_TABLE));
    const std::string chain = Str(nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN));
    auto t = tables.find({family, table});
    auto c = chains.find({family, table, chain});
    if (t == tables.end() || c == chains.end()) continue;
    RuleContext ctx;
    ctx.family = family;
    ctx.find_set = [&sets, family, table](const std::string& name) -> nftnl_set* {
      auto s = sets.find({family, table, name});
      return s == sets.end() ? nullptr : s->second;
    };
    // The kernel lists a chain's rules in order: the next one is the line
    // after the header and the rules before it.
    std::vector<nft::RuleSyntax>& rules = out.tables[t->second].chains[c->second].rules;
    const int line = last_header_line[{family, table, chain}] + static_cast<int>(rules.size()) + 1;
    rules.push_back(RuleOf(r.get(), ctx, family + " " + table + "/" + chain, line));
  }
  return out;
}

}  // namespace ghostport::parsers::netlink
