// Party screening (design: ../shared/design/screening.md, user docs: docs/screening.md): lists of
// restricted parties read from CSV files, names normalised with ICU, scored with a token-set
// Jaro-Winkler similarity, and one matcher that the runtime's `matches` (both engines), `match()`,
// explanations and `licit match` all call. A layer of its own between base and core: it knows
// nothing of policies, values or records, only names, countries and days.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/diagnostic.h"
#include "base/iso_codes.h"
#include "base/source.h"

namespace licit::screening {

// How a list file's columns are named: ours (`id,name,aliases,country,listed,delisted,source,
// remarks`) or the US Consolidated Screening List's CSV download.
enum class ListFormat : uint8_t { Licit, Csl };

// A score at or above `match` is a match; from `review` up to `match` a possible match (a near
// miss, which a policy treats as unknown); below `review` none. 0 <= review <= match <= 1.
struct Thresholds {
  double match = 0.92;
  double review = 0.85;
};

// A name as matching compares it: NFKC, case folded, Latin letters without diacritics, legal
// forms dropped, `&` as `and`, punctuation and whitespace collapsed into single spaces.
struct NormalizedName {
  std::string text;                 // the tokens joined by single spaces
  std::vector<std::string> tokens;  // in the order written
};
NormalizedName Normalize(std::string_view name);

// The token-set Jaro-Winkler similarity of two normalised names, in [0, 1]; 1 for equal texts.
// Symmetric, independent of word order.
//
// How it is computed (score.cpp):
// - Token similarity sim(x, y): 1 when x == y; else the Jaro-Winkler similarity of their code
//   points (prefix scale 0.1, common prefix up to 4) when the tokens share a blocking key and it
//   is at least 0.80; else 0 (the tokens do not pair). Sharing a key: the same first three code
//   points (a token of at most three is its own key, so a short token pairs only with itself or
//   as the start of a longer one: `int` ~ `international`), or, for
//   tokens of 4 or more, the same first and last code point with lengths differing by at most
//   one (`acme` ~ `acne`). So a typo in the first letter of a word loses that word's pairing (the
//   other words still count); the index relies on this rule to find every pair it scores.
// - Initialisms: a token of 2-5 ASCII letters pairs with a run of as many consecutive tokens of
//   the other name whose first letters spell it (`khi` ~ `kawasaki heavy industries`), with
//   similarity 0.90. When no word pairs as a word (only initialisms with runs), the score is at
//   most 0.75: initials alone fit too many names.
// - Alignment: every pair with a similarity above 0 (token-token and initialism-run), best first
//   (ties: the heavier pair, then the earlier position), is taken when none of its tokens is
//   taken yet; so tokens align one to one and word order does not matter. Positions count on
//   the name whose token sequence sorts first, so Score(a, b) == Score(b, a) exactly.
// - Weights: a token of n code points weighs w = 1 + log2(n) (`of` 2, `heavy` 3.3, `industries`
//   4.3): long words count more, but not in proportion. W(a), W(b): the names' total weights.
// - Score = ( sum over pairs of sim * wa(pair) / W(a) + sum over pairs of sim * wb(pair) / W(b) )
//   / 2, where wa(pair) is the weight of the pair's tokens in a (the run's total for an
//   initialism). The mean of how much of each name is covered: a token left unmatched on either
//   side lowers it.
// - Equal texts score exactly 1; a name without tokens scores 0.
// Thresholds compare the score rounded to 2 places (Hit::score).
double Score(const NormalizedName& a, const NormalizedName& b);

// The Jaro-Winkler similarity of two strings' code points (prefix scale 0.1, prefix up to 4).
double JaroWinkler(std::string_view a, std::string_view b);

// One row of a list.
struct Entry {
  uint32_t row = 0;  // the file's line where the row starts (the header is line 1)
  std::string id;    // may be empty (then `row` identifies the entry)
  std::string name;  // as written in the file
  std::vector<std::string> aliases;
  std::vector<CountryId> countries;  // empty: any country
  DayNumber listed = INT32_MIN;      // listed from this day on
  DayNumber delisted = INT32_MAX;    // not listed any more from this day on
  std::string source, remarks;
};

// A reviewed false positive from a list's `cleared` file (`party,entry,decided_by,decided_on,
// note`): the party (by its normalised name) is not the entry (by id, else by normalised name).
struct Clearance {
  uint32_t row = 0;
  std::string party;  // normalised
  std::string entry;  // as written in the file
  std::string decided_by;
  DayNumber decided_on = 0;
  std::string note;
};

// The outcome of screening one party name against one list.
struct Hit {
  enum class Kind : uint8_t { None, Possible, Match };
  Kind kind = Kind::None;
  const Entry* entry = nullptr;  // the best entry not cleared (null when nothing resembles)
  std::string_view matched;  // the entry's name or alias that scored best (points into the entry)
  double score = 0;          // rounded to 2 places before thresholds are applied
  bool exact = false;        // a normalised name or alias equals the party's normalised name
  // When the best candidate that would have been a match or possible match was cleared: its
  // clearance (and `cleared_entry` the entry); the hit then describes the best remaining one.
  const Clearance* cleared = nullptr;
  const Entry* cleared_entry = nullptr;
};

// A list read from its file(s), with its index. Immutable once built; Screen and Top are safe to
// call from several threads at once.
class PartyList {
 public:
  // Parses a list file already added to a SourceManager. Every problem is a diagnostic at the
  // file's line and column (E06xx); rows with errors are left out. Never null.
  static std::unique_ptr<PartyList> Parse(const SourceFile& file, ListFormat format,
                                          DiagnosticSink& diags);
  ~PartyList();

  // Reads a cleared file; its problems are diagnostics like the list's. An `entry` that names no
  // entry of this list is an error.
  void AddCleared(const SourceFile& file, DiagnosticSink& diags);
  void set_thresholds(Thresholds t) { thresholds_ = t; }
  const Thresholds& thresholds() const { return thresholds_; }

  // Screens a party on `day`. Entries whose countries exclude `country` (when both are given)
  // or which are not listed on `day` are not candidates. An exact normalised name or alias is a
  // match with score 1 that no clearance removes.
  Hit Screen(std::string_view party, std::optional<CountryId> country, DayNumber day) const;
  // The best `k` entries by score (ties by row), each as Screen would describe it, for
  // `licit match`; `day` nullopt ignores listing dates. Includes entries below `review`.
  std::vector<Hit> Top(std::string_view party, std::optional<CountryId> country,
                       std::optional<DayNumber> day, size_t k) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const std::vector<Clearance>& clearances() const { return clearances_; }
  // Unique among every list built in this process, and renewed when clearances are added: a memo
  // of Screen's results keyed by it (and the thresholds) never outlives what it was computed on.
  uint64_t generation() const;

 private:
  PartyList();
  struct Index;
  struct Matcher;
  // Normalises every name and alias and builds the index (party_list.cpp).
  void BuildIndex();
  // The entries (indexes into entries_) with a name or alias whose normalised text is this.
  std::vector<uint32_t> EntriesNamed(std::string_view normalized) const;
  void AddClearedPair(const std::string& party, uint32_t entry, uint32_t clearance);
  std::vector<Entry> entries_;
  std::vector<Clearance> clearances_;
  Thresholds thresholds_;
  std::unique_ptr<Index> index_;
};

}  // namespace licit::screening
