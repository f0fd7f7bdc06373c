#include "engines/jit/codegen.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>

#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/Transforms/IPO/AlwaysInliner.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

#include "ir/index.h"

namespace licit::codegen {
namespace {

using rt::Value;
using rt::ValueKind;

// The Value layout generated code relies on.
constexpr unsigned kKindOffset = offsetof(Value, kind);
constexpr unsigned kAuxOffset = offsetof(Value, aux);
constexpr unsigned kPayloadOffset = 16;
static_assert(kKindOffset == 0 && kAuxOffset == 2);
static_assert(sizeof(Value) == 32 && alignof(Value) == 16);
static_assert(offsetof(JitEnv, constants) == 0 && offsetof(JitEnv, layout) == 8);
constexpr unsigned kFiltersOffset = offsetof(JitEnv, filters);
static_assert(kFiltersOffset == 32);
static_assert(offsetof(KeyFilter, words) == 0 && offsetof(KeyFilter, last) == 8 &&
              sizeof(KeyFilter) == 16);

std::vector<std::vector<uint8_t>> DataRules(const ir::Program& program);  // below

class Gen {
 public:
  // `shard` of `shards`: which rule functions this module holds (see GenerateShard).
  Gen(const ir::Program& p, const rt::FlatLayout& flat, llvm::LLVMContext& c, llvm::Module& m,
      std::string prefix, uint32_t shard = 0, uint32_t shards = 1)
      : p_(p),
        flat_(flat),
        c_(c),
        m_(m),
        b_(c),
        prefix_(std::move(prefix)),
        shard_(shard),
        shards_(shards) {
    i1_ = llvm::Type::getInt1Ty(c);
    i8_ = llvm::Type::getInt8Ty(c);
    i16_ = llvm::Type::getInt16Ty(c);
    i32_ = llvm::Type::getInt32Ty(c);
    i64_ = llvm::Type::getInt64Ty(c);
    ptr_ = llvm::PointerType::get(c, 0);
    void_ = llvm::Type::getVoidTy(c);
    value_ty_ = llvm::ArrayType::get(i8_, 32);
    cond_ty_ = llvm::FunctionType::get(i8_, {ptr_, ptr_, ptr_, ptr_}, false);
    decide_ty_ = llvm::FunctionType::get(i8_, {ptr_, ptr_, ptr_, i32_, ptr_}, false);
  }

  // The fast path (the decide function and the rule functions it calls), the full path's
  // conditions, or both; returns the conditions made.
  std::vector<ir::ExprId> Run(bool fast_path, bool full_path) {
    // Classes first (declared, then defined: a class may use another): for the fast path, on
    // flat records (only declared here: see DefineUsedFlatClasses); for the full path's
    // conditions, on rt::Record slots.
    if (fast_path) DeclareClasses(/*flat=*/true, flat_class_fns_);
    if (full_path) {
      DeclareClasses(/*flat=*/false, class_fns_);
      for (uint32_t k = 0; k < p_.classes.size(); ++k)
        Define(class_fns_[k], p_.classes[k].predicate, /*flat=*/false);
    }
    // The conditions, each an external function the full path looks up by name. The fast path
    // does not call them: its rule functions contain their conditions, on flat records.
    std::vector<ir::ExprId> conds;
    if (full_path) {
      std::vector<uint8_t> seen(p_.nodes.size(), 0);
      auto add = [&](ir::ExprId id) {
        if (id == ir::kNone || id >= p_.nodes.size() || seen[id]) return;
        seen[id] = 1;
        conds.push_back(id);
      };
      for (const ir::Policy& pol : p_.policies) {
        for (const ir::Rule& r : pol.rules) {
          add(r.scope_class);
          add(r.destination);
          add(r.when);
          add(r.unless);
        }
        for (const ir::Exception& e : pol.exceptions) {
          add(e.when);
          add(e.unless);
        }
      }
      for (ir::ExprId id : conds) {
        llvm::Function* f = llvm::Function::Create(cond_ty_, llvm::Function::ExternalLinkage,
                                                   ConditionName(prefix_, id), m_);
        Define(f, id, /*flat=*/false);
      }
    }
    if (fast_path) {
      MarkRules();
      DefineDecide();
      DefineUsedFlatClasses();
    }
    return conds;
  }

 private:
  struct Tri {
    llvm::Value* state;   // i8: 0 false, 1 true, 2 unknown
    llvm::Value* reason;  // i16
  };

  void DeclareClasses(bool flat, std::vector<llvm::Function*>& fns) {
    const char* kind = flat ? "flatclass_" : "class_";
    for (uint32_t k = 0; k < p_.classes.size(); ++k)
      fns.push_back(llvm::Function::Create(cond_ty_, llvm::Function::InternalLinkage,
                                           prefix_ + kind + std::to_string(k), m_));
  }

  // The fast path's class functions get a body only when emitted code calls them (Pure classes
  // are computed in line, PureState), once everything else is emitted; the others are removed.
  // Unoptimised code keeps every function of its module, and a shard holds only the classes its
  // own rules use. A body may call further classes: repeat until none is added.
  void DefineUsedFlatClasses() {
    for (bool added = true; added;) {
      added = false;
      for (uint32_t k = 0; k < flat_class_fns_.size(); ++k) {
        llvm::Function* f = flat_class_fns_[k];
        if (!f->isDeclaration() || f->use_empty()) continue;
        Define(f, p_.classes[k].predicate, /*flat=*/true);
        added = true;
      }
    }
    for (llvm::Function* f : flat_class_fns_)
      if (f->isDeclaration()) f->eraseFromParent();
    flat_class_fns_.clear();
  }

  // i8 @f(slots or flat record, ctx, env, reason): condition `id` (kNone: unknown).
  void Define(llvm::Function* f, ir::ExprId id, bool flat) {
    flat_mode_ = flat;
    presence_words_.clear();
    f->addFnAttr(llvm::Attribute::NoUnwind);
    entry_ = llvm::BasicBlock::Create(c_, "entry", f);
    fn_ = f;
    b_.SetInsertPoint(entry_);
    slots_ = f->getArg(0);
    ctx_ = f->getArg(1);
    env_ = f->getArg(2);
    llvm::Value* reason_out = f->getArg(3);
    slots_->setName("slots");
    ctx_->setName("ctx");
    env_->setName("env");
    reason_out->setName("reason");
    Tri t = id == ir::kNone ? Tri{b_.getInt8(2), b_.getInt16(rt::kMissing)} : Cond(id);
    b_.CreateStore(t.reason, reason_out);
    b_.CreateRet(t.state);
  }

  // --- the decide function (the fast path; see codegen.h) -------------------------------------

  // Arguments of the decide and rule functions.
  struct DecideArgs {
    llvm::Value *slots, *ctx, *env, *day, *verdict;
  };

  DecideArgs BeginDecideFn(llvm::Function* f) {
    flat_mode_ = true;  // the fast path reads flat records
    presence_words_.clear();
    f->addFnAttr(llvm::Attribute::NoUnwind);
    fn_ = f;
    entry_ = llvm::BasicBlock::Create(c_, "entry", f);
    b_.SetInsertPoint(entry_);
    DecideArgs a{f->getArg(0), f->getArg(1), f->getArg(2), f->getArg(3), f->getArg(4)};
    a.slots->setName("rec");
    a.ctx->setName("ctx");
    a.env->setName("env");
    a.day->setName("day");
    a.verdict->setName("verdict");
    return a;
  }

  // i1: `day` lies inside `p` (ir::Period::Contains with constant bounds).
  llvm::Value* DayIn(const DecideArgs& a, const ir::Period& p) {
    llvm::Value* in = b_.getTrue();
    if (p.since != INT32_MIN) in = And(in, b_.CreateICmpSGE(a.day, b_.getInt32(p.since)));
    if (p.until != INT32_MAX) in = And(in, b_.CreateICmpSLE(a.day, b_.getInt32(p.until)));
    return in;
  }

  // Branches to `skip` unless `day` is inside `p`.
  void RequireInPeriod(const DecideArgs& a, const ir::Period& p, llvm::BasicBlock* skip) {
    if (p.open()) return;
    llvm::BasicBlock* next = Block("inforce");
    b_.CreateCondBr(DayIn(a, p), next, skip);
    b_.SetInsertPoint(next);
  }

  // Branches to `skip` when one of the suspensions covers `day`.
  void RequireNotSuspended(const DecideArgs& a, const ir::Policy& policy,
                           const std::vector<ir::SuspensionId>& ids, llvm::BasicBlock* skip) {
    for (ir::SuspensionId sid : ids) {
      if (sid >= policy.suspensions.size()) continue;
      llvm::BasicBlock* next = Block("notsuspended");
      b_.CreateCondBr(DayIn(a, policy.suspensions[sid].period), skip, next);
      b_.SetInsertPoint(next);
    }
  }

  // Evaluates condition parts; a part equal to `stop` branches to `skip`, an unknown part to
  // `bail`. (Every part is evaluated until one stops: a false part decides even after an
  // unknown one, exactly as in Kleene logic; only when none stops does an unknown matter.)
  void RequireParts(const std::vector<std::pair<ir::ExprId, uint8_t>>& parts,
                    llvm::BasicBlock* skip, llvm::BasicBlock* bail) {
    llvm::Value* unknown = b_.getFalse();
    for (const auto& [id, stop] : parts) {
      if (id == ir::kNone || id >= p_.nodes.size()) continue;
      // The condition is emitted into the rule function itself (fewer, larger functions compile
      // much faster than many small ones, and it reads the flat record; RequireApplies pointed
      // slots_, ctx_ and env_ at this function's arguments).
      llvm::Value* st = Cond(id).state;
      llvm::BasicBlock* next = Block("part");
      b_.CreateCondBr(b_.CreateICmpEQ(st, b_.getInt8(stop)), skip, next);
      b_.SetInsertPoint(next);
      unknown = Or(unknown, b_.CreateICmpEQ(st, b_.getInt8(2)));
    }
    llvm::BasicBlock* known = Block("known");
    b_.CreateCondBr(unknown, bail, known);
    b_.SetInsertPoint(known);
  }

