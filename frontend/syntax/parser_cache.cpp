#include "frontend/syntax/parser_cache.h"

#include <atomic>
#include <mutex>
#include <shared_mutex>

#include "LicitLexer.h"
#include "LicitParser.h"
#include "atn/OrderedATNConfigSet.h"
#include "licit_antlr.h"

namespace licit::syntax {

namespace {

// ANTLR 4.9's computeTargetState with the leak fixed (parser_cache.h): the same steps, with the
// configuration set owned until a DFA state takes it.
class LeakFreeLexerSimulator : public antlr4::atn::LexerATNSimulator {
 public:
  using LexerATNSimulator::LexerATNSimulator;

 protected:
  antlr4::dfa::DFAState* computeTargetState(antlr4::CharStream* input, antlr4::dfa::DFAState* s,
                                            size_t t) override {
    auto reach = std::make_unique<antlr4::atn::OrderedATNConfigSet>();
    getReachableConfigSet(input, s->configs.get(), reach.get(), t);
    if (reach->isEmpty()) {
      // Nowhere to go on t. Remembered as an error edge unless a predicate decided it (then it
      // depends on the input); the runtime's version leaks `reach` in that case.
      if (!reach->hasSemanticContext) addDFAEdge(s, t, ERROR.get());
      return ERROR.get();
    }
    return addDFAEdge(s, t, reach.release());  // the DFA state made from it owns it
  }
};

// Shared by every lease; exclusive for counting and emptying the caches. ANTLR's own locks make
// concurrent parses safe, but not emptying a DFA while another parse holds its states.
std::shared_mutex& CacheMutex() {
  static std::shared_mutex mutex;
  return mutex;
}

std::atomic<size_t> limit{kMaxCachedDfaStates};
std::atomic<uint64_t> resets{0};

// The caches are private static members of the generated classes; a lexer and a parser of our own
// reach them through their simulators (each simulator refers to the shared caches, and clearDFA
// empties those). They never lex or parse. Made and used only under the exclusive lock, and never
// destroyed, so no parse at exit can outlive them.
struct Simulators {
  antlr4::ANTLRInputStream input;
  licit_gen::LicitLexer lexer{&input};
  antlr4::ListTokenSource source{OnlyEof()};
  antlr4::CommonTokenStream tokens{&source};
  licit_gen::LicitParser parser{&tokens};

  static std::vector<std::unique_ptr<antlr4::Token>> OnlyEof() {
    std::vector<std::unique_ptr<antlr4::Token>> tokens;  // ListTokenSource refuses an empty list
    tokens.push_back(std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF));
    return tokens;
  }

  antlr4::atn::LexerATNSimulator& Lexer() {
    return *lexer.getInterpreter<antlr4::atn::LexerATNSimulator>();
  }
  antlr4::atn::ParserATNSimulator& Parser() {
    return *parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  }
};

Simulators& TheSimulators() {
  static Simulators* simulators = new Simulators;
  return *simulators;
}

size_t CountStates(const std::vector<antlr4::dfa::DFA>& dfas) {
  size_t n = 0;
  for (const antlr4::dfa::DFA& dfa : dfas) n += dfa.states.size();
  return n;
}

// Under the exclusive lock.
ParserCacheStats Count() {
  Simulators& s = TheSimulators();
  ParserCacheStats stats;
  stats.lexer_dfa_states = CountStates(s.Lexer()._decisionToDFA);
  stats.parser_dfa_states = CountStates(s.Parser().decisionToDFA);
  stats.prediction_contexts = s.Parser().getSharedContextCache().size();
  stats.resets = resets.load(std::memory_order_relaxed);
  return stats;
}

// Empties the caches when they are over the limit and no parse is in flight.
void TrimIfOverLimit() {
  std::unique_lock<std::shared_mutex> lock(CacheMutex(), std::try_to_lock);
  if (!lock.owns_lock()) return;  // another parse is running; its lease's end tries again
  ParserCacheStats stats = Count();
  if (stats.lexer_dfa_states + stats.parser_dfa_states <= limit.load(std::memory_order_relaxed)) {
    return;
  }
  Simulators& s = TheSimulators();
  s.Lexer().clearDFA();
  s.Parser().clearDFA();
  // The DFA states held the only other references to the contexts; the cache keeps the rest
  // alive. (The lexer's cache is not filled by 4.9's lexer simulator; emptied for symmetry.)
  s.Parser().getSharedContextCache().clear();
  s.Lexer().getSharedContextCache().clear();
  resets.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

ParserCacheLease::ParserCacheLease() { CacheMutex().lock_shared(); }

ParserCacheLease::~ParserCacheLease() {
  CacheMutex().unlock_shared();
  try {
    TrimIfOverLimit();
  } catch (...) {
    // Out of memory while emptying: the caches stay as they are; a later lease tries again.
  }
}

void UseLeakFreeSimulator(licit_gen::LicitLexer& lexer) {
  auto* runtime = lexer.getInterpreter<antlr4::atn::LexerATNSimulator>();
  // The same shared DFA and context cache. setInterpreter deletes the runtime's simulator, and the
  // generated lexer's destructor deletes ours.
  lexer.setInterpreter(new LeakFreeLexerSimulator(&lexer, runtime->atn, runtime->_decisionToDFA,
                                                  runtime->getSharedContextCache()));
}

ParserCacheStats GetParserCacheStats() {
  std::unique_lock<std::shared_mutex> lock(CacheMutex());
  return Count();
}

void SetParserCacheLimit(size_t max_dfa_states) {
  limit.store(max_dfa_states == 0 ? kMaxCachedDfaStates : max_dfa_states,
              std::memory_order_relaxed);
}

}  // namespace licit::syntax
