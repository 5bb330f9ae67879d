#include "tests/kernel/nft_ports.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ghostport::kernel_test {

namespace {

using Tokens = std::vector<std::string>;

// A statement's end: a newline or `;` (both read as ";").
constexpr const char* kEnd = ";";

bool IsPunctuation(char c) { return c == '{' || c == '}' || c == ',' || c == ';'; }

// Words, `{`, `}`, `,` and ";" for each statement end; comments dropped,
// quoted strings kept as one word, `\` line continuations joined. A port
// written against its colon (`22: accept`, `22:accept`) is split from it.
Tokens Tokenize(const std::string& text) {
  Tokens tokens;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    // One colon only: 2001:db8::7 is an address.
    const std::size_t colon = word.find(':');
    if (std::count(word.begin(), word.end(), ':') == 1 && colon > 0 &&
        PortRange(word.substr(0, colon))) {
      tokens.push_back(word.substr(0, colon));
      tokens.emplace_back(":");
      if (colon + 1 < word.size()) tokens.push_back(word.substr(colon + 1));
    } else {
      tokens.push_back(word);
    }
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    } else if (c == '#') {
      flush();
      i = std::min(text.find('\n', i), text.size()) - 1;
    } else if (c == '"') {
      const std::size_t close = std::min(text.find('"', i + 1), text.size());
      word += text.substr(i, close + 1 - i);
      i = close;
    } else if (c == '\n' || IsPunctuation(c)) {
      flush();
      tokens.emplace_back(c == '\n' ? kEnd : std::string(1, c));
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return tokens;
}

// The index of the `}` closing the `{` at `open` (or the end).
std::size_t GroupEnd(const Tokens& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i] == "{") ++depth;
    if (tokens[i] == "}" && --depth == 0) return i;
  }
  return tokens.size();
}

// The index of the statement's end after `from` (a ";" or a `}` outside the
// groups the statement opens), or the end.
std::size_t StatementEnd(const Tokens& tokens, std::size_t from) {
  for (std::size_t i = from; i < tokens.size(); ++i) {
    if (tokens[i] == "{") {
      i = GroupEnd(tokens, i);
    } else if (tokens[i] == kEnd || tokens[i] == "}") {
      return i;
    }
  }
  return tokens.size();
}

bool StartsStatement(const Tokens& tokens, std::size_t i) {
  return i == 0 || tokens[i - 1] == kEnd || tokens[i - 1] == "{" || tokens[i - 1] == "}";
}

// Replaces each `$NAME` by what `define NAME = ...` (or redefine) gave it,
// and drops the defines themselves.
Tokens ExpandDefines(const Tokens& tokens) {
  std::map<std::string, Tokens> defines;
  auto expand = [&defines](const std::string& word, Tokens& out) {
    if (word.find('$') == std::string::npos) {
      out.push_back(word);
      return;
    }
    if (word[0] == '$') {
      if (const auto found = defines.find(word.substr(1)); found != defines.end()) {
        out.insert(out.end(), found->second.begin(), found->second.end());
        return;
      }
    }
    // `$backend:8080`: a one-word value replaced inside the word.
    std::string text = word;
    for (const auto& [name, value] : defines) {
      if (value.size() != 1) continue;
      const std::string use = "$" + name;
      for (std::size_t at = text.find(use); at != std::string::npos; at = text.find(use, at)) {
        const std::size_t after = at + use.size();
        const bool whole = after == text.size() ||
                           (std::isalnum(static_cast<unsigned char>(text[after])) == 0 &&
                            text[after] != '_');
        if (!whole) {
          at = after;
          continue;
        }
        text.replace(at, use.size(), value.front());
        at += value.front().size();
      }
    }
    out.push_back(text);
  };
  Tokens out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const bool define = (tokens[i] == "define" || tokens[i] == "redefine") &&
                        StartsStatement(tokens, i) && i + 2 < tokens.size() && tokens[i + 2] == "=";
    if (!define) {
      expand(tokens[i], out);
      continue;
    }
    const std::size_t end = StatementEnd(tokens, i + 3);
    Tokens value;
    for (std::size_t j = i + 3; j < end; ++j) {
      if (tokens[j] != kEnd) expand(tokens[j], value);
    }
    defines[tokens[i + 1]] = value;
    i = end;
  }
  return out;
}

// The elements of the group `{ ... }` opening at `open`: split at its own
// commas, statement ends dropped.
std::vector<Tokens> Elements(const Tokens& tokens, std::size_t open) {
  const std::size_t close = GroupEnd(tokens, open);
  std::vector<Tokens> elements(1);
  int depth = 0;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (tokens[i] == "{") ++depth;
    if (tokens[i] == "}") --depth;
    if (depth == 0 && tokens[i] == ",") {
      elements.emplace_back();
    } else if (tokens[i] != kEnd) {
      elements.back().push_back(tokens[i]);
    }
  }
  return elements;
}

// An element's key (before its ` : `) or value (after it; none for a set's).
Tokens Key(const Tokens& element) {
  return {element.begin(), std::find(element.begin(), element.end(), ":")};
}

Tokens Value(const Tokens& element) {
  const auto colon = std::find(element.begin(), element.end(), ":");
  return colon == element.end() ? Tokens{} : Tokens{colon + 1, element.end()};
}

void MatchWords(const Tokens& words, NamedPorts& ports) {
  for (const std::string& word : words) {
    const auto range = PortRange(word);
    if (!range) continue;
    if (range->first == range->second) {
      ports.Match(range->first);
    } else {
      ports.MatchRange(range->first, range->second);
    }
  }
}

// The keys of each element of the group at `open`.
void MatchGroupKeys(const Tokens& tokens, std::size_t open, NamedPorts& ports) {
  for (const Tokens& element : Elements(tokens, open)) MatchWords(Key(element), ports);
}

