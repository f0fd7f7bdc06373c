// The formatter: parse tree -> pretty::Doc -> text. The layout rules are in docs/cli.md
// ("licit fmt"); how each construct breaks is decided here, one function per grammar rule.
//
// Two invariants keep the output a valid policy with the input's meaning:
// - Inside a declaration every line but the first starts at column 3 or later, except a closing
//   bracket (the layout rule starts a declaration at a token in column 1 outside brackets). Each
//   declaration's body is nested 2 and only the closing brackets of top-level lists, and of a
//   test, step back out.
// - Every token of the parse tree is emitted once, with its comments; a trailing comma is
//   dropped or added only where the grammar allows one. Format() re-lexes its output and refuses
//   it unless the tokens (trailing commas aside) and the comments are the input's.

#include "frontend/syntax/format.h"

#include <algorithm>

#include <fmt/format.h>

#include "LicitLexer.h"
#include "LicitParser.h"
#include "frontend/syntax/ast_builder.h"
#include "frontend/syntax/parse_tree.h"
#include "frontend/syntax/pretty_doc.h"
#include "licit_antlr.h"

namespace licit::syntax {

using licit_gen::LicitLexer;
using licit_gen::LicitParser;
using pretty::DocId;

namespace {

using Terminal = antlr4::tree::TerminalNode;
constexpr size_t kNone = static_cast<size_t>(-1);

// A comment that shares a line with code follows it after two spaces (PEP 8's convention, and
// the one most of the repository's policies used before there was a formatter).
constexpr std::string_view kTrailingCommentGap = "  ";

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The text a token prints as: its source text, except that a money literal's amount and
// currency are separated by exactly one space.
std::string TokenText(const antlr4::Token* token) {
  std::string text = token->getText();
  if (token->getType() == LicitLexer::MONEY) {
    size_t digits = text.find_first_of(" \t");
    size_t currency = text.find_first_not_of(" \t", digits);
    if (digits != std::string::npos && currency != std::string::npos) {
      text = text.substr(0, digits) + " " + text.substr(currency);
    }
  }
  return text;
}

class Formatter {
 public:
  Formatter(const SourceFile& file, antlr4::CommonTokenStream& stream, const OffsetMap& offsets)
      : file_(file), tokens_(stream.getTokens()), offsets_(offsets) {
    AttachComments();
  }

  std::string Run(LicitParser::FileContext* tree, int width) {
    std::vector<DocId> parts;
    bool first = true;
    for (auto* decl : tree->declaration()) {
      antlr4::Token* start = decl->getStart();
      size_t index = start->getTokenIndex();
      if (!first) parts.push_back(Separator(index));
      first = false;
      decl_start_ = index;
      parts.push_back(Leading(index, /*separated=*/true));
      parts.push_back(d_.Nest(2, Declaration(decl)));
      decl_start_ = kNone;
    }
    // Comments after the last declaration.
    size_t eof = tokens_.size() - 1;
    if (!trivia_[eof].leading.empty()) {
      if (!first) parts.push_back(Separator(eof));
      parts.push_back(Leading(eof, /*separated=*/true));
    }
    return d_.Render(d_.Concat(std::move(parts)), width);
  }

  size_t comments_emitted() const { return comments_emitted_; }
  size_t comments_total() const { return comments_total_; }

 private:
  struct Trivia {
    std::vector<size_t> leading;  // comments on lines of their own before the token
    size_t trailing = kNone;      // the comment after the token on its line
    size_t previous = kNone;      // the previous real token
  };

  // --- Comments ---------------------------------------------------------------------------------

  void AttachComments() {
    trivia_.resize(tokens_.size());
    size_t previous = kNone;
    std::vector<size_t> pending;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      antlr4::Token* t = tokens_[i];
      size_t type = t->getType();
      if (type == LicitLexer::SEP) continue;
      if (type == LicitLexer::COMMENT) {
        ++comments_total_;
        if (previous != kNone && pending.empty() && trivia_[previous].trailing == kNone &&
            Newlines(End(previous), Begin(i)) == 0) {
          trivia_[previous].trailing = i;
        } else {
          pending.push_back(i);
        }
        continue;
      }
      if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
      trivia_[i].leading = std::move(pending);
      pending.clear();
      trivia_[i].previous = previous;
      previous = i;
    }
  }

