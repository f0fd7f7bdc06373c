// `licit test FILE...`: run each policy's `test` blocks (language.md section 10) and report the
// rules no test fires.

#include <fmt/format.h>

#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

int RunTest(std::span<const std::string> args) {
  CommonOptions options;
  JudgeOptionText judge_text;
  std::string format;
  std::string error;
  std::vector<OptionSpec> specs = {{"engine", &judge_text.engine}, {"format", &format}};
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("test", error);
  if (options.help) {
    WriteStdout(kTestCommand.help);
    return kExitOk;
  }
  JudgeSettings judge;
  if (!ParseJudgeSettings(judge_text, &judge, &error)) return UsageError("test", error);
  if (!format.empty() && format != "text" && format != "json") {
    return UsageError("test", fmt::format("`--format` must be `text` or `json`, not `{}`", format));
  }
  if (options.positional.empty())
    return UsageError("test", "`test` needs at least one policy FILE");

  licit::Policy policy;
  if (int code = CompilePolicy(options, judge.engine, &policy); code != kExitOk) return code;
  licit::TestReport report = policy.run_tests();
  WriteStdout(format == "json" ? report.to_json() + "\n"
                               : report.to_text(UseColor(options.color, /*on_stdout=*/true)));
  return report.ok() ? kExitOk : kExitPolicyErrors;
}

}  // namespace

const Command kTestCommand = {
    "test",
    "run the policy's test blocks and report rule coverage",
    R"(Usage: licit test [OPTIONS] FILE...

Runs every `test` block of the policy files. Each test's `given` record is judged at its `date`
by its own policy (with the other files loaded too); the test passes when that policy's effect
is the expected one and, with `by`, exactly the named rules contributed it (for `exempt`: the
exceptions that waived). `expect license "name"` also checks the licence. A failing test shows
what was expected and what came out, with every contribution. Then the rules no test fires.

Options:
  --format text|json     the report as text (default; PASS and FAIL coloured on a terminal) or
                         as one JSON document
  --engine jit|interp    the evaluation engine; both decide the same. Default: tiered, the
                         reference interpreter at once and the LLVM JIT once it has compiled
                         in the background; jit waits for the JIT, interp never compiles it
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help             show this help

Exit status: 0 all tests pass, 1 a test failed or the policy has errors, 2 usage error,
70 internal error.

Example:
  licit test examples/cn-japan-2026.licit
)",
    RunTest,
};

}  // namespace licit::cli
