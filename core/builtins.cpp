#include "core/builtins.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "base/check.h"
#include "base/code.h"
#include "base/source.h"

namespace licit::rt {
namespace {

constexpr BuiltinInfo kBuiltins[] = {
#define LICIT_BUILTIN(Enum, name, arity, first, second, result) \
  {Builtin::Enum, name, arity, {BuiltinArg::first, BuiltinArg::second}, BuiltinResult::result},
#include "core/builtins.def"
#undef LICIT_BUILTIN
};

}  // namespace

std::span<const BuiltinInfo> AllBuiltins() { return kBuiltins; }

const BuiltinInfo& InfoOf(Builtin b) {
  const auto i = static_cast<size_t>(b);
  LICIT_CHECK(i < std::size(kBuiltins));
  return kBuiltins[i];
}

const BuiltinInfo* FindBuiltin(std::string_view name) {
  for (const BuiltinInfo& b : kBuiltins)
    if (name == b.name) return &b;
  return nullptr;
}

}  // namespace licit::rt

namespace {

using licit::IsDigitCode;
using licit::rt::Builtin;
using licit::rt::Decimal;
using licit::rt::EvalContext;
using licit::rt::RtOp;
using licit::rt::UnknownKind;
using licit::rt::Value;
using licit::rt::ValueKind;
using licit::rt::ValueSpan;

char UpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool TextEqual(std::string_view a, std::string_view b, bool fold) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (fold ? UpperAscii(a[i]) != UpperAscii(b[i]) : a[i] != b[i]) return false;
  return true;
}

