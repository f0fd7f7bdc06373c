#include "frontend/syntax/ast_builder.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <typeinfo>

#include <fmt/format.h>

#include "LicitLexer.h"
#include "base/did_you_mean.h"
#include "base/iso_codes.h"
#include "frontend/syntax/parse.h"

namespace licit::syntax {

using licit_gen::LicitLexer;
using P = licit_gen::LicitParser;
using antlr4::tree::TerminalNode;

namespace {

// `node` as the generated context class T when it is exactly that class (an alternative's own
// class, which nothing derives from), else null: what dynamic_cast answers for such a class,
// by one comparison of type_info instead of a walk of the class hierarchy. The primary-expression
// dispatch asked up to 14 dynamic_casts per literal; __dynamic_cast was 60 M of the 203 M
// instructions of `licit check` on the 1,004-rule reference policy.
template <class T>
T* As(antlr4::tree::ParseTree* node) {
  return node != nullptr && typeid(*node) == typeid(T) ? static_cast<T*>(node) : nullptr;
}

class Builder {
 public:
  Builder(const SourceFile& file, const OffsetMap& offsets, DiagnosticSink& diags)
      : file_(file),
        offsets_(offsets),
        diags_(diags),
        module_(std::make_unique<ast::Module>(file.id())) {}

  std::unique_ptr<ast::Module> Build(P::FileContext* tree) {
    if (tree) {
      for (P::DeclarationContext* d : tree->declaration()) Add(d);
    }
    return Finish();
  }
  void Add(P::DeclarationContext* d) {
    if (ast::Decl* decl = Declaration(d)) module_->AddDecl(decl);
  }
  std::unique_ptr<ast::Module> Finish() {
    CheckHeader();
    return std::move(module_);
  }

 private:
  // ---- spans and tokens ------------------------------------------------------------------
  Span Of(antlr4::Token* t) const { return offsets_.TokenSpan(file_.id(), t); }
  Span Of(TerminalNode* n) const { return n ? Of(n->getSymbol()) : Span{}; }
  Span Of(antlr4::ParserRuleContext* ctx) const {
    if (!ctx || !ctx->getStart()) return Span{};
    Span b = Of(ctx->getStart());
    antlr4::Token* stop = ctx->getStop();
    if (!stop || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return b;
    return Span::Cover(b, Of(stop));
  }
  // A terminal is usable when present and not conjured by error recovery.
  static bool Ok(TerminalNode* n) {
    return n && n->getSymbol() && n->getSymbol()->getTokenIndex() != static_cast<size_t>(-1) &&
           n->getSymbol()->getStartIndex() != static_cast<size_t>(-1);
  }
  ast::Ident IdentOf(TerminalNode* n) const {
    if (!Ok(n)) return ast::Ident{"", n ? Of(n) : Span{}};
    return ast::Ident{n->getText(), Of(n)};
  }
  ast::Ident IdentOf(P::AnyNameContext* ctx) const {
    if (!ctx) return {};
    return ast::Ident{ctx->getText(), Of(ctx)};
  }

  // ---- literals ----------------------------------------------------------------------------
  // Decodes a string token's escapes; reports invalid ones at their own position.
  ast::StringLit StringOf(TerminalNode* n) {
    ast::StringLit lit;
    if (!Ok(n)) return lit;
    lit.span = Of(n);
    std::string raw = n->getText();
    if (raw.size() < 2) return lit;
    std::string_view body(raw.data() + 1, raw.size() - 2);
    uint32_t base = lit.span.begin + 1;
    for (size_t i = 0; i < body.size(); ++i) {
      char c = body[i];
      if (c != '\\') {
        lit.value += c;
        continue;
      }
      size_t start = i;
      char e = i + 1 < body.size() ? body[i + 1] : '\0';
      ++i;
      switch (e) {
        case '"': lit.value += '"'; continue;
        case '\\': lit.value += '\\'; continue;
        case 'n': lit.value += '\n'; continue;
        case 't': lit.value += '\t'; continue;
        case 'u': {
          size_t close = body.find('}', i);
          uint32_t cp = 0;
          bool valid = i + 1 < body.size() && body[i + 1] == '{' &&
                       close != std::string_view::npos && close > i + 2 && close - (i + 2) <= 6;
          if (valid) {
            auto digits = body.substr(i + 2, close - (i + 2));
            auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, 16);
            valid = ec == std::errc() && ptr == digits.data() + digits.size() && cp <= 0x10FFFF &&
                    !(cp >= 0xD800 && cp <= 0xDFFF);
          }
          if (!valid) {
            size_t end = close != std::string_view::npos && close - i < 10 ? close + 1 : i + 1;
            diags_
                .Report(DiagKind::InvalidEscape,
                        Span{file_.id(), base + static_cast<uint32_t>(start),
                             base + static_cast<uint32_t>(end)},
                        "invalid unicode escape")
                .Help(
                    "write `\\u{` then 1 to 6 hex digits of a Unicode scalar value, then `}`, "
                    "e.g. `\\u{00e9}`");
            continue;
          }
          AppendUtf8(lit.value, cp);
          i = close;
          continue;
        }
        default: {
          // The escaped character may be multi-byte; underline all of it.
          size_t len = 1;
          while (i + len < body.size() &&
                 (static_cast<unsigned char>(body[i + len]) & 0xC0) == 0x80) {
            ++len;
          }
          diags_
              .Report(DiagKind::InvalidEscape,
                      Span{file_.id(), base + static_cast<uint32_t>(start),
                           base + static_cast<uint32_t>(i + len)},
                      fmt::format("unknown escape `\\{}`", body.substr(i, len)))
              .Help("the escapes are \\\" \\\\ \\n \\t and \\u{...}; write \\\\ for a backslash");
          i += len - 1;
          continue;
        }
      }
    }
    return lit;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::optional<DateLiteral> DateOf(std::string_view text, Span span) {
    DateError err;
    auto lit = ParseDateLiteral(text, &err);
    if (lit) return lit;
    auto& d = diags_.Report(DiagKind::InvalidDate, span, fmt::format("invalid date `{}`", text));
    if (err == DateError::kMonthOutOfRange) {
      d.Label("there is no such month").Help("months run from 01 to 12");
    } else if (err == DateError::kDayOutOfRange) {
      int32_t year = 0;
      uint32_t month = 0;
      std::from_chars(text.data(), text.data() + 4, year);
      std::from_chars(text.data() + 5, text.data() + 7, month);
      static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                                "May",       "June",     "July",     "August",
                                                "September", "October",  "November", "December"};
      d.Label("there is no such day")
          .Help(
              fmt::format("{} {} has {} days", kMonths[month - 1], year, DaysInMonth(year, month)));
    }
    return std::nullopt;
  }

