#include "engines/jit/jit.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/IRCompileLayer.h>
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

#include "core/builtins.h"
#include "core/eval_context.h"
#include "engines/jit/code_cache.h"
#include "engines/jit/codegen.h"
#include "ir/index.h"

extern "C" {

uint8_t licit_jit_in_group(const licit::codegen::JitEnv* env, uint32_t group,
                           const licit::rt::Value* c, const licit::rt::EvalContext* ctx) {
  const licit::ir::Program& p = *env->program;
  return c->kind == licit::rt::ValueKind::Country && group < p.groups.size() &&
                 p.groups[group].Contains(c->country, ctx->date)
             ? 1
             : 0;
}

uint8_t licit_jit_country_in_group(const licit::codegen::JitEnv* env, uint32_t group,
                                   uint32_t country, const licit::rt::EvalContext* ctx) {
  const licit::ir::Program& p = *env->program;
  return group < p.groups.size() &&
                 p.groups[group].Contains(static_cast<licit::CountryId>(country), ctx->date)
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

void licit_jit_screen(licit::rt::EvalContext* ctx, const licit::codegen::JitEnv* env, uint32_t imm,
                      const licit::rt::Value* name, const licit::rt::Value* country,
                      licit::rt::Value* out) {
  const licit::ir::Program& p = *env->program;
  licit_rt_screen(ctx, &p.lists[licit::ir::ScreenListOf(imm)],
                  static_cast<uint8_t>(licit::ir::ScreenPartOf(imm)), name, country, out);
}

}  // extern "C"

namespace licit::jit {
namespace {
// The candidate tables behind licit_jit_judge_key, for the rule-index keys the decide function
// dispatches on (codegen::DispatchedKey): the rules of each key value as one flat array, found
// by the flat record's cell: a country id or a text's atom (rt::FlatLayout), both small dense
// integers, so one probe is an array index.
//
// A value named by many rules (a control code with rules for twenty destinations) gets a second
// level when all its rules are judged from data and test one more field: its rules sorted by
// that field's value, so a record finds the few whose second test it passes by binary search
// (SubEntry) instead of judging them all. Rules whose other tests fail are still judged in full;
// the second level only skips rules that test would reject. Every run of rules that all test
// one same field gets it, a run of one rule too: the decide function's filter (codegen::KeyFilter)
// sends on only records that may pass a second test, and those find their rule by it.
struct DispatchKey {
  bool used = false;
  uint32_t cell = 0;  // the key field's cell in the flat record
  rt::FlatCell flat;
  struct SubEntry {
    uint64_t value = 0;  // FlatLayout::ScalarKey of one of the rule's constants
    uint32_t rule = 0;
  };
  struct Run {
    uint32_t offset = 0, count = 0;          // into `rules`
    uint32_t sub_offset = 0, sub_count = 0;  // into `sub`, sorted by (value, rule); 0: none
    uint32_t sub_cell = 0;
    rt::FlatCell sub_flat;
  };
  std::vector<uint32_t> rules;  // the runs below point into this
  std::vector<SubEntry> sub;
  std::vector<Run> by_value;     // by CountryId or by atom
  std::vector<uint64_t> filter;  // codegen::KeyFilter::words
};

// How licit_jit_judge_key judges one rule of a dispatched key: by calling its generated function,
// or, for rules of the equality shape (ir::EqualityRule), from data: each test's cell must equal
// one of the constants, compared as flat scalars (FlatLayout::ScalarKey).
struct DispatchedRule {
  codegen::DecideFn fn = nullptr;  // set after compiling, for rules with code
  bool data = false;
  ir::Period period;
  std::vector<ir::Period> suspensions;
  struct Test {
    uint32_t cell = 0;
    rt::FlatCell flat;
    std::vector<uint64_t> any_of;
  };
  std::vector<Test> tests;
  rt::Effect effect = rt::Effect::Deny;
};

struct DispatchTables {
  std::vector<std::vector<DispatchKey>> keys;      // [policy][key]
  std::vector<std::vector<DispatchedRule>> rules;  // [policy][rule], for rules of dispatched keys
  std::vector<codegen::KeyFilter> filters;         // by codegen::KeyFilterIndex

  // The second level of a run (see DispatchKey), when every rule is judged from data and tests
  // one same field besides the key: the filter's field `filter_cell` when it can be.
  void AddSubIndex(const std::vector<ir::RuleId>& run_rules, uint32_t key_cell, int32_t filter_cell,
                   size_t pi, DispatchKey& d, DispatchKey::Run& run) const {
    if (run_rules.empty()) return;
    const DispatchedRule& first = rules[pi][run_rules[0]];
    if (!first.data) return;
    std::vector<const DispatchedRule::Test*> candidates;
    for (const DispatchedRule::Test& t : first.tests)
      if (static_cast<int32_t>(t.cell) == filter_cell) candidates.push_back(&t);
    for (const DispatchedRule::Test& t : first.tests)
      if (static_cast<int32_t>(t.cell) != filter_cell) candidates.push_back(&t);
    for (const DispatchedRule::Test* c : candidates) {
      const DispatchedRule::Test& candidate = *c;
      if (candidate.cell == key_cell) continue;
      std::vector<DispatchKey::SubEntry> entries;
      bool all = true;
      for (ir::RuleId r : run_rules) {
        const DispatchedRule& dr = rules[pi][r];
        const DispatchedRule::Test* t = nullptr;
        for (const DispatchedRule::Test& x : dr.tests)
          if (x.cell == candidate.cell) t = &x;
        if (!dr.data || t == nullptr) {
          all = false;
          break;
        }
        for (uint64_t v : t->any_of) entries.push_back({v, r});
      }
      if (!all) continue;
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.value != b.value ? a.value < b.value : a.rule < b.rule;
      });
      entries.erase(std::unique(entries.begin(), entries.end(),
                                [](const auto& a, const auto& b) {
                                  return a.value == b.value && a.rule == b.rule;
                                }),
                    entries.end());
      run.sub_offset = static_cast<uint32_t>(d.sub.size());
      run.sub_count = static_cast<uint32_t>(entries.size());
      run.sub_cell = candidate.cell;
      run.sub_flat = candidate.flat;
      d.sub.insert(d.sub.end(), entries.begin(), entries.end());
      return;
    }
  }

  DispatchTables(const ir::Program& p, const rt::FlatLayout& flat) {
    keys.resize(p.rule_index.size());
    rules.resize(p.rule_index.size());
    for (const ir::RuleIndex& ix : p.rule_index) filters.resize(filters.size() + ix.keys.size());
    for (size_t pi = 0; pi < p.rule_index.size(); ++pi) {
      const ir::RuleIndex& ix = p.rule_index[pi];
      const ir::Policy& policy = p.policies[pi];
      keys[pi].resize(ix.keys.size());
      rules[pi].resize(policy.rules.size());
      for (size_t ki = 0; ki < ix.keys.size(); ++ki) {
        const ir::RuleIndex::Key& key = ix.keys[ki];
        const int32_t key_cell = flat.CellOf(key.slot);
        if (!codegen::DispatchedKey(key) || key_cell < 0) continue;
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
          dr.effect = policy.rules[r].effect;
          // Every test's field has a cell: BuildFlatLayout stores the slot of every Field node,
          // and tests are made of Field nodes. (A rule marked data gets no code from codegen,
          // so it must be judged here.)
          for (const ir::EqualityTest& t : *tests) {
            DispatchedRule::Test dt;
            dt.cell = static_cast<uint32_t>(flat.CellOf(t.slot));
            dt.flat = flat.cells()[dt.cell];
            for (ir::ConstId c : t.any_of) dt.any_of.push_back(flat.ScalarKey(p.constants[c]));
            dr.tests.push_back(std::move(dt));
          }
        }
        DispatchKey& d = keys[pi][ki];
        d.used = true;
        d.cell = static_cast<uint32_t>(key_cell);
        d.flat = flat.cells()[d.cell];
        const int32_t filter_cell = codegen::KeyFilterCell(p, flat, static_cast<uint32_t>(pi), key);
        for (const auto& [text, rules] : key.rules) {
          DispatchKey::Run run;
          run.offset = static_cast<uint32_t>(d.rules.size());
          run.count = static_cast<uint32_t>(rules.size());
          d.rules.insert(d.rules.end(), rules.begin(), rules.end());
          AddSubIndex(rules, d.cell, filter_cell, pi, d, run);
          // The index's keys are IndexKeyOf texts: a country id's bytes, or the text itself
          // (codes upper-cased, as stored), which is one of the program's constants.
          uint32_t value = 0;
          if (key.kind == rt::ValueKind::Country) {
            CountryId c = 0;
            if (text.size() != sizeof c) continue;
            std::memcpy(&c, text.data(), sizeof c);
            value = c;
          } else {
            value = flat.atoms().Find(text);
            if (value == 0) continue;  // not a constant: no record's atom
          }
          if (value >= d.by_value.size()) d.by_value.resize(value + 1u);
          d.by_value[value] = run;
        }
        BuildFilter(d, filter_cell);
        filters[codegen::KeyFilterIndex(p, static_cast<uint32_t>(pi), ki)] =
            codegen::KeyFilter{d.filter.data(), d.by_value.size()};
      }
    }
  }

  // The key's codegen::KeyFilter: per value, the filter bit of each value of its second level
  // when that is on the filter's field, else every bit (or none for a value without rules); then
  // the clear line for values past the last.
  static void BuildFilter(DispatchKey& d, int32_t filter_cell) {
    constexpr uint32_t kWords = codegen::kKeyFilterWords;
    d.filter.assign((d.by_value.size() + 1) * kWords, 0);
    for (size_t v = 0; v < d.by_value.size(); ++v) {
      const DispatchKey::Run& run = d.by_value[v];
      uint64_t* line = d.filter.data() + v * kWords;
      if (run.sub_count != 0 && static_cast<int32_t>(run.sub_cell) == filter_cell) {
        for (uint32_t i = 0; i < run.sub_count; ++i) {
          const uint32_t bit = codegen::KeyFilterBit(d.sub[run.sub_offset + i].value);
          line[bit / 64] |= uint64_t{1} << (bit % 64);
        }
      } else if (run.count != 0) {
        for (uint32_t w = 0; w < kWords; ++w) line[w] = ~uint64_t{0};
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
  v->hits[v->count++] =
      licit::rt::VerdictHit{policy, rule, exception, static_cast<licit::rt::Effect>(effect)};
  return 1;
}

uint8_t licit_jit_judge_key(const licit::codegen::JitEnv* env, uint32_t policy, uint32_t key,
                            const uint8_t* rec, licit::rt::EvalContext* ctx, int32_t day,
                            licit::rt::Verdict* verdict) {
  using licit::rt::FlatLayout;
  const auto& tables = *static_cast<const licit::jit::DispatchTables*>(env->dispatch);
  const licit::jit::DispatchKey& k = tables.keys[policy][key];
  // The field unknown: every rule of the key is a candidate and tests it, so the decision has
  // an unknown unless those rules are out of force; the full path works that out.
  if (!k.used || !FlatLayout::Present(rec, k.cell)) return 0;
  const uint64_t value = FlatLayout::LoadScalar(rec, k.flat);
  if (value >= k.by_value.size()) return 1;  // no rule names this value
  const licit::jit::DispatchKey::Run& run = k.by_value[value];
  const auto& rules = tables.rules[policy];
  // Judges rule `r`: false when the fast path must give up.
  auto judge = [&](uint32_t r) -> bool {
    const licit::jit::DispatchedRule& rule = rules[r];
    if (!rule.data) return rule.fn(rec, ctx, env, day, verdict) != 0;
    // Judged from data, as the generated rule function would: period, suspensions, then the
    // tests in Kleene logic (a false test decides; otherwise an unknown one gives up).
    if (!rule.period.Contains(day)) return true;
    for (const licit::ir::Period& sp : rule.suspensions)
      if (sp.Contains(day)) return true;
    bool unknown = false;
    for (const auto& t : rule.tests) {
      if (!FlatLayout::Present(rec, t.cell)) {
        unknown = true;
        continue;
      }
      const uint64_t have = FlatLayout::LoadScalar(rec, t.flat);
      bool match = false;
      for (uint64_t c : t.any_of) match = match || have == c;
      if (!match) return true;  // false: not fired
    }
    if (unknown) return false;
    return licit_jit_hit(verdict, policy, r, UINT32_MAX, static_cast<uint8_t>(rule.effect)) != 0;
  };
  if (run.sub_count != 0 && FlatLayout::Present(rec, run.sub_cell)) {
    // The second level: only the rules whose second test this record's value passes.
    const uint64_t have = FlatLayout::LoadScalar(rec, run.sub_flat);
    // A lower bound without data-dependent branches (the values come in no order, so a
    // branching search mispredicts about half its steps): the loop count depends on the run's
    // size only, and the step is a conditional move.
    const auto* begin = k.sub.data() + run.sub_offset;
    const auto* end = begin + run.sub_count;
    const auto* base = begin;
    for (uint32_t n = run.sub_count; n > 1;) {
      const uint32_t half = n / 2;
      base = base[half].value < have ? base + half : base;
      n -= half;
    }
    const auto* at = base + (base->value < have ? 1 : 0);
    for (; at != end && at->value == have; ++at)
      if (!judge(at->rule)) return 0;
    return 1;
  }
  const uint32_t* cands = k.rules.data() + run.offset;
  for (uint32_t i = 0; i < run.count; ++i)
    if (!judge(cands[i])) return 0;
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
  // The target machine an optimised module is optimised with (codegen::Optimize asks it about
  // costs) and, for the code cache, compiled with: like LLJIT's own. Made at first use, since a
  // process whose modules all come from the code cache never optimises and making one costs
  // about a million instructions. A TargetMachine is not thread-safe: only under compile_mutex.
  // Null with `*error` set if it cannot be made.
  llvm::TargetMachine* tm(std::string* error) {
    if (!tm_) {
      auto made = jtmb_->createTargetMachine();
      if (!made) {
        *error = ToString(made.takeError());
        return nullptr;
      }
      tm_ = std::move(*made);
    }
    return tm_.get();
  }
  // How tm() (optimise: true) or FastTargetMachine compiles, for the code cache's keys
  // (CodeCache::Key).
  const std::string& TargetDescription(bool optimise) const {
    return optimise ? default_target_ : fast_target_;
  }

  // A target machine for modules too big to optimise: the fast instruction selector
  // (CodeGenOpt None). A TargetMachine is not thread-safe, so each compiling thread makes its
  // own.
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> FastTargetMachine() {
    return fast_jtmb_->createTargetMachine();
  }
  std::string NextPrefix() { return "p" + std::to_string(counter_.fetch_add(1)) + "_"; }

  // Held by every compile and every program's removal: LLJIT compiles IR with one shared target
  // machine, which is not thread-safe, and a program's full-path conditions may compile on a
  // thread of their own (JitProgram::Compile's FullPathCode::kLazy) beside another program's
  // compile. (The API also serialises its compiles, by a lock taken before this one.)
  std::recursive_mutex& compile_mutex() { return compile_mutex_; }

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
    // The small code model and position-independent code, as LLJIT itself compiles for
    // JITLink (calls to other objects and to the runtime go through stubs JITLink makes).
    // Without them the target machine's JIT default, the large code model, leaves the fast
    // instruction selector unable to emit a call or a global's address: it gave up on every
    // function, and SelectionDAG compiled them all (1.7 times the time for 10,000 rules).
    jtmb_.emplace(*jtmb);
    fast_jtmb_.emplace(*jtmb);
    fast_jtmb_->setCodeGenOptLevel(llvm::CodeGenOptLevel::None);
    fast_jtmb_->setCodeModel(llvm::CodeModel::Small);
    fast_jtmb_->setRelocationModel(llvm::Reloc::PIC_);
    default_target_ = Describe(*jtmb_, llvm::CodeGenOptLevel::Default);
    fast_target_ = Describe(*fast_jtmb_, llvm::CodeGenOptLevel::None);
    // No target machine is made here: LLJIT compiles IR with tm() (HostCompiler), made at its
    // first use, and fast ones are made when needed. A policy whose code comes from the code
    // cache then starts without any: they were about 4 M of the 7 M instructions of
    // small.licit's cached start (bench/README.md, "the start").
    auto jit =
        llvm::orc::LLJITBuilder()
            .setJITTargetMachineBuilder(*jtmb)
            .setCompileFunctionCreator(
                [this](llvm::orc::JITTargetMachineBuilder jtmb)
                    -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                  return std::make_unique<HostCompiler>(*this, jtmb);
                })
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
    def("licit_jit_country_in_group", &licit_jit_country_in_group);
    def("licit_jit_under", &licit_jit_under);
    def("licit_jit_screen", &licit_jit_screen);
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

  // LLJIT's compiler of IR modules: llvm::orc::SimpleCompiler with the host's tm(), the target
  // machine the module was optimised with, not one of its own made when LLJIT is made. (LLJIT
  // compiles on the thread that looks its symbols up, which holds compile_mutex.)
  class HostCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
   public:
    HostCompiler(Host& host, const llvm::orc::JITTargetMachineBuilder& jtmb)
        : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(jtmb.getOptions())),
          host_(host) {}
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& module) override {
      std::string error;
      llvm::TargetMachine* tm = host_.tm(&error);
      if (tm == nullptr)
        return llvm::make_error<llvm::StringError>(error, llvm::inconvertibleErrorCode());
      return llvm::orc::SimpleCompiler(*tm)(module);
    }

   private:
    Host& host_;
  };

  // What a target machine made by `jtmb` at `level` compiles for (JITTargetMachineBuilder keeps
  // its optimisation level to itself, so it is given).
  static std::string Describe(const llvm::orc::JITTargetMachineBuilder& jtmb,
                              llvm::CodeGenOptLevel level) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << jtmb.getTargetTriple().str() << '\n'
       << jtmb.getCPU() << '\n'
       << jtmb.getFeatures().getString() << '\n'
       << "opt " << static_cast<int>(level) << " model "
       << (jtmb.getCodeModel() ? static_cast<int>(*jtmb.getCodeModel()) : -1) << " reloc "
       << (jtmb.getRelocationModel() ? static_cast<int>(*jtmb.getRelocationModel()) : -1);
    return text;
  }

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> tm_;  // tm()'s
  std::optional<llvm::orc::JITTargetMachineBuilder> jtmb_, fast_jtmb_;
  std::string default_target_, fast_target_;
  std::string error_;
  std::atomic<uint64_t> counter_{0};
  std::recursive_mutex compile_mutex_;  // recursive: a failed Compile drops its program
};

