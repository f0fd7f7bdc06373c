#include "frontend/lower/lower.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "frontend/sema/check.h"
#include "frontend/sema/checked.h"
#include "ir/ir.h"
#include "tests/unit/frontend/lower_for_test.h"

namespace licit::ir {
namespace {

using testing::Lowered;
using testing::LowerText;

const Node& N(const Program& p, ExprId id) {
  REQUIRE(id < p.nodes.size());
  return p.nodes[id];
}
const Node& Arg(const Program& p, ExprId id, uint32_t i) {
  const Node& n = N(p, id);
  REQUIRE(i < n.count);
  return p.nodes[p.args(n)[i]];
}
ExprId ArgId(const Program& p, ExprId id, uint32_t i) { return p.args(N(p, id))[i]; }
const rt::Value& ConstValue(const Program& p, const Node& n) {
  REQUIRE(n.op == Op::Const);
  return p.constants.at(n.imm);
}
uint32_t Slot(const Program& p, std::string_view path) {
  auto s = p.input.Find(path);
  REQUIRE(s.has_value());
  return *s;
}

const char* kHeader =
    "policy unit.ir\n"
    "import std.trade\n";

TEST_CASE("concise rules desugar to scope, destination and period", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "class dual-use = has(item.cn)\n"
                     "dual-use to JP: deny since 2026-01\n"
                     "dual-use to any: review\n");
  const Program& p = *r->program;
  REQUIRE(p.policies.size() == 1);
  const Policy& pol = p.policies[0];
  CHECK(pol.name == "unit.ir");
  CHECK(pol.path == "unit.licit");
  CHECK(pol.default_effect == Effect::Allow);
  REQUIRE(pol.rules.size() == 2);

  const Rule& jp = pol.rules[0];
  CHECK(jp.name == "dual-use-to-JP");
  CHECK(jp.effect == Effect::Deny);
  CHECK(jp.at == "unit.licit:4:1");
  CHECK(jp.period.since == DaysFromCivil({2026, 1, 1}));
  CHECK(jp.period.until == INT32_MAX);
  CHECK(jp.when == kNone);
  CHECK(jp.unless == kNone);
  REQUIRE(jp.scope_class != kNone);
  CHECK(N(p, jp.scope_class).op == Op::ClassRef);
  REQUIRE(N(p, jp.scope_class).imm < p.classes.size());
  const Class& cls = p.classes[N(p, jp.scope_class).imm];
  CHECK(cls.name == "dual-use");
  CHECK(N(p, cls.predicate).op == Op::Has);
  CHECK(N(p, cls.predicate).imm == Slot(p, "item.cn"));

  const Node& dest = N(p, jp.destination);
  CHECK(dest.op == Op::Eq);
  CHECK(Arg(p, jp.destination, 0).op == Op::Field);
  CHECK(Arg(p, jp.destination, 0).imm == Slot(p, "destination"));
  CHECK(ConstValue(p, Arg(p, jp.destination, 1)).country == *FindCountry("JP"));

  // One class, shared by both rules; `to any` puts no condition on the destination.
  const Rule& any = pol.rules[1];
  CHECK(any.name == "dual-use-to-any");
  CHECK(any.destination == kNone);
  CHECK(any.period.open());
  CHECK(p.classes.size() == 1);
  CHECK(N(p, any.scope_class).imm == N(p, jp.scope_class).imm);
}

TEST_CASE("`to` lists with groups, let sets and except", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "group G = {JP, KR since 2023-07-21}\n"
                     "let watch = {RU, BY}\n"
                     "rule a:\n  review to G, watch, FR except KR\n"
                     "rule b:\n  deny to any except G, CN\n");
  const Program& p = *r->program;
  const Rule& a = p.policies[0].rules[0];
  CHECK(a.scope_class == kNone);
  // (or (in-group G dest) (in dest watch) (== dest FR)) and (!= dest KR)
  const Node& top = N(p, a.destination);
  REQUIRE(top.op == Op::And);
  REQUIRE(top.count == 2);
  ExprId alternatives = ArgId(p, a.destination, 0);
  REQUIRE(N(p, alternatives).op == Op::Or);
  REQUIRE(N(p, alternatives).count == 3);
  CHECK(Arg(p, alternatives, 0).op == Op::InGroup);
  CHECK(Arg(p, alternatives, 1).op == Op::In);
  CHECK(Arg(p, alternatives, 2).op == Op::Eq);
  const Node& watch = Arg(p, ArgId(p, alternatives, 1), 1);
  CHECK(watch.kind == rt::ValueKind::Set);
  CHECK(watch.element == rt::ValueKind::Country);
  CHECK(ConstValue(p, watch).items.size == 2);
  CHECK(Arg(p, a.destination, 1).op == Op::Ne);

