// `licit report DECISIONS.jsonl [--records R] -o report.html`: the screening report of a file of
// decisions (docs/report.md), through the same aggregator as `licit run --report`.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <sys/stat.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"
#include "tools/licit/report_file.h"

namespace licit::cli {
namespace {

// Opens an input file for reading, or says in one line why not ("cannot read decisions `x`: No
// such file or directory"). A directory is refused here: reading one would look like an empty
// file.
bool OpenInput(const std::string& what, const std::string& path, std::ifstream* file,
               std::string* error) {
  struct stat st;
  int err = 0;
  if (stat(path.c_str(), &st) != 0) {
    err = errno;
  } else if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
  } else {
    file->open(path, std::ios::binary);
    if (!*file) err = errno ? errno : EIO;
  }
  if (err == 0) return true;
  *error = fmt::format("cannot read {} `{}`: {}", what, path, std::strerror(err));
  return false;
}

int RunReportCommand(std::span<const std::string> args) {
  // `-o FILE` is the short form of `--out FILE` (ParseOptions knows long options only).
  std::vector<std::string> words(args.begin(), args.end());
  std::replace(words.begin(), words.end(), std::string("-o"), std::string("--out"));
  CommonOptions options;
  std::string records, out, format, policy_path, error;
  std::vector<OptionSpec> specs = {
      {"records", &records},
      {"out", &out},
      {"format", &format},
      {"policy", &policy_path},
  };
  if (!ParseOptions(words, specs, &options, &error)) return UsageError("report", error);
  if (options.help) {
    WriteStdout(kReportCommand.help);
    return kExitOk;
  }
  if (options.positional.size() != 1) {
    return UsageError("report", "`report` takes one decisions file (`-` for stdin)");
  }
  bool json = false;
  if (!ReportIsJson(out, format, &json, &error)) return UsageError("report", error);
  const std::string decisions_path = options.positional[0];

  // The policies, for their names, files and digest: decisions files do not carry the digest.
  report::RunInfo info = BasicRunInfo("report", args);
  if (!policy_path.empty()) {
    CommonOptions policy_options = options;
    policy_options.positional.clear();
    if (!ExpandPolicyPaths({policy_path}, &policy_options.positional, &error)) {
      WriteStderr(fmt::format("licit: {}\n", error));
      return kExitUsage;
    }
    licit::Policy policy;
    if (int code = CompilePolicy(policy_options, licit::EngineKind::Interpreter, &policy);
        code != kExitOk) {
      return code;
    }
    DescribePolicies(policy, &info);
  }

  std::ifstream decisions_file, records_file;
  std::istream* decisions = &std::cin;
  if (decisions_path != "-") {
    if (!OpenInput("decisions", decisions_path, &decisions_file, &error)) {
      WriteStderr(fmt::format("licit: {}\n", error));
      return kExitUsage;
    }
    decisions = &decisions_file;
  } else {
    std::ios::sync_with_stdio(false);
  }
  report::ReportAggregator aggregator;
  if (!records.empty()) {
    if (records.ends_with(".csv")) {
      return UsageError("report", "`--records` joins JSON Lines records only, not CSV");
    }
    if (!OpenInput("records", records, &records_file, &error)) {
      WriteStderr(fmt::format("licit: {}\n", error));
      return kExitUsage;
    }
    aggregator.JoinRecords(records_file);
  }

  std::string line;
  while (std::getline(*decisions, line)) aggregator.AddLine(line);
  if (decisions->bad()) {
    WriteStderr(fmt::format("licit: cannot read decisions `{}`: {}\n", decisions_path,
                            std::strerror(errno)));
    return kExitUsage;
  }
  PrintReportWarnings(aggregator);
  info.decisions = decisions_path == "-" ? "stdin" : decisions_path;
  info.records = records;
  info.date_source = ReportDateSource(!records.empty());
  report::Aggregates aggregates = aggregator.Finish();
  if (aggregates.records_missing > 0) {
    WriteStderr(fmt::format(
        "licit: warning: `{}` has fewer records than there are decisions: the last {} "
        "decision{} have no record\n",
        records, aggregates.records_missing, aggregates.records_missing == 1 ? "" : "s"));
  }
  if (!WriteReport(out, json, aggregates, info, &error)) {
    WriteStderr(fmt::format("licit: {}\n", error));
    return kExitUsage;
  }
  // Like `run`: an input with lines that could not be read is incomplete, though reported.
  return aggregates.unreadable > 0 ? kExitInputErrors : kExitOk;
}

}  // namespace

const Command kReportCommand = {
    "report",
    "the screening report of a file of decisions: one HTML page (or JSON)",
    R"(Usage: licit report DECISIONS [--records R] [-o FILE] [--format html|json] [--policy P]

Reads the decisions `licit run` wrote (or the changed records `licit diff --records --out`
wrote) and writes one self-contained HTML page: counts by effect, decisions by month as
stacked bars, the top destinations, items, end users, rules and licences, the unknowns that
sent records to review, every error with its line, the first 1,000 records not allowed (or
changed), the policies and how the report was made. It opens without a network, and fast
for a million decisions: it shows aggregates, not rows. `licit run --report FILE` makes
the same report while it screens.

Options:
  --records R            the records the decisions judged (JSON Lines, in the same order):
                         destinations, items, end users and dates come from them
  -o, --out FILE         write the report to FILE (default: stdout)
  --format html|json     the page, or the aggregates alone as JSON (default: json when
                         FILE ends in .json, else html)
  --policy P             the policy file or directory that decided: the report names its
                         files, rules and digest
  -h, --help             show this help

A line that is not a decision is listed among the errors with its line number and warned
about on stderr; the report is still written.

Exit status: 0 ok, 1 policy errors (--policy), 2 usage error or a file that cannot be
read or written, 4 some lines were not decisions.

Example:
  licit run examples/cn-japan-2026.licit --records examples/shipments.jsonl --out d.jsonl
  licit report d.jsonl --records examples/shipments.jsonl -o report.html
)",
    RunReportCommand,
};

}  // namespace licit::cli
