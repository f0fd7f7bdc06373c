// `licit explain FILE... --record '{...}'`: every rule and exception's outcome for one record,
// in plain words (language.md section 8), or as JSON with --format json.

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

int RunExplain(std::span<const std::string> args) {
  CommonOptions options;
  JudgeOptionText judge_text;
  std::string record_json, format;
  bool have_record = false;
  std::string error;
  std::vector<OptionSpec> specs = {
      {"record", &record_json},         {"format", &format},
      {"engine", &judge_text.engine},   {"as-of", &judge_text.as_of},
      {"fail-on", &judge_text.fail_on},
  };
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("explain", error);
  if (options.help) {
    WriteStdout(kExplainCommand.help);
    return kExitOk;
  }
  for (const auto& a : args) have_record = have_record || a.starts_with("--record");
  JudgeSettings judge;
  if (!ParseJudgeSettings(judge_text, &judge, &error)) return UsageError("explain", error);
  if (!format.empty() && format != "text" && format != "json") {
    return UsageError("explain",
                      fmt::format("`--format` must be `text` or `json`, not `{}`", format));
  }
  if (options.positional.empty()) {
    return UsageError("explain", "`explain` needs at least one policy FILE");
  }
  if (!have_record) {
    return UsageError("explain", "`explain` needs `--record '{...}'` (or `--record -`)");
  }

  licit::Policy policy;
  if (int code = CompilePolicy(options, judge.engine, &policy); code != kExitOk) return code;
  licit::Explanation e = policy.explain_json(RecordArgument(record_json), judge.decide);
  const licit::Decision& d = e.decision();
  switch (d.error_kind()) {
    case licit::ErrorKind::Json:
    case licit::ErrorKind::Utf8:
    case licit::ErrorKind::Record:
      // A record that cannot be read has nothing to explain.
      WriteStderr(fmt::format("licit: the record cannot be judged: {}\n", d.error()));
      return kExitInputErrors;
    default: break;
  }
  std::string text = format == "json" ? e.to_json() : e.to_text();
  if (text.empty() || text.back() != '\n') text += '\n';
  WriteStdout(text);
  if (d.is_error()) return kExitInputErrors;
  return TripsFailOn(d, judge) ? kExitFailOn : kExitOk;
}

}  // namespace

const Command kExplainCommand = {
    "explain",
    "explain the decision for one record, rule by rule",
    R"(Usage: licit explain [OPTIONS] FILE... --record '{...}'

Decides one record and shows why: the decision, then every rule and exception with its
outcome (fired; not in force on that date; suspended; scope, `when` or `unless` and the values
it saw; waived; unknown and why), with source locations.

Options:
  --record JSON          the record, or `-` to read it from stdin
  --format text|json     plain text (default) or one JSON document
  --as-of DATE           judge at DATE instead of the record's `date` (what-if)
  --fail-on deny|license|review
                         exit 3 when the decision is at least that strong
  --engine jit|interp    the evaluation engine; both decide the same. Default: tiered, the
                         reference interpreter at once and the LLVM JIT once it has compiled
                         in the background; jit waits for the JIT, interp never compiles it
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help             show this help

Exit status: 0 ok, 1 policy errors, 2 usage error, 3 --fail-on tripped, 4 the record could not
be read or judged, 70 internal error.

Example:
  licit explain examples/cn-japan-2026.licit --record '{"id": "S-1", "date": "2026-02-01",
    "destination": "JP", "end_user": {"name": "JGSDF", "kind": "military"},
    "item": {"cn": "1C902.a"}}'
)",
    RunExplain,
};

}  // namespace licit::cli
