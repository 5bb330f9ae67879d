// One finding as JSON (the object `audit --format json` lists), for every
// JSON-writing command (audit, diff).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "audit/findings.h"
#include "audit/source_render.h"

namespace ghostport::audit {

nlohmann::ordered_json FindingJson(const Finding& f, SourceRenderer& sources, const std::string& policy_file);

}  // namespace ghostport::audit
