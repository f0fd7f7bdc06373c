// engines/jit/codegen: ir::Program -> LLVM IR, in two halves.
//
// The full path (records with unknowns; programs up to kFullPathMaxRules rules): one function
// per distinct condition (a rule's or an exception's scope_class, destination, when, unless),
// on the record's rt::Value slots, with the interpreter's unknowns and reasons:
//
//   i8 @cond_<ExprId>(ptr slots, ptr ctx, ptr env, ptr reason)   ; 0 false, 1 true, 2 unknown
//
// The fast path: one function that decides a whole record in its compiled layout, a flat record
// (core/flat_record.h: compact cells read by offset, texts as atoms; see DecideFn):
//
//   i8 @decide(ptr rec, ptr ctx, ptr env, i32 day, ptr verdict)  ; 1 decided, 0 fall back
//
// It judges every rule that can fire: periods and suspensions against `day` as constants, the
// rule's condition parts emitted in line, the exceptions that can waive it, and stores each
// contribution in the rt::Verdict. Rules whose rule-index key covers many rules (DispatchedKey)
// are not judged one by one: the decide function calls licit_jit_judge_key, which finds the
// candidates of the record's value (an array indexed by its country id or atom) and judges just
// those: rules of the equality shape (ir::EqualityRule) from data, the others by calling their
// generated function (RuleName). Whenever something is unknown (a missing field, an undecidable
// comparison) it returns 0 at once, and the engine decides that record through the shared
// AssembleDecision instead, which writes the unknown's reasons. So the fast path only ever
// decides records whose decision has no unknowns, and MaterializeVerdict renders those as
// AssembleDecision would.
//
// `ctx` is the rt::EvalContext, `env` a JitEnv (the program's constants and layout, so the
// module holds no addresses and dumps are stable), `reason` an uint16_t receiving the unknown's
// reason index in ctx. Fast paths (constants, field reads, has, Kleene and/or/not, scalar
// equality, text equality with a constant as one atom compare) are straight-line code; every
// operation with subtle semantics calls the extern "C" licit_rt_* builtins (core/builtins), in
// the interpreter's operand order, so values and unknown reasons are the interpreter's by
// construction (on the fast path a flat cell is first widened to an rt::Value).
// The public header holds no LLVM types beyond forward declarations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/eval_context.h"
#include "core/flat_record.h"
#include "core/record.h"
#include "core/value.h"
#include "core/verdict.h"
#include "ir/ir.h"

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
}  // namespace llvm

