#include "tests/fuzz/engines_entry.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "core/decision.h"
#include "core/flat_record.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/jit.h"
#include "frontend/pipeline.h"
#include "io/record_reader.h"
#include "tests/jit/random_policy.h"

namespace licit::fuzz {

int RunEngines(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first byte: how many records (1-8) and whether to judge them at a fixed --as-of.
  const int records = 1 + (data[0] & 7);
  const bool as_of = (data[0] & 8) != 0;
  testing::Gen gen(data + 1, size - 1);
  const std::string text = gen.Policy();

  SourceManager sources;
  DiagnosticSink diags;
  frontend::Compiled compiled = frontend::CompileText(sources, "fuzz.licit", text, diags);
  if (diags.has_errors()) {
    // The generator writes only valid policies: an error is a bug in it or in the checker.
    std::fprintf(stderr, "generated policy does not check:\n%s\n", text.c_str());
    for (const Diagnostic& d : diags.all()) std::fprintf(stderr, "  %s\n", d.message.c_str());
    std::abort();
  }
  for (const std::string& message : compiled.internal)
    std::fprintf(stderr, "%s\n", message.c_str());
  std::unique_ptr<ir::Program> program = std::move(compiled.program);
  if (!program) std::abort();
  std::string error;
  interp::Interpreter interp(*program);
  auto jit = jit::JitProgram::Compile(*program, interp, &error);
  if (!jit) {
    std::fprintf(stderr, "JIT compile failed: %s\n%s\n", error.c_str(), text.c_str());
    std::abort();
  }
  rt::Record record(&program->input);
  for (int i = 0; i < records; ++i) {
    const std::string json = gen.Record(i);
    std::string read_error;
    record.Clear();
    if (!io::ReadJsonRecord(json, record, read_error)) {
      std::fprintf(stderr, "generated record does not read: %s\n%s\n", read_error.c_str(),
                   json.c_str());
      std::abort();
    }
    decide::DecideOptions options;
    if (as_of) options.as_of = 20100 + static_cast<DayNumber>(data[0]) * 3;
    const rt::Decision jd = jit->Decide(record, options);
    const std::string a = rt::DecisionToJson(interp.Decide(record, options));
    const std::string b = rt::DecisionToJson(jd);
    rt::Verdict verdict;
    const bool decided = jit->DecideVerdict(record, options, verdict);
    const bool verdict_differs = decided && verdict.effect != jd.effect;
    // The batch path: the record packed into the compiled record layout (rt::FlatBatch) must be
    // decided exactly as DecideVerdict decides the rt::Record (same answer, effect and hits).
    rt::FlatBatch batch(jit->flat_layout());
    batch.Add(record);
    rt::Verdict flat;
    const bool flat_decided = jit->DecideVerdict(batch.record(0), options, flat);
    bool flat_differs = flat_decided != decided;
    if (!flat_differs && decided) {
      flat_differs = flat.effect != verdict.effect || flat.count != verdict.count;
      for (uint32_t h = 0; !flat_differs && h < flat.count; ++h)
        flat_differs = flat.hits[h].policy != verdict.hits[h].policy ||
                       flat.hits[h].rule != verdict.hits[h].rule ||
                       flat.hits[h].exception != verdict.hits[h].exception ||
                       flat.hits[h].effect != verdict.hits[h].effect;
    }
    if (a != b || verdict_differs || flat_differs) {
      std::fprintf(stderr,
                   "engines disagree\npolicy:\n%s\nrecord: %s\ninterp: %s\njit:    %s\n%s%s",
                   text.c_str(), json.c_str(), a.c_str(), b.c_str(),
                   verdict_differs ? "(and DecideVerdict's effect differs)\n" : "",
                   flat_differs ? "(DecideVerdict on the flat record differs from DecideVerdict "
                                  "on the rt::Record)\n"
                                : "");
      std::abort();
    }
  }
  return records;
}

}  // namespace licit::fuzz