  uint32_t Begin(size_t i) const { return offsets_.TokenSpan(file_.id(), tokens_[i]).begin; }
  uint32_t End(size_t i) const { return offsets_.TokenSpan(file_.id(), tokens_[i]).end; }
  // Where the code before a token ends: the previous token, or the comment trailing it.
  uint32_t PreviousEnd(size_t i) const {
    size_t p = trivia_[i].previous;
    if (p == kNone) return 0;
    return trivia_[p].trailing != kNone ? End(trivia_[p].trailing) : End(p);
  }
  size_t Newlines(uint32_t from, uint32_t to) const {
    const std::string& text = file_.text();
    if (to <= from) return 0;
    return static_cast<size_t>(std::count(text.begin() + from, text.begin() + to, '\n'));
  }
  DocId LineOrBlank(uint32_t from, uint32_t to) {
    return Newlines(from, to) >= 2 ? d_.BlankLine() : d_.HardLine();
  }
  DocId CommentText(size_t i) {
    ++comments_emitted_;
    return d_.Text(TrimRight(tokens_[i]->getText()));
  }

  // Between two declarations: one blank line if the author left at least one, else none.
  DocId Separator(size_t first_token) {
    const Trivia& t = trivia_[first_token];
    uint32_t to = t.leading.empty() ? Begin(first_token) : Begin(t.leading.front());
    return LineOrBlank(PreviousEnd(first_token), to);
  }

  // The comments on lines of their own before token `i`, each on its own line, then the line
  // break to the token. `separated`: the caller has already broken the line before the first.
  DocId Leading(size_t i, bool separated) {
    const Trivia& t = trivia_[i];
    if (t.leading.empty()) return d_.Empty();
    std::vector<DocId> parts;
    for (size_t j = 0; j < t.leading.size(); ++j) {
      size_t c = t.leading[j];
      if (j > 0) {
        parts.push_back(LineOrBlank(End(t.leading[j - 1]), Begin(c)));
      } else if (!separated) {
        parts.push_back(LineOrBlank(PreviousEnd(i), Begin(c)));
      }
      parts.push_back(CommentText(c));
    }
    if (tokens_[i]->getType() != antlr4::Token::EOF) {
      parts.push_back(LineOrBlank(End(t.leading.back()), Begin(i)));
    }
    return d_.Concat(std::move(parts));
  }

  DocId Trailing(size_t i) {
    size_t c = trivia_[i].trailing;
    if (c == kNone) return d_.Empty();
    ++comments_emitted_;
    return d_.LineSuffix(std::string(kTrailingCommentGap) +
                         std::string(TrimRight(tokens_[c]->getText())));
  }

  // A token with its comments (a declaration's first token: its leading comments were printed
  // before the declaration's nesting began).
  DocId Tok(antlr4::Token* token) {
    size_t i = token->getTokenIndex();
    DocId leading = i == decl_start_ ? d_.Empty() : Leading(i, false);
    return d_.Concat({leading, d_.Text(TokenText(token)), Trailing(i)});
  }
  DocId Tok(Terminal* t) { return Tok(t->getSymbol()); }
  // Only a token's comments: for a trailing comma the layout drops or re-adds.
  DocId CommentsOf(antlr4::Token* token) {
    size_t i = token->getTokenIndex();
    return d_.Concat({Leading(i, false), Trailing(i)});
  }

  DocId Space() { return d_.Text(" "); }

  // --- Declarations ---------------------------------------------------------------------------

