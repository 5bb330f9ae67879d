// What a finding says of the port's present use and of sensitive services:
// the catalog's second judgement (catalog/present_state.h), condensed for
// findings, and the severity it implies (findings.h, "Severity").
#pragma once

#include <string>
#include <vector>

#include "catalog/lifecycle.h"
#include "catalog/sensitive.h"

namespace ghostport::audit {

enum class Severity;
enum class FindingClass : std::uint8_t;

// The port's unofficial uses that are about this port (range-wide ones left
// out), most specific first, each software once: a text that only extends
// another's ("... server query" after "... server") is left out too.
std::vector<const catalog::UnofficialUse*> SpecificUses(const catalog::PortFacts& facts);

// "port widely used by Oracle Database (Oracle Net listener)" for a port
// whose present use has medium or high weight; "" otherwise.
std::string PresentNote(const catalog::PortFacts& facts);

// Whether present use lowers a class's severity (the registration classes).
bool PresentUseLowers(FindingClass c);

// `severity` lowered for a finding all of whose ports are in use today:
// info when every port has high-weight evidence, at most low when every port
// has medium or high.
Severity PresentCap(Severity severity, bool all_high, bool all_used);

// "Elasticsearch HTTP API: An exposed ... (source: title <url>)" for the
// sensitive entries on the port.
std::string SensitiveText(const std::vector<const catalog::SensitiveService*>& entries);

}  // namespace ghostport::audit
