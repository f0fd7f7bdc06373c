// The C++ API (api/include/licit/licit.hpp): every call, including misuse. Runs with the default
// engine (the JIT when built with LLVM) and compares with the interpreter where it matters.

#include <atomic>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

using licit::Effect;
using licit::ErrorKind;

namespace {

const char* kS0001 =
    R"J({"id":"S-0001","date":"2025-03-15","destination":"JP","origin":"CN","exporter":{"name":"Shenzhen Export Co.","country":"CN","kind":"commercial"},"end_user":{"name":"Toyota Motor","country":"JP","kind":"commercial"},"end_use":"manufacturing","item":{"cn":"3A001.a.2","description":"Radiation-hardened ICs","eccn":"3A001.a.2","hs":"8542.31"}})J";
// What `licit eval examples/cn-japan-2026.licit --record <kS0001>` prints (README.md).
const char* kS0001Decision =
    R"J({"id":"S-0001","effect":"license","date":"2025-03-15","policy":{"name":"cn.mofcom.japan_2026","version":null},"rules":[{"rule":"dual-use-to-any","effect":"license","license":null,"because":"Dual-Use Items Export Control Regulations (State Council Decree 792)","cite":null,"at":"examples/cn-japan-2026.licit:14:1"}],"waived":[],"licenses":["dual-use-to-any"],"unknowns":[]})J";

licit::Policy ExamplePolicy(licit::EngineKind kind = licit::EngineKind::Default) {
  licit::EngineOptions options;
  options.engine = kind;
  licit::Engine engine(options);
  licit::Compilation c =
      engine.compile_source("examples/cn-japan-2026.licit", licit_test::ExamplePolicyText());
  REQUIRE(c.ok());
  return c.policy();
}

}  // namespace

TEST_CASE("version and names", "[api]") {
  CHECK(std::string(licit::version()).find('.') != std::string::npos);
  CHECK(std::string(licit::effect_name(Effect::Deny)) == "deny");
  CHECK(std::string(licit::effect_name(Effect::Error)) == "error");
  CHECK(std::string(licit::engine_kind_name(licit::EngineKind::Interpreter)) == "interp");
  licit::Engine engine;
  CHECK(engine.engine_kind() ==
        (licit::jit_available() ? licit::EngineKind::Jit : licit::EngineKind::Interpreter));
  licit::Engine copy = engine;
  CHECK(copy.engine_kind() == engine.engine_kind());
  CHECK(copy.options().max_source_bytes == engine.options().max_source_bytes);
}

TEST_CASE("compile_files: the example policy", "[api]") {
  licit::Engine engine;
  licit::Compilation c = engine.compile_files({licit_test::ExamplePolicyPath()});
  REQUIRE(c.ok());
  CHECK(c.error_count() == 0);
  CHECK(c.diagnostics_text().empty());
  CHECK(c.diagnostics_json() == "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n");
  licit::Policy p = c.policy();
  REQUIRE(p.valid());
  CHECK(static_cast<bool>(p));
  CHECK(p.engine_kind() == engine.engine_kind());
  CHECK(p.names() == std::vector<std::string>{"cn.mofcom.japan_2026"});
  CHECK(p.input_type() == "std.trade.Shipment");
  bool saw_hs = false;
  for (const licit::FieldInfo& f : p.fields()) {
    if (f.path == "item.hs") {
      saw_hs = true;
      CHECK(f.type == "code");
      CHECK(f.optional);
    }
    if (f.path == "destination") CHECK_FALSE(f.optional);
    if (f.path == "item.tags") CHECK(f.type == "set<string>");
  }
  CHECK(saw_hs);
}

