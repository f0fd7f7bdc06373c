// The "did you mean ...?" helper used by every name-resolution diagnostic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace licit {

// Damerau-Levenshtein (optimal string alignment) distance, case-sensitive, by bytes.
size_t EditDistance(std::string_view a, std::string_view b);

// The closest candidate to `word`, or nullopt when none is close enough. A candidate that differs
// only in case always wins; words shorter than 3 get no other suggestion (everything is near
// them); otherwise the distance must be at most max(1, len/3), as rustc does, and ties go to the
// earliest candidate so results are stable.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace licit
