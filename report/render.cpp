// The report's two renderings: the aggregates as JSON (for scripts and the goldens) and the HTML
// page (docs/report.md). The page is one file that opens without a network: a Content Security
// Policy forbids every fetch, the chart is SVG drawn here, and every string from the data goes
// through EscapeHtml.

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "report/report.h"

namespace licit::report {

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

// JSON string literal, with control characters escaped. (base/json.h's JsonQuote does the same,
// but report/ includes nothing of Licit's own, layers.txt: it reads the decisions the CLI writes,
// as any tool could, and the few lines are cheaper than making it depend on the engine's base.)
std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonEffects(const EffectCounts& counts) {
  std::string out;
  for (size_t i = 0; i < kEffects.size(); ++i) {
    out += fmt::format("{}\"{}\": {}", i ? ", " : "", kEffects[i], counts[i]);
  }
  return out;
}

std::string JsonTop(std::string_view name, const TopTable& table) {
  std::string out = fmt::format("  \"{}\": {{\"distinct\": {}, \"top\": [", name, table.distinct);
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const KeyCount& row = table.rows[i];
    out += fmt::format("{}\n    {{\"key\": {}, \"total\": {}, {}}}", i ? "," : "",
                       JsonString(row.key), row.total, JsonEffects(row.by_effect));
  }
  out += table.rows.empty() ? "]},\n" : "\n  ]},\n";
  return out;
}

constexpr std::array<std::string_view, kEffects.size()> kEffectColours = {
    "#c0392b", "#d35400", "#d4a017", "#2e86c1", "#27ae60", "#7f8c8d"};

// Every month from the first to the last, so gaps show as gaps; when the dates span more than
// twenty years (a stray date), only the months that have decisions.
std::vector<std::pair<std::string, EffectCounts>> ChartMonths(const Aggregates& a) {
  std::vector<std::pair<std::string, EffectCounts>> out;
  if (a.months.empty()) return out;
  auto parse = [](const std::string& m) {
    return std::stoi(m.substr(0, 4)) * 12 + std::stoi(m.substr(5, 2)) - 1;
  };
  int first = parse(a.months.begin()->first), last = parse(a.months.rbegin()->first);
  if (last - first >= 240) {
    for (const auto& [month, counts] : a.months) out.emplace_back(month, counts);
    return out;
  }
  for (int m = first; m <= last; ++m) {
    std::string key = fmt::format("{:04}-{:02}", m / 12, m % 12 + 1);
    auto it = a.months.find(key);
    out.emplace_back(key, it == a.months.end() ? EffectCounts{} : it->second);
  }
  return out;
}

