#include "audit/commands/probe_command.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "audit/engine_errors.h"
#include "audit/reports/json_output.h"
#include "audit/text_escape.h"
#include "rules/exposure_entries.h"
#include "rules/probe.h"

namespace ghostport::audit {

namespace {

using nlohmann::ordered_json;

std::optional<std::uint8_t> ParseProtocol(const std::string& s) {
  if (auto named = rules::ProtocolNumber(s)) return named;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size() && v <= 255) return static_cast<std::uint8_t>(v);
  return std::nullopt;
}

std::optional<int> ParsePort(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 65535) return std::nullopt;
  return v;
}

std::optional<std::pair<rules::Family, rules::u128>> ParseAnyAddress(const std::string& s) {
  if (auto v4 = rules::ParseIpv4(s)) return std::make_pair(rules::Family::kIpv4, *v4);
  if (auto v6 = rules::ParseIpv6(s)) return std::make_pair(rules::Family::kIpv6, *v6);
  return std::nullopt;
}

const char* VerdictWord(rules::VerdictKind k) {
  switch (k) {
    case rules::VerdictKind::kAccept: return "accept";
    case rules::VerdictKind::kReject: return "reject";
    default: return "drop";
  }
}

// Where NAT sent the packet: the address when it is one, the port when it
// is one (null otherwise: unchanged, or a range netfilter picks from).
ordered_json TranslationJson(const rules::Packet& p, const rules::Translation& t) {
  ordered_json j;
  j["kind"] = t.kind == rules::VerdictKind::kRedirect ? "redirect" : "dnat";
  j["address"] = nullptr;
  if (t.to_address) {
    auto v = t.to_address->Materialize();
    if (v.intervals().size() == 1 && v.intervals()[0].lo == v.intervals()[0].hi) {
      j["address"] = rules::FormatAddress(p.family, v.intervals()[0].lo);
    } else {
      std::string cidrs;
      for (const auto& c : t.to_address->ToCidrs()) cidrs += (cidrs.empty() ? "" : ",") + rules::FormatCidr(c);
      j["address"] = cidrs;
    }
  }
  j["port"] = nullptr;
  if (t.to_ports && t.to_ports->Min() == t.to_ports->Max()) j["port"] = t.to_ports->Min();
  if (t.to_ports && t.to_ports->Min() != t.to_ports->Max()) j["ports"] = rules::FormatPortSet(*t.to_ports);
  return j;
}

// A packet description that failed to parse: which field, and why.
struct PacketError {
  int field = 0;  // 0-based field index (for batch column numbers)
  std::string message;
};

class Prober {
 public:
  explicit Prober(const LoadedInputs& in)
      : in_(in), ifaces_(rules::InterfaceSpace::FromRuleset(in.ruleset)), covered_(rules::CoveredFamilies(in.ruleset)) {
    // A Windows input is probed in one profile (RunProbe makes sure there is one).
    const std::vector<std::string> profiles = rules::Profiles(in.ruleset);
    const std::string profile = profiles.size() == 1 ? profiles[0] : std::string();
    for (rules::Family f : {rules::Family::kIpv4, rules::Family::kIpv6}) {
      compiled_.push_back(rules::Compile(in.ruleset, f, ifaces_, profile));
    }
  }

  // Builds a packet from textual fields.
  std::optional<rules::Packet> Build(const ProbeRequest& r, PacketError& error) const {
    rules::Packet p;
    std::optional<rules::Family> family;
    if (r.family == "ipv4") family = rules::Family::kIpv4;
    if (r.family == "ipv6") family = rules::Family::kIpv6;
    auto proto = ParseProtocol(r.proto);
    if (!proto) {
      error = {0, "unknown protocol '" + r.proto + "'"};
      return std::nullopt;
    }
    p.protocol = *proto;
    if (rules::HasPorts(p.protocol)) {
      if (!r.port) {
        error = {1, "a port is needed for " + r.proto};
        return std::nullopt;
      }
      p.dport = static_cast<std::uint16_t>(*r.port);
    }
    if (r.sport) p.sport = static_cast<std::uint16_t>(*r.sport);
    if (!r.from.empty()) {
      auto a = ParseAnyAddress(r.from);
      if (!a) {
        error = {2, "bad source address '" + r.from + "'"};
        return std::nullopt;
      }
      if (family && *family != a->first) {
        error = {2, "source address '" + r.from + "' is not " + r.family};
        return std::nullopt;
      }
      family = a->first;
      p.saddr = a->second;
    }
    for (const auto& to : r.to) {
      auto a = ParseAnyAddress(to);
      if (!a) {
        error = {2, "bad destination address '" + to + "'"};
        return std::nullopt;
      }
      if (!family) family = a->first;
      if (a->first == *family) p.daddr = a->second;
    }
    p.family = family.value_or(covered_.empty() ? rules::Family::kIpv4 : covered_.front());
    if (std::find(covered_.begin(), covered_.end(), p.family) == covered_.end()) {
      // A family no input covers is neither open nor closed: no answer.
      std::string have;
      for (rules::Family f : covered_) have += (have.empty() ? "" : " and ") + std::string(rules::FamilyName(f));
      error = {r.from.empty() ? 0 : 2, "the input says nothing about " + std::string(rules::FamilyName(p.family)) +
                                           " packets (it covers " + (have.empty() ? "no family" : have) +
                                           "): give the ruleset for that family too"};
      return std::nullopt;
    }
    p.iif = r.iif;
    return p;
  }

