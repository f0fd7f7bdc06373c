// The parse tree itself, for the syntax phase's own tools (the AST builder through Parse, and the
// formatter, which needs every token and comment). Internal to the syntax phase: ANTLR types.
#pragma once

#include <functional>

#include "LicitParser.h"
#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/syntax/parse.h"
#include "frontend/syntax/token_source.h"
#include "licit_antlr.h"

namespace licit::syntax {

// Called with the tree, the token stream (every token, comments on the hidden channel and the
// layout's SEP tokens included, each with its index) and the byte offsets, while they are alive.
using ParseTreeUser =
    std::function<void(licit_gen::LicitParser::FileContext* tree, antlr4::CommonTokenStream& tokens,
                       const OffsetMap& offsets)>;

// Lexes and parses `file` as Parse does (the same limits, recovery and syntax diagnostics, on a
// large stack) and hands the tree to `use`. False when no tree was built (bad encoding, nesting
// too deep, an internal parser failure); a tree with syntax errors is still handed over, so
// check `diags` for errors.
bool ParseTree(const SourceFile& file, DiagnosticSink& diags, const ParseOptions& options,
               const ParseTreeUser& use);

}  // namespace licit::syntax