  // A rule or exception applies: in force at `day` (its period, not suspended) and its
  // condition parts hold (a part equal to its `stop` state skips). Branches to `skip` when it
  // does not apply, to `bail` when that depends on an unknown.
  //
  // When every part is pure (PureState: loads and compares of the flat record, nothing that
  // calls out), everything is computed without branches and the code branches once on the
  // outcome. Records arrive in no order, so a branch per test would be mispredicted often; a
  // rule that rarely fires is then one well-predicted branch.
  using Parts = std::vector<std::pair<ir::ExprId, uint8_t>>;
  void RequireApplies(const DecideArgs& a, const ir::Period& period, const ir::Policy& policy,
                      const std::vector<ir::SuspensionId>& suspensions, const Parts& parts,
                      llvm::BasicBlock* skip, llvm::BasicBlock* bail) {
    slots_ = a.slots;
    ctx_ = a.ctx;
    env_ = a.env;
    bool pure = true;
    for (const auto& part : parts)
      if (part.first != ir::kNone && part.first < p_.nodes.size())
        pure = pure && Pure(part.first, 0);
    if (!pure) {
      RequireInPeriod(a, period, skip);
      RequireNotSuspended(a, policy, suspensions, skip);
      RequireParts(parts, skip, bail);
      return;
    }
    llvm::Value* go = DayIn(a, period);
    for (ir::SuspensionId sid : suspensions)
      if (sid < policy.suspensions.size())
        go = And(go, b_.CreateNot(DayIn(a, policy.suspensions[sid].period)));
    llvm::Value* unknown = b_.getFalse();
    for (const auto& [id, stop] : parts) {
      if (id == ir::kNone || id >= p_.nodes.size()) continue;
      llvm::Value* st = PureState(id);
      go = And(go, b_.CreateICmpNE(st, b_.getInt8(stop)));
      unknown = Or(unknown, b_.CreateICmpEQ(st, b_.getInt8(2)));
    }
    llvm::BasicBlock* known = Block("known");
    llvm::BasicBlock* applies = Block("applies");
    // `!unpredictable` keeps the code generator from splitting the and of the tests back into
    // one branch per test (which it does by default on x86, jumps being cheap there).
    b_.CreateCondBr(go, known, skip, nullptr, llvm::MDBuilder(c_).createUnpredictable());
    b_.SetInsertPoint(known);
    b_.CreateCondBr(unknown, bail, applies);
    b_.SetInsertPoint(applies);
  }

  // Whether condition `id` can be computed without branches or calls on a flat record: constants,
  // `has`, fields, scalar `==`/`!=` of fields and constants, and/or/not, and classes made of these.
  bool Pure(ir::ExprId id, int depth) {
    if (id >= p_.nodes.size() || depth > 32) return false;
    const ir::Node& n = p_.nodes[id];
    const ir::ExprId* a = p_.args(n);
    switch (n.op) {
      case ir::Op::Const: return p_.constants[n.imm].kind == ValueKind::Bool;
      case ir::Op::Has: return flat_.CellOf(n.imm) >= 0;
      case ir::Op::Field: return n.kind == ValueKind::Bool && flat_.CellOf(n.imm) >= 0;
      case ir::Op::Not: return n.count == 1 && Pure(a[0], depth + 1);
      case ir::Op::And:
      case ir::Op::Or:
        for (uint32_t k = 0; k < n.count; ++k)
          if (!Pure(a[k], depth + 1)) return false;
        return true;
      case ir::Op::ClassRef:
        return n.imm < p_.classes.size() && p_.classes[n.imm].predicate != ir::kNone &&
               Pure(p_.classes[n.imm].predicate, depth + 1);
      case ir::Op::Eq:
      case ir::Op::Ne: {
        if (n.count != 2 || !ScalarEq(n)) return false;
        for (uint32_t k = 0; k < 2; ++k) {
          const ir::Node& o = p_.nodes[a[k]];
          // A constant of another kind is an unknown to ScalarCompare; PureState would compare it.
          if (o.op == ir::Op::Const) {
            if (p_.constants[o.imm].kind != p_.nodes[a[0]].kind) return false;
            continue;
          }
          if (o.op != ir::Op::Field || flat_.CellOf(o.imm) < 0) return false;
        }
        // Texts: only a field against a constant (an atom compare); two text fields would need
        // their bytes compared.
        const bool text =
            p_.nodes[a[0]].kind == ValueKind::String || p_.nodes[a[0]].kind == ValueKind::Code;
        return !text || p_.nodes[a[0]].op == ir::Op::Const || p_.nodes[a[1]].op == ir::Op::Const;
      }
      default: return false;
    }
  }

  // The state (i8: 0 false, 1 true, 2 unknown) of a Pure condition, computed with selects.
  llvm::Value* PureState(ir::ExprId id) {
    const ir::Node& n = p_.nodes[id];
    const ir::ExprId* a = p_.args(n);
    auto i8 = [&](uint8_t v) { return b_.getInt8(v); };
    switch (n.op) {
      case ir::Op::Const: return i8(p_.constants[n.imm].b ? 1 : 0);
      case ir::Op::Has: return b_.CreateZExt(Present(n.imm), i8_);
      case ir::Op::Field: {
        const rt::FlatCell& c = flat_.cells()[flat_.CellOf(n.imm)];
        llvm::Value* bit = b_.CreateAnd(b_.CreateLoad(i8_, At(slots_, c.offset)), i8(1));
        return b_.CreateSelect(Present(n.imm), bit, i8(2));
      }
      case ir::Op::Not: {
        llvm::Value* st = PureState(a[0]);
        return b_.CreateSelect(b_.CreateICmpEQ(st, i8(2)), st, b_.CreateXor(st, i8(1)));
      }
      case ir::Op::And:
      case ir::Op::Or: {
        // Kleene: a deciding operand (false for and, true for or) wins, then unknown.
        const uint8_t decide = n.op == ir::Op::Or ? 1 : 0;
        llvm::Value* decided = b_.getFalse();
        llvm::Value* unknown = b_.getFalse();
        for (uint32_t k = 0; k < n.count; ++k) {
          llvm::Value* st = PureState(a[k]);
          decided = Or(decided, b_.CreateICmpEQ(st, i8(decide)));
          unknown = Or(unknown, b_.CreateICmpEQ(st, i8(2)));
        }
        return b_.CreateSelect(decided, i8(decide),
                               b_.CreateSelect(unknown, i8(2), i8(decide ^ 1)));
      }
      case ir::Op::ClassRef: return PureState(p_.classes[n.imm].predicate);
      case ir::Op::Eq:
      case ir::Op::Ne: {
        llvm::Value* known = b_.getTrue();
        llvm::Value* eq = nullptr;
        const ir::Node& l = p_.nodes[a[0]];
        const ir::Node& r = p_.nodes[a[1]];
        for (const ir::Node* o : {&l, &r})
          if (o->op == ir::Op::Field) known = And(known, Present(o->imm));
        const ValueKind kind = l.kind;
        if (kind == ValueKind::String || kind == ValueKind::Code) {
          const ir::Node& field = l.op == ir::Op::Const ? r : l;
          const ir::Node& cn = l.op == ir::Op::Const ? l : r;
          if (field.op == ir::Op::Const) {
            eq = b_.getInt1(rt::ValuesEqual(p_.constants[l.imm], p_.constants[r.imm]));
          } else {
            eq = AtomEquals(field, cn);
          }
        } else {
          eq = b_.CreateICmpEQ(ScalarOperand(l, kind), ScalarOperand(r, kind));
        }
        if (n.op == ir::Op::Ne) eq = b_.CreateNot(eq);
        return b_.CreateSelect(known, b_.CreateZExt(eq, i8_), i8(2));
      }
      default: return i8(2);  // not reached: Pure said no
    }
  }

  // i1: the text field `field` of the flat record (which must be stored) equals text constant
  // `constant`: their atoms are equal (a constant with no atom equals no field).
  llvm::Value* AtomEquals(const ir::Node& field, const ir::Node& constant) {
    const rt::FlatCell& c = flat_.cells()[flat_.CellOf(field.imm)];
    const uint32_t atom = flat_.atoms().Find(p_.constants[constant.imm].text());
    if (atom == 0) return b_.getFalse();
    llvm::Value* have = b_.CreateLoad(i32_, At(slots_, c.offset + (c.text ? 12 : 0)), "atom");
    return b_.CreateICmpEQ(have, b_.getInt32(atom));
  }

  // The integer type a scalar (Int, Date, Country, Bool) is stored and compared as, in a Value's
  // payload and in a flat cell alike.
  llvm::Type* ScalarType(ValueKind kind) const {
    return kind == ValueKind::Int       ? i64_
           : kind == ValueKind::Date    ? i32_
           : kind == ValueKind::Country ? i16_
                                        : i8_;
  }

  // A scalar constant (Int, Date, Country, Bool) as the integer generated code compares.
  llvm::Value* ConstScalar(const Value& v, ValueKind kind) {
    switch (kind) {
      case ValueKind::Int: return llvm::ConstantInt::get(i64_, static_cast<uint64_t>(v.i));
      case ValueKind::Date: return b_.getInt32(static_cast<uint32_t>(v.date));
      case ValueKind::Country: return b_.getInt16(v.country);
      default: return b_.getInt8(v.b ? 1 : 0);
    }
  }

  // A scalar (Int, Date, Country, Bool) operand of a Pure comparison: a flat cell or a constant,
  // as an integer of the kind's width.
  llvm::Value* ScalarOperand(const ir::Node& o, ValueKind kind) {
    if (o.op == ir::Op::Const) return ConstScalar(p_.constants[o.imm], kind);
    llvm::Type* t = ScalarType(kind);
    const rt::FlatCell& c = flat_.cells()[flat_.CellOf(o.imm)];
    llvm::Value* v = b_.CreateLoad(t, At(slots_, c.offset));
    return kind == ValueKind::Bool ? b_.CreateAnd(v, b_.getInt8(1)) : v;
  }

