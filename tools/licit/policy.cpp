#include "tools/licit/policy.h"

#include <fmt/format.h>

#include "compiler/ir/lower.h"
#include "compiler/sema/check.h"
#ifdef LICIT_HAVE_JIT
#include "runtime/jit/jit.h"
#endif

namespace licit::cli {
namespace {

class InterpEngine final : public Engine {
 public:
  explicit InterpEngine(const ir::Program& program) : interp_(program) {}
  rt::Decision Decide(const rt::Record& record,
                      const interp::DecideOptions& options) const override {
    return interp_.Decide(record, options);
  }
  interp::Explanation Explain(const rt::Record& record,
                              const interp::DecideOptions& options) const override {
    return interp_.Explain(record, options);
  }

 private:
  interp::Interpreter interp_;
};

#ifdef LICIT_HAVE_JIT
class JitEngine final : public Engine {
 public:
  explicit JitEngine(std::unique_ptr<jit::JitProgram> program) : program_(std::move(program)) {}
  rt::Decision Decide(const rt::Record& record,
                      const interp::DecideOptions& options) const override {
    return program_->Decide(record, options);
  }
  interp::Explanation Explain(const rt::Record& record,
                              const interp::DecideOptions& options) const override {
    return program_->Explain(record, options);
  }

 private:
  std::unique_ptr<jit::JitProgram> program_;
};
#endif

}  // namespace

bool ParseJudgeOptions(const JudgeOptionText& text, JudgeOptions* out, std::string* error) {
  // Validated once, by judge.cpp's ParseJudgeSettings; this converts to the internal types.
  JudgeSettings settings;
  if (!ParseJudgeSettings(text, &settings, error)) return false;
  switch (settings.engine) {
    case licit::EngineKind::Default: out->engine = kDefaultEngine; break;
    case licit::EngineKind::Interpreter: out->engine = EngineKind::kInterp; break;
    case licit::EngineKind::Jit: out->engine = EngineKind::kJit; break;
  }
  if (settings.decide.as_of) out->decide.as_of = ParseDateLiteral(*settings.decide.as_of)->first;
  if (settings.fail_on) {
    out->fail_on = static_cast<rt::DecisionEffect>(static_cast<uint8_t>(*settings.fail_on));
  }
  return true;
}

int ReportDiagnostics(const SourceManager& sources, DiagnosticSink& diags,
                      const CommonOptions& options) {
  // Position order reads naturally and keeps goldens stable whatever order phases report in.
  diags.SortByLocation();
  if (options.diagnostics == DiagnosticsFormat::kJson) {
    WriteStdout(RenderJson(sources, diags));
  } else {
    RenderOptions render;
    render.color = UseColor(options.color);
    WriteStderr(RenderAllText(sources, diags, render));
  }
  bool failed = diags.has_errors() || (options.werror && diags.warning_count() > 0);
  return failed ? kExitPolicyErrors : kExitOk;
}

int LoadPolicy(const CommonOptions& options, EngineKind engine, LoadedPolicy* out) {
  DiagnosticSink diags;
  sema::CheckOptions check_options;
  if (options.max_source_bytes) check_options.max_source_bytes = *options.max_source_bytes;
  out->checked = sema::CheckFiles(out->sources, options.positional, diags, check_options);
  bool failed = diags.has_errors() || (options.werror && diags.warning_count() > 0);
  if (!failed) {
    out->program = ir::Lower(*out->checked, out->sources, diags);
    failed = diags.has_errors();
  }
  if (failed || options.diagnostics == DiagnosticsFormat::kText) {
    int code = ReportDiagnostics(out->sources, diags, options);
    if (code != kExitOk) return code;
  }
  if (!out->program) {
    WriteStderr("licit: internal error: lowering produced no program; please report this as a bug\n");
    return kExitInternal;
  }
  switch (engine) {
    case EngineKind::kInterp:
      out->engine = std::make_unique<InterpEngine>(*out->program);
      break;
    case EngineKind::kJit: {
#ifdef LICIT_HAVE_JIT
      std::string error;
      auto compiled = jit::JitProgram::Compile(*out->program, &error);
      if (!compiled) {
        WriteStderr(fmt::format("licit: internal error: the JIT could not compile the policy: {}\n",
                                error));
        return kExitInternal;
      }
      out->engine = std::make_unique<JitEngine>(std::move(compiled));
#else
      out->engine = std::make_unique<InterpEngine>(*out->program);
#endif
      break;
    }
  }
  return kExitOk;
}

bool TripsFailOn(const rt::Decision& d, const JudgeOptions& options) {
  return options.fail_on && d.effect != rt::DecisionEffect::Error && d.effect >= *options.fail_on;
}

}  // namespace licit::cli