int CompareText(std::string_view a, std::string_view b, bool fold) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(fold ? UpperAscii(a[i]) : a[i]);
    auto y = static_cast<unsigned char>(fold ? UpperAscii(b[i]) : b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

bool IsNumber(const Value& v) { return v.kind == ValueKind::Int || v.kind == ValueKind::Decimal; }
bool IsText(const Value& v) { return v.kind == ValueKind::String || v.kind == ValueKind::Code; }
bool IsCollection(const Value& v) { return v.kind == ValueKind::Set || v.kind == ValueKind::List; }
Decimal AsDecimal(const Value& v) {
  return v.kind == ValueKind::Int ? Decimal::FromInt(v.i) : v.dec;
}

std::string_view CurrencyCode(uint16_t id) {
  auto all = licit::AllCurrencies();
  return id < all.size() ? all[id].code : std::string_view("???");
}

Value CurrencyMismatch(EvalContext* ctx, const Value& a, const Value& b, std::string_view verb) {
  std::string text = "money in ";
  text += CurrencyCode(a.aux);
  text += ' ';
  text += verb;
  text += " money in ";
  text += CurrencyCode(b.aux);
  return ctx->Unknown(UnknownKind::CurrencyMismatch, std::move(text));
}

Value Overflow(EvalContext* ctx) {
  return ctx->Unknown(UnknownKind::Overflow, "arithmetic overflow (beyond the decimal range)");
}
Value DivisionByZero(EvalContext* ctx) {
  return ctx->Unknown(UnknownKind::DivisionByZero, "division by zero");
}

// Orders two known values of comparable kinds: -1/0/1, or 2 when they are not comparable
// (money of two currencies; kinds that lowering should never mix).
int OrderOf(const Value& a, const Value& b) {
  if (IsNumber(a) && IsNumber(b)) {
    if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) return a.i < b.i ? -1 : (a.i > b.i);
    Decimal x = AsDecimal(a), y = AsDecimal(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind == ValueKind::Money && b.kind == ValueKind::Money) {
    if (a.aux != b.aux) return 2;
    return a.dec < b.dec ? -1 : (a.dec > b.dec ? 1 : 0);
  }
  if (IsText(a) && IsText(b)) {
    // A code against a string (lowering normally converts): codes ignore case.
    bool fold = a.kind == ValueKind::Code || b.kind == ValueKind::Code;
    return CompareText(a.text(), b.text(), fold);
  }
  if (a.kind != b.kind) return 2;
  return licit::rt::CompareValues(a, b);
}

// Equality as `in` sees it: numbers across int/decimal, codes against strings ignoring case.
bool LooseEqual(const Value& a, const Value& b) {
  if (a.kind == b.kind) return licit::rt::ValuesEqual(a, b);
  int c = OrderOf(a, b);
  return c == 0;
}

Value Membership(const Value& element, const Value& collection) {
  if (!IsCollection(collection)) return Value::Bool(false);
  const ValueSpan& items = collection.items;
  const Value* first_unknown = nullptr;
  bool same_kind = true;
  for (const Value& item : items) {
    if (!item.known()) {
      if (first_unknown == nullptr) first_unknown = &item;
    } else if (item.kind != element.kind) {
      same_kind = false;
    }
  }
  if (collection.kind == ValueKind::Set && same_kind) {
    // Sets are sorted by CompareValues (unknowns first), so search instead of scanning.
    const Value* it = std::lower_bound(
        items.begin(), items.end(), element,
        [](const Value& x, const Value& y) { return licit::rt::CompareValues(x, y) < 0; });
    if (it != items.end() && licit::rt::ValuesEqual(*it, element)) return Value::Bool(true);
  } else {
    for (const Value& item : items)
      if (item.known() && LooseEqual(element, item)) return Value::Bool(true);
  }
  // Not found among the known elements: an unknown element might still be equal.
  if (first_unknown != nullptr) return *first_unknown;
  return Value::Bool(false);
}

enum class UnderResult { kFalse, kTrue, kLessSpecific };

UnderResult UnderOne(std::string_view code, std::string_view pattern) {
  if (IsDigitCode(code) && IsDigitCode(pattern)) {
    // HS codes: a digit prefix with the dots ignored (8542.31 under 8542).
    size_t i = 0, j = 0;
    while (true) {
      while (i < code.size() && code[i] == '.') ++i;
      while (j < pattern.size() && pattern[j] == '.') ++j;
      if (j == pattern.size()) return UnderResult::kTrue;
      if (i == code.size()) return UnderResult::kLessSpecific;
      if (code[i] != pattern[j]) return UnderResult::kFalse;
      ++i;
      ++j;
    }
  }
  // Segments separated by '.', compared whole and ignoring case (3A001.a.10 is not under
  // 3A001.a.1).
  size_t i = 0, j = 0;
  while (true) {
    if (j >= pattern.size()) return UnderResult::kTrue;
    if (i >= code.size()) return UnderResult::kLessSpecific;
    size_t ci = code.find('.', i), pj = pattern.find('.', j);
    if (ci == std::string_view::npos) ci = code.size();
    if (pj == std::string_view::npos) pj = pattern.size();
    if (!TextEqual(code.substr(i, ci - i), pattern.substr(j, pj - j), true))
      return UnderResult::kFalse;
    i = ci + 1;
    j = pj + 1;
  }
}

// Whether a UTF-8 byte starts a code point (so `?` consumes one code point, not one byte).
bool IsLead(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

bool Glob(std::string_view s, std::string_view p, bool fold) {
  size_t i = 0, j = 0;
  size_t star = std::string_view::npos, mark = 0;
  auto next = [&](size_t k) {
    ++k;
    while (k < s.size() && !IsLead(s[k])) ++k;
    return k;
  };
  while (i < s.size()) {
    if (j < p.size() && p[j] == '*') {
      star = j++;
      mark = i;
    } else if (j < p.size() && p[j] == '?') {
      i = next(i);
      ++j;
    } else if (j < p.size() && (fold ? UpperAscii(p[j]) == UpperAscii(s[i]) : p[j] == s[i])) {
      ++i;
      ++j;
    } else if (star != std::string_view::npos) {
      j = star + 1;
      mark = next(mark);
      i = mark;
    } else {
      return false;
    }
  }
  while (j < p.size() && p[j] == '*') ++j;
  return j == p.size();
}

Value ToCodeOne(EvalContext* ctx, const Value& v) {
  if (v.kind != ValueKind::String) return v;
  std::string_view t = v.text();
  bool has_lower = std::any_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!has_lower) return Value::Code(t);
  std::string up(t);
  for (char& c : up) c = UpperAscii(c);
  return Value::Code(ctx->Keep(std::move(up)));
}

Value MinMax(EvalContext* ctx, const Value& a, const Value& b, bool want_max) {
  int c = OrderOf(a, b);
  if (c == 2) {
    if (a.kind == ValueKind::Money && b.kind == ValueKind::Money)
      return CurrencyMismatch(ctx, a, b, "compared with");
    return a;
  }
  const Value& pick = (want_max ? c >= 0 : c <= 0) ? a : b;
  // A mix of int and decimal gives a decimal, their common type.
  if (IsNumber(a) && IsNumber(b) && a.kind != b.kind) return Value::Dec(AsDecimal(pick));
  return pick;
}

}  // namespace

