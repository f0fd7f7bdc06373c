// The index of a party list and the matcher (Screen, Top).
//
// Index: every name and alias of every entry is normalised once, when the list is built. Its
// tokens are interned in a vocabulary (each distinct token once, as code points with its weight);
// each vocabulary token has a posting list of the names that contain it. Blocking keys (a token's
// first three and last three code points, or the whole token when it is shorter; its first and
// last code point with its length) map to the vocabulary tokens that have them: two tokens pair
// only when they share a key (see Score), so
// looking up a query token's keys finds every vocabulary token it can pair with, and the
// Jaro-Winkler of the query token is computed once per vocabulary token, not once per entry.
// Runs of 2-5 words are indexed by their initials for initialisms (`KHI`). An exact-text map
// finds exact matches.
//
// Screen: exact text first (score 1, no clearance applies). Otherwise the query tokens' matches
// in the vocabulary, then the candidates: names in the posting lists of the rarest query tokens
// (prefix filtering). A name that shares none of a set S of query tokens leaves S unmatched, so
// its score is at most (1 + (W - w(S)) / W) / 2 (W the query's total weight, w(S) that of S);
// tokens are probed rarest first until that bound falls under `review` (less half a rounding
// step), so no name that could reach `review` is missed. Top probes every token.
//
// Screen is split in two so its result can be cached: Analyze does the day- and
// country-independent work (normalise, match tokens, candidates, bounds, scores: every candidate
// Reference could score, sorted best first, cut after the first one eligible on any day in any
// country), and ApplyExact / ApplyScored apply the day, the country and the clearances. A
// per-thread ResultCache keeps each party's analysis (key: list, index generation, `review`, the
// raw party string), so a party seen before costs a hash lookup and a walk over a few
// candidates; a per-thread TokenMemo keeps the pairs of the words queries used. The
// matcher as first written stays as Matcher::Reference: tests check that all paths agree
// (tests/unit/screening/screen_paths_test.cpp). Similarities of ASCII tokens are computed on
// bytes (score.cpp, KeyedSimilarityCounted), with a bound from per-token character counts first.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <new>
#include <unordered_map>

#include <sys/mman.h>

#include "screening/internal.h"

namespace licit::screening {

using namespace internal;

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// A CSR list: for key k, items[begin, end).
struct Range {
  uint32_t begin = 0, end = 0;
};

bool Eligible(const Entry& e, std::optional<CountryId> country, std::optional<DayNumber> day) {
  if (day && (*day < e.listed || *day >= e.delisted)) return false;
  if (country && !e.countries.empty() &&
      std::find(e.countries.begin(), e.countries.end(), *country) == e.countries.end()) {
    return false;
  }
  return true;
}

uint32_t PackInitials(const char32_t* initials, size_t k) {
  uint32_t key = static_cast<uint32_t>(k);
  for (size_t q = 0; q < k; ++q) key = (key << 5) | static_cast<uint32_t>(initials[q] - U'a' + 1);
  return key;
}

bool AsciiLetter(char32_t c) { return c >= U'a' && c <= U'z'; }

double Round2(double s) { return std::round(s * 100.0) / 100.0; }

}  // namespace

struct PartyList::Index {
  struct Name {
    uint32_t entry = 0;
    uint32_t alias = 0;  // 0: the entry's name; k: aliases[k - 1]
    uint32_t tok_begin = 0, tok_count = 0;
    double total = 0;
    std::string text;
  };
  std::vector<Name> names;
  std::vector<uint32_t> name_tokens;  // vocabulary ids, in the name's order

  // Vocabulary.
  std::u32string cps;
  std::vector<uint32_t> offsets;  // size V + 1
  std::vector<double> weights;
  std::vector<char32_t> initials;
  std::vector<char> initialism;
  // The tokens' UTF-8 text (byte_off: size V + 1) and whether it is ASCII (then its bytes are its
  // code points and similarities are computed on bytes).
  std::string bytes;
  std::vector<uint32_t> byte_off;
  std::vector<char> ascii;
  std::vector<CharCounts> counts;  // of ASCII tokens
  // Unique among all indexes ever built in the process, renewed when clearances are added: the
  // per-thread result cache's entries name it, so they never outlive what they were computed on.
  uint64_t generation = 0;
  // Per entry: no countries and no listing dates (eligible whatever the day and country).
  std::vector<char> always_eligible;
  StringMap<uint32_t> by_text;
  std::vector<uint32_t> post_begin;  // size V + 1
  std::vector<uint32_t> postings;    // name ids
  // Frequent vocabulary tokens (in at least kBitsetMin names) also have their names as a bitset
  // (`words` 64-bit words each, at bitset_of[v] * words), for intersecting them quickly.
  static constexpr uint32_t kNoBitset = UINT32_MAX;
  std::vector<uint32_t> bitset_of;
  std::vector<uint64_t> bitsets;
  size_t words = 0;

  std::unordered_map<uint64_t, Range> key_buckets;
  std::vector<uint32_t> key_vocab;
  std::unordered_map<uint32_t, Range> initialism_runs;  // packed initials -> names
  std::vector<uint32_t> initialism_names;
  StringMap<std::vector<uint32_t>> exact;                         // normalised text -> names
  StringMap<std::vector<std::pair<uint32_t, uint32_t>>> cleared;  // party -> (entry, clearance)

  std::u32string_view Token(uint32_t v) const {
    return {cps.data() + offsets[v], offsets[v + 1] - offsets[v]};
  }
  std::string_view Text(uint32_t v) const {
    return {bytes.data() + byte_off[v], byte_off[v + 1] - byte_off[v]};
  }
  // KeyedSimilarity of a token (as code points and as UTF-8) and vocabulary token v.
  double Similarity(std::u32string_view cps, std::string_view text, bool text_ascii,
                    const CharCounts& text_counts, uint32_t v) const {
    if (text_ascii && ascii[v])
      return KeyedSimilarityCounted(text, text_counts, Text(v), counts[v]);
    return KeyedSimilarity(cps, Token(v));
  }
  uint32_t df(uint32_t v) const { return post_begin[v + 1] - post_begin[v]; }
};

namespace {
std::atomic<uint64_t> g_generation{0};
}  // namespace

PartyList::PartyList() = default;
uint64_t PartyList::generation() const { return index_ ? index_->generation : 0; }

PartyList::~PartyList() = default;

