// Replays list files through the screening fuzz entry (RunScreening) in a normal build, so what
// fuzzing found stays fixed: ctest `fuzz/screening`. Its arguments are the saved reproducers, the
// seeds and the list files of the examples and the goldens.
//
//   run_screening_regressions DIR_OR_FILE...

#include <cstdio>

#include "tests/fuzz/replay_files.h"
#include "tests/fuzz/screening_entry.h"

int main(int argc, char** argv) {
  size_t replayed = 0;
  int status = licit::fuzz::ReplayFiles(
      argc, argv, "run_screening_regressions",
      [](const uint8_t* data, size_t size) {
        licit::fuzz::RunScreening(std::string_view(reinterpret_cast<const char*>(data), size));
      },
      &replayed);
  if (status != 0) return status;
  const licit::fuzz::ScreeningStats& s = licit::fuzz::ScreeningCounters();
  std::printf(
      "run_screening_regressions: %zu files, %llu entries, %llu names screened (%llu matches, %llu "
      "possible), %llu diagnostics\n",
      replayed, static_cast<unsigned long long>(s.entries),
      static_cast<unsigned long long>(s.screened), static_cast<unsigned long long>(s.matches),
      static_cast<unsigned long long>(s.possible), static_cast<unsigned long long>(s.diagnostics));
  // Every list of the examples and goldens has entries: a replay that read none is broken.
  return s.entries > 0 && s.matches > 0 ? 0 : 1;
}
