#include "runtime/jit/jit.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <string_view>

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "compiler/codegen/codegen.h"
#include "runtime/builtins/builtins.h"
#include "compiler/ir/index.h"
#include "runtime/eval_context.h"

extern "C" {

uint8_t licit_jit_in_group(const licit::codegen::JitEnv* env, uint32_t group,
                           const licit::rt::Value* c, const licit::rt::EvalContext* ctx) {
  const licit::ir::Program& p = *env->program;
  return c->kind == licit::rt::ValueKind::Country && group < p.groups.size() &&
                 p.groups[group].Contains(c->country, ctx->date)
             ? 1
             : 0;
}

void licit_jit_under(licit::rt::EvalContext* ctx, const licit::codegen::JitEnv* env, int32_t slot,
                     const licit::rt::Value* code, const licit::rt::Value* pattern,
                     licit::rt::Value* out) {
  if (slot < 0) {
    licit_rt_under_named(ctx, code, pattern, "", 0, out);
    return;
  }
  const std::string& path = env->program->input.slots[static_cast<uint32_t>(slot)].path;
  licit_rt_under_named(ctx, code, pattern, path.data(), static_cast<uint32_t>(path.size()), out);
}

}  // extern "C"

namespace licit::jit {
namespace {

// FNV-1a: short keys (codes, end-use words) hash in a few nanoseconds, and it needs no state.
inline uint64_t HashText(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The candidate tables behind licit_jit_judge_key, for the rule-index keys the decide function
// dispatches on (codegen::DispatchedKey): the rules of each key value as one flat array, found by
// country id, or by text through an open-addressing hash table (linear probing, at most half
// full) of views into the ir::RuleIndex's own strings. One probe costs a hash and usually one
// compare, several times less than std::unordered_map's.
struct DispatchKey {
  bool used = false;
  uint32_t slot = 0;
  rt::ValueKind kind = rt::ValueKind::Unknown;
  std::vector<uint32_t> all;    // field unknown: every rule of the key
  std::vector<uint32_t> rules;  // the runs below point into this
  struct Run {
    uint32_t offset = 0, count = 0;
  };
  std::vector<Run> by_country;  // by CountryId
  struct Slot {
    uint64_t hash = 0;
    std::string_view text;
    Run run;
    bool used = false;
  };
  std::vector<Slot> by_text;  // size a power of two
  uint64_t mask = 0;

  void BuildText(const std::vector<std::pair<std::string_view, Run>>& entries) {
    size_t size = 16;
    while (size < entries.size() * 2) size *= 2;
    by_text.assign(size, Slot{});
    mask = size - 1;
    for (const auto& [text, run] : entries) {
      uint64_t h = HashText(text);
      size_t i = h & mask;
      while (by_text[i].used) i = (i + 1) & mask;
      by_text[i] = Slot{h, text, run, true};
    }
  }
  Run FindText(std::string_view text) const {
    uint64_t h = HashText(text);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = by_text[i];
      if (!s.used) return Run{};
      if (s.hash == h && s.text == text) return s.run;
    }
  }
};

// Equality of a known value with a constant of the kinds ir::EqualityRule allows, without the
// general CompareValues: what `==` gives (codes are stored upper-cased on both sides, so equal
// bytes is their case-insensitive equality; values of another kind are never equal).
inline bool SameScalar(const rt::Value& v, const rt::Value& c) {
  if (v.kind != c.kind) return false;
  switch (c.kind) {
    case rt::ValueKind::Country: return v.country == c.country;
    case rt::ValueKind::String:
    case rt::ValueKind::Code:
      return v.str.len == c.str.len && std::memcmp(v.str.ptr, c.str.ptr, c.str.len) == 0;
    case rt::ValueKind::Int: return v.i == c.i;
    case rt::ValueKind::Date: return v.date == c.date;
    case rt::ValueKind::Bool: return v.b == c.b;
    default: return rt::ValuesEqual(v, c);
  }
}

// How licit_jit_judge_key judges one rule of a dispatched key: by calling its generated function,
// or, for rules of the equality shape (ir::EqualityRule), from data.
struct DispatchedRule {
  codegen::DecideFn fn = nullptr;  // set after compiling, for rules with code
  bool data = false;
  ir::Period period;
  std::vector<ir::Period> suspensions;
  struct Test {
    uint32_t slot = 0;
    std::vector<rt::Value> any_of;
  };
  std::vector<Test> tests;
  rt::DecisionEffect effect = rt::DecisionEffect::Deny;
};

struct DispatchTables {
  const ir::Program* program = nullptr;
  std::vector<std::vector<DispatchKey>> keys;      // [policy][key]
  std::vector<std::vector<DispatchedRule>> rules;  // [policy][rule], for rules of dispatched keys

