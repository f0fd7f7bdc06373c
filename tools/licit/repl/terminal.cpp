// libedit (BSD licence; docs/cli.md says why it rather than GNU readline).
#include "tools/licit/repl/terminal.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <histedit.h>
#include <sys/stat.h>

namespace licit::repl {

std::string HistoryPath() {
  if (const char* p = std::getenv("LICIT_HISTORY_FILE")) return p;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) {
    return std::string(x) + "/licit/history";
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    return std::string(h) + "/.local/state/licit/history";
  }
  return "";
}

struct LineEditor::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  std::string history_path;
  Completer complete;
  WordStartFn word_start;
  std::string prompt;
  bool interrupted = false;
};

namespace {

LineEditor::State* StateOf(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<LineEditor::State*>(data);
}

char* Prompt(EditLine* el) { return const_cast<char*>(StateOf(el)->prompt.c_str()); }

// Ctrl-C: forget the line (and, through Status::Interrupted, any unfinished input).
unsigned char Interrupt(EditLine* el, int) {
  LineEditor::State* s = StateOf(el);
  s->interrupted = true;
  const LineInfo* li = el_line(el);
  el_cursor(el, static_cast<int>(li->lastchar - li->cursor));
  el_deletestr(el, static_cast<int>(li->lastchar - li->buffer));
  std::fputs("^C\n", stdout);
  std::fflush(stdout);
  return CC_NEWLINE;
}

std::string CommonPrefix(const std::vector<std::string>& words) {
  if (words.empty()) return "";
  std::string prefix = words[0];
  for (const std::string& w : words) {
    size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

unsigned char Complete(EditLine* el, int) {
  LineEditor::State* s = StateOf(el);
  const LineInfo* li = el_line(el);
  std::string before(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
  size_t start = s->word_start(before);
  std::string word = before.substr(start);
  std::vector<std::string> matches = s->complete(before);
  if (matches.empty()) return CC_REFRESH_BEEP;
  std::string common = CommonPrefix(matches);
  if (common.size() > word.size()) {
    std::string rest = common.substr(word.size());
    if (matches.size() == 1 && !common.ends_with(".")) rest += ' ';
    el_insertstr(el, rest.c_str());
    return CC_REFRESH;
  }
  if (matches.size() == 1) return CC_REFRESH;
  // Several candidates and nothing more in common: list them under the line.
  std::string list = "\n";
  size_t width = 0;
  for (const std::string& m : matches) width = std::max(width, m.size());
  width += 2;
  size_t per_line = std::max<size_t>(1, 78 / width), shown = 0;
  for (const std::string& m : matches) {
    if (shown == 200) {
      list += "\n... " + std::to_string(matches.size() - shown) + " more";
      break;
    }
    list += m + std::string(width - m.size(), ' ');
    if (++shown % per_line == 0) list += "\n";
  }
  if (list.back() != '\n') list += "\n";
  std::fputs(list.c_str(), stdout);
  return CC_REDISPLAY;
}

}  // namespace

LineEditor::LineEditor(std::string history_path, Completer complete, WordStartFn word_start)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.history_path = std::move(history_path);
  s.complete = std::move(complete);
  s.word_start = std::move(word_start);
  s.el = el_init("licit", stdin, stdout, stderr);
  s.history = history_init();
  HistEvent ev;
  history(s.history, &ev, H_SETSIZE, 1000);
  history(s.history, &ev, H_SETUNIQUE, 1);
  if (!s.history_path.empty()) history(s.history, &ev, H_LOAD, s.history_path.c_str());
  el_set(s.el, EL_CLIENTDATA, &s);
  el_set(s.el, EL_EDITOR, "emacs");
  el_set(s.el, EL_PROMPT, &Prompt);
  el_set(s.el, EL_HIST, history, s.history);
  el_set(s.el, EL_SIGNAL, 1);
  // Ctrl-C is a key here (not SIGINT), so it can clear the line without leaving the REPL.
  el_set(s.el, EL_SETTY, "-d", "-isig", nullptr);
  el_set(s.el, EL_ADDFN, "licit-complete", "complete a command, name, field or country", &Complete);
  el_set(s.el, EL_ADDFN, "licit-interrupt", "forget the line", &Interrupt);
  el_set(s.el, EL_BIND, "^I", "licit-complete", nullptr);
  el_set(s.el, EL_BIND, "^C", "licit-interrupt", nullptr);
}

LineEditor::~LineEditor() {
  if (state_->el) el_end(state_->el);
  if (state_->history) history_end(state_->history);
}

LineEditor::Status LineEditor::Read(const char* prompt, std::string* line) {
  State& s = *state_;
  s.prompt = prompt;
  s.interrupted = false;
  int count = 0;
  const char* text = el_gets(s.el, &count);
  if (s.interrupted) return Status::Interrupted;
  if (text == nullptr || count <= 0) return Status::End;
  std::string_view v(text, static_cast<size_t>(count));
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
  line->assign(v);
  return Status::Line;
}

void LineEditor::Remember(const std::string& input) {
  State& s = *state_;
  if (input.empty()) return;
  HistEvent ev;
  history(s.history, &ev, H_ENTER, input.c_str());
  if (s.history_path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(s.history_path).parent_path(), ec);
  history(s.history, &ev, H_SAVE, s.history_path.c_str());
}

}  // namespace licit::repl
