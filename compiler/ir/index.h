// Rule indexing: which rules of a policy can fire for a record, found by probing a hash of
// (field, constant) instead of judging every rule. See RuleIndex in ir.h and docs/architecture.md
// ("Rule indexing").
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/ir.h"
#include "runtime/record.h"

namespace licit::ir {

// One RuleIndex per policy of `program`.
std::vector<RuleIndex> BuildRuleIndex(const Program& program);

// The key of a String, Code (upper-cased: codes compare case-insensitively) or Country value in
// `out`; false for other kinds.
bool IndexKeyOf(const rt::Value& v, std::string& out);

// The candidate rules of policy `policy` for `record`, in increasing rule order: every rule that
// is not known to have a false condition part. Requires program.rule_index to be built.
void RuleCandidates(const Program& program, uint32_t policy, const rt::Record& record,
                    std::vector<RuleId>& out);

}  // namespace licit::ir
