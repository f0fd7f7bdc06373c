#include "core/record.h"

#include <algorithm>
#include <cstring>

namespace licit::rt {

std::optional<uint32_t> RecordLayout::Find(std::string_view path) const {
  for (uint32_t i = 0; i < slots.size(); ++i)
    if (slots[i].path == path) return i;
  return std::nullopt;
}

void* RecordArena::Allocate(size_t bytes) {
  constexpr size_t kAlign = alignof(Value);
  constexpr size_t kBlock = size_t{1} << 20;
  bytes = (bytes + kAlign - 1) / kAlign * kAlign;
  if (used_ + bytes > capacity_) {
    size_t size = std::max(kBlock, bytes);
    blocks_.push_back(std::make_unique<Value[]>(size / sizeof(Value)));
    used_ = 0;
    capacity_ = size;
    reserved_ += size;
  }
  void* p = reinterpret_cast<char*>(blocks_.back().get()) + used_;
  used_ += bytes;
  return p;
}

Record::Record(const RecordLayout* layout, RecordArena* arena)
    : layout_(layout), arena_(arena), size_(static_cast<uint32_t>(layout->slots.size())) {
  if (arena_ != nullptr) {
    slots_ = static_cast<Value*>(arena_->Allocate(sizeof(Value) * size_));
  } else {
    own_slots_ = std::make_unique<Value[]>(size_);
    slots_ = own_slots_.get();
  }
  for (uint32_t i = 0; i < size_; ++i) slots_[i] = Value::Unknown(kMissing);
}

void Record::Clear() {
  for (uint32_t i = 0; i < size_; ++i) slots_[i] = Value::Unknown(kMissing);
  // Keep the chunks: the next record reuses them.
  chunk_ = 0;
  used_ = 0;
}

void* Record::Allocate(size_t bytes) {
  if (arena_ != nullptr) return arena_->Allocate(bytes);
  constexpr size_t kAlign = alignof(Value);
  constexpr size_t kFirstChunk = 256;
  bytes = (bytes + kAlign - 1) / kAlign * kAlign;
  while (chunk_ < chunks_.size()) {
    Chunk& c = chunks_[chunk_];
    if (used_ + bytes <= c.bytes) {
      void* p = reinterpret_cast<char*>(c.data.get()) + used_;
      used_ += bytes;
      return p;
    }
    ++chunk_;  // a later (kept) chunk may be big enough
    used_ = 0;
  }
  size_t size = chunks_.empty() ? kFirstChunk : chunks_.back().bytes * 2;
  while (size < bytes) size *= 2;
  chunks_.push_back(Chunk{std::make_unique<Value[]>(size / sizeof(Value)), size});
  chunk_ = chunks_.size() - 1;
  used_ = bytes;
  return chunks_.back().data.get();
}

std::string_view Record::Store(std::string_view bytes) {
  if (bytes.empty()) return {};
  char* p = static_cast<char*>(Allocate(bytes.size()));
  std::memcpy(p, bytes.data(), bytes.size());
  return {p, bytes.size()};
}

ValueSpan Record::StoreItems(const Value* items, uint32_t count) {
  if (count == 0) return ValueSpan{nullptr, 0};
  auto* p = static_cast<Value*>(Allocate(sizeof(Value) * count));
  std::memcpy(static_cast<void*>(p), items, sizeof(Value) * count);
  return ValueSpan{p, count};
}

}  // namespace licit::rt
