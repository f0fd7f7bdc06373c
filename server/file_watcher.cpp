#include "server/file_watcher.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace licit::server {

namespace fs = std::filesystem;

FileWatcher::FileWatcher(std::function<void()> on_change, std::chrono::milliseconds debounce)
    : on_change_(std::move(on_change)), debounce_(debounce) {}

FileWatcher::~FileWatcher() { Stop(); }

bool FileWatcher::Watch(const std::vector<std::string>& paths, std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopped_) return true;  // a reload racing with shutdown: nothing left to watch for
  if (inotify_fd_ < 0) {
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd_ < 0 || pipe2(stop_pipe_, O_CLOEXEC) != 0) {
      *error = fmt::format("--watch: inotify is unavailable: {}", std::strerror(errno));
      return false;
    }
  }
  // Which directories, and which names in each, count: recomputed whole on every call (the set of
  // imported files changes with the policies).
  std::map<std::string, WatchedDir> wanted;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (fs::recursive_directory_iterator
               it(path, fs::directory_options::skip_permission_denied, ec),
           end;
           !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec)) wanted[it->path().lexically_normal().string()].whole = true;
      }
      wanted[fs::path(path).lexically_normal().string()].whole = true;
      continue;
    }
    fs::path p = fs::path(path).lexically_normal();
    std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
    wanted[dir].names.push_back(p.filename().string());
  }
  // Adding a watch on a directory already watched returns its descriptor again, so directories
  // that stay are never unwatched: no event is lost while the set is updated.
  const uint32_t mask =
      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB;
  std::vector<WatchedDir> updated;
  for (auto& [dir, w] : wanted) {
    int wd = inotify_add_watch(inotify_fd_, dir.c_str(), mask);
    if (wd < 0) continue;  // a directory that vanished: the next reload reports the missing file
    w.wd = wd;
    w.dir = dir;
    updated.push_back(std::move(w));
  }
  for (const WatchedDir& old : dirs_) {
    const bool kept = std::any_of(updated.begin(), updated.end(),
                                  [&](const WatchedDir& d) { return d.wd == old.wd; });
    if (!kept) inotify_rm_watch(inotify_fd_, old.wd);
  }
  dirs_ = std::move(updated);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  return true;
}

bool FileWatcher::Relevant(int wd, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const WatchedDir& d : dirs_) {
    if (d.wd != wd) continue;
    if (d.whole)
      return name.empty() || fs::path(name).extension() == ".licit" ||
             fs::is_directory(fs::path(d.dir) / name);
    return std::find(d.names.begin(), d.names.end(), name) != d.names.end();
  }
  return false;
}

void FileWatcher::Loop() {
  alignas(inotify_event) char buffer[16384];
  bool pending = false;
  for (;;) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    // With a change pending, wait only for the burst to settle.
    const int timeout = pending ? static_cast<int>(debounce_.count()) : -1;
    int ready = poll(fds, 2, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (ready == 0) {
      pending = false;
      on_change_();
      continue;
    }
    for (;;) {
      ssize_t n = read(inotify_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      for (char* p = buffer; p < buffer + n;) {
        auto* event = reinterpret_cast<inotify_event*>(p);
        std::string name = event->len > 0 ? std::string(event->name) : std::string();
        if ((event->mask & IN_Q_OVERFLOW) != 0 || Relevant(event->wd, name)) pending = true;
        p += sizeof(inotify_event) + event->len;
      }
    }
  }
}

void FileWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (stop_pipe_[1] >= 0) {
      char byte = 1;
      (void)!write(stop_pipe_[1], &byte, 1);
    }
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (int* fd : {&inotify_fd_, &stop_pipe_[0], &stop_pipe_[1]}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

}  // namespace licit::server
