#include "frontend/syntax/parse.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <pthread.h>

#include "LicitLexer.h"
#include "LicitParser.h"
#include "base/source.h"
#include "frontend/syntax/ast_builder.h"
#include "frontend/syntax/parse_tree.h"
#include "frontend/syntax/token_source.h"
#include "licit_antlr.h"
#include "tree/ParseTreeListener.h"

namespace licit::syntax {

using licit_gen::LicitLexer;
using licit_gen::LicitParser;

namespace {

// ANTLR's recursive descent and prediction use the native stack; with nesting capped at 256 they
// stay within a few MB, but sanitizer builds use far bigger frames. Parsing on a thread with a
// generous stack keeps every build safe regardless of the caller's stack.
void RunWithLargeStack(const std::function<void()>& fn) {
  constexpr size_t kStackBytes = 512u << 20;  // reserved, not committed
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&fn)) != 0) {
    pthread_attr_destroy(&attr);
    fn();  // no thread available: run here
    return;
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

struct TooDeep {};  // thrown by DepthGuard through ANTLR's rule functions, caught in ParseTokens

// Counts how deeply expressions nest while parsing (parenthesised sub-expressions, `not` and
// unary-minus chains, nested `if`) and stops the parse beyond the limit, before the recursion
// can exhaust the stack.
class DepthGuard : public antlr4::tree::ParseTreeListener {
 public:
  explicit DepthGuard(LicitParser* parser) : parser_(parser) {}
  void visitTerminal(antlr4::tree::TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    ++total_;
    if (int* c = Counter(ctx->getRuleIndex())) ++*c;
    if (expr_ > kMaxNestingDepth || not_ > kMaxNestingDepth || unary_ > kMaxNestingDepth ||
        total_ > kMaxNestingDepth * 16) {
      offending = parser_->getCurrentToken();
      throw TooDeep{};
    }
  }
  void exitEveryRule(antlr4::ParserRuleContext* ctx) override {
    --total_;
    if (int* c = Counter(ctx->getRuleIndex())) --*c;
  }
  antlr4::Token* offending = nullptr;

 private:
  int* Counter(size_t rule) {
    switch (rule) {
      case LicitParser::RuleExpr: return &expr_;
      case LicitParser::RuleNotExpr: return &not_;
      case LicitParser::RuleUnaryExpr: return &unary_;
      default: return nullptr;
    }
  }
  LicitParser* parser_;
  int expr_ = 0, not_ = 0, unary_ = 0, total_ = 0;
};

// The parser half of both paths, set up once: a token stream over `source`, the parser reading it
// without ANTLR's console listener and with the DepthGuard, in the first stage of both paths: SLL
// prediction that bails at the first error. Made after the FileLexer, whose lease covers it.
struct FileParser {
  explicit FileParser(antlr4::TokenSource* source)
      : tokens(source), parser(&tokens), guard(&parser) {
    parser.removeErrorListeners();
    parser.addParseListener(&guard);
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  }
  antlr4::CommonTokenStream tokens;
  LicitParser parser;
  DepthGuard guard;
};

// What the author was writing when the error happened, for the message.
std::string_view DeclarationNoun(antlr4::RuleContext* ctx) {
  for (; ctx; ctx = dynamic_cast<antlr4::RuleContext*>(ctx->parent)) {
    switch (ctx->getRuleIndex()) {
      case LicitParser::RulePolicyDecl: return "the policy header";
      case LicitParser::RuleImportDecl: return "this import";
      case LicitParser::RuleRecordDecl: return "this record type";
      case LicitParser::RuleInputDecl: return "this input declaration";
      case LicitParser::RuleLetDecl: return "this let";
      case LicitParser::RuleClassDecl: return "this class";
      case LicitParser::RuleGroupDecl: return "this group";
      case LicitParser::RuleListDecl: return "this list";
      case LicitParser::RuleRuleDecl: return "this rule";
      case LicitParser::RuleConciseRule: return "this rule";
      case LicitParser::RuleExceptionDecl: return "this exception";
      case LicitParser::RuleSuspendDecl: return "this suspension";
      case LicitParser::RuleDefaultDecl: return "this default";
      case LicitParser::RuleTestDecl: return "this test";
      default: break;
    }
  }
  return {};
}

// Turns ANTLR's recognition errors into Licit diagnostics with plain-words messages.
class ErrorReporter : public antlr4::DefaultErrorStrategy {
 public:
  ErrorReporter(const SourceFile& file, const OffsetMap& offsets, DiagnosticSink& diags)
      : file_(file), offsets_(offsets), diags_(diags) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* p,
                                 const antlr4::NoViableAltException& e) override {
    Report(p, e.getOffendingToken(), getExpectedTokens(p), false);
  }
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    Report(p, e.getOffendingToken(), e.getExpectedTokens(), false);
  }
  void reportFailedPredicate(antlr4::Parser* p,
                             const antlr4::FailedPredicateException& e) override {
    Report(p, e.getOffendingToken(), getExpectedTokens(p), false);
  }
  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    Report(p, p->getCurrentToken(), getExpectedTokens(p), true);
  }
  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    Report(p, p->getCurrentToken(), getExpectedTokens(p), false);
  }

 protected:
  // The default conjures the missing token through the token's source; ours makes a token that
  // the AST builder recognises as absent (no start index) and keeps it alive with the parse.
  antlr4::Token* getMissingSymbol(antlr4::Parser* p) override {
    antlr4::Token* current = p->getCurrentToken();
    antlr4::misc::IntervalSet expected = getExpectedTokens(p);
    size_t type = expected.isEmpty() ? antlr4::Token::INVALID_TYPE
                                     : static_cast<size_t>(expected.getMinElement());
    auto token = std::make_unique<antlr4::CommonToken>(type, "<missing>");
    token->setLine(current->getLine());
    token->setCharPositionInLine(current->getCharPositionInLine());
    token->setStartIndex(static_cast<size_t>(-1));
    token->setStopIndex(static_cast<size_t>(-1));
    missing_.push_back(std::move(token));
    return missing_.back().get();
  }

 private:
  static constexpr size_t kMaxErrors = 100;
  std::vector<std::unique_ptr<antlr4::Token>> missing_;

  std::string Found(antlr4::Token* t, const antlr4::dfa::Vocabulary& vocab) const {
    size_t type = t->getType();
    if (type == antlr4::Token::EOF || type == LicitLexer::SEP)
      return DescribeTokenType(type, vocab);
    std::string text = t->getText();
    // Shortened on a code point boundary: a cut inside a UTF-8 sequence made the JSON
    // diagnostics invalid UTF-8 (fuzz_front_end, tests/fuzz/corpus-regressions/).
    if (text.size() > 40) text = std::string(Utf8Prefix(text, 37)) + "...";
    if (type == LicitLexer::STRING) return fmt::format("the string {}", text);
    return fmt::format("`{}`", text);
  }

  std::string Expected(const antlr4::misc::IntervalSet& set,
                       const antlr4::dfa::Vocabulary& vocab) const {
    std::vector<size_t> types;
    for (ssize_t t : set.toList()) types.push_back(static_cast<size_t>(t));
    auto has = [&](size_t t) { return std::find(types.begin(), types.end(), t) != types.end(); };
    std::vector<std::string> words;
    std::vector<size_t> skip;
    // Collapse the many tokens that can start an expression or a field name.
    if (has(LicitLexer::INT) && has(LicitLexer::STRING) && has(LicitLexer::NAME) &&
        has(LicitLexer::LPAREN)) {
      words.push_back("an expression");
      skip = {LicitLexer::INT,      LicitLexer::DECIMAL, LicitLexer::STRING, LicitLexer::TRUE,
              LicitLexer::FALSE,    LicitLexer::DATE,    LicitLexer::MONTH,  LicitLexer::MONEY,
              LicitLexer::NAME,     LicitLexer::QNAME,   LicitLexer::LPAREN, LicitLexer::LBRACE,
              LicitLexer::LBRACKET, LicitLexer::MINUS,   LicitLexer::NOT,    LicitLexer::IF};
    } else if (has(LicitLexer::NAME) && has(LicitLexer::POLICY) && has(LicitLexer::MATCHES)) {
      words.push_back("a name");
      for (size_t t = LicitLexer::POLICY; t <= LicitLexer::FALSE; ++t) skip.push_back(t);
      skip.push_back(LicitLexer::NAME);
    }
    for (size_t t : types) {
      if (std::find(skip.begin(), skip.end(), t) != skip.end()) continue;
      if (t == LicitLexer::SEP) {
        words.push_back("the end of the declaration");
        continue;
      }
      if (t == antlr4::Token::EOF) continue;
      words.push_back(DescribeTokenType(t, vocab));
    }
    if (words.empty()) return "something else";
    if (words.size() > 8) words.resize(8), words.push_back("...");
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
      if (i > 0) out += (i + 1 == words.size()) ? " or " : ", ";
      out += words[i];
    }
    return out;
  }

  void Report(antlr4::Parser* p, antlr4::Token* offending,
              const antlr4::misc::IntervalSet& expected, bool unwanted) {
    if (diags_count_ >= kMaxErrors) return;
    if (++diags_count_ == kMaxErrors) {
      diags_
          .Report(DiagKind::SyntaxError, offsets_.TokenSpan(file_.id(), offending),
                  "too many syntax errors; giving up on this file")
          .Note(fmt::format("only the first {} syntax errors are shown", kMaxErrors - 1));
      return;
    }
    const auto& vocab = p->getVocabulary();
    size_t type = offending->getType();
    // A declaration that ends early is a missing token, not an unwanted one.
    if (type == LicitLexer::SEP || type == antlr4::Token::EOF) unwanted = false;
    Span span = offsets_.TokenSpan(file_.id(), offending);
    std::string expected_text = Expected(expected, vocab);
    std::string message =
        unwanted ? fmt::format("unexpected {}", Found(offending, vocab))
                 : fmt::format("expected {}, found {}", expected_text, Found(offending, vocab));
    std::string_view noun = DeclarationNoun(p->getContext());
    // When the problem is at a line break, point just after the last good token, as rustc
    // does for a missing `;`: that is where the author must type.
    antlr4::Token* previous = PreviousToken(p);
    bool at_line_break = previous && (type == LicitLexer::SEP || type == antlr4::Token::EOF ||
                                      offending->getLine() > previous->getLine());
    Diagnostic* d;
    if (at_line_break && !unwanted) {
      Span prev = offsets_.TokenSpan(file_.id(), previous);
      d = &diags_.Report(DiagKind::SyntaxError, Span{file_.id(), prev.end, prev.end}, message);
      d->Label(fmt::format("expected {} after this", expected_text));
    } else {
      d = &diags_.Report(DiagKind::SyntaxError, span, message);
      d->Label(unwanted ? fmt::format("expected {}", expected_text) : "unexpected here");
    }
    if (!noun.empty()) d->Note(fmt::format("while reading {}", noun));
    if (unwanted && StartsDeclaration(type) && offending->getCharPositionInLine() > 0) {
      d->Help(
          fmt::format("each declaration starts on a new line in column 1: put `{}` at the "
                      "start of a line",
                      offending->getText()));
    }
    if (type == LicitLexer::SEP || type == antlr4::Token::EOF) {
      const char* closer = expected.contains(static_cast<size_t>(LicitLexer::RBRACE))     ? "}"
                           : expected.contains(static_cast<size_t>(LicitLexer::RPAREN))   ? ")"
                           : expected.contains(static_cast<size_t>(LicitLexer::RBRACKET)) ? "]"
                                                                                          : nullptr;
      if (closer) {
        d->Help(
            fmt::format("is a closing `{}` missing? A bracket opened in this declaration is "
                        "never closed",
                        closer));
      } else if (type == LicitLexer::SEP) {
        d->Help(
            "a line that starts in column 1 begins a new declaration; indent the lines that "
            "continue this one");
      }
    }
  }

  antlr4::Token* PreviousToken(antlr4::Parser* p) const {
    auto* stream = static_cast<antlr4::BufferedTokenStream*>(p->getTokenStream());
    ssize_t i = static_cast<ssize_t>(stream->index()) - 1;
    for (; i >= 0; --i) {
      antlr4::Token* t = stream->get(static_cast<size_t>(i));
      if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL && t->getType() != LicitLexer::SEP) {
        return t;
      }
    }
    return nullptr;
  }

  const SourceFile& file_;
  const OffsetMap& offsets_;
  DiagnosticSink& diags_;
  size_t diags_count_ = 0;
};

