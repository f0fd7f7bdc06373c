// Records in: JSON Lines (simdjson) and CSV with a header whose names may be dotted paths
// (`item.cn`). Both stream with bounded memory, decode straight into a reusable rt::Record
// validated against the input layout, and report a bad line as an error (line number, field,
// reason) without stopping: every input line yields exactly one Next() result.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "runtime/record.h"

namespace licit::io {

enum class Format : uint8_t { JsonLines, Csv };

struct ReadResult {
  uint64_t line = 0;        // 1-based input line of this record (CSV: counting the header)
  bool ok = false;
  std::string error;        // when !ok: "field `destination`: unknown country code `XX`"
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

// JSON Lines in two steps, so that decoding can run on several threads (`licit run --threads`):
// a JsonLineSplitter hands out the lines in order (cheap and serial), and a JsonLineDecoder per
// thread turns one line into a record and a ReadResult exactly as RecordReader::Next would.
struct RawLine {
  std::string text;      // the line, without its end; capacity keeps simdjson's padding
  uint64_t number = 0;   // 1-based
  bool too_long = false; // longer than the reader's limit: `text` is empty
};

class JsonLineSplitter {
 public:
  explicit JsonLineSplitter(std::istream& input);
  ~JsonLineSplitter();
  // The next non-blank line (blank lines are not records). False at end of input.
  bool Next(RawLine& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class JsonLineDecoder {
 public:
  explicit JsonLineDecoder(const rt::RecordLayout& layout);
  ~JsonLineDecoder();
  // Decodes `line` into `record` (cleared first) and `result`. Not thread-safe: one per thread.
  void Decode(const RawLine& line, rt::Record& record, ReadResult& result);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes one JSON object (the `--record` of `licit eval`) into `record`; false with `error`.
bool ReadJsonRecord(std::string_view json, rt::Record& record, std::string& error);

}  // namespace licit::io
