// The compiled record layout: a record projected onto the fields a compiled policy's fast path
// reads, each in a compact fixed-width cell the generated code loads by offset (dates as day
// numbers, countries as ids, strings and codes as the policy's atoms, with their bytes only where
// something other than equality with a constant reads them). One FlatLayout per compiled program
// (codegen builds it, engines/jit packs records into it).
//
// Why: the JIT's decide function reads a handful of fields per record. In rt::Record form those
// are 32-byte Values spread over several cache lines, plus the bytes of every string compared;
// at tens of millions of decisions a second that memory traffic, not the code, is the limit.
// A flat record of the reference workload is 24-48 bytes, and string equality with a constant is
// one integer compare.
//
// Layout of one flat record (all offsets from its start; records are `record_bytes` long and
// aligned to `align`):
//
//   0   int32  day          the record's `date` (its judging day) when `flags & kHasDay`
//   4   uint32 flags
//   8   uint64 presence[presence_words]   bit i: cell i's field and every enclosing record hold
//                                         a value (rt::FieldPresent)
//   ... cells, biggest first; a cell's bytes are meaningless when its presence bit is clear.
//
// Cell encodings by kind (FlatCell::bytes):
//   Bool 1 (0 or 1) · Int 8 · Date 4 (day number) · Country 2 (CountryId)
//   String, Code: 4 (atom only) or 16 {const char* ptr, uint32 len, uint32 atom}
//   Decimal, Money, Set, List: 32 (the rt::Value itself, 16-aligned)
//   Record: 0 (presence only)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/value.h"

namespace licit::rt {

// The texts a program compares strings and codes with, numbered from 1. Atom 0 is every other
// text. Views point into storage that outlives the table (the program's constants).
class AtomTable {
 public:
  // Numbers the distinct texts in the order given (duplicates keep their first number).
  void Build(const std::vector<std::string_view>& texts);
  // The atom of `text`, 0 when it is none of the table's texts.
  uint32_t Find(std::string_view text) const;  // (defined below HashAtomText)
  uint32_t size() const { return count_; }     // atoms 1..size()

 private:
  struct Entry {
    uint64_t hash = 0;
    std::string_view text;
    uint32_t atom = 0;  // 0: empty entry
  };
  // The entry holding `text` (hash `h`), or the empty entry where it would go. The table must
  // not be empty.
  size_t Probe(std::string_view text, uint64_t h) const {
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.atom == 0 || (e.hash == h && e.text == text)) return i;
    }
  }
  std::vector<Entry> entries_;  // open addressing, linear probing, at most half full
  uint64_t mask_ = 0;
  uint32_t count_ = 0;
};

// A short text's hash (FNV-1a over 8-byte words): atoms are looked up once per string field per
// record when packing.
uint64_t HashAtomText(std::string_view s);

inline uint32_t AtomTable::Find(std::string_view text) const {
  if (entries_.empty()) return 0;
  return entries_[Probe(text, HashAtomText(text))].atom;
}

struct FlatCell {
  uint32_t slot = 0;    // the RecordLayout slot
  uint32_t offset = 0;  // from the start of the flat record
  ValueKind kind = ValueKind::Unknown;
  uint8_t bytes = 0;    // see the encodings above
  bool text = false;    // String/Code with its bytes (16-byte cell), not just the atom
  bool nested = false;  // inside a record field: presence also needs the enclosing records
};

class FlatLayout {
 public:
  static constexpr uint32_t kDayOffset = 0;
  static constexpr uint32_t kFlagsOffset = 4;
  static constexpr uint32_t kPresenceOffset = 8;
  static constexpr uint32_t kHasDay = 1;

  // `slots`: the fields to store (any order, duplicates ignored); `text_slots`: the String/Code
  // fields among them whose bytes are read (the others keep only their atom); `atom_texts`: the
  // texts to number (the program's string and code constants).
  FlatLayout(const RecordLayout& input, const std::vector<uint32_t>& slots,
             const std::vector<uint32_t>& text_slots,
             const std::vector<std::string_view>& atom_texts);