// Conditions answered by generated code.
class JitEvaluator final : public decide::ConditionEvaluator {
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
  // The full path of programs without full-path code, and of the others until their conditions
  // are compiled: decisions are the same by construction.
  const decide::Engine* reference = nullptr;
  codegen::JitEnv env;
  codegen::DecideFn decide = nullptr;
  std::unique_ptr<rt::FlatLayout> flat;          // what the fast path reads
  rt::Effect no_hit_effect = rt::Effect::Allow;  // of a verdict with no hits
  DispatchTables dispatch;
  Shape shape;
  std::string prefix;  // of this program's symbols (Host::NextPrefix)
  llvm::orc::ResourceTrackerSP tracker;

  // The full path's conditions (codegen::GenerateConditions), a module of their own, compiled
  // before Compile returns (FullPathCode::kEager) or on a thread of their own when a record first
  // needs them (kLazy; see Conditions below).
  std::vector<codegen::ConditionFn> fns;                         // by ExprId; null for others
  std::atomic<const codegen::ConditionFn*> conditions{nullptr};  // fns.data() once linked
  std::once_flag conditions_started;
  std::thread conditions_thread;
  std::atomic<bool> cancel_conditions{false};
  std::mutex conditions_mutex;
  std::condition_variable conditions_cv;
  bool conditions_done = false;  // compiled, failed or cancelled (under conditions_mutex)

