// `bench_interp`: the reference workload (/work/shared/bench, ported in reference_workload.h)
// through Licit, beside the peer engines measured on the same records.
//
//   1. Decisions/s of the reference interpreter: the records are generated in memory, decoded once
//      by the JSON Lines reader into rt::Record objects, then Decide runs over all of them on one
//      thread, best of K runs. The decision counts are checked against the table in
//      /work/shared/bench/README.md (all 1,000,000 records only) and print PASS or FAIL.
//   2. `licit run` end to end (records/s): the built binary on the JSON Lines file, --threads 1
//      and 2, decisions to /dev/null (stdout), best of K runs; its counts are checked too. Each
//      twice: the JIT compiling the policy in every run (LICIT_JIT_CACHE=off: a policy's first
//      run) and its code loaded from a warm code cache in a temporary directory (every later run,
//      the command line's default). Then two threads' speed-up over one, for each: nine
//      alternating runs of each thread count, the ratio of the medians (and of the bests); and
//      the same for a program that only computes, as long as small.licit's one-thread run: the
//      machine's own speed-up for two threads at that moment.
//
//   bench_interp                       1,000,000 records, best of 3, both parts
//   bench_interp --records 100000      a quick look (counts are then not checked)
//   bench_interp --runs 5 --no-run     interpreter only
//   bench_interp --engine jit          only the JIT (rt::Decision, rt::Verdict, flat records)
//   bench_interp --engine interp       only the interpreter
//   bench_interp --engine verdict      only the JIT's rt::Verdict from rt::Records (profiling)
//   bench_interp --engine flat         only the JIT's rt::Verdict from flat records (profiling)
//   bench_interp --policy small        only one of the two policies (profiling)
//   bench_interp --licit PATH --policies DIR
//
// Each policy's interpreter part runs in a forked child so its peak RSS (getrusage) is its own;
// `licit run`'s peak RSS is the child process's. Rates are given by wall time and by CPU time
// (user + system; on a loaded machine the CPU figure is the one that tells the engine's speed).
// Exit status 1 when a count check fails.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/diagnostic.h"
#include "base/source.h"
#include "base/text.h"
#include "bench/bench_util.h"
#include "bench/reference_workload.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/jit.h"
#include "frontend/pipeline.h"
#include "frontend/sema/checked.h"
#include "io/record_reader.h"

#ifndef LICIT_BENCH_POLICY_DIR
#define LICIT_BENCH_POLICY_DIR "bench/policies"
#endif
#ifndef LICIT_BENCH_LICIT
#define LICIT_BENCH_LICIT "licit"
#endif

using licit::Thousands;