  const Rule& b = p.policies[0].rules[1];
  const Node& except = N(p, b.destination);
  REQUIRE(except.op == Op::And);
  CHECK(Arg(p, b.destination, 0).op == Op::NotInGroup);
  CHECK(Arg(p, b.destination, 1).op == Op::Ne);

  REQUIRE(p.groups.size() == 1);
  const Group& g = p.groups[0];
  CHECK(g.name == "G");
  CountryId kr = *FindCountry("KR");
  CHECK(g.Contains(*FindCountry("JP"), DaysFromCivil({2000, 1, 1})));
  CHECK_FALSE(g.Contains(kr, DaysFromCivil({2023, 7, 20})));
  CHECK(g.Contains(kr, DaysFromCivil({2023, 7, 21})));
  CHECK_FALSE(g.Contains(*FindCountry("CN"), DaysFromCivil({2023, 7, 21})));
}

TEST_CASE("lets are inlined as shared constants; sets are sorted and unique", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "let uses = {\"weapons\", \"military\", \"weapons\"}\n"
                     "let more = uses\n"
                     "rule a:\n  deny when end_use in uses\n"
                     "rule b:\n  review when end_use not in more\n");
  const Program& p = *r->program;
  const Rule& a = p.policies[0].rules[0];
  const Rule& b = p.policies[0].rules[1];
  REQUIRE(N(p, a.when).op == Op::In);
  REQUIRE(N(p, b.when).op == Op::NotIn);
  const Node& sa = Arg(p, a.when, 1);
  const Node& sb = Arg(p, b.when, 1);
  CHECK(sa.op == Op::Const);
  CHECK(sa.imm == sb.imm);  // one constant for the let, however it is reached
  const rt::Value& set = ConstValue(p, sa);
  REQUIRE(set.items.size == 2);
  CHECK(set.items.items[0].text() == "military");
  CHECK(set.items.items[1].text() == "weapons");
  // Each use keeps its own span, for explanations.
  CHECK(p.SourceText(sa.span) == "uses");
  CHECK(p.SourceText(sb.span) == "more");
  CHECK(p.SourceText(N(p, a.when).span) == "end_use in uses");
}

TEST_CASE("string -> code conversions are folded and upper-cased", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "let listed = [\"3a001\", \"5A002\"]\n"
                     "class c1 = item.eccn == \"ear99\"\n"
                     "class c2 = item.hs under \"8112.92\"\n"
                     "class c3 = item.eccn in listed\n"
                     "class c4 = item.eccn in [\"3a001\"] or item.hs under [\"8105\", \"8112\"]\n"
                     "class c5 = item.eccn == end_use\n"
                     "rule a:\n  deny when c1 and c2 and c3 and c4 and c5\n");
  const Program& p = *r->program;
  REQUIRE(p.classes.size() == 5);
  auto predicate = [&](size_t i) { return p.classes[i].predicate; };

  const Node& ear = Arg(p, predicate(0), 1);
  CHECK(ear.kind == rt::ValueKind::Code);
  CHECK(ConstValue(p, ear).text() == "EAR99");

  const Node& hs = Arg(p, predicate(1), 1);
  CHECK(N(p, predicate(1)).op == Op::Under);
  CHECK(ConstValue(p, hs).kind == rt::ValueKind::Code);

  const Node& listed = Arg(p, predicate(2), 1);
  CHECK(listed.kind == rt::ValueKind::List);
  CHECK(listed.element == rt::ValueKind::Code);
  const rt::Value& lv = ConstValue(p, listed);
  REQUIRE(lv.items.size == 2);
  CHECK(lv.items.items[0].kind == rt::ValueKind::Code);
  CHECK(lv.items.items[0].text() == "3A001");

  const Node& c4 = N(p, predicate(3));
  REQUIRE(c4.op == Op::Or);
  CHECK(Arg(p, ArgId(p, predicate(3), 0), 1).element == rt::ValueKind::Code);
  CHECK(Arg(p, ArgId(p, predicate(3), 1), 1).element == rt::ValueKind::Code);

  // A string field compared with a code converts at run time.
  const Node& dyn = Arg(p, predicate(4), 1);
  CHECK(dyn.op == Op::ToCode);
  CHECK(dyn.kind == rt::ValueKind::Code);

  // `c1 and ... and c5` is one n-ary And in source order.
  const Node& when = N(p, p.policies[0].rules[0].when);
  CHECK(when.op == Op::And);
  CHECK(when.count == 5);
}

