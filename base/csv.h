// CSV (RFC 4180) records split into cells, each with its text and its place in the source, for
// readers that report problems at a cell (a caret under the bad cell). The splitter keeps its
// buffers between records: after warm-up it allocates nothing per cell, and a cell that needs no
// unescaping is a view into the source text.
//
// Rules (those of RFC 4180, with the leniencies every real-world file needs):
// - cells are separated by `,`; a record ends at a line feed outside quotes (a CR before it is
//   dropped), or at the end of the text;
// - a cell whose first non-blank character is `"` is quoted: spaces and tabs before the quote are
//   not part of it, `""` inside stands for one `"`, and it may span lines (line breaks are kept);
// - characters after the closing quote are appended to the cell's text (`"a"b` is `ab`);
// - a `"` inside an unquoted cell is an ordinary character.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace licit::csv {

struct Cell {
  std::string_view text;  // unescaped; valid until the splitter's next call (and the source's)
  uint32_t begin = 0;     // the cell's bytes in the source text, quotes included: [begin, end)
  uint32_t end = 0;
  bool quoted = false;
};

class Splitter {
 public:
  // Splits `text` as one whole record (line feeds are ordinary characters outside quotes too).
  // Returns false when the text ends inside a quoted cell (the record continues on a next line):
  // the cells then hold what was read.
  bool Split(std::string_view text);

  enum class Status : uint8_t { kRecord, kUnterminated, kEnd };
  // Reads the record of `source` starting at byte `pos` and moves `pos` past its line
  // terminator. kEnd when `pos` is at the end of `source` (no record); kUnterminated when the
  // source ends inside a quoted cell (the cells hold what was read; `pos` is at the end).
  // Offsets of cells are offsets into `source`.
  Status Next(std::string_view source, size_t& pos);

  size_t size() const { return count_; }
  const Cell& operator[](size_t i) const { return cells_[i]; }
  std::string_view text(size_t i) const { return cells_[i].text; }
  // The offset where the last record started and the offset just past its last cell (before its
  // line terminator).
  uint32_t record_begin() const { return record_begin_; }
  uint32_t record_end() const { return record_end_; }

 private:
  // Splits from `pos`; stops at a line feed outside quotes when `stop_at_newline`. Returns the
  // offset where it stopped and sets `unterminated`.
  size_t Run(std::string_view source, size_t pos, bool stop_at_newline, bool& unterminated);

  std::vector<Cell> cells_;
  // One per cell index, for cells that need unescaping. A deque: adding a buffer for a later cell
  // must not move the earlier ones, whose (short, in-object) texts the record's cells still view.
  std::deque<std::string> buffers_;
  size_t count_ = 0;
  uint32_t record_begin_ = 0, record_end_ = 0;
};

}  // namespace licit::csv
