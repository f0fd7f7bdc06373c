// Per-decision scratch state shared by the interpreter, the JIT's generated code and the
// builtins: the record, the judging date, the reasons behind unknown values, and storage for
// strings computed during evaluation (lower(), upper()).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/value.h"

namespace licit::rt {

enum class UnknownKind : uint8_t {
  MissingField,      // an optional field is absent
  NullField,         // JSON null
  LessSpecific,      // `under` on a code less specific than the pattern
  CurrencyMismatch,  // money of two currencies compared or added
  DivisionByZero,
  Overflow,       // arithmetic beyond the decimal range
  PossibleMatch,  // screening: a near miss on a restricted-party list (core/screen.h)
  NoListEntry,    // match(P, L).field when no entry of L resembles the party
};

struct UnknownReason {
  UnknownKind kind = UnknownKind::MissingField;
  std::string text;  // plain words: "end_user.kind is missing"
};

struct EvalContext {
  EvalContext() { Reset(nullptr, 0); }

  const Record* record = nullptr;
  DayNumber date = 0;
  std::vector<UnknownReason> reasons;
  std::deque<std::string> scratch;
  size_t scratch_used = 0;                       // scratch strings in use (reused after Reset)
  std::deque<std::vector<Value>> scratch_items;  // computed sets and lists (to_code, MakeSet)
  size_t items_used = 0;

  // Records a reason and returns an unknown value that carries it.
  Value Unknown(UnknownKind kind, std::string text);
  // Keeps a computed string alive for the rest of the decision.
  std::string_view Keep(std::string s);
  // Keeps computed collection items alive for the rest of the decision.
  ValueSpan KeepItems(const Value* items, uint32_t count);
  // The reason an unknown value carries, in plain words (empty for a known value).
  std::string_view ReasonText(const Value& v) const;
  // Reuses the context for the next record. Reasons 0 and 1 are reserved (kMissing, kNull).
  void Reset(const Record* r, DayNumber d);
  // Reset for the JIT's fast path, which runs once per record: the same as Reset, but skips
  // rebuilding the reserved reasons when no unknown was recorded since (the common case).
  void Begin(const Record* r, DayNumber d) {
    if (reasons.size() != 2) return Reset(r, d);
    record = r;
    date = d;
    scratch_used = 0;
    items_used = 0;
  }
};

}  // namespace licit::rt
