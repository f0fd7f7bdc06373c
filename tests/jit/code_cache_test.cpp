// The JIT's code cache (engines/jit/code_cache.h, LICIT_JIT_CACHE): a policy compiled by one
// process has its machine code loaded by the next, which decides exactly as the interpreter; a
// damaged entry is compiled again; a directory others may write to is refused; the least recently
// used entries go past the size limit. Each "process" is a child forked from this one, so that,
// like two runs of `licit run`, both compile with the same symbol prefix.
#include "engines/jit/code_cache.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <llvm/Support/MemoryBuffer.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/decision.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/jit.h"
#include "io/record_reader.h"
#include "tests/differential/random_policy.h"
#include "tests/jit/compile_for_test.h"

namespace licit {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "licit-jit-cache-XXXXXX").string();
    path = mkdtemp(templ.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<fs::path> Entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".o") out.push_back(e.path());
  return out;
}

// In a child process: compiles `text` with the cache in `dir`, checks whether its modules came
// from the cache (all of them, or none: the fast path's and, when the program has full-path code,
// its conditions') and that 200 records are decided as the interpreter decides them. The child's
// exit status: 0, or which check failed.
int CompileInChild(const std::string& dir, const std::string& text, bool want_cached) {
  const pid_t pid = fork();
  if (pid < 0) return 100;
  if (pid == 0) {
    jit::CodeCache::Use(jit::CodeCache::Open(dir));
    if (jit::CodeCache::Get() == nullptr) _exit(1);
    std::string errors;
    auto compiled = testing::CompileSource(text, &errors);
    if (!compiled) _exit(2);
    interp::Interpreter interp(*compiled->program);
    std::string error;
    auto program = jit::JitProgram::Compile(*compiled->program, interp, &error);
    if (!program) _exit(3);
    const uint32_t modules = 1 + (program->shape().full_path_code ? 1 : 0);
    if (program->shape().cached_modules != (want_cached ? modules : 0)) _exit(4);
    testing::Gen gen(5);
    rt::Record record(&compiled->program->input);
    for (int i = 0; i < 200; ++i) {
      std::string err;
      record.Clear();
      if (!io::ReadJsonRecord(gen.Record(i), record, err)) continue;
      if (rt::DecisionToJson(program->Decide(record)) !=
          rt::DecisionToJson(interp.Decide(record, {})))
        _exit(5);
    }
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return 101;
  return WEXITSTATUS(status);
}

TEST_CASE("jit code cache: the next process loads the code and decides the same", "[jit][cache]") {
  TempDir dir;
  testing::Gen gen(11);
  const std::string text = gen.Policy();
  // One entry a module: the fast path's, and the full path's conditions' (a program of this
  // size has them).
  CHECK(CompileInChild(dir.path, text, false) == 0);  // compiled, and stored
  REQUIRE(Entries(dir.path).size() == 2);
  CHECK(CompileInChild(dir.path, text, true) == 0);  // loaded
  CHECK(Entries(dir.path).size() == 2);

  // Another policy: other entries.
  CHECK(CompileInChild(dir.path, testing::Gen(12).Policy(), false) == 0);
  CHECK(Entries(dir.path).size() == 4);

  SECTION("a damaged entry is compiled again") {
    for (const fs::path& entry : Entries(dir.path)) {
      std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(100);
      f.put('\x5a');
    }
    CHECK(CompileInChild(dir.path, text, false) == 0);
    CHECK(CompileInChild(dir.path, text, true) == 0);
  }
  SECTION("a truncated entry is compiled again") {
    for (const fs::path& entry : Entries(dir.path)) fs::resize_file(entry, 20);
    CHECK(CompileInChild(dir.path, text, false) == 0);
    CHECK(CompileInChild(dir.path, text, true) == 0);
  }
}

TEST_CASE("jit code cache: a directory others may write to is not used", "[jit][cache]") {
  TempDir dir;
  REQUIRE(jit::CodeCache::Open(dir.path) != nullptr);
  chmod(dir.path.c_str(), 0777);
  CHECK(jit::CodeCache::Open(dir.path) == nullptr);
  chmod(dir.path.c_str(), 0755);
  CHECK(jit::CodeCache::Open(dir.path) != nullptr);
  // A missing directory is made, for this user only.
  const fs::path made = dir.path / "jit";
  REQUIRE(jit::CodeCache::Open(made) != nullptr);
  struct stat st;
  REQUIRE(stat(made.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  // So are missing parents (the command line's default, ~/.cache/licit/jit, may be the first).
  const fs::path deep = dir.path / "cache" / "licit" / "jit";
  REQUIRE(jit::CodeCache::Open(deep.string()) != nullptr);
  for (const fs::path& d : {deep.parent_path().parent_path(), deep.parent_path(), deep}) {
    REQUIRE(stat(d.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
  }
  // Not below a file.
  std::ofstream(dir.path / "file") << "x";
  CHECK(jit::CodeCache::Open((dir.path / "file" / "jit").string()) == nullptr);
}

TEST_CASE("jit code cache: the least recently used entries go past the limit", "[jit][cache]") {
  TempDir dir;
  auto cache = jit::CodeCache::Open(dir.path, /*max_bytes=*/4000);
  REQUIRE(cache);
  auto object = [](char c) { return llvm::MemoryBuffer::getMemBufferCopy(std::string(1000, c)); };
  const std::string keys[] = {std::string(64, 'a'), std::string(64, 'b'), std::string(64, 'c')};
  cache->Store(keys[0], *object('a'));
  cache->Store(keys[1], *object('b'));
  cache->Store(keys[2], *object('c'));
  REQUIRE(Entries(dir.path).size() == 3);
  // Used: `a` is now the most recent, `b` the least.
  sleep(1);  // (the file system's time may be coarse)
  auto loaded = cache->Load(keys[0]);
  REQUIRE(loaded);
  CHECK(loaded->getBuffer() == std::string(1000, 'a'));
  cache->Store(std::string(64, 'd'), *object('d'));  // 4 x 1,032 bytes: past 4,000
  CHECK(cache->Load(keys[1]) == nullptr);
  CHECK(cache->Load(keys[0]) != nullptr);
  CHECK(Entries(dir.path).size() <= 3);
}

}  // namespace
}  // namespace licit
