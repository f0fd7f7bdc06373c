#include "core/screen.h"

#include <cmath>

#include <fmt/format.h>

namespace licit::rt {

std::string ScoreText(double score) { return fmt::format("{:.2f}", score); }

const screening::Hit& ScreenParty(const ScreenList& list, std::string_view party,
                                  std::optional<CountryId> country, DayNumber day) {
  struct Last {
    const screening::PartyList* list = nullptr;
    uint64_t generation = 0;
    screening::Thresholds thresholds;
    std::string party;
    std::optional<CountryId> country;
    DayNumber day = 0;
    screening::Hit hit;
  };
  thread_local Last last;
  const screening::PartyList& l = *list.list;
  if (last.list == &l && last.generation == l.generation() && last.day == day &&
      last.country == country && last.party == party &&
      last.thresholds.match == l.thresholds().match &&
      last.thresholds.review == l.thresholds().review) {
    return last.hit;
  }
  last.hit = l.Screen(party, country, day);
  last.list = &l;
  last.generation = l.generation();
  last.thresholds = l.thresholds();
  last.party.assign(party);
  last.country = country;
  last.day = day;
  return last.hit;
}

std::string PossibleMatchText(std::string_view party, const ScreenList& list,
                              const screening::Hit& hit) {
  return fmt::format("possible match: \"{}\" ~ \"{}\" ({}, {} row {})", party, hit.matched,
                     ScoreText(hit.score), list.name, hit.entry ? hit.entry->row : 0);
}

std::string DescribeScreen(std::string_view party, std::optional<CountryId> country, DayNumber day,
                           const ScreenList& list) {
  const screening::Hit hit = list.list->Screen(party, country, day);
  std::string text;
  if (hit.entry == nullptr) {
    text = fmt::format("no entry of {} resembles \"{}\"", list.name, party);
  } else {
    const char* verdict = hit.kind == screening::Hit::Kind::Match      ? "matches"
                          : hit.kind == screening::Hit::Kind::Possible ? "possibly matches"
                                                                       : "is not";
    text = fmt::format("\"{}\" {} \"{}\" ({}{}, {} row {})", party, verdict, hit.matched,
                       hit.exact ? "exact, " : "", ScoreText(hit.score), list.name, hit.entry->row);
    if (hit.kind == screening::Hit::Kind::None) {
      text += fmt::format(", below the review threshold {}", list.list->thresholds().review);
    }
  }
  if (hit.cleared != nullptr && hit.cleared_entry != nullptr) {
    const screening::Clearance& c = *hit.cleared;
    text += fmt::format("; \"{}\" (row {}) was cleared for this party by {} on {}",
                        hit.cleared_entry->name, hit.cleared_entry->row, c.decided_by,
                        FormatDate(c.decided_on));
    if (!c.note.empty()) text += " (" + c.note + ")";
  }
  return text;
}

namespace {

// A score as the exact decimal users see: two places.
Decimal ScoreDecimal(double score) {
  constexpr __int128 kHundredth = static_cast<__int128>(10'000'000'000'000'000);  // 10^16
  return Decimal{static_cast<__int128>(std::llround(score * 100)) * kHundredth};
}

}  // namespace
}  // namespace licit::rt

extern "C" void licit_rt_screen(licit::rt::EvalContext* ctx, const licit::rt::ScreenList* list,
                                uint8_t part, const licit::rt::Value* name,
                                const licit::rt::Value* country, licit::rt::Value* out) {
  using namespace licit::rt;
  if (!name->known()) {
    *out = *name;
    return;
  }
  const auto which = static_cast<ScreenPart>(part);
  if (which == ScreenPart::List) {
    *out = Value::String(list->name);
    return;
  }
  const std::string_view party = name->text();
  const licit::screening::Hit& hit = ScreenParty(*list, party, ScreenCountry(country), ctx->date);
  if (which == ScreenPart::Matches) {
    switch (hit.kind) {
      case licit::screening::Hit::Kind::Match: *out = Value::Bool(true); return;
      case licit::screening::Hit::Kind::Possible:
        *out = ctx->Unknown(UnknownKind::PossibleMatch, PossibleMatchText(party, *list, hit));
        return;
      case licit::screening::Hit::Kind::None: *out = Value::Bool(false); return;
    }
  }
  const licit::screening::Entry* entry = hit.entry;
  if (entry == nullptr) {
    *out = ctx->Unknown(UnknownKind::NoListEntry,
                        fmt::format("no entry of {} resembles \"{}\"", list->name, party));
    return;
  }
  switch (which) {
    case ScreenPart::Id: *out = Value::String(entry->id); return;
    case ScreenPart::Name: *out = Value::String(entry->name); return;
    case ScreenPart::Score: *out = Value::Dec(ScoreDecimal(hit.score)); return;
    case ScreenPart::Source: *out = Value::String(entry->source); return;
    case ScreenPart::Row: *out = Value::Int(entry->row); return;
    case ScreenPart::Matches:
    case ScreenPart::List: break;
  }
  *out = Value::Bool(false);  // unreachable: every part is handled above
}