bool CheckEncoding(const SourceFile& file, DiagnosticSink& diags, size_t max_bytes) {
  const std::string& text = file.text();
  if (text.size() > max_bytes) {
    diags
        .Report(DiagKind::FileTooLarge, Span{file.id(), 0, 0},
                fmt::format("`{}` is {} bytes; the limit is {} bytes", file.path(), text.size(),
                            max_bytes))
        .Help("split the policy into several files joined with `import`");
    return false;
  }
  if (size_t nul = text.find('\0'); nul != std::string::npos) {
    diags.Report(DiagKind::BinaryFile,
                 Span{file.id(), static_cast<uint32_t>(nul), static_cast<uint32_t>(nul + 1)},
                 "this file contains a NUL byte; it looks like a binary file, not a policy");
    return false;
  }
  if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    diags
        .Report(DiagKind::InvalidUtf8,
                Span{file.id(), static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)},
                fmt::format("invalid UTF-8 at byte {}", bad))
        .Label("an invalid or incomplete UTF-8 sequence starts here")
        .Help("save the file as UTF-8");
    return false;
  }
  return true;
}

}  // namespace

bool ParseTree(const SourceFile& file, DiagnosticSink& diags, const ParseOptions& options,
               const ParseTreeUser& use) {
  if (!CheckEncoding(file, diags, options.max_source_bytes)) return false;
  FileId file_id = file.id();
  bool parsed = false;
  RunWithLargeStack([&] {
    try {
      FileLexer lexing(file);
      const OffsetMap& offsets = lexing.offsets;
      LexedFile lexed = LexWithLayout(lexing, diags);
      if (lexed.too_deep) return;
      antlr4::ListTokenSource token_source(std::move(lexed.tokens));
      FileParser setup(&token_source);
      antlr4::CommonTokenStream& tokens = setup.tokens;
      LicitParser& parser = setup.parser;
      DepthGuard& guard = setup.guard;

      // Stage 1: fast SLL prediction that bails at the first error; almost every policy parses
      // here. Stage 2, only on error: full LL with recovery and our error messages.
      LicitParser::FileContext* tree = nullptr;
      try {
        try {
          tree = parser.file();
        } catch (const antlr4::ParseCancellationException&) {
          tree = nullptr;
        }
        if (!tree) {
          tokens.seek(0);
          parser.reset();
          parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
              antlr4::atn::PredictionMode::LL);
          parser.setErrorHandler(std::make_shared<ErrorReporter>(file, offsets, diags));
          tree = parser.file();
        }
      } catch (const TooDeep&) {
        Span at =
            guard.offending ? offsets.TokenSpan(file_id, guard.offending) : Span{file_id, 0, 0};
        diags
            .Report(DiagKind::NestingTooDeep, at,
                    fmt::format("expressions are nested more than {} deep", kMaxNestingDepth))
            .Label("too deep here")
            .Help("split the expression with `let` or `class` declarations");
        return;
      }
      use(tree, tokens, offsets);
      parsed = true;
    } catch (const std::exception& e) {
      // ANTLR throws on states we do not expect; never let that escape the front end.
      diags.Report(DiagKind::SyntaxError, Span{file_id, 0, 0},
                   fmt::format("the parser gave up on this file: {}", e.what()));
      parsed = false;
    }
  });
  return parsed;
}

