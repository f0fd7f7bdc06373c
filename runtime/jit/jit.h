// The JIT engine: ir::Program compiled to native code (compiler/codegen) by one process-wide
// ORC LLJIT, with one ResourceTracker per compiled program (its code is freed when the
// JitProgram is destroyed). Decision assembly is the interpreter's (interp::AssembleDecision);
// only conditions run as generated code, so decisions are the interpreter's by construction.
// Explanations delegate to the interpreter. No LLVM types in this header.
#pragma once

#include <memory>
#include <string>

#include "compiler/ir/ir.h"
#include "runtime/decision.h"
#include "runtime/interp/interpreter.h"
#include "runtime/record.h"

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
  interp::Explanation Explain(const rt::Record& record,
                              const interp::DecideOptions& options = {}) const;

  struct Impl;

 private:
  explicit JitProgram(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace licit::jit
