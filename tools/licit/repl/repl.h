// The REPL's core (tools.md section 2), independent of how lines are read: one complete input
// in, text out. Built only on the public API (licit::Session).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <licit/licit.hpp>

namespace licit::repl {

// Inputs larger than this are refused with a message (a paste that big belongs in a file).
inline constexpr size_t kMaxInputBytes = 64 * 1024;

struct ReplOptions {
  bool color = false;
};

class Repl {
 public:
  Repl(Session& session, ReplOptions options);

  // Handles one complete input (a command, definition, record or expression) and returns what
  // to print (ends with a newline, or is empty). Never throws.
  std::string Handle(std::string_view input);
  // Set by :quit.
  bool quit_requested() const { return quit_; }

  // Completion candidates for the word before the cursor: commands (`:ex` -> `:explain`) when the
  // word starts the line with `:`, else names, fields, functions and country codes.
  std::vector<std::string> Complete(std::string_view line_before_cursor) const;
  // Where the word being completed starts in `line_before_cursor`.
  static size_t WordStart(std::string_view line_before_cursor);

  static const std::vector<std::string>& CommandNames();

 private:
  std::string Command(std::string_view input);
  std::string Definition(std::string_view input);
  std::string RecordInput(std::string_view input);
  std::string Expression(std::string_view input);
  std::string RenderDecision(const Decision& d) const;
  std::string Result(const SessionResult& r) const;
  std::string Paint(std::string_view text, const char* sgr) const;
  std::string Help() const;

  Session& session_;
  ReplOptions options_;
  bool quit_ = false;
};

}  // namespace licit::repl