namespace {

// The fast path's token source: the layout lexer's tokens, one declaration at a time, so the
// parser's stream (which keeps every token it fetches until it is given a source again) holds one
// declaration's tokens and never the file's (for 10,000 rules, 250,000 tokens: 34 MB). After
// Start, it serves any comments before the declaration, the declaration's SEP and tokens, and
// then what follows the declaration in the file: the next declaration's SEP (a copy: the
// original begins the next declaration) and EOF after it, or the file's EOF.
class DeclarationSource : public antlr4::TokenSource {
 public:
  explicit DeclarationSource(FileLexer& lexing, LayoutLexer& layout)
      : lexing_(lexing), layout_(layout) {}

  void Start() { started_ = false, ended_ = false; }

  std::unique_ptr<antlr4::Token> nextToken() override {
    if (ended_) {
      // Past the next declaration's SEP. Prediction never reads beyond it (a declaration cannot
      // continue with a SEP), but the stream reads to an EOF when filled.
      auto eof = std::make_unique<antlr4::CommonToken>(held_.get());
      eof->setType(antlr4::Token::EOF);
      eof->setText("<EOF>");
      return eof;
    }
    std::unique_ptr<antlr4::Token> token = held_ ? std::move(held_) : layout_.Next();
    if (!token) return std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF);  // not reached
    if (token->getType() == LicitLexer::SEP) {
      if (started_) {
        held_ = std::move(token);
        ended_ = true;
        return std::make_unique<antlr4::CommonToken>(held_.get());
      }
      started_ = true;
    }
    return token;
  }
  size_t getLine() const override { return lexing_.scanner.line(); }
  size_t getCharPositionInLine() override { return lexing_.scanner.column(); }
  antlr4::CharStream* getInputStream() override { return lexing_.input.get(); }
  std::string getSourceName() override { return lexing_.lexer.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return lexing_.lexer.getTokenFactory();
  }

