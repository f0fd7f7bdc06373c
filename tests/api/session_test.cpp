// licit::Session (licit.hpp, "Session"): the REPL's workspace, through the public API only.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"

using licit::Effect;

namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("licit-session-test-" + std::to_string(getpid()) + "-" + name))
      .string();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr const char* kPolicy = R"(policy acme.test
import std.trade

class rare-earth = item.hs under "2805.30"
group friends = {JP, US}

rare-earth to any except friends: license since 2026-01
  because "Rare earths need a licence"

test "China needs a licence" {
  given { id: "t1", date: 2026-03-01, destination: CN, item: { hs: "2805.30" } }
  expect license by rare-earth-to-any-except-friends
}
)";

constexpr const char* kMilitaryRecord =
    R"({id: "R1", destination: JP, item: {}, end_user: {name: "X", kind: "military"}})";

}  // namespace

TEST_CASE("an empty session judges expressions against std.trade", "[api][session]") {
  licit::Session s;
  CHECK(s.policy().valid());
  CHECK(s.policy().names() == std::vector<std::string>{"repl"});
  CHECK(s.files().empty());
  licit::SessionValue v = s.evaluate("1 + 2 * 3");
  REQUIRE(v.ok);
  CHECK(v.value == "7");
  CHECK(v.type == "int");
  CHECK(v.known);
  v = s.evaluate("end_user.kind");
  REQUIRE(v.ok);
  CHECK_FALSE(v.known);
  CHECK(v.type == "string");
  CHECK(v.unknown_reason == "end_user.kind is missing");
  v = s.evaluate("destination == UK");
  CHECK_FALSE(v.ok);
  CHECK(v.diagnostics.find("--> <repl>:1:16") != std::string::npos);
  CHECK(v.diagnostics.find("did you mean `GB`") != std::string::npos);
  CHECK_FALSE(s.has_record());
  CHECK(s.decide().is_error());
}

TEST_CASE("definitions take effect at once; a failed one keeps the previous", "[api][session]") {
  licit::Session s;
  licit::SessionResult r =
      s.define("class military = has(end_user) and end_user.kind == \"military\"");
  REQUIRE(r.ok);
  CHECK(r.message == "defined class military");
  CHECK(r.diagnostics.empty());  // "never used" is not worth a warning at a prompt
  r = s.define("rule no-military:\n  deny military to any\n  because \"No military\"\n");
  REQUIRE(r.ok);
  CHECK(r.message == "defined rule no-military");

  licit::SessionRecord rec = s.enter_record(kMilitaryRecord);
  REQUIRE(rec.ok);
  CHECK(rec.decision.effect() == Effect::Deny);
  REQUIRE(rec.decision.rule_count() == 1);
  CHECK(rec.decision.rule(0).rule == "no-military");
  CHECK(rec.decision.rule(0).at == "<repl>:1:1");
  CHECK(s.has_record());

  // A broken redefinition: diagnostics with carets into the input; the old class stays.
  r = s.define("class military = end_user.kind == 3");
  CHECK_FALSE(r.ok);
  CHECK(r.errors == 1);
  CHECK(r.diagnostics.find("--> <repl>:1:18") != std::string::npos);
  CHECK(r.diagnostics.find("^^^") != std::string::npos);
  CHECK(s.decide().effect() == Effect::Deny);
  CHECK(s.evaluate("military").value == "true");

  // A good redefinition replaces it.
  r = s.define("class military = false");
  REQUIRE(r.ok);
  CHECK(r.message == "redefined class military");
  CHECK(s.decide().effect() == Effect::Allow);
  CHECK(s.definitions() ==
        "rule no-military:\n  deny military to any\n  because \"No military\"\n\n"
        "class military = false\n");

  // The policy header cannot change; nothing else does either.
  r = s.define("policy other");
  CHECK_FALSE(r.ok);
  CHECK(s.policy().names() == std::vector<std::string>{"repl"});

  auto info = s.find("no-military");
  REQUIRE(info);
  CHECK(info->interactive);
  CHECK(info->kind == "rule");
  CHECK(info->source.starts_with("rule no-military:"));
  auto shipment = s.find("Shipment");
  REQUIRE(shipment);
  CHECK(shipment->policy == "std.trade");
  CHECK_FALSE(s.find("nothing"));
}