  DocId Declaration(LicitParser::DeclarationContext* decl) {
    if (auto* c = decl->policyDecl()) return Policy(c);
    if (auto* c = decl->importDecl()) return Import(c);
    if (auto* c = decl->recordDecl()) return Record(c);
    if (auto* c = decl->inputDecl()) {
      return d_.Concat({Tok(c->INPUT()), Space(), Tight(c->qualifiedRef())});
    }
    if (auto* c = decl->letDecl()) return Binding(c->LET(), c->NAME(), c->ASSIGN(), c->expr());
    if (auto* c = decl->classDecl()) return Binding(c->CLASS(), c->NAME(), c->ASSIGN(), c->expr());
    if (auto* c = decl->groupDecl()) return Group(c);
    if (auto* c = decl->listDecl()) return PartyList(c);
    if (auto* c = decl->ruleDecl()) return Rule(c);
    if (auto* c = decl->conciseRule()) return Concise(c);
    if (auto* c = decl->exceptionDecl()) return Exception(c);
    if (auto* c = decl->suspendDecl()) return Suspend(c);
    if (auto* c = decl->defaultDecl()) {
      return d_.Concat({Tok(c->DEFAULT()), Space(), Effect(c->effect())});
    }
    if (auto* c = decl->testDecl()) return Test(c);
    return Tight(decl);  // unreachable for a tree without errors
  }

  // policy a.b  (then each metadata line on its own line: title, jurisdiction, version)
  DocId Policy(LicitParser::PolicyDeclContext* c) {
    std::vector<DocId> parts{Tok(c->POLICY()), Space(), Tight(c->dottedName())};
    for (auto* meta : c->policyMeta()) {
      parts.push_back(d_.HardLine());
      parts.push_back(Spaced(meta));
    }
    return d_.Concat(std::move(parts));
  }

  DocId Import(LicitParser::ImportDeclContext* c) {
    std::vector<DocId> parts{Tok(c->IMPORT()), Space()};
    parts.push_back(c->dottedName() ? Tight(c->dottedName()) : Tok(c->STRING()));
    if (c->AS()) {
      parts.insert(parts.end(), {Space(), Tok(c->AS()), Space(), Tok(c->NAME())});
    }
    return d_.Concat(std::move(parts));
  }

  DocId Record(LicitParser::RecordDeclContext* c) {
    std::vector<DocId> fields;
    for (auto* f : c->fieldDecl()) {
      fields.push_back(
          d_.Concat({Tight(f->anyName()), Tok(f->COLON()), Space(), Type(f->typeRef())}));
    }
    return d_.Concat({Tok(c->RECORD()), Space(), Tok(c->NAME()), Space(),
                      List(c->LBRACE(), fields, c->COMMA(), c->RBRACE(), true, /*top=*/true)});
  }

  DocId Type(LicitParser::TypeRefContext* c) {
    std::vector<DocId> parts{Tight(c->qualifiedRef())};
    if (c->LT()) parts.insert(parts.end(), {Tok(c->LT()), Type(c->typeRef()), Tok(c->GT())});
    if (c->QUESTION()) parts.push_back(Tok(c->QUESTION()));
    return d_.Concat(std::move(parts));
  }

  // let NAME = EXPR, class NAME = EXPR: a chain of `and`/`or` breaks one indent deeper than the
  // declaration, and a list or set value is laid out like a group's members.
  DocId Binding(Terminal* keyword, Terminal* name, Terminal* assign,
                LicitParser::ExprContext* value) {
    return d_.Concat({Tok(keyword), Space(), Tok(name), Space(), Tok(assign), Space(),
                      Expr(value, /*top=*/true)});
  }

  DocId Group(LicitParser::GroupDeclContext* c) {
    std::vector<DocId> members;
    for (auto* m : c->groupMember()) {
      std::vector<DocId> parts{Tight(m->qualifiedRef())};
      for (auto* bound : m->memberBound()) {
        parts.push_back(Space());
        parts.push_back(Spaced(bound));
      }
      members.push_back(d_.Concat(std::move(parts)));
    }
    return d_.Concat({Tok(c->GROUP()), Space(), Tok(c->NAME()), Space(), Tok(c->ASSIGN()), Space(),
                      List(c->LBRACE(), members, c->COMMA(), c->RBRACE(), true, /*top=*/true)});
  }

