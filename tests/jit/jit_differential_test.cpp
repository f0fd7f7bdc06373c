// Differential test: seeded random well-typed policies and records, decided by the interpreter
// and the JIT; the decision JSON must be identical. On a mismatch it prints the seed, the policy
// and the record. LICIT_DIFF_POLICIES / LICIT_DIFF_RECORDS / LICIT_DIFF_SEED override the size.
#include <cctype>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "base/source.h"
#include "core/decision.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/codegen.h"
#include "engines/jit/jit.h"
#include "frontend/lower/lower.h"
#include "frontend/sema/check.h"
#include "io/record_reader.h"
#include "tests/differential/differential.h"
#include "tests/differential/random_policy.h"
#include "tests/jit/compile_for_test.h"

// Whether a sanitizer's allocator replaces malloc (gcc and clang spell it differently).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LICIT_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LICIT_TEST_SANITIZED 1
#endif
#endif
#ifndef LICIT_TEST_SANITIZED
#define LICIT_TEST_SANITIZED 0
#endif

namespace licit {
namespace {

using testing::Gen;

using testing::CompileSource;
using testing::EnvOr;

TEST_CASE("jit: random policies decide exactly as the interpreter", "[jit][differential]") {
  const uint64_t seed = EnvOr("LICIT_DIFF_SEED", 20260106);
  const uint64_t policies = EnvOr("LICIT_DIFF_POLICIES", 150);
  const uint64_t records = EnvOr("LICIT_DIFF_RECORDS", 200);
  testing::DiffCoverage coverage;
  for (uint64_t pi = 0; pi < policies; ++pi) {
    Gen gen(seed * 1000003 + pi);
    const std::string text = gen.Policy();
    std::string error;
    auto diff = testing::EngineDiff::Compile(text, &error);
    if (!diff)
      FAIL("generated policy does not compile (seed " << seed << ", policy " << pi << "):\n"
                                                      << error << text);
    testing::DiffFailure failure;
    for (uint64_t ri = 0; ri < records; ++ri) {
      decide::DecideOptions options;
      if (ri % 17 == 0) options.as_of = 20100 + static_cast<DayNumber>(ri % 700);
      if (!diff->Check(gen.Record(static_cast<int>(ri)), options, &failure))
        FAIL("seed " << seed << ", policy " << pi << ", record " << ri << ": " << failure.Text());
    }
    coverage.Add(diff->coverage());
  }
  INFO(coverage.Text());
  CHECK(coverage.records == policies * records);
  // Every part of the JIT must be exercised: both paths, dispatch with its second level and
  // rules judged from data, and fast-only code past 256 rules.
  CHECK(coverage.fast > coverage.records / 10);
  CHECK(coverage.fast < coverage.records);
  CHECK(coverage.policies_with_dispatch >= policies / 3);
  CHECK(coverage.second_level_runs > 0);
  CHECK(coverage.data_rules > 0);
  CHECK(coverage.fast_only_policies > 0);
  CHECK(coverage.with_unknowns > 0);
  CHECK(coverage.with_waivers > 0);
  WARN("jit differential: every path agrees on " << coverage.records << " records\n"
                                                 << coverage.Text());
}

// The decide function's key filter (codegen::KeyFilter) skips licit_jit_judge_key for records no
// rule of a dispatched key can fire. Long lists of the shapes it has to get right: runs of one to
// twenty rules on (code, destination), `to` lists (several second values), runs whose rules test
// another field (end_user) or have code (`>`), periods and suspensions, a key whose second field
// is a text with more than 256 constants (values sharing a filter bit) and one on an int; records
// with every field sometimes missing, codes in lower case and codes and texts no rule names.
TEST_CASE("jit: long lists through the decide function's key filter decide as the interpreter",
          "[jit][differential]") {
  std::mt19937 rnd(20261207);
  auto pick = [&](size_t n) { return static_cast<size_t>(rnd() % n); };
  const char* countries[] = {"JP", "KR", "DE", "CN", "US", "FR", "IR", "BR", "IN", "GB", "SA"};
  std::vector<std::string> codes;
  for (int i = 0; i < 40; ++i)
    codes.push_back(std::to_string(i % 10) + "A" + std::to_string(100 + i));
  std::string text =
      "policy filter.test\nrecord Rec { id: string, date: date, control_code: code?,\n"
      "  destination: country?, end_user: string?, end_use: string?, buyer: string?,\n"
      "  quantity: int? }\ninput Rec\n";
  int n = 0;
  auto rule = [&](const std::string& effect, const std::string& body) {
    text += "rule r" + std::to_string(n++) + ": " + effect + " " + body + "\n";
  };
  for (size_t c = 0; c < codes.size(); ++c) {
    const size_t run = c < 4 ? 20 : 1 + c % 5;  // a few long runs, many short ones
    const std::string when = "when control_code == \"" + codes[c] + "\"";
    for (size_t i = 0; i < run; ++i) {
      const std::string dest = countries[(c + i * 3) % 11];
      if (c % 7 == 3 && i == 0) {  // a run that also has a rule on end_user
        rule("review", when + " and end_user == \"EU-" + std::to_string(c) + "\"");
      } else if (c % 9 == 5 && i == 0) {  // ... a rule with code
        rule("deny", when + " and quantity > 50");
      } else if (i % 4 == 1) {  // a `to` list: two second values
        rule("license", "to " + dest + ", " + countries[(c + i) % 11] + " " + when);
      } else if (i % 6 == 2) {
        rule("deny", when + " and destination == " + dest + " since 2025-06-01 until 2026-03-01");
      } else {
        rule(i % 3 == 0 ? "deny" : "review", when + " and destination == " + dest);
      }
    }
  }
  // Another key: 300 buyers paired with an end use (texts: atoms past 256 share filter bits).
  for (int i = 0; i < 300; ++i)
    rule("review", "when end_use == \"U" + std::to_string(i % 12) + "\" and buyer == \"B" +
                       std::to_string(i) + "\"");
  // And a key paired with an int.
  for (int i = 0; i < 30; ++i)
    rule("deny", "when end_user == \"EU-X" + std::to_string(i % 3) +
                     "\" and quantity == " + std::to_string(i * 37));
  text += "suspend r5 from 2025-12-01 until 2026-02-01\n";
  text += "default allow\n";
  std::string error;
  auto diff = testing::EngineDiff::Compile(text, &error);
  INFO(error);
  REQUIRE(diff);
  testing::DiffFailure failure;
  for (int r = 0; r < 4000; ++r) {
    std::string json = "{\"id\":\"S" + std::to_string(r) + "\",\"date\":\"2025-" +
                       (r % 2 ? "12" : "05") + "-1" + std::to_string(r % 10) + "\"";
    if (pick(20) != 0) {
      std::string code = pick(6) == 0 ? "9Z999" : codes[pick(codes.size())];
      if (pick(8) == 0)
        for (char& ch : code) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      json += ",\"control_code\":\"" + code + "\"";
    }
    if (pick(20) != 0) json += std::string(",\"destination\":\"") + countries[pick(11)] + "\"";
    if (pick(12) != 0)
      json += ",\"end_user\":\"EU-" +
              (pick(2) ? std::to_string(pick(40)) : "X" + std::to_string(pick(4))) + "\"";
    if (pick(12) != 0) json += ",\"end_use\":\"U" + std::to_string(pick(14)) + "\"";
    if (pick(12) != 0) json += ",\"buyer\":\"B" + std::to_string(pick(400)) + "\"";
    if (pick(12) != 0)
      json += ",\"quantity\":" + std::to_string(pick(3) ? pick(30) * 37 : pick(100));
    json += "}";
    decide::DecideOptions options;
    if (r % 13 == 0) options.as_of = 20300 + r % 200;
    if (!diff->Check(json, options, &failure)) FAIL("record " << r << ": " << failure.Text());
  }
  const testing::DiffCoverage& c = diff->coverage();
  INFO(c.Text());
  CHECK(c.dispatched_keys == 3);
  CHECK(c.second_level_runs > 40);
  CHECK(c.fast > c.records / 4);
  CHECK(c.by_effect[static_cast<size_t>(rt::Effect::Deny)] > 0);
  CHECK(c.by_effect[static_cast<size_t>(rt::Effect::License)] > 0);
}

// Four threads decide the same records on one compiled policy (Decide and DecideVerdict) and
// must get the single-threaded interpreter's decisions. Run under ThreadSanitizer with the `tsan`
// preset (docs/testing.md): `ctest --preset tsan -R 'jit/.*threads'`.
void DecideOnThreads(const std::string& text, Gen& gen) {
  std::string errors;
  auto compiled = CompileSource(text, &errors);
  REQUIRE(compiled);
  std::string jit_error;
  interp::Interpreter interp(*compiled->program);
  auto jit = jit::JitProgram::Compile(*compiled->program, interp, &jit_error);
  REQUIRE(jit);
  std::vector<std::string> jsons;
  for (int i = 0; i < 400; ++i) jsons.push_back(gen.Record(i));
  std::vector<std::string> expected;
  std::vector<rt::Effect> effects;
  {
    rt::Record record(&compiled->program->input);
    for (const std::string& j : jsons) {
      std::string err;
      record.Clear();
      REQUIRE(io::ReadJsonRecord(j, record, err));
      rt::Decision d = interp.Decide(record);
      expected.push_back(rt::DecisionToJson(d));
      effects.push_back(d.effect);
    }
  }
  std::vector<int> failures(4, 0), fast(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      rt::Record record(&compiled->program->input);
      rt::Verdict verdict;
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < jsons.size(); ++i) {
          std::string err;
          record.Clear();
          if (!io::ReadJsonRecord(jsons[i], record, err)) {
            ++failures[t];
            continue;
          }
          if (rt::DecisionToJson(jit->Decide(record)) != expected[i]) ++failures[t];
          if (jit->DecideVerdict(record, {}, verdict)) {
            ++fast[t];
            if (verdict.effect != effects[i]) ++failures[t];
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    CHECK(failures[t] == 0);
    CHECK(fast[t] > 0);
  }
}

TEST_CASE("jit: many threads decide on one compiled policy", "[jit][threads]") {
  Gen gen(7);
  SECTION("a small policy (generated code for both paths)") { DecideOnThreads(gen.Policy(), gen); }
  SECTION("300 more rules (dispatch, rules judged from data, interpreter full path)") {
    // Above codegen::kFullPathMaxRules, with a key of many equality rules.
    std::string text = gen.Policy();
    const char* codes[] = {"3A001", "3A001.a", "3B001", "5A002", "EAR99"};
    const char* countries[] = {"JP", "KR", "DE", "CN", "US", "FR", "IR"};
    for (int i = 0; i < 300; ++i)
      text += "\nrule big" + std::to_string(i) + ":\n  deny when eccn == \"" + codes[i % 5] +
              "\" and destination == " + countries[(i / 5) % 7] + "\n";
    DecideOnThreads(text, gen);
  }
  SECTION("600 more rules with code (compiled in shards on two threads)") {
    // Not of the equality shape (`!=`), so every rule has code: past codegen::kShardRules rules
    // with code the program is compiled as several modules, whose rule functions the decide
    // function of the first calls by name.
    std::string text = gen.Policy();
    const char* codes[] = {"3A001", "3A001.a", "3B001", "5A002", "EAR99"};
    const char* countries[] = {"JP", "KR", "DE", "CN", "US", "FR", "IR"};
    for (int i = 0; i < 600; ++i)
      text += "\nrule coded" + std::to_string(i) + ":\n  " + (i % 3 == 0 ? "deny" : "review") +
              " when eccn == \"" + codes[i % 5] +
              "\" and destination != " + countries[(i / 5) % 7] + "\n";
    std::string errors;
    auto compiled = CompileSource(text, &errors);
    REQUIRE(compiled);
    interp::Interpreter interp(*compiled->program);
    std::string jit_error;
    auto jit = jit::JitProgram::Compile(*compiled->program, interp, &jit_error);
    REQUIRE(jit);
    CHECK(jit->shape().modules > 1);
    DecideOnThreads(text, gen);
  }
}

TEST_CASE("jit: dropping a compiled policy frees it and others keep working", "[jit]") {
  Gen gen(11);
  std::string errors;
  std::unique_ptr<testing::CompiledSource> a, b;
  while (!a) a = CompileSource(gen.Policy(), &errors);
  while (!b) b = CompileSource(gen.Policy(), &errors);
  std::string err;
  interp::Interpreter ia(*a->program);
  interp::Interpreter interp(*b->program);
  auto ja = jit::JitProgram::Compile(*a->program, ia, &err);
  auto jb = jit::JitProgram::Compile(*b->program, interp, &err);
  REQUIRE(ja);
  REQUIRE(jb);
  ja.reset();
  rt::Record record(&b->program->input);
  for (int i = 0; i < 100; ++i) {
    record.Clear();
    REQUIRE(io::ReadJsonRecord(gen.Record(i), record, err));
    CHECK(rt::DecisionToJson(jb->Decide(record)) == rt::DecisionToJson(interp.Decide(record)));
  }
}

#if !LICIT_TEST_SANITIZED
// A server reloads its policy for months and a fuzzer compiles one per input: compiling and
// dropping a program must leave nothing behind. Each program's symbol names are interned in the
// process-wide JIT session's string pool, whose dead entries stayed until told to go (about 30
// bytes a symbol: some 5 KB a cycle here). malloc's own count of bytes in use, so not under the
// sanitizers (their allocators do not report it).
TEST_CASE("jit: compiling and dropping a policy again and again leaves no memory behind",
          "[jit][memory]") {
  std::string text =
      "policy drop.test\nrecord Rec { id: string, date: date, destination: country,\n"
      "  n: int? }\ninput Rec\n";
  for (int r = 0; r < 120; ++r) {
    text += "rule r" + std::to_string(r) + ": " + (r % 2 ? "deny" : "review") + " to JP when n > " +
            std::to_string(r) + " and n < " + std::to_string(r * 3 + 7) + "\n";
  }
  std::string errors;
  auto compiled = CompileSource(text, &errors);
  REQUIRE(compiled);
  interp::Interpreter interp(*compiled->program);
  auto cycle = [&] {
    std::string err;
    auto jit = jit::JitProgram::Compile(*compiled->program, interp, &err);
    REQUIRE(jit);
  };
  for (int i = 0; i < 10; ++i) cycle();  // LLVM's one-time state, allocator arenas
  const size_t before = mallinfo2().uordblks;
  constexpr int kCycles = 60;
  for (int i = 0; i < kCycles; ++i) cycle();
  const size_t after = mallinfo2().uordblks;
  const double growth = after > before ? static_cast<double>(after - before) : 0.0;
  INFO("bytes in use grew by " << growth << " over " << kCycles << " compile-and-drop cycles");
  CHECK(growth < 64 * 1024);
}
#endif

}  // namespace
}  // namespace licit
