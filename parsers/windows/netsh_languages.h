// The languages netsh prints `show rule` dumps in (format document §2.6):
// per language, its labels, the value words it translates, and its closing
// "Ok." line. Labels are matched case-insensitively after trimming; English
// labels are accepted in every language (some stay untranslated, such as
// LocalIP in Traditional Chinese). Languages the document knows too little
// of are listed so that a dump in them is refused by name.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ghostport::parsers::windows {

// The fields of a rule block, in the order netsh prints them (§2.4).
enum class NetshField : std::uint8_t {
  kRuleName,
  kDescription,
  kEnabled,
  kDirection,
  kProfiles,
  kGrouping,
  kLocalIp,
  kRemoteIp,
  kProtocol,
  kLocalPort,
  kRemotePort,
  kEdgeTraversal,
  kProgram,
  kService,
  kInterfaceTypes,
  kSecurity,
  kRuleSource,
  kAction,
};

struct NetshLanguage {
  std::string_view name;  // "German"
  bool supported = true;  // false: recognised only to be refused by name
  std::vector<std::pair<NetshField, std::string_view>> labels;
  // Localised value words and the English netsh word each stands for.
  std::vector<std::pair<std::string_view, std::string_view>> values;
  std::vector<std::string_view> ok_lines;  // the dump's last line
};

const NetshLanguage& EnglishNetsh();

// The language whose `Rule Name` label is `label`; null when none is.
const NetshLanguage* NetshLanguageOf(std::string_view label);

// The field `label` names in `language` (or in English); none when unknown.
std::optional<NetshField> NetshFieldOf(const NetshLanguage& language, std::string_view label);

// The English word for a localised value; `value` itself when it has none.
std::string_view NetshEnglish(const NetshLanguage& language, std::string_view value);

// netsh's closing line in any supported language ("Ok.", "OK.", "OK").
bool IsNetshOkLine(std::string_view line);

// The supported languages' names, for messages ("English, German, ...").
std::string_view NetshSupportedLanguages();

}  // namespace ghostport::parsers::windows