TEST_CASE("int -> decimal conversions are folded, else ToDecimal", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "rule a:\n  deny when quantity > 10 and quantity < len(end_use)\n"
                     "rule b:\n  review when value * 2 > 100 USD and 7 / 2 > 3\n");
  const Program& p = *r->program;
  ExprId when = p.policies[0].rules[0].when;
  const Node& ten = Arg(p, ArgId(p, when, 0), 1);
  CHECK(ten.op == Op::Const);
  CHECK(ConstValue(p, ten).kind == rt::ValueKind::Decimal);
  CHECK(ConstValue(p, ten).dec == rt::Decimal::FromInt(10));
  const Node& len = Arg(p, ArgId(p, when, 1), 1);
  CHECK(len.op == Op::ToDecimal);
  CHECK(Arg(p, ArgId(p, ArgId(p, when, 1), 1), 0).op == Op::Call);

  ExprId wb = p.policies[0].rules[1].when;
  ExprId scaled = ArgId(p, ArgId(p, wb, 0), 0);
  CHECK(N(p, scaled).op == Op::Mul);
  CHECK(N(p, scaled).kind == rt::ValueKind::Money);
  CHECK(Arg(p, scaled, 1).kind == rt::ValueKind::Decimal);
  ExprId div = ArgId(p, ArgId(p, wb, 1), 0);
  CHECK(N(p, div).op == Op::Div);
  CHECK(Arg(p, div, 0).kind == rt::ValueKind::Decimal);
  CHECK(Arg(p, div, 1).kind == rt::ValueKind::Decimal);
}

TEST_CASE("the input layout flattens nested records", "[ir]") {
  auto r = LowerText(std::string(kHeader) + "rule a:\n  deny when end_user.kind == \"x\"\n");
  const Program& p = *r->program;
  const rt::RecordLayout& in = p.input;
  CHECK(in.type_name == "std.trade.Shipment");
  REQUIRE(in.date_slot >= 0);
  CHECK(in.slots[in.date_slot].path == "date");
  REQUIRE(in.id_slot >= 0);
  CHECK(in.slots[in.id_slot].path == "id");

  uint32_t item = Slot(p, "item");
  CHECK(in.slots[item].kind == rt::ValueKind::Record);
  CHECK_FALSE(in.slots[item].optional);
  uint32_t cn = Slot(p, "item.cn");
  CHECK(in.slots[cn].parent == static_cast<int32_t>(item));
  CHECK(in.slots[cn].name == "cn");
  CHECK(in.slots[cn].kind == rt::ValueKind::Code);
  CHECK(in.slots[cn].optional);
  CHECK(std::find(in.slots[item].children.begin(), in.slots[item].children.end(), cn) !=
        in.slots[item].children.end());
  uint32_t tags = Slot(p, "item.tags");
  CHECK(in.slots[tags].kind == rt::ValueKind::Set);
  CHECK(in.slots[tags].element == rt::ValueKind::String);
  // Two fields of one record type get their own slots.
  CHECK(Slot(p, "end_user.kind") != Slot(p, "consignee.kind"));
  for (uint32_t t : in.top_level) CHECK(in.slots[t].parent == -1);

  const Node& field = Arg(p, p.policies[0].rules[0].when, 0);
  CHECK(field.op == Op::Field);
  CHECK(field.imm == Slot(p, "end_user.kind"));
  CHECK(field.kind == rt::ValueKind::String);
}

