#include "engines/interp/interpreter.h"

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/pipeline.h"

namespace licit::interp {
namespace {

using decide::DecideOptions;
using decide::Explanation;
using decide::Outcome;
using rt::Effect;
using rt::Value;

DayNumber Day(int y, unsigned m, unsigned d) { return DaysFromCivil({y, m, d}); }

// Compiles a policy (with std.trade) end to end and judges hand-made Shipment records.
class Harness {
 public:
  explicit Harness(std::string text) {
    frontend::Compiled compiled =
        frontend::CompileText(sources_, "t.licit", std::move(text), diags_);
    for (const Diagnostic& d : diags_.all())
      if (diags_.has_errors()) UNSCOPED_INFO(d.message);
    REQUIRE_FALSE(diags_.has_errors());
    REQUIRE(compiled.internal.empty());
    program_ = std::move(compiled.program);
    REQUIRE(program_ != nullptr);
    interp_ = std::make_unique<Interpreter>(*program_);
  }

  // A fresh record with id and destination set; `date` unless `with_date` is false.
  rt::Record Shipment(DayNumber date, std::string_view destination, bool with_date = true) {
    rt::Record r(&program_->input);
    Set(r, "id", Value::String(r.Store("S-1")));
    if (with_date) Set(r, "date", Value::Date(date));
    Set(r, "destination", Value::Country(*FindCountry(destination)));
    Set(r, "item", Value::RecordPresent());
    return r;
  }

  // Sets a slot and marks its enclosing records present.
  void Set(rt::Record& r, std::string_view path, Value v) {
    auto slot = program_->input.Find(path);
    REQUIRE(slot.has_value());
    r.slot(*slot) = v;
    for (int32_t p = program_->input.slots[*slot].parent; p >= 0;
         p = program_->input.slots[p].parent)
      r.slot(static_cast<uint32_t>(p)) = Value::RecordPresent();
  }
  void SetString(rt::Record& r, std::string_view path, std::string_view s) {
    Set(r, path, Value::String(r.Store(s)));
  }
  void SetCode(rt::Record& r, std::string_view path, std::string_view s) {
    Set(r, path, Value::Code(r.Store(s)));
  }
  void SetNull(rt::Record& r, std::string_view path) {
    auto slot = program_->input.Find(path);
    REQUIRE(slot.has_value());
    r.slot(*slot) = Value::Unknown(rt::kNull);
  }

  rt::Decision Decide(const rt::Record& r, std::optional<DayNumber> as_of = std::nullopt) {
    return interp_->Decide(r, DecideOptions{as_of});
  }
  Explanation Explain(const rt::Record& r) { return interp_->Explain(r); }
  const ir::Program& program() const { return *program_; }

