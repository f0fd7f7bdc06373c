// The score of two normalised names (see the comment on Score in screening.h).

#include <algorithm>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "screening/internal.h"

namespace licit::screening {
namespace internal {

namespace {

// Jaro-Winkler from its parts, shared by the code-point and the ASCII versions: `m` matching
// characters, `half` the matches out of order (twice the transpositions), the lengths, and the
// common prefix (prefix scale 0.1, at most 4).
double JaroWinklerOf(size_t m, size_t half, size_t la, size_t lb, size_t prefix) {
  const double md = static_cast<double>(m);
  const double t = static_cast<double>(half / 2);
  const double jaro =
      (md / static_cast<double>(la) + md / static_cast<double>(lb) + (md - t) / md) / 3.0;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

template <typename Text>
size_t CommonPrefix(const Text& a, const Text& b) {
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return prefix;
}

}  // namespace

double JaroWinkler(std::u32string_view a, std::u32string_view b) {
  const size_t la = a.size(), lb = b.size();
  if (la == 0 && lb == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  if (a == b) return 1.0;
  const size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;
  thread_local std::vector<char> flags;
  if (flags.size() < la + lb) flags.resize(la + lb);
  char* fa = flags.data();
  char* fb = flags.data() + la;
  std::fill(fa, fa + la + lb, 0);
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = 1;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  size_t half = 0;
  for (size_t i = 0, j = 0; i < la; ++i) {
    if (!fa[i]) continue;
    while (!fb[j]) ++j;
    if (a[i] != b[j]) ++half;
    ++j;
  }
  return JaroWinklerOf(m, half, la, lb, CommonPrefix(a, b));
}

double TokenWeight(size_t code_points) {
  return 1.0 + std::log2(static_cast<double>(std::max<size_t>(code_points, 1)));
}

namespace {

// Up to three code points of 21 bits each; a shorter key has a marker bit above its code points
// so keys of different lengths never collide. Bit 63 stays clear (FL keys set it).
uint64_t PackKey(std::u32string_view s) {
  uint64_t k = 0;
  for (char32_t c : s) k = (k << 21) | (static_cast<uint64_t>(c) & 0x1FFFFF);
  if (s.size() < 3) k |= uint64_t{1} << (21 * s.size());
  return k;
}

uint64_t FlKey(char32_t first, char32_t last, size_t length) {
  return (uint64_t{1} << 63) | ((static_cast<uint64_t>(first) & 0x1FFFFF) << 42) |
         ((static_cast<uint64_t>(last) & 0x1FFFFF) << 21) | std::min<uint64_t>(length, 0x1FFFFF);
}

int AffixKeys(std::u32string_view token, uint64_t* keys) {
  keys[0] = PackKey(token.substr(0, std::min<size_t>(token.size(), 3)));
  return 1;
}

}  // namespace

int IndexKeys(std::u32string_view token, uint64_t keys[3]) {
  int n = AffixKeys(token, keys);
  if (token.size() >= 4) keys[n++] = FlKey(token.front(), token.back(), token.size());
  return n;
}

int QueryKeys(std::u32string_view token, uint64_t keys[5]) {
  int n = AffixKeys(token, keys);
  if (token.size() >= 4) {
    if (token.size() > 4) keys[n++] = FlKey(token.front(), token.back(), token.size() - 1);
    keys[n++] = FlKey(token.front(), token.back(), token.size());
    keys[n++] = FlKey(token.front(), token.back(), token.size() + 1);
  }
  return n;
}

bool ShareKey(std::u32string_view a, std::u32string_view b) {
  // The same token of at most 3 code points, or the same first three code points (a token of 3
  // counts as the start of a longer one).
  const size_t pa = std::min<size_t>(a.size(), 3), pb = std::min<size_t>(b.size(), 3);
  if (pa == pb && a.substr(0, pa) == b.substr(0, pb)) return true;
  if (a.size() >= 4 && b.size() >= 4 && a.front() == b.front() && a.back() == b.back()) {
    size_t d = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    return d <= 1;
  }
  return false;
}

double TokenSimilarity(std::u32string_view a, std::u32string_view b) {
  if (a == b) return 1.0;
  if (!ShareKey(a, b)) return 0.0;
  return KeyedSimilarity(a, b);
}

double KeyedSimilarity(std::u32string_view a, std::u32string_view b) {
  if (a == b) return 1.0;
  // A cheap upper bound first: the matches m of Jaro-Winkler are at most the characters the two
  // tokens have in common (as multisets), and the score grows with m for a given prefix.
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  uint16_t counts[128] = {};
  bool ascii = true;
  for (char32_t c : a) {
    if (c >= 128) {
      ascii = false;
      break;
    }
    ++counts[c];
  }
  if (ascii) {
    size_t common = 0;
    for (char32_t c : b) {
      if (c < 128 && counts[c] > 0) {
        --counts[c];
        ++common;
      }
    }
    const double m = static_cast<double>(common);
    const double jaro =
        common == 0
            ? 0.0
            : (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) + 1.0) / 3.0;
    const double bound = jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
    if (bound < kTokenFloor - 1e-12) return 0.0;
  }
  double s = JaroWinkler(a, b);
  return s >= kTokenFloor ? s : 0.0;
}

namespace {

// Jaro-Winkler of two ASCII strings of 1 to 64 bytes, both non-empty and different: the same
// matching, transpositions and arithmetic as JaroWinkler above, with b's positions as bit masks
// (the first free position of b holding a[i] inside the window is the lowest bit of a mask).
double JaroWinklerAscii(std::string_view a, std::string_view b) {
  const size_t la = a.size(), lb = b.size();
  const size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;
  // pm[c]: the positions of byte c in b; valid only where `present` has c's bit.
  uint64_t pm[128];
  uint64_t present[2] = {0, 0};
  for (size_t j = 0; j < lb; ++j) {
    const unsigned c = static_cast<unsigned char>(b[j]);
    const uint64_t bit = uint64_t{1} << (c & 63);
    if (!(present[c >> 6] & bit)) {
      present[c >> 6] |= bit;
      pm[c] = 0;
    }
    pm[c] |= uint64_t{1} << j;
  }
  const uint64_t all_b = lb == 64 ? ~uint64_t{0} : (uint64_t{1} << lb) - 1;
  uint64_t flagged_a = 0, flagged_b = 0;
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    const unsigned c = static_cast<unsigned char>(a[i]);
    if (!(present[c >> 6] >> (c & 63) & 1)) continue;
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(lb, i + window + 1);
    if (lo >= hi) continue;
    // Positions [lo, hi).
    const uint64_t below_hi = hi >= 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1;
    const uint64_t from_lo = ~((uint64_t{1} << lo) - 1);
    const uint64_t cand = pm[c] & below_hi & from_lo & all_b & ~flagged_b;
    if (cand == 0) continue;
    flagged_b |= cand & (~cand + 1);
    flagged_a |= uint64_t{1} << i;
    ++m;
  }
  if (m == 0) return 0.0;
  size_t half = 0;
  uint64_t fa = flagged_a, fb = flagged_b;
  while (fa) {
    const int i = __builtin_ctzll(fa);
    const int j = __builtin_ctzll(fb);
    fa &= fa - 1;
    fb &= fb - 1;
    if (a[static_cast<size_t>(i)] != b[static_cast<size_t>(j)]) ++half;
  }
  return JaroWinklerOf(m, half, la, lb, CommonPrefix(a, b));
}

}  // namespace

double KeyedSimilarityAscii(std::string_view a, std::string_view b) {
  if (a == b) return 1.0;
  const size_t la = a.size(), lb = b.size();
  if (la == 0 || lb == 0 || la > 64 || lb > 64) {
    std::u32string ua, ub;
    AppendCodePoints(a, ua);
    AppendCodePoints(b, ub);
    return KeyedSimilarity(ua, ub);
  }
  // The same upper bound as KeyedSimilarity, on bytes.
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  uint8_t counts[128] = {};
  for (char c : a) ++counts[static_cast<unsigned char>(c) & 127];
  size_t common = 0;
  for (char c : b) {
    uint8_t& k = counts[static_cast<unsigned char>(c) & 127];
    if (k > 0) {
      --k;
      ++common;
    }
  }
  const double m = static_cast<double>(common);
  const double jaro =
      common == 0 ? 0.0 : (m / static_cast<double>(la) + m / static_cast<double>(lb) + 1.0) / 3.0;
  const double bound = jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
  if (bound < kTokenFloor - 1e-12) return 0.0;
  double s = JaroWinklerAscii(a, b);
  return s >= kTokenFloor ? s : 0.0;
}

void CountChars(std::string_view token, CharCounts& out) {
  std::fill(std::begin(out.c), std::end(out.c), uint8_t{0});
  if (token.size() > 64) return;
  for (char ch : token) {
    const unsigned c = static_cast<unsigned char>(ch);
    ++out.c[c >= 'a' && c <= 'z' ? c - 'a' : 26 + c % 6];
  }
}

double KeyedSimilarityCounted(std::string_view a, const CharCounts& ca, std::string_view b,
                              const CharCounts& cb) {
  const size_t la = a.size(), lb = b.size();
  if (la == 0 || lb == 0 || la > 64 || lb > 64 || a == b) return KeyedSimilarityAscii(a, b);
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  // At least KeyedSimilarityAscii's common count (classes merge bytes other than a-z), so at
  // least its bound: a candidate it skips is skipped or scored under the floor.
  size_t common = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  const __m128i m0 = _mm_min_epu8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ca.c)),
                                  _mm_loadu_si128(reinterpret_cast<const __m128i*>(cb.c)));
  const __m128i m1 = _mm_min_epu8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ca.c + 16)),
                                  _mm_loadu_si128(reinterpret_cast<const __m128i*>(cb.c + 16)));
  const __m128i sum = _mm_add_epi64(_mm_sad_epu8(m0, zero), _mm_sad_epu8(m1, zero));
  common =
      static_cast<size_t>(_mm_cvtsi128_si32(sum)) + static_cast<size_t>(_mm_extract_epi16(sum, 4));
