// The `licit` subcommands. Each lives in its own cmd_<name>.cpp and is listed in main.cpp's
// table; adding a command means one file and one table row.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace licit::cli {

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `licit --help`
  std::string_view help;     // the full `licit <name> --help` text, with an example
  // Runs the command on the words after its name and returns the exit code.
  int (*run)(std::span<const std::string> args);
};

extern const Command kCheckCommand;
extern const Command kDumpCommand;
extern const Command kRunCommand;
extern const Command kEvalCommand;
extern const Command kExplainCommand;
extern const Command kTestCommand;
extern const Command kFmtCommand;
extern const Command kLspCommand;
extern const Command kDiffCommand;
extern const Command kMatchCommand;
extern const Command kAnalyzeCommand;
extern const Command kReplCommand;
extern const Command kServeCommand;
extern const Command kReportCommand;

}  // namespace licit::cli
