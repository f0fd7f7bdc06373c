// licit::Session (licit.hpp, "Session"): the REPL's workspace over the compiler. Every change
// recompiles the whole source set: the files as last read, the first of them (or an implicit
// policy importing std.trade) overlaid with the interactive definitions. A definition that
// redeclares a name of the first file blanks that declaration out of the compiled text (line
// numbers of the file stay the same); one that redeclares an earlier definition replaces it.
// Records and expressions are compiled as the checker's probe (sema::CheckOptions::probe): a
// `class` whose expression is a value of any type, or a record literal, appended to the overlay.

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "api/src/state.h"
#include "base/date.h"
#include "base/iso_codes.h"
#include "core/builtins.h"
#include "frontend/syntax/parse.h"

namespace licit {

using detail::CompiledState;
using detail::DecisionData;

namespace detail {

constexpr const char* kImplicitPath = "<repl>";
constexpr const char* kImplicitPolicy = "policy repl\nimport std.trade\n";
constexpr const char* kProbeName = "__licit_probe";

struct SessionFile {
  std::string path;
  std::string text;
};

struct SessionDefinition {
  std::vector<std::string> names;  // the names it declares ("default" for a default)
  std::string kind;                // of its first declaration: "rule", "class", ...
  std::string text;
};

// The compiled text of one session state, with where each piece of typed input sits in the
// first root's text (to point diagnostics and locations into `<repl>`).
struct Composition {
  std::vector<std::pair<std::string, std::string>> roots;
  std::string primary_path;
  struct Chunk {
    size_t begin = 0, end = 0;
  };
  std::vector<Chunk> chunks;  // one per definition, then the probe's
};

struct SessionState {
  SessionOptions options;
  EngineKind kind = EngineKind::Interpreter;
  std::vector<SessionFile> files;
  std::vector<SessionDefinition> defs;
  std::set<std::string>
      shadowed;  // names of the first file whose declaration a definition replaced
  std::shared_ptr<const CompiledState> current;
  Composition composition;  // of `current`
  std::optional<std::string> as_of;
  std::optional<DayNumber> as_of_day;

  bool has_record = false;
  std::string record_text;
  // The record is built from a probe compilation's constants, which it points into.
  mutable std::shared_ptr<const CompiledState> record_owner;
  mutable std::unique_ptr<rt::Record> record;
};

}  // namespace detail

namespace {

using detail::Composition;
using detail::SessionDefinition;

// Whether the session holds a compiled policy (only not when even its starting point failed to
// compile, e.g. with EngineOptions::stdlib_dir pointing nowhere).
bool Usable(const detail::SessionState& s) {
  return s.current && s.current->ok && s.current->program && s.current->checked;
}
using detail::SessionFile;
using detail::SessionState;

// The declarations a piece of text makes: (name, kind) in order. Parsed alone (the missing policy
// header and any syntax error are reported later, by the real compilation).
std::vector<std::pair<std::string, std::string>> DeclaredNames(std::string_view text,
                                                               bool* has_policy = nullptr,
                                                               std::vector<Span>* spans = nullptr) {
  SourceManager sources;
  FileId file = sources.Add("<repl>", std::string(text));
  DiagnosticSink ignored;
  std::unique_ptr<ast::Module> module = syntax::Parse(sources, file, ignored);
  std::vector<std::pair<std::string, std::string>> out;
  if (!module) return out;
  for (const ast::Decl* d : module->decls()) {
    if (d == nullptr) continue;
    if (d->kind == ast::DeclKind::Policy && has_policy) *has_policy = true;
    std::string name;
    if (const ast::Ident* id = ast::DeclName(*d)) name = id->text;
    if (d->kind == ast::DeclKind::Default) name = "default";
    out.emplace_back(name, ast::DeclKindName(d->kind));
    if (spans) spans->push_back(d->span);
  }
  return out;
}

// The first file's text with the declarations of `shadowed` names blanked (newlines kept, so
// every other line keeps its number).
std::string BlankShadowed(const std::string& text, const std::set<std::string>& shadowed) {
  if (shadowed.empty()) return text;
  std::vector<Span> spans;
  auto names = DeclaredNames(text, nullptr, &spans);
  std::string out = text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].first.empty() || !shadowed.count(names[i].first)) continue;
    for (uint32_t k = spans[i].begin; k < spans[i].end && k < out.size(); ++k) {
      if (out[k] != '\n') out[k] = ' ';
    }
  }
  return out;
}

