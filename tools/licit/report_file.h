// The screening report's file, shared by `licit report` and `licit run --report`: both feed
// their decision lines into one report::ReportAggregator and write the result here, so the same
// decisions give the same report whichever command made it (docs/report.md).
#pragma once

#include <cstdint>
#include <fstream>
#include <span>
#include <string>
#include <string_view>

#include "licit/licit.hpp"
#include "report/report.h"
#include "tools/licit/output_file.h"

namespace licit::cli {

// The format of a report file: JSON (the aggregates only) when asked with `json` or when the
// path ends in .json, else HTML. False with a one-line usage message for another `format`.
bool ReportIsJson(const std::string& path, const std::string& format, bool* json,
                  std::string* error);

// "licit run a.licit --records r.jsonl": the command as typed, words with spaces quoted.
std::string CommandLine(std::string_view command, std::span<const std::string> args);

// How and when: the command, licit's version and the time now (UTC).
report::RunInfo BasicRunInfo(std::string_view command, std::span<const std::string> args);

// The policies that decided, their files and rules, and their digest.
void DescribePolicies(const licit::Policy& policy, report::RunInfo* info);

// Writes the report (HTML, or the aggregates as JSON) to `path` ("-": stdout) through
// OutputFile, so a half-written report never replaces a good one. False with *error.
bool WriteReport(const std::string& path, bool json, const report::Aggregates& aggregates,
                 const report::RunInfo& info, std::string* error);

// Which date the months of the chart use, in words, for records joined or not.
std::string ReportDateSource(bool joined);

// Prints the aggregator's warnings (lines that are not decisions) on stderr.
void PrintReportWarnings(const report::ReportAggregator& aggregator);

// `licit run --report FILE`: the decisions the run writes, aggregated as they are written, with
// the records file read alongside (the n-th record for the n-th decision).
class RunReport {
 public:
  // Nothing happens unless Start is called. `records` is the run's --records argument: it is
  // joined when it is a JSON Lines file (not stdin, whose records the run has consumed, nor
  // CSV). The report file is created at once, so a path that cannot be written fails before the
  // screen. False with *error (a usage mistake, or the file cannot be created).
  bool Start(const std::string& path, const std::string& records, bool records_are_jsonl,
             bool decisions_are_jsonl, std::string* error);
  bool active() const { return active_; }
  void Feed(std::string_view chunk) {
    if (active_) aggregator_.AddChunk(chunk);
  }
  // Writes the report: `args` are the run's words (for the command line), `interpreted` how many
  // records the interpreter decided before the JIT took over. False with *error.
  bool Finish(std::span<const std::string> args, const licit::Policy& policy,
              licit::EngineKind engine, uint64_t interpreted, const std::string& decisions,
              std::string* error);

 private:
  bool active_ = false;
  bool json_ = false;
  OutputFile output_;
  std::string records_;
  std::ifstream records_file_;
  report::ReportAggregator aggregator_;
};

}  // namespace licit::cli