  // list NAME = "file": on one line with its options when it fits, else one option per line.
  DocId PartyList(LicitParser::ListDeclContext* c) {
    std::vector<DocId> head{Tok(c->NAME(0)),  Space(), Tok(c->NAME(1)), Space(),
                            Tok(c->ASSIGN()), Space(), Tok(c->STRING())};
    for (auto* option : c->listOption()) {
      head.push_back(d_.Line());
      head.push_back(Spaced(option));
    }
    return d_.Group(d_.Concat(std::move(head)));
  }

  // A declaration with clauses: on one line when it fits, else each clause on a line of its own.
  DocId WithClauses(std::vector<DocId> head,
                    const std::vector<LicitParser::ClauseContext*>& clauses) {
    for (auto* clause : clauses) {
      head.push_back(d_.Line());
      head.push_back(Clause(clause));
    }
    return d_.Group(d_.Concat(std::move(head)));
  }

  DocId Rule(LicitParser::RuleDeclContext* c) {
    // When the rule does not fit on one line, its effect starts the second line.
    std::vector<DocId> head{Tok(c->RULE()),  Space(),   Tok(c->NAME()),
                            Tok(c->COLON()), d_.Line(), Effect(c->effect())};
    if (c->scope()) head.insert(head.end(), {Space(), Scope(c->scope())});
    return WithClauses(std::move(head), c->clause());
  }

  DocId Concise(LicitParser::ConciseRuleContext* c) {
    std::vector<DocId> head{
        Tight(c->qualifiedRef()),        Space(),         Tok(c->TO()), Space(),
        Destinations(c->destinations()), Tok(c->COLON()), Space(),      Effect(c->effect())};
    return WithClauses(std::move(head), c->clause());
  }

  DocId Exception(LicitParser::ExceptionDeclContext* c) {
    std::vector<DocId> head{Tok(c->EXCEPTION()), Space(), Tok(c->NAME()),       Space(),
                            Tok(c->FOR()),       Space(), Names(c->nameList()), Tok(c->COLON())};
    if (c->effect()) head.insert(head.end(), {Space(), Effect(c->effect())});
    if (c->scope()) head.insert(head.end(), {Space(), Scope(c->scope())});
    return WithClauses(std::move(head), c->clause());
  }

  DocId Suspend(LicitParser::SuspendDeclContext* c) {
    std::vector<DocId> head{Tok(c->SUSPEND()), Space(), Names(c->nameList()), Space(),
                            Tok(c->FROM()),    Space(), Tight(c->dateBound())};
    return WithClauses(std::move(head), c->clause());
  }

  // test "name" {
  //   given RECORD
  //   expect EFFECT [by RULES]
  // }
  DocId Test(LicitParser::TestDeclContext* c) {
    std::vector<DocId> expect{Tok(c->EXPECT()), Space(), Effect(c->effect())};
    if (c->BY())
      expect.insert(expect.end(), {Space(), Tok(c->BY()), Space(), Names(c->nameList())});
    return d_.Concat({Tok(c->TEST()), Space(), Tok(c->STRING()), Space(), Tok(c->LBRACE()),
                      d_.HardLine(), Tok(c->GIVEN()), Space(), Expr(c->expr(), false),
                      d_.HardLine(), d_.Concat(std::move(expect)),
                      d_.Nest(-2, d_.Concat({d_.HardLine(), Tok(c->RBRACE())}))});
  }

  DocId Clause(LicitParser::ClauseContext* c) {
    auto* keyword = dynamic_cast<Terminal*>(c->children.at(0));
    if (c->expr()) return d_.Concat({Tok(keyword), Space(), Expr(c->expr(), false)});
    return Spaced(c);  // since DATE, until DATE, because "...", cite "..."
  }

