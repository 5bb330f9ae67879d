// Every JSON document ghostport prints goes through here: bytes of the
// input that are no UTF-8 become U+FFFD (nlohmann would throw on them), and
// invisible characters (C1 and bidi controls) are written as \uXXXX.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ghostport::audit {

// `indent` as nlohmann's dump takes it (-1: one line).
std::string JsonText(const nlohmann::ordered_json& doc, int indent);
std::string JsonText(const nlohmann::json& doc, int indent);

}  // namespace ghostport::audit