const std::set<std::string> kEquality = {"!=", "==", "eq", "ne", "!"};
const std::set<std::string> kComparison = {"<", ">", "<=", ">=", "lt", "gt", "le", "ge"};

// What follows `dport`/`sport` at `i`.
void MatchValue(const Tokens& tokens, std::size_t i, NamedPorts& ports) {
  bool bound = false;
  for (; i < tokens.size(); ++i) {
    if (kComparison.count(tokens[i]) != 0) {
      bound = true;
    } else if (kEquality.count(tokens[i]) == 0) {
      break;
    }
  }
  if (i < tokens.size() && tokens[i] == ".") {
    // tcp dport . ip saddr { 22 . 10.77.1.5 }: on to the concatenation's values.
    const std::size_t end = StatementEnd(tokens, i);
    while (i < end && tokens[i] != "{" && tokens[i] != "map" && tokens[i] != "vmap") ++i;
  }
  if (i < tokens.size() && (tokens[i] == "map" || tokens[i] == "vmap")) ++i;
  if (i >= tokens.size()) return;
  if (tokens[i] == "{") {
    MatchGroupKeys(tokens, i, ports);
  } else if (const auto range = PortRange(tokens[i])) {
    if (range->first != range->second) {
      ports.MatchRange(range->first, range->second);
    } else if (bound) {
      ports.MatchBound(range->first);
    } else {
      ports.Match(range->first);
    }
  }
}

void TargetWords(const Tokens& words, NamedPorts& ports) {
  for (const std::string& word : words) {
    if (const auto range = PortRange(TranslationPorts(word))) {
      ports.Target(range->first, range->second);
    }
  }
}

// What follows `dnat`/`redirect`/`tproxy` at `i`: past its `to`, the
// target's port, or those of each value of a map there.
void TargetValue(const Tokens& tokens, std::size_t i, NamedPorts& ports) {
  const std::size_t end = StatementEnd(tokens, i);
  const auto to = std::find(tokens.begin() + static_cast<long>(i),
                            tokens.begin() + static_cast<long>(end), "to");
  for (std::size_t j = static_cast<std::size_t>(to - tokens.begin()) + 1; j < end; ++j) {
    if (tokens[j] == "{") {
      for (const Tokens& element : Elements(tokens, j)) TargetWords(Value(element), ports);
      j = GroupEnd(tokens, j);
    } else {
      TargetWords({tokens[j]}, ports);
    }
  }
}

const std::set<std::string> kPortTypes = {"inet_service", "dport", "sport"};

// A named set or map declared with its name at or after `i` (`set NAME {`,
// `map NAME {`; `add set FAMILY TABLE NAME {`): when its type
// names ports, every element's ports are matched. Records its name.
void DeclaredSet(const Tokens& tokens, std::size_t i, std::set<std::string>& port_sets,
                 NamedPorts& ports) {
  const std::size_t open = static_cast<std::size_t>(
      std::find(tokens.begin() + static_cast<long>(i), tokens.end(), "{") - tokens.begin());
  if (open >= tokens.size() || open - i > 3 ||
      std::find(tokens.begin() + static_cast<long>(i), tokens.begin() + static_cast<long>(open),
                kEnd) != tokens.begin() + static_cast<long>(open)) {
    return;
  }
  const std::size_t close = GroupEnd(tokens, open);
  const bool typed = std::any_of(tokens.begin() + static_cast<long>(open),
                                 tokens.begin() + static_cast<long>(close),
                                 [](const std::string& t) { return kPortTypes.count(t) != 0; });
  if (!typed) return;
  port_sets.insert(tokens[open - 1]);
  for (std::size_t j = open; j < close; ++j) {
    if (tokens[j] == "elements" && j + 2 < close && tokens[j + 2] == "{") {
      for (const Tokens& element : Elements(tokens, j + 2)) MatchWords(element, ports);
    }
  }
}

// `add element FAMILY TABLE NAME { ... }` (or `delete`: its ports are named
// all the same) to a set whose type names ports.
void AddedElements(const Tokens& tokens, std::size_t i, const std::set<std::string>& port_sets,
                   NamedPorts& ports) {
  const std::size_t end = StatementEnd(tokens, i);
  for (std::size_t j = i + 1; j < end && j < tokens.size(); ++j) {
    if (tokens[j] != "{") continue;
    if (port_sets.count(tokens[j - 1]) != 0) {
      for (const Tokens& element : Elements(tokens, j)) MatchWords(element, ports);
    }
    return;
  }
}

bool DeclaresSet(const Tokens& tokens, std::size_t i) {
  if (tokens[i] != "set" && tokens[i] != "map") return false;
  if (StartsStatement(tokens, i)) return true;
  return i > 0 && (tokens[i - 1] == "add" || tokens[i - 1] == "create") &&
         StartsStatement(tokens, i - 1);
}

}  // namespace

void FindNftPorts(const std::string& ruleset_text, NamedPorts& ports) {
  const Tokens tokens = ExpandDefines(Tokenize(ruleset_text));
  std::set<std::string> port_sets;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t == "dport" || t == "sport") {
      MatchValue(tokens, i + 1, ports);
    } else if (t == "dnat" || t == "redirect" || t == "tproxy") {
      TargetValue(tokens, i + 1, ports);
    } else if (DeclaresSet(tokens, i)) {
      DeclaredSet(tokens, i + 1, port_sets, ports);
    } else if (t == "element" && i > 0 && StartsStatement(tokens, i - 1)) {
      AddedElements(tokens, i, port_sets, ports);
    }
  }
}

}  // namespace ghostport::kernel_test