  Impl(const ir::Program& p, std::unique_ptr<rt::FlatLayout> layout)
      : program(&p), flat(std::move(layout)), dispatch(p, *flat) {
    no_hit_effect = decide::VerdictEffect(p, rt::Verdict{});
    for (size_t pi = 0; pi < dispatch.keys.size(); ++pi) {
      for (const DispatchKey& k : dispatch.keys[pi]) {
        if (!k.used) continue;
        ++shape.dispatched_keys;
        shape.dispatched_rules += static_cast<uint32_t>(k.rules.size());
        for (uint32_t r : k.rules) shape.data_rules += dispatch.rules[pi][r].data ? 1 : 0;
        for (const DispatchKey::Run& run : k.by_value)
          shape.second_level_runs += run.sub_count != 0 ? 1 : 0;
      }
    }
  }
};

const JitProgram::Shape& JitProgram::shape() const { return impl_->shape; }

JitProgram::JitProgram(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

JitProgram::~JitProgram() {
  if (!impl_) return;
  // A lazy compile of the conditions stops at its next phase. It may hold the compile lock, so it
  // ends before this takes the lock.
  if (impl_->conditions_thread.joinable()) {
    impl_->cancel_conditions.store(true, std::memory_order_relaxed);
    impl_->conditions_thread.join();
  }
  if (!impl_->tracker) return;
  std::string error;
  Host* host = Host::Get(&error);  // not null: the tracker is its JIT's
  std::lock_guard<std::recursive_mutex> lock(host->compile_mutex());
  llvm::consumeError(impl_->tracker->remove());
  // The process-wide session interns every symbol name of every program in one string pool,
  // whose entries outlive their last reference until the pool is told to drop them: without
  // this, each program compiled left its names behind (about 30 bytes a symbol), so a server
  // that reloads its policy grew without bound and libFuzzer's leak check ran on every input.
  host->jit().getExecutionSession().getSymbolStringPool()->clearDeadEntries();
}

namespace {

// Empty when `m` is valid, else why not.
std::string Verify(const llvm::Module& m) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (!llvm::verifyModule(m, &os)) return {};
  return "internal error: generated module is invalid: " + os.str();
}

// Compiling threads for a program in shards: the machines this runs on have two cores, and a
// background compile should leave a larger machine's other cores to the records being decided.
constexpr unsigned kCompileThreads = 2;

// Generates and compiles the shards of a large program (codegen::GenerateShard) to objects, on
// up to kCompileThreads threads (this one included) that take the next shard until none is
// left. Each shard has its own LLVMContext and each thread its own TargetMachine (neither is
// thread-safe), and a shard's module is freed as soon as its object exists, so at most one
// module a thread is alive at once. False with `*error` set on failure or cancellation (checked
// before each shard).
bool CompileShards(Host& host, const ir::Program& program, const rt::FlatLayout& flat,
                   const std::string& prefix, uint32_t shards, const std::atomic<bool>* cancel,
                   std::vector<std::unique_ptr<llvm::MemoryBuffer>>& objects, std::string* error) {
  objects.clear();
  objects.resize(shards);
  const llvm::DataLayout& layout = host.jit().getDataLayout();
  const std::string triple = host.jit().getTargetTriple().str();
  std::atomic<uint32_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::string first_error;
  auto fail = [&](std::string why) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (first_error.empty()) first_error = std::move(why);
    stop = true;
  };
  auto work = [&] {
    auto tm = host.FastTargetMachine();
    if (!tm) return fail(ToString(tm.takeError()));
    llvm::orc::SimpleCompiler compile(**tm);
    while (!stop) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return fail("cancelled");
      const uint32_t k = next.fetch_add(1);
      if (k >= shards) return;
      codegen::Generated g = codegen::GenerateShard(program, flat, prefix, k, shards);
      g.module->setDataLayout(layout);
      g.module->setTargetTriple(triple);
      if (std::string why = Verify(*g.module); !why.empty()) return fail(std::move(why));
      auto object = compile(*g.module);
      if (!object) return fail(ToString(object.takeError()));
      objects[k] = std::move(*object);
    }
  };
  const unsigned threads =
      std::min({shards, kCompileThreads, std::max(1u, std::thread::hardware_concurrency())});
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (first_error.empty()) return true;
  *error = first_error;
  return false;
}

