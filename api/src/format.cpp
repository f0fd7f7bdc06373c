// Engine::format_source (licit.hpp): `licit fmt` and the language server's formatting, on the
// syntax phase's formatter (frontend/syntax/format.h).

#include "frontend/syntax/format.h"

#include <mutex>

#include "api/src/state.h"

namespace licit {

Formatted Engine::format_source(std::string_view name, std::string_view text) const {
  detail::EngineState fallback;
  const detail::EngineState& engine = state_ ? *state_ : fallback;
  auto s = std::make_shared<detail::CompiledState>();
  s->kind = engine.resolved;
  FileId file = s->sources.Add(std::string(name), std::string(text));
  syntax::ParseOptions parse_options;
  parse_options.max_source_bytes = engine.options.max_source_bytes;
  syntax::FormatResult result;
  {
    // ANTLR's shared parser caches are not safe to fill from several threads at once.
    std::lock_guard<std::recursive_mutex> lock(detail::CompileMutex());
    result = syntax::Format(s->sources, file, s->diags, {}, parse_options);
  }
  if (!result.internal_error.empty()) {
    s->extra.push_back(detail::InternalDiagnostic(
        "internal", "internal error: " + result.internal_error + "; the file is left unchanged"));
  }
  s->diags.SortByLocation();
  s->ok = !s->diags.has_errors() && s->extra.empty();
  Formatted out;
  if (result.text && s->ok) {
    out.ok = true;
    out.changed = *result.text != text;
    out.text = std::move(*result.text);
  }
  out.compilation = Compilation(std::move(s));
  return out;
}

}  // namespace licit
