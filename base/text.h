// Small text helpers shared by the CLI and the benchmarks.
#pragma once

#include <cstdint>
#include <string>

namespace licit {

// "1,234,567": a count with thousands separators, as summaries and tables print it.
std::string Thousands(uint64_t n);

}  // namespace licit
