// Option parsing and output helpers shared by every `licit` subcommand. No external argument
// library: the CLI's options are few and uniform (`--name`, `--name=value`, `--name value`).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "licit/licit.hpp"

namespace licit::cli {

// Exit codes, per tools.md section 1. Scripts depend on them: never renumber.
inline constexpr int kExitOk = 0;
inline constexpr int kExitPolicyErrors = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailOn = 3;       // --fail-on tripped
inline constexpr int kExitInputErrors = 4;  // some records could not be read or judged
inline constexpr int kExitInternal = 70;

enum class DiagnosticsFormat { kText, kJson };
enum class ColorMode { kAuto, kAlways, kNever };

// The options every command accepts, plus the positional arguments.
struct CommonOptions {
  DiagnosticsFormat diagnostics = DiagnosticsFormat::kText;
  ColorMode color = ColorMode::kAuto;
  bool werror = false;
  // --max-source-bytes: refuse larger policy files (E0004); default sema::CheckOptions's 64 MiB.
  std::optional<size_t> max_source_bytes;
  bool help = false;
  std::vector<std::string> positional;
};

// A command-specific option. Exactly one of `value` (an option taking a value) or `flag` is set.
struct OptionSpec {
  std::string_view name;  // without the leading "--"
  std::string* value = nullptr;
  bool* flag = nullptr;
};

// Parses a command's arguments (the words after the command name). `-` and anything after `--`
// are positional. On a usage mistake returns false and sets *error to a one-line message.
bool ParseOptions(std::span<const std::string> args, const std::vector<OptionSpec>& extra,
                  CommonOptions* out, std::string* error);

// A byte count as options take it: digits with an optional K, M or G suffix (powers of 1024),
// "65536", "64M". False with a one-line usage message naming `--option`.
bool ParseByteCount(std::string_view option, std::string_view text, size_t* out,
                    std::string* error);

// Whether output gets ANSI colours: `auto` means the stream (stderr, where diagnostics go, or
// stdout) is a terminal and NO_COLOR is unset or empty (https://no-color.org).
bool UseColor(ColorMode mode, bool on_stdout = false);

// The engine options the common options ask for (--werror, --max-source-bytes).
licit::EngineOptions EngineOptionsFor(const CommonOptions& options, licit::EngineKind engine);

// Prints a compilation's diagnostics as the options ask (text on stderr, or one JSON document on
// stdout) and returns the exit code they imply: 1 when the compilation failed (errors, or
// warnings under --werror), 70 for internal errors (printed alone, "licit: internal error: ...":
// a bug, not the user's), else 0.
int ReportDiagnostics(const licit::Compilation& compilation, const CommonOptions& options);

// Policy file arguments: each FILE as given (`-` too), and every `*.licit` below each DIR, sorted,
// so the order is the same on every machine. False with *error for a directory that cannot be
// read.
bool ExpandPolicyPaths(const std::vector<std::string>& args, std::vector<std::string>* out,
                       std::string* error);

// --timeout SECONDS (a solver's limit per query) in milliseconds; false with *error.
bool ParseTimeout(const std::string& text, unsigned* ms, std::string* error);

// Prints a usage mistake and a hint to stderr and returns kExitUsage.
int UsageError(std::string_view command, std::string_view message);

// Writes to stdout exactly as given (no locale or newline translation).
void WriteStdout(std::string_view text);
void WriteStderr(std::string_view text);

// Runs a program's body: anything it throws is reported as a bug (exit 70), never as a policy
// verdict. Our code does not throw; this guards against the standard library and third-party
// code (std::bad_alloc, ANTLR). `licit` and licit-serve both run their main through it.
int RunGuarded(const std::function<int()>& body);

// Sets LICIT_JIT_CACHE to the per-user cache directory unless it is set (options.cpp says why).
// Called first by `licit` and licit-serve, before any thread starts.
void DefaultJitCache();

}  // namespace licit::cli
