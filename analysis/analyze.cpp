// `licit analyze`: the findings of authoring.md section 3, one family of queries each. Every
// "never" is an unsatisfiable query (a proof over all records and days); every finding with a
// witness shows a record that both engines decided as the solver said.
#include <algorithm>
#include <climits>
#include <map>

#include "analysis/analysis.h"
#include "base/date.h"

namespace licit::analysis {
namespace {

using rt::Effect;

// A rule's name for messages.
std::string Quoted(const std::string& name) { return "`" + name + "`"; }

bool Hit(const rt::Decision& d, const std::string& policy, const std::string& rule) {
  return std::any_of(d.rules.begin(), d.rules.end(),
                     [&](const rt::RuleHit& h) { return h.policy == policy && h.rule == rule; });
}

// Whether every engine's decision satisfies `ok` (and there is at least one).
template <class Pred>
bool AllDecide(const std::vector<rt::Decision>& ds, Pred ok) {
  return !ds.empty() && std::all_of(ds.begin(), ds.end(), [&](const rt::Decision& d) {
    return d.effect != Effect::Error && ok(d);
  });
}

class Analysis {
 public:
  Analysis(const ir::Program& program, const AnalyzeOptions& options, const DecideWitness& decide)
      : program_(program),
        options_(options),
        decide_(decide),
        prover_({&program}, options.prover),
        enc_(prover_.encoder(0)) {}

  std::vector<Diagnostic> Run() {
    for (uint32_t pi = 0; pi < program_.policies.size(); ++pi) {
      const ir::Policy& policy = program_.policies[pi];
      std::vector<uint8_t> fires(policy.rules.size(), 0);
      for (uint32_t ri = 0; ri < policy.rules.size(); ++ri) fires[ri] = NeverFires(pi, ri);
      for (uint32_t ri = 0; ri < policy.rules.size(); ++ri)
        if (fires[ri]) NeverMatters(pi, ri);
      for (uint32_t x = 0; x < policy.exceptions.size(); ++x) Exceptions(pi, x, fires);
      for (uint32_t ri = 0; ri < policy.rules.size(); ++ri)
        if (fires[ri]) UnknownToReview(pi, ri);
      for (uint32_t ri = 0; ri < policy.rules.size(); ++ri) DateGap(pi, ri, fires);
    }
    return std::move(out_);
  }

 private:
  Diagnostic& Report(DiagKind kind, Span span, std::string message) {
    Diagnostic d;
    d.kind = kind;
    d.severity = InfoOf(kind).severity;
    d.span = span;
    d.message = std::move(message);
    out_.push_back(std::move(d));
    return out_.back();
  }

  void Unsettled(Span span, const std::string& what, const std::string& reason) {
    Report(DiagKind::AnalysisUnknown, span, "could not settle whether " + what)
        .Label("unsettled")
        .Note(reason);
  }

  // The approximations behind a witness that the engines did not confirm.
  std::string WhyNotConfirmed() const {
    std::string approx = ApproximatedText(enc_);
    if (approx.empty()) return "the engines did not decide the solver's witness as it predicted";
    return "the solver's witness was not confirmed by the engines; the analysis approximates " +
           approx;
  }