// What stops a compile at its next phase: the caller's flag, and for a lazy compile of
// conditions the process's exit (LazyCompiles). Sets "cancelled" as the error.
struct Cancel {
  const std::atomic<bool>* first = nullptr;
  const std::atomic<bool>* second = nullptr;
  bool operator()(std::string* error) const {
    const bool stop = (first != nullptr && first->load(std::memory_order_relaxed)) ||
                      (second != nullptr && second->load(std::memory_order_relaxed));
    if (stop) *error = "cancelled";
    return stop;
  }
};

// A generated module made ready for the JIT: its object, loaded from the code cache or compiled
// here (to be stored in the cache, or by the fast instruction selector when the module is too big
// to optimise); or else the module itself, optimised, which LLJIT compiles at the lookup.
struct ReadyModule {
  std::unique_ptr<llvm::MemoryBuffer> object;
  codegen::Generated generated;  // its module, when there is no object
  bool cached = false;           // the object came from the code cache
};

// Verifies `g` and makes it ready (ReadyModule). False with `*error` set on failure or
// cancellation.
bool Prepare(Host& host, codegen::Generated g, const Cancel& cancelled, ReadyModule& out,
             std::string* error) {
  llvm::orc::LLJIT& jit = host.jit();
  g.module->setDataLayout(jit.getDataLayout());
  g.module->setTargetTriple(jit.getTargetTriple().str());
  if (std::string why = Verify(*g.module); !why.empty()) {
    *error = std::move(why);
    return false;
  }
  if (cancelled(error)) return false;
  // Without a cache an optimised module goes to LLJIT as IR; with one, it is compiled here,
  // with a target machine like LLJIT's, so that its object can be stored (or was: loaded).
  const CodeCache* cache = CodeCache::Get();  // null unless LICIT_JIT_CACHE names one
  std::string key;
  if (cache != nullptr) {
    // Before optimising: what the code is made from.
    key = cache->Key(*g.module, host.TargetDescription(g.optimize));
    out.object = cache->Load(key);
    out.cached = out.object != nullptr;
  }
  if (!out.object) {
    // An optimised module is optimised, and compiled for the cache, with the host's target
    // machine (the caller holds the compile lock); one too big to optimise with a fast one.
    llvm::TargetMachine* tm = nullptr;
    std::unique_ptr<llvm::TargetMachine> fast;
    if (g.optimize) {
      tm = host.tm(error);
      if (tm == nullptr) return false;
      codegen::Optimize(*g.module, tm);
    } else {
      auto made = host.FastTargetMachine();
      if (!made) {
        *error = ToString(made.takeError());
        return false;
      }
      fast = std::move(*made);
      tm = fast.get();
    }
    if (cache != nullptr || !g.optimize) {
      if (cancelled(error)) return false;
      auto object = llvm::orc::SimpleCompiler(*tm)(*g.module);
      if (!object) {
        *error = ToString(object.takeError());
        return false;
      }
      if (cache != nullptr) cache->Store(key, **object);
      out.object = std::move(*object);
    }
  }
  if (out.object) {
    g.module.reset();  // before its context
    g.context.reset();
  }
  out.generated = std::move(g);
  return true;
}

