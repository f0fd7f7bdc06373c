// The authoring API (licit.hpp): Engine::format_source, Policy::impact and Workspace, as an
// embedder (an editor plug-in, a review bot) calls them, without the CLI or the server.

#include <algorithm>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

namespace {

licit::Policy Compile(const std::string& name, const std::string& text) {
  licit::Compilation c = licit::Engine().compile_source(name, text);
  REQUIRE(c.ok());
  return c.policy();
}

uint32_t OffsetOf(const std::string& text, const std::string& needle, size_t nth = 0) {
  size_t at = text.find(needle);
  for (size_t i = 0; i < nth && at != std::string::npos; ++i) at = text.find(needle, at + 1);
  REQUIRE(at != std::string::npos);
  return static_cast<uint32_t>(at);
}

const char* kPolicy = R"(policy acme.authoring
import std.trade

class listed = has(item.eccn)

rule jp-ban:
  deny listed to JP
  when end_use == "military"
  because "the ban"

test "the ban" {
  given {id: "t", date: 2026-01-10, destination: JP, end_use: "military", item: {eccn: "1C903"}}
  expect deny by jp-ban
}
)";

}  // namespace

TEST_CASE("format_source: the canonical layout, and syntax errors refused", "[authoring]") {
  licit::Engine engine;
  licit::Formatted f = engine.format_source("a.licit", "policy   p\nrule r : deny to JP\n");
  REQUIRE(f.ok);
  CHECK(f.changed);
  CHECK(f.text == "policy p\nrule r: deny to JP\n");
  licit::Formatted again = engine.format_source("a.licit", f.text);
  CHECK(again.ok);
  CHECK_FALSE(again.changed);
  CHECK(again.text == f.text);

  licit::Formatted bad = engine.format_source("b.licit", "policy p\nrule r: deny to\n");
  CHECK_FALSE(bad.ok);
  CHECK(bad.text.empty());
  REQUIRE_FALSE(bad.compilation.diagnostics().empty());
  CHECK(bad.compilation.diagnostics()[0].code == "E0201");
}

TEST_CASE("impact: both versions on the same records, changed ones written", "[authoring]") {
  std::string after_text = kPolicy;
  std::string before_text = after_text;
  before_text.replace(before_text.find("deny listed"), 4, "license");  // the ban's old form
  licit::Policy before = Compile("before.licit", before_text);
  licit::Policy after = Compile("after.licit", after_text);
  std::istringstream in(
      R"({"id":"a","date":"2026-01-10","destination":"JP","end_use":"military","item":{"eccn":"1C903"}}
{"id":"b","date":"2026-01-10","destination":"DE","end_use":"military","item":{"eccn":"1C903"}}
not json
{"id":"c","date":"2026-01-10","destination":"JP","end_use":"civil","item":{"eccn":"1C903"}}
)");
  std::string written;
  licit::ImpactSummary s =
      before.impact(after, in, [&](std::string_view chunk) { written += chunk; });
  REQUIRE(s.ok());
  CHECK(s.records == 4);
  CHECK(s.changed == 1);
  CHECK(s.matrix[static_cast<int>(licit::Effect::License)][static_cast<int>(licit::Effect::Deny)] ==
        1);
  CHECK(s.matrix[static_cast<int>(licit::Effect::Allow)][static_cast<int>(licit::Effect::Allow)] ==
        2);
  CHECK(s.matrix[static_cast<int>(licit::Effect::Error)][static_cast<int>(licit::Effect::Error)] ==
        1);
  REQUIRE(s.destinations.size() == 1);
  CHECK(s.destinations[0].key == "JP");
  CHECK(written.find(R"({"line":1,"id":"a","old":{"id":"a","effect":"license")") == 0);
  CHECK(written.find(R"("new":{"id":"a","effect":"deny")") != std::string::npos);
  CHECK(std::count(written.begin(), written.end(), '\n') == 1);
  // Nothing is rules-only: the rule is in both decisions, with another effect.
  CHECK(s.rules.empty());

  // Different record types cannot be compared.
  licit::Policy other = Compile("other.licit", "policy o\nrecord R {id: string}\ninput R\n");
  std::istringstream again("{}\n");
  licit::ImpactSummary bad = before.impact(other, again, [](std::string_view) {});
  CHECK_FALSE(bad.ok());
}

