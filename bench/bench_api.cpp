// `bench_api`: what the embedding API costs over the engine (docs/embedding.md, "Speed").
//
// The reference workload (bench/reference_workload.h) on bench/policies/{small,large}.licit,
// decided five ways on 1 and 2 threads, each the best of K interleaved rounds:
//
//   engine  Decide(rt::Record)        records decoded beforehand by the JSON Lines reader; the
//                                     engine object called directly (jit::JitProgram or
//                                     interp::Interpreter), as `licit run` does
//   C++     Policy::decide(Record)    records built beforehand with the typed builder
//   engine  ReadJsonRecord + Decide   one JSON text per decision, what `licit eval` does
//   C++     Policy::decide_json
//   C       licit_policy_decide_json  + licit_decision_free
//
// The API's overhead is its time over the engine's on the same path (typed records against
// prepared rt::Records, JSON against ReadJsonRecord + Decide). Rates are decisions per second of
// CPU time (summed over threads; on a shared machine that is the figure that measures the code)
// and of wall time.
//
//   bench_api [--records N] [--runs K] [--engine jit|interp] [--policies DIR] [--policy
//   small|large]...

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

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
#include "licit/licit.h"
#include "licit/licit.hpp"

#ifndef LICIT_BENCH_POLICY_DIR
#define LICIT_BENCH_POLICY_DIR "bench/policies"
#endif

namespace {

using licit::bench::MemoryBuf;
using licit::bench::ThreadCpuSeconds;

struct Rate {
  double cpu = 0, wall = 0;  // decisions per second
  uint64_t checksum = 0;     // sum of effects, to compare paths and keep the work observable
};

// Runs `work(begin, end)` over [0, n) split across `threads`, best of `runs` by CPU time.
Rate Measure(size_t n, int threads, int runs, const std::function<uint64_t(size_t, size_t)>& work) {
  Rate best;
  for (int run = 0; run < runs; ++run) {
    std::vector<double> cpu(static_cast<size_t>(threads));
    std::vector<uint64_t> sums(static_cast<size_t>(threads));
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        size_t begin = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
        size_t end = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
        double c0 = ThreadCpuSeconds();
        sums[static_cast<size_t>(t)] = work(begin, end);
        cpu[static_cast<size_t>(t)] = ThreadCpuSeconds() - c0;
      });
    }
    for (auto& th : pool) th.join();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu_total = 0;
    uint64_t sum = 0;
    for (int t = 0; t < threads; ++t) {
      cpu_total += cpu[static_cast<size_t>(t)];
      sum += sums[static_cast<size_t>(t)];
    }
    Rate r{static_cast<double>(n) / cpu_total, static_cast<double>(n) / wall, sum};
    if (run == 0 || r.cpu > best.cpu) best.cpu = r.cpu;
    if (run == 0 || r.wall > best.wall) best.wall = r.wall;
    best.checksum = r.checksum;
  }
  return best;
}

// Fills a typed record from one JSON object (simdjson DOM), field by field.
void FillRecord(simdjson::dom::element e, const std::string& prefix, licit::Record& r) {
  for (auto [key, value] : e.get_object()) {
    std::string path = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
    switch (value.type()) {
      case simdjson::dom::element_type::OBJECT: {
        // Money written as an object is the one object that is not a nested record.
        simdjson::dom::object o = value.get_object();
        if (o["currency"].error() == simdjson::SUCCESS) {
          r.set_money(path, std::string(o["amount"].get_string().value()),
                      std::string(o["currency"].get_string().value()));
        } else {
          FillRecord(value, path, r);
        }
        break;
      }
      case simdjson::dom::element_type::ARRAY: {
        std::vector<std::string> items;
        for (auto item : value.get_array()) items.emplace_back(item.get_string().value());
        r.set_list(path, items);
        break;
      }
      case simdjson::dom::element_type::STRING:
        r.set(path, std::string_view(value.get_string().value()));
        break;
      case simdjson::dom::element_type::BOOL: r.set(path, bool(value.get_bool().value())); break;
      case simdjson::dom::element_type::INT64:
        r.set(path, int64_t(value.get_int64().value()));
        break;
      case simdjson::dom::element_type::NULL_VALUE: r.set_null(path); break;
      default: r.set(path, std::string(simdjson::minify(value))); break;
    }
  }
}

