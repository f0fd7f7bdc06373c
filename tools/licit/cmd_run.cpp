// `licit run FILE... --records R [--out O]`: screen a file of records with licit::Policy::screen.
// One decision per input record, in input order (with --threads too); bad records become `error`
// decisions; the output file appears only when complete (written to a temporary file, renamed at
// the end).

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"
#include "tools/licit/output_file.h"
#include "tools/licit/report_file.h"

namespace licit::cli {
namespace {

enum class SummaryMode { kFull, kCounts, kNone };

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

using report::Thousands;  // counts in the summary and the progress line

// The progress line on a terminal: records so far and, for a regular file, how far through.
class Progress {
 public:
  Progress(bool enabled, uint64_t size) : enabled_(enabled), size_(size), last_(Clock::now()) {}
  void Update(uint64_t records, uint64_t bytes) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    std::string text = fmt::format("\rscreening: {} records", Thousands(records));
    if (size_ > 0) {
      int pct = static_cast<int>(100.0 * static_cast<double>(std::min(bytes, size_)) /
                                 static_cast<double>(size_));
      int filled = pct / 5;
      text = fmt::format("\r[{}{}] {:3}% {} records", std::string(filled, '#'),
                         std::string(20 - filled, ' '), pct, Thousands(records));
    }
    WriteStderr(text);
    shown_ = true;
  }
  void Clear() {
    if (shown_) WriteStderr("\r\033[K");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  uint64_t size_;
  Clock::time_point last_;
  bool shown_ = false;
};

std::string Summary(const licit::ScreenSummary& c, SummaryMode mode, double seconds,
                    const std::string& out, const licit::Policy& policy) {
  using E = licit::Effect;
  std::string text =
      fmt::format("licit: screened {} record{}", Thousands(c.records), c.records == 1 ? "" : "s");
  if (mode == SummaryMode::kFull) {
    double rate = seconds > 0 ? static_cast<double>(c.records) / seconds : 0;
    text +=
        fmt::format(" in {:.3f} s ({} records/s)", seconds, Thousands(static_cast<uint64_t>(rate)));
  }
  if (!out.empty() && out != "-") text += fmt::format("; decisions in {}", out);
  text += "\n  ";
  const E order[] = {E::Deny, E::License, E::Review, E::Exempt, E::Allow, E::Error};
  for (size_t i = 0; i < 6; ++i) {
    text += fmt::format("{}{} {}", i ? ", " : "", licit::effect_name(order[i]),
                        Thousands(c.count(order[i])));
  }
  text += "\n";
  // Tiered start, with timing only (how many records come before the JIT depends on the moment).
  if (mode == SummaryMode::kFull && c.interpreted > 0) {
    if (policy.jit_state() == licit::JitState::Failed) {
      text += "  the interpreter decided every record: the JIT could not compile the policy\n";
    } else if (c.interpreted == c.records) {
      text += "  the interpreter decided every record: the JIT was still compiling\n";
    } else {
      text += fmt::format("  the interpreter decided {} of them while the JIT compiled\n",
                          Thousands(c.interpreted));
    }
  }
  return text;
}

int RunRun(std::span<const std::string> args) {
  CommonOptions options;
  JudgeOptionText judge_text;
  std::string records, out, format, out_format, threads_text, summary_text, report_path;
  std::string error;
  std::vector<OptionSpec> specs = {
      {"records", &records},
      {"out", &out},
      {"format", &format},
      {"out-format", &out_format},
      {"threads", &threads_text},
      {"summary", &summary_text},
      {"engine", &judge_text.engine},
      {"as-of", &judge_text.as_of},
      {"fail-on", &judge_text.fail_on},
      {"report", &report_path},
  };
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("run", error);
  if (options.help) {
    WriteStdout(kRunCommand.help);
    return kExitOk;
  }
  JudgeSettings judge;
  if (!ParseJudgeSettings(judge_text, &judge, &error)) return UsageError("run", error);
  if (options.positional.empty()) return UsageError("run", "`run` needs at least one policy FILE");
  if (records.empty())
    return UsageError("run", "`run` needs `--records FILE` (or `--records -` for stdin)");

  licit::ScreenOptions screen;
  screen.as_of = judge.decide.as_of;
  screen.fail_on = judge.fail_on;
  licit::RecordFormat& in_format = screen.input;
  if (format == "csv") {
    in_format = licit::RecordFormat::Csv;
  } else if (format == "jsonl" || format == "json") {
    in_format = licit::RecordFormat::JsonLines;
  } else if (!format.empty()) {
    return UsageError("run", fmt::format("`--format` must be `jsonl` or `csv`, not `{}`", format));
  } else if (EndsWith(records, ".csv")) {
    in_format = licit::RecordFormat::Csv;
  } else if (records != "-" && !EndsWith(records, ".jsonl") && !EndsWith(records, ".json") &&
             !EndsWith(records, ".ndjson")) {
    return UsageError("run", fmt::format("cannot tell the format of `{}` from its name; add "
                                         "`--format jsonl` or `--format csv`",
                                         records));
  }
  screen.output = EndsWith(out, ".csv") ? licit::RecordFormat::Csv : licit::RecordFormat::JsonLines;
  if (out_format == "csv") {
    screen.output = licit::RecordFormat::Csv;
  } else if (out_format == "jsonl" || out_format == "json") {
    screen.output = licit::RecordFormat::JsonLines;
  } else if (!out_format.empty()) {
    return UsageError("run",
                      fmt::format("`--out-format` must be `jsonl` or `csv`, not `{}`", out_format));
  }
  unsigned threads = 1;
  if (!threads_text.empty()) {
    char* end = nullptr;
    long n = std::strtol(threads_text.c_str(), &end, 10);
    if (*end != '\0' || n < 0 || n > 256) {
      return UsageError("run", fmt::format("`--threads` takes a count from 0 (all cores) to 256, "
                                           "not `{}`",
                                           threads_text));
    }
    threads = static_cast<unsigned>(n);  // 0: one per core
  }
  SummaryMode summary = SummaryMode::kFull;
  if (summary_text == "counts") {
    summary = SummaryMode::kCounts;
  } else if (summary_text == "none") {
    summary = SummaryMode::kNone;
  } else if (!summary_text.empty() && summary_text != "full") {
    return UsageError("run", fmt::format("`--summary` must be `full`, `counts` or `none`, not `{}`",
                                         summary_text));
  }

  RunReport report;  // --report: the same aggregator as `licit report` (report_file.h)
  if (!report_path.empty() &&
      !report.Start(report_path, records, in_format == licit::RecordFormat::JsonLines,
                    screen.output == licit::RecordFormat::JsonLines, &error)) {
    return UsageError("run", error);
  }

  licit::Policy policy;
  if (int code = CompilePolicy(options, judge.engine, &policy); code != kExitOk) return code;

  // Input: a file, or stdin for `-`.
  std::ifstream file;
  std::istream* input = &std::cin;
  uint64_t input_size = 0;
  if (records == "-") {
    std::ios::sync_with_stdio(false);
  } else {
    struct stat st;
    if (stat(records.c_str(), &st) != 0) {
      return UsageError("run",
                        fmt::format("cannot read records `{}`: {}", records, std::strerror(errno)));
    }
    if (S_ISDIR(st.st_mode)) {
      return UsageError(
          "run", fmt::format("cannot read records `{}`: {}", records, std::strerror(EISDIR)));
    }
    if (S_ISREG(st.st_mode)) input_size = static_cast<uint64_t>(st.st_size);
    file.open(records, std::ios::binary);
    if (!file) {
      return UsageError("run",
                        fmt::format("cannot read records `{}`: {}", records, std::strerror(errno)));
    }
    input = &file;
  }

  OutputFile output;
  if (!output.Open(out, &error)) {
    WriteStderr(fmt::format("licit: {}\n", error));
    return kExitUsage;
  }
  screen.threads = threads;
  Progress progress(summary != SummaryMode::kNone && isatty(STDERR_FILENO), input_size);
  screen.progress = [&progress](uint64_t n, uint64_t bytes) { progress.Update(n, bytes); };
  auto start = std::chrono::steady_clock::now();
  auto write = [&output, &report](std::string_view chunk) {
    output.Write(chunk);
    report.Feed(chunk);
  };
  const licit::ScreenSummary counts = policy.screen(*input, write, screen);
  progress.Clear();
  if (!counts.ok()) {
    output.Abandon();
    WriteStderr(fmt::format("licit: {} `{}`\n", counts.error, records));
    return kExitInputErrors;
  }
  if (!output.Commit(&error) ||
      !report.Finish(args, policy, judge.engine, counts.interpreted, out, &error)) {
    WriteStderr(fmt::format("licit: {}\n", error));
    return kExitInternal;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (summary != SummaryMode::kNone) WriteStderr(Summary(counts, summary, seconds, out, policy));
  // An incomplete screen (records not judged) outranks a tripped --fail-on: the unjudged
  // records might have tripped it too.
  if (counts.count(licit::Effect::Error) > 0) return kExitInputErrors;
  if (counts.tripped) return kExitFailOn;
  return kExitOk;
}

}  // namespace

const Command kRunCommand = {
    "run",
    "screen a file of records (JSON Lines or CSV) and write one decision per record",
    R"(Usage: licit run [OPTIONS] FILE... --records R [--out O]

Compiles the policy files, then judges every record of R and writes one decision per input
record, in input order: JSON Lines (default) or CSV. A record that cannot be read or judged gets
an `error` decision naming its line and the reason; the run goes on. A summary (counts per
effect, records/s) goes to stderr, and a progress bar when stderr is a terminal.

Options:
  --records R            the records: a .jsonl/.json/.ndjson or .csv file, or `-` for stdin
  --format jsonl|csv     the format of R (default: from its extension; stdin: jsonl)
  --out O                write the decisions to O instead of stdout; O appears only when the
                         run is complete (written to a temporary file beside it, then renamed)
  --out-format jsonl|csv the decisions' format (default: csv when O ends in .csv, else jsonl)
  --as-of DATE           judge every record at DATE instead of its `date` (what-if)
  --fail-on deny|license|review
                         exit 3 when any decision is at least that strong
  --threads N            decide on N threads (0: one per core; default 1); output order is
                         always the input order
  --engine jit|interp    the evaluation engine; both decide the same. Default: tiered, the
                         reference interpreter at once and the LLVM JIT once it has compiled
                         in the background; jit waits for the JIT, interp never compiles it
  --summary full|counts|none
                         the summary on stderr: with timing (default), counts only, or none
  --report FILE          also write the screening report of these decisions (as `licit
                         report` does): HTML, or the aggregates as JSON when FILE ends in .json
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help             show this help

CSV records: the header names fields by path (`item.cn`); an empty cell is a missing field;
the elements of a set or list cell are separated by `;`.

Exit status: 0 ok, 1 policy errors, 2 usage error, 3 --fail-on tripped, 4 some records could
not be read or judged (wins over 3), 70 internal error.

Example:
  licit run examples/cn-japan-2026.licit --records examples/shipments.jsonl --out decisions.jsonl
  licit run policy.licit --records - --fail-on deny < shipments.jsonl
)",
    RunRun,
};

}  // namespace licit::cli
