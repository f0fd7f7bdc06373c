// The syntax phase's entry points: source text -> tokens -> ast::Module. The ANTLR parse tree
// never leaves this phase.
#pragma once

#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/syntax/ast.h"

namespace licit::syntax {

// Limits that keep hostile input from crashing or exhausting the front end.
inline constexpr size_t kMaxSourceBytes = 64u << 20;  // 64 MiB
inline constexpr int kMaxNestingDepth = 256;          // brackets and nested expressions
// The deepest expression tree a declaration may have (long `and`/`or` chains are balanced and
// stay shallow; this bounds chains like `1+1+...` and `a.b.c...` that later phases recurse on).
inline constexpr uint32_t kMaxExpressionDepth = 1000;

struct ParseOptions {
  // Larger files are refused with E0004 (embedders screening untrusted policies may lower it).
  size_t max_source_bytes = kMaxSourceBytes;
  // Parse the whole file into one parse tree first, never one declaration at a time (the two give
  // the same module and diagnostics; tests compare them).
  bool whole_file_tree = false;
};

// Parses one file. Never throws and never fails to return a module: syntax errors are reported
// to `diags` and the module holds every declaration that could be recovered. Invalid UTF-8, NUL
// bytes, oversized files and nesting deeper than kMaxNestingDepth are diagnosed before parsing.
std::unique_ptr<ast::Module> Parse(const SourceManager& sources, FileId file, DiagnosticSink& diags,
                                   const ParseOptions& options = {});

// `licit dump --emit=tokens`: one token per line, "line:col KIND `text`", SEP tokens included.
std::string DumpTokens(const SourceManager& sources, FileId file, DiagnosticSink& diags,
                       const ParseOptions& options = {});

}  // namespace licit::syntax