  static uint8_t EffectCode(ir::Effect e) {
    static_assert(static_cast<int>(ir::Effect::Deny) == static_cast<int>(rt::Effect::Deny));
    static_assert(static_cast<int>(ir::Effect::Exempt) == static_cast<int>(rt::Effect::Exempt));
    return static_cast<uint8_t>(e);
  }

  // Stores a contribution; a full verdict branches to `bail`.
  void EmitHit(const DecideArgs& a, uint32_t policy, uint32_t rule, uint32_t exception,
               uint8_t effect, llvm::BasicBlock* done, llvm::BasicBlock* bail) {
    llvm::Value* ok = b_.CreateCall(Rt("licit_jit_hit", i8_, {ptr_, i32_, i32_, i32_, i8_}),
                                    {a.verdict, b_.getInt32(policy), b_.getInt32(rule),
                                     b_.getInt32(exception), b_.getInt8(effect)});
    b_.CreateCondBr(b_.CreateICmpNE(ok, b_.getInt8(0)), done, bail);
  }

  // i8 @rule_<policy>_<rule>(slots, ctx, env, day, verdict): 1 judged (fired or not; a firing
  // rule's contribution is in the verdict), 0 fall back.
  // `external`: called by the engine through licit_jit_judge_key, so it keeps its name.
  llvm::Function* DefineRule(uint32_t pi, uint32_t ri, bool external) {
    const ir::Policy& policy = p_.policies[pi];
    const ir::Rule& rule = policy.rules[ri];
    llvm::Function* f = llvm::Function::Create(
        decide_ty_, external ? llvm::Function::ExternalLinkage : llvm::Function::InternalLinkage,
        RuleName(prefix_, pi, ri), m_);
    DecideArgs a = BeginDecideFn(f);
    llvm::BasicBlock* done = Block("judged");
    llvm::BasicBlock* bail = Block("fallback");
    RequireApplies(a, rule.period, policy, rule.suspensions,
                   {{rule.scope_class, 0}, {rule.destination, 0}, {rule.when, 0}, {rule.unless, 1}},
                   done, bail);
    // Fired: the first exception that holds waives it (an unknown one: fall back, the full path
    // reports it).
    for (ir::ExceptionId e : rule.waived_by) {
      if (e >= policy.exceptions.size()) continue;
      const ir::Exception& ex = policy.exceptions[e];
      llvm::BasicBlock* next = Block("next.exception");
      RequireApplies(a, ex.period, policy, ex.suspensions, {{ex.when, 0}, {ex.unless, 1}}, next,
                     bail);
      EmitHit(a, pi, ri, e, EffectCode(ir::Effect::Exempt), done, bail);
      b_.SetInsertPoint(next);
    }
    EmitHit(a, pi, ri, ir::kNone, EffectCode(rule.effect), done, bail);
    b_.SetInsertPoint(done);
    b_.CreateRet(b_.getInt8(1));
    b_.SetInsertPoint(bail);
    b_.CreateRet(b_.getInt8(0));
    return f;
  }

  // Which rules the decide function judges itself (in line), and which go through
  // licit_jit_judge_key: those of dispatched keys. Of the latter, rules of the equality shape
  // (ir::EqualityRule) are judged from data by the engine and get no code at all; the others are
  // external functions the engine calls by address (RuleName).
  void MarkRules() {
    dispatched_.assign(p_.policies.size(), {});
    data_rule_.assign(p_.policies.size(), {});
    for (uint32_t pi = 0; pi < p_.policies.size(); ++pi) {
      const ir::Policy& policy = p_.policies[pi];
      dispatched_[pi].assign(policy.rules.size(), 0);
      data_rule_[pi].assign(policy.rules.size(), 0);
      if (pi >= p_.rule_index.size()) continue;
      for (const ir::RuleIndex::Key& key : p_.rule_index[pi].keys) {
        if (!DispatchedKey(key)) continue;
        for (ir::RuleId r : key.all) {
          if (r < policy.rules.size()) dispatched_[pi][r] = 1;
        }
      }
    }
    data_rule_ = DataRules(p_);
    // The rules with code, divided among the shards in program order, in equal runs.
    size_t with_code = 0;
    for (uint32_t pi = 0; pi < p_.policies.size(); ++pi)
      for (uint8_t data : data_rule_[pi]) with_code += data ? 0 : 1;
    rule_shard_.assign(p_.policies.size(), {});
    size_t k = 0;
    for (uint32_t pi = 0; pi < p_.policies.size(); ++pi) {
      rule_shard_[pi].assign(p_.policies[pi].rules.size(), 0);
      for (uint32_t ri = 0; ri < rule_shard_[pi].size(); ++ri)
        if (!data_rule_[pi][ri])
          rule_shard_[pi][ri] = static_cast<uint32_t>(k++ * shards_ / with_code);
    }
  }

  // This shard's rule functions, and in shard 0 the decide function, which calls the rules of
  // the other shards by name.
  void DefineDecide() {
    std::vector<std::vector<llvm::Function*>> rules(p_.policies.size());
    for (uint32_t pi = 0; pi < p_.policies.size(); ++pi) {
      const ir::Policy& policy = p_.policies[pi];
      rules[pi].assign(policy.rules.size(), nullptr);
      for (uint32_t ri = 0; ri < policy.rules.size(); ++ri) {
        if (data_rule_[pi][ri]) continue;
        const bool here = rule_shard_[pi][ri] == shard_;
        if (dispatched_[pi][ri]) {
          if (here) DefineRule(pi, ri, true);
        } else if (here) {
          rules[pi][ri] = DefineRule(pi, ri, /*external=*/shard_ != 0);
        } else if (shard_ == 0) {
          rules[pi][ri] = llvm::Function::Create(decide_ty_, llvm::Function::ExternalLinkage,
                                                 RuleName(prefix_, pi, ri), m_);
        }
      }
    }
    if (shard_ != 0) return;

    llvm::Function* f = llvm::Function::Create(decide_ty_, llvm::Function::ExternalLinkage,
                                               DecideName(prefix_), m_);
    DecideArgs a = BeginDecideFn(f);
    llvm::BasicBlock* bail = Block("fallback");
    auto require = [&](llvm::Value* ok) {
      llvm::BasicBlock* next = Block("ok");
      b_.CreateCondBr(b_.CreateICmpNE(ok, b_.getInt8(0)), next, bail);
      b_.SetInsertPoint(next);
    };
    slots_ = a.slots;  // for Present
    for (uint32_t pi = 0; pi < p_.policies.size(); ++pi) {
      const ir::Policy& policy = p_.policies[pi];
      if (pi < p_.rule_index.size()) {
        const ir::RuleIndex& ix = p_.rule_index[pi];
        for (uint32_t ki = 0; ki < ix.keys.size(); ++ki) {
          if (!DispatchedKey(ix.keys[ki])) continue;
          llvm::BasicBlock* judged = Block("judged");
          KeyFilterTest(a, pi, ki, bail, judged);
          require(b_.CreateCall(
              Rt("licit_jit_judge_key", i8_, {ptr_, i32_, i32_, ptr_, ptr_, i32_, ptr_}),
              {a.env, b_.getInt32(pi), b_.getInt32(ki), a.slots, a.ctx, a.day, a.verdict}));
          b_.CreateBr(judged);
          b_.SetInsertPoint(judged);
        }
      }
      for (uint32_t ri = 0; ri < policy.rules.size(); ++ri)
        if (rules[pi][ri] != nullptr)
          require(b_.CreateCall(rules[pi][ri], {a.slots, a.ctx, a.env, a.day, a.verdict}));
    }
    b_.CreateRet(b_.getInt8(1));
    b_.SetInsertPoint(bail);
    b_.CreateRet(b_.getInt8(0));
  }

  // The in-line test of dispatched key `ki` of policy `pi` (KeyFilter): leaves the builder where
  // licit_jit_judge_key is to be called, having branched to `judged` when the filter rules the
  // record out and to `bail` when the key's field is unknown (licit_jit_judge_key would give up).
  // Nothing when the key's field is not in the layout (licit_jit_judge_key then gives up).
  void KeyFilterTest(const DecideArgs& a, uint32_t pi, uint32_t ki, llvm::BasicBlock* bail,
                     llvm::BasicBlock* judged) {
    const ir::RuleIndex::Key& key = p_.rule_index[pi].keys[ki];
    const int32_t key_cell = flat_.CellOf(key.slot);
    if (key_cell < 0) return;
    llvm::BasicBlock* known = Block("key.known");
    b_.CreateCondBr(Present(key.slot), known, bail);
    b_.SetInsertPoint(known);
    llvm::Value* value = FlatScalar64(flat_.cells()[key_cell]);
    llvm::Value* filter =
        b_.CreateConstInBoundsGEP1_64(i8_, b_.CreateLoad(ptr_, At(a.env, kFiltersOffset)),
                                      uint64_t{KeyFilterIndex(p_, pi, ki)} * sizeof(KeyFilter));
    llvm::Value* words = b_.CreateLoad(ptr_, filter);
    llvm::Value* last = b_.CreateLoad(i64_, At(filter, offsetof(KeyFilter, last)));
    llvm::Value* line = b_.CreateSelect(b_.CreateICmpULT(value, last), value, last);
    llvm::Value* second_known = b_.getTrue();
    llvm::Value* word_index = b_.CreateMul(line, llvm::ConstantInt::get(i64_, kKeyFilterWords));
    llvm::Value* bit = llvm::ConstantInt::get(i64_, 0);
    if (const int32_t cell = KeyFilterCell(p_, flat_, pi, key); cell >= 0) {
      const rt::FlatCell& c = flat_.cells()[cell];
      second_known = Present(c.slot);
      llvm::Value* have = FlatScalar64(c);
      // KeyFilterBit
      bit = b_.CreateAnd(b_.CreateXor(have, b_.CreateLShr(have, 8)),
                         llvm::ConstantInt::get(i64_, 64 * kKeyFilterWords - 1));
      word_index = b_.CreateAdd(word_index, b_.CreateLShr(bit, 6));
      bit = b_.CreateAnd(bit, llvm::ConstantInt::get(i64_, 63));
    }
    llvm::Value* word = b_.CreateLoad(i64_, b_.CreateInBoundsGEP(i64_, words, word_index));
    llvm::Value* maybe = b_.CreateTrunc(b_.CreateLShr(word, bit), i1_);
    // An unknown second field: the rules are judged (they may still be false by another test).
    llvm::Value* go = b_.CreateOr(maybe, b_.CreateNot(second_known));
    llvm::BasicBlock* call = Block("key.maybe");
    // Most records are ruled out (all but 13% of the reference policy's 1,000-rule list): the
    // call is laid out of line.
    b_.CreateCondBr(go, call, judged, llvm::MDBuilder(c_).createBranchWeights(1, 4));
    b_.SetInsertPoint(call);
  }

