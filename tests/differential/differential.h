// The two-engine differential check, shared by the seeded differential test (tests/jit), the
// fuzz target fuzz_engines (tests/fuzz) and the long-run tool bench/diff_engines: one policy
// compiled once, then every record decided by every path and compared.
//
// Per record, these must agree exactly (decision JSON: effect, policies, rules, waivers,
// licences, unknowns, error):
//   1. the interpreter, with the rule index;
//   2. the interpreter judging every rule (rule index removed): the index must not change a
//      decision (optional, or on every nth record: it doubles the interpreter's share);
//   3. the JIT's Decide (fast path when it decides, else full path);
//   4. the JIT's full path alone (DecideFullPath), for every record the fast path decided too;
//   5. the JIT's DecideVerdict on the rt::Record: when it decides, its effect is the decision's;
//   6. DecideVerdict on the record packed into the compiled record layout (rt::FlatBatch): the
//      same answer, effect and hits as 5.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "engines/decide/decide.h"

namespace licit::testing {

// What a run exercised: counts summed over policies and records, printed with each run so a run
// says which code it reached (the JIT's dispatch, second level, data rules, fast-only code).
struct DiffCoverage {
  uint64_t policies = 0;
  uint64_t records = 0;                 // records compared on every path
  uint64_t decisions = 0;               // decisions and verdicts made, all compared (5-6 a record)
  uint64_t fast = 0;                    // decided by the JIT's fast path (DecideVerdict)
  uint64_t with_unknowns = 0;           // decisions with an unknown
  uint64_t with_waivers = 0;            // decisions where an exception waived a rule
  uint64_t errors = 0;                  // error decisions (no date)
  std::array<uint64_t, 6> by_effect{};  // by rt::Effect
  // From JitProgram::Shape, summed over policies.
  uint64_t dispatched_keys = 0;
  uint64_t dispatched_rules = 0;
  uint64_t data_rules = 0;
  uint64_t second_level_runs = 0;
  uint64_t policies_with_dispatch = 0;
  uint64_t fast_only_policies = 0;  // no full-path code (more than kFullPathMaxRules rules)
  uint64_t unoptimized_policies = 0;
  uint64_t sharded_policies = 0;  // compiled as several modules (codegen::ShardCount)

  void Add(const DiffCoverage& other);
  // One line per group of counts, for a log or a README.
  std::string Text() const;
};

// The first disagreement found, with everything needed to reproduce it.
struct DiffFailure {
  std::string what;    // which paths disagree
  std::string policy;  // the policy's text
  std::string record;  // the record's JSON
  std::string expected, actual;
  std::string Text() const;
};

class EngineDiff {
 public:
  // Compiles `policy` (check, lower, verify; both engines). Null with `*error` set when it does
  // not compile: for generated policies that is a bug of the generator or the compiler.
  static std::unique_ptr<EngineDiff> Compile(const std::string& policy, std::string* error);
  ~EngineDiff();

  // Decides one record on every path. False with `*failure` filled on the first disagreement,
  // or when `json` does not read as a record of the policy's input type.
  bool Check(const std::string& json, const decide::DecideOptions& options, DiffFailure* failure);

  // Also compare against the interpreter without the rule index (path 2). Default on.
  void set_check_index(bool on) { index_check_every_ = on ? 1 : 0; }
  // Path 2 on every nth record only (0: never). On a policy of hundreds of rules, judging every
  // rule costs more than all the other paths together; the fuzzer checks one record in a few.
  void set_index_check_every(unsigned n) { index_check_every_ = n; }
  const DiffCoverage& coverage() const { return coverage_; }

 private:
  struct State;
  explicit EngineDiff(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  DiffCoverage coverage_;
  unsigned index_check_every_ = 1;
};

}  // namespace licit::testing
