#include "server/decision_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace licit::server {

bool DecisionLog::Open(const std::string& path, std::string* error) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) {
    *error = fmt::format("cannot open the decision log `{}`: {}", path, std::strerror(errno));
    return false;
  }
  writer_ = std::thread([this] { WriterLoop(); });
  enabled_.store(true, std::memory_order_release);
  return true;
}

DecisionLog::~DecisionLog() { Close(); }

void DecisionLog::Append(std::vector<std::string> lines) {
  if (lines.empty()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_ || !enabled()) return;
  // Wait for room for the whole batch (or for an empty queue, for a batch over the bound), so a
  // request's lines stay together and in order.
  has_room_.wait(lock, [&] {
    return closing_ || queue_.empty() || queue_.size() + lines.size() <= kMaxQueuedLines;
  });
  if (closing_) return;
  for (std::string& line : lines) queue_.push_back(std::move(line));
  has_lines_.notify_one();
}

void DecisionLog::Append(std::string line) {
  std::vector<std::string> lines;
  lines.push_back(std::move(line));
  Append(std::move(lines));
}

void DecisionLog::RequestReopen() {
  std::lock_guard<std::mutex> lock(mutex_);
  reopen_ = true;
  has_lines_.notify_one();
}

void DecisionLog::WriterLoop() {
  std::deque<std::string> batch;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    has_lines_.wait(lock, [&] { return closing_ || reopen_ || !queue_.empty(); });
    if (reopen_) {
      reopen_ = false;
      if (file_) std::fclose(file_);  // flushed after every batch: nothing is pending
      file_ = std::fopen(path_.c_str(), "a");
      if (!file_ && !reopen_failing_) {
        std::fprintf(stderr,
                     "licit: cannot reopen the decision log `%s`: %s; decisions wait in memory "
                     "(requests block once %zu wait) and it is retried every second\n",
                     path_.c_str(), std::strerror(errno), kMaxQueuedLines);
      } else if (file_ && reopen_failing_) {
        std::fprintf(stderr, "licit: the decision log `%s` is open again\n", path_.c_str());
      }
      reopen_failing_ = file_ == nullptr;
    }
    if (!file_) {
      // No file: keep the lines queued rather than lose them, and try again in a second (at
      // once when closing, and then give up, saying how many decisions were not logged).
      if (!closing_) {
        has_lines_.wait_for(lock, std::chrono::seconds(1), [&] { return closing_; });
        reopen_ = true;
        continue;
      }
      file_ = std::fopen(path_.c_str(), "a");
      if (!file_) {
        std::fprintf(stderr, "licit: %zu decisions could not be written to the decision log `%s`\n",
                     queue_.size(), path_.c_str());
        break;
      }
    }
    batch.swap(queue_);
    const bool closing = closing_;
    lock.unlock();
    has_room_.notify_all();
    for (const std::string& line : batch) std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
    lock.lock();
    written_ += batch.size();
    batch.clear();
    if (closing && queue_.empty()) break;
  }
}

void DecisionLog::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    closing_ = true;
    enabled_.store(false, std::memory_order_release);
    has_lines_.notify_one();
    has_room_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

uint64_t DecisionLog::queue_depth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

uint64_t DecisionLog::lines_written() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return written_;
}

}  // namespace licit::server
