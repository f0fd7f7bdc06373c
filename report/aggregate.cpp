// ReportAggregator: one pass over the decision lines with simdjson (1 M decisions in well under
// a second, against four and a half with nlohmann-json: docs/report.md).
// Nothing here keeps a decision: only counters keyed by the few things the report groups by, and
// the first kListedRows flagged and erroneous rows.

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "report/report.h"

namespace licit::report {
namespace {

namespace dom = simdjson::dom;

// Lets the count tables look a key up by string_view without building a std::string.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using CountMap = std::unordered_map<std::string, KeyCount, KeyHash, std::equal_to<>>;

constexpr size_t kMaxWarnings = 10;

int EffectIndex(std::string_view name) {
  for (size_t i = 0; i < kEffects.size(); ++i) {
    if (kEffects[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// What the report reads of one decision. The views point into the parser's buffers and live
// until the next line is parsed.
struct DecisionView {
  int effect = -1;
  std::string_view id, date, error, policy_name, policy_version;
  uint64_t line = 0;
  std::vector<std::string_view> rules, licences;
  std::vector<std::pair<std::string_view, std::string_view>> unknowns;  // (rule, reason)

  void Clear() {
    effect = -1;
    id = date = error = policy_name = policy_version = {};
    line = 0;
    rules.clear();
    licences.clear();
    unknowns.clear();
  }
};

// What the report reads of one record: the columns of the top tables and the date.
struct RecordView {
  std::string_view date, destination, item, party;
  void Clear() { date = destination = item = party = {}; }
};

// A string, or "" for null and other types: ids and versions may be null.
std::string_view StringOrEmpty(dom::element value) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

std::string_view StringField(dom::object object, std::string_view key) {
  dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return {};
  return StringOrEmpty(value);
}

// Reads a decision object into *out. False with *why when it is not a decision (no known
// `effect`).
bool ReadDecision(dom::object object, DecisionView* out, std::string* why) {
  out->effect = EffectIndex(StringField(object, "effect"));
  if (out->effect < 0) {
    *why = "no `effect` (not a decision of `licit run` or `licit diff --out`)";
    return false;
  }
  out->id = StringField(object, "id");
  out->date = StringField(object, "date");
  out->error = StringField(object, "error");
  uint64_t line = 0;
  if (object.at_key("line").get_uint64().get(line) == simdjson::SUCCESS) out->line = line;
  dom::object policy;
  if (object.at_key("policy").get_object().get(policy) == simdjson::SUCCESS) {
    out->policy_name = StringField(policy, "name");
    out->policy_version = StringField(policy, "version");
  }
  dom::array array;
  if (object.at_key("rules").get_array().get(array) == simdjson::SUCCESS) {
    for (dom::element e : array) {
      dom::object rule;
      if (e.get_object().get(rule) == simdjson::SUCCESS)
        out->rules.push_back(StringField(rule, "rule"));
    }
  }
  if (object.at_key("unknowns").get_array().get(array) == simdjson::SUCCESS) {
    for (dom::element e : array) {
      dom::object unknown;
      if (e.get_object().get(unknown) == simdjson::SUCCESS) {
        out->unknowns.emplace_back(StringField(unknown, "rule"), StringField(unknown, "reason"));
      }
    }
  }
  if (object.at_key("licenses").get_array().get(array) == simdjson::SUCCESS) {
    for (dom::element e : array) {
      std::string_view licence = StringOrEmpty(e);
      if (!licence.empty()) out->licences.push_back(licence);
    }
  }
  return true;
}

// The first classification code of an item, in the order `licit diff --records` takes them.
constexpr std::array<std::string_view, 5> kItemCodes = {"eccn", "eu", "cn", "jp", "hs"};

// A record's date, destination, item and party (end user). Reads what it can: a record that is
// not JSON is an error decision anyway.
void ReadRecord(dom::object object, RecordView* out) {
  out->date = StringField(object, "date");
  out->destination = StringField(object, "destination");
  dom::object item;
  if (object.at_key("item").get_object().get(item) == simdjson::SUCCESS) {
    for (std::string_view code : kItemCodes) {
      out->item = StringField(item, code);
      if (!out->item.empty()) break;
    }
  }
  // Records of a policy with its own input type (bench/'s) carry the code at the top.
  if (out->item.empty()) out->item = StringField(object, "control_code");
  dom::element party;
  if (object.at_key("end_user").get(party) == simdjson::SUCCESS) {
    dom::object party_object;
    out->party = party.get_object().get(party_object) == simdjson::SUCCESS
                     ? StringField(party_object, "name")
                     : StringOrEmpty(party);
  }
}

// "item.hs is missing" -> "item.hs": the field a rule could not read, as the engines word it.
std::string_view UnknownField(std::string_view reason) {
  size_t is = reason.find(" is ");
  if (is == std::string_view::npos || is == 0) return reason;
  return reason.substr(0, is);
}

// "2026-01-06" -> "2026-01"; "" for anything else.
std::string_view MonthOf(std::string_view date) {
  if (date.size() < 7 || date[4] != '-') return {};
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (date[i] < '0' || date[i] > '9') return {};
  }
  if (date[5] > '1' || (date[5] == '1' && date[6] > '2') || (date[5] == '0' && date[6] == '0')) {
    return {};
  }
  return date.substr(0, 7);
}

void Bump(CountMap& map, std::string_view key, int effect) {
  auto it = map.find(key);
  if (it == map.end()) {
    it = map.emplace(std::string(key), KeyCount{}).first;
    it->second.key = std::string(key);
  }
  ++it->second.total;
  ++it->second.by_effect[static_cast<size_t>(effect)];
}

// Most frequent first, then by key, so equal counts come out in the same order everywhere.
std::vector<KeyCount> Sorted(CountMap& map) {
  std::vector<KeyCount> rows;
  rows.reserve(map.size());
  for (auto& [key, count] : map) rows.push_back(std::move(count));
  std::sort(rows.begin(), rows.end(), [](const KeyCount& a, const KeyCount& b) {
    return a.total != b.total ? a.total > b.total : a.key < b.key;
  });
  return rows;
}

TopTable Top(CountMap& map) {
  TopTable table;
  table.distinct = map.size();
  table.rows = Sorted(map);
  if (table.rows.size() > kTopRows) table.rows.resize(kTopRows);
  return table;
}

std::string Joined(const std::vector<std::string_view>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto before = parts.begin() + static_cast<ptrdiff_t>(i);
    if (std::find(parts.begin(), before, parts[i]) != before) continue;  // named twice
    if (!out.empty()) out += ", ";
    out += parts[i];
  }
  return out;
}

// A copy of the text followed by simdjson's padding, reused from line to line.
class PaddedLine {
 public:
  simdjson::padded_string_view Set(std::string_view text) {
    buffer_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    buffer_.assign(text);
    return simdjson::padded_string_view(buffer_.data(), buffer_.size(), buffer_.capacity());
  }

 private:
  std::string buffer_;
};

}  // namespace

bool RecordLines::NextAt(uint64_t wanted, std::string* text) {
  if (wanted <= line_) return false;  // no line, or one already read: out of order
  uint64_t line = 0;
  while (line_ < wanted) {
    if (!Next(text, &line)) return false;
  }
  return line == wanted;
}

bool RecordLines::Next(std::string* text, uint64_t* line) {
  while (std::getline(in_, *text)) {
    ++line_;
    if (!text->empty() && text->back() == '\r') text->pop_back();
    if (text->find_first_not_of(" \t") == std::string::npos) continue;  // not a record
    *line = line_;
    return true;
  }
  return false;
}

struct ReportAggregator::State {
  Aggregates out;
  uint64_t line = 0;  // lines of the decisions file so far
  std::unique_ptr<RecordLines> records;
  std::string record_text;
  std::string policy_key;  // "name version", reused from decision to decision
  dom::parser decision_parser, record_parser;
  PaddedLine decision_buffer, record_buffer;
  DecisionView decision, old_decision;
  RecordView record;
  CountMap destinations, items, parties, rules, licences, policies;
  std::map<std::pair<std::string, std::string>, UnknownCount> unknowns;
  std::vector<std::string> warnings;
  uint64_t warned_lines = 0;

  void Unreadable(std::string_view why);
  void Add(std::string_view text);
  bool Parse(std::string_view text, std::string* why);
  void Count();
};

ReportAggregator::ReportAggregator() : state_(std::make_unique<State>()) {}
ReportAggregator::~ReportAggregator() = default;

void ReportAggregator::JoinRecords(std::istream& records) {
  state_->records = std::make_unique<RecordLines>(records);
  state_->out.with_records = true;
}

void ReportAggregator::AddLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++state_->line;
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  state_->Add(line);
}

void ReportAggregator::AddChunk(std::string_view chunk) {
  while (!chunk.empty()) {
    size_t end = chunk.find('\n');
    if (end == std::string_view::npos) end = chunk.size();
    AddLine(chunk.substr(0, end));
    chunk.remove_prefix(std::min(end + 1, chunk.size()));
  }
}

const std::vector<std::string>& ReportAggregator::warnings() const { return state_->warnings; }

void ReportAggregator::State::Unreadable(std::string_view why) {
  ++out.unreadable;
  ++out.errors_total;
  if (out.errors.size() < kListedRows) {
    ErrorRow row;
    row.line = line;
    row.message = fmt::format("not a decision: {}", why);
    row.unreadable = true;
    out.errors.push_back(std::move(row));
  }
  if (++warned_lines <= kMaxWarnings) {
    warnings.push_back(fmt::format("line {}: not a decision: {}", line, why));
  }
}

void ReportAggregator::State::Add(std::string_view text) {
  decision.Clear();
  old_decision.Clear();
  record.Clear();
  std::string why;
  bool readable = Parse(text, &why);
  // The record: the n-th decision judged the n-th record, readable or not; a changed record of
  // `licit diff --out` names its record's line (an unreadable one names none: no record).
  if (records && (readable || !out.diff_input)) {
    uint64_t record_line = 0;
    bool found = out.diff_input ? records->NextAt(decision.line, &record_text)
                                : records->Next(&record_text, &record_line);
    if (!found) {
      ++out.records_missing;
    } else if (readable) {
      simdjson::padded_string_view padded = record_buffer.Set(record_text);
      dom::element doc;
      dom::object object;
      if (record_parser.parse(padded.data(), padded.size(), false).get(doc) == simdjson::SUCCESS &&
          doc.get_object().get(object) == simdjson::SUCCESS) {
        ReadRecord(object, &record);
      }
    }
  }
  if (readable) {
    Count();
  } else {
    Unreadable(why);
  }
}

bool ReportAggregator::State::Parse(std::string_view text, std::string* why) {
  simdjson::padded_string_view padded = decision_buffer.Set(text);
  dom::element doc;
  if (auto error = decision_parser.parse(padded.data(), padded.size(), false).get(doc)) {
    *why = fmt::format("malformed JSON ({})", simdjson::error_message(error));
    return false;
  }
  dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    *why = "not a JSON object";
    return false;
  }
  // A line of `licit diff --records --out`: {"line","id","old","new"} with both full decisions;
  // the new one is counted, the old one only named.
  dom::object old_object, new_object;
  if (object.at_key("new").get_object().get(new_object) == simdjson::SUCCESS &&
      object.at_key("old").get_object().get(old_object) == simdjson::SUCCESS) {
    if (!ReadDecision(new_object, &decision, why) ||
        !ReadDecision(old_object, &old_decision, why)) {
      return false;
    }
    out.diff_input = true;
    if (decision.id.empty()) decision.id = StringField(object, "id");
    uint64_t n = 0;
    if (object.at_key("line").get_uint64().get(n) == simdjson::SUCCESS) decision.line = n;
    return true;
  }
  return ReadDecision(object, &decision, why);
}

void ReportAggregator::State::Count() {
  const DecisionView& d = decision;
  const int effect = d.effect;
  ++out.decisions;
  ++out.effects[static_cast<size_t>(effect)];

  std::string_view date = !record.date.empty() ? record.date : d.date;
  std::string_view month = MonthOf(date);
  if (month.empty()) {
    ++out.undated;
  } else {
    auto it = out.months.find(month);
    if (it == out.months.end()) it = out.months.emplace(std::string(month), EffectCounts{}).first;
    ++it->second[static_cast<size_t>(effect)];
  }

  if (!record.destination.empty()) Bump(destinations, record.destination, effect);
  if (!record.item.empty()) Bump(items, record.item, effect);
  if (!record.party.empty()) Bump(parties, record.party, effect);
  for (size_t i = 0; i < d.rules.size(); ++i) {
    // A rule named twice in one decision (two of its branches) counts once.
    if (std::find(d.rules.begin(), d.rules.begin() + static_cast<ptrdiff_t>(i), d.rules[i]) ==
        d.rules.begin() + static_cast<ptrdiff_t>(i)) {
      Bump(rules, d.rules[i], effect);
    }
  }
  for (std::string_view licence : d.licences) Bump(licences, licence, effect);
  if (!d.policy_version.empty()) {
    policy_key.assign(d.policy_name).append(" ").append(d.policy_version);
    Bump(policies, policy_key, effect);
  } else if (!d.policy_name.empty()) {
    Bump(policies, d.policy_name, effect);
  }
  for (const auto& [rule, reason] : d.unknowns) {
    auto key = std::make_pair(std::string(UnknownField(reason)), std::string(rule));
    UnknownCount& u = unknowns[key];
    if (u.decisions == 0) {
      u.field = key.first;
      u.rule = key.second;
    }
    ++u.decisions;
    if (static_cast<size_t>(effect) == kReviewEffect) ++u.in_review;
  }

  if (static_cast<size_t>(effect) == kErrorEffect) {
    ++out.errors_total;
    if (out.errors.size() < kListedRows) {
      ErrorRow row;
      row.line = line;
      row.record_line = d.line;
      row.id = std::string(d.id);
      row.message = std::string(d.error);
      out.errors.push_back(std::move(row));
    }
  }
  if (out.diff_input) {
    std::string_view old_name =
        old_decision.effect >= 0 ? kEffects[static_cast<size_t>(old_decision.effect)] : "";
    ++out.transitions[fmt::format("{} -> {}", old_name, kEffects[static_cast<size_t>(effect)])];
  }
  // Flagged: every changed record of a diff; a run's records that are not plainly allowed.
  const bool flagged = out.diff_input || (static_cast<size_t>(effect) != kAllowEffect &&
                                          static_cast<size_t>(effect) != kErrorEffect);
  if (flagged) {
    ++out.flagged_total;
    if (out.flagged.size() < kListedRows) {
      FlaggedRow row;
      row.line = line;
      row.id = std::string(d.id);
      row.date = std::string(date);
      if (out.diff_input && old_decision.effect >= 0) {
        row.old_effect = std::string(kEffects[static_cast<size_t>(old_decision.effect)]);
      }
      row.effect = std::string(kEffects[static_cast<size_t>(effect)]);
      row.rules = Joined(d.rules);
      out.flagged.push_back(std::move(row));
    }
  }
}

Aggregates ReportAggregator::Finish() {
  State& s = *state_;
  s.out.destinations = Top(s.destinations);
  s.out.items = Top(s.items);
  s.out.parties = Top(s.parties);
  s.out.rules = Top(s.rules);
  s.out.licences = Top(s.licences);
  s.out.policies = Sorted(s.policies);
  for (auto& [key, count] : s.unknowns) s.out.unknowns.push_back(std::move(count));
  std::stable_sort(s.out.unknowns.begin(), s.out.unknowns.end(),
                   [](const UnknownCount& a, const UnknownCount& b) {
                     if (a.in_review != b.in_review) return a.in_review > b.in_review;
                     return a.decisions > b.decisions;
                   });
  if (s.warned_lines > kMaxWarnings) {
    s.warnings.push_back(
        fmt::format("... and {} more lines that are not decisions", s.warned_lines - kMaxWarnings));
  }
  return std::move(s.out);
}

}  // namespace licit::report
