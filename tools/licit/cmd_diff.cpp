// `licit diff OLD NEW`: how a new version of a policy set decides differently from the old. OLD
// and NEW are each a policy file or a directory of them. Without --records, over every possible
// record and date, with the solver (Policy::semantic_diff); with --records R, on real shipments
// (Policy::impact).

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/judge.h"
#include "tools/licit/options.h"
#include "tools/licit/output_file.h"

namespace licit::cli {
namespace {

constexpr const char* kEffects[] = {"allow", "exempt", "review", "license", "deny", "error"};

// Compiles one side (a file or a directory of them).
int CompileSide(const CommonOptions& options, const std::string& path, const char* side,
                licit::Policy* out) {
  CommonOptions one = options;
  one.positional.clear();
  std::string error;
  if (!ExpandPolicyPaths({path}, &one.positional, &error)) return UsageError("diff", error);
  if (one.positional.empty()) {
    return UsageError("diff", fmt::format("the {} policy set `{}` has no .licit file", side, path));
  }
  return CompilePolicy(one, licit::EngineKind::Default, out);
}

std::string Percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "0%" : fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / whole);
}

std::string Report(const licit::ImpactSummary& s, const std::string& old_path,
                   const std::string& new_path) {
  std::string out = fmt::format("licit diff {} {}: {} records, {} changed ({})\n\n", old_path,
                                new_path, s.records, s.changed, Percent(s.changed, s.records));
  out += fmt::format("{:<12}", "old \\ new");
  for (const char* e : kEffects) out += fmt::format("{:>9}", e);
  out += "\n";
  for (int o = 0; o < 6; ++o) {
    out += fmt::format("{:<12}", kEffects[o]);
    for (int n = 0; n < 6; ++n) out += fmt::format("{:>9}", s.matrix[o][n]);
    out += "\n";
  }
  auto list = [&out](const char* title, const std::vector<licit::ImpactCount>& counts) {
    if (counts.empty()) return;
    out += fmt::format("\n{}:\n", title);
    for (const licit::ImpactCount& c : counts)
      out += fmt::format("  {:<40} {:>9}\n", c.key, c.count);
  };
  list("rules behind the changes (+ in the new decision only, - in the old only)", s.rules);
  list("destinations of the changed records", s.destinations);
  list("items of the changed records", s.items);
  return out;
}

// The semantic comparison: for each pair of effects, a witness record or a proof that none
// exists. Exit 0 equivalent, 1 different, 2 unsettled (as diff(1)'s "trouble").
int SemanticDiff(const CommonOptions& options, const std::string& as_of,
                 const std::vector<std::string>& between, const std::string& timeout) {
  licit::SemanticDiffOptions semantic;
  std::string error;
  if (!ParseTimeout(timeout, &semantic.timeout_ms, &error)) return UsageError("diff", error);
  if (!as_of.empty()) semantic.as_of = as_of;
  if (!between.empty()) {
    if (!as_of.empty()) return UsageError("diff", "give --as-of or --between, not both");
    semantic.between = std::make_pair(between[0], between[1]);
  }
  licit::Policy before, after;
  if (int code = CompileSide(options, options.positional[0], "old", &before); code != kExitOk)
    return code == kExitPolicyErrors ? kExitUsage : code;
  if (int code = CompileSide(options, options.positional[1], "new", &after); code != kExitOk)
    return code == kExitPolicyErrors ? kExitUsage : code;
  licit::SemanticDiff diff = before.semantic_diff(after, semantic);
  if (!diff.ok()) {
    if (options.diagnostics == DiagnosticsFormat::kJson) WriteStdout(diff.to_json() + "\n");
    WriteStderr(fmt::format("licit diff: {}\n", diff.error));
    return kExitUsage;
  }
  WriteStdout(options.diagnostics == DiagnosticsFormat::kJson ? diff.to_json() + "\n"
                                                              : diff.to_text());
  if (diff.different()) return 1;
  return diff.equivalent() ? kExitOk : kExitUsage;
}

