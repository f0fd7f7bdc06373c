// List files and cleared files: CSV with a header row (base/csv.h), read into entries with
// diagnostics at the bad cell. See screening.h and docs/diagnostics.md (E06xx).

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "base/csv.h"
#include "screening/internal.h"

namespace licit::screening {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Reads a CSV file record by record, reporting what is wrong with its structure.
class Reader {
 public:
  Reader(const SourceFile& file, DiagnosticSink& diags) : file_(file), diags_(diags) {
    if (file_.text().starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  // The next non-blank record; false at the end. `ok` false when the record is malformed (a
  // diagnostic was reported and the row should be left out).
  bool Next(bool& ok) {
    const std::string& text = file_.text();
    for (;;) {
      csv::Splitter::Status st = split_.Next(text, pos_);
      if (st == csv::Splitter::Status::kEnd) return false;
      if (Blank()) continue;
      ok = true;
      row_ = file_.Locate(split_.record_begin()).line;
      std::string_view raw(text.data() + split_.record_begin(),
                           split_.record_end() - split_.record_begin());
      if (size_t bad = FindInvalidUtf8(raw); bad != std::string_view::npos) {
        uint32_t at = split_.record_begin() + static_cast<uint32_t>(bad);
        diags_
            .Report(DiagKind::InvalidUtf8, Span{file_.id(), at, at + 1},
                    fmt::format("{} is not valid UTF-8 (row {} is left out)", file_.path(), row_))
            .Label("invalid byte")
            .Help("save the file as UTF-8");
        ok = false;
      } else if (st == csv::Splitter::Status::kUnterminated) {
        const csv::Cell& c = split_[split_.size() - 1];
        uint32_t quote = c.begin;
        while (quote < text.size() && text[quote] != '"') ++quote;
        diags_
            .Report(DiagKind::ListCsv, Span{file_.id(), quote, quote + 1},
                    "unterminated quoted cell: the quote is never closed")
            .Label("this quote opens a cell that runs to the end of the file")
            .Help("close the quote, or double a quote inside the cell (`\"\"`)");
        ok = false;
      }
      return true;
    }
  }

  bool Blank() const {
    if (split_.size() != 1 || split_[0].quoted) return false;
    return Trim(split_.text(0)).empty();
  }

  size_t size() const { return split_.size(); }
  std::string_view Text(size_t i) const { return i < split_.size() ? split_.text(i) : ""; }
  // The cell's span; a missing cell (a short row) points at the row's end.
  Span CellSpan(size_t i) const {
    if (i < split_.size()) return Span{file_.id(), split_[i].begin, split_[i].end};
    return Span{file_.id(), split_.record_end(), split_.record_end()};
  }
  Span RowSpan() const { return Span{file_.id(), split_.record_begin(), split_.record_end()}; }
  // The span of a piece of cell i's text (a country code in a `;` list), when the text is the
  // source's own bytes; else the cell's span.
  Span PieceSpan(size_t i, std::string_view piece) const {
    const std::string& text = file_.text();
    if (i < split_.size() && piece.data() >= text.data() &&
        piece.data() + piece.size() <= text.data() + text.size()) {
      uint32_t b = static_cast<uint32_t>(piece.data() - text.data());
      return Span{file_.id(), b, b + static_cast<uint32_t>(piece.size())};
    }
    return CellSpan(i);
  }
  uint32_t row() const { return row_; }
  const SourceFile& file() const { return file_; }
  DiagnosticSink& diags() { return diags_; }

 private:
  const SourceFile& file_;
  DiagnosticSink& diags_;
  csv::Splitter split_;
  size_t pos_ = 0;
  uint32_t row_ = 0;
};

// Splits a `;`-separated cell into trimmed, non-empty pieces.
template <typename Each>
void ForPieces(std::string_view text, Each each) {
  for (;;) {
    size_t semi = text.find(';');
    std::string_view piece = Trim(text.substr(0, semi));
    if (!piece.empty()) each(piece);
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
}

// Reads a date cell; reports E0605 and returns false when it is not a date.
bool ReadDate(Reader& r, size_t col, std::string_view column, DayNumber& out) {
  std::string_view t = Trim(r.Text(col));
  if (t.empty()) return true;
  DateError err = DateError::kNone;
  auto d = ParseDateLiteral(t, &err);
  if (d && !d->is_month) {
    out = d->first;
    return true;
  }
  std::string why = d                                    ? "a month, not a day"
                    : err == DateError::kMonthOutOfRange ? "no such month"
                    : err == DateError::kDayOutOfRange   ? "no such day"
                                                         : "not a date";
  r.diags()
      .Report(DiagKind::ListBadDate, r.PieceSpan(col, t),
              fmt::format("`{}` in column `{}` is {}", t, column, why))
      .Label(fmt::format("row {} is left out", r.row()))
      .Help("write dates as YYYY-MM-DD (`2026-02-24`), or leave the cell empty");
  return false;
}

// Column roles of a list file.
enum Col : uint8_t {
  kId,
  kName,
  kAliases,
  kCountry,
  kListed,
  kDelisted,
  kSource,
  kRemarks,
  kAddresses,
  kFallbackId,
  kColCount
};

}  // namespace

std::unique_ptr<PartyList> PartyList::Parse(const SourceFile& file, ListFormat format,
                                            DiagnosticSink& diags) {
  std::unique_ptr<PartyList> list(new PartyList());
  Reader r(file, diags);
  bool ok = true;
  if (!r.Next(ok)) {
    diags
        .Report(DiagKind::ListMissingColumn, Span{file.id(), 0, 0},
                fmt::format("{} is empty: a list file needs a header row with a `name` column",
                            file.path()))
        .Help(format == ListFormat::Csl
                  ? "the CSL's CSV starts with `_id,source,entity_number,type,programs,name,...`"
                  : "start the file with `id,name,aliases,country,listed,delisted,source,remarks`");
    list->BuildIndex();
    return list;
  }
  // Header.
  const bool csl = format == ListFormat::Csl;
  struct Names {
    Col col;
    std::string_view name;
  };
  static constexpr Names kLicit[] = {
      {kId, "id"},         {kName, "name"},         {kAliases, "aliases"}, {kCountry, "country"},
      {kListed, "listed"}, {kDelisted, "delisted"}, {kSource, "source"},   {kRemarks, "remarks"}};
  static constexpr Names kCsl[] = {
      {kId, "entity_number"},  {kFallbackId, "_id"},      {kName, "name"},
      {kAliases, "alt_names"}, {kAddresses, "addresses"}, {kListed, "start_date"},
      {kDelisted, "end_date"}, {kSource, "source"},       {kRemarks, "remarks"}};
  std::span<const Names> names =
      csl ? std::span<const Names>(kCsl) : std::span<const Names>(kLicit);
  int col_of[kColCount];
  std::string_view col_name[kColCount];
  std::fill(std::begin(col_of), std::end(col_of), -1);
  for (const Names& n : names) col_name[n.col] = n.name;
  const size_t header_cells = r.size();
  if (ok) {
    for (size_t i = 0; i < header_cells; ++i) {
      std::string h = Lower(Trim(r.Text(i)));
      for (const Names& n : names) {
        if (h == n.name && col_of[n.col] < 0) col_of[n.col] = static_cast<int>(i);
      }
    }
  }
  if (!ok) {
    list->BuildIndex();
    return list;
  }
  if (col_of[kName] < 0) {
    Diagnostic& d = diags.Report(DiagKind::ListMissingColumn, r.RowSpan(),
                                 fmt::format("the header of {} has no `name` column", file.path()));
    d.Label("the header row");
    if (csl) {
      d.Help(
          "the CSL's CSV has the columns `_id,source,entity_number,type,programs,name,...`; "
          "is this a list in Licit's own format (then drop `format csl`)?");
    } else {
      d.Help(
          "the header names the columns: `id,name,aliases,country,listed,delisted,source,"
          "remarks` (only `name` is required, in any order)");
    }
    list->BuildIndex();
    return list;
  }
  std::unordered_map<std::string, uint32_t> id_rows;  // id -> index of the entry
  std::unordered_map<std::string, Span> id_spans;
  while (r.Next(ok)) {
    if (!ok) continue;
    // Extra cells are allowed when empty (trailing commas); others mean a broken row.
    if (r.size() > header_cells) {
      size_t extra = header_cells;
      while (extra < r.size() && Trim(r.Text(extra)).empty()) ++extra;
      if (extra < r.size()) {
        diags
            .Report(DiagKind::ListCsv, r.CellSpan(extra),
                    fmt::format("row {} has {} cells, the header has {}", r.row(), r.size(),
                                header_cells))
            .Label("a cell past the header's last column")
            .Help("quote a cell that contains a comma: `\"Acme, Inc.\"`");
        continue;
      }
    }
    auto cell = [&](Col c) -> std::string_view {
      return col_of[c] < 0 ? std::string_view() : Trim(r.Text(static_cast<size_t>(col_of[c])));
    };
    Entry e;
    e.row = r.row();
    std::string_view name = cell(kName);
    if (name.empty()) {
      diags
          .Report(DiagKind::ListRowWithoutName, r.CellSpan(static_cast<size_t>(col_of[kName])),
                  fmt::format("row {} has no name", r.row()))
          .Label("empty `name` cell")
          .Help("every row needs a name; remove the row if it is not an entry");
      continue;
    }
    e.name = std::string(name);
    e.id = std::string(cell(kId));
    if (e.id.empty() && csl) e.id = std::string(cell(kFallbackId));
    ForPieces(cell(kAliases), [&](std::string_view a) { e.aliases.emplace_back(a); });
    bool row_ok = true;
    if (col_of[kCountry] >= 0) {
      size_t col = static_cast<size_t>(col_of[kCountry]);
      ForPieces(cell(kCountry), [&](std::string_view code) {
        std::string upper(code);
        for (char& c : upper) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        if (auto id = FindCountry(upper)) {
          if (std::find(e.countries.begin(), e.countries.end(), *id) == e.countries.end()) {
            e.countries.push_back(*id);
          }
          return;
        }
        Diagnostic& d = diags.Report(DiagKind::ListUnknownCountry, r.PieceSpan(col, code),
                                     fmt::format("unknown country code `{}`", code));
        d.Label(fmt::format("row {} is left out", r.row()));
        if (auto s = SuggestCountry(upper)) {
          const CountryInfo& info = AllCountries()[*s];
          d.Help(fmt::format("did you mean `{}` ({})?", info.code, info.name));
        } else {
          d.Help(
              "write ISO 3166 alpha-2 codes separated by `;` (`JP;KR`), or leave the cell "
              "empty for any country");
        }
        row_ok = false;
      });
    }
    if (col_of[kAddresses] >= 0) {
      // CSL: addresses separated by `;`, each ending in its country's alpha-2 code after the
      // last comma (`..., Beijing, CN`). A last part that is not a known code (a US ZIP code, a
      // city) says nothing about the country.
      ForPieces(cell(kAddresses), [&](std::string_view address) {
        size_t comma = address.rfind(',');
        std::string_view last =
            Trim(comma == std::string_view::npos ? address : address.substr(comma + 1));
        if (last.size() != 2) return;
        if (auto id = FindCountry(last)) {
          if (std::find(e.countries.begin(), e.countries.end(), *id) == e.countries.end()) {
            e.countries.push_back(*id);
          }
        }
      });
    }
    if (col_of[kListed] >= 0) {
      row_ok =
          ReadDate(r, static_cast<size_t>(col_of[kListed]), col_name[kListed], e.listed) && row_ok;
    }
    if (col_of[kDelisted] >= 0) {
      row_ok =
          ReadDate(r, static_cast<size_t>(col_of[kDelisted]), col_name[kDelisted], e.delisted) &&
          row_ok;
    }
    if (!row_ok) continue;
    e.source = std::string(cell(kSource));
    e.remarks = std::string(cell(kRemarks));
    if (!e.id.empty()) {
      int id_col = col_of[kId] >= 0 && !cell(kId).empty() ? col_of[kId] : col_of[kFallbackId];
      Span span = r.CellSpan(static_cast<size_t>(id_col));
      auto [it, added] = id_spans.try_emplace(e.id, span);
      if (!added) {
        diags
            .Report(DiagKind::ListDuplicateEntry, span,
                    fmt::format("two rows with the id `{}`", e.id))
            .Label("this row's id")
            .Also(it->second, "first used here")
            .Help("both rows are kept; a cleared file's `entry` naming this id clears both");
      }
    }
    list->entries_.push_back(std::move(e));
  }
  list->BuildIndex();
  return list;
}

void PartyList::AddCleared(const SourceFile& file, DiagnosticSink& diags) {
  Reader r(file, diags);
  bool ok = true;
  if (!r.Next(ok) || !ok) {
    if (ok) {
      diags
          .Report(DiagKind::ListMissingColumn, Span{file.id(), 0, 0},
                  fmt::format("{} is empty: a cleared file needs a header row", file.path()))
          .Help("start the file with `party,entry,decided_by,decided_on,note`");
    }
    return;
  }
  enum { kParty, kEntry, kBy, kOn, kNote, kCount };
  static constexpr std::string_view kNames[] = {"party", "entry", "decided_by", "decided_on",
                                                "note"};
  int col_of[kCount];
  std::fill(std::begin(col_of), std::end(col_of), -1);
  const size_t header_cells = r.size();
  for (size_t i = 0; i < header_cells; ++i) {
    std::string h = Lower(Trim(r.Text(i)));
    for (int c = 0; c < kCount; ++c) {
      if (h == kNames[c] && col_of[c] < 0) col_of[c] = static_cast<int>(i);
    }
  }
  for (int c : {kParty, kEntry}) {
    if (col_of[c] >= 0) continue;
    diags
        .Report(DiagKind::ListMissingColumn, r.RowSpan(),
                fmt::format("the header of {} has no `{}` column", file.path(), kNames[c]))
        .Label("the header row")
        .Help(
            "a cleared file has the columns `party,entry,decided_by,decided_on,note` (`party` "
            "and `entry` are required)");
    return;
  }
  // Entries by id.
  std::unordered_map<std::string_view, std::vector<uint32_t>> by_id;
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    if (!entries_[e].id.empty()) by_id[entries_[e].id].push_back(e);
  }
  while (r.Next(ok)) {
    if (!ok) continue;
    auto cell = [&](int c) -> std::string_view {
      return col_of[c] < 0 ? std::string_view() : Trim(r.Text(static_cast<size_t>(col_of[c])));
    };
    std::string_view party = cell(kParty), entry = cell(kEntry);
    bool row_ok = true;
    for (int c : {kParty, kEntry}) {
      if (!cell(c).empty()) continue;
      diags
          .Report(DiagKind::ListRowWithoutName, r.CellSpan(static_cast<size_t>(col_of[c])),
                  fmt::format("row {} has no {}", r.row(), kNames[c]))
          .Label(fmt::format("empty `{}` cell", kNames[c]))
          .Help(
              "a clearance names the party (as written on shipments) and the list entry (its "
              "id, or its name)");
      row_ok = false;
    }
    Clearance c;
    c.row = r.row();
    if (col_of[kOn] >= 0 &&
        !ReadDate(r, static_cast<size_t>(col_of[kOn]), "decided_on", c.decided_on)) {
      row_ok = false;
    }
    if (!row_ok) continue;
    NormalizedName pn = Normalize(party);
    c.party = pn.text;
    c.entry = std::string(entry);
    c.decided_by = std::string(cell(kBy));
    c.note = std::string(cell(kNote));
    std::vector<uint32_t> targets;
    if (auto it = by_id.find(entry); it != by_id.end()) {
      targets = it->second;
    } else {
      targets = EntriesNamed(Normalize(entry).text);
    }
    if (targets.empty()) {
      diags
          .Report(DiagKind::ClearedUnknownEntry,
                  r.PieceSpan(static_cast<size_t>(col_of[kEntry]), entry),
                  fmt::format("`{}` is no entry of the list (by id or by name)", entry))
          .Label(fmt::format("row {} is left out", r.row()))
          .Help("write the entry's `id` as the list has it, or its name or an alias");
      continue;
    }
    if (pn.tokens.empty()) continue;
    const uint32_t index = static_cast<uint32_t>(clearances_.size());
    for (uint32_t e : targets) AddClearedPair(c.party, e, index);
    clearances_.push_back(std::move(c));
  }
}

}  // namespace licit::screening
