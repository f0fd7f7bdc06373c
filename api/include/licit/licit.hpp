// Licit's C++ embedding API: compile policies, decide records, explain decisions, hot-reload.
// This header is the whole public surface; it includes only the standard library (every type is a
// handle over a private implementation), so it stays stable while the compiler and the engines
// change. docs/embedding.md has complete examples and the ownership and thread-safety rules.
//
//   licit::Engine engine;
//   licit::Compilation c = engine.compile_files({"policy.licit"});
//   if (!c.ok()) { std::cerr << c.diagnostics_text(); return 1; }
//   licit::Policy policy = c.policy();
//   licit::Decision d = policy.decide_json(R"({"id":"S1","date":"2026-02-01",...})");
//   if (d.effect() == licit::Effect::Deny) ...;  std::cout << d.to_json() << "\n";
//
// Errors: nothing here throws except std::bad_alloc. Mistakes in a policy are diagnostics
// (Compilation), records that cannot be judged (malformed JSON, a field of the wrong type, a
// record built with an unknown field, a bad as_of date, an empty Policy) give a Decision whose
// effect is Effect::Error and whose error() says why, exactly as `licit eval` reports them.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(LICIT_STATIC_DEFINE) || !defined(__GNUC__)
#define LICIT_API
#else
#define LICIT_API __attribute__((visibility("default")))
#endif

namespace licit {

namespace detail {
struct EngineState;
struct CompiledState;
struct DecisionData;
struct RecordState;
struct ExplanationData;
struct SlotState;
struct SessionState;
struct WorkspaceState;
}  // namespace detail

// The library's version, "major.minor.patch" (the shared library's SONAME carries the major).
LICIT_API const char* version() noexcept;

// Decision effects, weakest first (the lattice of language.md section 4), and Error for a record
// that could not be judged.
enum class Effect : uint8_t { Allow, Exempt, Review, License, Deny, Error };
// "allow", "exempt", "review", "license", "deny", "error".
LICIT_API const char* effect_name(Effect e) noexcept;

// Which engine decides; both give identical decisions (the interpreter is the reference).
// Default, in a build with LLVM, is tiered: the interpreter decides as soon as the policy is
// compiled while the JIT compiles on a background thread, and the JIT decides from the moment it
// is ready (Policy::jit_state). Jit compiles the JIT before compile returns; Interpreter never
// compiles it. Without LLVM, Default is the interpreter.
enum class EngineKind : uint8_t { Default, Interpreter, Jit };
// Where a policy's JIT is: None (the interpreter is the engine), Compiling (a tiered policy,
// deciding with the interpreter meanwhile), Ready (the JIT decides), Failed (a background compile
// failed; the interpreter decides, with the same results).
enum class JitState : uint8_t { None, Compiling, Ready, Failed };
LICIT_API const char* engine_kind_name(EngineKind k) noexcept;  // "default", "interp", "jit"
// Whether this build has the LLVM JIT.
LICIT_API bool jit_available() noexcept;
// For a program about to exit while policies are still alive (kept in a static, leaked): stops
// the JIT's background compiles of the code for records with unknown values (a tiered policy
// compiles it when a record first needs it) at their next phase and waits for them; later ones
// do not start, the interpreter deciding those records. Without it such a compile could run
// under the process's static destructors. (A tiered policy's own background compile stops when
// the policy is dropped; see Policy::wait_for_jit.)
LICIT_API void stop_background_compiles() noexcept;

// Reading the names above back, for command lines and configuration files (the CLI's --fail-on
// and --engine): exactly the names effect_name and engine_kind_name return; nullopt otherwise.
LICIT_API std::optional<Effect> parse_effect(std::string_view name) noexcept;
LICIT_API std::optional<EngineKind> parse_engine_kind(std::string_view name) noexcept;
// Whether `text` is a day as DecideOptions::as_of takes it ("2026-01-06"; not a month
// "2026-01", not an impossible day "2026-02-30"), so a caller can refuse a bad --as-of up front.
LICIT_API bool is_valid_date(std::string_view text) noexcept;

struct EngineOptions {
  EngineKind engine = EngineKind::Default;
  // Fail the compilation on warnings too (the CLI's --werror).
  bool warnings_as_errors = false;
  // Policy files larger than this are refused (E0004).
  size_t max_source_bytes = size_t{64} << 20;
  // When non-empty, `import std.x` reads <stdlib_dir>/std/x.licit instead of the embedded library.
  std::string stdlib_dir;
};

// (Named DiagnosticSeverity and DiagnosticInfo, not Severity and Diagnostic: the compiler's own
// types have those names in namespace licit, and the implementation sees both.)
enum class DiagnosticSeverity : uint8_t { Error, Warning, Note };

// A secondary location of a diagnostic ("first declared here").
struct DiagnosticLabel {
  std::string file;
  uint32_t line = 0, column = 0;  // 1-based; 0 when the diagnostic has no location
  std::string message;
};

// One compiler diagnostic as data (the same content as `licit check --diagnostics=json`).
struct DiagnosticInfo {
  DiagnosticSeverity severity = DiagnosticSeverity::Error;
  std::string code;     // "E0305", "W0001" (docs/diagnostics.md); "internal" for engine failures
  std::string message;  // "unknown country code `UK`"
  std::string file;     // empty when the diagnostic has no location (e.g. an unreadable file)
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;  // 1-based, columns in code points
  std::string label;  // the text under the caret run ("not an ISO 3166-1 code"), may be empty
  std::vector<DiagnosticLabel> secondary;
  std::vector<std::string> help;  // "did you mean `GB` (United Kingdom)?"
  std::vector<std::string> notes;
};

class Policy;
class Record;

// The outcome of a policy's `test` blocks (language.md section 10): `licit test`, the REPL's
// :test. Plain data (copies are independent; safe to read from many threads).
struct TestCase {
  std::string policy;  // the policy the test belongs to
  std::string file;    // that policy's file ("examples/cn-japan-2026.licit")
  std::string name;    // "a JSDF end user is denied after the ban"
  std::string at;      // "examples/cn-japan-2026.licit:38:1"
  bool passed = false;
  std::string expected;  // "deny by jp-military"
  std::string got;       // "deny by jp-military", or "error: <reason>"
  // Every rule that contributed to the policy's decision, "rule (effect)", for a failed test:
  // "jp-military (deny), dual-use-any (license)"; "" when passed, when nothing contributed (the
  // policy's default) and when the record could not be judged.
  std::string contributions;
  std::string error;  // why the record could not be judged ("" when it was)
};
// A rule no test fires (rule coverage).
struct UncoveredRule {
  std::string policy, rule, at;
};
struct TestReport {
  std::vector<TestCase> tests;           // in policy order, then source order
  std::vector<UncoveredRule> uncovered;  // in policy order, then source order
  size_t passed = 0, failed = 0;
  bool ok() const noexcept { return failed == 0; }
  // Exactly what `licit test` prints (PASS/FAIL lines, differences, the count, coverage). With
  // `color`, PASS is green and FAIL red (ANSI escapes), for a terminal.
  LICIT_API std::string to_text(bool color = false) const;
  // One JSON document, as `licit test --format json` prints it (no trailing newline):
  // {"tests":[{"policy","file","name","at","passed","expected","got","contributions","error"}],
  //  "passed":N,"failed":N,"uncovered":[{"policy","rule","at"}]}; "error" is null when judged.
  LICIT_API std::string to_json() const;
};

// The result of compiling policy files: diagnostics, and the Policy when there were no errors.
// Immutable; cheap to copy (shared); safe to read from many threads.
class LICIT_API Compilation {
 public:
  Compilation();  // an empty compilation: !ok(), no diagnostics
  ~Compilation();
  Compilation(const Compilation&);
  Compilation(Compilation&&) noexcept;
  Compilation& operator=(const Compilation&);
  Compilation& operator=(Compilation&&) noexcept;