Composition Compose(const std::vector<SessionFile>& files,
                    const std::vector<SessionDefinition>& defs,
                    const std::set<std::string>& shadowed, std::string_view probe) {
  Composition c;
  std::string primary;
  if (files.empty()) {
    c.primary_path = detail::kImplicitPath;
    primary = detail::kImplicitPolicy;
  } else {
    c.primary_path = files[0].path;
    primary = BlankShadowed(files[0].text, shadowed);
  }
  auto add = [&](std::string_view prefix, std::string_view text) {
    if (!primary.empty() && primary.back() != '\n') primary += '\n';
    primary += prefix;
    Composition::Chunk chunk{primary.size(), primary.size() + text.size()};
    primary += text;
    primary += '\n';
    c.chunks.push_back(chunk);
  };
  for (const SessionDefinition& d : defs) add("", d.text);
  if (!probe.empty()) add(std::string("class ") + detail::kProbeName + " = ", probe);
  c.roots.emplace_back(c.primary_path, std::move(primary));
  for (size_t i = 1; i < files.size(); ++i) c.roots.emplace_back(files[i].path, files[i].text);
  return c;
}

std::shared_ptr<const CompiledState> Build(const SessionState& s, const Composition& c,
                                           EngineKind kind, bool probe, bool probe_record) {
  return detail::CompileRootTexts(s.options.engine, kind, c.roots, probe ? detail::kProbeName : "",
                                  probe_record);
}

// The first root's FileId in a compilation.
std::optional<FileId> PrimaryFile(const CompiledState& state, const Composition& c) {
  for (size_t i = 0; i < state.sources.size(); ++i) {
    if (state.sources.Get(static_cast<FileId>(i)).path() == c.primary_path) {
      return static_cast<FileId>(i);
    }
  }
  return std::nullopt;
}

// Which chunk of typed input a span of the first root falls in (its end included, for "expected
// ... after this" at the end of the input).
std::optional<size_t> ChunkOf(const Composition& c, std::optional<FileId> primary, Span span) {
  if (!primary || !span.valid() || span.file != *primary) return std::nullopt;
  for (size_t i = 0; i < c.chunks.size(); ++i) {
    const Composition::Chunk& k = c.chunks[i];
    bool last = i + 1 == c.chunks.size();
    if (span.begin >= k.begin && (span.begin <= k.end || last)) return i;
  }
  return std::nullopt;
}

// Rewrites every "<first root>:LINE:COL" in `text` that points into typed input to
// "<repl>:LINE:COL" counted in that input, as diagnostics show it.
void Relocate(const CompiledState& state, const Composition& c, std::string& text) {
  if (c.chunks.empty()) return;
  auto primary = PrimaryFile(state, c);
  if (!primary) return;
  const std::string& composed = state.sources.Get(*primary).text();
  const std::string needle = c.primary_path + ":";
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    size_t p = at + needle.size(), q = p;
    while (q < text.size() && std::isdigit(static_cast<unsigned char>(text[q]))) ++q;
    if (q == p || q - p > 9) continue;
    size_t line = std::stoul(text.substr(p, q - p));
    // The byte offset where that line starts in the composed text.
    size_t offset = 0;
    for (size_t l = 1; l < line && offset != std::string::npos; ++l) {
      offset = composed.find('\n', offset);
      if (offset != std::string::npos) ++offset;
    }
    if (offset == std::string::npos) continue;
    auto chunk = ChunkOf(
        c, primary, Span{*primary, static_cast<uint32_t>(offset), static_cast<uint32_t>(offset)});
    if (!chunk) continue;
    size_t first_line =
        1 + static_cast<size_t>(std::count(
                composed.begin(),
                composed.begin() + static_cast<std::ptrdiff_t>(c.chunks[*chunk].begin), '\n'));
    std::string replacement = "<repl>:" + std::to_string(line - first_line + 1);
    text.replace(at, q - at, replacement);
    at += replacement.size() - 1;
  }
}