 private:
  FileLexer& lexing_;
  LayoutLexer& layout_;
  std::unique_ptr<antlr4::Token> held_;  // the next declaration's SEP
  bool started_ = false;                 // this declaration's SEP was served
  bool ended_ = false;                   // the copy of the next one's too
};

// Parse's fast path: the file read as `(SEP declaration)* EOF` one declaration at a time, with
// SLL prediction, each declaration lexed, parsed, its AST built and its tokens and parse tree
// freed before the next, so a compile never holds the parse tree or the tokens of the whole file
// (for 10,000 rules, 90 MB of ANTLR contexts and terminal nodes and 34 MB of tokens:
// bench/README.md, "licit check memory per rule"). Calling `declaration` as a start rule
// predicts as the file rule does: its follow there is SEP or EOF, which no declaration can
// continue with, so a declaration ends where it ends in the file. The diagnostics (the lexer's,
// the AST builder's) go to sinks of their own and reach `diags` only on success; on any lexing
// error, parse error or exception it returns null having reported nothing, and Parse takes the
// whole-file path, with its recovery and error messages.
std::unique_ptr<ast::Module> ParseByDeclaration(const SourceFile& file, DiagnosticSink& diags) {
  std::unique_ptr<ast::Module> module;
  RunWithLargeStack([&] {
    try {
      DiagnosticSink lexed;  // every lexer diagnostic is an error: any sends Parse the other way
      DiagnosticSink side;
      FileLexer lexing(file);
      LayoutLexer layout(lexing, lexed);
      DeclarationSource source(lexing, layout);
      FileParser setup(&source);
      antlr4::CommonTokenStream& tokens = setup.tokens;
      ModuleBuilder builder(file, lexing.offsets, side);
      for (;;) {
        source.Start();
        tokens.setTokenSource(&source);  // frees the tokens of the declaration before
        // Lexes the whole declaration before parsing it, as the whole-file path lexes the whole
        // file: the parser never runs on brackets nested too deep.
        tokens.fill();
        if (layout.too_deep() || lexed.has_errors()) return;
        if (tokens.LA(1) == antlr4::Token::EOF) break;  // comments after the last declaration
        if (tokens.LA(1) != LicitLexer::SEP) return;
        tokens.consume();
        LicitParser::DeclarationContext* declaration = setup.parser.declaration();
        const size_t next = tokens.LA(1);
        if (next != LicitLexer::SEP && next != antlr4::Token::EOF) return;  // trailing tokens
        builder.Add(declaration);
        // Frees every context and terminal node made so far: this declaration's tree.
        setup.parser.getTreeTracker().reset();
        if (next == antlr4::Token::EOF) break;
      }
      std::unique_ptr<ast::Module> built = builder.Finish();
      diags.Absorb(std::move(lexed));
      diags.Absorb(std::move(side));
      module = std::move(built);
    } catch (...) {
      // A parse error (ANTLR's bail strategy throws), nesting too deep, or anything ANTLR
      // throws: the whole-file path parses again and reports.
      module = nullptr;
    }
  });
  return module;
}

}  // namespace