#else
  for (size_t k = 0; k < 32; ++k) common += std::min(ca.c[k], cb.c[k]);
#endif
  // The bound J + p / 10 (1 - J), J = (m / la + m / lb + 1) / 3, is under 0.8 exactly when
  // (m (la + lb) + la lb) (10 - p) < 3 la lb (8 - p): in integers, without division. (Skipping
  // then is safe: Jaro-Winkler values of tokens of at most 64 bytes are fractions whose
  // denominators are far too small for one under 0.8 to round up to the floor.)
  static_assert(kTokenFloor == 0.80);
  const uint64_t ua = la, ub = lb, p = prefix;
  if ((common * (ua + ub) + ua * ub) * (10 - p) < 3 * ua * ub * (8 - p)) return 0.0;
  // KeyedSimilarityAscii's own bound is no tighter on tokens of letters and never changes the
  // value: straight to Jaro-Winkler.
  const double sim = JaroWinklerAscii(a, b);
  return sim >= kTokenFloor ? sim : 0.0;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool InitialismShaped(std::u32string_view token) {
  if (token.size() < kMinInitialism || token.size() > kMaxInitialism) return false;
  for (char32_t c : token) {
    if (c < U'a' || c > U'z') return false;
  }
  return true;
}

namespace {

struct Pair {
  double sim;
  double weight;  // the pair's weight on both sides, for ordering
  uint16_t a_begin, a_len, b_begin, b_len;
};

// Pairs of one initialism token of `x` (index i) with runs of `y` it spells.
template <typename Add>
void InitialismPairs(const Side& x, const Side& y, Add add) {
  for (size_t i = 0; i < x.size; ++i) {
    if (!x.initialism[i]) continue;
    std::u32string_view t = x.texts[i];
    const size_t k = t.size();
    if (k > y.size) continue;
    for (size_t j = 0; j + k <= y.size; ++j) {
      bool spells = true;
      for (size_t q = 0; q < k && spells; ++q) spells = y.initials[j + q] == t[q];
      if (spells) add(i, j, k);
    }
  }
}

// The greedy alignment of AlignOriented, with `a` the side whose tokens sort first.
double AlignOriented(const Side& a, const Side& b, const double* sims) {
  thread_local std::vector<Pair> pairs;
  thread_local std::vector<char> used;
  pairs.clear();
  for (size_t i = 0; i < a.size; ++i) {
    for (size_t j = 0; j < b.size; ++j) {
      double s = sims[i * b.size + j];
      if (s > 0) {
        pairs.push_back({s, a.weights[i] + b.weights[j], static_cast<uint16_t>(i), 1,
                         static_cast<uint16_t>(j), 1});
      }
    }
  }
  InitialismPairs(a, b, [&](size_t i, size_t j, size_t k) {
    double w = a.weights[i];
    for (size_t q = 0; q < k; ++q) w += b.weights[j + q];
    pairs.push_back({kInitialismSimilarity, w, static_cast<uint16_t>(i), 1,
                     static_cast<uint16_t>(j), static_cast<uint16_t>(k)});
  });
  InitialismPairs(b, a, [&](size_t j, size_t i, size_t k) {
    double w = b.weights[j];
    for (size_t q = 0; q < k; ++q) w += a.weights[i + q];
    pairs.push_back({kInitialismSimilarity, w, static_cast<uint16_t>(i), static_cast<uint16_t>(k),
                     static_cast<uint16_t>(j), 1});
  });
  if (pairs.empty()) return 0.0;
  // Best pairs first; among equals the heavier, then the earlier (a total order: deterministic).
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    if (x.sim != y.sim) return x.sim > y.sim;
    if (x.weight != y.weight) return x.weight > y.weight;
    if (x.a_begin != y.a_begin) return x.a_begin < y.a_begin;
    if (x.b_begin != y.b_begin) return x.b_begin < y.b_begin;
    return x.a_len + x.b_len < y.a_len + y.b_len;
  });
  used.assign(a.size + b.size, 0);
  char* ua = used.data();
  char* ub = used.data() + a.size;
  double matched_a = 0, matched_b = 0;
  bool words_paired = false;  // some pair is word to word, not only initialisms
  for (const Pair& p : pairs) {
    bool free = true;
    for (size_t q = 0; q < p.a_len && free; ++q) free = !ua[p.a_begin + q];
    for (size_t q = 0; q < p.b_len && free; ++q) free = !ub[p.b_begin + q];
    if (!free) continue;
    double wa = 0, wb = 0;
    for (size_t q = 0; q < p.a_len; ++q) {
      ua[p.a_begin + q] = 1;
      wa += a.weights[p.a_begin + q];
    }
    for (size_t q = 0; q < p.b_len; ++q) {
      ub[p.b_begin + q] = 1;
      wb += b.weights[p.b_begin + q];
    }
    matched_a += p.sim * wa;
    matched_b += p.sim * wb;
    words_paired = words_paired || (p.a_len == 1 && p.b_len == 1);
  }
  double score = 0.5 * (matched_a / a.total + matched_b / b.total);
  return std::min(score, words_paired ? 1.0 : kInitialismOnlyCap);
}

}  // namespace