  // Rule `ri` can fire (some record, some day): returns 1; reports W0101 when it cannot.
  uint8_t NeverFires(uint32_t pi, uint32_t ri) {
    const ir::Rule& rule = program_.policies[pi].rules[ri];
    const RuleTerms& t = enc_.rules()[pi][ri];
    std::string reason;
    // Fires on complete data: the usual case, answered with a record that also often shows the
    // rule matters (so NeverMatters need not ask the solver).
    z3::model m(prover_.ctx());
    Answer a = prover_.Check(t.fires_known, &m, &reason);
    if (a == Answer::Sat) {
      matters_[Key(pi, ri)] = MattersOn(prover_.WitnessJson(m), pi, ri);
      return 1;
    }
    const Answer known = a;
    a = prover_.Check(t.fires, nullptr, &reason);
    if (a == Answer::Unknown) {
      Unsettled(rule.span, "rule " + Quoted(rule.name) + " can fire", reason);
      return 1;  // nothing claimed; later questions may still settle
    }
    if (a == Answer::Sat) {
      if (known == Answer::Unsat) {
        Report(DiagKind::ProvedNeverFires, rule.span,
               "rule " + Quoted(rule.name) +
                   " never fires on a record that has the fields it reads: it only sends records "
                   "with missing fields or less specific codes to review")
            .Label("never fires on complete data")
            .Help("check its conditions: they cannot all hold together");
      }
      return 1;
    }
    if (options_.known_never_firing.count(rule.at) != 0) return 0;
    // Which parts conflict: an unsatisfiable core over the period and the condition parts.
    std::vector<z3::expr> parts = {t.in_force};
    std::vector<std::string> names = {"its period outside its suspensions"};
    for (size_t k = 0; k < t.parts.size(); ++k) {
      parts.push_back(t.parts[k].second);
      const std::string what = t.parts[k].first, text = "`" + t.part_text[k] + "`";
      names.push_back(what == "scope"          ? "its scope " + text
                      : what == "destinations" ? "its `to` list " + text
                      : what == "unless"       ? "`unless` " + text + " being false"
                                               : "`when` " + text);
    }
    std::vector<size_t> core;
    prover_.CheckCore(parts, &core, &reason);
    // Judging one date (--as-of), a rule not in force that day is expected, not a finding.
    if (options_.prover.as_of && core.size() == 1 && core[0] == 0) return 0;
    std::string why;
    if (core.size() == 1 && core[0] == 0) {
      why = "it is never in force: its suspensions cover its whole period";
    } else if (core.size() == 1) {
      why = names[core[0]] + " can never hold";
    } else if (!core.empty()) {
      for (size_t k = 0; k < core.size(); ++k) {
        if (k > 0) why += k + 1 == core.size() ? " and " : ", ";
        why += names[core[k]];
      }
      why += " cannot hold together";
    } else {
      why = "no record on any date satisfies it";
    }
    Report(DiagKind::ProvedNeverFires, rule.span,
           "rule " + Quoted(rule.name) + " never fires: " + why)
        .Label("no record on any date makes this fire")
        .Help("fix the conflicting conditions, or remove the rule");
    return 0;
  }

  static uint64_t Key(uint32_t pi, uint32_t ri) { return (static_cast<uint64_t>(pi) << 32) | ri; }

  // Whether the engines' decision of `json` shows that taking rule `ri` out would change its
  // effect (decide.cpp's assembly: the policy's strongest contribution, or its default when none;
  // the strongest policy). False when it does not, or cannot tell.
  bool MattersOn(const std::string& json, uint32_t pi, uint32_t ri) {
    const ir::Policy& policy = program_.policies[pi];
    const std::string& name = policy.rules[ri].name;
    std::vector<rt::Decision> ds = decide_(json, options_.prover.as_of);
    return AllDecide(ds, [&](const rt::Decision& d) {
      if (d.policies.size() != program_.policies.size() || !Hit(d, policy.name, name)) return false;
      bool others = false;
      Effect without = Effect::Allow;
      for (const rt::RuleHit& h : d.rules) {
        if (h.policy != policy.name || h.rule == name) continue;
        others = true;
        without = std::max(without, h.effect);
      }
      if (!others) without = policy.default_effect;
      Effect rest = Effect::Allow;
      for (uint32_t q = 0; q < d.policies.size(); ++q)
        if (q != pi) rest = std::max(rest, d.policies[q].effect);
      return std::max(d.policies[pi].effect, rest) != std::max(without, rest);
    });
  }

