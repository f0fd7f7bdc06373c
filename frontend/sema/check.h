// The checker's entry points: load root files and their imports, resolve names, type-check and
// report every diagnostic of language.md section 9. The result feeds lowering (ir/) and dumps.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/syntax/ast.h"

namespace licit::sema {

// Everything checking produced for one compilation: every loaded module (roots first, then
// imports, stdlib modules included) with its resolved names and types in side tables.
// Defined in frontend/sema/checked.h.
class CheckedProgram;

struct CheckOptions {
  // When non-empty, `import std.x` reads <stdlib_dir>/std/x.licit instead of the embedded copy
  // (lets tests exercise a modified standard library).
  std::string stdlib_dir;
  // Policy files larger than this are refused (E0004); see syntax::ParseOptions.
  size_t max_source_bytes = 64u << 20;
  // The REPL's probe (licit::Session): the name of a `class` in a root module whose expression is
  // checked as a value of any type (with `probe_record`: as a record literal of the input type)
  // instead of as a condition. It is never reported unused; CheckedProgram::probe() finds it and
  // lowering puts it in ir::Program::probe. Empty (every ordinary compilation): no probe.
  std::string probe;
  bool probe_record = false;
  // Reads a policy file (a root given by path, or a relative import); empty: the file system
  // (ReadFileText). Set to check sources held in memory (the server's /v1/check, an editor's
  // unsaved buffers): nullopt is an unreadable file (E0001 for a root, E0311 for an import).
  std::function<std::optional<std::string>(const std::string& path)> read_file;
};

// Compiles the root files given by path and everything they import. Unreadable files are
// diagnostics (E0001). Never returns null: with errors the program is still usable for dumps.
std::unique_ptr<CheckedProgram> CheckFiles(SourceManager& sources,
                                           const std::vector<std::string>& paths,
                                           DiagnosticSink& diags, const CheckOptions& options = {});

// The same for one root given as text (tests, fuzzers, the REPL). `path` is used in diagnostics
// and to resolve relative imports.
std::unique_ptr<CheckedProgram> CheckSource(SourceManager& sources, std::string path,
                                            std::string text, DiagnosticSink& diags,
                                            const CheckOptions& options = {});

// The same for several roots given as (path, text), in order (the REPL's session: files as last
// read plus its interactive definitions).
std::unique_ptr<CheckedProgram> CheckSources(
    SourceManager& sources, const std::vector<std::pair<std::string, std::string>>& roots,
    DiagnosticSink& diags, const CheckOptions& options = {});

// `licit dump --emit=checked`: each root declaration with resolved names and types.
std::string DumpChecked(const CheckedProgram& program, const SourceManager& sources);

}  // namespace licit::sema
