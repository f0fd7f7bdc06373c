// A strict JSON checker shared by the fuzz entries (front_end_entry.cpp, reader_entries.cpp).
#pragma once

#include <cctype>
#include <string_view>
#include <vector>

namespace licit::fuzz {

// RFC 8259's grammar, exactly (UTF-8 is checked separately), collecting the text of every
// number in document order: the reader fuzzer's reference needs it, as the DOM keeps numbers
// only as binary values while a decimal field takes the number's text exactly ("0.10" and 18
// fraction digits). The front-end fuzzer checks RenderJson's output with it too.
class StrictJson {
 public:
  struct Options {
    int max_depth = 1024;   // deeper documents are refused, and too_deep() says so
    bool exponents = true;  // `1e5`; the diagnostics renderer never writes one, so it refuses them
  };
  StrictJson(std::string_view text, Options options) : text_(text), options_(options) {}

  bool Valid() {
    Space();
    if (!Value(0)) return false;
    Space();
    return pos_ == text_.size();
  }
  bool too_deep() const { return too_deep_; }
  const std::vector<std::string_view>& numbers() const { return numbers_; }

 private:
  bool Value(int depth) {
    if (pos_ >= text_.size()) return false;
    switch (text_[pos_]) {
      case '{': return Container(depth, '}', true);
      case '[': return Container(depth, ']', false);
      case '"': return String();
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return Number();
    }
  }

  bool Container(int depth, char close, bool object) {
    if (depth >= options_.max_depth) {
      too_deep_ = true;
      return false;
    }
    ++pos_;
    Space();
    if (Eat(close)) return true;
    for (;;) {
      if (object) {
        if (pos_ >= text_.size() || text_[pos_] != '"' || !String()) return false;
        Space();
        if (!Eat(':')) return false;
        Space();
      }
      if (!Value(depth + 1)) return false;
      Space();
      if (Eat(close)) return true;
      if (!Eat(',')) return false;
      Space();
    }
  }

  bool String() {
    ++pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      if (e == 'u') {
        for (int i = 0; i < 4; ++i) {
          if (pos_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_++]))) {
            return false;
          }
        }
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return false;
      }
    }
    return false;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool Number() {
    const size_t start = pos_;
    Eat('-');
    if (Eat('0')) {
    } else if (!Digits()) {
      return false;
    }
    if (Eat('.') && !Digits()) return false;
    if (options_.exponents && (Eat('e') || Eat('E'))) {
      if (!Eat('+')) Eat('-');
      if (!Digits()) return false;
    }
    numbers_.push_back(text_.substr(start, pos_ - start));
    return true;
  }

  bool Digits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool Eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void Space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n')) {
      ++pos_;
    }
  }

  std::string_view text_;
  Options options_;
  size_t pos_ = 0;
  bool too_deep_ = false;
  std::vector<std::string_view> numbers_;
};

}  // namespace licit::fuzz
