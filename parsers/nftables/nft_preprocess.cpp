#include "parsers/nftables/nft_preprocess.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ghostport::parsers::nft {

namespace {

constexpr int kMaxIncludeDepth = 16;

// Includes and variables: the token stream nft's parser sees.
class Expander {
 public:
  Expander(const NftReadOptions& options, Sources& sources, std::vector<Diagnostic>& diagnostics)
      : options_(options), sources_(sources), diagnostics_(diagnostics) {}

  void Run(std::string_view text, const std::string& file, std::vector<Token>& out) {
    sources_.Add(file, std::string(text));
    stack_.push_back(Canonical(file));
    std::vector<Diagnostic> lex_diagnostics;
    std::vector<Token> tokens = nft::Lex(sources_.Text(file), file, lex_diagnostics);
    for (auto& d : lex_diagnostics) {
      d.source_line = sources_.Line(d.location);
      diagnostics_.push_back(std::move(d));
    }
    bool start = true;
    for (std::size_t i = 0; i < tokens.size() && tokens[i].kind != Token::Kind::kEnd;) {
      const Token& t = tokens[i];
      if (start && t.Is("include")) {
        i = Include(tokens, i, file, out);
        continue;
      }
      if (start && (t.Is("define") || t.Is("redefine"))) {
        i = Define(tokens, i);
        continue;
      }
      if (start && t.Is("undefine")) {
        if (i + 1 < tokens.size()) defines_.erase(tokens[i + 1].text);
        i += 2;
        continue;
      }
      if (t.kind == Token::Kind::kWord && t.text.size() > 1 && t.text.front() == '$') {
        Substitute(t, out, 0);
        start = false;
        ++i;
        continue;
      }
      out.push_back(t);
      start = EndsStatement(t) || t.Is("{") || t.Is("}");
      ++i;
    }
    stack_.pop_back();
  }

 private:
  static std::string Canonical(const std::string& file) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::weakly_canonical(file, ec);
    return ec ? file : p.string();
  }

  void Error(const rules::SourceLocation& at, std::string message) {
    diagnostics_.push_back(MakeDiagnostic(Severity::kError, at, std::move(message), sources_));
  }

  std::size_t SkipToEnd(const std::vector<Token>& tokens, std::size_t i) {
    while (i < tokens.size() && !EndsStatement(tokens[i])) ++i;
    return i;
  }

  std::size_t Define(const std::vector<Token>& tokens, std::size_t i) {
    const Token& keyword = tokens[i];
    ++i;
    if (i >= tokens.size() || tokens[i].kind != Token::Kind::kWord) {
      Error(keyword.location, "define needs a name");
      return SkipToEnd(tokens, i);
    }
    const std::string name = tokens[i].text;
    ++i;
    if (i >= tokens.size() || !tokens[i].Is("=")) {
      Error(tokens[std::min(i, tokens.size() - 1)].location, "expected \"=\" after define " + name);
      return SkipToEnd(tokens, i);
    }
    ++i;
    std::vector<Token> value;
    int depth = 0;
    for (; i < tokens.size() && tokens[i].kind != Token::Kind::kEnd; ++i) {
      const Token& t = tokens[i];
      if (depth == 0 && (t.kind == Token::Kind::kNewline || t.Is(";"))) break;
      if (t.Is("{")) ++depth;
      if (t.Is("}")) --depth;
      if (t.kind == Token::Kind::kNewline) continue;
      if (t.kind == Token::Kind::kWord && t.text.size() > 1 && t.text.front() == '$') {
        Substitute(t, value, 0);  // nested: the value as it stands now
      } else {
        value.push_back(t);
      }
    }
    if (value.empty()) Error(keyword.location, "define " + name + " has no value");
    defines_[name] = std::move(value);
    return i;
  }

  void Substitute(const Token& use, std::vector<Token>& out, int depth) {
    const std::string name = use.text.substr(1);
    auto it = defines_.find(name);
    if (it == defines_.end()) {
      Error(use.location, "undefined variable \"$" + name + "\"");
      Token unknown = use;
      out.push_back(unknown);
      return;
    }
    for (Token t : it->second) {
      t.location = use.location;  // where it is used: the rule's line
      out.push_back(std::move(t));
    }
    (void)depth;
  }

