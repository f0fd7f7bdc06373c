// The party-screening fuzz entry (fuzz_screening) and its replay test share this, so a reproducer
// saved from a fuzzing run replays through exactly the code that found it, in every build.
//
// The input is a list file, then optionally a NUL byte and a cleared file, then optionally a NUL
// byte and party names, one per line. The list is read in the CSL's format when its header names
// `_id`, `alt_names` or `entity_number`, else in Licit's. Checked (a broken invariant prints the
// input's parts and aborts, a crash to libFuzzer):
//   - every diagnostic points inside its file, and its message and the normalised names are valid
//     UTF-8;
//   - Score is in [0, 1], symmetric, and 1 for a name against itself (when it has words);
//   - every entry's own name and aliases screen as exact matches on a day the entry is listed,
//     whatever the clearances, and a Hit's kind agrees with its score and the thresholds;
//   - Top gives at most k hits, best first, and its best score is Screen's when Screen found one.
#pragma once

#include <cstdint>
#include <string_view>

namespace licit::fuzz {

// Counters over every input run in this process (the replay test shows them).
struct ScreeningStats {
  uint64_t inputs = 0;
  uint64_t entries = 0;   // entries read
  uint64_t screened = 0;  // names screened
  uint64_t matches = 0;   // of those, matches
  uint64_t possible = 0;  // possible matches
  uint64_t diagnostics = 0;
};

void RunScreening(std::string_view data);
const ScreeningStats& ScreeningCounters();

}  // namespace licit::fuzz