TEST_CASE("files load, redefinitions overlay them, reload re-reads them", "[api][session]") {
  const std::string path = TempPath("policy.licit");
  WriteText(path, kPolicy);
  licit::Session s;
  licit::SessionResult r = s.load({path});
  REQUIRE(r.ok);
  CHECK(s.files() == std::vector<std::string>{path});
  CHECK(s.policy().names() == std::vector<std::string>{"acme.test"});

  auto rec =
      s.enter_record(R"({id: "S1", date: 2026-03-01, destination: CN, item: {hs: "2805.30"}})");
  REQUIRE(rec.ok);
  CHECK(rec.decision.effect() == Effect::License);
  CHECK(rec.decision.rule(0).at == path + ":7:1");

  // Redefining the file's group replaces it (the file's other lines keep their numbers).
  r = s.define("group friends = {JP, US, CN}");
  REQUIRE(r.ok);
  CHECK(r.message == "redefined group friends");
  CHECK(s.decide().effect() == Effect::Allow);
  CHECK(s.find("friends")->at == "<repl>:1:1");
  CHECK(s.find("rare-earth")->at == path + ":4:1");

  // Editing the file and reloading: the definitions stay on top.
  std::string edited = kPolicy;
  edited.replace(edited.find("license since"), 7, "deny   ");
  WriteText(path, edited);
  r = s.reload();
  REQUIRE(r.ok);
  CHECK(s.decide().effect() == Effect::Allow);  // CN is still a friend by the definition
  r = s.define("group friends = {JP}");
  REQUIRE(r.ok);
  CHECK(s.decide().effect() == Effect::Deny);

  // A reload that breaks the policy is refused; the previous texts stay in force.
  WriteText(path, "policy acme.test\nclass x = nosuch\n");
  r = s.reload();
  CHECK_FALSE(r.ok);
  CHECK(r.diagnostics.find("nosuch") != std::string::npos);
  CHECK(s.decide().effect() == Effect::Deny);

  CHECK_FALSE(s.load({TempPath("missing.licit")}).ok);

  // :test runs the file's tests and those typed in the session.
  REQUIRE(s.define("test \"typed\" {\n  given { date: 2026-03-01, destination: US, item: { hs: "
                   "\"8542.31\" } }\n"
                   "  expect allow\n}")
              .ok);
  licit::TestReport report = s.run_tests();
  REQUIRE(report.tests.size() == 2);
  CHECK(report.tests[0].passed == false);  // the file's test: friends and effects changed above
  CHECK(report.tests[1].name == "typed");
  CHECK(report.tests[1].passed);
  CHECK(report.tests[1].at == "<repl>:1:1");
  CHECK(s.files().size() == 1);
  std::filesystem::remove(path);
}

TEST_CASE("as-of, explanations and the engines", "[api][session]") {
  const std::string path = TempPath("asof.licit");
  WriteText(path, kPolicy);
  licit::Session s;
  REQUIRE(s.load({path}).ok);
  // No date and dated rules: an error decision, until an as-of date is set.
  auto rec = s.enter_record(R"({destination: CN, item: {hs: "2805.30"}})");
  REQUIRE(rec.ok);
  CHECK(rec.decision.is_error());
  CHECK(rec.decision.error_kind() == licit::ErrorKind::Date);
  std::string error;
  CHECK_FALSE(s.set_as_of("2026-13-01", &error));
  CHECK_FALSE(error.empty());
  CHECK_FALSE(s.as_of());
  REQUIRE(s.set_as_of("2025-12-31"));
  CHECK(s.decide().effect() == Effect::Allow);
  REQUIRE(s.set_as_of("2026-01-01"));
  licit::Decision d = s.decide();
  CHECK(d.effect() == Effect::License);
  CHECK(d.date() == "2026-01-01");
  licit::Explanation e = s.explain();
  CHECK(e.decision().effect() == Effect::License);
  CHECK(e.to_text().find("rare-earth-to-any-except-friends") != std::string::npos);
  CHECK(s.evaluate("destination in friends").value == "false");

  // Both engines give the same decision.
  REQUIRE(s.set_engine(licit::EngineKind::Interpreter).ok);
  CHECK(s.engine_kind() == licit::EngineKind::Interpreter);
  std::string interp = s.decide().to_json();
  if (licit::jit_available()) {
    REQUIRE(s.set_engine(licit::EngineKind::Jit).ok);
    CHECK(s.engine_kind() == licit::EngineKind::Jit);
    CHECK(s.policy().engine_kind() == licit::EngineKind::Jit);
    CHECK(s.decide().to_json() == interp);
  } else {
    CHECK_FALSE(s.set_engine(licit::EngineKind::Jit).ok);
  }
  s.set_as_of(std::nullopt);
  CHECK(s.decide().is_error());
  std::filesystem::remove(path);
}