// Adds a ready module to the JIT under `tracker` (its code is compiled or linked at the next
// lookup of one of its symbols).
bool AddReady(llvm::orc::LLJIT& jit, const llvm::orc::ResourceTrackerSP& tracker, ReadyModule& m,
              std::string* error) {
  llvm::Error err = llvm::Error::success();
  if (m.object) {
    err = jit.addObjectFile(tracker, std::move(m.object));
  } else {
    llvm::orc::ThreadSafeModule tsm(std::move(m.generated.module), std::move(m.generated.context));
    err = jit.addIRModule(tracker, std::move(tsm));
  }
  if (!err) return true;
  *error = ToString(std::move(err));
  return false;
}

// Every symbol in `wanted` from the main JITDylib, by one lookup, which also compiles or links the
// modules that define them. Null with `*error` set on failure.
std::optional<llvm::orc::SymbolMap> LookupAll(llvm::orc::LLJIT& jit,
                                              llvm::orc::SymbolLookupSet wanted,
                                              std::string* error) {
  llvm::orc::JITDylib& jd = jit.getMainJITDylib();
  auto found = jit.getExecutionSession().lookup(
      llvm::orc::makeJITDylibSearchOrder(&jd, llvm::orc::JITDylibLookupFlags::MatchAllSymbols),
      std::move(wanted));
  if (!found) {
    *error = ToString(found.takeError());
    return std::nullopt;
  }
  return std::move(*found);
}

