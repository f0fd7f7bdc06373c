// `licit fmt [-w | --check | --diff] FILE|DIR|-...`: the canonical layout (Engine::format_source).
// A file with syntax errors is never touched: its diagnostics are printed and the run goes on
// with the next file, exiting 1 at the end.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"
#include "tools/licit/output_file.h"
#include "tools/licit/unified_diff.h"

namespace licit::cli {
namespace {

enum class Mode { kPrint, kWrite, kCheck, kDiff };

std::optional<std::string> ReadText(const std::string& path, std::string* error) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = fmt::format("cannot read `{}`: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int RunFmt(std::span<const std::string> args) {
  CommonOptions options;
  bool write = false, check = false, diff = false;
  std::vector<std::string> argv(args.begin(), args.end());
  // `-w` is the one short option (gofmt's, rustfmt's spelling): taken as --write.
  std::replace(argv.begin(), argv.end(), std::string("-w"), std::string("--write"));
  std::string error;
  if (!ParseOptions(
          argv, {{"write", nullptr, &write}, {"check", nullptr, &check}, {"diff", nullptr, &diff}},
          &options, &error)) {
    return UsageError("fmt", error);
  }
  if (options.help) {
    WriteStdout(kFmtCommand.help);
    return kExitOk;
  }
  if (int(write) + int(check) + int(diff) > 1) {
    return UsageError("fmt", "`-w`, `--check` and `--diff` do not combine: choose one");
  }
  Mode mode = write ? Mode::kWrite : check ? Mode::kCheck : diff ? Mode::kDiff : Mode::kPrint;
  if (options.positional.empty()) {
    return UsageError("fmt", "`fmt` needs at least one FILE or DIR (`-` reads stdin)");
  }
  std::vector<std::string> paths;
  if (!ExpandPolicyPaths(options.positional, &paths, &error)) return UsageError("fmt", error);
  if (mode == Mode::kWrite && std::count(paths.begin(), paths.end(), "-") > 0) {
    return UsageError("fmt", "`-w` cannot rewrite stdin; leave out `-w` to print the result");
  }

  licit::Engine engine(EngineOptionsFor(options, licit::EngineKind::Interpreter));
  int status = kExitOk;
  auto worse = [&status](int code) {
    // 70 (internal) beats 1 (errors, or files not formatted), which beats 0.
    if (code == kExitInternal || (code != kExitOk && status == kExitOk)) status = code;
  };
  for (const std::string& path : paths) {
    std::optional<std::string> text = ReadText(path, &error);
    if (!text) {
      WriteStderr(fmt::format("licit fmt: {}\n", error));
      worse(kExitPolicyErrors);
      continue;
    }
    std::string name = path == "-" ? "<stdin>" : path;
    licit::Formatted formatted = engine.format_source(name, *text);
    if (!formatted.ok) {
      worse(ReportDiagnostics(formatted.compilation, options));
      if (mode == Mode::kPrint) {
        // Printing the input as it is keeps `licit fmt - < in > out` from emptying `out`.
        WriteStdout(*text);
      }
      continue;
    }
    switch (mode) {
      case Mode::kPrint: WriteStdout(formatted.text); break;
      case Mode::kCheck:
        if (formatted.changed) {
          WriteStdout(name + "\n");
          worse(kExitPolicyErrors);
        }
        break;
      case Mode::kDiff:
        if (formatted.changed) {
          WriteStdout(UnifiedDiff(*text, formatted.text, name, name + " (formatted)"));
          worse(kExitPolicyErrors);
        }
        break;
      case Mode::kWrite: {
        if (!formatted.changed) break;
        OutputFile out;
        if (!out.Open(path, &error)) {
          WriteStderr(fmt::format("licit fmt: {}\n", error));
          worse(kExitPolicyErrors);
          break;
        }
        out.Write(formatted.text);
        if (!out.Commit(&error)) {
          WriteStderr(fmt::format("licit fmt: {}\n", error));
          worse(kExitPolicyErrors);
        }
        break;
      }
    }
  }
  return status;
}

}  // namespace

const Command kFmtCommand = {
    "fmt",
    "format policy files in the canonical layout",
    R"(Usage: licit fmt [-w | --check | --diff] [OPTIONS] FILE|DIR|-...

Formats policy files in Licit's one canonical layout: declarations in column 1, continuation
lines indented two spaces, one space around operators and after commas, lines wrapped at 100
columns, comments kept where they were. Nothing is reordered, and the program is the same
(`licit dump --emit=ir` differs only in line numbers). A DIR means every *.licit file below it;
`-` reads stdin. A file with syntax errors is left untouched: its diagnostics are printed.

Options:
  (none)                   print the formatted files to stdout (a file with errors as it is)
  -w, --write              rewrite the files that are not formatted, in place (atomically)
  --check                  list the files that are not formatted; exit 1 if any
  --diff                   print a unified diff of what formatting would change; exit 1 if any
  --diagnostics=text|json  how syntax errors are printed (text on stderr, or json on stdout)
  --color=auto|always|never
  --max-source-bytes N     refuse policy files larger than N bytes (K and M suffixes)
  -h, --help               show this help

Exit status: 0 formatted (or nothing to change), 1 syntax errors, unreadable files, or (with
--check or --diff) files not formatted, 2 usage error, 70 internal error.

Examples:
  licit fmt examples/cn-japan-2026.licit
  licit fmt -w policies/
  licit fmt --check policies/ stdlib/
)",
    RunFmt,
};

}  // namespace licit::cli
