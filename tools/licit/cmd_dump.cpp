// `licit dump --emit=STAGE FILE`: print one stage of the pipeline, for goldens and bug reports.

#include <fmt/format.h>

#include "compiler/ir/ir.h"
#include "compiler/ir/lower.h"
#include "compiler/sema/check.h"
#include "compiler/sema/checked.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/parse.h"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"
#ifdef LICIT_HAVE_JIT
#include "compiler/codegen/codegen.h"
#endif

namespace licit::cli {
namespace {

// Reads one file into `sources`. An unreadable file is a diagnostic (E0001), as in `check`.
std::optional<FileId> LoadFile(const std::string& path, SourceManager& sources,
                               DiagnosticSink& diags) {
  std::string error;
  auto text = ReadFileText(path, &error);
  if (!text) {
    diags.Report(DiagKind::FileNotFound, Span{}, fmt::format("cannot read `{}`: {}", path, error));
    return std::nullopt;
  }
  return sources.Add(path, std::move(*text));
}

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
  if (emit.empty())
    return UsageError("dump", "`dump` needs `--emit=tokens|ast|checked|ir|llvm`");
#ifndef LICIT_HAVE_JIT
  if (emit == "llvm") {
    WriteStderr("licit: this licit was built without LLVM, so `dump --emit=llvm` is not available\n");
    return kExitUsage;
  }
#endif
  if (emit != "tokens" && emit != "ast" && emit != "checked" && emit != "ir" && emit != "llvm") {
    return UsageError(
        "dump",
        fmt::format("`--emit` must be `tokens`, `ast`, `checked`, `ir` or `llvm`, not `{}`", emit));
  }
  if (options.positional.size() != 1) {
    return UsageError("dump", options.positional.empty() ? "`dump` needs a FILE"
                                                         : "`dump` takes exactly one FILE");
  }
  const std::string& path = options.positional[0];

  SourceManager sources;
  DiagnosticSink diags;
  std::string output;
  if (emit == "checked") {
    auto program = sema::CheckFiles(sources, {path}, diags);
    output = sema::DumpChecked(*program, sources);
  } else if (emit == "ir" || emit == "llvm") {
    // Lowering needs a program without errors; with errors only the diagnostics are shown.
    auto program = sema::CheckFiles(sources, {path}, diags);
    if (!diags.has_errors()) {
      auto ir = ir::Lower(*program, sources, diags);
      // Verified here too (Lower verifies only in debug builds) so every IR golden checks it.
      std::vector<std::string> problems;
      if (ir) problems = ir::Verify(*ir);
      for (const std::string& p : problems) {
        WriteStderr(fmt::format("licit: internal error: IR verification: {}\n", p));
      }
      if (ir && problems.empty() && emit == "llvm") {
#ifdef LICIT_HAVE_JIT
        std::string llvm_error;
        output = codegen::DumpLlvm(*ir, &llvm_error);
        if (!llvm_error.empty()) {
          WriteStderr(fmt::format("licit: internal error: {}\n", llvm_error));
          return kExitInternal;
        }
#endif
      } else if (ir && problems.empty()) {
        output = ir::Print(*ir);
      } else if (!diags.has_errors()) {
        // Lowering already said what went wrong on stderr: a compiler bug, not the user's.
        ReportDiagnostics(sources, diags, options);
        return kExitInternal;
      }
    }
  } else if (auto file = LoadFile(path, sources, diags)) {
    // tokens and ast stop before name resolution, so they work on files that do not check.
    if (emit == "tokens") {
      output = syntax::DumpTokens(sources, *file, diags);
    } else {
      auto module = syntax::Parse(sources, *file, diags);
      output = ast::DumpAst(*module, sources);
    }
  }
  // With --diagnostics=json stdout carries the JSON document alone, so the dump is not printed.
  if (options.diagnostics == DiagnosticsFormat::kText) WriteStdout(output);
  return ReportDiagnostics(sources, diags, options);
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
  llvm      the LLVM module the JIT compiles (optimised at O2)

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
