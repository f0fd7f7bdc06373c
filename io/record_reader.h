// Records in: JSON Lines (simdjson) and CSV with a header whose names may be dotted paths
// (`item.cn`). Both stream with bounded memory, decode straight into a reusable rt::Record
// validated against the input layout, and report a bad line as an error (line number, field,
// reason) without stopping: every input line yields exactly one Next() result.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace licit::io {

enum class Format : uint8_t { JsonLines, Csv };

struct ReadResult {
  uint64_t line = 0;  // 1-based input line of this record (CSV: counting the header)
  bool ok = false;
  std::string error;              // when !ok: "field `destination`: unknown country code `XX`"
  std::optional<std::string> id;  // the record's id when it could be read, even on error
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads the next record into `record` (cleared first). Returns false at end of input.
  // Blank lines are skipped (they are not records).
  virtual bool Next(rt::Record& record, ReadResult& result) = 0;
};

// `input` must outlive the reader. CSV: the first line is the header; an unknown column is
// ignored, a missing required column makes every row an error naming it.
std::unique_ptr<RecordReader> MakeReader(Format format, std::istream& input,
                                         const rt::RecordLayout& layout);

// JSON Lines on several threads (`licit run --threads`, licit::Policy::screen): a
// LineBlockReader cuts the input into blocks of whole lines (the one serial step: a read, under
// the caller's lock); each thread then finds its own block's lines and has them numbered
// (LineBlockReader::Number: the one wait, for the blocks before it to be counted), and decodes
// them with its own JsonLineDecoder, exactly as RecordReader::Next would.
struct LineBlock {
  std::unique_ptr<char[]> bytes;  // `size` bytes of lines, then kBlockPadding readable zero bytes
  size_t size = 0;
  size_t capacity = 0;    // of `bytes`, padding excluded
  uint64_t sequence = 0;  // the block's place in the input, from 0 (LineBlockReader::Next)
  // The block is one line longer than the reader's limit: its text is dropped and an empty line
  // stands in.
  bool too_long = false;
  // Set by LineBlockReader::Number: the offset of each line's end (its '\n', or `size` for the
  // input's last line without one), and the number of the block's first line (1-based).
  std::vector<uint32_t> ends;
  uint64_t first_line = 1;
};

class LineBlockReader {
 public:
  // Blocks of about `block_bytes` (a line longer than that makes its block longer, up to the
  // line limit of 16 MiB, past which the line is skipped and listed as too long).
  // `first_line`: the number of the input's first line (a part of a larger file starts later).
  explicit LineBlockReader(std::istream& input, size_t block_bytes = size_t{1} << 20,
                           uint64_t first_line = 1);
  // The next lines, ending with '\n' (the last line of the input may lack it). False at end of
  // input. Not thread-safe: callers share one reader under a lock.
  bool Next(LineBlock& out);
  // Finds the lines of a block Next gave and numbers them, once every block before it has been
  // numbered. Thread-safe, and called outside the lock of Next, by the thread that decodes the
  // block. Every block Next gives must be numbered (the later ones wait for it).
  void Number(LineBlock& block);
  // Bytes read from the input so far.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  std::istream& input_;
  size_t block_bytes_;
  std::string carry_;  // the start of a line the previous block cut
  bool eof_ = false;
  uint64_t blocks_ = 0;  // blocks given by Next
  uint64_t bytes_read_ = 0;
  std::mutex number_mutex_;
  std::condition_variable numbered_;  // a block was numbered
  uint64_t next_to_number_ = 0;       // guarded by number_mutex_: the block numbered next
  uint64_t next_line_ = 1;            // guarded by number_mutex_: its first line's number
};

class JsonLineDecoder {
 public:
  explicit JsonLineDecoder(const rt::RecordLayout& layout);
  ~JsonLineDecoder();
  // Calls `each(record, result)` for every record of `block` (blank lines are not records), in
  // order, each decoded into `record` (cleared first). The record's strings may point into
  // `block`: valid during `each` only. Not thread-safe: one decoder per thread.
  template <class Each>
  void DecodeBlock(const LineBlock& block, rt::Record& record, ReadResult& result, Each&& each);

 private:
  // One line; `capacity`: readable bytes from line.data() (at least line.size() + padding).
  void Decode(std::string_view line, size_t capacity, uint64_t number, bool too_long,
              rt::Record& record, ReadResult& result);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether a line holds only spaces, tabs and '\r' (blank lines are not records).
inline bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Readable zero bytes after a LineBlock's lines (simdjson reads up to 64 bytes past a value).
inline constexpr size_t kBlockPadding = 64;
// Lines longer than this are not records: "line too long" errors, their text never held whole.
inline constexpr size_t kMaxLineLength = size_t{16} << 20;

template <class Each>
void JsonLineDecoder::DecodeBlock(const LineBlock& block, rt::Record& record, ReadResult& result,
                                  Each&& each) {
  const char* const bytes = block.bytes.get();
  const char* const end = bytes + block.size;
  uint64_t number = block.first_line;
  size_t start = 0;
  for (const uint32_t line_end : block.ends) {
    std::string_view line(bytes + start, line_end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Measured without the '\r', as RecordReader measures it.
    const bool too_long = block.too_long || line.size() > kMaxLineLength;
    if (too_long || !IsBlankLine(line)) {
      Decode(line, static_cast<size_t>(end + kBlockPadding - line.data()), number, too_long, record,
             result);
      each(record, result);
    }
    start = size_t{line_end} + 1;
    ++number;
  }
}

// Decodes one JSON object (the `--record` of `licit eval`) into `record`; false with `error`.
bool ReadJsonRecord(std::string_view json, rt::Record& record, std::string& error);

}  // namespace licit::io