  rules::ProbeResult Run(const rules::Packet& p) const {
    return rules::Probe(compiled_[p.family == rules::Family::kIpv4 ? 0 : 1], p);
  }

  ordered_json Json(const rules::Packet& p, const rules::ProbeResult& r) const {
    const rules::Ruleset& rs = in_.ruleset;
    ordered_json j;
    j["verdict"] = VerdictWord(r.verdict);
    const rules::SourceLocation& loc = rules::LocationOf(rs, r.decided_by);
    j["file"] = loc.file.empty() ? ordered_json(nullptr) : ordered_json(loc.file);
    j["line"] = loc.line;
    j["decided_by"] = rules::Describe(rs, r.decided_by);
    j["decision"] = rules::DecisionKind(r.decided_by);
    j["connects"] = r.connects;
    if (r.handshake != rules::Handshake::kNotApplicable) {
      j["handshake"] = rules::HandshakeName(r.handshake);
      if (r.handshake_blocked_by) {
        const rules::SourceLocation& hl = rules::LocationOf(rs, *r.handshake_blocked_by);
        j["handshake_blocked_by"] = {{"file", hl.file.empty() ? ordered_json(nullptr) : ordered_json(hl.file)},
                                     {"line", hl.line},
                                     {"text", rules::Describe(rs, *r.handshake_blocked_by)}};
      }
    }
    j["path"] = r.forward ? "forward" : "input";
    if (r.translation) j["translated"] = TranslationJson(p, *r.translation);
    j["conditional"] = r.conditional;
    ordered_json conditions = ordered_json::array();
    for (const rules::RuleRef& c : r.conditions) {
      const rules::SourceLocation& cl = rules::RuleAt(rs, c).location;
      conditions.push_back({{"file", cl.file.empty() ? ordered_json(nullptr) : ordered_json(cl.file)},
                            {"line", cl.line},
                            {"text", rules::Describe(rs, rules::Decision{rules::RuleDecision{c}})}});
    }
    j["conditions"] = conditions;
    j["family_covered"] = r.family_covered;
    ordered_json pk;
    pk["family"] = rules::FamilyName(p.family);
    pk["proto"] = rules::ProtocolName(p.protocol);
    pk["port"] = p.dport;
    pk["from"] = p.saddr ? ordered_json(rules::FormatAddress(p.family, *p.saddr)) : ordered_json(nullptr);
    pk["iif"] = p.iif;
    j["packet"] = pk;
    ordered_json trace = ordered_json::array();
    for (const auto& t : r.trace) {
      const rules::SourceLocation& l = rules::LocationOf(rs, t.at);
      trace.push_back({{"file", l.file}, {"line", l.line}, {"event", t.event}});
    }
    j["trace"] = trace;
    return j;
  }

  std::string Text(const rules::Packet& p, const rules::ProbeResult& r) const {
    const rules::Ruleset& rs = in_.ruleset;
    std::ostringstream s;
    s << rules::ProtocolName(p.protocol);
    if (rules::HasPorts(p.protocol)) s << " " << p.dport;
    s << " from " << (p.saddr ? rules::FormatAddress(p.family, *p.saddr) : "any");
    if (!p.iif.empty()) s << " on " << EscapeForTerminal(p.iif);
    s << ": " << VerdictWord(r.verdict) << (r.conditional ? " (conditional)" : "");
    const rules::SourceLocation& loc = rules::LocationOf(rs, r.decided_by);
    s << " by ";
    if (!loc.file.empty()) s << loc.file << ":" << loc.line << ": ";
    s << EscapeForTerminal(rules::Describe(rs, r.decided_by)) << "\n";
    if (const rules::RuleRef* by = rules::DecidingRule(r.decided_by);
        by != nullptr && r.verdict == rules::VerdictKind::kDrop &&
        rules::RuleAt(rs, *by).verdict.kind == rules::VerdictKind::kReject) {
      s << "  a drop to the client: the reject's answer is dropped on its way back\n";
    }
    if (r.translation) {
      ordered_json t = TranslationJson(p, *r.translation);
      s << "  " << (r.translation->kind == rules::VerdictKind::kRedirect ? "redirected to this host" : "forwarded to ")
        << (t["address"].is_null() ? std::string(r.translation->kind == rules::VerdictKind::kRedirect ? "" : "the same address")
                                   : t["address"].get<std::string>())
        << (t["port"].is_null() ? std::string() : " port " + std::to_string(t["port"].get<int>())) << "\n";
    }
    if (r.verdict == rules::VerdictKind::kAccept && !r.connects) {
      s << "  but no connection can be made: the handshake fails (" << rules::HandshakeName(r.handshake) << ")";
      if (r.handshake_blocked_by) {
        const rules::SourceLocation& hl = rules::LocationOf(rs, *r.handshake_blocked_by);
        s << " at ";
        if (!hl.file.empty()) s << hl.file << ":" << hl.line << ": ";
        s << EscapeForTerminal(rules::Describe(rs, *r.handshake_blocked_by));
      }
      s << "\n";
    }
    for (const rules::RuleRef& c : r.conditions) {
      const rules::SourceLocation& cl = rules::RuleAt(rs, c).location;
      s << "  depends on ";
      if (!cl.file.empty()) s << cl.file << ":" << cl.line << ": ";
      s << EscapeForTerminal(rules::Describe(rs, rules::Decision{rules::RuleDecision{c}})) << "\n";
    }
    if (!r.family_covered) s << "  note: the input says nothing about " << rules::FamilyName(p.family) << "\n";
    for (const auto& t : r.trace) {
      const rules::SourceLocation& l = rules::LocationOf(rs, t.at);
      s << "  " << l.file << ":" << l.line << ": " << t.event << "\n";
    }
    return s.str();
  }