TEST_CASE("compile errors are data", "[api]") {
  licit::Engine engine;
  SECTION("an unreadable file") {
    licit::Compilation c = engine.compile_files({"/nonexistent/policy.licit"});
    CHECK_FALSE(c.ok());
    CHECK(c.error_count() == 1);
    auto ds = c.diagnostics();
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].code == "E0001");
    CHECK(ds[0].severity == licit::DiagnosticSeverity::Error);
    CHECK(c.diagnostics_text().find("error[E0001]") != std::string::npos);
    CHECK(c.diagnostics_json().find("\"code\":\"E0001\"") != std::string::npos);
    licit::Policy p = c.policy();
    CHECK_FALSE(p.valid());
    licit::Decision d = p.decide_json(kS0001);
    CHECK(d.effect() == Effect::Error);
    CHECK(d.error_kind() == ErrorKind::NoPolicy);
    CHECK(d.error().find("no policy") != std::string::npos);
  }
  SECTION("an unknown country, with location and help") {
    licit::Compilation c =
        engine.compile_source("bad.licit", "policy bad.one\n\ngroup friends = {JP, UK}\n");
    CHECK_FALSE(c.ok());
    CHECK(c.error_count() == 1);
    CHECK(c.warning_count() == 1);  // W0001: the group is never used
    auto all = c.diagnostics();
    std::vector<licit::DiagnosticInfo> ds;
    for (const auto& d : all) {
      if (d.severity == licit::DiagnosticSeverity::Error) ds.push_back(d);
    }
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].code == "E0305");
    CHECK(ds[0].file == "bad.licit");
    CHECK(ds[0].line == 3);
    CHECK(ds[0].column == 22);
    CHECK(ds[0].end_column == 24);
    CHECK(ds[0].label == "not an ISO 3166-1 code");
    REQUIRE_FALSE(ds[0].help.empty());
    CHECK(ds[0].help[0].find("GB") != std::string::npos);
    std::string text = c.diagnostics_text();
    CHECK(text.find("error[E0305]: unknown country code `UK`") != std::string::npos);
    CHECK(text.find(" --> bad.licit:3:22") != std::string::npos);
    CHECK(c.diagnostics_text(true).find("\x1b[") != std::string::npos);
  }
  SECTION("invalid UTF-8 in the source") {
    licit::Compilation c = engine.compile_source("u.licit", "policy u.x\n# \xff\xfe\n");
    CHECK_FALSE(c.ok());
    REQUIRE_FALSE(c.diagnostics().empty());
    CHECK(c.diagnostics()[0].code == "E0002");
  }
  SECTION("empty text, garbage text") {
    CHECK_FALSE(engine.compile_source("e.licit", "").ok());
    CHECK_FALSE(engine.compile_source("g.licit", std::string("\0\0\0", 3)).ok());
    CHECK_FALSE(engine.compile_files({}).ok());
  }
  SECTION("a default Compilation") {
    licit::Compilation c;
    CHECK_FALSE(c.ok());
    CHECK(c.diagnostics().empty());
    CHECK(c.diagnostics_text().empty());
    CHECK_FALSE(c.policy().valid());
  }
}

TEST_CASE("warnings_as_errors", "[api]") {
  // An unused class is a warning (W-code); with warnings_as_errors the compilation fails.
  const char* text = "policy warn.one\n\nclass unused = has(item.cn)\n";
  licit::Engine lenient;
  licit::Compilation a = lenient.compile_source("w.licit", text);
  REQUIRE(a.warning_count() > 0);
  CHECK(a.ok());
  licit::EngineOptions strict_options;
  strict_options.warnings_as_errors = true;
  licit::Engine strict(strict_options);
  licit::Compilation b = strict.compile_source("w.licit", text);
  CHECK_FALSE(b.ok());
  CHECK_FALSE(b.policy().valid());
}

