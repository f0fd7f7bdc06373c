// The JIT's machine code kept on disk between processes (`LICIT_JIT_CACHE=DIR`), so a policy
// compiled once starts at full speed the next time: LLVM's optimiser and code generator cost
// about 25 ms of CPU for even the 4-rule reference policy (mostly fixed costs per function), and
// seconds for 10,000 rules. Internal to engines/jit.
//
// An entry is the object file of one module, named by the SHA-256 of everything its machine code
// depends on: the module's bitcode before optimisation (which holds the symbol prefix, the target
// triple and data layout), how it is compiled (CPU, features, optimisation level), and the Licit
// and LLVM versions. (Bitcode, not the module's text: the same module, written in half the
// instructions, 1.1 M for small.licit's, which every cached start pays.) Its contents end with the
// SHA-256 of the object, checked on every load: a truncated or damaged entry is removed and
// compiled again. Entries are written to a temporary file and renamed, so processes may share a
// directory; the least recently used go when the directory passes kMaxBytes. The directory must
// belong to the user and be writable by no one else (it holds code this process runs); otherwise
// there is no cache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace llvm {
class MemoryBuffer;
class Module;
}  // namespace llvm

namespace licit::jit {

class CodeCache {
 public:
  static constexpr uint64_t kMaxBytes = uint64_t{256} << 20;

  // The process's cache: LICIT_JIT_CACHE names its directory (made if missing, mode 0700); null
  // when it is unset, empty or `off`, or the directory cannot be used.
  static const CodeCache* Get();
  // Replaces the process's cache (tests; not while a compile is in flight). Null: none.
  static void Use(std::unique_ptr<CodeCache> cache);
  // A cache in `dir` holding at most `max_bytes`; null when the directory cannot be used.
  static std::unique_ptr<CodeCache> Open(const std::string& dir, uint64_t max_bytes = kMaxBytes);

  // The key of `module` compiled for `target`, a description of how it is compiled (the triple,
  // CPU, features, optimisation level, code and relocation models: the JIT's TargetDescription).
  // Call it before optimising the module. No target machine is needed: a cached module's start
  // should not pay for making one.
  std::string Key(const llvm::Module& module, std::string_view target) const;
  // The object stored under `key`, or null (none, or damaged: then removed).
  std::unique_ptr<llvm::MemoryBuffer> Load(const std::string& key) const;
  // Stores `object` under `key`; failures (a full disk, a race with another process) only mean
  // the next process compiles again.
  void Store(const std::string& key, const llvm::MemoryBuffer& object) const;

  const std::string& dir() const { return dir_; }

 private:
  CodeCache(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  void Trim() const;  // removes the least recently used entries above max_bytes_

  std::string dir_;
  uint64_t max_bytes_;
};

}  // namespace licit::jit