namespace licit::codegen {

// The filter of a dispatched key, which the decide function tests in line before it calls
// licit_jit_judge_key. Most records fire no rule of a large list: their key value names no rule,
// or the rules it names test a second field (KeyFilterCell) for other values than the record's.
// The filter answers "maybe" for a (key value, second value) pair from one word, so those records
// cost a few loads instead of a call, an index probe and a search. One line of kKeyFilterWords
// words per key value (a country id or an atom, as licit_jit_judge_key indexes its runs), bit
// KeyFilterBit(the second cell's FlatLayout::LoadScalar) set when a rule of that value may hold
// for it: every value's bit of the rules' second test, or all bits when a rule of the value does
// not test that field the same way (it is judged whatever the second value). Without a second
// field the decide function tests bit 0: set when the key value names rules. Values past `last`
// read line `last`, which is clear.
struct KeyFilter {
  const uint64_t* words = nullptr;
  uint64_t last = 0;
};
inline constexpr uint32_t kKeyFilterWords = 4;
// Country ids and atoms are small dense integers: the low byte alone spreads them, and folding in
// the next byte keeps larger values apart too. A shared bit only sends a record on to the search.
inline uint32_t KeyFilterBit(uint64_t v) {
  return static_cast<uint32_t>((v ^ (v >> 8)) & (64 * kKeyFilterWords - 1));
}

// What generated code reads through its `env` argument. Field order is ABI: codegen.cpp loads
// these by offset.
struct JitEnv {
  const rt::Value* constants = nullptr;      // ir::Program::constants
  const rt::RecordLayout* layout = nullptr;  // ir::Program::input
  const ir::Program* program = nullptr;      // groups and slot paths, for the licit_jit_* helpers
  const void* dispatch = nullptr;            // the engine's tables for licit_jit_judge_key
  const KeyFilter* filters = nullptr;        // by KeyFilterIndex (the engine's, as `dispatch`)
};

using ConditionFn = uint8_t (*)(const rt::Value* slots, rt::EvalContext* ctx, const JitEnv* env,
                                uint16_t* reason);
// Decides the flat record `rec` (Generated::flat) at `day` into `verdict` (cleared by the
// caller). Returns 1 when decided, 0 when the record needs the full path (something was
// unknown, or more than Verdict::kMaxHits rules contributed); `verdict` is then meaningless.
using DecideFn = uint8_t (*)(const uint8_t* rec, rt::EvalContext* ctx, const JitEnv* env,
                             int32_t day, rt::Verdict* verdict);

// Rule-index keys with at least this many rules are dispatched through licit_jit_judge_key (one
// hash probe per record); smaller ones are cheaper to judge rule by rule in straight-line code.
inline constexpr size_t kDispatchMinRules = 8;
inline bool DispatchedKey(const ir::RuleIndex::Key& key) {
  return key.all.size() >= kDispatchMinRules;
}
// The KeyFilter of key `key` of policy `policy` in JitEnv::filters: keys are numbered in policy
// order, then key order, dispatched or not.
uint32_t KeyFilterIndex(const ir::Program& program, uint32_t policy, uint32_t key);
// The second field of a dispatched key's filter, as a cell of `flat`: the field (besides the
// key's) that most of the key's rules of the equality shape (ir::EqualityRule) test; -1 when none
// does. The engine builds the filters and the decide function reads the records by this one
// choice.
int32_t KeyFilterCell(const ir::Program& program, const rt::FlatLayout& flat, uint32_t policy,
                      const ir::RuleIndex::Key& key);

// Compile tiers. LLVM's optimiser and code generator cost tens of microseconds per IR
// instruction, so a policy of thousands of rules compiled like a small one takes seconds to
// minutes. Two limits keep compile time roughly linear and small:
//  - Up to kFullPathMaxRules rules, every condition also gets an external function, so the full
//    path (records with unknowns) runs generated code too. Above it, only the fast path is
//    generated and the full path is the interpreter's (decisions are the same by construction).
//  - Up to kOptimizeMaxInstructions IR instructions the module is optimised (Optimize) and compiled
//    with the default code generator; above it, it is compiled unoptimised with the fast
//    instruction selector (the engine picks the code generator from Generated::optimize).
inline constexpr size_t kFullPathMaxRules = 256;
inline constexpr size_t kOptimizeMaxInstructions = 40000;
// Programs with more than kShardRules rules with code (ShardCount; rules judged from data have
// none, and a program of mostly such rules stays one module, optimised when small enough) are
// generated as several modules ("shards"), each with its own LLVMContext, so the engine generates
// and compiles them on several threads at once and frees each module as soon as its machine code
// exists (a 10,000-rule program's IR is about 100 MB, its machine code 8 MB). About this many rules
// a shard, and at least two shards: smaller shards keep less IR alive at once (10,000 rules, peak
// RSS: 214 MB with 1,024 rules a shard, 185 MB with 256, the same compile time), but each shard has
// its own copy of the class functions its rules call. Shards are compiled unoptimised (a program
// this large is past kOptimizeMaxInstructions).
inline constexpr size_t kShardRules = 256;

struct Generated {
  Generated();
  Generated(Generated&&) noexcept;
  Generated& operator=(Generated&&) noexcept;
  ~Generated();

  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;  // destroyed before its context
  // The flat records the fast path (decide and rule functions) reads; the engine packs records
  // into it. Its atoms point into the program's constants.
  std::unique_ptr<rt::FlatLayout> flat;
  // The conditions compiled for the full path, each as function `<prefix>cond_<id>` (empty when
  // the program is above kFullPathMaxRules).
  std::vector<ir::ExprId> conditions;
  bool full_path = true;    // the conditions above exist (never in a shard)
  bool optimize = true;     // small enough to optimise (kOptimizeMaxInstructions)
  size_t instructions = 0;  // IR instructions generated, before optimisation
};

// The compiled record layout of `program`'s fast path: every field a condition reads (Field and
// Has nodes), text fields keeping only their atom where `==`/`!=` with a constant is their one
// use, and the program's string and code constants as atoms.
std::unique_ptr<rt::FlatLayout> BuildFlatLayout(const ir::Program& program);

// The name of a condition's function.
std::string ConditionName(const std::string& prefix, ir::ExprId id);
// The name of the decide function.
std::string DecideName(const std::string& prefix);
// The name of a rule's function (external only for dispatched rules without the equality shape).
std::string RuleName(const std::string& prefix, uint32_t policy, uint32_t rule);

// The runtime functions generated code may call (the JIT defines exactly these).
const std::vector<std::string>& RuntimeFunctionNames();

// Whether the full path gets generated conditions: up to kFullPathMaxRules rules.
bool HasFullPathCode(const ir::Program& program);

// Generates the module: the fast path, and with `with_conditions` the full path's conditions
// (when HasFullPathCode). `prefix` keeps names unique when several programs share one JIT.
// `names`: name the instructions and blocks (for dumps; the JIT leaves them out: they cost
// memory and time and nothing reads them).
Generated Generate(const ir::Program& program, const std::string& prefix = "", bool names = true,
                   bool with_conditions = true);

// The full path's conditions alone, as a module of their own (with internal copies of the
// classes they use), for a program whose fast path Generate made without them: the JIT compiles
// them when a record first needs the full path. Without value names; `flat` is the fast path's
// layout (Generated::flat), which the conditions do not read.
Generated GenerateConditions(const ir::Program& program, const rt::FlatLayout& flat,
                             const std::string& prefix);

// How many modules Generate's program is compiled as: 1 up to kFullPathMaxRules rules or up to
// kShardRules rules with code (one module, from Generate), else at least 2 shards
// (GenerateShard), one per kShardRules rules with code.
uint32_t ShardCount(const ir::Program& program);

// Shard `shard` of `shards` (ShardCount) of a program above kFullPathMaxRules, on the flat
// layout `flat` (BuildFlatLayout; Generated::flat is null). Shards may be generated on several
// threads at once (each has its own context; they only read `program` and `flat`). The rules
// with code are divided among the shards in program order; shard 0 also holds the decide
// function, and calls the others' rule functions by name (external, as dispatched rules'
// are); every shard has its own internal copies of the class functions its code calls.
// Without value names (see Generate). Never full path, never optimised.
Generated GenerateShard(const ir::Program& program, const rt::FlatLayout& flat,
                        const std::string& prefix, uint32_t shard, uint32_t shards);

// Optimises the module (with `tm`'s target information when given): the internal functions
// called once or of at most kInlineMaxInstructions instructions inlined into their callers, then
// SROA, EarlyCSE, InstCombine and SimplifyCFG on each function. For the code the generator
// emits this is as fast as LLVM's O2 pipeline (flat verdicts of both reference policies within
// noise) for a fifth of its cost.
inline constexpr unsigned kInlineMaxInstructions = 60;
void Optimize(llvm::Module& module, llvm::TargetMachine* tm);

// The module as LLVM assembly text.
std::string PrintModule(const llvm::Module& module);

// `licit dump --emit=llvm`: the program's module for the host, optimised when it is small
// enough (kOptimizeMaxInstructions), as text.
// Empty with `*error` set when the host target is not available.
std::string DumpLlvm(const ir::Program& program, std::string* error);

}  // namespace licit::codegen

