// `bench_fmt`: `licit fmt`'s throughput (Engine::format_source, in process) on generated policies,
// as generated and once formatted (the common case for format-on-save: little or nothing to
// change). Prints a markdown table with the goal and pass/fail.
//
//   bench_fmt                      1,000 and 10,000 rules, best of 3
//   bench_fmt --rules 500,20000 --runs 5
//
// Exit status: 0 when every goal is met and every output is formatted and stable, 1 otherwise.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/text.h"
#include "bench/policy_gen.h"
#include "licit/licit.hpp"

using licit::Thousands;

namespace {

// The goal: format-on-save must feel instant, so a 1,000-rule policy (far larger than any
// hand-written one) formats in under 100 ms; larger sizes get the same per-rule budget.
constexpr double kGoalSecondsPer1k = 0.1;

struct Result {
  int rules = 0;
  size_t bytes = 0;
  double best_seconds = 0;            // the generated text
  double best_formatted_seconds = 0;  // the formatted text again (nothing to change)
  bool ok = false;                    // formatted, and formatting it again changes nothing
  std::string error;
};

template <typename Fn>
double Best(int runs, Fn&& fn) {
  double best = 1e9;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
    best = std::min(best, d.count());
  }
  return best;
}

Result Measure(const licit::Engine& engine, int rules, int runs) {
  Result r;
  r.rules = rules;
  std::string text = licit::bench::GeneratePolicy({.rules = rules});
  r.bytes = text.size();
  licit::Formatted first;
  r.best_seconds = Best(runs, [&] { first = engine.format_source("generated.licit", text); });
  if (!first.ok) {
    r.error = first.compilation.diagnostics_text();
    return r;
  }
  licit::Formatted again;
  r.best_formatted_seconds =
      Best(runs, [&] { again = engine.format_source("generated.licit", first.text); });
  r.ok = again.ok && !again.changed;
  if (!r.ok) r.error = "formatting the output again changed it";
  return r;
}

std::vector<int> ParseSizes(const std::string& list) {
  std::vector<int> out;
  size_t start = 0;
  while (start < list.size()) {
    size_t comma = list.find(',', start);
    out.push_back(std::atoi(list.substr(start, comma - start).c_str()));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {1000, 10000};
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rules") {
      sizes = ParseSizes(argv[i + 1]);
    } else if (flag == "--runs") {
      runs = std::max(1, std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: bench_fmt [--rules N,M] [--runs R]\n");
      return 2;
    }
  }
  licit::Engine engine;
  std::printf("| rules | bytes | format (s) | MB/s | formatted input (s) | goal (s) | result |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---|\n");
  bool all_ok = true;
  for (int rules : sizes) {
    Result r = Measure(engine, rules, runs);
    double goal = kGoalSecondsPer1k * rules / 1000.0;
    bool pass = r.ok && r.best_seconds <= goal && r.best_formatted_seconds <= goal;
    all_ok = all_ok && pass;
    std::printf("| %s | %s | %.3f | %.1f | %.3f | %.2f | %s |\n", Thousands(rules).c_str(),
                Thousands(r.bytes).c_str(), r.best_seconds, r.bytes / r.best_seconds / 1e6,
                r.best_formatted_seconds, goal,
                !r.ok  ? "**invalid**"
                : pass ? "met"
                       : "**missed**");
    if (!r.ok) std::fprintf(stderr, "bench_fmt: %d rules: %s\n", rules, r.error.c_str());
  }
  return all_ok ? 0 : 1;
}