  explicit DispatchTables(const ir::Program& p) : program(&p) {
    keys.resize(p.rule_index.size());
    rules.resize(p.rule_index.size());
    for (size_t pi = 0; pi < p.rule_index.size(); ++pi) {
      const ir::RuleIndex& ix = p.rule_index[pi];
      const ir::Policy& policy = p.policies[pi];
      keys[pi].resize(ix.keys.size());
      rules[pi].resize(policy.rules.size());
      for (size_t ki = 0; ki < ix.keys.size(); ++ki) {
        const ir::RuleIndex::Key& key = ix.keys[ki];
        if (!codegen::DispatchedKey(key)) continue;
        for (ir::RuleId r : key.all) {
          if (r >= policy.rules.size()) continue;
          auto tests = ir::EqualityRule(p, policy.rules[r]);
          if (!tests) continue;
          DispatchedRule& dr = rules[pi][r];
          dr.data = true;
          dr.period = policy.rules[r].period;
          for (ir::SuspensionId sid : policy.rules[r].suspensions)
            if (sid < policy.suspensions.size())
              dr.suspensions.push_back(policy.suspensions[sid].period);
          dr.effect = static_cast<rt::DecisionEffect>(policy.rules[r].effect);
          for (const ir::EqualityTest& t : *tests) {
            DispatchedRule::Test dt;
            dt.slot = t.slot;
            for (ir::ConstId c : t.any_of) dt.any_of.push_back(p.constants[c]);
            dr.tests.push_back(std::move(dt));
          }
        }
        DispatchKey& d = keys[pi][ki];
        d.used = true;
        d.slot = key.slot;
        d.kind = key.kind;
        d.all = key.all;
        std::vector<std::pair<std::string_view, DispatchKey::Run>> texts;
        for (const auto& [text, rules] : key.rules) {
          DispatchKey::Run run{static_cast<uint32_t>(d.rules.size()),
                               static_cast<uint32_t>(rules.size())};
          d.rules.insert(d.rules.end(), rules.begin(), rules.end());
          if (key.kind == rt::ValueKind::Country) {
            CountryId c = 0;
            if (text.size() != sizeof c) continue;
            std::memcpy(&c, text.data(), sizeof c);
            if (c >= d.by_country.size()) d.by_country.resize(c + 1u);
            d.by_country[c] = run;
          } else {
            texts.emplace_back(std::string_view(text), run);
          }
        }
        d.BuildText(texts);
      }
    }
  }
};

}  // namespace
}  // namespace licit::jit

