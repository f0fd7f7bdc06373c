#include "tests/fuzz/screening_entry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "base/source.h"
#include "screening/screening.h"

namespace licit::fuzz {
namespace {

ScreeningStats stats;

[[noreturn]] void Fail(std::string_view data, const std::string& what) {
  std::fprintf(stderr, "fuzz_screening: %s\ninput (%zu bytes):\n%.*s\n", what.c_str(), data.size(),
               static_cast<int>(std::min<size_t>(data.size(), 4000)), data.data());
  std::abort();
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

void CheckHitKind(std::string_view data, const screening::Hit& hit, const screening::Thresholds& t,
                  std::string_view name) {
  if (!(hit.score >= 0 && hit.score <= 1)) Fail(data, "a score outside [0, 1]");
  using Kind = screening::Hit::Kind;
  Kind want = hit.exact || hit.score >= t.match ? Kind::Match
              : hit.score >= t.review           ? Kind::Possible
                                                : Kind::None;
  if (hit.entry == nullptr) want = Kind::None;
  if (hit.kind != want) {
    Fail(data, "a hit's kind disagrees with its score for `" + std::string(name) + "`: score " +
                   std::to_string(hit.score));
  }
}

}  // namespace

const ScreeningStats& ScreeningCounters() { return stats; }

void RunScreening(std::string_view data) {
  ++stats.inputs;
  std::string_view list_text = data, cleared_text, names_text;
  if (size_t nul = list_text.find('\0'); nul != std::string_view::npos) {
    cleared_text = list_text.substr(nul + 1);
    list_text = list_text.substr(0, nul);
    if (size_t nul2 = cleared_text.find('\0'); nul2 != std::string_view::npos) {
      names_text = cleared_text.substr(nul2 + 1);
      cleared_text = cleared_text.substr(0, nul2);
    }
  }
  const std::string_view header = list_text.substr(0, list_text.find('\n'));
  const bool csl = header.find("_id") != std::string_view::npos ||
                   header.find("alt_names") != std::string_view::npos ||
                   header.find("entity_number") != std::string_view::npos;

  SourceManager sources;
  DiagnosticSink diags;
  FileId list_file = sources.Add("list.csv", std::string(list_text));
  std::unique_ptr<screening::PartyList> list = screening::PartyList::Parse(
      sources.Get(list_file), csl ? screening::ListFormat::Csl : screening::ListFormat::Licit,
      diags);
  if (!list) Fail(data, "Parse returned null");
  if (!cleared_text.empty()) {
    FileId cleared_file = sources.Add("cleared.csv", std::string(cleared_text));
    list->AddCleared(sources.Get(cleared_file), diags);
  }
  for (const Diagnostic& d : diags.all()) {
    ++stats.diagnostics;
    if (FindInvalidUtf8(d.message) != std::string_view::npos) {
      Fail(data, "a diagnostic's message is not valid UTF-8");
    }
    if (d.span.valid()) {
      if (d.span.file >= sources.size()) Fail(data, "a diagnostic in no file");
      const size_t size = sources.Get(d.span.file).text().size();
      if (d.span.begin > d.span.end || d.span.end > size) {
        Fail(data, "a diagnostic's span outside its file: " + d.message);
      }
    }
  }
  stats.entries += list->entries().size();

  // Names to screen: the input's own, and every entry's name and aliases (first 50 entries).
  std::vector<std::string> names;
  for (std::string_view line : Lines(names_text)) names.emplace_back(line);
  const auto& entries = list->entries();
  for (size_t e = 0; e < entries.size() && e < 50; ++e) {
    names.push_back(entries[e].name);
    for (const std::string& a : entries[e].aliases) names.push_back(a);
  }

  const screening::Thresholds& t = list->thresholds();
  for (size_t i = 0; i < names.size() && i < 200; ++i) {
    const std::string& name = names[i];
    screening::NormalizedName n = screening::Normalize(name);
    if (FindInvalidUtf8(n.text) != std::string_view::npos) {
      Fail(data, "a normalised name is not valid UTF-8: " + name);
    }
    const double self = screening::Score(n, n);
    if (!n.tokens.empty() && self != 1.0) Fail(data, "a name does not score 1 against itself");
    if (i > 0) {
      screening::NormalizedName prev = screening::Normalize(names[i - 1]);
      const double ab = screening::Score(n, prev), ba = screening::Score(prev, n);
      if (!(ab >= 0 && ab <= 1) || ab != ba) {
        Fail(data, "Score not symmetric or out of range: `" + name + "` / `" + names[i - 1] + "`");
      }
    }
    for (DayNumber day : {DayNumber{0}, DayNumber{20508}, DayNumber{INT32_MAX - 1}}) {
      screening::Hit hit = list->Screen(name, std::nullopt, day);
      ++stats.screened;
      stats.matches += hit.kind == screening::Hit::Kind::Match ? 1 : 0;
      stats.possible += hit.kind == screening::Hit::Kind::Possible ? 1 : 0;
      CheckHitKind(data, hit, t, name);
      std::vector<screening::Hit> top = list->Top(name, std::nullopt, day, 3);
      if (top.size() > 3) Fail(data, "Top gave more than k hits");
      for (size_t k = 1; k < top.size(); ++k) {
        if (top[k].score > top[k - 1].score) Fail(data, "Top not best first for `" + name + "`");
      }
    }
  }
  // An entry's own name and aliases are exact matches on a day it is listed.
  for (size_t e = 0; e < entries.size() && e < 50; ++e) {
    const screening::Entry& entry = entries[e];
    if (entry.listed >= entry.delisted) continue;
    // A day it is listed: its first, else the day before it left, else any.
    const DayNumber day = entry.listed != INT32_MIN     ? entry.listed
                          : entry.delisted != INT32_MAX ? entry.delisted - 1
                                                        : 0;
    std::vector<std::string> own{entry.name};
    own.insert(own.end(), entry.aliases.begin(), entry.aliases.end());
    for (const std::string& name : own) {
      if (screening::Normalize(name).tokens.empty()) continue;
      screening::Hit hit = list->Screen(name, std::nullopt, day);
      if (hit.kind != screening::Hit::Kind::Match || !hit.exact || hit.score != 1.0) {
        Fail(data, "an entry's own name is not an exact match: `" + name + "`");
      }
    }
  }
}

}  // namespace licit::fuzz
