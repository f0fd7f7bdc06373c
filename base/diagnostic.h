// Diagnostics: mistakes in policy source, reported as data (never exceptions), rendered as
// rustc-style text or JSON. The kinds and their stable codes live in diagnostic_kinds.def.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"  // JsonQuote, used by every JSON renderer
#include "base/source.h"

namespace licit {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagKind : uint16_t {
#define LICIT_DIAG(name, code, severity, title) name,
#include "base/diagnostic_kinds.def"
#undef LICIT_DIAG
  kCount
};

struct DiagKindInfo {
  std::string_view name;  // "UnknownName"
  std::string_view code;  // "E0301"
  Severity severity;
  std::string_view title;  // "unknown name"
};

const DiagKindInfo& InfoOf(DiagKind kind);
// Every kind, in registry order.
std::vector<DiagKind> AllDiagKinds();
std::string_view SeverityName(Severity s);

// A secondary location shown beside the primary one ("first declared here").
struct DiagLabel {
  Span span;
  std::string message;
};

struct Diagnostic {
  DiagKind kind = DiagKind::SyntaxError;
  Severity severity = Severity::Error;
  Span span;            // the primary location; the caret run goes under it
  std::string message;  // the headline, specific to this occurrence
  std::string label;    // text printed after the carets (may be empty)
  std::vector<DiagLabel> secondary;
  std::vector<std::string> help;   // "help: did you mean `GB` (United Kingdom)?"
  std::vector<std::string> notes;  // "note: ..."

  // Fluent helpers so reporting code stays one statement.
  Diagnostic& Label(std::string text) {
    label = std::move(text);
    return *this;
  }
  Diagnostic& Also(Span s, std::string text) {
    secondary.push_back({s, std::move(text)});
    return *this;
  }
  Diagnostic& Help(std::string text) {
    help.push_back(std::move(text));
    return *this;
  }
  Diagnostic& Note(std::string text) {
    notes.push_back(std::move(text));
    return *this;
  }
};

// Collects the diagnostics of one compilation, in the order found.
class DiagnosticSink {
 public:
  // Hostile input (random bytes after a header, a generated file full of one mistake) can yield
  // tens of thousands of diagnostics; past this many only the counts are kept, so rendering
  // stays fast and the author sees the first ones, which are the useful ones.
  static constexpr size_t kMaxStored = 500;

  // Records a diagnostic of `kind` (its severity comes from the registry) and returns it so the
  // caller can add labels and help. The reference stays valid until the next Report. Past
  // kMaxStored the diagnostic is counted but not kept (the returned one is discarded).
  Diagnostic& Report(DiagKind kind, Span span, std::string message);

  // The diagnostics kept (at most kMaxStored).
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  // Totals, including diagnostics that were counted but not kept.
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  bool has_errors() const { return errors_ > 0; }
  size_t dropped_count() const { return dropped_errors_ + dropped_warnings_; }
  size_t dropped_errors() const { return dropped_errors_; }
  size_t dropped_warnings() const { return dropped_warnings_; }
  // Orders diagnostics by file, then position, keeping report order for ties.
  void SortByLocation();
  // Appends `other`'s diagnostics (kept and counted) after this sink's, as if they had been
  // reported here in the same order (for work done on the side and kept only when it succeeds).
  void Absorb(DiagnosticSink&& other);

 private:
  std::vector<Diagnostic> diagnostics_;
  Diagnostic discarded_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t dropped_errors_ = 0;
  size_t dropped_warnings_ = 0;
};

struct RenderOptions {
  bool color = false;
};

// rustc-style text: "error[E0301]: unknown name `x`", "  --> file:3:7", the source line with a
// caret run, secondary labels, then help and note lines. Ends with a summary line when asked.
std::string RenderText(const SourceManager& sources, const Diagnostic& d,
                       const RenderOptions& opts);
std::string RenderAllText(const SourceManager& sources, const std::vector<Diagnostic>& ds,
                          const RenderOptions& opts);
// The same for a whole sink: says how many diagnostics were not kept, and the summary counts
// every diagnostic reported.
std::string RenderAllText(const SourceManager& sources, const DiagnosticSink& sink,
                          const RenderOptions& opts);
// One JSON document: {"diagnostics": [...], "errors": N, "warnings": N}.
std::string RenderJson(const SourceManager& sources, const std::vector<Diagnostic>& ds);
// The same for a whole sink; "errors"/"warnings" count everything and "not_shown" says how many
// were not kept.
std::string RenderJson(const SourceManager& sources, const DiagnosticSink& sink);

}  // namespace licit
