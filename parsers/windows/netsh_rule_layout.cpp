#include "parsers/windows/netsh_rule_layout.h"

#include <algorithm>

namespace ghostport::parsers::windows {

namespace {

using F = NetshField;

std::vector<F> Layout(bool verbose, bool ports, bool description, bool program, bool service) {
  std::vector<F> out;
  if (description) out.push_back(F::kDescription);
  for (F f : {F::kEnabled, F::kDirection, F::kProfiles, F::kGrouping, F::kLocalIp, F::kRemoteIp, F::kProtocol}) {
    out.push_back(f);
  }
  if (ports) {
    out.push_back(F::kLocalPort);
    out.push_back(F::kRemotePort);
  }
  out.push_back(F::kEdgeTraversal);
  if (verbose) {
    if (program) out.push_back(F::kProgram);
    if (service) out.push_back(F::kService);
    for (F f : {F::kInterfaceTypes, F::kSecurity, F::kRuleSource}) out.push_back(f);
  }
  out.push_back(F::kAction);
  return out;
}

// Every layout §2.4 allows: the plain form has no description, program or
// service line.
std::vector<std::vector<F>> Layouts() {
  std::vector<std::vector<F>> out;
  for (bool ports : {false, true}) {
    out.push_back(Layout(false, ports, false, false, false));
    for (int optional = 0; optional < 8; ++optional) {
      out.push_back(Layout(true, ports, optional & 1, optional & 2, optional & 4));
    }
  }
  return out;
}

bool Fits(const std::vector<F>& layout, const std::vector<std::optional<F>>& fields, std::optional<size_t> icmp_table) {
  if (layout.size() != fields.size()) return false;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] && *fields[i] != layout[i]) return false;
  }
  if (!icmp_table) return true;
  return layout[*icmp_table] == F::kProtocol && std::find(layout.begin(), layout.end(), F::kLocalPort) == layout.end();
}

}  // namespace

void FillFieldsByPosition(std::vector<std::optional<NetshField>>& fields, std::optional<size_t> icmp_table) {
  static const std::vector<std::vector<F>> kLayouts = Layouts();
  std::optional<std::vector<F>> chosen;
  for (const std::vector<F>& layout : kLayouts) {
    if (!Fits(layout, fields, icmp_table)) continue;
    if (!chosen) {
      chosen = layout;
      continue;
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!fields[i] && (*chosen)[i] != layout[i]) return;  // two layouts disagree: no guess
    }
  }
  if (!chosen) return;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!fields[i]) fields[i] = (*chosen)[i];
  }
}

bool IsVerboseOnlyField(NetshField field) {
  return field == F::kInterfaceTypes || field == F::kSecurity || field == F::kRuleSource;
}

}  // namespace ghostport::parsers::windows
