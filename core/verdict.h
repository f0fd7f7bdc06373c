// The compact form of a decision: the effect and the rules that contributed, by index, with no
// strings. The JIT's generated decide function fills one when every condition it judged was
// known (so there are no unknown reasons to report); decide::MaterializeVerdict turns it into
// the full rt::Decision (names, licences, citations) exactly as AssembleDecision would have.
// Callers that only need the effect (benchmarks, counters, `--fail-on`) never build strings.
//
// Field order and sizes are ABI: generated code stores hits through licit_jit_hit
// (engines/jit), and codegen relies on nothing else.
#pragma once

#include <cstdint>

#include "core/decision.h"

namespace licit::rt {

// One contributing rule: policy and rule index, its contribution, and the exception that waived
// it (UINT32_MAX when not waived; the contribution is then the rule's own effect).
struct VerdictHit {
  uint32_t policy = 0;
  uint32_t rule = 0;
  uint32_t exception = UINT32_MAX;
  Effect effect = Effect::Allow;
};

struct Verdict {
  // More contributing rules than this for one record is unusual; the fast path then gives up
  // and the full path decides (correct, just slower).
  static constexpr uint32_t kMaxHits = 32;
  Effect effect = Effect::Allow;  // set by FinishVerdict
  uint32_t count = 0;
  VerdictHit hits[kMaxHits];

  void Clear() { count = 0; }
};

}  // namespace licit::rt
