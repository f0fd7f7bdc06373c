#include "ir/ir.h"

#include <algorithm>

#include "base/check.h"

namespace licit::ir {

const char* OpName(Op op) {
  switch (op) {
    case Op::Const: return "const";
    case Op::Field: return "field";
    case Op::Has: return "has";
    case Op::ClassRef: return "class";
    case Op::Not: return "not";
    case Op::And: return "and";
    case Op::Or: return "or";
    case Op::If: return "if";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::In: return "in";
    case Op::NotIn: return "not-in";
    case Op::InGroup: return "in-group";
    case Op::NotInGroup: return "not-in-group";
    case Op::Under: return "under";
    case Op::NotUnder: return "not-under";
    case Op::Matches: return "matches";
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Neg: return "neg";
    case Op::ToDecimal: return "to-decimal";
    case Op::ToCode: return "to-code";
    case Op::Call: return "call";
    case Op::MakeSet: return "make-set";
    case Op::MakeList: return "make-list";
  }
  LICIT_UNREACHABLE("an Op outside the enum");
}

bool Group::Contains(CountryId c, DayNumber day) const {
  auto it = members.find(c);
  if (it == members.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [day](const Period& p) { return p.Contains(day); });
}

std::string_view Program::SourceText(Span span) const {
  if (!span.valid()) return {};
  LICIT_CHECK(span.file < sources.size());
  const std::string& text = sources[span.file].second;
  LICIT_CHECK(span.begin <= span.end && span.end <= text.size());
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

}  // namespace licit::ir
