// Hot reload (PolicySlot): threads decide in a loop while the main thread compiles new policies
// and swaps them in. Every decision must be exactly one of the two policies' decisions, and the
// one of the policy the thread loaded; a decision in flight finishes on the old policy. The same
// test runs under ThreadSanitizer in its own build (docs/embedding.md, "Hot reload").
//
// LICIT_API_TEST_ENGINE=interp|jit chooses the engine (default: the library's default).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"

namespace {

const char* kPolicyA = R"(policy reload.a

class listed = has(item.cn)

listed to JP: deny
)";
const char* kPolicyB = R"(policy reload.b

class listed = has(item.cn)

listed to JP: license
)";
const char* kRecord =
    R"J({"id":"R1","date":"2026-02-01","destination":"JP","item":{"cn":"1C902"}})J";

licit::Engine TestEngine() {
  licit::EngineOptions options;
  if (const char* e = std::getenv("LICIT_API_TEST_ENGINE")) {
    std::string kind = e;
    if (kind == "interp") options.engine = licit::EngineKind::Interpreter;
    if (kind == "jit") options.engine = licit::EngineKind::Jit;
  }
  return licit::Engine(options);
}

licit::Policy Compile(const licit::Engine& engine, const char* name, const char* text) {
  licit::Compilation c = engine.compile_source(name, text);
  INFO(c.diagnostics_text());
  REQUIRE(c.ok());
  return c.policy();
}

}  // namespace

TEST_CASE("PolicySlot basics", "[api][reload]") {
  licit::Engine engine = TestEngine();
  licit::PolicySlot slot;
  CHECK_FALSE(slot.load().valid());
  CHECK(slot.generation() == 0);
  CHECK(slot.decide_json(kRecord).error_kind() == licit::ErrorKind::NoPolicy);
  slot.store(Compile(engine, "a.licit", kPolicyA));
  CHECK(slot.generation() == 1);
  CHECK(slot.decide_json(kRecord).effect() == licit::Effect::Deny);
  licit::PolicySlot other(Compile(engine, "b.licit", kPolicyB));
  CHECK(other.decide_json(kRecord).effect() == licit::Effect::License);
  slot.store(licit::Policy());  // storing an empty policy empties the slot
  CHECK_FALSE(slot.load().valid());
}

TEST_CASE("a decision in flight finishes on the old policy", "[api][reload]") {
  licit::Engine engine = TestEngine();
  licit::PolicySlot slot(Compile(engine, "a.licit", kPolicyA));
  licit::Policy in_flight = slot.load();             // a request starts on A
  slot.store(Compile(engine, "b.licit", kPolicyB));  // the reload: the slot drops its A
  CHECK(slot.load().names() == std::vector<std::string>{"reload.b"});
  CHECK(in_flight.decide_json(kRecord).effect() == licit::Effect::Deny);  // still A
  CHECK(slot.load().decide_json(kRecord).effect() == licit::Effect::License);
}

TEST_CASE("hot reload under concurrent decisions", "[api][reload][threads]") {
  licit::Engine engine = TestEngine();
  const std::string expected_a =
      Compile(engine, "a.licit", kPolicyA).decide_json(kRecord).to_json();
  const std::string expected_b =
      Compile(engine, "b.licit", kPolicyB).decide_json(kRecord).to_json();
  REQUIRE(expected_a != expected_b);

  licit::PolicySlot slot(Compile(engine, "a.licit", kPolicyA));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> bad{0}, from_a{0}, from_b{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      licit::Record record;  // a typed record, built for whichever policy was current
      while (!stop.load(std::memory_order_relaxed)) {
        licit::Policy p = slot.load();
        bool is_a = p.names() == std::vector<std::string>{"reload.a"};
        licit::Decision d;
        if (t == 0) {
          if (!record.valid()) {
            record = p.new_record();
            record.set("id", "R1")
                .set("date", "2026-02-01")
                .set("destination", "JP")
                .set("item.cn", "1C902");
          }
          d = p.decide(record);  // possibly built for an older, since swapped-out policy
        } else {
          d = p.decide_json(kRecord);
        }
        std::string json = d.to_json();
        if (json != (is_a ? expected_a : expected_b)) ++bad;
        (is_a ? from_a : from_b)++;
      }
    });
  }
  // Swap 400 times between A and B; every 40th swap stores a freshly compiled policy instead, so
  // policies (and their JIT code) are also compiled and released while other threads decide.
  const licit::Policy a = Compile(engine, "a.licit", kPolicyA);
  const licit::Policy b = Compile(engine, "b.licit", kPolicyB);
  for (int i = 0; i < 400; ++i) {
    bool to_b = i % 2 == 0;
    if (i % 40 == 0) {
      slot.store(to_b ? Compile(engine, "b.licit", kPolicyB)
                      : Compile(engine, "a.licit", kPolicyA));
    } else {
      slot.store(to_b ? b : a);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  stop = true;
  for (auto& t : threads) t.join();
  std::fprintf(stderr,
               "hot reload (%s): %llu decisions, %llu on A and %llu on B, across 400 swaps\n",
               licit::engine_kind_name(engine.engine_kind()),
               static_cast<unsigned long long>(from_a + from_b),
               static_cast<unsigned long long>(from_a.load()),
               static_cast<unsigned long long>(from_b.load()));
  CHECK(bad == 0);
  CHECK(from_a > 0);
  CHECK(from_b > 0);
  CHECK(slot.generation() == 401);
}