double Align(const Side& a, const Side& b, const double* sims) {
  if (a.size == 0 || b.size == 0 || a.total <= 0 || b.total <= 0) return 0.0;
  // The greedy pass breaks ties between equally good pairs by position on `a`, then on `b`, so
  // Align(a, b) and Align(b, a) could pick different pairs. The score is symmetric because it is
  // always taken in one orientation: the side whose token sequence sorts first plays `a`.
  const bool in_order =
      !std::lexicographical_compare(b.texts, b.texts + b.size, a.texts, a.texts + a.size);
  if (in_order) return AlignOriented(a, b, sims);
  thread_local std::vector<double> transposed;
  transposed.resize(a.size * b.size);
  for (size_t i = 0; i < a.size; ++i) {
    for (size_t j = 0; j < b.size; ++j) transposed[j * a.size + i] = sims[i * b.size + j];
  }
  return AlignOriented(b, a, transposed.data());
}

}  // namespace internal

double JaroWinkler(std::string_view a, std::string_view b) {
  std::u32string ua, ub;
  internal::AppendCodePoints(a, ua);
  internal::AppendCodePoints(b, ub);
  return internal::JaroWinkler(ua, ub);
}

double Score(const NormalizedName& a, const NormalizedName& b) {
  using namespace internal;
  if (a.tokens.empty() || b.tokens.empty()) return 0.0;
  if (a.text == b.text) return 1.0;
  struct Prepared {
    std::u32string cps;
    std::vector<size_t> offsets;
    std::vector<std::u32string_view> texts;
    std::vector<double> weights;
    std::vector<char32_t> initials;
    std::vector<char> initialism;
    Side side;
  };
  auto prepare = [](const NormalizedName& n, Prepared& p) {
    for (const std::string& t : n.tokens) {
      p.offsets.push_back(p.cps.size());
      AppendCodePoints(t, p.cps);
    }
    p.offsets.push_back(p.cps.size());
    const size_t k = n.tokens.size();
    p.initialism.resize(k);
    double total = 0;
    for (size_t i = 0; i < k; ++i) {
      std::u32string_view v(p.cps.data() + p.offsets[i], p.offsets[i + 1] - p.offsets[i]);
      p.texts.push_back(v);
      p.weights.push_back(TokenWeight(v.size()));
      p.initials.push_back(v.empty() ? 0 : v[0]);
      p.initialism[i] = InitialismShaped(v);
    }
    for (double w : p.weights) total += w;
    p.side =
        Side{p.weights.data(), p.initials.data(), p.texts.data(), p.initialism.data(), k, total};
  };
  Prepared pa, pb;
  prepare(a, pa);
  prepare(b, pb);
  std::vector<double> sims(pa.texts.size() * pb.texts.size());
  for (size_t i = 0; i < pa.texts.size(); ++i) {
    for (size_t j = 0; j < pb.texts.size(); ++j) {
      sims[i * pb.texts.size() + j] = TokenSimilarity(pa.texts[i], pb.texts[j]);
    }
  }
  return Align(pa.side, pb.side, sims.data());
}

}  // namespace licit::screening