TEST_CASE("decide_json: byte-identical to licit eval", "[api]") {
  licit::Policy p = ExamplePolicy();
  licit::Decision d = p.decide_json(kS0001);
  CHECK(d.to_json() == kS0001Decision);
  CHECK(d.effect() == Effect::License);
  CHECK(std::string(d.effect_name()) == "license");
  CHECK_FALSE(d.is_error());
  CHECK(d.error_kind() == ErrorKind::None);
  CHECK(d.error().empty());
  CHECK(d.id() == "S-0001");
  CHECK(d.date() == "2025-03-15");
  REQUIRE(d.rule_count() == 1);
  licit::RuleHit r = d.rule(0);
  CHECK(r.rule == "dual-use-to-any");
  CHECK(r.effect == Effect::License);
  CHECK_FALSE(r.license.has_value());
  CHECK(r.because == "Dual-Use Items Export Control Regulations (State Council Decree 792)");
  CHECK(r.at == "examples/cn-japan-2026.licit:14:1");
  CHECK(r.policy == "cn.mofcom.japan_2026");
  CHECK(d.rules().size() == 1);
  CHECK(d.rule(5).rule.empty());  // out of range: an empty hit
  CHECK(d.licenses() == std::vector<std::string>{"dual-use-to-any"});
  CHECK(d.waived().empty());
  CHECK(d.unknowns().empty());
  REQUIRE(d.policies().size() == 1);
  CHECK(d.policies()[0].name == "cn.mofcom.japan_2026");
  std::string buffer = "x";
  d.append_json(buffer);
  CHECK(buffer == std::string("x") + kS0001Decision);
}

TEST_CASE("decide_json: unknowns", "[api]") {
  licit::Policy p = ExamplePolicy();
  licit::Decision d = p.decide_json(
      R"J({"id":"R1","date":"2026-02-01","destination":"JP","item":{"cn":"1C902"}})J");
  CHECK(d.effect() == Effect::License);
  auto unknowns = d.unknowns();
  REQUIRE(unknowns.size() == 2);
  CHECK(unknowns[1].rule == "jp-military");
  CHECK(unknowns[1].reason == "end_use is missing");
  CHECK(d.licenses().size() == 2);
}

TEST_CASE("decide_json: records that cannot be judged", "[api]") {
  licit::Policy p = ExamplePolicy();
  SECTION("malformed JSON") {
    licit::Decision d = p.decide_json(R"J({"id":"R1","date":"2026-02-01")J");
    CHECK(d.effect() == Effect::Error);
    CHECK(d.error_kind() == ErrorKind::Json);
    CHECK(d.error().starts_with("malformed JSON"));
    CHECK(d.to_json().find("\"effect\":\"error\"") != std::string::npos);
  }
  SECTION("not an object") {
    for (const char* json : {"[]", "42", "null", "nope", "", "   "}) {
      licit::Decision d = p.decide_json(json);
      CHECK(d.effect() == Effect::Error);
      CHECK(d.error_kind() == ErrorKind::Json);
    }
  }
  SECTION("invalid UTF-8") {
    licit::Decision d = p.decide_json(
        "{\"id\":\"R1\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{\"cn\":\"\xff\"}"
        "}");
    CHECK(d.error_kind() == ErrorKind::Utf8);
    CHECK(d.error() == "malformed JSON: invalid UTF-8");
  }
  SECTION("a field of the wrong type, with the id") {
    licit::Decision d = p.decide_json(
        R"J({"id":"R1","date":"2026-02-01","destination":"XX","item":{"cn":"1C902"}})J");
    CHECK(d.error_kind() == ErrorKind::Record);
    CHECK(d.error() ==
          "field `destination`: unknown country code `XX` (did you mean `XK`, Kosovo?)");
    CHECK(d.id() == "R1");
    CHECK(
        d.to_json() ==
        R"J({"line":null,"id":"R1","effect":"error","error":"field `destination`: unknown country code `XX` (did you mean `XK`, Kosovo?)"})J");
  }
  SECTION("a missing required field") {
    licit::Decision d = p.decide_json(R"J({"id":"R1","date":"2026-02-01","item":{}})J");
    CHECK(d.error_kind() == ErrorKind::Record);
    CHECK(d.error() == "field `destination`: missing");
  }
  SECTION("a huge and a deeply nested document do not crash") {
    std::string deep(100000, '[');
    CHECK(p.decide_json(deep).is_error());
    std::string big = R"J({"id":")" + std::string(1 << 20, 'x') + R"(","date":"2026-02-01"})J";
    CHECK(p.decide_json(big).is_error());
  }
}

