#include "base/diagnostic.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/check.h"

namespace licit {
namespace {

constexpr DiagKindInfo kInfos[] = {
#define LICIT_DIAG(name, code, severity, title) {#name, code, Severity::severity, title},
#include "base/diagnostic_kinds.def"
#undef LICIT_DIAG
};

// ANSI styles, used only when colour is on.
struct Style {
  bool on;
  std::string Wrap(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

std::string_view SeverityColor(Severity s) {
  switch (s) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;33";
    case Severity::Note: return "1;36";
  }
  LICIT_UNREACHABLE("a Severity outside the enum");
}

// A source line as display cells: tabs become 4 spaces and control characters '?', so caret
// columns line up; byte offsets map to cell columns.
struct DisplayLine {
  std::vector<std::string> cells;
  std::vector<uint32_t> column_of_byte;  // size = line bytes + 1
};

// East Asian wide and fullwidth characters (and emoji) take two terminal columns; carets under
// Japanese or Chinese text must count them twice.
bool IsWideCodePoint(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// Is byte i the last byte of a multi-byte sequence encoding a wide code point?
bool IsLastByteOfWide(std::string_view line, size_t i) {
  if (i + 1 < line.size() && (static_cast<unsigned char>(line[i + 1]) & 0xC0) == 0x80) return false;
  size_t start = i;
  while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
  auto lead = static_cast<unsigned char>(line[start]);
  size_t len = i - start + 1;
  uint32_t cp = len == 2 ? lead & 0x1F : len == 3 ? lead & 0x0F : lead & 0x07;
  for (size_t k = start + 1; k <= i; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(line[k]) & 0x3F);
  return len >= 3 && IsWideCodePoint(cp);
}

DisplayLine MakeDisplayLine(std::string_view line) {
  DisplayLine out;
  out.column_of_byte.resize(line.size() + 1);
  for (size_t i = 0; i < line.size(); ++i) {
    out.column_of_byte[i] = static_cast<uint32_t>(out.cells.size());
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      for (int k = 0; k < 4; ++k) out.cells.emplace_back(" ");
    } else if (c < 0x20 || c == 0x7F) {
      out.cells.emplace_back("?");
    } else if ((c & 0xC0) == 0x80 && !out.cells.empty()) {
      // Continuation bytes join their code point; a wide character's second cell stays empty.
      std::string& cell =
          out.cells.back().empty() ? out.cells[out.cells.size() - 2] : out.cells.back();
      cell += static_cast<char>(c);
      if (IsLastByteOfWide(line, i)) out.cells.emplace_back();
    } else {
      out.cells.emplace_back(1, static_cast<char>(c));
    }
  }
  out.column_of_byte[line.size()] = static_cast<uint32_t>(out.cells.size());
  return out;
}

// Long lines (minified or generated files) are cut to a window around the marks.
constexpr uint32_t kMaxSnippetWidth = 120;

struct Mark {
  Span span;
  char ch;  // '^' for the primary location, '-' for secondary ones
  std::string_view label;
  std::string_view color;
};

// Appends " NN | source" for one line, then the marks under it. The rightmost mark's label goes
// on the mark row; the others hang below on connector rows, as rustc draws them.
void AppendSnippet(std::string& out, const SourceFile& file, std::vector<Mark> marks, size_t gutter,
                   const Style& style) {
  LineCol lc = file.Locate(marks.front().span.begin);
  std::string_view full_line = file.Line(lc.line);
  uint32_t line_start = file.LineStart(lc.line);
  // On a very long line only the bytes around the marks are laid out, so a file with hundreds
  // of diagnostics on one megabyte-long line still renders in linear time.
  constexpr uint32_t kContextBytes = 1024;
  uint32_t lo = static_cast<uint32_t>(full_line.size()), hi = 0;
  for (const Mark& m : marks) {
    uint32_t b =
        std::min<uint32_t>(m.span.begin - line_start, static_cast<uint32_t>(full_line.size()));
    lo = std::min(lo, b);
    hi = std::max(hi, std::min<uint32_t>(std::max(m.span.end, m.span.begin) - line_start,
                                         static_cast<uint32_t>(full_line.size())));
  }
  lo = lo > kContextBytes ? lo - kContextBytes : 0;
  hi = std::min<uint32_t>(static_cast<uint32_t>(full_line.size()), hi + kContextBytes);
  while (lo > 0 && (static_cast<unsigned char>(full_line[lo]) & 0xC0) == 0x80) --lo;
  while (hi < full_line.size() && (static_cast<unsigned char>(full_line[hi]) & 0xC0) == 0x80) ++hi;
  bool cut_left = lo > 0, cut_right = hi < full_line.size();
  std::string_view line = full_line.substr(lo, hi - lo);
  line_start += lo;
  DisplayLine dl = MakeDisplayLine(line);
  struct Placed {
    uint32_t start, width;
    const Mark* mark;
  };
  std::vector<Placed> placed;
  for (const Mark& m : marks) {
    uint32_t b = std::min<uint32_t>(m.span.begin - line_start, static_cast<uint32_t>(line.size()));
    uint32_t e = m.span.end > line_start + line.size() ? static_cast<uint32_t>(line.size())
                                                       : m.span.end - line_start;
    uint32_t start_col = dl.column_of_byte[b];
    uint32_t end_col = dl.column_of_byte[std::max(b, e)];
    placed.push_back({start_col, std::max<uint32_t>(1, end_col - start_col), &m});
  }
  std::sort(placed.begin(), placed.end(),
            [](const Placed& a, const Placed& b) { return a.start < b.start; });
  uint32_t total = static_cast<uint32_t>(dl.cells.size());
  uint32_t first = 0, last_col = total;
  if (total > kMaxSnippetWidth) {
    first = placed.front().start > 40 ? placed.front().start - 40 : 0;
    last_col = std::min(total, first + kMaxSnippetWidth);
  }
  cut_left = cut_left || first > 0;
  cut_right = cut_right || last_col < total;
  std::string text = cut_left ? "..." : "";
  for (uint32_t c = first; c < last_col; ++c) text += dl.cells[c];
  if (cut_right) text += "...";
  // Shift marks into the window ("..." takes three columns).
  uint32_t shift_in = cut_left ? 3 : 0;
  for (Placed& p : placed) {
    uint32_t start = std::clamp(p.start, first, last_col);
    uint32_t end = std::clamp(p.start + p.width, first, last_col);
    p.start = start - first + shift_in;
    p.width = std::max<uint32_t>(1, end - start);
  }
  std::string bar = style.Wrap("1;34", "|");
  std::string pad(gutter, ' ');
  out += fmt::format("{} {} {}\n", style.Wrap("1;34", fmt::format("{:>{}}", lc.line, gutter)), bar,
                     text);
  std::string row;
  uint32_t col = 0;
  for (const Placed& p : placed) {
    if (p.start < col) continue;  // overlapping marks: keep the first
    row += std::string(p.start - col, ' ');
    row += style.Wrap(p.mark->color, std::string(p.width, p.mark->ch));
    col = p.start + p.width;
  }
  const Placed& last = placed.back();
  if (!last.mark->label.empty()) row += " " + style.Wrap(last.mark->color, last.mark->label);
  out += fmt::format("{} {} {}\n", pad, bar, row);
  // Labels of the other marks, right to left, each under a connector.
  for (size_t i = placed.size() - 1; i-- > 0;) {
    const Placed& p = placed[i];
    if (p.mark->label.empty()) continue;
    std::string connectors;
    uint32_t c = 0;
    for (size_t k = 0; k <= i; ++k) {
      if (placed[k].mark->label.empty() || placed[k].start < c) continue;
      connectors += std::string(placed[k].start - c, ' ') + style.Wrap(placed[k].mark->color, "|");
      c = placed[k].start + 1;
    }
    out += fmt::format("{} {} {}\n", pad, bar, connectors);
    std::string label_row;
    c = 0;
    for (size_t k = 0; k < i; ++k) {
      if (placed[k].mark->label.empty() || placed[k].start < c) continue;
      label_row += std::string(placed[k].start - c, ' ') + style.Wrap(placed[k].mark->color, "|");
      c = placed[k].start + 1;
    }
    label_row += std::string(p.start - c, ' ') + style.Wrap(p.mark->color, p.mark->label);
    out += fmt::format("{} {} {}\n", pad, bar, label_row);
  }
}

}  // namespace

const DiagKindInfo& InfoOf(DiagKind kind) { return kInfos[static_cast<size_t>(kind)]; }

std::vector<DiagKind> AllDiagKinds() {
  std::vector<DiagKind> out;
  for (size_t i = 0; i < static_cast<size_t>(DiagKind::kCount); ++i) {
    out.push_back(static_cast<DiagKind>(i));
  }
  return out;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  LICIT_UNREACHABLE("a Severity outside the enum");
}

Diagnostic& DiagnosticSink::Report(DiagKind kind, Span span, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.severity = InfoOf(kind).severity;
  d.span = span;
  d.message = std::move(message);
  bool keep = diagnostics_.size() < kMaxStored;
  if (d.severity == Severity::Error) ++(keep ? errors_ : (++errors_, dropped_errors_));
  if (d.severity == Severity::Warning) ++(keep ? warnings_ : (++warnings_, dropped_warnings_));
  if (!keep) {
    discarded_ = std::move(d);
    return discarded_;
  }
  diagnostics_.push_back(std::move(d));
  return diagnostics_.back();
}

void DiagnosticSink::Absorb(DiagnosticSink&& other) {
  for (Diagnostic& d : other.diagnostics_) {
    const Severity severity = d.severity;
    const bool keep = diagnostics_.size() < kMaxStored;
    if (severity == Severity::Error) ++(keep ? errors_ : (++errors_, dropped_errors_));
    if (severity == Severity::Warning) ++(keep ? warnings_ : (++warnings_, dropped_warnings_));
    if (keep) diagnostics_.push_back(std::move(d));
  }
  errors_ += other.dropped_errors_;
  dropped_errors_ += other.dropped_errors_;
  warnings_ += other.dropped_warnings_;
  dropped_warnings_ += other.dropped_warnings_;
  other = DiagnosticSink();
}

void DiagnosticSink::SortByLocation() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.span.file != b.span.file) return a.span.file < b.span.file;
                     return a.span.begin < b.span.begin;
                   });
}

