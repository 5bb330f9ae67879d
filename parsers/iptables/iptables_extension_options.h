// The options of the iptables extensions ghostport reads as conditions or
// as targets that let the packet continue (mark, connlimit, LOG, MARK, ...),
// described the way libxtables describes them (struct xt_option_entry): a
// value type and range, mandatory, invertible, options it excludes or needs.
// The rule parser checks each use against its schema, so that a rule
// iptables-restore refuses for its syntax is refused here too, even where
// the engine does not model what the extension does.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ghostport::parsers::iptables {

enum class XtValue : std::uint8_t {
  kNone,        // a flag: no value
  kUint,        // a number (strtoul base 0) in [min, max]
  kUintRange,   // N, N:M, :M or N: with N <= M, each in [min, max]
  kUintStrictRange,  // N:M with N < M, each in [min, max]
  kMarkMask,    // VALUE[/MASK], 32 bits each
  kString,      // at most `max` bytes
  kChoice,      // one of `choices` (comma-separated, any case), or a number in [min, max] when max > 0
  kChoiceList,  // a comma list of kChoice items
  kProbability, // a decimal in [0, 1]
  kMac,         // six hexadecimal bytes XX:XX:XX:XX:XX:XX
  kProtocol,    // a protocol name or a number in [min, max]
  kPortRange,   // a port (number or service name), N:M with N <= M, :M or N:
  kAny,         // not checked
};

struct XtOption {
  std::string_view name;
  XtValue value = XtValue::kNone;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  bool mandatory = false;
  bool invertible = false;
  std::string_view excludes;  // comma-separated option names it cannot be used with
  std::string_view also;      // comma-separated option names it needs
  std::string_view choices;   // for kChoice and kChoiceList
  bool also_earlier = false;  // `also` must come before it on the line
};

struct XtExtension {
  std::string_view name;
  bool target = false;
  std::span<const XtOption> options;
  // At least one of these options must be given (comma-separated; empty:
  // no such rule), with iptables' message when none is.
  std::string_view one_of;
  const char* one_of_message = nullptr;
  // Options not listed are unknown (iptables refuses them); false for
  // extensions whose options are only partly listed here.
  bool closed = true;
};

// nullptr when ghostport has no schema for the extension (its options are
// then taken as written).
const XtExtension* FindXtExtension(std::string_view name, bool target);

}  // namespace ghostport::parsers::iptables
