// The C++ API (licit.hpp) over the compiler (sema, ir), the engines (interp, jit) and the record
// reader (io/). What `licit eval` does for one record is what decide_json does here, so the
// decisions and error messages are the CLI's.

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <utility>

#include <sha2.h>

#include "api/src/state.h"
#include "base/check.h"
#include "base/date.h"
#include "base/did_you_mean.h"
#include "base/iso_codes.h"
#include "base/json.h"
#include "frontend/pipeline.h"
#include "frontend/sema/check.h"
#include "io/decode.h"
#include "io/record_reader.h"

#ifndef LICIT_VERSION_STRING
#define LICIT_VERSION_STRING "0.0.0"
#endif

namespace licit {

using detail::CompiledState;
using detail::DecisionData;
using detail::RecordState;
using detail::ResolveOptions;

namespace {

std::atomic<uint64_t> g_next_policy_id{1};

Effect ToEffect(rt::Effect e) { return static_cast<Effect>(static_cast<uint8_t>(e)); }

DiagnosticSeverity ToPublic(Severity s) {
  switch (s) {
    case Severity::Error: return DiagnosticSeverity::Error;
    case Severity::Warning: return DiagnosticSeverity::Warning;
    case Severity::Note: return DiagnosticSeverity::Note;
  }
  LICIT_UNREACHABLE("a Severity outside the enum");
}

// Per-thread scratch: the record decide_json decodes into (reused while the thread decides on one
// policy; keyed by the policy's unique id so a freed policy's address cannot be mistaken).
struct Scratch {
  uint64_t policy_id = 0;
  std::unique_ptr<rt::Record> record;
  std::string error;
};

rt::Record& ScratchRecord(Scratch& s, const CompiledState& policy) {
  if (s.policy_id != policy.id || !s.record) {
    s.record = std::make_unique<rt::Record>(&policy.program->input);
    s.policy_id = policy.id;
  }
  return *s.record;
}

thread_local Scratch t_json_scratch;
thread_local Scratch t_rebind_scratch;

Decision MakeDecision(rt::Decision&& d, ErrorKind kind);

Decision ErrorDecision(ErrorKind kind, std::string message, std::optional<std::string> id = {}) {
  rt::Decision d;
  d.effect = rt::Effect::Error;
  d.error = std::move(message);
  d.id = std::move(id);
  return MakeDecision(std::move(d), kind);
}

constexpr const char* kNoPolicy =
    "no policy: the Policy is empty (its compilation failed, it was default-constructed, or the "
    "PolicySlot holds none)";
constexpr const char* kEmptyRecord =
    "the record is empty (default-constructed or moved from): make records with "
    "Policy::new_record()";

// DecideOptions -> the engines' options; false (with the message) on a malformed as_of.
ErrorKind ClassifyReadError(std::string_view error) {
  if (error.starts_with("malformed JSON: invalid UTF-8")) return ErrorKind::Utf8;
  if (error.starts_with("malformed JSON") || error.starts_with("expected a JSON object")) {
    return ErrorKind::Json;
  }
  return ErrorKind::Record;
}

std::optional<std::string> RecordId(const rt::Record& record) {
  const rt::RecordLayout& layout = record.layout();
  if (layout.id_slot >= 0) {
    const rt::Value& v = record.slot(static_cast<uint32_t>(layout.id_slot));
    if (v.kind == rt::ValueKind::String) return std::string(v.text());
  }
  return std::nullopt;
}

// An engine decision; an engine error (the only one: no date to judge at) is ErrorKind::Date.
Decision EngineDecision(const CompiledState& s, const rt::Record& record,
                        const decide::DecideOptions& options) {
  Decision out;
  DecisionData::Emplace(out, [&] { return s.Decide(record, options); }, ErrorKind::Date);
  return out;
}

// The first required field that is missing, as the JSON reader reports it (declaration order;
// the fields of a nested record only when it is present).
bool CheckRequired(const rt::RecordLayout& layout, const std::vector<uint32_t>& children,
                   const rt::Record& record, std::string& error) {
  for (uint32_t s : children) {
    const rt::FieldSlot& slot = layout.slots[s];
    const rt::Value& v = record.slot(s);
    if (!slot.optional && !v.known()) {
      error = "field `" + slot.path + "`: missing";
      return false;
    }
    if (slot.kind == rt::ValueKind::Record && v.kind == rt::ValueKind::Record &&
        !CheckRequired(layout, slot.children, record, error)) {
      return false;
    }
  }
  return true;
}

std::string TypeName(const rt::FieldSlot& slot) {
  if (slot.kind == rt::ValueKind::Set || slot.kind == rt::ValueKind::List) {
    return std::string(rt::ValueKindName(slot.kind)) + "<" + rt::ValueKindName(slot.element) + ">";
  }
  return rt::ValueKindName(slot.kind);
}

// Copies the record's values into `out` (laid out for another policy) by field path. Values keep
// pointing into `from`'s storage, which outlives the decision. False when a field that is set has
// another type in the target policy.
bool Rebind(const rt::Record& from, rt::Record& out, std::string& error) {
  out.Clear();
  const rt::RecordLayout& src = from.layout();
  const rt::RecordLayout& dst = out.layout();
  for (uint32_t i = 0; i < src.slots.size(); ++i) {
    const rt::Value& v = from.slot(i);
    if (v.kind == rt::ValueKind::Unknown && v.aux == rt::kMissing) continue;
    auto target = dst.Find(src.slots[i].path);
    if (!target) continue;  // a field this policy does not read, as JSON input would ignore it
    const rt::FieldSlot& t = dst.slots[*target];
    if (v.known() && (t.kind != src.slots[i].kind || t.element != src.slots[i].element)) {
      error = "field `" + t.path + "`: the record has a " + TypeName(src.slots[i]) +
              ", this policy's input type wants a " + TypeName(t);
      return false;
    }
    if (!v.known() && !t.optional) continue;  // reported as missing below
    out.slot(*target) = v;
  }
  return true;
}

void AppendFieldJson(const rt::RecordLayout& layout, const std::vector<uint32_t>& children,
                     const rt::Record& record, std::string& out);

void AppendValueJson(const rt::Value& v, std::string& out) {
  switch (v.kind) {
    case rt::ValueKind::Unknown: out += "null"; break;
    case rt::ValueKind::Bool: out += v.b ? "true" : "false"; break;
    case rt::ValueKind::Int: out += std::to_string(v.i); break;
    case rt::ValueKind::Decimal: AppendJsonString(out, v.dec.ToString()); break;
    case rt::ValueKind::String:
    case rt::ValueKind::Code: AppendJsonString(out, v.text()); break;
    case rt::ValueKind::Date: AppendJsonString(out, FormatDate(v.date)); break;
    case rt::ValueKind::Country: AppendJsonString(out, AllCountries()[v.country].code); break;
    case rt::ValueKind::Money: AppendJsonString(out, v.money().ToString()); break;
    case rt::ValueKind::Set:
    case rt::ValueKind::List: {
      out += '[';
      bool first = true;
      for (const rt::Value& item : v.items) {
        if (!first) out += ',';
        first = false;
        AppendValueJson(item, out);
      }
      out += ']';
      break;
    }
    case rt::ValueKind::Record: out += "{}"; break;
  }
}

void AppendFieldJson(const rt::RecordLayout& layout, const std::vector<uint32_t>& children,
                     const rt::Record& record, std::string& out) {
  out += '{';
  bool first = true;
  for (uint32_t s : children) {
    const rt::Value& v = record.slot(s);
    if (v.kind == rt::ValueKind::Unknown && v.aux == rt::kMissing) continue;
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, layout.slots[s].name);
    out += ':';
    if (v.kind == rt::ValueKind::Record) {
      AppendFieldJson(layout, layout.slots[s].children, record, out);
    } else {
      AppendValueJson(v, out);
    }
  }
  out += '}';
}

Decision MakeDecision(rt::Decision&& d, ErrorKind kind);

}  // namespace

