// Rule indexing: which rules of a policy can fire for a record, found by probing a hash of
// (field, constant) instead of judging every rule. See RuleIndex in ir.h and docs/architecture.md
// ("Rule indexing").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "ir/ir.h"

namespace licit::ir {

// One RuleIndex per policy of `program`.
std::vector<RuleIndex> BuildRuleIndex(const Program& program);

// The key of a String, Code (upper-cased: codes compare case-insensitively) or Country value in
// `out`; false for other kinds.
bool IndexKeyOf(const rt::Value& v, std::string& out);

// A rule that fires exactly when each of a few fields equals one of a few constants (the shape of
// long generated lists: `control_code == "3A001" and destination == CN`, `to KP, IR`), with no
// `unless` and no exception that can waive it. The JIT judges such rules from this data instead
// of compiling each one (engines/jit, "data rules"), which keeps compile time flat for policies
// with thousands of them.
struct EqualityTest {
  uint32_t slot = 0;
  rt::ValueKind kind = rt::ValueKind::Unknown;
  std::vector<ConstId> any_of;  // the field must equal one of these
};
// The rule's tests (its scope class, `to` list and `when`, all conjunctions of equalities), or
// nullopt when the rule has another shape.
std::optional<std::vector<EqualityTest>> EqualityRule(const Program& program, const Rule& rule);

// The candidate rules of policy `policy` for `record`, in increasing rule order: every rule that
// is not known to have a false condition part. Requires program.rule_index to be built.
void RuleCandidates(const Program& program, uint32_t policy, const rt::Record& record,
                    std::vector<RuleId>& out);

}  // namespace licit::ir
