#include "tools/licit/output_file.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

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
    in_place_ = true;
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
  file_ = fdopen(fd, "w");
  if (file_) Buffer();
  return file_ != nullptr;
}

// Decisions are small and many: one write per MiB instead of per 4 KiB.
void OutputFile::Buffer() { std::setvbuf(file_, nullptr, _IOFBF, size_t{1} << 20); }

void OutputFile::StartWriteback() {
  unsynced_ = 0;
  // Only the temporary file is synced at Commit; stdout, devices and pipes are left alone.
  if (file_ == stdout || in_place_) return;
  // The whole file: pages already being written back are skipped; a failure only means Commit's
  // fsync does all the work, as it did before.
  (void)sync_file_range(fileno(file_), 0, 0, SYNC_FILE_RANGE_WRITE);
}

bool OutputFile::Commit(std::string* error) {
  if (file_ == stdout) {
    std::fflush(stdout);
    file_ = nullptr;
    return true;
  }
  // A file written in place is neither synced (a device or pipe may refuse) nor renamed.
  bool ok = std::fflush(file_) == 0 && (in_place_ || fsync(fileno(file_)) == 0);
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (ok && !in_place_ && std::rename(temp_.c_str(), path_.c_str()) != 0) ok = false;
  if (!ok) {
    *error = fmt::format("cannot write `{}`: {}", path_, std::strerror(errno));
    if (!in_place_) unlink(temp_.c_str());
  }
  g_temp_path[0] = '\0';
  return ok;
}

void OutputFile::Abandon() {
  if (file_ && file_ != stdout) {
    std::fclose(file_);
    if (!in_place_) unlink(temp_.c_str());
    g_temp_path[0] = '\0';
  }
  file_ = nullptr;
}

}  // namespace licit::cli