extern "C" {

uint8_t licit_jit_hit(licit::rt::Verdict* v, uint32_t policy, uint32_t rule, uint32_t exception,
                      uint8_t effect) {
  if (v->count >= licit::rt::Verdict::kMaxHits) return 0;
  v->hits[v->count++] = licit::rt::VerdictHit{policy, rule, exception,
                                              static_cast<licit::rt::DecisionEffect>(effect)};
  return 1;
}

uint8_t licit_jit_judge_key(const licit::codegen::JitEnv* env, uint32_t policy, uint32_t key,
                            const licit::rt::Value* slots, licit::rt::EvalContext* ctx,
                            int32_t day, licit::rt::Verdict* verdict) {
  using licit::rt::ValueKind;
  const auto& tables = *static_cast<const licit::jit::DispatchTables*>(env->dispatch);
  const licit::jit::DispatchKey& k = tables.keys[policy][key];
  // The candidates. The field as the engines read it: known only when it and every enclosing
  // record are (ir::RuleCandidates); unknown, every rule of the key is a candidate.
  const auto& layout = tables.program->input;
  const bool present = licit::rt::FieldPresent(layout, slots, k.slot);
  const licit::rt::Value& v = slots[k.slot];
  const uint32_t* cands = nullptr;
  uint32_t count = 0;
  if (!present || v.kind != k.kind) {
    cands = k.all.data();
    count = static_cast<uint32_t>(k.all.size());
  } else {
    licit::jit::DispatchKey::Run run;
    if (k.kind == ValueKind::Country) {
      if (v.country < k.by_country.size()) run = k.by_country[v.country];
    } else {
      // Code values are stored upper-cased, as the index's keys are (IndexKeyOf).
      run = k.FindText(v.text());
    }
    cands = k.rules.data() + run.offset;
    count = run.count;
  }
  const auto& rules = tables.rules[policy];
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t r = cands[i];
    const licit::jit::DispatchedRule& rule = rules[r];
    if (!rule.data) {
      if (rule.fn(slots, ctx, env, day, verdict) == 0) return 0;
      continue;
    }
    // Judged from data, as the generated rule function would: period, suspensions, then the
    // tests in Kleene logic (a false test decides; otherwise an unknown one gives up).
    if (!rule.period.Contains(day)) continue;
    bool suspended = false;
    for (const licit::ir::Period& sp : rule.suspensions) suspended = suspended || sp.Contains(day);
    if (suspended) continue;
    bool unknown = false, fired = true;
    for (const auto& t : rule.tests) {
      if (!licit::rt::FieldPresent(layout, slots, t.slot)) {
        unknown = true;
        continue;
      }
      bool match = false;
      for (const licit::rt::Value& c : t.any_of) {
        if (licit::jit::SameScalar(slots[t.slot], c)) {
          match = true;
          break;
        }
      }
      if (!match) {
        fired = false;
        break;
      }
    }
    if (!fired) continue;
    if (unknown) return 0;
    if (licit_jit_hit(verdict, policy, r, UINT32_MAX, static_cast<uint8_t>(rule.effect)) == 0)
      return 0;
  }
  return 1;
}

}  // extern "C"

namespace licit::jit {
namespace {

std::string ToString(llvm::Error e) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << e;
  return os.str();
}

// The process-wide JIT. Its main JITDylib holds exactly the runtime functions generated code may
// call (absolute symbols; the process's own symbols are not visible).
class Host {
 public:
  static Host* Get(std::string* error) {
    static Host* host = [] {
      auto* h = new Host();  // never destroyed: programs may be dropped during exit
      h->Init();
      return h;
    }();
    if (!host->jit_) *error = host->error_;
    return host->jit_ ? host : nullptr;
  }

  llvm::orc::LLJIT& jit() { return *jit_; }
  llvm::TargetMachine* tm() { return tm_.get(); }

  // Compiles a module too big to optimise with the fast instruction selector (CodeGenOpt None),
  // to an object file for the JIT to link. One at a time: a TargetMachine is not thread-safe.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> CompileFast(llvm::Module& m) {
    std::lock_guard<std::mutex> lock(fast_mutex_);
    llvm::orc::SimpleCompiler compile(*fast_tm_);
    return compile(m);
  }
  std::string NextPrefix() { return "p" + std::to_string(counter_.fetch_add(1)) + "_"; }

