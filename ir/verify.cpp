// ir::Verify: the structural invariants both engines rely on, so a lowering bug shows up as a
// precise message in tests instead of a wrong decision (or a crash in JIT-compiled code).
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ir/ir.h"

namespace licit::ir {
namespace {

using K = rt::ValueKind;

bool IsCollection(K k) { return k == K::Set || k == K::List; }
bool IsNumeric(K k) { return k == K::Int || k == K::Decimal; }

// Fixed operand counts; -1: two or more (And, Or), -2: one or more (MakeSet, MakeList),
// -3: depends on the builtin, -4: one or two (Screen).
int Arity(Op op) {
  switch (op) {
    case Op::Const:
    case Op::Field:
    case Op::Has:
    case Op::ClassRef: return 0;
    case Op::Not:
    case Op::Neg:
    case Op::ToDecimal:
    case Op::ToCode:
    case Op::InGroup:
    case Op::NotInGroup: return 1;
    case Op::And:
    case Op::Or: return -1;
    case Op::If: return 3;
    case Op::MakeSet:
    case Op::MakeList: return -2;
    case Op::Call: return -3;
    case Op::Screen: return -4;
    default: return 2;
  }
}

class Verifier {
 public:
  explicit Verifier(const Program& p) : p_(p) {}

  std::vector<std::string> Run() {
    CheckLayout();
    for (ExprId id = 0; id < p_.nodes.size(); ++id) CheckNode(id);
    for (size_t i = 0; i < p_.classes.size(); ++i) {
      CheckBoolExpr(p_.classes[i].predicate, fmt::format("class {}", p_.classes[i].name), false);
    }
    for (const Policy& pol : p_.policies) CheckPolicy(pol);
    return std::move(problems_);
  }

 private:
  template <typename... Args>
  void Problem(fmt::format_string<Args...> f, Args&&... args) {
    problems_.push_back(fmt::format(f, std::forward<Args>(args)...));
  }

  void CheckLayout() {
    const rt::RecordLayout& in = p_.input;
    uint32_t n = static_cast<uint32_t>(in.slots.size());
    for (uint32_t i = 0; i < n; ++i) {
      const rt::FieldSlot& s = in.slots[i];
      if (s.parent >= static_cast<int32_t>(i)) {
        Problem("slot {} ({}): parent {} does not come before it", i, s.path, s.parent);
      } else if (s.parent >= 0 && in.slots[s.parent].kind != K::Record) {
        Problem("slot {} ({}): parent {} is not a record", i, s.path, s.parent);
      }
      if (s.kind != K::Record && !s.children.empty()) {
        Problem("slot {} ({}): a {} slot has children", i, s.path, rt::ValueKindName(s.kind));
      }
      for (uint32_t c : s.children) {
        if (c >= n || in.slots[c].parent != static_cast<int32_t>(i)) {
          Problem("slot {} ({}): child {} does not name it as parent", i, s.path, c);
        }
      }
      if (IsCollection(s.kind) == (s.element == K::Unknown) && IsCollection(s.kind)) {
        Problem("slot {} ({}): collection without an element kind", i, s.path);
      }
    }
    for (uint32_t t : in.top_level) {
      if (t >= n || in.slots[t].parent != -1) Problem("top-level slot {} is not top level", t);
    }
    if (in.date_slot >= static_cast<int32_t>(n) ||
        (in.date_slot >= 0 && in.slots[in.date_slot].kind != K::Date)) {
      Problem("date slot {} is not a date slot", in.date_slot);
    }
    if (in.id_slot >= static_cast<int32_t>(n) ||
        (in.id_slot >= 0 && in.slots[in.id_slot].kind != K::String)) {
      Problem("id slot {} is not a string slot", in.id_slot);
    }
  }

  const Node* Operand(const Node& n, uint32_t i) const {
    uint32_t k = n.first + i;
    if (k >= p_.operands.size() || p_.operands[k] >= p_.nodes.size()) return nullptr;
    return &p_.nodes[p_.operands[k]];
  }

