// Name normalisation (see the comment on Normalize in screening.h and the steps below).
//
// 1. Fold: Unicode NFKC with case folding (ICU's NFKC_Casefold: full-width letters become ASCII,
//    ligatures split, `㈱` becomes `(株)`), then Latin, Cyrillic and Greek letters (and combining
//    marks) to ASCII with ICU's transliterator "Any-Latin; Latin-ASCII" restricted to those
//    scripts, so `Société` is `societe`, `ООО Газпром` is `ooo gazprom` and Han, Kana and Hangul
//    stay as written. Pure-ASCII input skips ICU: both steps only lower-case ASCII (a test checks
//    that both paths agree).
// 2. Split: letters, marks and digits (general categories L, M, N) make words; every other code
//    point (punctuation, symbols, spaces, controls) separates words, except that apostrophes
//    (' ’ ‘ ʼ) are dropped inside a word (`McDonald's` is `mcdonalds`) and dots are looked at
//    after: a chunk such as `s.a.` or `k.k.` whose dot-separated parts are all single characters
//    is one word (`sa`, `kk`); otherwise dots separate (`co.` is `co`). A run of Han, Hiragana,
//    Katakana or Hangul is one word of its own even when no space separates it from Latin text.
// 3. Drop legal forms: words that are a legal form (kLegalForms: ltd, inc, gmbh, sa, kk, 株式会社,
//    ...) and `and` (so `&`, which separates, and `and` are alike), unless every word is one. A
//    CJK word loses a legal form written as its prefix or suffix (`三菱重工業株式会社` is
//    `三菱重工業`) when something remains; 集团 (group) is kept, as `group` is.

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "screening/internal.h"

namespace licit::screening {
namespace internal {
namespace {

// Whole-word legal forms, after folding (dotted forms like `S.A.` are folded to `sa` before).
constexpr std::string_view kLegalForms[] = {
    "and", "co", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "company", "llc",
    "llp", "plc", "gmbh", "ag", "sa", "sas", "srl", "bv", "nv", "oy", "ab", "kk", "pte", "pty",
    "jsc", "ojsc", "pjsc", "cjsc", "ooo", "zao", "oao", "pao", "pvt", "sarl", "spa", "bhd", "sdn",
    // CJK forms as whole words (and 株/有 from ㈱ and ㈲, which NFKC writes `(株)`, `(有)`).
    "株式会社", "有限会社", "合同会社", "有限公司", "股份有限公司", "有限责任公司", "有限責任公司",
    "株", "有", "주식회사", "유한회사"};

// CJK legal forms removed as a prefix or suffix of a CJK word, longest first.
constexpr std::array<std::string_view, 10> kCjkAffixes = {
    "股份有限公司", "有限责任公司", "有限責任公司", "株式会社", "有限会社",
    "合同会社",     "有限公司",     "주식회사",     "유한회사", "公司"};

bool IsLegalForm(std::string_view word) {
  return std::find(std::begin(kLegalForms), std::end(kLegalForms), word) != std::end(kLegalForms);
}

struct Icu {
  const icu::Normalizer2* nfkc_cf = nullptr;
  std::unique_ptr<icu::Transliterator> translit;  // the prototype; each thread clones it
};

const Icu& GetIcu() {
  static Icu icu = [] {
    Icu r;
    UErrorCode status = U_ZERO_ERROR;
    r.nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    UParseError parse_error;
    status = U_ZERO_ERROR;
    r.translit.reset(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8(
            "[[:Latin:][:Cyrillic:][:Greek:][:Mn:]] Any-Latin; Latin-ASCII"),
        UTRANS_FORWARD, parse_error, status));
    if (U_FAILURE(status)) r.translit.reset();
    return r;
  }();
  return icu;
}

// ICU's transliterators are not documented as safe to share between threads: one per thread.
icu::Transliterator* ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> t;
  if (!t) {
    const Icu& icu = GetIcu();
    if (icu.translit) t.reset(icu.translit->clone());
  }
  return t.get();
}

void FoldIcu(std::string_view name, std::string& out) {
  const Icu& icu = GetIcu();
  thread_local icu::UnicodeString src, dst;
  src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  UErrorCode status = U_ZERO_ERROR;
  dst.remove();
  if (icu.nfkc_cf) icu.nfkc_cf->normalize(src, dst, status);
  if (!icu.nfkc_cf || U_FAILURE(status)) dst = src;
  if (icu::Transliterator* t = ThreadTransliterator()) t->transliterate(dst);
  out.clear();
  dst.toUTF8String(out);
  // Transliteration may yield upper-case ASCII from title-case sources; fold it again.
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

enum class Class : uint8_t { Separator, Word, Cjk, Apostrophe, Dot };

Class Classify(UChar32 c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
      return Class::Word;
    }
    if (c == '\'') return Class::Apostrophe;
    if (c == '.') return Class::Dot;
    return Class::Separator;
  }
  if (c == 0x2019 || c == 0x2018 || c == 0x02BC) return Class::Apostrophe;
  int32_t mask = U_GET_GC_MASK(c);
  if ((mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) == 0) return Class::Separator;
  UErrorCode status = U_ZERO_ERROR;
  if (uscript_hasScript(c, USCRIPT_HAN) || uscript_hasScript(c, USCRIPT_HIRAGANA) ||
      uscript_hasScript(c, USCRIPT_KATAKANA) || uscript_hasScript(c, USCRIPT_HANGUL)) {
    return Class::Cjk;
  }
  (void)status;
  return Class::Word;
}