  std::optional<ast::DateBound> BoundOf(P::DateBoundContext* ctx) {
    if (!ctx) return std::nullopt;
    TerminalNode* n = ctx->DATE() ? ctx->DATE() : ctx->MONTH();
    if (!Ok(n)) return std::nullopt;
    auto lit = DateOf(n->getText(), Of(n));
    if (!lit) return std::nullopt;
    return ast::DateBound{*lit, Of(n)};
  }

  // ---- effects and names --------------------------------------------------------------------
  ast::EffectSpec EffectOf(P::EffectContext* ctx) {
    ast::EffectSpec spec;
    if (!ctx) return spec;
    spec.span = Of(ctx);
    if (ctx->DENY()) spec.effect = ast::Effect::Deny;
    else if (ctx->LICENSE()) spec.effect = ast::Effect::License;
    else if (ctx->REVIEW()) spec.effect = ast::Effect::Review;
    else if (ctx->EXEMPT()) spec.effect = ast::Effect::Exempt;
    else spec.effect = ast::Effect::Allow;
    if (Ok(ctx->STRING())) {
      if (spec.effect == ast::Effect::License) {
        spec.license_name = StringOf(ctx->STRING());
      } else {
        diags_
            .Report(DiagKind::LicenseNameOnOtherEffect, Of(ctx->STRING()),
                    fmt::format("only `license` takes a licence name, not `{}`",
                                ast::EffectName(spec.effect)))
            .Label("licence name")
            .Help(fmt::format("write `license {}` if a licence is required, or drop the name",
                              ctx->STRING()->getText()));
      }
    }
    return spec;
  }

  ast::QualifiedName QualifiedOf(P::QualifiedRefContext* ctx) {
    ast::QualifiedName q;
    if (!ctx) return q;
    q.span = Of(ctx);
    for (TerminalNode* n : ctx->NAME()) {
      if (Ok(n)) q.parts.push_back(IdentOf(n));
    }
    return q;
  }

  ast::QualifiedName DottedOf(P::DottedNameContext* ctx) {
    ast::QualifiedName q;
    if (!ctx) return q;
    q.span = Of(ctx);
    if (Ok(ctx->NAME())) q.parts.push_back(IdentOf(ctx->NAME()));
    for (P::AnyNameContext* a : ctx->anyName()) q.parts.push_back(IdentOf(a));
    return q;
  }

  std::vector<ast::Ident> NamesOf(P::NameListContext* ctx) {
    std::vector<ast::Ident> out;
    if (!ctx) return out;
    for (TerminalNode* n : ctx->NAME()) {
      if (Ok(n)) out.push_back(IdentOf(n));
    }
    return out;
  }

  // ---- clauses -------------------------------------------------------------------------------
  enum ClauseBit : unsigned {
    kWhen = 1,
    kUnless = 2,
    kSince = 4,
    kUntil = 8,
    kBecause = 16,
    kCite = 32
  };

  // Fills `out` from the clause list, reporting repeats and clauses `allowed` does not include.
  void ClausesOf(const std::vector<P::ClauseContext*>& list, unsigned allowed,
                 std::string_view where, std::string_view help, ast::Clauses& out) {
    std::map<unsigned, Span> seen;
    for (P::ClauseContext* c : list) {
      if (!c || !c->getStart()) continue;
      unsigned bit = c->WHEN()      ? kWhen
                     : c->UNLESS()  ? kUnless
                     : c->SINCE()   ? kSince
                     : c->UNTIL()   ? kUntil
                     : c->BECAUSE() ? kBecause
                                    : kCite;
      Span keyword = Of(c->getStart());
      std::string word = c->getStart()->getText();
      if (!(allowed & bit)) {
        auto& d = diags_
                      .Report(DiagKind::ClauseNotAllowed, Of(c),
                              fmt::format("`{}` is not allowed in {}", word, where))
                      .Label("not allowed here");
        if (!help.empty()) d.Help(std::string(help));
        continue;
      }
      if (auto it = seen.find(bit); it != seen.end()) {
        diags_.Report(DiagKind::DuplicateClause, keyword, fmt::format("`{}` given twice", word))
            .Label("second `" + word + "`")
            .Also(it->second, "first given here")
            .Help(bit == kWhen || bit == kUnless
                      ? fmt::format("combine the conditions with `and` or `or` in one `{}`", word)
                      : "each clause may appear at most once");
        continue;
      }
      seen[bit] = keyword;
      switch (bit) {
        case kWhen: out.when = TopExpression(c->expr()); break;
        case kUnless: out.unless = TopExpression(c->expr()); break;
        case kSince: out.since = BoundOf(c->dateBound()); break;
        case kUntil: out.until = BoundOf(c->dateBound()); break;
        case kBecause:
          if (Ok(c->STRING())) out.because = StringOf(c->STRING());
          break;
        case kCite:
          if (Ok(c->STRING())) out.cite = StringOf(c->STRING());
          break;
      }
    }
  }