  // A scalar cell of the flat record widened to 64 bits, exactly as FlatLayout::LoadScalar.
  llvm::Value* FlatScalar64(const rt::FlatCell& c) {
    switch (c.kind) {
      case ValueKind::Bool: return b_.CreateZExt(b_.CreateLoad(i8_, At(slots_, c.offset)), i64_);
      case ValueKind::Int: return b_.CreateLoad(i64_, At(slots_, c.offset));
      case ValueKind::Date: return b_.CreateSExt(b_.CreateLoad(i32_, At(slots_, c.offset)), i64_);
      case ValueKind::Country:
        return b_.CreateZExt(b_.CreateLoad(i16_, At(slots_, c.offset)), i64_);
      case ValueKind::String:
      case ValueKind::Code:
        return b_.CreateZExt(b_.CreateLoad(i32_, At(slots_, c.offset + (c.text ? 12 : 0))), i64_);
      default: return llvm::ConstantInt::get(i64_, ~uint64_t{0});
    }
  }

  // --- helpers ---------------------------------------------------------------------------------
  // i1 and/or leaving out constant operands: a large program is compiled unoptimised, so an
  // `and i1 true, %x` would reach the code generator as it is.
  llvm::Value* And(llvm::Value* x, llvm::Value* y) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(x)) return c->isOne() ? y : x;
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(y)) return c->isOne() ? x : y;
    return b_.CreateAnd(x, y);
  }
  llvm::Value* Or(llvm::Value* x, llvm::Value* y) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(x)) return c->isZero() ? y : x;
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(y)) return c->isZero() ? x : y;
    return b_.CreateOr(x, y);
  }
  llvm::Value* Temp(const char* name = "v") {
    llvm::IRBuilder<> tmp(entry_, entry_->begin());
    llvm::AllocaInst* a = tmp.CreateAlloca(value_ty_, nullptr, name);
    a->setAlignment(llvm::Align(16));
    return a;
  }
  llvm::Value* At(llvm::Value* base, uint64_t offset) {
    if (offset == 0) return base;
    return b_.CreateConstInBoundsGEP1_64(i8_, base, offset);
  }
  llvm::Value* Kind(llvm::Value* v) { return b_.CreateLoad(i8_, At(v, kKindOffset), "kind"); }
  llvm::Value* Aux(llvm::Value* v) { return b_.CreateLoad(i16_, At(v, kAuxOffset), "aux"); }
  llvm::Value* Payload(llvm::Value* v, llvm::Type* t) {
    return b_.CreateLoad(t, At(v, kPayloadOffset), "payload");
  }
  llvm::BasicBlock* Block(const char* name) { return llvm::BasicBlock::Create(c_, name, fn_); }
  llvm::Value* EnvField(unsigned offset) {
    return b_.CreateLoad(ptr_, At(env_, offset), "envfield");
  }

  llvm::FunctionCallee Rt(const std::string& name, llvm::Type* ret,
                          std::vector<llvm::Type*> params) {
    auto callee = m_.getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false));
    if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee()))
      f->addFnAttr(llvm::Attribute::NoUnwind);
    return callee;
  }

  // A Value (pointer) as a tri-state.
  Tri ToTri(llvm::Value* v) {
    llvm::Value* kind = Kind(v);
    llvm::Value* unknown = b_.CreateICmpEQ(kind, b_.getInt8(0));
    llvm::Value* bit = b_.CreateAnd(Payload(v, i8_), b_.getInt8(1));
    llvm::Value* state = b_.CreateSelect(unknown, b_.getInt8(2), bit);
    if (flat_mode_) return {state, b_.getInt16(0)};  // the fast path reads no reasons
    llvm::Value* reason = b_.CreateSelect(unknown, Aux(v), b_.getInt16(0));
    return {state, reason};
  }
  // A tri-state as a Value: Bool, or Unknown carrying the reason.
  llvm::Value* FromTri(Tri t) {
    llvm::Value* out = Temp("b");
    llvm::Value* unknown = b_.CreateICmpEQ(t.state, b_.getInt8(2));
    b_.CreateStore(llvm::ConstantInt::get(i64_, 0), At(out, 0));
    b_.CreateStore(llvm::ConstantInt::get(i64_, 0), At(out, 16));
    b_.CreateStore(
        b_.CreateSelect(unknown, b_.getInt8(0), b_.getInt8(static_cast<uint8_t>(ValueKind::Bool))),
        At(out, kKindOffset));
    b_.CreateStore(b_.CreateSelect(unknown, t.reason, b_.getInt16(0)), At(out, kAuxOffset));
    b_.CreateStore(b_.CreateSelect(unknown, b_.getInt8(0), t.state), At(out, kPayloadOffset));
    return out;
  }
  Tri NotTri(Tri t) {
    llvm::Value* unknown = b_.CreateICmpEQ(t.state, b_.getInt8(2));
    return {b_.CreateSelect(unknown, t.state, b_.CreateXor(t.state, b_.getInt8(1))), t.reason};
  }

  // True (i1) when the slot and every enclosing record hold a value.
  llvm::Value* Present(uint32_t slot) {
    if (flat_mode_) {
      const int32_t cell = flat_.CellOf(slot);
      if (cell < 0) return b_.getFalse();  // not stored: not read by any condition
      llvm::Value* word = PresenceWord(rt::FlatLayout::PresenceWordOffset(cell));
      llvm::Value* bit = llvm::ConstantInt::get(i64_, rt::FlatLayout::PresenceBit(cell));
      return b_.CreateICmpNE(b_.CreateAnd(word, bit), llvm::ConstantInt::get(i64_, 0));
    }
    llvm::Value* all = nullptr;
    for (int32_t s = static_cast<int32_t>(slot); s >= 0; s = p_.input.slots[s].parent) {
      llvm::Value* k = Kind(At(slots_, static_cast<uint64_t>(s) * sizeof(Value)));
      llvm::Value* known = b_.CreateICmpNE(k, b_.getInt8(0));
      all = all ? b_.CreateAnd(all, known) : known;
    }
    return all ? all : b_.getTrue();
  }

  // A word of the flat record's presence bits, loaded once per function, in its entry block
  // (the record does not change during a call), rather than at every test of a field.
  llvm::Value* PresenceWord(uint32_t offset) {
    for (const auto& [at, word] : presence_words_)
      if (at == offset) return word;
    llvm::IRBuilder<> entry(entry_, entry_->begin());
    llvm::Value* address =
        offset == 0 ? slots_ : entry.CreateConstInBoundsGEP1_64(i8_, slots_, offset);
    llvm::Value* word = entry.CreateLoad(i64_, address, "presence");
    presence_words_.emplace_back(offset, word);
    return word;
  }

  bool CondNative(const ir::Node& n) const {
    switch (n.op) {
      case ir::Op::Has:
      case ir::Op::ClassRef:
      case ir::Op::Not:
      case ir::Op::And:
      case ir::Op::Or:
      case ir::Op::InGroup:
      case ir::Op::NotInGroup: return true;
      case ir::Op::Eq:
      case ir::Op::Ne: return ScalarEq(n);
      default: return false;
    }
  }
  bool ScalarEq(const ir::Node& n) const {
    const ir::ExprId* a = p_.args(n);
    ValueKind l = p_.nodes[a[0]].kind, r = p_.nodes[a[1]].kind;
    return l == r && (l == ValueKind::Int || l == ValueKind::Date || l == ValueKind::Country ||
                      l == ValueKind::Bool || l == ValueKind::String || l == ValueKind::Code);
  }

  // Equality of two known texts: lengths, then bytes. Codes compare ignoring case, but every
  // Code value is stored upper-cased (readers, to_code and constants all normalise), so equal
  // bytes is the same test. A constant operand's bytes are emitted into the module, so the
  // optimiser turns the memcmp into a few loads and compares.
  llvm::Value* TextEqual(ir::ExprId lhs, llvm::Value* l, ir::ExprId rhs, llvm::Value* r) {
    const ir::Node* cn = nullptr;
    llvm::Value* var = nullptr;
    ir::ExprId var_id = ir::kNone;
    if (p_.nodes[rhs].op == ir::Op::Const) {
      cn = &p_.nodes[rhs];
      var = l;
      var_id = lhs;
    } else if (p_.nodes[lhs].op == ir::Op::Const) {
      cn = &p_.nodes[lhs];
      var = r;
      var_id = rhs;
    }
    // A field of a flat record against a constant: their atoms (FlatLayout), one compare.
    if (flat_mode_ && cn != nullptr && p_.nodes[var_id].op == ir::Op::Field &&
        flat_.CellOf(p_.nodes[var_id].imm) >= 0)
      return AtomEquals(p_.nodes[var_id], *cn);
    llvm::Value* var_len = b_.CreateLoad(i32_, At(var ? var : l, kPayloadOffset + 8), "len");
    llvm::Value* var_ptr = b_.CreateLoad(ptr_, At(var ? var : l, kPayloadOffset), "ptr");
    llvm::Value* other_len = nullptr;
    llvm::Value* other_ptr = nullptr;
    if (cn != nullptr) {
      std::string_view text = p_.constants[cn->imm].text();
      other_len = b_.getInt32(static_cast<uint32_t>(text.size()));
      other_ptr = b_.CreateGlobalString(llvm::StringRef(text.data(), text.size()), "text", 0, &m_);
    } else {
      other_len = b_.CreateLoad(i32_, At(r, kPayloadOffset + 8), "len");
      other_ptr = b_.CreateLoad(ptr_, At(r, kPayloadOffset), "ptr");
    }
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* same_len = Block("text.samelen");
    llvm::BasicBlock* done = Block("text.done");
    b_.CreateCondBr(b_.CreateICmpEQ(var_len, other_len), same_len, done);
    b_.SetInsertPoint(same_len);
    llvm::Value* len64 = b_.CreateZExt(cn != nullptr ? other_len : var_len, i64_);
    llvm::Value* cmp =
        b_.CreateCall(Rt("memcmp", i32_, {ptr_, ptr_, i64_}), {var_ptr, other_ptr, len64});
    llvm::Value* bytes_eq = b_.CreateICmpEQ(cmp, b_.getInt32(0));
    llvm::BasicBlock* same_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* eq = b_.CreatePHI(i1_, 2);
    eq->addIncoming(b_.getFalse(), from);
    eq->addIncoming(bytes_eq, same_end);
    return eq;
  }

  // --- conditions (tri-state) --------------------------------------------------------------
  Tri Cond(ir::ExprId id) {
    const ir::Node& n = p_.nodes[id];
    const ir::ExprId* a = p_.args(n);
    // On the fast path a Pure condition (loads and compares of the flat record) is computed with
    // selects: the same states as below in a fraction of the instructions (no temporary Values,
    // no reasons, which the fast path never reads). A large program is compiled unoptimised, so
    // what is emitted here is what the code generator pays for, rule after rule.
    if (flat_mode_ && Pure(id, 0)) return {PureState(id), b_.getInt16(0)};
    switch (n.op) {
      case ir::Op::Const: {
        const Value& v = p_.constants[n.imm];
        if (v.kind == ValueKind::Bool) return {b_.getInt8(v.b ? 1 : 0), b_.getInt16(0)};
        break;
      }
      case ir::Op::Has: return {b_.CreateZExt(Present(n.imm), i8_), b_.getInt16(0)};
      case ir::Op::ClassRef: {
        const std::vector<llvm::Function*>& fns = flat_mode_ ? flat_class_fns_ : class_fns_;
        if (n.imm >= fns.size()) break;
        llvm::Value* reason = ReasonTemp();
        llvm::Value* state = b_.CreateCall(fns[n.imm], {slots_, ctx_, env_, reason});
        if (flat_mode_) return {state, b_.getInt16(0)};
        return {state, b_.CreateLoad(i16_, reason)};
      }
      case ir::Op::Not: return NotTri(Cond(a[0]));
      case ir::Op::And:
      case ir::Op::Or: return Kleene(n);
      case ir::Op::InGroup:
      case ir::Op::NotInGroup: {
        if (flat_mode_)
          if (std::optional<Tri> t = FlatInGroup(n, a[0])) return *t;
        llvm::Value* c = Eval(a[0]);
        Tri u = {b_.getInt8(2), flat_mode_ ? static_cast<llvm::Value*>(b_.getInt16(0)) : Aux(c)};
        llvm::Value* known = b_.CreateICmpNE(Kind(c), b_.getInt8(0));
        llvm::BasicBlock* from = b_.GetInsertBlock();
        llvm::BasicBlock* yes = Block("ingroup");
        llvm::BasicBlock* done = Block("ingroup.done");
        b_.CreateCondBr(known, yes, done);
        b_.SetInsertPoint(yes);
        llvm::Value* in = b_.CreateCall(Rt("licit_jit_in_group", i8_, {ptr_, i32_, ptr_, ptr_}),
                                        {env_, b_.getInt32(n.imm), c, ctx_});
        if (n.op == ir::Op::NotInGroup) in = b_.CreateXor(in, b_.getInt8(1));
        llvm::BasicBlock* yes_end = b_.GetInsertBlock();
        b_.CreateBr(done);
        b_.SetInsertPoint(done);
        llvm::PHINode* state = b_.CreatePHI(i8_, 2);
        state->addIncoming(u.state, from);
        state->addIncoming(in, yes_end);
        llvm::PHINode* reason = b_.CreatePHI(i16_, 2);
        reason->addIncoming(u.reason, from);
        reason->addIncoming(b_.getInt16(0), yes_end);
        return {state, reason};
      }
      case ir::Op::Eq:
      case ir::Op::Ne:
        if (ScalarEq(n)) return ScalarCompare(n);
        break;
      case ir::Op::Lt:
      case ir::Op::Le:
      case ir::Op::Gt:
      case ir::Op::Ge:
        if (flat_mode_ && n.count == 2) {
          const ValueKind l = p_.nodes[a[0]].kind, r = p_.nodes[a[1]].kind;
          if (l == r && (l == ValueKind::Int || l == ValueKind::Date)) return FlatOrder(n);
        }
        break;
      default: break;
    }
    return ToTri(Eval(id));
  }

  // `<`, `<=`, `>`, `>=` of two ints or two dates on the fast path: compared natively when both
  // operands hold that kind (as licit_rt_compare compares them); anything else (an unknown)
  // leaves the record to the full path. A field of the flat record and a constant are read as
  // they are, with no Value built for them.
  Tri FlatOrder(const ir::Node& n) {
    const ir::ExprId* a = p_.args(n);
    const ValueKind kind = p_.nodes[a[0]].kind;
    llvm::Value* known = b_.getTrue();
    llvm::Value* operand[2];
    for (uint32_t k = 0; k < 2; ++k) {
      const ir::Node& o = p_.nodes[a[k]];
      if (o.op == ir::Op::Const) {
        if (p_.constants[o.imm].kind != kind) known = b_.getFalse();
        operand[k] = ConstScalar(p_.constants[o.imm], kind);
      } else if (o.op == ir::Op::Field && flat_.CellOf(o.imm) >= 0) {
        known = And(known, Present(o.imm));
        operand[k] = ScalarOperand(o, kind);
      } else {
        llvm::Value* v = Eval(a[k]);
        known = And(known, b_.CreateICmpEQ(Kind(v), b_.getInt8(static_cast<uint8_t>(kind))));
        operand[k] = Payload(v, ScalarType(kind));
      }
    }
    llvm::CmpInst::Predicate pred = n.op == ir::Op::Lt   ? llvm::CmpInst::ICMP_SLT
                                    : n.op == ir::Op::Le ? llvm::CmpInst::ICMP_SLE
                                    : n.op == ir::Op::Gt ? llvm::CmpInst::ICMP_SGT
                                                         : llvm::CmpInst::ICMP_SGE;
    llvm::Value* holds = b_.CreateZExt(b_.CreateICmp(pred, operand[0], operand[1]), i8_);
    return {b_.CreateSelect(known, holds, b_.getInt8(2)), b_.getInt16(0)};
  }

  // `in group` on a country field of the flat record: the country id goes to the helper as it
  // is, no Value is built for it. Nothing when the operand is not such a field.
  std::optional<Tri> FlatInGroup(const ir::Node& n, ir::ExprId operand) {
    const ir::Node& field = p_.nodes[operand];
    if (field.op != ir::Op::Field) return std::nullopt;
    const int32_t ci = flat_.CellOf(field.imm);
    if (ci < 0 || flat_.cells()[ci].kind != ValueKind::Country) return std::nullopt;
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* yes = Block("ingroup");
    llvm::BasicBlock* done = Block("ingroup.done");
    b_.CreateCondBr(Present(field.imm), yes, done);
    b_.SetInsertPoint(yes);
    llvm::Value* country =
        b_.CreateZExt(b_.CreateLoad(i16_, At(slots_, flat_.cells()[ci].offset), "country"), i32_);
    llvm::Value* in = b_.CreateCall(Rt("licit_jit_country_in_group", i8_, {ptr_, i32_, i32_, ptr_}),
                                    {env_, b_.getInt32(n.imm), country, ctx_});
    if (n.op == ir::Op::NotInGroup) in = b_.CreateXor(in, b_.getInt8(1));
    llvm::BasicBlock* yes_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* state = b_.CreatePHI(i8_, 2);
    state->addIncoming(b_.getInt8(2), from);
    state->addIncoming(in, yes_end);
    return Tri{state, b_.getInt16(0)};
  }

  llvm::Value* ReasonTemp() {
    llvm::IRBuilder<> tmp(entry_, entry_->begin());
    return tmp.CreateAlloca(i16_, nullptr, "reason");
  }

  // Kleene and/or in operand order: a deciding operand wins; otherwise the first unknown's
  // reason (the interpreter's order, so the same reason is reported).
  Tri Kleene(const ir::Node& n) {
    const ir::ExprId* a = p_.args(n);
    const uint8_t decide = n.op == ir::Op::Or ? 1 : 0;
    llvm::BasicBlock* done = Block(n.op == ir::Op::Or ? "or.done" : "and.done");
    if (flat_mode_) return FlatKleene(n, decide, done);
    llvm::IRBuilder<> tmp(entry_, entry_->begin());
    llvm::Value* saw = tmp.CreateAlloca(i8_, nullptr, "saw");
    llvm::Value* first = tmp.CreateAlloca(i16_, nullptr, "first");
    b_.CreateStore(b_.getInt8(0), saw);
    b_.CreateStore(b_.getInt16(0), first);
    std::vector<std::pair<llvm::BasicBlock*, llvm::Value*>> exits;  // (block, state)
    for (uint32_t k = 0; k < n.count; ++k) {
      Tri t = Cond(a[k]);
      // Remember the first unknown.
      llvm::Value* is_unknown = b_.CreateICmpEQ(t.state, b_.getInt8(2));
      llvm::Value* had = b_.CreateICmpNE(b_.CreateLoad(i8_, saw), b_.getInt8(0));
      llvm::Value* take = b_.CreateAnd(is_unknown, b_.CreateNot(had));
      b_.CreateStore(b_.CreateSelect(take, t.reason, b_.CreateLoad(i16_, first)), first);
      b_.CreateStore(b_.CreateSelect(is_unknown, b_.getInt8(1), b_.CreateLoad(i8_, saw)), saw);
      llvm::Value* decided = b_.CreateICmpEQ(t.state, b_.getInt8(decide));
      llvm::BasicBlock* next = Block("next");
      exits.emplace_back(b_.GetInsertBlock(), b_.getInt8(decide));
      b_.CreateCondBr(decided, done, next);
      b_.SetInsertPoint(next);
    }
    llvm::Value* had = b_.CreateICmpNE(b_.CreateLoad(i8_, saw), b_.getInt8(0));
    llvm::Value* fallthrough = b_.CreateSelect(had, b_.getInt8(2), b_.getInt8(decide ^ 1));
    exits.emplace_back(b_.GetInsertBlock(), fallthrough);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* state = b_.CreatePHI(i8_, static_cast<unsigned>(exits.size()));
    for (auto& [bb, v] : exits) state->addIncoming(v, bb);
    llvm::Value* reason = b_.CreateSelect(b_.CreateICmpEQ(state, b_.getInt8(2)),
                                          b_.CreateLoad(i16_, first), b_.getInt16(0));
    return {state, reason};
  }

  // Kleene and/or on the fast path, which gives up on any unknown without asking why: only
  // whether an operand was unknown is tracked (in a value, not in memory: each operand's code
  // runs only after the previous one's, so the running "or" dominates it).
  Tri FlatKleene(const ir::Node& n, uint8_t decide, llvm::BasicBlock* done) {
    const ir::ExprId* a = p_.args(n);
    llvm::Value* unknown = b_.getFalse();
    std::vector<std::pair<llvm::BasicBlock*, llvm::Value*>> exits;  // (block, state)
    for (uint32_t k = 0; k < n.count; ++k) {
      llvm::Value* st = Cond(a[k]).state;
      unknown = Or(unknown, b_.CreateICmpEQ(st, b_.getInt8(2)));
      llvm::BasicBlock* next = Block("next");
      exits.emplace_back(b_.GetInsertBlock(), b_.getInt8(decide));
      b_.CreateCondBr(b_.CreateICmpEQ(st, b_.getInt8(decide)), done, next);
      b_.SetInsertPoint(next);
    }
    llvm::Value* fallthrough = b_.CreateSelect(unknown, b_.getInt8(2), b_.getInt8(decide ^ 1));
    exits.emplace_back(b_.GetInsertBlock(), fallthrough);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* state = b_.CreatePHI(i8_, static_cast<unsigned>(exits.size()));
    for (auto& [bb, v] : exits) state->addIncoming(v, bb);
    return {state, b_.getInt16(0)};
  }

  // Eq/Ne on two ints, dates, countries, bools, strings or codes: native compare when both are
  // known and of the expected kind, else the builtin (which propagates the first unknown).
  Tri ScalarCompare(const ir::Node& n) {
    const ir::ExprId* a = p_.args(n);
    ValueKind kind = p_.nodes[a[0]].kind;
    llvm::Type* t = ScalarType(kind);
    llvm::Value* l = Eval(a[0]);
    llvm::Value* r = Eval(a[1]);
    llvm::Value* want = b_.getInt8(static_cast<uint8_t>(kind));
    // A constant operand's kind and payload are known here: no loads from the constant pool.
    auto known = [&](ir::ExprId id, llvm::Value* v) -> llvm::Value* {
      const ir::Node& c = p_.nodes[id];
      if (c.op == ir::Op::Const) return b_.getInt1(p_.constants[c.imm].kind == kind);
      return b_.CreateICmpEQ(Kind(v), want);
    };
    auto payload = [&](ir::ExprId id, llvm::Value* v) -> llvm::Value* {
      const ir::Node& c = p_.nodes[id];
      return c.op == ir::Op::Const ? ConstScalar(p_.constants[c.imm], kind) : Payload(v, t);
    };
    llvm::Value* fast = b_.CreateAnd(known(a[0], l), known(a[1], r));
    llvm::BasicBlock* fast_bb = Block("cmp.fast");
    llvm::BasicBlock* slow_bb = Block("cmp.slow");
    llvm::BasicBlock* done = Block("cmp.done");
    b_.CreateCondBr(fast, fast_bb, slow_bb);
    b_.SetInsertPoint(fast_bb);
    llvm::Value* eq = nullptr;
    if (kind == ValueKind::String || kind == ValueKind::Code) {
      eq = TextEqual(a[0], l, a[1], r);
    } else {
      llvm::Value* lv = payload(a[0], l);
      llvm::Value* rv = payload(a[1], r);
      if (kind == ValueKind::Bool) {
        lv = b_.CreateAnd(lv, b_.getInt8(1));
        rv = b_.CreateAnd(rv, b_.getInt8(1));
      }
      eq = b_.CreateICmpEQ(lv, rv);
    }
    if (n.op == ir::Op::Ne) eq = b_.CreateNot(eq);
    llvm::Value* fast_state = b_.CreateZExt(eq, i8_);
    llvm::BasicBlock* fast_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(slow_bb);
    // An operand is unknown (lowering gives both operands one kind). Only the fast path runs
    // fast-only code, and it gives up on unknowns without needing the builtin's reason.
    Tri slow{b_.getInt8(2), b_.getInt16(0)};
    if (!flat_mode_) {
      llvm::Value* out = Temp("cmp");
      b_.CreateCall(Rt("licit_rt_compare", void_, {ptr_, i8_, ptr_, ptr_, ptr_}),
                    {ctx_, b_.getInt8(static_cast<uint8_t>(n.op)), l, r, out});
      slow = ToTri(out);
    }
    llvm::BasicBlock* slow_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* state = b_.CreatePHI(i8_, 2);
    state->addIncoming(fast_state, fast_end);
    state->addIncoming(slow.state, slow_end);
    llvm::PHINode* reason = b_.CreatePHI(i16_, 2);
    reason->addIncoming(b_.getInt16(0), fast_end);
    reason->addIncoming(slow.reason, slow_end);
    return {state, reason};
  }

  // --- values (pointer to a Value) -------------------------------------------------------------
  llvm::Value* Eval(ir::ExprId id) {
    const ir::Node& n = p_.nodes[id];
    const ir::ExprId* a = p_.args(n);
    if (CondNative(n)) return FromTri(Cond(id));
    switch (n.op) {
      case ir::Op::Const: return At(EnvField(0), static_cast<uint64_t>(n.imm) * sizeof(Value));
      case ir::Op::Field: return Field(n.imm);
      case ir::Op::If: {
        Tri c = Cond(a[0]);
        llvm::Value* unknown_v = FromTri(c);
        llvm::BasicBlock* from = b_.GetInsertBlock();
        llvm::BasicBlock* then_bb = Block("if.then");
        llvm::BasicBlock* else_bb = Block("if.else");
        llvm::BasicBlock* known_bb = Block("if.known");
        llvm::BasicBlock* done = Block("if.done");
        b_.CreateCondBr(b_.CreateICmpEQ(c.state, b_.getInt8(2)), done, known_bb);
        b_.SetInsertPoint(known_bb);
        b_.CreateCondBr(b_.CreateICmpEQ(c.state, b_.getInt8(1)), then_bb, else_bb);
        b_.SetInsertPoint(then_bb);
        llvm::Value* tv = Eval(a[1]);
        llvm::BasicBlock* then_end = b_.GetInsertBlock();
        b_.CreateBr(done);
        b_.SetInsertPoint(else_bb);
        llvm::Value* ev = Eval(a[2]);
        llvm::BasicBlock* else_end = b_.GetInsertBlock();
        b_.CreateBr(done);
        b_.SetInsertPoint(done);
        llvm::PHINode* phi = b_.CreatePHI(ptr_, 3);
        phi->addIncoming(unknown_v, from);
        phi->addIncoming(tv, then_end);
        phi->addIncoming(ev, else_end);
        return phi;
      }
      case ir::Op::Eq:
      case ir::Op::Ne:
      case ir::Op::Lt:
      case ir::Op::Le:
      case ir::Op::Gt:
      case ir::Op::Ge: {
        llvm::Value* l = Eval(a[0]);
        llvm::Value* r = Eval(a[1]);
        llvm::Value* out = Temp("cmp");
        b_.CreateCall(Rt("licit_rt_compare", void_, {ptr_, i8_, ptr_, ptr_, ptr_}),
                      {ctx_, b_.getInt8(static_cast<uint8_t>(n.op)), l, r, out});
        return out;
      }
      case ir::Op::In:
      case ir::Op::NotIn: {
        llvm::Value* l = Eval(a[0]);
        llvm::Value* r = Eval(a[1]);
        llvm::Value* out = Temp("in");
        b_.CreateCall(Rt("licit_rt_in", void_, {ptr_, ptr_, ptr_, ptr_}), {ctx_, l, r, out});
        return n.op == ir::Op::NotIn ? FromTri(NotTri(ToTri(out))) : out;
      }
      case ir::Op::Under:
      case ir::Op::NotUnder: {
        llvm::Value* l = Eval(a[0]);
        llvm::Value* r = Eval(a[1]);
        llvm::Value* out = Temp("under");
        int32_t slot =
            p_.nodes[a[0]].op == ir::Op::Field ? static_cast<int32_t>(p_.nodes[a[0]].imm) : -1;
        b_.CreateCall(Rt("licit_jit_under", void_, {ptr_, ptr_, i32_, ptr_, ptr_, ptr_}),
                      {ctx_, env_, b_.getInt32(static_cast<uint32_t>(slot)), l, r, out});
        return n.op == ir::Op::NotUnder ? FromTri(NotTri(ToTri(out))) : out;
      }
      case ir::Op::Matches: {
        llvm::Value* l = Eval(a[0]);
        llvm::Value* r = Eval(a[1]);
        llvm::Value* out = Temp("match");
        b_.CreateCall(Rt("licit_rt_matches", void_, {ptr_, ptr_, ptr_, ptr_}), {ctx_, l, r, out});
        return out;
      }
      case ir::Op::Screen: {
        llvm::Value* name = Eval(a[0]);
        llvm::Value* country = n.count > 1
                                   ? Eval(a[1])
                                   : llvm::ConstantPointerNull::get(llvm::PointerType::get(c_, 0));
        llvm::Value* out = Temp("screen");
        b_.CreateCall(Rt("licit_jit_screen", void_, {ptr_, ptr_, i32_, ptr_, ptr_, ptr_}),
                      {ctx_, env_, b_.getInt32(n.imm), name, country, out});
        return out;
      }
      case ir::Op::Add:
      case ir::Op::Sub:
      case ir::Op::Mul:
      case ir::Op::Div:
      case ir::Op::Mod:
      case ir::Op::Neg: {
        llvm::Value* l = Eval(a[0]);
        llvm::Value* r = n.op == ir::Op::Neg ? l : Eval(a[1]);
        llvm::Value* out = Temp("arith");
        b_.CreateCall(Rt("licit_rt_arith", void_, {ptr_, i8_, ptr_, ptr_, ptr_}),
                      {ctx_, b_.getInt8(static_cast<uint8_t>(n.op)), l, r, out});
        return out;
      }
      case ir::Op::ToDecimal: {
        llvm::Value* v = Eval(a[0]);
        llvm::Value* out = Temp("dec");
        b_.CreateCall(Rt("licit_rt_to_decimal", void_, {ptr_, ptr_}), {v, out});
        return out;
      }
      case ir::Op::ToCode: {
        llvm::Value* v = Eval(a[0]);
        llvm::Value* out = Temp("code");
        b_.CreateCall(Rt("licit_rt_to_code", void_, {ptr_, ptr_, ptr_}), {ctx_, v, out});
        return out;
      }
      case ir::Op::Call:
      case ir::Op::MakeSet:
      case ir::Op::MakeList: {
        llvm::Value* items = nullptr;
        {
          llvm::IRBuilder<> tmp(entry_, entry_->begin());
          auto* al = tmp.CreateAlloca(llvm::ArrayType::get(value_ty_, std::max(1u, n.count)),
                                      nullptr, "args");
          al->setAlignment(llvm::Align(16));
          items = al;
        }
        for (uint32_t k = 0; k < n.count; ++k) {
          llvm::Value* v = Eval(a[k]);
          b_.CreateMemCpy(At(items, static_cast<uint64_t>(k) * sizeof(Value)), llvm::Align(16), v,
                          llvm::Align(16), sizeof(Value));
        }
        llvm::Value* out = Temp("res");
        if (n.op == ir::Op::Call) {
          b_.CreateCall(
              Rt("licit_rt_call", void_, {ptr_, i8_, ptr_, i32_, ptr_}),
              {ctx_, b_.getInt8(static_cast<uint8_t>(n.imm)), items, b_.getInt32(n.count), out});
        } else {
          b_.CreateCall(Rt("licit_rt_make_collection", void_, {ptr_, i8_, ptr_, i32_, ptr_}),
                        {ctx_, b_.getInt8(n.op == ir::Op::MakeSet ? 1 : 0), items,
                         b_.getInt32(n.count), out});
        }
        return out;
      }
      default: break;
    }
    // Not reachable for verified programs: an unknown "a value is missing".
    llvm::Value* out = Temp("none");
    b_.CreateStore(llvm::ConstantInt::get(i64_, 0), At(out, 0));
    return out;
  }

  // A field: the slot itself when present (inline check), else the shared builtin produces the
  // unknown with the interpreter's reason.
  llvm::Value* Field(uint32_t slot) {
    if (flat_mode_) return FlatField(slot);
    llvm::Value* here = At(slots_, static_cast<uint64_t>(slot) * sizeof(Value));
    llvm::Value* present = Present(slot);
    llvm::BasicBlock* from = b_.GetInsertBlock();
    llvm::BasicBlock* absent = Block("field.absent");
    llvm::BasicBlock* done = Block("field.done");
    b_.CreateCondBr(present, done, absent);
    b_.SetInsertPoint(absent);
    llvm::Value* out = Temp("field");
    b_.CreateCall(Rt("licit_rt_read_field", void_, {ptr_, ptr_, i32_, ptr_}),
                  {ctx_, EnvField(8), b_.getInt32(slot), out});
    llvm::BasicBlock* absent_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(ptr_, 2);
    phi->addIncoming(here, from);
    phi->addIncoming(out, absent_end);
    return phi;
  }

  // A field of a flat record, as a Value: the cell itself when it is a whole Value, else a
  // temporary Value built from the cell (the optimiser keeps it in registers unless a builtin
  // takes its address). Only the fast path reads flat records, and it gives up on any unknown
  // without asking why: an absent field reads as an unknown with no reason, no call needed.
  llvm::Value* FlatField(uint32_t slot) {
    const int32_t ci = flat_.CellOf(slot);
    if (ci < 0) return UnknownValue();
    const rt::FlatCell& c = flat_.cells()[ci];
    llvm::Value* present = Present(slot);
    llvm::Value* cell = At(slots_, c.offset);
    if (c.bytes == sizeof(Value)) return b_.CreateSelect(present, cell, UnknownValue());
    llvm::Value* out = Temp("field");
    for (unsigned off = 0; off < sizeof(Value); off += 8)
      b_.CreateStore(llvm::ConstantInt::get(i64_, 0), At(out, off));
    b_.CreateStore(
        b_.CreateSelect(present, b_.getInt8(static_cast<uint8_t>(c.kind)), b_.getInt8(0)),
        At(out, kKindOffset));
    auto copy = [&](llvm::Type* t, unsigned from, unsigned to) {
      b_.CreateStore(b_.CreateLoad(t, At(cell, from)), At(out, kPayloadOffset + to));
    };
    switch (c.kind) {
      case ValueKind::Bool: copy(i8_, 0, 0); break;
      case ValueKind::Int: copy(i64_, 0, 0); break;
      case ValueKind::Date: copy(i32_, 0, 0); break;
      case ValueKind::Country: copy(i16_, 0, 0); break;
      case ValueKind::String:
      case ValueKind::Code:
        // Atom-only cells have no bytes: their one use is TextEqual with a constant.
        if (c.text) {
          copy(ptr_, 0, 0);
          copy(i32_, 8, 8);
        }
        break;
      default: break;  // Record: presence only
    }
    return out;
  }

  llvm::Value* UnknownValue() {
    if (unknown_value_ == nullptr) {
      auto* ty = llvm::ArrayType::get(i8_, sizeof(Value));
      auto* gv =
          new llvm::GlobalVariable(m_, ty, true, llvm::GlobalValue::PrivateLinkage,
                                   llvm::ConstantAggregateZero::get(ty), prefix_ + "unknown");
      gv->setAlignment(llvm::Align(16));
      unknown_value_ = gv;
    }
    return unknown_value_;
  }

  const ir::Program& p_;
  const rt::FlatLayout& flat_;
  llvm::LLVMContext& c_;
  llvm::Module& m_;
  llvm::IRBuilder<> b_;
  std::string prefix_;
  llvm::Type *i1_, *i8_, *i16_, *i32_, *i64_, *ptr_, *void_;
  llvm::ArrayType* value_ty_;
  llvm::FunctionType* cond_ty_;
  llvm::FunctionType* decide_ty_;
  std::vector<llvm::Function*> class_fns_;       // on rt::Record slots (full path)
  std::vector<llvm::Function*> flat_class_fns_;  // on flat records (fast path)
  // Emitting fast-path code: `slots_` is a flat record, and unknowns need no reasons (the fast
  // path gives up on them).
  bool flat_mode_ = false;
  llvm::GlobalVariable* unknown_value_ = nullptr;
  std::vector<std::pair<uint32_t, llvm::Value*>> presence_words_;  // (offset, word), this function
  std::vector<std::vector<uint8_t>> dispatched_;   // [policy][rule]: judged by licit_jit_judge_key
  std::vector<std::vector<uint8_t>> data_rule_;    // [policy][rule]: ... from data (no code)
  std::vector<std::vector<uint32_t>> rule_shard_;  // [policy][rule]: the shard holding its code
  uint32_t shard_ = 0, shards_ = 1;
  llvm::Function* fn_ = nullptr;
  llvm::BasicBlock* entry_ = nullptr;
  llvm::Value *slots_ = nullptr, *ctx_ = nullptr, *env_ = nullptr;
};

}  // namespace

