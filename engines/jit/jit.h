// The JIT engine: ir::Program compiled to native code (compiler/codegen) by one process-wide
// ORC LLJIT, with one ResourceTracker per compiled program (its code is freed when the
// JitProgram is destroyed).
//
// Deciding has two paths. The fast path is one generated function that judges every candidate
// rule of the record (rule-index dispatch, periods, conditions, exceptions) into a compact
// rt::Verdict; interp::MaterializeVerdict turns that into the rt::Decision. It gives up as soon
// as anything is unknown. The full path is the interpreter's shared assembly
// (interp::AssembleDecision) with conditions answered by generated code; it writes unknowns and
// their reasons. Explanations delegate to the interpreter. No LLVM types in this header.
#pragma once

#include <memory>
#include <string>

#include "ir/ir.h"
#include "core/decision.h"
#include "engines/interp/interpreter.h"
#include "core/flat_record.h"
#include "core/record.h"
#include "core/verdict.h"

namespace licit::jit {

class JitProgram {
 public:
  // Compiles `program` (which must outlive the result). Null with `*error` set on failure.
  static std::unique_ptr<JitProgram> Compile(const ir::Program& program, std::string* error);
  ~JitProgram();
  JitProgram(const JitProgram&) = delete;
  JitProgram& operator=(const JitProgram&) = delete;

  // Thread-safe: many threads may decide at once.
  rt::Decision Decide(const rt::Record& record, const interp::DecideOptions& options = {}) const;
  // The fast path alone, for callers that need only the effect and the contributing rules: true
  // with `verdict` filled (its effect set) when the record was decided; false when it needs
  // Decide (something unknown, no date, more than Verdict::kMaxHits contributions). Builds no
  // strings and does not allocate. Thread-safe.
  bool DecideVerdict(const rt::Record& record, const interp::DecideOptions& options,
                     rt::Verdict& verdict) const;
  // The compiled record layout the fast path reads (runtime/flat_record.h); records packed into
  // it (an rt::FlatBatch) are the JIT's own form of records kept in memory.
  const rt::FlatLayout& flat_layout() const;
  // DecideVerdict on a record already packed with flat_layout(): the day is options.as_of, else
  // the record's date. False when the record needs Decide on its rt::Record. Thread-safe.
  bool DecideVerdict(const uint8_t* flat_record, const interp::DecideOptions& options,
                     rt::Verdict& verdict) const;
  interp::Explanation Explain(const rt::Record& record,
                              const interp::DecideOptions& options = {}) const;

  struct Impl;

 private:
  explicit JitProgram(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace licit::jit