void PartyList::BuildIndex() {
  index_ = std::make_unique<Index>();
  Index& x = *index_;
  NormalizedName norm;
  std::vector<std::vector<uint32_t>> posting_lists;
  std::unordered_map<uint64_t, std::vector<uint32_t>> buckets;
  std::unordered_map<uint32_t, std::vector<uint32_t>> runs;
  x.generation = ++g_generation;
  x.always_eligible.reserve(entries_.size());
  for (const Entry& e : entries_) {
    x.always_eligible.push_back(
        e.countries.empty() && e.listed == INT32_MIN && e.delisted == INT32_MAX ? 1 : 0);
  }
  x.offsets.push_back(0);
  x.byte_off.push_back(0);
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    const Entry& entry = entries_[e];
    for (uint32_t a = 0; a <= entry.aliases.size(); ++a) {
      NormalizeInto(a == 0 ? entry.name : entry.aliases[a - 1], norm);
      if (norm.tokens.empty()) continue;
      const uint32_t id = static_cast<uint32_t>(x.names.size());
      Index::Name name;
      name.entry = e;
      name.alias = a;
      name.tok_begin = static_cast<uint32_t>(x.name_tokens.size());
      name.tok_count = static_cast<uint32_t>(norm.tokens.size());
      name.text = norm.text;
      for (const std::string& t : norm.tokens) {
        auto [it, added] = x.by_text.try_emplace(t, static_cast<uint32_t>(x.weights.size()));
        uint32_t v = it->second;
        if (added) {
          AppendCodePoints(t, x.cps);
          x.offsets.push_back(static_cast<uint32_t>(x.cps.size()));
          std::u32string_view tv = x.Token(v);
          x.weights.push_back(TokenWeight(tv.size()));
          x.initials.push_back(tv[0]);
          x.initialism.push_back(InitialismShaped(tv) ? 1 : 0);
          x.bytes += t;
          x.byte_off.push_back(static_cast<uint32_t>(x.bytes.size()));
          x.ascii.push_back(IsAscii(t) ? 1 : 0);
          x.counts.emplace_back();
          CountChars(t, x.counts.back());
          posting_lists.emplace_back();
          uint64_t keys[3];
          int nk = IndexKeys(tv, keys);
          for (int k = 0; k < nk; ++k) buckets[keys[k]].push_back(v);
        }
        x.name_tokens.push_back(v);
        name.total += x.weights[v];
        auto& pl = posting_lists[v];
        if (pl.empty() || pl.back() != id) pl.push_back(id);
      }
      // Runs of 2-5 words spelled by their initials.
      const uint32_t* toks = x.name_tokens.data() + name.tok_begin;
      for (size_t j = 0; j < name.tok_count; ++j) {
        char32_t ini[kMaxInitialism];
        for (size_t k = 1; k <= kMaxInitialism && j + k <= name.tok_count; ++k) {
          ini[k - 1] = x.initials[toks[j + k - 1]];
          if (!AsciiLetter(ini[k - 1])) break;
          if (k < kMinInitialism) continue;
          auto& list = runs[PackInitials(ini, k)];
          if (list.empty() || list.back() != id) list.push_back(id);
        }
      }
      x.exact[name.text].push_back(id);
      x.names.push_back(std::move(name));
    }
  }
  x.post_begin.reserve(posting_lists.size() + 1);
  x.post_begin.push_back(0);
  for (auto& pl : posting_lists) {
    x.postings.insert(x.postings.end(), pl.begin(), pl.end());
    x.post_begin.push_back(static_cast<uint32_t>(x.postings.size()));
  }
  x.words = (x.names.size() + 63) / 64;
  const uint32_t bitset_min = std::max<uint32_t>(64, static_cast<uint32_t>(x.names.size() / 128));
  x.bitset_of.assign(posting_lists.size(), Index::kNoBitset);
  for (uint32_t v = 0; v < posting_lists.size(); ++v) {
    if (posting_lists[v].size() < bitset_min) continue;
    x.bitset_of[v] = static_cast<uint32_t>(x.bitsets.size() / x.words);
    x.bitsets.resize(x.bitsets.size() + x.words, 0);
    uint64_t* b = x.bitsets.data() + static_cast<size_t>(x.bitset_of[v]) * x.words;
    for (uint32_t n : posting_lists[v]) b[n >> 6] |= uint64_t{1} << (n & 63);
  }
  x.key_buckets.reserve(buckets.size());
  for (auto& [key, list] : buckets) {
    Range r{static_cast<uint32_t>(x.key_vocab.size()), 0};
    x.key_vocab.insert(x.key_vocab.end(), list.begin(), list.end());
    r.end = static_cast<uint32_t>(x.key_vocab.size());
    x.key_buckets.emplace(key, r);
  }
  x.initialism_runs.reserve(runs.size());
  for (auto& [key, list] : runs) {
    Range r{static_cast<uint32_t>(x.initialism_names.size()), 0};
    x.initialism_names.insert(x.initialism_names.end(), list.begin(), list.end());
    r.end = static_cast<uint32_t>(x.initialism_names.size());
    x.initialism_runs.emplace(key, r);
  }
}

