// `licit analyze` and `licit diff` without records (authoring.md sections 3 and 4): questions
// about every record and every date, answered by the solver over the encoded IR
// (analysis/encode.h). Claims that nothing can happen are proofs (unsatisfiable queries); claims
// that something happens come with a witness record that both engines decided as promised before
// it is shown. A question the solver cannot settle is reported as such, never as a finding's
// absence or an equivalence.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/prover.h"
#include "base/diagnostic.h"
#include "core/decision.h"
#include "core/effect.h"
#include "ir/ir.h"

namespace licit::analysis {

struct AnalyzeOptions {
  ProverOptions prover;
  // Rules (their "file:line:col") the checker already reported as never firing (W0002): not
  // reported twice.
  std::set<std::string> known_never_firing;
};

// The findings of authoring.md section 3 as warnings (W0101-W0107), in no particular order.
std::vector<Diagnostic> Analyze(const ir::Program& program, const AnalyzeOptions& options,
                                const DecideWitness& decide);

// One pair of effects in a semantic diff.
struct EffectChange {
  rt::Effect from = rt::Effect::Allow, to = rt::Effect::Allow;
  Answer answer = Answer::Unsat;  // Sat: some record changes this way (witness below)
  std::string witness;            // the record, one JSON object
  DayNumber day = 0;              // the day it is judged at
  std::vector<rt::Decision> old_decisions, new_decisions;  // by every engine
  std::string reason;                                      // Unknown: why
};

struct SemanticDiffResult {
  std::vector<EffectChange> changes;  // every ordered pair of distinct effects, in lattice order
  bool equivalent() const;            // every pair Unsat
  bool different() const;             // some pair Sat
};

SemanticDiffResult SemanticDiff(const ir::Program& old_program, const ir::Program& new_program,
                                const ProverOptions& options, const DecideWitness& decide_old,
                                const DecideWitness& decide_new);

}  // namespace licit::analysis
