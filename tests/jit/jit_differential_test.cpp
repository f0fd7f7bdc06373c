// Differential test: seeded random well-typed policies and records, decided by the interpreter
// and the JIT; the decision JSON must be identical. On a mismatch it prints the seed, the policy
// and the record. LICIT_DIFF_POLICIES / LICIT_DIFF_RECORDS / LICIT_DIFF_SEED override the size.
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

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
#include "tests/jit/compile_for_test.h"
#include "tests/jit/random_policy.h"

namespace licit {
namespace {

using testing::Gen;

using testing::CompileSource;
using testing::EnvOr;

TEST_CASE("jit: random policies decide exactly as the interpreter", "[jit][differential]") {
  const uint64_t seed = EnvOr("LICIT_DIFF_SEED", 20260106);
  const uint64_t policies = EnvOr("LICIT_DIFF_POLICIES", 500);
  const uint64_t records = EnvOr("LICIT_DIFF_RECORDS", 200);
  uint64_t cases = 0, fast = 0;
  uint64_t dispatching = 0;  // rule-index keys the decide functions dispatch through
  for (uint64_t pi = 0; pi < policies; ++pi) {
    Gen gen(seed * 1000003 + pi);
    std::string text = gen.Policy();
    // One policy in 20 gets 260 rules that never fire, which puts it above
    // codegen::kFullPathMaxRules: its rules then run as fast-only code (conditions inside the
    // rule functions, no reasons) with the interpreter as the full path.
    if (pi % 20 == 19) {
      for (int k = 0; k < 260; ++k)
        text += "\nrule pad" + std::to_string(k) + ":\n  deny when label == \"pad" +
                std::to_string(k) + "\"\n";
    }
    std::string errors;
    auto compiled = CompileSource(text, &errors);
    if (!compiled)
      FAIL("generated policy does not check (seed " << seed << ", policy " << pi << "):\n"
                                                    << errors << text);
    std::string jit_error;
    interp::Interpreter interp(*compiled->program);
    auto jit = jit::JitProgram::Compile(*compiled->program, interp, &jit_error);
    if (!jit) FAIL("JIT compile failed: " << jit_error << "\n" << text);
    for (const ir::RuleIndex& ix : compiled->program->rule_index)
      for (const ir::RuleIndex::Key& key : ix.keys) dispatching += codegen::DispatchedKey(key);
    rt::Record record(&compiled->program->input);
    for (uint64_t ri = 0; ri < records; ++ri) {
      std::string json = gen.Record(static_cast<int>(ri));
      std::string read_error;
      record.Clear();
      if (!io::ReadJsonRecord(json, record, read_error))
        FAIL("generated record does not read: " << read_error << "\n" << json);
      decide::DecideOptions options;
      if (ri % 17 == 0) options.as_of = 20100 + static_cast<DayNumber>(ri % 700);
      rt::Decision jd = jit->Decide(record, options);
      std::string a = rt::DecisionToJson(interp.Decide(record, options));
      std::string b = rt::DecisionToJson(jd);
      // The fast path alone (no strings) must give the same effect whenever it decides.
      rt::Verdict verdict;
      if (jit->DecideVerdict(record, options, verdict)) {
        ++fast;
        if (verdict.effect != jd.effect)
          FAIL("DecideVerdict's effect differs (policy " << pi << ", record " << ri << ")\n"
                                                         << text << "\nrecord: " << json);
      }
      // The rule index (ir/index.h) must not change a decision: judge every rule once more.
      std::vector<ir::RuleIndex> saved = std::move(compiled->program->rule_index);
      compiled->program->rule_index.clear();
      std::string c = rt::DecisionToJson(interp.Decide(record, options));
      compiled->program->rule_index = std::move(saved);
      if (a != c) {
        FAIL("the rule index changes a decision (seed "
             << seed << ", policy " << pi << ", record " << ri << ")\npolicy:\n"
             << text << "\nrecord: " << json << "\nindexed: " << a << "\nevery rule: " << c);
      }
      if (a != b) {
        FAIL("engines disagree (seed "
             << seed << ", policy " << pi << ", record " << ri << ")\npolicy:\n"
             << text << "\nrecord: " << json << "\ninterp: " << a << "\njit:    " << b);
      }
      ++cases;
    }
  }
  INFO("cases: " << cases);
  CHECK(cases == policies * records);
  // Both paths must be exercised: the fast path (no unknowns) and the full one.
  CHECK(fast > cases / 10);
  CHECK(fast < cases);
  CHECK(dispatching >= policies / 20);
  WARN("jit differential: " << cases << " (policy, record) cases agree; the fast path decided "
                            << fast << "; rule-index keys dispatched: " << dispatching);
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

}  // namespace
}  // namespace licit
