// Party screening at run time: `P matches L` and `match(P, L).field` (screening.md), one function
// both engines call (the interpreter directly, the JIT's code through its address), over the list
// the front end read (screening/). A near miss is an unknown whose reason names the list, the
// entry, its row and the score, so the decision goes to review and says why.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "core/eval_context.h"
#include "core/value.h"
#include "screening/screening.h"

namespace licit::rt {

// What a Screen node computes: whether the party matches, or one field of match(P, L).
// Id..List follow the fields of the checker's `Match` record (sema::MatchRecordType) in order.
enum class ScreenPart : uint8_t { Matches, Id, Name, Score, Source, Row, List };
inline constexpr uint8_t kScreenPartCount = 7;

// The kind of value a part gives (a Bool for Matches; the Match record's field types after it):
// what lowering gives a Screen node and what the IR verifier expects of one.
inline ValueKind ScreenPartKind(ScreenPart part) {
  constexpr ValueKind kKinds[] = {ValueKind::Bool,    ValueKind::String, ValueKind::String,
                                  ValueKind::Decimal, ValueKind::String, ValueKind::Int,
                                  ValueKind::String};
  static_assert(std::size(kKinds) == kScreenPartCount);
  return kKinds[static_cast<uint8_t>(part)];
}

// A list as a program holds it: its name in the policy and its entries (shared with the checked
// program that read it, so a Policy keeps its lists alive).
struct ScreenList {
  std::string name;
  std::shared_ptr<const screening::PartyList> list;
};

// The country a party's `country` operand gives screening: nullopt when absent or unknown (an
// unknown country neither matches nor excludes an entry).
inline std::optional<CountryId> ScreenCountry(const Value* country) {
  if (country == nullptr || country->kind != ValueKind::Country) return std::nullopt;
  return country->country;
}

// "possible match: "KHI Aerospace Systems" ~ "Kawasaki Heavy Industries Aerospace Systems"
// (0.88, jp-control row 3)": the reason a near miss gives, also used by explanations.
std::string PossibleMatchText(std::string_view party, const ScreenList& list,
                              const screening::Hit& hit);
// Screens a party as licit_rt_screen does, remembering the last call on this thread: deciding a
// record can ask the same question up to three times (the JIT's fast path, its full path, and
// the note naming a matched entry), and the answer is the same. The Hit points into the list.
const screening::Hit& ScreenParty(const ScreenList& list, std::string_view party,
                                  std::optional<CountryId> country, DayNumber day);

// "0.88" (scores are rounded to two places before thresholds apply).
std::string ScoreText(double score);
// What screening `party` found, for explanations: the best entry with its score, row and whether
// it is a match, a possible match or below the review threshold, and a clearance that removed a
// better one (who cleared it and when).
std::string DescribeScreen(std::string_view party, std::optional<CountryId> country, DayNumber day,
                           const ScreenList& list);

}  // namespace licit::rt

extern "C" {

// Screens `name` (a String, or an unknown that is passed on) with `country` (may be null) against
// `list` at ctx->date. part Matches: Bool true (match), unknown (possible match, with its reason)
// or false. Other parts: the best entry's field, unknown when no entry resembles the party.
void licit_rt_screen(licit::rt::EvalContext* ctx, const licit::rt::ScreenList* list, uint8_t part,
                     const licit::rt::Value* name, const licit::rt::Value* country,
                     licit::rt::Value* out);

}  // extern "C"
