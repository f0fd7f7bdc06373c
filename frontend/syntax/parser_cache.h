// ANTLR's memory in a long-lived process (docs/architecture.md, "The parser's caches"): a bound
// on the runtime's process-wide prediction caches and a lexer simulator without 4.9's leak.
//
// The generated LicitLexer and LicitParser share, across every instance in the process, one DFA
// per decision and a PredictionContextCache (static members of the generated classes). ANTLR adds
// to them whenever an input needs a prediction it has not made before and never removes anything.
// With today's grammar (no left recursion, at most three tokens of lookahead) they stop at about
// 370 DFA states (about 0.5 MiB) whatever the input; a grammar change that needs longer lookahead
// would make them grow with every new shape of input, in the processes that recompile on every
// change (the REPL, `licit serve`, `licit lsp`). So every lexer and parser of the syntax phase is
// used under a ParserCacheLease, and when a lease ends with no other parse in flight and the
// caches hold more than the limit, they are emptied; the next parses warm them again (about
// 1.2 ms once, whatever the file's size).
//
// Internal to the syntax phase.
#pragma once

#include <cstddef>
#include <cstdint>

namespace licit_gen {
class LicitLexer;
}

namespace licit::syntax {

// DFA states (lexer and parser together) above which the caches are emptied after a parse (never
// during one): five times what today's grammar can fill (a 10,000-rule policy leaves 230, every
// example and golden policy 314, 100,000 random derivations of the grammar 360), so no compile
// pays for a re-warm unless the grammar changes, and the caches stay within about 3 MiB (1.4 KiB a
// state) whatever it becomes.
inline constexpr size_t kMaxCachedDfaStates = 2000;

// Held while a LicitLexer or LicitParser is in use. Parses share the caches (ANTLR locks its own
// updates), so leases are shared; emptying needs the caches to itself, so it is done at the end
// of a lease only when no other lease is held (it never waits: otherwise the end of a later lease
// tries again). Leases must not nest within one thread.
class ParserCacheLease {
 public:
  ParserCacheLease();
  ~ParserCacheLease();
  ParserCacheLease(const ParserCacheLease&) = delete;
  ParserCacheLease& operator=(const ParserCacheLease&) = delete;
};

// Gives a newly made lexer a simulator without the leak of ANTLR 4.9's
// LexerATNSimulator::computeTargetState, which never frees the configuration set it computed when
// no character can follow and a predicate was involved: with our MONEY rule's predicate that is
// every digits-space-three-capitals that runs on into a name (`100 USDX`), about 400 bytes per
// occurrence per lex, forever (tests/memory). Call before the lexer reads anything.
void UseLeakFreeSimulator(licit_gen::LicitLexer& lexer);

struct ParserCacheStats {
  size_t lexer_dfa_states = 0;
  size_t parser_dfa_states = 0;
  size_t prediction_contexts = 0;  // the parser's shared PredictionContextCache
  uint64_t resets = 0;             // since the process started
};

// The caches' sizes now (waits for parses in flight). For tests and measurements.
ParserCacheStats GetParserCacheStats();

// Replaces kMaxCachedDfaStates for this process (0: the default again). For tests and
// measurements.
void SetParserCacheLimit(size_t max_dfa_states);

}  // namespace licit::syntax
