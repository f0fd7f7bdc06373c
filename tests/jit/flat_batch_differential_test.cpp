// Differential test of the JIT's batch path: records packed into an rt::FlatBatch with the
// program's flat_layout() and decided by JitProgram::DecideVerdict(flat record) must give the
// interpreter's decision whenever the fast path decides; and DecideVerdict on the rt::Record must
// give the same answer, effect and hits. Policies and records come from the differential test's
// generator (random_policy.h), plus undated variants and records without a date. On a mismatch
// it prints the seed, the policy and the record. LICIT_FLAT_POLICIES / LICIT_FLAT_RECORDS /
// LICIT_FLAT_SEED override the size.
#include <chrono>
#include <cstring>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "core/decision.h"
#include "core/flat_record.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/codegen.h"
#include "engines/jit/jit.h"
#include "io/record_reader.h"
#include "tests/differential/random_policy.h"
#include "tests/jit/compile_for_test.h"

namespace licit {
namespace {

using testing::Gen;

// The policy without anything that makes a decision depend on the date (ir::Program::dated):
// rule and exception periods, suspensions, group membership periods, list entries' listing
// dates. Conditions may still read
// the `date` field.
std::string Undated(const std::string& text) {
  static const std::regex period(" (since|until) [0-9]{4}-[0-9]{2}-[0-9]{2}");
  static const std::regex suspension("\nsuspend [^\n]*");
  std::string out = std::regex_replace(std::regex_replace(text, suspension, ""), period, "");
  // List entries listed or delisted on a date make screening depend on the day too.
  const std::string dated_list = testing::Gen::ListFile();
  for (size_t at; (at = out.find(dated_list)) != std::string::npos;) {
    out.replace(at, dated_list.size(), testing::Gen::UndatedListFile());
  }
  return out;
}

// The policy with `date` optional, so that records without one read (rt::Record then has no day;
// the reader rejects a record missing a required field).
std::string OptionalDate(const std::string& text) {
  const std::string from = "id: string, date: date,", to = "id: string, date: date?,";
  std::string out = text;
  const size_t at = out.find(from);
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// The record without its `date` field.
std::string WithoutDate(const std::string& json) {
  static const std::regex date(",\"date\":\"[0-9-]*\"");
  return std::regex_replace(json, date, "");
}

std::string HitsText(const rt::Verdict& v) {
  std::ostringstream os;
  os << "effect " << rt::EffectName(v.effect) << ", hits:";
  for (uint32_t i = 0; i < v.count; ++i)
    os << " (" << v.hits[i].policy << "," << v.hits[i].rule << "," << v.hits[i].exception << ","
       << rt::EffectName(v.hits[i].effect) << ")";
  return os.str();
}

bool SameVerdict(const rt::Verdict& a, const rt::Verdict& b) {
  if (a.effect != b.effect || a.count != b.count) return false;
  for (uint32_t i = 0; i < a.count; ++i) {
    const rt::VerdictHit &x = a.hits[i], &y = b.hits[i];
    if (x.policy != y.policy || x.rule != y.rule || x.exception != y.exception ||
        x.effect != y.effect)
      return false;
  }
  return true;
}

struct Counts {
  uint64_t cases = 0;            // (record, options) pairs judged
  uint64_t fast = 0;             // the flat fast path decided
  uint64_t fast_as_of = 0;       // ... with options.as_of set
  uint64_t fast_record_day = 0;  // ... judged at the flat header's day
  uint64_t fast_undated = 0;     // ... in an undated program
  uint64_t fast_no_date = 0;     // ... for a record without a date (undated program)
  uint64_t no_date_dated = 0;    // records without a date in a dated program, no as_of
  uint64_t big = 0;              // cases of programs above codegen::kFullPathMaxRules
  uint64_t fast_big = 0;
};

// A policy text compiled for both engines; the test stops (REQUIRE) when it does not compile.
struct Engines {
  std::unique_ptr<testing::CompiledSource> compiled;
  std::unique_ptr<interp::Interpreter> interp;
  std::unique_ptr<jit::JitProgram> jit;
};
Engines CompileBoth(const std::string& text) {
  Engines e;
  std::string errors;
  e.compiled = testing::CompileSource(text, &errors);
  INFO(errors);
  REQUIRE(e.compiled);
  std::string jit_error;
  e.interp = std::make_unique<interp::Interpreter>(*e.compiled->program);
  e.jit = jit::JitProgram::Compile(*e.compiled->program, *e.interp, &jit_error);
  INFO(jit_error);
  REQUIRE(e.jit);
  return e;
}

// Decides every record of `jsons` on `text` three ways (interpreter, DecideVerdict on the
// FlatBatch record, DecideVerdict on the rt::Record) and FAILs on the first disagreement.
void CheckPolicy(const std::string& text, const std::vector<std::string>& jsons, bool undated,
                 bool big, bool reserve, uint64_t seed, uint64_t pi, Counts& n) {
  std::string errors;
  auto compiled = testing::CompileSource(text, &errors);
  if (!compiled)
    FAIL("generated policy does not check (seed " << seed << ", policy " << pi << "):\n"
                                                  << errors << text);
  const ir::Program& program = *compiled->program;
  if (undated && program.dated) FAIL("Undated() left a dated program:\n" << text);
  std::string jit_error;
  interp::Interpreter interp(program);
  auto jit = jit::JitProgram::Compile(program, interp, &jit_error);
  if (!jit) FAIL("JIT compile failed: " << jit_error << "\n" << text);

  // All records first, then the batch: the batch's text cells point into the records, which
  // must stay where they are (rt::Record's chunks do not move when the vector grows).
  std::vector<rt::Record> records;
  records.reserve(jsons.size());
  for (const std::string& json : jsons) {
    records.emplace_back(&program.input);
    std::string read_error;
    if (!io::ReadJsonRecord(json, records.back(), read_error))
      FAIL("generated record does not read: " << read_error << "\n" << json);
  }
  rt::FlatBatch batch(jit->flat_layout());
  if (reserve) batch.Reserve(records.size());
  for (const rt::Record& r : records) batch.Add(r);
  REQUIRE(batch.size() == records.size());

  for (size_t ri = 0; ri < records.size(); ++ri) {
    const rt::Record& record = records[ri];
    for (int as_of = 0; as_of < 2; ++as_of) {
      decide::DecideOptions options;
      if (as_of) options.as_of = 20100 + static_cast<DayNumber>((ri * 37 + pi) % 700);
      const rt::Decision expected = interp.Decide(record, options);
      const std::string expected_json = rt::DecisionToJson(expected);
      const auto where = [&] {
        std::ostringstream os;
        os << "(seed " << seed << ", policy " << pi << ", record " << ri
           << (as_of ? ", as_of " + std::to_string(*options.as_of) : std::string(", no as_of"))
           << (undated ? ", undated" : "") << ")\npolicy:\n"
           << text << "\nrecord: " << jsons[ri] << "\ninterp: " << expected_json;
        return os.str();
      };
      rt::Verdict flat, direct;
      const bool flat_ok = jit->DecideVerdict(batch.record(ri), options, flat);
      const bool direct_ok = jit->DecideVerdict(record, options, direct);
      ++n.cases;
      if (big) ++n.big;
      const bool has_date =
          program.input.date_slot >= 0 &&
          record.slot(static_cast<uint32_t>(program.input.date_slot)).kind == rt::ValueKind::Date;
      if (!has_date && !as_of && program.dated) {
        ++n.no_date_dated;
        // An error decision ("no date"): only Decide may write it.
        if (flat_ok) FAIL("the flat path decided a record without a date " << where());
      }
      // Both run the same generated code on the same packed bytes at the same day.
      if (flat_ok != direct_ok)
        FAIL("DecideVerdict(flat) " << (flat_ok ? "decided" : "gave up") << " but "
                                    << "DecideVerdict(rt::Record) "
                                    << (direct_ok ? "decided" : "gave up") << " " << where());
      if (!flat_ok) continue;
      if (!SameVerdict(flat, direct))
        FAIL("DecideVerdict(flat) and DecideVerdict(rt::Record) differ "
             << where() << "\nflat:   " << HitsText(flat) << "\ndirect: " << HitsText(direct));
      ++n.fast;
      if (as_of) ++n.fast_as_of;
      else ++n.fast_record_day;
      if (undated) {
        ++n.fast_undated;
        if (!has_date && !as_of) ++n.fast_no_date;
      }
      if (big) ++n.fast_big;
      if (flat.effect != expected.effect)
        FAIL("the flat path's effect differs " << where() << "\nflat: " << HitsText(flat));
      // The full decision a caller builds from the verdict (as api/src/screen.cpp does).
      rt::Decision materialized;
      decide::PrepareDecision(program, record, options, materialized);
      rt::Verdict v = flat;
      decide::MaterializeVerdict(program, v, materialized);
      const std::string got = rt::DecisionToJson(materialized);
      if (got != expected_json)
        FAIL("the flat path's decision differs " << where() << "\nflat:   " << got << "\n("
                                                 << HitsText(flat) << ")");
    }
  }
}

TEST_CASE(
    "jit flat: FlatBatch records decide as the interpreter, and as DecideVerdict on the "
    "rt::Record",
    "[jit][flat][differential]") {
  const uint64_t seed = testing::EnvOr("LICIT_FLAT_SEED", 20261129);
  const uint64_t policies = testing::EnvOr("LICIT_FLAT_POLICIES", 120);
  const uint64_t per_policy = testing::EnvOr("LICIT_FLAT_RECORDS", 250);
  const auto start = std::chrono::steady_clock::now();
  Counts n;
  uint64_t undated_policies = 0;
  for (uint64_t pi = 0; pi < policies; ++pi) {
    Gen gen(seed * 1000003 + pi);
    std::string text = gen.Policy();
    // One policy in three without dates; one in 20 above codegen::kFullPathMaxRules (rules that
    // never fire, so its own rules run as fast-only code).
    const bool undated = pi % 3 == 1;
    if (undated) text = Undated(text);
    // Undated policies and one dated policy in three read records without a date.
    const bool dateless = pi % 3 != 0;
    if (dateless) text = OptionalDate(text);
    const bool big = pi % 20 == 19;
    if (big) {
      for (int k = 0; k < 260; ++k)
        text += "\nrule pad" + std::to_string(k) + ":\n  deny when label == \"pad" +
                std::to_string(k) + "\"\n";
    }
    std::vector<std::string> jsons;
    for (uint64_t ri = 0; ri < per_policy; ++ri) {
      std::string json = gen.Record(static_cast<int>(ri));
      // Records without a date: often in undated programs (judged at any day), rarely in dated
      // ones (an error decision the flat path must leave to Decide).
      if ((undated && ri % 3 == 0) || (dateless && !undated && ri % 29 == 5))
        json = WithoutDate(json);
      jsons.push_back(std::move(json));
    }
    undated_policies += undated;
    CheckPolicy(text, jsons, undated, big, pi % 2 == 0, seed, pi, n);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("cases " << n.cases << ", fast " << n.fast);
  CHECK(n.cases == policies * per_policy * 2);
  // The fast path must decide a real share of the cases, in every setting, or the comparison
  // above proves nothing; and give up on some (unknowns), or the records are too tame.
  CHECK(n.fast > n.cases / 5);
  CHECK(n.fast < n.cases);
  CHECK(n.fast_as_of > 0);
  CHECK(n.fast_record_day > 0);
  CHECK(n.fast_undated > 0);
  CHECK(n.fast_no_date > 0);
  CHECK(n.no_date_dated > 0);
  CHECK(n.fast_big > 0);
  WARN("jit flat batch: " << n.cases << " (record, options) cases over " << policies
                          << " policies (" << undated_policies << " undated); the flat fast path "
                          << "decided " << n.fast << " (as_of " << n.fast_as_of << ", record day "
                          << n.fast_record_day << ", undated " << n.fast_undated
                          << ", undated without a date " << n.fast_no_date << ", big " << n.fast_big
                          << " of " << n.big << "); dated records without a date "
                          << n.no_date_dated << "; " << seconds << " s");
}

// Equality with a constant is one compare of atoms in the flat record: texts that share a long
// prefix, differ only after byte 8, are empty, or differ only in case (codes are upper-cased by
// the reader, strings are not) must decide exactly as the interpreter compares them.
TEST_CASE("jit flat: equality with text constants through atoms decides as the interpreter",
          "[jit][flat]") {
  const std::string text = R"(policy t.atoms

record Party { name: string, kind: string? }
record Rec { id: string, date: date, destination: country, label: string?, eccn: code?,
  note: string?, end_user: Party?, n: int?, ok: bool? }
input Rec

rule long_label:
  deny when label == "export-controlled-item-A"
rule empty_label:
  review when label == ""
rule code_eq:
  license "L1" when eccn == "3a001.a.2.b"
rule code_ne:
  review when eccn != "5A002" and note matches "x*"
rule kind:
  deny when end_user.kind == "military"
rule not_kind:
  license "L2" when end_user.kind != "government" and destination == CN
rule scalars:
  review when ok == true and n == -3
default allow
)";
  Engines engines = CompileBoth(text);
  const ir::Program& program = *engines.compiled->program;
  const auto& jit = engines.jit;
  interp::Interpreter interp(program);

  const std::vector<std::string> labels = {"",
                                           "\"export-controlled-item-A\"",
                                           "\"export-controlled-item-B\"",
                                           "\"export-controlled-item-A \"",
                                           "\"export-c\"",
                                           "\"Export-controlled-item-A\"",
                                           "\"\"",
                                           "null"};
  const std::vector<std::string> eccns = {
      "",          "\"3A001.A.2.B\"", "\"3a001.a.2.b\"", "\"3A001.A.2.C\"",
      "\"3A001\"", "\"5A002\"",       "\"5a002\"",       "null"};
  const std::vector<std::string> notes = {"", "\"xyz\"", "\"abc\"", "null"};
  const std::vector<std::string> parties = {"",
                                            "null",
                                            "{\"name\":\"p\"}",
                                            "{\"name\":\"p\",\"kind\":null}",
                                            "{\"name\":\"p\",\"kind\":\"military\"}",
                                            "{\"name\":\"p\",\"kind\":\"militarY\"}",
                                            "{\"name\":\"p\",\"kind\":\"government\"}",
                                            "{\"name\":\"p\",\"kind\":\"governments\"}"};
  const std::vector<std::string> dests = {"CN", "JP"};
  const std::vector<std::string> ns = {"", "-3", "3", "null"};
  const std::vector<std::string> oks = {"", "true", "false"};

  std::mt19937_64 rng(5);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<std::string> jsons;
  for (int i = 0; i < 3000; ++i) {
    std::string s = "{\"id\":\"a" + std::to_string(i) + "\",\"date\":\"2025-05-01\"," +
                    "\"destination\":\"" + pick(dests) + "\"";
    auto opt = [&](const char* name, const std::string& v) {
      if (!v.empty()) s += std::string(",\"") + name + "\":" + v;
    };
    opt("label", pick(labels));
    opt("eccn", pick(eccns));
    opt("note", pick(notes));
    opt("end_user", pick(parties));
    opt("n", pick(ns));
    opt("ok", pick(oks));
    s += "}";
    jsons.push_back(s);
  }
  std::vector<rt::Record> records;
  records.reserve(jsons.size());
  for (const std::string& j : jsons) {
    records.emplace_back(&program.input);
    std::string err;
    INFO(j);
    REQUIRE(io::ReadJsonRecord(j, records.back(), err));
  }
  rt::FlatBatch batch(jit->flat_layout());
  for (const rt::Record& r : records) batch.Add(r);

  uint64_t fast = 0;
  std::vector<uint64_t> fired(program.policies.at(0).rules.size(), 0);
  for (size_t i = 0; i < records.size(); ++i) {
    const rt::Decision expected = interp.Decide(records[i]);
    rt::Verdict v;
    if (!jit->DecideVerdict(batch.record(i), {}, v)) continue;
    ++fast;
    for (uint32_t h = 0; h < v.count; ++h)
      if (v.hits[h].exception == UINT32_MAX) ++fired.at(v.hits[h].rule);
    rt::Decision d;
    decide::PrepareDecision(program, records[i], {}, d);
    decide::MaterializeVerdict(program, v, d);
    INFO("record: " << jsons[i]);
    REQUIRE(rt::DecisionToJson(d) == rt::DecisionToJson(expected));
  }
  // Every rule must have fired on the fast path, or its equality was never tested true.
  INFO("fast " << fast);
  CHECK(fast > records.size() / 10);
  for (size_t r = 0; r < fired.size(); ++r) {
    INFO("rule " << program.policies[0].rules[r].name);
    CHECK(fired[r] > 0);
  }
}

// Four threads decide one FlatBatch on one compiled policy and must get the single-threaded
// verdicts: the flat path runs with no rt::Record in the thread's context. Run under
// ThreadSanitizer with the `tsan` preset: `ctest --preset tsan -R 'jit/flat.*threads'`.
TEST_CASE("jit flat: many threads decide one FlatBatch", "[jit][flat][threads]") {
  Gen gen(7);
  Engines engines = CompileBoth(gen.Policy());
  const ir::Program& program = *engines.compiled->program;
  const auto& jit = engines.jit;
  std::vector<rt::Record> records;
  records.reserve(400);
  for (int i = 0; i < 400; ++i) {
    records.emplace_back(&program.input);
    std::string err;
    REQUIRE(io::ReadJsonRecord(gen.Record(i), records.back(), err));
  }
  rt::FlatBatch batch(jit->flat_layout());
  for (const rt::Record& r : records) batch.Add(r);
  std::vector<rt::Verdict> expected(records.size());
  std::vector<uint8_t> decided(records.size(), 0);
  size_t fast = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    decided[i] = jit->DecideVerdict(batch.record(i), {}, expected[i]);
    fast += decided[i];
  }
  REQUIRE(fast > 0);
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      rt::Verdict v;
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < records.size(); ++i) {
          const bool ok = jit->DecideVerdict(batch.record(i), {}, v);
          if (ok != static_cast<bool>(decided[i]) || (ok && !SameVerdict(v, expected[i])))
            ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) CHECK(failures[t] == 0);
}

}  // namespace
}  // namespace licit
