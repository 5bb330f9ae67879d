#include "audit/reports/json_output.h"

#include "audit/text_escape.h"

namespace ghostport::audit {

std::string JsonText(const nlohmann::ordered_json& doc, int indent) {
  return EscapeInvisibleInJson(doc.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

std::string JsonText(const nlohmann::json& doc, int indent) {
  return EscapeInvisibleInJson(doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace ghostport::audit
