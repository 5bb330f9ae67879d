// One lowering for every Windows export: a WindowsPolicy becomes one
// table per profile (family "windows", Table::profile set), each with one
// inbound base chain of block-beats-allow semantics (model.h):
// authenticated-bypass allows rank 2, blocks rank 1, allows rank 0, and the
// profile's default inbound action as the chain's policy. Windows'
// semantics, per profile:
// - a disabled rule, an outbound rule, a rule of another profile: nothing
//   (outbound rules are kept as ignored lines with the reason; the stateful
//   filter lets replies to allowed inbound connections out);
// - the firewall off in a profile: the table accepts everything, and the
//   decision says so (FirewallOffDecision);
// - "block all inbound" (BlockInboundAlways, DoNotAllowExceptions): allow
//   rules do nothing in that profile;
// - local merging off (AllowLocalPolicyMerge = 0): rules of the local store
//   do nothing, Group Policy ones do;
// - settings the export does not give: Windows' defaults (firewall on,
//   inbound blocked), stated as an approximation of the table;
// - program and service scope: part of the opening (Rule::application),
//   shown in reports; a block scoped to one program blocks only that
//   program's traffic, which the engine cannot tell apart, so it is an
//   unknown condition (never taken to block everything);
// - keywords: port keywords with documented ports become them (RPC-EPMap is
//   TCP 135) and say so; other keywords are unknown conditions, named.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/windows/windows_policy.h"

namespace ghostport::parsers::windows {

rules::Ruleset LowerWindowsPolicy(const WindowsPolicy& policy);

// A format's reader: fills `policy` from the export, adding a located error
// for anything it cannot read (never skipping it silently). A text format's
// reader gets decoded UTF-8 text; a binary format's (a .wfw hive,
// registry.pol) gets the file's bytes as they are.
using WindowsReader = void (*)(std::string_view text, const std::string& file, WindowsPolicy& policy,
                               std::vector<Diagnostic>& diagnostics);

// What a format's reader takes: text, decoded first (windows_text.h), or
// the bytes themselves.
enum class ReaderInput : std::uint8_t { kDecodedText, kBytes };

struct WindowsFormatReader {
  WindowsReader read = nullptr;
  ReaderInput input = ReaderInput::kDecodedText;
  explicit operator bool() const { return read != nullptr; }
};

// Runs `reader` (on the decoded text, or on the bytes) and lowers the
// policy; with an error, the ruleset is not lowered.
ParseResult ReadWindowsExport(std::string_view bytes, const std::string& file, WindowsFormatReader reader);

// One host's several exports (the rules and the profiles the PowerShell
// script writes apart, a netsh rule dump beside `show allprofiles`): read
// into one policy, lowered once.
struct WindowsInput {
  std::string_view bytes;  // must outlive the call
  std::string file;
  WindowsFormatReader reader;
};
ParseResult ReadWindowsExports(std::span<const WindowsInput> inputs);

}  // namespace ghostport::parsers::windows