  // Removing the rule changes no decision.
  void NeverMatters(uint32_t pi, uint32_t ri) {
    const ir::Policy& policy = program_.policies[pi];
    const ir::Rule& rule = policy.rules[ri];
    if (matters_[Key(pi, ri)]) return;  // its firing witness already showed a change
    z3::context& c = prover_.ctx();
    if (!removed_) removed_.emplace(c.int_const("removed rule"));
    if (!without_) without_.emplace(enc_.EffectWithout(*removed_));
    std::string reason;
    Answer a = prover_.CheckShared(
        *removed_ == static_cast<int>(enc_.RuleNumber(pi, ri)) && enc_.effect() != *without_,
        nullptr, &reason);
    if (a == Answer::Unknown) {
      Unsettled(rule.span, "removing rule " + Quoted(rule.name) + " changes a decision", reason);
      return;
    }
    if (a == Answer::Sat) return;
    // Name the rules that decide instead: first one at least as strong that decides wherever it
    // fires (it covers the rule), else up to three at least as strong that fire with it.
    std::string text = "rule " + Quoted(rule.name) + " never changes a decision: ";
    const RuleTerms& t = enc_.rules()[pi][ri];
    std::string cover;
    std::vector<std::string> stronger;
    // At most kCandidates rules are tried (each costs two questions): a policy with dozens of
    // such rules would otherwise ask for every pair.
    constexpr int kCandidates = 8;
    int tried = 0;
    for (uint32_t x = 0; x < policy.rules.size() && cover.empty() && tried < kCandidates; ++x) {
      if (x == ri || policy.rules[x].effect < rule.effect) continue;
      ++tried;
      const RuleTerms& o = enc_.rules()[pi][x];
      if (prover_.Check(t.fires && o.contributes && o.fires_known) != Answer::Sat) continue;
      if (stronger.size() < 3) stronger.push_back(Quoted(policy.rules[x].name));
      if (prover_.Check(t.fires && !(o.contributes && o.fires_known)) == Answer::Unsat)
        cover = Quoted(policy.rules[x].name);
    }
    if (!cover.empty()) {
      text += "wherever it fires, " + cover + " fires too and is at least as strong";
    } else if (rule.effect == policy.default_effect) {
      text += std::string("it gives the policy's default, ") + rt::EffectName(rule.effect) +
              ", and other rules fire only with stronger effects";
    } else if (!stronger.empty()) {
      text += "wherever it fires, another rule at least as strong fires too (among them ";
      for (size_t k = 0; k < stronger.size(); ++k) text += (k ? ", " : "") + stronger[k];
      text += ")";
    } else {
      text += "stronger rules or other policies decide wherever it fires";
    }
    Diagnostic& d = Report(DiagKind::NeverMatters, rule.span, text)
                        .Label("removing it changes no decision's effect")
                        .Help("remove the rule, or narrow the rules that cover it");
    if (rule.effect == Effect::License && rule.license)
      d.Note("it still adds the licence \"" + *rule.license +
             "\" to the licences its decisions list");
  }

  void Exceptions(uint32_t pi, uint32_t x, const std::vector<uint8_t>& fires) {
    const ir::Policy& policy = program_.policies[pi];
    const ir::Exception& e = policy.exceptions[x];
    const ExceptionTerms& et = enc_.exceptions()[pi][x];
    z3::expr any_fires = prover_.ctx().bool_val(false);
    for (ir::RuleId r : e.rules) any_fires = any_fires || enc_.rules()[pi][r].fires;
    std::string reason;
    Answer a = prover_.Check(et.holds && any_fires, nullptr, &reason);
    if (a == Answer::Unknown) {
      Unsettled(e.span, "exception " + Quoted(e.name) + " waives anything", reason);
      return;
    }
    if (a == Answer::Unsat) {
      Report(DiagKind::WaivesNothing, e.span,
             "exception " + Quoted(e.name) +
                 " waives nothing: wherever it holds, none of the "
                 "rules it lists fires")
          .Label("never waives a rule")
          .Help("check its condition and the rules it lists, or remove it");
      return;
    }
    for (ir::RuleId r : e.rules) {
      if (r >= policy.rules.size() || !fires[r]) continue;
      const RuleTerms& t = enc_.rules()[pi][r];
      if (prover_.Check(t.fires && !et.holds) != Answer::Unsat) continue;
      Report(DiagKind::AlwaysWaives, e.span,
             "exception " + Quoted(e.name) + " holds wherever rule " +
                 Quoted(policy.rules[r].name) + " fires: the rule never decides anything")
          .Label("always waives " + Quoted(policy.rules[r].name))
          .Also(policy.rules[r].span, "this rule is always waived")
          .Help("narrow the exception, or remove the rule and the exception");
    }
  }