TEST_CASE("analyze: the checker's diagnostics and the proved findings", "[authoring]") {
  licit::Policy p = Compile("a.licit", std::string(kPolicy) + R"(
rule never: review listed to JP when destination == KR

exception idle for jp-ban:
  when destination == KR
)");
  licit::Compilation findings = p.analyze();
  REQUIRE(findings.ok());
  std::vector<std::string> codes;
  for (const licit::DiagnosticInfo& d : findings.diagnostics()) codes.push_back(d.code);
  CHECK(std::count(codes.begin(), codes.end(), "W0101") == 1);  // `never`
  CHECK(std::count(codes.begin(), codes.end(), "W0103") == 1);  // `idle`
  CHECK(std::count(codes.begin(), codes.end(), "W0105") == 1);  // jp-ban without end_use
  for (const licit::DiagnosticInfo& d : findings.diagnostics()) {
    if (d.code != "W0105") continue;
    CHECK(d.message.find("`end_use` is missing") != std::string::npos);
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].find(R"("destination":"JP")") != std::string::npos);
  }
  CHECK(findings.diagnostics_json().find(R"("code":"W0101")") != std::string::npos);
  CHECK_FALSE(findings.policy().valid());

  licit::AnalyzeOptions bad;
  bad.as_of = "2026-02-30";
  CHECK_FALSE(p.analyze(bad).ok());
  CHECK_FALSE(licit::Policy().analyze().ok());
}

TEST_CASE("semantic_diff: witnesses for each change, proofs for the rest", "[authoring]") {
  std::string after_text = kPolicy;
  std::string before_text = after_text;
  before_text.replace(before_text.find("deny listed"), 4, "license");
  licit::Policy before = Compile("before.licit", before_text);
  licit::Policy after = Compile("after.licit", after_text);
  licit::SemanticDiff diff = before.semantic_diff(after);
  REQUIRE(diff.ok());
  CHECK(diff.different());
  CHECK_FALSE(diff.equivalent());
  CHECK(diff.changes.size() == 20);  // every ordered pair of allow, exempt, review, license, deny
  size_t found = 0;
  for (const licit::EffectChange& c : diff.changes) {
    if (c.status != licit::EffectChange::Status::Found) continue;
    ++found;
    CHECK(c.from == licit::Effect::License);
    CHECK(c.to == licit::Effect::Deny);
    // The witness decides that way, judged at its date.
    CHECK(before.decide_json(c.witness, {c.date}).effect() == licit::Effect::License);
    CHECK(after.decide_json(c.witness, {c.date}).effect() == licit::Effect::Deny);
    CHECK(c.old_decision.effect() == licit::Effect::License);
    CHECK(c.new_decision.effect() == licit::Effect::Deny);
  }
  CHECK(found == 1);
  CHECK(diff.to_text().find("license -> deny") == 0);
  CHECK(diff.to_json().find(R"({"equivalent":false,)") == 0);

  licit::SemanticDiff same = after.semantic_diff(after);
  CHECK(same.equivalent());
  CHECK(same.to_text().find("equivalent") == 0);

  // The ban dated from 2026-01-06: the same as undated from then on, different before.
  std::string dated_text = after_text;
  dated_text.insert(dated_text.find("  because \"the ban\""), "  since 2026-01-06\n");
  licit::Policy dated = Compile("dated.licit", dated_text);
  licit::SemanticDiffOptions later, earlier;
  later.between = std::make_pair(std::string("2026-01-06"), std::string("2026-12-31"));
  earlier.between = std::make_pair(std::string("2025-01-01"), std::string("2026-01-05"));
  CHECK(after.semantic_diff(dated, later).equivalent());
  licit::SemanticDiff before_ban = after.semantic_diff(dated, earlier);
  CHECK(before_ban.different());
  for (const licit::EffectChange& c : before_ban.changes)
    if (c.status == licit::EffectChange::Status::Found) CHECK(c.date < "2026-01-06");

  licit::Policy other = Compile("other.licit", "policy o\nrecord R {id: string}\ninput R\n");
  CHECK_FALSE(before.semantic_diff(other).ok());
  licit::SemanticDiffOptions wrong;
  wrong.as_of = "tomorrow";
  CHECK_FALSE(before.semantic_diff(after, wrong).ok());
}