Generated::Generated() = default;
Generated::Generated(Generated&&) noexcept = default;
Generated& Generated::operator=(Generated&&) noexcept = default;
Generated::~Generated() {
  module.reset();
  context.reset();
}

std::string ConditionName(const std::string& prefix, ir::ExprId id) {
  return prefix + "cond_" + std::to_string(id);
}

std::string DecideName(const std::string& prefix) { return prefix + "decide"; }

std::string RuleName(const std::string& prefix, uint32_t policy, uint32_t rule) {
  return prefix + "rule_" + std::to_string(policy) + "_" + std::to_string(rule);
}

const std::vector<std::string>& RuntimeFunctionNames() {
  static const std::vector<std::string> kNames = {
      "licit_rt_compare",
      "licit_rt_in",
      "licit_rt_under",
      "licit_rt_matches",
      "licit_rt_arith",
      "licit_rt_to_code",
      "licit_rt_call",
      "licit_rt_read_field",
      "licit_rt_to_decimal",
      "licit_rt_make_collection",
      "licit_jit_in_group",
      "licit_jit_country_in_group",
      "licit_jit_under",
      "licit_jit_screen",
      "licit_jit_hit",
      "licit_jit_judge_key",
      "memcpy",
      "memset",
      "memcmp",
  };
  return kNames;
}

