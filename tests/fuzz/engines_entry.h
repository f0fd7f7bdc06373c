// The two-engine fuzz entry: bytes drive the random policy and record generator
// (tests/jit/random_policy.h); every record is decided by the interpreter and by the JIT (its
// fast path and its full path), and the decision JSON must be identical; the record packed into
// an rt::FlatBatch must get DecideVerdict's verdict on the rt::Record. A difference prints the
// policy, the record and both decisions, and aborts (a crash to libFuzzer).
#pragma once

#include <cstddef>
#include <cstdint>

namespace licit::fuzz {

// Returns the number of records compared (0 when the bytes make no policy).
int RunEngines(const uint8_t* data, size_t size);

}  // namespace licit::fuzz