 private:
  const LoadedInputs& in_;
  rules::InterfaceSpace ifaces_;
  std::vector<rules::Family> covered_;
  std::vector<rules::CompiledRuleset> compiled_;
};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t t = line.find('\t', pos);
    out.push_back(line.substr(pos, t == std::string::npos ? std::string::npos : t - pos));
    if (t == std::string::npos) break;
    pos = t + 1;
  }
  return out;
}

int Column(const std::vector<std::string>& fields, int index) {
  int col = 1;
  for (int i = 0; i < index && i < static_cast<int>(fields.size()); ++i) col += fields[i].size() + 1;
  return col;
}

int RunBatch(const Prober& prober, const ProbeRequest& req, OutputFormat format, std::ostream& out,
             std::ostream& err) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (req.batch_file != "-") {
    file.open(req.batch_file);
    if (!file) {
      err << req.batch_file << ": error: cannot read the batch file\n";
      return 2;
    }
    in = &file;
  }
  // Read and check every line before answering any: a bad line means no answers.
  std::vector<rules::Packet> packets;
  std::string line;
  int lineno = 0;
  bool bad = false;
  while (std::getline(*in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = SplitTabs(line);
    PacketError e;
    std::optional<rules::Packet> p;
    if (f.size() < 3 || f.size() > 4) {
      e = {0, "expected proto<TAB>port<TAB>source[<TAB>iif]"};
    } else {
      ProbeRequest r = req;
      r.proto = f[0];
      r.port = ParsePort(f[1]);
      r.from = f[2];
      r.iif = f.size() > 3 ? f[3] : "";
      if (!r.port && !f[1].empty() && f[1] != "-") {
        e = {1, "bad port '" + f[1] + "'"};
      } else {
        p = prober.Build(r, e);
      }
    }
    if (!p) {
      err << (req.batch_file == "-" ? "<stdin>" : req.batch_file) << ":" << lineno << ":" << Column(f, e.field) << ": error: " << e.message << "\n"
          << line << "\n"
          << std::string(Column(f, e.field) - 1, ' ') << "^\n";
      bad = true;
      continue;
    }
    packets.push_back(*p);
  }
  if (bad) return 2;
  std::vector<rules::ProbeResult> results;
  for (const auto& p : packets) {
    results.push_back(prober.Run(p));
    if (ReportEngineErrors(results.back().errors, err, "no answers")) return 2;
  }
  for (size_t i = 0; i < packets.size(); ++i) {
    const rules::Packet& p = packets[i];
    const rules::ProbeResult& r = results[i];
    if (format == OutputFormat::kJson) {
      out << JsonText(prober.Json(p, r), -1) << "\n";
    } else {
      out << prober.Text(p, r);
    }
  }
  return 0;
}

}  // namespace

int RunProbe(const LoadedInputs& in, const ProbeRequest& req, OutputFormat format, std::ostream& out,
             std::ostream& err) {
  if (const std::vector<std::string> profiles = rules::Profiles(in.ruleset); profiles.size() > 1) {
    std::string names;
    for (const std::string& p : profiles) names += (names.empty() ? "" : ", ") + p;
    err << "error: a Windows input has a verdict per profile (" << names
        << "): choose one with --profile\n";
    return 2;
  }
  Prober prober(in);
  if (!req.batch_file.empty()) return RunBatch(prober, req, format, out, err);
  PacketError e;
  std::optional<rules::Packet> p = prober.Build(req, e);
  if (!p) {
    err << "error: " << e.message << "\n";
    return 2;
  }
  rules::ProbeResult r = prober.Run(*p);
  if (ReportEngineErrors(r.errors, err, "no answer")) return 2;
  if (format == OutputFormat::kJson) {
    out << JsonText(prober.Json(*p, r), -1) << "\n";
  } else {
    out << prober.Text(*p, r);
  }
  return 0;
}

}  // namespace ghostport::audit
