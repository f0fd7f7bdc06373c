#include "core/eval_context.h"

#include <utility>

namespace licit::rt {

Value EvalContext::Unknown(UnknownKind kind, std::string text) {
  // Reason indices are 16 bits; past that, later unknowns share the last reason rather than
  // pointing at a wrong one. A single decision never gets near this.
  if (reasons.size() >= 0xFFFF) return Value::Unknown(static_cast<uint16_t>(reasons.size() - 1));
  reasons.push_back(UnknownReason{kind, std::move(text)});
  return Value::Unknown(static_cast<uint16_t>(reasons.size() - 1));
}

std::string_view EvalContext::Keep(std::string s) {
  if (scratch_used == scratch.size()) scratch.emplace_back();
  std::string& kept = scratch[scratch_used++];
  kept = std::move(s);
  return kept;
}

ValueSpan EvalContext::KeepItems(const Value* items, uint32_t count) {
  if (items_used == scratch_items.size()) scratch_items.emplace_back();
  std::vector<Value>& kept = scratch_items[items_used++];
  kept.assign(items, items + count);
  return ValueSpan{kept.data(), count};
}

std::string_view EvalContext::ReasonText(const Value& v) const {
  if (v.known()) return {};
  if (v.aux < reasons.size()) return reasons[v.aux].text;
  return v.aux == kNull ? "a value is null" : "a value is missing";
}

void EvalContext::Reset(const Record* r, DayNumber d) {
  record = r;
  date = d;
  reasons.clear();
  // Indices kMissing and kNull are what a record's empty slots carry; reserving them keeps a
  // slot's raw unknown from being mistaken for a computed reason.
  reasons.push_back(UnknownReason{UnknownKind::MissingField, "a value is missing"});
  reasons.push_back(UnknownReason{UnknownKind::NullField, "a value is null"});
  scratch_used = 0;
  items_used = 0;
}

}  // namespace licit::rt