  // ---- declarations -------------------------------------------------------------------------
  ast::Decl* Declaration(P::DeclarationContext* ctx) {
    if (!ctx) return nullptr;
    ast::Decl* d = nullptr;
    if (auto* c = ctx->policyDecl()) d = Policy(c);
    else if (auto* c = ctx->importDecl()) d = Import(c);
    else if (auto* c = ctx->recordDecl()) d = Record(c);
    else if (auto* c = ctx->inputDecl()) d = Input(c);
    else if (auto* c = ctx->letDecl()) d = Let(c);
    else if (auto* c = ctx->classDecl()) d = Class(c);
    else if (auto* c = ctx->groupDecl()) d = Group(c);
    else if (auto* c = ctx->listDecl()) d = List(c);
    else if (auto* c = ctx->ruleDecl()) d = Rule(c);
    else if (auto* c = ctx->conciseRule()) d = Concise(c);
    else if (auto* c = ctx->exceptionDecl()) d = Exception(c);
    else if (auto* c = ctx->suspendDecl()) d = Suspend(c);
    else if (auto* c = ctx->defaultDecl()) d = Default(c);
    else if (auto* c = ctx->testDecl()) d = Test(c);
    if (d) d->span = Of(ctx);
    return d;
  }

  ast::Decl* Policy(P::PolicyDeclContext* ctx) {
    auto* d = module_->New<ast::PolicyDecl>();
    d->name = DottedOf(ctx->dottedName());
    std::map<std::string, Span> seen;
    static const std::vector<std::string> kKeys = {"title", "jurisdiction", "version"};
    for (P::PolicyMetaContext* m : ctx->policyMeta()) {
      auto names = m->NAME();
      if (names.empty() || !Ok(names[0])) continue;
      ast::Ident key = IdentOf(names[0]);
      bool has_string = Ok(m->STRING());
      ast::Ident value_name = names.size() > 1 ? IdentOf(names[1]) : ast::Ident{};
      if (std::find(kKeys.begin(), kKeys.end(), key.text) == kKeys.end()) {
        auto& diag = diags_
                         .Report(DiagKind::UnknownMetadata, key.span,
                                 fmt::format("unknown policy metadata `{}`", key.text))
                         .Label("not a metadata key");
        if (auto m2 = ClosestMatch(key.text, kKeys)) {
          diag.Help(fmt::format("did you mean `{}`?", *m2));
        } else {
          diag.Help(
              "the policy header takes `title \"...\"`, `jurisdiction CC` and `version \"...\"`");
        }
        continue;
      }
      if (auto it = seen.find(key.text); it != seen.end()) {
        diags_
            .Report(DiagKind::DuplicateClause, key.span, fmt::format("`{}` given twice", key.text))
            .Also(it->second, "first given here");
        continue;
      }
      seen[key.text] = key.span;
      if (key.text == "jurisdiction") {
        if (has_string) {
          std::string text = StringOf(m->STRING()).value;
          diags_
              .Report(DiagKind::SyntaxError, Of(m->STRING()),
                      "`jurisdiction` takes a country code, not a string")
              .Help(fmt::format("write it without quotes: `jurisdiction {}`", text));
          continue;
        }
        d->jurisdiction = value_name;
      } else {
        if (!has_string) {
          diags_.Report(DiagKind::SyntaxError, Of(m), fmt::format("`{}` takes a string", key.text))
              .Help(fmt::format("write `{} \"...\"`", key.text));
          continue;
        }
        (key.text == "title" ? d->title : d->version) = StringOf(m->STRING());
      }
    }
    return d;
  }

  ast::Decl* Import(P::ImportDeclContext* ctx) {
    auto* d = module_->New<ast::ImportDecl>();
    if (ctx->dottedName()) d->module = DottedOf(ctx->dottedName());
    if (Ok(ctx->STRING())) d->path = StringOf(ctx->STRING());
    if (Ok(ctx->NAME())) d->alias = IdentOf(ctx->NAME());
    return d;
  }

  std::unique_ptr<ast::TypeRef> Type(P::TypeRefContext* ctx) {
    auto t = std::make_unique<ast::TypeRef>();
    if (!ctx) return t;
    t->span = Of(ctx);
    t->name = QualifiedOf(ctx->qualifiedRef());
    if (ctx->typeRef()) t->args.push_back(Type(ctx->typeRef()));
    t->optional = ctx->QUESTION() != nullptr;
    return t;
  }

  ast::Decl* Record(P::RecordDeclContext* ctx) {
    auto* d = module_->New<ast::RecordDecl>();
    d->name = IdentOf(ctx->NAME());
    for (P::FieldDeclContext* f : ctx->fieldDecl()) {
      ast::FieldDecl field;
      field.id = module_->NewId();
      field.name = IdentOf(f->anyName());
      field.type = Type(f->typeRef());
      field.span = Of(f);
      d->fields.push_back(std::move(field));
    }
    return d;
  }

  ast::Decl* Input(P::InputDeclContext* ctx) {
    auto* d = module_->New<ast::InputDecl>();
    d->type_name = QualifiedOf(ctx->qualifiedRef());
    return d;
  }

  ast::Decl* Let(P::LetDeclContext* ctx) {
    auto* d = module_->New<ast::LetDecl>();
    d->name = IdentOf(ctx->NAME());
    d->value = TopExpression(ctx->expr());
    return d;
  }

  ast::Decl* Class(P::ClassDeclContext* ctx) {
    auto* d = module_->New<ast::ClassDecl>();
    d->name = IdentOf(ctx->NAME());
    d->predicate = TopExpression(ctx->expr());
    return d;
  }

  ast::Decl* Group(P::GroupDeclContext* ctx) {
    auto* d = module_->New<ast::GroupDecl>();
    d->name = IdentOf(ctx->NAME());
    for (P::GroupMemberContext* m : ctx->groupMember()) {
      ast::GroupMember member;
      member.ref = QualifiedOf(m->qualifiedRef());
      member.span = Of(m);
      for (P::MemberBoundContext* b : m->memberBound()) {
        bool since = b->SINCE() != nullptr;
        auto& slot = since ? member.since : member.until;
        Span keyword = Of(b->getStart());
        if (slot) {
          diags_
              .Report(DiagKind::DuplicateClause, keyword,
                      fmt::format("`{}` given twice for one member", since ? "since" : "until"))
              .Also(slot->span, "first given here")
              .Help(
                  "for a member that left and rejoined, list it twice: "
                  "`KR until 2019-08-27, KR since 2023-07-21`");
          continue;
        }
        slot = BoundOf(b->dateBound());
      }
      d->members.push_back(std::move(member));
    }
    return d;
  }

