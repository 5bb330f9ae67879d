// Internals of the HTML report, shared by report_html.cpp (the document) and
// report_html_svg.cpp (the picture of the port space): escaping, and how one
// open (port, transport) is classified for the picture and the tables.
// Not a public interface: WriteHtmlReport in report.h is.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/policy.h"
#include "audit/reports/report.h"
#include "catalog/registry.h"

namespace ghostport::audit::html {

// Text for HTML element content and double- or single-quoted attribute
// values: & < > " ' as character references, control characters (but tab and
// newline) as a visible \xNN, invalid UTF-8 as U+FFFD. Everything that comes
// from an input, a policy or the command line goes through it.
std::string Escape(std::string_view s);
// <code class="rule"> of a rule's text, wrapping between tokens only.
std::string RuleCode(std::string_view text);

// How one open (port, transport) is drawn and counted. A port with several
// classes shows the first in this order (worst first); kOpenAll is a chain
// policy or a missing filter that opens the port, kJustified an alive
// registration or a port the policy assigns.
enum class PortMark : std::uint8_t {
  kSensitive,
  kDead,
  kMalware,
  kUnofficial,
  kDormant,
  kUnknown,
  kReserved,
  kUnassigned,
  kDynamic,
  kOpenAll,
  kJustified,
};
inline constexpr int kPortMarkCount = 11;

struct PortMarkStyle {
  const char* id;      // CSS class suffix: "dead", "malware-associated", ...
  const char* label;   // legend text
  const char* colour;  // fill
};
const PortMarkStyle& StyleOf(PortMark m);

// "1 port", "3 ports".
std::string Plural(std::size_t n, const char* one, const char* many);

// The catalog's class of each (port, transport) a rule opens, judged as
// findings.cpp judges it (the policy's assignments first, then the registry's
// status and lifecycle, then unofficial uses and malware lists), computed once
// per port.
class PortMarks {
 public:
  explicit PortMarks(const Policy* policy) : classes_(policy) {}
  PortMark At(std::uint16_t port, catalog::Transport t);

 private:
  PortClassifier classes_;  // the findings' own classification
};

// The picture: one band per transport over 0-65535, each opening a segment
// coloured by its PortMark, a legend, a <title> tooltip per segment, and an
// accessible name and description.
void WritePortSpaceSvg(const AuditReport& report, PortMarks& marks, std::ostream& out);

}  // namespace ghostport::audit::html