TEST_CASE("DecideOptions::as_of", "[api]") {
  licit::Policy p = ExamplePolicy();
  licit::DecideOptions at;
  at.as_of = "2026-03-01";
  licit::Decision d = p.decide_json(kS0001, at);
  CHECK(d.date() == "2026-03-01");
  for (const char* bad : {"2026-13-01", "2026-01", "yesterday", ""}) {
    licit::DecideOptions o;
    o.as_of = bad;
    licit::Decision e = p.decide_json(kS0001, o);
    CHECK(e.error_kind() == ErrorKind::Options);
    CHECK(e.error().find("`as_of` takes a date") != std::string::npos);
  }
}

TEST_CASE("both engines give identical decisions on the sample shipments", "[api]") {
  licit::Policy interp = ExamplePolicy(licit::EngineKind::Interpreter);
  licit::Policy def = ExamplePolicy();
  CHECK(interp.engine_kind() == licit::EngineKind::Interpreter);
  auto lines = licit_test::ShipmentLines();
  REQUIRE(lines.size() == 55);
  for (const std::string& line : lines) {
    CHECK(interp.decide_json(line).to_json() == def.decide_json(line).to_json());
  }
}

TEST_CASE("explanations", "[api]") {
  licit::Policy p = ExamplePolicy();
  licit::Explanation e = p.explain_json(kS0001);
  CHECK(e.decision().to_json() == kS0001Decision);
  std::string text = e.to_text();
  CHECK(text.starts_with("Decision: license for record S-0001, judged at 2025-03-15\n"));
  std::string json = e.to_json();
  CHECK(json.starts_with(std::string("{\"decision\":") + kS0001Decision + ",\"outcomes\":["));
  auto outcomes = e.outcomes();
  REQUIRE_FALSE(outcomes.empty());
  bool fired = false;
  for (const licit::Outcome& o : outcomes) {
    if (o.name == "dual-use-to-any") {
      fired = true;
      CHECK(o.outcome == "fired");
      CHECK_FALSE(o.is_exception);
    }
  }
  CHECK(fired);

  licit::Explanation bad = p.explain_json("{");
  CHECK(bad.decision().error_kind() == ErrorKind::Json);
  CHECK(bad.outcomes().empty());
  CHECK(bad.to_text().find("error: malformed JSON") != std::string::npos);
  CHECK(bad.to_json().find("\"outcomes\":[]") != std::string::npos);

  licit::DecideOptions o;
  o.as_of = "bad";
  CHECK(p.explain_json(kS0001, o).decision().error_kind() == ErrorKind::Options);
  CHECK(licit::Policy().explain_json(kS0001).decision().error_kind() == ErrorKind::NoPolicy);
  licit::Explanation empty;
  CHECK(empty.decision().is_error());
  CHECK(empty.outcomes().empty());
}

