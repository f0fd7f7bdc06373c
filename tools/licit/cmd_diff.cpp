// `licit diff OLD NEW --records R`: how a new version of a policy set decides real shipments
// differently from the old (Policy::impact). OLD and NEW are each a policy file or a directory
// of them. The semantic comparison over all possible records (without --records) needs the
// solver of `licit analyze` and is not built yet.

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

int RunDiff(std::span<const std::string> args) {
  CommonOptions options;
  std::string records, out_path, threads_text = "1", top_text = "10", as_of;
  std::string error;
  if (!ParseOptions(args,
                    {{"records", &records},
                     {"out", &out_path},
                     {"threads", &threads_text},
                     {"top", &top_text},
                     {"as-of", &as_of}},
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
    return UsageError("diff",
                      "the comparison over all possible records (without --records) is not built "
                      "yet: give --records R to compare the decisions on real shipments");
  }
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
    "how a new version of a policy set decides shipments differently from the old",
    R"(Usage: licit diff OLD NEW --records R [--out CHANGED.jsonl] [OPTIONS]

Decides every record of R (JSON Lines, or CSV by its .csv extension; `-` for stdin) with both
policy sets in one pass, each record read once, and reports how the decisions differ: the old
effect by the new effect, the rules behind the changes (+ in the new decision only, - in the old
only), and the changed records' destinations and items. OLD and NEW are each a policy file or a
directory of them. The comparison over every possible record (without --records) is not built
yet.

Options:
  --records R              the records to decide (required for now)
  --out FILE               write each changed record as {"line","id","old","new"} (JSON Lines;
                           `-`: stdout, and the report goes to stderr)
  --as-of DATE             judge every record at this date instead of its own
  --threads N              decide on N threads (0: one per core; default 1)
  --top K                  how many rules, destinations and items to list (default 10)
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help               show this help

Exit status (as diff(1)): 0 no decision changed, 1 some did, 2 usage errors, policies that do
not compile, unreadable records, or policy sets judging different record types; 70 internal
error.

Example:
  licit diff policies-2025/ policies-2026/ --records shipments.jsonl --out changed.jsonl
)",
    RunDiff,
};

}  // namespace licit::cli
