#include "tools/licit/report_file.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "tools/licit/options.h"
#include "tools/licit/output_file.h"

namespace licit::cli {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string UtcNow() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

std::string DateSource(bool joined) {
  return joined ? "the record's date (from the records file), else the date the decision carries"
                : "the date each decision carries (the record's date, or --as-of when the run "
                  "judged at another date)";
}

}  // namespace

bool ReportIsJson(const std::string& path, const std::string& format, bool* json,
                  std::string* error) {
  if (format.empty()) {
    *json = EndsWith(path, ".json");
  } else if (format == "json" || format == "html") {
    *json = format == "json";
  } else {
    *error = fmt::format("`--format` must be `html` or `json`, not `{}`", format);
    return false;
  }
  return true;
}

std::string CommandLine(std::string_view command, std::span<const std::string> args) {
  std::string out = fmt::format("licit {}", command);
  for (const std::string& arg : args) {
    bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
    if (plain) {
      out += " " + arg;
      continue;
    }
    out += " '";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += "'";
  }
  return out;
}

report::RunInfo BasicRunInfo(std::string_view command, std::span<const std::string> args) {
  report::RunInfo info;
  info.command_line = CommandLine(command, args);
  info.version = licit::version();
  info.made_at = UtcNow();
  return info;
}

void DescribePolicies(const licit::Policy& policy, report::RunInfo* info) {
  for (const licit::PolicyInfo& p : policy.policies()) {
    info->policies.push_back({p.name, p.version.value_or(""), p.file, p.rules});
  }
  info->digest = policy.digest();
}

namespace {
bool WriteTo(OutputFile& output, bool json, const report::Aggregates& aggregates,
             const report::RunInfo& info, std::string* error) {
  output.Write(json ? report::RenderJson(aggregates) : report::RenderHtml(aggregates, info));
  return output.Commit(error);
}
}  // namespace

bool WriteReport(const std::string& path, bool json, const report::Aggregates& aggregates,
                 const report::RunInfo& info, std::string* error) {
  OutputFile output;
  return output.Open(path, error) && WriteTo(output, json, aggregates, info, error);
}

void PrintReportWarnings(const report::ReportAggregator& aggregator) {
  for (const std::string& warning : aggregator.warnings()) {
    WriteStderr(fmt::format("licit: warning: {}\n", warning));
  }
}

bool RunReport::Start(const std::string& path, const std::string& records, bool records_are_jsonl,
                      bool decisions_are_jsonl, std::string* error) {
  if (!decisions_are_jsonl) {
    *error = "`--report` reads the decisions as JSON Lines: drop `--out-format csv`";
    return false;
  }
  if (path == "-") {
    // Stdout carries the decisions (or, with --out, the summary's neighbour): never both.
    *error = "`--report` takes a file name, not `-`";
    return false;
  }
  if (!ReportIsJson(path, "", &json_, error) || !output_.Open(path, error)) return false;
  if (records != "-" && records_are_jsonl) {
    records_file_.open(records, std::ios::binary);
    if (records_file_) {
      aggregator_.JoinRecords(records_file_);
      records_ = records;
    }
  }
  active_ = true;
  return true;
}

bool RunReport::Finish(std::span<const std::string> args, const licit::Policy& policy,
                       licit::EngineKind engine, uint64_t interpreted, const std::string& decisions,
                       std::string* error) {
  if (!active_) return true;
  report::RunInfo info = BasicRunInfo("run", args);
  DescribePolicies(policy, &info);
  switch (engine) {
    case licit::EngineKind::Interpreter: info.engine = "interp (the reference interpreter)"; break;
    case licit::EngineKind::Jit: info.engine = "jit (the LLVM JIT)"; break;
    default:
      info.engine = fmt::format(
          "tiered: the interpreter until the LLVM JIT was ready in the background (the "
          "interpreter decided {} record{})",
          interpreted, interpreted == 1 ? "" : "s");
  }
  info.decisions = decisions.empty() || decisions == "-" ? "stdout (this run)" : decisions;
  info.records = records_;
  info.date_source = DateSource(!records_.empty());
  PrintReportWarnings(aggregator_);
  return WriteTo(output_, json_, aggregator_.Finish(), info, error);
}

// Kept here so `licit report` and `licit run --report` word the date the same way.
std::string ReportDateSource(bool joined) { return DateSource(joined); }

}  // namespace licit::cli
