// Every operation whose semantics could differ between engines is implemented once here, as an
// extern "C" function over Values, and called by both the interpreter and the JIT's code:
// comparisons (money currencies, code case), membership, `under` (with its unknown for less
// specific codes), glob `matches`, exact arithmetic and the standard functions. Each propagates
// an unknown operand (the first one) to its result.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/eval_context.h"
#include "core/record.h"
#include "core/value.h"

namespace licit::rt {

// The standard functions, from the registry (core/builtins.def), in its order.
enum class Builtin : uint8_t {
#define LICIT_BUILTIN(Enum, name, arity, first, second, result) Enum,
#include "core/builtins.def"
#undef LICIT_BUILTIN
};

// What a standard function accepts and returns (core/builtins.def explains each kind).
enum class BuiltinArg : uint8_t {
  FieldPath,
  Text,
  CodeLike,
  Sized,
  Searchable,
  Needle,
  Date,
  Money,
  Signed,
  Ordered,
  None
};
enum class BuiltinResult : uint8_t { Bool, Int, Decimal, String, First, Common };

struct BuiltinInfo {
  Builtin id;
  const char* name;
  uint8_t arity;
  BuiltinArg args[2];  // args[k] for k < arity
  BuiltinResult result;
};

// Every standard function, in the registry's order (which is the enum's).
std::span<const BuiltinInfo> AllBuiltins();
const BuiltinInfo& InfoOf(Builtin b);
inline const char* BuiltinName(Builtin b) { return InfoOf(b).name; }
// The function called `name`; null when there is none.
const BuiltinInfo* FindBuiltin(std::string_view name);

// The operators licit_rt_compare and licit_rt_arith implement. Their values are ir::Op's for the
// same operators (ir/ir.h checks this at compile time), so an engine passes an IR node's op as it
// is, and generated code keeps the constants it always had.
enum class RtOp : uint8_t {
  Eq = 8,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Add = 21,
  Sub,
  Mul,
  Div,
  Mod,
  Neg,
};

}  // namespace licit::rt

extern "C" {

// op: an rt::RtOp from Eq to Ge.
void licit_rt_compare(licit::rt::EvalContext* ctx, uint8_t op, const licit::rt::Value* lhs,
                      const licit::rt::Value* rhs, licit::rt::Value* out);
// Membership of an element in a set or list (negate for `not in` in the caller).
void licit_rt_in(licit::rt::EvalContext* ctx, const licit::rt::Value* element,
                 const licit::rt::Value* collection, licit::rt::Value* out);
// `code under pattern`; the pattern may be a code or a set/list of codes (any match).
void licit_rt_under(licit::rt::EvalContext* ctx, const licit::rt::Value* code,
                    const licit::rt::Value* pattern, licit::rt::Value* out);
void licit_rt_matches(licit::rt::EvalContext* ctx, const licit::rt::Value* subject,
                      const licit::rt::Value* glob, licit::rt::Value* out);
// op: an rt::RtOp from Add to Neg (Neg ignores rhs).
void licit_rt_arith(licit::rt::EvalContext* ctx, uint8_t op, const licit::rt::Value* lhs,
                    const licit::rt::Value* rhs, licit::rt::Value* out);
void licit_rt_to_code(licit::rt::EvalContext* ctx, const licit::rt::Value* in,
                      licit::rt::Value* out);
// builtin: an rt::Builtin other than Has.
void licit_rt_call(licit::rt::EvalContext* ctx, uint8_t builtin, const licit::rt::Value* args,
                   uint32_t count, licit::rt::Value* out);

// A field read as both engines see it: the slot's value when it and every enclosing record are
// present, else an unknown whose reason names the field ("item.cn is missing") or the outermost
// null record ("end_user is null"). Reads ctx->record.
void licit_rt_read_field(licit::rt::EvalContext* ctx, const licit::rt::RecordLayout* layout,
                         uint32_t slot, licit::rt::Value* out);
// `under` whose code operand is the field at `path` (len bytes; len 0 for no field): an unknown
// result's reason starts with the path ("item.eccn 3B001 is less specific than ...").
void licit_rt_under_named(licit::rt::EvalContext* ctx, const licit::rt::Value* code,
                          const licit::rt::Value* pattern, const char* path, uint32_t len,
                          licit::rt::Value* out);
// An int widened to a decimal; anything else passes through.
void licit_rt_to_decimal(const licit::rt::Value* in, licit::rt::Value* out);
// A computed set (sorted, unique) or list of `count` items, kept alive in ctx.
void licit_rt_make_collection(licit::rt::EvalContext* ctx, uint8_t is_set,
                              const licit::rt::Value* items, uint32_t count, licit::rt::Value* out);

}  // extern "C"
