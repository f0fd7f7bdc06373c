// The private state behind licit.hpp's handles (internal to api/src). The public header only
// forward-declares these, so compiler and runtime types never reach an embedder.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "base/diagnostic.h"
#include "base/source.h"
#include "core/decision.h"
#include "core/record.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/jit.h"
#include "frontend/sema/check.h"
#include "frontend/sema/checked.h"
#include "ir/ir.h"
#include "licit/licit.hpp"

namespace licit::detail {

struct EngineState {
  EngineOptions options;
  EngineKind resolved = EngineKind::Interpreter;
  // EngineKind::Default in a build with the JIT: the interpreter decides at once while the JIT
  // compiles in the background (CompiledState::StartJit).
  bool tiered() const {
    return options.engine == EngineKind::Default && resolved == EngineKind::Jit;
  }
};

// One compilation and, when it succeeded, the policy: sources, checked program, IR and the engine
// object. Immutable once built and shared by Compilation, Policy, Record and decisions in flight.
struct CompiledState {
  uint64_t id = 0;  // unique per process: keys the per-thread scratch records
  EngineKind kind = EngineKind::Interpreter;
  bool ok = false;
  SourceManager sources;
  DiagnosticSink diags;
  std::vector<DiagnosticInfo> extra;  // failures that are not compiler diagnostics (the JIT)
  std::unique_ptr<sema::CheckedProgram> checked;
  std::unique_ptr<ir::Program> program;  // declared before the engines: they refer to it
  std::unique_ptr<interp::Interpreter> interp;
  // Policy::digest, computed on first use (a server asks for it on every request).
  mutable std::once_flag digest_once;
  mutable std::string digest;

  ~CompiledState();

  // The JIT when it decides: null while a tiered policy's JIT compiles (the interpreter decides
  // meanwhile; both decide the same, so only the speed changes when it arrives), and for good
  // when the interpreter is the engine or the background compile failed. Deciding code asks
  // for it once per record or batch.
  const jit::JitProgram* Jit() const { return jit_ready_.load(std::memory_order_acquire); }
  JitState jit_state() const { return jit_state_.load(std::memory_order_acquire); }
  // Blocks until a background compile has ended (at once when there is none).
  JitState WaitForJit() const;
  // Compiles the JIT on this thread: false with `error` on failure. EngineKind::Jit compiles
  // the full path's conditions at once (kEager), a tiered policy's background thread only when a
  // record needs them (kLazy).
  bool CompileJit(std::string& error, jit::FullPathCode full_path);
  // Starts compiling the JIT on a thread of its own (a tiered policy). The destructor cancels
  // it and waits for it to stop.
  void StartJit();

  rt::Decision Decide(const rt::Record& record, const decide::DecideOptions& options) const {
    if (const jit::JitProgram* j = Jit()) return j->Decide(record, options);
    return interp->Decide(record, options);
  }
  // Explanations always come from the reference engine (the JIT decides the same; the
  // interpreter can also say why each rule did not apply).
  decide::Explanation Explain(const rt::Record& record,
                              const decide::DecideOptions& options) const {
    return interp->Explain(record, options);
  }

 private:
  std::unique_ptr<jit::JitProgram> jit_;  // written once (before jit_ready_), freed last
  std::atomic<const jit::JitProgram*> jit_ready_{nullptr};
  std::atomic<JitState> jit_state_{JitState::None};
  std::atomic<bool> cancel_jit_{false};
  std::thread jit_thread_;
  mutable std::mutex jit_mutex_;  // with jit_done_: WaitForJit
  mutable std::condition_variable jit_done_;
};

// The lock every compilation (and dump) holds; see licit.cpp.
std::recursive_mutex& CompileMutex();
// The checker's options from the engine's.
sema::CheckOptions CheckOptionsOf(const EngineState& engine);
// A failure that is not a compiler diagnostic (CompiledState::extra), e.g. code "internal".
DiagnosticInfo InternalDiagnostic(std::string code, std::string message);
// DecideOptions for the engines: as_of parsed. False with `error` for a malformed date.
bool ResolveOptions(const DecideOptions& in, decide::DecideOptions& out, std::string& error);

// Access to licit::Decision's inline storage, which holds an rt::Decision.
struct DecisionData {
  static const rt::Decision& Get(const licit::Decision& d);
  static rt::Decision* Ptr(licit::Decision& d);  // d must be engaged
  static void Set(licit::Decision& out, rt::Decision&& d, ErrorKind kind);
  static void Reset(licit::Decision& d);
  static void Mutable(licit::Decision& d, const std::function<void(rt::Decision&)>& change);
  // Constructs the engine's decision in place: `make()` returns an rt::Decision prvalue, which
  // initialises the storage directly (no move). `error_kind` applies when it is an error.
  template <class Make>
  static void Emplace(licit::Decision& out, Make&& make, ErrorKind error_kind) {
    Reset(out);
    const rt::Decision* d = new (out.storage_) rt::Decision(make());
    out.engaged_ = true;
    out.error_kind_ = d->effect == rt::Effect::Error ? error_kind : ErrorKind::None;
  }
};

struct ExplanationData {
  decide::Explanation e;
};

struct RecordState {
  std::shared_ptr<const CompiledState> policy;  // keeps the layout alive
  rt::Record record;
  std::string error;       // the first setter failure
  std::string last_error;  // the most recent setter's failure, "" when it succeeded
  // The id of a policy whose layout was found identical to this record's (so it can decide the
  // record as is); atomic because several threads may decide one record at once.
  mutable std::atomic<uint64_t> compatible_with{0};
  // Whether every required field is set (1), as last checked; 0 after any change. Deciding checks
  // once per change instead of walking the fields for every decision.
  mutable std::atomic<uint8_t> required_ok{0};

  explicit RecordState(std::shared_ptr<const CompiledState> p)
      : policy(std::move(p)), record(&policy->program->input) {}
};

// A mutex around a shared_ptr copy rather than std::atomic<std::shared_ptr>: libstdc++ 12's
// atomic<shared_ptr> guards its pointer with a lock bit ThreadSanitizer does not understand (it
// reports a race on every load/store pair), and this lock is held only for a reference-count
// increment, never while deciding.
struct SlotState {
  mutable std::mutex mutex;
  std::shared_ptr<const CompiledState> current;  // guarded by mutex
  std::atomic<uint64_t> generation{0};
};

// Two record layouts with the same fields in the same slots (a record laid out for one can be
// decided by a policy with the other).
bool SameLayout(const rt::RecordLayout& a, const rt::RecordLayout& b);

// Compiles roots given as (path, text) with the engine `kind`, and optionally the REPL's probe
// (sema::CheckOptions::probe): licit::Session's entry into the compiler.
std::shared_ptr<const CompiledState> CompileRootTexts(
    const EngineOptions& options, EngineKind kind,
    const std::vector<std::pair<std::string, std::string>>& roots, const std::string& probe,
    bool probe_record);

}  // namespace licit::detail
