// Policy::run_tests and TestReport (licit.hpp), and licit_policy_run_tests (licit.h): a passing
// test, a failing one with the difference, a record that cannot be judged, rule coverage, an
// empty Policy, and the text `licit test` prints.

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "licit/licit.h"
#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

namespace {

// One policy with a passing test, a failing one (a rule of another effect contributes), a
// licence expectation, and a rule no test fires.
const char* kTested = R"(policy api.tests
import std.trade

rule jp-deny:
  deny to JP
  since 2026-01-06

rule kr-review:
  review to KR

rule cn-license:
  license "L-CN" to CN

rule us-military:
  deny to US
  when has(end_user) and end_user.kind == "military"

test "passes" {
  given { id: "t1", date: 2026-01-06, destination: JP, item: {} }
  expect deny by jp-deny
}
test "fails with a contribution" {
  given { id: "t2", date: 2026-01-06, destination: KR, item: {} }
  expect deny by jp-deny
}
test "names the licence" {
  given { id: "t4", date: 2026-01-06, destination: CN, item: {} }
  expect license "L-CN"
}
)";

// A policy without dated rules, whose test gives no date: judged together with kTested (which
// has dated rules), the record cannot be judged.
const char* kUndated = R"(policy api.undated
import std.trade

rule kr-review:
  review to KR

test "has no date" {
  given { id: "t3", destination: KR, item: {} }
  expect review by kr-review
}
)";

licit::Policy Compile(const char* text) {
  licit::Engine engine;
  licit::Compilation c = engine.compile_source("tested.licit", text);
  INFO(c.diagnostics_text());
  REQUIRE(c.ok());
  return c.policy();
}