  // Optional fields whose absence sends records to review through this rule.
  void UnknownToReview(uint32_t pi, uint32_t ri) {
    const ir::Policy& policy = program_.policies[pi];
    const ir::Rule& rule = policy.rules[ri];
    const RuleTerms& t = enc_.rules()[pi][ri];
    const rt::RecordLayout& layout = program_.input;
    z3::expr review = t.contributes && !t.fires_known;
    if (!t.may_be_unknown || prover_.Check(review) != Answer::Sat) return;
    std::set<uint32_t> slots = enc_.SlotsOfRule(pi, ri);
    // The optional fields read (a field of an optional record counts as optional).
    std::vector<uint32_t> optional;
    for (uint32_t s : slots) {
      bool opt = false;
      for (int32_t p = static_cast<int32_t>(s); p >= 0; p = layout.slots[p].parent)
        opt = opt || layout.slots[p].optional;
      if (opt) optional.push_back(s);
    }
    std::vector<std::string> fields;
    std::string witness_text, reason;
    for (uint32_t f : optional) {
      z3::expr q = review && !prover_.vars().present(f);
      for (uint32_t g : optional)
        if (g != f) q = q && prover_.vars().present(g);
      z3::model m(prover_.ctx());
      if (prover_.Check(q, &m) != Answer::Sat) continue;
      if (witness_text.empty()) {
        std::string json = prover_.WitnessJson(m);
        if (!Confirmed(json, policy, rule, &reason)) continue;
        witness_text = json;
      }
      fields.push_back(layout.slots[f].path);
    }
    // Everything present, still unknown: a code less specific than a pattern, money in another
    // currency, an overflow; the engines' reason says which.
    z3::expr complete = review;
    for (uint32_t g : optional) complete = complete && prover_.vars().present(g);
    z3::model m(prover_.ctx());
    std::string other;
    if (prover_.Check(complete, &m) == Answer::Sat) {
      std::string json = prover_.WitnessJson(m);
      if (Confirmed(json, policy, rule, &other) && witness_text.empty()) witness_text = json;
    }
    if (fields.empty() && other.empty()) return;
    std::string text = "rule " + Quoted(rule.name) + " sends records to review when ";
    for (size_t k = 0; k < fields.size(); ++k) {
      if (k > 0) text += k + 1 == fields.size() ? " or " : ", ";
      text += Quoted(fields[k]);
    }
    if (!fields.empty()) text += fields.size() == 1 ? " is missing" : " are missing";
    if (!other.empty())
      text += std::string(fields.empty() ? "" : ", or when ") +
              "a value it reads cannot be judged (" + other + ")";
    Report(DiagKind::UnknownToReview, rule.span, text)
        .Label("unknown data sends records to review")
        .Note("for example " + witness_text)
        .Help("make sure the records carry these fields, or guard the condition with has(...)");
  }

  // Whether both engines send `json` to review through `rule` because it could not be decided;
  // `reason` gets the engines' reason ("item.hs 8112 is less specific than 8112.92").
  bool Confirmed(const std::string& json, const ir::Policy& policy, const ir::Rule& rule,
                 std::string* reason) {
    std::vector<rt::Decision> ds = decide_(json, options_.prover.as_of);
    std::string why;
    bool ok = AllDecide(ds, [&](const rt::Decision& d) {
      auto u = std::find_if(d.unknowns.begin(), d.unknowns.end(),
                            [&](const rt::UnknownNote& n) { return n.rule == rule.name; });
      if (u == d.unknowns.end() || !Hit(d, policy.name, rule.name)) return false;
      why = u->reason;
      return true;
    });
    if (ok) *reason = why;
    return ok;
  }

  // A rule that ends, and the next rule starting after it that covers some of its records.
  void DateGap(uint32_t pi, uint32_t ri, const std::vector<uint8_t>& fires) {
    const ir::Policy& policy = program_.policies[pi];
    const ir::Rule& first = policy.rules[ri];
    if (!fires[ri] || first.period.until == INT32_MAX) return;
    std::vector<uint32_t> later;
    for (uint32_t x = 0; x < policy.rules.size(); ++x) {
      const ir::Rule& r = policy.rules[x];
      if (x != ri && fires[x] && r.period.since != INT32_MIN && r.period.since > first.period.until)
        later.push_back(x);
    }
    std::stable_sort(later.begin(), later.end(), [&](uint32_t a, uint32_t b) {
      return policy.rules[a].period.since < policy.rules[b].period.since;
    });
    const RuleTerms& t1 = enc_.rules()[pi][ri];
    const z3::expr& day = prover_.vars().day();
    for (uint32_t x : later) {
      const ir::Rule& next = policy.rules[x];
      const RuleTerms& t2 = enc_.rules()[pi][x];
      const DayNumber gap_from = first.period.until + 1, gap_to = next.period.since - 1;
      // Both cover the record (their conditions not false) on a day between them.
      z3::expr covered = prover_.ctx().bool_val(true);
      for (const auto& part : t1.parts) covered = covered && part.second;
      for (const auto& part : t2.parts) covered = covered && part.second;
      const DayNumber probe = gap_from <= gap_to ? gap_from : first.period.until;
      z3::model m(prover_.ctx());
      if (prover_.Check(covered && day == probe, &m) != Answer::Sat) continue;
      if (gap_from > gap_to) return;  // the next rule starts the day after: no gap
      std::string json = prover_.WitnessJson(m);
      // Confirm: the first rule decides it on its last day, the next on its first, neither between.
      bool ok = AllDecide(decide_(json, first.period.until),
                          [&](const rt::Decision& d) { return Hit(d, policy.name, first.name); }) &&
                AllDecide(decide_(json, next.period.since),
                          [&](const rt::Decision& d) { return Hit(d, policy.name, next.name); }) &&
                AllDecide(decide_(json, gap_from), [&](const rt::Decision& d) {
                  return !Hit(d, policy.name, first.name) && !Hit(d, policy.name, next.name);
                });
      if (!ok) {
        Unsettled(first.span,
                  "rules " + Quoted(first.name) + " and " + Quoted(next.name) + " leave a gap",
                  WhyNotConfirmed());
        return;
      }
      const int64_t days = static_cast<int64_t>(gap_to) - gap_from + 1;
      Report(DiagKind::DateGap, first.span,
             "rule " + Quoted(first.name) + " ends on " + FormatDate(first.period.until) +
                 " and rule " + Quoted(next.name) + ", which covers the same records, starts on " +
                 FormatDate(next.period.since) + ": from " + FormatDate(gap_from) + " to " +
                 FormatDate(gap_to) + " (" + std::to_string(days) + (days == 1 ? " day" : " days") +
                 ") neither applies")
          .Label("ends " + FormatDate(first.period.until))
          .Also(next.span, "starts " + FormatDate(next.period.since))
          .Note("for example " + json)
          .Help("if the new rule replaces the old one, start it on " + FormatDate(gap_from));
      return;
    }
  }