std::unique_ptr<rt::FlatLayout> BuildFlatLayout(const ir::Program& program) {
  const size_t n_slots = program.input.slots.size();
  std::vector<uint32_t> slots, text_slots;
  std::vector<uint8_t> needs_bytes(n_slots, 0);
  auto is_text = [](ValueKind k) { return k == ValueKind::String || k == ValueKind::Code; };
  for (const ir::Node& n : program.nodes) {
    if ((n.op == ir::Op::Field || n.op == ir::Op::Has) && n.imm < n_slots) slots.push_back(n.imm);
    // A text field needs its bytes unless every use is `==` or `!=` with a constant, which the
    // fast path answers from atoms (the shape Gen::ScalarEq and TextEqual handle).
    const ir::ExprId* a = program.args(n);
    for (uint32_t k = 0; k < n.count; ++k) {
      const ir::Node& f = program.nodes[a[k]];
      if (f.op != ir::Op::Field || f.imm >= n_slots || !is_text(f.kind)) continue;
      bool atom_only = false;
      if ((n.op == ir::Op::Eq || n.op == ir::Op::Ne) && n.count == 2) {
        const ir::Node& other = program.nodes[a[1 - k]];
        atom_only = other.op == ir::Op::Const && other.kind == f.kind;
      }
      if (!atom_only) needs_bytes[f.imm] = 1;
    }
  }
  for (uint32_t s = 0; s < n_slots; ++s)
    if (needs_bytes[s]) text_slots.push_back(s);
  // Atoms: every string and code the program holds, in sets too.
  std::vector<std::string_view> texts;
  std::function<void(const Value&)> add = [&](const Value& v) {
    if (is_text(v.kind)) texts.push_back(v.text());
    if (v.kind == ValueKind::Set || v.kind == ValueKind::List)
      for (const Value& item : v.items) add(item);
  };
  for (const Value& c : program.constants) add(c);
  // And the rule index's keys (IndexKeyOf: codes upper-cased), which the dispatch tables find
  // by atom; they are constants already, this only makes sure.
  for (const ir::RuleIndex& ix : program.rule_index)
    for (const ir::RuleIndex::Key& key : ix.keys)
      if (is_text(key.kind))
        for (const auto& entry : key.rules) texts.push_back(entry.first);
  return std::make_unique<rt::FlatLayout>(program.input, slots, text_slots, texts);
}

