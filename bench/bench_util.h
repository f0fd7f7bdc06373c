// Small helpers the benchmarks share.
#pragma once

#include <streambuf>
#include <string>

#include <time.h>

namespace licit::bench {

// CPU time of the calling thread, in seconds (what a loaded machine cannot inflate).
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// An istream buffer over bytes already in memory (no copy), for the record readers.
class MemoryBuf : public std::streambuf {
 public:
  explicit MemoryBuf(std::string& text) {
    setg(text.data(), text.data(), text.data() + text.size());
  }
};

}  // namespace licit::bench
