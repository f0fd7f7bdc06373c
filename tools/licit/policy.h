// `licit run`'s access to the compiler and runtime: compiling the policy files down to an
// ir::Program, the engine choice, and the judging options in internal types. The other judging
// commands use the embedding API through judge.h; this file goes when `run` moves to the API
// (judge.h's ParseJudgeSettings, CompilePolicy and TripsFailOn replace ParseJudgeOptions,
// LoadPolicy and TripsFailOn here).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "compiler/base/date.h"
#include "compiler/base/text.h"  // Thousands, for summaries
#include "compiler/base/source.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/sema/checked.h"
#include "runtime/decision.h"
#include "runtime/interp/interpreter.h"
#include "runtime/record.h"
#include "tools/licit/judge.h"  // JudgeOptionText
#include "tools/licit/options.h"

namespace licit::cli {

enum class EngineKind { kInterp, kJit };
// tools.md: `jit` is the default; a licit built without LLVM falls back to the interpreter.
#ifdef LICIT_HAVE_JIT
inline constexpr EngineKind kDefaultEngine = EngineKind::kJit;
#else
inline constexpr EngineKind kDefaultEngine = EngineKind::kInterp;
#endif

// Decides records with the chosen engine. Thread-safe: Decide may run on many threads.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual rt::Decision Decide(const rt::Record& record,
                              const interp::DecideOptions& options) const = 0;
  virtual interp::Explanation Explain(const rt::Record& record,
                                      const interp::DecideOptions& options) const = 0;
};

// A compiled policy: keeps the sources and checked program alive beside the IR.
struct LoadedPolicy {
  SourceManager sources;
  std::unique_ptr<sema::CheckedProgram> checked;
  std::unique_ptr<ir::Program> program;
  std::unique_ptr<Engine> engine;
};

struct JudgeOptions {
  EngineKind engine = kDefaultEngine;
  interp::DecideOptions decide;
  std::optional<rt::DecisionEffect> fail_on;
};

// Validates --engine, --as-of and --fail-on. False with a one-line usage message.
bool ParseJudgeOptions(const JudgeOptionText& text, JudgeOptions* out, std::string* error);

// Prints the diagnostics as the options ask (text on stderr, or one JSON document on stdout) and
// returns the exit code they imply: 1 with errors, or with warnings under --werror, else 0.
int ReportDiagnostics(const SourceManager& sources, DiagnosticSink& diags,
                      const CommonOptions& options);

// Compiles the files in options.positional. Prints diagnostics (errors; warnings in text mode,
// on stderr, so stdout stays the decisions) and returns kExitOk when the program is ready, else
// the exit code to return (1 for policy errors, 70 when lowering fails without saying why).
int LoadPolicy(const CommonOptions& options, EngineKind engine, LoadedPolicy* out);

// Whether a decision trips --fail-on (errors never do: they exit 4).
bool TripsFailOn(const rt::Decision& d, const JudgeOptions& options);


}  // namespace licit::cli