// The stacked bar chart of decisions by month, as inline SVG. Each bar segment carries its
// month, effect and count as data attributes (the browser test reads them) and a <title> for
// the tooltip.
std::string MonthChart(const Aggregates& a) {
  auto months = ChartMonths(a);
  if (months.empty()) return "<p class=\"note\">No decision has a date.</p>\n";
  uint64_t max_total = 1;
  for (const auto& [month, counts] : months) {
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    max_total = std::max(max_total, total);
  }
  // The scale's top: at most five gridline steps of 1, 2 or 5 times a power of ten, so the axis
  // reads in round numbers and the tallest month fills most of the plot.
  uint64_t step = 1;
  for (uint64_t power = 1; step * 5 < max_total; power *= 10) {
    for (uint64_t m : {1, 2, 5}) {
      step = power * m;
      if (step * 5 >= max_total) break;
    }
  }
  const uint64_t ticks = (max_total + step - 1) / step;
  const uint64_t scale = step * ticks;
  constexpr double kPlotHeight = 220, kTop = 20, kLeft = 64, kStep = 34, kBar = 24;
  const double width = kLeft + kStep * static_cast<double>(months.size()) + 20;
  const double bottom = kTop + kPlotHeight;
  std::string svg = fmt::format(
      "<svg id=\"month-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" data-scale=\"{2}\" data-plot-height=\"{3}\" role=\"img\" "
      "aria-label=\"Decisions by month, stacked by effect\">\n",
      width, bottom + 60, scale, kPlotHeight);
  for (uint64_t tick = 0; tick <= ticks; ++tick) {
    double y = bottom - kPlotHeight * static_cast<double>(tick) / static_cast<double>(ticks);
    uint64_t value = step * tick;
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{:.2f}\" x2=\"{}\" y2=\"{:.2f}\" class=\"grid\"/>"
        "<text x=\"{}\" y=\"{:.2f}\" class=\"axis\" text-anchor=\"end\">{}</text>\n",
        kLeft - 4, y, width - 10, y, kLeft - 8, y + 4, Thousands(value));
  }
  for (size_t i = 0; i < months.size(); ++i) {
    const auto& [month, counts] = months[i];
    const double x = kLeft + kStep * static_cast<double>(i) + (kStep - kBar) / 2;
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    svg += fmt::format("<g class=\"month\" data-month=\"{}\" data-total=\"{}\">", month, total);
    double y = bottom;
    for (size_t e = 0; e < kEffects.size(); ++e) {
      if (counts[e] == 0) continue;
      const double h = kPlotHeight * static_cast<double>(counts[e]) / static_cast<double>(scale);
      y -= h;
      svg += fmt::format(
          "<rect class=\"bar\" data-effect=\"{0}\" data-count=\"{1}\" x=\"{2:.2f}\" y=\"{3:.3f}\" "
          "width=\"{4}\" height=\"{5:.3f}\" fill=\"{6}\"><title>{7} {0}: {8}</title></rect>",
          kEffects[e], counts[e], x, y, kBar, h, kEffectColours[e], month, Thousands(counts[e]));
    }
    svg += fmt::format(
        "<text class=\"axis\" x=\"{0:.2f}\" y=\"{1:.2f}\" text-anchor=\"end\" "
        "transform=\"rotate(-45 {0:.2f} {1:.2f})\">{2}</text></g>\n",
        x + kBar / 2, bottom + 14, month);
  }
  svg += "</svg>\n<p class=\"legend\">";
  for (size_t e = 0; e < kEffects.size(); ++e) {
    svg += fmt::format("<span><i style=\"background:{}\"></i>{}</span>", kEffectColours[e],
                       kEffects[e]);
  }
  svg += "</p>\n";
  if (a.undated > 0) {
    svg += fmt::format("<p class=\"note\">{} decision{} without a date (not in the chart).</p>\n",
                       Thousands(a.undated), a.undated == 1 ? "" : "s");
  }
  return svg;
}

// A header cell: `num` columns sort as numbers.
struct Column {
  std::string_view title;
  bool numeric = false;
};

std::string TableStart(std::string_view id, const std::vector<Column>& columns) {
  std::string out = fmt::format(
      "<input class=\"filter\" type=\"search\" placeholder=\"filter\" data-table=\"{0}\" "
      "aria-label=\"filter the table\">\n<table class=\"sortable\" id=\"{0}\"><thead><tr>",
      id);
  for (const Column& c : columns) {
    out +=
        fmt::format("<th{}>{}</th>", c.numeric ? " data-type=\"num\" class=\"num\"" : "", c.title);
  }
  return out + "</tr></thead><tbody>\n";
}

std::string NumberCell(uint64_t n) {
  return fmt::format("<td class=\"num\" data-v=\"{}\">{}</td>", n, Thousands(n));
}

std::string TextCell(std::string_view text) { return fmt::format("<td>{}</td>", EscapeHtml(text)); }

std::string EffectCell(std::string_view effect) {
  if (effect.empty()) return "<td></td>";
  return fmt::format("<td><span class=\"effect {0}\">{0}</span></td>", EscapeHtml(effect));
}

std::vector<Column> CountColumns(std::string_view key) {
  std::vector<Column> columns = {{key}, {"decisions", true}};
  for (std::string_view e : kEffects) columns.push_back({e, true});
  return columns;
}

