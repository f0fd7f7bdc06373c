// CSV (RFC 4180): a header row whose names are field paths (`item.cn`), then one record per row.
// An empty cell is a missing field; a set or list cell holds its elements separated by `;`
// (spaces around each element are trimmed; empty elements are dropped). A quoted cell may span
// lines; the record's line is the line it starts on.

#include <string>
#include <vector>

#include "base/csv.h"
#include "io/decode.h"
#include "io/record_reader.h"

namespace licit::io {
namespace internal {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class CsvReader final : public RecordReader {
 public:
  CsvReader(std::istream& input, const rt::RecordLayout& layout) : lines_(input), layout_(layout) {}

  bool Next(rt::Record& record, ReadResult& result) override {
    if (!header_done_) {
      header_done_ = true;
      if (!ReadHeader()) return false;
    }
    uint64_t first_line = 0;
    bool too_long = false;
    if (!ReadRow(first_line, too_long)) return false;
    record.Clear();
    result = ReadResult{};
    result.line = first_line;
    if (too_long) {
      result.error =
          "record too long (more than " + std::to_string(kMaxLineLength >> 20) + " MiB); skipped";
      return true;
    }
    result.ok = DecodeRow(record, result.error);
    if (layout_.id_slot >= 0) {
      const rt::Value& id = record.slot(static_cast<uint32_t>(layout_.id_slot));
      if (id.kind == rt::ValueKind::String) result.id = std::string(id.text());
    }
    return true;
  }

 private:
  bool ReadHeader() {
    // The header is a record like the others (RFC 4180): a quoted name may span lines, and the
    // rows start after it. (It was read as one line, so a line break inside a quoted name made
    // the header's second line a row: found by fuzz_csv_reader.) Blank lines before it are
    // skipped like blank lines anywhere.
    uint64_t number = 0;
    bool too_long = false;
    if (!ReadRow(number, too_long, /*header=*/true)) return false;
    unterminated_ = false;  // an unterminated header took the rest of the input: no rows follow
    if (too_long) {
      header_error_ = "the CSV header line is too long";
      return true;
    }
    const size_t count = split_.size();
    std::vector<std::string> names;
    names.reserve(count);
    for (size_t i = 0; i < count; ++i) names.emplace_back(split_.text(i));
    column_slot_.assign(count, -1);
    std::vector<bool> has_column(layout_.slots.size(), false);
    for (size_t i = 0; i < count; ++i) {
      auto slot = layout_.Find(Trim(names[i]));
      if (!slot || layout_.slots[*slot].kind == rt::ValueKind::Record) continue;  // ignored
      column_slot_[i] = static_cast<int32_t>(*slot);
      // The column also stands for every record enclosing the field.
      for (int32_t s = static_cast<int32_t>(*slot); s >= 0; s = layout_.slots[s].parent) {
        has_column[s] = true;
      }
    }
    header_columns_ = count;
    // A required field whose enclosing records are all required must have a column.
    for (uint32_t s = 0; s < layout_.slots.size(); ++s) {
      bool required = true;
      for (int32_t p = static_cast<int32_t>(s); p >= 0; p = layout_.slots[p].parent) {
        required = required && !layout_.slots[p].optional;
      }
      if (required && !has_column[s]) {
        const rt::FieldSlot& slot = layout_.slots[s];
        header_error_ = "field `" + slot.path + "`: missing (the header has no `" + slot.path +
                        (slot.kind == rt::ValueKind::Record ? ".*`" : "`") + " column)";
        break;
      }
      if (layout_.slots[s].kind == rt::ValueKind::Record && has_column[s]) {
        record_has_column_.push_back(s);
      }
    }
    return true;
  }

