#include "frontend/sema/check.h"

#include <catch2/catch.hpp>

#include "frontend/sema/checked.h"

namespace licit::sema {
namespace {

struct Result {
  SourceManager sources;
  DiagnosticSink diags;
  std::unique_ptr<CheckedProgram> program;
  std::vector<std::string> Codes() const {
    std::vector<std::string> codes;
    for (const Diagnostic& d : diags.all()) codes.emplace_back(InfoOf(d.kind).code);
    return codes;
  }
};

std::unique_ptr<Result> CheckText(std::string text) {
  auto r = std::make_unique<Result>();
  r->program = CheckSource(r->sources, "unit.licit", std::move(text), r->diags);
  return r;
}

TEST_CASE("a clean policy checks and resolves names", "[sema]") {
  auto r = CheckText(
      "policy unit.clean\n"
      "import std.trade\n"
      "class dual-use = has(item.cn)\n"
      "group G = {JP, KR since 2023-07-21}\n"
      "rule jp: deny dual-use to G when end_use == \"military\" since 2026-01\n");
  CHECK(r->Codes().empty());
  const CheckedProgram& p = *r->program;
  REQUIRE(p.roots().size() == 1);
  const CheckedModule& m = p.module(p.roots()[0]);
  REQUIRE(m.input != nullptr);
  CHECK(m.input->qualified_name == "std.trade.Shipment");
  REQUIRE(m.rules.size() == 1);
  const CheckedRule& rule = m.rules[0];
  REQUIRE(rule.scope_class != nullptr);
  CHECK(rule.scope_class->name == "dual-use");
  REQUIRE(rule.to.has_value());
  REQUIRE(rule.to->include.size() == 1);
  CHECK(rule.to->include[0].kind == Destination::Kind::Group);
  CHECK(rule.period.since == DaysFromCivil({2026, 1, 1}));
  CHECK(rule.period.until == DayRange::kOpenEnd);
  const GroupMembers& g = p.MembersOf(rule.to->include[0].symbol);
  REQUIRE(g.size() == 2);
  CHECK(p.TypeOf(m.id, rule.decl->clauses.when->id) == Type::Bool());
}

TEST_CASE("nested groups intersect periods", "[sema]") {
  auto r = CheckText(
      "policy unit.groups\n"
      "group A = {KR since 2020-01-01 until 2020-12-31}\n"
      "group B = {A since 2020-06-01}\n"
      "rule x: deny to B\n");
  CHECK(r->Codes().empty());
  const CheckedModule& m = r->program->module(0);
  const Symbol* b = m.scope.at("B");
  const GroupMembers& members = r->program->MembersOf(b);
  REQUIRE(members.size() == 1);
  const auto& ranges = members.begin()->second;
  REQUIRE(ranges.size() == 1);
  CHECK(ranges[0].since == DaysFromCivil({2020, 6, 1}));
  CHECK(ranges[0].until == DaysFromCivil({2020, 12, 31}));
}

TEST_CASE("every error is reported in one run and partial ASTs do not crash", "[sema]") {
  auto r = CheckText(
      "policy unit.errors\n"
      "rule a: deny to UK\n"
      "rule b: review when (1 +\n"
      "rule c: review when nope and destination == \"JP\"\n");
  auto codes = r->Codes();
  CHECK(std::count(codes.begin(), codes.end(), "E0305") == 1);
  CHECK(std::count(codes.begin(), codes.end(), "E0301") == 1);
  CHECK(std::count(codes.begin(), codes.end(), "E0401") == 1);
}

TEST_CASE("long definition chains do not recurse per link", "[sema]") {
  std::string text = "policy unit.chain\n";
  for (int i = 0; i < 5000; ++i) {
    text += "let l" + std::to_string(i) + " = l" + std::to_string(i + 1) + " + 1\n";
  }
  text += "let l5000 = 1\nrule r: review when quantity > l0\n";
  auto r = CheckText(text);
  CHECK(r->Codes().empty());
}

TEST_CASE("a country written by name gets its code suggested", "[sema]") {
  auto r = CheckText(
      "policy unit.aliases\n"
      "rule a: deny to Burma\n"
      "rule b: review when destination == \"Turkey\"\n");
  auto codes = r->Codes();
  CHECK(std::count(codes.begin(), codes.end(), "E0301") == 1);
  CHECK(std::count(codes.begin(), codes.end(), "E0401") == 1);
  bool burma = false, turkey = false;
  for (const auto& d : r->diags.all()) {
    for (const auto& h : d.help) {
      if (h.find("`MM` (Myanmar)") != std::string::npos) burma = true;
      if (h.find("written `TR`") != std::string::npos) turkey = true;
    }
  }
  CHECK(burma);
  CHECK(turkey);
}

}  // namespace
}  // namespace licit::sema