  std::size_t Include(const std::vector<Token>& tokens, std::size_t i, const std::string& file,
                      std::vector<Token>& out) {
    const Token& keyword = tokens[i];
    ++i;
    if (i >= tokens.size() || tokens[i].kind != Token::Kind::kString) {
      Error(keyword.location, "include needs a quoted file name");
      return SkipToEnd(tokens, i);
    }
    const std::string pattern = tokens[i].text;
    const rules::SourceLocation at = tokens[i].location;
    i = SkipToEnd(tokens, i + 1);
    if (static_cast<int>(stack_.size()) >= kMaxIncludeDepth) {
      Error(at, "include nested more than " + std::to_string(kMaxIncludeDepth) + " levels deep");
      return i;
    }
    std::vector<std::string> candidates;
    const std::filesystem::path base = std::filesystem::path(file).parent_path();
    if (!pattern.empty() && pattern.front() == '/') {
      candidates.push_back(pattern);
    } else {
      candidates.push_back((base / pattern).string());
      for (const std::string& dir : options_.include_paths) candidates.push_back((std::filesystem::path(dir) / pattern).string());
    }
    const bool wildcard = pattern.find_first_of("*?[") != std::string::npos;
    for (const std::string& candidate : candidates) {
      std::vector<std::string> files = Glob(candidate);
      if (files.empty()) continue;
      for (const std::string& f : files) {
        const std::string canonical = Canonical(f);
        if (std::find(stack_.begin(), stack_.end(), canonical) != stack_.end()) {
          Error(at, "include cycle: \"" + f + "\" is already being read");
          continue;
        }
        std::ifstream in(f, std::ios::binary);
        if (!in) {
          Error(at, "cannot read included file \"" + f + "\"");
          continue;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        Run(ss.str(), f, out);
        Token nl;
        nl.kind = Token::Kind::kNewline;
        nl.text = "\n";
        nl.location = at;
        out.push_back(nl);
      }
      return i;
    }
    // nft: a wildcard that matches nothing is fine; a plain name must exist.
    if (!wildcard) Error(at, "included file \"" + pattern + "\" not found");
    return i;
  }

  static std::vector<std::string> Glob(const std::string& pattern) {
    std::vector<std::string> out;
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (std::size_t k = 0; k < g.gl_pathc; ++k) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(g.gl_pathv[k], ec)) out.emplace_back(g.gl_pathv[k]);
      }
    }
    ::globfree(&g);
    std::sort(out.begin(), out.end());
    return out;
  }

  const NftReadOptions& options_;
  Sources& sources_;
  std::vector<Diagnostic>& diagnostics_;
  std::map<std::string, std::vector<Token>> defines_;
  std::vector<std::string> stack_;
};


}  // namespace

void Sources::Add(const std::string& file, std::string text) {
  File f;
  f.text = std::make_unique<std::string>(std::move(text));
  f.starts.push_back(0);
  for (std::size_t i = 0; i < f.text->size(); ++i) {
    if ((*f.text)[i] == '\n') f.starts.push_back(i + 1);
  }
  files_[file] = std::move(f);
}

std::string_view Sources::Text(const std::string& file) const {
  auto it = files_.find(file);
  return it == files_.end() ? std::string_view() : std::string_view(*it->second.text);
}

std::string Sources::Line(const rules::SourceLocation& at) const {
  auto it = files_.find(at.file);
  if (it == files_.end() || at.line < 1 || static_cast<std::size_t>(at.line) > it->second.starts.size()) return "";
  const File& f = it->second;
  const std::size_t from = f.starts[static_cast<std::size_t>(at.line) - 1];
  std::size_t to = static_cast<std::size_t>(at.line) < f.starts.size() ? f.starts[static_cast<std::size_t>(at.line)] - 1
                                                                        : f.text->size();
  if (to > from && (*f.text)[to - 1] == '\r') --to;
  return f.text->substr(from, to > from ? to - from : 0);
}

Diagnostic MakeDiagnostic(Severity severity, const rules::SourceLocation& at, std::string message, const Sources& sources) {
  Diagnostic d;
  d.severity = severity;
  d.location = at;
  d.message = std::move(message);
  d.source_line = sources.Line(at);
  return d;
}

bool EndsStatement(const Token& t) {
  return t.kind == Token::Kind::kNewline || t.kind == Token::Kind::kEnd || t.Is(";");
}


std::vector<Token> Preprocess(std::string_view text, const std::string& file, const NftReadOptions& options,
                              Sources& sources, std::vector<Diagnostic>& diagnostics) {
  std::vector<Token> tokens;
  Expander(options, sources, diagnostics).Run(text, file, tokens);
  return tokens;
}

}  // namespace ghostport::parsers::nft