std::vector<uint32_t> PartyList::EntriesNamed(std::string_view normalized) const {
  std::vector<uint32_t> out;
  auto it = index_->exact.find(normalized);
  if (it == index_->exact.end()) return out;
  for (uint32_t n : it->second) {
    uint32_t e = index_->names[n].entry;
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

void PartyList::AddClearedPair(const std::string& party, uint32_t entry, uint32_t clearance) {
  index_->cleared[party].emplace_back(entry, clearance);
  index_->generation = ++g_generation;
}

namespace {

// Per thread, for Screen's cached path: the vocabulary tokens (and similarities) that a query
// token pairs with, by index generation and token, so a word seen before costs no Jaro-Winkler. At
// most 131,072 tokens and 2 Mi pairs (24 MiB: a pair is a vocabulary id and a double, kept in two
// arrays) per thread; when either is full it is cleared and fills again. The bound is sized for
// a run's distinct words: in the benchmark (bench/screening) 50,000 parties have 22,700 distinct
// words pairing with 64 vocabulary tokens each, and the old bound of 512 Ki pairs cleared the
// memo four times, recomputing a quarter of all similarities.
struct TokenMemo {
  static constexpr size_t kMaxTokens = size_t{128} << 10, kMaxPairs = size_t{2} << 20;
  struct Range {
    uint32_t begin = 0, end = 0;
  };
  StringMap<Range> map;         // key: the generation's 8 bytes, then the token
  std::vector<uint32_t> vocab;  // the pairs: vocabulary id and similarity, by index
  std::vector<double> sims;
  std::string key;
  Range scratch_range;

  std::string_view Key(uint64_t generation, std::string_view token) {
    key.assign(reinterpret_cast<const char*>(&generation), sizeof generation);
    key.append(token);
    return key;
  }
  const Range* Find(std::string_view k) const {
    auto it = map.find(k);
    return it == map.end() ? nullptr : &it->second;
  }
  void Clear() {
    map.clear();
    vocab.clear();
    sims.clear();
  }
  // Stores the matches of one token (`key` still holds its key).
  template <typename SimOf>
  void Store(uint64_t generation, std::string_view token,
             const std::pair<uint32_t, uint32_t>* matches, size_t n, SimOf sim_of) {
    if (map.size() >= kMaxTokens || vocab.size() + n > kMaxPairs) Clear();
    Range r{static_cast<uint32_t>(vocab.size()), 0};
    for (size_t k = 0; k < n; ++k) {
      vocab.push_back(matches[k].second);
      sims.push_back(sim_of(matches[k].second));
    }
    r.end = static_cast<uint32_t>(vocab.size());
    map.emplace(std::string(Key(generation, token)), r);
  }
};

// Per-thread scratch space of the matcher: no allocation per call once warm.
struct Query {
  TokenMemo memo;
  bool use_memo = false;  // Screen's cached path
  NormalizedName norm;
  std::u32string cps;
  std::vector<std::u32string_view> texts;
  std::vector<double> weights;
  std::vector<char32_t> initials;
  std::vector<char> initialism;
  std::vector<char> ascii;
  std::vector<CharCounts> counts;
  bool any_initialism = false;
  double total = 0;

  // The similarity table: vocabulary id -> row of per-query-token similarities.
  uint32_t stamp = 0;
  std::vector<uint32_t> vocab_stamp, vocab_row;
  std::vector<double> rows;
  std::vector<uint64_t> row_mask;  // per row: its query tokens (of the first 64) above 0
  // Per query token: the vocabulary tokens it pairs with, and extra candidate names
  // (initialisms), as ranges into `matches` / `extra`.
  std::vector<std::pair<uint32_t, uint32_t>> matches;     // (query token, vocabulary id)
  std::vector<uint32_t> extra_vocab;                      // entry initialisms the query spells
  std::vector<std::pair<uint32_t, uint32_t>> extra_runs;  // (first query token, length)
  std::vector<uint64_t> cost;
  std::vector<uint32_t> order;

  std::vector<uint32_t> name_stamp;
  std::vector<uint32_t> candidates;
  std::vector<uint64_t> token_bits, level_bits;    // per query token / per level of Find
  std::vector<std::vector<uint32_t>> level_lists;  // per level of FindList
  uint32_t list_stamp = 0;
  std::vector<uint32_t> name_list_stamp;
  std::vector<char> bits_ready;
  std::vector<double> sims;
  std::vector<double> cand_weights;
  std::vector<char32_t> cand_initials;
  std::vector<std::u32string_view> cand_texts;
  std::vector<char> cand_initialism;
  std::vector<char> probed;

  // Top: the best name per entry.
  std::vector<uint32_t> entry_stamp, entry_slot;
  std::vector<Hit> top;
};

Query& ThreadQuery() {
  thread_local Query q;
  return q;
}

}  // namespace

namespace {

Hit::Kind KindOf(double score, const Thresholds& t) {
  if (score >= t.match) return Hit::Kind::Match;
  if (score >= t.review) return Hit::Kind::Possible;
  return Hit::Kind::None;
}

const Clearance* FindClearance(const std::vector<std::pair<uint32_t, uint32_t>>* cleared,
                               const std::vector<Clearance>& all, uint32_t entry) {
  if (cleared == nullptr) return nullptr;
  for (const auto& [e, c] : *cleared) {
    if (e == entry) return &all[c];
  }
  return nullptr;
}

// Whether (score, entry, name) ranks before the other: higher score, then lower row.
bool Better(double s, uint32_t e, uint32_t n, double bs, uint32_t be, uint32_t bn) {
  if (s != bs) return s > bs;
  if (e != be) return e < be;
  return n < bn;
}

}  // namespace

// A candidate of Screen, scored: its score in hundredths and its clearance for the party.
struct Scored {
  static constexpr uint32_t kNotCleared = UINT32_MAX;
  uint32_t name = 0, entry = 0;
  uint32_t clearance = kNotCleared;  // index into the list's clearances
  uint8_t hundredths = 0;
  // The name's alias (Index::Name::alias) when below kFar, else to be read from the name.
  static constexpr uint16_t kFar = UINT16_MAX;
  uint16_t alias = kFar;
};

struct PartyList::Matcher {
  // Past this many postings, a token's names are intersected on bitsets rather than enumerated
  // (when the bound allows).
  static constexpr uint64_t kEnumerateMax = 32;
  const PartyList& list;
  const Index& x;
  Query& q;

  void Prepare(std::string_view party) {
    NormalizeInto(party, q.norm);
    const size_t n = q.norm.tokens.size();
    q.cps.clear();
    q.texts.clear();
    q.weights.clear();
    q.initials.clear();
    q.initialism.clear();
    q.ascii.clear();
    q.any_initialism = false;
    q.total = 0;
    size_t offsets[64 + 1];
    std::vector<size_t> big;
    size_t* off = offsets;
    if (n + 1 > 65) {
      big.resize(n + 1);
      off = big.data();
    }
    for (size_t i = 0; i < n; ++i) {
      off[i] = q.cps.size();
      AppendCodePoints(q.norm.tokens[i], q.cps);
    }
    off[n] = q.cps.size();
    for (size_t i = 0; i < n; ++i) {
      std::u32string_view t(q.cps.data() + off[i], off[i + 1] - off[i]);
      q.texts.push_back(t);
      q.weights.push_back(TokenWeight(t.size()));
      q.initials.push_back(t[0]);
      q.initialism.push_back(InitialismShaped(t) ? 1 : 0);
      q.any_initialism = q.any_initialism || q.initialism.back();
      q.ascii.push_back(IsAscii(q.norm.tokens[i]) ? 1 : 0);
      if (q.counts.size() <= i) q.counts.resize(i + 1);
      CountChars(q.norm.tokens[i], q.counts[i]);
      q.total += q.weights.back();
    }
  }

  void NextStamp() {
    if (++q.stamp == 0) {
      std::fill(q.vocab_stamp.begin(), q.vocab_stamp.end(), 0);
      std::fill(q.name_stamp.begin(), q.name_stamp.end(), 0);
      std::fill(q.entry_stamp.begin(), q.entry_stamp.end(), 0);
      q.stamp = 1;
    }
    if (q.vocab_stamp.size() < x.weights.size()) {
      q.vocab_stamp.resize(x.weights.size(), 0);
      q.vocab_row.resize(x.weights.size(), 0);
    }
    if (q.name_stamp.size() < x.names.size()) q.name_stamp.resize(x.names.size(), 0);
    if (q.name_list_stamp.size() < x.names.size()) q.name_list_stamp.resize(x.names.size(), 0);
    if (q.entry_stamp.size() < list.entries_.size()) {
      q.entry_stamp.resize(list.entries_.size(), 0);
      q.entry_slot.resize(list.entries_.size(), 0);
    }
  }

  double* Row(uint32_t v) {
    const size_t n = q.texts.size();
    if (q.vocab_stamp[v] != q.stamp) {
      q.vocab_stamp[v] = q.stamp;
      q.vocab_row[v] = static_cast<uint32_t>(q.rows.size() / n);
      q.rows.resize(q.rows.size() + n, 0.0);
      q.row_mask.push_back(0);
    }
    return q.rows.data() + static_cast<size_t>(q.vocab_row[v]) * n;
  }

  // Finds, for every query token, the vocabulary tokens it pairs with.
  void MatchTokens() {
    const size_t n = q.texts.size();
    q.rows.clear();
    q.row_mask.clear();
    q.matches.clear();
    q.extra_vocab.clear();
    q.extra_runs.clear();
    for (size_t i = 0; i < n; ++i) {
      // The vocabulary tokens sharing a key with the token, each once, in the order of its keys
      // (so the memo, which keeps that order, gives the same matches). Whether the token is in
      // the vocabulary or not: computing every vocabulary token's pairs when the list is built
      // cost a fifth of a second for 20,000 entries, at every load, for words few queries use.
      TokenMemo::Range* memo = nullptr;
      const size_t first = q.matches.size();
      if (q.use_memo) {
        const std::string_view key = q.memo.Key(x.generation, q.norm.tokens[i]);
        if (const TokenMemo::Range* r = q.memo.Find(key)) {
          for (uint32_t e = r->begin; e < r->end; ++e) {
            const uint32_t v = q.memo.vocab[e];
            Row(v)[i] = q.memo.sims[e];
            if (i < 64) q.row_mask[q.vocab_row[v]] |= uint64_t{1} << i;
            q.matches.emplace_back(static_cast<uint32_t>(i), v);
          }
          continue;
        }
        memo = &q.memo.scratch_range;
      }
      uint64_t keys[4];
      int nk = QueryKeys(q.texts[i], keys);
      for (int k = 0; k < nk; ++k) {
        auto it = x.key_buckets.find(keys[k]);
        if (it == x.key_buckets.end()) continue;
        for (uint32_t b = it->second.begin; b < it->second.end; ++b) {
          uint32_t v = x.key_vocab[b];
          if (q.vocab_stamp[v] == q.stamp && q.rows[q.vocab_row[v] * n + i] != 0) continue;
          double s = x.Similarity(q.texts[i], q.norm.tokens[i], q.ascii[i] != 0, q.counts[i], v);
          if (s <= 0) continue;
          Row(v)[i] = s;
          if (i < 64) q.row_mask[q.vocab_row[v]] |= uint64_t{1} << i;
          q.matches.emplace_back(static_cast<uint32_t>(i), v);
        }
      }
      if (memo != nullptr) {
        q.memo.Store(x.generation, q.norm.tokens[i], q.matches.data() + first,
                     q.matches.size() - first, [&](uint32_t v) { return Row(v)[i]; });
      }
    }
    // Runs of query words spelling an initialism of the vocabulary.
    std::string spelled;
    for (size_t j = 0; j < n; ++j) {
      spelled.clear();
      for (size_t k = 1; k <= kMaxInitialism && j + k <= n; ++k) {
        char32_t c = q.initials[j + k - 1];
        if (!AsciiLetter(c)) break;
        spelled += static_cast<char>(c);
        if (k < kMinInitialism) continue;
        auto it = x.by_text.find(std::string_view(spelled));
        if (it == x.by_text.end() || !x.initialism[it->second]) continue;
        q.extra_vocab.push_back(it->second);
        q.extra_runs.emplace_back(static_cast<uint32_t>(j), static_cast<uint32_t>(k));
      }
    }
  }

  void AddCandidate(uint32_t name) {
    if (q.name_stamp[name] == q.stamp) return;
    q.name_stamp[name] = q.stamp;
    q.candidates.push_back(name);
  }

  template <typename Each>
  void ForExtraPostingsOf(size_t i, Each each) {
    if (q.initialism[i]) {
      auto it = x.initialism_runs.find(PackInitials(q.texts[i].data(), q.texts[i].size()));
      if (it != x.initialism_runs.end()) {
        for (uint32_t p = it->second.begin; p < it->second.end; ++p) each(x.initialism_names[p]);
      }
    }
    for (size_t r = 0; r < q.extra_runs.size(); ++r) {
      auto [j, k] = q.extra_runs[r];
      if (i < j || i >= j + k) continue;
      uint32_t v = q.extra_vocab[r];
      for (uint32_t p = x.post_begin[v]; p < x.post_begin[v + 1]; ++p) each(x.postings[p]);
    }
  }

  // Collects candidate names; with `review` >= 0 only those that can reach it.
  //
  // A name's score is at most (1 + M / W) / 2, M the weight of the query tokens it pairs with
  // and W the query's total, so reaching `review` (less half a rounding step) needs M >= need =
  // (2 review - 1) W. Find splits the names on the query tokens, cheapest first (fewest
  // postings): those pairing with the token (it adds its weight to M) and those not pairing with
  // it; a branch ends when the weight of the tokens left cannot make up what is still needed,
  // and a branch whose names already have enough is added whole. Names pairing with a cheap
  // token are enumerated from its postings; other sets are bitsets over the names.
  void Candidates(double review) {
    const size_t n = q.texts.size();
    q.candidates.clear();
    q.cost.assign(n, 0);
    for (const auto& [t, v] : q.matches) q.cost[t] += x.df(v);
    for (size_t i = 0; i < n; ++i) {
      ForExtraPostingsOf(i, [&](uint32_t) { ++q.cost[i]; });
    }
    q.order.resize(n);
    for (size_t i = 0; i < n; ++i) q.order[i] = static_cast<uint32_t>(i);
    std::sort(q.order.begin(), q.order.end(), [&](uint32_t a, uint32_t b) {
      return q.cost[a] != q.cost[b] ? q.cost[a] < q.cost[b] : a < b;
    });
    const double need = review >= 0 ? (2.0 * (review - 0.006) - 1.0) * q.total : -1.0;
    if (need <= 0) {
      for (size_t i = 0; i < n; ++i) Enumerate(i);
      return;
    }
    q.bits_ready.assign(n, 0);
    if (q.level_lists.size() < n + 1) q.level_lists.resize(n + 1);
    if (q.token_bits.size() < n * x.words) q.token_bits.resize(n * x.words);
    if (q.level_bits.size() < n * x.words) q.level_bits.resize(n * x.words);
    Find(nullptr, 0, need, q.total);
  }

  void Enumerate(size_t i) {
    for (const auto& [t, v] : q.matches) {
      if (t != i) continue;
      for (uint32_t p = x.post_begin[v]; p < x.post_begin[v + 1]; ++p) AddCandidate(x.postings[p]);
    }
    ForExtraPostingsOf(i, [&](uint32_t name) { AddCandidate(name); });
  }

  const uint64_t* Bits(size_t i) {
    uint64_t* b = q.token_bits.data() + i * x.words;
    if (q.bits_ready[i]) return b;
    q.bits_ready[i] = 1;
    std::fill(b, b + x.words, 0);
    auto set = [&](uint32_t name) { b[name >> 6] |= uint64_t{1} << (name & 63); };
    for (const auto& [t, v] : q.matches) {
      if (t != i) continue;
      if (x.bitset_of[v] != Index::kNoBitset) {
        const uint64_t* src = x.bitsets.data() + static_cast<size_t>(x.bitset_of[v]) * x.words;
        for (size_t w = 0; w < x.words; ++w) b[w] |= src[w];
      } else {
        for (uint32_t p = x.post_begin[v]; p < x.post_begin[v + 1]; ++p) set(x.postings[p]);
      }
    }
    ForExtraPostingsOf(i, set);
    return b;
  }

  // Names in `set` (null: all names) not yet ruled out, given tokens order[k..] of total weight
  // `left` and the weight still needed.
  void Find(const uint64_t* set, size_t k, double still, double left) {
    if (still <= 0) {
      for (size_t w = 0; w < x.words; ++w) {
        uint64_t word = set[w];
        while (word) {
          int bit = __builtin_ctzll(word);
          word &= word - 1;
          AddCandidate(static_cast<uint32_t>(w * 64 + static_cast<size_t>(bit)));
        }
      }
      return;
    }
    if (left < still || k == q.order.size()) return;
    const uint32_t i = q.order[k];
    const double w = q.weights[i];
    // Names pairing with token i.
    if (set == nullptr && q.cost[i] <= kEnumerateMax) {
      Enumerate(i);
    } else if (set == nullptr && q.cost[i] <= std::max<uint64_t>(x.words, 64)) {
      // Few names: the same sets as lists, filtered through the bitsets of the tokens after.
      std::vector<uint32_t>& list = LevelList(k);
      list.clear();
      if (++q.list_stamp == 0) {
        std::fill(q.name_list_stamp.begin(), q.name_list_stamp.end(), 0);
        q.list_stamp = 1;
      }
      ForPostingsOf(i, [&](uint32_t name) {
        if (q.name_list_stamp[name] == q.list_stamp) return;
        q.name_list_stamp[name] = q.list_stamp;
        list.push_back(name);
      });
      if (!list.empty()) FindList(list, k + 1, still - w, left - w);
    } else if (q.cost[i] > 0) {
      const uint64_t* b = Bits(i);
      uint64_t* level = q.level_bits.data() + k * x.words;
      uint64_t any = 0;
      for (size_t j = 0; j < x.words; ++j) {
        level[j] = set ? set[j] & b[j] : b[j];
        any |= level[j];
      }
      if (any) Find(level, k + 1, still - w, left - w);
    }
    // Names not pairing with it.
    Find(set, k + 1, still, left - w);
  }

  // (Candidates sizes level_lists first: the lists of the levels above stay where they are.)
  std::vector<uint32_t>& LevelList(size_t k) { return q.level_lists[k]; }

  // Every name pairing with query token i (Bits(i) as a sequence, possibly with repeats).
  template <typename Each>
  void ForPostingsOf(size_t i, Each each) {
    for (const auto& [t, v] : q.matches) {
      if (t != i) continue;
      for (uint32_t p = x.post_begin[v]; p < x.post_begin[v + 1]; ++p) each(x.postings[p]);
    }
    ForExtraPostingsOf(i, each);
  }

  // Find for a set given as a list of distinct names (never all names).
  void FindList(const std::vector<uint32_t>& set, size_t k, double still, double left) {
    if (still <= 0) {
      for (uint32_t name : set) AddCandidate(name);
      return;
    }
    if (left < still || k == q.order.size()) return;
    const uint32_t i = q.order[k];
    const double w = q.weights[i];
    if (q.cost[i] > 0) {
      const uint64_t* b = Bits(i);
      std::vector<uint32_t>& sub = LevelList(k);
      sub.clear();
      for (uint32_t name : set) {
        if (b[name >> 6] >> (name & 63) & 1) sub.push_back(name);
      }
      if (!sub.empty()) FindList(sub, k + 1, still - w, left - w);
    }
    FindList(set, k + 1, still, left - w);
  }

  // An upper bound of the candidate's score from which tokens pair at all (alignment takes each
  // token once, with similarity at most 1); 1 when initialisms could pair.
  double Bound(uint32_t id) const {
    const Index::Name& name = x.names[id];
    const size_t n = q.texts.size();
    const uint32_t* toks = x.name_tokens.data() + name.tok_begin;
    // (q.any_initialism: some query token is InitialismShaped; row_mask: a row's tokens > 0.)
    if (n > 64 || q.any_initialism) return 1.0;
    uint64_t q_mask = 0;
    double e_weight = 0;
    for (size_t j = 0; j < name.tok_count; ++j) {
      uint32_t v = toks[j];
      if (x.initialism[v]) return 1.0;
      if (q.vocab_stamp[v] != q.stamp) continue;
      const uint64_t mask = q.row_mask[q.vocab_row[v]];
      q_mask |= mask;
      if (mask) e_weight += x.weights[v];
    }
    double q_weight = 0;
    for (size_t i = 0; i < n; ++i) {
      if (q_mask >> i & 1) q_weight += q.weights[i];
    }
    return 0.5 * (q_weight / q.total + e_weight / name.total) + 1e-9;
  }

  double ScoreName(uint32_t id) {
    const Index::Name& name = x.names[id];
    if (name.text == q.norm.text) return 1.0;
    const size_t n = q.texts.size(), m = name.tok_count;
    q.sims.assign(n * m, 0.0);
    q.cand_weights.resize(m);
    q.cand_initials.resize(m);
    q.cand_texts.resize(m);
    q.cand_initialism.resize(m);
    const uint32_t* toks = x.name_tokens.data() + name.tok_begin;
    for (size_t j = 0; j < m; ++j) {
      uint32_t v = toks[j];
      q.cand_weights[j] = x.weights[v];
      q.cand_initials[j] = x.initials[v];
      q.cand_texts[j] = x.Token(v);
      q.cand_initialism[j] = x.initialism[v];
      if (q.vocab_stamp[v] == q.stamp) {
        const double* row = q.rows.data() + static_cast<size_t>(q.vocab_row[v]) * n;
        for (size_t i = 0; i < n; ++i) q.sims[i * m + j] = row[i];
      }
    }
    Side a{q.weights.data(), q.initials.data(), q.texts.data(), q.initialism.data(), n, q.total};
    Side b{q.cand_weights.data(),
           q.cand_initials.data(),
           q.cand_texts.data(),
           q.cand_initialism.data(),
           m,
           name.total};
    return Align(a, b, q.sims.data());
  }

  const std::string& Written(const Index::Name& name) const {
    const Entry& e = list.entries_[name.entry];
    return name.alias == 0 ? e.name : e.aliases[name.alias - 1];
  }

  const std::vector<std::pair<uint32_t, uint32_t>>* ClearedFor() const {
    if (x.cleared.empty()) return nullptr;
    auto it = x.cleared.find(std::string_view(q.norm.text));
    return it == x.cleared.end() ? nullptr : &it->second;
  }

  // Screen as first written (eligibility first, then bounds, scores): the reference that tests
  // compare the analysed and cached paths with.
  Hit Reference(std::string_view party, std::optional<CountryId> country, DayNumber day);
  // The day- and country-independent part of Screen for the prepared query: every candidate
  // that Reference could score (a bound at least `review` less half a rounding step), scored,
  // with its clearance, best first (Better's order).
  void Analyze(std::vector<Scored>& out);
  // The exact-match part of Screen over the names of the query's exact text: true (and `hit`
  // set) when one is eligible.
  bool ApplyExact(const uint32_t* exact, size_t n, std::optional<CountryId> country, DayNumber day,
                  Hit& hit) const;
  // The rest of Screen from the analysis: the first eligible candidate not cleared is the best.
  void ApplyScored(const Scored* scored, size_t n, std::optional<CountryId> country, DayNumber day,
                   Hit& hit) const;
};

Hit PartyList::Matcher::Reference(std::string_view party, std::optional<CountryId> country,
                                  DayNumber day) {
  const auto& entries_ = list.entries_;
  const auto& clearances_ = list.clearances_;
  const auto& thresholds_ = list.thresholds_;
  Matcher& m = *this;
  Hit hit;
  m.Prepare(party);
  if (m.q.texts.empty()) return hit;
  // Exact text.
  if (auto it = x.exact.find(std::string_view(m.q.norm.text)); it != x.exact.end()) {
    const Index::Name* best = nullptr;
    for (uint32_t n : it->second) {
      const Index::Name& name = x.names[n];
      if (!Eligible(entries_[name.entry], country, day)) continue;
      if (best == nullptr || name.entry < best->entry) best = &name;
    }
    if (best != nullptr) {
      hit.kind = Hit::Kind::Match;
      hit.entry = &entries_[best->entry];
      hit.matched = m.Written(*best);
      hit.score = 1.0;
      hit.exact = true;
      return hit;
    }
  }
  m.NextStamp();
  m.MatchTokens();
  m.Candidates(thresholds_.review);
  const auto* cleared = m.ClearedFor();
  double best = -1, best_cleared = -1;
  uint32_t best_e = 0, best_n = 0, cleared_e = 0, cleared_n = 0;
  const Clearance* clearance = nullptr;
  for (uint32_t n : m.q.candidates) {
    const Index::Name& name = x.names[n];
    if (!Eligible(entries_[name.entry], country, day)) continue;
    const Clearance* c = FindClearance(cleared, clearances_, name.entry);
    // Skip a name that cannot reach `review` nor beat the best so far.
    const double bound = m.Bound(n);
    if (bound < thresholds_.review - 0.006 || (c == nullptr && bound < best - 0.006)) continue;
    double s = Round2(m.ScoreName(n));
    if (c != nullptr) {
      if (best_cleared < 0 || Better(s, name.entry, n, best_cleared, cleared_e, cleared_n)) {
        best_cleared = s;
        cleared_e = name.entry;
        cleared_n = n;
        clearance = c;
      }
      continue;
    }
    if (best < 0 || Better(s, name.entry, n, best, best_e, best_n)) {
      best = s;
      best_e = name.entry;
      best_n = n;
    }
  }
  if (best >= 0) {
    hit.entry = &entries_[best_e];
    hit.matched = m.Written(x.names[best_n]);
    hit.score = best;
    hit.kind = KindOf(best, thresholds_);
  }
  if (clearance != nullptr && best_cleared >= thresholds_.review &&
      (best < 0 || Better(best_cleared, cleared_e, cleared_n, best, best_e, best_n))) {
    hit.cleared = clearance;
    hit.cleared_entry = &entries_[cleared_e];
  }
  return hit;
}

void PartyList::Matcher::Analyze(std::vector<Scored>& out) {
  out.clear();
  NextStamp();
  MatchTokens();
  Candidates(list.thresholds_.review);
  const auto* cleared = ClearedFor();
  const double floor = list.thresholds_.review - 0.006;
  for (uint32_t n : q.candidates) {
    // Reference skips a candidate whose bound is under `floor`, and one that cannot beat the
    // best so far (which then scores under it, so it changes nothing): all the others are here.
    if (Bound(n) < floor) continue;
    const Index::Name& name = x.names[n];
    const Clearance* c = FindClearance(cleared, list.clearances_, name.entry);
    Scored sc;
    sc.name = n;
    sc.entry = name.entry;
    if (name.alias < Scored::kFar) sc.alias = static_cast<uint16_t>(name.alias);
    sc.clearance =
        c == nullptr ? Scored::kNotCleared : static_cast<uint32_t>(c - list.clearances_.data());
    // Round2(s) is round(s * 100) / 100: keeping round(s * 100) gives the same double back.
    sc.hundredths = static_cast<uint8_t>(std::round(ScoreName(n) * 100.0));
    out.push_back(sc);
  }
  std::sort(out.begin(), out.end(), [](const Scored& a, const Scored& b) {
    if (a.hundredths != b.hundredths) return a.hundredths > b.hundredths;
    if (a.entry != b.entry) return a.entry < b.entry;
    return a.name < b.name;
  });
  // ApplyScored stops at the first eligible candidate not cleared: one eligible on every day in
  // every country ends every search, so what follows it is never looked at.
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k].clearance == Scored::kNotCleared && x.always_eligible[out[k].entry]) {
      out.resize(k + 1);
      break;
    }
  }
}