namespace {
// Per policy and rule: judged from data by the engine (a rule of a dispatched key with the
// equality shape, ir::EqualityRule), so no code is generated for it.
std::vector<std::vector<uint8_t>> DataRules(const ir::Program& program) {
  std::vector<std::vector<uint8_t>> data(program.policies.size());
  for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
    const ir::Policy& policy = program.policies[pi];
    data[pi].assign(policy.rules.size(), 0);
    if (pi >= program.rule_index.size()) continue;
    for (const ir::RuleIndex::Key& key : program.rule_index[pi].keys) {
      if (!DispatchedKey(key)) continue;
      for (ir::RuleId r : key.all) {
        if (r < policy.rules.size())
          data[pi][r] = ir::EqualityRule(program, policy.rules[r]).has_value();
      }
    }
  }
  return data;
}

size_t RuleCount(const ir::Program& program) {
  size_t rules = 0;
  for (const ir::Policy& policy : program.policies) rules += policy.rules.size();
  return rules;
}

size_t InstructionCount(const llvm::Module& module) {
  size_t instructions = 0;
  for (const llvm::Function& f : module) instructions += f.getInstructionCount();
  return instructions;
}
}  // namespace

bool HasFullPathCode(const ir::Program& program) { return RuleCount(program) <= kFullPathMaxRules; }

