// An output file that appears only when complete: written to a temporary file beside it, synced
// and renamed over it on Commit (`licit run --out`, `licit fmt -w`). The temporary file is written
// by a thread of its own, in chunks of 4 MiB, so the kernel's copy of the bytes runs beside the
// caller's work instead of inside it; every 8 MiB that thread asks the kernel to start writing
// back what it has (sync_file_range, which does not wait), so the disk works while decisions are
// made and the sync at Commit finds little left. Stdout ("" or "-") and devices, FIFOs and sockets
// are written directly. An interrupted process (SIGINT, SIGTERM, SIGHUP) removes its temporary
// file.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace licit::cli {

class OutputFile {
 public:
  OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // False with *error ("cannot write `PATH`: ...") when the file cannot be created. A file that
  // is replaced keeps its permission bits; a new one gets 0644 (less the umask).
  bool Open(const std::string& path, std::string* error);
  void Write(std::string_view text);
  // Flushes, syncs and renames the temporary file over the path. False with *error.
  bool Commit(std::string* error);
  // Drops what was written (the temporary file is removed; the path is untouched).
  void Abandon();

 private:
  class Writer;  // the temporary file's writing thread (output_file.cpp)
  void Buffer();

  std::FILE* file_ = nullptr;       // stdout, or a device, FIFO or socket written in place
  std::unique_ptr<Writer> writer_;  // the temporary file, renamed over `path_` on Commit
  std::string path_, temp_;
};

}  // namespace licit::cli
