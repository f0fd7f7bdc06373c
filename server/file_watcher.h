// `licit serve --watch`: notices changes to the policy files (and the files they import, and new
// files in a directory argument) with Linux inotify, and calls back once a burst of changes has
// settled. It watches the directories holding the files, not the files themselves, so a file an
// editor replaces by renaming a new one over it (vim, most IDEs) keeps being noticed.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace licit::server {

class FileWatcher {
 public:
  // `on_change` runs on the watcher's thread, `debounce` after the last change of a burst.
  FileWatcher(std::function<void()> on_change, std::chrono::milliseconds debounce);
  ~FileWatcher();

  // Starts (or updates) watching: `paths` are files (their directory is watched, for them alone)
  // and directories (watched with their subdirectories, for *.licit files). False with `error`
  // when inotify is unavailable. Thread-safe (a reload may call it from any thread).
  bool Watch(const std::vector<std::string>& paths, std::string* error);
  // Stops the watcher thread and closes inotify; later Watch() calls do nothing. Not from the
  // callback (it would join its own thread).
  void Stop();

 private:
  void Loop();
  bool Relevant(int wd, const std::string& name) const;

  std::function<void()> on_change_;
  std::chrono::milliseconds debounce_;
  int inotify_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::thread thread_;

  mutable std::mutex mutex_;
  struct WatchedDir {
    int wd = -1;
    std::string dir;
    bool whole = false;              // a directory argument: any *.licit in it counts
    std::vector<std::string> names;  // else: the files in it that count
  };
  std::vector<WatchedDir> dirs_;
  bool stopped_ = false;  // after Stop(), Watch() does nothing
};

}  // namespace licit::server
