// A deterministic generator of large, valid Licit policies for benchmarks: the same text for the
// same (rules, seed) on every machine, so timings are comparable across commits.
#pragma once

#include <cstdint>
#include <string>

namespace licit::bench {

struct PolicyShape {
  int rules = 10000;  // rule declarations (block and concise) in the policy
  uint64_t seed = 20260106;
};

// Returns a policy with `shape.rules` rules over std.trade: classes on item codes, concise rules
// (`cls to CC: deny since ...`), block rules using every clause, country groups with dated
// members, exceptions and suspensions, all with unique names. It checks with no errors and no
// warnings (bench_check and the bench/generated_policy_valid test verify this).
std::string GeneratePolicy(const PolicyShape& shape);

}  // namespace licit::bench
