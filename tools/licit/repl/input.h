// How the REPL reads what is typed: which kind of input a text is, and whether it is complete
// (language.md section 2: an indented line or an open bracket continues a declaration; an empty
// line ends it).
#pragma once

#include <string>
#include <string_view>

namespace licit::repl {

enum class InputKind { Empty, Command, Definition, Record, Expression };

// `:cmd ...` is a command; a declaration keyword (or a concise rule `CLASS to DESTS: ...`) a
// definition; `{field: ...}` or `{}` a record literal; anything else an expression.
InputKind Classify(std::string_view text);

// How many brackets ( [ { are open at the end of `text`, ignoring strings, backquoted names and
// comments. Negative when more are closed than opened.
int OpenBrackets(std::string_view text);

// At a terminal, where the next line cannot be seen in advance: whether `text` (the lines typed
// so far) needs another line. True while a bracket is open or the last line ends with `:`, `,`,
// `=` or an operator, and, for a declaration whose first line ends with `:` (a rule or exception
// block), until an empty line.
bool NeedsMoreAtTerminal(std::string_view text);

// From a script (stdin not a terminal): whether `next_line` continues `text`, as in a file
// (indented, or a bracket is open).
bool ContinuesInScript(std::string_view text, std::string_view next_line);

}  // namespace licit::repl