extern "C" {

void licit_rt_compare(EvalContext* ctx, uint8_t op, const Value* lhs, const Value* rhs,
                      Value* out) {
  if (!lhs->known()) {
    *out = *lhs;
    return;
  }
  if (!rhs->known()) {
    *out = *rhs;
    return;
  }
  auto o = static_cast<RtOp>(op);
  int c = OrderOf(*lhs, *rhs);
  if (c == 2) {
    if (lhs->kind == ValueKind::Money && rhs->kind == ValueKind::Money) {
      *out = CurrencyMismatch(ctx, *lhs, *rhs, "compared with");
      return;
    }
    // Kinds lowering never mixes: nothing is equal to a value of another kind.
    *out = Value::Bool(o == RtOp::Ne);
    return;
  }
  bool r = false;
  switch (o) {
    case RtOp::Eq: r = c == 0; break;
    case RtOp::Ne: r = c != 0; break;
    case RtOp::Lt: r = c < 0; break;
    case RtOp::Le: r = c <= 0; break;
    case RtOp::Gt: r = c > 0; break;
    case RtOp::Ge: r = c >= 0; break;
    default: break;
  }
  *out = Value::Bool(r);
}

void licit_rt_in(EvalContext* /*ctx*/, const Value* element, const Value* collection, Value* out) {
  if (!element->known()) {
    *out = *element;
    return;
  }
  if (!collection->known()) {
    *out = *collection;
    return;
  }
  *out = Membership(*element, *collection);
}

void licit_rt_under(EvalContext* ctx, const Value* code, const Value* pattern, Value* out) {
  if (!code->known()) {
    *out = *code;
    return;
  }
  if (!pattern->known()) {
    *out = *pattern;
    return;
  }
  auto one = [&](const Value& p, std::string_view* less_than) {
    if (!IsText(p) || !IsText(*code)) return UnderResult::kFalse;
    UnderResult r = UnderOne(code->text(), p.text());
    if (r == UnderResult::kLessSpecific) *less_than = p.text();
    return r;
  };
  std::string_view less_than;
  bool unknown = false;
  const Value* unknown_item = nullptr;
  if (IsCollection(*pattern)) {
    for (const Value& p : pattern->items) {
      if (!p.known()) {
        if (unknown_item == nullptr) unknown_item = &p;
        continue;
      }
      std::string_view lt;
      UnderResult r = one(p, &lt);
      if (r == UnderResult::kTrue) {
        *out = Value::Bool(true);
        return;
      }
      if (r == UnderResult::kLessSpecific && !unknown) {
        unknown = true;
        less_than = lt;
      }
    }
  } else {
    UnderResult r = one(*pattern, &less_than);
    if (r == UnderResult::kTrue) {
      *out = Value::Bool(true);
      return;
    }
    unknown = r == UnderResult::kLessSpecific;
  }
  if (unknown) {
    std::string text = licit::rt::FormatCode(code->text());
    text += " is less specific than ";
    text += licit::rt::FormatCode(less_than);
    *out = ctx->Unknown(UnknownKind::LessSpecific, std::move(text));
    return;
  }
  if (unknown_item != nullptr) {
    *out = *unknown_item;
    return;
  }
  *out = Value::Bool(false);
}

void licit_rt_matches(EvalContext* /*ctx*/, const Value* subject, const Value* glob, Value* out) {
  if (!subject->known()) {
    *out = *subject;
    return;
  }
  if (!glob->known()) {
    *out = *glob;
    return;
  }
  if (!IsText(*subject) || !IsText(*glob)) {
    *out = Value::Bool(false);
    return;
  }
  bool fold = subject->kind == ValueKind::Code;
  *out = Value::Bool(Glob(subject->text(), glob->text(), fold));
}

void licit_rt_arith(EvalContext* ctx, uint8_t op, const Value* lhs, const Value* rhs, Value* out) {
  auto o = static_cast<RtOp>(op);
  const Value& a = *lhs;
  if (!a.known()) {
    *out = a;
    return;
  }
  if (o == RtOp::Neg) {
    if (a.kind == ValueKind::Int) {
      int64_t r = 0;
      *out = __builtin_sub_overflow(int64_t{0}, a.i, &r) ? Overflow(ctx) : Value::Int(r);
    } else if (a.kind == ValueKind::Decimal || a.kind == ValueKind::Money) {
      auto r = licit::rt::DecimalSub(Decimal{}, a.dec);
      if (!r) {
        *out = Overflow(ctx);
      } else {
        *out = a;
        out->dec = *r;
      }
    } else {
      *out = a;
    }
    return;
  }
  const Value& b = *rhs;
  if (!b.known()) {
    *out = b;
    return;
  }
  // Integers stay integers except for `/`, which is always decimal.
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Int && o != RtOp::Div) {
    int64_t r = 0;
    bool overflow = false;
    switch (o) {
      case RtOp::Add: overflow = __builtin_add_overflow(a.i, b.i, &r); break;
      case RtOp::Sub: overflow = __builtin_sub_overflow(a.i, b.i, &r); break;
      case RtOp::Mul: overflow = __builtin_mul_overflow(a.i, b.i, &r); break;
      case RtOp::Mod:
        if (b.i == 0) {
          *out = DivisionByZero(ctx);
          return;
        }
        r = b.i == -1 ? 0 : a.i % b.i;
        break;
      default: break;
    }
    *out = overflow ? Overflow(ctx) : Value::Int(r);
    return;
  }
  bool am = a.kind == ValueKind::Money, bm = b.kind == ValueKind::Money;
  if ((am || IsNumber(a)) && (bm || IsNumber(b))) {
    if ((am || bm) && (o == RtOp::Add || o == RtOp::Sub) && !(am && bm)) {
      // The checker refuses money + number; say so rather than guess a currency.
      *out = ctx->Unknown(UnknownKind::CurrencyMismatch, "money added to a number");
      return;
    }
    if (am && bm && a.aux != b.aux) {
      *out = CurrencyMismatch(ctx, a, b, o == RtOp::Sub ? "minus" : "combined with");
      return;
    }
    Decimal x = am ? a.dec : AsDecimal(a);
    Decimal y = bm ? b.dec : AsDecimal(b);
    std::optional<Decimal> r;
    switch (o) {
      case RtOp::Add: r = licit::rt::DecimalAdd(x, y); break;
      case RtOp::Sub: r = licit::rt::DecimalSub(x, y); break;
      case RtOp::Mul: r = licit::rt::DecimalMul(x, y); break;
      case RtOp::Div:
      case RtOp::Mod:
        if (y.units == 0) {
          *out = DivisionByZero(ctx);
          return;
        }
        r = o == RtOp::Div ? licit::rt::DecimalDiv(x, y) : licit::rt::DecimalMod(x, y);
        break;
      default: break;
    }
    if (!r) {
      *out = Overflow(ctx);
      return;
    }
    // Money with money (+, -) and money with a number are money; money / money is a ratio.
    bool money_result = (am != bm) ? (o != RtOp::Div || am) : (am && o != RtOp::Div);
    if (money_result) {
      *out = Value::MoneyOf(licit::rt::Money{*r, am ? a.aux : b.aux});
    } else {
      *out = Value::Dec(*r);
    }
    return;
  }
  *out = Value::Bool(false);
}