// Renders a compilation's diagnostics with spans inside typed input shown against that input
// as `<repl>`. Errors are all shown; warnings only those about chunk `focus` (all when npos).
std::string RenderDiagnostics(const CompiledState& state, const Composition& c, size_t focus,
                              bool color, size_t* errors, size_t* warnings, bool probe = false) {
  constexpr size_t kAll = static_cast<size_t>(-1);
  std::optional<FileId> primary = PrimaryFile(state, c);
  SourceManager display;
  for (size_t i = 0; i < state.sources.size(); ++i) {
    const SourceFile& f = state.sources.Get(static_cast<FileId>(i));
    display.Add(f.path(), std::string(f.text()));
  }
  std::vector<FileId> chunk_files;
  const std::string* primary_text = primary ? &state.sources.Get(*primary).text() : nullptr;
  for (const Composition::Chunk& k : c.chunks) {
    std::string text = primary_text && k.end <= primary_text->size()
                           ? primary_text->substr(k.begin, k.end - k.begin)
                           : std::string();
    chunk_files.push_back(display.Add("<repl>", std::move(text)));
  }
  auto remap = [&](Span span) {
    auto chunk = ChunkOf(c, primary, span);
    if (!chunk) return span;
    const Composition::Chunk& k = c.chunks[*chunk];
    uint32_t size = static_cast<uint32_t>(k.end - k.begin);
    uint32_t begin = std::min<uint32_t>(span.begin - static_cast<uint32_t>(k.begin), size);
    uint32_t end = span.end >= k.begin ? static_cast<uint32_t>(span.end - k.begin) : begin;
    end = std::clamp<uint32_t>(end, begin, size);
    return Span{chunk_files[*chunk], begin, end};
  };
  std::vector<Diagnostic> shown;
  size_t e = 0, w = 0;
  for (const Diagnostic& d : state.diags.all()) {
    auto chunk = ChunkOf(c, primary, d.span);
    if (d.severity != Severity::Error) {
      if (focus != kAll && (!chunk || *chunk != focus)) continue;
      // A declaration typed before the rule that uses it is normal at a prompt.
      if (focus != kAll && d.kind == DiagKind::Unused) continue;
      ++w;
    } else {
      ++e;
    }
    Diagnostic copy = d;
    copy.span = remap(d.span);
    if (chunk && d.kind == DiagKind::InvalidUtf8) {
      copy.message = "invalid UTF-8 at byte " + std::to_string(copy.span.begin);
    }
    if (probe && chunk && *chunk + 1 == c.chunks.size()) {
      // The probe is compiled as a declaration the user never wrote: do not name it.
      std::erase_if(copy.notes,
                    [](const std::string& n) { return n.starts_with("while reading"); });
    }
    for (DiagLabel& l : copy.secondary) l.span = remap(l.span);
    shown.push_back(std::move(copy));
  }
  RenderOptions render;
  render.color = color;
  std::string out = shown.empty() ? std::string() : RenderAllText(display, shown, render);
  for (const DiagnosticInfo& d : state.extra) {
    out += "error: " + d.message + "\n";
    ++e;
  }
  if (errors) *errors = e;
  if (warnings) *warnings = w;
  return out;
}

constexpr size_t kAllWarnings = static_cast<size_t>(-1);

SessionResult Failure(std::string message) {
  SessionResult r;
  r.message = std::move(message);
  return r;
}

// A record laid out for `state`'s input, filled from a record probe's slot assignments.
std::unique_ptr<rt::Record> RecordFromProbe(const CompiledState& state) {
  const ir::Program& p = *state.program;
  auto record = std::make_unique<rt::Record>(&p.input);
  if (p.probe) {
    for (const auto& [slot, constant] : p.probe->record) record->slot(slot) = p.constants[constant];
  }
  return record;
}

