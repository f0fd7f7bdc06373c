// An output file that appears only when complete: written to a temporary file beside it, synced
// and renamed over it on Commit (`licit run --out`, `licit fmt -w`). While it is written, the
// kernel is asked every 32 MiB to start writing back what it has (sync_file_range, which does not
// wait), so the disk works while decisions are made and the sync at Commit finds little left.
// Stdout ("" or "-") and devices, FIFOs and sockets are written directly. An interrupted process
// (SIGINT, SIGTERM, SIGHUP) removes its temporary file.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace licit::cli {

class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { Abandon(); }

  // False with *error ("cannot write `PATH`: ...") when the file cannot be created. A file that
  // is replaced keeps its permission bits; a new one gets 0644 (less the umask).
  bool Open(const std::string& path, std::string* error);
  void Write(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), file_);
    if ((unsynced_ += text.size()) >= kWritebackEvery) StartWriteback();
  }
  // Flushes, syncs and renames the temporary file over the path. False with *error.
  bool Commit(std::string* error);
  // Drops what was written (the temporary file is removed; the path is untouched).
  void Abandon();

 private:
  void Buffer();
  void StartWriteback();

  static constexpr size_t kWritebackEvery = size_t{32} << 20;
  size_t unsynced_ = 0;  // bytes given to Write since the last StartWriteback
  std::FILE* file_ = nullptr;
  bool in_place_ = false;  // `path_` is not a regular file: written directly, never renamed
  std::string path_, temp_;
};

}  // namespace licit::cli
