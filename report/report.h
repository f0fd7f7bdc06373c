// The screening report (docs/report.md): aggregates of a file of decisions (what `licit run`
// writes, or the changed records `licit diff --records --out` writes), rendered as one
// self-contained HTML page or as JSON. `licit report` and `licit run --report` both feed every
// decision line into one ReportAggregator, so the same decisions give the same report whichever
// path made it.
//
// The report is aggregates, not rows: its size depends on the number of distinct destinations,
// rules, items and months, never on the number of decisions, except for the first
// kListedRows flagged and erroneous rows it lists.
#pragma once

#include <array>
#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace licit::report {

// Effects in the order the report shows them, strongest first (as `licit run`'s summary).
inline constexpr std::array<std::string_view, 6> kEffects = {"deny",   "license", "review",
                                                             "exempt", "allow",   "error"};
inline constexpr size_t kErrorEffect = 5;
inline constexpr size_t kAllowEffect = 4;
inline constexpr size_t kReviewEffect = 2;
using EffectCounts = std::array<uint64_t, kEffects.size()>;

// Rows listed one by one (flagged records, errors) stop here: a million-row table would make
// the page slow to open, and nobody reads past the first thousand; the totals stay exact.
inline constexpr size_t kListedRows = 1000;
// Rows kept in each "top" table (destinations, items, parties, rules, licences).
inline constexpr size_t kTopRows = 50;

// One row of a "top" table: a key and how many decisions it appeared in, per decision effect.
struct KeyCount {
  std::string key;
  uint64_t total = 0;
  EffectCounts by_effect{};
};

// A "top" table: its rows (at most kTopRows, most frequent first) and how many distinct keys
// there were in all.
struct TopTable {
  std::vector<KeyCount> rows;
  uint64_t distinct = 0;
};

// A field a rule could not read (a decision's `unknowns`), and how often that left the record
// in review.
struct UnknownCount {
  std::string field;  // "item.hs", parsed from the reason ("item.hs is missing")
  std::string rule;
  uint64_t decisions = 0;
  uint64_t in_review = 0;  // of them, decisions whose effect is review
};

// A line of the input that is an error: an `error` decision, or a line that is not a decision.
struct ErrorRow {
  uint64_t line = 0;         // the line in the decisions file
  uint64_t record_line = 0;  // the record's line (the decision's `line`), 0 when not known
  std::string id;
  std::string message;
  bool unreadable = false;  // the line itself is not a decision (malformed JSON, no effect)
};

// A flagged record: for `licit diff --out` input a changed one (old -> new), for a run's
// decisions one that is not allowed (and not an error: those are listed apart).
struct FlaggedRow {
  uint64_t line = 0;
  std::string id;
  std::string date;
  std::string old_effect;  // "" unless the input is `licit diff --out` output
  std::string effect;
  std::string rules;  // the rules that fired, "a, b"
};

// Everything the report shows that comes from the decisions (and records): what the JSON
// output prints and the goldens check.
struct Aggregates {
  bool diff_input = false;    // the lines were `licit diff --records --out` changes
  bool with_records = false;  // records were joined to the decisions
  uint64_t decisions = 0;     // decisions read (unreadable lines not included)
  EffectCounts effects{};
  uint64_t unreadable = 0;       // lines that are not decisions
  uint64_t records_missing = 0;  // decisions after the records file had ended
  std::map<std::string, EffectCounts, std::less<>> months;  // "2026-01" -> counts; sorted
  uint64_t undated = 0;                                     // decisions without a usable date
  TopTable destinations, items, parties, rules, licences;
  std::vector<UnknownCount> unknowns;  // most review first
  std::vector<KeyCount> policies;      // "name version" -> counts, as the decisions name them
  std::map<std::string, uint64_t> transitions;  // diff input: "license -> deny" -> count
  uint64_t errors_total = 0;                    // error decisions plus unreadable lines
  std::vector<ErrorRow> errors;                 // the first kListedRows
  uint64_t flagged_total = 0;
  std::vector<FlaggedRow> flagged;  // the first kListedRows
};

// Reads the records of a JSON Lines records file one at a time, skipping blank lines as `licit
// run` does, so the n-th record is the one the n-th decision judged.
class RecordLines {
 public:
  explicit RecordLines(std::istream& in) : in_(in) {}
  // The next record's text and line number; false at the end of the file.
  bool Next(std::string* text, uint64_t* line);
  // The record on line `wanted`, skipping those before it (the changed records of `licit diff
  // --out` name their lines, in increasing order). False when that line is past the end, blank,
  // or already read.
  bool NextAt(uint64_t wanted, std::string* text);

 private:
  std::istream& in_;
  uint64_t line_ = 0;
};

// Aggregates decision lines one at a time, in input order.
class ReportAggregator {
 public:
  ReportAggregator();
  ~ReportAggregator();
  ReportAggregator(const ReportAggregator&) = delete;
  ReportAggregator& operator=(const ReportAggregator&) = delete;

  // Joins the decisions to these records (the n-th non-blank line with the n-th decision; a
  // changed record of `licit diff --out` with the line it names): destinations, items, parties
  // and dates come from them. Call before the first decision.
  void JoinRecords(std::istream& records);

  // One line of the decisions file (without its newline). A blank line is skipped; a line that
  // is not a decision is counted as unreadable and listed among the errors with its line number.
  void AddLine(std::string_view line);
  // A chunk of whole lines, each ending in '\n' (what licit::Policy::screen writes).
  void AddChunk(std::string_view chunk);

  // Warnings for the user, one line each ("line 7: not a decision: ..."), the first few only.
  const std::vector<std::string>& warnings() const;
  // Sorts and trims the tables. The aggregator is spent after this.
  Aggregates Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// How and when the report was made: shown on the HTML page, never part of the aggregates.
struct RunInfo {
  std::string command_line;  // "licit run policy.licit --records r.jsonl --report r.html"
  std::string version;       // licit's version
  std::string engine;        // "tiered (interpreter, then JIT)", or "" when not known
  std::string made_at;       // UTC, "2026-12-07 14:20:00 UTC"
  std::string decisions;     // where the decisions came from
  std::string records;       // the records joined, "" when none
  std::string date_source;   // which date the months use
  struct Policy {
    std::string name, version, file;
    uint64_t rules = 0;
  };
  std::vector<Policy> policies;  // the policies that decided, when known (`licit run`)
  std::string digest;            // their digest ("sha256:..."), "" when not known
};

// The aggregates as one JSON document (pretty-printed, keys in a fixed order): `licit report
// --format json`, and what the goldens check.
std::string RenderJson(const Aggregates& aggregates);

// The report as one self-contained HTML page: inline CSS, inline SVG chart, a few lines of
// inline JavaScript for sorting and filtering; nothing fetched when opened. Every string from
// the data is escaped.
std::string RenderHtml(const Aggregates& aggregates, const RunInfo& info);

// Text escaped for HTML element content and attribute values (& < > " ').
std::string EscapeHtml(std::string_view text);

// "1,234,567": counts as people read them (the page, and `licit run`'s summary).
std::string Thousands(uint64_t n);

}  // namespace licit::report
