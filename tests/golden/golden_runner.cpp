// Runs one golden case: spawns the licit binary with the case's arguments inside the suite
// directory, captures stdout, stderr and the exit status separately, and compares them with the
// case's .out file. With LICIT_UPDATE_GOLDENS=1 (or --update) it rewrites the .out instead.
//
// CMake registers every case as its own ctest test (tests/CMakeLists.txt), so the runner handles
// exactly one case per invocation and a failure names the case.
//
// Usage: golden_runner --licit PATH --suite-dir DIR --suite NAME --case NAME [--update]

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

// How a suite turns a case into a command line.
struct SuiteConfig {
  std::string name;
  // The case file's extension; the case name is the file name without it.
  std::string case_ext;
  // Default arguments; "{file}" is replaced by the case file's name. Empty for suites whose case
  // file is itself the argument list (cli).
  std::vector<std::string> default_args;
  // Engine variants: when non-empty, the case runs once per variant (the variant's argument is
  // inserted right after the subcommand) and every run must match the one expected output. This
  // is how eval goldens prove the interpreter and the JIT agree.
  std::vector<std::string> engine_variants;
  // The case file is the command's stdin (repl: a scripted session).
  bool case_is_stdin = false;
};

const std::vector<SuiteConfig>& Suites() {
  static const std::vector<SuiteConfig> kSuites = {
      {"parse", ".licit", {"dump", "--emit=ast", "{file}"}, {}},
      {"check", ".licit", {"check", "--color=never", "{file}"}, {}},
      // `licit analyze`: one finding per case (authoring.md section 3), and clean policies.
      {"analyze", ".licit", {"analyze", "--color=never", "{file}"}, {}},
      {"ir", ".licit", {"dump", "--emit=ir", "--color=never", "{file}"}, {}},
      {"cli", ".cmd", {}, {}},
      // Each eval case is a policy <name>.licit screening <name>.jsonl, run on both engines, so
      // every case proves the engines agree.
      {"eval",
       ".licit",
       {"run", "{file}", "--records", "{name}.jsonl", "--summary=counts"},
       {"--engine=interp", "--engine=jit"}},
      // Each repl case is a scripted session fed on stdin (`# golden-args:` on its first line
      // names policy files; the REPL skips comment lines), run on both engines.
      {"repl", ".in", {"repl", "--color=never"}, {"--engine=interp", "--engine=jit"}, true},
  };
  return kSuites;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Shell-like splitting: whitespace separates words; double quotes group, and inside them \" and
// \\ are escapes. Returns nullopt on an unterminated quote.
std::optional<std::vector<std::string>> SplitArgs(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
        cur += line[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quoted) return std::nullopt;
  if (in_word) out.push_back(cur);
  return out;
}

std::string FirstLine(const std::string& text) {
  size_t nl = text.find('\n');
  return text.substr(0, nl == std::string::npos ? text.size() : nl);
}

struct RunResult {
  std::string status;  // "0", "1", ... or "signal 11"
  std::string out;
  std::string err;
};

// Creates an empty temporary file and returns its path, or "" on failure.
std::string MakeTemp() {
  const char* dir = std::getenv("TMPDIR");
  std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/licit-golden-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return "";
  close(fd);
  return {buf.data()};
}

// Runs `argv` in `cwd`. Output goes to temporary files rather than pipes so a chatty child can
// never deadlock against us and stdout/stderr stay separate.
std::optional<RunResult> Run(const std::vector<std::string>& argv, const std::string& cwd,
                             const std::string& stdin_path, std::string* error) {
  std::string out_path = MakeTemp(), err_path = MakeTemp();
  if (out_path.empty() || err_path.empty()) {
    *error = "cannot create temporary files";
    return std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  pid_t pid;
  int rc = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    unlink(out_path.c_str());
    unlink(err_path.c_str());
    return std::nullopt;
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
  RunResult r;
  if (WIFEXITED(wstatus)) {
    r.status = std::to_string(WEXITSTATUS(wstatus));
  } else if (WIFSIGNALED(wstatus)) {
    r.status = "signal " + std::to_string(WTERMSIG(wstatus));
  } else {
    r.status = "unknown";
  }
  r.out = ReadFile(out_path).value_or("");
  r.err = ReadFile(err_path).value_or("");
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return r;
}

std::string Format(const RunResult& r) {
  return "exit: " + r.status + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start) + "\\ (no newline at end)");
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// A unified diff with 3 lines of context, from an LCS table. Goldens are small, so quadratic
// time is fine; huge outputs fall back to printing both sides.
std::string UnifiedDiff(const std::string& expected, const std::string& actual) {
  std::vector<std::string> a = SplitLines(expected), b = SplitLines(actual);
  const size_t n = a.size(), m = b.size();
  if (n * m > 25'000'000) {
    return "(outputs too large to diff)\n--- expected\n" + expected + "\n+++ actual\n" + actual;
  }
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Line {
    char tag;  // ' ', '-', '+'
    std::string text;
    size_t a_line, b_line;  // 1-based positions for hunk headers
  };
  std::vector<Line> script;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      script.push_back({' ', a[i], i + 1, j + 1});
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Deletions before insertions, so a changed line reads "-old" then "+new".
      script.push_back({'-', a[i], i + 1, j + 1});
      ++i;
    } else {
      script.push_back({'+', b[j], i + 1, j + 1});
      ++j;
    }
  }
  constexpr size_t kContext = 3;
  std::string out = "--- expected\n+++ actual\n";
  size_t k = 0;
  while (k < script.size()) {
    if (script[k].tag == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after the last change
    // that is within 2*kContext of the previous one.
    size_t begin = k >= kContext ? k - kContext : 0;
    size_t end = k;
    while (end < script.size()) {
      if (script[end].tag != ' ') {
        ++end;
        continue;
      }
      size_t run = end;
      while (run < script.size() && script[run].tag == ' ') ++run;
      if (run == script.size() || run - end > 2 * kContext) break;
      end = run;
    }
    size_t stop = std::min(script.size(), end + kContext);
    out += "@@ expected line " + std::to_string(script[begin].a_line) + ", actual line " +
           std::to_string(script[begin].b_line) + " @@\n";
    for (size_t t = begin; t < stop; ++t) {
      out += script[t].tag;
      out += script[t].text;
      out += '\n';
    }
    k = stop;
  }
  return out;
}

