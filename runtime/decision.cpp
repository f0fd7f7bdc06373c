#include "runtime/decision.h"

#include <string_view>

namespace licit::rt {
namespace {

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void AppendJsonOpt(std::string& out, const std::optional<std::string>& s) {
  if (s) {
    AppendJsonString(out, *s);
  } else {
    out += "null";
  }
}

void AppendKey(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out.push_back(':');
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

const char* DecisionEffectName(DecisionEffect e) {
  switch (e) {
    case DecisionEffect::Allow: return "allow";
    case DecisionEffect::Exempt: return "exempt";
    case DecisionEffect::Review: return "review";
    case DecisionEffect::License: return "license";
    case DecisionEffect::Deny: return "deny";
    case DecisionEffect::Error: return "error";
  }
  return "error";
}

std::optional<DecisionEffect> ParseDecisionEffect(std::string_view name) {
  for (auto e : {DecisionEffect::Allow, DecisionEffect::Exempt, DecisionEffect::Review,
                 DecisionEffect::License, DecisionEffect::Deny, DecisionEffect::Error}) {
    if (name == DecisionEffectName(e)) return e;
  }
  return std::nullopt;
}

std::string DecisionToJson(const Decision& d) {
  std::string out;
  out.reserve(256);
  out.push_back('{');
  if (d.effect == DecisionEffect::Error) {
    AppendKey(out, "line");
    out += d.line ? std::to_string(*d.line) : "null";
    out.push_back(',');
    AppendKey(out, "id");
    AppendJsonOpt(out, d.id);
    out += ",\"effect\":\"error\",";
    AppendKey(out, "error");
    AppendJsonString(out, d.error);
    out.push_back('}');
    return out;
  }
  const bool several = d.policies.size() > 1;
  AppendKey(out, "id");
  AppendJsonOpt(out, d.id);
  out.push_back(',');
  AppendKey(out, "effect");
  AppendJsonString(out, DecisionEffectName(d.effect));
  out.push_back(',');
  AppendKey(out, "date");
  if (d.date) {
    AppendJsonString(out, FormatDate(*d.date));
  } else {
    out += "null";
  }
  out.push_back(',');
  if (several) {
    AppendKey(out, "policies");
    out.push_back('[');
    for (size_t i = 0; i < d.policies.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('{');
      AppendKey(out, "name");
      AppendJsonString(out, d.policies[i].name);
      out.push_back(',');
      AppendKey(out, "version");
      AppendJsonOpt(out, d.policies[i].version);
      out.push_back(',');
      AppendKey(out, "effect");
      AppendJsonString(out, DecisionEffectName(d.policies[i].effect));
      out.push_back('}');
    }
    out.push_back(']');
  } else {
    AppendKey(out, "policy");
    out.push_back('{');
    AppendKey(out, "name");
    AppendJsonString(out, d.policies.empty() ? std::string() : d.policies[0].name);
    out.push_back(',');
    AppendKey(out, "version");
    AppendJsonOpt(out, d.policies.empty() ? std::nullopt : d.policies[0].version);
    out.push_back('}');
  }
  out.push_back(',');
  AppendKey(out, "rules");
  out.push_back('[');
  for (size_t i = 0; i < d.rules.size(); ++i) {
    const RuleHit& r = d.rules[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    AppendKey(out, "rule");
    AppendJsonString(out, r.rule);
    out.push_back(',');
    if (several) {
      AppendKey(out, "policy");
      AppendJsonString(out, r.policy);
      out.push_back(',');
    }
    AppendKey(out, "effect");
    AppendJsonString(out, DecisionEffectName(r.effect));
    out.push_back(',');
    AppendKey(out, "license");
    AppendJsonOpt(out, r.license);
    out.push_back(',');
    AppendKey(out, "because");
    AppendJsonOpt(out, r.because);
    out.push_back(',');
    AppendKey(out, "cite");
    AppendJsonOpt(out, r.cite);
    out.push_back(',');
    AppendKey(out, "at");
    AppendJsonString(out, r.at);
    out.push_back('}');
  }
  out += "],";
  AppendKey(out, "waived");
  out.push_back('[');
  for (size_t i = 0; i < d.waived.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('{');
    AppendKey(out, "rule");
    AppendJsonString(out, d.waived[i].rule);
    out.push_back(',');
    AppendKey(out, "exception");
    AppendJsonString(out, d.waived[i].exception);
    out.push_back(',');
    AppendKey(out, "at");
    AppendJsonString(out, d.waived[i].at);
    out.push_back('}');
  }
  out += "],";
  AppendKey(out, "licenses");
  out.push_back('[');
  for (size_t i = 0; i < d.licenses.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(out, d.licenses[i]);
  }
  out += "],";
  AppendKey(out, "unknowns");
  out.push_back('[');
  for (size_t i = 0; i < d.unknowns.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('{');
    AppendKey(out, "rule");
    AppendJsonString(out, d.unknowns[i].rule);
    out.push_back(',');
    AppendKey(out, "reason");
    AppendJsonString(out, d.unknowns[i].reason);
    out.push_back('}');
  }
  out += "]}";
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
  out += DecisionEffectName(d.effect);
  out.push_back(',');
  if (d.date) out += FormatDate(*d.date);
  out.push_back(',');
  AppendCsvField(out, join(d.policies.begin(), d.policies.end(), [](const PolicyResult& p) {
                   return p.name + ": " + DecisionEffectName(p.effect);
                 }));
  out.push_back(',');
  AppendCsvField(out, join(d.rules.begin(), d.rules.end(), [](const RuleHit& r) {
                   return r.rule + " (" + DecisionEffectName(r.effect) + ")";
                 }));
  out.push_back(',');
  AppendCsvField(out, join(d.licenses.begin(), d.licenses.end(),
                           [](const std::string& s) { return s; }));
  out.push_back(',');
  AppendCsvField(out, join(d.unknowns.begin(), d.unknowns.end(), [](const UnknownNote& u) {
                   return u.rule + ": " + u.reason;
                 }));
  out.push_back(',');
  AppendCsvField(out, d.error);
  return out;
}

}  // namespace licit::rt
