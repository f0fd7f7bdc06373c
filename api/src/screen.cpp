// Policy::screen: a stream of records in, one decision per record out, in input order, on one or
// more threads (`licit run` is a thin shell around it).
//
// Every thread, the calling one included, runs the same loop: take the next unit of input under
// the read lock (JSON Lines: a block of whole lines, only read there; CSV: a batch of records,
// parsed there because a quoted CSV field may span lines), find its lines and their numbers
// (waiting only for the blocks before it to be counted), decode, decide and render it into the
// thread's own buffer with no lock held, then hand the buffer over to be written in input order
// (by whichever thread finds it next in line: none waits for its turn). Each thread reuses one
// record, which stays in its core's cache, and no line is copied from thread to thread.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <istream>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "api/src/screen_loop.h"
#include "api/src/state.h"
#include "io/record_reader.h"

namespace licit {
namespace {

using detail::CompiledState;
using detail::CsvUnit;
using detail::JsonLinesUnit;
using detail::RunScreen;
using detail::Tally;
using detail::VerdictCache;

// Decides one read record (or turns a read error into an error decision) and renders it, with
// its newline, onto `out`.
class Renderer {
 public:
  Renderer(const CompiledState& policy, const decide::DecideOptions& decide,
           std::optional<rt::Effect> fail_on, RecordFormat format)
      : policy_(policy), decide_(decide), fail_on_(fail_on), format_(format) {}

  void Render(const rt::Record& record, const io::ReadResult& read, std::string& out, Tally& tally,
              VerdictCache& cache) const {
    const jit::JitProgram* jit = policy_.Jit();  // null until a tiered policy's JIT is ready
    if (read.ok && format_ == RecordFormat::JsonLines && jit != nullptr &&
        jit->DecideVerdict(record, decide_, cache.verdict)) {
      const rt::Verdict& v = cache.verdict;
      cache.key.clear();
      cache.key.push_back(static_cast<char>(v.effect));
      for (uint32_t i = 0; i < v.count; ++i) {
        const rt::VerdictHit& h = v.hits[i];
        const uint32_t fields[3] = {h.policy, h.rule, h.exception};
        cache.key.append(reinterpret_cast<const char*>(fields), sizeof fields);
        cache.key.push_back(static_cast<char>(h.effect));
      }
      // Most records repeat the verdict before them (nearly all are allowed by no rule): that
      // one is compared first, without hashing.
      const std::string* rest = nullptr;
      if (cache.last_rest != nullptr && cache.key == cache.last_key) {
        rest = cache.last_rest;
      } else if (auto it = cache.rest.find(cache.key); it != cache.rest.end()) {
        rest = &it->second;
        cache.last_key = cache.key;
        cache.last_rest = rest;  // (the map's nodes stay put as it grows)
      }
      if (rest != nullptr) {
        Count(v.effect, tally);
        AppendHead(record, v.effect, out);
        out += *rest;
        return;
      }
      if (cache.rest.size() < VerdictCache::kMaxEntries) {
        // Render this verdict's decision in full once, and keep what follows its head.
        const size_t start = out.size();
        RenderDecision(record, read, out, tally);
        std::string head;
        AppendHead(record, v.effect, head);
        if (std::string_view(out).substr(start, head.size()) == head) {
          cache.rest.emplace(cache.key, out.substr(start + head.size()));
        }
        return;
      }
    }
    if (jit == nullptr && policy_.jit_state() != JitState::None) ++tally.interpreted;
    RenderDecision(record, read, out, tally);
  }

 private:
  // `{"id":...,"effect":...,"date":...,` of a decision the fast path made: id and date as
  // decide::PrepareDecision sets them, so the head is the full decision's.
  void AppendHead(const rt::Record& record, rt::Effect effect, std::string& out) const {
    const ir::Program& program = *policy_.program;
    rt::AppendDecisionJsonHead(decide::RecordId(program, record), effect,
                               decide::RecordDay(program, record, decide_), out);
  }

  void Count(rt::Effect effect, Tally& tally) const {
    ++tally.by_effect[static_cast<int>(effect)];
    ++tally.total;
    if (fail_on_ && effect != rt::Effect::Error && effect >= *fail_on_) {
      tally.tripped = true;
    }
  }

