#include "parsers/nftables/nft_lexer.h"

#include <algorithm>
#include <cctype>

namespace ghostport::parsers::nft {

namespace {

bool IsSymbolChar(char c) {
  switch (c) {
    case '{': case '}': case '(': case ')': case ';': case ',': case '=': case '|':
    case '&': case '^': case '!': case '<': case '>': case '"':
      return true;
    default:
      return false;
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file, std::vector<Diagnostic>& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics) {}

  std::vector<Token> Run() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (IsSpace(c)) {
        Advance();
      } else if (c == '\n') {
        Emit(Token::Kind::kNewline, "\n", line_, col_);
        Advance();
      } else if (c == '\\' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '\n' || text_[pos_ + 1] == '\r')) {
        Advance();  // a continued line
        if (text_[pos_] == '\r') Advance();
        if (pos_ < text_.size() && text_[pos_] == '\n') Advance();
      } else if (c == '#') {
        Comment();
      } else if (c == '"') {
        String();
      } else if (IsSymbolChar(c)) {
        Symbol();
      } else {
        Word();
      }
    }
    Emit(Token::Kind::kEnd, "", line_, col_);
    return std::move(tokens_);
  }

 private:
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  void Emit(Token::Kind kind, std::string text, int line, int col) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.location = {file_, line, col};
    tokens_.push_back(std::move(t));
  }

  void Comment() {
    const int line = line_, col = col_;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
    std::string_view body = text_.substr(start + 1, pos_ - start - 1);
    while (!body.empty() && IsSpace(body.front())) body.remove_prefix(1);
    while (!body.empty() && IsSpace(body.back())) body.remove_suffix(1);
    constexpr std::string_view kHandle = "handle ";
    if (body.substr(0, kHandle.size()) == kHandle) {
      std::string_view n = body.substr(kHandle.size());
      if (!n.empty() && std::all_of(n.begin(), n.end(), [](char d) { return std::isdigit(static_cast<unsigned char>(d)) != 0; })) {
        Emit(Token::Kind::kHandle, std::string(n), line, col);
      }
    }
  }

  void String() {
    const int line = line_, col = col_;
    Advance();  // the opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') Advance();
      out += text_[pos_];
      Advance();
    }
    if (pos_ < text_.size() && text_[pos_] == '"') {
      Advance();
    } else {
      Diagnostic d;
      d.location = {file_, line, col};
      d.message = "unterminated string";
      d.source_line = LineAt(text_, line);
      diagnostics_.push_back(std::move(d));
    }
    Emit(Token::Kind::kString, std::move(out), line, col);
  }

  void Symbol() {
    const int line = line_, col = col_;
    const char c = text_[pos_];
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    std::string s(1, c);
    if ((c == '=' && next == '=') || (c == '!' && next == '=') || (c == '<' && (next == '=' || next == '<')) ||
        (c == '>' && (next == '=' || next == '>'))) {
      s += next;
      Advance();
    }
    Advance();
    Emit(Token::Kind::kSymbol, std::move(s), line, col);
  }

  void Word() {
    const int line = line_, col = col_;
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (IsSpace(c) || c == '\n' || c == '#') break;
      if (IsSymbolChar(c)) break;
      if (c == '[') {  // [2001:db8::1]:8080: the brackets belong to the word
        while (pos_ < text_.size() && text_[pos_] != ']' && text_[pos_] != '\n') {
          out += text_[pos_];
          Advance();
        }
        if (pos_ < text_.size() && text_[pos_] == ']') {
          out += ']';
          Advance();
        }
        continue;
      }
      out += c;
      Advance();
    }
    Emit(Token::Kind::kWord, std::move(out), line, col);
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::vector<Token> Lex(std::string_view text, const std::string& file_name, std::vector<Diagnostic>& diagnostics) {
  return Lexer(text, file_name, diagnostics).Run();
}

}  // namespace ghostport::parsers::nft