TEST_CASE("a test's given record becomes slot assignments", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "class dual-use = has(item.cn)\n"
                     "dual-use to JP: license \"DU\"\n"
                     "exception small for dual-use-to-JP:\n  when value < 10 USD\n"
                     "test \"t\" {\n"
                     "  given { date: 2026-02-01, destination: JP, quantity: 3,\n"
                     "          item: { cn: \"1c902.a\" }, end_user: {} }\n"
                     "  expect license \"DU\" by dual-use-to-JP\n"
                     "}\n"
                     "test \"e\" {\n"
                     "  given { item: { cn: \"X1\" }, value: 5 USD, destination: JP }\n"
                     "  expect exempt by small\n"
                     "}\n");
  const Program& p = *r->program;
  const Policy& pol = p.policies[0];
  REQUIRE(pol.tests.size() == 2);
  const Test& t = pol.tests[0];
  CHECK(t.name == "t");
  CHECK(t.expect == Effect::License);
  CHECK(t.expect_license == "DU");
  CHECK(t.by == std::vector<std::string>{"dual-use-to-JP"});
  REQUIRE(t.given.size() == 6);
  auto given = [&](size_t i) {
    return std::make_pair(t.given[i].first, p.constants[t.given[i].second]);
  };
  CHECK(given(0).first == Slot(p, "date"));
  CHECK(given(0).second.date == DaysFromCivil({2026, 2, 1}));
  CHECK(given(2).first == Slot(p, "quantity"));
  CHECK(given(2).second.kind == rt::ValueKind::Decimal);
  CHECK(given(3).first == Slot(p, "item"));
  CHECK(given(3).second.kind == rt::ValueKind::Record);
  CHECK(given(4).first == Slot(p, "item.cn"));
  CHECK(given(4).second.kind == rt::ValueKind::Code);
  CHECK(given(4).second.text() == "1C902.A");
  CHECK(given(5).first == Slot(p, "end_user"));
  CHECK(given(5).second.kind == rt::ValueKind::Record);

  const Test& e = pol.tests[1];
  CHECK(e.expect == Effect::Exempt);
  CHECK(e.by == std::vector<std::string>{"small"});
  REQUIRE(pol.exceptions.size() == 1);
  CHECK(pol.exceptions[0].rules == std::vector<RuleId>{0});
  CHECK(pol.rules[0].waived_by == std::vector<ExceptionId>{0});
}

TEST_CASE("suspensions, exceptions and the default", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "rule a:\n  deny to CN\n  since 2020-01-01\n  because \"b\"\n  cite \"c\"\n"
                     "rule b:\n  review to RU\n"
                     "exception x for a, b:\n  unless end_use == \"m\"\n  until 2030-12\n"
                     "suspend b from 2025-01 until 2025-06\n"
                     "suspend x, a from 2026-01-01\n  because \"pause\"\n"
                     "default license \"GEN\"\n");
  const Program& p = *r->program;
  const Policy& pol = p.policies[0];
  CHECK(pol.default_effect == Effect::License);
  CHECK(pol.default_license == "GEN");
  REQUIRE(pol.suspensions.size() == 2);
  CHECK(pol.suspensions[0].period.since == DaysFromCivil({2025, 1, 1}));
  CHECK(pol.suspensions[0].period.until == DaysFromCivil({2025, 6, 30}));
  CHECK(pol.suspensions[1].period.until == INT32_MAX);
  CHECK(pol.suspensions[1].because == "pause");
  CHECK(pol.rules[0].suspensions == std::vector<SuspensionId>{1});
  CHECK(pol.rules[1].suspensions == std::vector<SuspensionId>{0});
  CHECK(pol.rules[0].because == "b");
  CHECK(pol.rules[0].cite == "c");
  REQUIRE(pol.exceptions.size() == 1);
  const Exception& x = pol.exceptions[0];
  CHECK(x.when == kNone);
  CHECK(N(p, x.unless).op == Op::Eq);
  CHECK(x.period.until == DaysFromCivil({2030, 12, 31}));
  CHECK(x.suspensions == std::vector<SuspensionId>{1});
  CHECK(x.rules == std::vector<RuleId>{0, 1});
  CHECK(x.at == "unit.licit:10:1");
}