TEST_CASE("the typed record builder", "[api]") {
  licit::Policy p = ExamplePolicy();
  licit::Record r = p.new_record();
  REQUIRE(r.valid());
  r.set("id", "S-0001")
      .set_date("date", "2025-03-15")
      .set_country("destination", "JP")
      .set_country("origin", "CN")
      .set_string("exporter.name", "Shenzhen Export Co.")
      .set("exporter.country", "CN")
      .set("exporter.kind", "commercial")
      .set("end_user.name", "Toyota Motor")
      .set("end_user.country", "JP")
      .set("end_user.kind", "commercial")
      .set("end_use", "manufacturing")
      .set_code("item.cn", "3A001.a.2")
      .set("item.description", "Radiation-hardened ICs")
      .set_code("item.eccn", "3A001.a.2")
      .set_code("item.hs", "8542.31");
  REQUIRE(r.ok());
  CHECK(r.error().empty());
  CHECK(r.last_error().empty());
  SECTION("decides like the same record in JSON") {
    CHECK(p.decide(r).to_json() == kS0001Decision);
    CHECK(p.explain(r).decision().to_json() == kS0001Decision);
    CHECK(p.decide_json(r.to_json()).to_json() == kS0001Decision);
  }
  SECTION("money, decimals, sets, null") {
    r.set_money("value", "1200.50 USD")
        .set_decimal("quantity", "30")
        .set_list("item.tags", {"b", "a", "b"});
    CHECK(r.ok());
    r.set_money("value", "99", "EUR").set("quantity", 12);
    CHECK(r.ok());
    r.set_null("end_use");
    CHECK(r.ok());
    std::string json = r.to_json();
    CHECK(json.find(R"("tags":["a","b"])") != std::string::npos);
    CHECK(json.find(R"("value":"99.00 EUR")") != std::string::npos);
    CHECK(json.find(R"("quantity":"12")") != std::string::npos);
    CHECK(json.find(R"("end_use":null)") != std::string::npos);
    CHECK(p.decide(r).to_json() == p.decide_json(json).to_json());
    r.set_list("item.tags", std::vector<std::string>{"x"});
    CHECK(r.ok());
  }
  SECTION("mistakes: the first is kept and the decision is an error") {
    r.set("destinaton", "JP");
    CHECK_FALSE(r.ok());
    CHECK(r.error() ==
          "unknown field `destinaton` in std.trade.Shipment (did you mean `destination`?)");
    CHECK(r.last_error() == r.error());
    r.set("end_use", "ok");
    CHECK(r.last_error().empty());   // that call succeeded
    CHECK_FALSE(r.error().empty());  // the first failure stays
    r.set_country("destination", "XX");
    CHECK(r.last_error() ==
          "field `destination`: unknown country code `XX` (did you mean `XK`, Kosovo?)");
    licit::Decision d = p.decide(r);
    CHECK(d.error_kind() == ErrorKind::Record);
    CHECK(d.error() == r.error());
    CHECK(d.id() == "S-0001");
    r.clear();
    CHECK(r.ok());
    CHECK(p.decide(r).error() == "field `id`: missing");
  }
  SECTION("type mismatches") {
    struct Case {
      std::function<void(licit::Record&)> set;
      std::string error;
    };
    std::vector<Case> cases = {
        {[](licit::Record& x) { x.set_string("destination", "JP"); },
         "field `destination` is a country, not a string"},
        {[](licit::Record& x) { x.set_int("destination", 3); },
         "field `destination` is a country, not an int"},
        {[](licit::Record& x) { x.set("end_use", true); },
         "field `end_use` is a string, not a bool"},
        {[](licit::Record& x) { x.set("destination", 7); },
         "field `destination` is a country, not a number"},
        {[](licit::Record& x) { x.set("item", "x"); },
         "field `item` is a record: set its fields (`item.description`, ...)"},
        {[](licit::Record& x) { x.set("item.tags", "x"); },
         "field `item.tags` is a set<string>: use set_list"},
        {[](licit::Record& x) { x.set_list("destination", {"JP"}); },
         "field `destination` is a country, not a set or list"},
        {[](licit::Record& x) { x.set_date("date", "2026-02-30"); },
         "field `date`: `2026-02-30` is not a valid date (day out of range)"},
        {[](licit::Record& x) { x.set_null("destination"); },
         "field `destination`: null, but the field is required"},
        {[](licit::Record& x) { x.set_money("value", "12 XYZ"); },
         "field `value`: unknown currency"},
        {[](licit::Record& x) { x.set_decimal("quantity", "many"); }, "field `quantity`: expected"},
    };
    for (const Case& c : cases) {
      licit::Record x = p.new_record();
      c.set(x);
      INFO(c.error);
      CHECK(x.error().starts_with(c.error));
      CHECK(p.decide(x).error_kind() == ErrorKind::Record);
    }
  }
  SECTION("empty and moved-from records") {
    licit::Record moved = std::move(r);
    CHECK_FALSE(r.valid());  // NOLINT(bugprone-use-after-move): testing exactly that
    CHECK_FALSE(r.ok());
    r.set("id", "x").set_null("id").clear();  // no effect, no crash
    CHECK(p.decide(r).error_kind() == ErrorKind::Record);
    CHECK(p.decide(r).error().find("empty") != std::string::npos);
    CHECK(r.to_json().empty());
    CHECK(p.decide(moved).to_json() == kS0001Decision);
    licit::Record none;
    CHECK_FALSE(none.valid());
    CHECK_FALSE(licit::Policy().new_record().valid());
    CHECK(licit::Policy().decide(moved).error_kind() == ErrorKind::NoPolicy);
  }
  SECTION("a record decided by another policy with the same input type") {
    licit::Policy other = ExamplePolicy(licit::EngineKind::Interpreter);
    CHECK(other.decide(r).to_json() == kS0001Decision);
    CHECK(other.decide(r).to_json() == kS0001Decision);  // the cached compatibility
  }
}

