// The ipset front end: `ipset save` / `ipset list -output save` text (ipset
// restore input made of create and add lines) → the sets it describes.
//
// ReadIpset (ipset_reader.h) splits the lines into words; this file gives
// them meaning as ipset 7.17 does: "create NAME TYPE [OPTIONS]" makes a set
// (family, timeout, counters, comment, skbinfo, netmask, range, size, ...),
// "add NAME ELEMENT [OPTIONS]" adds an element (timeout, packets, bytes,
// comment, skb*, nomatch, wildcard, before/after). Each set becomes a
// rules::NamedSet whose elements are value ranges per key component, with
// nomatch elements carved out (ipset_nomatch.h). Bad lines are reported as
// `FILE:LINE:COL: error: ...`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/diagnostic.h"
#include "parsers/ipset/ipset_dump.h"
#include "rules/model.h"

namespace ghostport::parsers {

// Reads one dump into `dump`, after the sets already there (several dumps
// may describe one host; each name is created once, and a dump adds only to
// its own sets). Lines that lower into no set (list:set lines: a -m set on a
// list:set is lowered into matches on its members; elements of a type whose
// contents are not modelled) go to `ignored` with the reason.
void ReadIpsetDump(std::string_view text, const std::string& file_name, IpsetDump& dump,
                   std::vector<Diagnostic>& diagnostics, std::vector<rules::IgnoredLine>& ignored);

// The sets of `dump` as a ruleset's: every set but list:sets, in dump order.
std::vector<rules::NamedSet> IpsetNamedSets(const IpsetDump& dump);

// One dump on its own: a ruleset with the dump's sets and no tables.
ParseResult ParseIpsetSave(std::string_view text, const std::string& file_name);

}  // namespace ghostport::parsers
