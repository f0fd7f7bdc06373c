// What a compiled Policy says about itself (policies(), rule_count(), source_files(), digest()),
// and Engine::compile_sources, which compiles files held in memory: what `licit serve` reports in
// /v1/policy and checks in /v1/check.

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

const char* kCommon =
    "policy acme.common\n"
    "import std.trade\n"
    "group allies = {JP, KR}\n";

const char* kMain =
    "policy acme.main\n"
    "  version \"2026.1\"\n"
    "import std.trade\n"
    "import \"lib/common.licit\"\n"
    "rule to-allies:\n"
    "  license to allies\n"
    "rule to-ru:\n"
    "  deny to RU\n";

}  // namespace

TEST_CASE("policies, rule_count and source_files of a compiled policy", "[api]") {
  licit::Engine engine;
  licit::Compilation c = engine.compile_sources(
      {{"policies/main.licit", kMain}, {"policies/lib/common.licit", kCommon}});
  INFO(c.diagnostics_text());
  REQUIRE(c.ok());
  licit::Policy p = c.policy();
  std::vector<licit::PolicyInfo> roots = p.policies();
  REQUIRE(roots.size() == 2);
  CHECK(roots[0].name == "acme.main");
  CHECK(roots[0].version == std::optional<std::string>("2026.1"));
  CHECK(roots[0].file == "policies/main.licit");
  CHECK(roots[0].rules == 2);
  CHECK(roots[1].name == "acme.common");
  CHECK_FALSE(roots[1].version.has_value());
  CHECK(roots[1].rules == 0);
  CHECK(p.rule_count() == 2);

  std::vector<std::string> files = p.source_files();
  REQUIRE(files.size() == 3);
  CHECK(files[0] == "policies/main.licit");
  CHECK(files[1].ends_with("std/trade.licit"));
  CHECK(files[2] == "policies/lib/common.licit");

  licit::Policy empty;
  CHECK(empty.policies().empty());
  CHECK(empty.rule_count() == 0);
  CHECK(empty.source_files().empty());
  CHECK(empty.digest().empty());
}

TEST_CASE("digest: equal for equal sources, different for any change", "[api]") {
  licit::Engine engine;
  auto digest_of = [&](const Files& files) {
    licit::Compilation c = engine.compile_sources(files);
    REQUIRE(c.ok());
    return c.policy().digest();
  };
  const std::string a = digest_of({{"main.licit", kMain}, {"lib/common.licit", kCommon}});
  REQUIRE(a.size() == 7 + 64);
  CHECK(a.starts_with("sha256:"));
  CHECK(a.find_first_not_of("0123456789abcdef", 7) == std::string::npos);
  CHECK(digest_of({{"main.licit", kMain}, {"lib/common.licit", kCommon}}) == a);
  // A changed text, a changed name, a file moved between name and text: all differ.
  std::string edited = std::string(kMain) + "# a comment\n";
  CHECK(digest_of({{"main.licit", edited}, {"lib/common.licit", kCommon}}) != a);
  CHECK(digest_of({{"other.licit", kMain}, {"lib/common.licit", kCommon}}) != a);
  // The same policy from disk and from memory: the same digest when the path is the same.
  licit::Compilation from_disk = engine.compile_files({licit_test::ExamplePolicyPath()});
  // Its restricted-party lists come along as files that are not roots (compile_sources(files,
  // roots)): they are sources of the policy, in its digest, and nothing is read from disk.
  const std::string lists = std::string(LICIT_SOURCE_DIR) + "/examples/lists/";
  licit::Compilation from_memory = engine.compile_sources(
      {{licit_test::ExamplePolicyPath(), licit_test::ExamplePolicyText()},
       {lists + "mofcom-control-2026.csv", licit_test::ReadFile(lists + "mofcom-control-2026.csv")},
       {lists + "mofcom-watch-2026.csv", licit_test::ReadFile(lists + "mofcom-watch-2026.csv")}},
      1);
  REQUIRE(from_disk.ok());
  REQUIRE(from_memory.ok());
  CHECK(from_disk.policy().digest() == from_memory.policy().digest());
}

TEST_CASE("compile_sources reads nothing from disk", "[api]") {
  licit::Engine engine;
  // The example policy exists on disk, but importing it from memory must not find it.
  const std::string importer = "policy t.importer\nimport \"" + licit_test::ExamplePolicyPath() +
                               "\"\nimport std.trade\nrule r:\n  deny to RU\n";
  licit::Compilation c = engine.compile_sources({{"/nonexistent/dir/importer.licit", importer}});
  CHECK_FALSE(c.ok());
  REQUIRE(c.error_count() >= 1);
  bool import_not_found = false;
  for (const licit::DiagnosticInfo& d : c.diagnostics()) import_not_found |= d.code == "E0311";
  CHECK(import_not_found);

  // Imports resolve against the importing file's directory, `..` included.
  licit::Compilation ok = engine.compile_sources(
      {{"a/b/main.licit",
        "policy t.main\nimport std.trade\nimport \"../shared.licit\"\nrule r:\n  deny to foes\n"},
       {"a/shared.licit", "policy t.shared\nimport std.trade\ngroup foes = {RU, KP}\n"}});
  INFO(ok.diagnostics_text());
  CHECK(ok.ok());

  // Errors point into the given files, by the given names.
  licit::Compilation bad = engine.compile_sources(
      {{"x.licit", "policy t.x\nimport std.trade\nrule r:\n  deny to UK\n"}});
  CHECK_FALSE(bad.ok());
  REQUIRE_FALSE(bad.diagnostics().empty());
  CHECK(bad.diagnostics().front().file == "x.licit");
  CHECK(bad.diagnostics().front().line == 4);
}

TEST_CASE("sources() compiles the same policy again, imports staying imports", "[api]") {
  licit::Engine engine;
  // main.licit is the only root; common.licit is imported (all roots, it would be a second root).
  licit::Compilation first = engine.compile_sources(
      {{"policies/main.licit", kMain}, {"policies/lib/common.licit", kCommon}}, 1);
  INFO(first.diagnostics_text());
  REQUIRE(first.ok());
  licit::Policy policy = first.policy();
  REQUIRE(policy.names() == std::vector<std::string>{"acme.main"});
  const Files sources = policy.sources();
  REQUIRE(sources.size() == policy.source_files().size());
  for (size_t i = 0; i < sources.size(); ++i) CHECK(sources[i].first == policy.source_files()[i]);
  CHECK(sources[0] == Files::value_type{"policies/main.licit", kMain});

  licit::Compilation again = engine.compile_sources(sources, 1);
  REQUIRE(again.ok());
  CHECK(again.policy().digest() == policy.digest());
  CHECK(again.policy().names() == policy.names());
  // Both user files as roots: common.licit judges too, a different policy.
  licit::Compilation both = engine.compile_sources(
      {{"policies/main.licit", kMain}, {"policies/lib/common.licit", kCommon}});
  REQUIRE(both.ok());
  CHECK(both.policy().names().size() == 2);
}
