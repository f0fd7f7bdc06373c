#include "tests/fuzz/reader_entries.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "base/diagnostic.h"
#include "base/source.h"
#include "core/record.h"
#include "frontend/pipeline.h"
#include "io/decode.h"
#include "io/json_fast.h"
#include "io/record_reader.h"
#include "tests/fuzz/strict_json.h"

namespace licit::fuzz {
namespace {

namespace dom = simdjson::dom;

// The record layout every input is read into: std.trade's Shipment (so the example and golden
// record files are realistic seeds) plus a field of every other kind the readers decode (int,
// bool, lists and sets of each scalar kind, money in a list) and a required record inside an
// optional one, three levels down. The rule only makes the policy complete.
constexpr char kPolicy[] = R"(policy fuzz.readers
  title "The record layout the reader fuzzers decode into"

record Party    { name: string, country: country?, kind: string? }
record Item     { description: string?, hs: code?, eccn: code?, eu: code?, cn: code?, jp: code?,
                  origin: country?, tags: set<string>?, codes: list<code>?, weight: decimal? }
record Route    { legs: int, carrier: Party, stops: list<country>? }
record Shipment { id: string, date: date, destination: country, origin: country?,
                  exporter: Party?, consignee: Party?, end_user: Party?, end_use: string?,
                  item: Item, quantity: decimal?, value: money?, count: int?, urgent: bool?,
                  via: set<country>?, dates: list<date>?, prices: list<money>?,
                  counts: list<int>?, flags: set<bool>?, ratios: list<decimal>?, route: Route? }
input Shipment

rule r:
  review to RU
)";

ReaderStats stats;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "reader fuzz invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

rt::RecordLayout CompileLayout() {
  SourceManager sources;
  DiagnosticSink diags;
  frontend::Compiled compiled =
      frontend::CompileText(sources, "/nonexistent-licit-fuzz/readers.licit", kPolicy, diags);
  if (compiled.program == nullptr) {
    Fail("the reader fuzzers' policy does not compile", RenderAllText(sources, diags, {}));
  }
  return compiled.program->input;
}

const rt::RecordLayout& Layout() {
  static const rt::RecordLayout layout = CompileLayout();
  return layout;
}

// Every slot, record slots included, with its kind (so an int and a decimal of the same digits
// differ) and null told apart from missing.
std::string RenderSlots(const rt::Record& r) {
  const rt::RecordLayout& layout = r.layout();
  std::string out;
  for (uint32_t i = 0; i < r.size(); ++i) {
    const rt::Value& v = r.slot(i);
    out += layout.slots[i].path;
    out += '=';
    if (v.kind == rt::ValueKind::Record) {
      out += "present";
    } else if (v.known()) {
      out += rt::ValueKindName(v.kind);
      out += ':';
      out += rt::FormatValue(v);
    } else {
      out += v.aux == rt::kNull ? "null" : "missing";
    }
    out += '\n';
  }
  return out;
}

std::optional<std::string> IdOf(const rt::Record& r) {
  const int32_t id = r.layout().id_slot;
  if (id < 0) return std::nullopt;
  const rt::Value& v = r.slot(static_cast<uint32_t>(id));
  if (v.kind != rt::ValueKind::String) return std::nullopt;
  return std::string(v.text());
}

// One reader result, kept for comparison.
struct Outcome {
  uint64_t line = 0;
  bool ok = false;
  std::string error;
  std::optional<std::string> id;
  std::string slots;
};

Outcome Capture(const rt::Record& record, const io::ReadResult& result) {
  return Outcome{result.line, result.ok, result.error, result.id, RenderSlots(record)};
}

std::string Show(const Outcome& o) {
  std::string out = "line " + std::to_string(o.line) + (o.ok ? " ok" : " error: " + o.error);
  out += "\nid: " + (o.id ? *o.id : std::string("(none)")) + "\n" + o.slots;
  return out;
}

void RequireSame(const char* what, const Outcome& want, const Outcome& got, std::string_view line) {
  if (want.line != got.line || want.ok != got.ok || want.error != got.error || want.id != got.id ||
      want.slots != got.slots) {
    Fail(what, "input line: " + std::string(line) + "\n--- reader\n" + Show(want) + "--- other\n" +
                   Show(got));
  }
}

// An error names the field it is about by its path: that path must exist.
void CheckError(const Outcome& o) {
  if (o.ok != o.error.empty())
    Fail("an outcome is ok with an error, or an error without text", Show(o));
  constexpr std::string_view kField = "field `";
  if (!std::string_view(o.error).starts_with(kField)) return;
  const size_t end = o.error.find('`', kField.size());
  if (end == std::string::npos) Fail("an error names a field without closing its quote", o.error);
  if (!Layout().Find(std::string_view(o.error).substr(kField.size(), end - kField.size()))) {
    Fail("an error names a field the layout does not have", o.error);
  }
}

// The input's physical lines as the readers' line source defines them: split at '\n', one
// trailing '\r' dropped, no line after a final '\n', numbered from 1.
struct Line {
  uint64_t number = 0;
  std::string_view text;
};

std::vector<Line> PhysicalLines(std::string_view data) {
  std::vector<Line> lines;
  size_t start = 0;
  while (start < data.size()) {
    const size_t nl = data.find('\n', start);
    const size_t end = nl == std::string_view::npos ? data.size() : nl;
    std::string_view text = data.substr(start, end - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    lines.push_back({lines.size() + 1, text});
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

// cli.md: a blank line (spaces, tabs, '\r') is not a record.
bool Blank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

uint64_t Hash(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : data) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// LineSource (the line splitter both readers stream through) with a small chunk and a small line
// limit, so chunk boundaries and over-long lines, unreachable at the real 1 MiB and 16 MiB, are
// exercised: every line as PhysicalLines has it, or "too long" (without its text) exactly when
// the line, without its '\n' and trailing '\r', is longer than the limit.
void CheckLineSource(std::string_view data, const std::vector<Line>& lines) {
  const uint64_t h = Hash(data);
  const size_t chunk = 1 + h % 61;
  const size_t max_line = 1 + (h >> 8) % 160;
  std::istringstream in{std::string(data)};
  io::internal::LineSource source(in, max_line, chunk);
  std::string_view text;
  uint64_t number = 0;
  bool too_long = false;
  size_t i = 0;
  const std::string where =
      "chunk " + std::to_string(chunk) + ", line limit " + std::to_string(max_line) + "\n";
  while (source.Next(text, number, too_long)) {
    if (i == lines.size()) Fail("LineSource hands out more lines than the input has", where);
    const Line& want = lines[i++];
    const bool want_too_long = want.text.size() > max_line;
    if (number != want.number || too_long != want_too_long || (!too_long && text != want.text) ||
        (too_long && !text.empty())) {
      Fail("LineSource splits lines differently",
           where + "line " + std::to_string(want.number) + ": \"" + std::string(want.text) +
               "\"\ngot line " + std::to_string(number) + (too_long ? " too long" : "") + ": \"" +
               std::string(text) + "\"");
    }
  }
  if (i != lines.size()) Fail("LineSource hands out fewer lines than the input has", where);
}

// ---------------------------------------------------------------------------------------------
// JSON Lines: a strict grammar check and a reference decoder over simdjson's DOM.

// The DOM's views of an element whose type was checked. (A range-for straight over
// `e.get_array().value_unsafe()` would iterate a temporary that is already gone.)
dom::object AsObject(dom::element e) {
  dom::object out;
  if (e.get_object().get(out) != simdjson::SUCCESS) Fail("reference: not an object", "");
  return out;
}
dom::array AsArray(dom::element e) {
  dom::array out;
  if (e.get_array().get(out) != simdjson::SUCCESS) Fail("reference: not an array", "");
  return out;
}
std::string_view AsString(dom::element e) {
  std::string_view out;
  if (e.get_string().get(out) != simdjson::SUCCESS) Fail("reference: not a string", "");
  return out;
}
bool AsBool(dom::element e) {
  bool out = false;
  if (e.get_bool().get(out) != simdjson::SUCCESS) Fail("reference: not a boolean", "");
  return out;
}

enum class Verdict {
  kMalformed,   // not JSON: the reader must report an error
  kOutOfReach,  // JSON the DOM will not parse (a number beyond 64 bits, a lone surrogate
                // escape, nesting past 1,024): only the other checks apply
  kDecoded,     // decoded into the reference record, with `ok`
};

// Decodes one JSON object into the layout as cli.md and language.md section 13 say: each field
// from its JSON type (a string for string, date, country, code, money and decimal; a number for
// int and decimal; an object for a record or money; an array for a set or list; null for a
// missing optional field), unknown fields ignored, every required field present. Scalar text is
// decoded with the readers' shared io::internal::DecodeScalar (what this checks is the JSON layer
// above it). Repeated keys are applied in order to the same slots, as the reader does (RFC 8259
// leaves their meaning open).
class DomReference {
 public:
  explicit DomReference(const rt::RecordLayout& layout) : layout_(layout) {}

  Verdict Read(std::string_view line, rt::Record& record, bool& ok) {
    if (!simdjson::validate_utf8(line.data(), line.size())) return Verdict::kMalformed;
    StrictJson strict(line, StrictJson::Options{.max_depth = 1024, .exponents = true});
    const bool valid = strict.Valid();
    dom::element doc;
    const simdjson::error_code error = parser_.parse(line.data(), line.size()).get(doc);
    if (!valid) {
      if (strict.too_deep()) return Verdict::kOutOfReach;
      if (error == simdjson::SUCCESS) {
        Fail("simdjson's DOM accepts a line RFC 8259 refuses", std::string(line));
      }
      return Verdict::kMalformed;
    }
    if (error != simdjson::SUCCESS) {
      if (error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE ||
          error == simdjson::STRING_ERROR || error == simdjson::DEPTH_ERROR) {
        return Verdict::kOutOfReach;
      }
      Fail("simdjson's DOM refuses a line RFC 8259 accepts",
           std::string(simdjson::error_message(error)) + "\n" + std::string(line));
    }
    numbers_ = &strict.numbers();
    next_number_ = 0;
    bad_ = false;
    record.Clear();
    if (doc.type() != dom::element_type::OBJECT) {
      Walk(doc);
      bad_ = true;
    } else {
      Object(AsObject(doc), layout_.top_level, record);
      if (MissingRequired(layout_.top_level, record)) bad_ = true;
    }
    if (next_number_ != numbers_->size()) {
      Fail("reference: the DOM walk and the grammar's numbers are out of step", std::string(line));
    }
    ok = !bad_;
    return Verdict::kDecoded;
  }

 private:
  std::string_view NextNumber() {
    if (next_number_ >= numbers_->size()) Fail("reference: more DOM numbers than in the text", "");
    return (*numbers_)[next_number_++];
  }

  // A value not decoded: its numbers are passed over, to keep NextNumber in step.
  void Walk(dom::element e) {
    switch (e.type()) {
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: NextNumber(); break;
      case dom::element_type::OBJECT:
        for (dom::key_value_pair member : AsObject(e)) Walk(member.value);
        break;
      case dom::element_type::ARRAY:
        for (dom::element item : AsArray(e)) Walk(item);
        break;
      default: break;
    }
  }

  bool MissingRequired(const std::vector<uint32_t>& children, const rt::Record& record) const {
    for (uint32_t c : children) {
      if (!layout_.slots[c].optional && !record.slot(c).known()) return true;
    }
    return false;
  }

  void Object(dom::object obj, const std::vector<uint32_t>& children, rt::Record& record) {
    for (dom::key_value_pair member : obj) {
      int32_t slot = -1;
      for (uint32_t c : children) {
        if (layout_.slots[c].name == member.key) {
          slot = static_cast<int32_t>(c);
          break;
        }
      }
      if (slot < 0) {
        Walk(member.value);
      } else {
        Field(member.value, static_cast<uint32_t>(slot), record);
      }
    }
  }

  void Field(dom::element value, uint32_t slot_index, rt::Record& record) {
    const rt::FieldSlot& slot = layout_.slots[slot_index];
    const dom::element_type type = value.type();
    if (type == dom::element_type::NULL_VALUE) {
      record.slot(slot_index) =
          rt::Value::Unknown(slot.kind == rt::ValueKind::Record ? rt::kMissing : rt::kNull);
      if (!slot.optional) bad_ = true;
      return;
    }
    switch (slot.kind) {
      case rt::ValueKind::Record:
        if (type != dom::element_type::OBJECT) break;
        record.slot(slot_index) = rt::Value::RecordPresent();
        Object(AsObject(value), slot.children, record);
        if (MissingRequired(slot.children, record)) bad_ = true;
        return;
      case rt::ValueKind::Set:
      case rt::ValueKind::List: {
        if (type != dom::element_type::ARRAY) break;
        std::vector<rt::Value> items;
        for (dom::element item : AsArray(value)) {
          rt::Value v;
          if (Scalar(item, slot.element, record, v)) items.push_back(v);
        }
        if (slot.kind == rt::ValueKind::Set) rt::SortUnique(items);
        const rt::ValueSpan span =
            record.StoreItems(items.data(), static_cast<uint32_t>(items.size()));
        record.slot(slot_index) =
            slot.kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
        return;
      }
      default: {
        rt::Value v;
        if (Scalar(value, slot.kind, record, v)) record.slot(slot_index) = v;
        return;
      }
    }
    Walk(value);
    bad_ = true;
  }

  bool Scalar(dom::element e, rt::ValueKind kind, rt::Record& record, rt::Value& out) {
    std::string what;
    switch (e.type()) {
      case dom::element_type::STRING:
        if (io::internal::DecodeScalar(kind, AsString(e), true, record, out, what)) {
          return true;
        }
        break;
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: {
        const std::string_view raw = NextNumber();
        if (kind == rt::ValueKind::Int) {
          // An integer is written without a fraction or an exponent and fits in 64 bits.
          int64_t v = 0;
          const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
          if (ec == std::errc() && end == raw.data() + raw.size()) {
            out = rt::Value::Int(v);
            return true;
          }
        } else if (kind == rt::ValueKind::Decimal &&
                   io::internal::DecodeScalar(kind, raw, false, record, out, what)) {
          return true;
        }
        break;
      }
      case dom::element_type::BOOL:
        if (kind == rt::ValueKind::Bool) {
          out = rt::Value::Bool(AsBool(e));
          return true;
        }
        break;
      case dom::element_type::OBJECT:
        if (kind == rt::ValueKind::Money) return Money(AsObject(e), record, out);
        Walk(e);
        break;
      case dom::element_type::ARRAY: Walk(e); break;
      case dom::element_type::NULL_VALUE: break;
    }
    bad_ = true;
    return false;
  }

  // {"amount": "1200.00" or 1200.00, "currency": "USD"}; other members are ignored.
  bool Money(dom::object obj, rt::Record& record, rt::Value& out) {
    std::string amount, currency;
    bool has_amount = false, has_currency = false;
    for (dom::key_value_pair member : obj) {
      const dom::element_type type = member.value.type();
      if (member.key == "amount" && type == dom::element_type::STRING) {
        amount = AsString(member.value);
        has_amount = true;
      } else if (member.key == "amount" &&
                 (type == dom::element_type::INT64 || type == dom::element_type::UINT64 ||
                  type == dom::element_type::DOUBLE)) {
        amount = io::internal::PlainNumber(NextNumber());
        has_amount = true;
      } else if (member.key == "currency" && type == dom::element_type::STRING) {
        currency = AsString(member.value);
        has_currency = true;
      } else {
        Walk(member.value);
      }
    }
    std::string what;
    if (has_amount && has_currency &&
        io::internal::DecodeScalar(rt::ValueKind::Money, amount + " " + currency, true, record, out,
                                   what)) {
      return true;
    }
    bad_ = true;
    return false;
  }

  const rt::RecordLayout& layout_;
  dom::parser parser_;
  const std::vector<std::string_view>* numbers_ = nullptr;
  size_t next_number_ = 0;
  bool bad_ = false;
};

std::vector<Outcome> ReadAll(io::Format format, std::string_view data, size_t limit) {
  std::istringstream in{std::string(data)};
  auto reader = io::MakeReader(format, in, Layout());
  rt::Record record(&Layout());
  io::ReadResult result;
  std::vector<Outcome> out;
  while (reader->Next(record, result)) {
    out.push_back(Capture(record, result));
    if (out.size() > limit) break;  // reported by the caller; stops a reader that never ends
  }
  return out;
}

void CheckAccounting(const std::vector<Outcome>& got, const std::vector<uint64_t>& want_lines) {
  if (got.size() != want_lines.size()) {
    Fail("not one outcome per record", "expected " + std::to_string(want_lines.size()) +
                                           " outcomes, the reader gave " +
                                           std::to_string(got.size()));
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i].line != want_lines[i]) {
      Fail("an outcome names the wrong line",
           "expected line " + std::to_string(want_lines[i]) + "\n" + Show(got[i]));
    }
    CheckError(got[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV: a reference RFC 4180 reader.

struct CsvRow {
  uint64_t line = 0;  // the line the row starts on
  std::vector<std::string> cells;
  bool unterminated = false;  // the input ends inside a quoted cell
  bool rfc = true;  // in RFC 4180's grammar (plus blanks before an opening quote, which the
                    // reader documents it skips); otherwise only the accounting is checked
};

// RFC 4180 records over the physical lines: a quoted cell may hold commas, `""` and line breaks
// (as '\n': each physical line lost its '\r'); a quote opens a quoted cell only at the start of
// a cell. Blank lines between records are skipped. A UTF-8 byte-order mark before the header is
// dropped.
std::vector<CsvRow> ParseCsv(const std::vector<Line>& lines) {
  std::vector<CsvRow> rows;
  size_t i = 0;
  while (i < lines.size()) {
    if (Blank(lines[i].text)) {
      ++i;
      continue;
    }
    CsvRow row;
    row.line = lines[i].number;
    row.cells.emplace_back();
    bool quoted = false, at_start = true, closed = false;
    size_t k = rows.empty() && lines[i].text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    for (;;) {
      const std::string_view t = lines[i].text;
      for (; k < t.size(); ++k) {
        const char c = t[k];
        if (quoted) {
          if (c != '"') {
            row.cells.back() += c;
          } else if (k + 1 < t.size() && t[k + 1] == '"') {
            row.cells.back() += '"';
            ++k;
          } else {
            quoted = false;
            closed = true;
          }
          continue;
        }
        if (c == ',') {
          row.cells.emplace_back();
          at_start = true;
          closed = false;
          continue;
        }
        if (at_start && c == '"') {
          quoted = true;
          at_start = false;
          continue;
        }
        if (at_start && (c == ' ' || c == '\t')) {
          size_t j = k;
          while (j < t.size() && (t[j] == ' ' || t[j] == '\t')) ++j;
          if (j < t.size() && t[j] == '"') {
            k = j - 1;
            continue;
          }
        }
        if (c == '"' || closed) row.rfc = false;
        at_start = false;
        row.cells.back() += c;
      }
      k = 0;
      ++i;
      if (!quoted) break;
      if (i == lines.size()) {
        row.unterminated = true;
        break;
      }
      row.cells.back() += '\n';
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The header's meaning (cli.md): each name a field path; unknown columns, and columns naming a
// record, ignored; a required field (inside required records) without a column makes every row
// an error.
struct CsvHeader {
  std::vector<int32_t> column_slot;  // -1: ignored
  std::vector<bool> has_column;      // per slot: a column names it or a field inside it
  bool error = false;
};

CsvHeader ReadHeader(const rt::RecordLayout& layout, const CsvRow& header) {
  CsvHeader h;
  h.has_column.assign(layout.slots.size(), false);
  for (const std::string& name : header.cells) {
    const auto slot = layout.Find(Trim(name));
    if (!slot || layout.slots[*slot].kind == rt::ValueKind::Record) {
      h.column_slot.push_back(-1);
      continue;
    }
    h.column_slot.push_back(static_cast<int32_t>(*slot));
    for (int32_t s = static_cast<int32_t>(*slot); s >= 0; s = layout.slots[s].parent) {
      h.has_column[s] = true;
    }
  }
  for (uint32_t s = 0; s < layout.slots.size(); ++s) {
    bool required = true;
    for (int32_t p = static_cast<int32_t>(s); p >= 0; p = layout.slots[p].parent) {
      required = required && !layout.slots[p].optional;
    }
    if (required && !h.has_column[s]) h.error = true;
  }
  return h;
}

// One data row as cli.md and language.md section 13 say: an empty cell is a missing field; a
// set or list cell holds `;`-separated elements (trimmed, empty ones dropped); a string keeps its
// spaces, other kinds are trimmed; a record is present when a field inside it has a value, or
// when it is required, its header has columns for it and its enclosing record is present; every
// required field of a present record must have a value; a row must have the header's number of
// cells.
bool DecodeCsvRow(const rt::RecordLayout& layout, const CsvHeader& header, const CsvRow& row,
                  rt::Record& record) {
  record.Clear();
  bool ok = !header.error && !row.unterminated && row.cells.size() == header.column_slot.size();
  for (size_t i = 0; i < row.cells.size() && i < header.column_slot.size(); ++i) {
    if (header.column_slot[i] < 0) continue;
    const std::string_view text = Trim(row.cells[i]);
    if (text.empty()) continue;
    const auto s = static_cast<uint32_t>(header.column_slot[i]);
    const rt::FieldSlot& slot = layout.slots[s];
    std::string what;
    rt::Value value;
    if (slot.kind == rt::ValueKind::Set || slot.kind == rt::ValueKind::List) {
      std::vector<rt::Value> items;
      bool good = true;
      size_t start = 0;
      for (;;) {
        const size_t semi = text.find(';', start);
        const std::string_view piece = Trim(text.substr(start, semi - start));
        rt::Value v;
        if (!piece.empty()) {
          if (io::internal::DecodeScalar(slot.element, piece, false, record, v, what)) {
            items.push_back(v);
          } else {
            good = false;
          }
        }
        if (semi == std::string_view::npos) break;
        start = semi + 1;
      }
      if (!good) {
        ok = false;
        continue;
      }
      if (slot.kind == rt::ValueKind::Set) rt::SortUnique(items);
      const rt::ValueSpan span =
          record.StoreItems(items.data(), static_cast<uint32_t>(items.size()));
      value = slot.kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
    } else if (!io::internal::DecodeScalar(slot.kind,
                                           slot.kind == rt::ValueKind::String ? row.cells[i] : text,
                                           false, record, value, what)) {
      ok = false;
      continue;
    }
    record.slot(s) = value;
    for (int32_t p = slot.parent; p >= 0; p = layout.slots[p].parent) {
      record.slot(static_cast<uint32_t>(p)) = rt::Value::RecordPresent();
    }
  }
  auto parent_present = [&](const rt::FieldSlot& slot) {
    return slot.parent < 0 || record.slot(static_cast<uint32_t>(slot.parent)).known();
  };
  for (uint32_t s = 0; s < layout.slots.size(); ++s) {  // slots are laid out parents first
    const rt::FieldSlot& slot = layout.slots[s];
    if (slot.kind == rt::ValueKind::Record && !slot.optional && header.has_column[s] &&
        parent_present(slot)) {
      record.slot(s) = rt::Value::RecordPresent();
    }
  }
  for (uint32_t s = 0; s < layout.slots.size(); ++s) {
    const rt::FieldSlot& slot = layout.slots[s];
    if (!slot.optional && !record.slot(s).known() && parent_present(slot)) ok = false;
  }
  return ok;
}

}  // namespace

uint64_t RunJsonLinesReader(std::string_view data) {
  const rt::RecordLayout& layout = Layout();
  const std::vector<Line> physical = PhysicalLines(data);
  CheckLineSource(data, physical);
  std::vector<Line> lines;
  std::vector<uint64_t> numbers;
  for (const Line& l : physical) {
    if (Blank(l.text)) continue;
    lines.push_back(l);
    numbers.push_back(l.number);
  }

  const std::vector<Outcome> got = ReadAll(io::Format::JsonLines, data, lines.size());
  CheckAccounting(got, numbers);

  // The block reader of `licit run --threads`, at a block size the input picks.
  {
    static constexpr size_t kBlocks[] = {1, 2, 7, 64, 4096};
    const size_t block = kBlocks[Hash(data) % std::size(kBlocks)];
    std::istringstream in{std::string(data)};
    io::LineBlockReader blocks(in, block);
    io::JsonLineDecoder decoder(layout);
    rt::Record record(&layout);
    io::ReadResult result;
    io::LineBlock chunk;
    size_t i = 0;
    while (blocks.Next(chunk)) {
      blocks.Number(chunk);
      decoder.DecodeBlock(chunk, record, result,
                          [&](const rt::Record& r, const io::ReadResult& res) {
                            if (i == got.size())
                              Fail("the block reader gives more outcomes than the reader", "");
                            RequireSame("the block reader differs from the reader", got[i],
                                        Capture(r, res), lines[i].text);
                            ++i;
                          });
    }
    if (i != got.size()) Fail("the block reader gives fewer outcomes than the reader", "");
    if (blocks.bytes_read() != data.size()) Fail("the block reader did not read every byte", "");
  }

  static DomReference reference(layout);
  io::internal::FastJsonDecoder fast(layout);
  rt::Record general(&layout), by_fast(&layout), expected(&layout);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view text = lines[i].text;
    const Outcome& o = got[i];
    ++stats.jsonl_lines;
    if (o.ok) ++stats.jsonl_ok;

    // simdjson alone (the fast path off) must give exactly the reader's result.
    Outcome g;
    g.line = o.line;
    g.ok = io::internal::ReadJsonRecordGeneral(text, general, g.error);
    g.id = IdOf(general);
    g.slots = RenderSlots(general);
    RequireSame("the reader differs from the general path (simdjson alone)", o, g, text);

    // The fast path on its own accepts only what the general path decodes the same.
    by_fast.Clear();
    if (fast.Decode(text, by_fast)) {
      ++stats.jsonl_fast;
      if (!o.ok || RenderSlots(by_fast) != o.slots) {
        Fail("the fast path accepts a line the general path decodes differently",
             "input line: " + std::string(text) + "\n--- reader\n" + Show(o) + "--- fast path\n" +
                 RenderSlots(by_fast));
      }
    }

    bool ok = false;
    switch (reference.Read(text, expected, ok)) {
      case Verdict::kMalformed:
        ++stats.jsonl_malformed;
        if (o.ok) Fail("malformed JSON read as a record", "input line: " + std::string(text));
        break;
      case Verdict::kOutOfReach: break;
      case Verdict::kDecoded: {
        ++stats.jsonl_compared;
        Outcome want{o.line, ok, ok ? "" : o.error, ok ? IdOf(expected) : o.id,
                     ok ? RenderSlots(expected) : o.slots};
        RequireSame("the reader differs from the DOM reference", o, want, text);
        break;
      }
    }
  }
  return got.size();
}

uint64_t RunCsvReader(std::string_view data) {
  const rt::RecordLayout& layout = Layout();
  const std::vector<Line> physical = PhysicalLines(data);
  CheckLineSource(data, physical);
  const std::vector<CsvRow> rows = ParseCsv(physical);
  std::vector<uint64_t> numbers;
  for (size_t i = 1; i < rows.size(); ++i) numbers.push_back(rows[i].line);

  const std::vector<Outcome> got = ReadAll(io::Format::Csv, data, numbers.size());
  CheckAccounting(got, numbers);
  if (rows.empty()) return 0;

  const CsvHeader header = ReadHeader(layout, rows[0]);
  rt::Record expected(&layout);
  for (size_t i = 0; i < got.size(); ++i) {
    const CsvRow& row = rows[i + 1];
    const Outcome& o = got[i];
    ++stats.csv_rows;
    if (o.ok) ++stats.csv_ok;
    if (!rows[0].rfc || !row.rfc) continue;
    ++stats.csv_compared;
    const bool ok = DecodeCsvRow(layout, header, row, expected);
    Outcome want{o.line, ok, ok ? "" : o.error, ok ? IdOf(expected) : o.id,
                 ok ? RenderSlots(expected) : o.slots};
    std::string cells;
    for (const std::string& c : row.cells) cells += "[" + c + "]";
    RequireSame("the CSV reader differs from the RFC 4180 reference", o, want, cells);
  }
  return got.size();
}

const ReaderStats& Stats() { return stats; }

}  // namespace licit::fuzz