std::string RenderText(const SourceManager& sources, const Diagnostic& d,
                       const RenderOptions& opts) {
  Style style{opts.color};
  const DiagKindInfo& info = InfoOf(d.kind);
  std::string out;
  std::string sev = std::string(SeverityName(d.severity));
  out += style.Wrap(SeverityColor(d.severity), fmt::format("{}[{}]", sev, info.code));
  out += style.Wrap("1", fmt::format(": {}", d.message)) + "\n";

  if (!d.span.valid() || d.span.file >= sources.size()) {
    for (const auto& h : d.help) out += fmt::format("  = help: {}\n", h);
    for (const auto& n : d.notes) out += fmt::format("  = note: {}\n", n);
    return out;
  }
  const SourceFile& file = sources.Get(d.span.file);
  uint32_t max_line = file.Locate(d.span.begin).line;
  for (const auto& l : d.secondary) {
    if (l.span.valid() && l.span.file < sources.size()) {
      max_line = std::max(max_line, sources.Get(l.span.file).Locate(l.span.begin).line);
    }
  }
  size_t gutter = std::to_string(max_line).size();
  std::string pad(gutter, ' ');
  std::string bar = style.Wrap("1;34", "|");
  out += fmt::format("{}{} {}\n", pad, style.Wrap("1;34", "-->"), sources.Where(d.span));
  out += fmt::format("{} {}\n", pad, bar);
  // Secondary labels on the primary line share its snippet; the others get their own.
  uint32_t primary_line = file.Locate(d.span.begin).line;
  std::vector<Mark> marks = {{d.span, '^', d.label, SeverityColor(d.severity)}};
  std::vector<const DiagLabel*> elsewhere;
  for (const auto& l : d.secondary) {
    if (!l.span.valid() || l.span.file >= sources.size()) continue;
    if (l.span.file == d.span.file && file.Locate(l.span.begin).line == primary_line) {
      marks.push_back({l.span, '-', l.message, "1;34"});
    } else {
      elsewhere.push_back(&l);
    }
  }
  AppendSnippet(out, file, marks, gutter, style);
  for (const DiagLabel* l : elsewhere) {
    if (l->span.file != d.span.file) {
      out += fmt::format("{}{} {}\n", pad, style.Wrap("1;34", ":::"), sources.Where(l->span));
    } else {
      out += fmt::format("{} {}\n", pad, style.Wrap("1;34", "..."));
    }
    AppendSnippet(out, sources.Get(l->span.file), {{l->span, '-', l->message, "1;34"}}, gutter,
                  style);
  }
  if (!d.help.empty() || !d.notes.empty()) out += fmt::format("{} {}\n", pad, bar);
  for (const auto& h : d.help) out += fmt::format("{} = {}: {}\n", pad, style.Wrap("1", "help"), h);
  for (const auto& n : d.notes)
    out += fmt::format("{} = {}: {}\n", pad, style.Wrap("1", "note"), n);
  return out;
}

