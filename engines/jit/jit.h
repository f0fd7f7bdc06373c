// The JIT engine: ir::Program compiled to native code (codegen.h) by one process-wide
// ORC LLJIT, with one ResourceTracker per compiled program (its code is freed when the
// JitProgram is destroyed). Small programs are added as IR, optimised; large ones as objects
// compiled with the fast instruction selector, in shards on two threads (codegen::ShardCount).
//
// Deciding has two paths. The fast path is one generated function that judges every candidate
// rule of the record (rule-index dispatch, periods, conditions, exceptions) into a compact
// rt::Verdict; decide::MaterializeVerdict turns that into the rt::Decision. It gives up as soon
// as anything is unknown. The full path is the engines' shared assembly (decide::AssembleDecision)
// with conditions answered by generated code; it writes unknowns and their reasons. Its
// conditions are a module of their own, which a lazy program compiles only when a record first
// needs them (FullPathCode): most runs have no record with an unknown, and for a small policy
// the conditions are two thirds of the compile.
// Explanations are the interpreter's (the API asks it). No LLVM types in this header.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/decision.h"
#include "core/flat_record.h"
#include "core/record.h"
#include "core/verdict.h"
#include "engines/decide/decide.h"
#include "ir/ir.h"

namespace licit::jit {

// When the full path's conditions are compiled (programs up to codegen::kFullPathMaxRules rules;
// above, the reference engine is the full path).
enum class FullPathCode : uint8_t {
  kEager,  // before Compile returns
  // When a record first needs them, on a thread of their own; the reference engine decides such
  // records until they are ready (the same decisions). The tiered API's background compile.
  kLazy,
};

// Stops every lazy compile of conditions in flight at its next phase and waits for them; later
// ones are cancelled at once (the reference engine goes on deciding those records). For a
// process about to exit with programs alive: LLVM must not run under static destructors.
void StopLazyCompiles();

class JitProgram final : public decide::Engine {
 public:
  // Compiles `program` (which must outlive the result). Null with `*error` set on failure.
  // `reference` (the interpreter on the same program, outliving the result) decides the records
  // the fast path gives up on when the program is too large for full-path code
  // (codegen::kFullPathMaxRules).
  // `cancel` (optional): when it becomes true the compile stops at its next phase (code
  // generation, optimisation, machine code of each module, linking) and returns null with
  // "cancelled"; a background compile whose policy is dropped uses it.
  // A program above codegen::kFullPathMaxRules is compiled as several modules on up to two
  // threads (this one and one more; codegen::ShardCount). `full_path`: see FullPathCode. Compiles
  // of all programs are serialised by one process-wide lock, lazy ones included; destroying a
  // program whose lazy compile runs stops it at its next phase and waits for it.
  static std::unique_ptr<JitProgram> Compile(const ir::Program& program,
                                             const decide::Engine& reference, std::string* error,
                                             const std::atomic<bool>* cancel = nullptr,
                                             FullPathCode full_path = FullPathCode::kEager);
  ~JitProgram() override;
  JitProgram(const JitProgram&) = delete;
  JitProgram& operator=(const JitProgram&) = delete;

  // Thread-safe: many threads may decide at once.
  rt::Decision Decide(const rt::Record& record,
                      const decide::DecideOptions& options = {}) const override;
  // The full path alone, even for records the fast path would decide: the differential tests
  // and fuzzers compare it with the fast path on every record. Waits for a lazy program's
  // conditions to compile (starting the compile if need be). Thread-safe.
  rt::Decision DecideFullPath(const rt::Record& record,
                              const decide::DecideOptions& options = {}) const;
  // The fast path alone, for callers that need only the effect and the contributing rules: true
  // with `verdict` filled (its effect set) when the record was decided; false when it needs
  // Decide (something unknown, no date, more than Verdict::kMaxHits contributions). Builds no
  // strings and does not allocate. Thread-safe.
  bool DecideVerdict(const rt::Record& record, const decide::DecideOptions& options,
                     rt::Verdict& verdict) const;
  // The compiled record layout the fast path reads (core/flat_record.h); records packed into
  // it (an rt::FlatBatch) are the JIT's own form of records kept in memory.
  const rt::FlatLayout& flat_layout() const;
  // DecideVerdict on a record already packed with flat_layout(): the day is options.as_of, else
  // the record's date. False when the record needs Decide on its rt::Record. Thread-safe.
  bool DecideVerdict(const uint8_t* flat_record, const decide::DecideOptions& options,
                     rt::Verdict& verdict) const;

  // What the compiler made of the program: how much of the fast path's machinery it uses. The
  // differential tests and fuzzers report these, so a run says which code it exercised.
  struct Shape {
    bool full_path_code = true;      // conditions generated for the full path (else: interpreter)
    bool optimized = true;           // Optimize (else: unoptimised, fast instruction selection)
    uint32_t dispatched_keys = 0;    // rule-index keys judged by one probe (DispatchedKey)
    uint32_t dispatched_rules = 0;   // (value, rule) entries of those keys
    uint32_t data_rules = 0;         // of those, rules judged from data (ir::EqualityRule)
    uint32_t second_level_runs = 0;  // key values whose rules are found by a second field
    uint32_t modules = 1;            // compiled as this many modules (codegen::ShardCount)
    uint32_t cached_modules = 0;     // of those and the eager conditions, loaded from the code
                                     // cache (code_cache.h)
  };
  const Shape& shape() const;
  // Whether the full path's conditions are compiled and linked (always, once Compile has
  // returned, for kEager programs with full-path code; never for programs without).
  bool full_path_compiled() const;

  struct Impl;

 private:
  explicit JitProgram(std::unique_ptr<Impl> impl);
  rt::Decision FullPath(const rt::Record& record, const decide::DecideOptions& options,
                        DayNumber day, rt::Decision d, bool wait) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace licit::jit