// --- Free functions -----------------------------------------------------------------------------

const char* version() noexcept { return LICIT_VERSION_STRING; }

// The public Effect mirrors rt::Effect value for value (ToEffect relies on it), so the
// names are the runtime's.
static_assert(static_cast<int>(Effect::Allow) == static_cast<int>(rt::Effect::Allow) &&
              static_cast<int>(Effect::Exempt) == static_cast<int>(rt::Effect::Exempt) &&
              static_cast<int>(Effect::Review) == static_cast<int>(rt::Effect::Review) &&
              static_cast<int>(Effect::License) == static_cast<int>(rt::Effect::License) &&
              static_cast<int>(Effect::Deny) == static_cast<int>(rt::Effect::Deny) &&
              static_cast<int>(Effect::Error) == static_cast<int>(rt::Effect::Error));

const char* effect_name(Effect e) noexcept {
  // A value cast from outside the enum comes from the caller, not from Licit: name it "error"
  // rather than abort, as this function always has.
  if (static_cast<uint8_t>(e) > static_cast<uint8_t>(Effect::Error)) return "error";
  return rt::EffectName(static_cast<rt::Effect>(static_cast<uint8_t>(e)));
}

const char* engine_kind_name(EngineKind k) noexcept {
  switch (k) {
    case EngineKind::Default: return "default";
    case EngineKind::Interpreter: return "interp";
    case EngineKind::Jit: return "jit";
  }
  return "default";
}

bool jit_available() noexcept { return true; }

void stop_background_compiles() noexcept { jit::StopLazyCompiles(); }

std::optional<Effect> parse_effect(std::string_view name) noexcept {
  auto e = rt::ParseEffect(name);
  if (!e) return std::nullopt;
  return ToEffect(*e);
}

std::optional<EngineKind> parse_engine_kind(std::string_view name) noexcept {
  for (EngineKind k : {EngineKind::Default, EngineKind::Interpreter, EngineKind::Jit}) {
    if (name == engine_kind_name(k)) return k;
  }
  return std::nullopt;
}

bool is_valid_date(std::string_view text) noexcept {
  auto date = ParseDateLiteral(text);
  return date && !date->is_month;
}

// --- Engine and Compilation ---------------------------------------------------------------------

Engine::Engine() : Engine(EngineOptions{}) {}
Engine::Engine(EngineOptions options) {
  auto s = std::make_shared<detail::EngineState>();
  s->options = std::move(options);
  s->resolved = s->options.engine == EngineKind::Default
                    ? (jit_available() ? EngineKind::Jit : EngineKind::Interpreter)
                    : s->options.engine;
  state_ = std::move(s);
}
Engine::~Engine() = default;
Engine::Engine(const Engine&) = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(const Engine&) = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

EngineKind Engine::engine_kind() const noexcept {
  return state_ ? state_->resolved : EngineKind::Interpreter;
}
const EngineOptions& Engine::options() const noexcept {
  static const EngineOptions kDefaults;
  return state_ ? state_->options : kDefaults;
}

