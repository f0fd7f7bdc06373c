// ir::Print: the `licit dump --emit=ir` listing. Stable across runs (everything is printed in
// index order) so IR goldens diff cleanly; expressions are S-expressions with their result kinds.
#include <string>

#include <fmt/format.h>

#include "base/diagnostic.h"
#include "base/iso_codes.h"
#include "ir/ir.h"

namespace licit::ir {
namespace {

std::string KindText(rt::ValueKind kind, rt::ValueKind element) {
  std::string s = rt::ValueKindName(kind);
  if ((kind == rt::ValueKind::Set || kind == rt::ValueKind::List) &&
      element != rt::ValueKind::Unknown) {
    s += fmt::format("<{}>", rt::ValueKindName(element));
  }
  return s;
}

std::string CountryText(CountryId c) {
  auto all = AllCountries();
  return c < all.size() ? std::string(all[c].code) : fmt::format("country#{}", c);
}

std::string PeriodText(const Period& p) {
  std::string s;
  if (p.since != INT32_MIN) s += "since " + FormatDate(p.since);
  if (p.until != INT32_MAX) s += std::string(s.empty() ? "" : " ") + "until " + FormatDate(p.until);
  return s.empty() ? "always" : s;
}

class Printer {
 public:
  explicit Printer(const Program& p) : p_(p) {}

  std::string Expr(ExprId id) const {
    if (id == kNone) return "true";
    if (id >= p_.nodes.size()) return fmt::format("<bad expr {}>", id);
    const Node& n = p_.nodes[id];
    std::string head = fmt::format("({}:{}", OpName(n.op), KindText(n.kind, n.element));
    switch (n.op) {
      case Op::Const:
        head += " " + (n.imm < p_.constants.size() ? rt::FormatValue(p_.constants[n.imm])
                                                   : fmt::format("<bad const {}>", n.imm));
        break;
      case Op::Field:
      case Op::Has: head += " " + SlotName(n.imm); break;
      case Op::ClassRef:
        head += " " + (n.imm < p_.classes.size() ? p_.classes[n.imm].name
                                                 : fmt::format("<bad class {}>", n.imm));
        break;
      case Op::InGroup:
      case Op::NotInGroup:
        head += " " + (n.imm < p_.groups.size() ? p_.groups[n.imm].name
                                                : fmt::format("<bad group {}>", n.imm));
        break;
      case Op::Call: head += fmt::format(" {}", BuiltinName(static_cast<Builtin>(n.imm))); break;
      case Op::Screen: {
        static constexpr const char* kParts[] = {"matches", "id",  "name", "score",
                                                 "source",  "row", "list"};
        uint32_t list = ScreenListOf(n.imm);
        head += fmt::format(
            " {} {}",
            list < p_.lists.size() ? p_.lists[list].name : fmt::format("<bad list {}>", list),
            kParts[n.imm % rt::kScreenPartCount]);
        break;
      }
      default: break;
    }
    for (uint32_t i = 0; i < n.count; ++i) {
      uint32_t k = n.first + i;
      head += " " + (k < p_.operands.size() ? Expr(p_.operands[k]) : "<bad operand>");
    }
    return head + ")";
  }

  std::string SlotName(uint32_t slot) const {
    return slot < p_.input.slots.size() ? p_.input.slots[slot].path
                                        : fmt::format("<bad slot {}>", slot);
  }