std::string Pct(double engine, double api) {
  return fmt::format("{:+.1f}%", (engine / api - 1.0) * 100.0);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 200'000;
  int runs = 5;
  std::string engine_name = licit::jit_available() ? "jit" : "interp";
  std::string dir = LICIT_BENCH_POLICY_DIR;
  std::vector<std::string> only;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--records") n = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--policy") only.push_back(argv[i + 1]);
    else if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--engine") engine_name = argv[i + 1];
    else if (a == "--policies") dir = argv[i + 1];
  }
  bool use_jit = engine_name == "jit";
  std::string text = licit::bench::ReferenceJsonl(n);
  std::vector<std::string> lines;
  {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  }
  n = lines.size();
  fmt::print("bench_api: {} reference records, engine {}, best of {} runs, rates in decisions/s\n",
             licit::Thousands(n), engine_name, runs);
  int failures = 0;

  for (const char* name : {"small", "large"}) {
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    std::string path = dir + "/" + name + ".licit";
    // The engine, built as the CLI builds it.
    licit::SourceManager sources;
    licit::DiagnosticSink diags;
    std::unique_ptr<licit::ir::Program> program =
        licit::frontend::CompileFiles(sources, {path}, diags).program;
    if (!program) {
      fmt::print(stderr, "{}: does not compile\n", path);
      return 1;
    }
    licit::interp::Interpreter interp(*program);
    std::unique_ptr<licit::jit::JitProgram> jit;
    if (use_jit) {
      std::string error;
      jit = licit::jit::JitProgram::Compile(*program, interp, &error);
      if (!jit) {
        fmt::print(stderr, "{}: JIT: {}\n", path, error);
        return 1;
      }
    }
    auto engine_decide = [&](const licit::rt::Record& r) {
      if (jit) return jit->Decide(r);
      return interp.Decide(r);
    };
    std::vector<licit::rt::Record> records;
    {
      MemoryBuf buf(text);
      std::istream in(&buf);
      auto reader = licit::io::MakeReader(licit::io::Format::JsonLines, in, program->input);
      licit::io::ReadResult result;
      // Reserved: an rt::Record's values point into its own storage, so it must never be copied
      // by a reallocation.
      records.reserve(n + 1);
      for (;;) {
        records.emplace_back(&program->input);
        if (!reader->Next(records.back(), result)) {
          records.pop_back();
          break;
        }
      }
    }

    // The same policy through the C++ API and the C ABI.
    licit::EngineOptions options;
    options.engine = use_jit ? licit::EngineKind::Jit : licit::EngineKind::Interpreter;
    licit::Engine api_engine(options);
    licit::Compilation c = api_engine.compile_files({path});
    if (!c.ok()) {
      fmt::print(stderr, "{}", c.diagnostics_text());
      return 1;
    }
    licit::Policy policy = c.policy();
    std::vector<licit::Record> typed;
    typed.reserve(n);
    {
      simdjson::dom::parser parser;
      for (const std::string& line : lines) {
        typed.push_back(policy.new_record());
        FillRecord(parser.parse(line), "", typed.back());
        if (!typed.back().ok()) {
          fmt::print(stderr, "record builder: {}\n", typed.back().error());
          return 1;
        }
      }
    }
    licit_engine* c_engine = nullptr;
    licit_compilation* c_compilation = nullptr;
    licit_policy* c_policy = nullptr;
    const char* paths[] = {path.c_str()};
    if (licit_engine_new_with(use_jit ? LICIT_ENGINE_JIT : LICIT_ENGINE_INTERP, 0, &c_engine) ||
        licit_compile_files(c_engine, paths, 1, &c_compilation) ||
        licit_compilation_policy(c_compilation, &c_policy)) {
      fmt::print(stderr, "C ABI: {}\n", licit_last_error());
      return 1;
    }

    struct Path {
      const char* label;
      std::function<uint64_t(size_t, size_t)> work;
      Rate rate[2];
    };
    std::vector<Path> paths_run = {
        {"engine Decide(rt::Record)",
         [&](size_t b, size_t e) {
           uint64_t s = 0;
           for (size_t i = b; i < e; ++i)
             s += static_cast<uint64_t>(engine_decide(records[i]).effect);
           return s;
         },
         {}},
        {"C++ Policy::decide(Record)",
         [&](size_t b, size_t e) {
           uint64_t s = 0;
           for (size_t i = b; i < e; ++i)
             s += static_cast<uint64_t>(policy.decide(typed[i]).effect());
           return s;
         },
         {}},
        {"engine ReadJsonRecord+Decide",
         [&](size_t b, size_t e) {
           uint64_t s = 0;
           licit::rt::Record r(&program->input);
           std::string error;
           for (size_t i = b; i < e; ++i) {
             if (!licit::io::ReadJsonRecord(lines[i], r, error)) {
               s += 5;
               continue;
             }
             s += static_cast<uint64_t>(engine_decide(r).effect);
           }
           return s;
         },
         {}},
        {"C++ Policy::decide_json",
         [&](size_t b, size_t e) {
           uint64_t s = 0;
           for (size_t i = b; i < e; ++i)
             s += static_cast<uint64_t>(policy.decide_json(lines[i]).effect());
           return s;
         },
         {}},
        {"C licit_policy_decide_json",
         [&](size_t b, size_t e) {
           uint64_t s = 0;
           for (size_t i = b; i < e; ++i) {
             licit_decision* d = nullptr;
             licit_policy_decide_json(c_policy, lines[i].data(), lines[i].size(), nullptr, &d);
             s += static_cast<uint64_t>(licit_decision_effect(d));
             licit_decision_free(d);
           }
           return s;
         },
         {}},
    };
    // Interleaved (every path once per round, best round kept), so a burst of load from other
    // processes on a shared machine does not land on one path only.
    for (int round = 0; round < runs; ++round) {
      for (Path& p : paths_run) {
        for (int t = 0; t < 2; ++t) {
          Rate r = Measure(n, t + 1, 1, p.work);
          if (round == 0 || r.cpu > p.rate[t].cpu) p.rate[t].cpu = r.cpu;
          if (round == 0 || r.wall > p.rate[t].wall) p.rate[t].wall = r.wall;
          p.rate[t].checksum = r.checksum;
        }
      }
    }
    uint64_t expected = paths_run[0].rate[0].checksum;
    for (const Path& p : paths_run) {
      for (const Rate& r : p.rate) {
        if (r.checksum != expected) {
          fmt::print(stderr, "{}: {} decided differently (checksum {} != {})\n", name, p.label,
                     r.checksum, expected);
          ++failures;
        }
      }
    }
    if (failures > 0) {
      for (size_t i = 0; i < n; ++i) {
        std::string a = licit::rt::DecisionToJson(engine_decide(records[i]));
        std::string b = policy.decide_json(lines[i]).to_json();
        if (a != b) {
          fmt::print(stderr,
                     "first difference, record {}:\n  {}\n  reader:      {}\n  decide_json: {}\n",
                     i, lines[i], a, b);
          break;
        }
      }
    }

    fmt::print("\n{} ({} rules)\n", path,
               program->policies.empty() ? 0 : program->policies[0].rules.size());
    fmt::print("  {:<30} {:>12} {:>12} {:>12} {:>12}   {:>16}\n", "path", "1 thr CPU", "2 thr CPU",
               "1 thr wall", "2 thr wall", "API overhead CPU");
    for (size_t k = 0; k < paths_run.size(); ++k) {
      const Path& p = paths_run[k];
      std::string overhead;
      const Path* base = k == 1 ? &paths_run[0] : (k >= 3 ? &paths_run[2] : nullptr);
      if (base) {
        overhead =
            Pct(base->rate[0].cpu, p.rate[0].cpu) + " / " + Pct(base->rate[1].cpu, p.rate[1].cpu);
      }
      fmt::print("  {:<30} {:>12} {:>12} {:>12} {:>12}   {:>16}\n", p.label,
                 licit::Thousands(static_cast<uint64_t>(p.rate[0].cpu)),
                 licit::Thousands(static_cast<uint64_t>(p.rate[1].cpu)),
                 licit::Thousands(static_cast<uint64_t>(p.rate[0].wall)),
                 licit::Thousands(static_cast<uint64_t>(p.rate[1].wall)), overhead);
    }
    licit_policy_free(c_policy);
    licit_compilation_free(c_compilation);
    licit_engine_free(c_engine);
  }
  fmt::print(
      "\n(API overhead: time over the engine on the same path, 1 thread / 2 threads; the "
      "C++ typed path against prepared rt::Records, JSON paths against ReadJsonRecord + "
      "Decide.)\n");
  return failures == 0 ? 0 : 1;
}