namespace detail {
// Compilations are serialised: the ANTLR runtime's shared caches and the process-wide JIT are
// not documented as safe to use from several threads at once. Deciding never takes this lock.
std::recursive_mutex& CompileMutex() {
  static std::recursive_mutex mutex;  // recursive: a failing compile may free its own JIT code
  return mutex;
}

sema::CheckOptions CheckOptionsOf(const EngineState& engine) {
  sema::CheckOptions options;
  options.stdlib_dir = engine.options.stdlib_dir;
  options.max_source_bytes = engine.options.max_source_bytes;
  return options;
}

DiagnosticInfo InternalDiagnostic(std::string code, std::string message) {
  DiagnosticInfo d;
  d.severity = DiagnosticSeverity::Error;
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

// JIT compiles and frees (a policy's ResourceTracker, when a hot reload releases it) are serialised
// by their own lock, not CompileMutex: a tiered policy's background compile must not hold up the
// next front-end compile (the REPL, a server reload). The process-wide JIT's target machines are
// not thread-safe.
std::mutex& JitMutex() {
  static std::mutex mutex;
  return mutex;
}

CompiledState::~CompiledState() {
  cancel_jit_.store(true, std::memory_order_relaxed);
  if (jit_thread_.joinable()) jit_thread_.join();
  if (jit_) {
    std::lock_guard<std::mutex> lock(JitMutex());
    jit_.reset();
  }
}

bool CompiledState::CompileJit(std::string& error, jit::FullPathCode full_path) {
  std::unique_ptr<jit::JitProgram> compiled;
  {
    std::lock_guard<std::mutex> lock(JitMutex());
    compiled = jit::JitProgram::Compile(*program, *interp, &error, &cancel_jit_, full_path);
  }
  if (!compiled) {
    jit_state_.store(JitState::Failed, std::memory_order_release);
    return false;
  }
  jit_ = std::move(compiled);
  jit_ready_.store(jit_.get(), std::memory_order_release);
  jit_state_.store(JitState::Ready, std::memory_order_release);
  return true;
}

void CompiledState::StartJit() {
  jit_state_.store(JitState::Compiling, std::memory_order_release);
  jit_thread_ = std::thread([this] {
    // Tests hold the JIT back to see the switch in the middle of a run (LICIT_TEST_JIT_DELAY_MS).
    if (const char* delay = std::getenv("LICIT_TEST_JIT_DELAY_MS")) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(atoi(delay));
      while (std::chrono::steady_clock::now() < until && !cancel_jit_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    std::string error;
    // On failure the interpreter goes on deciding: the same decisions. The full path's
    // conditions are compiled only if a record needs them (most runs have none).
    CompileJit(error, jit::FullPathCode::kLazy);
    std::lock_guard<std::mutex> lock(jit_mutex_);
    jit_done_.notify_all();
  });
}

JitState CompiledState::WaitForJit() const {
  std::unique_lock<std::mutex> lock(jit_mutex_);
  jit_done_.wait(lock, [this] { return jit_state() != JitState::Compiling; });
  return jit_state();
}

bool ResolveOptions(const DecideOptions& in, decide::DecideOptions& out, std::string& error) {
  if (!in.as_of) return true;
  auto date = ParseDateLiteral(*in.as_of);
  if (!date || date->is_month) {
    error = "`as_of` takes a date like 2026-01-06, not `" + *in.as_of + "`";
    return false;
  }
  out.as_of = date->first;
  return true;
}
}  // namespace detail

namespace {

// `run` is one of frontend::Compile{Files,Text,Texts} with the sources bound.
template <class RunPipeline>
std::shared_ptr<const CompiledState> CompileWith(const detail::EngineState& engine,
                                                 RunPipeline run) {
  std::lock_guard<std::recursive_mutex> lock(detail::CompileMutex());
  auto s = std::make_shared<CompiledState>();
  s->id = g_next_policy_id.fetch_add(1, std::memory_order_relaxed);
  s->kind = engine.resolved;
  frontend::PipelineOptions options;
  options.check = detail::CheckOptionsOf(engine);
  options.warnings_as_errors = engine.options.warnings_as_errors;
  frontend::Compiled compiled = run(s->sources, s->diags, options);
  s->checked = std::move(compiled.checked);
  s->program = std::move(compiled.program);
  for (std::string& message : compiled.internal)
    s->extra.push_back(detail::InternalDiagnostic("internal", std::move(message)));
  bool failed = s->program == nullptr;
  s->diags.SortByLocation();
  if (!failed) {
    // Explanations always use the interpreter; it is also the engine until (or unless) the JIT is.
    s->interp = std::make_unique<interp::Interpreter>(*s->program);
    if (s->kind == EngineKind::Jit && engine.tiered()) {
      s->StartJit();
    } else if (s->kind == EngineKind::Jit) {
      std::string error;
      if (!s->CompileJit(error, jit::FullPathCode::kEager)) {
        s->extra.push_back(detail::InternalDiagnostic(
            "internal", "internal error: the JIT could not compile the policy: " + error));
        failed = true;
      }
    }
  }
  s->ok = !failed;
  return s;
}

}  // namespace

namespace detail {

bool SameLayout(const rt::RecordLayout& a, const rt::RecordLayout& b) {
  if (&a == &b) return true;
  if (a.slots.size() != b.slots.size() || a.top_level != b.top_level ||
      a.date_slot != b.date_slot || a.id_slot != b.id_slot) {
    return false;
  }
  for (size_t i = 0; i < a.slots.size(); ++i) {
    const rt::FieldSlot& x = a.slots[i];
    const rt::FieldSlot& y = b.slots[i];
    if (x.path != y.path || x.kind != y.kind || x.element != y.element ||
        x.optional != y.optional || x.parent != y.parent || x.children != y.children) {
      return false;
    }
  }
  return true;
}

std::shared_ptr<const CompiledState> CompileRootTexts(
    const EngineOptions& options, EngineKind kind,
    const std::vector<std::pair<std::string, std::string>>& roots, const std::string& probe,
    bool probe_record) {
  EngineState engine;
  engine.options = options;
  engine.resolved = kind;
  return CompileWith(engine, [&](SourceManager& sources, DiagnosticSink& diags,
                                 frontend::PipelineOptions options) {
    options.check.probe = probe;
    options.check.probe_record = probe_record;
    return frontend::CompileTexts(sources, roots, diags, options);
  });
}

}  // namespace detail

Compilation Engine::compile_files(const std::vector<std::string>& paths) const {
  detail::EngineState fallback;
  const detail::EngineState& e = state_ ? *state_ : fallback;
  return Compilation(CompileWith(e, [&](SourceManager& sources, DiagnosticSink& diags,
                                        const frontend::PipelineOptions& options) {
    return frontend::CompileFiles(sources, paths, diags, options);
  }));
}

Compilation Engine::compile_source(std::string_view name, std::string_view text) const {
  detail::EngineState fallback;
  const detail::EngineState& e = state_ ? *state_ : fallback;
  return Compilation(CompileWith(e, [&](SourceManager& sources, DiagnosticSink& diags,
                                        const frontend::PipelineOptions& options) {
    return frontend::CompileText(sources, std::string(name), std::string(text), diags, options);
  }));
}

Compilation Engine::compile_sources(
    const std::vector<std::pair<std::string, std::string>>& files) const {
  return compile_sources(files, files.size());
}

Compilation Engine::compile_sources(const std::vector<std::pair<std::string, std::string>>& files,
                                    size_t roots) const {
  detail::EngineState fallback;
  const detail::EngineState& e = state_ ? *state_ : fallback;
  // Paths are compared as the checker forms them: relative imports are joined to the importing
  // file's directory and normalised lexically.
  std::map<std::string, const std::string*> by_path;
  for (const auto& [path, text] : files) {
    by_path.emplace(std::filesystem::path(path).lexically_normal().string(), &text);
  }
  return Compilation(CompileWith(e, [&](SourceManager& sources, DiagnosticSink& diags,
                                        frontend::PipelineOptions options) {
    options.check.read_file = [&by_path](const std::string& path) -> std::optional<std::string> {
      auto it = by_path.find(std::filesystem::path(path).lexically_normal().string());
      if (it == by_path.end()) return std::nullopt;
      return *it->second;
    };
    if (roots >= files.size()) return frontend::CompileTexts(sources, files, diags, options);
    const std::vector<std::pair<std::string, std::string>> root_files(
        files.begin(), files.begin() + static_cast<std::ptrdiff_t>(roots));
    return frontend::CompileTexts(sources, root_files, diags, options);
  }));
}

Compilation::Compilation() = default;
Compilation::Compilation(std::shared_ptr<const CompiledState> state) : state_(std::move(state)) {}
Compilation::~Compilation() = default;
Compilation::Compilation(const Compilation&) = default;
Compilation::Compilation(Compilation&&) noexcept = default;
Compilation& Compilation::operator=(const Compilation&) = default;
Compilation& Compilation::operator=(Compilation&&) noexcept = default;

bool Compilation::ok() const noexcept { return state_ && state_->ok; }
size_t Compilation::error_count() const noexcept {
  return state_ ? state_->diags.error_count() + state_->extra.size() : 0;
}
size_t Compilation::warning_count() const noexcept {
  return state_ ? state_->diags.warning_count() : 0;
}

std::vector<DiagnosticInfo> Compilation::diagnostics() const {
  std::vector<DiagnosticInfo> out;
  if (!state_) return out;
  const SourceManager& sources = state_->sources;
  auto locate = [&](Span span, std::string& file, uint32_t& line, uint32_t& column) {
    if (!span.valid() || span.file >= sources.size()) return;
    const SourceFile& f = sources.Get(span.file);
    file = f.path();
    LineCol lc = f.Locate(span.begin);
    line = lc.line;
    column = lc.column;
  };
  for (const Diagnostic& d : state_->diags.all()) {
    DiagnosticInfo p;
    p.severity = ToPublic(d.severity);
    p.code = std::string(InfoOf(d.kind).code);
    p.message = d.message;
    locate(d.span, p.file, p.line, p.column);
    if (d.span.valid() && d.span.file < sources.size()) {
      LineCol end = sources.Get(d.span.file).Locate(d.span.end);
      p.end_line = end.line;
      p.end_column = end.column;
    }
    p.label = d.label;
    for (const DiagLabel& l : d.secondary) {
      DiagnosticLabel q;
      locate(l.span, q.file, q.line, q.column);
      q.message = l.message;
      p.secondary.push_back(std::move(q));
    }
    p.help = d.help;
    p.notes = d.notes;
    out.push_back(std::move(p));
  }
  for (const DiagnosticInfo& d : state_->extra) out.push_back(d);
  return out;
}

std::string Compilation::diagnostics_text(bool color) const {
  if (!state_) return {};
  RenderOptions render;
  render.color = color;
  std::string out;
  if (!state_->diags.all().empty() || state_->diags.error_count() ||
      state_->diags.warning_count()) {
    out = RenderAllText(state_->sources, state_->diags, render);
  }
  for (const DiagnosticInfo& d : state_->extra) out += "error: " + d.message + "\n";
  return out;
}

std::string Compilation::diagnostics_json() const {
  if (!state_) return R"({"diagnostics":[],"errors":0,"warnings":0})";
  std::string json = RenderJson(state_->sources, state_->diags);
  if (state_->extra.empty()) return json;
  // Engine failures are not in the registry; they are added as diagnostics with their own code.
  size_t at = json.find("\"diagnostics\":[");
  if (at == std::string::npos) return json;
  at += std::string_view("\"diagnostics\":[").size();
  std::string extra;
  for (const DiagnosticInfo& d : state_->extra) {
    extra += "{\"code\":" + JsonQuote(d.code) +
             ",\"severity\":\"error\",\"message\":" + JsonQuote(d.message) + "}";
    extra += ',';
  }
  if (json[at] == ']') extra.pop_back();
  json.insert(at, extra);
  return json;
}

Policy Compilation::policy() const {
  // (A dump's compilation is ok without a policy: it has no engine.)
  if (!ok() || !state_->interp) return Policy();
  return Policy(state_);
}

// --- Decision -----------------------------------------------------------------------------------

namespace {

const rt::Decision& NoDecision() {
  static const rt::Decision d = [] {
    rt::Decision x;
    x.effect = rt::Effect::Error;
    x.error = "no decision";
    return x;
  }();
  return d;
}

Decision MakeDecision(rt::Decision&& d, ErrorKind kind) {
  Decision out;
  DecisionData::Set(out, std::move(d), kind);
  return out;
}

RuleHit ToRuleHit(const rt::RuleHit& h) {
  return RuleHit{h.rule, ToEffect(h.effect), h.license, h.because, h.cite, h.at, h.policy};
}

}  // namespace

namespace detail {
rt::Decision* DecisionData::Ptr(licit::Decision& d) {
  return std::launder(reinterpret_cast<rt::Decision*>(d.storage_));
}
const rt::Decision& DecisionData::Get(const licit::Decision& d) {
  if (!d.engaged_) return NoDecision();
  return *std::launder(reinterpret_cast<const rt::Decision*>(d.storage_));
}
void DecisionData::Mutable(licit::Decision& d, const std::function<void(rt::Decision&)>& change) {
  if (!d.engaged_) Set(d, rt::Decision(NoDecision()), ErrorKind::NoPolicy);
  change(*Ptr(d));
}
void DecisionData::Set(licit::Decision& out, rt::Decision&& d, ErrorKind kind) {
  static_assert(
      sizeof(rt::Decision) <= licit::Decision::kStorageSize && alignof(rt::Decision) <= 16,
      "rt::Decision outgrew licit::Decision's inline storage: raise kStorageSize (an "
      "ABI change: bump the SONAME)");
  if (out.engaged_) {
    *Ptr(out) = std::move(d);
  } else {
    new (out.storage_) rt::Decision(std::move(d));
    out.engaged_ = true;
  }
  out.error_kind_ = kind;
}
void DecisionData::Reset(licit::Decision& d) {
  if (d.engaged_) Ptr(d)->~Decision();
  d.engaged_ = false;
  d.error_kind_ = ErrorKind::NoPolicy;
}
}  // namespace detail

Decision::Decision() = default;
Decision::~Decision() { DecisionData::Reset(*this); }
Decision::Decision(const Decision& o) {
  if (o.engaged_) DecisionData::Set(*this, rt::Decision(DecisionData::Get(o)), o.error_kind_);
}
Decision::Decision(Decision&& o) noexcept {
  if (o.engaged_) DecisionData::Set(*this, std::move(*DecisionData::Ptr(o)), o.error_kind_);
}
Decision& Decision::operator=(const Decision& o) {
  if (this == &o) return *this;
  if (o.engaged_) {
    DecisionData::Set(*this, rt::Decision(DecisionData::Get(o)), o.error_kind_);
  } else {
    DecisionData::Reset(*this);
  }
  return *this;
}
Decision& Decision::operator=(Decision&& o) noexcept {
  if (this == &o) return *this;
  if (o.engaged_) {
    DecisionData::Set(*this, std::move(*DecisionData::Ptr(o)), o.error_kind_);
  } else {
    DecisionData::Reset(*this);
  }
  return *this;
}

Effect Decision::effect() const noexcept { return ToEffect(DecisionData::Get(*this).effect); }
const char* Decision::effect_name() const noexcept { return licit::effect_name(effect()); }
ErrorKind Decision::error_kind() const noexcept { return error_kind_; }
const std::string& Decision::error() const noexcept { return DecisionData::Get(*this).error; }
std::optional<std::string> Decision::id() const { return DecisionData::Get(*this).id; }
std::optional<std::string> Decision::date() const {
  const rt::Decision& d = DecisionData::Get(*this);
  if (!d.date) return std::nullopt;
  return FormatDate(*d.date);
}
size_t Decision::rule_count() const noexcept { return DecisionData::Get(*this).rules.size(); }
RuleHit Decision::rule(size_t i) const {
  const rt::Decision& d = DecisionData::Get(*this);
  if (i >= d.rules.size()) return RuleHit{};
  return ToRuleHit(d.rules[i]);
}
std::vector<RuleHit> Decision::rules() const {
  std::vector<RuleHit> out;
  for (const rt::RuleHit& h : DecisionData::Get(*this).rules) out.push_back(ToRuleHit(h));
  return out;
}
std::vector<Waiver> Decision::waived() const {
  std::vector<Waiver> out;
  for (const rt::Waiver& w : DecisionData::Get(*this).waived) {
    out.push_back(Waiver{w.rule, w.exception, w.at});
  }
  return out;
}
std::vector<std::string> Decision::licenses() const { return DecisionData::Get(*this).licenses; }
std::vector<Unknown> Decision::unknowns() const {
  std::vector<Unknown> out;
  for (const rt::UnknownNote& u : DecisionData::Get(*this).unknowns) {
    out.push_back(Unknown{u.rule, u.reason});
  }
  return out;
}
std::vector<ListedParty> Decision::matches() const {
  std::vector<ListedParty> out;
  for (const rt::MatchNote& m : DecisionData::Get(*this).matches) {
    out.push_back(
        ListedParty{m.rule, m.list, m.party, m.name, m.entry, m.matched, m.id, m.row, m.score});
  }
  return out;
}
std::vector<PolicyEffect> Decision::policies() const {
  std::vector<PolicyEffect> out;
  for (const rt::PolicyResult& p : DecisionData::Get(*this).policies) {
    out.push_back(PolicyEffect{p.name, p.version, ToEffect(p.effect)});
  }
  return out;
}
std::string Decision::to_json() const { return rt::DecisionToJson(DecisionData::Get(*this)); }
void Decision::append_json(std::string& out) const {
  rt::AppendDecisionJson(DecisionData::Get(*this), out);
}

// --- Explanation --------------------------------------------------------------------------------

namespace {
const char* OutcomeWord(decide::Outcome::Kind k) {
  using K = decide::Outcome::Kind;
  switch (k) {
    case K::Fired: return "fired";
    case K::Waived: return "waived";
    case K::FiredUnknown: return "unknown";
    case K::NotInForce: return "not in force";
    case K::Suspended: return "suspended";
    case K::ScopeFalse: return "scope false";
    case K::WhenFalse: return "when false";
    case K::UnlessTrue: return "unless true";
    case K::Holds: return "holds";
    case K::DoesNotHold: return "does not hold";
    case K::HoldsUnknown: return "unknown";
  }
  LICIT_UNREACHABLE("an Outcome kind outside the enum");
}
}  // namespace

Explanation::Explanation() = default;
Explanation::~Explanation() = default;
Explanation::Explanation(const Explanation&) = default;
Explanation::Explanation(Explanation&&) noexcept = default;
Explanation& Explanation::operator=(const Explanation&) = default;
Explanation& Explanation::operator=(Explanation&&) noexcept = default;

const Decision& Explanation::decision() const noexcept { return decision_; }
std::vector<Outcome> Explanation::outcomes() const {
  std::vector<Outcome> out;
  if (!data_) return out;
  for (const decide::Outcome& o : data_->e.outcomes) {
    out.push_back(Outcome{o.policy, o.name, o.is_exception, o.at, OutcomeWord(o.kind), o.detail});
  }
  return out;
}
std::string Explanation::to_text() const {
  decide::Explanation e;
  e.decision = DecisionData::Get(decision_);
  if (data_) e.outcomes = data_->e.outcomes;
  return decide::ExplanationToText(e);
}
std::string Explanation::to_json() const {
  decide::Explanation e;
  e.decision = DecisionData::Get(decision_);
  if (data_) e.outcomes = data_->e.outcomes;
  return decide::ExplanationToJson(e);
}

// --- Policy -------------------------------------------------------------------------------------

Policy::Policy() = default;
Policy::Policy(std::shared_ptr<const CompiledState> state) noexcept : state_(std::move(state)) {}
Policy::~Policy() = default;
Policy::Policy(const Policy&) noexcept = default;
Policy::Policy(Policy&&) noexcept = default;
Policy& Policy::operator=(const Policy&) noexcept = default;
Policy& Policy::operator=(Policy&&) noexcept = default;

bool Policy::valid() const noexcept { return state_ != nullptr; }
EngineKind Policy::engine_kind() const noexcept {
  return state_ ? state_->kind : EngineKind::Default;
}
JitState Policy::jit_state() const noexcept {
  return state_ ? state_->jit_state() : JitState::None;
}
JitState Policy::wait_for_jit() const { return state_ ? state_->WaitForJit() : JitState::None; }

std::vector<std::string> Policy::names() const {
  std::vector<std::string> out;
  if (!state_) return out;
  for (const ir::Policy& p : state_->program->policies) out.push_back(p.name);
  return out;
}

std::vector<PolicyInfo> Policy::policies() const {
  std::vector<PolicyInfo> out;
  if (!state_) return out;
  for (const ir::Policy& p : state_->program->policies) {
    out.push_back(PolicyInfo{p.name, p.version, p.path, p.rules.size()});
  }
  return out;
}

size_t Policy::rule_count() const noexcept {
  size_t n = 0;
  if (state_) {
    for (const ir::Policy& p : state_->program->policies) n += p.rules.size();
  }
  return n;
}

std::vector<std::string> Policy::source_files() const {
  std::vector<std::string> out;
  if (!state_) return out;
  for (size_t i = 0; i < state_->sources.size(); ++i) {
    out.push_back(state_->sources.Get(static_cast<FileId>(i)).path());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Policy::sources() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!state_) return out;
  for (size_t i = 0; i < state_->sources.size(); ++i) {
    const SourceFile& file = state_->sources.Get(static_cast<FileId>(i));
    out.emplace_back(file.path(), file.text());
  }
  return out;
}

namespace {

// "sha256:<hex>" of every source file as "<path length>:<path><text length>:<text>", so no two
// file sets hash alike by moving bytes between a name and a text.
//
// SHA-256 is libmd's (the BSD message digest functions), not OpenSSL's: `licit` loads libmd anyway
// (libedit needs it), and loading libcrypto cost every command 1.1 ms before main for this one
// function (bench/README.md, "the start").
std::string DigestOf(const SourceManager& sources) {
  SHA2_CTX ctx;
  SHA256Init(&ctx);
  auto feed = [&](std::string_view part) {
    const std::string length = std::to_string(part.size()) + ":";
    SHA256Update(&ctx, reinterpret_cast<const uint8_t*>(length.data()), length.size());
    SHA256Update(&ctx, reinterpret_cast<const uint8_t*>(part.data()), part.size());
  };
  for (size_t i = 0; i < sources.size(); ++i) {
    const SourceFile& file = sources.Get(static_cast<FileId>(i));
    feed(file.path());
    feed(file.text());
  }
  uint8_t hash[SHA256_DIGEST_LENGTH];
  SHA256Final(hash, &ctx);
  std::string out = "sha256:";
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out += kHex[hash[i] >> 4];
    out += kHex[hash[i] & 15];
  }
  return out;
}

}  // namespace

std::string Policy::digest() const {
  if (!state_) return "";
  std::call_once(state_->digest_once, [&] { state_->digest = DigestOf(state_->sources); });
  return state_->digest;
}

std::string Policy::input_type() const { return state_ ? state_->program->input.type_name : ""; }

std::vector<FieldInfo> Policy::fields() const {
  std::vector<FieldInfo> out;
  if (!state_) return out;
  const rt::RecordLayout& layout = state_->program->input;
  for (const rt::FieldSlot& slot : layout.slots) {
    bool optional = slot.optional;
    for (int32_t p = slot.parent; p >= 0; p = layout.slots[p].parent) {
      optional = optional || layout.slots[p].optional;
    }
    out.push_back(FieldInfo{slot.path, TypeName(slot), optional});
  }
  return out;
}

namespace {

// DecideOptions::line: the decision carries its input line, errors say it as `licit run` does.
Decision WithLine(Decision&& d, const DecideOptions& options) {
  if (!options.line) return std::move(d);
  DecisionData::Mutable(d, [&](rt::Decision& raw) {
    raw.line = *options.line;
    if (raw.effect == rt::Effect::Error && !raw.error.starts_with("line ")) {
      raw.error = "line " + std::to_string(*options.line) + ": " + raw.error;
    }
  });
  return std::move(d);
}

}  // namespace

Decision Policy::decide_json(std::string_view record_json, const DecideOptions& options) const {
  if (!options.line) return DecideJsonAt(record_json, options);
  return WithLine(DecideJsonAt(record_json, options), options);
}

Decision Policy::decide(const Record& record, const DecideOptions& options) const {
  // The hot path: a record built for this policy, complete and checked since its last change.
  const RecordState* rs = record.state_.get();
  if (state_ && rs && rs->policy.get() == state_.get() && !options.as_of && !options.line &&
      rs->required_ok.load(std::memory_order_acquire) == 1 && rs->error.empty()) {
    return EngineDecision(*state_, rs->record, decide::DecideOptions{});
  }
  if (!options.line) return DecideAt(record, options);
  return WithLine(DecideAt(record, options), options);
}

Decision Policy::DecideJsonAt(std::string_view record_json, const DecideOptions& options) const {
  if (!state_) return ErrorDecision(ErrorKind::NoPolicy, kNoPolicy);
  decide::DecideOptions engine_options;
  Scratch& scratch = t_json_scratch;
  if (!ResolveOptions(options, engine_options, scratch.error)) {
    return ErrorDecision(ErrorKind::Options, scratch.error);
  }
  rt::Record& record = ScratchRecord(scratch, *state_);
  if (!io::ReadJsonRecord(record_json, record, scratch.error)) {
    return ErrorDecision(ClassifyReadError(scratch.error), scratch.error, RecordId(record));
  }
  return EngineDecision(*state_, record, engine_options);
}

namespace {

// The record to decide for `policy`: the builder's own, or a copy laid out for this policy. Null
// with `error` (and `kind`) when it cannot be judged.
const rt::Record* Prepare(const CompiledState& policy, const Record& r, const RecordState* rs,
                          std::string& error, ErrorKind& kind) {
  kind = ErrorKind::Record;
  if (!rs) {
    error = kEmptyRecord;
    return nullptr;
  }
  if (!rs->error.empty()) {
    error = rs->error;
    return nullptr;
  }
  const rt::Record* record = &rs->record;
  if (rs->policy.get() != &policy &&
      rs->compatible_with.load(std::memory_order_relaxed) != policy.id) {
    if (detail::SameLayout(rs->record.layout(), policy.program->input)) {
      rs->compatible_with.store(policy.id, std::memory_order_relaxed);
    } else {
      rt::Record& copy = ScratchRecord(t_rebind_scratch, policy);
      if (!Rebind(rs->record, copy, error)) return nullptr;
      record = &copy;
    }
  }
  const rt::RecordLayout& layout = record->layout();
  if (record == &rs->record) {
    // The builder's own values: checked once per change (setters reset the flag).
    if (rs->required_ok.load(std::memory_order_acquire) != 1) {
      if (!CheckRequired(layout, layout.top_level, *record, error)) return nullptr;
      rs->required_ok.store(1, std::memory_order_release);
    }
  } else if (!CheckRequired(layout, layout.top_level, *record, error)) {
    return nullptr;
  }
  (void)r;
  return record;
}

}  // namespace

Decision Policy::DecideAt(const Record& record, const DecideOptions& options) const {
  if (!state_) return ErrorDecision(ErrorKind::NoPolicy, kNoPolicy);
  decide::DecideOptions engine_options;
  std::string error;
  if (!ResolveOptions(options, engine_options, error)) {
    return ErrorDecision(ErrorKind::Options, std::move(error));
  }
  ErrorKind kind;
  const rt::Record* r = Prepare(*state_, record, record.state_.get(), error, kind);
  if (!r) {
    return ErrorDecision(kind, std::move(error),
                         record.state_ ? RecordId(record.state_->record) : std::nullopt);
  }
  return EngineDecision(*state_, *r, engine_options);
}

std::vector<Decision> Policy::decide_batch(std::span<const std::string> records_json,
                                           const DecideOptions& options) const {
  std::vector<Decision> out;
  out.reserve(records_json.size());
  for (const std::string& json : records_json) out.push_back(decide_json(json, options));
  return out;
}

std::vector<Decision> Policy::decide_batch(std::span<const std::string_view> records_json,
                                           const DecideOptions& options) const {
  std::vector<Decision> out;
  out.reserve(records_json.size());
  for (std::string_view json : records_json) out.push_back(decide_json(json, options));
  return out;
}

std::vector<Decision> Policy::decide_batch(std::span<const Record> records,
                                           const DecideOptions& options) const {
  std::vector<Decision> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(decide(r, options));
  return out;
}

// Explaining: the checks every explain call starts with (a policy, valid options), then the
// engine's explanation of a record already read. `read` reads the caller's record; it returns
// the rt::Record to explain or null with the error decision's kind, message and id.
struct Explained {
  Decision decision;
  std::shared_ptr<detail::ExplanationData> data;  // null for an error decision
};

template <typename Read>
Explained ExplainWith(const std::shared_ptr<const detail::CompiledState>& state,
                      const DecideOptions& options, Read read) {
  if (!state) return {ErrorDecision(ErrorKind::NoPolicy, kNoPolicy), nullptr};
  decide::DecideOptions engine_options;
  std::string error;
  if (!ResolveOptions(options, engine_options, error))
    return {ErrorDecision(ErrorKind::Options, std::move(error)), nullptr};
  ErrorKind kind = ErrorKind::None;
  std::optional<std::string> id;
  const rt::Record* r = read(error, kind, id);
  if (!r) return {ErrorDecision(kind, std::move(error), std::move(id)), nullptr};
  decide::Explanation e = state->Explain(*r, engine_options);
  kind = e.decision.effect == rt::Effect::Error ? ErrorKind::Date : ErrorKind::None;
  Explained out{MakeDecision(std::move(e.decision), kind),
                std::make_shared<detail::ExplanationData>()};
  out.data->e.outcomes = std::move(e.outcomes);
  return out;
}

Explanation Policy::explain_json(std::string_view record_json, const DecideOptions& options) const {
  std::optional<rt::Record> record;
  Explained e = ExplainWith(state_, options,
                            [&](std::string& error, ErrorKind& kind,
                                std::optional<std::string>& id) -> const rt::Record* {
                              record.emplace(&state_->program->input);
                              if (io::ReadJsonRecord(record_json, *record, error)) return &*record;
                              kind = ClassifyReadError(error);
                              id = RecordId(*record);
                              return nullptr;
                            });
  Explanation out;
  out.decision_ = std::move(e.decision);
  out.data_ = std::move(e.data);
  return out;
}

Explanation Policy::explain(const Record& record, const DecideOptions& options) const {
  Explained e = ExplainWith(state_, options,
                            [&](std::string& error, ErrorKind& kind,
                                std::optional<std::string>& id) -> const rt::Record* {
                              const rt::Record* r =
                                  Prepare(*state_, record, record.state_.get(), error, kind);
                              if (!r && record.state_) id = RecordId(record.state_->record);
                              return r;
                            });
  Explanation out;
  out.decision_ = std::move(e.decision);
  out.data_ = std::move(e.data);
  return out;
}

Record Policy::new_record() const {
  if (!state_) return Record();
  return Record(std::make_unique<RecordState>(state_));
}

// --- Record -------------------------------------------------------------------------------------

Record::Record() = default;
Record::Record(std::unique_ptr<RecordState> state) : state_(std::move(state)) {}
Record::~Record() = default;
Record::Record(Record&&) noexcept = default;
Record& Record::operator=(Record&&) noexcept = default;

bool Record::valid() const noexcept { return state_ != nullptr; }
bool Record::ok() const noexcept { return state_ && state_->error.empty(); }
const std::string& Record::error() const noexcept {
  static const std::string kEmpty = kEmptyRecord;
  return state_ ? state_->error : kEmpty;
}
const std::string& Record::last_error() const noexcept {
  static const std::string kEmpty = kEmptyRecord;
  return state_ ? state_->last_error : kEmpty;
}

namespace {

void Fail(RecordState& s, std::string message) {
  if (s.error.empty()) s.error = message;
  s.last_error = std::move(message);
}

// Every setter starts here: the previous setter's failure is forgotten by last_error().
RecordState* Begin(const std::unique_ptr<RecordState>& s) {
  if (s) {
    s->last_error.clear();
    s->required_ok.store(0, std::memory_order_relaxed);
  }
  return s.get();
}

// The slot of `path`, or nullopt after recording "unknown field" (with a suggestion).
std::optional<uint32_t> FindField(RecordState& s, std::string_view path) {
  const rt::RecordLayout& layout = s.record.layout();
  if (auto slot = layout.Find(path)) return slot;
  std::vector<std::string> paths;
  for (const rt::FieldSlot& f : layout.slots) paths.push_back(f.path);
  std::string message = "unknown field `" + std::string(path) + "` in " + layout.type_name;
  if (auto near = ClosestMatch(path, paths)) message += " (did you mean `" + *near + "`?)";
  Fail(s, std::move(message));
  return std::nullopt;
}

// Enclosing records of a set field become present.
void MarkParents(RecordState& s, uint32_t slot) {
  const rt::RecordLayout& layout = s.record.layout();
  for (int32_t p = layout.slots[slot].parent; p >= 0; p = layout.slots[p].parent) {
    rt::Value& v = s.record.slot(static_cast<uint32_t>(p));
    if (v.kind == rt::ValueKind::Record) break;
    v = rt::Value::RecordPresent();
  }
}

std::string Article(const std::string& type) {
  bool vowel = !type.empty() && std::string_view("aeiou").find(type[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + type;
}

// The slot of a scalar field, checking its kind when `want` is not Unknown.
std::optional<uint32_t> ScalarField(RecordState* s, std::string_view path, rt::ValueKind want) {
  if (!s) return std::nullopt;
  auto slot = FindField(*s, path);
  if (!slot) return std::nullopt;
  const rt::FieldSlot& f = s->record.layout().slots[*slot];
  if (f.kind == rt::ValueKind::Record) {
    std::string first = f.children.empty() ? "" : s->record.layout().slots[f.children[0]].path;
    Fail(*s, "field `" + f.path + "` is a record: set its fields (`" + first + "`, ...)");
    return std::nullopt;
  }
  if (f.kind == rt::ValueKind::Set || f.kind == rt::ValueKind::List) {
    if (want != rt::ValueKind::Set) {
      Fail(*s, "field `" + f.path + "` is " + Article(TypeName(f)) + ": use set_list");
      return std::nullopt;
    }
    return slot;
  }
  if (want == rt::ValueKind::Set) {
    Fail(*s, "field `" + f.path + "` is " + Article(TypeName(f)) + ", not a set or list");
    return std::nullopt;
  }
  if (want != rt::ValueKind::Unknown && f.kind != want) {
    Fail(*s, "field `" + f.path + "` is " + Article(TypeName(f)) + ", not " +
                 Article(rt::ValueKindName(want)));
    return std::nullopt;
  }
  return slot;
}

void SetText(RecordState* s, std::string_view path, std::string_view text, rt::ValueKind want) {
  auto slot = ScalarField(s, path, want);
  if (!slot) return;
  const rt::FieldSlot& f = s->record.layout().slots[*slot];
  rt::Value v;
  std::string what;
  if (!io::internal::DecodeScalar(f.kind, text, /*from_json_string=*/false, s->record, v, what)) {
    Fail(*s, "field `" + f.path + "`: " + what);
    return;
  }
  s->record.slot(*slot) = v;
  MarkParents(*s, *slot);
}

}  // namespace

Record& Record::set(std::string_view path, std::string_view text) {
  SetText(Begin(state_), path, text, rt::ValueKind::Unknown);
  return *this;
}
Record& Record::set(std::string_view path, bool value) {
  auto slot = ScalarField(Begin(state_), path, rt::ValueKind::Bool);
  if (slot) {
    state_->record.slot(*slot) = rt::Value::Bool(value);
    MarkParents(*state_, *slot);
  }
  return *this;
}
Record& Record::set(std::string_view path, int64_t value) {
  auto slot = ScalarField(Begin(state_), path, rt::ValueKind::Unknown);
  if (!slot) return *this;
  const rt::FieldSlot& f = state_->record.layout().slots[*slot];
  if (f.kind == rt::ValueKind::Int) {
    state_->record.slot(*slot) = rt::Value::Int(value);
  } else if (f.kind == rt::ValueKind::Decimal) {
    state_->record.slot(*slot) = rt::Value::Dec(rt::Decimal::FromInt(value));
  } else {
    Fail(*state_, "field `" + f.path + "` is " + Article(TypeName(f)) + ", not a number");
    return *this;
  }
  MarkParents(*state_, *slot);
  return *this;
}
Record& Record::set_string(std::string_view path, std::string_view value) {
  SetText(Begin(state_), path, value, rt::ValueKind::String);
  return *this;
}
Record& Record::set_bool(std::string_view path, bool value) { return set(path, value); }
Record& Record::set_int(std::string_view path, int64_t value) {
  auto slot = ScalarField(Begin(state_), path, rt::ValueKind::Int);
  if (slot) {
    state_->record.slot(*slot) = rt::Value::Int(value);
    MarkParents(*state_, *slot);
  }
  return *this;
}
Record& Record::set_decimal(std::string_view path, std::string_view value) {
  SetText(Begin(state_), path, value, rt::ValueKind::Decimal);
  return *this;
}
Record& Record::set_money(std::string_view path, std::string_view value) {
  SetText(Begin(state_), path, value, rt::ValueKind::Money);
  return *this;
}
Record& Record::set_money(std::string_view path, std::string_view amount,
                          std::string_view currency) {
  std::string text(amount);
  text += ' ';
  text += currency;
  SetText(Begin(state_), path, text, rt::ValueKind::Money);
  return *this;
}
Record& Record::set_date(std::string_view path, std::string_view value) {
  SetText(Begin(state_), path, value, rt::ValueKind::Date);
  return *this;
}
Record& Record::set_country(std::string_view path, std::string_view value) {
  SetText(Begin(state_), path, value, rt::ValueKind::Country);
  return *this;
}
Record& Record::set_code(std::string_view path, std::string_view value) {
  SetText(Begin(state_), path, value, rt::ValueKind::Code);
  return *this;
}

Record& Record::set_list(std::string_view path, std::span<const std::string_view> items) {
  auto slot = ScalarField(Begin(state_), path, rt::ValueKind::Set);
  if (!slot) return *this;
  RecordState& s = *state_;
  const rt::FieldSlot& f = s.record.layout().slots[*slot];
  std::vector<rt::Value> values;
  values.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    rt::Value v;
    std::string what;
    if (!io::internal::DecodeScalar(f.element, items[i], false, s.record, v, what)) {
      Fail(s, "field `" + f.path + "`: element " + std::to_string(i + 1) + ": " + what);
      return *this;
    }
    values.push_back(v);
  }
  if (f.kind == rt::ValueKind::Set) rt::SortUnique(values);
  rt::ValueSpan span = s.record.StoreItems(values.data(), static_cast<uint32_t>(values.size()));
  s.record.slot(*slot) =
      f.kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
  MarkParents(s, *slot);
  return *this;
}
Record& Record::set_list(std::string_view path, std::initializer_list<std::string_view> items) {
  return set_list(path, std::span<const std::string_view>(items.begin(), items.size()));
}
Record& Record::set_list(std::string_view path, const std::vector<std::string>& items) {
  std::vector<std::string_view> views(items.begin(), items.end());
  return set_list(path, std::span<const std::string_view>(views));
}

Record& Record::set_null(std::string_view path) {
  if (!Begin(state_)) return *this;
  auto slot = FindField(*state_, path);
  if (!slot) return *this;
  const rt::FieldSlot& f = state_->record.layout().slots[*slot];
  if (!f.optional) {
    Fail(*state_, "field `" + f.path + "`: null, but the field is required");
    return *this;
  }
  state_->record.slot(*slot) =
      rt::Value::Unknown(f.kind == rt::ValueKind::Record ? rt::kMissing : rt::kNull);
  if (f.kind != rt::ValueKind::Record) MarkParents(*state_, *slot);
  return *this;
}

Record& Record::clear() {
  if (state_) {
    state_->record.Clear();
    state_->error.clear();
    state_->last_error.clear();
    state_->required_ok.store(0, std::memory_order_relaxed);
  }
  return *this;
}

std::string Record::to_json() const {
  if (!state_) return {};
  std::string out;
  const rt::RecordLayout& layout = state_->record.layout();
  AppendFieldJson(layout, layout.top_level, state_->record, out);
  return out;
}

// --- PolicySlot ---------------------------------------------------------------------------------

PolicySlot::PolicySlot() : state_(std::make_unique<detail::SlotState>()) {}
PolicySlot::PolicySlot(Policy initial) : PolicySlot() { store(std::move(initial)); }
PolicySlot::~PolicySlot() = default;

void PolicySlot::store(Policy policy) noexcept {
  std::shared_ptr<const CompiledState> old;  // released after unlocking: freeing a policy (and
  {                                          // its JIT code) must not hold up loads
    std::lock_guard<std::mutex> lock(state_->mutex);
    old = std::exchange(state_->current, std::move(policy.state_));
    state_->generation.fetch_add(1, std::memory_order_acq_rel);
  }
}
Policy PolicySlot::load() const noexcept {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return Policy(state_->current);
}
uint64_t PolicySlot::generation() const noexcept {
  return state_->generation.load(std::memory_order_acquire);
}
Decision PolicySlot::decide_json(std::string_view record_json, const DecideOptions& options) const {
  return load().decide_json(record_json, options);
}

}  // namespace licit