 private:
  const Program& p_;
};

void PrintLayout(const Program& p, std::string* out) {
  const rt::RecordLayout& in = p.input;
  *out += fmt::format("input {}\n", in.type_name);
  for (size_t i = 0; i < in.slots.size(); ++i) {
    const rt::FieldSlot& s = in.slots[i];
    int depth = 0;
    for (int32_t q = s.parent; q >= 0 && q < static_cast<int32_t>(in.slots.size());
         q = in.slots[q].parent) {
      ++depth;
    }
    *out += fmt::format("  slot {:<3} {}{}: {}{}\n", i, std::string(2 * depth, ' '), s.path,
                        KindText(s.kind, s.element), s.optional ? "?" : "");
  }
  *out += fmt::format("  date slot {}, id slot {}\n",
                      in.date_slot < 0 ? "none" : std::to_string(in.date_slot),
                      in.id_slot < 0 ? "none" : std::to_string(in.id_slot));
}

void PrintText(const char* key, const std::optional<std::string>& v, const char* indent,
               std::string* out) {
  if (v) *out += fmt::format("{}{} {}\n", indent, key, JsonQuote(*v));
}

std::string IdList(const std::vector<uint32_t>& ids) {
  std::string s;
  for (uint32_t id : ids) s += (s.empty() ? "" : ", ") + std::to_string(id);
  return s;
}

void PrintPolicy(const Program& p, const Printer& pr, const Policy& pol, std::string* out) {
  *out += fmt::format("\npolicy {}\n", pol.name);
  PrintText("title", pol.title, "  ", out);
  PrintText("version", pol.version, "  ", out);
  if (pol.jurisdiction) *out += fmt::format("  jurisdiction {}\n", *pol.jurisdiction);
  *out += fmt::format("  path {}\n", pol.path);
  *out += fmt::format("  default {}{}\n", EffectName(pol.default_effect),
                      pol.default_license ? " " + JsonQuote(*pol.default_license) : "");
  for (size_t i = 0; i < pol.suspensions.size(); ++i) {
    const Suspension& s = pol.suspensions[i];
    *out += fmt::format("  suspension {} at {}: {}\n", i, s.at, PeriodText(s.period));
    PrintText("because", s.because, "    ", out);
    PrintText("cite", s.cite, "    ", out);
  }
  for (size_t i = 0; i < pol.rules.size(); ++i) {
    const Rule& r = pol.rules[i];
    *out += fmt::format("  rule {} {}: {}{} at {}\n", i, r.name, EffectName(r.effect),
                        r.license ? " " + JsonQuote(*r.license) : "", r.at);
    *out += fmt::format("    period {}\n", PeriodText(r.period));
    if (!r.suspensions.empty()) *out += fmt::format("    suspended by {}\n", IdList(r.suspensions));
    if (r.scope_class != kNone) *out += fmt::format("    scope {}\n", pr.Expr(r.scope_class));
    if (r.destination != kNone) {
      *out += fmt::format("    destination {}\n", pr.Expr(r.destination));
    }
    if (r.when != kNone) *out += fmt::format("    when {}\n", pr.Expr(r.when));
    if (r.unless != kNone) *out += fmt::format("    unless {}\n", pr.Expr(r.unless));
    if (!r.waived_by.empty()) *out += fmt::format("    waived by {}\n", IdList(r.waived_by));
    PrintText("because", r.because, "    ", out);
    PrintText("cite", r.cite, "    ", out);
  }
  for (size_t i = 0; i < pol.exceptions.size(); ++i) {
    const Exception& x = pol.exceptions[i];
    *out += fmt::format("  exception {} {} for rules {} at {}\n", i, x.name, IdList(x.rules), x.at);
    *out += fmt::format("    period {}\n", PeriodText(x.period));
    if (!x.suspensions.empty()) *out += fmt::format("    suspended by {}\n", IdList(x.suspensions));
    if (x.when != kNone) *out += fmt::format("    when {}\n", pr.Expr(x.when));
    if (x.unless != kNone) *out += fmt::format("    unless {}\n", pr.Expr(x.unless));
    PrintText("because", x.because, "    ", out);
    PrintText("cite", x.cite, "    ", out);
  }
  for (size_t i = 0; i < pol.tests.size(); ++i) {
    const Test& t = pol.tests[i];
    *out += fmt::format("  test {} {} at {}\n", i, JsonQuote(t.name), t.at);
    for (const auto& [slot, c] : t.given) {
      *out += fmt::format("    given {} = c{} {}\n", pr.SlotName(slot), c,
                          c < p.constants.size() ? rt::FormatValue(p.constants[c]) : "<bad>");
    }
    std::string by;
    for (const std::string& b : t.by) by += (by.empty() ? " by " : ", ") + b;
    *out += fmt::format("    expect {}{}{}\n", EffectName(t.expect),
                        t.expect_license ? " " + JsonQuote(*t.expect_license) : "", by);
  }
}

}  // namespace

std::string Print(const Program& program) {
  Printer pr(program);
  std::string out;
  PrintLayout(program, &out);
  out += "\nconstants\n";
  for (size_t i = 0; i < program.constants.size(); ++i) {
    const rt::Value& v = program.constants[i];
    rt::ValueKind element = rt::ValueKind::Unknown;
    if ((v.kind == rt::ValueKind::Set || v.kind == rt::ValueKind::List) && v.items.size > 0) {
      element = v.items.items[0].kind;
    }
    out += fmt::format("  c{} {} {}\n", i, KindText(v.kind, element), rt::FormatValue(v));
  }
  out += "\nclasses\n";
  for (size_t i = 0; i < program.classes.size(); ++i) {
    const Class& c = program.classes[i];
    out += fmt::format("  class {} {} = {}\n", i, c.name, pr.Expr(c.predicate));
  }
  out += "\ngroups\n";
  for (size_t i = 0; i < program.groups.size(); ++i) {
    const Group& g = program.groups[i];
    out += fmt::format("  group {} {} ({} members)\n", i, g.name, g.members.size());
    std::string line;
    for (const auto& [country, periods] : g.members) {
      std::string item = CountryText(country);
      for (const Period& per : periods) {
        if (!per.open()) item += " [" + PeriodText(per) + "]";
      }
      if (!line.empty() && line.size() + item.size() > 90) {
        out += "    " + line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : ", ") + item;
    }
    if (!line.empty()) out += "    " + line + "\n";
  }
  if (!program.lists.empty()) {
    out += "\nlists\n";
    for (size_t i = 0; i < program.lists.size(); ++i) {
      const rt::ScreenList& l = program.lists[i];
      out += fmt::format("  list {} {} ({} entries, match {}, review {})\n", i, l.name,
                         l.list->entries().size(), l.list->thresholds().match,
                         l.list->thresholds().review);
    }
  }
  for (const Policy& pol : program.policies) PrintPolicy(program, pr, pol, &out);
  return out;
}

}  // namespace licit::ir