  // `list NAME = "file" options...`. The grammar accepts any name first and any option word with
  // any value, so that mistakes get a message saying what was meant.
  ast::Decl* List(P::ListDeclContext* ctx) {
    auto names = ctx->NAME();
    if (names.size() < 2 || !Ok(names[0])) return nullptr;
    if (names[0]->getText() != "list") {
      diags_
          .Report(DiagKind::SyntaxError, Of(names[0]),
                  fmt::format("`{}` does not start a declaration", names[0]->getText()))
          .Label("expected a declaration keyword")
          .Help("a restricted-party list is declared as `list NAME = \"file.csv\"`");
      return nullptr;
    }
    auto* d = module_->New<ast::ListDecl>();
    d->name = IdentOf(names[1]);
    if (Ok(ctx->STRING())) d->path = StringOf(ctx->STRING());
    static const std::vector<std::string> kOptions = {"format", "cleared", "match",
                                                      "review", "because", "cite"};
    std::map<std::string, Span> seen;
    for (P::ListOptionContext* o : ctx->listOption()) {
      if (o->children.size() < 2) continue;
      auto* key_node = dynamic_cast<TerminalNode*>(o->children[0]);
      auto* value_node = dynamic_cast<TerminalNode*>(o->children[1]);
      if (!Ok(key_node) || !Ok(value_node)) continue;
      std::string key = key_node->getText();
      Span key_span = Of(key_node), value_span = Of(value_node);
      size_t value_type = value_node->getSymbol()->getType();
      if (std::find(kOptions.begin(), kOptions.end(), key) == kOptions.end()) {
        auto& diag = diags_
                         .Report(DiagKind::ClauseNotAllowed, key_span,
                                 fmt::format("a list has no option `{}`", key))
                         .Label("not a list option");
        if (auto best = ClosestMatch(key, kOptions)) {
          diag.Help(fmt::format("did you mean `{}`?", *best));
        } else {
          diag.Help(
              "a list takes `format csl`, `cleared \"file.csv\"`, `match 0.92`, `review 0.85`, "
              "`because \"...\"` and `cite \"...\"`");
        }
        continue;
      }
      if (auto it = seen.find(key); it != seen.end()) {
        diags_.Report(DiagKind::DuplicateClause, key_span, fmt::format("`{}` given twice", key))
            .Also(it->second, "first given here");
        continue;
      }
      seen[key] = key_span;
      bool is_string = value_type == P::STRING;
      bool is_number = value_type == P::DECIMAL || value_type == P::INT;
      if (key == "format") {
        if (value_type != P::NAME) {
          diags_.Report(DiagKind::SyntaxError, value_span, "`format` takes a name")
              .Help("write `format csl` for the Consolidated Screening List's columns");
          continue;
        }
        d->format = IdentOf(value_node);
      } else if (key == "match" || key == "review") {
        if (!is_number) {
          diags_
              .Report(DiagKind::ListBadThreshold, value_span,
                      fmt::format("`{}` takes a score between 0 and 1", key))
              .Help(key == "match" ? "for example `match 0.92`" : "for example `review 0.85`");
          continue;
        }
        ast::ListDecl::Threshold t{std::strtod(value_node->getText().c_str(), nullptr), value_span};
        (key == "match" ? d->match : d->review) = t;
      } else {
        if (!is_string) {
          diags_.Report(DiagKind::SyntaxError, value_span, fmt::format("`{}` takes a string", key));
          continue;
        }
        ast::StringLit lit = StringOf(value_node);
        if (key == "cleared") d->cleared = lit;
        else if (key == "because") d->because = lit;
        else d->cite = lit;
      }
    }
    return d;
  }

  std::optional<ast::Destinations> Dests(P::DestinationsContext* ctx, Span to_span) {
    if (!ctx) return std::nullopt;
    ast::Destinations dests;
    dests.span = Of(ctx);
    dests.to_span = to_span;
    dests.any = ctx->ANY() != nullptr;
    auto lists = ctx->destList();
    size_t next = 0;
    if (!dests.any && next < lists.size()) {
      for (auto* q : lists[next]->qualifiedRef()) dests.include.push_back(QualifiedOf(q));
      ++next;
    }
    if (ctx->EXCEPT() && next < lists.size()) {
      for (auto* q : lists[next]->qualifiedRef()) dests.except.push_back(QualifiedOf(q));
    }
    return dests;
  }

  void CheckRuleEffect(const ast::EffectSpec& e) {
    (void)e;  // rule effects are judged by the checker (exempt error, allow warning)
  }

  ast::Decl* Rule(P::RuleDeclContext* ctx) {
    auto* d = module_->New<ast::RuleDecl>();
    d->name = IdentOf(ctx->NAME());
    d->effect = EffectOf(ctx->effect());
    if (P::ScopeContext* s = ctx->scope()) {
      if (s->qualifiedRef()) d->class_name = QualifiedOf(s->qualifiedRef());
      if (s->TO()) d->to = Dests(s->destinations(), Of(s->TO()));
    }
    ClausesOf(ctx->clause(), kWhen | kUnless | kSince | kUntil | kBecause | kCite, "a rule", "",
              d->clauses);
    return d;
  }

  ast::Decl* Concise(P::ConciseRuleContext* ctx) {
    auto* d = module_->New<ast::RuleDecl>();
    d->concise = true;
    d->class_name = QualifiedOf(ctx->qualifiedRef());
    if (ctx->TO()) d->to = Dests(ctx->destinations(), Of(ctx->TO()));
    d->effect = EffectOf(ctx->effect());
    // The generated name: class, `to` and the destinations as written, joined with `-`.
    std::string name;
    for (const auto& p : d->class_name->parts) name += (name.empty() ? "" : "-") + p.text;
    name += "-to";
    if (d->to) {
      if (d->to->any) name += "-any";
      for (const auto& q : d->to->include) name += "-" + q.ToString();
      if (!d->to->except.empty()) name += "-except";
      for (const auto& q : d->to->except) name += "-" + q.ToString();
    }
    std::replace(name.begin(), name.end(), '.', '-');
    Span scope_span = d->to ? Span::Cover(d->class_name->span, d->to->span) : d->class_name->span;
    d->name = ast::Ident{name, scope_span};
    ClausesOf(ctx->clause(), kSince | kUntil | kBecause | kCite, "a concise rule",
              "conditions need the block form: `rule NAME:` then the effect and scope, then "
              "`when ...` on an indented line",
              d->clauses);
    return d;
  }