namespace {
std::string RenderAllTextCounted(const SourceManager& sources, const std::vector<Diagnostic>& ds,
                                 const RenderOptions& opts, size_t dropped_errors,
                                 size_t dropped_warnings) {
  std::string out;
  size_t errors = dropped_errors, warnings = dropped_warnings;
  for (const auto& d : ds) {
    out += RenderText(sources, d, opts);
    out += "\n";
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
  }
  if (dropped_errors + dropped_warnings > 0) {
    out += fmt::format("... {} more diagnostics not shown (only the first {} are kept)\n\n",
                       dropped_errors + dropped_warnings, DiagnosticSink::kMaxStored);
  }
  if (errors + warnings > 0) {
    auto plural = [](size_t n, std::string_view word) {
      return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
    };
    if (errors > 0 && warnings > 0) {
      out += fmt::format("{} and {} found\n", plural(errors, "error"), plural(warnings, "warning"));
    } else if (errors > 0) {
      out += fmt::format("{} found\n", plural(errors, "error"));
    } else {
      out += fmt::format("{} found\n", plural(warnings, "warning"));
    }
  }
  return out;
}
}  // namespace

std::string RenderAllText(const SourceManager& sources, const std::vector<Diagnostic>& ds,
                          const RenderOptions& opts) {
  return RenderAllTextCounted(sources, ds, opts, 0, 0);
}