bool PartyList::Matcher::ApplyExact(const uint32_t* exact, size_t n,
                                    std::optional<CountryId> country, DayNumber day,
                                    Hit& hit) const {
  const Index::Name* best = nullptr;
  for (size_t k = 0; k < n; ++k) {
    const Index::Name& name = x.names[exact[k]];
    if (!Eligible(list.entries_[name.entry], country, day)) continue;
    if (best == nullptr || name.entry < best->entry) best = &name;
  }
  if (best == nullptr) return false;
  hit.kind = Hit::Kind::Match;
  hit.entry = &list.entries_[best->entry];
  hit.matched = Written(*best);
  hit.score = 1.0;
  hit.exact = true;
  return true;
}

void PartyList::Matcher::ApplyScored(const Scored* scored, size_t n,
                                     std::optional<CountryId> country, DayNumber day,
                                     Hit& hit) const {
  // In Better's order: the first eligible candidate not cleared is Reference's best; a cleared
  // one counts only when it comes before it (Reference: the best cleared, when it is better).
  const Scored* best = nullptr;
  const Scored* best_cleared = nullptr;
  for (size_t k = 0; k < n; ++k) {
    const Scored& c = scored[k];
    if (!Eligible(list.entries_[c.entry], country, day)) continue;
    if (c.clearance == Scored::kNotCleared) {
      best = &c;
      break;
    }
    if (best_cleared == nullptr) best_cleared = &c;
  }
  const Thresholds& t = list.thresholds_;
  if (best != nullptr) {
    const double score = static_cast<double>(best->hundredths) / 100.0;
    hit.entry = &list.entries_[best->entry];
    if (best->alias == Scored::kFar) {
      hit.matched = Written(x.names[best->name]);
    } else {
      const Entry& e = list.entries_[best->entry];
      hit.matched = best->alias == 0 ? e.name : e.aliases[best->alias - 1];
    }
    hit.score = score;
    hit.kind = KindOf(score, t);
  }
  if (best_cleared != nullptr &&
      static_cast<double>(best_cleared->hundredths) / 100.0 >= t.review) {
    hit.cleared = &list.clearances_[best_cleared->clearance];
    hit.cleared_entry = &list.entries_[best_cleared->entry];
  }
}