// Generates, compiles and links the program's conditions, and publishes them (Impl::conditions).
// The caller holds the compile lock. `*cached`: whether their object came from the code cache.
// False with `*error` set on failure or cancellation; the reference engine then decides the full
// path, as for a program without full-path code.
bool CompileConditions(Host& host, JitProgram::Impl& im, const Cancel& cancelled, bool* cached,
                       std::string* error) {
  if (cancelled(error)) return false;
  codegen::Generated g = codegen::GenerateConditions(*im.program, *im.flat, im.prefix);
  const std::vector<ir::ExprId> ids = g.conditions;
  ReadyModule ready;
  if (!Prepare(host, std::move(g), cancelled, ready, error)) return false;
  *cached = ready.cached;
  if (!AddReady(host.jit(), im.tracker, ready, error) || cancelled(error)) return false;
  llvm::orc::LLJIT& jit = host.jit();
  llvm::orc::SymbolLookupSet wanted;
  std::vector<llvm::orc::SymbolStringPtr> names;
  for (ir::ExprId id : ids) {
    names.push_back(jit.mangleAndIntern(codegen::ConditionName(im.prefix, id)));
    wanted.add(names.back());
  }
  std::optional<llvm::orc::SymbolMap> found = LookupAll(jit, std::move(wanted), error);
  if (!found) return false;
  im.fns.assign(im.program->nodes.size(), nullptr);
  for (size_t i = 0; i < ids.size(); ++i)
    im.fns[ids[i]] = (*found)[names[i]].getAddress().toPtr<codegen::ConditionFn>();
  im.conditions.store(im.fns.data(), std::memory_order_release);
  return true;
}

// Lazy compiles of conditions in flight. A process that exits (returns from main, calls exit)
// while one runs would run LLVM under its static destructors, so StopLazyCompiles asks every
// compile in flight to stop at its next phase and waits for them; a program calls it (through
// the API's stop_background_compiles) before it exits. The first lazy compile also registers it
// as an exit handler, as a fallback: that runs before the destructors of the static state made
// before it, but not of any LLVM makes on first use during that compile (with the code cache
// warm, the conditions may be the process's first machine code: a `licit diff` ending with one in
// flight crashed once in a few hundred runs under load, in SelectionDAG).
struct LazyCompiles {
  std::mutex mutex;
  std::condition_variable done;
  int in_flight = 0;
  std::atomic<bool> exiting{false};
};
LazyCompiles& Lazy() {
  static auto* lazy = new LazyCompiles;  // never destroyed: used during exit
  return *lazy;
}
}  // namespace

void StopLazyCompiles() {
  LazyCompiles& lazy = Lazy();
  lazy.exiting.store(true, std::memory_order_relaxed);
  std::unique_lock<std::mutex> lock(lazy.mutex);
  lazy.done.wait(lock, [&] { return lazy.in_flight == 0; });
}

namespace {

// The program's compiled conditions, or null while there are none: without full-path code, or
// before a lazy compile has ended (the first call starts it, on its own thread), or when it
// failed. With `wait`, waits for a compile started or in flight.
const codegen::ConditionFn* Conditions(JitProgram::Impl& im, bool wait) {
  if (const codegen::ConditionFn* fns = im.conditions.load(std::memory_order_acquire)) return fns;
  if (!im.shape.full_path_code) return nullptr;
  std::call_once(im.conditions_started, [&im] {
    static const bool registered = std::atexit(StopLazyCompiles) == 0;
    (void)registered;
    {
      std::lock_guard<std::mutex> lock(Lazy().mutex);
      ++Lazy().in_flight;
    }
    im.conditions_thread = std::thread([&im] {
      std::string error;
      if (Host* host = Host::Get(&error)) {
        std::lock_guard<std::recursive_mutex> lock(host->compile_mutex());
        bool cached = false;
        // On failure the reference engine goes on deciding the full path: the same decisions.
        CompileConditions(*host, im, Cancel{&im.cancel_conditions, &Lazy().exiting}, &cached,
                          &error);
      }
      {
        std::lock_guard<std::mutex> lock(im.conditions_mutex);
        im.conditions_done = true;
      }
      im.conditions_cv.notify_all();
      std::lock_guard<std::mutex> lock(Lazy().mutex);
      --Lazy().in_flight;
      Lazy().done.notify_all();
    });
  });
  if (!wait) return nullptr;
  std::unique_lock<std::mutex> lock(im.conditions_mutex);
  im.conditions_cv.wait(lock, [&im] { return im.conditions_done; });
  return im.conditions.load(std::memory_order_acquire);
}

}  // namespace

