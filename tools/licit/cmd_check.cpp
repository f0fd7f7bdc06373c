// `licit check FILE...`: compile the policy files and report diagnostics.

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

int RunCheck(std::span<const std::string> args) {
  CommonOptions options;
  std::string error;
  if (!ParseOptions(args, {}, &options, &error)) return UsageError("check", error);
  if (options.help) {
    WriteStdout(kCheckCommand.help);
    return kExitOk;
  }
  if (options.positional.empty()) return UsageError("check", "`check` needs at least one FILE");

  // Unreadable files are diagnostics (E0001) from the checker, so they render like any other.
  licit::Engine engine(EngineOptionsFor(options, licit::EngineKind::Interpreter));
  return ReportDiagnostics(engine.compile_files(options.positional), options);
}

}  // namespace

const Command kCheckCommand = {
    "check",
    "compile policy files and report errors and warnings",
    R"(Usage: licit check [OPTIONS] FILE...

Compiles the policy files and everything they import, and prints every error and warning.
Prints nothing when the policy is clean.

Options:
  --diagnostics=text|json  text (default) goes to stderr; json prints one document on stdout
  --color=auto|always|never
                           colour the text diagnostics (auto: stderr is a terminal and
                           NO_COLOR is not set)
  --werror                 fail (exit 1) on warnings too
  --max-source-bytes N     refuse policy files larger than N bytes (K and M suffixes; default 64M)
  -h, --help               show this help

Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --werror),
2 usage error, 70 internal error.

Example:
  licit check examples/cn-japan-2026.licit
  licit check --diagnostics=json policies/*.licit > diagnostics.json
)",
    RunCheck,
};

}  // namespace licit::cli