namespace {

// Lookups land anywhere in the cache (parties come in no order), so with 4 KiB pages nearly each
// one also misses the TLB: ask for huge pages where the kernel gives them on request. Only the
// whole 2 MiB pages inside the range can be huge; a hint, so failure changes nothing.
void AdviseHugePages(void* data, size_t bytes) {
#if defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// The per-thread result cache of Screen: for a (list, party string) the day- and
// country-independent part of the work (the exact names, the scored candidates), so screening a
// party seen before only re-applies dates, countries and clearances to a few candidates.
//
// Keys: the list's address, its index's generation (unique in the process, renewed when
// clearances are added, so a list freed and another allocated at the same address never finds
// stale entries), the `review` threshold the candidates were chosen with, and the raw party
// string. Each record is one block of an arena (header, scored candidates, exact names, party
// text), so a hit reads one or two cache lines besides its slot. Memory is bounded per thread:
// at most 65,536 parties (kMaxNames) and a 16 MiB arena, plus 512 KiB of slots; when either is
// full the whole cache is cleared and fills again. Parties longer than 1,024 bytes or with more
// than 4,096 candidates are not cached.
class ResultCache {
 public:
  static constexpr size_t kMaxNames = 65536;
  static constexpr size_t kSlots = 2 * kMaxNames;  // open addressing, at most half full
  static constexpr size_t kMaxArenaWords = (size_t{16} << 20) / 8;
  static constexpr size_t kMaxKeyLength = 1024;
  static constexpr size_t kMaxCandidates = 4096;

  struct Record {
    const void* list = nullptr;
    uint64_t generation = 0;
    double review = 0;
    uint64_t hash = 0;
    uint32_t key_size = 0, exact_size = 0, scored_size = 0;
    bool empty = false;           // the party has no tokens
    bool has_candidates = false;  // the scored candidates are there
    // Followed by scored_size Scored, exact_size uint32_t, key_size bytes.
  };
  static_assert(sizeof(Record) % 8 == 0 && sizeof(Scored) % 4 == 0);

  static uint64_t Hash(const void* list, uint64_t generation, std::string_view party) {
    uint64_t h = std::hash<std::string_view>{}(party);
    h ^= (reinterpret_cast<uintptr_t>(list) + generation * 0x9E3779B97F4A7C15ull) +
         0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    return h;
  }

  Record* Find(const void* list, uint64_t generation, double review, std::string_view party,
               uint64_t hash) {
    if (count_ == 0) return nullptr;
    for (size_t s = hash & (kSlots - 1);; s = (s + 1) & (kSlots - 1)) {
      const uint32_t r = slots_[s];
      if (r == 0) return nullptr;
      Record* rec = At(r);
      if (rec->hash == hash && rec->list == list && rec->generation == generation &&
          rec->review == review && Key(*rec) == party) {
        return rec;
      }
    }
  }

  // Stores an analysis: a new record, or in place of `rec` (found without candidates) one with
  // them. Clears the cache first when it is full.
  void Store(Record* rec, const void* list, uint64_t generation, double review,
             std::string_view party, uint64_t hash, bool empty, const std::vector<uint32_t>& exact,
             const std::vector<Scored>* scored) {
    if (party.size() > kMaxKeyLength || (scored && scored->size() > kMaxCandidates)) return;
    if (rec != nullptr && scored == nullptr) return;
    const size_t n_scored = scored ? scored->size() : 0;
    const size_t bytes =
        sizeof(Record) + n_scored * sizeof(Scored) + exact.size() * sizeof(uint32_t) + party.size();
    const size_t words = (bytes + 7) / 8;
    uint32_t old = rec != nullptr ? Offset(rec) : 0;
    if ((old == 0 && count_ >= kMaxNames) || arena_.size() + words > kMaxArenaWords) {
      Clear();
      old = 0;
    }
    if (slots_.empty()) {
      slots_.assign(kSlots, 0);
      AdviseHugePages(slots_.data(), slots_.size() * sizeof(uint32_t));
    }
    if (arena_.capacity() == 0) {
      arena_.reserve(kMaxArenaWords);
      AdviseHugePages(arena_.data(), kMaxArenaWords * 8);
    }
    if (arena_.empty()) arena_.push_back(0);  // offset 0 means an empty slot
    const uint32_t at = static_cast<uint32_t>(arena_.size());
    arena_.resize(arena_.size() + words);
    Record* r = At(at);
    new (r) Record();
    r->list = list;
    r->generation = generation;
    r->review = review;
    r->hash = hash;
    r->key_size = static_cast<uint32_t>(party.size());
    r->exact_size = static_cast<uint32_t>(exact.size());
    r->scored_size = static_cast<uint32_t>(n_scored);
    r->empty = empty;
    r->has_candidates = scored != nullptr;
    if (n_scored) std::memcpy(ScoredPtr(r), scored->data(), n_scored * sizeof(Scored));
    if (!exact.empty()) std::memcpy(ExactPtr(r), exact.data(), exact.size() * sizeof(uint32_t));
    std::memcpy(KeyPtr(r), party.data(), party.size());
    size_t s = hash & (kSlots - 1);
    while (slots_[s] != 0 && slots_[s] != old) s = (s + 1) & (kSlots - 1);
    if (slots_[s] == 0) ++count_;
    slots_[s] = at;
  }

  void Clear() {
    arena_.clear();
    count_ = 0;
    if (!slots_.empty()) std::fill(slots_.begin(), slots_.end(), 0);
  }

  size_t size() const { return count_; }
  size_t arena_bytes() const { return arena_.size() * 8; }
  static const uint32_t* Exact(const Record& r) { return ExactPtr(const_cast<Record*>(&r)); }
  static const Scored* ScoredOf(const Record& r) { return ScoredPtr(const_cast<Record*>(&r)); }

 private:
  Record* At(uint32_t offset) { return reinterpret_cast<Record*>(arena_.data() + offset); }
  uint32_t Offset(const Record* r) const {
    return static_cast<uint32_t>(reinterpret_cast<const uint64_t*>(r) - arena_.data());
  }
  static Scored* ScoredPtr(Record* r) { return reinterpret_cast<Scored*>(r + 1); }
  static uint32_t* ExactPtr(Record* r) {
    return reinterpret_cast<uint32_t*>(ScoredPtr(r) + r->scored_size);
  }
  static char* KeyPtr(Record* r) { return reinterpret_cast<char*>(ExactPtr(r) + r->exact_size); }
  static std::string_view Key(const Record& r) {
    return {KeyPtr(const_cast<Record*>(&r)), r.key_size};
  }
  std::vector<uint64_t> arena_;  // records, 8-byte aligned; offsets in words
  std::vector<uint32_t> slots_;  // a record's offset; 0: empty
  size_t count_ = 0;
};

struct ThreadScreen {
  ScreenPath path = ScreenPath::Cached;
  ResultCache cache;
  std::vector<uint32_t> exact;
  std::vector<Scored> scored;
};

ThreadScreen& ThisThread() {
  thread_local ThreadScreen t;
  return t;
}

}  // namespace

namespace internal {

void SetScreenPath(ScreenPath path) { ThisThread().path = path; }
ScreenPath GetScreenPath() { return ThisThread().path; }
void ClearScreenCache() {
  ThisThread().cache.Clear();
  ThreadQuery().memo.Clear();
}
size_t ScreenCacheSize() { return ThisThread().cache.size(); }
size_t ScreenCacheBytes() { return ThisThread().cache.arena_bytes(); }

}  // namespace internal

Hit PartyList::Screen(std::string_view party, std::optional<CountryId> country,
                      DayNumber day) const {
  Hit hit;
  if (!index_) return hit;
  const Index& x = *index_;
  ThreadScreen& t = ThisThread();
  Matcher m{*this, x, ThreadQuery()};
  // The analysis drops candidates after one that is eligible on every day (Analyze): every day
  // but INT32_MAX, which no entry's `delisted` reaches.
  if (t.path == ScreenPath::Reference || day == INT32_MAX) return m.Reference(party, country, day);
  const bool cached = t.path == ScreenPath::Cached;
  const double review = thresholds_.review;
  uint64_t hash = 0;
  ResultCache::Record* rec = nullptr;
  if (cached) {
    hash = ResultCache::Hash(this, x.generation, party);
    rec = t.cache.Find(this, x.generation, review, party, hash);
    if (rec != nullptr) {
      if (rec->empty) return hit;
      if (m.ApplyExact(t.cache.Exact(*rec), rec->exact_size, country, day, hit)) return hit;
      if (rec->has_candidates) {
        m.ApplyScored(t.cache.ScoredOf(*rec), rec->scored_size, country, day, hit);
        return hit;
      }
    }
  }
  m.Prepare(party);
  t.exact.clear();
  if (m.q.texts.empty()) {
    if (cached) t.cache.Store(rec, this, x.generation, review, party, hash, true, t.exact, nullptr);
    return hit;
  }
  if (auto it = x.exact.find(std::string_view(m.q.norm.text)); it != x.exact.end()) {
    t.exact = it->second;
  }
  if (rec == nullptr && m.ApplyExact(t.exact.data(), t.exact.size(), country, day, hit)) {
    // The candidates wait until a day or country needs them.
    if (cached)
      t.cache.Store(nullptr, this, x.generation, review, party, hash, false, t.exact, nullptr);
    return hit;
  }
  m.q.use_memo = cached;
  m.Analyze(t.scored);
  m.q.use_memo = false;
  if (cached)
    t.cache.Store(rec, this, x.generation, review, party, hash, false, t.exact, &t.scored);
  m.ApplyScored(t.scored.data(), t.scored.size(), country, day, hit);
  return hit;
}

std::vector<Hit> PartyList::Top(std::string_view party, std::optional<CountryId> country,
                                std::optional<DayNumber> day, size_t k) const {
  std::vector<Hit> out;
  if (!index_ || k == 0) return out;
  Matcher m{*this, *index_, ThreadQuery()};
  m.Prepare(party);
  if (m.q.texts.empty()) return out;
  const Index& x = *index_;
  m.NextStamp();
  m.MatchTokens();
  m.Candidates(-1);
  // Exact names are candidates too (they may share no token with blocking, e.g. a name of only
  // legal forms).
  if (auto it = x.exact.find(std::string_view(m.q.norm.text)); it != x.exact.end()) {
    for (uint32_t n : it->second) {
      if (m.q.name_stamp[n] == m.q.stamp) continue;
      m.q.name_stamp[n] = m.q.stamp;
      m.q.candidates.push_back(n);
    }
  }
  const auto* cleared = m.ClearedFor();
  struct Best {
    double score;
    uint32_t entry, name;
  };
  std::vector<Best> best;
  for (uint32_t n : m.q.candidates) {
    const Index::Name& name = x.names[n];
    if (!Eligible(entries_[name.entry], country, day)) continue;
    double s = Round2(m.ScoreName(n));
    if (m.q.entry_stamp[name.entry] != m.q.stamp) {
      m.q.entry_stamp[name.entry] = m.q.stamp;
      m.q.entry_slot[name.entry] = static_cast<uint32_t>(best.size());
      best.push_back({s, name.entry, n});
      continue;
    }
    Best& b = best[m.q.entry_slot[name.entry]];
    if (Better(s, name.entry, n, b.score, b.entry, b.name)) b = {s, name.entry, n};
  }
  std::sort(best.begin(), best.end(), [](const Best& a, const Best& b) {
    return Better(a.score, a.entry, a.name, b.score, b.entry, b.name);
  });
  if (best.size() > k) best.resize(k);
  for (const Best& b : best) {
    Hit hit;
    const Index::Name& name = x.names[b.name];
    hit.entry = &entries_[b.entry];
    hit.matched = m.Written(name);
    hit.score = b.score;
    hit.exact = name.text == m.q.norm.text;
    hit.kind = hit.exact ? Hit::Kind::Match : KindOf(b.score, thresholds_);
    if (!hit.exact) {
      if (const Clearance* c = FindClearance(cleared, clearances_, b.entry)) {
        hit.kind = Hit::Kind::None;
        hit.cleared = c;
        hit.cleared_entry = hit.entry;
      }
    }
    out.push_back(std::move(hit));
  }
  return out;
}

}  // namespace licit::screening