  // Reads the next non-blank row (joining lines of a multi-line quoted cell). The header's first
  // line may start with a UTF-8 byte-order mark, which is not part of the first name.
  bool ReadRow(uint64_t& first_line, bool& too_long, bool header = false) {
    std::string_view line;
    uint64_t number = 0;
    do {
      if (!lines_.Next(line, number, too_long)) return false;
    } while (!too_long && IsBlankLine(line));
    first_line = number;
    if (too_long) return true;
    if (header && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    if (split_.Split(line)) return true;
    joined_.assign(line);
    for (;;) {
      if (!lines_.Next(line, number, too_long)) {
        split_.Split(joined_);  // unterminated quote at end of input
        unterminated_ = true;
        return true;
      }
      if (too_long || joined_.size() + line.size() > kMaxLineLength) {
        too_long = true;
        return true;
      }
      joined_ += '\n';
      joined_.append(line);
      if (split_.Split(joined_)) return true;
    }
  }

  bool DecodeRow(rt::Record& record, std::string& error) {
    bool unterminated = unterminated_;
    unterminated_ = false;
    // Decode the cells even when the row is bad, so the error decision can carry the id.
    for (size_t i = 0; i < split_.size() && i < column_slot_.size(); ++i) {
      if (column_slot_[i] < 0) continue;
      std::string_view text = Trim(split_.text(i));
      if (text.empty()) continue;  // an empty cell is a missing field
      uint32_t s = static_cast<uint32_t>(column_slot_[i]);
      const rt::FieldSlot& slot = layout_.slots[s];
      std::string what;
      rt::Value value;
      bool ok = true;
      if (slot.kind == rt::ValueKind::Set || slot.kind == rt::ValueKind::List) {
        items_.clear();
        size_t index = 0;
        while (ok) {
          size_t semi = text.find(';');
          std::string_view piece = Trim(text.substr(0, semi));
          if (!piece.empty()) {
            rt::Value v;
            ++index;
            if (DecodeScalar(slot.element, piece, false, record, v, what)) {
              items_.push_back(v);
            } else {
              what = "element " + std::to_string(index) + ": " + what;
              ok = false;
            }
          }
          if (semi == std::string_view::npos) break;
          text.remove_prefix(semi + 1);
        }
        if (ok) {
          if (slot.kind == rt::ValueKind::Set) rt::SortUnique(items_);
          rt::ValueSpan span =
              record.StoreItems(items_.data(), static_cast<uint32_t>(items_.size()));
          value = slot.kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
        }
      } else {
        // Strings keep their spaces; other kinds are trimmed by DecodeScalar.
        ok = DecodeScalar(slot.kind, slot.kind == rt::ValueKind::String ? split_.text(i) : text,
                          false, record, value, what);
      }
      if (!ok) {
        if (error.empty()) error = "field `" + slot.path + "`: " + what;
        continue;
      }
      record.slot(s) = value;
      for (int32_t p = slot.parent; p >= 0; p = layout_.slots[p].parent) {
        record.slot(static_cast<uint32_t>(p)) = rt::Value::RecordPresent();
      }
    }
    if (!header_error_.empty()) {
      error = header_error_;
      return false;
    }
    if (unterminated) {
      error = "unterminated quoted cell at the end of the input";
      return false;
    }
    if (split_.size() != header_columns_) {
      error = "the row has " + std::to_string(split_.size()) + " cells, the header has " +
              std::to_string(header_columns_);
      return false;
    }
    if (!error.empty()) return false;
    // A required record is present whenever the header has columns for it (its fields may all
    // be optional and empty). Slots are laid out parents first.
    for (uint32_t s : record_has_column_) {
      const rt::FieldSlot& slot = layout_.slots[s];
      bool parent_present =
          slot.parent < 0 || record.slot(static_cast<uint32_t>(slot.parent)).known();
      if (!slot.optional && parent_present) record.slot(s) = rt::Value::RecordPresent();
    }
    for (uint32_t s = 0; s < layout_.slots.size(); ++s) {
      const rt::FieldSlot& slot = layout_.slots[s];
      if (slot.optional || record.slot(s).known()) continue;
      bool parent_present =
          slot.parent < 0 || record.slot(static_cast<uint32_t>(slot.parent)).known();
      if (parent_present) {
        error = "field `" + slot.path + "`: missing";
        return false;
      }
    }
    return true;
  }

  LineSource lines_;
  const rt::RecordLayout& layout_;
  bool header_done_ = false;
  std::string header_error_;
  size_t header_columns_ = 0;
  std::vector<int32_t> column_slot_;  // per column: its slot, or -1 when ignored
  std::vector<uint32_t> record_has_column_;
  csv::Splitter split_;  // the current row's cells: views into the line (or joined_)
  std::string joined_;
  bool unterminated_ = false;
  std::vector<rt::Value> items_;
};

}  // namespace

std::unique_ptr<RecordReader> MakeCsvReader(std::istream& input, const rt::RecordLayout& layout) {
  return std::make_unique<CsvReader>(input, layout);
}

}  // namespace internal
}  // namespace licit::io
