// `licit match LIST --name NAME`: the entries of a restricted-party list that resemble a name,
// with scores, for an analyst's quick look (licit::PartyList; docs/screening.md). The matcher is
// the one a policy's `matches` calls, so a score seen here is the score a rule sees.

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "licit/licit.hpp"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"

namespace licit::cli {

namespace {

// Columns of a terminal a UTF-8 text takes: code points, East Asian wide ones counting two (CJK
// names line up in the table).
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t len = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    if (i + len > text.size()) len = text.size() - i;
    char32_t cp = len == 1 ? byte : byte & (0x3F >> (len - 1));
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string Pad(std::string_view text, size_t width) {
  std::string out(text);
  for (size_t w = DisplayWidth(text); w < width; ++w) out += ' ';
  return out;
}

// A threshold option: a number (range errors are the list's E0607, reported as usage errors).
bool ParseThreshold(std::string_view option, const std::string& text, std::optional<double>* out,
                    std::string* error) {
  if (text.empty()) return true;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0' || end == text.c_str()) {
    *error =
        fmt::format("`--{}` takes a score between 0 and 1 such as 0.9, not `{}`", option, text);
    return false;
  }
  *out = value;
  return true;
}

// What the table calls a verdict.
std::string_view VerdictText(const licit::ListMatch& m) {
  if (m.verdict == "none") return "no match";
  return m.verdict;
}

std::string Countries(const licit::ListMatch& m) {
  if (m.countries.empty()) return "any";
  std::string out;
  for (const std::string& c : m.countries) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::string Table(const std::vector<licit::ListMatch>& results) {
  struct Row {
    std::string cells[8];
  };
  static constexpr const char* kHeader[] = {"score", "verdict",   "row",    "id",
                                            "name",  "countries", "listed", "delisted"};
  std::vector<Row> rows;
  Row header;
  for (size_t c = 0; c < 8; ++c) header.cells[c] = kHeader[c];
  rows.push_back(header);
  for (const licit::ListMatch& m : results) {
    Row r;
    r.cells[0] = fmt::format("{:.2f}", m.score);
    r.cells[1] = VerdictText(m);
    r.cells[2] = fmt::format("{}", m.row);
    r.cells[3] = m.id.empty() ? "-" : m.id;
    r.cells[4] = m.name;
    r.cells[5] = Countries(m);
    r.cells[6] = m.listed.value_or("-");
    r.cells[7] = m.delisted.value_or("-");
    rows.push_back(std::move(r));
  }
  size_t width[8] = {};
  for (const Row& r : rows) {
    for (size_t c = 0; c < 8; ++c) width[c] = std::max(width[c], DisplayWidth(r.cells[c]));
  }
  // The column where the name starts: the continuation lines are indented to it.
  const size_t name_column = width[0] + width[1] + width[2] + width[3] + 8;
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::string line;
    for (size_t c = 0; c < 8; ++c) {
      // Numbers right-aligned, text left-aligned; two spaces between columns.
      const bool right = i > 0 && (c == 0 || c == 2);
      std::string cell = right ? std::string(width[c] - DisplayWidth(r.cells[c]), ' ') + r.cells[c]
                               : Pad(r.cells[c], width[c]);
      line += cell;
      line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (i == 0) continue;
    const licit::ListMatch& m = results[i - 1];
    const std::string indent(name_column, ' ');
    if (m.matched != m.name) {
      out += fmt::format("{}{} alias \"{}\"\n", indent, m.exact ? "=" : "~", m.matched);
    }
    if (!m.source.empty()) out += fmt::format("{}source: {}\n", indent, m.source);
    if (m.verdict == "cleared") {
      std::string who = m.cleared_by && !m.cleared_by->empty() ? *m.cleared_by : "someone";
      std::string line = fmt::format("{}cleared for this name by {}", indent, who);
      if (m.cleared_on) line += " on " + *m.cleared_on;
      if (m.cleared_note && !m.cleared_note->empty()) line += ": " + *m.cleared_note;
      out += line + "\n";
    }
  }
  return out;
}

int RunMatch(std::span<const std::string> args) {
  CommonOptions options;
  std::string name, country, date, format, cleared, match, review, top = "5", error;
  std::vector<OptionSpec> specs = {{"name", &name},     {"country", &country}, {"date", &date},
                                   {"format", &format}, {"cleared", &cleared}, {"match", &match},
                                   {"review", &review}, {"top", &top}};
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("match", error);
  if (options.help) {
    WriteStdout(kMatchCommand.help);
    return kExitOk;
  }
  if (options.positional.empty()) return UsageError("match", "`match` needs a LIST file");
  if (options.positional.size() > 1) {
    return UsageError(
        "match", fmt::format("`match` takes one LIST file, not {}", options.positional.size()));
  }
  if (name.empty()) return UsageError("match", "`match` needs the name to look up: --name NAME");

  licit::ListOptions list_options;
  if (format == "csl") {
    list_options.csl = true;
  } else if (!format.empty() && format != "licit") {
    return UsageError("match",
                      fmt::format("`--format` must be `licit` or `csl`, not `{}`", format));
  }
  list_options.cleared = cleared;
  if (!ParseThreshold("match", match, &list_options.match, &error) ||
      !ParseThreshold("review", review, &list_options.review, &error)) {
    return UsageError("match", error);
  }
  licit::ListQuery query;
  query.name = name;
  for (char& c : country) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (!country.empty()) query.country = country;
  if (!date.empty()) query.date = date;
  {
    char* end = nullptr;
    const unsigned long k = std::strtoul(top.c_str(), &end, 10);
    if (top.empty() || *end != '\0' || top[0] == '-' || k == 0 || k > 1000) {
      return UsageError(
          "match", fmt::format("`--top` takes a number of entries from 1 to 1000, not `{}`", top));
    }
    query.top = k;
  }

  const licit::PartyList list = licit::PartyList::load(options.positional[0], list_options);
  const licit::Compilation& diagnostics = list.diagnostics();
  // Thresholds out of range are the options' fault, not the file's.
  for (const licit::DiagnosticInfo& d : diagnostics.diagnostics()) {
    if (d.code == "E0607") return UsageError("match", d.message);
  }
  if (!list.ok()) return ReportDiagnostics(diagnostics, options);
  if (diagnostics.warning_count() > 0 && options.diagnostics == DiagnosticsFormat::kText) {
    WriteStderr(diagnostics.diagnostics_text(UseColor(options.color)));
  }

  // One more than asked, to say whether more entries resemble the name.
  licit::ListQuery probe = query;
  probe.top = query.top + 1;
  std::vector<licit::ListMatch> results;
  if (!list.search(probe, &results, &error)) return UsageError("match", error);
  const bool more = results.size() > query.top;
  if (more) results.resize(query.top);

  // Matches and possible matches that --country or --date left out, so a filter never hides a
  // listed party silently: the analyst sees the entry and why it does not apply.
  std::string left_out;
  if (options.diagnostics == DiagnosticsFormat::kText && (query.country || query.date)) {
    licit::ListQuery all = query;
    all.country.reset();
    all.date.reset();
    std::vector<licit::ListMatch> unfiltered;
    if (list.search(all, &unfiltered, &error)) {
      for (const licit::ListMatch& m : unfiltered) {
        if (m.verdict != "match" && m.verdict != "possible") continue;
        bool shown = false;
        for (const licit::ListMatch& r : results) shown = shown || r.row == m.row;
        if (shown) continue;
        std::string why;
        if (query.country && !m.countries.empty() &&
            std::find(m.countries.begin(), m.countries.end(), country) == m.countries.end()) {
          why = fmt::format("listed for {}, not {}", Countries(m), country);
        } else if (query.date && m.listed && *query.date < *m.listed) {
          why = fmt::format("listed from {}", *m.listed);
        } else if (query.date && m.delisted && *query.date >= *m.delisted) {
          why = fmt::format("delisted on {}", *m.delisted);
        } else {
          continue;
        }
        left_out += fmt::format("left out: {:.2f} {} row {} {} \"{}\": {}\n", m.score,
                                VerdictText(m), m.row, m.id.empty() ? "-" : m.id, m.name, why);
      }
    }
  }

  if (options.diagnostics == DiagnosticsFormat::kJson) {
    WriteStdout(list.to_json(query, results) + "\n");
  } else {
    std::string out = fmt::format(
        "{}: {} entries (match from {}, possible from {})\nsearching \"{}\" in {}, listed {}\n",
        list.path(), list.size(), list.match_threshold(), list.review_threshold(),
        licit::PartyList::normalize(query.name),
        query.country ? *query.country : std::string("any country"),
        query.date ? "on " + *query.date : std::string("on any date"));
    if (results.empty()) {
      out += fmt::format("no entry resembles \"{}\"\n", query.name);
    } else {
      out += "\n" + Table(results);
      if (more) {
        out += fmt::format("(more entries score lower: --top {} shows more)\n", query.top * 2);
      }
    }
    if (!left_out.empty()) out += (results.empty() ? "" : "\n") + left_out;
    WriteStdout(out);
  }
  return options.werror && diagnostics.warning_count() > 0 ? kExitPolicyErrors : kExitOk;
}

}  // namespace

const Command kMatchCommand = {
    "match",
    "look a name up in a restricted-party list: the best entries with scores",
    R"(Usage: licit match [OPTIONS] LIST --name NAME

Scores NAME against every entry of the restricted-party list LIST (a CSV file, as a policy's
`list` declaration reads it) and prints the entries that resemble it best, best first: an
analyst's quick look, like the Consolidated Screening List's search. The matcher, the
normalisation (case, punctuation, legal forms such as Co., Ltd., GmbH) and the thresholds are
those of the policies' `matches`, so a score seen here is the score a rule sees.

Each result has a score from 0 to 1 and a verdict: `match` (from the match threshold, or the
same name or alias once normalised), `possible` (from the review threshold: a near miss for a
person to review), `no match` (below it, shown for context) or `cleared` (a person reviewed
the pair and cleared it: the --cleared file says who, when and why). An alias that matched
better than the name is shown under the entry.

Options:
  --name NAME              the name to look up (required)
  --country CC             only entries for this country (ISO 3166-1 alpha-2); entries
                           without countries are kept
  --date YYYY-MM-DD        only entries listed on that day (default: listing dates ignored)
  --format licit|csl       the list's columns: Licit's (default; id,name,aliases,country,
                           listed,delisted,source,remarks) or the Consolidated Screening
                           List's CSV download (csl)
  --cleared FILE           reviewed false positives (party,entry,decided_by,decided_on,note)
  --match X                the match threshold (default 0.92)
  --review Y               the review threshold (default 0.85; at most the match threshold)
  --top K                  show the K best entries (default 5)
  --diagnostics=text|json  text (default) or one JSON document with the query and results
                           (problems in the list file are then the diagnostics' JSON)
  --color=auto|always|never
  --werror                 exit 1 when the list file has warnings
  -h, --help               show this help

Problems in the list file (a bad date, an unknown country code, a row without a name) are
diagnostics with the file's line and column, on stderr; such rows are left out.

Exit status: 0 the search ran (whatever it found), 1 errors in the list or cleared file,
2 usage error, 70 internal error.

Example:
  licit match lists/mofcom-control-2026.csv --name "Kawasaki Heavy Industries Aerospace"
  licit match consolidated.csv --format csl --name "Hua Xin Electronics" --country CN --top 10
)",
    RunMatch,
};

}  // namespace licit::cli
