// `licit fmt --diff`'s unified diff against GNU diff's (`diff -u`; diffutils is part of every
// Debian system): identical on hand-picked cases; on random pairs of texts (where several
// minimal diffs exist and the two tools may pick different ones), applying ours to the old text
// gives the new one, its context lines are right, and it changes no more lines than GNU's.

#include "tools/licit/unified_diff.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

namespace {

std::string GnuDiff(const std::string& a, const std::string& b) {
  char dir[] = "/tmp/licit-diff-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string pa = std::string(dir) + "/a", pb = std::string(dir) + "/b";
  std::ofstream(pa, std::ios::binary) << a;
  std::ofstream(pb, std::ios::binary) << b;
  std::string cmd = "diff -u --label old --label new " + pa + " " + pb;
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  unlink(pa.c_str());
  unlink(pb.c_str());
  rmdir(dir);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Applies a unified diff to `old_text`; "" (and a failed CHECK) when a context or removed line
// does not match. Each line of the result ends in a newline, but for a last line without one:
// the old text's last line when it is kept (as context, or outside every hunk), or a new line
// that the diff marks "\\ No newline at end of file".
std::string Apply(const std::string& old_text, const std::string& diff) {
  std::vector<std::string> old_lines = Lines(old_text), d = Lines(diff);
  bool old_no_newline = !old_text.empty() && old_text.back() != '\n';
  std::vector<std::pair<std::string, bool>> out;  // line, has no newline
  size_t at = 0;                                  // next old line to copy
  auto keep_old = [&] {
    bool last = at + 1 == old_lines.size();
    out.emplace_back(old_lines.at(at++), last && old_no_newline);
  };
  for (size_t i = 2; i < d.size(); ++i) {
    const std::string& l = d[i];
    if (l.rfind("@@ -", 0) == 0) {
      size_t start = std::stoul(l.substr(4));
      size_t comma = l.find(',');
      size_t space = l.find(' ', 4);
      bool empty_range =
          comma != std::string::npos && comma < space && l.substr(comma + 1, 1) == "0";
      size_t first = empty_range ? start : start - 1;
      while (at < first) keep_old();
      continue;
    }
    if (l.rfind("\\", 0) == 0) {
      if (d[i - 1][0] == '+') out.back().second = true;
      continue;
    }
    char mark = l[0];
    std::string text = l.substr(1);
    if (mark == ' ' || mark == '-') {
      CHECK(at < old_lines.size());
      if (at >= old_lines.size() || old_lines[at] != text) return {};
      if (mark == ' ') {
        keep_old();
      } else {
        ++at;
      }
    } else {
      out.emplace_back(text, false);
    }
  }
  while (at < old_lines.size()) keep_old();
  std::string result;
  for (const auto& [line, no_newline] : out) result += line + (no_newline ? "" : "\n");
  return result;
}

size_t ChangedLines(const std::string& diff) {
  size_t n = 0;
  std::vector<std::string> d = Lines(diff);
  for (size_t i = 2; i < d.size(); ++i) n += !d[i].empty() && (d[i][0] == '+' || d[i][0] == '-');
  return n;
}

void Same(const std::string& a, const std::string& b) {
  INFO("old:\n" << a << "\nnew:\n" << b);
  CHECK(licit::cli::UnifiedDiff(a, b, "old", "new") == GnuDiff(a, b));
}

}  // namespace

TEST_CASE("unified diff: equal texts give nothing", "[diff]") {
  CHECK(licit::cli::UnifiedDiff("a\nb\n", "a\nb\n", "old", "new").empty());
}

TEST_CASE("unified diff: the cases diff -u is particular about", "[diff]") {
  Same("", "a\n");
  Same("a\n", "");
  Same("a\nb\nc\n", "a\nB\nc\n");
  Same("a\nb\nc", "a\nb\nc\n");  // only the final newline differs
  Same("a\nb\nc\n", "a\nb\nc");
  Same("a\nb", "a\nc");
  Same("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
       "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nY\n15\n");    // two hunks
  Same("1\n2\n3\n4\n5\n6\n7\n8\n", "1\nX\n3\n4\n5\n6\n7\nY\n");  // merged: 6 lines apart
}

TEST_CASE("unified diff: random texts agree with diff -u", "[diff]") {
  std::mt19937 rng(20261206);
  for (int round = 0; round < 300; ++round) {
    std::uniform_int_distribution<int> len(0, 30), word(0, 5), edit(0, 9);
    std::string a, b;
    int n = len(rng);
    for (int i = 0; i < n; ++i) {
      std::string line = "line " + std::to_string(word(rng)) + "\n";
      a += line;
      int e = edit(rng);
      if (e == 0) continue;                                        // deleted
      if (e == 1) b += "new " + std::to_string(word(rng)) + "\n";  // replaced
      if (e == 2) b += "inserted\n";                               // inserted before
      if (e != 1) b += line;
    }
    if (round % 7 == 0 && !a.empty()) a.pop_back();  // no final newline
    if (round % 11 == 0 && !b.empty()) b.pop_back();
    INFO("old:\n" << a << "\nnew:\n" << b);
    std::string ours = licit::cli::UnifiedDiff(a, b, "old", "new");
    if (a == b) {
      CHECK(ours.empty());
      continue;
    }
    INFO("diff:\n" << ours);
    CHECK(Apply(a, ours) == b);
    CHECK(ChangedLines(ours) <= ChangedLines(GnuDiff(a, b)));
  }
}