  ast::Decl* Exception(P::ExceptionDeclContext* ctx) {
    auto* d = module_->New<ast::ExceptionDecl>();
    d->name = IdentOf(ctx->NAME());
    d->rules = NamesOf(ctx->nameList());
    if (ctx->effect() || ctx->scope()) {
      Span span = ctx->effect() ? Of(ctx->effect()) : Of(ctx->scope());
      if (ctx->effect() && ctx->scope()) span = Span::Cover(span, Of(ctx->scope()));
      diags_
          .Report(DiagKind::ExceptionScope, span, "an exception has no effect or scope of its own")
          .Label("not allowed in an exception")
          .Help(
              "an exception waives the rules it names (their effect becomes `exempt`); put its "
              "condition in `when`, e.g. `when destination in EAR_B`");
    }
    ClausesOf(ctx->clause(), kWhen | kUnless | kSince | kUntil | kBecause | kCite, "an exception",
              "", d->clauses);
    return d;
  }

  ast::Decl* Suspend(P::SuspendDeclContext* ctx) {
    auto* d = module_->New<ast::SuspendDecl>();
    d->targets = NamesOf(ctx->nameList());
    if (auto b = BoundOf(ctx->dateBound())) d->from = *b;
    ast::Clauses clauses;
    ClausesOf(ctx->clause(), kUntil | kBecause | kCite, "a suspension",
              "a suspension takes `from DATE`, then optionally `until DATE`, `because` and `cite`",
              clauses);
    d->until = clauses.until;
    d->because = clauses.because;
    d->cite = clauses.cite;
    return d;
  }

  ast::Decl* Default(P::DefaultDeclContext* ctx) {
    auto* d = module_->New<ast::DefaultDecl>();
    d->effect = EffectOf(ctx->effect());
    return d;
  }

  ast::Decl* Test(P::TestDeclContext* ctx) {
    auto* d = module_->New<ast::TestDecl>();
    if (Ok(ctx->STRING())) d->name = StringOf(ctx->STRING());
    d->given = TopExpression(ctx->expr());
    if (d->given && d->given->kind != ast::ExprKind::Record &&
        d->given->kind != ast::ExprKind::Error &&
        !(d->given->kind == ast::ExprKind::Set && d->given->As<ast::SetExpr>().elements.empty())) {
      diags_.Report(DiagKind::SyntaxError, d->given->span, "`given` takes a record literal")
          .Label("not a record")
          .Help("write the record's fields: `given { destination: JP, item: { cn: \"1C902\" } }`");
    }
    d->expect = EffectOf(ctx->effect());
    d->by = NamesOf(ctx->nameList());
    return d;
  }

  // The policy header comes first, once; an empty file is reported as such.
  void CheckHeader() {
    const auto& decls = module_->decls();
    if (decls.empty()) {
      if (diags_.error_count() == errors_at_start_) {
        diags_
            .Report(DiagKind::EmptyFile, Span{file_.id(), 0, 0},
                    fmt::format("`{}` has no declarations", file_.path()))
            .Help("a policy file starts with a header such as `policy acme.export_rules`");
      }
      return;
    }
    const ast::Decl* first_policy = nullptr;
    for (const ast::Decl* d : decls) {
      if (d->kind != ast::DeclKind::Policy) continue;
      if (!first_policy) {
        first_policy = d;
        continue;
      }
      diags_.Report(DiagKind::DuplicatePolicyHeader, d->span, "a file has one policy header")
          .Also(first_policy->span, "the header is here")
          .Help("to combine policies, run the files together: `licit run a.licit b.licit`");
    }
    if (!first_policy) {
      diags_
          .Report(DiagKind::MissingPolicyHeader,
                  Span{file_.id(), decls[0]->span.begin, decls[0]->span.begin},
                  "missing policy header")
          .Label("expected `policy NAME` before this")
          .Help("every file starts with a header such as `policy acme.export_rules`");
    } else if (first_policy != decls[0]) {
      diags_
          .Report(DiagKind::MissingPolicyHeader, first_policy->span,
                  "the policy header must come first")
          .Also(decls[0]->span, "this declaration comes before it")
          .Help("move `policy ...` to the top of the file");
    }
  }

  // ---- expressions --------------------------------------------------------------------------
  template <typename T>
  T* NewExpr(Span span) {
    T* e = module_->New<T>();
    e->span = span;
    return e;
  }
  ast::Expr* ErrorAt(Span span) { return NewExpr<ast::ErrorExpr>(span); }

  // The children of an expression node, for the depth check.
  static void Children(const ast::Expr* e, std::vector<const ast::Expr*>& out) {
    switch (e->kind) {
      case ast::ExprKind::Field: out.push_back(e->As<ast::FieldExpr>().object); break;
      case ast::ExprKind::Call:
        for (const ast::Expr* a : e->As<ast::CallExpr>().args) out.push_back(a);
        break;
      case ast::ExprKind::Unary: out.push_back(e->As<ast::UnaryExpr>().operand); break;
      case ast::ExprKind::Binary:
        out.push_back(e->As<ast::BinaryExpr>().lhs);
        out.push_back(e->As<ast::BinaryExpr>().rhs);
        break;
      case ast::ExprKind::If: {
        const auto& i = e->As<ast::IfExpr>();
        out.insert(out.end(), {i.cond, i.then_value, i.else_value});
        break;
      }
      case ast::ExprKind::Set:
        for (const ast::Expr* x : e->As<ast::SetExpr>().elements) out.push_back(x);
        break;
      case ast::ExprKind::List:
        for (const ast::Expr* x : e->As<ast::ListExpr>().elements) out.push_back(x);
        break;
      case ast::ExprKind::Record:
        for (const auto& f : e->As<ast::RecordExpr>().fields) out.push_back(f.value);
        break;
      default: break;
    }
  }

