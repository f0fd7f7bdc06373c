#include "tests/fuzz/front_end_entry.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/pipeline.h"
#include "frontend/sema/checked.h"
#include "tests/fuzz/strict_json.h"

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
