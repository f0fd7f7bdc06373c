#include "tools/licit/repl/input.h"

#include <array>
#include <cctype>

namespace licit::repl {
namespace {

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// The first word (a name, possibly kebab or dotted).
std::string_view FirstWord(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsNameChar(s[n])) ++n;
  return s.substr(0, n);
}

constexpr std::array<std::string_view, 12> kDeclarationKeywords = {
    "let",     "class", "group",  "rule",   "exception", "suspend",
    "default", "test",  "import", "record", "input",     "policy"};

// `NAME to DESTS: ...` (a concise rule): the word `to` right after the first word.
bool IsConciseRule(std::string_view s) {
  std::string_view first = FirstWord(s);
  if (first.empty()) return false;
  std::string_view rest = TrimLeft(s.substr(first.size()));
  return rest.starts_with("to") &&
         (rest.size() == 2 || std::isspace(static_cast<unsigned char>(rest[2])));
}

}  // namespace

InputKind Classify(std::string_view text) {
  std::string_view s = TrimLeft(text);
  // Comment lines alone (a script's notes) are nothing to do.
  while (s.starts_with("#")) {
    size_t nl = s.find('\n');
    s = nl == std::string_view::npos ? std::string_view() : TrimLeft(s.substr(nl + 1));
  }
  if (s.empty()) return InputKind::Empty;
  if (s.front() == ':') return InputKind::Command;
  if (s.front() == '{') {
    std::string_view inner = TrimLeft(s.substr(1));
    if (inner.starts_with("}")) return InputKind::Record;
    if (inner.starts_with("`")) return InputKind::Record;
    std::string_view word = FirstWord(inner);
    if (!word.empty() && TrimLeft(inner.substr(word.size())).starts_with(":")) {
      return InputKind::Record;
    }
    return InputKind::Expression;  // a set: {JP, KR}
  }
  std::string_view word = FirstWord(s);
  for (std::string_view k : kDeclarationKeywords) {
    if (word == k && (s.size() == k.size() || !IsNameChar(s[k.size()]))) {
      return InputKind::Definition;
    }
  }
  if (IsConciseRule(s)) return InputKind::Definition;
  return InputKind::Expression;
}

int OpenBrackets(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"' || c == '`') {
      // Strings and backquoted names end at their quote or at the end of the line.
      for (++i; i < text.size() && text[i] != c && text[i] != '\n'; ++i) {
        if (c == '"' && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
      }
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    }
  }
  return depth;
}

bool NeedsMoreAtTerminal(std::string_view text) {
  if (OpenBrackets(text) > 0) return true;
  std::string_view all = TrimRight(text);
  if (all.empty()) return false;
  size_t nl = all.rfind('\n');
  std::string_view last = nl == std::string_view::npos ? all : all.substr(nl + 1);
  // Drop a trailing comment.
  if (size_t hash = last.find('#'); hash != std::string_view::npos && OpenBrackets(last) >= 0) {
    last = TrimRight(last.substr(0, hash));
  }
  if (last.empty()) return nl != std::string_view::npos;  // a comment line inside a block
  char end = last.back();
  if (end == ':' || end == ',' || end == '=' || end == '+' || end == '-' || end == '*' ||
      end == '/' || end == '<' || end == '>') {
    return true;
  }
  for (std::string_view op : {" and", " or", " not", " in", " under", " matches", " then", " else",
                              " if", " when", " unless"}) {
    if (last.ends_with(op)) return true;
  }
  // A rule or exception block (`rule NAME:` then clauses): more until an empty line.
  std::string_view first = nl == std::string_view::npos ? all : all.substr(0, all.find('\n'));
  return Classify(first) == InputKind::Definition && TrimRight(first).ends_with(":") &&
         !IsConciseRule(TrimLeft(first));
}

bool ContinuesInScript(std::string_view text, std::string_view next_line) {
  if (TrimRight(next_line).empty()) return false;
  if (OpenBrackets(text) > 0) return true;
  return next_line.front() == ' ' || next_line.front() == '\t';
}

}  // namespace licit::repl
