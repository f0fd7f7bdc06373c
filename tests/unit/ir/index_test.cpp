#include "ir/index.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "base/iso_codes.h"
#include "core/decision.h"
#include "engines/interp/interpreter.h"
#include "frontend/lower/lower.h"
#include "frontend/sema/check.h"
#include "frontend/sema/checked.h"
#include "ir/ir.h"
#include "tests/unit/frontend/lower_for_test.h"

namespace licit::ir {
namespace {

using testing::Lowered;

std::unique_ptr<Lowered> LowerText(std::string text) {
  return testing::LowerText(std::move(text), "index.licit");
}

const char* kPolicy = R"(policy unit.index

record Rec {
  id: string, date: date, destination: country, category: string?, control_code: code?,
  end_use: string?
}
input Rec

class dual-use = category == "dual-use"
group ASEAN = {TH, VN since 2026-03-01, SG until 2026-02-01}

rule r0: deny when control_code == "3A001" and destination == JP
rule r1: deny when control_code == "3A001" and destination == KR
rule r2: deny to CN, KP
rule r3: review when end_use == "military"
rule r4: license to ASEAN
rule r5:
  deny dual-use to any except FR
rule r6: deny when destination == DE or destination == FR
rule r7: deny when control_code == "5A002" or destination == IT
default allow
)";

std::vector<RuleId> Candidates(const Program& p, const rt::Record& rec) {
  std::vector<RuleId> out;
  RuleCandidates(p, 0, rec, out);
  return out;
}

TEST_CASE("rule index: selects the rules that can fire", "[ir][index]") {
  auto l = LowerText(kPolicy);
  const Program& p = *l->program;
  REQUIRE(p.rule_index.size() == 1);
  const RuleIndex& ix = p.rule_index[0];
  // r3 (string equality is indexable too) is indexed on end_use; r7 mixes two fields.
  CHECK(ix.always == std::vector<RuleId>{7});
  CHECK(ix.indexed == 7);

  auto slot = [&](const char* path) { return *p.input.Find(path); };
  rt::Record rec(&p.input);
  rec.slot(slot("id")) = rt::Value::String("x");
  rec.slot(slot("date")) = rt::Value::Date(20600);
  rec.slot(slot("destination")) = rt::Value::Country(*FindCountry("JP"));
  rec.slot(slot("control_code")) = rt::Value::Code("3A001");
  rec.slot(slot("category")) = rt::Value::String("dual-use");
  rec.slot(slot("end_use")) = rt::Value::String("civil");
  // r0, r1 by control code (the most selective part), r5 by its class, r7 always.
  CHECK(Candidates(p, rec) == std::vector<RuleId>{0, 1, 5, 7});

  rec.slot(slot("control_code")) = rt::Value::Code("9Z999");
  rec.slot(slot("category")) = rt::Value::String("other");
  rec.slot(slot("destination")) = rt::Value::Country(*FindCountry("VN"));
  // r4: VN is a member of ASEAN at some date, so a candidate whatever the record's date.
  CHECK(Candidates(p, rec) == std::vector<RuleId>{4, 7});
  rec.slot(slot("destination")) = rt::Value::Country(*FindCountry("FR"));
  CHECK(Candidates(p, rec) == std::vector<RuleId>{6, 7});

  // A missing field: the rules indexed on it could be unknown, so they are candidates.
  rec.slot(slot("control_code")) = rt::Value::Unknown(rt::kMissing);
  CHECK(Candidates(p, rec) == std::vector<RuleId>{0, 1, 6, 7});
  rec.slot(slot("category")) = rt::Value::Unknown(rt::kNull);
  CHECK(Candidates(p, rec) == std::vector<RuleId>{0, 1, 5, 6, 7});
  rec.slot(slot("end_use")) = rt::Value::Unknown(rt::kMissing);
  CHECK(Candidates(p, rec) == std::vector<RuleId>{0, 1, 3, 5, 6, 7});
}

TEST_CASE("rule index: decisions equal judging every rule", "[ir][index]") {
  auto l = LowerText(kPolicy);
  Program& p = *l->program;
  interp::Interpreter interp(p);
  const char* countries[] = {"JP", "KR", "CN", "KP", "TH", "VN", "SG", "FR", "DE", "IT", "US"};
  const char* codes[] = {"3A001", "5A002", "1C010"};
  const char* categories[] = {"dual-use", "other"};
  const char* uses[] = {"military", "civil"};
  auto slot = [&](const char* path) { return *p.input.Find(path); };
  rt::Record rec(&p.input);
  int cases = 0;
  for (const char* c : countries) {
    for (int code = 0; code <= 3; ++code) {
      for (int cat = 0; cat <= 2; ++cat) {
        for (int use = 0; use <= 2; ++use) {
          for (DayNumber day : {20400, 20600}) {
            rec.Clear();
            rec.slot(slot("id")) = rt::Value::String("x");
            rec.slot(slot("date")) = rt::Value::Date(day);
            rec.slot(slot("destination")) = rt::Value::Country(*FindCountry(c));
            rec.slot(slot("control_code")) =
                code < 3 ? rt::Value::Code(codes[code]) : rt::Value::Unknown(rt::kMissing);
            rec.slot(slot("category")) =
                cat < 2 ? rt::Value::String(categories[cat]) : rt::Value::Unknown(rt::kNull);
            rec.slot(slot("end_use")) =
                use < 2 ? rt::Value::String(uses[use]) : rt::Value::Unknown(rt::kMissing);
            std::string with = rt::DecisionToJson(interp.Decide(rec));
            std::vector<RuleIndex> saved = std::move(p.rule_index);
            p.rule_index.clear();
            std::string without = rt::DecisionToJson(interp.Decide(rec));
            p.rule_index = std::move(saved);
            CHECK(with == without);
            ++cases;
          }
        }
      }
    }
  }
  CHECK(cases == 11 * 4 * 3 * 3 * 2);
}

}  // namespace
}  // namespace licit::ir
