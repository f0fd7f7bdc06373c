// Reading the REPL's input: at a terminal with libedit (line editing, history across sessions,
// tab completion, Ctrl-C clears the line, Ctrl-D leaves); from a pipe or file line by line.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace licit::repl {

// The history file: $LICIT_HISTORY_FILE when set (empty: no history), else
// $XDG_STATE_HOME/licit/history, else ~/.local/state/licit/history.
std::string HistoryPath();

// Completion candidates for the text before the cursor, and where the word being completed starts.
using Completer = std::function<std::vector<std::string>(const std::string& before_cursor)>;
using WordStartFn = std::function<size_t(const std::string& before_cursor)>;

class LineEditor {
 public:
  // Terminal input on stdin/stdout, with history in `history_path` ("" for none).
  LineEditor(std::string history_path, Completer complete, WordStartFn word_start);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  enum class Status { Line, Interrupted, End };
  // Reads one line (without its newline) after showing `prompt`.
  Status Read(const char* prompt, std::string* line);
  // Adds a complete input to the history (and the history file).
  void Remember(const std::string& input);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace licit::repl
