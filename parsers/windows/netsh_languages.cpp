#include "parsers/windows/netsh_languages.h"

#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

using F = NetshField;

// Every entry is from the table of §2.6 of the format document
// (/work/shared/formats/windows-firewall.md); cells it leaves empty are not
// guessed. German "Aus" for Out and "Block" left in English are each from
// one source (§11 item 11).
const std::vector<NetshLanguage>& Languages() {
  static const std::vector<NetshLanguage> kLanguages = {
      {"English",
       true,
       {{F::kRuleName, "Rule Name"},
        {F::kDescription, "Description"},
        {F::kEnabled, "Enabled"},
        {F::kDirection, "Direction"},
        {F::kProfiles, "Profiles"},
        {F::kGrouping, "Grouping"},
        {F::kLocalIp, "LocalIP"},
        {F::kRemoteIp, "RemoteIP"},
        {F::kProtocol, "Protocol"},
        {F::kLocalPort, "LocalPort"},
        {F::kRemotePort, "RemotePort"},
        {F::kEdgeTraversal, "Edge traversal"},
        {F::kProgram, "Program"},
        {F::kService, "Service"},
        {F::kInterfaceTypes, "InterfaceTypes"},
        {F::kSecurity, "Security"},
        {F::kRuleSource, "Rule source"},
        {F::kAction, "Action"}},
       {},
       {"Ok."}},
      {"German",
       true,
       {{F::kRuleName, "Regelname"},
        {F::kDescription, "Beschreibung"},
        {F::kEnabled, "Aktiviert"},
        {F::kDirection, "Richtung"},
        {F::kProfiles, "Profile"},
        {F::kGrouping, "Gruppierung"},
        {F::kLocalIp, "Lokale IP"},
        {F::kLocalIp, "LokaleIP"},
        {F::kRemoteIp, "Remote-IP"},
        {F::kProtocol, "Protokoll"},
        {F::kLocalPort, "Lokaler Port"},
        {F::kRemotePort, "Remoteport"},
        {F::kEdgeTraversal, "Edgeausnahme"},
        {F::kProgram, "Programm"},
        {F::kService, "Dienst"},
        {F::kInterfaceTypes, "Schnittstellentypen"},
        {F::kSecurity, "Sicherheit"},
        {F::kRuleSource, "Regelquelle"},
        {F::kAction, "Aktion"}},
       {{"Ja", "Yes"},
        {"Eingehend", "In"},
        {"Aus", "Out"},
        {"Domäne", "Domain"},
        {"Privat", "Private"},
        {"Öffentlich", "Public"},
        {"Benutzer zurückstellen", "Defer to user"},
        {"Nicht erforderlich", "NotRequired"},
        {"Lokale Einstellung", "Local Setting"},
        {"Zulassen", "Allow"}},
       {"OK."}},
      {"French",
       true,
       {{F::kRuleName, "Nom de la règle"},
        {F::kDescription, "Description"},
        {F::kEnabled, "Activé"},
        {F::kDirection, "Sens"},
        {F::kProfiles, "Profils"},
        {F::kGrouping, "Groupement"},
        {F::kLocalIp, "IP locale"},
        {F::kRemoteIp, "IP distante"},
        {F::kProtocol, "Protocole"},
        {F::kAction, "Action"}},
       {{"Oui", "Yes"},
        {"Entrée", "In"},
        {"Domaine", "Domain"},
        {"Privé", "Private"},
        {"Public", "Public"},
        {"Bloquer", "Block"}},
       {"Ok."}},
      {"Spanish",
       true,
       {{F::kRuleName, "Nombre de regla"},
        {F::kDirection, "Dirección"},
        {F::kRemoteIp, "IP remotas"},
        {F::kProgram, "Programa"}},
       {},
       {"Ok."}},
      {"Japanese",
       true,
       {{F::kRuleName, "規則名"},
        {F::kEnabled, "有効"},
        {F::kDirection, "方向"},
        {F::kProtocol, "プロトコル"},
        {F::kLocalPort, "ローカル ポート"},
        {F::kProgram, "プログラム"},
        {F::kInterfaceTypes, "インターフェイスの種類"},
        {F::kSecurity, "セキュリティ"},
        {F::kAction, "操作"}},
       {{"はい", "Yes"}, {"いいえ", "No"}, {"入力", "In"}, {"許可", "Allow"}},
       {"OK"}},
      // Too little is known of these (§2.6) to read a dump; recognised by
      // their Rule Name label so that the refusal names them.
      {"Traditional Chinese", false, {{F::kRuleName, "規則名稱"}}, {}, {}},
      {"Simplified Chinese", false, {{F::kRuleName, "规则名称"}}, {}, {}},
  };
  return kLanguages;
}

}  // namespace

const NetshLanguage& EnglishNetsh() { return Languages().front(); }

const NetshLanguage* NetshLanguageOf(std::string_view label) {
  label = TrimSpaces(label);
  for (const NetshLanguage& language : Languages()) {
    for (const auto& [field, text] : language.labels) {
      if (field == NetshField::kRuleName && SameWord(text, label)) return &language;
    }
  }
  return nullptr;
}

std::optional<NetshField> NetshFieldOf(const NetshLanguage& language, std::string_view label) {
  label = TrimSpaces(label);
  for (const NetshLanguage* l : {&language, &EnglishNetsh()}) {
    for (const auto& [field, text] : l->labels) {
      if (SameWord(text, label)) return field;
    }
  }
  return std::nullopt;
}

std::string_view NetshEnglish(const NetshLanguage& language, std::string_view value) {
  for (const auto& [local, english] : language.values) {
    if (SameWord(local, value)) return english;
  }
  return value;
}

bool IsNetshOkLine(std::string_view line) {
  line = TrimSpaces(line);
  for (const NetshLanguage& language : Languages()) {
    for (std::string_view ok : language.ok_lines) {
      if (line == ok) return true;
    }
  }
  return false;
}

std::string_view NetshSupportedLanguages() { return "English, German, French, Spanish and Japanese"; }

}  // namespace ghostport::parsers::windows
