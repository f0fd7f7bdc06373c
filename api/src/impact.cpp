// Policy::impact (licit.hpp): two versions of a policy set decide the same records in one pass
// (`licit diff OLD NEW --records R`), on the screening loop (screen_loop.h). Each record is read
// and decoded once; both sets decide it, on the JIT's fast path where they can (the verdicts'
// effects are compared), and only a record whose effect differs is decided in full by both, for
// its JSON and for the rules, destination and item the report counts.

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "api/src/screen_loop.h"
#include "base/json.h"
#include "core/value.h"

namespace licit {
namespace {

using detail::CompiledState;
using detail::CsvUnit;
using detail::JsonLinesUnit;
using detail::RunScreen;
using detail::Tally;

// One thread's counts (Tally counts decisions for the loop's progress; the rest is ours).
struct ImpactTally {
  uint64_t matrix[6][6] = {};
  uint64_t changed = 0;
  std::map<std::string, uint64_t> rules, destinations, items;
};

class Comparer {
 public:
  Comparer(const CompiledState& before, const CompiledState& after,
           const decide::DecideOptions& decide)
      : before_(before), after_(after), decide_(decide) {
    const rt::RecordLayout& layout = before.program->input;
    destination_ = layout.Find("destination");
    for (const char* path : {"item.eccn", "item.eu", "item.cn", "item.jp", "item.hs"}) {
      if (auto slot = layout.Find(path)) codes_.push_back(*slot);
    }
  }

  void Compare(const rt::Record& record, const io::ReadResult& read, std::string& out, Tally& tally,
               ImpactTally& impact, rt::Verdict& verdict) const {
    ++tally.total;
    if (!read.ok) {
      ++impact.matrix[5][5];  // unreadable for both: unchanged
      return;
    }
    std::optional<rt::Effect> old_fast = Fast(before_, record, verdict);
    std::optional<rt::Effect> new_fast = Fast(after_, record, verdict);
    if (old_fast && new_fast && *old_fast == *new_fast) {
      ++impact.matrix[static_cast<int>(*old_fast)][static_cast<int>(*new_fast)];
      return;
    }
    rt::Decision old_d = Full(before_, record, read);
    rt::Decision new_d = Full(after_, record, read);
    ++impact.matrix[static_cast<int>(old_d.effect)][static_cast<int>(new_d.effect)];
    if (old_d.effect == new_d.effect) return;
    ++impact.changed;
    std::map<std::string, int> rules;  // +1: in the new decision, -1: in the old
    for (const rt::RuleHit& h : new_d.rules) rules[h.rule] |= 1;
    for (const rt::RuleHit& h : old_d.rules) rules[h.rule] |= 2;
    for (const auto& [rule, where] : rules) {
      if (where == 1) ++impact.rules["+" + rule];
      if (where == 2) ++impact.rules["-" + rule];
    }
    ++impact.destinations[destination_ ? Text(record.slot(*destination_)) : "(none)"];
    std::string item = "(none)";
    for (uint32_t slot : codes_) {
      if (record.slot(slot).kind != rt::ValueKind::Unknown) {
        item = Text(record.slot(slot));
        break;
      }
    }
    ++impact.items[item];
    out += fmt::format("{{\"line\":{},\"id\":", read.line);
    if (old_d.id) {
      out += JsonQuote(*old_d.id);
    } else {
      out += "null";
    }
    out += ",\"old\":";
    AppendJson(old_d, out);
    out += ",\"new\":";
    AppendJson(new_d, out);
    out += "}\n";
  }

 private:
  std::optional<rt::Effect> Fast(const CompiledState& s, const rt::Record& record,
                                 rt::Verdict& verdict) const {
    const jit::JitProgram* j = s.Jit();
    if (j != nullptr && j->DecideVerdict(record, decide_, verdict)) return verdict.effect;
    return std::nullopt;
  }

  rt::Decision Full(const CompiledState& s, const rt::Record& record,
                    const io::ReadResult& read) const {
    rt::Decision d = s.Decide(record, decide_);
    d.line = read.line;
    if (d.effect == rt::Effect::Error && !d.id) d.id = read.id;
    return d;
  }

  static void AppendJson(const rt::Decision& d, std::string& out) {
    std::string one;
    rt::AppendDecisionJson(d, one);
    while (!one.empty() && one.back() == '\n') one.pop_back();
    out += one;
  }

  static std::string Text(const rt::Value& v) {
    std::string s = rt::FormatValue(v);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
  }

