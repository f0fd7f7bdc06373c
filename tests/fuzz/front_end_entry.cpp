#include "tests/fuzz/front_end_entry.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/pipeline.h"
#include "frontend/sema/checked.h"

namespace licit::fuzz {
namespace {

// The fuzzed text's path. Its directory does not exist, so relative imports fail the same way on
// every machine instead of reading whatever files happen to sit next to the working directory.
constexpr char kFuzzPath[] = "/nonexistent-licit-fuzz/input.licit";

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// A strict JSON (RFC 8259) well-formedness check. Enough to catch an unescaped control character
// or quote from a source snippet, a truncated document, or a stray comma in the renderer.
class JsonValidator {
 public:
  explicit JsonValidator(std::string_view text) : text_(text) {}

  bool Valid() {
    SkipSpace();
    if (!Value(0)) return false;
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  // The renderer nests a handful of levels; a deep document is itself a bug worth reporting.
  static constexpr int kMaxDepth = 64;

  bool Value(int depth) {
    if (depth > kMaxDepth || pos_ >= text_.size()) return false;
    switch (text_[pos_]) {
      case '{': return Object(depth);
      case '[': return Array(depth);
      case '"': return String();
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return Number();
    }
  }

  bool Object(int depth) {
    ++pos_;
    SkipSpace();
    if (Eat('}')) return true;
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"' || !String()) return false;
      SkipSpace();
      if (!Eat(':')) return false;
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Eat('}')) return true;
      if (!Eat(',')) return false;
    }
  }

  bool Array(int depth) {
    ++pos_;
    SkipSpace();
    if (Eat(']')) return true;
    for (;;) {
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Eat(']')) return true;
      if (!Eat(',')) return false;
    }
  }

  bool String() {
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;  // control characters must be escaped
      if (c != '\\') continue;
      if (pos_ >= text_.size()) return false;
      char e = text_[pos_++];
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

  bool Number() {
    size_t start = pos_;
    Eat('-');
    size_t digits = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ == digits) return false;
    if (text_[digits] == '0' && pos_ - digits > 1) return false;  // no leading zeros
    if (Eat('.')) {
      size_t frac = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ == frac) return false;
    }
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

  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::string_view(" \t\r\n").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void CheckInvariants(const SourceManager& sources, const DiagnosticSink& diags,
                     const std::string& json) {
  size_t errors = 0;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::Error) ++errors;
    if (InfoOf(d.kind).code.empty()) Fail("diagnostic without a code", d.message);
    if (d.span.valid()) {
      if (d.span.file >= sources.size()) Fail("span in an unknown file", d.message);
      if (d.span.begin > d.span.end || d.span.end > sources.Get(d.span.file).text().size()) {
        Fail("span outside its file", d.message);
      }
    }
    for (const DiagLabel& l : d.secondary) {
      if (!l.span.valid()) continue;
      if (l.span.file >= sources.size() || l.span.begin > l.span.end ||
          l.span.end > sources.Get(l.span.file).text().size()) {
        Fail("secondary span outside its file", d.message + " / " + l.message);
      }
    }
  }
  if (errors + diags.dropped_errors() != diags.error_count()) {
    Fail("error count disagrees with the diagnostics", "");
  }
  if (diags.all().size() > DiagnosticSink::kMaxStored)
    Fail("more diagnostics kept than the cap", "");
  if (!JsonValidator(json).Valid()) Fail("RenderJson produced malformed JSON", json);
  if (FindInvalidUtf8(json) != std::string_view::npos) {
    Fail("RenderJson produced invalid UTF-8", json);
  }
}

}  // namespace

void RunFrontEnd(std::string_view data) {
  SourceManager sources;
  DiagnosticSink diags;
  // The whole front end: a policy without errors is also lowered and its IR verified, and a
  // verifier problem is a bug.
  frontend::Compiled compiled = frontend::CompileText(sources, kFuzzPath, std::string(data), diags);
  if (compiled.checked == nullptr) Fail("the pipeline returned no checked program", "");
  if (!compiled.internal.empty()) Fail("internal error", compiled.internal.front());
  // Render unsorted and sorted: the CLI sorts, tools embedding the API may not.
  std::string text = RenderAllText(sources, diags, RenderOptions{});
  diags.SortByLocation();
  std::string colored = RenderAllText(sources, diags, RenderOptions{.color = true});
  std::string json = RenderJson(sources, diags);
  CheckInvariants(sources, diags, json);
  if (!diags.all().empty() && (text.empty() || colored.empty())) {
    Fail("diagnostics rendered as empty text", json);
  }
}

}  // namespace licit::fuzz