TEST_CASE("Workspace: check, hover, definition, references, rename, symbols", "[authoring]") {
  licit::Workspace ws;
  const std::string path = "/nonexistent-licit-test/acme.licit";
  std::string text = kPolicy;
  ws.set_document(path, text);
  REQUIRE(ws.document(path) != nullptr);
  CHECK(ws.check(path).ok());

  // Hover on the rule's use in the test's `by`, a field and a country.
  auto h = ws.hover(path, OffsetOf(text, "jp-ban", 1));
  REQUIRE(h);
  CHECK(h->markdown.find("rule `jp-ban`") != std::string::npos);
  CHECK(h->markdown.find("the ban") != std::string::npos);
  h = ws.hover(path, OffsetOf(text, "eccn)") + 1);
  REQUIRE(h);
  CHECK(h->markdown.find("item.eccn: code?") != std::string::npos);
  h = ws.hover(path, OffsetOf(text, "JP\n"));
  REQUIRE(h);
  CHECK(h->markdown.find("`JP` (Japan)") != std::string::npos);

  // Definition of `listed` at its use is its declaration.
  auto def = ws.definition(path, OffsetOf(text, "listed to JP"));
  REQUIRE(def.size() == 1);
  CHECK(def[0].begin == OffsetOf(text, "listed ="));
  // Into the standard library: std.trade's diagnostic path, whose text the API gives.
  def = ws.definition(path, OffsetOf(text, "std.trade") + 4);
  REQUIRE(def.size() == 1);
  REQUIRE(licit::Workspace::stdlib_text(def[0].path) != nullptr);

  auto refs = ws.references(path, OffsetOf(text, "jp-ban"), true);
  CHECK(refs.size() == 2);
  std::string error;
  auto edits = ws.rename(path, OffsetOf(text, "jp-ban"), "japan-ban", &error);
  CHECK(error.empty());
  CHECK(edits.size() == 2);
  for (const licit::TextEdit& e : edits)
    CHECK(text.substr(e.span.begin, e.span.end - e.span.begin) == "jp-ban");
  ws.rename(path, OffsetOf(text, "jp-ban"), "listed", &error);
  CHECK(error.find("already declared") != std::string::npos);

  auto symbols = ws.symbols(path);
  std::vector<std::string> names;
  for (const auto& s : symbols) names.push_back(s.name);
  CHECK(names ==
        std::vector<std::string>{"acme.authoring", "listed", "jp-ban", "test \"the ban\""});
  auto tests = ws.tests(path);
  REQUIRE(tests.size() == 1);
  CHECK(tests[0].name == "the ban");
  CHECK(ws.run_tests(path).passed == 1);

  // Completion after `item.`: the Item record's fields.
  std::string typing = text;
  typing.replace(typing.find("end_use == \"military\""), 21, "item.");
  ws.set_document(path, typing);
  auto items = ws.completions(path, OffsetOf(typing, "item.\n") + 5);
  std::vector<std::string> labels;
  for (const auto& c : items) labels.push_back(c.label);
  CHECK(std::find(labels.begin(), labels.end(), "eccn") != labels.end());
  CHECK(std::find(labels.begin(), labels.end(), "tags") != labels.end());

  // An error shows up in the check; closing forgets the document.
  ws.set_document(path, "policy p\nrule r: deny to UK\n");
  auto diags = ws.check(path).diagnostics();
  REQUIRE_FALSE(diags.empty());
  CHECK(diags[0].code == "E0305");
  ws.close_document(path);
  CHECK(ws.document(path) == nullptr);
}

TEST_CASE("Workspace: completion knows lists, their options and where they go", "[authoring]") {
  licit::Workspace ws;
  const std::string path = "/nonexistent-licit-test/lists.licit";
  auto labels_at = [&](const std::string& text, const std::string& after) {
    ws.set_document(path, text);
    std::vector<std::string> labels;
    for (const auto& c : ws.completions(path, OffsetOf(text, after) + after.size())) {
      labels.push_back(c.label);
    }
    return labels;
  };
  auto has = [](const std::vector<std::string>& labels, const char* label) {
    return std::find(labels.begin(), labels.end(), label) != labels.end();
  };
  const std::string head =
      "policy p\nimport std.trade\nlist control = \"control.csv\"\nlet n = 1\n";
  // After `matches`: the lists, not every name.
  auto after_matches = labels_at(head + "rule r: deny to JP when end_user matches \n", "matches ");
  CHECK(has(after_matches, "control"));
  CHECK_FALSE(has(after_matches, "n"));
  CHECK_FALSE(has(after_matches, "when"));
  // A list declaration's options, and the formats after `format`.
  auto options = labels_at(head + "list csl = \"csl.csv\" \n", "\"csl.csv\" ");
  CHECK(has(options, "format"));
  CHECK(has(options, "review"));
  CHECK(has(options, "cleared"));
  CHECK_FALSE(has(options, "when"));
  auto formats = labels_at(head + "list csl = \"csl.csv\" format \n", "format ");
  CHECK(formats == std::vector<std::string>{"licit", "csl"});
  // Nothing inside the file name; `list` among column 1's keywords.
  CHECK(labels_at(head + "list csl = \"cs\n", "\"cs").empty());
  CHECK(has(labels_at(head + "\n", "let n = 1\n"), "list"));
}

TEST_CASE("Workspace: dependents, the open documents importing a file", "[authoring]") {
  licit::Workspace ws;
  ws.set_document("/nonexistent-licit-test/shared.licit", "policy s\nlet codes = [\"1C903\"]\n");
  ws.set_document("/nonexistent-licit-test/main.licit",
                  "policy m\nimport std.trade\nimport \"shared.licit\"\n"
                  "rule r: deny to JP when has(item.eccn) and item.eccn under codes\n");
  CHECK(ws.check("/nonexistent-licit-test/main.licit").ok());
  auto deps = ws.dependents("/nonexistent-licit-test/shared.licit");
  REQUIRE(deps.size() == 1);
  CHECK(deps[0] == "/nonexistent-licit-test/main.licit");
}
