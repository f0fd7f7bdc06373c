// `licit dump --emit=STAGE FILE`: print one stage of the pipeline, for goldens and bug reports.

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

int RunDump(std::span<const std::string> args) {
  CommonOptions options;
  std::string emit;
  std::string error;
  if (!ParseOptions(args, {{"emit", &emit, nullptr}}, &options, &error)) {
    return UsageError("dump", error);
  }
  if (options.help) {
    WriteStdout(kDumpCommand.help);
    return kExitOk;
  }
  if (emit.empty()) return UsageError("dump", "`dump` needs `--emit=tokens|ast|checked|ir|llvm`");
  if (emit == "llvm" && !licit::jit_available()) {
    WriteStderr(
        "licit: this licit was built without LLVM, so `dump --emit=llvm` is not available\n");
    return kExitUsage;
  }
  std::optional<licit::DumpStage> stage = licit::parse_dump_stage(emit);
  if (!stage) {
    return UsageError(
        "dump",
        fmt::format("`--emit` must be `tokens`, `ast`, `checked`, `ir` or `llvm`, not `{}`", emit));
  }
  if (options.positional.size() != 1) {
    return UsageError("dump", options.positional.empty() ? "`dump` needs a FILE"
                                                         : "`dump` takes exactly one FILE");
  }

  licit::Engine engine(EngineOptionsFor(options, licit::EngineKind::Default));
  licit::Dump dump = engine.dump_files(options.positional, *stage);
  // With --diagnostics=json stdout carries the JSON document alone, so the dump is not printed.
  if (options.diagnostics == DiagnosticsFormat::kText) WriteStdout(dump.text);
  return ReportDiagnostics(dump.compilation, options);
}

}  // namespace

const Command kDumpCommand = {
    "dump",
    "print a stage of the compiler: tokens, ast, checked or ir",
    R"(Usage: licit dump --emit=STAGE [OPTIONS] FILE

Prints one stage of the pipeline on stdout, with any diagnostics on stderr. Used by the golden
tests and handy in bug reports.

Stages:
  tokens    the token stream, one token per line ("line:col KIND `text`")
  ast       the syntax tree as an S-expression (parsing only; no name resolution)
  checked   each declaration with resolved names and types (the file and its imports)
  ir        the lowered program: input slots, constants, classes, groups and each rule's
            conditions as S-expressions (the file and its imports; needs a file without errors)
  llvm      the LLVM module the JIT compiles (optimised), after its
            compiled record layout as comments

Options:
  --emit=STAGE             the stage to print (required)
  --diagnostics=text|json  text (default) goes to stderr; json prints only the diagnostics
                           document on stdout
  --color=auto|always|never
  --werror                 fail (exit 1) on warnings too
  -h, --help               show this help

Exit status: 0 ok, 1 errors in the file, 2 usage error, 70 internal error.

Example:
  licit dump --emit=ast examples/cn-japan-2026.licit
)",
    RunDump,
};

}  // namespace licit::cli