 private:
  void Init() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) {
      error_ = ToString(jtmb.takeError());
      return;
    }
    jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
    auto tm = jtmb->createTargetMachine();
    if (!tm) {
      error_ = ToString(tm.takeError());
      return;
    }
    tm_ = std::move(*tm);
    llvm::orc::JITTargetMachineBuilder fast = *jtmb;
    fast.setCodeGenOptLevel(llvm::CodeGenOptLevel::None);
    auto fast_tm = fast.createTargetMachine();
    if (!fast_tm) {
      error_ = ToString(fast_tm.takeError());
      return;
    }
    fast_tm_ = std::move(*fast_tm);
    auto jit = llvm::orc::LLJITBuilder()
                   .setJITTargetMachineBuilder(*jtmb)
                   .setLinkProcessSymbolsByDefault(false)
                   .setPlatformSetUp(llvm::orc::setUpInactivePlatform)
                   .create();
    if (!jit) {
      error_ = ToString(jit.takeError());
      return;
    }
    llvm::orc::SymbolMap symbols;
    auto& es = (*jit)->getExecutionSession();
    auto def = [&](const char* name, auto* fn) {
      symbols[es.intern(name)] = llvm::orc::ExecutorSymbolDef(
          llvm::orc::ExecutorAddr::fromPtr(reinterpret_cast<void*>(fn)),
          llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
    };
    def("licit_rt_compare", &licit_rt_compare);
    def("licit_rt_in", &licit_rt_in);
    def("licit_rt_under", &licit_rt_under);
    def("licit_rt_matches", &licit_rt_matches);
    def("licit_rt_arith", &licit_rt_arith);
    def("licit_rt_to_code", &licit_rt_to_code);
    def("licit_rt_call", &licit_rt_call);
    def("licit_rt_read_field", &licit_rt_read_field);
    def("licit_rt_to_decimal", &licit_rt_to_decimal);
    def("licit_rt_make_collection", &licit_rt_make_collection);
    def("licit_jit_in_group", &licit_jit_in_group);
    def("licit_jit_under", &licit_jit_under);
    def("licit_jit_hit", &licit_jit_hit);
    def("licit_jit_judge_key", &licit_jit_judge_key);
    def("memcmp", static_cast<int (*)(const void*, const void*, size_t)>(&std::memcmp));
    def("memcpy", static_cast<void* (*)(void*, const void*, size_t)>(&std::memcpy));
    def("memset", static_cast<void* (*)(void*, int, size_t)>(&std::memset));
    if (symbols.size() != codegen::RuntimeFunctionNames().size()) {
      error_ = "internal error: the JIT's runtime symbols differ from codegen's list";
      return;
    }
    if (auto err = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(symbols))) {
      error_ = ToString(std::move(err));
      return;
    }
    jit_ = std::move(*jit);
  }

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> tm_;
  std::unique_ptr<llvm::TargetMachine> fast_tm_;
  std::mutex fast_mutex_;
  std::string error_;
  std::atomic<uint64_t> counter_{0};
};

// Conditions answered by generated code.
class JitEvaluator final : public interp::ConditionEvaluator {
 public:
  JitEvaluator(rt::EvalContext& ctx, const codegen::ConditionFn* fns, const codegen::JitEnv* env,
               const rt::Value* slots)
      : ctx_(ctx), fns_(fns), env_(env), slots_(slots) {}
  rt::EvalContext& ctx() override { return ctx_; }
  rt::Value Condition(ir::ExprId id) override {
    uint16_t reason = 0;
    uint8_t state = fns_[id](slots_, &ctx_, env_, &reason);
    return state == 2 ? rt::Value::Unknown(reason) : rt::Value::Bool(state == 1);
  }

 private:
  rt::EvalContext& ctx_;
  const codegen::ConditionFn* fns_;
  const codegen::JitEnv* env_;
  const rt::Value* slots_;
};

}  // namespace

struct JitProgram::Impl {
  const ir::Program* program = nullptr;
  codegen::JitEnv env;
  std::vector<codegen::ConditionFn> fns;  // by ExprId; null for non-conditions
  codegen::DecideFn decide = nullptr;
  DispatchTables dispatch;
  llvm::orc::ResourceTrackerSP tracker;
  interp::Interpreter interp;
  explicit Impl(const ir::Program& p) : program(&p), dispatch(p), interp(p) {}
};