  void RenderDecision(const rt::Record& record, const io::ReadResult& read, std::string& out,
                      Tally& tally) const {
    rt::Decision d;
    if (!read.ok) {
      d.effect = rt::Effect::Error;
      d.line = read.line;
      d.id = read.id;
      d.error = fmt::format("line {}: {}", read.line, read.error);
    } else {
      d = policy_.Decide(record, decide_);
      d.line = read.line;
      if (d.effect == rt::Effect::Error && !d.error.starts_with("line ")) {
        d.error = fmt::format("line {}: {}", read.line, d.error);
        if (!d.id) d.id = read.id;
      }
    }
    Count(d.effect, tally);
    if (format_ == RecordFormat::Csv) {
      out += rt::DecisionToCsv(d);
    } else {
      rt::AppendDecisionJson(d, out);
    }
    if (out.empty() || out.back() != '\n') out += '\n';
  }

  const CompiledState& policy_;
  const decide::DecideOptions& decide_;
  std::optional<rt::Effect> fail_on_;
  RecordFormat format_;
};

}  // namespace

ScreenSummary Policy::screen(std::istream& records, const DecisionWriter& write,
                             const ScreenOptions& options) const {
  ScreenSummary summary;
  if (!state_) {
    summary.error = "no policy (the compilation failed, or the Policy is empty)";
    return summary;
  }
  decide::DecideOptions decide;
  if (!detail::ResolveOptions(DecideOptions{options.as_of, std::nullopt}, decide, summary.error)) {
    return summary;
  }
  if (options.first_line == 0) {
    summary.error = "first_line is a line number: it starts at 1";
    return summary;
  }
  if (options.first_line != 1 && options.input != RecordFormat::JsonLines) {
    summary.error = "first_line applies to JSON Lines only: CSV input starts with its header";
    return summary;
  }
  std::optional<rt::Effect> fail_on;
  if (options.fail_on) fail_on = static_cast<rt::Effect>(*options.fail_on);
  const unsigned threads =
      options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : options.threads;
  const CompiledState& policy = *state_;
  const rt::RecordLayout& layout = policy.program->input;
  const Renderer renderer(policy, decide, fail_on, options.output);
  if (options.output == RecordFormat::Csv) write(rt::DecisionCsvHeader() + "\n");

  std::exception_ptr failure;
  Tally tally;
  if (options.input == RecordFormat::JsonLines) {
    io::LineBlockReader reader(records, size_t{1} << 20, options.first_line);
    tally = RunScreen<JsonLinesUnit>(
        threads, [&] { return std::make_unique<JsonLinesUnit>(layout); },
        [&](JsonLinesUnit& u) { return reader.Next(u.block); },
        [&](JsonLinesUnit& u, std::string& out, Tally& t) {
          reader.Number(u.block);
          u.decoder.DecodeBlock(u.block, u.record, u.read,
                                [&](const rt::Record& record, const io::ReadResult& read) {
                                  renderer.Render(record, read, out, t, u.cache);
                                });
        },
        [&] { return reader.bytes_read(); }, write, options.progress, failure);
  } else {
    std::unique_ptr<io::RecordReader> reader = io::MakeReader(io::Format::Csv, records, layout);
    tally = RunScreen<CsvUnit>(
        threads, [&] { return std::make_unique<CsvUnit>(layout); },
        [&](CsvUnit& u) { return u.Fill(*reader); },
        [&](CsvUnit& u, std::string& out, Tally& t) {
          for (size_t i = 0; i < u.count; ++i) {
            renderer.Render(u.records[i], u.reads[i], out, t, u.cache);
          }
        },
        [&, last = uint64_t{0}]() mutable {
          // The reader's position (called under the read lock). tellg fails once the reader has
          // hit the end of the input: the last position read stands, and the end is the size.
          const std::streamoff at = records.tellg();
          if (at >= 0) last = static_cast<uint64_t>(at);
          return last;
        },
        write, options.progress, failure);
  }
  if (failure) std::rethrow_exception(failure);
  summary.records = tally.total;
  std::copy(std::begin(tally.by_effect), std::end(tally.by_effect), summary.by_effect);
  summary.tripped = tally.tripped;
  summary.interpreted = tally.interpreted;
  if (records.bad()) summary.error = "error reading records";
  return summary;
}

}  // namespace licit