namespace {

using licit::bench::MemoryBuf;
using licit::bench::ThreadCpuSeconds;

using licit::rt::Effect;

// The correct decision counts on all 1,000,000 reference records (/work/shared/bench/README.md).
struct Expected {
  const char* policy;
  uint64_t allow, deny, license, review;
};
constexpr Expected kExpected[] = {
    {"small", 919'846, 18'594, 32'933, 28'627},
    {"large", 796'289, 152'470, 26'373, 24'868},
};

// The peers' figures on the same records, from /work/shared/bench/README.md (one thread, records
// already parsed, median of 3).
struct Peer {
  const char* engine;
  double small, large;
};
constexpr Peer kPeers[] = {
    {"CEL (@marcbachmann/cel-js 8.0.0, Node 20)", 1'983'484, 12'175},
    {"CEL (@bufbuild/cel 0.6.1)", 610'368, 4'765},
    {"json-rules-engine 7.3.1", 21'400, 64},
    {"Cedar 4.13.0 (cedar-wasm, from Node)", 9'513, 290},
    {"hand-written JavaScript", 4'122'307, 29'960},
    {"hand-written JavaScript with a hash index", 3'903'445, 2'977'172},
};

struct Counts {
  uint64_t by_effect[6] = {};
  uint64_t Get(Effect e) const { return by_effect[static_cast<int>(e)]; }
};

// PASS / FAIL against the README, or "n/a" when not all 1,000,000 records were used.
std::string Check(const char* policy, const Counts& c, uint64_t records, bool* failed) {
  if (records != licit::bench::kReferenceCount) return "n/a (needs 1M records)";
  for (const Expected& e : kExpected) {
    if (std::string(policy) != e.policy) continue;
    bool ok = c.Get(Effect::Allow) == e.allow && c.Get(Effect::Deny) == e.deny &&
              c.Get(Effect::License) == e.license && c.Get(Effect::Review) == e.review &&
              c.Get(Effect::Error) == 0 && c.Get(Effect::Exempt) == 0;
    if (!ok) *failed = true;
    return ok ? "PASS" : "FAIL";
  }
  return "n/a";
}

std::string CountsText(const Counts& c) {
  return fmt::format("{} / {} / {} / {}", c.Get(Effect::Allow), c.Get(Effect::Deny),
                     c.Get(Effect::License), c.Get(Effect::Review));
}

std::string Rate(double per_second) { return Thousands(static_cast<uint64_t>(per_second + 0.5)); }

// What one policy's interpreter part measured (a POD: it crosses a pipe from the child).
struct InterpResult {
  bool ok = false;
  char error[256] = {};
  uint64_t records = 0;
  uint64_t read_errors = 0;
  double decode_seconds = 0;
  double best_seconds = 0, worst_seconds = 0, best_cpu_seconds = 0;
  Counts counts;
  long peak_rss_kib = 0;
  uint64_t slow = 0;        // Mode::kJitVerdict, kJitFlat: records decided by the full path
  double pack_seconds = 0;  // kJitFlat: packing the decoded records into the flat layout
  uint32_t flat_bytes = 0;  // kJitFlat: bytes per flat record
};

// What is timed per record.
enum class Mode {
  kInterp,       // interp::Interpreter::Decide: the full rt::Decision
  kJitDecision,  // jit::JitProgram::Decide: the full rt::Decision (fast path + MaterializeVerdict)
  kJitVerdict,   // jit::JitProgram::DecideVerdict: effect and rules by index, no strings
                 // (records it cannot decide go through Decide, and are counted); each
                 // rt::Record is packed into the compiled layout per decision, as `licit run` does
  kJitFlat,      // the same on records kept in the JIT's compiled layout (rt::FlatBatch, packed
                 // once after decoding, like the decoding itself): the JIT's records in memory
};
constexpr int kModes = 4;
const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kInterp: return "interpreter, rt::Decision";
    case Mode::kJitDecision: return "JIT, rt::Decision";
    case Mode::kJitVerdict: return "JIT, rt::Verdict";
    case Mode::kJitFlat: return "JIT, rt::Verdict, flat records";
  }
  return "?";
}

InterpResult MeasureInterp(const std::string& policy_path, uint64_t n, int runs, Mode mode) {
  InterpResult r;
  licit::SourceManager sources;
  licit::DiagnosticSink diags;
  std::unique_ptr<licit::ir::Program> program =
      licit::frontend::CompileFiles(sources, {policy_path}, diags).program;
  if (diags.has_errors() || !program) {
    std::snprintf(r.error, sizeof r.error, "%s: does not compile (%zu errors)", policy_path.c_str(),
                  diags.error_count());
    return r;
  }
  licit::interp::Interpreter interp(*program);
  std::unique_ptr<licit::jit::JitProgram> jit;
  if (mode != Mode::kInterp) {
    std::string error;
    jit = licit::jit::JitProgram::Compile(*program, interp, &error);
    if (!jit) {
      std::snprintf(r.error, sizeof r.error, "%s: JIT: %s", policy_path.c_str(), error.c_str());
      return r;
    }
  }
  uint64_t slow = 0;  // kJitVerdict, kJitFlat: records the fast path handed to Decide
  licit::rt::Verdict verdict;
  auto decide = [&](const licit::rt::Record& rec) -> Effect {
    if (jit && (mode == Mode::kJitVerdict || mode == Mode::kJitFlat)) {
      if (jit->DecideVerdict(rec, {}, verdict)) return verdict.effect;
      ++slow;
      return jit->Decide(rec).effect;
    }
    if (jit) return jit->Decide(rec).effect;
    return interp.Decide(rec).effect;
  };
  const licit::rt::RecordLayout& layout = program->input;

  // Decode once: every record into its own rt::Record, their slots and strings one after the
  // other in an arena (records in memory, as a service holding a batch would keep them).
  licit::rt::RecordArena arena;
  std::vector<licit::rt::Record> records;
  {
    std::string text = licit::bench::ReferenceJsonl(n);
    MemoryBuf buf(text);
    std::istream in(&buf);
    auto reader = licit::io::MakeReader(licit::io::Format::JsonLines, in, layout);
    records.reserve(n);
    licit::io::ReadResult result;
    auto start = std::chrono::steady_clock::now();
    for (;;) {
      records.emplace_back(&layout, &arena);
      if (!reader->Next(records.back(), result)) {
        records.pop_back();
        break;
      }
      if (!result.ok) ++r.read_errors;
    }
    r.decode_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  r.records = records.size();
  std::optional<licit::rt::FlatBatch> flat;
  if (mode == Mode::kJitFlat) {
    flat.emplace(jit->flat_layout());
    flat->Reserve(records.size());
    auto start = std::chrono::steady_clock::now();
    for (const licit::rt::Record& rec : records) flat->Add(rec);
    r.pack_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.flat_bytes = jit->flat_layout().record_bytes();
  }

  for (int run = 0; run < runs; ++run) {
    Counts counts;
    double cpu0 = ThreadCpuSeconds();
    auto start = std::chrono::steady_clock::now();
    slow = 0;
    if (flat) {
      for (size_t i = 0; i < flat->size(); ++i) {
        Effect e;
        if (jit->DecideVerdict(flat->record(i), {}, verdict)) {
          e = verdict.effect;
        } else {
          ++slow;
          e = jit->Decide(records[i]).effect;
        }
        ++counts.by_effect[static_cast<int>(e)];
      }
    } else
      for (const licit::rt::Record& rec : records)
        ++counts.by_effect[static_cast<int>(decide(rec))];
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = ThreadCpuSeconds() - cpu0;
    if (run == 0 || seconds < r.best_seconds) r.best_seconds = seconds;
    if (run == 0 || cpu < r.best_cpu_seconds) r.best_cpu_seconds = cpu;
    r.worst_seconds = std::max(r.worst_seconds, seconds);
    r.counts = counts;
  }
  r.slow = slow;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  r.peak_rss_kib = usage.ru_maxrss;
  r.ok = true;
  return r;
}

InterpResult MeasureInterpInChild(const std::string& policy_path, uint64_t n, int runs, Mode mode) {
  InterpResult r;
  int fds[2];
  if (pipe(fds) != 0) {
    std::snprintf(r.error, sizeof r.error, "pipe failed");
    return r;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    InterpResult child = MeasureInterp(policy_path, n, runs, mode);
    ssize_t w = write(fds[1], &child, sizeof child);
    _exit(w == static_cast<ssize_t>(sizeof child) ? 0 : 1);
  }
  close(fds[1]);
  size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(&r);
  while (got < sizeof r) {
    ssize_t k = read(fds[0], bytes + got, sizeof r - got);
    if (k <= 0) break;
    got += static_cast<size_t>(k);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof r) {
    r = InterpResult{};
    std::snprintf(r.error, sizeof r.error, "the measuring child failed (status %d)", status);
  }
  return r;
}

struct RunResult {
  bool ok = false;
  std::string error;
  double best_seconds = 0, best_cpu_seconds = 0;
  long peak_rss_kib = 0;
  Counts counts;
};

// Parses `--summary counts` ("  deny 1, license 2, review 3, exempt 0, allow 4, error 0").
bool ParseSummary(const std::string& text, Counts* c) {
  const std::pair<const char*, Effect> names[] = {
      {"deny ", Effect::Deny},     {"license ", Effect::License}, {"review ", Effect::Review},
      {"exempt ", Effect::Exempt}, {"allow ", Effect::Allow},     {"error ", Effect::Error}};
  size_t line = text.find("\n  ");
  if (line == std::string::npos) return false;
  for (auto [name, effect] : names) {
    size_t at = text.find(name, line);
    if (at == std::string::npos) return false;
    uint64_t v = 0;
    for (size_t i = at + std::string(name).size(); i < text.size(); ++i) {
      if (text[i] == ',') {
        if (i + 1 < text.size() && text[i + 1] == ' ') break;
        continue;  // a thousands separator
      }
      if (text[i] < '0' || text[i] > '9') break;
      v = v * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    c->by_effect[static_cast<int>(effect)] = v;
  }
  return true;
}

// `licit run POLICY --records FILE --threads T --summary counts > /dev/null`, best of `runs`,
// with LICIT_JIT_CACHE=`jit_cache` (`off`: compiled in each run; a directory: one warm-up run
// first, not counted, so that every counted run loads the code);
// with `out` the decisions go to that file instead (`--out`: a temporary file beside it, synced
// and renamed over it at the end, as a user's run to a file does): a new file each run, or with
// `replace` one that replaces the previous run's (whose blocks the kernel frees in the rename:
// 40-60 ms for 1 M decisions on this machine's ext4).
RunResult MeasureRun(const std::string& licit, const std::string& policy, const std::string& file,
                     int threads, int runs, const std::string& jit_cache,
                     const std::string& out = "", bool replace = false, bool warm = false) {
  RunResult r;
  const bool warm_up = jit_cache != "off" && !warm;
  char err_path[] = "/tmp/bench_interp_stderr.XXXXXX";
  int err_fd = mkstemp(err_path);
  if (err_fd < 0) {
    r.error = "mkstemp failed";
    return r;
  }
  for (int run = warm_up ? -1 : 0; run < runs; ++run) {
    if (ftruncate(err_fd, 0) != 0 || lseek(err_fd, 0, SEEK_SET) != 0) break;
    if (!out.empty() && !replace) unlink(out.c_str());
    auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      int null_fd = open("/dev/null", O_WRONLY);
      dup2(null_fd, STDOUT_FILENO);
      dup2(err_fd, STDERR_FILENO);
      setenv("LICIT_JIT_CACHE", jit_cache.c_str(), 1);
      std::string t = std::to_string(threads);
      if (!out.empty()) {
        execl(licit.c_str(), licit.c_str(), "run", policy.c_str(), "--records", file.c_str(),
              "--threads", t.c_str(), "--summary", "counts", "--out", out.c_str(),
              static_cast<char*>(nullptr));
      }
      execl(licit.c_str(), licit.c_str(), "run", policy.c_str(), "--records", file.c_str(),
            "--threads", t.c_str(), "--summary", "counts", static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    double cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
    std::ifstream in(err_path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      r.error = fmt::format("`{} run {}` failed (status {}): {}", licit, policy, status, text);
      break;
    }
    Counts c;
    if (!ParseSummary(text, &c)) {
      r.error = "cannot read the summary: " + text;
      break;
    }
    if (run < 0) continue;  // the warm-up run: it stored the code
    if (run == 0 || seconds < r.best_seconds) r.best_seconds = seconds;
    if (run == 0 || cpu < r.best_cpu_seconds) r.best_cpu_seconds = cpu;
    r.peak_rss_kib = std::max(r.peak_rss_kib, usage.ru_maxrss);
    r.counts = c;
    r.ok = run == runs - 1;
  }
  close(err_fd);
  unlink(err_path);
  return r;
}

// The machine's own two-thread speed-up, for the ratio above to be read against: a forked child
// (no exec, so no start of its own to pay) splits N steps of a xorshift generator, in registers
// only, among T threads. On a virtual machine the two CPUs may share caches, memory bandwidth or a
// core with other guests; this is the ceiling that leaves for work that touches no memory at all.
uint64_t ComputeSteps(uint64_t steps) {
  uint64_t x = 88172645463325252ULL;
  for (uint64_t i = 0; i < steps; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

int RunCompute(int threads, uint64_t steps) {
  std::vector<uint64_t> results(static_cast<size_t>(threads));
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) {
    helpers.emplace_back([&, t] { results[t] = ComputeSteps(steps / threads); });
  }
  results[0] = ComputeSteps(steps / threads);
  for (std::thread& h : helpers) h.join();
  uint64_t all = 0;
  for (uint64_t r : results) all ^= r;
  return all == 1 ? 1 : 0;  // (uses the results, so the work is not optimised away)
}

// Wall seconds of one forked child running RunCompute (this process has no other thread).
double TimeCompute(int threads, uint64_t steps) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) _exit(RunCompute(threads, steps));
  int status = 0;
  waitpid(pid, &status, 0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = licit::bench::kReferenceCount;
  int runs = 3;
  bool do_run = true;
  std::string licit = LICIT_BENCH_LICIT;
  std::string policy_dir = LICIT_BENCH_POLICY_DIR;
  std::vector<int> thread_counts = {1, 2};
  std::string only_policy;  // --policy small|large: measure just that one (profiling)
  std::vector<Mode> modes = {Mode::kInterp, Mode::kJitDecision, Mode::kJitVerdict, Mode::kJitFlat};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--records" && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--engine" && i + 1 < argc) {
      const std::string engine = argv[++i];
      if (engine == "interp") {
        modes = {Mode::kInterp};
      } else if (engine == "jit" || engine == "verdict" || engine == "flat") {
        if (engine == "jit") modes = {Mode::kJitDecision, Mode::kJitVerdict, Mode::kJitFlat};
        else modes = {engine == "verdict" ? Mode::kJitVerdict : Mode::kJitFlat};
      } else {
        std::fprintf(stderr, "bench_interp: --engine must be interp, jit, verdict or flat\n");
        return 2;
      }
    } else if (arg == "--policy" && i + 1 < argc) {
      only_policy = argv[++i];
    } else if (arg == "--no-run") {
      do_run = false;
    } else if (arg == "--licit" && i + 1 < argc) {
      licit = argv[++i];
    } else if (arg == "--policies" && i + 1 < argc) {
      policy_dir = argv[++i];
    } else {
      std::fprintf(
          stderr,
          "usage: bench_interp [--records N] [--runs K] [--engine interp|jit|verdict|flat] "
          "[--policy small|large] [--no-run] "
          "[--licit PATH] "
          "[--policies DIR]\n");
      return 2;
    }
  }
  const char* names[] = {"small", "large"};
  bool failed = false;

  std::printf("Reference workload: %s records (seed %u), best of %d, one thread\n\n",
              Rate(static_cast<double>(n)).c_str(), licit::bench::kReferenceSeed, runs);
  InterpResult interp[kModes][2];  // [mode][policy]
  std::printf(
      "| engine, result | policy | records | decode (JSON Lines reader) | decide: best | "
      "worst | best CPU | decisions/s | by CPU time | peak RSS | "
      "allow / deny / license / review | check |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
  for (Mode mode : modes)
    for (int p = 0; p < 2; ++p) {
      if (!only_policy.empty() && only_policy != names[p]) continue;
      std::string path = policy_dir + "/" + names[p] + ".licit";
      InterpResult& r = interp[static_cast<int>(mode)][p] =
          MeasureInterpInChild(path, n, runs, mode);
      std::fflush(stdout);
      if (!r.ok) {
        std::printf("| %s | %s.licit | error: %s |\n", ModeName(mode), names[p], r.error);
        failed = true;
        continue;
      }
      std::string check = Check(names[p], r.counts, r.records, &failed);
      if (r.read_errors) {
        check += fmt::format(" ({} read errors)", r.read_errors);
        failed = true;
      }
      if (mode == Mode::kJitVerdict || mode == Mode::kJitFlat)
        check += fmt::format(" ({} by the full path)", r.slow);
      if (mode == Mode::kJitFlat)
        check += fmt::format(" ({} B per flat record, packed at {} records/s)", r.flat_bytes,
                             Rate(static_cast<double>(r.records) / r.pack_seconds));
      std::printf(
          "| %s | %s.licit | %s | %s records/s | %.3f s | %.3f s | %.3f s | %s | %s | %ld MB | %s "
          "| %s |\n",
          ModeName(mode), names[p], Rate(static_cast<double>(r.records)).c_str(),
          Rate(static_cast<double>(r.records) / r.decode_seconds).c_str(), r.best_seconds,
          r.worst_seconds, r.best_cpu_seconds,
          Rate(static_cast<double>(r.records) / r.best_seconds).c_str(),
          Rate(static_cast<double>(r.records) / r.best_cpu_seconds).c_str(), r.peak_rss_kib / 1024,
          CountsText(r.counts).c_str(), check.c_str());
      std::fflush(stdout);
    }

  // [JIT code: 0 compiled in each run, 1 from a warm code cache][threads index][policy]
  RunResult run[2][2][2];
  if (do_run) {
    char dir[] = "/tmp/bench_interp.XXXXXX";
    if (!mkdtemp(dir)) {
      std::perror("mkdtemp");
      return 1;
    }
    std::string file = std::string(dir) + "/records.jsonl";
    if (!licit::bench::WriteReferenceFile(file, n)) {
      std::perror(file.c_str());
      return 1;
    }
    std::printf(
        "\n`licit run` (%s) on the JSON Lines file (%s records), decisions to /dev/null, "
        "best of %d:\n\n",
        licit.c_str(), Rate(static_cast<double>(n)).c_str(), runs);
    std::printf(
        "| policy | JIT code | threads | wall (best) | CPU (best) | records/s | by CPU time | "
        "peak RSS | allow / deny / license / review | check |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    const std::string cache_dir = std::string(dir) + "/jit-cache";
    const char* kCacheNames[2] = {"compiled", "cached"};
    for (int c = 0; c < 2; ++c) {
      for (size_t t = 0; t < thread_counts.size(); ++t) {
        for (int p = 0; p < 2; ++p) {
          std::string path = policy_dir + "/" + names[p] + ".licit";
          RunResult& r = run[c][t][p] =
              MeasureRun(licit, path, file, thread_counts[t], runs, c == 0 ? "off" : cache_dir);
          if (!r.ok) {
            std::printf("| %s.licit | %s | %d | error: %s |\n", names[p], kCacheNames[c],
                        thread_counts[t], r.error.c_str());
            failed = true;
            continue;
          }
          std::string check = Check(names[p], r.counts, n, &failed);
          std::printf("| %s.licit | %s | %d | %.3f s | %.3f s | %s | %s | %ld MB | %s | %s |\n",
                      names[p], kCacheNames[c], thread_counts[t], r.best_seconds,
                      r.best_cpu_seconds, Rate(static_cast<double>(n) / r.best_seconds).c_str(),
                      Rate(static_cast<double>(n) / r.best_cpu_seconds).c_str(),
                      r.peak_rss_kib / 1024, CountsText(r.counts).c_str(), check.c_str());
          std::fflush(stdout);
        }
      }
    }
    // Two threads against one (the issue-20 goal: 1.9x). A ratio of two bests of three swings
    // by 0.1 on this machine, so this table alternates one-thread and two-thread runs
    // kSpeedupRounds times (the cache, when used, warm from the runs above) and gives the ratio
    // of the medians, with the ratio of the bests beside it.
    if (thread_counts.size() == 2) {
      constexpr int kSpeedupRounds = 9;
      std::printf(
          "\n`licit run`, %d threads against %d, %d alternating runs each: ratio of the medians "
          "(of the bests)\n\n| JIT code | small.licit | large.licit | goal |\n"
          "|---|---:|---:|---:|\n",
          thread_counts[1], thread_counts[0], kSpeedupRounds);
      double one_thread_median[2] = {0, 0};  // small.licit's, cached and not: for the calibration
      for (int c = 0; c < 2; ++c) {
        std::string cells[2];
        for (int p = 0; p < 2; ++p) {
          if (!only_policy.empty() && only_policy != names[p]) continue;
          const std::string path = policy_dir + "/" + names[p] + ".licit";
          std::vector<double> times[2];
          bool ok = true;
          for (int round = 0; round < kSpeedupRounds && ok; ++round) {
            for (int t = 0; t < 2 && ok; ++t) {
              RunResult r = MeasureRun(licit, path, file, thread_counts[t], 1,
                                       c == 0 ? "off" : cache_dir, "", false, /*warm=*/true);
              ok = r.ok;
              if (ok) times[t].push_back(r.best_seconds);
            }
          }
          if (!ok) {
            cells[p] = "error";
            failed = true;
            continue;
          }
          auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
          };
          if (p == 0) one_thread_median[c] = median(times[0]);
          cells[p] = fmt::format("{:.2f}x ({:.2f}x)", median(times[0]) / median(times[1]),
                                 *std::min_element(times[0].begin(), times[0].end()) /
                                     *std::min_element(times[1].begin(), times[1].end()));
        }
        std::printf("| %s | %s | %s | 1.9x |\n", kCacheNames[c], cells[0].c_str(),
                    cells[1].c_str());
        std::fflush(stdout);
      }
      // The same protocol on work that only computes, as long as small.licit's one-thread run
      // (the rate measured here first): what this machine itself gives two threads now.
      if (one_thread_median[1] > 0) {
        const auto start = std::chrono::steady_clock::now();
        volatile uint64_t sink = ComputeSteps(50'000'000);  // (volatile: the work is not elided)
        (void)sink;
        const double rate =
            50e6 / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const auto steps = static_cast<uint64_t>(rate * one_thread_median[1]);
        std::vector<double> times[2];
        for (int round = 0; round < kSpeedupRounds; ++round) {
          for (int t = 0; t < 2; ++t) times[t].push_back(TimeCompute(t + 1, steps));
        }
        for (std::vector<double>& v : times) std::sort(v.begin(), v.end());
        std::printf(
            "| this machine: computing only, as long as small.licit's one-thread run "
            "| %.2fx (%.2fx) | | |\n",
            times[0][kSpeedupRounds / 2] / times[1][kSpeedupRounds / 2], times[0][0] / times[1][0]);
        std::fflush(stdout);
      }
    }
    std::filesystem::remove_all(cache_dir);
    // One thread, the decisions to a file (the issue-20 goal: 1.8 M records/s on small.licit).
    const std::string decisions = std::string(dir) + "/decisions.jsonl";
    std::printf("\n`licit run` to a file (`--out`), one thread, best of %d:\n\n", runs);
    std::printf("| policy | file | wall (best) | CPU (best) | records/s | goal | check |\n");
    std::printf("|---|---|---:|---:|---:|---:|---|\n");
    for (int p = 0; p < 2; ++p) {
      if (!only_policy.empty() && only_policy != names[p]) continue;
      std::string path = policy_dir + "/" + names[p] + ".licit";
      for (bool replace : {false, true}) {
        RunResult r = MeasureRun(licit, path, file, 1, runs, "off", decisions, replace);
        if (!r.ok) {
          std::printf("| %s.licit | error: %s |\n", names[p], r.error.c_str());
          failed = true;
          continue;
        }
        std::string check = Check(names[p], r.counts, n, &failed);
        std::printf("| %s.licit | %s | %.3f s | %.3f s | %s | %s | %s |\n", names[p],
                    replace ? "replacing the last" : "new", r.best_seconds, r.best_cpu_seconds,
                    Rate(static_cast<double>(n) / r.best_seconds).c_str(),
                    p == 0 ? "1,800,000" : "", check.c_str());
        std::fflush(stdout);
      }
    }
    unlink(decisions.c_str());
    unlink(file.c_str());
    rmdir(dir);
  }

  // Licit beside the peers.
  std::printf(
      "\n| engine | small: decisions/s | large: decisions/s | peak RSS (small / large) |\n");
  std::printf("|---|---:|---:|---:|\n");
  auto rate = [&](bool ok, double seconds, uint64_t count) {
    return ok && seconds > 0 ? Rate(static_cast<double>(count) / seconds) : std::string("-");
  };
  for (Mode mode : modes) {
    const InterpResult* r = interp[static_cast<int>(mode)];
    std::printf("| **Licit %s** (records decoded in memory) | %s | %s | %ld / %ld MB |\n",
                ModeName(mode), rate(r[0].ok, r[0].best_seconds, r[0].records).c_str(),
                rate(r[1].ok, r[1].best_seconds, r[1].records).c_str(), r[0].peak_rss_kib / 1024,
                r[1].peak_rss_kib / 1024);
  }
  // The JIT's speed-up over the interpreter (wall time of the best runs; both measured alike).
  for (Mode mode : modes) {
    if (mode == Mode::kInterp || !interp[0][0].ok) continue;
    const InterpResult* r = interp[static_cast<int>(mode)];
    auto ratio = [&](int p) {
      return r[p].ok && interp[0][p].ok && r[p].best_seconds > 0
                 ? fmt::format("{:.1f}x", interp[0][p].best_seconds / r[p].best_seconds)
                 : std::string("-");
    };
    std::printf("| speed-up of %s over the interpreter | %s | %s | |\n", ModeName(mode),
                ratio(0).c_str(), ratio(1).c_str());
  }
  if (do_run) {
    for (size_t t = 0; t < thread_counts.size(); ++t) {
      const RunResult* r = run[0][t];  // the JIT compiling in the run: no help from earlier runs
      std::printf(
          "| **`licit run`**, JSON Lines file to decisions, %d thread%s (records/s) | %s | "
          "%s | %ld / %ld MB |\n",
          thread_counts[t], thread_counts[t] == 1 ? "" : "s",
          rate(r[0].ok, r[0].best_seconds, n).c_str(), rate(r[1].ok, r[1].best_seconds, n).c_str(),
          r[0].peak_rss_kib / 1024, r[1].peak_rss_kib / 1024);
    }
  }
  for (const Peer& peer : kPeers) {
    std::printf("| %s | %s | %s | |\n", peer.engine, Rate(peer.small).c_str(),
                Rate(peer.large).c_str());
  }
  std::printf(
      "\nPeers: /work/shared/bench/README.md (one thread, records already parsed, median "
      "of 3). Counts: %s\n",
      failed ? "FAIL" : (n == licit::bench::kReferenceCount ? "PASS" : "not checked"));
  return failed ? 1 : 0;
}