void licit_rt_to_code(EvalContext* ctx, const Value* in, Value* out) {
  if (!in->known()) {
    *out = *in;
    return;
  }
  if (!IsCollection(*in)) {
    *out = ToCodeOne(ctx, *in);
    return;
  }
  std::vector<Value> items;
  items.reserve(in->items.size);
  for (const Value& v : in->items) items.push_back(ToCodeOne(ctx, v));
  // Upper-casing can merge or reorder set elements.
  if (in->kind == ValueKind::Set) licit::rt::SortUnique(items);
  ValueSpan span = ctx->KeepItems(items.data(), static_cast<uint32_t>(items.size()));
  *out = in->kind == ValueKind::Set ? Value::Set(span) : Value::List(span);
}

void licit_rt_call(EvalContext* ctx, uint8_t builtin, const Value* args, uint32_t count,
                   Value* out) {
  for (uint32_t k = 0; k < count; ++k) {
    if (!args[k].known()) {
      *out = args[k];
      return;
    }
  }
  auto b = static_cast<Builtin>(builtin);
  // Copies, so `out` may alias an argument.
  if (count == 0) {
    *out = Value::Bool(false);
    return;
  }
  const Value a = args[0];
  const Value c = count > 1 ? args[1] : args[0];
  *out = Value::Bool(false);
  switch (b) {
    case Builtin::Has: LICIT_UNREACHABLE("has() is the IR's Has op, never a call");
    case Builtin::Len:
      if (IsText(a)) {
        *out = Value::Int(static_cast<int64_t>(licit::CodePointCount(a.text())));
      } else if (IsCollection(a)) {
        *out = Value::Int(a.items.size);
      }
      return;
    case Builtin::Lower:
    case Builtin::Upper: {
      if (!IsText(a)) return;
      std::string s(a.text());
      // ASCII only: case mapping beyond ASCII depends on locale tables the engines may not share.
      for (char& ch : s) ch = b == Builtin::Lower ? LowerAscii(ch) : UpperAscii(ch);
      *out = Value::String(ctx->Keep(std::move(s)));
      return;
    }
    case Builtin::StartsWith:
    case Builtin::EndsWith: {
      if (count < 2 || !IsText(a) || !IsText(c)) return;
      bool fold = a.kind == ValueKind::Code;
      std::string_view s = a.text(), p = c.text();
      if (p.size() > s.size()) return;
      std::string_view part =
          b == Builtin::StartsWith ? s.substr(0, p.size()) : s.substr(s.size() - p.size());
      *out = Value::Bool(TextEqual(part, p, fold));
      return;
    }
    case Builtin::Contains:
      if (count < 2) return;
      if (IsCollection(a)) {
        *out = Membership(c, a);
      } else if (IsText(a) && IsText(c)) {
        bool fold = a.kind == ValueKind::Code;
        std::string_view s = a.text(), p = c.text();
        bool found = false;
        for (size_t i = 0; !found && i + p.size() <= s.size(); ++i)
          found = TextEqual(s.substr(i, p.size()), p, fold);
        *out = Value::Bool(found);
      }
      return;
    case Builtin::Year:
    case Builtin::Month:
    case Builtin::Day: {
      if (a.kind != ValueKind::Date) return;
      licit::CivilDate d = licit::CivilFromDays(a.date);
      int64_t r = b == Builtin::Year ? d.year : (b == Builtin::Month ? d.month : d.day);
      *out = Value::Int(r);
      return;
    }
    case Builtin::DaysBetween:
      if (count < 2 || a.kind != ValueKind::Date || c.kind != ValueKind::Date) return;
      *out = Value::Int(static_cast<int64_t>(c.date) - static_cast<int64_t>(a.date));
      return;
    case Builtin::Amount:
      if (a.kind == ValueKind::Money) *out = Value::Dec(a.dec);
      return;
    case Builtin::Currency:
      if (a.kind == ValueKind::Money) *out = Value::String(CurrencyCode(a.aux));
      return;
    case Builtin::Min:
    case Builtin::Max:
      if (count < 2) return;
      *out = MinMax(ctx, a, c, b == Builtin::Max);
      return;
    case Builtin::Abs: {
      bool negative =
          (a.kind == ValueKind::Int && a.i < 0) ||
          ((a.kind == ValueKind::Decimal || a.kind == ValueKind::Money) && a.dec.units < 0);
      if (!negative) {
        *out = a;
        return;
      }
      licit_rt_arith(ctx, static_cast<uint8_t>(RtOp::Neg), &a, nullptr, out);
      return;
    }
  }
}