  // True when the policy compiled without errors (and without warnings under warnings_as_errors).
  bool ok() const noexcept;
  size_t error_count() const noexcept;
  size_t warning_count() const noexcept;
  // Every diagnostic, errors and warnings, ordered by file and position.
  std::vector<DiagnosticInfo> diagnostics() const;
  // rustc-style text, as `licit check` prints it (with its summary line); "" when clean.
  std::string diagnostics_text(bool color = false) const;
  // One JSON document {"diagnostics":[...],"errors":N,"warnings":N}, as `--diagnostics=json`.
  std::string diagnostics_json() const;
  // The compiled policy; an empty Policy (valid() false, every decision an error) when !ok().
  Policy policy() const;

 private:
  friend class Engine;
  friend class Workspace;
  friend class Policy;     // analyze() returns its findings as a Compilation
  friend class PartyList;  // a list file's diagnostics are a Compilation without a policy
  explicit Compilation(std::shared_ptr<const detail::CompiledState> state);
  std::shared_ptr<const detail::CompiledState> state_;
};

// The stages of the compiler that Engine::dump_files prints (`licit dump --emit=STAGE`), for
// goldens, bug reports and tools. The text formats are for people: they may change between
// versions.
enum class DumpStage : uint8_t {
  Tokens,   // the token stream, one token per line ("line:col KIND `text`"); lexing only
  Ast,      // the syntax tree as an S-expression; parsing only (no name resolution)
  Checked,  // each declaration with resolved names and types (the files and their imports)
  Ir,       // the lowered program (needs files without errors)
  Llvm,     // the LLVM module the JIT compiles, optimised, after its compiled record layout as
            // `;` comments (needs the JIT: jit_available())
};
LICIT_API const char* dump_stage_name(DumpStage s) noexcept;  // "tokens", "ast", "checked", ...
LICIT_API std::optional<DumpStage> parse_dump_stage(std::string_view name) noexcept;

// A stage printed, with the diagnostics of the stages run to reach it.
struct Dump {
  // The stage's text; "" when the stage could not be reached (errors in an earlier stage).
  std::string text;
  // The diagnostics (diagnostics_text/json, counts); ok() is false on errors (or warnings under
  // warnings_as_errors) and on internal failures (code "internal"). Its policy() is always empty.
  Compilation compilation;
};

// A policy file in the canonical layout (`licit fmt`, an editor's "format document"; docs/cli.md,
// "licit fmt"): nothing reordered, comments kept where they were, the same program.
struct Formatted {
  // The formatted text (equal to the input when it was already formatted); empty unless ok.
  std::string text;
  // False when the source has lexical or syntax errors (in `compilation`): such a file must be
  // left as it is. Also false on an internal error (code "internal"): the formatter refused its
  // own output because it would not lex to the input's tokens and comments.
  bool ok = false;
  bool changed = false;  // ok, and `text` differs from the input
  // The syntax phase's diagnostics (names and types are not checked: a file with other errors is
  // still formatted). Its policy() is always empty.
  Compilation compilation;
};

// Compiles policies. Holds only options (the JIT itself is process-wide), so it is cheap; one per
// process is enough. Thread-safe: several threads may compile at once.
class LICIT_API Engine {
 public:
  Engine();
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&);
  Engine(Engine&&) noexcept;
  Engine& operator=(const Engine&);
  Engine& operator=(Engine&&) noexcept;

  // The engine policies compiled here decide with (Default resolved to Jit or Interpreter).
  EngineKind engine_kind() const noexcept;
  const EngineOptions& options() const noexcept;

  // Compiles root policy files and everything they import (several roots decide together, as
  // `licit run a.licit b.licit`). Unreadable files are diagnostics (E0001), never exceptions.
  Compilation compile_files(const std::vector<std::string>& paths) const;
  // Compiles one root policy given as text. `name` is the file name used in diagnostics and rule
  // locations, and the base of relative imports (which are read from disk).
  Compilation compile_source(std::string_view name, std::string_view text) const;

  // Compiles policy files held in memory, (path, text) pairs, all of them roots in the order
  // given: an editor's unsaved buffers, a service's `/v1/check`. Relative imports (and the files
  // `list` declarations name) resolve among the given paths (against the importing file's
  // directory, as on disk) and `std.*` as usual; nothing is read from disk: importing a path not
  // given is E0311 (cannot read), a list file not given E0601. Give list files after the roots,
  // with the overload below.
  Compilation compile_sources(const std::vector<std::pair<std::string, std::string>>& files) const;
  // The same, with only the first `roots` files as roots; the others can only be imported (the
  // files a Policy was compiled from, Policy::sources(), to compile it again elsewhere).
  Compilation compile_sources(const std::vector<std::pair<std::string, std::string>>& files,
                              size_t roots) const;

