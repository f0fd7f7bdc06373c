// The JIT engine: ir::Program compiled to native code (codegen.h) by one process-wide
// ORC LLJIT, with one ResourceTracker per compiled program (its code is freed when the
// JitProgram is destroyed).
//
// Deciding has two paths. The fast path is one generated function that judges every candidate
// rule of the record (rule-index dispatch, periods, conditions, exceptions) into a compact
// rt::Verdict; decide::MaterializeVerdict turns that into the rt::Decision. It gives up as soon
// as anything is unknown. The full path is the engines' shared assembly (decide::AssembleDecision)
// with conditions answered by generated code; it writes unknowns and their reasons.
// Explanations are the interpreter's (the API asks it). No LLVM types in this header.
#pragma once

#include <memory>
#include <string>

#include "core/decision.h"
#include "core/flat_record.h"
#include "core/record.h"
#include "core/verdict.h"
#include "engines/decide/decide.h"
#include "ir/ir.h"

namespace licit::jit {

class JitProgram final : public decide::Engine {
 public:
  // Compiles `program` (which must outlive the result). Null with `*error` set on failure.
  // `reference` (the interpreter on the same program, outliving the result) decides the records
  // the fast path gives up on when the program is too large for full-path code
  // (codegen::kFullPathMaxRules).
  static std::unique_ptr<JitProgram> Compile(const ir::Program& program,
                                             const decide::Engine& reference, std::string* error);
  ~JitProgram() override;
  JitProgram(const JitProgram&) = delete;
  JitProgram& operator=(const JitProgram&) = delete;

  // Thread-safe: many threads may decide at once.
  rt::Decision Decide(const rt::Record& record,
                      const decide::DecideOptions& options = {}) const override;
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

  struct Impl;

 private:
  explicit JitProgram(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace licit::jit