  void CheckNode(ExprId id) {
    const Node& n = p_.nodes[id];
    const char* op = OpName(n.op);
    if (static_cast<uint64_t>(n.first) + n.count > p_.operands.size()) {
      Problem("expr {} ({}): operands [{}, +{}) out of range", id, op, n.first, n.count);
      return;
    }
    for (uint32_t i = 0; i < n.count; ++i) {
      // Operands come first: the node graph is acyclic and engines can evaluate in index order.
      if (p_.operands[n.first + i] >= id) {
        Problem("expr {} ({}): operand {} is expr {}, not an earlier one", id, op, i,
                p_.operands[n.first + i]);
        return;
      }
    }
    int arity = Arity(n.op);
    uint32_t want = 0;
    if (n.op == Op::Call) {
      if (n.imm >= rt::AllBuiltins().size() || n.imm == static_cast<uint32_t>(Builtin::Has)) {
        Problem("expr {} (call): builtin {} out of range", id, n.imm);
        return;
      }
      want = rt::InfoOf(static_cast<Builtin>(n.imm)).arity;
    }
    bool count_ok = arity >= 0    ? n.count == static_cast<uint32_t>(arity)
                    : arity == -1 ? n.count >= 2
                    : arity == -2 ? n.count >= 1
                    : arity == -4 ? n.count == 1 || n.count == 2
                                  : n.count == want;
    if (!count_ok) {
      Problem("expr {} ({}): {} operands", id, op, n.count);
      return;
    }
    if (IsCollection(n.kind) != (n.element != K::Unknown) && !IsCollection(n.kind)) {
      Problem("expr {} ({}): element kind on a {} result", id, op, rt::ValueKindName(n.kind));
    }
    auto kind = [&](uint32_t i) { return Operand(n, i)->kind; };
    auto expect_result = [&](K k) {
      if (n.kind != k) {
        Problem("expr {} ({}): result is {}, expected {}", id, op, rt::ValueKindName(n.kind),
                rt::ValueKindName(k));
      }
    };
    auto expect_operand = [&](uint32_t i, bool ok, const char* what) {
      if (!ok) {
        Problem("expr {} ({}): operand {} is {}, expected {}", id, op, i,
                rt::ValueKindName(kind(i)), what);
      }
    };
    switch (n.op) {
      case Op::Const: {
        if (n.imm >= p_.constants.size()) {
          Problem("expr {} (const): constant {} out of range", id, n.imm);
          break;
        }
        const rt::Value& v = p_.constants[n.imm];
        if (v.kind != n.kind) {
          Problem("expr {} (const): node is {}, constant is {}", id, rt::ValueKindName(n.kind),
                  rt::ValueKindName(v.kind));
        } else if (IsCollection(v.kind) && n.element != K::Unknown) {
          for (const rt::Value& x : v.items) {
            if (x.kind != n.element) {
              Problem("expr {} (const): a {} element in a collection of {}", id,
                      rt::ValueKindName(x.kind), rt::ValueKindName(n.element));
              break;
            }
          }
        }
        break;
      }
      case Op::Field:
      case Op::Has:
        if (n.imm >= p_.input.slots.size()) {
          Problem("expr {} ({}): slot {} out of range", id, op, n.imm);
        } else if (n.op == Op::Field && (p_.input.slots[n.imm].kind != n.kind ||
                                         p_.input.slots[n.imm].element != n.element)) {
          Problem("expr {} (field): kind {} differs from slot {} ({})", id,
                  rt::ValueKindName(n.kind), p_.input.slots[n.imm].path,
                  rt::ValueKindName(p_.input.slots[n.imm].kind));
        } else if (n.op == Op::Has) {
          expect_result(K::Bool);
        }
        break;
      case Op::ClassRef:
        if (n.imm >= p_.classes.size())
          Problem("expr {} (class): class {} out of range", id, n.imm);
        expect_result(K::Bool);
        break;
      case Op::Not:
      case Op::And:
      case Op::Or:
        expect_result(K::Bool);
        for (uint32_t i = 0; i < n.count; ++i) expect_operand(i, kind(i) == K::Bool, "Bool");
        break;
      case Op::If:
        expect_operand(0, kind(0) == K::Bool, "Bool");
        expect_operand(1, kind(1) == n.kind, rt::ValueKindName(n.kind));
        expect_operand(2, kind(2) == n.kind, rt::ValueKindName(n.kind));
        break;
      case Op::Eq:
      case Op::Ne:
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        expect_result(K::Bool);
        expect_operand(1, kind(1) == kind(0), rt::ValueKindName(kind(0)));
        break;
      case Op::In:
      case Op::NotIn: {
        expect_result(K::Bool);
        expect_operand(1, IsCollection(kind(1)), "Set or List");
        K element = Operand(n, 1)->element;
        if (element != K::Unknown)
          expect_operand(0, kind(0) == element, rt::ValueKindName(element));
        break;
      }
      case Op::InGroup:
      case Op::NotInGroup:
        expect_result(K::Bool);
        expect_operand(0, kind(0) == K::Country, "Country");
        if (n.imm >= p_.groups.size())
          Problem("expr {} ({}): group {} out of range", id, op, n.imm);
        break;
      case Op::Under:
      case Op::NotUnder: {
        expect_result(K::Bool);
        expect_operand(0, kind(0) == K::Code, "Code");
        const Node* r = Operand(n, 1);
        bool ok = r->kind == K::Code ||
                  (IsCollection(r->kind) && (r->element == K::Code || r->element == K::Unknown));
        expect_operand(1, ok, "Code or a collection of Code");
        break;
      }
      case Op::Matches:
        expect_result(K::Bool);
        expect_operand(0, kind(0) == K::String || kind(0) == K::Code, "String or Code");
        expect_operand(1, kind(1) == K::String, "String");
        break;
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
      case Op::Mod: {
        K a = kind(0), b = kind(1);
        bool ok = false;
        if (n.kind == K::Int) ok = a == K::Int && b == K::Int && n.op != Op::Div;
        if (n.kind == K::Decimal) ok = a == K::Decimal && b == K::Decimal;
        if (n.kind == K::Money) {
          ok = (n.op == Op::Add || n.op == Op::Sub)
                   ? a == K::Money && b == K::Money
                   : (a == K::Money && b == K::Decimal && n.op != Op::Mod) ||
                         (a == K::Decimal && b == K::Money && n.op == Op::Mul);
        }
        if (!ok) {
          Problem("expr {} ({}): {} from {} and {}", id, op, rt::ValueKindName(n.kind),
                  rt::ValueKindName(a), rt::ValueKindName(b));
        }
        break;
      }
      case Op::Neg:
        expect_operand(0, kind(0) == n.kind && (IsNumeric(n.kind) || n.kind == K::Money),
                       "a number or money of the result kind");
        break;
      case Op::ToDecimal:
        expect_result(K::Decimal);
        expect_operand(0, kind(0) == K::Int, "Int");
        break;
      case Op::ToCode: {
        const Node* x = Operand(n, 0);
        bool ok = (n.kind == K::Code && x->kind == K::String) ||
                  (IsCollection(n.kind) && x->kind == n.kind && n.element == K::Code &&
                   (x->element == K::String || x->element == K::Code));
        expect_operand(0, ok, "String, or a collection of String");
        break;
      }
      case Op::Screen: {
        expect_operand(0, kind(0) == K::String, "String");
        if (n.count == 2) expect_operand(1, kind(1) == K::Country, "Country");
        if (ScreenListOf(n.imm) >= p_.lists.size()) {
          Problem("expr {} (screen): list {} out of range", id, ScreenListOf(n.imm));
        }
        expect_result(rt::ScreenPartKind(ScreenPartOf(n.imm)));
        break;
      }
      case Op::Call: break;  // builtin signatures are the checker's; counts were checked above
      case Op::MakeSet:
      case Op::MakeList:
        expect_result(n.op == Op::MakeSet ? K::Set : K::List);
        for (uint32_t i = 0; i < n.count; ++i) {
          expect_operand(i, kind(i) == n.element, rt::ValueKindName(n.element));
        }
        break;
    }
  }