  const ir::Program& program_;
  const AnalyzeOptions& options_;
  const DecideWitness& decide_;
  Prover prover_;
  Encoder& enc_;
  std::optional<z3::expr> removed_, without_;
  std::map<uint64_t, bool> matters_;  // rules a witness showed to matter
  std::vector<Diagnostic> out_;
};

}  // namespace

std::vector<Diagnostic> Analyze(const ir::Program& program, const AnalyzeOptions& options,
                                const DecideWitness& decide) {
  if (program.policies.empty()) return {};
  return Analysis(program, options, decide).Run();
}

bool SemanticDiffResult::equivalent() const {
  return std::all_of(changes.begin(), changes.end(),
                     [](const EffectChange& c) { return c.answer == Answer::Unsat; });
}

bool SemanticDiffResult::different() const {
  return std::any_of(changes.begin(), changes.end(),
                     [](const EffectChange& c) { return c.answer == Answer::Sat; });
}

SemanticDiffResult SemanticDiff(const ir::Program& old_program, const ir::Program& new_program,
                                const ProverOptions& options, const DecideWitness& decide_old,
                                const DecideWitness& decide_new) {
  SemanticDiffResult result;
  Prover prover({&old_program, &new_program}, options);
  const z3::expr& old_effect = prover.encoder(0).effect();
  const z3::expr& new_effect = prover.encoder(1).effect();
  const Effect effects[] = {Effect::Allow, Effect::Exempt, Effect::Review, Effect::License,
                            Effect::Deny};
  for (Effect from : effects) {
    for (Effect to : effects) {
      if (from == to) continue;
      EffectChange change;
      change.from = from;
      change.to = to;
      z3::model m(prover.ctx());
      change.answer = prover.CheckShared(
          old_effect == EffectNumber(from) && new_effect == EffectNumber(to), &m, &change.reason);
      if (change.answer == Answer::Sat) {
        change.witness = prover.WitnessJson(m);
        change.day = prover.WitnessDay(m);
        change.old_decisions = decide_old(change.witness, options.as_of);
        change.new_decisions = decide_new(change.witness, options.as_of);
        auto is = [](Effect e) { return [e](const rt::Decision& d) { return d.effect == e; }; };
        if (!AllDecide(change.old_decisions, is(from)) ||
            !AllDecide(change.new_decisions, is(to))) {
          change.answer = Answer::Unknown;
          std::string approx = ApproximatedText(prover.encoder(0));
          std::string approx_new = ApproximatedText(prover.encoder(1));
          if (!approx_new.empty()) approx += (approx.empty() ? "" : ", ") + approx_new;
          change.reason =
              "the solver's witness was not confirmed by the engines" +
              (approx.empty() ? std::string() : "; the analysis approximates " + approx);
        }
      }
      result.changes.push_back(std::move(change));
    }
  }
  return result;
}

}  // namespace licit::analysis