  const RecordLayout& input() const { return *input_; }
  uint32_t record_bytes() const { return record_bytes_; }
  uint32_t align() const { return align_; }
  const std::vector<FlatCell>& cells() const { return cells_; }
  const AtomTable& atoms() const { return atoms_; }
  // The cell of `slot`, or -1 when the layout does not store it.
  int32_t CellOf(uint32_t slot) const {
    return slot < cell_of_slot_.size() ? cell_of_slot_[slot] : -1;
  }
  // Byte offset and bit of cell `cell`'s presence flag.
  static uint32_t PresenceWordOffset(uint32_t cell) { return kPresenceOffset + 8 * (cell / 64); }
  static uint64_t PresenceBit(uint32_t cell) { return uint64_t{1} << (cell % 64); }

  // Writes the projection of a record's slots into `out` (record_bytes() bytes, aligned to
  // align()). Bytes of absent cells are zero.
  void Pack(const Value* slots, uint8_t* out) const;

  // Whether the cell's field is present in the flat record `rec`.
  static bool Present(const uint8_t* rec, uint32_t cell) {
    uint64_t word;
    __builtin_memcpy(&word, rec + PresenceWordOffset(cell), sizeof word);
    return (word & PresenceBit(cell)) != 0;
  }
  // A scalar cell (Bool, Int, Date, Country, or a String/Code's atom) widened to 64 bits, so that
  // equality with a constant is one compare (ScalarKey gives the constant's).
  static uint64_t LoadScalar(const uint8_t* rec, const FlatCell& cell) {
    const uint8_t* p = rec + cell.offset;
    switch (cell.kind) {
      case ValueKind::Bool: return *p;
      case ValueKind::Int: return Load<int64_t, uint64_t>(p);
      case ValueKind::Date:
        return static_cast<uint64_t>(static_cast<int64_t>(Load<int32_t, int32_t>(p)));
      case ValueKind::Country: return Load<uint16_t, uint64_t>(p);
      case ValueKind::String:
      case ValueKind::Code: return Load<uint32_t, uint64_t>(p + (cell.text ? 12 : 0));
      default: return ~uint64_t{0};
    }
  }
  uint64_t ScalarKey(const Value& constant) const;

  // The layout as comment lines for `licit dump --emit=llvm` (each starting with `prefix`):
  // size, alignment, the presence words, then one line per cell (field, kind, offset, bytes,
  // whether a text keeps its bytes) and the number of atoms.
  std::string Describe(std::string_view prefix) const;

 private:
  template <typename T, typename R>
  static R Load(const uint8_t* p) {
    T v;
    __builtin_memcpy(&v, p, sizeof v);
    return static_cast<R>(v);
  }

  const RecordLayout* input_;
  std::vector<FlatCell> cells_;
  std::vector<int32_t> cell_of_slot_;
  AtomTable atoms_;
  uint32_t record_bytes_ = 0;
  uint32_t align_ = 8;
};

// Many records packed one after the other in a FlatLayout: records kept in memory in the JIT's
// own form (jit::JitProgram::DecideVerdict on a flat record). Record i of the batch is the i-th
// added, so a caller can decide the original rt::Record when the fast path hands one back. The
// records' strings and collections are not copied: the rt::Records (or their arena) must outlive
// the batch.
class FlatBatch {
 public:
  explicit FlatBatch(const FlatLayout& layout) : layout_(&layout) {}
  void Reserve(size_t records);
  void Add(const Record& record);
  void Clear() {  // keeps the storage, for reuse
    storage_.clear();
    count_ = 0;
  }
  size_t size() const { return count_; }
  const uint8_t* record(size_t i) const {
    return reinterpret_cast<const uint8_t*>(storage_.data()) + i * layout_->record_bytes();
  }
  const FlatLayout& layout() const { return *layout_; }
  size_t bytes() const { return count_ * layout_->record_bytes(); }

 private:
  const FlatLayout* layout_;
  std::vector<Value> storage_;  // Value-aligned bytes
  size_t count_ = 0;
};

}  // namespace licit::rt