  // Runs the compiler on policy files up to `stage` and prints it (`licit dump`). Tokens and Ast
  // read each file alone (in order, their texts concatenated; imports are not followed), so they
  // work on files that do not check; Checked, Ir and Llvm compile the files together with their
  // imports, as compile_files does. An unreadable file is a diagnostic (E0001). Thread-safe.
  Dump dump_files(const std::vector<std::string>& paths, DumpStage stage) const;

  // Formats one policy file given as text; `name` is the file name in diagnostics. Only lexes and
  // parses (imports are not read), so it is fast enough for every keystroke. Thread-safe.
  Formatted format_source(std::string_view name, std::string_view text) const;

 private:
  std::shared_ptr<const detail::EngineState> state_;
};

// A rule that contributed to a decision.
struct RuleHit {
  std::string rule;              // "jp-military"
  Effect effect = Effect::Deny;  // what it contributed (exempt when waived, review when unknown)
  std::optional<std::string> license;
  std::optional<std::string> because;
  std::optional<std::string> cite;
  std::string at;      // "policies/cn.licit:14:1"
  std::string policy;  // the policy it belongs to
};

// A rule an exception waived.
struct Waiver {
  std::string rule;
  std::string exception;
  std::string at;  // the exception's location
};

// Something the policy could not decide, and why.
struct Unknown {
  std::string rule;
  std::string reason;
};

// A party that a rule which fired screened and found on a restricted-party list (screening.md).
struct ListedParty {
  std::string rule;
  std::string list;
  std::string party;    // the field screened: "end_user"
  std::string name;     // the party's name in the record
  std::string entry;    // the entry's name in the list
  std::string matched;  // the entry's name or alias that scored best
  std::string id;       // the entry's id ("" when the list has none)
  uint32_t row = 0;     // the entry's line in the list file
  double score = 0;     // two decimal places; 1 for an equal name or alias
};

// One policy's own effect, when several policies decide together.
struct PolicyEffect {
  std::string name;
  std::optional<std::string> version;
  Effect effect = Effect::Allow;
};

// Why a decision is an error (Effect::Error), for callers that branch on it.
enum class ErrorKind : uint8_t {
  None,      // not an error
  Json,      // malformed JSON, or not a JSON object
  Utf8,      // the record is not valid UTF-8
  Record,    // the record does not fit the input type (missing field, wrong type, unknown field)
  Date,      // the record has no date and the policy has dated rules
  Options,   // a bad DecideOptions value (as_of)
  NoPolicy,  // an empty Policy (failed compilation, default-constructed, empty PolicySlot)
};

// What Licit says about one record, with its reasons. A value: copies are independent; safe to
// read from many threads. Accessors that return vectors build them on each call; the *_count /
// index forms (rule_count(), rule(i)) do not allocate a vector.
class LICIT_API Decision {
 public:
  Decision();  // an error decision "no decision"
  ~Decision();
  Decision(const Decision&);
  Decision(Decision&&) noexcept;
  Decision& operator=(const Decision&);
  Decision& operator=(Decision&&) noexcept;

  Effect effect() const noexcept;
  const char* effect_name() const noexcept;
  bool is_error() const noexcept { return effect() == Effect::Error; }
  ErrorKind error_kind() const noexcept;
  // For Effect::Error: the reason ("field `destination`: unknown country code `XX` ..."); else "".
  const std::string& error() const noexcept;
  // The record's `id`, when it has one (also on most errors).
  std::optional<std::string> id() const;
  // The date judged ("2026-02-01": the record's date, or DecideOptions::as_of).
  std::optional<std::string> date() const;

  size_t rule_count() const noexcept;
  RuleHit rule(size_t i) const;        // i < rule_count()
  std::vector<RuleHit> rules() const;  // strongest effect first, then source order
  std::vector<Waiver> waived() const;
  std::vector<std::string> licenses() const;  // licences needed (when the effect is License)
  std::vector<Unknown> unknowns() const;
  std::vector<ListedParty> matches() const;  // parties found on lists by rules that fired
  std::vector<PolicyEffect> policies() const;

  // One JSON line, byte for byte what `licit run` and `licit eval` write (no trailing newline).
  std::string to_json() const;
  // The same, appended to `out` (reuse one buffer to render many decisions without allocating).
  void append_json(std::string& out) const;

 private:
  friend class Policy;
  friend class Explanation;
  friend struct detail::DecisionData;
  // The decision is stored inline, so deciding allocates nothing beyond what the engine does.
  // The layout is private; its size is part of the ABI (the SONAME changes when it must grow).
  static constexpr size_t kStorageSize = 288;
  alignas(16) unsigned char storage_[kStorageSize];
  bool engaged_ = false;
  ErrorKind error_kind_ = ErrorKind::NoPolicy;
};

// Why a record got its decision: every rule and exception with its outcome.
struct Outcome {
  std::string policy;
  std::string name;  // rule or exception
  bool is_exception = false;
  std::string at;
  std::string outcome;  // "fired", "waived", "unknown", "not in force", "suspended", ...
  std::string detail;   // plain words: "destination in EU: destination = JP"
};

class Session;

class LICIT_API Explanation {
 public:
  Explanation();
  ~Explanation();
  Explanation(const Explanation&);
  Explanation(Explanation&&) noexcept;
  Explanation& operator=(const Explanation&);
  Explanation& operator=(Explanation&&) noexcept;

  const Decision& decision() const noexcept;
  std::vector<Outcome> outcomes() const;
  // Plain words, as `licit explain` prints them (for an error: the reason the record could not
  // be judged).
  std::string to_text() const;
  // {"decision":{...},"outcomes":[...]}, as `licit explain --format json`.
  std::string to_json() const;

 private:
  friend class Policy;
  friend class Session;
  std::shared_ptr<const detail::ExplanationData> data_;
  Decision decision_;
};

struct DecideOptions {
  // Judge at this date ("2026-01-06") instead of the record's `date` (what-if). A malformed
  // date makes every decision an error (ErrorKind::Options).
  std::optional<std::string> as_of;
  // The input line the record came from (1-based), for services that screen files or streams:
  // the decision then carries it, and an error decision's message starts with "line N: ",
  // exactly as `licit run` writes them.
  std::optional<uint64_t> line;
};

// A field of the policy's input record type (for record builders and UIs).
struct FieldInfo {
  std::string path;       // "item.hs"
  std::string type;       // "code", "country", "string", "set<string>", "record", ...
  bool optional = false;  // declared `T?` (or inside an optional record)
};

// ---- Screening a stream of records (`licit run`) ---------------------------------------------

