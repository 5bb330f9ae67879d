#include "parsers/windows/netsh_rules.h"

#include <optional>
#include <utility>

#include "parsers/windows/netsh_languages.h"
#include "parsers/windows/netsh_lines.h"
#include "parsers/windows/netsh_profiles.h"
#include "parsers/windows/netsh_rule_fields.h"
#include "parsers/windows/netsh_rule_layout.h"
#include "parsers/windows/windows_values.h"

namespace ghostport::parsers::windows {

namespace {

constexpr std::string_view kNoRules = "No rules match the specified criteria.";
constexpr const char* kLanguageNeutral =
    "export the policy with `reg export "
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy fw.reg` or with the "
    "PowerShell script of parsers/windows/README.md, which are language-neutral";

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A line is indented (an ICMP table line) when it starts with a space.
bool IsContinuation(std::string_view line) { return !line.empty() && line.front() == ' '; }

class Reader {
 public:
  Reader(const std::vector<NetshLine>& lines, const std::string& file, WindowsPolicy& policy,
         std::vector<Diagnostic>& diagnostics)
      : lines_(lines), file_(file), policy_(policy), diagnostics_(diagnostics) {}

  void Run() {
    size_t i = 0;
    while (i < lines_.size() && !stopped_) {
      std::string_view text = TrimSpaces(lines_[i].text);
      if (text.empty()) {
        ++i;
      } else if (IsNetshOkLine(text) || text == kNoRules) {
        CloseDump();
        ++i;
      } else if (StartsNetshBlock(lines_, i) && NetshProfileHeader(text) != 0) {
        RequireOk(lines_[i]);
        i = ReadNetshProfileSection(lines_, i, file_, policy_, diagnostics_);
      } else if (StartsNetshBlock(lines_, i)) {
        i = ReadBlock(i);
      } else {
        i = RefuseParagraph(i);
      }
    }
    if (!stopped_ && !lines_.empty()) RequireOk(lines_.back());
  }

 private:
  void Error(const NetshLine& line, std::string_view at, std::string message) {
    diagnostics_.push_back(NetshError(file_, line, at, std::move(message)));
  }

  // The end of one dump: a plain (not verbose) dump does not say which
  // program its rules are bound to.
  void CloseDump() {
    if (dump_open_ && !dump_verbose_) {
      for (size_t r = dump_first_rule_; r < policy_.rules.size(); ++r) {
        WindowsRule& rule = policy_.rules[r];
        rule.unknowns.push_back({"the program and service the rule is bound to",
                                 "the dump is `show rule` without `verbose`, which does not say which program or "
                                 "service a rule is bound to (verbose does); the rule may be narrower",
                                 rule.location});
      }
    }
    dump_open_ = false;
    dump_verbose_ = false;
  }

  // A dump must end with netsh's "Ok.": without it the output was cut off.
  void RequireOk(const NetshLine& at) {
    if (dump_open_) {
      Error(at, {},
            "the netsh dump ends without its closing \"Ok.\" line after the rule of line " +
                std::to_string(policy_.rules.empty() ? 0 : policy_.rules.back().location.line) +
                ": the output is cut off");
    }
    CloseDump();
  }

  size_t RefuseParagraph(size_t i) {
    Error(lines_[i], {},
          "not part of a netsh show rule dump (a \"Rule Name:\" line with a line of 70 hyphens under it, "
          "\"Ok.\", or \"" +
              std::string(kNoRules) + "\"); the lines up to the next empty line are not read");
    while (i < lines_.size() && !TrimSpaces(lines_[i].text).empty()) ++i;
    return i;
  }

  // The language of a block from its first label; refuses (and stops) when
  // it is none this reader reads.
  const NetshLanguage* LanguageOf(const NetshLine& header, std::string_view label) {
    const NetshLanguage* language = NetshLanguageOf(label);
    if (language != nullptr && language->supported) return language;
    const std::string which =
        language != nullptr ? "in " + std::string(language->name)
                            : "in a language this reader does not know (its first label is " + Quoted(label) + ")";
    Error(header, {},
          "a netsh dump " + which + ": this reader reads " + std::string(NetshSupportedLanguages()) +
              " dumps only, since netsh translates labels and values; " + kLanguageNeutral);
    stopped_ = true;
    return nullptr;
  }

  // The label lines of the block whose underline is at `at - 1`, up to an
  // empty line, "Ok." or the next block; `end` is set after them.
  std::vector<NetshEntry> Entries(size_t at, size_t& end) {
    std::vector<NetshEntry> entries;
    size_t i = at;
    for (; i < lines_.size(); ++i) {
      const NetshLine& line = lines_[i];
      if (TrimSpaces(line.text).empty() || IsNetshOkLine(line.text) || StartsNetshBlock(lines_, i)) break;
      if (IsContinuation(line.text) && !entries.empty()) {
        entries.back().continuation.push_back(&line);
        continue;
      }
      size_t colon = line.text.find(':');
      if (colon == std::string_view::npos) {
        Error(line, {}, "not a \"Label: value\" line of a netsh rule block");
        continue;
      }
      entries.push_back(
          {&line, TrimSpaces(line.text.substr(0, colon)), TrimSpaces(line.text.substr(colon + 1)), {}, {}});
    }
    end = i;
    return entries;
  }

  // Fields by label, and (in a localised dump) by position where the label
  // is unknown (§2.6).
  void AssignFields(const NetshLanguage& language, std::vector<NetshEntry>& entries) {
    std::vector<std::optional<NetshField>> fields;
    std::optional<size_t> icmp_table;
    for (const NetshEntry& e : entries) {
      if (!e.continuation.empty()) icmp_table = fields.size();
      fields.push_back(NetshFieldOf(language, e.label));
    }
    if (&language != &EnglishNetsh()) FillFieldsByPosition(fields, icmp_table);
    for (size_t i = 0; i < entries.size(); ++i) entries[i].field = fields[i];
  }

  std::string BlockText(size_t begin, size_t end) const {
    std::string text;
    for (size_t i = begin; i < end; ++i) {
      if (i > begin) text += '\n';
      text += lines_[i].text;
    }
    return text;
  }

  size_t ReadBlock(size_t at) {
    const NetshLine& header = lines_[at];
    size_t colon = header.text.find(':');
    const NetshLanguage* language =
        LanguageOf(header, TrimSpaces(header.text.substr(0, colon == std::string_view::npos ? 0 : colon)));
    if (language == nullptr) return lines_.size();
    size_t end = at + 2;
    std::vector<NetshEntry> entries = Entries(at + 2, end);
    AssignFields(*language, entries);
    const std::string name(TrimSpaces(header.text.substr(colon + 1)));
    if (entries.empty() || entries.back().field != NetshField::kAction) {
      Error(lines_[end - 1], {},
            "the block of the rule " + Quoted(name) + " (line " + std::to_string(header.number) +
                ") ends without its Action line: the netsh output is cut off or altered");
      CloseDump();  // the cut is its one error: no "Ok." error after it
      return end;
    }
    if (!dump_open_) {
      dump_open_ = true;
      dump_first_rule_ = policy_.rules.size();
    }
    WindowsRule rule;
    rule.name = name;
    rule.location = {file_, header.number, 1};
    rule.text = BlockText(at, end);
    NetshRuleContext context{file_, *language, rule, policy_, diagnostics_};
    for (const NetshEntry& e : entries) {
      if (!e.field) {
        KeepUnknownNetshLabel(context, e);
        continue;
      }
      if (IsVerboseOnlyField(*e.field)) dump_verbose_ = true;
      ReadNetshField(context, e);
    }
    policy_.rules.push_back(std::move(rule));
    return end;
  }

  const std::vector<NetshLine>& lines_;
  const std::string& file_;
  WindowsPolicy& policy_;
  std::vector<Diagnostic>& diagnostics_;
  bool stopped_ = false;
  bool dump_open_ = false;     // rules read since the last "Ok."
  bool dump_verbose_ = false;  // the open dump is the verbose form
  size_t dump_first_rule_ = 0;
};

}  // namespace

void ReadNetshRules(std::string_view text, const std::string& file, WindowsPolicy& policy,
                    std::vector<Diagnostic>& diagnostics) {
  const std::vector<NetshLine> lines = SplitNetshLines(text);
  if (policy.first_line.file.empty()) policy.first_line = {file, 1, 1};
  Reader(lines, file, policy, diagnostics).Run();
}

}  // namespace ghostport::parsers::windows
