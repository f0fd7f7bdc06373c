// The C ABI (api/include/licit/licit.h): every function, and misuse (NULL, wrong-type and freed
// handles, invalid UTF-8, malformed JSON, failed compilations, bad descriptors, callbacks that
// stop). Written in C++ for Catch2; the C11 test (c_abi_test.c) checks the header compiles and
// works as C.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "licit/licit.h"
#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LICIT_TEST_NO_FREED_HANDLES 1  // reading freed memory on purpose would (rightly) abort
#endif

namespace {

const char* kRecord =
    R"J({"id":"R1","date":"2026-02-01","destination":"JP","item":{"cn":"1C902"}})J";

std::string Take(char* s) {
  std::string out = s ? s : "";
  licit_string_free(s);
  return out;
}

struct Fixture {
  licit_engine* engine = nullptr;
  licit_compilation* compilation = nullptr;
  licit_policy* policy = nullptr;
  Fixture() {
    REQUIRE(licit_engine_new(&engine) == LICIT_OK);
    std::string path = licit_test::ExamplePolicyPath();
    const char* paths[] = {path.c_str()};
    REQUIRE(licit_compile_files(engine, paths, 1, &compilation) == LICIT_OK);
    REQUIRE(licit_compilation_policy(compilation, &policy) == LICIT_OK);
  }
  ~Fixture() {
    licit_policy_free(policy);
    licit_compilation_free(compilation);
    licit_engine_free(engine);
  }
};

}  // namespace

TEST_CASE("C: library functions", "[api][c]") {
  CHECK(std::strchr(licit_version(), '.') != nullptr);
  CHECK(std::string(licit_status_name(LICIT_ERR_JSON)) == "LICIT_ERR_JSON");
  CHECK(std::string(licit_status_name(static_cast<licit_status>(99))) ==
        "LICIT_ERR_UNKNOWN_STATUS");
  CHECK(std::string(licit_effect_name(LICIT_EFFECT_LICENSE)) == "license");
  CHECK(std::string(licit_effect_name(static_cast<licit_effect>(42))) == "error");
  licit_string_free(nullptr);
  licit_engine_free(nullptr);
  licit_compilation_free(nullptr);
  licit_policy_free(nullptr);
  licit_decision_free(nullptr);
  licit_explanation_free(nullptr);
  licit_record_free(nullptr);
  licit_policy_slot_free(nullptr);
}

