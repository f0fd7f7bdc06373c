// compiler/codegen: ir::Program -> LLVM IR. One function per distinct condition (a rule's or an
// exception's scope_class, destination, when, unless) and one per class:
//
//   i8 @cond_<ExprId>(ptr slots, ptr ctx, ptr env, ptr reason)   ; 0 false, 1 true, 2 unknown
//
// `slots` is the record's Value array, `ctx` the rt::EvalContext, `env` a JitEnv (the program's
// constants and layout, so the module holds no addresses and dumps are stable), `reason` an
// uint16_t receiving the unknown's reason index in ctx. Fast paths (constants, field reads,
// has, Kleene and/or/not, scalar equality) are straight-line code; every operation with subtle
// semantics calls the extern "C" licit_rt_* builtins (runtime/builtins), in the interpreter's
// operand order, so values and unknown reasons are the interpreter's by construction.
// The public header holds no LLVM types beyond forward declarations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"
#include "runtime/eval_context.h"
#include "runtime/record.h"
#include "runtime/value.h"

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
}  // namespace llvm

namespace licit::codegen {

// What generated code reads through its `env` argument. Field order is ABI: codegen.cpp loads
// these by offset.
struct JitEnv {
  const rt::Value* constants = nullptr;     // ir::Program::constants
  const rt::RecordLayout* layout = nullptr; // ir::Program::input
  const ir::Program* program = nullptr;     // groups and slot paths, for the licit_jit_* helpers
};

using ConditionFn = uint8_t (*)(const rt::Value* slots, rt::EvalContext* ctx, const JitEnv* env,
                                uint16_t* reason);

struct Generated {
  Generated();
  Generated(Generated&&) noexcept;
  Generated& operator=(Generated&&) noexcept;
  ~Generated();

  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;  // destroyed before its context
  // The conditions compiled, each as function `<prefix>cond_<id>`.
  std::vector<ir::ExprId> conditions;
};

// The name of a condition's function.
std::string ConditionName(const std::string& prefix, ir::ExprId id);

// The runtime functions generated code may call (the JIT defines exactly these).
const std::vector<std::string>& RuntimeFunctionNames();

// Generates the module. `prefix` keeps names unique when several programs share one JIT.
Generated Generate(const ir::Program& program, const std::string& prefix = "");

// Runs the O2 pipeline on the module (with `tm`'s target information when given).
void Optimize(llvm::Module& module, llvm::TargetMachine* tm);

// The module as LLVM assembly text.
std::string PrintModule(const llvm::Module& module);

// `licit dump --emit=llvm`: the program's module for the host, optimised at O2, as text.
// Empty with `*error` set when the host target is not available.
std::string DumpLlvm(const ir::Program& program, std::string* error);

}  // namespace licit::codegen

// Helpers the generated code calls besides the licit_rt_* builtins (runtime/jit/jit.cpp).
extern "C" {
// 1 when the country value `c` (known) is in group `group` at ctx->date, else 0.
uint8_t licit_jit_in_group(const licit::codegen::JitEnv* env, uint32_t group,
                           const licit::rt::Value* c, const licit::rt::EvalContext* ctx);
// `under` naming the field at `slot` (-1: not a field) in an unknown's reason.
void licit_jit_under(licit::rt::EvalContext* ctx, const licit::codegen::JitEnv* env, int32_t slot,
                     const licit::rt::Value* code, const licit::rt::Value* pattern,
                     licit::rt::Value* out);
}