  void CheckBoolExpr(ExprId id, const std::string& where, bool optional) {
    if (id == kNone) {
      if (!optional) Problem("{}: missing expression", where);
      return;
    }
    if (id >= p_.nodes.size()) {
      Problem("{}: expr {} out of range", where, id);
    } else if (p_.nodes[id].kind != K::Bool) {
      Problem("{}: expr {} is {}, not Bool", where, id, rt::ValueKindName(p_.nodes[id].kind));
    }
  }

  void CheckPeriod(const Period& p, const std::string& where) {
    if (p.until < p.since) Problem("{}: period ends before it starts", where);
  }

  void CheckPolicy(const Policy& pol) {
    for (const Rule& r : pol.rules) {
      std::string where = fmt::format("{}: rule {}", pol.name, r.name);
      CheckBoolExpr(r.scope_class, where + " scope", true);
      if (r.scope_class != kNone && r.scope_class < p_.nodes.size() &&
          p_.nodes[r.scope_class].op != Op::ClassRef) {
        Problem("{}: scope is not a class reference", where);
      }
      CheckBoolExpr(r.destination, where + " destination", true);
      CheckBoolExpr(r.when, where + " when", true);
      CheckBoolExpr(r.unless, where + " unless", true);
      for (SuspensionId s : r.suspensions) {
        if (s >= pol.suspensions.size()) Problem("{}: suspension {} out of range", where, s);
      }
      for (ExceptionId x : r.waived_by) {
        if (x >= pol.exceptions.size()) Problem("{}: exception {} out of range", where, x);
      }
      if (r.effect == Effect::Exempt) Problem("{}: a rule cannot be exempt", where);
      if (r.license && r.effect != Effect::License)
        Problem("{}: licence on a non-licence rule", where);
    }
    for (const Exception& x : pol.exceptions) {
      std::string where = fmt::format("{}: exception {}", pol.name, x.name);
      CheckBoolExpr(x.when, where + " when", true);
      CheckBoolExpr(x.unless, where + " unless", true);
      CheckPeriod(x.period, where);
      for (RuleId r : x.rules) {
        if (r >= pol.rules.size()) Problem("{}: rule {} out of range", where, r);
      }
      for (SuspensionId s : x.suspensions) {
        if (s >= pol.suspensions.size()) Problem("{}: suspension {} out of range", where, s);
      }
    }
    for (const Test& t : pol.tests) {
      for (const auto& [slot, c] : t.given) {
        if (slot >= p_.input.slots.size() || c >= p_.constants.size()) {
          Problem("{}: test \"{}\": assignment of c{} to slot {} out of range", pol.name, t.name, c,
                  slot);
          continue;
        }
        const rt::FieldSlot& s = p_.input.slots[slot];
        const rt::Value& v = p_.constants[c];
        if (v.kind != s.kind) {
          Problem("{}: test \"{}\": {} is {}, given a {}", pol.name, t.name, s.path,
                  rt::ValueKindName(s.kind), rt::ValueKindName(v.kind));
        }
        // A nested field is given only with its record present, so readers' invariants hold.
        if (s.parent >= 0) {
          bool parent_given = false;
          for (const auto& [other, oc] : t.given)
            parent_given |= other == static_cast<uint32_t>(s.parent);
          if (!parent_given) {
            Problem("{}: test \"{}\": {} given without its record", pol.name, t.name, s.path);
          }
        }
      }
    }
  }

  const Program& p_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> Verify(const Program& program) { return Verifier(program).Run(); }

}  // namespace licit::ir
