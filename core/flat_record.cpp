#include "core/flat_record.h"

#include <algorithm>
#include <cstring>

namespace licit::rt {

uint64_t HashAtomText(std::string_view s) {
  uint64_t h = 14695981039346656037ull ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  uint64_t tail = 0;  // the last 0-7 bytes, without a call to memcpy of a variable length
  for (size_t k = 0; k < n; ++k)
    tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[k])) << (8 * k);
  h = (h ^ tail) * 1099511628211ull;
  return h ^ (h >> 32);
}

void AtomTable::Build(const std::vector<std::string_view>& texts) {
  size_t size = 16;
  while (size < texts.size() * 2) size *= 2;
  entries_.assign(size, Entry{});
  mask_ = size - 1;
  count_ = 0;
  for (std::string_view t : texts) {
    const uint64_t h = HashAtomText(t);
    Entry& e = entries_[Probe(t, h)];
    if (e.atom == 0) e = Entry{h, t, ++count_};  // a duplicate keeps its first number
  }
}

namespace {

uint8_t CellBytes(ValueKind kind, bool text) {
  switch (kind) {
    case ValueKind::Bool: return 1;
    case ValueKind::Int: return 8;
    case ValueKind::Date: return 4;
    case ValueKind::Country: return 2;
    case ValueKind::String:
    case ValueKind::Code: return text ? 16 : 4;
    case ValueKind::Record: return 0;
    default: return sizeof(Value);  // Decimal, Money, Set, List: the Value itself
  }
}

}  // namespace

FlatLayout::FlatLayout(const RecordLayout& input, const std::vector<uint32_t>& slots,
                       const std::vector<uint32_t>& text_slots,
                       const std::vector<std::string_view>& atom_texts)
    : input_(&input), cell_of_slot_(input.slots.size(), -1) {
  std::vector<uint8_t> wanted(input.slots.size(), 0), text(input.slots.size(), 0);
  for (uint32_t s : slots)
    if (s < wanted.size()) wanted[s] = 1;
  for (uint32_t s : text_slots)
    if (s < text.size()) text[s] = 1;
  for (uint32_t s = 0; s < wanted.size(); ++s) {
    if (!wanted[s]) continue;
    FlatCell c;
    c.slot = s;
    c.kind = input.slots[s].kind;
    c.text = (c.kind == ValueKind::String || c.kind == ValueKind::Code) && text[s];
    c.bytes = CellBytes(c.kind, c.text);
    c.nested = input.slots[s].parent >= 0;
    cells_.push_back(c);
  }
  // Biggest cells first, so each lands aligned to its size with no padding.
  std::stable_sort(cells_.begin(), cells_.end(),
                   [](const FlatCell& a, const FlatCell& b) { return a.bytes > b.bytes; });
  const uint32_t words = (static_cast<uint32_t>(cells_.size()) + 63) / 64;
  uint32_t at = kPresenceOffset + 8 * words;
  if (!cells_.empty() && cells_.front().bytes == sizeof(Value)) {
    align_ = alignof(Value);
    at = (at + 15) / 16 * 16;
  }
  for (uint32_t i = 0; i < cells_.size(); ++i) {
    cells_[i].offset = at;
    at += cells_[i].bytes;
    cell_of_slot_[cells_[i].slot] = static_cast<int32_t>(i);
  }
  record_bytes_ = (at + align_ - 1) / align_ * align_;
  atoms_.Build(atom_texts);
}