std::string TopSection(std::string_view id, std::string_view title, std::string_view key,
                       const TopTable& table, std::string_view empty_note) {
  std::string out = fmt::format("<section><h2>{}</h2>\n", title);
  if (table.rows.empty())
    return out + fmt::format("<p class=\"note\">{}</p></section>\n", empty_note);
  if (table.distinct > table.rows.size()) {
    out += fmt::format("<p class=\"note\">The {} most frequent of {}.</p>\n", table.rows.size(),
                       Thousands(table.distinct));
  }
  out += TableStart(id, CountColumns(key));
  for (const KeyCount& row : table.rows) {
    out += "<tr>" + TextCell(row.key) + NumberCell(row.total);
    for (uint64_t c : row.by_effect) out += NumberCell(c);
    out += "</tr>\n";
  }
  return out + "</tbody></table></section>\n";
}

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1c2833;background:#f4f6f7}
header{background:#1c2833;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#d5dbdb}main{padding:12px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #d5dbdb;border-radius:6px;padding:12px 18px;margin:14px 0}
h2{font-size:17px;margin:4px 0 10px}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{flex:1 1 120px;border-radius:6px;padding:10px 14px;color:#fff}
.card .count{font-size:26px;font-weight:600;display:block}.card .name{text-transform:uppercase;font-size:12px;letter-spacing:.05em}
.chart{overflow-x:auto}svg text.axis{font-size:11px;fill:#566573}svg line.grid{stroke:#e5e8e8}
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e5e8e8;text-align:left;vertical-align:top}
th{background:#eaeded;cursor:pointer;user-select:none;white-space:nowrap}th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}.num{text-align:right;font-variant-numeric:tabular-nums}
td{word-break:break-word}input.filter{margin:0 0 8px;padding:4px 8px;width:260px;border:1px solid #aab7b8;border-radius:4px}
.note{color:#566573;margin:4px 0 8px}.effect{padding:1px 6px;border-radius:3px;color:#fff;font-size:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0;word-break:break-all}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
)";

// Sorting on a header click and filtering on typing: every table of the page, nothing else.
constexpr std::string_view kScript = R"(
(function () {
  function key(cell, numeric) {
    return numeric ? Number(cell.getAttribute('data-v')) : cell.textContent.toLowerCase();
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'num';
        var up = th.getAttribute('aria-sort') !== 'ascending';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      });
    });
  });
  document.querySelectorAll('input.filter').forEach(function (input) {
    var table = document.getElementById(input.getAttribute('data-table'));
    input.addEventListener('input', function () {
      var q = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
})();
)";

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderJson(const Aggregates& a) {
  std::string out = "{\n";
  out += fmt::format("  \"input\": \"{}\",\n", a.diff_input ? "diff" : "decisions");
  out += fmt::format("  \"records_joined\": {},\n", a.with_records);
  out += fmt::format("  \"decisions\": {},\n", a.decisions);
  out += fmt::format("  \"effects\": {{{}}},\n", JsonEffects(a.effects));
  out += fmt::format("  \"unreadable_lines\": {},\n", a.unreadable);
  out += fmt::format("  \"records_missing\": {},\n", a.records_missing);
  out += "  \"months\": [";
  size_t i = 0;
  for (const auto& [month, counts] : a.months) {
    out += fmt::format("{}\n    {{\"month\": \"{}\", {}}}", i++ ? "," : "", month,
                       JsonEffects(counts));
  }
  out += a.months.empty() ? "],\n" : "\n  ],\n";
  out += fmt::format("  \"undated\": {},\n", a.undated);
  out += JsonTop("destinations", a.destinations);
  out += JsonTop("items", a.items);
  out += JsonTop("parties", a.parties);
  out += JsonTop("rules", a.rules);
  out += JsonTop("licences", a.licences);
  out += "  \"unknowns\": [";
  for (i = 0; i < a.unknowns.size(); ++i) {
    const UnknownCount& u = a.unknowns[i];
    out += fmt::format(
        "{}\n    {{\"field\": {}, \"rule\": {}, \"decisions\": {}, \"in_review\": {}}}",
        i ? "," : "", JsonString(u.field), JsonString(u.rule), u.decisions, u.in_review);
  }
  out += a.unknowns.empty() ? "],\n" : "\n  ],\n";
  out += "  \"policies\": [";
  for (i = 0; i < a.policies.size(); ++i) {
    out += fmt::format("{}\n    {{\"policy\": {}, \"total\": {}, {}}}", i ? "," : "",
                       JsonString(a.policies[i].key), a.policies[i].total,
                       JsonEffects(a.policies[i].by_effect));
  }
  out += a.policies.empty() ? "],\n" : "\n  ],\n";
  out += "  \"transitions\": {";
  i = 0;
  for (const auto& [change, count] : a.transitions) {
    out += fmt::format("{}{}: {}", i++ ? ", " : "", JsonString(change), count);
  }
  out += "},\n";
  out += fmt::format("  \"errors_total\": {},\n  \"errors\": [", a.errors_total);
  for (i = 0; i < a.errors.size(); ++i) {
    const ErrorRow& e = a.errors[i];
    out += fmt::format(
        "{}\n    {{\"line\": {}, \"record_line\": {}, \"id\": {}, \"unreadable\": {}, "
        "\"message\": {}}}",
        i ? "," : "", e.line, e.record_line, JsonString(e.id), e.unreadable, JsonString(e.message));
  }
  out += a.errors.empty() ? "],\n" : "\n  ],\n";
  out += fmt::format("  \"flagged_total\": {},\n  \"flagged\": [", a.flagged_total);
  for (i = 0; i < a.flagged.size(); ++i) {
    const FlaggedRow& f = a.flagged[i];
    out += fmt::format(
        "{}\n    {{\"line\": {}, \"id\": {}, \"date\": {}, \"old\": {}, \"effect\": \"{}\", "
        "\"rules\": {}}}",
        i ? "," : "", f.line, JsonString(f.id), JsonString(f.date), JsonString(f.old_effect),
        f.effect, JsonString(f.rules));
  }
  out += a.flagged.empty() ? "]\n" : "\n  ]\n";
  return out + "}\n";
}

std::string RenderHtml(const Aggregates& a, const RunInfo& info) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      // Nothing may be fetched: the page is the whole report, opened from a disk or a mail.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Licit screening report</title>\n<style>";
  out += kStyle;
  for (size_t e = 0; e < kEffects.size(); ++e) {
    out += fmt::format(".effect.{}{{background:{}}}", kEffects[e], kEffectColours[e]);
  }
  out += "</style></head><body>\n<header><h1>Licit screening report</h1>";
  out += fmt::format("<p>{} {} from <code>{}</code>, made {}</p></header>\n<main>\n",
                     Thousands(a.decisions), a.diff_input ? "changed decisions" : "decisions",
                     EscapeHtml(info.decisions), EscapeHtml(info.made_at));

  // Counts by effect.
  out += "<section id=\"effects\"><h2>Decisions by effect</h2><div class=\"cards\">\n";
  for (size_t e = 0; e < kEffects.size(); ++e) {
    out += fmt::format(
        "<div class=\"card\" id=\"effect-{0}\" data-effect=\"{0}\" data-count=\"{1}\" "
        "style=\"background:{2}\"><span class=\"count\">{3}</span><span "
        "class=\"name\">{0}</span></div>\n",
        kEffects[e], a.effects[e], kEffectColours[e], Thousands(a.effects[e]));
  }
  out += "</div>";
  if (a.unreadable > 0) {
    out += fmt::format(
        "<p class=\"note\" id=\"unreadable\">{} line{} of the input {} not a decision (listed "
        "under errors).</p>",
        Thousands(a.unreadable), a.unreadable == 1 ? "" : "s", a.unreadable == 1 ? "is" : "are");
  }
  if (!a.transitions.empty()) {
    out += "<h2>Changes (old &rarr; new)</h2>";
    out += TableStart("transitions", {{"change"}, {"records", true}});
    for (const auto& [change, count] : a.transitions) {
      out += "<tr>" + TextCell(change) + NumberCell(count) + "</tr>\n";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  out += fmt::format(
      "<section id=\"months\"><h2>Decisions by month</h2><p class=\"note\">By {}.</p><div "
      "class=\"chart\">\n",
      EscapeHtml(info.date_source));
  out += MonthChart(a);
  out += "</div></section>\n";

  const std::string_view no_records =
      "The decisions do not name it: give the records with <code>--records</code>.";
  out += TopSection("destinations", "Top destinations", "destination", a.destinations, no_records);
  out += TopSection("items", "Top items", "item (first classification code)", a.items, no_records);
  out += TopSection("parties", "Top end users", "end user", a.parties, no_records);
  out += TopSection("rules", "Top rules", "rule", a.rules, "No rule fired.");
  out += TopSection("licences", "Top licences", "licence", a.licences, "No licence required.");

  out +=
      "<section><h2>Unknowns</h2>\n<p class=\"note\">Fields a rule could not read (missing or "
      "null), and how many of those records that sent to review.</p>\n";
  if (a.unknowns.empty()) {
    out += "<p class=\"note\">None: every rule could read every field it needed.</p>";
  } else {
    out += TableStart("unknowns", {{"field"}, {"rule"}, {"decisions", true}, {"in review", true}});
    for (const UnknownCount& u : a.unknowns) {
      out += "<tr>" + TextCell(u.field) + TextCell(u.rule) + NumberCell(u.decisions) +
             NumberCell(u.in_review) + "</tr>\n";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  out += fmt::format(
      "<section><h2>Errors</h2>\n<p class=\"note\" id=\"errors-total\" "
      "data-count=\"{0}\">{1} error{2}",
      a.errors_total, Thousands(a.errors_total), a.errors_total == 1 ? "" : "s");
  if (a.errors_total > a.errors.size()) {
    out += fmt::format("; the first {} listed", Thousands(a.errors.size()));
  }
  out += ".</p>\n";
  if (!a.errors.empty()) {
    out += TableStart("errors", {{"line", true}, {"record line", true}, {"id"}, {"error"}});
    for (const ErrorRow& e : a.errors) {
      out += "<tr>" + NumberCell(e.line) +
             (e.record_line ? NumberCell(e.record_line) : "<td class=\"num\" data-v=\"0\"></td>") +
             TextCell(e.id) + TextCell(e.message) + "</tr>\n";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  out += fmt::format(
      "<section><h2>{}</h2>\n<p class=\"note\" id=\"flagged-total\" data-count=\"{}\">{}",
      a.diff_input ? "Changed records" : "Records not allowed", a.flagged_total,
      a.diff_input ? "Every record whose effect the new policy changed"
                   : "Every record decided deny, license, review or exempt");
  out += fmt::format(": {}", Thousands(a.flagged_total));
  if (a.flagged_total > a.flagged.size()) {
    out += fmt::format("; the first {} listed", Thousands(a.flagged.size()));
  }
  out += ".</p>\n";
  if (!a.flagged.empty()) {
    std::vector<Column> columns = {{"line", true}, {"id"}, {"date"}};
    if (a.diff_input) columns.push_back({"old"});
    columns.push_back({"effect"});
    columns.push_back({"rules"});
    out += TableStart("flagged", columns);
    for (const FlaggedRow& f : a.flagged) {
      out += "<tr>" + NumberCell(f.line) + TextCell(f.id) + TextCell(f.date);
      if (a.diff_input) out += EffectCell(f.old_effect);
      out += EffectCell(f.effect) + TextCell(f.rules) + "</tr>\n";
    }
    out += "</tbody></table>";
  }
  out += "</section>\n";

  // The policies: from the run when it made the report, else as the decisions name them.
  out += "<section id=\"policies\"><h2>Policies</h2>\n";
  if (!info.policies.empty()) {
    out += TableStart("policy-table", {{"policy"}, {"version"}, {"file"}, {"rules", true}});
    for (const RunInfo::Policy& p : info.policies) {
      out += "<tr>" + TextCell(p.name) + TextCell(p.version) + TextCell(p.file) +
             NumberCell(p.rules) + "</tr>\n";
    }
    out += "</tbody></table>\n";
  } else if (!a.policies.empty()) {
    out += TableStart("policy-table", CountColumns("policy (as the decisions name it)"));
    for (const KeyCount& row : a.policies) {
      out += "<tr>" + TextCell(row.key) + NumberCell(row.total);
      for (uint64_t c : row.by_effect) out += NumberCell(c);
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += fmt::format("<p>Digest: <code id=\"digest\">{}</code></p></section>\n",
                     info.digest.empty()
                         ? "not known (decisions files do not carry it; give the policies with "
                           "--policy, or make the report with licit run --report)"
                         : EscapeHtml(info.digest));

  out += "<section id=\"run\"><h2>How this report was made</h2><dl>\n";
  auto item = [&out](std::string_view term, std::string_view value) {
    if (!value.empty()) {
      out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", term, EscapeHtml(value));
    }
  };
  item("command", info.command_line);
  item("licit version", info.version);
  item("engine", info.engine);
  item("made at", info.made_at);
  item("decisions", info.decisions);
  item("records", info.records.empty() ? "not joined" : info.records);
  out += "</dl></section>\n</main>\n<script>";
  out += kScript;
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace licit::report