TEST_CASE("C: engines", "[api][c]") {
  licit_engine* e = nullptr;
  CHECK(licit_engine_new(nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(std::string(licit_last_error()) == "out is NULL");
  CHECK(licit_engine_new_with(LICIT_ENGINE_INTERP, 1, &e) == LICIT_OK);
  CHECK(std::string(licit_last_error()).empty());
  licit_engine_free(e);
  CHECK(licit_engine_new_with(static_cast<licit_engine_kind>(7), 0, &e) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(e == nullptr);
  licit_status jit = licit_engine_new_with(LICIT_ENGINE_JIT, 0, &e);
  CHECK((jit == LICIT_OK || jit == LICIT_ERR_UNAVAILABLE));
  licit_engine_free(e);
}

TEST_CASE("C: compiling", "[api][c]") {
  licit_engine* engine = nullptr;
  REQUIRE(licit_engine_new(&engine) == LICIT_OK);
  licit_compilation* c = nullptr;

  SECTION("a failed compilation still gives its diagnostics") {
    const char* text = "policy bad.one\n\ngroup friends = {JP, UK}\n";
    CHECK(licit_compile_source(engine, "bad.licit", text, std::strlen(text), &c) ==
          LICIT_ERR_COMPILE);
    CHECK(std::string(licit_last_error()).find("unknown country code `UK` (bad.licit:3:22)") !=
          std::string::npos);
    REQUIRE(c != nullptr);
    CHECK(licit_compilation_ok(c) == 0);
    CHECK(licit_compilation_error_count(c) == 1);
    CHECK(licit_compilation_warning_count(c) == 1);  // W0001: the group is never used
    REQUIRE(licit_compilation_diagnostic_count(c) == 2);
    licit_diagnostic d;
    REQUIRE(licit_compilation_diagnostic(c, 1, &d) == LICIT_OK);
    CHECK(std::string(d.code) == "E0305");
    CHECK(d.severity == 0);
    CHECK(std::string(d.file) == "bad.licit");
    CHECK(d.line == 3);
    CHECK(d.column == 22);
    CHECK(std::string(d.label) == "not an ISO 3166-1 code");
    CHECK(std::string(d.help).find("GB") != std::string::npos);
    CHECK(licit_compilation_diagnostic(c, 2, &d) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compilation_diagnostic(c, 0, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
    char* s = nullptr;
    REQUIRE(licit_compilation_diagnostics_text(c, 0, &s) == LICIT_OK);
    CHECK(Take(s).find("error[E0305]") != std::string::npos);
    REQUIRE(licit_compilation_diagnostics_json(c, &s) == LICIT_OK);
    CHECK(Take(s).find("\"code\":\"E0305\"") != std::string::npos);
    licit_policy* p = nullptr;
    CHECK(licit_compilation_policy(c, &p) == LICIT_ERR_COMPILE);
    CHECK(p == nullptr);
  }
  SECTION("source text with invalid UTF-8") {
    const char text[] = "policy u.x\n# \xff\n";
    CHECK(licit_compile_source(engine, "u.licit", text, sizeof text - 1, &c) == LICIT_ERR_UTF8);
    REQUIRE(c != nullptr);
    licit_diagnostic d;
    REQUIRE(licit_compilation_diagnostic(c, 0, &d) == LICIT_OK);
    CHECK(std::string(d.code) == "E0002");
  }
  SECTION("bad arguments") {
    const char* paths[] = {"x.licit"};
    const char* null_path[] = {nullptr};
    const char* bad_path[] = {"\xff.licit"};
    CHECK(licit_compile_files(nullptr, paths, 1, &c) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_files(engine, paths, 1, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_files(engine, nullptr, 1, &c) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_files(engine, paths, 0, &c) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_files(engine, null_path, 1, &c) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_files(engine, bad_path, 1, &c) == LICIT_ERR_UTF8);
    CHECK(licit_compile_source(engine, nullptr, "", 0, &c) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_source(engine, "x", nullptr, 3, &c) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compile_source(engine, "\xfe", "", 0, &c) == LICIT_ERR_UTF8);
    CHECK(c == nullptr);
    // The wrong handle type.
    CHECK(licit_compile_files(reinterpret_cast<licit_engine*>(engine == nullptr ? nullptr : &c),
                              paths, 1, &c) != LICIT_OK);
    CHECK(licit_compile_source(engine, "empty.licit", nullptr, 0, &c) == LICIT_ERR_COMPILE);
    CHECK(licit_compilation_ok(nullptr) == 0);
    CHECK(licit_compilation_error_count(nullptr) == 0);
    CHECK(licit_compilation_diagnostic_count(nullptr) == 0);
    char* s = nullptr;
    CHECK(licit_compilation_diagnostics_text(nullptr, 0, &s) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_compilation_diagnostics_json(c, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
    licit_policy* p = nullptr;
    CHECK(licit_compilation_policy(nullptr, &p) == LICIT_ERR_INVALID_ARGUMENT);
  }
  SECTION("an unreadable file") {
    const char* paths[] = {"/nonexistent/x.licit"};
    CHECK(licit_compile_files(engine, paths, 1, &c) == LICIT_ERR_COMPILE);
    licit_diagnostic d;
    REQUIRE(licit_compilation_diagnostic(c, 0, &d) == LICIT_OK);
    CHECK(std::string(d.code) == "E0001");
  }
  licit_compilation_free(c);
  licit_engine_free(engine);
}

TEST_CASE("C: deciding", "[api][c]") {
  Fixture f;
  licit_decision* d = nullptr;
  REQUIRE(licit_policy_decide_json(f.policy, kRecord, std::strlen(kRecord), nullptr, &d) ==
          LICIT_OK);
  CHECK(licit_decision_effect(d) == LICIT_EFFECT_LICENSE);
  CHECK(std::string(licit_decision_id(d)) == "R1");
  CHECK(std::string(licit_decision_error(d)).empty());
  REQUIRE(licit_decision_rule_count(d) == 3);
  licit_rule r;
  REQUIRE(licit_decision_rule(d, 1, &r) == LICIT_OK);
  CHECK(std::string(r.name) == "rare-earths");
  CHECK(r.effect == LICIT_EFFECT_LICENSE);
  CHECK(std::string(r.license) == "MOFCOM dual-use export licence (rare earths)");
  CHECK(std::string(r.cite) == "MOFCOM/GAC Announcement No. 18 of 2025");
  CHECK(std::string(r.policy) == "cn.mofcom.japan_2026");
  REQUIRE(licit_decision_rule(d, 0, &r) == LICIT_OK);
  CHECK(r.license == nullptr);
  CHECK(r.cite == nullptr);
  CHECK(licit_decision_rule(d, 3, &r) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_decision_rule(d, 0, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  REQUIRE(licit_decision_license_count(d) == 2);
  CHECK(std::string(licit_decision_license(d, 0)) == "dual-use-to-any");
  CHECK(licit_decision_license(d, 2) == nullptr);
  REQUIRE(licit_decision_unknown_count(d) == 2);
  const char *rule = nullptr, *reason = nullptr;
  REQUIRE(licit_decision_unknown(d, 1, &rule, &reason) == LICIT_OK);
  CHECK(std::string(rule) == "jp-military");
  CHECK(std::string(reason) == "end_use is missing");
  CHECK(licit_decision_unknown(d, 2, &rule, &reason) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_decision_unknown(d, 0, nullptr, &reason) == LICIT_ERR_INVALID_ARGUMENT);
  char* json = nullptr;
  size_t len = 0;
  REQUIRE(licit_decision_json(d, &json, &len) == LICIT_OK);
  CHECK(std::strlen(json) == len);
  CHECK(Take(json).starts_with("{\"id\":\"R1\",\"effect\":\"license\",\"date\":\"2026-02-01\""));
  REQUIRE(licit_decision_json(d, &json, nullptr) == LICIT_OK);
  licit_string_free(json);
  licit_decision_free(d);

  SECTION("as_of") {
    REQUIRE(licit_policy_decide_json(f.policy, kRecord, std::strlen(kRecord), "2024-01-01", &d) ==
            LICIT_OK);
    CHECK(licit_decision_effect(d) == LICIT_EFFECT_ALLOW);  // before the rules were in force
    licit_decision_free(d);
    d = nullptr;
    CHECK(licit_policy_decide_json(f.policy, kRecord, std::strlen(kRecord), "2024-13-01", &d) ==
          LICIT_ERR_INVALID_ARGUMENT);
    CHECK(std::string(licit_last_error()).find("as_of") != std::string::npos);
    CHECK(d == nullptr);
    CHECK(licit_policy_decide_json(f.policy, kRecord, std::strlen(kRecord), "\xff", &d) ==
          LICIT_ERR_UTF8);
    CHECK(d == nullptr);
  }
  SECTION("records that cannot be judged: an error status and an error decision") {
    struct Case {
      std::string json;
      licit_status status;
    };
    std::vector<Case> cases = {
        {"{\"id\":\"R1\",\"date\":", LICIT_ERR_JSON},
        {"[1,2]", LICIT_ERR_JSON},
        {"", LICIT_ERR_JSON},
        {"{\"id\":\"\xc3\x28\"}", LICIT_ERR_UTF8},
        {"{\"zzz\":\"\xff\",\"id\":\"R\"}", LICIT_ERR_UTF8},
        {R"J({"id":"R9","date":"2026-02-01","destination":"XX","item":{}})J", LICIT_ERR_RECORD},
        {R"J({"id":"R9","date":"2026-02-01","item":{}})J", LICIT_ERR_RECORD},
        {std::string("{\"id\":\"a\0b\"}", 12), LICIT_ERR_JSON},
    };
    for (const Case& c : cases) {
      INFO(c.json);
      d = nullptr;
      CHECK(licit_policy_decide_json(f.policy, c.json.data(), c.json.size(), nullptr, &d) ==
            c.status);
      REQUIRE(d != nullptr);
      CHECK(licit_decision_effect(d) == LICIT_EFFECT_ERROR);
      CHECK(std::string(licit_decision_error(d)) == licit_last_error());
      licit_decision_free(d);
    }
    d = nullptr;
    licit_policy_decide_json(f.policy, cases[5].json.data(), cases[5].json.size(), nullptr, &d);
    CHECK(std::string(licit_decision_id(d)) == "R9");
    licit_decision_free(d);
  }
  SECTION("bad arguments") {
    d = nullptr;
    CHECK(licit_policy_decide_json(nullptr, kRecord, 3, nullptr, &d) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(std::string(licit_last_error()) == "policy is NULL");
    CHECK(licit_policy_decide_json(f.policy, nullptr, 3, nullptr, &d) ==
          LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_policy_decide_json(f.policy, kRecord, 3, nullptr, nullptr) ==
          LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_policy_decide_json(reinterpret_cast<licit_policy*>(f.engine), kRecord, 3, nullptr,
                                   &d) == LICIT_ERR_INVALID_HANDLE);
    CHECK(std::string(licit_last_error()).find("not a live policy handle") != std::string::npos);
    CHECK(d == nullptr);
    CHECK(licit_decision_effect(nullptr) == LICIT_EFFECT_ERROR);
    CHECK(std::string(licit_decision_error(nullptr)).empty());
    CHECK(licit_decision_id(nullptr) == nullptr);
    CHECK(licit_decision_rule_count(nullptr) == 0);
    CHECK(licit_decision_license_count(nullptr) == 0);
    CHECK(licit_decision_unknown_count(nullptr) == 0);
    CHECK(licit_decision_license(nullptr, 0) == nullptr);
    char* s = nullptr;
    CHECK(licit_decision_json(nullptr, &s, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
    CHECK(licit_decision_json(reinterpret_cast<licit_decision*>(f.policy), &s, nullptr) ==
          LICIT_ERR_INVALID_HANDLE);
    licit_decision_free(reinterpret_cast<licit_decision*>(f.policy));  // ignored: wrong type
    CHECK(licit_policy_decide_json(f.policy, kRecord, std::strlen(kRecord), nullptr, &d) ==
          LICIT_OK);
    licit_decision_free(d);
  }
}

TEST_CASE("C: policies, clones and freed handles", "[api][c]") {
  Fixture f;
  licit_policy* clone = nullptr;
  REQUIRE(licit_policy_clone(f.policy, &clone) == LICIT_OK);
  licit_policy* none = nullptr;
  CHECK(licit_policy_clone(nullptr, &none) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_clone(f.policy, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  // The clone outlives the original and the compilation.
  licit_policy_free(f.policy);
  f.policy = nullptr;
  licit_compilation_free(f.compilation);
  f.compilation = nullptr;
  licit_decision* d = nullptr;
  REQUIRE(licit_policy_decide_json(clone, kRecord, std::strlen(kRecord), nullptr, &d) == LICIT_OK);
  CHECK(licit_decision_effect(d) == LICIT_EFFECT_LICENSE);
  licit_decision_free(d);
#ifndef LICIT_TEST_NO_FREED_HANDLES
  // Best effort (licit.h): the freed handle's tag no longer matches.
  licit_policy* dangling = clone;
  licit_policy_free(clone);
  d = nullptr;
  CHECK(licit_policy_decide_json(dangling, kRecord, std::strlen(kRecord), nullptr, &d) ==
        LICIT_ERR_INVALID_HANDLE);
  licit_policy_free(dangling);  // a double free is ignored
#else
  licit_policy_free(clone);
#endif
}

TEST_CASE("C: explanations", "[api][c]") {
  Fixture f;
  licit_explanation* e = nullptr;
  REQUIRE(licit_policy_explain_json(f.policy, kRecord, std::strlen(kRecord), nullptr, &e) ==
          LICIT_OK);
  const licit_decision* d = licit_explanation_decision(e);
  CHECK(licit_decision_effect(d) == LICIT_EFFECT_LICENSE);
  char* s = nullptr;
  REQUIRE(licit_explanation_text(e, &s) == LICIT_OK);
  CHECK(Take(s).starts_with("Decision: license for record R1"));
  REQUIRE(licit_explanation_json(e, &s) == LICIT_OK);
  CHECK(Take(s).starts_with("{\"decision\":{\"id\":\"R1\""));
  licit_explanation_free(e);
  e = nullptr;
  CHECK(licit_policy_explain_json(f.policy, "{", 1, nullptr, &e) == LICIT_ERR_JSON);
  REQUIRE(e != nullptr);
  CHECK(licit_decision_effect(licit_explanation_decision(e)) == LICIT_EFFECT_ERROR);
  licit_explanation_free(e);
  e = nullptr;
  CHECK(licit_policy_explain_json(f.policy, kRecord, 3, "nope", &e) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_explain_json(nullptr, kRecord, 3, nullptr, &e) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_explain_json(f.policy, nullptr, 3, nullptr, &e) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(e == nullptr);
  CHECK(licit_explanation_decision(nullptr) == nullptr);
  CHECK(licit_explanation_text(nullptr, &s) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_explanation_json(nullptr, &s) == LICIT_ERR_INVALID_ARGUMENT);
}

TEST_CASE("C: typed records", "[api][c]") {
  Fixture f;
  licit_record* r = nullptr;
  REQUIRE(licit_policy_new_record(f.policy, &r) == LICIT_OK);
  CHECK(licit_record_set(r, "id", "C1") == LICIT_OK);
  CHECK(licit_record_set(r, "date", "2026-02-01") == LICIT_OK);
  CHECK(licit_record_set(r, "destination", "JP") == LICIT_OK);
  CHECK(licit_record_set(r, "item.cn", "1C902") == LICIT_OK);
  CHECK(licit_record_set(r, "quantity", "3.5") == LICIT_OK);
  CHECK(licit_record_set_int(r, "quantity", 4) == LICIT_OK);
  const char* tags[] = {"b", "a"};
  CHECK(licit_record_set_list(r, "item.tags", tags, 2) == LICIT_OK);
  CHECK(licit_record_set_null(r, "end_use") == LICIT_OK);
  licit_decision* d = nullptr;
  REQUIRE(licit_policy_decide_record(f.policy, r, nullptr, &d) == LICIT_OK);
  CHECK(licit_decision_effect(d) == LICIT_EFFECT_LICENSE);
  CHECK(std::string(licit_decision_id(d)) == "C1");
  licit_decision_free(d);

  CHECK(licit_record_set(r, "destinaton", "JP") == LICIT_ERR_RECORD);
  CHECK(std::string(licit_last_error()).find("did you mean `destination`?") != std::string::npos);
  CHECK(licit_record_set_bool(r, "end_use", 1) == LICIT_ERR_RECORD);
  CHECK(licit_record_set(r, "end_use", "fine") == LICIT_OK);  // this call succeeded
  CHECK(licit_record_set(r, "end_use", "\xff") == LICIT_ERR_UTF8);
  CHECK(licit_record_set(r, "\xff", "x") == LICIT_ERR_UTF8);
  const char* bad_tags[] = {"ok", nullptr};
  CHECK(licit_record_set_list(r, "item.tags", bad_tags, 2) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set_list(r, "item.tags", nullptr, 1) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set_list(r, "item.tags", nullptr, 0) == LICIT_OK);
  CHECK(licit_record_set_null(r, "id") == LICIT_ERR_RECORD);
  // The record remembers its first mistake: deciding it is an error.
  d = nullptr;
  CHECK(licit_policy_decide_record(f.policy, r, nullptr, &d) == LICIT_ERR_RECORD);
  REQUIRE(d != nullptr);
  CHECK(std::string(licit_decision_error(d)).find("unknown field `destinaton`") !=
        std::string::npos);
  licit_decision_free(d);
  CHECK(licit_record_clear(r) == LICIT_OK);
  d = nullptr;
  CHECK(licit_policy_decide_record(f.policy, r, nullptr, &d) == LICIT_ERR_RECORD);
  CHECK(std::string(licit_decision_error(d)) == "field `id`: missing");
  licit_decision_free(d);
  d = nullptr;
  CHECK(licit_policy_decide_record(f.policy, r, "bad", &d) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_decide_record(f.policy, nullptr, nullptr, &d) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_decide_record(nullptr, r, nullptr, &d) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_decide_record(f.policy, reinterpret_cast<licit_record*>(f.policy), nullptr,
                                   &d) == LICIT_ERR_INVALID_HANDLE);
  CHECK(d == nullptr);
  CHECK(licit_record_set(nullptr, "id", "x") == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set(r, nullptr, "x") == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set(r, "id", nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set_bool(nullptr, "x", 1) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set_int(nullptr, "x", 1) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_set_null(nullptr, "x") == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_record_clear(nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  licit_record* none = nullptr;
  CHECK(licit_policy_new_record(nullptr, &none) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(none == nullptr);
  CHECK(licit_policy_new_record(f.policy, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  licit_record_free(r);
}

TEST_CASE("C: policy slots", "[api][c]") {
  Fixture f;
  licit_policy_slot* slot = nullptr;
  REQUIRE(licit_policy_slot_new(&slot) == LICIT_OK);
  licit_policy* p = nullptr;
  CHECK(licit_policy_slot_load(slot, &p) == LICIT_ERR_NO_POLICY);
  licit_decision* d = nullptr;
  CHECK(licit_policy_slot_decide_json(slot, kRecord, std::strlen(kRecord), nullptr, &d) ==
        LICIT_ERR_NO_POLICY);
  CHECK(d == nullptr);
  REQUIRE(licit_policy_slot_store(slot, f.policy) == LICIT_OK);
  REQUIRE(licit_policy_slot_load(slot, &p) == LICIT_OK);
  licit_policy_free(p);
  REQUIRE(licit_policy_slot_decide_json(slot, kRecord, std::strlen(kRecord), nullptr, &d) ==
          LICIT_OK);
  CHECK(licit_decision_effect(d) == LICIT_EFFECT_LICENSE);
  licit_decision_free(d);
  d = nullptr;
  CHECK(licit_policy_slot_decide_json(slot, "{", 1, nullptr, &d) == LICIT_ERR_JSON);
  licit_decision_free(d);
  CHECK(licit_policy_slot_new(nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_slot_store(nullptr, f.policy) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_slot_store(slot, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_slot_store(slot, reinterpret_cast<licit_policy*>(slot)) ==
        LICIT_ERR_INVALID_HANDLE);
  CHECK(licit_policy_slot_load(nullptr, &p) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_slot_load(slot, nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_slot_decide_json(slot, nullptr, 0, nullptr, &d) == LICIT_ERR_INVALID_ARGUMENT);
  licit_policy_slot_free(slot);
}

TEST_CASE("C: last_error is per thread", "[api][c][threads]") {
  CHECK(licit_engine_new(nullptr) == LICIT_ERR_INVALID_ARGUMENT);
  std::string other;
  std::thread t([&] {
    licit_policy_slot* s = nullptr;
    licit_policy_slot_new(&s);
    other = licit_last_error();
    licit_policy_slot_free(s);
  });
  t.join();
  CHECK(other.empty());
  CHECK(std::string(licit_last_error()) == "out is NULL");
}

// ---- licit_policy_screen_fd ------------------------------------------------------------------

namespace {

// The input as a descriptor: a pipe fed by a thread (slowly, in small pieces, when `trickle`),
// or a temporary file.
class InputFd {
 public:
  enum Kind { kPipe, kNonBlockingPipe, kFile };
  InputFd(const std::string& text, Kind kind) {
    if (kind == kFile) {
      std::FILE* f = std::tmpfile();
      REQUIRE(f != nullptr);
      REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
      REQUIRE(std::fflush(f) == 0);
      fd_ = ::dup(fileno(f));
      std::fclose(f);
      REQUIRE(::lseek(fd_, 0, SEEK_SET) == 0);
      return;
    }
    std::signal(SIGPIPE, SIG_IGN);  // the feeder of a screen that stopped gets EPIPE instead
    int p[2];
    REQUIRE(::pipe(p) == 0);
    fd_ = p[0];
    if (kind == kNonBlockingPipe) ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    const bool trickle = kind == kNonBlockingPipe;
    feeder_ = std::thread([text, w = p[1], trickle] {
      size_t at = 0;
      while (at < text.size()) {
        const size_t piece = trickle ? std::min<size_t>(4093, text.size() - at) : text.size() - at;
        const ssize_t n = ::write(w, text.data() + at, piece);
        if (n <= 0) break;  // the reader stopped early and closed its end
        at += static_cast<size_t>(n);
        if (trickle) std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      ::close(w);
    });
  }
  ~InputFd() {
    ::close(fd_);  // before joining: a feeder blocked on a full pipe then gets EPIPE
    if (feeder_.joinable()) feeder_.join();
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::thread feeder_;
};

struct CScreened {
  licit_status status = LICIT_ERR_INTERNAL;
  std::string out;
  licit_screen_summary summary{};
  size_t writes = 0;
  bool whole_lines = true;  // every chunk ended in '\n'
  size_t stop_at = 0;       // the write call that returns nonzero (0: never)
};

int CollectWrite(void* user, const char* data, size_t len) {
  auto* s = static_cast<CScreened*>(user);
  s->whole_lines = s->whole_lines && len > 0 && data[len - 1] == '\n';
  s->out.append(data, len);
  ++s->writes;
  return s->writes == s->stop_at ? 42 : 0;
}

CScreened ScreenC(const licit_policy* policy, int fd, const licit_screen_options* options,
                  size_t stop_at = 0) {
  CScreened s;
  s.stop_at = stop_at;
  s.status = licit_policy_screen_fd(policy, fd, CollectWrite, &s, options, &s.summary);
  return s;
}

// What the C++ API writes for the same input and options.
std::string ScreenCpp(const std::string& input, const licit::ScreenOptions& options,
                      licit::ScreenSummary* summary = nullptr) {
  licit::Compilation c = licit::Engine().compile_files({licit_test::ExamplePolicyPath()});
  REQUIRE(c.ok());
  std::istringstream in(input);
  std::string out;
  licit::ScreenSummary s =
      c.policy().screen(in, [&out](std::string_view chunk) { out += chunk; }, options);
  if (summary) *summary = s;
  return out;
}

}  // namespace

TEST_CASE("C: screen_fd writes the bytes of Policy::screen, from a pipe or a file",
          "[api][c][screen]") {
  Fixture f;
  const std::string input = licit_test::ScreenInput(300);  // ~4 MB: several blocks
  licit::ScreenSummary want_summary;
  const std::string want = ScreenCpp(input, {}, &want_summary);
  REQUIRE(want_summary.records > 10000);
  for (InputFd::Kind kind : {InputFd::kPipe, InputFd::kNonBlockingPipe, InputFd::kFile}) {
    for (unsigned threads : {1u, 3u}) {
      INFO("input kind " << kind << ", threads " << threads);
      licit_screen_options options;
      licit_screen_options_init(&options);
      options.threads = threads;
      InputFd in(input, kind);
      const CScreened s = ScreenC(f.policy, in.fd(), &options);
      CHECK(s.status == LICIT_OK);
      CHECK(std::string(s.summary.error).empty());
      CHECK(s.out == want);
      CHECK(s.whole_lines);
      CHECK(s.summary.records == want_summary.records);
      for (size_t e = 0; e < 6; ++e) CHECK(s.summary.by_effect[e] == want_summary.by_effect[e]);
      CHECK(s.summary.by_effect[LICIT_EFFECT_ERROR] > 3);
      CHECK(s.summary.tripped == 0);
    }
  }
  // NULL options are the defaults; NULL out is allowed.
  InputFd in(input, InputFd::kFile);
  CScreened s;
  CHECK(licit_policy_screen_fd(f.policy, in.fd(), CollectWrite, &s, nullptr, nullptr) == LICIT_OK);
  CHECK(s.out == want);
}

TEST_CASE("C: screen_fd with CSV, as_of and fail_on", "[api][c][screen]") {
  Fixture f;
  const std::string csv = licit_test::ScreenCsv(3000);
  for (licit_format output : {LICIT_FORMAT_CSV, LICIT_FORMAT_JSON_LINES}) {
    licit::ScreenOptions cpp;
    cpp.input = licit::RecordFormat::Csv;
    cpp.output =
        output == LICIT_FORMAT_CSV ? licit::RecordFormat::Csv : licit::RecordFormat::JsonLines;
    cpp.fail_on = licit::Effect::Deny;
    licit::ScreenSummary want_summary;
    const std::string want = ScreenCpp(csv, cpp, &want_summary);
    licit_screen_options options;
    licit_screen_options_init(&options);
    options.input = LICIT_FORMAT_CSV;
    options.output = output;
    options.fail_on = LICIT_EFFECT_DENY;
    options.threads = 2;
    InputFd in(csv, InputFd::kPipe);
    const CScreened s = ScreenC(f.policy, in.fd(), &options);
    CHECK(s.status == LICIT_OK);
    CHECK(s.out == want);
    CHECK(s.summary.records == 3006);
    CHECK(s.summary.by_effect[LICIT_EFFECT_ERROR] == 6);
    CHECK(s.summary.tripped == (want_summary.tripped ? 1 : 0));
    CHECK(s.summary.tripped == 1);
  }
  // Judged before any rule was in force, nothing is denied.
  const std::string input = licit_test::ScreenInput(1);
  licit_screen_options options;
  licit_screen_options_init(&options);
  options.as_of = "2020-01-01";
  options.fail_on = LICIT_EFFECT_DENY;
  licit::ScreenOptions cpp;
  cpp.as_of = "2020-01-01";
  InputFd in(input, InputFd::kFile);
  const CScreened early = ScreenC(f.policy, in.fd(), &options);
  CHECK(early.status == LICIT_OK);
  CHECK(early.summary.tripped == 0);
  CHECK(early.out == ScreenCpp(input, cpp));
  CHECK(early.out.find("\"date\":\"2020-01-01\"") != std::string::npos);
  // An empty input: no records, nothing written (CSV output: the header alone).
  InputFd empty("", InputFd::kPipe);
  const CScreened none = ScreenC(f.policy, empty.fd(), nullptr);
  CHECK(none.status == LICIT_OK);
  CHECK(none.summary.records == 0);
  CHECK(none.out.empty());
}

TEST_CASE("C: screen_fd refuses bad arguments before reading anything", "[api][c][screen]") {
  Fixture f;
  const std::string input = licit_test::ScreenInput(1);
  InputFd in(input, InputFd::kFile);
  licit_screen_options options;
  licit_screen_options_init(&options);
  auto refused = [&](const licit_policy* p, int fd, licit_write_fn write,
                     const licit_screen_options* o, const std::string& message) {
    CScreened s;
    s.summary.records = 99;
    const licit_status status = licit_policy_screen_fd(p, fd, write, &s, o, &s.summary);
    CHECK(std::string(licit_last_error()).find(message) != std::string::npos);
    CHECK(std::string(s.summary.error) == licit_last_error());
    CHECK(s.summary.records == 0);
    CHECK(s.out.empty());
    return status;
  };
  CHECK(refused(nullptr, in.fd(), CollectWrite, &options, "policy is NULL") ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(refused(reinterpret_cast<const licit_policy*>(f.engine), in.fd(), CollectWrite, &options,
                "not a live policy") == LICIT_ERR_INVALID_HANDLE);
  CHECK(refused(f.policy, in.fd(), nullptr, &options, "write is NULL") ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(refused(f.policy, -1, CollectWrite, &options, "input_fd -1 is not a file descriptor") ==
        LICIT_ERR_INVALID_ARGUMENT);
  int p[2];
  REQUIRE(::pipe(p) == 0);
  CHECK(refused(f.policy, p[1], CollectWrite, &options, "is not open for reading") ==
        LICIT_ERR_INVALID_ARGUMENT);
  ::close(p[0]);
  ::close(p[1]);
  CHECK(refused(f.policy, p[0], CollectWrite, &options, "is not open") ==
        LICIT_ERR_INVALID_ARGUMENT);

  options.as_of = "2026-13-45";
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options,
                "`as_of` takes a date like 2026-01-06, not `2026-13-45`") ==
        LICIT_ERR_INVALID_ARGUMENT);
  options.as_of = "2026-01";
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options, "not `2026-01`") ==
        LICIT_ERR_INVALID_ARGUMENT);
  options.as_of = "\xff";
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options, "as_of is not valid UTF-8") ==
        LICIT_ERR_UTF8);
  licit_screen_options_init(&options);
  options.fail_on = LICIT_EFFECT_ERROR;
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options, "fail_on must be") ==
        LICIT_ERR_INVALID_ARGUMENT);
  options.fail_on = LICIT_EFFECT_EXEMPT;
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options, "fail_on must be") ==
        LICIT_ERR_INVALID_ARGUMENT);
  licit_screen_options_init(&options);
  options.input = static_cast<licit_format>(7);
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options, "input must be") ==
        LICIT_ERR_INVALID_ARGUMENT);
  licit_screen_options_init(&options);
  options.output = static_cast<licit_format>(-1);
  CHECK(refused(f.policy, in.fd(), CollectWrite, &options, "output must be") ==
        LICIT_ERR_INVALID_ARGUMENT);
  // Nothing was read: the file still screens from its start.
  const CScreened s = ScreenC(f.policy, in.fd(), nullptr);
  CHECK(s.status == LICIT_OK);
  CHECK(s.out == ScreenCpp(input, {}));
  licit_screen_options_init(nullptr);  // ignored
  // A freed policy (not under sanitizers: they rightly abort on reading freed memory).
#ifndef LICIT_TEST_NO_FREED_HANDLES
  licit_policy* clone = nullptr;
  REQUIRE(licit_policy_clone(f.policy, &clone) == LICIT_OK);
  licit_policy_free(clone);
  CHECK(refused(clone, in.fd(), CollectWrite, nullptr, "not a live policy") ==
        LICIT_ERR_INVALID_HANDLE);
#endif
}

TEST_CASE("C: a callback returning nonzero stops the screen", "[api][c][screen]") {
  Fixture f;
  const std::string input = licit_test::ScreenInput(400);
  for (unsigned threads : {1u, 3u}) {
    INFO("threads " << threads);
    licit_screen_options options;
    licit_screen_options_init(&options);
    options.threads = threads;
    InputFd in(input, InputFd::kPipe);
    const CScreened s = ScreenC(f.policy, in.fd(), &options, /*stop_at=*/2);
    CHECK(s.status == LICIT_ERR_STOPPED);
    CHECK(s.writes == 2);  // no write after the one that said stop
    CHECK(std::string(licit_last_error()) == "the write callback returned 42: the screen stopped");
    CHECK(std::string(s.summary.error) == licit_last_error());
    CHECK(s.summary.records == 0);
    CHECK(s.summary.tripped == 0);
  }
  // The CSV header is the first write: stopping there writes nothing else.
  licit_screen_options options;
  licit_screen_options_init(&options);
  options.output = LICIT_FORMAT_CSV;
  InputFd in(input, InputFd::kPipe);
  const CScreened header = ScreenC(f.policy, in.fd(), &options, /*stop_at=*/1);
  CHECK(header.status == LICIT_ERR_STOPPED);
  CHECK(header.writes == 1);
  CHECK(header.out == "id,line,effect,date,policies,rules,licenses,unknowns,error\n");

  // The progress callback.
  struct Progress {
    uint64_t calls = 0, last_records = 0, last_bytes = 0;
    bool monotonic = true;
    uint64_t stop_after = 0;
  } progress;
  options.output = LICIT_FORMAT_JSON_LINES;
  options.progress_user = &progress;
  options.progress = [](void* user, uint64_t records, uint64_t bytes) {
    auto* p = static_cast<Progress*>(user);
    p->monotonic = p->monotonic && records > p->last_records && bytes >= p->last_bytes;
    p->last_records = records;
    p->last_bytes = bytes;
    return ++p->calls == p->stop_after ? -1 : 0;
  };
  {
    InputFd all(input, InputFd::kPipe);
    const CScreened s = ScreenC(f.policy, all.fd(), &options);
    CHECK(s.status == LICIT_OK);
    CHECK(progress.calls > 3);
    CHECK(progress.monotonic);
    CHECK(progress.last_records == s.summary.records);
    CHECK(progress.last_bytes == input.size());
  }
  {
    progress = Progress{};
    progress.stop_after = 2;
    InputFd all(input, InputFd::kPipe);
    const CScreened s = ScreenC(f.policy, all.fd(), &options);
    CHECK(s.status == LICIT_ERR_STOPPED);
    CHECK(progress.calls == 2);
    CHECK(std::string(licit_last_error()) ==
          "the progress callback returned -1: the screen stopped");
    CHECK(s.summary.records == 0);
  }
  {
    // CSV input reports its bytes through the stream's position (tellg), which the descriptor's
    // stream buffer keeps. (Policy::screen reports 0 bytes once the CSV reader has hit the end of
    // the input, as std::istream::tellg fails then, whatever the stream: not checked here.)
    struct CsvProgress {
      uint64_t calls = 0, last_records = 0, max_bytes = 0;
      bool monotonic = true;
    } csv_progress;
    const std::string csv = licit_test::ScreenCsv(20000);
    options.input = LICIT_FORMAT_CSV;
    options.progress_user = &csv_progress;
    options.progress = [](void* user, uint64_t records, uint64_t bytes) {
      auto* p = static_cast<CsvProgress*>(user);
      p->monotonic = p->monotonic && records > p->last_records;
      p->last_records = records;
      p->max_bytes = std::max(p->max_bytes, bytes);
      ++p->calls;
      return 0;
    };
    InputFd all(csv, InputFd::kFile);
    const CScreened s = ScreenC(f.policy, all.fd(), &options);
    CHECK(s.status == LICIT_OK);
    CHECK(csv_progress.calls > 3);
    CHECK(csv_progress.monotonic);
    CHECK(csv_progress.last_records == s.summary.records);
    CHECK(csv_progress.max_bytes > csv.size() / 2);
    CHECK(csv_progress.max_bytes <= csv.size());
  }
}

TEST_CASE("C: a read error ends the screen with LICIT_ERR_IO", "[api][c][screen]") {
  Fixture f;
  const int dir = ::open(LICIT_SOURCE_DIR, O_RDONLY | O_DIRECTORY);  // read(2) fails: EISDIR
  REQUIRE(dir >= 0);
  const CScreened s = ScreenC(f.policy, dir, nullptr);
  ::close(dir);
  CHECK(s.status == LICIT_ERR_IO);
  CHECK(std::string(licit_last_error()).find("error reading input_fd") != std::string::npos);
  CHECK(std::string(licit_last_error()).find("(after 0 records)") != std::string::npos);
  CHECK(std::string(s.summary.error) == licit_last_error());
  CHECK(s.summary.records == 0);
  CHECK(s.out.empty());
  CHECK(std::string(licit_status_name(LICIT_ERR_IO)) == "LICIT_ERR_IO");
  CHECK(std::string(licit_status_name(LICIT_ERR_STOPPED)) == "LICIT_ERR_STOPPED");
}

TEST_CASE("C: the summary's error is cut at a character boundary", "[api][c][screen]") {
  Fixture f;
  InputFd in("", InputFd::kPipe);
  licit_screen_options options;
  licit_screen_options_init(&options);
  const std::string date = std::string(300, 'x') + "\xc3\xa9\xc3\xa9\xc3\xa9";  // long, with "é"s
  for (size_t pad = 0; pad < 4; ++pad) {
    const std::string as_of = std::string(pad, 'y') + "\xc3\xa9" + date;
    options.as_of = as_of.c_str();
    licit_screen_summary summary;
    CHECK(licit_policy_screen_fd(f.policy, in.fd(), CollectWrite, nullptr, &options, &summary) ==
          LICIT_ERR_INVALID_ARGUMENT);
    const std::string error = summary.error;
    CHECK(error.size() <= 255);
    CHECK(error.size() >= 252);
    CHECK(std::string(licit_last_error()).starts_with(error));
    CHECK((static_cast<unsigned char>(licit_last_error()[error.size()]) & 0xC0) != 0x80);
  }
}