  // A declaration's expression. Every later phase (checker, lowering, interpreter) walks
  // expressions recursively, so their depth is bounded here, once: a left-deep chain such as
  // `1+1+...+1` or `a.b.c...` is flat in the syntax (no nesting limit applies) but deep as a
  // tree. Measured iteratively, since the tree itself may be too deep to recurse over.
  ast::Expr* TopExpression(P::ExprContext* ctx) {
    ast::Expr* e = Expression(ctx);
    if (!e) return e;
    std::vector<std::pair<const ast::Expr*, uint32_t>> stack = {{e, 1}};
    std::vector<const ast::Expr*> children;
    uint32_t max_depth = 0;
    const ast::Expr* deepest = e;
    while (!stack.empty()) {
      auto [node, depth] = stack.back();
      stack.pop_back();
      if (!node) continue;
      if (depth > max_depth) {
        max_depth = depth;
        deepest = node;
      }
      children.clear();
      Children(node, children);
      for (const ast::Expr* c : children) stack.push_back({c, depth + 1});
    }
    if (max_depth <= kMaxExpressionDepth) return e;
    diags_
        .Report(DiagKind::NestingTooDeep, deepest->span,
                fmt::format("this expression is {} operations deep; the limit is {}", max_depth,
                            kMaxExpressionDepth))
        .Label("too deep here")
        .Help("split it into `let` or `class` declarations, or use a set: `x in {a, b, c}`");
    return ErrorAt(e->span);
  }

  ast::Expr* Expression(P::ExprContext* ctx) {
    if (!ctx) return nullptr;
    if (auto* c = As<P::IfExprContext>(ctx)) {
      auto* e = NewExpr<ast::IfExpr>(Of(c));
      auto parts = c->expr();
      e->cond = parts.size() > 0 ? Expression(parts[0]) : ErrorAt(Of(c));
      e->then_value = parts.size() > 1 ? Expression(parts[1]) : ErrorAt(Of(c));
      e->else_value = parts.size() > 2 ? Expression(parts[2]) : ErrorAt(Of(c));
      return e;
    }
    if (auto* c = As<P::PlainExprContext>(ctx)) return Or(c->orExpr());
    return ErrorAt(Of(ctx));
  }

  // Left-associative chains: children alternate operand, operator token, operand, ...
  template <typename Operand>
  ast::Expr* Chain(antlr4::ParserRuleContext* ctx, Operand operand,
                   ast::BinaryOp (*op_of)(size_t token_type)) {
    if (!ctx) return nullptr;
    ast::Expr* lhs = nullptr;
    ast::BinaryOp op{};
    Span op_span;
    for (antlr4::tree::ParseTree* child : ctx->children) {
      if (auto* t = dynamic_cast<TerminalNode*>(child)) {
        op = op_of(t->getSymbol()->getType());
        op_span = Of(t);
        continue;
      }
      ast::Expr* rhs = operand(static_cast<antlr4::ParserRuleContext*>(child));
      if (!rhs) rhs = ErrorAt(Of(static_cast<antlr4::ParserRuleContext*>(child)));
      if (!lhs) {
        lhs = rhs;
        continue;
      }
      auto* b = NewExpr<ast::BinaryExpr>(Span::Cover(lhs->span, rhs->span));
      b->op = op;
      b->op_span = op_span;
      b->lhs = lhs;
      b->rhs = rhs;
      lhs = b;
    }
    return lhs ? lhs : ErrorAt(Of(ctx));
  }

  // `and` and `or` are associative (in Kleene logic too), so long chains are built as balanced
  // trees: a generated policy's 10,000-way `or` stays 14 levels deep. Operand order is kept, so
  // evaluation order (and which unknown is reported first) is unchanged.
  template <typename Operand>
  ast::Expr* Balanced(antlr4::ParserRuleContext* ctx, const std::vector<Operand*>& parts,
                      ast::BinaryOp op, const std::vector<TerminalNode*>& ops,
                      ast::Expr* (Builder::*build)(Operand*)) {
    if (!ctx) return nullptr;
    std::vector<ast::Expr*> operands;
    for (Operand* p : parts) {
      ast::Expr* e = (this->*build)(p);
      operands.push_back(e ? e : ErrorAt(Of(p)));
    }
    if (operands.empty()) return ErrorAt(Of(ctx));
    return Join(operands, ops, 0, operands.size(), op);
  }
  ast::Expr* Join(const std::vector<ast::Expr*>& operands, const std::vector<TerminalNode*>& ops,
                  size_t begin, size_t end, ast::BinaryOp op) {
    if (end - begin == 1) return operands[begin];
    size_t mid = begin + (end - begin) / 2;
    ast::Expr* lhs = Join(operands, ops, begin, mid, op);
    ast::Expr* rhs = Join(operands, ops, mid, end, op);
    auto* b = NewExpr<ast::BinaryExpr>(Span::Cover(lhs->span, rhs->span));
    b->op = op;
    b->op_span = mid - 1 < ops.size() ? Of(ops[mid - 1]) : rhs->span;
    b->lhs = lhs;
    b->rhs = rhs;
    return b;
  }
  ast::Expr* Or(P::OrExprContext* ctx) {
    if (!ctx) return nullptr;
    return Balanced(ctx, ctx->andExpr(), ast::BinaryOp::Or, ctx->OR(), &Builder::And);
  }
  ast::Expr* And(P::AndExprContext* ctx) {
    if (!ctx) return nullptr;
    return Balanced(ctx, ctx->notExpr(), ast::BinaryOp::And, ctx->AND(), &Builder::Not);
  }
  ast::Expr* Not(P::NotExprContext* ctx) {
    if (!ctx) return nullptr;
    if (ctx->NOT()) {
      auto* e = NewExpr<ast::UnaryExpr>(Of(ctx));
      e->op = ast::UnaryOp::Not;
      e->op_span = Of(ctx->NOT());
      e->operand = ctx->notExpr() ? Not(ctx->notExpr()) : ErrorAt(Of(ctx));
      return e;
    }
    return Compare(ctx->cmpExpr());
  }

