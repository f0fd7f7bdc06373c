// `licit`: the command-line front end. Dispatches to one Command per subcommand (commands.h) and
// turns anything thrown below into exit code 70, so a bug never looks like a policy verdict.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

const std::vector<const Command*>& AllCommands() {
  static const std::vector<const Command*> kCommands = {
      &kCheckCommand,   &kDumpCommand, &kRunCommand,   &kEvalCommand,   &kExplainCommand,
      &kTestCommand,    &kFmtCommand,  &kReplCommand,  &kServeCommand,  &kLspCommand,
      &kAnalyzeCommand, &kDiffCommand, &kMatchCommand, &kReportCommand,
  };
  return kCommands;
}

const Command* FindCommand(std::string_view name) {
  for (const Command* c : AllCommands()) {
    if (c->name == name) return c;
  }
  return nullptr;
}

std::string MainHelp() {
  std::string out =
      "Licit: a compiler for export-control rules.\n\n"
      "Usage: licit COMMAND [OPTIONS] [FILE...]\n\n"
      "Commands:\n";
  for (const Command* c : AllCommands()) {
    out += fmt::format("  {:<9}{}\n", c->name, c->summary);
  }
  out +=
      "\nOptions for every command:\n"
      "  --diagnostics=text|json  --color=auto|always|never  --werror  -h, --help\n"
      "\nOther:\n"
      "  licit --version          print the version\n"
      "  licit help COMMAND       same as `licit COMMAND --help`\n"
      "\nExit status: 0 ok, 1 policy errors (or failed tests), 2 usage error, 3 --fail-on\n"
      "tripped, 4 some records could not be read or judged, 70 internal error.\n"
      "\nExamples:\n"
      "  licit check examples/cn-japan-2026.licit\n"
      "  licit run examples/cn-japan-2026.licit --records examples/shipments.jsonl --out d.jsonl\n"
      "  licit test examples/cn-japan-2026.licit\n";
  return out;
}

int Main(int argc, char** argv) {
  DefaultJitCache();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    WriteStderr(MainHelp());
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "-h" || first == "--help") {
    WriteStdout(MainHelp());
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    WriteStdout(fmt::format("licit {}\n", licit::version()));
    return kExitOk;
  }
  if (first == "help") {
    if (args.size() == 1) {
      WriteStdout(MainHelp());
      return kExitOk;
    }
    const Command* c = FindCommand(args[1]);
    if (!c) return UsageError("", fmt::format("unknown command `{}`", args[1]));
    WriteStdout(c->help);
    return kExitOk;
  }
  if (first.starts_with("-")) {
    return UsageError("", fmt::format("unknown option `{}` (options go after the command)", first));
  }
  const Command* command = FindCommand(first);
  if (!command) return UsageError("", fmt::format("unknown command `{}`", first));
  std::span<const std::string> rest(args.begin() + 1, args.end());
  return command->run(rest);
}

}  // namespace
}  // namespace licit::cli

int main(int argc, char** argv) {
  return licit::cli::RunGuarded([&] {
    const int code = licit::cli::Main(argc, argv);
    // The command is done and its output written (files closed, stdout and stderr flushed by
    // every write); a tiered policy's JIT still compiling would only make the process wait, or
    // run LLVM while static destructors do: leave without either.
    if (licit::cli::BackgroundJitInFlight()) {
      std::fflush(nullptr);
      std::_Exit(code);
    }
    // A policy whose JIT is ready may be compiling the code for records with unknowns (started
    // by a record that needed it): stopped here, before static destructors could run under it.
    licit::stop_background_compiles();
    return code;
  });
}
