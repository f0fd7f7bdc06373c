// `licit fmt`: the canonical layout of a policy file (docs/cli.md, "licit fmt"). Built on the
// parse tree, so it sees every token and comment; nothing is reordered, and the tokens of the
// output are the input's except for a trailing comma in a bracketed list, which is present exactly
// when the list is broken over lines.
#pragma once

#include <optional>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/syntax/parse.h"

namespace licit::syntax {

struct FormatOptions {
  int width = 100;  // columns, counted in code points; a longer token stays on its own line
};

struct FormatResult {
  // The formatted text; nullopt when the file has errors of the syntax phase (lexical and syntax
  // errors, and those the AST builder reports, such as a clause given twice), which go to the
  // sink: a file that does not parse is never rewritten. Also nullopt on an internal error.
  std::optional<std::string> text;
  // Set when the formatter's own check found that its output would not lex to the input's
  // tokens and comments (a bug in the formatter): the caller must leave the file alone.
  std::string internal_error;
};

FormatResult Format(const SourceManager& sources, FileId file, DiagnosticSink& diags,
                    const FormatOptions& options = {}, const ParseOptions& parse_options = {});

}  // namespace licit::syntax
