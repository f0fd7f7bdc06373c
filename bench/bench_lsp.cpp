// `bench_lsp`: what an author waits for in the editor (licit::Workspace, the language server's
// engine), on a generated policy: the re-check after a one-character edit (the diagnostics the
// server publishes), and hover, completion and references right after an edit (each includes the
// re-check the edit made necessary). Prints a markdown table with the goal and pass/fail.
//
//   bench_lsp                      1,000 rules, best of 5 (and the median)
//   bench_lsp --rules 10000 --runs 3
//
// Exit status: 0 when every goal is met, 1 otherwise.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/policy_gen.h"
#include "licit/licit.hpp"

namespace {

// The goal for the re-check of a 1,000-rule document; other sizes scale per rule.
constexpr double kGoalMsPer1k = 100.0;

struct Timing {
  double best_ms = 0, median_ms = 0;
};

template <typename Fn>
Timing Measure(int runs, Fn&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn(i);
    std::chrono::duration<double, std::milli> d = std::chrono::steady_clock::now() - start;
    ms.push_back(d.count());
  }
  std::sort(ms.begin(), ms.end());
  return Timing{ms.front(), ms[ms.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  int rules = 1000, runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rules") {
      rules = std::max(1, std::atoi(argv[i + 1]));
    } else if (flag == "--runs") {
      runs = std::max(1, std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: bench_lsp [--rules N] [--runs R]\n");
      return 2;
    }
  }
  std::string text = licit::bench::GeneratePolicy({.rules = rules});
  const std::string path = "bench-generated.licit";
  licit::Workspace ws;
  ws.set_document(path, text);
  if (!ws.check(path).ok()) {
    std::fprintf(stderr, "bench_lsp: the generated policy does not check\n");
    return 1;
  }
  // The edit: one character typed into the last line's comment or text, and taken back, so
  // every run checks a changed document of the same size.
  size_t at = text.rfind('\n', text.size() - 2) + 1;
  auto edit = [&](int i) {
    std::string changed = text;
    changed.insert(at, (i % 2) ? " " : "  ");
    ws.set_document(path, std::move(changed));
  };
  // Somewhere to hover, complete and rename in the middle of the document: a rule's name.
  uint32_t rule_at = static_cast<uint32_t>(text.find("\nrule ", text.size() / 2) + 6);
  double goal = kGoalMsPer1k * rules / 1000.0;

  struct Row {
    const char* what;
    Timing t;
  };
  std::vector<Row> rows;
  rows.push_back({"re-check after a one-character edit", Measure(runs, [&](int i) {
                    edit(i);
                    (void)ws.check(path).diagnostics();
                  })});
  rows.push_back({"hover after an edit", Measure(runs, [&](int i) {
                    edit(i);
                    (void)ws.hover(path, rule_at);
                  })});
  rows.push_back({"completion after an edit", Measure(runs, [&](int i) {
                    edit(i);
                    (void)ws.completions(path, rule_at);
                  })});
  rows.push_back({"references after an edit", Measure(runs, [&](int i) {
                    edit(i);
                    (void)ws.references(path, rule_at, true);
                  })});
  rows.push_back({"hover, no edit since (cached)",
                  Measure(runs, [&](int) { (void)ws.hover(path, rule_at); })});

  std::printf("%d rules, %zu bytes, best and median of %d\n\n", rules, text.size(), runs);
  std::printf(
      "| request | best (ms) | median (ms) | goal (ms) | result |\n|---|---:|---:|---:|---|\n");
  bool ok = true;
  for (const Row& r : rows) {
    bool met = r.t.median_ms <= goal;
    ok = ok && met;
    std::printf("| %s | %.1f | %.1f | %.0f | %s |\n", r.what, r.t.best_ms, r.t.median_ms, goal,
                met ? "met" : "**missed**");
  }
  return ok ? 0 : 1;
}
