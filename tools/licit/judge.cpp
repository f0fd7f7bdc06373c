#include "tools/licit/judge.h"

#include <iostream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

namespace licit::cli {

bool ParseJudgeSettings(const JudgeOptionText& text, JudgeSettings* out, std::string* error) {
  if (!text.engine.empty()) {
    auto kind = licit::parse_engine_kind(text.engine);
    if (!kind || *kind == licit::EngineKind::Default) {
      *error = fmt::format("`--engine` must be `interp` or `jit`, not `{}`", text.engine);
      return false;
    }
    if (*kind == licit::EngineKind::Jit && !licit::jit_available()) {
      *error =
          "this licit was built without LLVM, so the JIT engine is not available; use "
          "--engine=interp";
      return false;
    }
    out->engine = *kind;
  }
  if (!text.as_of.empty()) {
    if (!licit::is_valid_date(text.as_of)) {
      *error = fmt::format("`--as-of` takes a date like 2026-01-06, not `{}`", text.as_of);
      return false;
    }
    out->decide.as_of = text.as_of;
  }
  if (!text.fail_on.empty()) {
    auto effect = licit::parse_effect(text.fail_on);
    if (!effect || (*effect != licit::Effect::Deny && *effect != licit::Effect::License &&
                    *effect != licit::Effect::Review)) {
      *error =
          fmt::format("`--fail-on` must be `deny`, `license` or `review`, not `{}`", text.fail_on);
      return false;
    }
    out->fail_on = effect;
  }
  return true;
}

namespace {
// The policies CompilePolicy gave, kept alive until the process exits: a command that ends before
// the background JIT is ready (a few records against a large policy) must not wait for a compile
// whose result nothing will use. Dropping the policy would cancel it, but only at the compile's
// next phase, seconds away for 10,000 rules; exiting at once costs nothing.
std::vector<licit::Policy>& KeptPolicies() {
  static auto* kept = new std::vector<licit::Policy>;  // never destroyed: see BackgroundJitInFlight
  return *kept;
}
}  // namespace

int CompilePolicy(const CommonOptions& options, licit::EngineKind engine, licit::Policy* out) {
  licit::Engine compiler(EngineOptionsFor(options, engine));
  licit::Compilation c = compiler.compile_files(options.positional);
  if (!c.ok() || options.diagnostics == DiagnosticsFormat::kText) {
    if (int code = ReportDiagnostics(c, options); code != kExitOk) return code;
  }
  *out = c.policy();
  if (out->jit_state() == licit::JitState::Compiling) KeptPolicies().push_back(*out);
  return kExitOk;
}

bool BackgroundJitInFlight() {
  for (const licit::Policy& p : KeptPolicies()) {
    if (p.jit_state() == licit::JitState::Compiling) return true;
  }
  return false;
}

bool TripsFailOn(const licit::Decision& d, const JudgeSettings& settings) {
  return settings.fail_on && !d.is_error() && d.effect() >= *settings.fail_on;
}

std::string RecordArgument(const std::string& value) {
  if (value != "-") return value;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

}  // namespace licit::cli
