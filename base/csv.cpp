#include "base/csv.h"

namespace licit::csv {

bool Splitter::Split(std::string_view text) {
  bool unterminated = false;
  Run(text, 0, /*stop_at_newline=*/false, unterminated);
  return !unterminated;
}

Splitter::Status Splitter::Next(std::string_view source, size_t& pos) {
  if (pos >= source.size()) {
    count_ = 0;
    return Status::kEnd;
  }
  bool unterminated = false;
  size_t stop = Run(source, pos, /*stop_at_newline=*/true, unterminated);
  pos = stop < source.size() ? stop + 1 : source.size();  // past the line feed
  return unterminated ? Status::kUnterminated : Status::kRecord;
}

size_t Splitter::Run(std::string_view source, size_t pos, bool stop_at_newline,
                     bool& unterminated) {
  const char* s = source.data();
  const size_t n = source.size();
  count_ = 0;
  record_begin_ = static_cast<uint32_t>(pos);
  unterminated = false;
  size_t i = pos;
  for (;;) {
    // One cell from i.
    if (count_ == cells_.size()) {
      cells_.emplace_back();
      buffers_.emplace_back();
    }
    Cell& cell = cells_[count_];
    std::string& buffer = buffers_[count_];
    ++count_;
    cell.begin = static_cast<uint32_t>(i);
    cell.quoted = false;
    size_t open = i;
    while (open < n && (s[open] == ' ' || s[open] == '\t')) ++open;
    if (open < n && s[open] == '"') {
      // Quoted: the text is a contiguous view until an escaped quote or text after the closing
      // quote forces a copy into the buffer.
      cell.quoted = true;
      size_t seg_b = open + 1, seg_e = open + 1;
      bool copied = false;
      auto append = [&](size_t at) {
        if (copied) {
          buffer += s[at];
        } else if (seg_b == seg_e) {
          seg_b = at;
          seg_e = at + 1;
        } else if (seg_e == at) {
          ++seg_e;
        } else {
          buffer.assign(s + seg_b, seg_e - seg_b);
          buffer += s[at];
          copied = true;
        }
      };
      bool in_quotes = true;
      i = open + 1;
      for (; i < n; ++i) {
        char c = s[i];
        if (in_quotes) {
          if (c == '"') {
            if (i + 1 < n && s[i + 1] == '"') {
              append(i);
              ++i;
            } else {
              in_quotes = false;
            }
          } else {
            append(i);
          }
          continue;
        }
        if (c == ',' || (stop_at_newline && c == '\n')) break;
        append(i);
      }
      if (in_quotes) unterminated = true;
      if (stop_at_newline && i < n && s[i] == '\n' && i > open && s[i - 1] == '\r' && !in_quotes) {
        // The CR of a CRLF after text that followed the closing quote.
        if (copied) {
          if (!buffer.empty() && buffer.back() == '\r') buffer.pop_back();
        } else if (seg_e == i) {
          --seg_e;
        }
      }
      cell.text = copied ? std::string_view(buffer) : std::string_view(s + seg_b, seg_e - seg_b);
    } else {
      size_t j = i;
      if (stop_at_newline) {
        while (j < n && s[j] != ',' && s[j] != '\n') ++j;
      } else {
        while (j < n && s[j] != ',') ++j;
      }
      size_t e = j;
      if (stop_at_newline && j < n && s[j] == '\n' && e > i && s[e - 1] == '\r') --e;
      cell.text = std::string_view(s + i, e - i);
      i = j;
    }
    size_t end = i;
    if (stop_at_newline && i < n && s[i] == '\n' && end > cell.begin && s[end - 1] == '\r') --end;
    cell.end = static_cast<uint32_t>(end);
    if (i < n && s[i] == ',') {
      ++i;
      continue;
    }
    record_end_ = cell.end;
    return i;
  }
}

}  // namespace licit::csv
