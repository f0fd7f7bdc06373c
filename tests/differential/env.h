// Test sizes from the environment: LICIT_* variables let a long run (or a quick one) change how
// many policies and records a randomized test tries without recompiling.
#pragma once

#include <cstdint>
#include <cstdlib>

namespace licit::testing {

// The value of the environment variable `name` as a count, or `fallback` when unset or empty.
inline uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace licit::testing