// The format of a stream of records, or of decisions.
enum class RecordFormat : uint8_t {
  JsonLines,  // one JSON object per line (blank lines are not records)
  Csv,        // a header row naming fields by path (`item.cn`), then one record per row; an empty
              // cell is a missing field, set and list elements are separated by `;`
};

struct ScreenOptions {
  RecordFormat input = RecordFormat::JsonLines;
  // Decisions as JSON Lines (the lines of Decision::to_json), or CSV: a header row, then a row
  // per decision (id, line, effect, date, policies, rules, licenses, unknowns, error).
  RecordFormat output = RecordFormat::JsonLines;
  // Threads that decode, decide and render (0: one per core). The output is the same, byte for
  // byte, whatever the count; the calling thread is one of them.
  unsigned threads = 1;
  // Judge every record at this date instead of its own (as DecideOptions::as_of).
  std::optional<std::string> as_of;
  // Decisions at least this strong (Review, License or Deny) set ScreenSummary::tripped.
  std::optional<Effect> fail_on;
  // Called on the calling thread after each block of records (a few thousand) with the number of
  // decisions written and of input bytes read so far: for progress bars. May be empty.
  std::function<void(uint64_t records, uint64_t bytes)> progress;
  // The number of the input's first line (JSON Lines only): when the input is a part of a larger
  // file that starts at a line boundary (a partition of a cluster's job), so that decisions and
  // their errors name the whole file's lines. CSV input must start at line 1 (its header).
  uint64_t first_line = 1;
};

struct ScreenSummary {
  uint64_t records = 0;        // decisions written: one per record, errors included
  uint64_t by_effect[6] = {};  // indexed by Effect
  bool tripped = false;        // some decision reached ScreenOptions::fail_on (errors never do)
  // Of a tiered policy (EngineKind::Default): the records the interpreter decided because the JIT
  // was still compiling (or failed to); the others the JIT decided, with the same results.
  uint64_t interpreted = 0;
  // Why the screen could not start or stopped before the end of the input: an empty Policy, a
  // bad as_of, an I/O error reading the records. "" when every record was screened.
  std::string error;
  bool ok() const noexcept { return error.empty(); }
  uint64_t count(Effect e) const noexcept { return by_effect[static_cast<size_t>(e)]; }
};

// How two versions of a policy set decide the same records (`licit diff OLD NEW --records R`):
// Policy::impact.
struct ImpactOptions {
  std::optional<std::string> as_of;  // judge every record at this date (YYYY-MM-DD)
  unsigned threads = 1;              // 0: one per core
  RecordFormat input = RecordFormat::JsonLines;
  size_t top = 10;  // how many rules, destinations and items to report (the largest counts)
};
struct ImpactCount {
  std::string key;
  uint64_t count = 0;
};
struct ImpactSummary {
  uint64_t records = 0;  // records read (errors included)
  uint64_t changed = 0;  // records whose effect differs
  // matrix[old][new]: records by the old set's effect and the new set's, indexed by Effect.
  uint64_t matrix[6][6] = {};
  // Over the changed records: the rules that contributed in one set but not the other ("+rule":
  // only in the new decision, "-rule": only in the old), the destinations and the items (the
  // record's first classification code of eccn, eu, cn, jp, hs; "(none)"), largest first.
  std::vector<ImpactCount> rules, destinations, items;
  std::string error;  // why the comparison could not run ("" when every record was read)
  bool ok() const noexcept { return error.empty(); }
};

// `licit analyze` (docs/cli.md, "licit analyze"): Policy::analyze.
struct AnalyzeOptions {
  std::optional<std::string> as_of;  // judge every record at this date (YYYY-MM-DD) only
  unsigned timeout_ms = 10000;       // per solver query; past it the question is "unsettled"
};

// `licit diff OLD NEW` without records (docs/cli.md, "licit diff"): Policy::semantic_diff.
struct SemanticDiffOptions {
  std::optional<std::string> as_of;  // only records judged at this date (YYYY-MM-DD)
  std::optional<std::pair<std::string, std::string>> between;  // or at a date in this range
  unsigned timeout_ms = 10000;                                 // per solver query
};

// Whether some record changes from one effect to another.
struct EffectChange {
  enum class Status : uint8_t {
    Never,    // proved: no record on any allowed date changes this way
    Found,    // `witness` does, as both engines decided
    Unknown,  // the solver could not settle it (`reason`)
  };
  Effect from = Effect::Allow, to = Effect::Allow;
  Status status = Status::Never;
  std::string witness;                  // Found: the record, one JSON object
  std::string date;                     // Found: the date it is judged at (YYYY-MM-DD)
  Decision old_decision, new_decision;  // Found: the two sets' decisions of the witness
  std::string reason;                   // Unknown: why
};

struct SemanticDiff {
  std::vector<EffectChange> changes;  // every ordered pair of distinct effects except error
  std::string error;                  // why the sets could not be compared ("" when they were)
  bool ok() const noexcept { return error.empty(); }
  LICIT_API bool equivalent() const noexcept;  // ok and every change Never
  LICIT_API bool different() const noexcept;   // some change Found
  // What `licit diff` prints: the changes found with their witnesses, then "equivalent" or the
  // unsettled pairs.
  LICIT_API std::string to_text() const;
  // {"equivalent":B,"changes":[{"from","to","status","witness","date","old","new","reason"}]}
  LICIT_API std::string to_json() const;
};

// A root policy of a compiled Policy, for services that report what they serve.
struct PolicyInfo {
  std::string name;                    // "cn.mofcom.japan_2026"
  std::optional<std::string> version;  // its `version "..."`, when declared
  std::string file;                    // the file declaring it, as given to the compiler
  size_t rules = 0;                    // its rules
};

// Receives the rendered decisions in input order, in chunks of whole lines (each ends in '\n').
using DecisionWriter = std::function<void(std::string_view chunk)>;

// A compiled policy: immutable, cheap to copy (a shared reference), and safe to use from many
// threads at once without locks. It stays alive as long as any copy, Record or in-flight call
// uses it, so swapping in a new one (PolicySlot) never disturbs decisions already running.
class LICIT_API Policy {
 public:
  Policy();  // empty: valid() is false and every decision is an error (ErrorKind::NoPolicy)
  ~Policy();
  Policy(const Policy&) noexcept;
  Policy(Policy&&) noexcept;
  Policy& operator=(const Policy&) noexcept;
  Policy& operator=(Policy&&) noexcept;