  DocId Effect(LicitParser::EffectContext* c) { return Spaced(c); }

  DocId Scope(LicitParser::ScopeContext* c) {
    std::vector<DocId> parts;
    if (c->qualifiedRef()) {
      parts.push_back(Tight(c->qualifiedRef()));
      if (c->TO()) parts.push_back(Space());
    }
    if (c->TO())
      parts.insert(parts.end(), {Tok(c->TO()), Space(), Destinations(c->destinations())});
    return d_.Concat(std::move(parts));
  }

  // `any [except LIST]` or `LIST [except LIST]`.
  DocId Destinations(LicitParser::DestinationsContext* c) {
    std::vector<DocId> parts;
    for (auto* child : c->children) {
      if (!parts.empty()) parts.push_back(Space());
      if (auto* t = dynamic_cast<Terminal*>(child)) {
        parts.push_back(Tok(t));
      } else {
        auto* list = static_cast<LicitParser::DestListContext*>(child);
        std::vector<DocId> items;
        for (auto* ref : list->qualifiedRef()) items.push_back(Tight(ref));
        parts.push_back(Packed(items, list->COMMA()));
      }
    }
    return d_.Concat(std::move(parts));
  }

  DocId Names(LicitParser::NameListContext* c) {
    std::vector<DocId> items;
    for (auto* n : c->NAME()) items.push_back(Tok(n));
    return Packed(items, c->COMMA());
  }

  // Items separated by commas (no brackets, no trailing comma), packed onto lines.
  DocId Packed(const std::vector<DocId>& items, const std::vector<Terminal*>& commas) {
    std::vector<DocId> cells;
    for (size_t i = 0; i < items.size(); ++i) {
      cells.push_back(i < commas.size() ? d_.Concat({items[i], Tok(commas[i])}) : items[i]);
    }
    return d_.Fill(std::move(cells));
  }

  // A bracketed list: `{a, b}` on one line when it fits; otherwise the opening bracket ends the
  // line, the items are packed on lines one indent deeper, with a trailing comma, and the closing
  // bracket starts a line of its own. `top`: a declaration's own list (a group's members, a
  // record's fields, a let's value), whose items sit at the declaration's continuation indent
  // and whose closing bracket returns to column 1.
  DocId List(Terminal* open, const std::vector<DocId>& items, const std::vector<Terminal*>& commas,
             Terminal* close, bool trailing_comma_allowed, bool top) {
    if (items.empty()) return d_.Concat({Tok(open), Tok(close)});
    // The token that ends item i: its comma, or (the last item, without one) the token before
    // the closing bracket.
    auto end_of = [&](size_t i) {
      return i < commas.size() ? commas[i]->getSymbol()->getTokenIndex()
                               : trivia_[close->getSymbol()->getTokenIndex()].previous;
    };
    auto own_line = [&](size_t i) {
      return i == 0 ? d_.Empty() : OwnLineIfCommented(commas.at(i - 1), end_of(i));
    };
    std::vector<DocId> cells;
    for (size_t i = 0; i + 1 < items.size(); ++i) {
      cells.push_back(d_.Concat({own_line(i), items[i], Tok(commas.at(i))}));
    }
    // A source trailing comma's comments stay with the last item (a comment after it is a line
    // suffix, so it still follows the comma printed below); the comma itself follows the list's
    // own mode, outside the fill, whose items each have theirs.
    DocId source_comma =
        commas.size() == items.size() ? CommentsOf(commas.back()->getSymbol()) : d_.Empty();
    cells.push_back(d_.Concat({own_line(items.size() - 1), items.back(), source_comma}));
    DocId trailing = trailing_comma_allowed ? d_.IfBreak(d_.Glue(","), d_.Empty()) : d_.Empty();
    int inner = top ? 0 : 2;
    int outer = top ? -2 : 0;
    return d_.Group(
        d_.Concat({Tok(open), d_.Nest(inner, d_.Concat({d_.SoftLine(), d_.Fill(cells), trailing})),
                   d_.Nest(outer, d_.Concat({d_.SoftLine(), Tok(close)}))}));
  }

