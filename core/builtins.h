// Every operation whose semantics could differ between engines is implemented once here, as an
// extern "C" function over Values, and called by both the interpreter and the JIT's code:
// comparisons (money currencies, code case), membership, `under` (with its unknown for less
// specific codes), glob `matches`, exact arithmetic and the standard functions. Each propagates
// an unknown operand (the first one) to its result.
#pragma once

#include <cstdint>

#include "core/eval_context.h"
#include "core/record.h"
#include "core/value.h"

extern "C" {

// op: ir::Op as an integer (Eq..Ge).
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
// op: ir::Op as an integer (Add..Mod, Neg with rhs ignored).
void licit_rt_arith(licit::rt::EvalContext* ctx, uint8_t op, const licit::rt::Value* lhs,
                    const licit::rt::Value* rhs, licit::rt::Value* out);
void licit_rt_to_code(licit::rt::EvalContext* ctx, const licit::rt::Value* in,
                      licit::rt::Value* out);
// builtin: ir::Builtin as an integer.
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
                              const licit::rt::Value* items, uint32_t count,
                              licit::rt::Value* out);

}  // extern "C"
