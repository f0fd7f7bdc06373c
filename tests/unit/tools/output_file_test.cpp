// OutputFile (tools/licit/output_file.h): the file appears only on Commit, whole; the writer
// thread and the writeback it starts while writing change no byte; a failed write is reported.
#include "tools/licit/output_file.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh directory under the system's temporary directory, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "licit-output-XXXXXX").string();
    path = mkdtemp(templ.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("an output file appears whole on Commit, past several writebacks") {
  TempDir dir;
  const std::filesystem::path out = dir.path / "decisions.jsonl";
  std::ofstream(out) << "the previous run's decisions\n";
  licit::cli::OutputFile file;
  std::string error;
  REQUIRE(file.Open(out.string(), &error));
  // 80 MiB in lines of varying length: two writebacks and a tail.
  std::string expected, line;
  for (size_t i = 0; expected.size() < (size_t{80} << 20); ++i) {
    line = "{\"id\":\"S" + std::to_string(i) + "\",\"effect\":\"allow\"" +
           std::string(i % 97, ' ') + "}\n";
    file.Write(line);
    expected += line;
  }
  // Nothing replaced yet: the old file is intact until Commit.
  CHECK(ReadAll(out) == "the previous run's decisions\n");
  REQUIRE(file.Commit(&error));
  CHECK(std::filesystem::file_size(out) == expected.size());
  CHECK(ReadAll(out) == expected);
  // No temporary file is left beside it.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path)) ++files;
  CHECK(files == 1);
}

TEST_CASE("an abandoned output file leaves the path untouched") {
  TempDir dir;
  const std::filesystem::path out = dir.path / "decisions.jsonl";
  std::ofstream(out) << "kept\n";
  {
    licit::cli::OutputFile file;
    std::string error;
    REQUIRE(file.Open(out.string(), &error));
    file.Write(std::string(size_t{40} << 20, 'x'));
  }  // destroyed without Commit
  CHECK(ReadAll(out) == "kept\n");
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path)) ++files;
  CHECK(files == 1);
}

// A write that fails on the writer thread (here: past the process's file-size limit, EFBIG) is
// reported by Commit, which then leaves the path as it was and no temporary file behind. In a
// child process, whose limit the test runner does not share.
TEST_CASE("a failed write is reported by Commit and replaces nothing") {
  TempDir dir;
  const std::filesystem::path out = dir.path / "decisions.jsonl";
  std::ofstream(out) << "kept\n";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // a failed write instead of the signal's death
    rlimit limit{size_t{1} << 20, size_t{1} << 20};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(10);
    licit::cli::OutputFile file;
    std::string error;
    if (!file.Open(out.string(), &error)) _exit(11);
    for (int i = 0; i < 40; ++i) file.Write(std::string(size_t{256} << 10, 'x'));  // 10 MiB
    if (file.Commit(&error)) _exit(12);
    // "cannot write `PATH`: File too large"
    _exit(error.find("cannot write `" + out.string() + "`: ") == 0 &&
                  error.find("too large") != std::string::npos
              ? 0
              : 13);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ReadAll(out) == "kept\n");
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path)) ++files;
  CHECK(files == 1);
}
