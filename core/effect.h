// The one effect enum of the implementation: the lattice of rule effects, weakest first (so
// `std::max` combines contributions), then `Error`, which only a decision has (a record that could
// not be judged), never a rule, a default or a test's expectation. The syntax tree, the IR, the
// engines and decisions all use it; the public API keeps its own `licit::Effect`, checked equal to
// this one at compile time in api/src/licit.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace licit::rt {

enum class Effect : uint8_t { Allow, Exempt, Review, License, Deny, Error };

const char* EffectName(Effect e);                          // "allow", ..., "deny", "error"
std::optional<Effect> ParseEffect(std::string_view name);  // the inverse of EffectName

}  // namespace licit::rt