TEST_CASE("records across different input types", "[api]") {
  licit::Engine engine;
  licit::Compilation narrow = engine.compile_source("narrow.licit", R"(policy narrow.one

record Parcel { id: string, date: date, destination: country, weight: int? }
input Parcel

class heavy = weight > 10

heavy to JP: review
)");
  INFO(narrow.diagnostics_text());
  REQUIRE(narrow.ok());
  licit::Policy a = ExamplePolicy();
  licit::Policy b = narrow.policy();
  licit::Record r = a.new_record();
  r.set("id", "P1").set("date", "2026-02-01").set("destination", "JP").set("item.hs", "1234");
  REQUIRE(r.ok());
  // Shipment fields that Parcel lacks are ignored, as unknown JSON keys are.
  licit::Decision d = b.decide(r);
  CHECK(d.effect() != Effect::Error);
  licit::Record q = b.new_record();
  q.set("id", "P2").set("date", "2026-02-01").set("destination", "JP").set("weight", 20);
  REQUIRE(q.ok());
  CHECK(b.decide(q).effect() == Effect::Review);
  // Parcel lacks `item`, which Shipment requires.
  CHECK(a.decide(q).error() == "field `item`: missing");
}

TEST_CASE("decide_batch", "[api]") {
  licit::Policy p = ExamplePolicy();
  auto lines = licit_test::ShipmentLines();
  std::vector<licit::Decision> a = p.decide_batch(lines);
  REQUIRE(a.size() == lines.size());
  std::vector<std::string_view> views(lines.begin(), lines.end());
  std::vector<licit::Decision> b = p.decide_batch(views);
  REQUIRE(b.size() == lines.size());
  size_t errors = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(a[i].to_json() == p.decide_json(lines[i]).to_json());
    CHECK(b[i].to_json() == a[i].to_json());
    errors += a[i].is_error();
  }
  CHECK(errors == 3);  // the sample has three deliberately bad lines
  std::vector<licit::Record> records;
  records.push_back(p.new_record());
  records.back()
      .set("id", "B1")
      .set("date", "2026-02-01")
      .set("destination", "JP")
      .set("item.cn", "1C902");
  records.push_back(p.new_record());  // missing fields
  std::vector<licit::Decision> c = p.decide_batch(std::span<const licit::Record>(records));
  REQUIRE(c.size() == 2);
  CHECK(c[0].effect() == Effect::License);
  CHECK(c[1].error() == "field `id`: missing");
  CHECK(p.decide_batch(std::span<const std::string>()).empty());
  CHECK(licit::Policy().decide_batch(lines).size() == lines.size());
}

