// The Decision: what Licit says about one record, with its reasons (language.md section 4), and
// its JSON form, which is part of the product (key names are stable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "core/effect.h"

namespace licit::rt {

// A rule that contributed, with what it contributed.
struct RuleHit {
  std::string rule;
  Effect effect = Effect::Deny;  // its contribution (exempt when waived,
                                 // review when its firing was unknown)
  std::optional<std::string> license;
  std::optional<std::string> because;
  std::optional<std::string> cite;
  std::string at;      // "file:line:col"
  std::string policy;  // the policy it belongs to
  bool operator==(const RuleHit&) const = default;
};

struct Waiver {
  std::string rule;
  std::string exception;
  std::string at;  // the exception's location
  bool operator==(const Waiver&) const = default;
};

// Something the policy could not decide, and why ("item.eccn 3B001 is less specific than
// 3B001.c"). `rule` names the rule or exception whose condition it made unknown.
struct UnknownNote {
  std::string rule;
  std::string reason;
  bool operator==(const UnknownNote&) const = default;
};

// A party a fired rule screened and found on a restricted-party list (screening.md): which list,
// which entry (and the name or alias that matched), at what score. Near misses are unknowns.
struct MatchNote {
  std::string rule;
  std::string list;
  std::string party;    // the field screened: "end_user"
  std::string name;     // the party's name in the record
  std::string entry;    // the entry's name in the list
  std::string matched;  // the entry's name or alias that scored best
  std::string id;       // the entry's id (may be empty)
  uint32_t row = 0;     // the entry's line in the list file
  double score = 0;     // two decimal places; 1 for an exact name or alias
  bool operator==(const MatchNote&) const = default;
};

struct PolicyResult {
  std::string name;
  std::optional<std::string> version;
  Effect effect = Effect::Allow;  // this policy's own effect (with its default)
  bool operator==(const PolicyResult&) const = default;
};

struct Decision {
  std::optional<std::string> id;  // the record's `id` field, when it has one
  std::optional<uint64_t> line;   // input line (set by readers; always set for errors)
  Effect effect = Effect::Allow;
  std::optional<DayNumber> date;  // the date judged
  std::vector<PolicyResult> policies;
  std::vector<RuleHit> rules;  // by effect strength (strongest first), then source order
  std::vector<Waiver> waived;
  std::vector<std::string> licenses;  // licence rules that fired unwaived, when effect is license
  std::vector<UnknownNote> unknowns;
  std::vector<MatchNote> matches;  // in judging order; in the JSON only when not empty
  std::string error;               // for effect Error: "line 17: field `destination`: ..."

  // Field by field (the differential tests compare decisions without rendering them; equal
  // decisions render the same JSON, though the JSON leaves out some fields, RuleHit::policy).
  bool operator==(const Decision&) const = default;
};

// One JSON object on one line (no trailing newline), as language.md section 4 shows:
// {"id","effect","date","policy":{"name","version"},"rules":[...],"waived":[...],
//  "licenses":[...],"unknowns":[...]} and "matches":[...] when a rule matched a listed party;
// with several policies, "policy" is replaced by
// "policies": [{"name","version","effect"}]; errors: {"line","id","effect":"error","error"}.
std::string DecisionToJson(const Decision& d);
// The same, appended to `out` (which keeps its capacity across calls: `licit run` renders
// millions of decisions into one reused buffer without allocating per decision).
void AppendDecisionJson(const Decision& d, std::string& out);
// The start of a non-error decision's JSON, the part that varies record by record:
// `{"id":...,"effect":...,"date":...,` (AppendDecisionJson writes it first). What follows depends
// only on the effect, policies, rules, waivers, licences and unknowns.
void AppendDecisionJsonHead(const Decision& d, std::string& out);
// The same from the parts, for a decision not built as a Decision (`licit run`'s fast path: the
// rest of its JSON comes from a cache by verdict).
void AppendDecisionJsonHead(std::optional<std::string_view> id, Effect effect,
                            std::optional<DayNumber> date, std::string& out);

// CSV: the header and one row (id, line, effect, date, policies, rules, licenses, unknowns,
// error), lists joined with "; ", quoted per RFC 4180.
std::string DecisionCsvHeader();
std::string DecisionToCsv(const Decision& d);

}  // namespace licit::rt
