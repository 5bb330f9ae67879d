// One iptables-restore file for both families: lines marked -4 (--ipv4) are
// for iptables only, lines marked -6 (--ipv6) for ip6tables only, the rest
// for both (iptables-restore and ip6tables-restore each skip the other's
// lines). Such a file is read once per family and the two rulesets merged:
// ip tables from the IPv4 reading, ip6 tables from the IPv6 one.
#pragma once

#include <string>

#include "parsers/diagnostic.h"
#include "parsers/iptables/iptables_reader.h"
#include "parsers/ipset/ipset_dump.h"

namespace ghostport::parsers {

// Whether any command line of the file is marked -4/-6 (--ipv4/--ipv6).
bool HasFamilyMarks(const IptablesFile& file);

// Both readings merged. A line marked for one family is lowered in that
// family's tables and not listed as ignored; a diagnostic both readings
// give (a line for both families) is reported once; one reading's own
// diagnostics (an IPv4 address on an unmarked line, refused by
// ip6tables-restore) are reported as that reading gives them. A note at the
// first marked line says the file was read for both families.
ParseResult LowerDualStack(const IptablesFile& file, const std::string& file_name, const IpsetDump* ipsets);

}  // namespace ghostport::parsers