std::string Trimmed(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ' ||
                     text[end - 1] == '\t')) {
    --end;
  }
  size_t begin = 0;
  while (begin < end && (text[begin] == '\n' || text[begin] == '\r')) ++begin;
  return std::string(text.substr(begin, end - begin));
}

Decision ErrorOf(std::string message) {
  Decision d;
  rt::Decision raw;
  raw.effect = rt::Effect::Error;
  raw.error = std::move(message);
  DecisionData::Set(d, std::move(raw), ErrorKind::Record);
  return d;
}

}  // namespace

Session::Session(SessionOptions options) : state_(std::make_unique<SessionState>()) {
  SessionState& s = *state_;
  s.options = std::move(options);
  EngineKind k = s.options.engine.engine;
  s.kind =
      k == EngineKind::Default ? (jit_available() ? EngineKind::Jit : EngineKind::Interpreter) : k;
  s.composition = Compose(s.files, s.defs, s.shadowed, {});
  s.current = Build(s, s.composition, s.kind, false, false);
  if (!s.current->ok && s.kind == EngineKind::Jit) {
    s.kind = EngineKind::Interpreter;  // no JIT in this build: the session still works
    s.current = Build(s, s.composition, s.kind, false, false);
  }
}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

namespace {

// Compiles a new state; on success installs it in `s` and returns ok with warnings rendered.
SessionResult Commit(SessionState& s, std::vector<SessionFile> files,
                     std::vector<SessionDefinition> defs, std::set<std::string> shadowed,
                     EngineKind kind, size_t focus) {
  Composition c = Compose(files, defs, shadowed, {});
  std::shared_ptr<const CompiledState> compiled = Build(s, c, kind, false, false);
  SessionResult r;
  r.diagnostics = RenderDiagnostics(
      *compiled, c, focus == kAllWarnings ? kAllWarnings : (focus < c.chunks.size() ? focus : 0),
      s.options.color, &r.errors, &r.warnings);
  r.ok = compiled->ok;
  if (!r.ok) return r;
  s.files = std::move(files);
  s.defs = std::move(defs);
  s.shadowed = std::move(shadowed);
  s.kind = kind;
  s.current = std::move(compiled);
  s.composition = std::move(c);
  return r;
}

}  // namespace

SessionResult Session::load(const std::vector<std::string>& paths) {
  SessionState& s = *state_;
  std::vector<SessionFile> files = s.files;
  for (const std::string& p : paths) {
    std::optional<std::string> text = ReadFileText(p);
    if (!text) return Failure("cannot read `" + p + "`");
    files.push_back(SessionFile{p, std::move(*text)});
  }
  SessionResult r = Commit(s, std::move(files), s.defs, s.shadowed, s.kind, kAllWarnings);
  if (r.ok) {
    r.message = "loaded";
    for (const std::string& p : paths) r.message += " " + p;
  }
  return r;
}

SessionResult Session::reload() {
  SessionState& s = *state_;
  std::vector<SessionFile> files;
  for (const SessionFile& f : s.files) {
    std::optional<std::string> text = ReadFileText(f.path);
    if (!text) return Failure("cannot read `" + f.path + "`");
    files.push_back(SessionFile{f.path, std::move(*text)});
  }
  SessionResult r = Commit(s, std::move(files), s.defs, s.shadowed, s.kind, kAllWarnings);
  if (r.ok) {
    r.message = s.files.empty() ? "no files to reload"
                                : "reloaded " + std::to_string(s.files.size()) +
                                      (s.files.size() == 1 ? " file" : " files");
  }
  return r;
}

std::vector<std::string> Session::files() const {
  std::vector<std::string> out;
  for (const SessionFile& f : state_->files) out.push_back(f.path);
  return out;
}