void FlatLayout::Pack(const Value* slots, uint8_t* out) const {
  // Runs once per record on `licit run`'s path, so it avoids calls: record_bytes_ is a small
  // multiple of 8, zeroed word by word, and the first presence word is built in a register.
  for (uint32_t at = 0; at < record_bytes_; at += 8) std::memset(out + at, 0, 8);
  uint32_t flags = 0;
  if (input_->date_slot >= 0) {
    const Value& d = slots[input_->date_slot];
    if (d.kind == ValueKind::Date) {
      std::memcpy(out + kDayOffset, &d.date, sizeof d.date);
      flags |= kHasDay;
    }
  }
  std::memcpy(out + kFlagsOffset, &flags, sizeof flags);
  uint64_t first_word = 0;  // presence of cells 0..63
  for (uint32_t i = 0; i < cells_.size(); ++i) {
    const FlatCell& c = cells_[i];
    const Value& v = slots[c.slot];
    if (v.kind != c.kind || (c.nested && !FieldPresent(*input_, slots, c.slot))) continue;
    if (i < 64) {
      first_word |= PresenceBit(i);
    } else {
      uint64_t word;
      std::memcpy(&word, out + PresenceWordOffset(i), sizeof word);
      word |= PresenceBit(i);
      std::memcpy(out + PresenceWordOffset(i), &word, sizeof word);
    }
    uint8_t* cell = out + c.offset;
    switch (c.kind) {
      case ValueKind::Bool: *cell = v.b ? 1 : 0; break;
      case ValueKind::Int: std::memcpy(cell, &v.i, 8); break;
      case ValueKind::Date: std::memcpy(cell, &v.date, 4); break;
      case ValueKind::Country: std::memcpy(cell, &v.country, 2); break;
      case ValueKind::String:
      case ValueKind::Code: {
        const uint32_t atom = atoms_.Find(v.text());
        if (c.text) {
          std::memcpy(cell, &v.str.ptr, 8);
          std::memcpy(cell + 8, &v.str.len, 4);
          std::memcpy(cell + 12, &atom, 4);
        } else {
          std::memcpy(cell, &atom, 4);
        }
        break;
      }
      case ValueKind::Record: break;
      default: std::memcpy(cell, &v, sizeof v); break;
    }
  }
  if (!cells_.empty()) std::memcpy(out + kPresenceOffset, &first_word, sizeof first_word);
}

uint64_t FlatLayout::ScalarKey(const Value& c) const {
  switch (c.kind) {
    case ValueKind::Bool: return c.b ? 1 : 0;
    case ValueKind::Int: return static_cast<uint64_t>(c.i);
    case ValueKind::Date: return static_cast<uint64_t>(static_cast<int64_t>(c.date));
    case ValueKind::Country: return c.country;
    case ValueKind::String:
    case ValueKind::Code: {
      // A constant without an atom equals no record's text: a key no cell holds.
      const uint32_t atom = atoms_.Find(c.text());
      return atom != 0 ? atom : ~uint64_t{0} - 1;
    }
    default: return ~uint64_t{0} - 1;
  }
}

std::string FlatLayout::Describe(std::string_view prefix) const {
  std::string out;
  auto line = [&](const std::string& text) {
    out.append(prefix);
    out += text;
    out += '\n';
  };
  line("compiled record layout: " + std::to_string(record_bytes_) + " bytes, aligned to " +
       std::to_string(align_));
  line("  0   day (i32, the record's date), 4 flags (i32: 1 = has a day)");
  const uint32_t words = (static_cast<uint32_t>(cells_.size()) + 63) / 64;
  line("  8   presence bits (" + std::to_string(words) + " x i64; bit i: cell i present)");
  for (uint32_t i = 0; i < cells_.size(); ++i) {
    const FlatCell& c = cells_[i];
    std::string what = ValueKindName(c.kind);
    if (c.kind == ValueKind::String || c.kind == ValueKind::Code)
      what += c.text ? ": bytes and atom, ptr + i32 length + i32 atom" : ": atom only, i32";
    else if (c.bytes == sizeof(Value)) what += ": the whole Value";
    std::string at = std::to_string(c.offset);
    at.resize(std::max<size_t>(at.size(), 3), ' ');
    line("  " + at + " cell " + std::to_string(i) + ": " + input_->slots[c.slot].path + " (" +
         what + "), " + std::to_string(c.bytes) + " bytes");
  }
  line("atoms: " + std::to_string(atoms_.size()) +
       " (the program's strings and codes; 0 is any other text)");
  return out;
}

void FlatBatch::Reserve(size_t records) {
  storage_.reserve((records * layout_->record_bytes() + sizeof(Value) - 1) / sizeof(Value));
}

void FlatBatch::Add(const Record& record) {
  const size_t rb = layout_->record_bytes();
  const size_t need = ((count_ + 1) * rb + sizeof(Value) - 1) / sizeof(Value);
  if (storage_.size() < need) {
    if (storage_.capacity() < need) storage_.reserve(std::max(need, storage_.capacity() * 2));
    storage_.resize(need);
  }
  layout_->Pack(record.slots(), reinterpret_cast<uint8_t*>(storage_.data()) + count_ * rb);
  ++count_;
}

}  // namespace licit::rt
