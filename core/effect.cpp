#include "core/effect.h"

#include "base/check.h"

namespace licit::rt {

const char* EffectName(Effect e) {
  switch (e) {
    case Effect::Allow: return "allow";
    case Effect::Exempt: return "exempt";
    case Effect::Review: return "review";
    case Effect::License: return "license";
    case Effect::Deny: return "deny";
    case Effect::Error: return "error";
  }
  LICIT_UNREACHABLE("an Effect outside the enum");
}

std::optional<Effect> ParseEffect(std::string_view name) {
  for (auto e : {Effect::Allow, Effect::Exempt, Effect::Review, Effect::License, Effect::Deny,
                 Effect::Error}) {
    if (name == EffectName(e)) return e;
  }
  return std::nullopt;
}

}  // namespace licit::rt