  // An item of a list that the author wrote at the start of a line and that ends with a comment
  // (`RU until 2020-02-23,  # moved ...`) keeps a line of its own, so the comment stays about it;
  // a comment after several items on a line stays at the end of that row. The item starts after
  // `comma_before` and ends with token `end` (its comma, or its last token).
  DocId OwnLineIfCommented(Terminal* comma_before, size_t end) {
    size_t first = NextReal(comma_before->getSymbol()->getTokenIndex());
    size_t before_end = trivia_[end].previous;
    bool commented = trivia_[end].trailing != kNone ||
                     (before_end != kNone && trivia_[before_end].trailing != kNone);
    bool starts_line =
        !trivia_[first].leading.empty() || Newlines(PreviousEnd(first), Begin(first)) > 0;
    return commented && starts_line ? d_.HardLine() : d_.Empty();
  }

  size_t NextReal(size_t i) const {
    for (++i; i < tokens_.size(); ++i) {
      antlr4::Token* t = tokens_[i];
      if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL && t->getType() != LicitLexer::SEP)
        return i;
    }
    return tokens_.size() - 1;
  }

  // --- Expressions ----------------------------------------------------------------------------

  // `top`: the whole value of a let or class, whose chains break at the declaration's
  // continuation indent rather than one deeper, and whose list literal is laid out as `top`.
  DocId Expr(LicitParser::ExprContext* c, bool top) {
    if (auto* e = dynamic_cast<LicitParser::IfExprContext*>(c)) {
      return d_.Group(d_.Concat(
          {Tok(e->IF()), Space(), Expr(e->expr(0), false),
           d_.Nest(top ? 0 : 2,
                   d_.Concat({d_.Line(), Tok(e->THEN()), Space(), Expr(e->expr(1), false),
                              d_.Line(), Tok(e->ELSE()), Space(), Expr(e->expr(2), false)}))}));
    }
    return Or(static_cast<LicitParser::PlainExprContext*>(c)->orExpr(), top);
  }

  // A chain `a or b or c`: on one line if it fits, else a break before every operator.
  template <typename Operand, typename Fn>
  DocId Chain(const std::vector<Operand*>& operands, const std::vector<Terminal*>& operators,
              bool top, Fn operand) {
    if (operands.size() == 1) return operand(operands[0], top);
    std::vector<DocId> rest;
    for (size_t i = 1; i < operands.size(); ++i) {
      rest.insert(rest.end(),
                  {d_.Line(), Tok(operators.at(i - 1)), Space(), operand(operands[i], false)});
    }
    return d_.Group(
        d_.Concat({operand(operands[0], false), d_.Nest(top ? 0 : 2, d_.Concat(rest))}));
  }

  DocId Or(LicitParser::OrExprContext* c, bool top) {
    return Chain(c->andExpr(), c->OR(), top,
                 [this](LicitParser::AndExprContext* a, bool t) { return And(a, t); });
  }
  DocId And(LicitParser::AndExprContext* c, bool top) {
    return Chain(c->notExpr(), c->AND(), top,
                 [this](LicitParser::NotExprContext* n, bool t) { return Not(n, t); });
  }
  DocId Not(LicitParser::NotExprContext* c, bool top) {
    if (c->NOT()) return d_.Concat({Tok(c->NOT()), Space(), Not(c->notExpr(), false)});
    return Binary(c->cmpExpr(), top);
  }

  // Comparisons and arithmetic: one space around each operator (`not in` is two words).
  DocId Binary(antlr4::ParserRuleContext* c, bool top) {
    std::vector<DocId> parts;
    for (auto* child : c->children) {
      if (!parts.empty()) parts.push_back(Space());
      if (auto* t = dynamic_cast<Terminal*>(child)) {
        parts.push_back(Tok(t));
      } else if (auto* op = dynamic_cast<LicitParser::CmpOpContext*>(child)) {
        parts.push_back(Spaced(op));
      } else if (auto* u = dynamic_cast<LicitParser::UnaryExprContext*>(child)) {
        parts.push_back(Unary(u, top && c->children.size() == 1));
      } else {
        parts.push_back(
            Binary(static_cast<antlr4::ParserRuleContext*>(child), top && c->children.size() == 1));
      }
    }
    return d_.Concat(std::move(parts));
  }