SessionResult Session::define(std::string_view input) {
  SessionState& s = *state_;
  std::string text = Trimmed(input);
  if (text.empty()) return Failure("nothing to define");
  bool has_policy = false;
  auto declared = DeclaredNames(text, &has_policy);
  if (has_policy) {
    return Failure("a session's policy header is fixed: write declarations, or :load a file");
  }
  std::set<std::string> names;
  for (const auto& [name, kind] : declared) {
    if (!name.empty()) names.insert(name);
  }
  std::vector<SessionDefinition> defs;
  std::set<std::string> replaced;
  for (const SessionDefinition& d : s.defs) {
    bool clash = false;
    for (const std::string& n : d.names) clash |= names.count(n) > 0;
    if (clash) {
      replaced.insert(d.names.begin(), d.names.end());
    } else {
      defs.push_back(d);
    }
  }
  std::set<std::string> shadowed = s.shadowed;
  if (!s.files.empty()) {
    for (const auto& [name, kind] : DeclaredNames(s.files[0].text)) {
      if (!name.empty() && names.count(name)) {
        shadowed.insert(name);
        replaced.insert(name);
      }
    }
  }
  SessionDefinition def;
  def.names.assign(names.begin(), names.end());
  def.kind = declared.empty() ? "" : declared.front().second;
  def.text = text;
  defs.push_back(std::move(def));
  size_t focus = defs.size() - 1;
  SessionResult r = Commit(s, s.files, std::move(defs), std::move(shadowed), s.kind, focus);
  if (!r.ok) return r;
  std::string message;
  for (const auto& [name, kind] : declared) {
    if (!message.empty()) message += ", ";
    if (name.empty() || name == kind) {
      message += (replaced.count(name) ? "redefined " : "defined ") + kind;
    } else {
      message += (replaced.count(name) ? "redefined " : "defined ") + kind + " " + name;
    }
  }
  r.message = message.empty() ? "defined" : message;
  return r;
}

std::string Session::definitions() const {
  std::string out;
  for (const SessionDefinition& d : state_->defs) {
    if (!out.empty()) out += "\n";
    out += d.text;
    out += "\n";
  }
  return out;
}

bool Session::save(const std::string& path, std::string* error) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << definitions();
  if (out) out.flush();
  if (!out) {
    if (error) *error = "cannot write `" + path + "`";
    return false;
  }
  return true;
}

namespace {

// The current record, laid out for the current policy's input (rebuilt from its literal when the
// policy changed shape); null when none was entered or it no longer checks.
const rt::Record* CurrentRecord(const SessionState& s, std::string* error) {
  if (!Usable(s)) {
    if (error) *error = "no policy: the session's policy did not compile";
    return nullptr;
  }
  if (!s.has_record) {
    if (error) *error = "no record: type a record literal first, e.g. {destination: JP}";
    return nullptr;
  }
  if (s.record && detail::SameLayout(s.record->layout(), s.current->program->input)) {
    return s.record.get();
  }
  Composition c = Compose(s.files, s.defs, s.shadowed, s.record_text);
  auto probe = Build(s, c, EngineKind::Interpreter, true, true);
  if (!probe->ok) {
    if (error) *error = "the current record no longer fits the policy's input type: enter it again";
    return nullptr;
  }
  s.record_owner = probe;
  s.record = RecordFromProbe(*probe);
  return s.record.get();
}

decide::DecideOptions EngineOptionsOf(const SessionState& s) {
  decide::DecideOptions o;
  o.as_of = s.as_of_day;
  return o;
}

}  // namespace

SessionRecord Session::enter_record(std::string_view literal) {
  SessionState& s = *state_;
  SessionRecord out;
  std::string text = Trimmed(literal);
  Composition c = Compose(s.files, s.defs, s.shadowed, text);
  auto probe = Build(s, c, EngineKind::Interpreter, true, true);
  if (!probe->ok) {
    out.diagnostics =
        RenderDiagnostics(*probe, c, c.chunks.size() - 1, s.options.color, nullptr, nullptr, true);
    return out;
  }
  s.has_record = true;
  s.record_text = text;
  s.record_owner = probe;
  s.record = RecordFromProbe(*probe);
  out.ok = true;
  out.decision = decide();
  return out;
}

bool Session::has_record() const noexcept { return state_->has_record; }
const std::string& Session::record_text() const noexcept { return state_->record_text; }

