#include "engines/jit/code_cache.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>
#include <sys/stat.h>
#include <unistd.h>

namespace licit::jit {
namespace {

// Bumped when what an entry holds changes.
constexpr std::string_view kFormat = "licit-jit-cache 2";
constexpr size_t kDigest = 32;  // SHA-256

std::array<uint8_t, kDigest> Digest(std::string_view bytes) {
  llvm::SHA256 sha;
  sha.update(llvm::StringRef(bytes.data(), bytes.size()));
  return sha.final();
}

// Whether `path` is a directory of this user that no one else may write to, made if missing
// (with its missing parents, mode 0700 as the XDG base directory specification asks of
// ~/.cache: the command line's default is ~/.cache/licit/jit, whose parents may not exist yet).
bool UsableDirectory(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    if (mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
         (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

bool IsEntryName(std::string_view name) {
  return name.size() == 2 * kDigest + 2 && name.ends_with(".o");
}

}  // namespace

namespace {

std::atomic<const CodeCache*> g_cache{nullptr};

}  // namespace

const CodeCache* CodeCache::Get() {
  static const bool from_environment = [] {
    const char* dir = std::getenv("LICIT_JIT_CACHE");
    if (dir != nullptr && *dir != '\0' && std::string_view(dir) != "off") {
      g_cache.store(Open(dir).release());  // for the process's life
    }
    return true;
  }();
  (void)from_environment;
  return g_cache.load(std::memory_order_acquire);
}

void CodeCache::Use(std::unique_ptr<CodeCache> cache) {
  Get();  // the environment's first, so it cannot overwrite this later
  // Every cache stays alive until exit: a compile on another thread may still hold one.
  static std::mutex mutex;
  static std::vector<std::unique_ptr<CodeCache>> kept;
  std::lock_guard<std::mutex> lock(mutex);
  g_cache.store(cache.get(), std::memory_order_release);
  if (cache) kept.push_back(std::move(cache));
}

std::unique_ptr<CodeCache> CodeCache::Open(const std::string& dir, uint64_t max_bytes) {
  if (dir.empty() || !UsableDirectory(dir)) return nullptr;
  return std::unique_ptr<CodeCache>(new CodeCache(dir, max_bytes));
}

std::string CodeCache::Key(const llvm::Module& module, std::string_view target) const {
  llvm::SmallVector<char, 0> bitcode;
  llvm::BitcodeWriter writer(bitcode);
  writer.writeModule(module);
  writer.writeStrtab();  // the names of the module's functions and globals
  llvm::SHA256 sha;
  for (std::string_view part : {kFormat, std::string_view("\nLLVM " LLVM_VERSION_STRING "\n"),
                                target, std::string_view("\n")}) {
    sha.update(llvm::StringRef(part.data(), part.size()));
  }
  sha.update(llvm::StringRef(bitcode.data(), bitcode.size()));
  const std::array<uint8_t, kDigest> digest = sha.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), /*LowerCase=*/true);
}

std::unique_ptr<llvm::MemoryBuffer> CodeCache::Load(const std::string& key) const {
  const std::string path = dir_ + "/" + key + ".o";
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) return nullptr;
  const llvm::StringRef bytes = (*file)->getBuffer();
  if (bytes.size() <= kDigest) {
    unlink(path.c_str());
    return nullptr;
  }
  const llvm::StringRef object = bytes.drop_back(kDigest);
  const std::array<uint8_t, kDigest> digest = Digest({object.data(), object.size()});
  if (std::memcmp(digest.data(), bytes.data() + object.size(), kDigest) != 0) {
    unlink(path.c_str());  // damaged: compiled and stored again
    return nullptr;
  }
  utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used (Trim removes the oldest)
  return llvm::MemoryBuffer::getMemBufferCopy(object, key);
}

void CodeCache::Store(const std::string& key, const llvm::MemoryBuffer& object) const {
  std::string temp = dir_ + "/.tmp-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) return;
  const llvm::StringRef bytes = object.getBuffer();
  const std::array<uint8_t, kDigest> digest = Digest({bytes.data(), bytes.size()});
  auto write_all = [fd](const char* p, size_t n) {
    while (n > 0) {
      const ssize_t w = write(fd, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  };
  const bool written = write_all(bytes.data(), bytes.size()) &&
                       write_all(reinterpret_cast<const char*>(digest.data()), kDigest);
  if (close(fd) != 0 || !written ||
      std::rename(temp.c_str(), (dir_ + "/" + key + ".o").c_str()) != 0) {
    unlink(temp.c_str());
    return;
  }
  Trim();
}

void CodeCache::Trim() const {
  struct Entry {
    std::string path;
    uint64_t bytes;
    timespec used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  DIR* d = opendir(dir_.c_str());
  if (d == nullptr) return;
  while (const dirent* e = readdir(d)) {
    if (!IsEntryName(e->d_name)) continue;
    std::string path = dir_ + "/" + e->d_name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    entries.push_back({std::move(path), static_cast<uint64_t>(st.st_size), st.st_mtim});
    total += static_cast<uint64_t>(st.st_size);
  }
  closedir(d);
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.used.tv_sec != b.used.tv_sec ? a.used.tv_sec < b.used.tv_sec
                                          : a.used.tv_nsec < b.used.tv_nsec;
  });
  // Down to three quarters, so that a full cache is not trimmed on every store.
  for (const Entry& e : entries) {
    if (total <= max_bytes_ / 4 * 3) break;
    if (unlink(e.path.c_str()) == 0) total -= e.bytes;
  }
}

}  // namespace licit::jit
