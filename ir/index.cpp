#include "ir/index.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <utility>

namespace licit::ir {
namespace {

// The field a condition part needs to equal one of `values` (IndexKeyOf keys) for the part to be
// anything but false.
struct KeySet {
  uint32_t slot = 0;
  rt::ValueKind kind = rt::ValueKind::Unknown;
  std::vector<std::string> values;
};

bool Indexable(rt::ValueKind k) {
  return k == rt::ValueKind::String || k == rt::ValueKind::Code || k == rt::ValueKind::Country;
}

std::optional<KeySet> Extract(const Program& p, ExprId id, int depth) {
  if (id == kNone || id >= p.nodes.size() || depth > 64) return std::nullopt;
  const Node& n = p.nodes[id];
  const ExprId* a = p.args(n);
  switch (n.op) {
    case Op::Eq: {
      if (n.count != 2) return std::nullopt;
      const Node* f = &p.nodes[a[0]];
      const Node* c = &p.nodes[a[1]];
      if (f->op == Op::Const) std::swap(f, c);
      if (f->op != Op::Field || c->op != Op::Const) return std::nullopt;
      if (f->imm >= p.input.slots.size() || c->imm >= p.constants.size()) return std::nullopt;
      const rt::Value& v = p.constants[c->imm];
      if (!Indexable(v.kind) || v.kind != f->kind) return std::nullopt;
      KeySet k{f->imm, v.kind, {}};
      k.values.emplace_back();
      IndexKeyOf(v, k.values.back());
      return k;
    }
    case Op::InGroup: {
      if (n.count != 1 || n.imm >= p.groups.size()) return std::nullopt;
      const Node& f = p.nodes[a[0]];
      if (f.op != Op::Field || f.kind != rt::ValueKind::Country || f.imm >= p.input.slots.size())
        return std::nullopt;
      // Every country that is a member at some date; the condition still checks the dates.
      KeySet k{f.imm, rt::ValueKind::Country, {}};
      for (const auto& [country, periods] : p.groups[n.imm].members) {
        k.values.emplace_back();
        IndexKeyOf(rt::Value::Country(country), k.values.back());
      }
      return k;
    }
    case Op::Or: {
      // False only when every operand is false: all must test the same field.
      if (n.count == 0) return std::nullopt;
      std::optional<KeySet> out;
      for (uint32_t i = 0; i < n.count; ++i) {
        std::optional<KeySet> k = Extract(p, a[i], depth + 1);
        if (!k) return std::nullopt;
        if (!out) {
          out = std::move(k);
        } else {
          if (k->slot != out->slot || k->kind != out->kind) return std::nullopt;
          out->values.insert(out->values.end(), k->values.begin(), k->values.end());
        }
      }
      return out;
    }
    case Op::And: {
      // False when any operand is false: the most selective operand will do.
      std::optional<KeySet> best;
      for (uint32_t i = 0; i < n.count; ++i) {
        std::optional<KeySet> k = Extract(p, a[i], depth + 1);
        if (k && (!best || k->values.size() < best->values.size())) best = std::move(k);
      }
      return best;
    }
    case Op::ClassRef:
      if (n.imm >= p.classes.size()) return std::nullopt;
      return Extract(p, p.classes[n.imm].predicate, depth + 1);
    default: return std::nullopt;
  }
}

// Appends the equality tests `id` is the conjunction of; false for any other shape.
bool AppendTests(const Program& p, ExprId id, int depth, std::vector<EqualityTest>& out) {
  if (id == kNone) return true;
  if (id >= p.nodes.size() || depth > 64) return false;
  const Node& n = p.nodes[id];
  const ExprId* a = p.args(n);
  auto equality = [&](const Node& e, EqualityTest& t) {
    if (e.op != Op::Eq || e.count != 2) return false;
    const Node* f = &p.nodes[p.args(e)[0]];
    const Node* c = &p.nodes[p.args(e)[1]];
    if (f->op == Op::Const) std::swap(f, c);
    if (f->op != Op::Field || c->op != Op::Const) return false;
    if (f->imm >= p.input.slots.size() || c->imm >= p.constants.size()) return false;
    const rt::ValueKind k = p.constants[c->imm].kind;
    if (k != f->kind) return false;
    if (k != rt::ValueKind::String && k != rt::ValueKind::Code && k != rt::ValueKind::Country &&
        k != rt::ValueKind::Int && k != rt::ValueKind::Date && k != rt::ValueKind::Bool)
      return false;
    if (!t.any_of.empty() && (t.slot != f->imm || t.kind != k)) return false;
    t.slot = f->imm;
    t.kind = k;
    t.any_of.push_back(c->imm);
    return true;
  };
  switch (n.op) {
    case Op::And:
      for (uint32_t i = 0; i < n.count; ++i)
        if (!AppendTests(p, a[i], depth + 1, out)) return false;
      return true;
    case Op::ClassRef:
      return n.imm < p.classes.size() && AppendTests(p, p.classes[n.imm].predicate, depth + 1, out);
    case Op::Eq: {
      EqualityTest t;
      if (!equality(n, t)) return false;
      out.push_back(std::move(t));
      return true;
    }
    case Op::Or: {
      // Equalities of one field: it must equal one of the constants.
      EqualityTest t;
      for (uint32_t i = 0; i < n.count; ++i)
        if (!equality(p.nodes[a[i]], t)) return false;
      if (t.any_of.empty()) return false;
      out.push_back(std::move(t));
      return true;
    }
    default: return false;
  }
}

}  // namespace

std::optional<std::vector<EqualityTest>> EqualityRule(const Program& program, const Rule& rule) {
  if (rule.unless != kNone || !rule.waived_by.empty()) return std::nullopt;
  std::vector<EqualityTest> tests;
  for (ExprId part : {rule.scope_class, rule.destination, rule.when})
    if (!AppendTests(program, part, 0, tests)) return std::nullopt;
  return tests;
}

bool IndexKeyOf(const rt::Value& v, std::string& out) {
  out.clear();
  switch (v.kind) {
    case rt::ValueKind::String: out.assign(v.text()); return true;
    case rt::ValueKind::Code:
      out.assign(v.text());
      for (char& ch : out)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      return true;
    case rt::ValueKind::Country:
      out.assign(reinterpret_cast<const char*>(&v.country), sizeof v.country);
      return true;
    default: return false;
  }
}

std::vector<RuleIndex> BuildRuleIndex(const Program& program) {
  std::vector<RuleIndex> result(program.policies.size());
  for (size_t pi = 0; pi < program.policies.size(); ++pi) {
    const Policy& policy = program.policies[pi];
    RuleIndex& ix = result[pi];
    std::map<std::pair<uint32_t, rt::ValueKind>, size_t> key_of;
    for (RuleId r = 0; r < policy.rules.size(); ++r) {
      const Rule& rule = policy.rules[r];
      std::optional<KeySet> best;
      for (ExprId part : {rule.scope_class, rule.destination, rule.when}) {
        std::optional<KeySet> k = Extract(program, part, 0);
        if (k && (!best || k->values.size() < best->values.size())) best = std::move(k);
      }
      if (!best) {
        ix.always.push_back(r);
        continue;
      }
      auto [it, fresh] = key_of.try_emplace({best->slot, best->kind}, ix.keys.size());
      if (fresh) {
        ix.keys.emplace_back();
        ix.keys.back().slot = best->slot;
        ix.keys.back().kind = best->kind;
      }
      RuleIndex::Key& key = ix.keys[it->second];
      key.all.push_back(r);
      std::sort(best->values.begin(), best->values.end());
      best->values.erase(std::unique(best->values.begin(), best->values.end()), best->values.end());
      for (const std::string& v : best->values) key.rules[v].push_back(r);
      ++ix.indexed;
    }
  }
  return result;
}

void RuleCandidates(const Program& program, uint32_t policy, const rt::Record& record,
                    std::vector<RuleId>& out) {
  const RuleIndex& ix = program.rule_index[policy];
  out.assign(ix.always.begin(), ix.always.end());
  thread_local std::string key;
  for (const RuleIndex::Key& k : ix.keys) {
    // The field as the engines read it: known only when it and every enclosing record are.
    const bool present =
        k.slot < record.size() && rt::FieldPresent(program.input, record.slots(), k.slot);
    const rt::Value& v = present ? record.slot(k.slot) : rt::Value();
    if (!present || v.kind != k.kind || !IndexKeyOf(v, key)) {
      out.insert(out.end(), k.all.begin(), k.all.end());  // unknown: the part may be unknown
      continue;
    }
    auto it = k.rules.find(key);
    if (it != k.rules.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  if (!ix.keys.empty()) std::sort(out.begin(), out.end());
}

}  // namespace licit::ir