  const CompiledState& before_;
  const CompiledState& after_;
  const decide::DecideOptions& decide_;
  std::optional<uint32_t> destination_;
  std::vector<uint32_t> codes_;
};

std::vector<ImpactCount> Top(const std::map<std::string, uint64_t>& counts, size_t top) {
  std::vector<ImpactCount> out;
  for (const auto& [key, count] : counts) out.push_back({key, count});
  std::stable_sort(out.begin(), out.end(),
                   [](const ImpactCount& a, const ImpactCount& b) { return a.count > b.count; });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace

ImpactSummary Policy::impact(const Policy& after, std::istream& records,
                             const DecisionWriter& write, const ImpactOptions& options) const {
  ImpactSummary summary;
  if (!state_ || !after.state_) {
    summary.error = "no policy (a compilation failed, or a Policy is empty)";
    return summary;
  }
  if (!detail::SameLayout(state_->program->input, after.state_->program->input)) {
    summary.error =
        "the two policy sets judge different input records (their record types differ), so the "
        "same records cannot be decided by both";
    return summary;
  }
  decide::DecideOptions decide;
  if (!detail::ResolveOptions(DecideOptions{options.as_of, std::nullopt}, decide, summary.error)) {
    return summary;
  }
  const unsigned threads =
      options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : options.threads;
  const rt::RecordLayout& layout = state_->program->input;
  const Comparer comparer(*state_, *after.state_, decide);
  std::vector<std::unique_ptr<ImpactTally>> tallies;
  std::mutex tallies_mutex;
  auto tally_for = [&]() -> ImpactTally* {
    std::lock_guard<std::mutex> lock(tallies_mutex);
    tallies.push_back(std::make_unique<ImpactTally>());
    return tallies.back().get();
  };

  // The units carry their thread's counts (a unit lives on one thread for the whole run).
  struct JsonUnit : JsonLinesUnit {
    using JsonLinesUnit::JsonLinesUnit;
    ImpactTally* impact = nullptr;
  };
  struct CsvImpactUnit : CsvUnit {
    using CsvUnit::CsvUnit;
    ImpactTally* impact = nullptr;
  };
  std::exception_ptr failure;
  Tally tally;
  if (options.input == RecordFormat::JsonLines) {
    io::LineBlockReader reader(records, size_t{1} << 20, 1);
    tally = RunScreen<JsonUnit>(
        threads,
        [&] {
          auto u = std::make_unique<JsonUnit>(layout);
          u->impact = tally_for();
          return u;
        },
        [&](JsonUnit& u) { return reader.Next(u.block); },
        [&](JsonUnit& u, std::string& out, Tally& t) {
          reader.Number(u.block);
          u.decoder.DecodeBlock(
              u.block, u.record, u.read, [&](const rt::Record& record, const io::ReadResult& read) {
                comparer.Compare(record, read, out, t, *u.impact, u.cache.verdict);
              });
        },
        [&] { return reader.bytes_read(); }, write, nullptr, failure);
  } else {
    std::unique_ptr<io::RecordReader> reader = io::MakeReader(io::Format::Csv, records, layout);
    tally = RunScreen<CsvImpactUnit>(
        threads,
        [&] {
          auto u = std::make_unique<CsvImpactUnit>(layout);
          u->impact = tally_for();
          return u;
        },
        [&](CsvImpactUnit& u) { return u.Fill(*reader); },
        [&](CsvImpactUnit& u, std::string& out, Tally& t) {
          for (size_t i = 0; i < u.count; ++i) {
            comparer.Compare(u.records[i], u.reads[i], out, t, *u.impact, u.cache.verdict);
          }
        },
        [] { return uint64_t{0}; }, write, nullptr, failure);
  }
  if (failure) std::rethrow_exception(failure);
  std::map<std::string, uint64_t> rules, destinations, items;
  for (const auto& t : tallies) {
    for (int o = 0; o < 6; ++o) {
      for (int n = 0; n < 6; ++n) summary.matrix[o][n] += t->matrix[o][n];
    }
    summary.changed += t->changed;
    for (const auto& [k, c] : t->rules) rules[k] += c;
    for (const auto& [k, c] : t->destinations) destinations[k] += c;
    for (const auto& [k, c] : t->items) items[k] += c;
  }
  summary.records = tally.total;
  summary.rules = Top(rules, options.top);
  summary.destinations = Top(destinations, options.top);
  summary.items = Top(items, options.top);
  if (records.bad()) summary.error = "error reading records";
  return summary;
}

}  // namespace licit
