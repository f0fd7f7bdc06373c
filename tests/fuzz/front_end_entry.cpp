#include "tests/fuzz/front_end_entry.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/pipeline.h"
#include "frontend/sema/checked.h"
#include "frontend/syntax/ast.h"
#include "frontend/syntax/format.h"
#include "frontend/syntax/parse.h"
#include "tests/fuzz/strict_json.h"
#include "tests/unit/frontend/scanner_differential.h"

namespace licit::fuzz {
namespace {

// The fuzzed text's path. Its directory does not exist, so relative imports fail the same way on
// every machine instead of reading whatever files happen to sit next to the working directory.
constexpr char kFuzzPath[] = "/nonexistent-licit-fuzz/input.licit";

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

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
  // The renderer nests a handful of levels (a deep document is itself a bug) and writes no
  // exponents.
  if (!StrictJson(json, StrictJson::Options{.max_depth = 64, .exponents = false}).Valid())
    Fail("RenderJson produced malformed JSON", json);
  if (FindInvalidUtf8(json) != std::string_view::npos) {
    Fail("RenderJson produced invalid UTF-8", json);
  }
}

// The syntax tree as `licit dump --emit=ast` prints it, without the `@line:col` positions.
std::string AstWithoutPositions(const std::string& text, bool* syntax_errors) {
  SourceManager sources;
  DiagnosticSink diags;
  FileId id = sources.Add(kFuzzPath, text);
  std::string dump = ast::DumpAst(*syntax::Parse(sources, id, diags), sources);
  *syntax_errors = diags.has_errors();
  std::string out;
  for (size_t i = 0; i < dump.size(); ++i) {
    if (dump[i] == '@' && i + 1 < dump.size() &&
        std::isdigit(static_cast<unsigned char>(dump[i + 1]))) {
      while (i + 1 < dump.size() &&
             (std::isdigit(static_cast<unsigned char>(dump[i + 1])) || dump[i + 1] == ':')) {
        ++i;
      }
      continue;
    }
    out += dump[i];
  }
  return out;
}

// `licit fmt` on the same input: it refuses a text with syntax errors and formats any other
// (never an internal error: its own check found its output lexing to other tokens or comments);
// the output has the same syntax tree, and formatting it again changes nothing.
void CheckFormatter(std::string_view data) {
  SourceManager sources;
  DiagnosticSink diags;
  FileId id = sources.Add(kFuzzPath, std::string(data));
  syntax::FormatResult result = syntax::Format(sources, id, diags);
  if (!result.internal_error.empty())
    Fail("the formatter refused its own output", result.internal_error);
  bool before_errors = false;
  std::string before = AstWithoutPositions(std::string(data), &before_errors);
  if (!result.text) {
    if (!diags.has_errors()) Fail("the formatter gave up without an error", std::string(data));
    return;
  }
  if (before_errors) Fail("the formatter formatted a text with syntax errors", std::string(data));
  bool after_errors = false;
  std::string after = AstWithoutPositions(*result.text, &after_errors);
  if (after_errors) Fail("the formatted text has syntax errors", *result.text);
  if (after != before) Fail("formatting changed the syntax tree", before + "\n---\n" + after);
  SourceManager again_sources;
  DiagnosticSink again_diags;
  FileId again_id = again_sources.Add(kFuzzPath, *result.text);
  syntax::FormatResult again = syntax::Format(again_sources, again_id, again_diags);
  if (!again.text || *again.text != *result.text) {
    Fail("formatting is not idempotent", *result.text + "\n---\n" + again.text.value_or(""));
  }
}

// The hand-written scanner makes the generated lexer's tokens (scanner_differential.h). Only on
// valid UTF-8: the syntax phase reads nothing else (CompileText reports invalid text instead).
void CheckScanner(std::string_view data) {
  const std::string text(data);
  if (FindInvalidUtf8(text) != std::string_view::npos) return;
  if (std::string why = syntax::ScannerDisagreement(text); !why.empty()) {
    Fail("the scanner and the generated lexer disagree", why);
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
  CheckFormatter(data);
  CheckScanner(data);
}

}  // namespace licit::fuzz