TEST_CASE("Print lists the program", "[ir]") {
  auto r = LowerText(std::string(kHeader) +
                     "class dual-use = has(item.cn)\n"
                     "dual-use to JP: deny\n");
  std::string text = Print(*r->program);
  CHECK(text.find("input std.trade.Shipment") != std::string::npos);
  CHECK(text.find("class 0 dual-use = (has:bool item.cn)") != std::string::npos);
  CHECK(text.find("rule 0 dual-use-to-JP: deny at unit.licit:4:1") != std::string::npos);
  CHECK(text.find("(==:bool (field:country destination) (const:country JP))") != std::string::npos);
}

TEST_CASE("Verify reports malformed programs", "[ir]") {
  auto r = LowerText(std::string(kHeader) + "rule a:\n  deny when end_use == \"x\"\n");
  Program& p = *r->program;
  ExprId when = p.policies[0].rules[0].when;
  CHECK(Verify(p).empty());

  Program bad_kind = p;  // copies share constant storage with `p`, which outlives them
  bad_kind.nodes[when].kind = rt::ValueKind::Int;
  CHECK_FALSE(Verify(bad_kind).empty());

  Program bad_slot = p;
  bad_slot.nodes[p.args(p.nodes[when])[0]].imm = 9999;
  CHECK_FALSE(Verify(bad_slot).empty());

  Program bad_count = p;
  bad_count.nodes[when].count = 1;
  CHECK_FALSE(Verify(bad_count).empty());

  Program bad_rule = p;
  bad_rule.policies[0].rules[0].when = 12345;
  CHECK_FALSE(Verify(bad_rule).empty());
}

TEST_CASE("roots judging different records are an error", "[ir]") {
  std::string dir = "/tmp/licit_ir_unit_" + std::to_string(::getpid());
  std::string mkdir = "mkdir -p " + dir;
  REQUIRE(std::system(mkdir.c_str()) == 0);
  {
    std::ofstream(dir + "/a.licit") << "policy a\nimport std.trade\nrule r:\n  deny to JP\n";
    std::ofstream(dir + "/b.licit") << "policy b\nrecord Other { x: int }\ninput Other\n"
                                       "rule s:\n  deny when x > 1\n";
  }
  SourceManager sources;
  DiagnosticSink diags;
  auto checked = sema::CheckFiles(sources, {dir + "/a.licit", dir + "/b.licit"}, diags);
  REQUIRE_FALSE(diags.has_errors());
  auto program = Lower(*checked, sources, diags);
  CHECK(program == nullptr);
  REQUIRE(diags.has_errors());
  CHECK(diags.all().back().kind == DiagKind::InputNotRecord);
  std::remove((dir + "/a.licit").c_str());
  std::remove((dir + "/b.licit").c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("helpers name effects, ops and builtins", "[ir]") {
  CHECK(std::string(EffectName(Effect::Exempt)) == "exempt");
  CHECK(std::string(OpName(Op::InGroup)) == "in-group");
  CHECK(std::string(BuiltinName(Builtin::DaysBetween)) == "days_between");
  CHECK(Effect::Deny > Effect::License);
  Period p{10, 20};
  CHECK(p.Contains(10));
  CHECK_FALSE(p.Contains(21));
  CHECK(Period{}.open());
}

}  // namespace
}  // namespace licit::ir

namespace licit::ir {
namespace {

// Every golden policy that checks without errors must lower to a program Verify accepts.
TEST_CASE("every clean golden policy lowers and verifies", "[ir]") {
  namespace fs = std::filesystem;
  fs::path root = LICIT_SOURCE_DIR;  // set by tests/CMakeLists.txt (__FILE__ may be relative)
  size_t lowered = 0;
  for (const char* suite : {"tests/golden/check", "tests/golden/parse", "tests/golden/ir"}) {
    fs::path dir = root / suite;
    if (!fs::exists(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".licit") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      SourceManager sources;
      DiagnosticSink diags;
      auto checked = sema::CheckFiles(sources, {file.string()}, diags);
      if (diags.has_errors()) continue;
      INFO(file.string());
      auto program = Lower(*checked, sources, diags);
      REQUIRE(program != nullptr);
      std::vector<std::string> problems = Verify(*program);
      for (const std::string& p : problems) UNSCOPED_INFO(p);
      CHECK(problems.empty());
      CHECK_FALSE(Print(*program).empty());
      ++lowered;
    }
  }
  CHECK(lowered >= 5);
}

}  // namespace
}  // namespace licit::ir
