// Policy::screen (licit.hpp): a stream of records in, one decision per record out, in order, on
// any number of threads; the same bytes as deciding each line with decide_json; CSV in and out;
// --fail-on; bad options; an empty Policy; a writer that throws; progress.

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

namespace {

licit::Policy ExamplePolicy(licit::EngineKind kind = licit::EngineKind::Default) {
  licit::EngineOptions options;
  options.engine = kind;
  licit::Compilation c = licit::Engine(options).compile_files({licit_test::ExamplePolicyPath()});
  REQUIRE(c.ok());
  return c.policy();
}

struct Screened {
  std::string out;
  licit::ScreenSummary summary;
  size_t writes = 0;
};

Screened Screen(const licit::Policy& policy, const std::string& input,
                licit::ScreenOptions options = {}) {
  std::istringstream in(input);
  Screened s;
  s.summary = policy.screen(
      in,
      [&s](std::string_view chunk) {
        CHECK(!chunk.empty());
        CHECK(chunk.back() == '\n');
        s.out += chunk;
        ++s.writes;
      },
      options);
  return s;
}

TEST_CASE("screen: the same decisions, byte for byte, as decide_json line by line", "[screen]") {
  for (licit::EngineKind kind : {licit::EngineKind::Interpreter, licit::EngineKind::Default}) {
    const licit::Policy policy = ExamplePolicy(kind);
    const std::string input = licit_test::ScreenInput(3);
    std::string want;
    uint64_t line = 0, records = 0, errors = 0;
    std::istringstream lines(input);
    for (std::string text; std::getline(lines, text);) {
      ++line;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      if (text.find_first_not_of(" \t") == std::string::npos) continue;
      licit::DecideOptions options;
      options.line = line;
      const licit::Decision d = policy.decide_json(text, options);
      want += d.to_json() + "\n";
      ++records;
      errors += d.is_error() ? 1 : 0;
    }
    const Screened s = Screen(policy, input);
    CHECK(s.summary.ok());
    CHECK(s.out == want);
    CHECK(s.summary.records == records);
    CHECK(s.summary.count(licit::Effect::Error) == errors);
    CHECK(errors > 3);  // the broken lines (the samples have bad records of their own too)
  }
}

TEST_CASE("screen: any thread count writes the same bytes and counts", "[screen]") {
  const licit::Policy policy = ExamplePolicy();
  const std::string input = licit_test::ScreenInput(400);  // ~6 MB: several blocks
  const Screened one = Screen(policy, input);
  REQUIRE(one.summary.ok());
  CHECK(one.writes > 3);
  uint64_t sum = 0;
  for (uint64_t n : one.summary.by_effect) sum += n;
  CHECK(sum == one.summary.records);
  CHECK(one.summary.count(licit::Effect::Deny) > 0);
  for (unsigned threads : {2u, 3u, 8u, 0u}) {
    INFO("threads " << threads);
    licit::ScreenOptions options;
    options.threads = threads;
    const Screened many = Screen(policy, input, options);
    CHECK(many.out == one.out);
    CHECK(many.summary.records == one.summary.records);
    for (size_t e = 0; e < 6; ++e) CHECK(many.summary.by_effect[e] == one.summary.by_effect[e]);
  }
}

TEST_CASE("screen: CSV in and out, on one thread and on several", "[screen]") {
  const licit::Policy policy = ExamplePolicy();
  const std::string csv = licit_test::ScreenCsv(3000);
  licit::ScreenOptions options;
  options.input = licit::RecordFormat::Csv;
  options.output = licit::RecordFormat::Csv;
  const Screened one = Screen(policy, csv, options);
  REQUIRE(one.summary.ok());
  CHECK(one.summary.records == 3006);
  CHECK(one.summary.count(licit::Effect::Error) == 6);
  CHECK(one.out.starts_with("id,line,effect,date,policies,rules,licenses,unknowns,error\n"));
  options.threads = 3;
  CHECK(Screen(policy, csv, options).out == one.out);
  options.output = licit::RecordFormat::JsonLines;
  const Screened json = Screen(policy, csv, options);
  CHECK(json.out.starts_with("{\"id\":\"C0\","));
  CHECK(json.summary.records == 3006);
}

TEST_CASE("screen: parts of a file numbered from first_line add up to the whole file's screen",
          "[screen]") {
  const licit::Policy policy = ExamplePolicy();
  const std::string input = licit_test::ScreenInput(40);  // malformed lines all the way through
  const Screened whole = Screen(policy, input);
  REQUIRE(whole.summary.ok());
  // Cut at line boundaries near each third, as licit.dask cuts a file into partitions.
  std::string joined;
  uint64_t records = 0;
  size_t start = 0;
  uint64_t first_line = 1;
  for (size_t target : {input.size() / 3, 2 * input.size() / 3, input.size()}) {
    const size_t cut = std::min(input.find('\n', target), input.size() - 1) + 1;
    const std::string part = input.substr(start, cut - start);
    for (unsigned threads : {1u, 2u}) {
      licit::ScreenOptions options;
      options.first_line = first_line;
      options.threads = threads;
      const Screened s = Screen(policy, part, options);
      REQUIRE(s.summary.ok());
      if (threads == 1) {
        joined += s.out;
        records += s.summary.records;
      }
    }
    first_line += static_cast<uint64_t>(std::count(part.begin(), part.end(), '\n'));
    start = cut;
  }
  CHECK(joined == whole.out);
  CHECK(records == whole.summary.records);
  CHECK(whole.out.find("\"error\":\"line ") != std::string::npos);

  licit::ScreenOptions zero;
  zero.first_line = 0;
  CHECK(Screen(policy, input, zero).summary.error.find("starts at 1") != std::string::npos);
  licit::ScreenOptions csv;
  csv.input = licit::RecordFormat::Csv;
  csv.first_line = 5;
  const Screened refused = Screen(policy, licit_test::ScreenCsv(3), csv);
  CHECK(refused.summary.error.find("JSON Lines only") != std::string::npos);
  CHECK(refused.out.empty());
}

TEST_CASE("screen: fail_on, as_of, bad options and an empty policy", "[screen]") {
  const licit::Policy policy = ExamplePolicy();
  const std::string input = licit_test::ScreenInput(1);
  licit::ScreenOptions options;
  options.fail_on = licit::Effect::Deny;
  CHECK(Screen(policy, input, options).summary.tripped);
  CHECK_FALSE(Screen(policy, input).summary.tripped);
  // Judged before any rule was in force, nothing is denied.
  options.as_of = "2020-01-01";
  const Screened early = Screen(policy, input, options);
  CHECK(early.summary.ok());
  CHECK_FALSE(early.summary.tripped);
  CHECK(early.out.find("\"date\":\"2020-01-01\"") != std::string::npos);

  options.as_of = "2026-13-45";
  const Screened bad = Screen(policy, input, options);
  CHECK_FALSE(bad.summary.ok());
  CHECK(bad.summary.error.find("2026-13-45") != std::string::npos);
  CHECK(bad.out.empty());

  const Screened empty = Screen(licit::Policy(), input);
  CHECK_FALSE(empty.summary.ok());
  CHECK(empty.out.empty());

  CHECK(Screen(policy, "").summary.records == 0);
  CHECK(Screen(policy, "\n\n  \n").out.empty());
}

TEST_CASE("screen: a throwing writer stops the screen and its exception reaches the caller",
          "[screen]") {
  const licit::Policy policy = ExamplePolicy();
  const std::string input = licit_test::ScreenInput(400);
  for (unsigned threads : {1u, 3u}) {
    licit::ScreenOptions options;
    options.threads = threads;
    std::istringstream in(input);
    size_t calls = 0;
    CHECK_THROWS_AS(policy.screen(
                        in,
                        [&calls](std::string_view) {
                          if (++calls == 2) throw std::runtime_error("disk full");
                        },
                        options),
                    std::runtime_error);
    CHECK(calls == 2);  // no write after the failure
  }
}

TEST_CASE("screen: progress reports records and bytes as they grow", "[screen]") {
  const licit::Policy policy = ExamplePolicy();
  const std::string input = licit_test::ScreenInput(400);
  licit::ScreenOptions options;
  uint64_t last_records = 0, last_bytes = 0, calls = 0;
  bool monotonic = true;
  options.progress = [&](uint64_t records, uint64_t bytes) {
    monotonic = monotonic && records > last_records && bytes >= last_bytes;
    last_records = records;
    last_bytes = bytes;
    ++calls;
  };
  const Screened s = Screen(policy, input, options);
  CHECK(calls > 3);
  CHECK(monotonic);
  CHECK(last_records == s.summary.records);
  CHECK(last_bytes == input.size());

  // CSV: the reader's position, which never goes back to 0 at the end of the input.
  const std::string csv = licit_test::ScreenCsv(20000);
  options.input = licit::RecordFormat::Csv;
  last_records = last_bytes = calls = 0;
  monotonic = true;
  const Screened c = Screen(policy, csv, options);
  CHECK(calls > 3);
  CHECK(monotonic);
  CHECK(last_records == c.summary.records);
  CHECK(last_bytes > csv.size() / 2);
}

}  // namespace
