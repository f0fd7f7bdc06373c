// The input record as both engines see it: a flat array of slots, one per field at any depth
// (`item.cn` has its own slot), laid out once per policy by lowering. Readers (io/) fill
// records straight from JSON Lines or CSV; evaluation never looks a field up by name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace licit::rt {

// One field of the flattened input record type.
struct FieldSlot {
  std::string path;                        // "item.cn"; top-level fields have no dot
  std::string name;                        // "cn"
  ValueKind kind = ValueKind::Unknown;     // Record for a nested record field
  ValueKind element = ValueKind::Unknown;  // element kind of a Set or List field
  bool optional = false;                   // declared `T?`
  int32_t parent = -1;                     // slot of the enclosing record field, -1 at top level
  std::vector<uint32_t> children;  // Record slots: their fields' slots, in declaration order
};

struct RecordLayout {
  std::string type_name;  // "std.trade.Shipment"
  std::vector<FieldSlot> slots;
  std::vector<uint32_t> top_level;  // slots of the top-level fields, in declaration order
  int32_t date_slot = -1;           // `date: date`, the judging date (-1: none)
  int32_t id_slot = -1;             // `id: string`, echoed in decisions (-1: none)

  // The slot of a dotted path, or nullopt.
  std::optional<uint32_t> Find(std::string_view path) const;
};

// Whether the field at `slot` reads as a value: it and every enclosing record are present (a
// field of an absent optional record is missing). The one definition both engines, the rule
// index and the JIT's dispatch use.
inline bool FieldPresent(const RecordLayout& layout, const Value* slots, uint32_t slot) {
  for (int32_t s = static_cast<int32_t>(slot); s >= 0; s = layout.slots[s].parent)
    if (slots[s].kind == ValueKind::Unknown) return false;
  return true;
}

// Values a missing slot holds before evaluation: Value::Unknown(kMissing or kNull). The
// evaluator turns them into reasons naming the field.
inline constexpr uint16_t kMissing = 0;
inline constexpr uint16_t kNull = 1;

// Storage for many records decoded once and kept (a batch in memory): each record's slots and
// strings are bump-allocated one after the other in large blocks, so deciding the records in
// order reads memory sequentially. Never frees until destroyed; must outlive its records. Not
// thread-safe (one decoding thread fills it; deciding only reads).
class RecordArena {
 public:
  RecordArena() = default;
  RecordArena(const RecordArena&) = delete;
  RecordArena& operator=(const RecordArena&) = delete;
  // `bytes` aligned for a Value.
  void* Allocate(size_t bytes);
  size_t bytes_reserved() const { return reserved_; }

 private:
  std::vector<std::unique_ptr<Value[]>> blocks_;
  size_t used_ = 0, capacity_ = 0, reserved_ = 0;
};

// One input record: a flat array of slots (32-byte Values that generated code reads by offset:
// dates as day numbers, countries as ids, money as scaled integers with a currency id, codes
// upper-cased) and the bytes its strings and collections point at, in chunks owned by the
// record. Reusable: Clear() keeps the chunks, so a reader decodes millions of lines without
// allocating per line. A record with short strings costs two allocations (slots and one
// 256-byte chunk), about 600 bytes for the reference records, so millions fit in memory.
// Movable (the chunks do not move, so values stay valid); not copyable.
//
// A record made with a RecordArena takes its slots and bytes from the arena instead (no
// allocation of its own); Clear() then forgets the bytes but cannot give them back, so such
// records are for decoding once and keeping.
class Record {
 public:
  explicit Record(const RecordLayout* layout, RecordArena* arena = nullptr);
  Record(Record&&) noexcept = default;
  Record& operator=(Record&&) noexcept = default;
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;

  const RecordLayout& layout() const { return *layout_; }
  uint32_t size() const { return size_; }
  const Value& slot(uint32_t i) const { return slots_[i]; }
  Value& slot(uint32_t i) { return slots_[i]; }
  const Value* slots() const { return slots_; }

  // Marks every slot missing and forgets stored strings and items.
  void Clear();
  // Copies bytes into the record's storage; the view stays valid until Clear().
  std::string_view Store(std::string_view bytes);
  // Copies values into the record's storage (for sets and lists); valid until Clear().
  ValueSpan StoreItems(const Value* items, uint32_t count);

 private:
  // `bytes` of storage aligned for a Value, from the current chunk or a new one.
  void* Allocate(size_t bytes);

  struct Chunk {
    std::unique_ptr<Value[]> data;  // Value-aligned bytes
    size_t bytes = 0;
  };
  const RecordLayout* layout_;
  RecordArena* arena_ = nullptr;
  std::unique_ptr<Value[]> own_slots_;  // without an arena
  Value* slots_ = nullptr;
  uint32_t size_ = 0;
  std::vector<Chunk> chunks_;  // never move once allocated; all kept across Clear()
  size_t chunk_ = 0;           // the chunk being filled
  size_t used_ = 0;            // bytes used in it
};

}  // namespace licit::rt
