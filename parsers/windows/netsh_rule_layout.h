// The layout of a `show rule` block (format document §2.4): which labels
// follow the underline, in which order, and when each is present. Used to
// read a localised dump positionally where its labels are unknown (§2.6:
// the label order is the same in every language seen).
#pragma once

#include <optional>
#include <vector>

#include "parsers/windows/netsh_languages.h"

namespace ghostport::parsers::windows {

// The label lines of a block after its underline, each with its field when
// the label was recognised. Fills the unrecognised ones from the block
// layouts §2.4 allows (plain or verbose; with ports or an ICMP table after
// Protocol, at `icmp_table` when there is one; with or without Description,
// Program, Service) that have as many lines and agree with every
// recognised label — only when all such layouts agree on the field.
void FillFieldsByPosition(std::vector<std::optional<NetshField>>& fields, std::optional<size_t> icmp_table);

// A field only the verbose form prints and every verbose block has.
bool IsVerboseOnlyField(NetshField field);

}  // namespace ghostport::parsers::windows