std::unique_ptr<JitProgram> JitProgram::Compile(const ir::Program& program,
                                                const decide::Engine& reference, std::string* error,
                                                const std::atomic<bool>* cancel,
                                                FullPathCode full_path) {
  const Cancel cancelled{cancel};
  Host* host = Host::Get(error);
  if (host == nullptr || cancelled(error)) return nullptr;
  std::lock_guard<std::recursive_mutex> compile_lock(host->compile_mutex());
  llvm::orc::LLJIT& jit = host->jit();
  const std::string prefix = host->NextPrefix();
  // The fast path's code, as one module to optimise and add as IR (small programs), or as
  // objects: of one module (the fast code generator, no optimisation), or of shards compiled on
  // several threads. The full path's conditions, when the program has them, are a second module
  // (CompileConditions).
  const uint32_t shards = codegen::ShardCount(program);
  uint32_t cached = 0;  // modules whose object came from the cache
  std::unique_ptr<rt::FlatLayout> flat;
  std::vector<ReadyModule> ready;
  if (shards > 1) {
    flat = codegen::BuildFlatLayout(program);
    // Not through the cache: keying a large program's shards cost as much as a third of
    // compiling them when the key was their text (10,000 rules: +1.5 s cold; it is their bitcode
    // now, not measured again), while loading them saves only the code generator (generating and
    // verifying stay).
    std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
    if (!CompileShards(*host, program, *flat, prefix, shards, cancel, objects, error))
      return nullptr;
    for (std::unique_ptr<llvm::MemoryBuffer>& object : objects) {
      ready.emplace_back();
      ready.back().object = std::move(object);
    }
  } else {
    codegen::Generated g =
        codegen::Generate(program, prefix, /*names=*/false, /*with_conditions=*/false);
    flat = std::move(g.flat);
    if (cancelled(error)) return nullptr;
    ready.emplace_back();
    if (!Prepare(*host, std::move(g), cancelled, ready.back(), error)) return nullptr;
    cached += ready.back().cached ? 1 : 0;
  }
  if (cancelled(error)) return nullptr;
  auto impl = std::make_unique<Impl>(program, std::move(flat));
  impl->reference = &reference;
  impl->prefix = prefix;
  impl->shape.full_path_code = shards == 1 && codegen::HasFullPathCode(program);
  impl->shape.optimized = shards == 1 && ready[0].generated.optimize;
  impl->shape.modules = shards;
  impl->env = codegen::JitEnv{program.constants.data(), &program.input, &program, &impl->dispatch,
                              impl->dispatch.filters.data()};
  impl->tracker = jit.getMainJITDylib().createResourceTracker();
  std::unique_ptr<JitProgram> result(new JitProgram(std::move(impl)));
  Impl& im = *result->impl_;
  for (ReadyModule& m : ready) {
    if (!AddReady(jit, im.tracker, m, error)) return nullptr;
  }
  ready.clear();
  if (cancelled(error)) return nullptr;
  // Every function the engine calls, found by one lookup, which also links (or compiles) the
  // code: the decide function and the dispatched rules with code (thousands in a large program,
  // one session round trip instead of one each).
  llvm::orc::SymbolLookupSet wanted;
  auto want = [&](const std::string& name) {
    llvm::orc::SymbolStringPtr s = jit.mangleAndIntern(name);
    wanted.add(s);
    return s;
  };
  const llvm::orc::SymbolStringPtr decide = want(codegen::DecideName(prefix));
  std::vector<std::pair<DispatchedRule*, llvm::orc::SymbolStringPtr>> rules;
  for (uint32_t pi = 0; pi < im.dispatch.rules.size(); ++pi) {
    std::vector<uint8_t> asked(im.dispatch.rules[pi].size(), 0);  // a rule may be in two keys
    for (uint32_t ki = 0; ki < im.dispatch.keys[pi].size(); ++ki) {
      if (!im.dispatch.keys[pi][ki].used) continue;
      for (uint32_t r : im.dispatch.keys[pi][ki].rules) {
        DispatchedRule& dr = im.dispatch.rules[pi][r];
        if (dr.data || asked[r]) continue;
        asked[r] = 1;
        rules.emplace_back(&dr, want(codegen::RuleName(prefix, pi, r)));
      }
    }
  }
  std::optional<llvm::orc::SymbolMap> found = LookupAll(jit, std::move(wanted), error);
  if (!found) return nullptr;
  auto address = [&](const llvm::orc::SymbolStringPtr& name) {
    return (*found)[name].getAddress();
  };
  im.decide = address(decide).toPtr<codegen::DecideFn>();
  for (const auto& [dr, name] : rules) dr->fn = address(name).toPtr<codegen::DecideFn>();
  if (full_path == FullPathCode::kEager && im.shape.full_path_code) {
    bool conditions_cached = false;
    if (!CompileConditions(*host, im, cancelled, &conditions_cached, error)) return nullptr;
    cached += conditions_cached ? 1 : 0;
  }
  im.shape.cached_modules = cached;
  if (full_path == FullPathCode::kEager) {
    std::call_once(im.conditions_started, [] {});  // nothing is left to compile later
    std::lock_guard<std::mutex> lock(im.conditions_mutex);
    im.conditions_done = true;
  }
  return result;
}

