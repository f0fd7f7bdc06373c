#include "tools/licit/output_file.h"

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/licit/write_all.h"

namespace licit::cli {
namespace {

// The temporary file being written, removed if the process is interrupted (a signal handler may
// only use async-signal-safe calls, hence the fixed buffer). One at a time per process.
char g_temp_path[4096];

void RemoveTempAndDie(int sig) {
  if (g_temp_path[0]) unlink(g_temp_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

// Chunks of the caller's text go to a queue; the thread writes them to the file descriptor in
// order and hands the buffers back. At most kQueued chunks wait, so a disk slower than the caller
// holds it back instead of letting memory grow. The first failed write's errno is kept, and the
// rest is dropped: Commit reports it.
class OutputFile::Writer {
 public:
  explicit Writer(int fd) : fd_(fd), thread_([this] { Run(); }) { pending_.reserve(kChunk); }
  ~Writer() { Finish(); }

  void Append(std::string_view text) {
    pending_.append(text);
    if (pending_.size() >= kChunk) Hand();
  }
  // Writes what is left and stops the thread; 0, or the errno of the first failed write.
  int Finish() {
    if (thread_.joinable()) {
      Hand();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_ = true;
      }
      changed_.notify_all();
      thread_.join();
    }
    return error_;
  }
  int fd() const { return fd_; }

 private:
  static constexpr size_t kChunk = size_t{4} << 20;
  static constexpr size_t kQueued = 2;
  static constexpr size_t kWritebackEvery = size_t{8} << 20;

  void Hand() {
    if (pending_.empty()) return;
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < kQueued; });
    queue_.push_back(std::move(pending_));
    pending_.clear();
    if (!spare_.empty()) {
      pending_ = std::move(spare_.back());
      spare_.pop_back();
    }
    changed_.notify_all();
  }

  void Run() {
    size_t unsynced = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;  // done, and everything written
      std::string chunk = std::move(queue_.front());
      queue_.pop_front();
      changed_.notify_all();
      lock.unlock();
      if (error_ == 0 && !WriteAll(fd_, chunk)) error_ = errno;
      if ((unsynced += chunk.size()) >= kWritebackEvery) {
        unsynced = 0;
        // The whole file: pages already being written back are skipped; a failure only means
        // Commit's fsync does all the work.
        (void)sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
      }
      chunk.clear();
      lock.lock();
      spare_.push_back(std::move(chunk));
    }
  }

  const int fd_;
  std::string pending_;  // the caller's: not yet handed over
  std::mutex mutex_;
  std::condition_variable changed_;  // the queue changed, or done_ was set
  std::deque<std::string> queue_;    // guarded by mutex_
  std::vector<std::string> spare_;   // guarded by mutex_: written buffers, for reuse
  bool done_ = false;                // guarded by mutex_
  int error_ = 0;                    // the thread's, read after join
  std::thread thread_;               // last: started once the rest exists
};

OutputFile::OutputFile() = default;
OutputFile::~OutputFile() { Abandon(); }

void OutputFile::Write(std::string_view text) {
  if (writer_) {
    writer_->Append(text);
  } else {
    std::fwrite(text.data(), 1, text.size(), file_);
  }
}

bool OutputFile::Open(const std::string& path, std::string* error) {
  if (path.empty() || path == "-") {
    file_ = stdout;
    Buffer();
    return true;
  }
  path_ = path;
  // A device, FIFO or socket (`--out /dev/null`, a named pipe) is written in place: renaming a
  // file over it would replace the device with a regular file (for root, /dev/null itself).
  struct stat st;
  bool exists = stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) {
      *error = fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
      return false;
    }
    Buffer();
    return true;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  temp_ = dir + "." + base + ".tmp-XXXXXX";
  if (temp_.size() >= sizeof g_temp_path) {
    *error = "the output path is too long";
    return false;
  }
  int fd = mkstemp(temp_.data());
  if (fd < 0) {
    *error = fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
    return false;
  }
  if (exists && S_ISREG(st.st_mode)) {
    fchmod(fd, st.st_mode & 07777);
  } else {
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0644 & ~mask);
  }
  std::memcpy(g_temp_path, temp_.c_str(), temp_.size() + 1);
  std::signal(SIGINT, RemoveTempAndDie);
  std::signal(SIGTERM, RemoveTempAndDie);
  std::signal(SIGHUP, RemoveTempAndDie);
  writer_ = std::make_unique<Writer>(fd);
  return true;
}

// Decisions are small and many: one write per MiB instead of per 4 KiB.
void OutputFile::Buffer() { std::setvbuf(file_, nullptr, _IOFBF, size_t{1} << 20); }

bool OutputFile::Commit(std::string* error) {
  if (writer_) {
    const int fd = writer_->fd();
    int failure = writer_->Finish();
    writer_.reset();
    if (failure == 0 && fsync(fd) != 0) failure = errno;
    if (close(fd) != 0 && failure == 0) failure = errno;
    if (failure == 0 && std::rename(temp_.c_str(), path_.c_str()) != 0) failure = errno;
    g_temp_path[0] = '\0';
    if (failure != 0) {
      *error = fmt::format("cannot write `{}`: {}", path_, std::strerror(failure));
      unlink(temp_.c_str());
      return false;
    }
    return true;
  }
  if (file_ == stdout) {
    std::fflush(stdout);
    file_ = nullptr;
    return true;
  }
  // A file written in place is neither synced (a device or pipe may refuse) nor renamed.
  bool ok = std::fflush(file_) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) *error = fmt::format("cannot write `{}`: {}", path_, std::strerror(errno));
  return ok;
}

void OutputFile::Abandon() {
  if (writer_) {
    const int fd = writer_->fd();
    writer_.reset();  // writes what was handed over, to a file about to go
    close(fd);
    unlink(temp_.c_str());
    g_temp_path[0] = '\0';
  } else if (file_ && file_ != stdout) {
    std::fclose(file_);
  }
  file_ = nullptr;
}

}  // namespace licit::cli