 private:
  SourceManager sources_;
  DiagnosticSink diags_;
  std::unique_ptr<ir::Program> program_;
  std::unique_ptr<Interpreter> interp_;
};

std::vector<std::string> RuleNames(const rt::Decision& d) {
  std::vector<std::string> names;
  for (const auto& r : d.rules) names.push_back(r.rule + ":" + rt::EffectName(r.effect));
  return names;
}

const Outcome& Find(const Explanation& e, std::string_view name) {
  for (const Outcome& o : e.outcomes)
    if (o.name == name) return o;
  FAIL("no outcome for " << name);
  return e.outcomes.front();
}

TEST_CASE("interp: the strongest contribution wins; rules ordered by effect, then source",
          "[interp]") {
  Harness h(R"(policy t.lattice
import std.trade
rule r-review: review to any
rule r-license: license "L1" to JP
rule r-deny: deny to CN
rule r-license2: license to any
rule r-allow: allow to any
)");
  auto jp = h.Decide(h.Shipment(Day(2026, 1, 1), "JP"));
  CHECK(jp.effect == Effect::License);
  CHECK(RuleNames(jp) == std::vector<std::string>{"r-license:license", "r-license2:license",
                                                  "r-review:review", "r-allow:allow"});
  CHECK(jp.licenses == std::vector<std::string>{"L1", "r-license2"});
  CHECK(jp.rules[0].license == std::optional<std::string>("L1"));
  CHECK(jp.rules[0].at == "t.licit:4:1");
  auto cn = h.Decide(h.Shipment(Day(2026, 1, 1), "CN"));
  CHECK(cn.effect == Effect::Deny);
  CHECK(cn.licenses.empty());  // the effect is deny, so no licence is listed
  CHECK(cn.rules.front().rule == "r-deny");
}

TEST_CASE("interp: default applies only when nothing contributes", "[interp]") {
  Harness h(R"(policy t.default
import std.trade
default license "GEN-1"
rule r: deny to CN
)");
  auto jp = h.Decide(h.Shipment(Day(2026, 1, 1), "JP"));
  CHECK(jp.effect == Effect::License);
  CHECK(jp.rules.empty());
  CHECK(jp.licenses == std::vector<std::string>{"GEN-1"});
  CHECK(h.Decide(h.Shipment(Day(2026, 1, 1), "CN")).effect == Effect::Deny);
}

TEST_CASE("interp: an exception waives only the rules it names", "[interp]") {
  Harness h(R"(policy t.waive
import std.trade
rule ns1: license "NS1" to any
rule ns2: license "NS2" to any
exception LVS for ns2:
  when value <= 1500 USD
)");
  auto r = h.Shipment(Day(2026, 1, 1), "JP");
  h.Set(r, "value", Value::MoneyOf(*rt::Money::Parse("1000 USD")));
  auto d = h.Decide(r);
  CHECK(d.effect == Effect::License);
  CHECK(d.licenses == std::vector<std::string>{"NS1"});
  REQUIRE(d.waived.size() == 1);
  CHECK(d.waived[0].rule == "ns2");
  CHECK(d.waived[0].exception == "LVS");
  CHECK(RuleNames(d) == std::vector<std::string>{"ns1:license", "ns2:exempt"});

  SECTION("an unknown exception condition waives nothing, and says so") {
    auto u = h.Shipment(Day(2026, 1, 1), "JP");
    h.Set(u, "value", Value::MoneyOf(*rt::Money::Parse("1000 EUR")));
    auto du = h.Decide(u);
    CHECK(du.effect == Effect::License);
    CHECK(du.licenses == std::vector<std::string>{"NS1", "NS2"});
    REQUIRE(du.unknowns.size() == 1);
    CHECK(du.unknowns[0].rule == "LVS");
    CHECK(du.unknowns[0].reason ==
          "money in EUR compared with money in USD, so the exception waives nothing");
    auto e = h.Explain(u);
    CHECK(Find(e, "LVS").kind == Outcome::Kind::HoldsUnknown);
  }
}

TEST_CASE("interp: a waived rule with both rules waived gives exempt", "[interp]") {
  Harness h(R"(policy t.exempt
import std.trade
rule ns: license to any
exception GBS for ns:
  when destination == GB
)");
  CHECK(h.Decide(h.Shipment(Day(2026, 1, 1), "GB")).effect == Effect::Exempt);
  CHECK(h.Decide(h.Shipment(Day(2026, 1, 1), "JP")).effect == Effect::License);
}

TEST_CASE("interp: periods are inclusive; a month until means its last day", "[interp]") {
  Harness h(R"(policy t.time
import std.trade
rule r: deny to JP
  since 2026-01-06
  until 2026-02
)");
  auto at = [&](DayNumber day) { return h.Decide(h.Shipment(day, "JP")).effect; };
  CHECK(at(Day(2026, 1, 5)) == Effect::Allow);
  CHECK(at(Day(2026, 1, 6)) == Effect::Deny);
  CHECK(at(Day(2026, 2, 28)) == Effect::Deny);
  CHECK(at(Day(2026, 3, 1)) == Effect::Allow);
  // --as-of overrides the record's date.
  CHECK(h.Decide(h.Shipment(Day(2026, 1, 5), "JP"), Day(2026, 1, 10)).effect == Effect::Deny);
  auto e = h.Explain(h.Shipment(Day(2026, 1, 5), "JP"));
  CHECK(Find(e, "r").kind == Outcome::Kind::NotInForce);
  CHECK(Find(e, "r").detail == "in force from 2026-01-06 until 2026-02-28");
}

TEST_CASE("interp: the concise form's month since is the first day", "[interp]") {
  Harness h(R"(policy t.concise
import std.trade
class all = true
all to JP: deny since 2026-01
)");
  CHECK(h.Decide(h.Shipment(Day(2025, 12, 31), "JP")).effect == Effect::Allow);
  CHECK(h.Decide(h.Shipment(Day(2026, 1, 1), "JP")).effect == Effect::Deny);
}

TEST_CASE("interp: suspensions pause rules inside their period only", "[interp]") {
  Harness h(R"(policy t.suspend
import std.trade
rule us-gallium: deny to US
  since 2024-12-03
suspend us-gallium from 2025-11-09 until 2026-11-27
  cite "MOFCOM Announcement No. 72 of 2025"
)");
  auto at = [&](DayNumber day) { return h.Decide(h.Shipment(day, "US")).effect; };
  CHECK(at(Day(2025, 11, 8)) == Effect::Deny);
  CHECK(at(Day(2025, 11, 9)) == Effect::Allow);
  CHECK(at(Day(2026, 11, 27)) == Effect::Allow);
  CHECK(at(Day(2026, 11, 28)) == Effect::Deny);
  auto e = h.Explain(h.Shipment(Day(2026, 1, 1), "US"));
  CHECK(Find(e, "us-gallium").kind == Outcome::Kind::Suspended);
  CHECK(Find(e, "us-gallium").detail ==
        "suspended from 2025-11-09 until 2026-11-27 (MOFCOM Announcement No. 72 of 2025)");
}

TEST_CASE("interp: dated group membership is judged at the record's date", "[interp]") {
  Harness h(R"(policy t.groups
import std.trade
group WHITE = {JP, KR until 2019-08-27, KR since 2023-07-21}
rule r: license to any except WHITE
)");
  auto at = [&](DayNumber day) { return h.Decide(h.Shipment(day, "KR")).effect; };
  CHECK(at(Day(2019, 8, 27)) == Effect::Allow);
  CHECK(at(Day(2019, 8, 28)) == Effect::License);
  CHECK(at(Day(2023, 7, 20)) == Effect::License);
  CHECK(at(Day(2023, 7, 21)) == Effect::Allow);
  CHECK(h.Decide(h.Shipment(Day(2020, 1, 1), "JP")).effect == Effect::Allow);
}

TEST_CASE("interp: unknowns follow Kleene logic and become review with a reason", "[interp]") {
  Harness h(R"(policy t.unknown
import std.trade
rule under-rule: deny to any
  when item.eccn under "3B001.c"
rule and-rule: deny to any
  when destination == CN and end_user.kind == "military"
rule or-rule: license to any
  when destination == JP or end_user.kind == "military"
rule not-rule: review to any
  when not (end_use == "civil")
rule unless-rule: review to JP
  unless end_user.kind == "government"
)");
  auto r = h.Shipment(Day(2026, 1, 1), "JP");
  h.SetCode(r, "item.eccn", "3B001");
  auto d = h.Decide(r);
  CHECK(d.effect == Effect::License);  // or-rule fires: true or unknown
  CHECK(RuleNames(d) == std::vector<std::string>{"or-rule:license", "under-rule:review",
                                                 "not-rule:review", "unless-rule:review"});
  REQUIRE(d.unknowns.size() == 3);
  CHECK(d.unknowns[0].rule == "under-rule");
  CHECK(d.unknowns[0].reason == "item.eccn 3B001 is less specific than 3B001.c");
  CHECK(d.unknowns[1].reason == "end_use is missing");
  CHECK(d.unknowns[2].reason == "end_user.kind is missing");

  SECTION("a null field says so; has() is never unknown") {
    auto n = h.Shipment(Day(2026, 1, 1), "CN");
    h.SetNull(n, "end_user");
    h.SetString(n, "end_use", "civil");
    h.SetCode(n, "item.eccn", "3A001");
    auto dn = h.Decide(n);
    CHECK(dn.effect == Effect::Review);
    REQUIRE(dn.unknowns.size() == 2);  // and-rule, and or-rule (false or unknown)
    CHECK(dn.unknowns[0].rule == "and-rule");
    CHECK(dn.unknowns[0].reason == "end_user is null");
    CHECK(dn.unknowns[1].rule == "or-rule");
  }
}

TEST_CASE("interp: has() is true only when the field and its parents are present", "[interp]") {
  Harness h(R"(policy t.has
import std.trade
rule r: deny to any
  when has(end_user.kind)
)");
  auto r = h.Shipment(Day(2026, 1, 1), "JP");
  CHECK(h.Decide(r).effect == Effect::Allow);
  h.SetString(r, "end_user.name", "X");
  CHECK(h.Decide(r).effect == Effect::Allow);
  h.SetString(r, "end_user.kind", "military");
  CHECK(h.Decide(r).effect == Effect::Deny);
}

TEST_CASE("interp: a dated policy cannot judge a record without a date and no as-of", "[interp]") {
  Harness h(R"(policy t.nodate
import std.trade
rule r: deny to JP
  since 2026-01-01
)");
  auto r = h.Shipment(0, "JP", /*with_date=*/false);
  auto d = h.Decide(r);
  CHECK(d.effect == Effect::Error);
  CHECK(d.error == "no date to judge by: the record has no date and no --as-of");
  CHECK(h.Decide(r, Day(2026, 1, 1)).effect == Effect::Deny);
}

TEST_CASE("interp: a policy with nothing dated needs no date", "[interp]") {
  Harness h(R"(policy t.undated
import std.trade
rule r: deny to JP
)");
  auto r = h.Shipment(0, "JP", /*with_date=*/false);
  auto d = h.Decide(r);
  CHECK(d.effect == Effect::Deny);
  CHECK_FALSE(d.date.has_value());
}

TEST_CASE("interp: explanations name the first false sub-condition with its values", "[interp]") {
  Harness h(R"(policy t.explain
import std.trade
group EU = {DE, FR}
class dual-use = has(item.cn)
class gallium = item.hs under "8112.92"
rule eu-rule: deny to EU
rule dual: license dual-use to any
rule gallium-rule: deny gallium to any
rule kind-rule: review to any
  when destination == JP and end_user.kind == "military"
rule unless-rule: review to any
  unless destination == JP
rule later: deny to any
  since 2027-01-01
)");
  auto r = h.Shipment(Day(2026, 1, 1), "JP");
  h.SetCode(r, "item.hs", "8542.31");
  h.SetString(r, "end_user.kind", "commercial");
  auto e = h.Explain(r);
  CHECK(e.decision.effect == Effect::Allow);
  CHECK(Find(e, "eu-rule").kind == Outcome::Kind::ScopeFalse);
  CHECK(Find(e, "eu-rule").detail == "destination in EU: destination = JP (Japan)");
  CHECK(Find(e, "dual").detail == "class dual-use is false: has(item.cn) is false");
  CHECK(Find(e, "gallium-rule").detail ==
        "class gallium is false: item.hs under \"8112.92\": item.hs = 8542.31");
  CHECK(Find(e, "kind-rule").kind == Outcome::Kind::WhenFalse);
  CHECK(Find(e, "kind-rule").detail ==
        "end_user.kind == \"military\": end_user.kind = \"commercial\"");
  CHECK(Find(e, "unless-rule").kind == Outcome::Kind::UnlessTrue);
  CHECK(Find(e, "unless-rule").detail == "destination == JP: destination = JP (Japan)");
  CHECK(Find(e, "later").detail == "in force from 2027-01-01");
  std::string text = ExplanationToText(e);
  CHECK(text.find("Decision: allow for record S-1, judged at 2026-01-01") == 0);
  CHECK(text.find("rule later  (t.licit:13:1)\n  not in force on 2026-01-01 "
                  "(in force from 2027-01-01)") != std::string::npos);
  std::string json = ExplanationToJson(e);
  CHECK(json.find("\"outcome\":\"scope_false\"") != std::string::npos);
}

TEST_CASE("interp: decision JSON has the product's key order", "[interp]") {
  Harness h(R"(policy t.json
import std.trade
rule r: deny to JP
  because "no"
)");
  auto d = h.Decide(h.Shipment(Day(2026, 2, 1), "JP"));
  CHECK(
      rt::DecisionToJson(d) ==
      R"({"id":"S-1","effect":"deny","date":"2026-02-01","policy":{"name":"t.json","version":null},)"
      R"("rules":[{"rule":"r","effect":"deny","license":null,"because":"no","cite":null,"at":"t.licit:3:1"}],)"
      R"("waived":[],"licenses":[],"unknowns":[]})");
  rt::Decision err;
  err.effect = Effect::Error;
  err.line = 17;
  err.error = "line 17: field `destination`: unknown country code `XX`";
  CHECK(
      rt::DecisionToJson(err) ==
      R"({"line":17,"id":null,"effect":"error","error":"line 17: field `destination`: unknown country code `XX`"})");
  CHECK(rt::DecisionToCsv(d) == "S-1,,deny,2026-02-01,t.json: deny,r (deny),,,");
}

TEST_CASE("interp: several policies report each policy's effect", "[interp]") {
  rt::Decision d;
  d.id = "S-2";
  d.effect = Effect::Deny;
  d.date = Day(2026, 2, 1);
  d.policies = {{"a.one", std::nullopt, Effect::Deny}, {"b.two", "3", Effect::Allow}};
  rt::RuleHit hit;
  hit.rule = "r";
  hit.effect = Effect::Deny;
  hit.at = "a.licit:3:1";
  hit.policy = "a.one";
  d.rules.push_back(hit);
  CHECK(
      rt::DecisionToJson(d) ==
      R"({"id":"S-2","effect":"deny","date":"2026-02-01","policies":[{"name":"a.one","version":null,"effect":"deny"},)"
      R"({"name":"b.two","version":"3","effect":"allow"}],"rules":[{"rule":"r","policy":"a.one","effect":"deny",)"
      R"("license":null,"because":null,"cite":null,"at":"a.licit:3:1"}],"waived":[],"licenses":[],"unknowns":[]})");
}

// A program built by hand, without the compiler: the interpreter needs only the IR.
TEST_CASE("interp: runs a hand-built IR program", "[interp]") {
  ir::Program p;
  auto slot = [&](std::string path, rt::ValueKind kind) {
    rt::FieldSlot s;
    s.path = s.name = std::move(path);
    s.kind = kind;
    p.input.top_level.push_back(static_cast<uint32_t>(p.input.slots.size()));
    p.input.slots.push_back(std::move(s));
    return static_cast<uint32_t>(p.input.slots.size() - 1);
  };
  p.input.date_slot = static_cast<int32_t>(slot("date", rt::ValueKind::Date));
  uint32_t dest = slot("destination", rt::ValueKind::Country);
  uint32_t qty = slot("quantity", rt::ValueKind::Decimal);
  auto node = [&](ir::Op op, rt::ValueKind kind, std::vector<ir::ExprId> ops, uint32_t imm) {
    ir::Node n;
    n.op = op;
    n.kind = kind;
    n.first = static_cast<uint32_t>(p.operands.size());
    n.count = static_cast<uint32_t>(ops.size());
    n.imm = imm;
    p.operands.insert(p.operands.end(), ops.begin(), ops.end());
    p.nodes.push_back(n);
    return static_cast<ir::ExprId>(p.nodes.size() - 1);
  };
  auto constant = [&](Value v) {
    p.constants.push_back(v);
    return node(ir::Op::Const, v.kind, {}, static_cast<uint32_t>(p.constants.size() - 1));
  };
  using K = rt::ValueKind;
  ir::ExprId is_jp = node(
      ir::Op::Eq, K::Bool,
      {node(ir::Op::Field, K::Country, {}, dest), constant(Value::Country(*FindCountry("JP")))}, 0);
  ir::ExprId big = node(ir::Op::Gt, K::Bool,
                        {node(ir::Op::Div, K::Decimal,
                              {node(ir::Op::Field, K::Decimal, {}, qty),
                               constant(Value::Dec(rt::Decimal::FromInt(0)))},
                              0),
                         constant(Value::Dec(rt::Decimal::FromInt(1)))},
                        0);
  ir::Policy policy;
  policy.name = "hand.built";
  ir::Rule rule;
  rule.name = "r";
  rule.effect = ir::Effect::Deny;
  rule.destination = is_jp;
  rule.when = big;
  policy.rules.push_back(rule);
  p.policies.push_back(policy);

  Interpreter interp(p);
  rt::Record r(&p.input);
  r.Clear();
  r.slot(0) = Value::Date(Day(2026, 1, 1));
  r.slot(dest) = Value::Country(*FindCountry("JP"));
  auto d = interp.Decide(r);
  CHECK(d.effect == Effect::Review);
  REQUIRE(d.unknowns.size() == 1);
  CHECK(d.unknowns[0].reason == "quantity is missing");
  r.slot(qty) = Value::Dec(rt::Decimal::FromInt(5));
  d = interp.Decide(r);
  REQUIRE(d.unknowns.size() == 1);
  CHECK(d.unknowns[0].reason == "division by zero");
  r.slot(dest) = Value::Country(*FindCountry("US"));
  CHECK(interp.Decide(r).effect == Effect::Allow);  // false and unknown is false
}

}  // namespace
}  // namespace licit::interp

namespace licit::interp {
namespace {

// A condition ending in a parenthesised operand is quoted through its `)`.
TEST_CASE("interp: explanations quote parenthesised conditions whole", "[interp]") {
  Harness h(R"(policy t.parens
import std.trade
class c = has(item.cn) or (has(item.hs) and item.hs under "8112")
rule r: deny c to any
)");
  rt::Record r = h.Shipment(Day(2026, 1, 1), "JP");
  Explanation e = h.Explain(r);
  std::string detail;
  for (const Outcome& o : e.outcomes)
    if (o.name == "r") detail = o.detail;
  INFO(detail);
  CHECK(detail.find("has(item.cn) or (has(item.hs) and item.hs under \"8112\")") !=
        std::string::npos);
}

}  // namespace
}  // namespace licit::interp
