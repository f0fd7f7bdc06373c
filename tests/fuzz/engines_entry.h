// The two-engine fuzz entry: the bytes drive the random policy generator
// (tests/differential/random_policy.h), which writes one policy; a seeded generator (seeded by a
// hash of the bytes) writes hundreds to thousands of records for it, and every record is decided
// on every path of tests/differential/differential.h (interpreter with and without the rule
// index, the JIT's Decide, full path and verdicts on rt::Records and flat records), which must
// agree. The policy is compiled once per input, so the run spends its time deciding. A
// difference prints the policy, the record and both answers, and aborts (a crash to libFuzzer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace licit::fuzz {

// Returns the number of records compared (0 when the bytes make no policy). The first byte picks
// the number of records (512 to 4,096) and whether every record is judged at one `--as-of` day;
// `max_records`, when not 0, caps the number (the replay test keeps `make test` quick).
int RunEngines(const uint8_t* data, size_t size, int max_records = 0);

// Coverage counts summed over every input run in this process (differential.h), for a summary.
std::string EnginesCoverageText();

}  // namespace licit::fuzz
