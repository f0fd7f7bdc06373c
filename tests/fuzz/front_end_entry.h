// The one entry point the fuzzer and the crash-regression test share, so a reproducer saved from
// a fuzzing run is replayed through exactly the code that crashed.
#pragma once

#include <string_view>

namespace licit::fuzz {

// Checks `data` as the text of a policy (sema::CheckSource parses and checks it), renders the
// diagnostics as text and as JSON, and verifies invariants any input must keep: spans inside
// their file, the error count matching the diagnostics, JSON that parses and is valid UTF-8;
// and formats it (`licit fmt`): refused exactly when it has syntax errors, else the same syntax
// tree (positions aside), every comment kept in order (the formatter's own check), idempotent.
// A broken invariant aborts with a message on stderr, which libFuzzer reports as a crash.
void RunFrontEnd(std::string_view data);

}  // namespace licit::fuzz