  // The comparison `op` names. Its tokens are read once: each generated accessor (`op->EQ()`)
  // scans the children with a dynamic_cast apiece, and this asked up to eleven of them. The same
  // answer, in the same order of preference, when error recovery left odd tokens in it.
  static ast::BinaryOp ComparisonOf(P::CmpOpContext* op) {
    std::vector<size_t> types;  // of its tokens (one, or `not` and one; error nodes included)
    for (antlr4::tree::ParseTree* child : op->children) {
      if (auto* t = dynamic_cast<TerminalNode*>(child)) types.push_back(t->getSymbol()->getType());
    }
    auto has = [&](size_t type) {
      return std::find(types.begin(), types.end(), type) != types.end();
    };
    const bool negated = has(LicitLexer::NOT);
    if (has(LicitLexer::EQ)) return ast::BinaryOp::Eq;
    if (has(LicitLexer::NE)) return ast::BinaryOp::Ne;
    if (has(LicitLexer::LT)) return ast::BinaryOp::Lt;
    if (has(LicitLexer::LE)) return ast::BinaryOp::Le;
    if (has(LicitLexer::GT)) return ast::BinaryOp::Gt;
    if (has(LicitLexer::GE)) return ast::BinaryOp::Ge;
    if (has(LicitLexer::IN)) return negated ? ast::BinaryOp::NotIn : ast::BinaryOp::In;
    if (has(LicitLexer::UNDER)) return negated ? ast::BinaryOp::NotUnder : ast::BinaryOp::Under;
    if (has(LicitLexer::MATCHES)) return ast::BinaryOp::Matches;
    return ast::BinaryOp::Eq;
  }

  ast::Expr* Compare(P::CmpExprContext* ctx) {
    if (!ctx) return nullptr;
    auto operands = ctx->addExpr();
    auto ops = ctx->cmpOp();
    if (operands.empty()) return ErrorAt(Of(ctx));
    ast::Expr* lhs = Add(operands[0]);
    for (size_t i = 0; i < ops.size() && i + 1 < operands.size(); ++i) {
      P::CmpOpContext* op = ops[i];
      const ast::BinaryOp kind = ComparisonOf(op);
      if (i == 1) {
        diags_.Report(DiagKind::ChainedComparison, Of(op), "comparisons do not chain")
            .Label("second comparison")
            .Also(Of(ops[0]), "first comparison")
            .Help(fmt::format("compare twice and join with `and`: `a {} b and b {} c`",
                              ops[0]->getText(), op->getText()));
      }
      ast::Expr* rhs = Add(operands[i + 1]);
      if (!rhs) rhs = ErrorAt(Of(operands[i + 1]));
      auto* b = NewExpr<ast::BinaryExpr>(Span::Cover(lhs->span, rhs->span));
      b->op = kind;
      b->op_span = Of(op);
      b->lhs = lhs;
      b->rhs = rhs;
      lhs = b;
    }
    return lhs;
  }

  ast::Expr* Add(P::AddExprContext* ctx) {
    return Chain(
        ctx, [this](antlr4::ParserRuleContext* c) { return Mul(As<P::MulExprContext>(c)); },
        [](size_t t) { return t == LicitLexer::PLUS ? ast::BinaryOp::Add : ast::BinaryOp::Sub; });
  }
  ast::Expr* Mul(P::MulExprContext* ctx) {
    return Chain(
        ctx, [this](antlr4::ParserRuleContext* c) { return Unary(As<P::UnaryExprContext>(c)); },
        [](size_t t) {
          return t == LicitLexer::STAR    ? ast::BinaryOp::Mul
                 : t == LicitLexer::SLASH ? ast::BinaryOp::Div
                                          : ast::BinaryOp::Mod;
        });
  }
  ast::Expr* Unary(P::UnaryExprContext* ctx) {
    if (!ctx) return nullptr;
    if (ctx->MINUS()) {
      auto* e = NewExpr<ast::UnaryExpr>(Of(ctx));
      e->op = ast::UnaryOp::Neg;
      e->op_span = Of(ctx->MINUS());
      e->operand = ctx->unaryExpr() ? Unary(ctx->unaryExpr()) : ErrorAt(Of(ctx));
      return e;
    }
    return Postfix(ctx->postfixExpr());
  }
  ast::Expr* Postfix(P::PostfixExprContext* ctx) {
    if (!ctx) return nullptr;
    ast::Expr* e = Primary(ctx->primary());
    if (!e) e = ErrorAt(Of(ctx));
    for (P::AnyNameContext* name : ctx->anyName()) {
      auto* f = NewExpr<ast::FieldExpr>(Span::Cover(e->span, Of(name)));
      f->object = e;
      f->field = IdentOf(name);
      e = f;
    }
    return e;
  }

  std::vector<ast::Expr*> Elements(const std::vector<P::ExprContext*>& list) {
    std::vector<ast::Expr*> out;
    for (P::ExprContext* c : list) {
      ast::Expr* e = Expression(c);
      out.push_back(e ? e : ErrorAt(Of(c)));
    }
    return out;
  }

