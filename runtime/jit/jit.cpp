#include "runtime/jit/jit.h"

#include <atomic>
#include <cstring>
#include <mutex>

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
  llvm::orc::ResourceTrackerSP tracker;
  interp::Interpreter interp;
  explicit Impl(const ir::Program& p) : program(&p), interp(p) {}
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
  codegen::Optimize(*g.module, host->tm());
  auto impl = std::make_unique<Impl>(program);
  impl->env = codegen::JitEnv{program.constants.data(), &program.input, &program};
  llvm::orc::JITDylib& jd = host->jit().getMainJITDylib();
  impl->tracker = jd.createResourceTracker();
  std::unique_ptr<JitProgram> result(new JitProgram(std::move(impl)));
  Impl& im = *result->impl_;
  llvm::orc::ThreadSafeModule tsm(std::move(g.module), std::move(g.context));
  if (auto err = host->jit().addIRModule(im.tracker, std::move(tsm))) {
    *error = ToString(std::move(err));
    return nullptr;
  }
  im.fns.assign(program.nodes.size(), nullptr);
  for (ir::ExprId id : g.conditions) {
    auto addr = host->jit().lookup(codegen::ConditionName(prefix, id));
    if (!addr) {
      *error = ToString(addr.takeError());
      return nullptr;
    }
    im.fns[id] = addr->toPtr<codegen::ConditionFn>();
  }
  return result;
}

rt::Decision JitProgram::Decide(const rt::Record& record,
                                const interp::DecideOptions& options) const {
  thread_local rt::EvalContext ctx;
  rt::Decision d;
  std::optional<DayNumber> day = interp::PrepareDecision(*impl_->program, record, options, d);
  if (!day) return d;
  ctx.Reset(&record, *day);
  const rt::Value* slots = record.size() > 0 ? &record.slot(0) : nullptr;
  JitEvaluator ev(ctx, impl_->fns.data(), &impl_->env, slots);
  interp::AssembleDecision(*impl_->program, *day, ev, d);
  return d;
}

interp::Explanation JitProgram::Explain(const rt::Record& record,
                                        const interp::DecideOptions& options) const {
  return impl_->interp.Explain(record, options);
}

}  // namespace licit::jit