struct Scratch {
  std::string folded;
  std::string chunk;         // the current chunk's text, apostrophes dropped
  std::vector<Class> kinds;  // per byte of `chunk`: the class of the code point starting there
  std::vector<std::string> words;
  size_t word_count = 0;
};

std::string& NewWord(Scratch& s) {
  if (s.word_count == s.words.size()) s.words.emplace_back();
  std::string& w = s.words[s.word_count++];
  w.clear();
  return w;
}

// Splits a chunk (no separators; dots kept) into words: the dotted-abbreviation rule, then CJK
// runs apart from the rest.
void EmitChunk(Scratch& s) {
  const std::string& c = s.chunk;
  if (c.empty()) return;
  // Parts between dots.
  bool has_dot = c.find('.') != std::string::npos;
  bool all_single = has_dot;
  size_t parts = 0;
  if (has_dot) {
    size_t i = 0;
    while (i < c.size()) {
      size_t j = c.find('.', i);
      if (j == std::string::npos) j = c.size();
      if (j > i) {
        ++parts;
        int32_t k = static_cast<int32_t>(i);
        UChar32 cp;
        U8_NEXT(c.data(), k, static_cast<int32_t>(j), cp);
        if (static_cast<size_t>(k) != j || s.kinds[i] == Class::Cjk) all_single = false;
      }
      i = j + 1;
    }
  }
  bool join = has_dot && all_single && parts >= 2;
  // Emit words: split at dots (unless joining) and at CJK/non-CJK boundaries.
  std::string* word = nullptr;
  Class word_kind = Class::Separator;
  size_t i = 0;
  while (i < c.size()) {
    if (c[i] == '.') {
      if (!join) word = nullptr;
      ++i;
      continue;
    }
    int32_t k = static_cast<int32_t>(i);
    UChar32 cp;
    U8_NEXT(c.data(), k, static_cast<int32_t>(c.size()), cp);
    (void)cp;
    Class kind = s.kinds[i] == Class::Cjk ? Class::Cjk : Class::Word;
    if (word == nullptr || kind != word_kind) {
      word = &NewWord(s);
      word_kind = kind;
    }
    word->append(c, i, static_cast<size_t>(k) - i);
    i = static_cast<size_t>(k);
  }
  s.chunk.clear();
  s.kinds.clear();
}

void Tokenize(Scratch& s, NormalizedName& out) {
  s.word_count = 0;
  s.chunk.clear();
  s.kinds.clear();
  const std::string& f = s.folded;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(f.size());
  while (i < n) {
    int32_t start = i;
    UChar32 cp;
    U8_NEXT(f.data(), i, n, cp);
    Class k = cp < 0 ? Class::Separator : Classify(cp);
    switch (k) {
      case Class::Separator: EmitChunk(s); break;
      case Class::Apostrophe: break;
      case Class::Dot:
      case Class::Word:
      case Class::Cjk:
        for (int32_t b = start; b < i; ++b) {
          char ch = f[static_cast<size_t>(b)];
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
          s.chunk += ch;
          s.kinds.push_back(k);
        }
        break;
    }
  }
  EmitChunk(s);

  // Legal forms: drop whole words unless every word is one; strip CJK affixes.
  bool all_legal = true;
  for (size_t w = 0; w < s.word_count && all_legal; ++w) all_legal = IsLegalForm(s.words[w]);
  size_t kept = 0;
  for (size_t w = 0; w < s.word_count; ++w) {
    std::string& word = s.words[w];
    if (!all_legal && IsLegalForm(word)) continue;
    if (static_cast<unsigned char>(word[0]) >= 0x80) {
      for (std::string_view affix : kCjkAffixes) {
        if (word.size() > affix.size() && word.ends_with(affix)) {
          word.resize(word.size() - affix.size());
          break;
        }
      }
      for (std::string_view affix : kCjkAffixes) {
        if (word.size() > affix.size() && word.starts_with(affix)) {
          word.erase(0, affix.size());
          break;
        }
      }
    }
    if (kept == out.tokens.size()) out.tokens.emplace_back();
    out.tokens[kept++].assign(word);
  }
  out.tokens.resize(kept);
  out.text.clear();
  for (size_t w = 0; w < kept; ++w) {
    if (w) out.text += ' ';
    out.text += out.tokens[w];
  }
}

Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

void NormalizeInto(std::string_view name, NormalizedName& out) {
  Scratch& s = ThreadScratch();
  bool ascii = true;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    s.folded.assign(name);  // NFKC and case folding of ASCII are lower-casing (done by Tokenize)
  } else {
    FoldIcu(name, s.folded);
  }
  Tokenize(s, out);
}

void NormalizeIcuForTest(std::string_view name, NormalizedName& out) {
  Scratch& s = ThreadScratch();
  FoldIcu(name, s.folded);
  Tokenize(s, out);
}

void AppendCodePoints(std::string_view utf8, std::u32string& out) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(utf8.size());
  while (i < n) {
    unsigned char b = static_cast<unsigned char>(utf8[static_cast<size_t>(i)]);
    if (b < 0x80) {
      out += static_cast<char32_t>(b);
      ++i;
      continue;
    }
    UChar32 cp;
    U8_NEXT(utf8.data(), i, n, cp);
    out += static_cast<char32_t>(cp < 0 ? 0xFFFD : cp);
  }
}

}  // namespace internal

NormalizedName Normalize(std::string_view name) {
  NormalizedName out;
  internal::NormalizeInto(name, out);
  return out;
}

}  // namespace licit::screening
