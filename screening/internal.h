// Internals of the screening layer shared by its .cpp files: the tokenizer's scratch space, code
// point tokens, Jaro-Winkler and the token alignment that both Score and the index use (so the
// index computes exactly what Score does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "screening/screening.h"

namespace licit::screening::internal {

// The floor under which two tokens do not pair (their similarity counts as 0).
inline constexpr double kTokenFloor = 0.80;
// The similarity of an initialism to the run of words it spells (KHI ~ Kawasaki Heavy Industries).
inline constexpr double kInitialismSimilarity = 0.90;
inline constexpr size_t kMinInitialism = 2, kMaxInitialism = 5;
// The most two names score when no word pairs as a word, only initialisms with runs: two to five
// initials fit too many names to be a near miss alone ("TE" spells every "Tekviksol Energy"; in
// the generated benchmark nine possible matches in ten were such), and the lists publish the
// acronyms they mean as aliases, which match exactly. Below the default review threshold.
inline constexpr double kInitialismOnlyCap = 0.75;

// Normalises into `out`, reusing its buffers (no allocation once warm).
void NormalizeInto(std::string_view name, NormalizedName& out);
// The same through ICU even for ASCII input (tests compare it with the fast path).
void NormalizeIcuForTest(std::string_view name, NormalizedName& out);

// UTF-8 to code points (invalid bytes become U+FFFD), appended to `out`.
void AppendCodePoints(std::string_view utf8, std::u32string& out);

double JaroWinkler(std::u32string_view a, std::u32string_view b);
// A token's weight in the score: 1 + log2(code points).
double TokenWeight(size_t code_points);
// Blocking keys, each packed into 64 bits: the token's first three code points (the whole token
// when shorter), and for tokens of 4 or more its first and last code point with its length ("FL
// key"). IndexKeys gives the keys a vocabulary token is filed under (1 or 2); QueryKeys those to
// look up for a query token (its prefix key, and its FL key for lengths n - 1, n and n + 1; 1 to
// 4). Two tokens share a key (ShareKey) exactly when a key of one is a query key of the other.
int IndexKeys(std::u32string_view token, uint64_t keys[3]);
int QueryKeys(std::u32string_view token, uint64_t keys[5]);
// Whether two tokens share a blocking key: the same first three code points (a token of at most
// three is its own key), or, both of 4 or more, the same first and last code point with lengths
// differing by at most one. Only then can they pair (see Score).
bool ShareKey(std::u32string_view a, std::u32string_view b);
// The similarity of two tokens as Score uses it: 1 when equal, else their Jaro-Winkler when they
// share a key and it reaches kTokenFloor, else 0.
double TokenSimilarity(std::u32string_view a, std::u32string_view b);
// TokenSimilarity for tokens known to share a key.
double KeyedSimilarity(std::u32string_view a, std::u32string_view b);
// KeyedSimilarity of two ASCII tokens given as bytes (the same value, without code points or
// allocation for tokens of at most 64 bytes).
double KeyedSimilarityAscii(std::string_view a, std::string_view b);
bool IsAscii(std::string_view s);
// An ASCII token's bytes counted in 32 classes (a-z, then other bytes by their value mod 6);
// all zero for tokens over 64 bytes.
struct CharCounts {
  alignas(16) uint8_t c[32];
};
void CountChars(std::string_view token, CharCounts& out);
// KeyedSimilarityAscii with the tokens' counts: a cheaper bound first, the same value.
double KeyedSimilarityCounted(std::string_view a, const CharCounts& ca, std::string_view b,
                              const CharCounts& cb);
// Whether a token can be an initialism: 2 to 5 ASCII letters.
bool InitialismShaped(std::u32string_view token);

// One side of an alignment: its tokens' weights, first code points and the total weight.
struct Side {
  const double* weights = nullptr;
  const char32_t* initials = nullptr;
  const std::u32string_view* texts = nullptr;  // for initialisms and the orientation
  const char* initialism = nullptr;            // token i is InitialismShaped
  size_t size = 0;
  double total = 0;
};

// Aligns the tokens of a and b given their pairwise similarities (`sims[i * b.size + j]`, 0 when
// they do not pair) and returns the score (see screening.h's comment on Score). Uses thread-local
// scratch space.
double Align(const Side& a, const Side& b, const double* sims);

// How PartyList::Screen works on this thread: Cached (the default) keeps each party's day- and
// country-independent analysis in a per-thread cache (party_list.cpp, ResultCache); Uncached
// analyses every call; Reference is the matcher as first written (eligibility, bounds, scores
// in one loop), kept for tests to compare the others with. All three give the same Hit.
enum class ScreenPath : uint8_t { Cached, Uncached, Reference };
void SetScreenPath(ScreenPath path);
ScreenPath GetScreenPath();
// Empties this thread's Screen cache; the number of parties it holds.
void ClearScreenCache();
size_t ScreenCacheSize();
size_t ScreenCacheBytes();  // the records' memory

}  // namespace licit::screening::internal
