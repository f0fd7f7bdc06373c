// Replays record files through the reader fuzzers' entries (RunJsonLinesReader and RunCsvReader)
// in a normal build, so what fuzzing found stays fixed: ctest `fuzz/readers`. Every file goes
// through both entries (a JSON Lines file read as CSV is hostile input the CSV reader must
// survive too). Directories are searched recursively for *.jsonl, *.ndjson and *.csv files; a file
// named on the command line runs whatever its name. A broken invariant aborts, naming the file
// (printed first).
//
//   run_reader_regressions [--expect-coverage] DIR_OR_FILE...
//
// --expect-coverage fails unless every comparison ran on some line (the DOM reference, the fast
// path, the malformed-JSON check, the CSV reference), so seeds that stopped reaching them, or a
// reference that declines everything, are noticed.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/reader_entries.h"

namespace fs = std::filesystem;

namespace {

bool IsRecordFile(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".jsonl" || ext == ".ndjson" || ext == ".csv";
}

}  // namespace

int main(int argc, char** argv) {
  bool expect_coverage = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--expect-coverage") == 0) {
      expect_coverage = true;
      continue;
    }
    const fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file() && IsRecordFile(entry.path())) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "run_reader_regressions: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: run_reader_regressions [--expect-coverage] DIR_OR_FILE...\n");
    return 2;
  }
  std::sort(files.begin(), files.end());  // a stable order makes a failure easy to reproduce
  uint64_t outcomes = 0;
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::fprintf(stderr, "running %s\n", path.c_str());
    outcomes += licit::fuzz::RunJsonLinesReader(text.str());
    outcomes += licit::fuzz::RunCsvReader(text.str());
  }
  const licit::fuzz::ReaderStats& s = licit::fuzz::Stats();
  std::printf(
      "%zu files, %llu outcomes, every invariant held\n"
      "JSON Lines: %llu lines, %llu records (%llu by the fast path alone), %llu compared with the "
      "DOM reference, %llu malformed\n"
      "CSV: %llu rows, %llu records, %llu compared with the RFC 4180 reference\n",
      files.size(), static_cast<unsigned long long>(outcomes),
      static_cast<unsigned long long>(s.jsonl_lines), static_cast<unsigned long long>(s.jsonl_ok),
      static_cast<unsigned long long>(s.jsonl_fast),
      static_cast<unsigned long long>(s.jsonl_compared),
      static_cast<unsigned long long>(s.jsonl_malformed),
      static_cast<unsigned long long>(s.csv_rows), static_cast<unsigned long long>(s.csv_ok),
      static_cast<unsigned long long>(s.csv_compared));
  if (expect_coverage && (s.jsonl_ok == 0 || s.jsonl_fast == 0 || s.jsonl_compared == 0 ||
                          s.jsonl_malformed == 0 || s.csv_ok == 0 || s.csv_compared == 0)) {
    std::fprintf(stderr, "run_reader_regressions: a comparison never ran (see the counts)\n");
    return 1;
  }
  return 0;
}