std::unique_ptr<ast::Module> Parse(const SourceManager& sources, FileId file_id,
                                   DiagnosticSink& diags, const ParseOptions& options) {
  const SourceFile& file = sources.Get(file_id);
  if (!options.whole_file_tree) {
    DiagnosticSink encoding;
    if (!CheckEncoding(file, encoding, options.max_source_bytes)) {
      diags.Absorb(std::move(encoding));
      return std::make_unique<ast::Module>(file_id);
    }
    if (auto module = ParseByDeclaration(file, diags)) return module;
  }
  auto module = std::make_unique<ast::Module>(file_id);
  ParseTree(file, diags, options,
            [&](LicitParser::FileContext* tree, antlr4::CommonTokenStream&,
                const OffsetMap& offsets) { module = BuildModule(tree, file, offsets, diags); });
  return module;
}

std::string DumpTokens(const SourceManager& sources, FileId file_id, DiagnosticSink& diags,
                       const ParseOptions& options) {
  const SourceFile& file = sources.Get(file_id);
  if (!CheckEncoding(file, diags, options.max_source_bytes)) return {};
  std::string out;
  FileLexer lexing(file);
  const OffsetMap& offsets = lexing.offsets;
  LexedFile lexed = LexWithLayout(lexing, diags);
  const auto& vocab = lexing.lexer.getVocabulary();
  for (const auto& t : lexed.tokens) {
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    Span span = offsets.TokenSpan(file_id, t.get());
    LineCol lc = file.Locate(span.begin);
    std::string name =
        t->getType() == antlr4::Token::EOF ? "EOF" : vocab.getSymbolicName(t->getType());
    if (t->getType() == LicitLexer::SEP || t->getType() == antlr4::Token::EOF) {
      out += fmt::format("{}:{} {}\n", lc.line, lc.column, name);
    } else {
      out += fmt::format("{}:{} {} {}\n", lc.line, lc.column, name, JsonQuote(t->getText()));
    }
  }
  return out;
}

}  // namespace licit::syntax
