// Engine::dump_files (licit.hpp): one stage of the compiler printed, `licit dump --emit=STAGE`.

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/src/state.h"
#include "engines/jit/codegen.h"
#include "frontend/pipeline.h"
#include "frontend/syntax/ast.h"
#include "frontend/syntax/parse.h"

namespace licit {
namespace {

// Reads a whole file; nullopt with *error set (strerror text) when it cannot be read.
std::optional<std::string> ReadFileText(const std::string& path, std::string* error) {
  // POSIX calls rather than ifstream: ifstream "opens" a directory and reads it as empty.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    *error = std::strerror(EISDIR);
    return std::nullopt;
  }
  std::string text;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::strerror(errno);
      close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

// Reads one file into `sources`. An unreadable file is a diagnostic (E0001), as in `check`.
std::optional<FileId> LoadFile(const std::string& path, SourceManager& sources,
                               DiagnosticSink& diags) {
  std::string error;
  auto text = ReadFileText(path, &error);
  if (!text) {
    diags.Report(DiagKind::FileNotFound, Span{}, fmt::format("cannot read `{}`: {}", path, error));
    return std::nullopt;
  }
  return sources.Add(path, std::move(*text));
}

constexpr const char* kStageNames[] = {"tokens", "ast", "checked", "ir", "llvm"};

// Checked, Ir and Llvm: the files compiled together.
std::string DumpCompiled(const detail::EngineState& engine, const std::vector<std::string>& paths,
                         DumpStage stage, detail::CompiledState& s) {
  frontend::PipelineOptions options;
  options.check = detail::CheckOptionsOf(engine);
  options.lower = stage != DumpStage::Checked;
  frontend::Compiled compiled = frontend::CompileFiles(s.sources, paths, s.diags, options);
  s.checked = std::move(compiled.checked);
  if (stage == DumpStage::Checked) return sema::DumpChecked(*s.checked, s.sources);
  // Lowering needs a program without errors; with errors only the diagnostics are shown.
  for (std::string& message : compiled.internal)
    s.extra.push_back(detail::InternalDiagnostic("internal", std::move(message)));
  std::unique_ptr<ir::Program> ir = std::move(compiled.program);
  if (!ir) return {};
  if (stage == DumpStage::Ir) return ir::Print(*ir);
  std::string llvm_error;
  std::string text = codegen::DumpLlvm(*ir, &llvm_error);
  if (llvm_error.empty()) return text;
  s.extra.push_back(detail::InternalDiagnostic("internal", "internal error: " + llvm_error));
  return {};
}

}  // namespace

const char* dump_stage_name(DumpStage s) noexcept {
  auto i = static_cast<size_t>(s);
  return i < std::size(kStageNames) ? kStageNames[i] : "?";
}

std::optional<DumpStage> parse_dump_stage(std::string_view name) noexcept {
  for (size_t i = 0; i < std::size(kStageNames); ++i) {
    if (name == kStageNames[i]) return static_cast<DumpStage>(i);
  }
  return std::nullopt;
}

Dump Engine::dump_files(const std::vector<std::string>& paths, DumpStage stage) const {
  detail::EngineState fallback;
  const detail::EngineState& engine = state_ ? *state_ : fallback;
  std::lock_guard<std::recursive_mutex> lock(detail::CompileMutex());
  auto s = std::make_shared<detail::CompiledState>();
  s->kind = engine.resolved;
  Dump out;
  if (stage == DumpStage::Tokens || stage == DumpStage::Ast) {
    // They stop before name resolution, so they work on files that do not check.
    for (const std::string& path : paths) {
      auto file = LoadFile(path, s->sources, s->diags);
      if (!file) continue;
      if (stage == DumpStage::Tokens) {
        out.text += syntax::DumpTokens(s->sources, *file, s->diags);
      } else {
        out.text += ast::DumpAst(*syntax::Parse(s->sources, *file, s->diags), s->sources);
      }
    }
  } else {
    out.text = DumpCompiled(engine, paths, stage, *s);
  }
  s->diags.SortByLocation();
  s->ok = !s->diags.has_errors() && s->extra.empty() &&
          !(engine.options.warnings_as_errors && s->diags.warning_count() > 0);
  out.compilation = Compilation(std::move(s));
  return out;
}

}  // namespace licit