Generated Generate(const ir::Program& program, const std::string& prefix, bool names,
                   bool with_conditions) {
  Generated g;
  g.context = std::make_unique<llvm::LLVMContext>();
  g.context->setDiscardValueNames(!names);
  g.module = std::make_unique<llvm::Module>("licit", *g.context);
  g.full_path = with_conditions && HasFullPathCode(program);
  g.flat = BuildFlatLayout(program);
  Gen gen(program, *g.flat, *g.context, *g.module, prefix);
  g.conditions = gen.Run(/*fast_path=*/true, g.full_path);
  g.instructions = InstructionCount(*g.module);
  g.optimize = g.instructions <= kOptimizeMaxInstructions;
  return g;
}

Generated GenerateConditions(const ir::Program& program, const rt::FlatLayout& flat,
                             const std::string& prefix) {
  Generated g;
  g.context = std::make_unique<llvm::LLVMContext>();
  g.context->setDiscardValueNames(true);
  g.module = std::make_unique<llvm::Module>("licit.conditions", *g.context);
  g.full_path = true;
  Gen gen(program, flat, *g.context, *g.module, prefix);
  g.conditions = gen.Run(/*fast_path=*/false, /*full_path=*/true);
  g.instructions = InstructionCount(*g.module);
  g.optimize = g.instructions <= kOptimizeMaxInstructions;
  return g;
}

uint32_t KeyFilterIndex(const ir::Program& program, uint32_t policy, uint32_t key) {
  uint32_t index = key;
  for (uint32_t pi = 0; pi < policy && pi < program.rule_index.size(); ++pi)
    index += static_cast<uint32_t>(program.rule_index[pi].keys.size());
  return index;
}

int32_t KeyFilterCell(const ir::Program& program, const rt::FlatLayout& flat, uint32_t policy,
                      const ir::RuleIndex::Key& key) {
  if (policy >= program.policies.size()) return -1;
  const ir::Policy& pol = program.policies[policy];
  std::vector<uint32_t> rules_testing(program.input.slots.size(), 0);  // by slot
  std::vector<uint8_t> counted(program.input.slots.size(), 0);
  for (ir::RuleId r : key.all) {
    if (r >= pol.rules.size()) continue;
    std::optional<std::vector<ir::EqualityTest>> tests = ir::EqualityRule(program, pol.rules[r]);
    if (!tests) continue;
    for (const ir::EqualityTest& t : *tests)
      if (t.slot != key.slot && t.slot < counted.size() && !counted[t.slot]) {
        counted[t.slot] = 1;
        ++rules_testing[t.slot];
      }
    for (const ir::EqualityTest& t : *tests)
      if (t.slot < counted.size()) counted[t.slot] = 0;
  }
  int32_t best = -1;
  uint32_t best_rules = 0;
  for (uint32_t slot = 0; slot < rules_testing.size(); ++slot) {
    if (rules_testing[slot] <= best_rules || flat.CellOf(slot) < 0) continue;
    best = flat.CellOf(slot);
    best_rules = rules_testing[slot];
  }
  return best;
}

uint32_t ShardCount(const ir::Program& program) {
  if (RuleCount(program) <= kFullPathMaxRules) return 1;
  // Only rules with code count: a program whose rules are mostly judged from data (the 1,004-rule
  // reference policy has a few with code) stays one small module, optimised; split into
  // unoptimised shards it decided its flat records 3x slower.
  size_t with_code = 0;
  for (const std::vector<uint8_t>& policy : DataRules(program))
    for (uint8_t data : policy) with_code += data ? 0 : 1;
  if (with_code <= kShardRules) return 1;
  return static_cast<uint32_t>(std::max<size_t>(2, (with_code + kShardRules - 1) / kShardRules));
}

Generated GenerateShard(const ir::Program& program, const rt::FlatLayout& flat,
                        const std::string& prefix, uint32_t shard, uint32_t shards) {
  Generated g;
  g.context = std::make_unique<llvm::LLVMContext>();
  g.context->setDiscardValueNames(true);
  g.module = std::make_unique<llvm::Module>("licit." + std::to_string(shard), *g.context);
  g.full_path = false;
  Gen gen(program, flat, *g.context, *g.module, prefix, shard, shards);
  gen.Run(/*fast_path=*/true, /*full_path=*/false);
  g.instructions = InstructionCount(*g.module);
  g.optimize = false;
  return g;
}

void Optimize(llvm::Module& module, llvm::TargetMachine* tm) {
  // Our internal functions (a rule's body, a class's test) go into their callers: each is called
  // once (rules, from decide) or is small (classes, from the conditions that name them), which is
  // what O2's inliner decided for them too, without its call-graph machinery.
  for (llvm::Function& f : module) {
    if (f.isDeclaration() || !f.hasLocalLinkage()) continue;
    if (f.hasOneUse() || f.getInstructionCount() <= kInlineMaxInstructions)
      f.addFnAttr(llvm::Attribute::AlwaysInline);
  }
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  // Then the function passes that tidy what the generator emits: its allocas into registers,
  // repeated loads and tests merged, constant tests folded, empty blocks and branches gone.
  // (Not O2's pipeline of about a hundred passes: for the 4-rule reference policy it cost 57 M
  // instructions against about 10 M for these, for machine code as fast; bench/README.md.)
  llvm::FunctionPassManager fpm;
  fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  fpm.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/true));
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::SimplifyCFGPass());
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::AlwaysInlinerPass());  // also deletes the functions it inlined everywhere
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  mpm.run(module, mam);
}

std::string PrintModule(const llvm::Module& module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os, nullptr);
  os.flush();
  return text;
}

std::string DumpLlvm(const ir::Program& program, std::string* error) {
  llvm::InitializeNativeTarget();
  std::string triple = llvm::sys::getProcessTriple();
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, err);
  if (target == nullptr) {
    *error = err;
    return {};
  }
  std::unique_ptr<llvm::TargetMachine> tm(
      target->createTargetMachine(triple, "generic", "", llvm::TargetOptions(), std::nullopt));
  Generated g = Generate(program);
  g.module->setTargetTriple(triple);
  g.module->setDataLayout(tm->createDataLayout());
  std::string verify;
  llvm::raw_string_ostream vs(verify);
  if (llvm::verifyModule(*g.module, &vs)) {
    *error = "generated module is invalid: " + vs.str();
    return {};
  }
  if (g.optimize) Optimize(*g.module, tm.get());
  // What the fast path's offsets mean, as comments before the module.
  return g.flat->Describe("; ") + PrintModule(*g.module);
}

}  // namespace licit::codegen
