// Myers' O(ND) difference algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986),
// greedy forward search with the trace kept for the backtrack. The common prefix and suffix are
// trimmed first; beyond kMaxEdits differences the rest is shown as one replacement, which is
// still a correct diff, only not a minimal one (a formatter's diff is rarely that large).

#include "tools/licit/unified_diff.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace licit::cli {
namespace {

constexpr int kMaxEdits = 4000;

struct Lines {
  std::vector<std::string_view> lines;
  bool final_newline = true;  // the last line ends in '\n' (or there are no lines)
};

Lines Split(std::string_view text) {
  Lines out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      out.lines.push_back(text.substr(start));
      out.final_newline = false;
      break;
    }
    out.lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

enum class Op : uint8_t { Equal, Delete, Insert };
struct Edit {
  Op op;
  int a, b;  // the line in the old (Equal, Delete) and new (Equal, Insert) text, 0-based
};

// The edit script turning a[0, n) into b[0, m), in order.
std::vector<Edit> Diff(const std::vector<std::string_view>& a,
                       const std::vector<std::string_view>& b) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  int prefix = 0;
  while (prefix < n && prefix < m && a[prefix] == b[prefix]) ++prefix;
  int suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix]) {
    ++suffix;
  }
  int an = n - prefix - suffix, bm = m - prefix - suffix;
  auto A = [&](int i) { return a[prefix + i]; };
  auto B = [&](int j) { return b[prefix + j]; };

  std::vector<Edit> middle;  // built backwards
  int max_d = std::min(an + bm, kMaxEdits);
  int offset = max_d + 1;
  std::vector<int> v(2 * static_cast<size_t>(max_d) + 3, 0);
  // trace[d]: v[k] for k in [-d-1, d+1] before step d.
  std::vector<std::vector<int>> trace;
  int found = -1;
  for (int d = 0; d <= max_d && found < 0; ++d) {
    trace.emplace_back(v.begin() + (offset - d - 1), v.begin() + (offset + d + 2));
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < an && y < bm && A(x) == B(y)) ++x, ++y;
      v[offset + k] = x;
      if (x >= an && y >= bm) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    // Too many differences: one replacement of the whole middle.
    for (int j = bm; j-- > 0;) middle.push_back({Op::Insert, 0, prefix + j});
    for (int i = an; i-- > 0;) middle.push_back({Op::Delete, prefix + i, 0});
  } else {
    int x = an, y = bm;
    for (int d = found; d >= 0; --d) {
      const std::vector<int>& t = trace[static_cast<size_t>(d)];
      auto at = [&](int k) { return t[static_cast<size_t>(k + d + 1)]; };
      int k = x - y;
      int prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      int prev_x = d == 0 ? 0 : at(prev_k);
      int prev_y = prev_x - prev_k;
      if (d == 0) prev_y = 0;
      while (x > prev_x && y > prev_y) {
        --x, --y;
        middle.push_back({Op::Equal, prefix + x, prefix + y});
      }
      if (d > 0) {
        if (x == prev_x) {
          middle.push_back({Op::Insert, 0, prefix + prev_y});
        } else {
          middle.push_back({Op::Delete, prefix + prev_x, 0});
        }
      }
      x = prev_x, y = prev_y;
    }
  }
  std::vector<Edit> out;
  for (int i = 0; i < prefix; ++i) out.push_back({Op::Equal, i, i});
  out.insert(out.end(), middle.rbegin(), middle.rend());
  for (int i = 0; i < suffix; ++i) out.push_back({Op::Equal, n - suffix + i, m - suffix + i});
  return out;
}

// A line as diff prints it; a key ending in NUL is a last line without its newline.
void AppendLine(std::string& out, char mark, std::string_view key) {
  bool no_newline = !key.empty() && key.back() == '\0';
  if (no_newline) key.remove_suffix(1);
  out += mark;
  out += key;
  out += '\n';
  if (no_newline) out += "\\ No newline at end of file\n";
}

std::string Range(int start, int count) {
  // diff -u: a range of one line is its line number alone; an empty range names the line before.
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", count == 0 ? start : start + 1, count);
}

}  // namespace

std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label, int context) {
  if (old_text == new_text) return {};
  Lines a = Split(old_text), b = Split(new_text);
  // A last line without its newline differs from the same line with one: it is compared with a
  // NUL appended (a policy's text has none) and printed with diff's marker.
  std::vector<std::string> a_keys(a.lines.begin(), a.lines.end());
  std::vector<std::string> b_keys(b.lines.begin(), b.lines.end());
  if (!a.final_newline) a_keys.back() += '\0';
  if (!b.final_newline) b_keys.back() += '\0';
  std::vector<std::string_view> al(a_keys.begin(), a_keys.end());
  std::vector<std::string_view> bl(b_keys.begin(), b_keys.end());
  std::vector<Edit> edits = Diff(al, bl);

  std::string out = fmt::format("--- {}\n+++ {}\n", old_label, new_label);
  size_t i = 0;
  while (i < edits.size()) {
    while (i < edits.size() && edits[i].op == Op::Equal) ++i;
    if (i == edits.size()) break;
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is within 2 * context equal lines of the one before it.
    size_t begin = i >= static_cast<size_t>(context) ? i - static_cast<size_t>(context) : 0;
    size_t end = i;
    for (;;) {
      while (end < edits.size() && edits[end].op != Op::Equal) ++end;
      size_t equal_run = end;
      while (equal_run < edits.size() && edits[equal_run].op == Op::Equal) ++equal_run;
      if (equal_run < edits.size() && equal_run - end <= 2 * static_cast<size_t>(context)) {
        end = equal_run;
        continue;
      }
      end = std::min(edits.size(), end + static_cast<size_t>(context));
      break;
    }
    int a_start = -1, b_start = -1, a_count = 0, b_count = 0;
    int a_next = 0, b_next = 0;  // where the hunk starts when one side is empty
    for (size_t e = 0; e < begin; ++e) {
      if (edits[e].op != Op::Insert) a_next = edits[e].a + 1;
      if (edits[e].op != Op::Delete) b_next = edits[e].b + 1;
    }
    std::string body;
    for (size_t e = begin; e < end; ++e) {
      const Edit& ed = edits[e];
      if (ed.op != Op::Insert) {
        if (a_start < 0) a_start = ed.a;
        ++a_count;
      }
      if (ed.op != Op::Delete) {
        if (b_start < 0) b_start = ed.b;
        ++b_count;
      }
      switch (ed.op) {
        case Op::Equal:
        case Op::Delete:
          AppendLine(body, ed.op == Op::Equal ? ' ' : '-', al[static_cast<size_t>(ed.a)]);
          break;
        case Op::Insert: AppendLine(body, '+', bl[static_cast<size_t>(ed.b)]); break;
      }
    }
    if (a_start < 0) a_start = a_next;
    if (b_start < 0) b_start = b_next;
    out += fmt::format("@@ -{} +{} @@\n", Range(a_start, a_count), Range(b_start, b_count));
    out += body;
    i = end;
  }
  return out;
}

}  // namespace licit::cli
