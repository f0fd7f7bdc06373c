#include "server/decision_log.h"

#include <cerrno>
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
  return true;
}

DecisionLog::~DecisionLog() { Close(); }

void DecisionLog::Append(std::vector<std::string> lines) {
  if (lines.empty()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_ || !file_) return;
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
      std::fflush(file_);
      if (std::FILE* reopened = std::freopen(path_.c_str(), "a", file_)) {
        file_ = reopened;
      } else {
        // freopen closed the old stream; keep logging somewhere rather than lose decisions.
        std::fprintf(stderr, "licit: cannot reopen the decision log `%s`: %s; retrying\n",
                     path_.c_str(), std::strerror(errno));
        file_ = std::fopen(path_.c_str(), "a");
        if (!file_) reopen_ = true;
      }
    }
    batch.swap(queue_);
    const bool closing = closing_;
    lock.unlock();
    has_room_.notify_all();
    if (file_) {
      for (const std::string& line : batch) std::fwrite(line.data(), 1, line.size(), file_);
      std::fflush(file_);
    }
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