  bool valid() const noexcept;
  explicit operator bool() const noexcept { return valid(); }
  EngineKind engine_kind() const noexcept;
  // The JIT's state (see JitState); wait_for_jit blocks until a background compile has ended
  // and returns the state then (Ready or Failed; at once for the others).
  JitState jit_state() const noexcept;
  JitState wait_for_jit() const;
  // The names of the root policies ("cn.mofcom.japan_2026"), in the order compiled.
  std::vector<std::string> names() const;
  // The root policies, in the order compiled, and their rules in all.
  std::vector<PolicyInfo> policies() const;
  size_t rule_count() const noexcept;
  // Every file the policy was compiled from, each once, in the order the compiler read them
  // (a root, then what it imports): standard modules by the path diagnostics show for them
  // ("stdlib/std/trade.licit"). A server watches these for changes.
  std::vector<std::string> source_files() const;
  // The same files with their texts, (path, text) in the same order: with the roots' files
  // (policies()[i].file) they compile the same policy again, with the same digest, through
  // Engine::compile_sources(files, roots) on another machine (Python's pickling does this).
  std::vector<std::pair<std::string, std::string>> sources() const;
  // "sha256:" and 64 hex digits over every source file's name and text, in that order: equal for
  // the same files with the same contents, so it names a policy version in logs and answers.
  // "" for an empty Policy.
  std::string digest() const;
  // The input record type ("std.trade.Shipment") and its fields, nested ones by dotted path.
  std::string input_type() const;
  std::vector<FieldInfo> fields() const;

  // Decides one record given as a JSON object (a line of JSON Lines input). Malformed JSON or a
  // record that does not fit the input type gives an error decision, as `licit eval` does.
  Decision decide_json(std::string_view record_json, const DecideOptions& options = {}) const;
  // Decides a record built with new_record() (or for another policy with the same fields).
  Decision decide(const Record& record, const DecideOptions& options = {}) const;
  // Many records at once, in order; one decision per input (errors included).
  std::vector<Decision> decide_batch(std::span<const std::string> records_json,
                                     const DecideOptions& options = {}) const;
  std::vector<Decision> decide_batch(std::span<const std::string_view> records_json,
                                     const DecideOptions& options = {}) const;
  std::vector<Decision> decide_batch(std::span<const Record> records,
                                     const DecideOptions& options = {}) const;

  // Every rule and exception's outcome for one record (`licit explain`).
  Explanation explain_json(std::string_view record_json, const DecideOptions& options = {}) const;
  Explanation explain(const Record& record, const DecideOptions& options = {}) const;

  // Runs every `test` block of the policy files (each given record judged at its date by its own
  // policy, with the other roots loaded too) and reports rule coverage: `licit test`. Thread-safe
  // like decide. An empty Policy has no tests: an empty report (to_text() "no tests found").
  TestReport run_tests() const;

  // Screens a stream of records: one decision per record, in input order, written through
  // `write`; a record that cannot be read or judged gets an error decision naming its line, and
  // the screen goes on. Memory stays bounded however long the input. `write` is called from the
  // screening threads, one call at a time, in order. An exception thrown by `write` or
  // `progress` stops the screen and is rethrown here once every screening thread has stopped.
  ScreenSummary screen(std::istream& records, const DecisionWriter& write,
                       const ScreenOptions& options = {}) const;

  // Decides every record of the stream with this policy (the old version) and `after` (the new)
  // in one pass, each record read once, and counts how the decisions differ. Each record whose
  // effect differs is written, in input order, as one JSON line
  // {"line":N,"id":...,"old":DECISION,"new":DECISION}. Both must judge the same input record
  // type (their layouts must be equal): otherwise `error` says so and nothing is read.
  ImpactSummary impact(const Policy& after, std::istream& records, const DecisionWriter& write,
                       const ImpactOptions& options = {}) const;

  // Proves what the policy does over every record and date (authoring.md section 3): the
  // checker's diagnostics and the analysis's findings (W0101-W0107, docs/diagnostics.md), each
  // with an example record both engines decided where one exists. Its policy() is empty.
  Compilation analyze(const AnalyzeOptions& options = {}) const;
  // How `after` (the new version) decides differently from this policy (the old) over every
  // record: for each pair of effects, a witness record or a proof that none exists. Both must
  // judge the same input record type.
  SemanticDiff semantic_diff(const Policy& after, const SemanticDiffOptions& options = {}) const;

  // An empty record of this policy's input type, for the typed builder.
  Record new_record() const;

 private:
  friend class Compilation;
  friend class Record;
  friend class PolicySlot;
  friend class Session;
  explicit Policy(std::shared_ptr<const detail::CompiledState> state) noexcept;
  Decision DecideJsonAt(std::string_view record_json, const DecideOptions& options) const;
  Decision DecideAt(const Record& record, const DecideOptions& options) const;
  std::shared_ptr<const detail::CompiledState> state_;
};

// A typed record builder: fill fields by dotted path without writing JSON. Values are checked
// against the field's type as they are set, with the wording of the JSON reader; the first
// mistake is kept in error() and makes a decision of this record an error (ErrorKind::Record),
// like a bad line of input. Setting a nested field (`item.hs`) makes its enclosing records
// present. Move-only (its strings live in its own arena); not thread-safe while being built, safe
// to decide from many threads once built. Reuse one with clear() to avoid allocating per record.
class LICIT_API Record {
 public:
  Record();  // empty: every setter fails, deciding it is an error; use Policy::new_record()
  ~Record();
  Record(Record&&) noexcept;
  Record& operator=(Record&&) noexcept;
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;

  bool valid() const noexcept;                // made by new_record() (not empty or moved from)
  bool ok() const noexcept;                   // valid and no setter failed
  const std::string& error() const noexcept;  // the first failure, "" when ok()
  // The failure of the most recent setter, "" when it succeeded (for callers checking each set).
  const std::string& last_error() const noexcept;

  // Any scalar field from text, read as a CSV cell would be: strings as given, "true"/"false",
  // "12", "1.5", "2026-02-01", "JP", "1200.00 USD", "3A001.a.2" by the field's type.
  Record& set(std::string_view path, std::string_view text);
  Record& set(std::string_view path, const char* text) { return set(path, std::string_view(text)); }
  Record& set(std::string_view path, const std::string& text) {
    return set(path, std::string_view(text));
  }
  Record& set(std::string_view path, bool value);
  Record& set(std::string_view path, int64_t value);  // int or decimal fields
  Record& set(std::string_view path, int value) { return set(path, static_cast<int64_t>(value)); }

