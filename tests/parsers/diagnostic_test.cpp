#include "parsers/diagnostic.h"

#include <boost/test/unit_test.hpp>

namespace ghostport::parsers {
namespace {

Diagnostic Make(Severity severity, int line, int column, std::string message, std::string source_line) {
  Diagnostic d;
  d.severity = severity;
  d.location = {"f.rules", line, column};
  d.message = std::move(message);
  d.source_line = std::move(source_line);
  return d;
}

BOOST_AUTO_TEST_SUITE(diagnostic)

BOOST_AUTO_TEST_CASE(renders_location_message_source_line_and_caret) {
  Diagnostic d = Make(Severity::kError, 3, 26, "bad port \"99999\"", "-A INPUT -p tcp --dport 99999 -j ACCEPT");
  BOOST_TEST(Render(d) ==
             "f.rules:3:26: error: bad port \"99999\"\n"
             "-A INPUT -p tcp --dport 99999 -j ACCEPT\n"
             "                         ^\n");
}

BOOST_AUTO_TEST_CASE(caret_at_column_one_has_no_padding) {
  Diagnostic d = Make(Severity::kError, 1, 1, "table \"filter\" is not terminated by COMMIT", "*filter");
  BOOST_TEST(Render(d) == "f.rules:1:1: error: table \"filter\" is not terminated by COMMIT\n*filter\n^\n");
}

BOOST_AUTO_TEST_CASE(caret_line_keeps_the_source_lines_tabs) {
  Diagnostic d = Make(Severity::kError, 2, 7, "unknown option \"--x\"", "-A\tIN\t--x");
  BOOST_TEST(Render(d) == "f.rules:2:7: error: unknown option \"--x\"\n-A\tIN\t--x\n  \t  \t^\n");
}

BOOST_AUTO_TEST_CASE(caret_past_the_end_of_the_line_is_padded) {
  Diagnostic d = Make(Severity::kError, 1, 5, "m", "ab");
  BOOST_TEST(Render(d) == "f.rules:1:5: error: m\nab\n    ^\n");
}

BOOST_AUTO_TEST_CASE(severity_words_are_error_warning_and_note) {
  BOOST_TEST(Render(Make(Severity::kWarning, 1, 1, "w", "x")) == "f.rules:1:1: warning: w\nx\n^\n");
  BOOST_TEST(Render(Make(Severity::kNote, 1, 1, "n", "x")) == "f.rules:1:1: note: n\nx\n^\n");
}

BOOST_AUTO_TEST_CASE(location_without_column_has_no_caret) {
  BOOST_TEST(Render(Make(Severity::kError, 4, 0, "m", "src")) == "f.rules:4: error: m\nsrc\n");
}

BOOST_AUTO_TEST_CASE(location_without_line_names_only_the_file) {
  BOOST_TEST(Render(Make(Severity::kError, 0, 0, "cannot read", "")) == "f.rules: error: cannot read\n");
}

BOOST_AUTO_TEST_CASE(has_errors_counts_errors_only) {
  ParseResult r;
  BOOST_TEST(!r.HasErrors());
  r.diagnostics.push_back(Make(Severity::kWarning, 1, 1, "w", ""));
  r.diagnostics.push_back(Make(Severity::kNote, 1, 1, "n", ""));
  BOOST_TEST(!r.HasErrors());
  r.diagnostics.push_back(Make(Severity::kError, 1, 1, "e", ""));
  BOOST_TEST(r.HasErrors());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers
