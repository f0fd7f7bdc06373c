#include "analysis/encode.h"

#include <algorithm>
#include <climits>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/code.h"
#include "base/date.h"
#include "base/iso_codes.h"
#include "base/json.h"
#include "core/builtins.h"
#include "core/eval_context.h"

namespace licit::analysis {
namespace {

using rt::Value;
using rt::ValueKind;

constexpr __int128 kDecimalOne = static_cast<__int128>(1000000000) * 1000000000;  // 10^18
constexpr __int128 kInt128Max = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);
constexpr __int128 kInt128Min = -kInt128Max - 1;

// Whether an expression handle holds an expression (z3::expr's operators would build one).
bool IsSet(const z3::expr& e) { return static_cast<Z3_ast>(e) != nullptr; }

bool IsText(ValueKind k) { return k == ValueKind::String || k == ValueKind::Code; }
bool IsNumber(ValueKind k) { return k == ValueKind::Int || k == ValueKind::Decimal; }
bool IsIntegerSort(ValueKind k) {
  return k == ValueKind::Int || k == ValueKind::Decimal || k == ValueKind::Date ||
         k == ValueKind::Country || k == ValueKind::Money;
}

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// --- Regular expressions over bytes -------------------------------------------------------------

z3::expr ReUnion(z3::context& c, const std::vector<z3::expr>& parts) {
  if (parts.empty()) {
    z3::sort str = c.string_sort();
    return z3::re_empty(c.re_sort(str));
  }
  if (parts.size() == 1) return parts[0];
  std::vector<Z3_ast> asts(parts.begin(), parts.end());
  Z3_ast r = Z3_mk_re_union(c, static_cast<unsigned>(asts.size()), asts.data());
  c.check_error();
  return z3::expr(c, r);
}

z3::expr ReConcat(z3::context& c, const std::vector<z3::expr>& parts) {
  if (parts.empty()) return z3::to_re(Bytes(c, ""));
  if (parts.size() == 1) return parts[0];
  std::vector<Z3_ast> asts(parts.begin(), parts.end());
  Z3_ast r = Z3_mk_re_concat(c, static_cast<unsigned>(asts.size()), asts.data());
  c.check_error();
  return z3::expr(c, r);
}

z3::expr ByteRange(z3::context& c, unsigned lo, unsigned hi) {
  char a = static_cast<char>(lo), b = static_cast<char>(hi);
  return z3::range(Bytes(c, std::string_view(&a, 1)), Bytes(c, std::string_view(&b, 1)));
}

z3::expr Literal(z3::context& c, std::string_view s) { return z3::to_re(Bytes(c, s)); }

// One UTF-8 encoded code point (RFC 3629, as simdjson validates), optionally without the ASCII
// lower-case letters (codes are upper-cased by the readers).
z3::expr CodePoint(z3::context& c, bool no_lower) {
  z3::expr cont = ByteRange(c, 0x80, 0xBF);
  std::vector<z3::expr> forms;
  if (no_lower) {
    forms.push_back(ByteRange(c, 0x00, 0x60));
    forms.push_back(ByteRange(c, 0x7B, 0x7F));
  } else {
    forms.push_back(ByteRange(c, 0x00, 0x7F));
  }
  forms.push_back(ReConcat(c, {ByteRange(c, 0xC2, 0xDF), cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xE0, 0xE0), ByteRange(c, 0xA0, 0xBF), cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xE1, 0xEC), cont, cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xED, 0xED), ByteRange(c, 0x80, 0x9F), cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xEE, 0xEF), cont, cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xF0, 0xF0), ByteRange(c, 0x90, 0xBF), cont, cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xF1, 0xF3), cont, cont, cont}));
  forms.push_back(ReConcat(c, {ByteRange(c, 0xF4, 0xF4), ByteRange(c, 0x80, 0x8F), cont, cont}));
  return ReUnion(c, forms);
}

z3::expr AnyBytes(z3::context& c) { return z3::star(ByteRange(c, 0x00, 0xFF)); }

// A pattern byte compared with folding of ASCII letters (codes), else exactly.
z3::expr PatternByte(z3::context& c, char ch, bool fold) {
  if (fold && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
    char up = static_cast<char>(ch & ~0x20), low = static_cast<char>(ch | 0x20);
    return ReUnion(c,
                   {Literal(c, std::string_view(&up, 1)), Literal(c, std::string_view(&low, 1))});
  }
  return Literal(c, std::string_view(&ch, 1));
}

z3::expr FoldedLiteral(z3::context& c, std::string_view s) {
  std::vector<z3::expr> parts;
  for (char ch : s) parts.push_back(PatternByte(c, ch, true));
  return ReConcat(c, parts);
}

std::vector<std::string_view> Segments(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

}  // namespace

z3::expr Bytes(z3::context& ctx, std::string_view bytes) {
  Z3_ast r = Z3_mk_lstring(ctx, static_cast<unsigned>(bytes.size()), bytes.data());
  ctx.check_error();
  return z3::expr(ctx, r);
}

std::string BytesOf(const z3::expr& string_value) {
  unsigned n = 0;
  Z3_string p = Z3_get_lstring(string_value.ctx(), string_value, &n);
  return std::string(p, n);
}

std::string IntegerText(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  unsigned __int128 m =
      negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string digits;
  while (m > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

z3::expr Integer(z3::context& ctx, __int128 v) { return ctx.int_val(IntegerText(v).c_str()); }

z3::expr Utf8Regex(z3::context& ctx) { return z3::star(CodePoint(ctx, false)); }

// `code under pattern` (core/builtins.cpp UnderOne) as two languages of codes. Digit codes (HS:
// digits and dots) under a digit pattern compare their digits with the dots ignored; every other
// pair compares dot-separated segments, ignoring ASCII case. A final empty segment (a trailing
// dot) is not a segment: the runtime stops at the end of the text before reading it.
UnderLanguages UnderRegex(z3::context& c, std::string_view pattern) {
  z3::expr dots = z3::star(Literal(c, "."));
  z3::expr digit_chars = z3::star(ReUnion(c, {ByteRange(c, '0', '9'), Literal(c, ".")}));
  z3::expr any = AnyBytes(c);

  // Segment comparison.
  std::vector<std::string_view> segs = Segments(pattern);
  if (!segs.empty() && segs.back().empty()) segs.pop_back();
  const size_t k = segs.size();
  auto joined = [&](size_t m) {  // P1 "." P2 ... "." Pm, letters folded
    std::vector<z3::expr> parts;
    for (size_t i = 0; i < m; ++i) {
      if (i > 0) parts.push_back(Literal(c, "."));
      parts.push_back(FoldedLiteral(c, segs[i]));
    }
    return ReConcat(c, parts);
  };
  z3::expr seg_true = any;  // k == 0: an empty pattern holds every code
  if (k > 0) {
    std::vector<z3::expr> forms = {ReConcat(c, {joined(k), Literal(c, "."), any})};
    if (!segs[k - 1].empty()) forms.push_back(joined(k));
    seg_true = ReUnion(c, forms);
  }
  std::vector<z3::expr> less_forms;
  if (k > 0) less_forms.push_back(Literal(c, ""));
  for (size_t m = 1; m < k; ++m)
    less_forms.push_back(ReConcat(c, {joined(m), z3::option(Literal(c, "."))}));
  z3::expr seg_less = ReUnion(c, less_forms);

  if (!IsDigitCode(pattern)) return UnderLanguages{seg_true, seg_less};

  // A digit pattern: digit codes compare their digits with the dots ignored; other codes compare
  // segments. Written without complement (z3's regex rewriter is slow with it): a code matching
  // the segment forms is a digit code unless its tail holds another character.
  std::string digits;
  for (char ch : pattern)
    if (ch != '.') digits.push_back(ch);
  auto digits_up_to = [&](size_t n) {
    std::vector<z3::expr> parts = {dots};
    for (size_t i = 0; i < n; ++i) {
      parts.push_back(Literal(c, std::string_view(&digits[i], 1)));
      parts.push_back(dots);
    }
    return ReConcat(c, parts);
  };
  z3::expr not_digit_char = ReUnion(
      c, {ByteRange(c, 0x00, '.' - 1), ByteRange(c, '/', '/'), ByteRange(c, '9' + 1, 0xFF)});
  z3::expr digit_true = ReConcat(c, {digits_up_to(digits.size()), digit_chars});
  z3::expr other_true = ReConcat(c, {joined(k), Literal(c, "."), any, not_digit_char, any});
  std::vector<z3::expr> less = {};
  for (size_t n = 1; n < digits.size(); ++n) less.push_back(digits_up_to(n));
  // The segment forms of a less specific code that are not digit codes: only dots (and "").
  for (size_t m = 0; m < k; ++m) {
    bool empty = true;
    for (size_t i = 0; i < m; ++i) empty = empty && segs[i].empty();
    if (!empty) break;
    less.push_back(m == 0 ? Literal(c, "") : ReConcat(c, {joined(m), z3::option(Literal(c, "."))}));
  }
  return UnderLanguages{ReUnion(c, {digit_true, other_true}), ReUnion(c, less)};
}

// `subject matches glob` (core/builtins.cpp Glob): `*` any run of code points, `?` one code
// point, other bytes literally (ASCII letters folded for codes). On valid UTF-8 a literal's first
// byte can only meet a code point's first byte, so `*` may be any run of bytes.
z3::expr GlobRegex(z3::context& c, std::string_view glob, bool fold) {
  std::vector<z3::expr> parts;
  for (char ch : glob) {
    if (ch == '*') {
      parts.push_back(AnyBytes(c));
    } else if (ch == '?') {
      parts.push_back(CodePoint(c, false));
    } else {
      parts.push_back(PatternByte(c, ch, fold));
    }
  }
  return ReConcat(c, parts);
}

// --- Classes of text values --------------------------------------------------------------------

std::vector<std::string> CodeClasses(const std::vector<std::string>& constants,
                                     const std::vector<std::string>& patterns, bool code,
                                     bool is_id) {
  // A segment no pattern has at any position, and a value equal to none: "Q", "QQ", ...
  std::set<std::string> taken(constants.begin(), constants.end());
  for (const std::vector<std::string>* texts : {&patterns, &constants})
    for (const std::string& t : *texts)
      for (std::string_view seg : Segments(t)) taken.insert(UpperAscii(seg));
  std::string fresh = is_id ? "witness" : (code ? "Q" : "other");
  while (taken.count(fresh) != 0 || taken.count(UpperAscii(fresh)) != 0) fresh += code ? "Q" : "x";

  std::vector<std::string> candidates = {fresh};
  candidates.insert(candidates.end(), constants.begin(), constants.end());
  for (const std::string& p : patterns) {
    std::vector<std::string_view> segs = Segments(p);
    if (!segs.empty() && segs.back().empty()) segs.pop_back();
    std::string prefix;
    for (size_t m = 0; m <= segs.size(); ++m) {
      // The first m segments; with a trailing dot; with a new segment; with a longer last one.
      candidates.push_back(prefix);
      candidates.push_back(prefix + ".");
      candidates.push_back(prefix.empty() ? fresh : prefix + "." + fresh);
      if (!prefix.empty()) candidates.push_back(prefix + fresh);
      if (m < segs.size()) prefix += (m ? "." : "") + UpperAscii(segs[m]);
    }
    candidates.push_back(p);
    if (IsDigitCode(p)) {
      // Digit codes compare digits with the dots ignored: each digit prefix, and each extended by
      // every digit (one of which no pattern continues with).
      std::string digits;
      for (char ch : p)
        if (ch != '.') digits.push_back(ch);
      for (size_t n = 0; n <= digits.size(); ++n) {
        if (n > 0) candidates.push_back(digits.substr(0, n));
        for (char d = '0'; d <= '9'; ++d) candidates.push_back(digits.substr(0, n) + d);
      }
    }
  }
  // One representative per outcome vector (each pattern: true, false or less specific; each
  // constant: equal or not), judged by the runtime.
  rt::EvalContext ctx;
  std::vector<std::string> out;
  std::set<std::vector<uint8_t>> seen;
  for (std::string c : candidates) {
    if (code) c = UpperAscii(c);
    // The readers accept only valid codes (letters and digits in dot-separated segments).
    if (code && !IsValidCode(c)) continue;
    std::vector<uint8_t> signature;
    const Value v = code ? Value::Code(c) : Value::String(c);
    for (const std::string& p : patterns) {
      const Value pv = Value::Code(p);
      Value r;
      licit_rt_under(&ctx, &v, &pv, &r);
      signature.push_back(!r.known() ? 2 : r.b ? 1 : 0);
    }
    for (const std::string& k : constants) signature.push_back(c == k ? 1 : 0);
    if (seen.insert(signature).second) out.push_back(c);
  }
  return out;
}

// --- The record's variables -------------------------------------------------------------------

namespace {

// How a program uses each text field: only against constants (`==`, `in`: `constants`; `under`:
// `patterns`), or also in ways that look inside the text (`inside`).
struct TextUses {
  std::vector<uint8_t> inside;
  std::vector<std::set<std::string>> constants, patterns;
};

void ScanTextUses(const ir::Program& p, TextUses& uses) {
  auto field_slot = [&](ir::ExprId id) -> int64_t {
    const ir::Node& n = p.nodes[id];
    if (n.op != ir::Op::Field || !IsText(n.kind)) return -1;
    return n.imm;
  };
  // The texts of a constant operand (a text, or a set or list of texts), upper-cased for codes;
  // a code() of a constant counts as the constant.
  auto const_texts = [&](ir::ExprId id, bool code) -> std::optional<std::vector<std::string>> {
    const ir::Node* n = &p.nodes[id];
    if (n->op == ir::Op::ToCode && n->count == 1) {
      n = &p.nodes[p.args(*n)[0]];
      code = true;
    }
    if (n->op != ir::Op::Const) return std::nullopt;
    const Value& v = p.constants[n->imm];
    auto text = [&](const Value& x) {
      return code || x.kind == ValueKind::Code ? UpperAscii(x.text()) : std::string(x.text());
    };
    std::vector<std::string> out;
    if (IsText(v.kind)) {
      out.push_back(text(v));
      return out;
    }
    if (v.kind == ValueKind::Set || v.kind == ValueKind::List) {
      for (const Value& item : v.items) {
        if (!IsText(item.kind)) return std::nullopt;
        out.push_back(text(item));
      }
      return out;
    }
    return std::nullopt;
  };
  for (const ir::Node& n : p.nodes) {
    const ir::ExprId* a = p.args(n);
    for (uint32_t k = 0; k < n.count; ++k) {
      int64_t slot = field_slot(a[k]);
      if (slot < 0) continue;
      const bool code = p.nodes[a[k]].kind == ValueKind::Code;
      std::optional<std::vector<std::string>> texts;
      std::set<std::string>* into = &uses.constants[slot];
      if ((n.op == ir::Op::Eq || n.op == ir::Op::Ne) && n.count == 2) {
        const ir::Node& other = p.nodes[a[1 - k]];
        if (other.kind == p.nodes[a[k]].kind) texts = const_texts(a[1 - k], code);
      } else if ((n.op == ir::Op::In || n.op == ir::Op::NotIn) && k == 0 && n.count == 2) {
        texts = const_texts(a[1], code);
      } else if ((n.op == ir::Op::Under || n.op == ir::Op::NotUnder) && k == 0 && n.count == 2) {
        texts = const_texts(a[1], true);
        into = &uses.patterns[slot];
      }
      if (!texts) {
        uses.inside[slot] = 1;
        continue;
      }
      for (std::string& t : *texts) into->insert(std::move(t));
    }
  }
}

DayNumber FirstDay() { return DaysFromCivil(CivilDate{1, 1, 1}); }
DayNumber LastDay() { return DaysFromCivil(CivilDate{9999, 12, 31}); }

}  // namespace

RecordVars::RecordVars(z3::context& ctx, const rt::RecordLayout& layout,
                       const std::vector<const ir::Program*>& programs)
    : ctx_(ctx), layout_(layout), day_(ctx.int_const("day")) {
  const size_t n = layout.slots.size();
  text_.resize(n);
  members_.resize(n);
  TextUses uses;
  uses.inside.assign(n, 0);
  uses.constants.resize(n);
  uses.patterns.resize(n);
  for (const ir::Program* p : programs) ScanTextUses(*p, uses);
  for (uint32_t s = 0; s < n; ++s) {
    const rt::FieldSlot& slot = layout.slots[s];
    const std::string name = slot.path;
    z3::expr own = slot.optional ? ctx.bool_const(("has " + name).c_str()) : ctx.bool_val(true);
    present_.push_back(slot.parent >= 0 ? (own && present_[slot.parent]).simplify() : own);
    currency_.push_back(z3::expr(ctx));
    if (slot.kind == ValueKind::Bool) {
      value_.push_back(ctx.bool_const(name.c_str()));
    } else if (IsIntegerSort(slot.kind)) {
      value_.push_back(ctx.int_const(name.c_str()));
      if (slot.kind == ValueKind::Money)
        currency_.back() = ctx.int_const((name + " currency").c_str());
    } else if (IsText(slot.kind)) {
      text_[s].abstract = !uses.inside[s];
      if (text_[s].abstract) {
        text_[s].values =
            CodeClasses({uses.constants[s].begin(), uses.constants[s].end()},
                        {uses.patterns[s].begin(), uses.patterns[s].end()},
                        slot.kind == ValueKind::Code, static_cast<int32_t>(s) == layout.id_slot);
        value_.push_back(ctx.int_const(name.c_str()));
      } else {
        value_.push_back(ctx.string_const(name.c_str()));
      }
    } else {
      value_.push_back(z3::expr(ctx));  // records, sets and lists: no value of their own
    }
  }
}

z3::expr RecordVars::member(uint32_t slot, const std::string& element) {
  auto it = members_[slot].find(element);
  if (it != members_[slot].end()) return it->second;
  z3::expr v = ctx_.bool_const((layout_.slots[slot].path + " holds " + element).c_str());
  members_[slot].emplace(element, v);
  return v;
}

z3::expr_vector RecordVars::WellFormed(std::optional<DayNumber> as_of) const {
  z3::expr_vector out(ctx_);
  const z3::expr first_day = ctx_.int_val(FirstDay()), last_day = ctx_.int_val(LastDay());
  out.push_back(day_ >= first_day && day_ <= last_day);
  // What the readers accept: UTF-8 strings, codes of upper-case letters and digits in segments
  // separated by single dots (base/code.h).
  z3::expr alnum = ReUnion(ctx_, {ByteRange(ctx_, 'A', 'Z'), ByteRange(ctx_, '0', '9')});
  z3::expr segment = z3::plus(alnum);
  z3::expr utf8 = Utf8Regex(ctx_),
           code =
               ReConcat(ctx_, {segment, z3::star(ReConcat(ctx_, {Literal(ctx_, "."), segment}))});
  for (uint32_t s = 0; s < layout_.slots.size(); ++s) {
    const rt::FieldSlot& slot = layout_.slots[s];
    const z3::expr& v = value_[s];
    switch (slot.kind) {
      case ValueKind::Int:
        out.push_back(v >= Integer(ctx_, INT64_MIN) && v <= Integer(ctx_, INT64_MAX));
        break;
      case ValueKind::Decimal:
      case ValueKind::Money:
        out.push_back(v >= Integer(ctx_, kInt128Min) && v <= Integer(ctx_, kInt128Max));
        if (slot.kind == ValueKind::Money)
          out.push_back(currency_[s] >= 0 &&
                        currency_[s] < static_cast<int>(AllCurrencies().size()));
        break;
      case ValueKind::Date: out.push_back(v >= first_day && v <= last_day); break;
      case ValueKind::Country:
        out.push_back(v >= 0 && v < static_cast<int>(AllCountries().size()));
        break;
      case ValueKind::String:
      case ValueKind::Code:
        if (text_[s].abstract) {
          out.push_back(v >= 0 && v < static_cast<int>(text_[s].values.size()));
        } else {
          out.push_back(z3::in_re(v, slot.kind == ValueKind::Code ? code : utf8));
        }
        break;
      default: break;
    }
  }
  if (as_of) {
    out.push_back(day_ == ctx_.int_val(*as_of));
  } else if (layout_.date_slot >= 0) {
    const auto d = static_cast<uint32_t>(layout_.date_slot);
    out.push_back(present_[d] && value_[d] == day_);
  }
  return out;
}

z3::expr RecordVars::Readable() const {
  z3::expr printable = z3::star(ByteRange(ctx_, ' ', '~'));
  // Recent days, when the question allows them.
  z3::expr all = day_ >= DaysFromCivil(CivilDate{2025, 1, 1}) &&
                 day_ <= DaysFromCivil(CivilDate{2030, 12, 31});
  // Judged --as-of a date, the record's own date is free: preferably that date too.
  if (layout_.date_slot >= 0) all = all && value_[static_cast<uint32_t>(layout_.date_slot)] == day_;
  for (uint32_t s = 0; s < layout_.slots.size(); ++s) {
    if (!IsText(layout_.slots[s].kind) || text_[s].abstract) continue;
    all = all && z3::in_re(value_[s], printable) && value_[s].length() <= 32;
  }
  return all;
}

// --- Expressions -------------------------------------------------------------------------------

Encoder::Encoder(RecordVars& vars, const ir::Program& program, std::string prefix)
    : vars_(vars),
      ctx_(vars.ctx()),
      program_(program),
      prefix_(std::move(prefix)),
      memo_(program.nodes.size()),
      effect_(vars.ctx()) {
  EncodeDecision();
}

std::pair<z3::expr, z3::expr> RecordVars::screen(const std::string& key, ValueKind kind) {
  auto it = screens_.find(key);
  if (it == screens_.end()) {
    const std::string base = "screen" + std::to_string(screens_.size());
    z3::expr value = kind == ValueKind::Bool ? ctx_.bool_const(base.c_str())
                     : IsText(kind)          ? ctx_.string_const(base.c_str())
                                             : ctx_.int_const(base.c_str());
    it = screens_.emplace(key, std::make_pair(ctx_.bool_const((base + " known").c_str()), value))
             .first;
  }
  return it->second;
}

namespace {

// What identifies a list's behaviour: its thresholds and every entry and clearance, hashed (two
// compilations of the same file give the same text; any edit gives another).
std::string ListFingerprint(const rt::ScreenList& list) {
  std::string text = fmt::format("{}|{}|{}", list.name, list.list->thresholds().match,
                                 list.list->thresholds().review);
  for (const screening::Entry& e : list.list->entries()) {
    text +=
        fmt::format("|{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", e.id, e.name, fmt::join(e.aliases, ";"),
                    fmt::join(e.countries, ";"), e.listed, e.delisted);
  }
  for (const screening::Clearance& c : list.list->clearances()) {
    text += fmt::format("|c{}\x1f{}", c.party, c.entry);
  }
  return std::to_string(std::hash<std::string>{}(text)) + ":" + std::to_string(text.size());
}

}  // namespace

Term Encoder::Free(ValueKind kind, const std::string& what) {
  approximated_.insert(what);
  Term t(ctx_);
  t.kind = kind;
  const std::string base = prefix_ + "free" + std::to_string(fresh_++);
  t.known = ctx_.bool_const((base + " known").c_str());
  if (kind == ValueKind::Bool) {
    t.value = ctx_.bool_const(base.c_str());
  } else if (IsText(kind)) {
    t.value = ctx_.string_const(base.c_str());
  } else if (IsIntegerSort(kind)) {
    t.value = ctx_.int_const(base.c_str());
    if (kind == ValueKind::Money) t.currency = ctx_.int_const((base + " currency").c_str());
  } else {
    // A collection nothing can look into: membership in it is free too (Membership).
    t.collection = true;
    t.opaque = true;
  }
  return t;
}

namespace {

std::string TextOfValue(const Value& v) { return std::string(v.text()); }

}  // namespace

Term Encoder::Const(const Value& v) {
  Term t(ctx_);
  t.kind = v.kind;
  t.known = ctx_.bool_val(true);
  switch (v.kind) {
    case ValueKind::Bool: t.value = ctx_.bool_val(v.b); break;
    case ValueKind::Int: t.value = Integer(ctx_, v.i); break;
    case ValueKind::Decimal: t.value = Integer(ctx_, v.dec.units); break;
    case ValueKind::Date: t.value = ctx_.int_val(v.date); break;
    case ValueKind::Country: t.value = ctx_.int_val(v.country); break;
    case ValueKind::Money:
      t.value = Integer(ctx_, v.dec.units);
      t.currency = ctx_.int_val(v.aux);
      break;
    case ValueKind::String:
    case ValueKind::Code: {
      std::string text = TextOfValue(v);
      if (v.kind == ValueKind::Code) text = UpperAscii(text);
      t.literal = text;
      t.value = Bytes(ctx_, text);
      break;
    }
    case ValueKind::Set:
    case ValueKind::List:
      t.collection = true;
      for (const Value& item : v.items) t.items.push_back(Const(item));
      break;
    default: return Free(v.kind, "a value of an unexpected kind");
  }
  return t;
}

namespace {

Term BoolTerm(z3::context& c, const z3::expr& known, const z3::expr& value) {
  Term t(c);
  t.kind = ValueKind::Bool;
  t.known = known;
  t.value = value;
  return t;
}

}  // namespace

// Equality of two known values as the runtime's LooseEqual sees it: numbers across int and
// decimal, money of one currency, texts (codes folded). Empty when the encoding cannot say.
std::optional<z3::expr> Encoder::Equal(const Term& a, const Term& b) {
  if (IsNumber(a.kind) && IsNumber(b.kind)) {
    if (a.kind == b.kind) return a.value == b.value;
    const z3::expr one = Integer(ctx_, kDecimalOne);
    return a.kind == ValueKind::Int ? a.value * one == b.value : a.value == b.value * one;
  }
  if (a.kind == ValueKind::Money && b.kind == ValueKind::Money)
    return a.currency == b.currency && a.value == b.value;
  if (IsText(a.kind) && IsText(b.kind)) {
    const bool a_abstract = a.text_slot >= 0, b_abstract = b.text_slot >= 0;
    if (a_abstract && b_abstract) return std::nullopt;
    if (a_abstract || b_abstract) {
      const Term& field = a_abstract ? a : b;
      const Term& other = a_abstract ? b : a;
      if (!other.literal) return std::nullopt;
      const std::vector<std::string>& values =
          vars_.text(static_cast<uint32_t>(field.text_slot)).values;
      std::string want = *other.literal;
      if (field.kind == ValueKind::Code || other.kind == ValueKind::Code) want = UpperAscii(want);
      z3::expr any = ctx_.bool_val(false);
      for (size_t i = 0; i < values.size(); ++i)
        if (values[i] == want) any = any || field.value == static_cast<int>(i);
      return any.simplify();
    }
    const bool fold = a.kind == ValueKind::Code || b.kind == ValueKind::Code;
    if (fold && a.kind != b.kind) {
      // A code (upper case) against a string: only a literal string can be folded here.
      const Term& str = a.kind == ValueKind::String ? a : b;
      const Term& code = a.kind == ValueKind::String ? b : a;
      if (!str.literal) return std::nullopt;
      return code.value == Bytes(ctx_, UpperAscii(*str.literal));
    }
    return a.value == b.value;
  }
  if (a.kind != b.kind) return ctx_.bool_val(false);
  if (a.kind == ValueKind::Bool || a.kind == ValueKind::Date || a.kind == ValueKind::Country)
    return a.value == b.value;
  return std::nullopt;
}

Term Encoder::Compare(ir::Op op, const Term& l, const Term& r) {
  if (l.collection || r.collection) return Free(ValueKind::Bool, "a comparison of collections");
  z3::expr known = l.known && r.known;
  if (op == ir::Op::Eq || op == ir::Op::Ne) {
    if (l.kind == ValueKind::Money && r.kind == ValueKind::Money)
      known = known && l.currency == r.currency;  // another currency: unknown (mismatch)
    std::optional<z3::expr> eq = Equal(l, r);
    if (!eq) return Free(ValueKind::Bool, "a comparison of texts of different kinds");
    return BoolTerm(ctx_, known, op == ir::Op::Eq ? *eq : !*eq);
  }
  auto order = [&](const z3::expr& x, const z3::expr& y) {
    switch (op) {
      case ir::Op::Lt: return x < y;
      case ir::Op::Le: return x <= y;
      case ir::Op::Gt: return x > y;
      default: return x >= y;
    }
  };
  if (IsNumber(l.kind) && IsNumber(r.kind)) {
    const z3::expr one = Integer(ctx_, kDecimalOne);
    z3::expr x = l.kind == ValueKind::Int && r.kind == ValueKind::Decimal ? l.value * one : l.value;
    z3::expr y = r.kind == ValueKind::Int && l.kind == ValueKind::Decimal ? r.value * one : r.value;
    return BoolTerm(ctx_, known, order(x, y));
  }
  if (l.kind == ValueKind::Money && r.kind == ValueKind::Money)
    return BoolTerm(ctx_, known && l.currency == r.currency, order(l.value, r.value));
  if ((l.kind == ValueKind::Date && r.kind == ValueKind::Date) ||
      (l.kind == ValueKind::Country && r.kind == ValueKind::Country))
    return BoolTerm(ctx_, known, order(l.value, r.value));
  if (IsText(l.kind) && IsText(r.kind) && l.text_slot < 0 && r.text_slot < 0) {
    if (l.kind != r.kind && !(l.literal || r.literal))
      return Free(ValueKind::Bool, "an ordering of a code and a string");
    z3::expr x = l.literal
                     ? Bytes(ctx_, r.kind == ValueKind::Code ? UpperAscii(*l.literal) : *l.literal)
                     : l.value;
    z3::expr y = r.literal
                     ? Bytes(ctx_, l.kind == ValueKind::Code ? UpperAscii(*r.literal) : *r.literal)
                     : r.value;
    auto lt = [&](const z3::expr& p, const z3::expr& q) {
      return z3::expr(ctx_, Z3_mk_str_lt(ctx_, p, q));
    };
    z3::expr result(ctx_);
    switch (op) {
      case ir::Op::Lt: result = lt(x, y); break;
      case ir::Op::Le: result = !lt(y, x); break;
      case ir::Op::Gt: result = lt(y, x); break;
      default: result = !lt(x, y); break;
    }
    return BoolTerm(ctx_, known, result);
  }
  if (l.kind == ValueKind::Bool && r.kind == ValueKind::Bool) {
    z3::expr x = z3::ite(l.value, ctx_.int_val(1), ctx_.int_val(0));
    z3::expr y = z3::ite(r.value, ctx_.int_val(1), ctx_.int_val(0));
    return BoolTerm(ctx_, known, order(x, y));
  }
  if (l.kind != r.kind) return BoolTerm(ctx_, known, ctx_.bool_val(false));  // never mixed
  return Free(ValueKind::Bool, "an ordering of these values");
}

namespace {

// A constant's canonical JSON text: the key of a set field's membership flag, and what a witness
// writes into the set.
std::optional<std::string> ElementJson(const Term& t) {
  if (t.literal) return JsonQuote(*t.literal);
  return std::nullopt;
}

}  // namespace

Term Encoder::Membership(const Term& element, const Term& collection, const char* what) {
  if (collection.field_slot >= 0) {
    const rt::FieldSlot& slot = vars_.layout().slots[static_cast<uint32_t>(collection.field_slot)];
    std::optional<std::string> key = ElementJson(element);
    if (!key || element.kind != slot.element) return Free(ValueKind::Bool, what);
    return BoolTerm(ctx_, element.known && collection.known,
                    vars_.member(static_cast<uint32_t>(collection.field_slot), *key));
  }
  if (collection.opaque || element.collection) return Free(ValueKind::Bool, what);
  if (!collection.collection)  // the runtime: nothing is in a value that is not a collection
    return BoolTerm(ctx_, element.known && collection.known, ctx_.bool_val(false));
  z3::expr found = ctx_.bool_val(false), any_unknown = ctx_.bool_val(false);
  for (const Term& item : collection.items) {
    std::optional<z3::expr> eq = Equal(element, item);
    if (!eq) return Free(ValueKind::Bool, what);
    found = found || (item.known && *eq);
    any_unknown = any_unknown || !item.known;
  }
  found = found.simplify();
  any_unknown = any_unknown.simplify();
  return BoolTerm(ctx_, element.known && collection.known && (found || !any_unknown), found);
}

Term Encoder::Under(const Term& code, const Term& pattern) {
  std::vector<const Term*> patterns;
  if (pattern.collection) {
    if (pattern.field_slot >= 0 || pattern.opaque) return Free(ValueKind::Bool, "`under` a field");
    for (const Term& item : pattern.items) patterns.push_back(&item);
  } else {
    patterns.push_back(&pattern);
  }
  if (code.collection) return Free(ValueKind::Bool, "`under` on this value");
  if (code.text_slot >= 0) return UnderClasses(code, patterns);
  z3::expr is_true = ctx_.bool_val(false), less = ctx_.bool_val(false),
           any_unknown = ctx_.bool_val(false);
  for (const Term* p : patterns) {
    if (!IsText(p->kind)) continue;  // the runtime: not under
    if (!p->literal) return Free(ValueKind::Bool, "`under` a computed pattern");
    UnderLanguages langs = UnderRegex(ctx_, *p->literal);
    is_true = is_true || z3::in_re(code.value, langs.is_true);
    less = less || z3::in_re(code.value, langs.less_specific);
    any_unknown = any_unknown || !p->known;
  }
  // Not under any: a less specific code is unknown ("3A001 is less specific than 3A001.a").
  return BoolTerm(ctx_, code.known && pattern.known && (is_true || (!less && !any_unknown)),
                  is_true);
}

Term Encoder::UnderClasses(const Term& code, const std::vector<const Term*>& patterns) {
  std::vector<Value> items;
  for (const Term* p : patterns) {
    if (!IsText(p->kind)) continue;
    if (!p->literal) return Free(ValueKind::Bool, "`under` a computed pattern");
    items.push_back(Value::Code(*p->literal));
  }
  const Value pattern =
      Value::List(rt::ValueSpan{items.data(), static_cast<uint32_t>(items.size())});
  const std::vector<std::string>& values = vars_.text(static_cast<uint32_t>(code.text_slot)).values;
  rt::EvalContext ctx;
  z3::expr is_true = ctx_.bool_val(false), unknown = ctx_.bool_val(false);
  for (size_t i = 0; i < values.size(); ++i) {
    const Value v =
        code.kind == ValueKind::Code ? Value::Code(values[i]) : Value::String(values[i]);
    Value out;
    licit_rt_under(&ctx, &v, &pattern, &out);
    if (!out.known()) {
      unknown = unknown || code.value == static_cast<int>(i);
    } else if (out.b) {
      is_true = is_true || code.value == static_cast<int>(i);
    }
  }
  return BoolTerm(ctx_, code.known && !unknown.simplify(), is_true.simplify());
}

Term Encoder::Matches(const Term& subject, const Term& glob) {
  if (!glob.literal || subject.text_slot >= 0 || !IsText(subject.kind))
    return Free(ValueKind::Bool, "`matches` a computed pattern");
  return BoolTerm(
      ctx_, subject.known && glob.known,
      z3::in_re(subject.value, GlobRegex(ctx_, *glob.literal, subject.kind == ValueKind::Code)));
}

Term Encoder::Arith(ir::Op op, const Term& l, const Term& r, ValueKind kind) {
  Term t(ctx_);
  t.kind = kind;
  auto in_int64 = [&](const z3::expr& v) {
    return v >= Integer(ctx_, INT64_MIN) && v <= Integer(ctx_, INT64_MAX);
  };
  auto in_int128 = [&](const z3::expr& v) {
    return v >= Integer(ctx_, kInt128Min) && v <= Integer(ctx_, kInt128Max);
  };
  if (op == ir::Op::Neg) {
    if (l.kind == ValueKind::Int) {
      t.value = -l.value;
      t.known = l.known && in_int64(t.value);
    } else if (l.kind == ValueKind::Decimal || l.kind == ValueKind::Money) {
      t.value = -l.value;
      t.currency = l.currency;
      t.known = l.known && in_int128(t.value);
    } else {
      return Free(kind, "negation");
    }
    return t;
  }
  if (op == ir::Op::Mod && l.kind == ValueKind::Int && r.kind == ValueKind::Int &&
      r.value.is_numeral()) {
    // `%` by a constant, with C's truncated division: a - b * trunc(a / b); by 0 unknown.
    const int64_t b = r.value.get_numeral_int64();
    if (b == 0) {
      t.value = l.value;
      t.known = ctx_.bool_val(false);
      return t;
    }
    const z3::expr mag = ctx_.int_val(b < 0 ? -b : b);
    z3::expr q = z3::ite(l.value >= 0, z3::expr(ctx_, Z3_mk_div(ctx_, l.value, mag)),
                         -z3::expr(ctx_, Z3_mk_div(ctx_, -l.value, mag)));
    if (b < 0) q = -q;
    t.value = l.value - r.value * q;
    t.known = l.known && r.known;
    return t;
  }
  if (op == ir::Op::Div || op == ir::Op::Mod) return Free(kind, "division");
  if (l.kind == ValueKind::Int && r.kind == ValueKind::Int) {
    t.value = op == ir::Op::Add   ? l.value + r.value
              : op == ir::Op::Sub ? l.value - r.value
                                  : l.value * r.value;
    t.known = l.known && r.known && in_int64(t.value);
    return t;
  }
  const bool lm = l.kind == ValueKind::Money, rm = r.kind == ValueKind::Money;
  if (!((lm || IsNumber(l.kind)) && (rm || IsNumber(r.kind)))) return Free(kind, "arithmetic");
  const z3::expr one = Integer(ctx_, kDecimalOne);
  z3::expr x = l.kind == ValueKind::Int ? l.value * one : l.value;
  z3::expr y = r.kind == ValueKind::Int ? r.value * one : r.value;
  z3::expr known = l.known && r.known;
  if (op == ir::Op::Add || op == ir::Op::Sub) {
    if (lm != rm) {  // money plus a number: always unknown
      t.value = x;
      t.known = ctx_.bool_val(false);
      t.currency = lm ? l.currency : r.currency;
      return t;
    }
    if (lm) known = known && l.currency == r.currency;
    t.value = op == ir::Op::Add ? x + y : x - y;
    t.known = known && in_int128(t.value);
    t.currency = lm ? l.currency : z3::expr(ctx_);
    return t;
  }
  // Multiplication: the product of two 18-place decimals rounded half-even to 18 places.
  if (lm && rm) known = known && l.currency == r.currency;
  z3::expr p = x * y;
  z3::expr mag = z3::ite(p >= 0, p, -p);
  z3::expr q = z3::expr(ctx_, Z3_mk_div(ctx_, mag, one));
  z3::expr rem = z3::expr(ctx_, Z3_mk_mod(ctx_, mag, one));
  z3::expr odd = z3::expr(ctx_, Z3_mk_mod(ctx_, q, ctx_.int_val(2))) == 1;
  z3::expr up = rem * 2 > one || (rem * 2 == one && odd);
  z3::expr m = q + z3::ite(up, ctx_.int_val(1), ctx_.int_val(0));
  t.value = z3::ite(p >= 0, m, -m);
  t.known = known && in_int128(t.value);
  t.currency = lm ? l.currency : (rm ? r.currency : z3::expr(ctx_));
  return t;
}

Term Encoder::Call(rt::Builtin b, const std::vector<Term>& args, ValueKind kind) {
  z3::expr known = ctx_.bool_val(true);
  for (const Term& a : args) known = known && a.known;
  switch (b) {
    case rt::Builtin::StartsWith:
    case rt::Builtin::EndsWith:
    case rt::Builtin::Contains: {
      if (args.size() != 2) break;
      if (b == rt::Builtin::Contains && args[0].collection)
        return Membership(args[1], args[0], "contains() on a collection");
      const Term& s = args[0];
      const Term& needle = args[1];
      if (!IsText(s.kind) || s.text_slot >= 0 || !needle.literal) break;
      z3::expr n =
          Bytes(ctx_, s.kind == ValueKind::Code ? UpperAscii(*needle.literal) : *needle.literal);
      z3::expr v = b == rt::Builtin::StartsWith ? z3::prefixof(n, s.value)
                   : b == rt::Builtin::EndsWith ? z3::suffixof(n, s.value)
                                                : s.value.contains(n);
      return BoolTerm(ctx_, known, v);
    }
    case rt::Builtin::Len: {
      // A code's characters are ASCII (the readers accept letters, digits and dots): its length
      // in code points is its length in bytes.
      if (args.size() != 1 || args[0].kind != ValueKind::Code || args[0].text_slot >= 0 ||
          args[0].collection)
        break;
      Term t(ctx_);
      t.kind = ValueKind::Int;
      t.known = known;
      t.value = args[0].value.length();
      return t;
    }
    case rt::Builtin::DaysBetween: {
      if (args.size() != 2) break;
      Term t(ctx_);
      t.kind = ValueKind::Int;
      t.known = known;
      t.value = args[1].value - args[0].value;
      return t;
    }
    case rt::Builtin::Amount: {
      if (args.size() != 1 || args[0].kind != ValueKind::Money) break;
      Term t(ctx_);
      t.kind = ValueKind::Decimal;
      t.known = known;
      t.value = args[0].value;
      return t;
    }
    case rt::Builtin::Currency: {
      if (args.size() != 1 || args[0].kind != ValueKind::Money) break;
      Term t(ctx_);
      t.kind = ValueKind::String;
      t.known = known;
      auto all = AllCurrencies();
      z3::expr v = Bytes(ctx_, "???");
      for (size_t i = all.size(); i-- > 0;)
        v = z3::ite(args[0].currency == static_cast<int>(i), Bytes(ctx_, all[i].code), v);
      t.value = v;
      return t;
    }
    case rt::Builtin::Min:
    case rt::Builtin::Max: {
      if (args.size() != 2 || args[0].kind != args[1].kind || !IsIntegerSort(args[0].kind)) break;
      Term t(ctx_);
      t.kind = kind;
      const z3::expr& x = args[0].value;
      const z3::expr& y = args[1].value;
      const bool want_max = b == rt::Builtin::Max;
      t.value = want_max ? z3::ite(x >= y, x, y) : z3::ite(x <= y, x, y);
      t.known = known;
      if (args[0].kind == ValueKind::Money) {
        t.known = known && args[0].currency == args[1].currency;
        t.currency = args[0].currency;
      }
      return t;
    }
    case rt::Builtin::Abs: {
      if (args.size() != 1 || !(IsNumber(args[0].kind) || args[0].kind == ValueKind::Money)) break;
      Term neg = Arith(ir::Op::Neg, args[0], args[0], args[0].kind);
      Term t(ctx_);
      t.kind = args[0].kind;
      z3::expr negative = args[0].value < 0;
      t.value = z3::ite(negative, neg.value, args[0].value);
      t.known = args[0].known && z3::implies(negative, neg.known);
      t.currency = args[0].currency;
      return t;
    }
    default: break;
  }
  return Free(kind, std::string(rt::InfoOf(b).name) + "()");
}

Term Encoder::Encode(ir::ExprId id) {
  if (memo_[id]) return *memo_[id];
  try {
    Term t = EncodeNode(id);
    memo_[id] = t;
    return t;
  } catch (const z3::exception& e) {
    // A combination of kinds the encoding did not foresee (z3 refuses mixed sorts): the
    // expression becomes a free value, so nothing is claimed from it.
    Term t = Free(program_.nodes[id].kind, "an expression of unexpected kinds");
    memo_[id] = t;
    return t;
  }
}

Term Encoder::EncodeNode(ir::ExprId id) {
  const ir::Node& n = program_.nodes[id];
  const ir::ExprId* a = program_.args(n);
  Term t(ctx_);
  t.kind = n.kind;
  switch (n.op) {
    case ir::Op::Const: t = Const(program_.constants[n.imm]); break;
    case ir::Op::Field: {
      const rt::FieldSlot& slot = vars_.layout().slots[n.imm];
      t.known = vars_.present(n.imm);
      if (slot.kind == ValueKind::Set || slot.kind == ValueKind::List) {
        t.collection = true;
        t.field_slot = static_cast<int32_t>(n.imm);
      } else if (slot.kind == ValueKind::Record) {
        t = Free(n.kind, "a record used as a value");
      } else {
        t.value = vars_.value(n.imm);
        t.currency = vars_.currency(n.imm);
        if (IsText(slot.kind) && vars_.text(n.imm).abstract)
          t.text_slot = static_cast<int32_t>(n.imm);
      }
      break;
    }
    case ir::Op::Has: t = BoolTerm(ctx_, ctx_.bool_val(true), vars_.present(n.imm)); break;
    case ir::Op::ClassRef: t = Encode(program_.classes[n.imm].predicate); break;
    case ir::Op::Not: {
      Term x = Encode(a[0]);
      t = BoolTerm(ctx_, x.known, !x.value);
      break;
    }
    case ir::Op::And:
    case ir::Op::Or: {
      // Kleene: a deciding operand (false for and, true for or) decides; else any unknown does.
      const bool is_or = n.op == ir::Op::Or;
      z3::expr_vector deciding(ctx_), all(ctx_);
      for (uint32_t k = 0; k < n.count; ++k) {
        Term x = Encode(a[k]);
        deciding.push_back(x.known && (is_or ? x.value : !x.value));
        all.push_back(x.known && (is_or ? !x.value : x.value));
      }
      z3::expr decided = z3::mk_or(deciding), rest = z3::mk_and(all);
      // When every operand is always known, so is the result (simplify() cannot see that
      // decided || rest is then a tautology).
      z3::expr_vector knowns(ctx_);
      for (uint32_t k = 0; k < n.count; ++k) knowns.push_back(Encode(a[k]).known);
      const bool always = z3::mk_and(knowns).simplify().is_true();
      t = BoolTerm(ctx_, always ? ctx_.bool_val(true) : decided || rest, is_or ? decided : rest);
      break;
    }
    case ir::Op::If: {
      Term c = Encode(a[0]), x = Encode(a[1]), y = Encode(a[2]);
      if (x.collection || y.collection || x.text_slot >= 0 || y.text_slot >= 0) {
        t = Free(n.kind, "`if` choosing between collections");
        break;
      }
      t.known = c.known && z3::ite(c.value, x.known, y.known);
      t.value = z3::ite(c.value, x.value, y.value);
      if (IsSet(x.currency) && IsSet(y.currency))
        t.currency = z3::ite(c.value, x.currency, y.currency);
      break;
    }
    case ir::Op::Eq:
    case ir::Op::Ne:
    case ir::Op::Lt:
    case ir::Op::Le:
    case ir::Op::Gt:
    case ir::Op::Ge: t = Compare(n.op, Encode(a[0]), Encode(a[1])); break;
    case ir::Op::In:
    case ir::Op::NotIn: {
      t = Membership(Encode(a[0]), Encode(a[1]), "`in` a computed collection");
      if (n.op == ir::Op::NotIn) t.value = !t.value;
      break;
    }
    case ir::Op::InGroup:
    case ir::Op::NotInGroup: {
      Term c = Encode(a[0]);
      z3::expr in = ctx_.bool_val(false);
      if (c.kind == ValueKind::Country && n.imm < program_.groups.size()) {
        for (const auto& [country, periods] : program_.groups[n.imm].members) {
          z3::expr when = ctx_.bool_val(false);
          for (const ir::Period& p : periods) {
            z3::expr inside = ctx_.bool_val(true);
            if (p.since != INT32_MIN) inside = inside && vars_.day() >= p.since;
            if (p.until != INT32_MAX) inside = inside && vars_.day() <= p.until;
            when = when || inside;
          }
          in = in || (c.value == static_cast<int>(country) && when.simplify());
        }
      }
      t = BoolTerm(ctx_, c.known, n.op == ir::Op::InGroup ? in : !in);
      break;
    }
    case ir::Op::Under:
    case ir::Op::NotUnder: {
      t = Under(Encode(a[0]), Encode(a[1]));
      if (n.op == ir::Op::NotUnder) t.value = !t.value;
      break;
    }
    case ir::Op::Matches: t = Matches(Encode(a[0]), Encode(a[1])); break;
    // Screening is not modelled: names, scores and list entries are beyond the encoding, so the
    // result is a fresh value (any of true, false, unknown) and a "never" stays a proof.
    case ir::Op::Screen: {
      // Not modelled: a value of its own per list, party and part (RecordVars::screen), any of
      // true, false and unknown; a decimal score is an integer of 10^-18 units like every decimal.
      approximated_.insert("screening against a restricted-party list");
      std::string key = ListFingerprint(program_.lists[ir::ScreenListOf(n.imm)]);
      for (uint32_t k = 0; k < n.count; ++k) {
        const ir::Node& operand = program_.node(a[k]);
        key += operand.op == ir::Op::Field ? "|slot" + std::to_string(operand.imm) : "|expr";
      }
      key += "|part" + std::to_string(n.imm % rt::kScreenPartCount);
      const bool shared = std::all_of(
          a, a + n.count, [&](ir::ExprId x) { return program_.node(x).op == ir::Op::Field; });
      if (!shared) {
        t = Free(n.kind, "screening against a restricted-party list");
        break;
      }
      auto [known, value] = vars_.screen(key, n.kind);
      t = Term(ctx_);
      t.kind = n.kind;
      t.known = known;
      t.value = value;
      break;
    }
    case ir::Op::Add:
    case ir::Op::Sub:
    case ir::Op::Mul:
    case ir::Op::Div:
    case ir::Op::Mod: t = Arith(n.op, Encode(a[0]), Encode(a[1]), n.kind); break;
    case ir::Op::Neg: {
      Term x = Encode(a[0]);
      t = Arith(n.op, x, x, n.kind);
      break;
    }
    case ir::Op::ToDecimal: {
      Term x = Encode(a[0]);
      t = x;
      if (x.kind == ValueKind::Int) {
        t.kind = ValueKind::Decimal;
        t.value = x.value * Integer(ctx_, kDecimalOne);
      }
      break;
    }
    case ir::Op::ToCode: {
      Term x = Encode(a[0]);
      if (x.kind == ValueKind::Code || (x.literal && !x.collection)) {
        t = x;
        if (x.literal) {
          t.literal = UpperAscii(*x.literal);
          t.value = Bytes(ctx_, *t.literal);
        }
        t.kind = ValueKind::Code;
      } else if (x.collection && x.field_slot < 0 && !x.opaque &&
                 std::all_of(
                     x.items.begin(), x.items.end(),
                     [](const Term& item) { return item.literal.has_value(); })) {
        t = x;
        for (Term& item : t.items) {
          item.literal = UpperAscii(*item.literal);
          item.value = Bytes(ctx_, *item.literal);
          item.kind = ValueKind::Code;
        }
      } else {
        t = Free(n.kind, "a string read as a code");
      }
      break;
    }
    case ir::Op::Call: {
      std::vector<Term> args;
      for (uint32_t k = 0; k < n.count; ++k) args.push_back(Encode(a[k]));
      t = Call(static_cast<rt::Builtin>(n.imm), args, n.kind);
      break;
    }
    case ir::Op::MakeSet:
    case ir::Op::MakeList: {
      t.collection = true;
      t.known = ctx_.bool_val(true);
      for (uint32_t k = 0; k < n.count; ++k) t.items.push_back(Encode(a[k]));
      break;
    }
  }
  return t;
}

std::set<uint32_t> Encoder::SlotsOf(ir::ExprId id) const {
  std::set<uint32_t> out;
  std::vector<ir::ExprId> stack = {id};
  std::set<ir::ExprId> seen;
  while (!stack.empty()) {
    ir::ExprId e = stack.back();
    stack.pop_back();
    if (e == ir::kNone || !seen.insert(e).second) continue;
    const ir::Node& n = program_.nodes[e];
    if (n.op == ir::Op::Field || n.op == ir::Op::Has) {
      out.insert(n.imm);
      continue;
    }
    if (n.op == ir::Op::ClassRef) {
      stack.push_back(program_.classes[n.imm].predicate);
      continue;
    }
    const ir::ExprId* a = program_.args(n);
    for (uint32_t k = 0; k < n.count; ++k) stack.push_back(a[k]);
  }
  return out;
}

std::set<uint32_t> Encoder::SlotsOfRule(uint32_t policy, uint32_t rule) const {
  const ir::Rule& r = program_.policies[policy].rules[rule];
  std::set<uint32_t> out;
  for (ir::ExprId e : {r.scope_class, r.destination, r.when, r.unless}) {
    if (e == ir::kNone) continue;
    std::set<uint32_t> s = SlotsOf(e);
    out.insert(s.begin(), s.end());
  }
  return out;
}

// --- The decision ------------------------------------------------------------------------------

namespace {

z3::expr InPeriod(const z3::expr& day, const ir::Period& p) {
  z3::context& c = day.ctx();
  z3::expr e = c.bool_val(true);
  if (p.since != INT32_MIN) e = e && day >= p.since;
  if (p.until != INT32_MAX) e = e && day <= p.until;
  return e;
}

z3::expr InForce(const z3::expr& day, const ir::Policy& policy, const ir::Period& period,
                 const std::vector<ir::SuspensionId>& suspensions) {
  z3::expr e = InPeriod(day, period);
  for (ir::SuspensionId s : suspensions)
    if (s < policy.suspensions.size()) e = e && !InPeriod(day, policy.suspensions[s].period);
  return e.simplify();
}

}  // namespace

void Encoder::EncodeDecision() {
  const z3::expr& day = vars_.day();
  uint32_t base = 0;
  for (uint32_t pi = 0; pi < program_.policies.size(); ++pi) {
    const ir::Policy& policy = program_.policies[pi];
    rule_base_.push_back(base);
    base += static_cast<uint32_t>(policy.rules.size());
    std::vector<ExceptionTerms> excs;
    for (uint32_t x = 0; x < policy.exceptions.size(); ++x) {
      const ir::Exception& e = policy.exceptions[x];
      z3::expr holds = InForce(day, policy, e.period, e.suspensions);
      if (e.when != ir::kNone) {
        Term w = Encode(e.when);
        holds = holds && w.known && w.value;
      }
      if (e.unless != ir::kNone) {
        Term u = Encode(e.unless);
        holds = holds && u.known && !u.value;
      }
      ExceptionTerms et(ctx_);
      et.holds = holds.simplify();
      excs.push_back(et);
    }
    std::vector<RuleTerms> rules;
    for (uint32_t ri = 0; ri < policy.rules.size(); ++ri) {
      const ir::Rule& r = policy.rules[ri];
      RuleTerms rt(ctx_);
      rt.in_force = InForce(day, policy, r.period, r.suspensions);
      z3::expr not_false = ctx_.bool_val(true), all_true = ctx_.bool_val(true);
      const std::pair<ir::ExprId, const char*> parts[] = {
          {r.scope_class, "scope"}, {r.destination, "destinations"}, {r.when, "when"}};
      for (const auto& [expr, what] : parts) {
        if (expr == ir::kNone) continue;
        Term p = Encode(expr);
        z3::expr nf = !(p.known && !p.value);
        rt.parts.emplace_back(what, nf);
        rt.part_text.emplace_back(program_.SourceText(program_.nodes[expr].span));
        not_false = not_false && nf;
        all_true = all_true && p.known && p.value;
      }
      if (r.unless != ir::kNone) {
        Term u = Encode(r.unless);
        z3::expr nf = !(u.known && u.value);
        rt.parts.emplace_back("unless", nf);
        rt.part_text.emplace_back(program_.SourceText(program_.nodes[r.unless].span));
        not_false = not_false && nf;
        all_true = all_true && u.known && !u.value;
      }
      // Every part known (true or false) whatever the record: the rule can never be unknown.
      z3::expr all_known = ctx_.bool_val(true);
      for (ir::ExprId expr : {r.scope_class, r.destination, r.when, r.unless})
        if (expr != ir::kNone) all_known = all_known && Encode(expr).known;
      rt.may_be_unknown = !all_known.simplify().is_true();
      rt.fires = (rt.in_force && not_false).simplify();
      rt.fires_known = (rt.fires && all_true).simplify();
      z3::expr waived = ctx_.bool_val(false);
      for (ir::ExceptionId x : r.waived_by)
        if (x < excs.size()) waived = waived || excs[x].holds;
      rt.waived = waived.simplify();
      rt.contributes = (rt.fires && !rt.waived).simplify();
      rules.push_back(rt);
    }
    rules_.push_back(std::move(rules));
    exceptions_.push_back(std::move(excs));
  }
  effect_ = EffectWithout(ctx_.int_val(-1));
}

z3::expr Encoder::EffectWithout(const z3::expr& removed) {
  const bool all = removed.is_numeral();
  std::vector<z3::expr> policy_effects;
  for (uint32_t pi = 0; pi < program_.policies.size(); ++pi) {
    const ir::Policy& policy = program_.policies[pi];
    z3::expr_vector deny(ctx_), license(ctx_), review(ctx_), exempt(ctx_), allow(ctx_), any(ctx_);
    for (uint32_t ri = 0; ri < policy.rules.size(); ++ri) {
      const RuleTerms& rt = rules_[pi][ri];
      z3::expr kept =
          all ? ctx_.bool_val(true) : removed != ctx_.int_val(static_cast<int>(RuleNumber(pi, ri)));
      z3::expr contributes = rt.contributes && kept;
      any.push_back(rt.fires && kept);
      exempt.push_back(rt.fires && rt.waived && kept);
      review.push_back(contributes && !rt.fires_known);
      switch (policy.rules[ri].effect) {
        case rt::Effect::Deny: deny.push_back(contributes && rt.fires_known); break;
        case rt::Effect::License: license.push_back(contributes && rt.fires_known); break;
        case rt::Effect::Review: review.push_back(contributes && rt.fires_known); break;
        default: allow.push_back(contributes && rt.fires_known); break;
      }
    }
    z3::expr e = z3::ite(z3::mk_or(any), ctx_.int_val(EffectNumber(rt::Effect::Allow)),
                         ctx_.int_val(EffectNumber(policy.default_effect)));
    e = z3::ite(z3::mk_or(exempt), ctx_.int_val(EffectNumber(rt::Effect::Exempt)), e);
    e = z3::ite(z3::mk_or(review), ctx_.int_val(EffectNumber(rt::Effect::Review)), e);
    e = z3::ite(z3::mk_or(license), ctx_.int_val(EffectNumber(rt::Effect::License)), e);
    e = z3::ite(z3::mk_or(deny), ctx_.int_val(EffectNumber(rt::Effect::Deny)), e);
    policy_effects.push_back(e);
  }
  if (all) policy_effects_ = policy_effects;
  z3::expr effect = ctx_.int_val(EffectNumber(rt::Effect::Allow));
  for (const z3::expr& e : policy_effects) effect = z3::ite(e > effect, e, effect);
  return effect;
}

}  // namespace licit::analysis
