// Tiered start (EngineKind::Default with the JIT built in): the interpreter decides at once while
// the JIT compiles in the background, the JIT from the moment it is ready, and the decisions are
// the same whatever the moment of the switch.
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "api_test_support.h"
#include "licit/licit.h"
#include "licit/licit.hpp"

namespace {

licit::Policy Compile(licit::EngineKind kind) {
  licit::Engine engine(licit::EngineOptions{.engine = kind});
  licit::Compilation c = engine.compile_files({licit_test::ExamplePolicyPath()});
  REQUIRE(c.ok());
  return c.policy();
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  const char* name_;
};

}  // namespace

TEST_CASE("tiered: the same decisions before and after the JIT arrives", "[tiered]") {
  if (!licit::jit_available()) return;
  const std::vector<std::string> lines = licit_test::ShipmentLines();
  std::vector<std::string> expected;
  const licit::Policy interp = Compile(licit::EngineKind::Interpreter);
  CHECK(interp.jit_state() == licit::JitState::None);
  for (const std::string& line : lines) expected.push_back(interp.decide_json(line).to_json());

  // Hold the JIT back long enough that some passes are surely decided before it.
  ScopedEnv delay("LICIT_TEST_JIT_DELAY_MS", "300");
  const licit::Policy tiered = Compile(licit::EngineKind::Default);
  CHECK(tiered.engine_kind() == licit::EngineKind::Jit);
  size_t before = 0, after = 0, passes_after = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (passes_after < 2 && std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < lines.size(); ++i) {
      const bool ready = tiered.jit_state() == licit::JitState::Ready;
      INFO("record " << i << (ready ? " (JIT)" : " (interpreter)"));
      CHECK(tiered.decide_json(lines[i]).to_json() == expected[i]);
      (ready ? after : before) += 1;
    }
    if (after > 0) ++passes_after;
  }
  CHECK(before > 0);
  CHECK(after > 0);
  CHECK(tiered.wait_for_jit() == licit::JitState::Ready);
  // The batch and streaming paths switch too (the screen's verdict fast path needs the JIT).
  std::string streamed;
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  ScopedEnv longer("LICIT_TEST_JIT_DELAY_MS", "3000");
  licit::Policy again = Compile(licit::EngineKind::Default);
  auto screen = [&](const licit::Policy& p) {
    std::string out;
    std::istringstream in(input);
    p.screen(in, [&](std::string_view chunk) { out.append(chunk); });
    return out;
  };
  const std::string early = screen(again);  // the interpreter: the JIT is held back 3 s
  CHECK(again.jit_state() == licit::JitState::Compiling);
  CHECK(again.wait_for_jit() == licit::JitState::Ready);
  CHECK(screen(again) == early);
  CHECK(screen(interp) == early);
}

TEST_CASE("tiered: a policy dropped while its JIT compiles goes at once", "[tiered]") {
  if (!licit::jit_available()) return;
  ScopedEnv delay("LICIT_TEST_JIT_DELAY_MS", "60000");
  const auto start = std::chrono::steady_clock::now();
  {
    licit::Policy p = Compile(licit::EngineKind::Default);
    CHECK(p.jit_state() == licit::JitState::Compiling);
    CHECK_FALSE(p.decide_json(licit_test::ShipmentLines()[0]).is_error());
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("tiered: Jit and Interpreter are not tiered", "[tiered]") {
  if (!licit::jit_available()) return;
  ScopedEnv delay("LICIT_TEST_JIT_DELAY_MS", "60000");  // would hold a tiered compile back
  CHECK(Compile(licit::EngineKind::Jit).jit_state() == licit::JitState::Ready);
  CHECK(Compile(licit::EngineKind::Interpreter).jit_state() == licit::JitState::None);
  CHECK(Compile(licit::EngineKind::Interpreter).wait_for_jit() == licit::JitState::None);
}

TEST_CASE("tiered: stop_background_compiles before exit, and decisions after it", "[tiered]") {
  if (!licit::jit_available()) return;
  // Process-wide and for good, so in a child: a tiered policy whose JIT is ready starts the
  // compile of its full path on a record with an unknown; stop_background_compiles stops and
  // waits for it; every decision after it, of this policy and of a new one, is still the
  // interpreter's (C and C++ entry points both).
  const std::vector<std::string> lines = licit_test::ShipmentLines();
  std::vector<std::string> expected;
  const licit::Policy interp = Compile(licit::EngineKind::Interpreter);
  for (const std::string& line : lines) expected.push_back(interp.decide_json(line).to_json());
  for (int variant = 0; variant < 2; ++variant) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      {
        licit::Policy tiered = Compile(licit::EngineKind::Default);
        if (tiered.wait_for_jit() != licit::JitState::Ready) _exit(2);
        for (size_t i = 0; i < lines.size(); ++i)
          if (tiered.decide_json(lines[i]).to_json() != expected[i]) _exit(3);
        if (variant == 0) licit::stop_background_compiles();
        else licit_stop_background_compiles();
        for (const licit::Policy& p : {tiered, Compile(licit::EngineKind::Default)}) {
          p.wait_for_jit();
          for (size_t i = 0; i < lines.size(); ++i)
            if (p.decide_json(lines[i]).to_json() != expected[i]) _exit(4);
        }
      }  // dropped before the exit, which joins their compile threads (ThreadSanitizer reports a
         // thread nothing joined as a leak, and exits with its own status)
      _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    INFO("variant " << variant << ", status " << status);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}