  DocId Unary(LicitParser::UnaryExprContext* c, bool top) {
    if (c->MINUS()) return d_.Concat({Tok(c->MINUS()), Unary(c->unaryExpr(), false)});
    auto* postfix = c->postfixExpr();
    std::vector<DocId> parts{Primary(postfix->primary(), top && postfix->DOT().empty())};
    for (size_t i = 0; i < postfix->DOT().size(); ++i) {
      parts.push_back(Tok(postfix->DOT(i)));
      parts.push_back(Tight(postfix->anyName(i)));
    }
    return d_.Concat(std::move(parts));
  }

  DocId Primary(LicitParser::PrimaryContext* c, bool top) {
    if (auto* p = dynamic_cast<LicitParser::ParenExprContext*>(c)) {
      return d_.Concat({Tok(p->LPAREN()), Expr(p->expr(), false), Tok(p->RPAREN())});
    }
    if (auto* call = dynamic_cast<LicitParser::CallExprContext*>(c)) {
      return d_.Concat({Tok(call->NAME()), List(call->LPAREN(), Exprs(call->expr()), call->COMMA(),
                                                call->RPAREN(), true, false)});
    }
    if (auto* set = dynamic_cast<LicitParser::SetLitContext*>(c)) {
      return List(set->LBRACE(), Exprs(set->expr()), set->COMMA(), set->RBRACE(), true, top);
    }
    if (auto* list = dynamic_cast<LicitParser::ListLitContext*>(c)) {
      return List(list->LBRACKET(), Exprs(list->expr()), list->COMMA(), list->RBRACKET(), true,
                  top);
    }
    if (auto* rec = dynamic_cast<LicitParser::RecordLitContext*>(c)) {
      std::vector<DocId> fields;
      for (auto* init : rec->recordInit()) {
        fields.push_back(d_.Concat(
            {Tight(init->anyName()), Tok(init->COLON()), Space(), Expr(init->expr(), false)}));
      }
      return List(rec->LBRACE(), fields, rec->COMMA(), rec->RBRACE(), true, top);
    }
    return Tight(c);  // a literal, a name, `{}`
  }

  std::vector<DocId> Exprs(const std::vector<LicitParser::ExprContext*>& exprs) {
    std::vector<DocId> out;
    for (auto* e : exprs) out.push_back(Expr(e, false));
    return out;
  }

  // --- Token runs -------------------------------------------------------------------------------

  // Every token under `tree`, in order, with nothing between: `a.b.c`, `2026-01-06`.
  DocId Tight(antlr4::tree::ParseTree* tree) {
    std::vector<DocId> parts;
    Collect(tree, parts, false);
    return d_.Concat(std::move(parts));
  }
  // Every token under `tree`, one space between: `title "..."`, `since 2026-01`, `not in`.
  DocId Spaced(antlr4::tree::ParseTree* tree) {
    std::vector<DocId> parts;
    Collect(tree, parts, true);
    return d_.Concat(std::move(parts));
  }
  void Collect(antlr4::tree::ParseTree* tree, std::vector<DocId>& parts, bool spaced) {
    if (auto* t = dynamic_cast<Terminal*>(tree)) {
      if (t->getSymbol()->getType() == LicitLexer::SEP) return;
      if (spaced && !parts.empty()) parts.push_back(Space());
      parts.push_back(Tok(t));
      return;
    }
    for (auto* child : tree->children) Collect(child, parts, spaced);
  }