  // Typed setters: fail unless the field has exactly that type.
  Record& set_string(std::string_view path, std::string_view value);
  Record& set_bool(std::string_view path, bool value);
  Record& set_int(std::string_view path, int64_t value);
  Record& set_decimal(std::string_view path, std::string_view value);  // "1.5", exact
  Record& set_money(std::string_view path, std::string_view value);    // "1200.00 USD"
  Record& set_money(std::string_view path, std::string_view amount, std::string_view currency);
  Record& set_date(std::string_view path, std::string_view value);     // "2026-02-01"
  Record& set_country(std::string_view path, std::string_view value);  // "JP" (ISO 3166-1)
  Record& set_code(std::string_view path, std::string_view value);     // "3A001.a.2"
  // set<T> and list<T> fields; each element is read as set() reads text.
  Record& set_list(std::string_view path, std::span<const std::string_view> items);
  Record& set_list(std::string_view path, std::initializer_list<std::string_view> items);
  Record& set_list(std::string_view path, const std::vector<std::string>& items);
  // An optional field explicitly null (same as absent for optional records).
  Record& set_null(std::string_view path);
  // Every field missing again and the error forgotten; keeps its storage for the next record.
  Record& clear();

  // The record as JSON (fields that are set), for logs; "" for an empty record.
  std::string to_json() const;

 private:
  friend class Policy;
  explicit Record(std::unique_ptr<detail::RecordState> state);
  std::unique_ptr<detail::RecordState> state_;
};

// Hot reload: a slot holding the current Policy. store() swaps a new one in atomically while
// other threads decide; load() returns the current one (a cheap copy that keeps it alive), so a
// decision in flight finishes on the policy it started with. Every method is thread-safe.
class LICIT_API PolicySlot {
 public:
  PolicySlot();
  explicit PolicySlot(Policy initial);
  ~PolicySlot();
  PolicySlot(const PolicySlot&) = delete;
  PolicySlot& operator=(const PolicySlot&) = delete;

  void store(Policy policy) noexcept;
  Policy load() const noexcept;
  // How many times store() was called (a cheap way to notice a reload).
  uint64_t generation() const noexcept;
  // load().decide_json(...), for one-off calls.
  Decision decide_json(std::string_view record_json, const DecideOptions& options = {}) const;

 private:
  std::unique_ptr<detail::SlotState> state_;
};

// --- Session: an interactive workspace (the REPL) ----------------------------------------------
//
// A Session is what `licit repl` runs on: policy files loaded from disk plus definitions typed
// interactively, compiled together into one Policy after every change. Records and expressions
// are judged against it:
//
//   licit::Session s;                                    // no files: an implicit policy importing
//   s.define("class military = has(end_user) and end_user.kind == \"military\"");  // std.trade
//   s.define("rule no-military:\n  deny military to any");
//   licit::SessionRecord r = s.enter_record("{destination: JP, end_user: {name: \"X\", kind:
//   \"military\"}}"); r.decision.effect();                                 // Effect::Deny
//   s.evaluate("end_user.kind").value;                   // "\"military\"", type "string"
//
// Interactive definitions form an overlay on the first file (or on the implicit policy): they
// share its namespace, and defining a name that the first file or an earlier definition declares
// replaces that declaration. Every change is all-or-nothing: when the program no longer compiles,
// the change is refused with its diagnostics and the previous state stays in force. Diagnostics
// about typed input point into it as the file `<repl>`, with carets.
//
// Ownership and threads: a Session is a single-user object (one thread at a time; move-only; a
// moved-from Session may only be destroyed or assigned to).
// The Policy, Decision and Explanation values it returns are independent of it and follow their
// own rules (immutable, safe to share), so a service may keep deciding on a Policy taken from a
// Session while the Session changes.

struct SessionOptions {
  // The engine decisions use (Default: the JIT when built with LLVM) and compile options.
  EngineOptions engine;
  // Colour in rendered diagnostics (ANSI escapes), for terminals.
  bool color = false;
};

// The outcome of a change (define, load, reload, set_engine).
struct SessionResult {
  bool ok = false;
  // ok: what changed, e.g. "defined class military", "redefined rule no-military",
  // "loaded examples/cn.licit"; !ok: a one-line reason when there are no diagnostics.
  std::string message;
  // Rendered diagnostics (rustc-style, as `licit check` prints them): every error, and the
  // warnings about the input itself. May be non-empty when ok (warnings).
  std::string diagnostics;
  size_t errors = 0, warnings = 0;
};

// A record literal typed at the prompt, and its decision.
struct SessionRecord {
  bool ok = false;          // false: the literal did not check (see diagnostics)
  std::string diagnostics;  // rendered, pointing into `<repl>`
  Decision decision;        // ok: the decision (an Effect::Error decision when it cannot be judged)
};

// The value and type of an expression judged against the current record.
struct SessionValue {
  bool ok = false;  // false: the expression did not check (see diagnostics)
  std::string diagnostics;
  std::string type;   // "country", "set<string>", "bool", "money", "Party", ...
  std::string value;  // as Licit source writes it: "JP", "\"military\"", "unknown"
  bool known = false;
  std::string unknown_reason;  // when !known: "end_user.kind is missing"
  // For `party matches list`: the entry screening found, with its score and row (or that none
  // resembles the party, or a clearance), whatever the value.
  std::string note;
};

// A named declaration visible in the session (for :rules, :show and completion).
struct DeclarationInfo {
  std::string kind;  // "rule", "exception", "class", "group", "let", "record"
  std::string name;
  std::string policy;        // the policy (module) declaring it: "acme.export_rules", "std.trade"
  std::string at;            // "first.licit:12:1", or "<repl>:1:1" for an interactive definition
  bool interactive = false;  // typed in this session
  std::string source;        // the declaration's text
};