void licit_rt_read_field(EvalContext* ctx, const licit::rt::RecordLayout* layout, uint32_t slot,
                         Value* out) {
  const licit::rt::Record& record = *ctx->record;
  bool present = true;
  for (int32_t s = static_cast<int32_t>(slot); s >= 0; s = layout->slots[s].parent)
    if (!record.slot(static_cast<uint32_t>(s)).known()) present = false;
  if (present) {
    *out = record.slot(slot);
    return;
  }
  // Name the outermost absent record: "end_user is null" says more than "end_user.kind is
  // missing" when the whole party was null.
  int32_t absent = static_cast<int32_t>(slot);
  for (int32_t s = static_cast<int32_t>(slot); s >= 0; s = layout->slots[s].parent)
    if (!record.slot(static_cast<uint32_t>(s)).known()) absent = s;
  const Value& raw = record.slot(static_cast<uint32_t>(absent));
  if (raw.aux == licit::rt::kNull) {
    *out = ctx->Unknown(UnknownKind::NullField, layout->slots[absent].path + " is null");
    return;
  }
  *out = ctx->Unknown(UnknownKind::MissingField, layout->slots[slot].path + " is missing");
}

void licit_rt_under_named(EvalContext* ctx, const Value* code, const Value* pattern,
                          const char* path, uint32_t len, Value* out) {
  size_t before = ctx->reasons.size();
  licit_rt_under(ctx, code, pattern, out);
  // The builtin cannot know the field's path; name it here ("item.eccn 3B001 is ...").
  if (len > 0 && !out->known() && out->aux >= before && out->aux < ctx->reasons.size()) {
    std::string& text = ctx->reasons[out->aux].text;
    text.insert(0, std::string(path, len) + " ");
  }
}

void licit_rt_to_decimal(const Value* in, Value* out) {
  *out = in->kind == ValueKind::Int ? Value::Dec(Decimal::FromInt(in->i)) : *in;
}

void licit_rt_make_collection(EvalContext* ctx, uint8_t is_set, const Value* items, uint32_t count,
                              Value* out) {
  std::vector<Value> v(items, items + count);
  if (is_set) licit::rt::SortUnique(v);
  ValueSpan span = ctx->KeepItems(v.data(), static_cast<uint32_t>(v.size()));
  *out = is_set ? Value::Set(span) : Value::List(span);
}

}  // extern "C"
