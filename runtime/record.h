// The input record as both engines see it: a flat array of slots, one per field at any depth
// (`item.cn` has its own slot), laid out once per policy by lowering. Readers (runtime/io) fill
// records straight from JSON Lines or CSV; evaluation never looks a field up by name.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/value.h"

namespace licit::rt {

// One field of the flattened input record type.
struct FieldSlot {
  std::string path;   // "item.cn"; top-level fields have no dot
  std::string name;   // "cn"
  ValueKind kind = ValueKind::Unknown;     // Record for a nested record field
  ValueKind element = ValueKind::Unknown;  // element kind of a Set or List field
  bool optional = false;                   // declared `T?`
  int32_t parent = -1;                     // slot of the enclosing record field, -1 at top level
  std::vector<uint32_t> children;          // Record slots: their fields' slots, in declaration order
};

struct RecordLayout {
  std::string type_name;              // "std.trade.Shipment"
  std::vector<FieldSlot> slots;
  std::vector<uint32_t> top_level;    // slots of the top-level fields, in declaration order
  int32_t date_slot = -1;             // `date: date`, the judging date (-1: none)
  int32_t id_slot = -1;               // `id: string`, echoed in decisions (-1: none)

  // The slot of a dotted path, or nullopt.
  std::optional<uint32_t> Find(std::string_view path) const;
};

// Values a missing slot holds before evaluation: Value::Unknown(kMissing or kNull). The
// evaluator turns them into reasons naming the field.
inline constexpr uint16_t kMissing = 0;
inline constexpr uint16_t kNull = 1;

// One input record. Owns the bytes its string values point at. Reusable: Clear() keeps capacity,
// so a reader decodes millions of lines without allocating per line.
class Record {
 public:
  explicit Record(const RecordLayout* layout);

  const RecordLayout& layout() const { return *layout_; }
  uint32_t size() const { return static_cast<uint32_t>(slots_.size()); }
  const Value& slot(uint32_t i) const { return slots_[i]; }
  Value& slot(uint32_t i) { return slots_[i]; }

  // Marks every slot missing and forgets stored strings and items.
  void Clear();
  // Copies bytes into the record's storage; the view stays valid until Clear().
  std::string_view Store(std::string_view bytes);
  // Copies values into the record's storage (for sets and lists); valid until Clear().
  ValueSpan StoreItems(const Value* items, uint32_t count);

 private:
  const RecordLayout* layout_;
  std::vector<Value> slots_;
  std::deque<std::string> strings_;   // stable addresses; reused after Clear()
  size_t strings_used_ = 0;
  std::deque<std::vector<Value>> items_;
  size_t items_used_ = 0;
};

}  // namespace licit::rt
