// `licit eval FILE... --record '{...}'`: decide one record and print the decision as one JSON
// line (the same form `licit run` writes).

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

int RunEval(std::span<const std::string> args) {
  CommonOptions options;
  JudgeOptionText judge_text;
  std::string record_json;
  bool have_record = false;
  std::string error;
  std::vector<OptionSpec> specs = {
      {"record", &record_json},
      {"engine", &judge_text.engine},
      {"as-of", &judge_text.as_of},
      {"fail-on", &judge_text.fail_on},
  };
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("eval", error);
  if (options.help) {
    WriteStdout(kEvalCommand.help);
    return kExitOk;
  }
  for (const auto& a : args) have_record = have_record || a.starts_with("--record");
  JudgeSettings judge;
  if (!ParseJudgeSettings(judge_text, &judge, &error)) return UsageError("eval", error);
  if (options.positional.empty())
    return UsageError("eval", "`eval` needs at least one policy FILE");
  if (!have_record) return UsageError("eval", "`eval` needs `--record '{...}'` (or `--record -`)");

  licit::Policy policy;
  if (int code = CompilePolicy(options, judge.engine, &policy); code != kExitOk) return code;
  licit::Decision d = policy.decide_json(RecordArgument(record_json), judge.decide);
  WriteStdout(d.to_json() + "\n");
  if (d.is_error()) return kExitInputErrors;
  return TripsFailOn(d, judge) ? kExitFailOn : kExitOk;
}

}  // namespace

const Command kEvalCommand = {
    "eval",
    "decide one record and print the decision",
    R"(Usage: licit eval [OPTIONS] FILE... --record '{...}'

Compiles the policy files, decides the one record given as a JSON object (the same form as a
line of JSON Lines input) and prints the decision as one JSON line.

Options:
  --record JSON          the record, or `-` to read it from stdin
  --as-of DATE           judge at DATE instead of the record's `date` (what-if)
  --fail-on deny|license|review
                         exit 3 when the decision is at least that strong
  --engine jit|interp    the evaluation engine; both decide the same. Default: tiered, the
                         reference interpreter at once and the LLVM JIT once it has compiled
                         in the background; jit waits for the JIT, interp never compiles it
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help             show this help

Exit status: 0 ok, 1 policy errors, 2 usage error, 3 --fail-on tripped, 4 the record could not
be read or judged (an `error` decision is printed), 70 internal error.

Example:
  licit eval examples/cn-japan-2026.licit --record '{"id": "S-1", "date": "2026-02-01",
    "destination": "JP", "end_use": "military", "item": {"cn": "1C902.a"}}'
)",
    RunEval,
};

}  // namespace licit::cli
