#include "core/decision.h"

#include <charconv>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "base/json.h"

namespace licit::rt {
namespace {

// Appends a string literal (the JSON punctuation and keys, which need no escaping) in one call.
template <size_t N>
void Lit(std::string& out, const char (&text)[N]) {
  out.append(text, N - 1);
}

// `"YYYY-MM-DD"` (quotes included) of a date whose year has four digits, as FormatDate writes it.
constexpr size_t kJsonDateBytes = 12;
void WriteJsonDate(char* out, const CivilDate& c) {
  auto y = static_cast<uint32_t>(c.year);
  const char text[kJsonDateBytes] = {'"',
                                     static_cast<char>('0' + y / 1000),
                                     static_cast<char>('0' + y / 100 % 10),
                                     static_cast<char>('0' + y / 10 % 10),
                                     static_cast<char>('0' + y % 10),
                                     '-',
                                     static_cast<char>('0' + c.month / 10),
                                     static_cast<char>('0' + c.month % 10),
                                     '-',
                                     static_cast<char>('0' + c.day / 10),
                                     static_cast<char>('0' + c.day % 10),
                                     '"'};
  std::memcpy(out, text, kJsonDateBytes);
}

// "YYYY-MM-DD" in quotes, as FormatDate writes it, without a temporary string.
void AppendJsonDate(std::string& out, DayNumber day) {
  CivilDate c = CivilFromDays(day);
  if (c.year < 0 || c.year > 9999) {
    AppendJsonString(out, FormatDate(day));
    return;
  }
  char text[kJsonDateBytes];
  WriteJsonDate(text, c);
  out.append(text, kJsonDateBytes);
}

// The effect name as a JSON string ("allow" etc. need no escaping).
void AppendJsonEffect(std::string& out, Effect e) {
  out.push_back('"');
  out.append(EffectName(e));
  out.push_back('"');
}

void AppendJsonOpt(std::string& out, const std::optional<std::string>& s) {
  if (s) {
    AppendJsonString(out, *s);
  } else {
    out += "null";
  }
}

void AppendCsvField(std::string& out, std::string_view s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

void AppendDecisionJsonHead(const Decision& d, std::string& out) {
  AppendDecisionJsonHead(d.id ? std::optional<std::string_view>(*d.id) : std::nullopt, d.effect,
                         d.date, out);
}

void AppendDecisionJsonHead(std::optional<std::string_view> id, Effect effect,
                            std::optional<DayNumber> date, std::string& out) {
  // The usual head (a short id of plain characters, a four-digit year) is assembled on the
  // stack and appended once: `licit run` writes one per record, and the appends one by one cost
  // more than the rest of its rendering (bench/README.md, "licit run to a file").
  constexpr size_t kMaxFastId = 64;
  if (id && date && id->size() <= kMaxFastId && !NeedsJsonEscape(*id)) {
    const CivilDate c = CivilFromDays(*date);
    if (c.year >= 0 && c.year <= 9999) {
      char buf[kMaxFastId + 64];
      char* p = buf;
      auto put = [&p](std::string_view text) {
        std::memcpy(p, text.data(), text.size());
        p += text.size();
      };
      put("{\"id\":\"");
      put(*id);
      put("\",\"effect\":\"");
      put(EffectName(effect));
      put("\",\"date\":");
      WriteJsonDate(p, c);
      p += kJsonDateBytes;
      *p++ = ',';
      out.append(buf, static_cast<size_t>(p - buf));
      return;
    }
  }
  Lit(out, "{\"id\":");
  if (id) {
    AppendJsonString(out, *id);
  } else {
    Lit(out, "null");
  }
  Lit(out, ",\"effect\":");
  AppendJsonEffect(out, effect);
  Lit(out, ",\"date\":");
  if (date) {
    AppendJsonDate(out, *date);
  } else {
    Lit(out, "null");
  }
  out.push_back(',');
}

void AppendDecisionJson(const Decision& d, std::string& out) {
  if (d.effect == Effect::Error) {
    Lit(out, "{\"line\":");
    if (d.line) {
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *d.line);
      (void)ec;
      out.append(digits, static_cast<size_t>(end - digits));
    } else {
      Lit(out, "null");
    }
    Lit(out, ",\"id\":");
    AppendJsonOpt(out, d.id);
    Lit(out, ",\"effect\":\"error\",\"error\":");
    AppendJsonString(out, d.error);
    out.push_back('}');
    return;
  }
  const bool several = d.policies.size() > 1;
  AppendDecisionJsonHead(d, out);
  if (several) {
    Lit(out, "\"policies\":[");
    for (size_t i = 0; i < d.policies.size(); ++i) {
      if (i > 0) out.push_back(',');
      Lit(out, "{\"name\":");
      AppendJsonString(out, d.policies[i].name);
      Lit(out, ",\"version\":");
      AppendJsonOpt(out, d.policies[i].version);
      Lit(out, ",\"effect\":");
      AppendJsonEffect(out, d.policies[i].effect);
      out.push_back('}');
    }
    out.push_back(']');
  } else {
    Lit(out, "\"policy\":{\"name\":");
    if (d.policies.empty()) {
      Lit(out, "\"\",\"version\":null}");
    } else {
      AppendJsonString(out, d.policies[0].name);
      Lit(out, ",\"version\":");
      AppendJsonOpt(out, d.policies[0].version);
      out.push_back('}');
    }
  }
  Lit(out, ",\"rules\":[");
  for (size_t i = 0; i < d.rules.size(); ++i) {
    const RuleHit& r = d.rules[i];
    if (i > 0) out.push_back(',');
    Lit(out, "{\"rule\":");
    AppendJsonString(out, r.rule);
    if (several) {
      Lit(out, ",\"policy\":");
      AppendJsonString(out, r.policy);
    }
    Lit(out, ",\"effect\":");
    AppendJsonEffect(out, r.effect);
    Lit(out, ",\"license\":");
    AppendJsonOpt(out, r.license);
    Lit(out, ",\"because\":");
    AppendJsonOpt(out, r.because);
    Lit(out, ",\"cite\":");
    AppendJsonOpt(out, r.cite);
    Lit(out, ",\"at\":");
    AppendJsonString(out, r.at);
    out.push_back('}');
  }
  Lit(out, "],\"waived\":[");
  for (size_t i = 0; i < d.waived.size(); ++i) {
    if (i > 0) out.push_back(',');
    Lit(out, "{\"rule\":");
    AppendJsonString(out, d.waived[i].rule);
    Lit(out, ",\"exception\":");
    AppendJsonString(out, d.waived[i].exception);
    Lit(out, ",\"at\":");
    AppendJsonString(out, d.waived[i].at);
    out.push_back('}');
  }
  Lit(out, "],\"licenses\":[");
  for (size_t i = 0; i < d.licenses.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(out, d.licenses[i]);
  }
  Lit(out, "],\"unknowns\":[");
  for (size_t i = 0; i < d.unknowns.size(); ++i) {
    if (i > 0) out.push_back(',');
    Lit(out, "{\"rule\":");
    AppendJsonString(out, d.unknowns[i].rule);
    Lit(out, ",\"reason\":");
    AppendJsonString(out, d.unknowns[i].reason);
    out.push_back('}');
  }
  out.push_back(']');
  if (!d.matches.empty()) {
    Lit(out, ",\"matches\":[");
    for (size_t i = 0; i < d.matches.size(); ++i) {
      const MatchNote& m = d.matches[i];
      if (i > 0) out.push_back(',');
      Lit(out, "{\"rule\":");
      AppendJsonString(out, m.rule);
      Lit(out, ",\"list\":");
      AppendJsonString(out, m.list);
      Lit(out, ",\"party\":");
      AppendJsonString(out, m.party);
      Lit(out, ",\"name\":");
      AppendJsonString(out, m.name);
      Lit(out, ",\"entry\":");
      AppendJsonString(out, m.entry);
      if (m.matched != m.entry) {
        Lit(out, ",\"alias\":");
        AppendJsonString(out, m.matched);
      }
      Lit(out, ",\"id\":");
      AppendJsonString(out, m.id);
      Lit(out, ",\"row\":");
      out += std::to_string(m.row);
      Lit(out, ",\"score\":");
      out += fmt::format("{:.2f}", m.score);
      out.push_back('}');
    }
    out.push_back(']');
  }
  out.push_back('}');
}

std::string DecisionToJson(const Decision& d) {
  std::string out;
  out.reserve(256);
  AppendDecisionJson(d, out);
  return out;
}

std::string DecisionCsvHeader() {
  return "id,line,effect,date,policies,rules,licenses,unknowns,error";
}

std::string DecisionToCsv(const Decision& d) {
  std::string out;
  auto join = [](auto begin, auto end, auto render) {
    std::string s;
    for (auto it = begin; it != end; ++it) {
      if (!s.empty()) s += "; ";
      s += render(*it);
    }
    return s;
  };
  AppendCsvField(out, d.id.value_or(""));
  out.push_back(',');
  if (d.line) out += std::to_string(*d.line);
  out.push_back(',');
  out += EffectName(d.effect);
  out.push_back(',');
  if (d.date) out += FormatDate(*d.date);
  out.push_back(',');
  AppendCsvField(out, join(d.policies.begin(), d.policies.end(), [](const PolicyResult& p) {
                   return p.name + ": " + EffectName(p.effect);
                 }));
  out.push_back(',');
  AppendCsvField(out, join(d.rules.begin(), d.rules.end(), [](const RuleHit& r) {
                   return r.rule + " (" + EffectName(r.effect) + ")";
                 }));
  out.push_back(',');
  AppendCsvField(
      out, join(d.licenses.begin(), d.licenses.end(), [](const std::string& s) { return s; }));
  out.push_back(',');
  AppendCsvField(out, join(d.unknowns.begin(), d.unknowns.end(),
                           [](const UnknownNote& u) { return u.rule + ": " + u.reason; }));
  out.push_back(',');
  AppendCsvField(out, d.error);
  return out;
}

}  // namespace licit::rt
