#include "audit/engine_errors.h"

#include <ostream>

#include "audit/text_escape.h"
#include "parsers/diagnostic.h"

namespace ghostport::audit {

bool ReportEngineErrors(const std::vector<rules::EngineError>& errors, std::ostream& err, const char* what) {
  if (errors.empty()) return false;
  for (const auto& e : errors) {
    parsers::Diagnostic d;
    d.location = e.location;
    if (d.location.column < 1) d.location.column = 1;
    d.message = e.message;
    d.source_line = e.source_line;
    err << parsers::Render(d, EscapeForTerminal);
  }
  err << "ghostport: " << what << ": the ruleset is malformed\n";
  return true;
}

}  // namespace ghostport::audit
