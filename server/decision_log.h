// The audit log of `licit serve --decision-log FILE` (docs/server.md, "Decision log"): one JSON
// line per decision, appended by a background writer in batches. Requests hand their lines to a
// bounded queue and never wait for the disk, unless the queue is full: then they wait, because a
// decision must never be missing from the log. SIGUSR1 asks for the file to be reopened (after
// logrotate moved it); Close() writes everything queued and closes the file. When the file
// cannot be reopened, the lines stay queued (requests block once the queue is full) and the
// writer retries every second, so a full disk or a missing directory delays decisions instead of
// dropping them from the log.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace licit::server {

class DecisionLog {
 public:
  // Opens (creates, appends to) `path` and starts the writer. False with `error` when the file
  // cannot be opened.
  bool Open(const std::string& path, std::string* error);
  ~DecisionLog();

  // Read by every request (whether to build log lines): set by Open, cleared by Close.
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }

  // Queues whole lines (each ending in '\n') in order; blocks while the queue is over its bound.
  void Append(std::vector<std::string> lines);
  void Append(std::string line);

  // Reopens the file at the same path before the next batch (logrotate's `postrotate`).
  void RequestReopen();
  // Writes everything queued, flushes and stops the writer; later Appends are dropped.
  void Close();

  uint64_t queue_depth() const;
  uint64_t lines_written() const;

 private:
  void WriterLoop();

  static constexpr size_t kMaxQueuedLines = 65536;

  std::string path_;
  std::FILE* file_ = nullptr;  // the writer's (Open and Close before and after it)
  std::thread writer_;
  std::atomic<bool> enabled_{false};

  mutable std::mutex mutex_;
  std::condition_variable has_lines_;  // the writer waits for work
  std::condition_variable has_room_;   // requests wait for room
  std::deque<std::string> queue_;
  bool reopen_ = false;
  bool reopen_failing_ = false;  // the last reopen failed: retried every second
  bool closing_ = false;
  uint64_t written_ = 0;
};

}  // namespace licit::server