int RunDiff(std::span<const std::string> all_args) {
  // `--between FROM TO` takes two values, which the common parser cannot: taken out first.
  std::vector<std::string> args, between;
  for (size_t k = 0; k < all_args.size(); ++k) {
    if (all_args[k] != "--between") {
      args.push_back(all_args[k]);
      continue;
    }
    if (k + 2 >= all_args.size()) return UsageError("diff", "--between takes two dates: FROM TO");
    between = {all_args[k + 1], all_args[k + 2]};
    k += 2;
  }
  CommonOptions options;
  std::string records, out_path, threads_text = "1", top_text = "10", as_of, timeout = "10";
  std::string error;
  if (!ParseOptions(args,
                    {{"records", &records},
                     {"out", &out_path},
                     {"threads", &threads_text},
                     {"top", &top_text},
                     {"as-of", &as_of},
                     {"timeout", &timeout}},
                    &options, &error)) {
    return UsageError("diff", error);
  }
  if (options.help) {
    WriteStdout(kDiffCommand.help);
    return kExitOk;
  }
  if (options.positional.size() != 2) {
    return UsageError("diff", "`diff` takes two policy sets: OLD and NEW (files or directories)");
  }
  if (records.empty()) {
    if (!out_path.empty()) return UsageError("diff", "--out needs --records");
    return SemanticDiff(options, as_of, between, timeout);
  }
  if (!between.empty())
    return UsageError("diff", "--between is for the comparison without --records");
  licit::ImpactOptions impact;
  if (!as_of.empty()) impact.as_of = as_of;
  char* end = nullptr;
  long threads = std::strtol(threads_text.c_str(), &end, 10);
  if (*end != '\0' || threads < 0 || threads > 256) {
    return UsageError("diff", "--threads takes a number of threads (0: one per core)");
  }
  impact.threads = static_cast<unsigned>(threads);
  long top = std::strtol(top_text.c_str(), &end, 10);
  if (*end != '\0' || top < 0) return UsageError("diff", "--top takes a count");
  impact.top = static_cast<size_t>(top);
  if (records.size() > 4 && records.substr(records.size() - 4) == ".csv") {
    impact.input = licit::RecordFormat::Csv;
  }

  licit::Policy before, after;
  if (int code = CompileSide(options, options.positional[0], "old", &before); code != kExitOk) {
    return code == kExitPolicyErrors ? kExitUsage : code;
  }
  if (int code = CompileSide(options, options.positional[1], "new", &after); code != kExitOk) {
    return code == kExitPolicyErrors ? kExitUsage : code;
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  if (records != "-") {
    file.open(records, std::ios::binary);
    if (!file) {
      WriteStderr(fmt::format("licit diff: cannot read `{}`: {}\n", records, std::strerror(errno)));
      return kExitUsage;
    }
    in = &file;
  }
  OutputFile out;
  bool writing = !out_path.empty();
  if (writing && !out.Open(out_path, &error)) {
    WriteStderr(fmt::format("licit diff: {}\n", error));
    return kExitUsage;
  }
  licit::ImpactSummary summary = before.impact(
      after, *in,
      [&](std::string_view changed) {
        if (writing) out.Write(changed);
      },
      impact);
  if (!summary.ok()) {
    out.Abandon();
    WriteStderr(fmt::format("licit diff: {}\n", summary.error));
    return kExitUsage;
  }
  if (writing && !out.Commit(&error)) {
    WriteStderr(fmt::format("licit diff: {}\n", error));
    return kExitUsage;
  }
  // With the changed records on stdout (`--out -`), the report goes to stderr.
  std::string report = Report(summary, options.positional[0], options.positional[1]);
  if (out_path == "-") {
    WriteStderr(report);
  } else {
    WriteStdout(report);
  }
  return summary.changed == 0 ? kExitOk : 1;
}

}  // namespace

const Command kDiffCommand = {
    "diff",
    "how a new version of a policy set decides differently: on every record, or on shipments",
    R"(Usage: licit diff OLD NEW [--as-of DATE | --between FROM TO] [OPTIONS]
       licit diff OLD NEW --records R [--out CHANGED.jsonl] [OPTIONS]

OLD and NEW are each a policy file or a directory of them (a policy set).

Without --records: over every possible record and date (or the date given, or a date in the
range), for each pair of effects (allow -> deny, deny -> license, ...), whether some record is
decided that way by OLD and this way by NEW. Each change found is shown with a witness record
that both policy sets decided, with both engines, before it is printed; every other pair is
proved unchanged, or reported unsettled when the solver cannot decide it in time.

With --records R (JSON Lines, or CSV by its .csv extension; `-` for stdin): decides every record
with both sets in one pass, each record read once, and reports how the decisions differ: the old
effect by the new effect, the rules behind the changes (+ in the new decision only, - in the old
only), and the changed records' destinations and items.

Options:
  --as-of DATE             judge every record at this date instead of its own
  --between FROM TO        (without --records) only records judged at a date in this range
  --timeout SECONDS        (without --records) per solver query (default 10)
  --diagnostics=json       (without --records) print one JSON document instead of text
  --records R              the records to decide
  --out FILE               write each changed record as {"line","id","old","new"} (JSON Lines;
                           `-`: stdout, and the report goes to stderr)
  --threads N              decide on N threads (0: one per core; default 1)
  --top K                  how many rules, destinations and items to list (default 10)
  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help               show this help

Exit status (as diff(1)): 0 no decision changed (equivalent), 1 some did, 2 usage errors,
policies that do not compile, unreadable records, policy sets judging different record types,
or (without --records) a pair the solver could not settle and no change found; 70 internal error.

Examples:
  licit diff before.licit after.licit
  licit diff policies-2025/ policies-2026/ --between 2026-01-01 2026-12-31
  licit diff policies-2025/ policies-2026/ --records shipments.jsonl --out changed.jsonl
)",
    RunDiff,
};

}  // namespace licit::cli