// Helpers the generated code calls besides the licit_rt_* builtins (engines/jit/jit.cpp).
extern "C" {
// Appends a contribution to `v`; 0 when it is full (the fast path then gives up).
uint8_t licit_jit_hit(licit::rt::Verdict* v, uint32_t policy, uint32_t rule, uint32_t exception,
                      uint8_t effect);
// Judges the candidate rules of rule-index key `key` of policy `policy` for the record `slots` at
// `day` (the rules whose equality the record's value satisfies, or all the key's rules when the
// field is unknown) into `verdict`, as the decide function would. 0 when the fast path must give
// up (something unknown, the verdict full).
uint8_t licit_jit_judge_key(const licit::codegen::JitEnv* env, uint32_t policy, uint32_t key,
                            const uint8_t* rec, licit::rt::EvalContext* ctx, int32_t day,
                            licit::rt::Verdict* verdict);
// 1 when the country value `c` (known) is in group `group` at ctx->date, else 0.
uint8_t licit_jit_in_group(const licit::codegen::JitEnv* env, uint32_t group,
                           const licit::rt::Value* c, const licit::rt::EvalContext* ctx);
// The same for a known country id (a flat record's country cell).
uint8_t licit_jit_country_in_group(const licit::codegen::JitEnv* env, uint32_t group,
                                   uint32_t country, const licit::rt::EvalContext* ctx);
// `under` naming the field at `slot` (-1: not a field) in an unknown's reason.
void licit_jit_under(licit::rt::EvalContext* ctx, const licit::codegen::JitEnv* env, int32_t slot,
                     const licit::rt::Value* code, const licit::rt::Value* pattern,
                     licit::rt::Value* out);
// licit_rt_screen on the program's list and part that a Screen node's `imm` names.
void licit_jit_screen(licit::rt::EvalContext* ctx, const licit::codegen::JitEnv* env, uint32_t imm,
                      const licit::rt::Value* name, const licit::rt::Value* country,
                      licit::rt::Value* out);
}