TEST_CASE("Decision and Policy values", "[api]") {
  licit::Decision none;
  CHECK(none.effect() == Effect::Error);
  CHECK(none.error() == "no decision");
  CHECK(none.rules().empty());
  CHECK_FALSE(none.id().has_value());
  licit::Policy p = ExamplePolicy();
  licit::Decision d = p.decide_json(kS0001);
  licit::Decision copy = d;
  licit::Decision moved = std::move(d);
  CHECK(copy.to_json() == kS0001Decision);
  CHECK(moved.to_json() == kS0001Decision);
  copy = none;
  CHECK(copy.is_error());
  copy = moved;
  CHECK(copy.to_json() == kS0001Decision);
  licit::Policy q = p;
  licit::Policy r = std::move(q);
  CHECK(r.decide_json(kS0001).to_json() == kS0001Decision);
  licit::Policy empty;
  CHECK_FALSE(empty.valid());
  CHECK(empty.names().empty());
  CHECK(empty.fields().empty());
  CHECK(empty.input_type().empty());
}

TEST_CASE("a policy outlives its engine and compilation", "[api]") {
  licit::Policy p;
  {
    licit::Engine engine;
    licit::Compilation c =
        engine.compile_source("examples/cn-japan-2026.licit", licit_test::ExamplePolicyText());
    p = c.policy();
  }
  CHECK(p.decide_json(kS0001).to_json() == kS0001Decision);
}

TEST_CASE("many threads decide on one policy", "[api][threads]") {
  licit::Policy p = ExamplePolicy();
  auto lines = licit_test::ShipmentLines();
  std::vector<std::string> expected;
  for (const auto& line : lines) expected.push_back(p.decide_json(line).to_json());
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      licit::Record r = p.new_record();
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < lines.size(); ++i) {
          size_t k = (i + static_cast<size_t>(t) * 7) % lines.size();
          if (p.decide_json(lines[k]).to_json() != expected[k]) ++mismatches;
        }
        r.clear()
            .set("id", "T")
            .set("date", "2026-02-01")
            .set("destination", "JP")
            .set("item.cn", "1C902");
        if (p.decide(r).effect() != Effect::License) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(mismatches == 0);
}

TEST_CASE("several threads compile at once", "[api][threads]") {
  licit::Engine engine;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      licit::Compilation c =
          engine.compile_source("examples/cn-japan-2026.licit", licit_test::ExamplePolicyText());
      if (!c.ok() || c.policy().decide_json(kS0001).to_json() != kS0001Decision) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
}

TEST_CASE("parse_effect, parse_engine_kind, is_valid_date", "[api]") {
  for (Effect e : {Effect::Allow, Effect::Exempt, Effect::Review, Effect::License, Effect::Deny,
                   Effect::Error}) {
    CHECK(licit::parse_effect(licit::effect_name(e)) == e);
  }
  CHECK_FALSE(licit::parse_effect("Deny").has_value());
  CHECK_FALSE(licit::parse_effect("").has_value());
  for (licit::EngineKind k :
       {licit::EngineKind::Default, licit::EngineKind::Interpreter, licit::EngineKind::Jit}) {
    CHECK(licit::parse_engine_kind(licit::engine_kind_name(k)) == k);
  }
  CHECK_FALSE(licit::parse_engine_kind("interpreter").has_value());
  CHECK(licit::is_valid_date("2026-01-06"));
  CHECK(licit::is_valid_date("2024-02-29"));
  CHECK_FALSE(licit::is_valid_date("2026-02-30"));
  CHECK_FALSE(licit::is_valid_date("2026-01"));
  CHECK_FALSE(licit::is_valid_date("yesterday"));
  CHECK_FALSE(licit::is_valid_date(""));
}