class LICIT_API Session {
 public:
  explicit Session(SessionOptions options = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Adds policy files as roots (read now; imports are followed as usual). Refused as a whole,
  // with diagnostics, when a file cannot be read or the program would not compile.
  SessionResult load(const std::vector<std::string>& paths);
  // Re-reads every file (after editing them elsewhere) and recompiles with the definitions;
  // on failure the previous texts stay in force.
  SessionResult reload();
  // The files loaded, in order.
  std::vector<std::string> files() const;

  // Defines or redefines one or more declarations (`let`, `class`, `group`, `rule`, `exception`,
  // `suspend`, `default`, `test`, `import`), written as in a file.
  SessionResult define(std::string_view text);
  // The interactive definitions in force, in order, as a file would hold them (:save).
  std::string definitions() const;
  // Writes definitions() to `path`; false with `error` set when it cannot.
  bool save(const std::string& path, std::string* error = nullptr) const;

  // Judges a record literal (`{destination: JP, item: {hs: "2805.30"}}`, fields not given are
  // unknown) and makes it the current record.
  SessionRecord enter_record(std::string_view literal);
  // Whether a record was entered; its literal text.
  bool has_record() const noexcept;
  const std::string& record_text() const noexcept;
  // The current record's decision and explanation, under the current policy and as-of date (an
  // Effect::Error decision "no record" when none was entered).
  Decision decide() const;
  Explanation explain() const;
  // Checks `expression` in the first policy's scope and evaluates it against the current record
  // (or an empty record, every field unknown, when none was entered).
  SessionValue evaluate(std::string_view expression) const;

  // Judge at this date instead of the record's own (what-if); nullopt clears it. False with
  // `error` set on a malformed date (the setting is then unchanged).
  bool set_as_of(std::optional<std::string> date, std::string* error = nullptr);
  const std::optional<std::string>& as_of() const noexcept;

  // Switches the engine decisions use, recompiling; refused (state unchanged) when this build
  // has no JIT.
  SessionResult set_engine(EngineKind kind);
  EngineKind engine_kind() const noexcept;

  // The policy currently in force. Valid unless even the session's starting point did not
  // compile (EngineOptions::stdlib_dir pointing nowhere; load() then reports why).
  Policy policy() const;
  // policy().run_tests(), with the locations of tests and rules typed in the session given as
  // `<repl>:LINE:COL` (:test).
  TestReport run_tests() const;
  // Named declarations of the roots and the interactive definitions, in source order.
  std::vector<DeclarationInfo> declarations() const;
  // A declaration by name: the roots first, then the modules they import (std.trade's records).
  std::optional<DeclarationInfo> find(std::string_view name) const;
  // Completion candidates starting with `prefix`: names in scope, input field paths
  // (`item.hs`), standard functions and country codes; sorted, without duplicates.
  std::vector<std::string> complete(std::string_view prefix) const;

 private:
  std::unique_ptr<detail::SessionState> state_;
};

// --- Authoring: the queries an editor asks (`licit lsp`, docs/editors.md) --------------------

// A range of a document: byte offsets into its text (the language server converts them to the
// protocol's line and UTF-16 column). `path` is the document's path as the Workspace knows it, or
// a standard module's diagnostic path ("stdlib/std/trade.licit", see Workspace::stdlib_text).
struct TextSpan {
  std::string path;
  uint32_t begin = 0, end = 0;
  bool operator==(const TextSpan&) const = default;
};

struct HoverInfo {
  std::string markdown;  // what the thing is, as Markdown
  TextSpan span;         // the word or name hovered
};

struct CompletionItem {
  std::string label;   // the text to insert
  std::string kind;    // "keyword", "field", "country", "rule", "exception", "class", "group",
                       // "let", "record", "module", "effect", "function"
  std::string detail;  // "country Japan", "item.hs: code?", "class", ...
};

// An entry of a document's outline.
struct DocumentSymbol {
  std::string name;    // "jp-military", "test \"a JSDF end user...\"", the policy's name
  std::string kind;    // "policy", "record", "let", "class", "group", "rule", "exception",
                       // "suspension", "default", "test"
  std::string detail;  // "deny", "license \"NS2\"", a let's type, ...
  TextSpan span;       // the whole declaration
  TextSpan name_span;  // its name (the keyword for those without one)
};

struct TextEdit {
  TextSpan span;
  std::string new_text;
};

// A test block of a document, for "run this test" (code lenses).
struct TestInfo {
  std::string name;
  TextSpan span;
};

// A workspace of policy documents held in memory (an editor's open buffers) over the files on
// disk: every query compiles the document with its imports, reading an open document's text
// rather than the file. Not thread-safe: one thread (the language server's) asks at a time.
class LICIT_API Workspace {
 public:
  explicit Workspace(Engine engine = Engine());
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Opens a document, or replaces its text. Paths are compared lexically normalised.
  void set_document(const std::string& path, std::string text);
  void close_document(const std::string& path);
  // The open document's text, or null.
  const std::string* document(const std::string& path) const;
  std::vector<std::string> documents() const;

  // Checks a document as a policy root (with its imports). Its diagnostics (those in this file
  // are the ones to show on it) and, as of this check, the files it imports.
  Compilation check(const std::string& path);
  // The open documents that import `path`, directly or not, as of their last check: after an
  // edit of `path`, these need a new check too.
  std::vector<std::string> dependents(const std::string& path) const;

  // What is at byte `offset` of the document (a declared name, a field, a country, a keyword).
  std::optional<HoverInfo> hover(const std::string& path, uint32_t offset);
  // Where the name at `offset` is declared (an import: the imported file).
  std::vector<TextSpan> definition(const std::string& path, uint32_t offset);
  // Every use of the declaration named at `offset` in the open documents (and the declaration
  // itself with `include_declaration`), sorted by path and position.
  std::vector<TextSpan> references(const std::string& path, uint32_t offset,
                                   bool include_declaration);
  // Completions at `offset`: record fields after `.`, modules after `import`, effects after a
  // rule's `:`, else keywords, declared names, input fields, functions and countries.
  std::vector<CompletionItem> completions(const std::string& path, uint32_t offset);
  // The document's outline, in source order.
  std::vector<DocumentSymbol> symbols(const std::string& path);
  // Renames the declaration named at `offset` and all its uses in the open documents. Nothing
  // (and *error set) when there is no declared name there, the new name is not a valid name or
  // is taken, or the declaration is in the standard library.
  std::vector<TextEdit> rename(const std::string& path, uint32_t offset,
                               const std::string& new_name, std::string* error);
  // The document's test blocks.
  std::vector<TestInfo> tests(const std::string& path);
  // Runs the document's test blocks (all, or the one named), as `licit test` does.
  TestReport run_tests(const std::string& path, const std::string& only = "");
  // The document formatted (Engine::format_source).
  Formatted format(const std::string& path) const;

