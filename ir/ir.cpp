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
    case Op::Screen: return "screen";
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

std::vector<ExprId> ScreensIn(const Program& program, ExprId root) {
  std::vector<ExprId> out;
  if (program.lists.empty() || root == kNone) return out;
  std::vector<uint8_t> seen(program.nodes.size(), 0);
  std::vector<ExprId> stack{root};
  while (!stack.empty()) {
    ExprId id = stack.back();
    stack.pop_back();
    if (id >= program.nodes.size() || seen[id]) continue;
    seen[id] = 1;
    const Node& n = program.nodes[id];
    if (n.op == Op::Screen && ScreenPartOf(n.imm) == ScreenPart::Matches) out.push_back(id);
    if (n.op == Op::ClassRef && n.imm < program.classes.size()) {
      stack.push_back(program.classes[n.imm].predicate);
    }
    // Operands pushed last first, so they are visited in source order.
    for (uint32_t k = n.count; k-- > 0;) stack.push_back(program.args(n)[k]);
  }
  return out;
}

}  // namespace licit::ir