TEST_CASE("completion, listing and saving", "[api][session]") {
  licit::Session s;
  REQUIRE(s.define("group watch = {CN, RU}").ok);
  REQUIRE(s.define("class watched = destination in watch").ok);
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  CHECK(has(s.complete("item.h"), "item.hs"));
  CHECK(has(s.complete("wat"), "watch"));
  CHECK(has(s.complete("wat"), "watched"));
  CHECK(has(s.complete("J"), "JP"));
  CHECK(has(s.complete("starts"), "starts_with"));
  CHECK(s.complete("zzzz").empty());
  std::vector<licit::DeclarationInfo> decls = s.declarations();
  REQUIRE(decls.size() == 2);
  CHECK(decls[0].name == "watch");
  CHECK(decls[1].kind == "class");

  const std::string path = TempPath("saved.licit");
  REQUIRE(s.save(path));
  CHECK(ReadText(path) == "group watch = {CN, RU}\n\nclass watched = destination in watch\n");
  std::string error;
  CHECK_FALSE(s.save("/nonexistent-directory/x.licit", &error));
  CHECK(error.find("cannot write") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("broken input never breaks the session", "[api][session]") {
  licit::Session s;
  REQUIRE(s.define("class ok = destination == JP").ok);
  CHECK_FALSE(s.define("class bad = \"\xff\xfe\"").ok);
  CHECK_FALSE(s.enter_record("{destination: \"\xc3\"}").ok);
  CHECK_FALSE(s.evaluate("\xe2\x82").ok);
  CHECK_FALSE(s.define("rule half:").ok);
  CHECK_FALSE(s.define("").ok);
  CHECK_FALSE(s.evaluate("").ok);
  CHECK_FALSE(s.enter_record("{destination: JP,").ok);
  CHECK_FALSE(s.evaluate(std::string(1000, '(')).ok);
  CHECK_FALSE(s.evaluate(std::string("1") + std::string(1, '\0') + "2").ok);
  std::string huge;
  for (int i = 0; i < 20000; ++i) huge += "destination == JP or ";
  huge += "false";
  licit::SessionValue v = s.evaluate(huge);
  CHECK(v.ok);
  CHECK(v.type == "bool");
  REQUIRE(s.enter_record("{destination: JP}").ok);
  CHECK(s.evaluate("ok").value == "true");
  CHECK(s.definitions() == "class ok = destination == JP\n");
}

TEST_CASE("a session whose starting point does not compile stays safe", "[api][session]") {
  licit::SessionOptions options;
  options.engine.stdlib_dir = "/nonexistent-licit-stdlib";
  licit::Session s(options);
  CHECK_FALSE(s.policy().valid());
  CHECK_FALSE(s.evaluate("1 + 1").ok);
  CHECK_FALSE(s.enter_record("{destination: JP}").ok);
  CHECK(s.decide().is_error());
  CHECK(s.explain().decision().is_error());
  CHECK(s.declarations().empty());
  CHECK_FALSE(s.find("Shipment"));
  CHECK_FALSE(s.complete("J").empty());  // country codes still complete
  licit::SessionResult r = s.define("let x = 1");
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.diagnostics.empty());
}
