#include "runtime/record.h"

namespace licit::rt {

std::optional<uint32_t> RecordLayout::Find(std::string_view path) const {
  for (uint32_t i = 0; i < slots.size(); ++i)
    if (slots[i].path == path) return i;
  return std::nullopt;
}

Record::Record(const RecordLayout* layout)
    : layout_(layout), slots_(layout->slots.size(), Value::Unknown(kMissing)) {}

void Record::Clear() {
  for (Value& v : slots_) v = Value::Unknown(kMissing);
  // Keep the strings and vectors themselves: their capacity is reused by the next record.
  strings_used_ = 0;
  items_used_ = 0;
}

std::string_view Record::Store(std::string_view bytes) {
  if (strings_used_ == strings_.size()) strings_.emplace_back();
  std::string& s = strings_[strings_used_++];
  s.assign(bytes.data(), bytes.size());
  return s;
}

ValueSpan Record::StoreItems(const Value* items, uint32_t count) {
  if (items_used_ == items_.size()) items_.emplace_back();
  std::vector<Value>& v = items_[items_used_++];
  v.assign(items, items + count);
  return ValueSpan{v.data(), count};
}

}  // namespace licit::rt
