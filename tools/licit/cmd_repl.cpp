// `licit repl [FILE...]`: the interactive prompt (tools.md section 2). Built on the public API
// (licit::Session); tools/licit/repl/ has the core (repl.cpp), input rules (input.cpp) and the
// terminal (terminal.cpp, libedit). With stdin not a terminal it reads inputs line by line and
// prints only results, so sessions can be scripted and tested (tests/golden/repl).

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include <licit/licit.hpp>

#include "tools/licit/commands.h"
#include "tools/licit/repl/input.h"
#include "tools/licit/repl/repl.h"
#include "tools/licit/repl/terminal.h"

namespace licit::cli {
namespace {

constexpr int kOk = 0, kPolicyErrors = 1, kUsage = 2;

void Out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

int Usage(const std::string& message) {
  std::fputs(fmt::format("licit repl: {}\n(see `licit repl --help`)\n", message).c_str(), stderr);
  return kUsage;
}

// Stdin not a terminal: inputs one per line, a declaration continued by indented lines (or while
// a bracket is open), as in a file.
void RunScript(repl::Repl& r) {
  std::string line;
  std::optional<std::string> next;
  auto take = [&](std::string* out) -> bool {
    if (next) {
      *out = std::move(*next);
      next.reset();
      return true;
    }
    if (!std::getline(std::cin, *out)) return false;
    if (!out->empty() && out->back() == '\r') out->pop_back();
    return true;
  };
  while (take(&line)) {
    std::string input = line;
    if (repl::Classify(input) != repl::InputKind::Command) {
      std::string peeked;
      while (take(&peeked)) {
        if (!repl::ContinuesInScript(input, peeked)) {
          next = std::move(peeked);
          break;
        }
        input += "\n" + peeked;
        if (input.size() > repl::kMaxInputBytes) break;  // refused whole by Handle
      }
    }
    Out(r.Handle(input));
    if (r.quit_requested()) return;
  }
}

void RunTerminal(repl::Repl& r) {
  repl::LineEditor editor(
      repl::HistoryPath(), [&](const std::string& before) { return r.Complete(before); },
      [](const std::string& before) { return repl::Repl::WordStart(before); });
  Out("Licit " + std::string(licit::version()) +
      " REPL: type a record, an expression or a declaration; :help for commands, Ctrl-D to "
      "leave.\n");
  while (true) {
    std::string input, line;
    bool first = true, interrupted = false, ended = false;
    while (true) {
      auto status = editor.Read(first ? "licit> " : "  ...> ", &line);
      if (status == repl::LineEditor::Status::Interrupted) {
        interrupted = true;
        break;
      }
      if (status == repl::LineEditor::Status::End) {
        ended = true;
        break;
      }
      bool blank = line.find_first_not_of(" \t") == std::string::npos;
      if (blank) {
        if (first) continue;
        break;  // an empty line ends a declaration
      }
      input += (first ? "" : "\n") + line;
      first = false;
      if (repl::Classify(input) == repl::InputKind::Command || !repl::NeedsMoreAtTerminal(input)) {
        break;
      }
    }
    if (interrupted) continue;
    if (!input.empty()) {
      if (input.size() <= repl::kMaxInputBytes) editor.Remember(input);  // not a runaway paste
      Out(r.Handle(input));
      if (r.quit_requested()) return;
    }
    if (ended) {
      Out("\n");
      return;
    }
  }
}

int RunRepl(std::span<const std::string> args) {
  std::vector<std::string> files;
  std::string engine = "default", color = "auto";
  std::optional<std::string> as_of;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string_view option, std::string* out) -> std::optional<bool> {
      if (a == option) {
        if (i + 1 >= args.size()) return false;
        *out = args[++i];
        return true;
      }
      if (a.starts_with(std::string(option) + "=")) {
        *out = a.substr(option.size() + 1);
        return true;
      }
      return std::nullopt;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      Out(std::string(kReplCommand.help));
      return kOk;
    }
    if (auto r = value("--engine", &engine)) {
      if (!*r) return Usage("--engine needs a value (interp or jit)");
    } else if (auto r2 = value("--color", &color)) {
      if (!*r2) return Usage("--color needs a value (auto, always or never)");
    } else if (auto r3 = value("--as-of", &v)) {
      if (!*r3) return Usage("--as-of needs a date");
      as_of = v;
    } else if (a.starts_with("--")) {
      return Usage(fmt::format("unknown option `{}`", a));
    } else {
      files.push_back(a);
    }
  }
  SessionOptions options;
  if (engine == "interp") {
    options.engine.engine = EngineKind::Interpreter;
  } else if (engine == "jit") {
    if (!jit_available()) return Usage("this build has no JIT; use --engine=interp");
    options.engine.engine = EngineKind::Jit;
  } else if (engine != "default") {
    return Usage(fmt::format("--engine takes interp or jit, not `{}`", engine));
  }
  if (color != "auto" && color != "always" && color != "never") {
    return Usage(fmt::format("--color takes auto, always or never, not `{}`", color));
  }
  const bool terminal = isatty(STDIN_FILENO) == 1;
  options.color = color == "always" || (color == "auto" && terminal && isatty(STDOUT_FILENO) == 1 &&
                                        std::getenv("NO_COLOR") == nullptr);
  Session session(options);
  if (as_of) {
    std::string error;
    if (!session.set_as_of(*as_of, &error)) return Usage(error);
  }
  if (!files.empty()) {
    SessionResult loaded = session.load(files);
    if (!loaded.ok) {
      std::fputs(loaded.diagnostics.c_str(), stderr);
      if (!loaded.message.empty()) std::fputs(("error: " + loaded.message + "\n").c_str(), stderr);
      return kPolicyErrors;
    }
    std::fputs(loaded.diagnostics.c_str(), stderr);  // warnings
  }
  repl::Repl r(session, repl::ReplOptions{options.color});
  if (terminal) {
    RunTerminal(r);
  } else {
    RunScript(r);
  }
  return kOk;
}

}  // namespace

const Command kReplCommand = {
    "repl", "interactive prompt: try records, expressions and rules on a policy",
    "Usage: licit repl [FILE...] [--engine=interp|jit] [--as-of DATE] [--color=auto|always|never]\n"
    "\n"
    "Opens a prompt with the policy files loaded (without files, an empty policy importing\n"
    "std.trade). Type a record literal to see its decision, an expression to see its value and\n"
    "type, or a declaration to add or replace it; :help lists the commands (:explain, :rules,\n"
    "    :show, :load, :reload, :test, :as-of, :engine, :save, :quit). History is kept in\n"
    "$LICIT_HISTORY_FILE, else $XDG_STATE_HOME/licit/history, else ~/.local/state/licit/history.\n"
    "With stdin not a terminal, inputs are read one per line and only results are printed.\n"
    "\n"
    "Example:\n"
    "  licit repl examples/cn-japan-2026.licit\n"
    "  licit> {destination: JP, date: 2026-03-01, item: {cn: \"1C902\"}}\n",
    &RunRepl};

}  // namespace licit::cli