  ast::Expr* Primary(P::PrimaryContext* ctx) {
    if (!ctx) return nullptr;
    Span span = Of(ctx);
    if (auto* c = As<P::IntLitContext>(ctx)) {
      auto* e = NewExpr<ast::IntExpr>(span);
      e->text = c->getText();
      auto [ptr, ec] = std::from_chars(e->text.data(), e->text.data() + e->text.size(), e->value);
      if (ec != std::errc()) {
        diags_
            .Report(DiagKind::InvalidNumber, span,
                    fmt::format("integer `{}` is too large", e->text))
            .Help("integers range up to 9223372036854775807");
      }
      return e;
    }
    if (auto* c = As<P::DecimalLitContext>(ctx)) {
      auto* e = NewExpr<ast::DecimalExpr>(span);
      e->text = c->getText();
      CheckDecimal(e->text, span);
      return e;
    }
    if (auto* c = As<P::StringLitContext>(ctx)) {
      auto* e = NewExpr<ast::StringExpr>(span);
      e->value = StringOf(c->STRING()).value;
      return e;
    }
    if (auto* c = As<P::BoolLitContext>(ctx)) {
      auto* e = NewExpr<ast::BoolExpr>(span);
      e->value = c->TRUE() != nullptr;
      return e;
    }
    if (auto* c = As<P::DateLitContext>(ctx)) {
      auto* e = NewExpr<ast::DateExpr>(span);
      if (auto lit = DateOf(c->getText(), span)) e->value = lit->first;
      return e;
    }
    if (auto* c = As<P::MonthLitContext>(ctx)) {
      auto* e = NewExpr<ast::DateExpr>(span);
      if (auto lit = DateOf(c->getText(), span)) {
        e->value = lit->first;
        diags_
            .Report(DiagKind::MonthNotAllowed, span,
                    fmt::format("`{}` is a month; a date is expected here", c->getText()))
            .Label("a month, not a date")
            .Help(fmt::format("months are allowed only after `since`, `until` and `from`; write a "
                              "full date such as `{}`",
                              FormatDate(lit->first)));
      }
      return e;
    }
    if (auto* c = As<P::MoneyLitContext>(ctx)) {
      auto* e = NewExpr<ast::MoneyExpr>(span);
      std::string text = c->getText();
      size_t ws = text.find_first_of(" \t");
      e->amount = text.substr(0, ws);
      e->currency = text.substr(text.size() - 3);
      CheckDecimal(e->amount, Span{span.file, span.begin, span.begin + static_cast<uint32_t>(ws)});
      if (!FindCurrency(e->currency)) {
        Span cur{span.file, span.end - 3, span.end};
        auto& d = diags_
                      .Report(DiagKind::UnknownCurrency, cur,
                              fmt::format("unknown currency `{}`", e->currency))
                      .Label("not an ISO 4217 currency code");
        std::vector<std::string> codes;
        for (const auto& info : AllCurrencies()) codes.emplace_back(info.code);
        if (auto m = ClosestMatch(e->currency, codes))
          d.Help(fmt::format("did you mean `{}`?", *m));
      }
      return e;
    }
    if (auto* c = As<P::CallExprContext>(ctx)) {
      auto* e = NewExpr<ast::CallExpr>(span);
      e->function = IdentOf(c->NAME());
      e->args = Elements(c->expr());
      return e;
    }
    if (auto* c = As<P::NameRefContext>(ctx)) {
      auto* e = NewExpr<ast::NameExpr>(span);
      e->name = c->getText();
      return e;
    }
    if (auto* c = As<P::QuotedNameRefContext>(ctx)) {
      auto* e = NewExpr<ast::NameExpr>(span);
      std::string text = c->getText();
      e->name = text.size() >= 2 ? text.substr(1, text.size() - 2) : text;
      e->backquoted = true;
      return e;
    }
    if (auto* c = As<P::ParenExprContext>(ctx)) {
      ast::Expr* inner = Expression(c->expr());
      if (!inner) return ErrorAt(span);
      // The parentheses belong to the expression's source text: an enclosing `a or (b and c)`
      // covers through the `)` (explanations quote it), and a caret under `(b and c)` shows both.
      inner->span = span;
      return inner;
    }
    if (As<P::EmptyBracesContext>(ctx)) return NewExpr<ast::SetExpr>(span);
    if (auto* c = As<P::RecordLitContext>(ctx)) {
      auto* e = NewExpr<ast::RecordExpr>(span);
      for (P::RecordInitContext* init : c->recordInit()) {
        ast::RecordFieldInit f;
        f.name = IdentOf(init->anyName());
        f.value = Expression(init->expr());
        if (!f.value) f.value = ErrorAt(Of(init));
        e->fields.push_back(f);
      }
      return e;
    }
    if (auto* c = As<P::SetLitContext>(ctx)) {
      auto* e = NewExpr<ast::SetExpr>(span);
      e->elements = Elements(c->expr());
      return e;
    }
    if (auto* c = As<P::ListLitContext>(ctx)) {
      auto* e = NewExpr<ast::ListExpr>(span);
      e->elements = Elements(c->expr());
      return e;
    }
    return ErrorAt(span);
  }

  // Decimals are exact with at most 18 digits after the point (language.md section 6).
  void CheckDecimal(const std::string& text, Span span) {
    size_t dot = text.find('.');
    size_t int_digits = dot == std::string::npos ? text.size() : dot;
    size_t frac_digits = dot == std::string::npos ? 0 : text.size() - dot - 1;
    if (frac_digits > 18) {
      diags_
          .Report(DiagKind::InvalidNumber, span,
                  fmt::format("`{}` has {} digits after the point; at most 18 are kept exactly",
                              text, frac_digits))
          .Help("round the number to 18 decimal places");
    } else if (int_digits > 20) {
      diags_.Report(DiagKind::InvalidNumber, span, fmt::format("`{}` is too large", text))
          .Help("decimals have at most 20 digits before the point");
    }
  }

  const SourceFile& file_;
  const OffsetMap& offsets_;
  DiagnosticSink& diags_;
  std::unique_ptr<ast::Module> module_;
  size_t errors_at_start_ = diags_.error_count();
};

}  // namespace

std::unique_ptr<ast::Module> BuildModule(P::FileContext* tree, const SourceFile& file,
                                         const OffsetMap& offsets, DiagnosticSink& diags) {
  return Builder(file, offsets, diags).Build(tree);
}

class ModuleBuilder::Impl : public Builder {
  using Builder::Builder;
};

ModuleBuilder::ModuleBuilder(const SourceFile& file, const OffsetMap& offsets,
                             DiagnosticSink& diags)
    : impl_(std::make_unique<Impl>(file, offsets, diags)) {}
ModuleBuilder::~ModuleBuilder() = default;
void ModuleBuilder::Add(P::DeclarationContext* declaration) { impl_->Add(declaration); }
std::unique_ptr<ast::Module> ModuleBuilder::Finish() { return impl_->Finish(); }

}  // namespace licit::syntax
