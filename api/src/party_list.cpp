// PartyList (licit.hpp): a restricted-party list read on its own and searched by name, `licit
// match`. The list, its index and the matcher are the screening layer's (screening/screening.h),
// the very ones a policy's `matches` calls; this file reads the files into a SourceManager so
// their problems are diagnostics with carets, and turns the matcher's hits into plain data.

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "api/src/state.h"
#include "base/date.h"
#include "base/iso_codes.h"
#include "base/json.h"
#include "screening/screening.h"

namespace licit {

namespace detail {

struct PartyListState {
  std::string path;
  Compilation diagnostics;  // over a CompiledState without a program: sources and diagnostics
  std::unique_ptr<screening::PartyList> list;  // null when the list file could not be read
  bool ok = false;
};

}  // namespace detail

namespace {

// An empty state for default-constructed lists, so accessors need no null checks.
const detail::PartyListState& EmptyState() {
  static const detail::PartyListState empty;
  return empty;
}

// A threshold given in ListOptions, checked: a diagnostic unless it is in [0, 1].
bool CheckThreshold(std::optional<double> value, const char* which, DiagnosticSink& diags) {
  if (!value || (*value >= 0 && *value <= 1)) return true;
  diags
      .Report(DiagKind::ListBadThreshold, Span{},
              fmt::format("the {} threshold is between 0 and 1, found `{}`", which, *value))
      .Help("scores run from 0 (nothing alike) to 1 (the same name)");
  return false;
}

std::string RoundedScore(double score) { return fmt::format("{:.2f}", score); }

ListMatch Describe(const screening::Entry& e) {
  ListMatch m;
  m.row = e.row;
  m.id = e.id;
  m.name = e.name;
  m.source = e.source;
  m.remarks = e.remarks;
  for (CountryId c : e.countries) m.countries.emplace_back(AllCountries()[c].code);
  if (e.listed != INT32_MIN) m.listed = FormatDate(e.listed);
  if (e.delisted != INT32_MAX) m.delisted = FormatDate(e.delisted);
  return m;
}

void AppendOptional(std::string& out, const std::optional<std::string>& s) {
  if (s) {
    AppendJsonString(out, *s);
  } else {
    out += "null";
  }
}

}  // namespace

PartyList::PartyList() = default;
PartyList::~PartyList() = default;
PartyList::PartyList(const PartyList&) = default;
PartyList::PartyList(PartyList&&) noexcept = default;
PartyList& PartyList::operator=(const PartyList&) = default;
PartyList& PartyList::operator=(PartyList&&) noexcept = default;

PartyList PartyList::load(const std::string& path, const ListOptions& options) {
  auto compiled = std::make_shared<detail::CompiledState>();
  SourceManager& sources = compiled->sources;
  DiagnosticSink& diags = compiled->diags;
  auto state = std::make_shared<detail::PartyListState>();
  state->path = path;

  screening::Thresholds thresholds;
  bool thresholds_ok = CheckThreshold(options.match, "match", diags);
  thresholds_ok = CheckThreshold(options.review, "review", diags) && thresholds_ok;
  if (options.match) thresholds.match = *options.match;
  if (options.review) thresholds.review = *options.review;
  if (thresholds_ok && thresholds.review > thresholds.match) {
    diags
        .Report(DiagKind::ListBadThreshold, Span{},
                fmt::format("the review threshold {} is above the match threshold {}",
                            thresholds.review, thresholds.match))
        .Help(
            "scores from `review` up to `match` are possible matches (sent to review); `review` "
            "must not exceed `match`");
  }

  // A list or cleared file; nullopt (reported, without a location) when it cannot be read.
  auto read = [&](const std::string& file, const char* what) -> std::optional<FileId> {
    std::optional<std::string> text = ReadFileText(file);
    if (!text) {
      diags
          .Report(DiagKind::ListNotFound, Span{},
                  fmt::format("cannot read the {} `{}`", what, file))
          .Help("check the path and the file's permissions");
      return std::nullopt;
    }
    return sources.Add(file, std::move(*text));
  };
  if (std::optional<FileId> file = read(path, "list file")) {
    state->list = screening::PartyList::Parse(
        sources.Get(*file), options.csl ? screening::ListFormat::Csl : screening::ListFormat::Licit,
        diags);
    state->list->set_thresholds(thresholds);
    if (!options.cleared.empty()) {
      if (std::optional<FileId> cleared = read(options.cleared, "cleared file")) {
        state->list->AddCleared(sources.Get(*cleared), diags);
      }
    }
  } else if (!options.cleared.empty()) {
    read(options.cleared, "cleared file");  // still said when unreadable: one run, every problem
  }
  diags.SortByLocation();
  compiled->ok = !diags.has_errors();
  state->ok = compiled->ok && state->list != nullptr;
  state->diagnostics = Compilation(std::move(compiled));
  PartyList out;
  out.state_ = std::move(state);
  return out;
}

bool PartyList::ok() const noexcept { return state_ && state_->ok; }

const std::string& PartyList::path() const noexcept {
  return (state_ ? *state_ : EmptyState()).path;
}

size_t PartyList::size() const noexcept {
  return state_ && state_->list ? state_->list->entries().size() : 0;
}

double PartyList::match_threshold() const noexcept {
  return state_ && state_->list ? state_->list->thresholds().match : screening::Thresholds{}.match;
}

double PartyList::review_threshold() const noexcept {
  return state_ && state_->list ? state_->list->thresholds().review
                                : screening::Thresholds{}.review;
}

const Compilation& PartyList::diagnostics() const noexcept {
  return (state_ ? *state_ : EmptyState()).diagnostics;
}

std::string PartyList::normalize(std::string_view name) { return screening::Normalize(name).text; }

bool PartyList::search(const ListQuery& query, std::vector<ListMatch>* out,
                       std::string* error) const {
  out->clear();
  if (!ok()) {
    *error = state_ ? fmt::format("the list `{}` has errors", state_->path) : "no list loaded";
    return false;
  }
  const screening::PartyList& list = *state_->list;

  std::optional<CountryId> country;
  if (query.country) {
    std::string code = *query.country;
    for (char& c : code) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    country = FindCountry(code);
    if (!country) {
      *error = fmt::format("`{}` is not an ISO 3166-1 alpha-2 country code", *query.country);
      if (std::optional<CountryId> s = SuggestCountry(code)) {
        *error += fmt::format("; did you mean `{}` ({})?", AllCountries()[*s].code,
                              AllCountries()[*s].name);
      }
      return false;
    }
  }
  std::optional<DayNumber> day;
  if (query.date) {
    DateError why = DateError::kNone;
    std::optional<DateLiteral> d = ParseDateLiteral(*query.date, &why);
    if (!d || d->is_month) {
      *error = fmt::format("`{}` is not a day: write it as YYYY-MM-DD", *query.date);
      if (why == DateError::kMonthOutOfRange) *error += " (the month is out of range)";
      if (why == DateError::kDayOutOfRange) *error += " (the day is out of range)";
      return false;
    }
    day = d->first;
  }
  const screening::NormalizedName party = screening::Normalize(query.name);
  if (party.text.empty()) {
    *error = fmt::format(
        "the name `{}` has nothing to compare once normalised (only punctuation, spaces and "
        "legal forms)",
        query.name);
    return false;
  }
  if (query.top == 0) return true;

  // Top ranks cleared entries at their own score, marked with their clearance (a cleared pair
  // is no match, except for an exact name or alias, which no clearance removes).
  for (const screening::Hit& hit : list.Top(query.name, country, day, query.top)) {
    if (hit.entry == nullptr) continue;
    if (hit.score <= 0 && !hit.exact) continue;  // nothing in common with the name
    ListMatch m = Describe(*hit.entry);
    m.score = hit.score;
    m.exact = hit.exact;
    m.matched = hit.matched.empty() ? hit.entry->name : std::string(hit.matched);
    if (hit.cleared != nullptr && hit.cleared_entry == hit.entry && !hit.exact) {
      m.verdict = "cleared";
      // (Cells left empty in the cleared file stay unset; an empty date reads as day 0.)
      if (!hit.cleared->decided_by.empty()) m.cleared_by = hit.cleared->decided_by;
      if (hit.cleared->decided_on != 0) m.cleared_on = FormatDate(hit.cleared->decided_on);
      if (!hit.cleared->note.empty()) m.cleared_note = hit.cleared->note;
    } else {
      switch (hit.kind) {
        case screening::Hit::Kind::Match: m.verdict = "match"; break;
        case screening::Hit::Kind::Possible: m.verdict = "possible"; break;
        case screening::Hit::Kind::None: m.verdict = "none"; break;
      }
    }
    out->push_back(std::move(m));
  }
  std::stable_sort(out->begin(), out->end(), [](const ListMatch& a, const ListMatch& b) {
    if (a.exact != b.exact) return a.exact;
    if (a.score != b.score) return a.score > b.score;
    return a.row < b.row;
  });
  if (out->size() > query.top) out->resize(query.top);
  return true;
}

std::string PartyList::to_json(const ListQuery& query,
                               const std::vector<ListMatch>& results) const {
  std::string out = "{\"list\":";
  AppendJsonString(out, path());
  out += fmt::format(",\"entries\":{},\"thresholds\":{{\"match\":{},\"review\":{}}}", size(),
                     match_threshold(), review_threshold());
  out += ",\"query\":{\"name\":";
  AppendJsonString(out, query.name);
  out += ",\"normalized\":";
  AppendJsonString(out, normalize(query.name));
  out += ",\"country\":";
  AppendOptional(out, query.country);
  out += ",\"date\":";
  AppendOptional(out, query.date);
  out += fmt::format(",\"top\":{}}},\"results\":[", query.top);
  for (size_t i = 0; i < results.size(); ++i) {
    const ListMatch& m = results[i];
    if (i) out += ',';
    out += "{\"verdict\":";
    AppendJsonString(out, m.verdict);
    out += fmt::format(",\"score\":{},\"exact\":{},\"row\":{},\"id\":", RoundedScore(m.score),
                       m.exact, m.row);
    AppendJsonString(out, m.id);
    out += ",\"name\":";
    AppendJsonString(out, m.name);
    out += ",\"matched\":";
    AppendJsonString(out, m.matched);
    out += ",\"countries\":[";
    for (size_t c = 0; c < m.countries.size(); ++c) {
      if (c) out += ',';
      AppendJsonString(out, m.countries[c]);
    }
    out += "],\"listed\":";
    AppendOptional(out, m.listed);
    out += ",\"delisted\":";
    AppendOptional(out, m.delisted);
    out += ",\"source\":";
    AppendJsonString(out, m.source);
    out += ",\"remarks\":";
    AppendJsonString(out, m.remarks);
    out += ",\"cleared\":";
    if (m.verdict == "cleared") {
      out += "{\"by\":";
      AppendOptional(out, m.cleared_by);
      out += ",\"on\":";
      AppendOptional(out, m.cleared_on);
      out += ",\"note\":";
      AppendOptional(out, m.cleared_note);
      out += '}';
    } else {
      out += "null";
    }
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace licit