int Usage() {
  std::cerr << "usage: golden_runner --licit PATH --suite-dir DIR --suite NAME --case NAME "
               "[--update]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string licit, suite_dir, suite_name, case_name;
  const char* env_update = std::getenv("LICIT_UPDATE_GOLDENS");
  bool update = env_update && *env_update && std::string(env_update) != "0";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](std::string* dst) {
      if (i + 1 >= argc) return false;
      *dst = argv[++i];
      return true;
    };
    bool ok = true;
    if (a == "--licit") {
      ok = next(&licit);
    } else if (a == "--suite-dir") {
      ok = next(&suite_dir);
    } else if (a == "--suite") {
      ok = next(&suite_name);
    } else if (a == "--case") {
      ok = next(&case_name);
    } else if (a == "--update") {
      update = true;
    } else {
      ok = false;
    }
    if (!ok) return Usage();
  }
  if (licit.empty() || suite_dir.empty() || suite_name.empty() || case_name.empty()) return Usage();

  const SuiteConfig* suite = nullptr;
  for (const auto& s : Suites()) {
    if (s.name == suite_name) suite = &s;
  }
  if (!suite) {
    std::cerr << "golden_runner: unknown suite `" << suite_name << "`\n";
    return 2;
  }

  const std::string case_file = case_name + suite->case_ext;
  const std::string case_path = suite_dir + "/" + case_file;
  const std::string out_path = suite_dir + "/" + case_name + ".out";
  auto case_text = ReadFile(case_path);
  if (!case_text) {
    std::cerr << "golden_runner: cannot read " << case_path << "\n";
    return 1;
  }

  // The argument list: the .cmd's first line for cli, else the suite default or a
  // `# golden-args:` override on the case's first line.
  std::vector<std::string> args;
  if (suite->default_args.empty()) {
    auto split = SplitArgs(FirstLine(*case_text));
    if (!split) {
      std::cerr << "golden_runner: unterminated quote in " << case_path << "\n";
      return 1;
    }
    args = *split;
  } else {
    args = suite->default_args;
    constexpr std::string_view kMarker = "# golden-args:";
    std::string first = FirstLine(*case_text);
    if (first.rfind(kMarker, 0) == 0) {
      auto split = SplitArgs(first.substr(kMarker.size()));
      if (!split) {
        std::cerr << "golden_runner: unterminated quote in the golden-args of " << case_path
                  << "\n";
        return 1;
      }
      args = *split;
    }
    for (auto& arg : args) {
      for (size_t p; (p = arg.find("{file}")) != std::string::npos;) arg.replace(p, 6, case_file);
      for (size_t p; (p = arg.find("{name}")) != std::string::npos;) arg.replace(p, 6, case_name);
    }
  }
  std::string stdin_path = suite_dir + "/" + case_name + ".stdin";
  if (suite->case_is_stdin) {
    stdin_path = case_path;
  } else if (!FileExists(stdin_path)) {
    stdin_path = "/dev/null";
  }

  std::vector<std::string> variants = suite->engine_variants;
  if (variants.empty()) variants.push_back("");

  // Run every variant first, so a failure report can show all of them.
  std::vector<std::pair<std::string, std::string>> outputs;  // (variant, formatted output)
  for (const auto& variant : variants) {
    std::vector<std::string> argv = {licit};
    for (size_t k = 0; k < args.size(); ++k) {
      argv.push_back(args[k]);
      if (k == 0 && !variant.empty()) argv.push_back(variant);
    }
    if (args.empty() && !variant.empty()) argv.push_back(variant);
    std::string error;
    auto result = Run(argv, suite_dir, stdin_path, &error);
    if (!result) {
      std::cerr << "golden_runner: " << error << "\n";
      return 1;
    }
    outputs.emplace_back(variant, Format(*result));
  }

  const std::string test_name = "golden/" + suite_name + "/" + case_name;
  if (update) {
    for (size_t k = 1; k < outputs.size(); ++k) {
      if (outputs[k].second != outputs[0].second) {
        std::cerr << test_name << ": engines disagree; not updating. " << outputs[0].first << " vs "
                  << outputs[k].first << ":\n"
                  << UnifiedDiff(outputs[0].second, outputs[k].second);
        return 1;
      }
    }
    auto old = ReadFile(out_path);
    if (old && *old == outputs[0].second) return 0;
    if (!WriteFile(out_path, outputs[0].second)) {
      std::cerr << "golden_runner: cannot write " << out_path << "\n";
      return 1;
    }
    std::cout << (old ? "updated " : "created ") << out_path << "\n";
    return 0;
  }

  auto expected = ReadFile(out_path);
  if (!expected) {
    std::cerr << test_name << ": no expected output " << out_path << "\n"
              << "Create it from the current binary and review it:\n"
              << "  LICIT_UPDATE_GOLDENS=1 ctest --test-dir build/dev -R '^" << test_name
              << "$'   (or: make update-goldens)\n"
              << "Current output:\n"
              << outputs[0].second;
    return 1;
  }
  bool failed = false;
  for (const auto& [variant, actual] : outputs) {
    if (actual == *expected) continue;
    failed = true;
    std::cerr << test_name << (variant.empty() ? "" : " [" + variant + "]")
              << ": output differs from " << out_path << "\n"
              << UnifiedDiff(*expected, actual) << "\n";
  }
  if (failed) {
    std::cerr
        << "If the new output is right: LICIT_UPDATE_GOLDENS=1 ctest --test-dir build/dev -R '^"
        << test_name << "$' and review the diff.\n";
    return 1;
  }
  return 0;
}
