// The screening loop that Policy::screen and Policy::impact share (internal to api/src): the
// per-thread units of input, the verdict cache, and RunScreen, which reads units in order under
// a lock, works on them on several threads and writes their output in input order. See
// screen.cpp's opening comment for the design.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/src/state.h"
#include "io/record_reader.h"

namespace licit::detail {

// Decisions of one thread, merged at the end. Counted per record, so each thread's has a cache
// line of its own (adjacent in one vector, two threads' counts shared a line and every count
// moved it from core to core).
struct alignas(64) Tally {
  uint64_t by_effect[6] = {};
  uint64_t total = 0;
  uint64_t interpreted = 0;  // of a tiered policy, decided before its JIT was ready
  bool tripped = false;
};

// Per thread: rendered decisions by verdict. With the JIT, a record its fast path decides gets
// exactly the decision decide::PrepareDecision (id, date) plus decide::MaterializeVerdict (the
// rest, from the verdict alone) make, so in its JSON everything after the date depends on the
// verdict only: rendered once per distinct verdict, then copied. A screen usually meets a few
// dozen distinct verdicts; the cache stops growing at kMaxEntries.
struct VerdictCache {
  static constexpr size_t kMaxEntries = 4096;
  rt::Verdict verdict;
  std::string key;
  std::unordered_map<std::string, std::string> rest;  // verdict key -> JSON after the date
  std::string last_key;                               // the last key found in `rest`
  const std::string* last_rest = nullptr;             // and its entry
};

// A JSON Lines thread's unit: a block of lines, and the decoder and record it reuses.
struct JsonLinesUnit {
  explicit JsonLinesUnit(const rt::RecordLayout& layout) : decoder(layout), record(&layout) {}
  VerdictCache cache;
  io::LineBlock block;
  io::JsonLineDecoder decoder;
  rt::Record record;
  io::ReadResult read;
};

// A CSV thread's unit: a batch of records read by the shared reader.
struct CsvUnit {
  static constexpr size_t kBatch = 512;
  explicit CsvUnit(const rt::RecordLayout& layout) {
    records.reserve(kBatch);
    for (size_t i = 0; i < kBatch; ++i) records.emplace_back(&layout);
    reads.resize(kBatch);
  }
  // Reads the next batch from `reader` (called under the read lock); false at the end.
  bool Fill(io::RecordReader& reader) {
    count = 0;
    while (count < kBatch && reader.Next(records[count], reads[count])) ++count;
    return count > 0;
  }
  std::vector<rt::Record> records;
  std::vector<io::ReadResult> reads;
  size_t count = 0;
  VerdictCache cache;
};

// Runs the loop described at the top of this file on `threads` threads. `fill(unit)` reads the
// next unit (called under the read lock; false at the end of the input); `work(unit, out, tally)`
// renders it. Returns the merged tally; the first exception of `write` or `progress` goes to
// `failure` and stops the screen.
//
// Units are written in input order, but no thread waits for its turn: a finished unit's output
// joins the pending ones, and whichever thread finds the next unit to write among them writes
// it (and any that follow), outside the lock, while the others go on working. (A thread that
// waited for its turn idled whenever the unit before its own took longer, about one unit in two
// with two threads.) At most kMaxPending outputs wait at once; a thread far ahead of the oldest
// unit still in work waits for room.
template <class Unit, class Make, class Fill, class Work, class BytesRead>
Tally RunScreen(unsigned threads, Make&& make, Fill&& fill, Work&& work, BytesRead&& bytes_read,
                const DecisionWriter& write,
                const std::function<void(uint64_t, uint64_t)>& progress,
                std::exception_ptr& failure) {
  struct Output {
    std::string text;
    uint64_t records = 0;
  };
  const uint64_t max_pending = 2 * uint64_t{threads} + 2;
  std::mutex read_mutex, out_mutex;
  std::condition_variable room;
  uint64_t next_unit = 0;   // guarded by read_mutex
  bool input_done = false;  // guarded by read_mutex
  // Guarded by out_mutex:
  std::map<uint64_t, Output> pending;  // finished units not yet written, by number
  std::vector<std::string> spare;      // written units' buffers, for reuse
  uint64_t turn = 0;                   // the unit written next
  bool writing = false;                // a thread is writing pending units
  bool failed = false;
  std::atomic<uint64_t> written{0};
  std::vector<Tally> tallies(threads);

  auto stop_reading = [&] {
    std::lock_guard<std::mutex> read_lock(read_mutex);
    input_done = true;
  };
  // Writes the pending units from `turn` on while they are there; called with `lock` held and
  // `writing` set by the caller, returns with the lock held.
  auto write_pending = [&](std::unique_lock<std::mutex>& lock) {
    for (auto it = pending.find(turn); !failed && it != pending.end(); it = pending.find(turn)) {
      Output output = std::move(it->second);
      pending.erase(it);
      lock.unlock();
      bool ok = true;
      try {
        if (!output.text.empty()) write(output.text);  // (a block of blank lines writes nothing)
      } catch (...) {
        ok = false;
        lock.lock();
        if (!failed) failure = std::current_exception();
        failed = true;
        lock.unlock();
        stop_reading();
      }
      written.fetch_add(output.records, std::memory_order_relaxed);
      lock.lock();
      if (ok) {
        output.text.clear();
        spare.push_back(std::move(output.text));
      }
      ++turn;
      room.notify_all();
    }
  };

  auto loop = [&](unsigned t) {
    std::unique_ptr<Unit> unit = make();
    std::string out;
    uint64_t bytes = 0;
    for (;;) {
      uint64_t number;
      {
        std::lock_guard<std::mutex> lock(read_mutex);
        if (input_done || !fill(*unit)) {
          input_done = true;
          return;
        }
        number = next_unit++;
        if (t == 0 && progress) bytes = bytes_read();
      }
      const uint64_t before = tallies[t].total;
      work(*unit, out, tallies[t]);
      {
        std::unique_lock<std::mutex> lock(out_mutex);
        room.wait(lock, [&] { return failed || number < turn + max_pending; });
        if (failed) {
          room.notify_all();
          return;
        }
        pending.emplace(number, Output{std::move(out), tallies[t].total - before});
        out.clear();
        if (!spare.empty()) {
          out = std::move(spare.back());
          spare.pop_back();
        }
        if (!writing) {
          writing = true;
          write_pending(lock);
          writing = false;
        }
        if (failed) {
          room.notify_all();
          return;
        }
      }
      if (t == 0 && progress) {
        try {
          progress(written.load(std::memory_order_relaxed), bytes);
        } catch (...) {
          {
            std::lock_guard<std::mutex> lock(out_mutex);
            if (!failed) failure = std::current_exception();
            failed = true;
            room.notify_all();
          }
          stop_reading();
        }
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(loop, t);
  loop(0);
  for (std::thread& h : helpers) h.join();

  Tally total;
  for (const Tally& t : tallies) {
    for (size_t e = 0; e < std::size(t.by_effect); ++e) total.by_effect[e] += t.by_effect[e];
    total.total += t.total;
    total.interpreted += t.interpreted;
    total.tripped = total.tripped || t.tripped;
  }
  return total;
}

}  // namespace licit::detail