Decision Session::decide() const {
  const SessionState& s = *state_;
  std::string error;
  const rt::Record* record = CurrentRecord(s, &error);
  if (!record) return ErrorOf(error);
  Decision out;
  DecisionData::Emplace(
      out, [&] { return s.current->Decide(*record, EngineOptionsOf(s)); }, ErrorKind::Date);
  DecisionData::Mutable(out, [&](rt::Decision& d) {
    for (rt::RuleHit& h : d.rules) Relocate(*s.current, s.composition, h.at);
    for (rt::Waiver& w : d.waived) Relocate(*s.current, s.composition, w.at);
  });
  return out;
}

Explanation Session::explain() const {
  const SessionState& s = *state_;
  Explanation out;
  std::string error;
  const rt::Record* record = CurrentRecord(s, &error);
  if (!record) {
    out.decision_ = ErrorOf(error);
    return out;
  }
  decide::Explanation e = s.current->Explain(*record, EngineOptionsOf(s));
  for (rt::RuleHit& h : e.decision.rules) Relocate(*s.current, s.composition, h.at);
  for (rt::Waiver& w : e.decision.waived) Relocate(*s.current, s.composition, w.at);
  for (decide::Outcome& o : e.outcomes) {
    Relocate(*s.current, s.composition, o.at);
    Relocate(*s.current, s.composition, o.detail);
  }
  ErrorKind kind = e.decision.effect == rt::Effect::Error ? ErrorKind::Date : ErrorKind::None;
  DecisionData::Set(out.decision_, std::move(e.decision), kind);
  auto data = std::make_shared<detail::ExplanationData>();
  data->e.outcomes = std::move(e.outcomes);
  out.data_ = std::move(data);
  return out;
}

SessionValue Session::evaluate(std::string_view expression) const {
  const SessionState& s = *state_;
  SessionValue out;
  std::string text = Trimmed(expression);
  if (text.empty()) {
    out.diagnostics = "error: nothing to evaluate\n";
    return out;
  }
  Composition c = Compose(s.files, s.defs, s.shadowed, text);
  auto probe = Build(s, c, EngineKind::Interpreter, true, false);
  if (!probe->ok || !probe->program || !probe->program->probe ||
      probe->program->probe->value == ir::kNone || probe->checked->probe() == nullptr) {
    out.diagnostics =
        RenderDiagnostics(*probe, c, c.chunks.size() - 1, s.options.color, nullptr, nullptr, true);
    if (out.diagnostics.empty()) out.diagnostics = "error: this input is not an expression\n";
    return out;
  }
  out.ok = true;
  out.type = probe->checked->probe()->type.ToString();
  std::string error;
  const rt::Record* record = s.has_record ? CurrentRecord(s, &error) : nullptr;
  rt::Record empty(&probe->program->input);
  if (record == nullptr || !detail::SameLayout(record->layout(), probe->program->input)) {
    record = &empty;
  }
  interp::ExpressionValue v =
      probe->interp->Evaluate(probe->program->probe->value, *record, EngineOptionsOf(s));
  out.value = v.text;
  out.known = v.known;
  out.unknown_reason = v.reason;
  out.note = v.note;
  return out;
}

bool Session::set_as_of(std::optional<std::string> date, std::string* error) {
  SessionState& s = *state_;
  if (!date) {
    s.as_of.reset();
    s.as_of_day.reset();
    return true;
  }
  auto parsed = ParseDateLiteral(*date);
  if (!parsed || parsed->is_month) {
    if (error) *error = "`" + *date + "` is not a date like 2026-01-06";
    return false;
  }
  s.as_of = *date;
  s.as_of_day = parsed->first;
  return true;
}

const std::optional<std::string>& Session::as_of() const noexcept { return state_->as_of; }

SessionResult Session::set_engine(EngineKind kind) {
  SessionState& s = *state_;
  if (kind == EngineKind::Default)
    kind = jit_available() ? EngineKind::Jit : EngineKind::Interpreter;
  if (kind == EngineKind::Jit && !jit_available()) {
    return Failure("this build of licit has no JIT (built without LLVM)");
  }
  SessionResult r = Commit(s, s.files, s.defs, s.shadowed, kind, kAllWarnings);
  r.diagnostics.clear();  // nothing changed in the sources: their warnings are old news
  r.warnings = 0;
  if (r.ok) r.message = std::string("engine: ") + engine_kind_name(kind);
  return r;
}

