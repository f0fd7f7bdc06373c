// diff_engines: the seeded two-engine differential run at scale, a tool rather than a test.
// Random policies and records (tests/differential/random_policy.h), every record decided on every
// path of tests/differential/differential.h; reports the disagreements (each with its seed and
// policy number, to reproduce) and the coverage counts. docs/testing.md has the latest run.
//
//   diff_engines --cases 10000000                 10 M records, 1,000 per policy, 2 threads
//   diff_engines --cases 100000 --seed 7 --records-per-policy 200 --threads 1
//   diff_engines --seed 7 --policy 123            one policy of a run again (a reproduction)
//
// Exit status: 0 when every path agreed on every record, 1 on a disagreement, 2 on bad usage.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/differential/differential.h"
#include "tests/differential/random_policy.h"

namespace {

using licit::testing::DiffCoverage;
using licit::testing::DiffFailure;
using licit::testing::EngineDiff;
using licit::testing::Gen;

struct Options {
  uint64_t cases = 1000000;
  uint64_t per_policy = 1000;
  uint64_t seed = 20261205;
  int threads = 2;
  int64_t only_policy = -1;
  int max_failures = 10;
  bool check_index = true;
};

// The seed of policy `pi` of a run: the policy and its records come from it alone, so any one
// policy can be run again with --policy.
uint64_t PolicySeed(uint64_t seed, uint64_t pi) { return seed * 1000003 + pi; }

int Usage() {
  std::fprintf(stderr,
               "usage: diff_engines [--cases N] [--records-per-policy N] [--seed S] "
               "[--threads N] [--policy I] [--max-failures N] [--no-index-check]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--no-index-check") {
      o.check_index = false;
      continue;
    }
    if ((v = next()) == nullptr) return Usage();
    if (arg == "--cases") o.cases = std::strtoull(v, nullptr, 10);
    else if (arg == "--records-per-policy")
      o.per_policy = std::max<uint64_t>(1, std::strtoull(v, nullptr, 10));
    else if (arg == "--seed") o.seed = std::strtoull(v, nullptr, 10);
    else if (arg == "--threads") o.threads = std::max(1, std::atoi(v));
    else if (arg == "--policy") o.only_policy = std::strtoll(v, nullptr, 10);
    else if (arg == "--max-failures") o.max_failures = std::max(1, std::atoi(v));
    else return Usage();
  }
  const uint64_t policies = o.only_policy >= 0 ? 1 : (o.cases + o.per_policy - 1) / o.per_policy;
  std::atomic<uint64_t> next_policy{0};
  std::atomic<int> failures{0};
  std::mutex mu;  // the coverage sum, the output and compiling (one compile at a time)
  DiffCoverage total;
  const auto start = std::chrono::steady_clock::now();
  auto last_report = start;

  auto worker = [&]() {
    for (;;) {
      const uint64_t k = next_policy.fetch_add(1);
      if (k >= policies || failures.load() >= o.max_failures) return;
      const uint64_t pi = o.only_policy >= 0 ? static_cast<uint64_t>(o.only_policy) : k;
      Gen gen(PolicySeed(o.seed, pi));
      const std::string text = gen.Policy();
      std::string error;
      std::unique_ptr<EngineDiff> diff;
      {
        std::lock_guard<std::mutex> lock(mu);
        diff = EngineDiff::Compile(text, &error);
      }
      if (!diff) {
        std::lock_guard<std::mutex> lock(mu);
        std::printf(
            "DISAGREEMENT (seed %llu, policy %llu): the generated policy does not "
            "compile:\n%s\n%s\n",
            static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(pi),
            error.c_str(), text.c_str());
        ++failures;
        continue;
      }
      diff->set_check_index(o.check_index);
      const uint64_t n = std::min(o.per_policy, o.cases - std::min(o.cases, k * o.per_policy));
      DiffFailure failure;
      for (uint64_t ri = 0; ri < (o.only_policy >= 0 ? o.per_policy : n); ++ri) {
        licit::decide::DecideOptions options;
        if (ri % 17 == 0) options.as_of = 20100 + static_cast<licit::DayNumber>(ri % 700);
        if (!diff->Check(gen.Record(static_cast<int>(ri)), options, &failure)) {
          std::lock_guard<std::mutex> lock(mu);
          std::printf(
              "DISAGREEMENT (seed %llu, policy %llu, record %llu; rerun with --seed %llu "
              "--policy %llu): %s\n",
              static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(pi),
              static_cast<unsigned long long>(ri), static_cast<unsigned long long>(o.seed),
              static_cast<unsigned long long>(pi), failure.Text().c_str());
          ++failures;
          break;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      total.Add(diff->coverage());
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report > std::chrono::seconds(30)) {
        last_report = now;
        const double s = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "%llu policies, %llu records, %.0f s, %.0f records/s\n",
                     static_cast<unsigned long long>(total.policies),
                     static_cast<unsigned long long>(total.records), s, total.records / s);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "| seed | policies | records compared | disagreements | wall | records/s (all threads) | "
      "threads |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %llu | %llu | %llu | %d | %.0f s | %.0f | %d |\n\n",
              static_cast<unsigned long long>(o.seed),
              static_cast<unsigned long long>(total.policies),
              static_cast<unsigned long long>(total.records), failures.load(), seconds,
              total.records / seconds, o.threads);
  std::printf("%s", total.Text().c_str());
  return failures.load() == 0 ? 0 : 1;
}
