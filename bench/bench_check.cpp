// `bench_check`: times the front end (parse + check, in process) on generated policies and prints
// a markdown table with the goal and pass/fail. Each size runs in a forked child so its peak RSS
// (getrusage) is its own, not the high-water mark left by an earlier, larger run.
//
//   bench_check                    1,000 and 10,000 rules, best of 3
//   bench_check --rules 500,20000 --runs 5
//
// Exit status: 0 when every goal is met and every policy is valid, 1 otherwise.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/diagnostic.h"
#include "base/source.h"
#include "base/text.h"
#include "bench/policy_gen.h"
#include "frontend/pipeline.h"
#include "frontend/sema/checked.h"

using licit::Thousands;

namespace {

// The product goal: a 10,000-rule policy checks in under 3 seconds. Smaller sizes get the same
// per-rule budget, so a regression shows at every size.
constexpr double kGoalSecondsPer10k = 3.0;

struct Result {
  int rules = 0;
  size_t bytes = 0;
  size_t lines = 0;
  double best_seconds = 0;
  double worst_seconds = 0;
  double best_cpu_seconds = 0;  // user + system: tells load on a shared machine from real cost
  size_t errors = 0;
  size_t warnings = 0;
  long peak_rss_kib = 0;
  std::string first_diagnostic;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Result Measure(int rules, int runs) {
  Result r;
  r.rules = rules;
  std::string text = licit::bench::GeneratePolicy({.rules = rules});
  r.bytes = text.size();
  r.lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  r.best_seconds = 1e9;
  r.best_cpu_seconds = 1e9;
  for (int run = 0; run < runs; ++run) {
    // Fresh sources and sink each run: this is what one `licit check` does, minus reading the file.
    licit::SourceManager sources;
    licit::DiagnosticSink diags;
    double cpu_start = CpuSeconds();
    auto start = std::chrono::steady_clock::now();
    licit::frontend::PipelineOptions check_only;
    check_only.lower = false;
    auto program = licit::frontend::CompileText(sources, "bench.licit", text, diags, check_only);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.best_seconds = std::min(r.best_seconds, seconds);
    r.best_cpu_seconds = std::min(r.best_cpu_seconds, CpuSeconds() - cpu_start);
    r.worst_seconds = std::max(r.worst_seconds, seconds);
    r.errors = diags.error_count();
    r.warnings = diags.warning_count();
    if (!diags.all().empty() && r.first_diagnostic.empty()) {
      r.first_diagnostic =
          sources.Where(diags.all().front().span) + ": " + diags.all().front().message;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  r.peak_rss_kib = usage.ru_maxrss;  // kilobytes on Linux
  return r;
}

// Runs Measure in a child process and reads its result back through a pipe.
bool MeasureInChild(int rules, int runs, Result* out) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fds[0]);
    Result r = Measure(rules, runs);
    std::string line = fmt::format("{} {} {} {:.6f} {:.6f} {:.6f} {} {} {} {}\n", r.rules, r.bytes,
                                   r.lines, r.best_seconds, r.worst_seconds, r.best_cpu_seconds,
                                   r.errors, r.warnings, r.peak_rss_kib, r.first_diagnostic);
    ssize_t ignored = write(fds[1], line.data(), line.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string line;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    line.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || line.empty()) return false;
  int consumed = 0;
  if (std::sscanf(line.c_str(), "%d %zu %zu %lf %lf %lf %zu %zu %ld %n", &out->rules, &out->bytes,
                  &out->lines, &out->best_seconds, &out->worst_seconds, &out->best_cpu_seconds,
                  &out->errors, &out->warnings, &out->peak_rss_kib, &consumed) < 9) {
    return false;
  }
  out->first_diagnostic = line.substr(static_cast<size_t>(consumed));
  if (!out->first_diagnostic.empty() && out->first_diagnostic.back() == '\n') {
    out->first_diagnostic.pop_back();
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {1000, 10000};
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rules" && i + 1 < argc) {
      sizes.clear();
      std::string list = argv[++i];
      for (size_t pos = 0; pos <= list.size();) {
        size_t comma = std::min(list.find(',', pos), list.size());
        sizes.push_back(std::atoi(list.substr(pos, comma - pos).c_str()));
        pos = comma + 1;
      }
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: bench_check [--rules N,N,...] [--runs K]\n");
      return 2;
    }
  }

  bool ok = true;
  std::string table = fmt::format(
      "| rules | policy size | lines | parse+check (best of {}) | worst | best CPU time | "
      "peak RSS | errors | warnings | goal | result |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
      runs);
  std::vector<std::string> problems;
  for (int rules : sizes) {
    Result r;
    if (!MeasureInChild(rules, runs, &r)) {
      problems.push_back(fmt::format("{} rules: the measuring process failed", rules));
      ok = false;
      continue;
    }
    double goal = kGoalSecondsPer10k * rules / 10000.0;
    bool pass = r.best_seconds < goal && r.errors == 0;
    ok = ok && pass;
    if (r.errors > 0 || r.warnings > 0) {
      problems.push_back(fmt::format("{} rules: {} errors, {} warnings; first: {}", rules, r.errors,
                                     r.warnings, r.first_diagnostic));
    }
    table += fmt::format(
        "| {} | {:.1f} MB | {} | {:.3f} s | {:.3f} s | {:.3f} s | {:.0f} MB | {} | {} | < {:.2f} s "
        "| {} |\n",
        Thousands(static_cast<size_t>(r.rules)), r.bytes / 1e6, Thousands(r.lines), r.best_seconds,
        r.worst_seconds, r.best_cpu_seconds, r.peak_rss_kib / 1024.0, r.errors, r.warnings, goal,
        pass ? "pass" : "FAIL");
  }
  std::fputs(table.c_str(), stdout);
  for (const std::string& p : problems) std::fprintf(stdout, "\n- %s", p.c_str());
  if (!problems.empty()) std::fputs("\n", stdout);
  return ok ? 0 : 1;
}