EngineKind Session::engine_kind() const noexcept { return state_->kind; }

Policy Session::policy() const {
  if (!Usable(*state_)) return Policy();
  return Policy(state_->current);
}

TestReport Session::run_tests() const {
  const SessionState& s = *state_;
  TestReport report = policy().run_tests();
  for (TestCase& t : report.tests) Relocate(*s.current, s.composition, t.at);
  for (UncoveredRule& u : report.uncovered) Relocate(*s.current, s.composition, u.at);
  return report;
}

namespace {

DeclarationInfo Describe(const SessionState& s, const sema::CheckedModule& m,
                         const sema::Symbol& sym) {
  DeclarationInfo d;
  d.kind = sema::SymbolKindName(sym.kind);
  d.name = sym.name;
  d.policy = m.name;
  const CompiledState& state = *s.current;
  Span span = sym.decl ? sym.decl->span : sym.name_span;
  auto primary = PrimaryFile(state, s.composition);
  if (auto chunk = ChunkOf(s.composition, primary, span)) {
    const Composition::Chunk& k = s.composition.chunks[*chunk];
    const std::string& text = state.sources.Get(span.file).text();
    d.interactive = true;
    d.source = text.substr(k.begin, k.end - k.begin);
    d.at = state.sources.Where(span);
    Relocate(state, s.composition, d.at);
    // A definition may hold several declarations: show only this one.
    if (span.end <= text.size() && span.begin >= k.begin) {
      d.source = text.substr(span.begin, span.end - span.begin);
    }
  } else if (span.valid() && span.file < state.sources.size()) {
    d.at = state.sources.Where(span);
    d.source =
        std::string(state.sources.Get(span.file).text().substr(span.begin, span.end - span.begin));
  }
  return d;
}

bool Listed(const sema::Symbol& sym) {
  return sym.kind != sema::SymbolKind::ImportAlias && sym.name != detail::kProbeName;
}

}  // namespace

std::vector<DeclarationInfo> Session::declarations() const {
  std::vector<DeclarationInfo> out;
  if (!Usable(*state_)) return out;
  const sema::CheckedProgram& p = *state_->current->checked;
  for (sema::ModuleId r : p.roots()) {
    const sema::CheckedModule& m = p.module(r);
    for (const auto& sym : m.symbols) {
      if (Listed(*sym)) out.push_back(Describe(*state_, m, *sym));
    }
  }
  return out;
}

std::optional<DeclarationInfo> Session::find(std::string_view name) const {
  if (!Usable(*state_)) return std::nullopt;
  const sema::CheckedProgram& p = *state_->current->checked;
  auto search = [&](const sema::CheckedModule& m) -> std::optional<DeclarationInfo> {
    for (const auto& sym : m.symbols) {
      if (sym->name == name && Listed(*sym)) return Describe(*state_, m, *sym);
    }
    return std::nullopt;
  };
  for (sema::ModuleId r : p.roots()) {
    if (auto d = search(p.module(r))) return d;
  }
  for (const auto& m : p.modules()) {
    if (!m->is_root) {
      if (auto d = search(*m)) return d;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Session::complete(std::string_view prefix) const {
  std::vector<std::string> all;
  if (Usable(*state_)) {
    const CompiledState& state = *state_->current;
    for (sema::ModuleId r : state.checked->roots()) {
      for (const auto& [name, sym] : state.checked->module(r).scope) {
        if (name != detail::kProbeName) all.push_back(name);
      }
    }
    for (const rt::FieldSlot& slot : state.program->input.slots) all.push_back(slot.path);
  }
  for (const rt::BuiltinInfo& f : rt::AllBuiltins()) all.emplace_back(f.name);
  for (const CountryInfo& c : AllCountries()) all.emplace_back(c.code);
  std::vector<std::string> out;
  for (std::string& s : all) {
    if (std::string_view(s).starts_with(prefix)) out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace licit
