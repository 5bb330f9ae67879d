// The export decoder every Windows text reader goes through: UTF-16 with a
// byte-order mark either way, UTF-8 with or without one; a truncated
// UTF-16 export and bytes that are neither are refused with the place where
// decoding failed, never read in part.
#include <boost/test/unit_test.hpp>

#include <string>

#include "parsers/diagnostic.h"
#include "parsers/input_format.h"
#include "parsers/windows/windows_text.h"

namespace ghostport::parsers::windows {
namespace {

std::string Utf16Le(const std::string& ascii) {
  std::string out = "\xff\xfe";
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(windows_text)

BOOST_AUTO_TEST_CASE(utf16_either_way_and_utf8_with_or_without_a_mark_decode_alike) {
  const std::string text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n";
  std::string be = "\xfe\xff";
  for (char c : text) {
    be += '\0';
    be += c;
  }
  for (const std::string& bytes : {Utf16Le(text), be, "\xef\xbb\xbf" + text, text}) {
    DecodedText d = DecodeExport(bytes, "f.reg");
    BOOST_TEST(!d.error.has_value());
    BOOST_TEST(d.utf8 == text);
  }
  // Non-ASCII survives: "Domäne" in UTF-16LE.
  DecodedText umlaut = DecodeExport(std::string("\xff\xfe" "D\0o\0m\0\xe4\0n\0e\0", 14), "f.txt");
  BOOST_TEST(umlaut.utf8 == "Dom\xc3\xa4ne");
}

BOOST_AUTO_TEST_CASE(a_truncated_utf16_export_is_refused_where_it_ends) {
  std::string bytes = Utf16Le("line one\r\nline two");
  bytes.pop_back();  // half a character
  DecodedText d = DecodeExport(bytes, "rules.reg");
  BOOST_TEST_REQUIRE(d.error.has_value());
  BOOST_TEST(d.error->location.line == 1);
  BOOST_TEST(d.error->message.find("truncated") != std::string::npos, d.error->message);
  // A lone surrogate: invalid UTF-16, at its line and column.
  DecodedText s = DecodeExport(Utf16Le("ok\r\nab") + std::string("\x00\xdc", 2), "rules.reg");
  BOOST_TEST_REQUIRE(s.error.has_value());
  BOOST_TEST(Render(*s.error) == "rules.reg:2:3: error: invalid UTF-16: a low surrogate without its high surrogate\nab\n  ^\n");
}

BOOST_AUTO_TEST_CASE(bytes_that_are_neither_utf8_nor_utf16_are_refused_with_their_place) {
  DecodedText d = DecodeExport("Rule Name: ok\nRule Name: caf\xe9 bar\n", "netsh.txt");
  BOOST_TEST_REQUIRE(d.error.has_value());
  BOOST_TEST(Render(*d.error) ==
             "netsh.txt:2:15: error: the export is neither UTF-8 nor UTF-16 with a byte-order mark (byte 0xe9 here); "
             "save it as UTF-8 or UTF-16\nRule Name: caf\n              ^\n");
  // Through the front end: an error, no policy.
  ParseResult r = ParseInput("Rule Name: caf\xe9\n", "netsh.txt", InputFormat::kNetsh);
  BOOST_TEST(r.HasErrors());
  BOOST_TEST(r.ruleset.tables.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace ghostport::parsers::windows