namespace {

// What a thread needs to decide: the evaluation context, the buffer a record is packed into,
// and the verdict Decide materialises. Reached through a plain pointer (constant-initialised, so
// no TLS init wrapper runs per decision); made on the thread's first decision, freed at its exit.
struct ThreadState {
  rt::EvalContext ctx;
  std::vector<rt::Value> flat;  // Value-aligned bytes of one flat record
  rt::Verdict verdict;
};
thread_local ThreadState* tls_state = nullptr;

ThreadState& Thread() {
  if (tls_state == nullptr) [[unlikely]] {
    thread_local std::unique_ptr<ThreadState> owner = std::make_unique<ThreadState>();
    tls_state = owner.get();
  }
  return *tls_state;
}

// The effect of a verdict: with no contributions, the program's (precomputed) default.
inline rt::Effect EffectOf(const JitProgram::Impl& im, const rt::Verdict& v);

// The day a record is judged at (as PrepareDecision finds it); for an undated program any day
// does.
std::optional<DayNumber> JudgingDay(const ir::Program& p, const rt::Record& record,
                                    const decide::DecideOptions& options) {
  std::optional<DayNumber> day = decide::RecordDay(p, record, options);
  if (!day && !p.dated) return DayNumber{0};
  return day;
}

// The fast path: the generated decide function on `record` at `day`; false when it gave up.
bool RunFastPath(const JitProgram::Impl& im, const rt::Record& record, DayNumber day,
                 rt::Verdict& verdict) {
  verdict.Clear();
  // The record in the compiled layout, in this thread's buffer.
  ThreadState& t = Thread();
  const size_t values = (im.flat->record_bytes() + sizeof(rt::Value) - 1) / sizeof(rt::Value);
  if (t.flat.size() < values) t.flat.resize(values);
  uint8_t* rec = reinterpret_cast<uint8_t*>(t.flat.data());
  im.flat->Pack(record.slots(), rec);
  t.ctx.Begin(&record, day);
  return im.decide(rec, &t.ctx, &im.env, day, &verdict) != 0 &&
         !decide::VerdictNeedsMatchNotes(*im.program, verdict);
}

inline rt::Effect EffectOf(const JitProgram::Impl& im, const rt::Verdict& v) {
  return v.count == 0 ? im.no_hit_effect : decide::VerdictEffect(*im.program, v);
}
}  // namespace

bool JitProgram::DecideVerdict(const rt::Record& record, const decide::DecideOptions& options,
                               rt::Verdict& verdict) const {
  std::optional<DayNumber> day = JudgingDay(*impl_->program, record, options);
  if (!day) return false;  // an error decision: the full path writes it
  if (!RunFastPath(*impl_, record, *day, verdict)) return false;
  verdict.effect = EffectOf(*impl_, verdict);
  return true;
}

const rt::FlatLayout& JitProgram::flat_layout() const { return *impl_->flat; }

bool JitProgram::DecideVerdict(const uint8_t* rec, const decide::DecideOptions& options,
                               rt::Verdict& verdict) const {
  // The judging day as RecordDay finds it, from the flat record's header.
  DayNumber day = 0;
  if (options.as_of) {
    day = *options.as_of;
  } else {
    uint32_t flags;
    std::memcpy(&flags, rec + rt::FlatLayout::kFlagsOffset, sizeof flags);
    if (flags & rt::FlatLayout::kHasDay) std::memcpy(&day, rec + rt::FlatLayout::kDayOffset, 4);
    else if (impl_->program->dated) return false;  // an error decision: Decide writes it
  }
  verdict.Clear();
  rt::EvalContext& ctx = Thread().ctx;
  ctx.Begin(nullptr, day);
  if (impl_->decide(rec, &ctx, &impl_->env, day, &verdict) == 0) return false;
  if (decide::VerdictNeedsMatchNotes(*impl_->program, verdict)) return false;
  verdict.effect = EffectOf(*impl_, verdict);
  return true;
}

rt::Decision JitProgram::Decide(const rt::Record& record,
                                const decide::DecideOptions& options) const {
  rt::Decision d;
  std::optional<DayNumber> day = decide::PrepareDecision(*impl_->program, record, options, d);
  if (!day) return d;
  // The fast path: generated code decides records with no unknowns into a compact verdict.
  rt::Verdict& verdict = Thread().verdict;
  if (RunFastPath(*impl_, record, *day, verdict)) {
    decide::MaterializeVerdict(*impl_->program, verdict, d);
    return d;
  }
  return FullPath(record, options, *day, std::move(d), /*wait=*/false);
}

rt::Decision JitProgram::DecideFullPath(const rt::Record& record,
                                        const decide::DecideOptions& options) const {
  rt::Decision d;
  std::optional<DayNumber> day = decide::PrepareDecision(*impl_->program, record, options, d);
  if (!day) return d;
  return FullPath(record, options, *day, std::move(d), /*wait=*/true);
}

bool JitProgram::full_path_compiled() const {
  return impl_->conditions.load(std::memory_order_acquire) != nullptr;
}

// The full path: the shared assembly, asking generated code for each condition; the reference
// engine for a program too big to have code for the full path (codegen::kFullPathMaxRules), and
// until a lazy compile of the conditions has ended (`wait`: wait for it instead).
// `d` holds what PrepareDecision wrote.
rt::Decision JitProgram::FullPath(const rt::Record& record, const decide::DecideOptions& options,
                                  DayNumber day, rt::Decision d, bool wait) const {
  const codegen::ConditionFn* fns = Conditions(*impl_, wait);
  if (fns == nullptr) return impl_->reference->Decide(record, options);
  rt::EvalContext& ctx = Thread().ctx;
  ctx.Reset(&record, day);
  JitEvaluator ev(ctx, fns, &impl_->env, record.slots());
  decide::AssembleDecision(*impl_->program, day, ev, d);
  return d;
}

}  // namespace licit::jit