  const SourceFile& file_;
  const std::vector<antlr4::Token*> tokens_;
  const OffsetMap& offsets_;
  pretty::DocBuilder d_;
  std::vector<Trivia> trivia_;
  size_t decl_start_ = kNone;
  size_t comments_emitted_ = 0;
  size_t comments_total_ = 0;
};

// What must survive formatting: the default-channel tokens (kind and text), without commas that
// close a bracketed list, and the comments, in order.
struct Fingerprint {
  std::vector<std::pair<size_t, std::string>> tokens;
  std::vector<std::string> comments;
  bool operator==(const Fingerprint&) const = default;
};

Fingerprint FingerprintOf(const std::vector<antlr4::Token*>& tokens) {
  Fingerprint f;
  for (size_t i = 0; i < tokens.size(); ++i) {
    antlr4::Token* t = tokens[i];
    size_t type = t->getType();
    if (type == LicitLexer::COMMENT) {
      f.comments.emplace_back(TrimRight(t->getText()));
      continue;
    }
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    if (type == LicitLexer::COMMA) {
      size_t next = i + 1;
      while (next < tokens.size() &&
             (tokens[next]->getChannel() != antlr4::Token::DEFAULT_CHANNEL ||
              tokens[next]->getType() == LicitLexer::SEP)) {
        ++next;
      }
      size_t n = next < tokens.size() ? tokens[next]->getType() : antlr4::Token::EOF;
      if (n == LicitLexer::RBRACE || n == LicitLexer::RBRACKET || n == LicitLexer::RPAREN) continue;
    }
    f.tokens.emplace_back(type, type == antlr4::Token::EOF ? std::string() : TokenText(t));
  }
  return f;
}

// Lexes `text` with the layout rule (declaration starts included); nullopt when lexing reports
// anything. Lexing is enough: the same tokens parse the same way.
std::optional<Fingerprint> LexFingerprint(const std::string& text) {
  SourceManager sources;
  FileId id = sources.Add("<formatted>", text);
  const SourceFile& file = sources.Get(id);
  DiagnosticSink diags;
  if (FindInvalidUtf8(text) != std::string_view::npos) return std::nullopt;
  FileLexer lexing(file);
  LexedFile lexed = LexWithLayout(lexing, diags);
  if (lexed.too_deep || diags.has_errors()) return std::nullopt;
  std::vector<antlr4::Token*> tokens;
  for (const auto& t : lexed.tokens) tokens.push_back(t.get());
  return FingerprintOf(tokens);
}

}  // namespace

FormatResult Format(const SourceManager& sources, FileId file_id, DiagnosticSink& diags,
                    const FormatOptions& options, const ParseOptions& parse_options) {
  const SourceFile& file = sources.Get(file_id);
  FormatResult result;
  size_t errors_before = diags.error_count();
  std::string text;
  Fingerprint before;
  size_t lost_comments = 0;
  bool parsed = ParseTree(file, diags, parse_options,
                          [&](LicitParser::FileContext* tree, antlr4::CommonTokenStream& tokens,
                              const OffsetMap& offsets) {
                            // The AST builder's syntax checks (a clause given twice, ...).
                            BuildModule(tree, file, offsets, diags);
                            if (diags.error_count() > errors_before) return;
                            Formatter formatter(file, tokens, offsets);
                            text = formatter.Run(tree, options.width);
                            lost_comments =
                                formatter.comments_total() - formatter.comments_emitted();
                            before = FingerprintOf(tokens.getTokens());
                          });
  if (!parsed || diags.error_count() > errors_before) return result;
  if (lost_comments != 0) {
    result.internal_error = fmt::format("the formatter dropped {} comment(s)", lost_comments);
    return result;
  }
  std::optional<Fingerprint> after = LexFingerprint(text);
  if (!after) {
    result.internal_error = "the formatted text does not lex";
  } else if (!(*after == before)) {
    result.internal_error = "the formatted text does not have the input's tokens and comments";
  } else {
    result.text = std::move(text);
  }
  return result;
}

}  // namespace licit::syntax