std::string RenderAllText(const SourceManager& sources, const DiagnosticSink& sink,
                          const RenderOptions& opts) {
  return RenderAllTextCounted(sources, sink.all(), opts, sink.dropped_errors(),
                              sink.dropped_warnings());
}

namespace {
std::string RenderJsonCounted(const SourceManager& sources, const std::vector<Diagnostic>& ds,
                              size_t dropped_errors, size_t dropped_warnings);

std::string SpanJson(const SourceManager& sources, Span span) {
  if (!span.valid()) return "null";
  LICIT_CHECK(span.file < sources.size());
  const SourceFile& f = sources.Get(span.file);
  LineCol b = f.Locate(span.begin);
  LineCol e = f.Locate(span.end);
  return fmt::format(
      "{{\"file\":{},\"line\":{},\"column\":{},\"end_line\":{},\"end_column\":{},\"offset\":{},"
      "\"length\":{}}}",
      JsonQuote(f.path()), b.line, b.column, e.line, e.column, span.begin, span.size());
}
}  // namespace

std::string RenderJson(const SourceManager& sources, const std::vector<Diagnostic>& ds) {
  return RenderJsonCounted(sources, ds, 0, 0);
}

std::string RenderJson(const SourceManager& sources, const DiagnosticSink& sink) {
  return RenderJsonCounted(sources, sink.all(), sink.dropped_errors(), sink.dropped_warnings());
}

namespace {
std::string RenderJsonCounted(const SourceManager& sources, const std::vector<Diagnostic>& ds,
                              size_t dropped_errors, size_t dropped_warnings) {
  std::string out = "{\"diagnostics\":[";
  size_t errors = dropped_errors, warnings = dropped_warnings;
  for (size_t i = 0; i < ds.size(); ++i) {
    const Diagnostic& d = ds[i];
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
    if (i) out += ",";
    out += fmt::format("{{\"code\":{},\"kind\":{},\"severity\":{},\"message\":{},\"span\":{},",
                       JsonQuote(InfoOf(d.kind).code), JsonQuote(InfoOf(d.kind).name),
                       JsonQuote(SeverityName(d.severity)), JsonQuote(d.message),
                       SpanJson(sources, d.span));
    out +=
        fmt::format("\"label\":{},\"secondary\":[", d.label.empty() ? "null" : JsonQuote(d.label));
    for (size_t k = 0; k < d.secondary.size(); ++k) {
      if (k) out += ",";
      out += fmt::format("{{\"span\":{},\"message\":{}}}", SpanJson(sources, d.secondary[k].span),
                         JsonQuote(d.secondary[k].message));
    }
    out += "],\"help\":[";
    for (size_t k = 0; k < d.help.size(); ++k) out += (k ? "," : "") + JsonQuote(d.help[k]);
    out += "],\"notes\":[";
    for (size_t k = 0; k < d.notes.size(); ++k) out += (k ? "," : "") + JsonQuote(d.notes[k]);
    out += "]}";
  }
  out += fmt::format("],\"errors\":{},\"warnings\":{}", errors, warnings);
  if (dropped_errors + dropped_warnings > 0) {
    out += fmt::format(",\"not_shown\":{}", dropped_errors + dropped_warnings);
  }
  out += "}\n";
  return out;
}
}  // namespace

}  // namespace licit
