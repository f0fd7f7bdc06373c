// Shared by the commands that judge records (eval, explain, test; run once it moves over): their
// options in the API's types, and compiling the policy files with licit::Engine.
#pragma once

#include <optional>
#include <string>

#include "licit/licit.hpp"
#include "tools/licit/options.h"

namespace licit::cli {

// The options of the judging commands, as text until validated by ParseJudgeSettings.
struct JudgeOptionText {
  std::string engine;
  std::string as_of;
  std::string fail_on;
};

// The judging commands' options, validated.
struct JudgeSettings {
  licit::EngineKind engine = licit::EngineKind::Default;  // the JIT when this build has it
  licit::DecideOptions decide;                            // as_of (a valid date) or none
  std::optional<licit::Effect> fail_on;                   // deny, license or review
};

// Validates --engine, --as-of and --fail-on. False with a one-line usage message.
bool ParseJudgeSettings(const JudgeOptionText& text, JudgeSettings* out, std::string* error);

// Compiles the files in options.positional with the options' --werror and --max-source-bytes.
// Prints the diagnostics (errors; in text mode also warnings, on stderr, so stdout stays the
// command's output) and returns kExitOk with *out set when the policy is ready, else the exit
// code to return (1 for policy errors, 70 for an internal error).
int CompilePolicy(const CommonOptions& options, licit::EngineKind engine, licit::Policy* out);

// Whether a policy CompilePolicy gave still compiles its JIT in the background (the default,
// tiered engine): main() then exits without waiting for it, after the command's output is out.
bool BackgroundJitInFlight();

// Whether a decision trips --fail-on (errors never do: they exit 4).
bool TripsFailOn(const licit::Decision& d, const JudgeSettings& settings);

// Reads --record: the JSON text itself, or `-` for stdin.
std::string RecordArgument(const std::string& value);

}  // namespace licit::cli