  // A standard module's source, by its diagnostic path ("stdlib/std/trade.licit"), for showing
  // a definition inside it; null for any other path.
  static const std::string* stdlib_text(const std::string& path);

 private:
  std::unique_ptr<detail::WorkspaceState> state_;
};

// --- Party lists: an analyst's look at a restricted-party list (`licit match`) ---------------
//
// The lists a policy screens parties against (`list csl = "consolidated.csv" format csl`,
// docs/screening.md), read on their own and searched by name, as the Consolidated Screening
// List's search or OFAC's Sanctions List Search do:
//
//   licit::PartyList list = licit::PartyList::load("lists/mofcom-control-2026.csv");
//   if (!list.ok()) { std::cerr << list.diagnostics().diagnostics_text(); return 1; }
//   std::vector<licit::ListMatch> found;
//   std::string error;
//   list.search({.name = "Kawasaki Heavy Industries Aerospace"}, &found, &error);
//
// The same matcher as the policies' `matches` (and both engines): the same normalisation, scores
// and thresholds, so a name scored here is scored the same inside a rule.

namespace detail {
struct PartyListState;
}  // namespace detail

// How to read a list file.
struct ListOptions {
  // The US Consolidated Screening List's CSV columns (`name`, `alt_names`, `addresses`,
  // `start_date`, `end_date`, `source`, `entity_number`; a policy's `format csl`) instead of
  // Licit's (`id,name,aliases,country,listed,delisted,source,remarks`).
  bool csl = false;
  // A cleared-matches file (`party,entry,decided_by,decided_on,note`: reviewed near misses that
  // are not the entry); empty for none.
  std::string cleared;
  // Score thresholds, each in [0, 1] with review <= match (a policy's `match X review Y`); unset:
  // 0.92 and 0.85. A score from `match` up is a match, from `review` up to `match` a possible
  // match, below `review` none.
  std::optional<double> match, review;
};

// A name to look up.
struct ListQuery {
  std::string name;  // as a person writes it: any case, punctuation and legal forms
  // An ISO 3166-1 alpha-2 code ("JP", also "jp"): entries whose countries are given and do not
  // include it are left out. Unset: countries are ignored.
  std::optional<std::string> country;
  // A day "YYYY-MM-DD": entries not listed on that day (before `listed`, from `delisted` on) are
  // left out. Unset: listing dates are ignored (every entry, past and future ones too).
  std::optional<std::string> date;
  size_t top = 5;  // at most this many results
};

// One entry of a list that resembles the name searched, and how much. Plain data.
struct ListMatch {
  // "match" (score at least the match threshold, or an exact name or alias), "possible" (from
  // the review threshold up), "none" (below it: shown for context, not a finding), or "cleared":
  // an entry a person reviewed and cleared for this name (cleared_*), no match whatever its score.
  std::string verdict;
  double score = 0;     // in [0, 1], rounded to 2 places as the thresholds see it
  bool exact = false;   // the normalised name equals the entry's normalised name or an alias
  uint32_t row = 0;     // the entry's line in the list file (the header is line 1)
  std::string id;       // the entry's id ("" when the list gives none: `row` identifies it)
  std::string name;     // the entry's name, as written in the file
  std::string matched;  // the entry's name or alias that scored best, as written
  std::string source, remarks;
  std::vector<std::string> countries;           // ISO codes; empty: any country
  std::optional<std::string> listed, delisted;  // "YYYY-MM-DD"; unset: open-ended
  // For verdict "cleared": who cleared the pair, on which day and why (the cleared file's
  // decided_by, decided_on and note; unset when its cell is empty).
  std::optional<std::string> cleared_by, cleared_on, cleared_note;
};

// A restricted-party list read from its file (and its cleared file). Immutable; cheap to copy
// (shared); search() is safe to call from many threads at once.
class LICIT_API PartyList {
 public:
  PartyList();  // an empty list: !ok(), no entries, no diagnostics
  ~PartyList();
  PartyList(const PartyList&);
  PartyList(PartyList&&) noexcept;
  PartyList& operator=(const PartyList&);
  PartyList& operator=(PartyList&&) noexcept;

  // Reads the list file at `path` (and options.cleared). Problems are diagnostics at the file's
  // line and column, as in a policy: an unreadable file (E0601, no location), malformed CSV, a
  // missing column, a row without a name, a bad date or country code (rows with errors are left
  // out), a cleared entry naming no entry, thresholds out of range (E0607). Never throws.
  static PartyList load(const std::string& path, const ListOptions& options = {});

  // True when the files were read without errors (warnings allowed).
  bool ok() const noexcept;
  // The path given to load().
  const std::string& path() const noexcept;
  // Entries read (rows with errors are not entries).
  size_t size() const noexcept;
  // The thresholds in force (ListOptions or the defaults).
  double match_threshold() const noexcept;
  double review_threshold() const noexcept;
  // The diagnostics of load(), with source lines and carets (diagnostics_text, _json, counts).
  // Its policy() is always empty; its ok() is ok().
  const Compilation& diagnostics() const noexcept;

  // The entries that resemble query.name best, best first (ties by row), at most query.top.
  // Entries with nothing in common with the name are not results, so `out` may be empty. False
  // with *error (one line, for a usage message) for a bad country code or date, and on a list
  // that is not ok(). Cleared entries are results with verdict "cleared" at their own score,
  // unless the name is exact (clearing never applies to an exact name or alias).
  bool search(const ListQuery& query, std::vector<ListMatch>* out, std::string* error) const;
  // One JSON document (no trailing newline), as `licit match --diagnostics=json` prints it:
  // {"list":PATH,"entries":N,"thresholds":{"match":X,"review":Y},"query":{"name","normalized",
  //  "country","date","top"},"results":[{"verdict","score","exact","row","id","name","matched",
  //  "countries","listed","delisted","source","remarks","cleared"}]}; unset fields are null,
  // "cleared" is {"by","on","note"} or null.
  std::string to_json(const ListQuery& query, const std::vector<ListMatch>& results) const;

  // A name as the matcher compares it: case folded, diacritics and legal forms dropped (Co.,
  // Ltd., GmbH, 株式会社, ...), `&` as `and`, punctuation and spaces collapsed:
  // normalize("Kawasaki Heavy Industries, Ltd.") == "kawasaki heavy industries".
  static std::string normalize(std::string_view name);

 private:
  std::shared_ptr<const detail::PartyListState> state_;
};

}  // namespace licit
