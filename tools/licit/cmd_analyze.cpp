// `licit analyze FILE...`: what the policy can never do, proved over every record and date
// (Policy::analyze; authoring.md section 3).

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"

namespace licit::cli {

namespace {

int RunAnalyze(std::span<const std::string> args) {
  CommonOptions options;
  std::string as_of, timeout = "10", error;
  if (!ParseOptions(args, {{"as-of", &as_of}, {"timeout", &timeout}}, &options, &error))
    return UsageError("analyze", error);
  if (options.help) {
    WriteStdout(kAnalyzeCommand.help);
    return kExitOk;
  }
  if (options.positional.empty()) return UsageError("analyze", "`analyze` needs at least one FILE");
  licit::AnalyzeOptions analyze;
  if (!ParseTimeout(timeout, &analyze.timeout_ms, &error)) return UsageError("analyze", error);
  if (!as_of.empty()) analyze.as_of = as_of;

  // The JIT as well as the interpreter: every witness is decided by both before it is shown.
  licit::Engine engine(EngineOptionsFor(options, licit::EngineKind::Default));
  licit::Compilation compiled = engine.compile_files(options.positional);
  if (!compiled.ok()) return ReportDiagnostics(compiled, options);
  licit::Policy policy = compiled.policy();
  licit::Compilation findings = policy.analyze(analyze);
  if (!findings.ok()) {
    for (const licit::DiagnosticInfo& d : findings.diagnostics())
      if (d.code == "usage") return UsageError("analyze", d.message);
    return ReportDiagnostics(findings, options);
  }
  if (options.diagnostics == DiagnosticsFormat::kJson) {
    WriteStdout(findings.diagnostics_json());
  } else {
    std::string text = findings.diagnostics_text(UseColor(options.color, true));
    if (text.empty()) {
      text = fmt::format("no findings: {} rules analysed over every record {}\n",
                         policy.rule_count(), as_of.empty() ? "and date" : "on " + as_of);
    }
    WriteStdout(text);
  }
  return options.werror && findings.warning_count() > 0 ? kExitPolicyErrors : kExitOk;
}

}  // namespace

const Command kAnalyzeCommand = {
    "analyze",
    "prove what a policy can never do: dead rules, idle exceptions, gaps",
    R"(Usage: licit analyze [OPTIONS] FILE...

Compiles the policy files and proves, over every possible record and every date, what
`licit check` cannot see (each a warning with a code, docs/diagnostics.md):

  W0101  a rule no record on any date makes fire (naming the parts that conflict)
  W0102  a rule whose removal changes no decision (naming the rules that decide instead)
  W0103  an exception that waives nothing: wherever it holds, none of its rules fires
  W0104  an exception that holds wherever its rule fires: the rule never decides
  W0105  missing fields (or less specific codes) that send records to review, by rule
  W0106  days between a rule that ends and the next one covering the same records
  W0107  a question the solver could not settle within the timeout (never a finding)

The checker's own diagnostics come first. Findings that show an example record have had it
decided by both engines. Output goes to stdout.

Options:
  --as-of DATE             only records judged at this date
  --timeout SECONDS        per solver query (default 10); a query past it is W0107
  --diagnostics=text|json  text (default) or one JSON document
  --color=auto|always|never
  --werror                 exit 1 when there is any finding or warning
  -h, --help               show this help

Exit status: 0 analysed (findings are warnings), 1 policy errors (or findings with --werror),
2 usage error, 70 internal error.

Example:
  licit analyze examples/cn-japan-2026.licit
)",
    RunAnalyze,
};

}  // namespace licit::cli