JitProgram::JitProgram(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

JitProgram::~JitProgram() {
  if (impl_ && impl_->tracker) llvm::consumeError(impl_->tracker->remove());
}

std::unique_ptr<JitProgram> JitProgram::Compile(const ir::Program& program, std::string* error) {
  Host* host = Host::Get(error);
  if (host == nullptr) return nullptr;
  const std::string prefix = host->NextPrefix();
  codegen::Generated g = codegen::Generate(program, prefix);
  g.module->setDataLayout(host->jit().getDataLayout());
  g.module->setTargetTriple(host->jit().getTargetTriple().str());
  {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (llvm::verifyModule(*g.module, &os)) {
      *error = "internal error: generated module is invalid: " + os.str();
      return nullptr;
    }
  }
  if (g.optimize) codegen::Optimize(*g.module, host->tm());
  auto impl = std::make_unique<Impl>(program);
  impl->env =
      codegen::JitEnv{program.constants.data(), &program.input, &program, &impl->dispatch};
  llvm::orc::JITDylib& jd = host->jit().getMainJITDylib();
  impl->tracker = jd.createResourceTracker();
  std::unique_ptr<JitProgram> result(new JitProgram(std::move(impl)));
  Impl& im = *result->impl_;
  if (g.optimize) {
    llvm::orc::ThreadSafeModule tsm(std::move(g.module), std::move(g.context));
    if (auto err = host->jit().addIRModule(im.tracker, std::move(tsm))) {
      *error = ToString(std::move(err));
      return nullptr;
    }
  } else {
    auto object = host->CompileFast(*g.module);
    if (!object) {
      *error = ToString(object.takeError());
      return nullptr;
    }
    if (auto err = host->jit().addObjectFile(im.tracker, std::move(*object))) {
      *error = ToString(std::move(err));
      return nullptr;
    }
  }
  if (!g.conditions.empty()) im.fns.assign(program.nodes.size(), nullptr);
  for (ir::ExprId id : g.conditions) {
    auto addr = host->jit().lookup(codegen::ConditionName(prefix, id));
    if (!addr) {
      *error = ToString(addr.takeError());
      return nullptr;
    }
    im.fns[id] = addr->toPtr<codegen::ConditionFn>();
  }
  auto decide = host->jit().lookup(codegen::DecideName(prefix));
  if (!decide) {
    *error = ToString(decide.takeError());
    return nullptr;
  }
  im.decide = decide->toPtr<codegen::DecideFn>();
  // The generated functions of dispatched rules that are not judged from data.
  for (uint32_t pi = 0; pi < im.dispatch.rules.size(); ++pi) {
    for (uint32_t ki = 0; ki < im.dispatch.keys[pi].size(); ++ki) {
      if (!im.dispatch.keys[pi][ki].used) continue;
      for (uint32_t r : im.dispatch.keys[pi][ki].all) {
        DispatchedRule& dr = im.dispatch.rules[pi][r];
        if (dr.data || dr.fn != nullptr) continue;
        auto fn = host->jit().lookup(codegen::RuleName(prefix, pi, r));
        if (!fn) {
          *error = ToString(fn.takeError());
          return nullptr;
        }
        dr.fn = fn->toPtr<codegen::DecideFn>();
      }
    }
  }
  return result;
}

namespace {
thread_local rt::EvalContext tls_ctx;

// The day a record is judged at (as PrepareDecision finds it); for an undated program any day
// does.
std::optional<DayNumber> JudgingDay(const ir::Program& p, const rt::Record& record,
                                    const interp::DecideOptions& options) {
  std::optional<DayNumber> day = interp::RecordDay(p, record, options);
  if (!day && !p.dated) return DayNumber{0};
  return day;
}

// The fast path: the generated decide function on `record` at `day`; false when it gave up.
bool RunFastPath(const JitProgram::Impl& im, const rt::Record& record, DayNumber day,
                 rt::Verdict& verdict) {
  verdict.Clear();
  tls_ctx.Begin(&record, day);
  return im.decide(record.slots(), &tls_ctx, &im.env, day, &verdict) != 0;
}
}  // namespace

bool JitProgram::DecideVerdict(const rt::Record& record, const interp::DecideOptions& options,
                               rt::Verdict& verdict) const {
  std::optional<DayNumber> day = JudgingDay(*impl_->program, record, options);
  if (!day) return false;  // an error decision: the full path writes it
  if (!RunFastPath(*impl_, record, *day, verdict)) return false;
  verdict.effect = interp::VerdictEffect(*impl_->program, verdict);
  return true;
}

rt::Decision JitProgram::Decide(const rt::Record& record,
                                const interp::DecideOptions& options) const {
  rt::Decision d;
  std::optional<DayNumber> day = interp::PrepareDecision(*impl_->program, record, options, d);
  if (!day) return d;
  // The fast path: generated code decides records with no unknowns into a compact verdict.
  thread_local rt::Verdict verdict;
  if (RunFastPath(*impl_, record, *day, verdict)) {
    interp::MaterializeVerdict(*impl_->program, verdict, d);
    return d;
  }
  // The full path: the shared assembly, asking generated code for each condition; for a program
  // too big to have code for the full path (codegen::kFullPathMaxRules), the interpreter.
  if (impl_->fns.empty()) return impl_->interp.Decide(record, options);
  rt::EvalContext& ctx = tls_ctx;
  ctx.Reset(&record, *day);
  JitEvaluator ev(ctx, impl_->fns.data(), &impl_->env, record.slots());
  interp::AssembleDecision(*impl_->program, *day, ev, d);
  return d;
}

interp::Explanation JitProgram::Explain(const rt::Record& record,
                                        const interp::DecideOptions& options) const {
  return impl_->interp.Explain(record, options);
}

}  // namespace licit::jit