// Writes `text` to a fresh file in a temporary directory (removed with the object).
struct TempFile {
  std::filesystem::path dir, path;
  TempFile(const std::string& name, const char* text) {
    dir = std::filesystem::temp_directory_path() /
          ("licit-run-tests-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::create_directories(dir);
    path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("run_tests: pass, fail with the difference, coverage", "[api][tests]") {
  for (licit::EngineKind kind : {licit::EngineKind::Interpreter, licit::EngineKind::Default}) {
    licit::EngineOptions options;
    options.engine = kind;
    licit::Compilation c = licit::Engine(options).compile_source("tested.licit", kTested);
    REQUIRE(c.ok());
    licit::TestReport r = c.policy().run_tests();
    REQUIRE(r.tests.size() == 3);
    CHECK(r.passed == 2);
    CHECK(r.failed == 1);
    CHECK_FALSE(r.ok());

    const licit::TestCase& pass = r.tests[0];
    CHECK(pass.policy == "api.tests");
    CHECK(pass.file == "tested.licit");
    CHECK(pass.name == "passes");
    CHECK(pass.at == "tested.licit:18:1");
    CHECK(pass.passed);
    CHECK(pass.expected == "deny by jp-deny");
    CHECK(pass.got == "deny by jp-deny");
    CHECK(pass.contributions.empty());
    CHECK(pass.error.empty());

    const licit::TestCase& fail = r.tests[1];
    CHECK_FALSE(fail.passed);
    CHECK(fail.expected == "deny by jp-deny");
    CHECK(fail.got == "review by kr-review");
    CHECK(fail.contributions == "kr-review (review)");
    CHECK(fail.error.empty());

    CHECK(r.tests[2].passed);
    CHECK(r.tests[2].expected == "license \"L-CN\"");
    CHECK(r.tests[2].got == "license \"L-CN\" by cn-license");

    REQUIRE(r.uncovered.size() == 1);
    CHECK(r.uncovered[0].policy == "api.tests");
    CHECK(r.uncovered[0].rule == "us-military");
    CHECK(r.uncovered[0].at == "tested.licit:14:1");

    CHECK(r.to_text() ==
          "api.tests (tested.licit)\n"
          "  PASS  passes\n"
          "  FAIL  fails with a contribution  (tested.licit:22:1)\n"
          "        expected: deny by jp-deny\n"
          "        got:      review by kr-review\n"
          "        contributions: kr-review (review)\n"
          "  PASS  names the licence\n"
          "\n"
          "3 tests: 2 passed, 1 failed\n"
          "coverage: 1 rule no test fires:\n"
          "  us-military (tested.licit:14:1)\n");
    std::string colored = r.to_text(true);
    CHECK(colored.find("\x1b[32mPASS\x1b[0m  passes\n") != std::string::npos);
    CHECK(colored.find("\x1b[1;31mFAIL\x1b[0m  fails") != std::string::npos);

    std::string json = r.to_json();
    CHECK(json.starts_with(
        R"({"tests":[{"policy":"api.tests","file":"tested.licit","name":"passes","at":"tested.licit:18:1","passed":true,"expected":"deny by jp-deny","got":"deny by jp-deny","contributions":"","error":null},)"));
    CHECK(json.ends_with(
        R"(],"passed":2,"failed":1,"uncovered":[{"policy":"api.tests","rule":"us-military","at":"tested.licit:14:1"}]})"));
  }
}

TEST_CASE("run_tests: a record that cannot be judged is a failure with the reason",
          "[api][tests]") {
  TempFile undated("undated.licit", kUndated);
  TempFile tested("tested.licit", kTested);
  licit::Compilation c =
      licit::Engine().compile_files({undated.path.string(), tested.path.string()});
  INFO(c.diagnostics_text());
  REQUIRE(c.ok());
  licit::TestReport r = c.policy().run_tests();
  REQUIRE(r.tests.size() == 4);
  const licit::TestCase& t = r.tests[0];
  CHECK(t.policy == "api.undated");
  CHECK_FALSE(t.passed);
  CHECK(t.expected == "review by kr-review");
  CHECK(t.error == "no date to judge by: the record has no date and no --as-of");
  CHECK(t.got == "error: " + t.error);
  CHECK(t.contributions.empty());
  CHECK(r.failed == 2);
  std::string text = r.to_text();
  // One heading per policy; no contributions line for an error.
  CHECK(text.starts_with("api.undated (" + undated.path.string() + ")\n  FAIL  has no date  (" +
                         undated.path.string() +
                         ":7:1)\n        expected: review by kr-review\n        got:      error: "
                         "no date to judge by: the record has no date and no --as-of\napi.tests (" +
                         tested.path.string() + ")\n"));
  CHECK(r.to_json().find(R"("error":"no date to judge by)") != std::string::npos);
}

TEST_CASE("run_tests: no tests, every rule covered, an empty Policy", "[api][tests]") {
  licit::TestReport none =
      Compile("policy api.none\nimport std.trade\n\nrule r: deny to JP\n").run_tests();
  CHECK(none.tests.empty());
  CHECK(none.ok());
  CHECK(none.to_text() ==
        "no tests found\ncoverage: 1 rule no test fires:\n  r (tested.licit:4:1)\n");

  licit::TestReport example =
      licit::Engine().compile_files({licit_test::ExamplePolicyPath()}).policy().run_tests();
  CHECK(example.ok());
  CHECK(example.passed == example.tests.size());
  CHECK(example.passed > 0);

  licit::TestReport empty = licit::Policy().run_tests();
  CHECK(empty.tests.empty());
  CHECK(empty.uncovered.empty());
  CHECK(empty.passed == 0);
  CHECK(empty.failed == 0);
  CHECK(empty.to_text() == "no tests found\ncoverage: every rule is fired by at least one test\n");
  CHECK(empty.to_json() == R"({"tests":[],"passed":0,"failed":0,"uncovered":[]})");
}

TEST_CASE("C: licit_policy_run_tests", "[api][c][tests]") {
  licit_engine* engine = nullptr;
  REQUIRE(licit_engine_new(&engine) == LICIT_OK);
  licit_compilation* c = nullptr;
  REQUIRE(licit_compile_source(engine, "tested.licit", kTested, std::strlen(kTested), &c) ==
          LICIT_OK);
  licit_policy* p = nullptr;
  REQUIRE(licit_compilation_policy(c, &p) == LICIT_OK);

  size_t passed = 0, failed = 0;
  char* text = nullptr;
  char* json = nullptr;
  REQUIRE(licit_policy_run_tests(p, &passed, &failed, &text, &json) == LICIT_OK);
  CHECK(passed == 2);
  CHECK(failed == 1);
  REQUIRE(text != nullptr);
  REQUIRE(json != nullptr);
  CHECK(std::string(text) == Compile(kTested).run_tests().to_text());
  CHECK(std::string(json) == Compile(kTested).run_tests().to_json());
  licit_string_free(text);
  licit_string_free(json);

  // Every out-parameter is optional.
  REQUIRE(licit_policy_run_tests(p, nullptr, &failed, nullptr, nullptr) == LICIT_OK);
  CHECK(failed == 1);
  text = reinterpret_cast<char*>(&passed);  // cleared on failure
  CHECK(licit_policy_run_tests(nullptr, &passed, &failed, &text, nullptr) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(text == nullptr);
  CHECK(licit_policy_run_tests(reinterpret_cast<const licit_policy*>(engine), nullptr, nullptr,
                               nullptr, nullptr) == LICIT_ERR_INVALID_HANDLE);

  licit_policy_free(p);
  licit_compilation_free(c);
  licit_engine_free(engine);
}
